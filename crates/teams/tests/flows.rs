//! The conversation through Teams: activities shaped like the Bot Framework's, each with a
//! token the local identity double signed, go to `/teams/messages`; the real engine runs
//! commands on moto, and the Bot Connector double records what the bot posts and updates.

use engine::Options;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::{AuditFilter, SqliteStore, Store};
use teams::auth::{AuthSettings, Verifier};
use teams::connector::Connector;
use teams::server::{Teams, TeamsSettings};
use teams::testing::connector::{ConnectorCall, ConnectorDouble};
use teams::testing::identity::IdentityDouble;
use teams::token::TokenSource;
use testkit::Moto;

const APP_ID: &str = "6f0c3f4e-1111-4222-8333-944455556666";
const APP_PASSWORD: &str = "s3cret~value";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const BOT: &str = "28:6f0c3f4e-1111-4222-8333-944455556666";
const WAIT: Duration = Duration::from_secs(20);

const CONFIG: &str = r#"
[[workspaces]]
name = "contoso"
platform = "teams"
tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto}"

[[policies]]
name = "queue-writes"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]}'

[[roles]]
name = "readonly"
policies = ["ReadOnly"]

[[roles]]
name = "operator"
policies = ["AdministratorAccess"]

[[channels]]
name = "ro"
workspace = "contoso"
platform_id = "19:ro0000@thread.tacv2"
accounts = ["dev"]
role_setting = "channel"
channel_role = "readonly"
guardrails = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "contoso"
platform_id = "19:ops000@thread.tacv2"
accounts = ["dev"]
role_setting = "channel"
channel_role = "operator"
guardrails = ["ReadOnly", "queue-writes"]

[[channels]]
name = "me"
workspace = "contoso"
platform_id = "a:1personalchat"
accounts = ["dev"]
role_setting = "channel"
channel_role = "readonly"
guardrails = ["ReadOnly"]
"#;

