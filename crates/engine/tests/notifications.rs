//! `@aws notifications`, `notifications test`, `mute` and `unmute`: what each answers, what
//! the store keeps (`engine::mutes` as the notification delivery reads it), and the audit
//! records. No AWS call is made, so no emulator is started.

mod common;

use common::{all_text, menu, posts};
use engine::message::ActionId;
use engine::mutes::{self, Mute};
use engine::{Engine, Event, Inbound, Options, Outbound, Place, Span};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use store::{AuditFilter, SqliteStore, Store};

const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

const CONFIG: &str = r#"
[[workspaces]]
name = "acme"
platform = "web"

[[accounts]]
name = "prod"
id = "123456789012"

[[roles]]
name = "ro"
policies = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ro"

[[channels]]
name = "security"
workspace = "acme"
platform_id = "C-SEC"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ro"

[[channels]]
name = "quiet"
workspace = "acme"
platform_id = "C-QUIET"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ro"

[[notifications]]
name = "prod-alarms"
topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"
channels = ["ops"]
names = ["orders-*", "payments-*"]
states = ["ALARM", "OK"]

[[notifications]]
name = "local-queue"
queue_url = "http://127.0.0.1:5000/123456789012/chatops"
raw_delivery = true
verify_signatures = false
channels = ["ops", "security"]

[[notifications]]
name = "findings"
topic_arn = "arn:aws:sns:eu-west-1:123456789012:security"
channels = ["security"]
sources = ["aws.guardduty"]
min_severity = "high"
"#;

struct Chat {
    engine: Engine,
    store: Arc<dyn Store>,
    now: Arc<AtomicI64>,
}

fn chat() -> Chat {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::in_memory().unwrap_or_else(|e| panic!("store: {e}")));
    let now = Arc::new(AtomicI64::new(T0));
    let clock = now.clone();
    let engine = engine::testing::engine(CONFIG, store.clone(), Options::default())
        .with_clock(Arc::new(move || clock.load(Ordering::SeqCst)));
    Chat { engine, store, now }
}

impl Chat {
    async fn say(&self, channel: &str, user: &str, text: &str) -> Vec<Outbound> {
        self.engine
            .handle_event(&Inbound {
                workspace: "acme".into(),
                channel: channel.into(),
                thread: None,
                user: user.into(),
                user_name: Some(format!("{user} name")),
                event: Event::Text { text: text.into() },
            })
            .await
    }

    async fn press(&self, channel: &str, message: &str, action: &str, value: &str) -> String {
        let out = self
            .engine
            .handle_event(&Inbound {
                workspace: "acme".into(),
                channel: channel.into(),
                thread: None,
                user: "alice".into(),
                user_name: None,
                event: Event::Action {
                    message: Some(message.into()),
                    action: action.into(),
                    value: value.into(),
                },
            })
            .await;
        all_text(&out)
    }

    fn advance(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }

    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    /// What the notification delivery asks before posting `name` in `channel`.
    async fn muted(&self, channel: &str, name: &str) -> Option<Mute> {
        let store = store::AsyncStore::new(self.store.clone());
        mutes::matching(&store, &place(channel), name, self.now()).await
    }

    fn audit(&self) -> Vec<store::AuditRecord> {
        self.store
            .query_audit(&AuditFilter::default())
            .unwrap_or_else(|e| panic!("audit: {e}"))
            .into_iter()
            .map(|e| e.record)
            .collect()
    }
}

fn place(channel: &str) -> Place {
    Place {
        workspace: "acme".into(),
        channel: channel.into(),
    }
}

/// The one message of an answer, and whether everyone sees it.
fn only_message(out: &[Outbound]) -> (String, bool) {
    let p = posts(out);
    assert_eq!(p.len(), 1, "{}", all_text(out));
    (p[0].plain(), p[0].only_to.is_none())
}

#[tokio::test]
async fn a_mute_silences_matching_names_in_its_channel_for_an_hour_by_default() {
    let c = chat();
    let out = c
        .say("C-OPS", "alice", "@aws notifications mute orders-*")
        .await;
    let (text, public) = only_message(&out);
    assert!(public, "the channel sees who muted what: {text}");
    assert!(
        text.contains(
            "<@alice> muted notifications matching `orders-*` in this channel until *2026-01-01 01:00 UTC* (1h)."
        ),
        "{text}"
    );
    assert!(
        text.contains("`@aws notifications unmute orders-*` lifts it early"),
        "{text}"
    );

    let m = c.muted("C-OPS", "orders-high-cpu").await.expect("muted");
    assert_eq!(
        m,
        Mute {
            pattern: "orders-*".into(),
            until_ms: T0 + HOUR,
            by: "alice".into(),
            at_ms: T0
        }
    );
    assert!(
        c.muted("C-OPS", "Orders-Latency").await.is_some(),
        "any case"
    );
    assert!(c.muted("C-OPS", "payments-latency").await.is_none());
    assert!(
        c.muted("C-SEC", "orders-high-cpu").await.is_none(),
        "another channel"
    );

    c.advance(HOUR - 1);
    assert!(c.muted("C-OPS", "orders-high-cpu").await.is_some());
    c.advance(1);
    assert!(
        c.muted("C-OPS", "orders-high-cpu").await.is_none(),
        "expired"
    );
    let out = c.say("C-OPS", "alice", "@aws notifications").await;
    assert!(
        all_text(&out).contains("Nothing is muted here"),
        "{}",
        all_text(&out)
    );
}

