//! `@aws notifications`: what this channel receives and what is muted here;
//! `notifications test` posts the same with a sample line, so a user sees the bot can post;
//! `notifications mute <alarm-or-pattern> [duration]` and `notifications unmute <pattern>` /
//! `unmute all` (see [`crate::mutes`]), each recorded in the audit log.

use std::time::Duration;

use crate::actions::utc_date_time;
use crate::engine::{say, Engine, Turn};
use crate::message::Message;
use crate::mutes::{self, describe_duration, Mute};
use crate::poster::Place;
use crate::text::{code, first_word, literal, mention, strip_mention, strong};
use config::{NotificationFilter, NotificationRoute, NotificationSource};
use store::AuditRecord;

/// How long a mute lasts when no duration is given.
pub const DEFAULT_MUTE: Duration = Duration::from_secs(3600);

/// At most this many routes, and this many mutes, are listed one by one: a message stays
/// within what every surface shows (Slack takes 50 blocks).
const MAX_LISTED: usize = 20;

/// The line `notifications test` adds, so nobody takes it for a real alarm.
pub const TEST_LINE: &str = "🧪 Test notification: notifications reach this channel.";

const USAGE: &str = "Usage: `@aws notifications` (what this channel receives), `@aws notifications test` (the same, with a test post), `@aws notifications mute <alarm-name-or-pattern> [duration]` (30m, 1h, 2d, 1h30m; default 1h, at most 30 days), `@aws notifications unmute <pattern>`, `@aws notifications unmute all`. Other words after `notifications` are commands of the AWS User Notifications service (`@aws notifications help`).";

/// Whether `@aws notifications REST` is this command rather than the AWS CLI's
/// `notifications` service (AWS User Notifications: `@aws notifications list-channels`),
/// which keeps working: none of its operations is named `test`, `mute` or `unmute`.
pub(crate) fn is_ours(rest: &str) -> bool {
    matches!(first_word(rest).0.as_str(), "" | "test" | "mute" | "unmute")
}

impl Engine {
    /// `@aws notifications …`; `raw` is the text as typed (for the audit log).
    pub(crate) async fn notifications_command(&self, t: &mut Turn<'_>, raw: &str, rest: &str) {
        let (verb, args) = first_word(rest);
        match verb.as_str() {
            "" => self.notifications_overview(t, false).await,
            "test" if args.is_empty() => self.notifications_overview(t, true).await,
            "mute" => self.mute_command(t, raw, args).await,
            "unmute" => self.unmute_command(t, raw, args).await,
            _ => t.tell(say(USAGE)),
        }
    }

    /// The channel's routes, in words, and its mutes. Shown to the asker only; with `test`
    /// posted in the channel with [`TEST_LINE`], so the post itself is the test.
    async fn notifications_overview(&self, t: &mut Turn<'_>, test: bool) {
        let mut m = Message::default();
        let routes: Vec<&NotificationRoute> = self.cfg.routes_to(&t.channel.name).collect();
        if test {
            m.text(TEST_LINE);
        }
        if routes.is_empty() {
            m.text(format!(
                "No notification route lists this channel ({}), so no alarms or events arrive here. To send some here, an admin adds a {} entry with {} and a {} (or {}) to the configuration, then runs {}.",
                literal(&t.channel.name),
                code("[[notifications]]"),
                code(format!("channels = [\"{}\"]", t.channel.name)),
                code("topic_arn"),
                code("queue_url"),
                code("chatops config check"),
            ));
        } else {
            m.text(format!(
                "This channel ({}) receives notifications from {}:",
                literal(&t.channel.name),
                if routes.len() == 1 {
                    "one route".to_string()
                } else {
                    format!("{} routes", routes.len())
                }
            ));
            for route in routes.iter().take(MAX_LISTED) {
                m.text(describe_route(route));
            }
            if routes.len() > MAX_LISTED {
                m.text(format!(
                    "… and {} more (see the configuration's [[notifications]]).",
                    routes.len() - MAX_LISTED
                ));
            }
        }
        let place = place_of(t);
        let active = mutes::active(&self.store, &place, t.now).await;
        if active.is_empty() {
            m.context("Nothing is muted here. `@aws notifications mute <alarm-or-pattern> 1h` silences matching notifications for a while.");
        } else {
            m.text("Muted here:");
            for mute in active.iter().take(MAX_LISTED) {
                m.text(format!("• {}", describe_mute(mute)));
            }
            if active.len() > MAX_LISTED {
                m.text(format!("… and {} more.", active.len() - MAX_LISTED));
            }
            m.context("`@aws notifications unmute <pattern>` or `@aws notifications unmute all` lifts a mute early.");
        }
        if test {
            t.post(m);
        } else {
            t.tell(m);
        }
    }