struct World {
    moto: Moto,
    store: Arc<dyn Store>,
    identity: Arc<IdentityDouble>,
    connector: ConnectorDouble,
    teams: Teams,
    url: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn world() -> World {
    let moto = Moto::start();
    let toml = CONFIG.replace("{moto}", &moto.url);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let engine = engine::testing::engine(&toml, store.clone(), Options::default());
    let identity = Arc::new(IdentityDouble::start(APP_ID, APP_PASSWORD).await);
    let issuer = identity.clone();
    let connector = ConnectorDouble::start(move |t| issuer.is_issued(t)).await;
    let http = reqwest::Client::new();
    let mut auth = AuthSettings::new(APP_ID);
    auth.openid_metadata_url = identity.metadata_url();
    // Asking again for keys after a failed fetch: sooner than in production, for the test.
    auth.retry_after_failure = Duration::from_millis(300);
    let verifier = Verifier::new(auth, http.clone());
    let tokens = TokenSource::new(identity.token_settings(), http.clone());
    let teams = Teams::new(
        TeamsSettings {
            tenants: HashMap::from([(TENANT.to_string(), "contoso".to_string())]),
        },
        verifier,
        Connector::new(http.clone(), tokens),
        Arc::new(engine),
        store.clone(),
        connector.service_url.clone(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        teams::server::PATH
    );
    let router = teams.router();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    World {
        moto,
        store,
        identity,
        connector,
        teams,
        url,
        http,
        _stop: tx,
    }
}

impl World {
    /// Sends an activity with a valid token; the HTTP status.
    async fn send(&self, activity: &Value) -> u16 {
        let service_url = activity["serviceUrl"].as_str().unwrap_or_default();
        let token = self
            .identity
            .mint(&self.identity.valid_claims(APP_ID, service_url));
        self.send_with(activity, Some(&format!("Bearer {token}")))
            .await
    }

    async fn send_with(&self, activity: &Value, authorization: Option<&str>) -> u16 {
        let mut req = self.http.post(&self.url).json(activity);
        if let Some(a) = authorization {
            req = req.header("authorization", a);
        }
        req.send().await.unwrap().status().as_u16()
    }

    async fn idle(&self) {
        assert!(
            self.teams.wait_idle(WAIT).await,
            "the Teams surface never went idle"
        );
    }

    fn channel_message(&self, id: &str, channel: &str, root: Option<&str>, text: &str) -> Value {
        let conversation = match root {
            Some(r) => format!("{channel};messageid={r}"),
            None => channel.to_string(),
        };
        json!({
            "type": "message",
            "id": id,
            "timestamp": "2026-12-04T10:00:00.000Z",
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
            "from": {"id": "29:1ana", "name": "Ana Lima", "aadObjectId": "00000000-0000-0000-0000-00000000a11a"},
            "conversation": {"id": conversation, "conversationType": "channel", "tenantId": TENANT, "isGroup": true},
            "recipient": {"id": BOT, "name": "aws"},
            "text": format!("<at>aws</at>&nbsp;{text}\n"),
            "textFormat": "plain",
            "entities": [{"type": "mention", "text": "<at>aws</at>", "mentioned": {"id": BOT, "name": "aws"}}],
            "channelData": {"tenant": {"id": TENANT}, "teamsChannelId": channel},
        })
    }

    /// The activity Teams sends when `user` presses the action titled `title` on the card
    /// of `call` (its data, and the inputs' values beside it), choosing `choice` in the
    /// card's menu when given.
    fn press(&self, call: &ConnectorCall, id: &str, title: &str, choice: Option<&str>) -> Value {
        let card = call.card().expect("a card");
        let data = find_action(card, title)
            .unwrap_or_else(|| panic!("no action {title:?} on {card:#}"))
            .get("data")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut value = data.as_object().cloned().unwrap_or_default();
        if let Some(choice) = choice {
            let input = find_type(card, "Input.ChoiceSet").expect("a menu");
            value.insert(input["id"].as_str().unwrap().to_string(), json!(choice));
        }
        let (channel, root) = match call.conversation.split_once(";messageid=") {
            Some((c, r)) => (c.to_string(), Some(r.to_string())),
            None => (call.conversation.clone(), None),
        };
        let conversation = match &root {
            Some(r) => format!("{channel};messageid={r}"),
            None => channel.clone(),
        };
        let kind = if channel.starts_with("19:") {
            "channel"
        } else {
            "personal"
        };
        json!({
            "type": "message",
            "id": id,
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
            "from": {"id": "29:1ana", "name": "Ana Lima", "aadObjectId": "00000000-0000-0000-0000-00000000a11a"},
            "conversation": {"id": conversation, "conversationType": kind, "tenantId": TENANT},
            "recipient": {"id": BOT, "name": "aws"},
            "replyToId": call.created.clone().or(call.activity.clone()),
            "value": Value::Object(value),
            "channelData": {"tenant": {"id": TENANT}},
        })
    }
}

impl World {
    /// The activity Teams sends when the user picks `value` on the card of `call`: the
    /// button titled with it, else the menu offering it and the menu's own submit.
    fn choose(&self, call: &ConnectorCall, id: &str, value: &str) -> Value {
        let card = call.card().expect("a card");
        let mut submits = Vec::new();
        all_of(card, "Action.Submit", &mut submits);
        if let Some(b) = submits.iter().find(|a| a["title"] == value) {
            let title = b["title"].as_str().unwrap().to_string();
            return self.press(call, id, &title, None);
        }
        let mut menus = Vec::new();
        all_of(card, "Input.ChoiceSet", &mut menus);
        let menu = menus
            .iter()
            .find(|m| {
                m["choices"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["value"] == value))
            })
            .unwrap_or_else(|| panic!("nothing offers {value:?} on {card:#}"));
        let input = menu["id"].as_str().unwrap();
        let submit = submits
            .iter()
            .find(|a| a.pointer("/data/chatops/i").and_then(Value::as_str) == Some(input))
            .unwrap_or_else(|| panic!("the menu {input} has no submit on {card:#}"));
        let title = submit["title"].as_str().unwrap().to_string();
        self.press(call, id, &title, Some(value))
    }
}

fn all_of<'a>(v: &'a Value, kind: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some(kind) {
                out.push(v);
            }
            m.values().for_each(|c| all_of(c, kind, out));
        }
        Value::Array(a) => a.iter().for_each(|c| all_of(c, kind, out)),
        _ => {}
    }
}