#[tokio::test]
async fn durations_are_read_as_the_configuration_reads_them() {
    let c = chat();
    for (typed, ms, said) in [
        ("30m", 30 * MINUTE, "until *2026-01-01 00:30 UTC* (30m)"),
        ("2d", 48 * HOUR, "until *2026-01-03 00:00 UTC* (2d)"),
        ("1h30m", 90 * MINUTE, "until *2026-01-01 01:30 UTC* (1h30m)"),
        ("30d", 720 * HOUR, "until *2026-01-31 00:00 UTC* (30d)"),
    ] {
        let out = c
            .say(
                "C-OPS",
                "bob",
                &format!("@aws notifications mute db-{typed} {typed}"),
            )
            .await;
        assert!(all_text(&out).contains(said), "{typed}: {}", all_text(&out));
        let m = c
            .muted("C-OPS", &format!("db-{typed}"))
            .await
            .expect("muted");
        assert_eq!(m.until_ms, T0 + ms, "{typed}");
    }
}

#[tokio::test]
async fn bad_mutes_are_explained_and_nothing_is_kept() {
    let c = chat();
    for (typed, expected) in [
        ("@aws notifications mute orders-* 1x", "unknown unit `x`"),
        (
            "@aws notifications mute orders-* soon",
            "`soon` is not a duration",
        ),
        ("@aws notifications mute orders-* 0m", "longer than zero"),
        (
            "@aws notifications mute orders-* 31d",
            "Not muted: a mute lasts at most 30 days; 31d is longer.",
        ),
        (
            "@aws notifications mute orders-* 1 hour",
            "quote a name with spaces",
        ),
        (
            "@aws notifications mute 2h",
            "What should be muted for `2h`?",
        ),
        ("@aws notifications mute", "Usage:"),
        ("@aws notifications mute 'orders", "not closed"),
        ("@aws notifications test now", "Usage:"),
    ] {
        let out = c.say("C-OPS", "alice", typed).await;
        let (text, public) = only_message(&out);
        assert!(!public, "{typed}: errors go to the asker only");
        assert!(text.contains(expected), "{typed}: {text}");
    }
    let store = store::AsyncStore::new(c.store.clone());
    assert!(mutes::active(&store, &place("C-OPS"), T0).await.is_empty());
    assert!(c.audit().is_empty(), "refused mutes are not audit records");
}

#[tokio::test]
async fn a_quoted_name_with_spaces_is_one_pattern() {
    let c = chat();
    let out = c
        .say(
            "C-OPS",
            "alice",
            "@aws notifications mute \"Orders high CPU\" 2h",
        )
        .await;
    assert!(
        all_text(&out).contains("`Orders high CPU`"),
        "{}",
        all_text(&out)
    );
    assert!(c.muted("C-OPS", "orders HIGH cpu").await.is_some());
}

#[tokio::test]
async fn unmute_lifts_a_pattern_and_says_when_nothing_matched() {
    let c = chat();
    c.say("C-OPS", "alice", "@aws notifications mute orders-* 2h")
        .await;
    c.say("C-OPS", "alice", "@aws notifications mute payments 2h")
        .await;

    // A name that a pattern silences: the answer names the pattern to unmute.
    let out = c
        .say("C-OPS", "bob", "@aws notifications unmute orders-high-cpu")
        .await;
    let (text, public) = only_message(&out);
    assert!(!public);
    assert!(
        text.contains("Nothing is muted as `orders-high-cpu`, but it is silenced by `orders-*` (until 2026-01-01 02:00 UTC): `@aws notifications unmute orders-*` lifts that."),
        "{text}"
    );

    let out = c
        .say("C-OPS", "bob", "@aws notifications unmute orders-*")
        .await;
    let (text, public) = only_message(&out);
    assert!(public, "{text}");
    assert!(
        text.contains(
            "<@bob> unmuted `orders-*`: matching notifications arrive in this channel again."
        ),
        "{text}"
    );
    assert!(c.muted("C-OPS", "orders-high-cpu").await.is_none());
    assert!(
        c.muted("C-OPS", "payments").await.is_some(),
        "the other mute stays"
    );

    let out = c
        .say("C-OPS", "bob", "@aws notifications unmute orders-*")
        .await;
    let (text, _) = only_message(&out);
    assert!(
        text.contains(
            "Nothing is muted as `orders-*`; `@aws notifications` lists this channel's mutes."
        ),
        "{text}"
    );
}