    async fn mute_command(&self, t: &mut Turn<'_>, raw: &str, args: &str) {
        let words = match command::tokenize(args) {
            Ok(w) => w,
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        };
        let (pattern, duration) = match words.as_slice() {
            [] => return t.tell(say(USAGE)),
            [only] if config::parse_duration(only).is_ok() => {
                t.tell(say(format!(
                    "What should be muted for {}? Say {}.",
                    code(only),
                    code(format!(
                        "@aws notifications mute <alarm-name-or-pattern> {only}"
                    ))
                )));
                return;
            }
            [pattern] => (pattern.as_str(), DEFAULT_MUTE),
            [pattern, duration] => match config::parse_duration(duration) {
                Ok(d) => (pattern.as_str(), d),
                Err(e) => {
                    t.tell(say(format!(
                        "{} Write how long as 30m, 1h, 2d or 1h30m (at most 30 days).",
                        literal(e)
                    )));
                    return;
                }
            },
            _ => {
                t.tell(say(format!(
                    "{} takes one alarm name or pattern and an optional duration; quote a name with spaces: {}.",
                    code("@aws notifications mute"),
                    code("@aws notifications mute \"Orders high CPU\" 2h")
                )));
                return;
            }
        };
        let place = place_of(t);
        match mutes::mute(&self.store, &place, pattern, duration, &t.ev.user, t.now).await {
            Ok(mute) => {
                let until = utc_date_time(mute.until_ms);
                let mut m = say(format!(
                    "{} muted notifications matching {} in this channel until {} ({}).",
                    mention(&t.ev.user),
                    code(&mute.pattern),
                    strong(&until),
                    literal(describe_duration(duration))
                ));
                if self.cfg.routes_to(&t.channel.name).next().is_none() {
                    m.context("No notification route lists this channel yet, so nothing arrives here to mute.");
                }
                m.context(format!(
                    "{} lifts it early.",
                    code(format!("@aws notifications unmute {}", mute.pattern))
                ));
                t.post(m);
                self.audit_mute(t, raw, "muted", &format!("{} until {until}", mute.pattern))
                    .await;
            }
            Err(mutes::MuteError::Store(e)) => {
                t.tell(say(format!("error: {}", literal(e))));
            }
            Err(e) => t.tell(say(format!("Not muted: {}.", literal(e)))),
        }
    }

    async fn unmute_command(&self, t: &mut Turn<'_>, raw: &str, args: &str) {
        let words = match command::tokenize(args) {
            Ok(w) => w,
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        };
        let place = place_of(t);
        let store = &self.store;
        let (all, lifted) = match words.as_slice() {
            [word] if word.eq_ignore_ascii_case("all") => {
                (true, mutes::unmute_all(store, &place, t.now).await)
            }
            [pattern] => (false, mutes::unmute(store, &place, pattern, t.now).await),
            _ => {
                t.tell(say(
                    "Usage: `@aws notifications unmute <pattern>` (the pattern as it was muted) or `@aws notifications unmute all`.",
                ));
                return;
            }
        };
        let lifted = match lifted {
            Ok(l) => l,
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        };
        if lifted.is_empty() {
            let text = match words.first() {
                Some(_) if all => "Nothing is muted in this channel.".to_string(),
                Some(pattern) => self.nothing_muted_as(t, &place, pattern).await,
                None => return,
            };
            t.tell(say(text));
            return;
        }
        let patterns: Vec<String> = lifted.iter().map(|m| code(&m.pattern)).collect();
        let text = if all {
            format!(
                "{} lifted every mute in this channel: {}. Notifications matching them arrive again.",
                mention(&t.ev.user),
                patterns.join(", ")
            )
        } else {
            format!(
                "{} unmuted {}: matching notifications arrive in this channel again.",
                mention(&t.ev.user),
                patterns.join(", ")
            )
        };
        t.post(say(text));
        let reason: Vec<&str> = lifted.iter().map(|m| m.pattern.as_str()).collect();
        self.audit_mute(t, raw, "unmuted", &format!("lifted: {}", reason.join(", ")))
            .await;
    }

    /// "Nothing is muted as `x`", and, when `x` names an alarm a pattern silences, which
    /// pattern to unmute instead.
    async fn nothing_muted_as(&self, t: &Turn<'_>, place: &Place, pattern: &str) -> String {
        let store = &self.store;
        match mutes::matching(store, place, pattern, t.now).await {
            Some(m) => format!(
                "Nothing is muted as {}, but it is silenced by {} (until {}): {} lifts that.",
                code(pattern),
                code(&m.pattern),
                literal(utc_date_time(m.until_ms)),
                code(format!("@aws notifications unmute {}", m.pattern))
            ),
            None if mutes::active(store, place, t.now).await.is_empty() => {
                format!(
                    "Nothing is muted as {}: nothing is muted in this channel.",
                    code(pattern)
                )
            }
            None => format!(
                "Nothing is muted as {}; {} lists this channel's mutes.",
                code(pattern),
                code("@aws notifications")
            ),
        }
    }