fn find_action<'a>(v: &'a Value, title: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some("Action.Submit")
                && m.get("title").and_then(Value::as_str) == Some(title)
            {
                return Some(v);
            }
            m.values().find_map(|c| find_action(c, title))
        }
        Value::Array(a) => a.iter().find_map(|c| find_action(c, title)),
        _ => None,
    }
}

fn find_type<'a>(v: &'a Value, kind: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some(kind) {
                return Some(v);
            }
            m.values().find_map(|c| find_type(c, kind))
        }
        Value::Array(a) => a.iter().find_map(|c| find_type(c, kind)),
        _ => None,
    }
}

/// Everything through Teams in one moto: a mention answered in its thread, a personal chat
/// without a mention, a denial, a write confirmed and its card updated in place, a missing
/// parameter chosen from the card's menu, and one activity delivered twice run once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_through_teams() {
    let w = world().await;
    let d = &w.connector;
    let ro = "19:ro0000@thread.tacv2";
    let ops = "19:ops000@thread.tacv2";

    // Mention in a thread → the answer in that thread.
    let status = w
        .send(&w.channel_message(
            "1700000001000",
            ro,
            Some("1700000000500"),
            "sqs list-queues",
        ))
        .await;
    assert_eq!(status, 200);
    w.idle().await;
    let calls = d.calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(
        calls[0].conversation,
        format!("{ro};messageid=1700000000500")
    );
    assert!(
        calls[0].text().contains("Done (no output)"),
        "{}",
        calls[0].text()
    );
    assert!(
        w.identity.is_issued(&calls[0].token),
        "the connector call carries our token"
    );

    // A new channel post starts its own thread: the answer goes under it.
    w.send(&w.channel_message("1700000002000", ro, None, "sqs list-queues"))
        .await;
    w.idle().await;
    let calls = d.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(
        calls[1].conversation,
        format!("{ro};messageid=1700000002000")
    );

    // Personal chat: no mention needed, no thread.
    let mut dm = w.channel_message("1700000003000", "a:1personalchat", None, "");
    // Tenant ids are GUIDs, whatever their case.
    dm["conversation"] = json!({"id": "a:1personalchat", "conversationType": "personal", "tenantId": TENANT.to_uppercase()});
    dm["text"] = json!("sqs list-queues");
    dm["entities"] = json!([]);
    w.send(&dm).await;
    w.idle().await;
    let calls = d.calls();
    assert_eq!(calls.len(), 3, "{calls:#?}");
    assert_eq!(calls[2].conversation, "a:1personalchat");
    assert!(
        calls[2].text().contains("Done (no output)"),
        "{}",
        calls[2].text()
    );

    // Denial: the reason, in the thread, and nothing ran.
    w.send(&w.channel_message(
        "1700000004000",
        ro,
        Some("1700000004000"),
        "sqs delete-queue --queue-url http://x/1/q",
    ))
    .await;
    w.idle().await;
    let calls = d.calls();
    assert_eq!(calls.len(), 4, "{calls:#?}");
    assert!(
        calls[3]
            .text()
            .contains("no guardrail of ro allows sqs:DeleteQueue"),
        "{}",
        calls[3].text()
    );

    // Write → confirmation card → Run → the card updated in place, the result in the thread.
    let before = d.calls().len();
    w.send(&w.channel_message(
        "1700000005000",
        ops,
        Some("1700000005000"),
        "sqs create-queue --queue-name alpha",
    ))
    .await;
    w.idle().await;
    let calls = d.calls();
    assert_eq!(calls.len(), before + 1, "{calls:#?}");
    let confirm = calls[before].clone();
    assert!(
        confirm
            .text()
            .contains("aws sqs create-queue --queue-name alpha"),
        "{}",
        confirm.text()
    );
    w.send(&w.press(&confirm, "1700000005100", "Run", None))
        .await;
    w.idle().await;
    let calls = d.calls();
    let after: Vec<_> = calls[before + 1..].to_vec();
    let update = after
        .iter()
        .find(|c| c.method == "PUT")
        .unwrap_or_else(|| panic!("no update: {after:#?}"));
    assert_eq!(update.activity, confirm.created, "updated in place");
    assert!(update.text().contains("Run by"), "{}", update.text());
    let result = after
        .iter()
        .find(|c| c.method == "POST")
        .unwrap_or_else(|| panic!("no result: {after:#?}"));
    assert_eq!(
        result.conversation,
        format!("{ops};messageid=1700000005000")
    );
    assert!(result.text().contains("QueueUrl"), "{}", result.text());

    // Missing parameter → a card with choices → submit → the result.
    let before = d.calls().len();
    w.send(&w.channel_message(
        "1700000006000",
        ops,
        Some("1700000006000"),
        "sqs get-queue-attributes --attribute-names All",
    ))
    .await;
    w.idle().await;
    let calls = d.calls();
    let prompt = calls[before].clone();
    assert!(
        prompt.text().contains("needs queue-url"),
        "{}",
        prompt.text()
    );
    let alpha = format!("{}/123456789012/alpha", w.moto.url);
    w.send(&w.choose(&prompt, "1700000006100", &alpha)).await;
    w.idle().await;
    let all: String = d.calls()[before + 1..].iter().map(|c| c.text()).collect();
    assert!(all.contains("QueueArn") && all.contains("alpha"), "{all}");

    // The same activity twice (Teams re-sends when it got no answer in time) → one run.
    let audit_before = w.store.query_audit(&AuditFilter::default()).unwrap().len();
    let before = d.calls().len();
    let dup = w.channel_message(
        "1700000007000",
        ro,
        Some("1700000007000"),
        "sqs list-queues",
    );
    assert_eq!(w.send(&dup).await, 200);
    assert_eq!(w.send(&dup).await, 200);
    w.idle().await;
    assert_eq!(d.calls().len(), before + 1, "{:#?}", d.calls());
    let audit = w.store.query_audit(&AuditFilter::default()).unwrap();
    assert_eq!(audit.len() - audit_before, 1, "one command run and audited");
    assert_eq!(
        audit.last().unwrap().record.user,
        "00000000-0000-0000-0000-00000000a11a",
        "users are their AAD object ids"
    );
    w.all_cards_valid();
}