#[tokio::test]
async fn unmute_all_lifts_every_mute_of_the_channel_only() {
    let c = chat();
    c.say("C-OPS", "alice", "@aws notifications mute orders-*")
        .await;
    c.say("C-OPS", "alice", "@aws notifications mute payments-* 1d")
        .await;
    c.say("C-SEC", "alice", "@aws notifications mute Recon:*")
        .await;
    let out = c.say("C-OPS", "bob", "@aws notifications unmute all").await;
    let (text, public) = only_message(&out);
    assert!(public);
    assert!(
        text.contains("<@bob> lifted every mute in this channel: `orders-*`, `payments-*`."),
        "{text}"
    );
    assert!(mutes::active(
        &store::AsyncStore::new(c.store.clone()),
        &place("C-OPS"),
        c.now()
    )
    .await
    .is_empty());
    assert!(
        c.muted("C-SEC", "Recon:EC2/PortProbe").await.is_some(),
        "another channel's mute stays"
    );

    let out = c.say("C-OPS", "bob", "@aws notifications unmute ALL").await;
    assert!(
        all_text(&out).contains("Nothing is muted in this channel."),
        "{}",
        all_text(&out)
    );
}

#[tokio::test]
async fn mutes_and_unmutes_are_audited() {
    let c = chat();
    c.say("C-OPS", "alice", "@aws notifications mute orders-* 30m")
        .await;
    c.advance(MINUTE);
    c.say("C-OPS", "bob", "@aws notifications unmute orders-*")
        .await;
    c.say("C-OPS", "bob", "@aws notifications unmute orders-*")
        .await; // nothing to lift: no record
    let audit = c.audit();
    assert_eq!(audit.len(), 2, "{audit:#?}");
    let (muted, unmuted) = (&audit[0], &audit[1]);
    assert_eq!(muted.command, "notifications mute orders-* 30m");
    assert_eq!(muted.user, "alice");
    assert_eq!(muted.user_name.as_deref(), Some("alice name"));
    assert_eq!(
        (muted.workspace.as_str(), muted.channel.as_str()),
        ("acme", "C-OPS")
    );
    assert_eq!(muted.decision, "allowed");
    assert_eq!(muted.outcome, "muted");
    assert_eq!(muted.reason, "orders-* until 2026-01-01 00:30 UTC");
    assert_eq!(
        (muted.account.as_deref(), muted.region.as_deref()),
        (None, None)
    );
    assert_eq!(muted.time, T0);
    assert_eq!(unmuted.command, "notifications unmute orders-*");
    assert_eq!(unmuted.user, "bob");
    assert_eq!(unmuted.outcome, "unmuted");
    assert_eq!(unmuted.decision, "allowed");
    assert_eq!(unmuted.reason, "lifted: orders-*");
    assert_eq!(unmuted.time, T0 + MINUTE);
}

#[tokio::test]
async fn notifications_test_lists_this_channels_routes_only_and_posts_a_sample() {
    let c = chat();
    c.say("C-OPS", "alice", "@aws notifications mute orders-* 2h")
        .await;
    let out = c.say("C-OPS", "alice", "@aws notifications test").await;
    let (text, public) = only_message(&out);
    assert!(public, "the test is a post everyone sees: {text}");
    assert!(
        text.starts_with("🧪 Test notification: notifications reach this channel."),
        "{text}"
    );
    assert!(
        text.contains("This channel (ops) receives notifications from 2 routes:"),
        "{text}"
    );
    assert!(
        text.contains("• *prod-alarms*: topic `arn:aws:sns:us-east-1:123456789012:alarms` (account prod): notifications named `orders-*` or `payments-*`; in states `ALARM`, `OK`. Signatures are checked."),
        "{text}"
    );
    assert!(
        text.contains("• *local-queue*: queue `http://127.0.0.1:5000/123456789012/chatops` (raw delivery) (account prod): everything published. ⚠️ Signatures are not checked"),
        "{text}"
    );
    assert!(
        !text.contains("findings"),
        "another channel's route: {text}"
    );
    assert!(
        text.contains("• `orders-*` until 2026-01-01 02:00 UTC, set by <@alice>"),
        "{text}"
    );

    let out = c.say("C-SEC", "alice", "@aws notifications test").await;
    let (text, _) = only_message(&out);
    assert!(text.contains("*findings*"), "{text}");
    assert!(
        text.contains(
            "notifications from sources `aws.guardduty`; of severity `high` or higher (or none)"
        ),
        "{text}"
    );
    assert!(text.contains("*local-queue*"), "{text}");
    assert!(!text.contains("prod-alarms"), "{text}");
    assert!(text.contains("Nothing is muted here."), "{text}");
}