    /// The audit record of a mute or an unmute: who, where, the text typed.
    async fn audit_mute(&self, t: &Turn<'_>, raw: &str, outcome: &str, reason: &str) {
        self.record(AuditRecord {
            decision: "allowed".into(),
            reason: reason.into(),
            outcome: outcome.into(),
            ..self.turn_record(t, strip_mention(raw))
        })
        .await;
    }
}

/// The event's channel as the notification side names it.
fn place_of(t: &Turn<'_>) -> Place {
    Place {
        workspace: t.ev.workspace.clone(),
        channel: t.ev.channel.clone(),
    }
}

/// "• *prod-alarms*: topic `arn:…` (account prod): alarms named `orders-*`; … Signatures
/// are checked."
fn describe_route(route: &NotificationRoute) -> String {
    let source = match &route.source {
        NotificationSource::Topic { arn } => format!("topic {}", code(arn)),
        NotificationSource::Queue { url, raw } => format!(
            "queue {}{}",
            code(url),
            if *raw { " (raw delivery)" } else { "" }
        ),
    };
    let account = match &route.account {
        Some(a) => format!(" (account {})", literal(a)),
        None => String::new(),
    };
    let signatures = if route.verify_signatures {
        "Signatures are checked."
    } else {
        "⚠️ Signatures are not checked (an emulator's route)."
    };
    format!(
        "• {}: {source}{account}: {}. {signatures}",
        strong(&route.name),
        describe_filter(&route.filter)
    )
}

/// A route's filters in words; "everything published" when it has none.
fn describe_filter(f: &NotificationFilter) -> String {
    let list = |values: &[String], sep: &str| values.iter().map(code).collect::<Vec<_>>().join(sep);
    let lists: [(&str, &[String], &str); 6] = [
        ("from sources", &f.sources, ", "),
        ("of detail types", &f.detail_types, ", "),
        ("named", &f.names, " or "),
        ("in states", &f.states, ", "),
        ("from accounts", &f.accounts, ", "),
        ("in regions", &f.regions, ", "),
    ];
    let mut parts: Vec<String> = lists
        .iter()
        .filter(|(_, values, _)| !values.is_empty())
        .map(|(what, values, sep)| format!("{what} {}", list(values, sep)))
        .collect();
    if let Some(s) = &f.min_severity {
        parts.push(format!("of severity {} or higher (or none)", code(s)));
    }
    if parts.is_empty() {
        "everything published".to_string()
    } else {
        format!("notifications {}", parts.join("; "))
    }
}

/// "`orders-*` until 2026-01-01 01:00 UTC, set by @alice".
fn describe_mute(m: &Mute) -> String {
    format!(
        "{} until {}, set by {}",
        code(&m.pattern),
        literal(utc_date_time(m.until_ms)),
        mention(&m.by)
    )
}

impl Engine {
    /// `@aws actions list`: the custom actions (`[[actions]]`) this channel's notifications
    /// carry, with what they run and when they show.
    pub(crate) fn actions_list(&self, t: &mut Turn<'_>) {
        let mine: Vec<&config::CustomAction> = self
            .cfg
            .actions
            .iter()
            .filter(|a| a.channels.is_empty() || a.channels.contains(&t.channel.name))
            .collect();
        if mine.is_empty() {
            t.tell(say(
                "No custom actions show in this channel. An admin adds `[[actions]]` entries to the configuration (name, button_text, command with $Variables, notification_type, optional criteria and channels).",
            ));
            return;
        }
        let mut m = Message::default();
        m.text(format!(
            "*Custom actions on this channel's notifications* ({}):",
            mine.len()
        ));
        for a in mine {
            let when = if a.criteria.is_empty() {
                String::new()
            } else {
                let parts: Vec<String> = a
                    .criteria
                    .iter()
                    .map(|c| match c {
                        config::Criterion::Equals { variable, value } => {
                            format!("{variable} = {value}")
                        }
                        config::Criterion::HasValue { variable } => {
                            format!("{variable} has a value")
                        }
                    })
                    .collect();
                format!(" when {}", literal(parts.join(" and ")))
            };
            m.text(format!(
                "• {} ({}) on {} notifications{when}: {}",
                strong(&a.button_text),
                literal(&a.name),
                literal(&a.notification_type),
                code(&a.command)
            ));
        }
        m.context("Pressing one runs its command as you, with the notification's values: the channel's guardrails apply, changes ask for Run, and it is audited.");
        t.tell(m);
    }
}