impl World {
    /// Every card the bot sent is valid at the version it declares (Microsoft's parser).
    fn all_cards_valid(&self) {
        let cards: Vec<Value> = self
            .connector
            .calls()
            .iter()
            .map(|c| c.card().cloned().expect("every activity carries a card"))
            .collect();
        let (code, errors) = teams::testing::cards::validate(&cards);
        assert_eq!(code, 0, "{errors:#?}");
        assert!(errors.iter().all(Vec::is_empty), "{errors:#?}");
    }
}

/// Tokens that do not check out are refused with 401 and nothing runs: a wrong signature,
/// issuer or audience, an expired one, a `serviceurl` claim that differs from the
/// activity's, none at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_and_nothing_runs() {
    let w = world().await;
    let activity = w.channel_message(
        "1700000009000",
        "19:ro0000@thread.tacv2",
        None,
        "sqs list-queues",
    );
    let service_url = w.connector.service_url.clone();
    let good = w.identity.valid_claims(APP_ID, &service_url);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = good.clone();
        f(&mut c);
        c
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let cases: Vec<(&str, Option<String>)> = vec![
        ("wrong signature", Some(w.identity.mint_foreign(&good))),
        (
            "wrong issuer",
            Some(w.identity.mint(&with(&|c| {
                c["iss"] = json!("https://sts.windows.net/evil/")
            }))),
        ),
        (
            "wrong audience",
            Some(
                w.identity
                    .mint(&with(&|c| c["aud"] = json!("someone-else"))),
            ),
        ),
        (
            "expired",
            Some(w.identity.mint(&with(&|c| {
                c["exp"] = json!(now - 3600);
                c["nbf"] = json!(now - 7200);
            }))),
        ),
        (
            "another serviceUrl",
            Some(
                w.identity
                    .mint(&with(&|c| c["serviceurl"] = json!("https://evil.example/"))),
            ),
        ),
        ("none", None),
    ];
    for (what, token) in cases {
        let header = token.map(|t| format!("Bearer {t}"));
        let status = w.send_with(&activity, header.as_deref()).await;
        assert_eq!(status, 401, "{what}");
    }
    // A token for another activity's id is still fine; the same activity with a good one runs.
    assert_eq!(w.send(&activity).await, 200);
    w.idle().await;
    assert_eq!(
        w.connector.calls().len(),
        1,
        "only the good one ran: {:#?}",
        w.connector.calls()
    );
    assert_eq!(
        w.store.query_audit(&AuditFilter::default()).unwrap().len(),
        1
    );
}