#[tokio::test]
async fn notifications_without_test_answer_the_asker_only() {
    let c = chat();
    let out = c.say("C-OPS", "alice", "notifications").await;
    let (text, public) = only_message(&out);
    assert!(!public);
    assert!(!text.contains("Test notification"), "{text}");
    assert!(text.contains("*prod-alarms*"), "{text}");
}

#[tokio::test]
async fn a_channel_no_route_lists_is_told_how_to_add_one() {
    let c = chat();
    let out = c.say("C-QUIET", "alice", "@aws notifications test").await;
    let (text, public) = only_message(&out);
    assert!(public);
    assert!(text.contains("🧪 Test notification"), "{text}");
    assert!(
        text.contains("No notification route lists this channel (quiet), so no alarms or events arrive here. To send some here, an admin adds a `[[notifications]]` entry with `channels = [\"quiet\"]` and a `topic_arn` (or `queue_url`) to the configuration"),
        "{text}"
    );
    let out = c.say("C-QUIET", "alice", "@aws notifications mute x").await;
    assert!(
        all_text(&out).contains("No notification route lists this channel yet"),
        "{}",
        all_text(&out)
    );
}

#[tokio::test]
async fn patterns_from_users_are_shown_as_typed_never_as_markup() {
    let c = chat();
    let out = c
        .say("C-OPS", "mallory", "@aws notifications mute '*<@U1>`x' 1h")
        .await;
    let p = posts(&out);
    let spans: Vec<&Span> = p
        .iter()
        .flat_map(|m| m.blocks.iter())
        .filter_map(|b| match b {
            engine::Block::Text { text } => Some(text.0.iter()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(spans.contains(&&Span::Code("*<@U1>`x".into())), "{spans:?}");
    assert!(!spans.contains(&&Span::Mention("U1".into())), "{spans:?}");
}

#[tokio::test]
async fn help_has_a_notifications_topic() {
    let c = chat();
    let out = c.say("C-OPS", "alice", "@aws help").await;
    let (msg, action, options) = menu(&out).expect("a menu");
    assert_eq!(action, ActionId::HELP);
    assert!(options
        .iter()
        .any(|(label, value)| label == "Notifications" && value == "notifications"));
    let text = c.press("C-OPS", &msg, &action, "notifications").await;
    assert!(
        text.contains("@aws notifications mute <alarm-name-or-pattern> [duration]"),
        "{text}"
    );
    assert!(text.contains("unmute all"), "{text}");
}

#[tokio::test]
async fn other_words_after_notifications_are_the_aws_user_notifications_service() {
    let c = chat();
    let out = c
        .say("C-OPS", "alice", "@aws notifications list-channels --help")
        .await;
    let text = all_text(&out);
    assert!(!text.contains("Usage: `@aws notifications`"), "{text}");
    assert!(
        text.contains("list-channels"),
        "help from the service model: {text}"
    );
    let out = c.say("C-OPS", "alice", "@aws notifications snooze x").await;
    let text = all_text(&out);
    assert!(!text.contains("Usage: `@aws notifications`"), "{text}");
    assert!(text.starts_with("error:"), "the CLI's own answer: {text}");
    assert!(c.audit().is_empty() || c.audit().iter().all(|r| r.outcome != "muted"));
}

#[tokio::test]
async fn a_long_list_of_mutes_is_cut() {
    let c = chat();
    for i in 0..25 {
        c.say(
            "C-OPS",
            "alice",
            &format!("@aws notifications mute alarm-{i:02}"),
        )
        .await;
    }
    let out = c.say("C-OPS", "alice", "@aws notifications").await;
    let p = posts(&out);
    assert_eq!(p.len(), 1);
    assert!(p[0].blocks.len() < 50, "{} blocks", p[0].blocks.len());
    let text = p[0].plain();
    assert!(text.contains("`alarm-19`"), "{text}");
    assert!(!text.contains("`alarm-20`"), "{text}");
    assert!(text.contains("… and 5 more."), "{text}");
    assert_eq!(
        mutes::active(
            &store::AsyncStore::new(c.store.clone()),
            &place("C-OPS"),
            c.now()
        )
        .await
        .len(),
        25
    );
}