/// The bot added to a channel says hello and names the id `[[channels]]` needs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_added_to_a_team_says_hello() {
    let w = world().await;
    let update = json!({
        "type": "conversationUpdate",
        "id": "f:welcome-1",
        "serviceUrl": w.connector.service_url,
        "channelId": "msteams",
        "from": {"id": "29:1ana", "aadObjectId": "00000000-0000-0000-0000-00000000a11a"},
        "recipient": {"id": BOT, "name": "aws"},
        "conversation": {"id": "19:new000@thread.tacv2", "conversationType": "channel", "tenantId": TENANT},
        "membersAdded": [{"id": BOT}],
        "channelData": {"tenant": {"id": TENANT}, "eventType": "teamMemberAdded"},
    });
    assert_eq!(w.send(&update).await, 200);
    w.idle().await;
    let calls = w.connector.calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].conversation, "19:new000@thread.tacv2");
    assert!(calls[0].text().contains("@aws help"), "{}", calls[0].text());
    assert!(
        calls[0].text().contains("19:new000@thread.tacv2"),
        "{}",
        calls[0].text()
    );
}

/// Throttling: the connector's 429 with Retry-After is waited out and the answer arrives once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_answers_arrive_once() {
    let w = world().await;
    w.connector.throttle(2, 1);
    w.send(&w.channel_message(
        "1700000010000",
        "19:ro0000@thread.tacv2",
        None,
        "sqs list-queues",
    ))
    .await;
    w.idle().await;
    let calls = w.connector.calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert!(calls[0].text().contains("Done (no output)"));
}

/// Only the asker confirms (the channel's default): another user's press of Run is refused
/// with a note and runs nothing; the asker's runs once. A card action sent as an
/// `Action.Execute` invoke is answered with the invoke response Teams waits for, and runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_asker_confirms_and_execute_invokes_work() {
    let w = world().await;
    let d = &w.connector;
    let ops = "19:ops000@thread.tacv2";
    w.send(&w.channel_message(
        "1700000020000",
        ops,
        Some("1700000020000"),
        "sqs create-queue --queue-name gamma",
    ))
    .await;
    w.idle().await;
    let confirm = d.calls().last().cloned().unwrap();
    assert!(
        confirm.text().contains("create-queue"),
        "{}",
        confirm.text()
    );

    // Bob presses Run.
    let mut bob = w.press(&confirm, "1700000020100", "Run", None);
    bob["from"] = json!({"id": "29:1bob", "name": "Bob", "aadObjectId": "00000000-0000-0000-0000-000000000b0b"});
    let before = d.calls().len();
    w.send(&bob).await;
    w.idle().await;
    let after = d.calls()[before..].to_vec();
    assert!(
        after.iter().all(|c| c.method == "POST"),
        "Bob's press changes no card: {after:#?}"
    );
    assert!(
        after.iter().all(|c| !c.text().contains("QueueUrl")),
        "nothing ran on Bob's press: {after:#?}"
    );

    // Ana confirms through an Action.Execute invoke.
    let run = find_action(confirm.card().unwrap(), "Run").unwrap().clone();
    let invoke = json!({
        "type": "invoke", "name": "adaptiveCard/action", "id": "1700000020200",
        "serviceUrl": d.service_url, "channelId": "msteams",
        "from": {"id": "29:1ana", "name": "Ana Lima", "aadObjectId": "00000000-0000-0000-0000-00000000a11a"},
        "recipient": {"id": BOT, "name": "aws"},
        "conversation": {"id": confirm.conversation, "conversationType": "channel", "tenantId": TENANT},
        "replyToId": confirm.created,
        "value": {"action": {"type": "Action.Execute", "verb": "run", "data": run["data"]}, "trigger": "manual"},
        "channelData": {"tenant": {"id": TENANT}},
    });
    let token = w
        .identity
        .mint(&w.identity.valid_claims(APP_ID, &d.service_url));
    let resp = w
        .http
        .post(&w.url)
        .bearer_auth(token)
        .json(&invoke)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["statusCode"], 200, "{body}");
    w.idle().await;
    let calls = d.calls();
    let put = calls
        .iter()
        .find(|c| c.method == "PUT")
        .unwrap_or_else(|| panic!("no update: {calls:#?}"));
    assert_eq!(put.activity, confirm.created);
    assert!(put.text().contains("Run by"), "{}", put.text());
    let results: Vec<_> = calls
        .iter()
        .filter(|c| c.method == "POST" && c.text().contains("QueueUrl"))
        .collect();
    assert_eq!(results.len(), 1, "Ana's Run ran once: {calls:#?}");
    assert!(results[0].text().contains("gamma"), "{}", results[0].text());
    w.all_cards_valid();
}

/// When the Bot Framework's signing keys cannot be fetched, nothing can be checked: the
/// activity is refused with 503 (Teams retries it) and nothing runs; once they are back, the
/// same activity runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_signing_keys_refuse_with_503_until_they_are_back() {
    let w = world().await;
    w.identity.set_keys_available(false);
    let activity = w.channel_message(
        "1700000030000",
        "19:ro0000@thread.tacv2",
        None,
        "sqs list-queues",
    );
    assert_eq!(w.send(&activity).await, 503);
    w.idle().await;
    assert!(w.connector.calls().is_empty());
    w.identity.set_keys_available(true);
    // The verifier waits a moment before asking again after a failure; Teams' retries do too.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let status = w.send(&activity).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(
            std::time::Instant::now() < deadline,
            "the keys never came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    w.idle().await;
    assert_eq!(w.connector.calls().len(), 1, "{:#?}", w.connector.calls());
}

/// A handler that never answers: a replica that dies (or hangs) after answering Teams 200.
struct Hang;

impl engine::Handler for Hang {
    fn handle<'a>(
        &'a self,
        _event: &'a engine::Inbound,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<engine::Outbound>> + Send + 'a>>
    {
        Box::pin(std::future::pending())
    }
}

/// An activity answered 200 by a replica that then never answers it is answered once by
/// another replica on the same store, after its lease; a re-delivery of it to that replica
/// is recognised and not answered again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activity_its_replica_never_answers_is_answered_by_another() {
    let w = world().await;
    let http = reqwest::Client::new();
    let surface = |handler: Arc<dyn engine::Handler>| {
        let mut auth = AuthSettings::new(APP_ID);
        auth.openid_metadata_url = w.identity.metadata_url();
        let teams = Teams::new(
            TeamsSettings {
                tenants: HashMap::from([(TENANT.to_string(), "contoso".to_string())]),
            },
            Verifier::new(auth, http.clone()),
            Connector::new(
                http.clone(),
                TokenSource::new(w.identity.token_settings(), http.clone()),
            ),
            handler,
            w.store.clone(),
            w.connector.service_url.clone(),
        );
        teams.set_activity_lease(Duration::from_millis(500));
        teams
    };
    let hung = surface(Arc::new(Hang));
    w.teams.set_activity_lease(Duration::from_millis(500));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        teams::server::PATH
    );
    let router = hung.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let activity = w.channel_message(
        "1700000040000",
        "19:ro0000@thread.tacv2",
        None,
        "sqs list-queues",
    );
    let token = w
        .identity
        .mint(&w.identity.valid_claims(APP_ID, &w.connector.service_url));
    let status = http
        .post(&url)
        .bearer_auth(&token)
        .json(&activity)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200, "the hung replica answered Teams");
    // The other replica's sweep takes it once the lease ran out.
    let deadline = std::time::Instant::now() + WAIT;
    while w.connector.calls().is_empty() {
        assert!(std::time::Instant::now() < deadline, "never taken over");
        w.teams.sweep_once().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let calls = w.connector.calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(
        calls[0].conversation,
        "19:ro0000@thread.tacv2;messageid=1700000040000"
    );
    assert!(
        calls[0].text().contains("Done (no output)"),
        "{}",
        calls[0].text()
    );
    // Teams re-sends it to the live replica: recognised, not answered again; later sweeps
    // find nothing more to take.
    assert_eq!(w.send(&activity).await, 200);
    w.idle().await;
    for _ in 0..3 {
        w.teams.sweep_once().await;
    }
    assert_eq!(w.connector.calls().len(), 1, "{:#?}", w.connector.calls());
}
