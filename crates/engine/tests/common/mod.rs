//! An engine on moto with a three-channel configuration, a clock the test moves, and helpers
//! to send events and read what comes back.
#![allow(dead_code)]

use engine::{Block, Engine, Event, Inbound, Message, Options, Outbound};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use store::{SqliteStore, Store};
use testkit::Moto;

pub const CONFIG: &str = r#"
[defaults]
pending_ttl = "10m"
default_account_ttl = "7d"

[[workspaces]]
name = "acme"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto}"

[[accounts]]
name = "prod"
id = "210987654321"
region = "eu-west-1"
role_arn = "arn:aws:iam::210987654321:role/chatops"
endpoint = "{moto}"

[[policies]]
name = "queue-writes"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*","cloudwatch:SetAlarmState","support:*"],"Resource":"*"}]}'

[[roles]]
name = "readonly"
policies = ["ReadOnly"]

[[roles]]
name = "operator"
policies = ["AdministratorAccess"]

[[channels]]
name = "ro"
workspace = "acme"
platform_id = "C-RO"
accounts = ["dev"]
role_setting = "channel"
channel_role = "readonly"
guardrails = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["dev", "prod"]
role_setting = "channel"
channel_role = "operator"
guardrails = ["ReadOnly", "queue-writes"]

[[channels]]
name = "oncall"
workspace = "acme"
platform_id = "C-ONCALL"
accounts = ["dev"]
role_setting = "user"
user_roles = ["readonly", "operator"]
require_user_role = true
guardrails = ["AdministratorAccess"]
confirm_by = "anyone"
"#;

pub struct Fixture {
    pub moto: Moto,
    pub engine: Engine,
    pub store: Arc<dyn Store>,
    pub now: Arc<AtomicI64>,
}

/// The engine on moto with [`CONFIG`], the given store and options, and the test's clock.
pub fn engine_on(
    moto_url: &str,
    store: Arc<dyn Store>,
    opts: Options,
    now: Arc<AtomicI64>,
) -> Engine {
    let clock = now.clone();
    engine::testing::engine(&CONFIG.replace("{moto}", moto_url), store, opts)
        .with_clock(Arc::new(move || clock.load(Ordering::SeqCst)))
}

pub fn fixture_with(opts: Options) -> Fixture {
    let moto = Moto::start();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let now = Arc::new(AtomicI64::new(1_767_225_600_000)); // 2026-01-01T00:00:00Z
    let engine = engine_on(&moto.url, store.clone(), opts, now.clone());
    Fixture {
        moto,
        engine,
        store,
        now,
    }
}

pub fn fixture() -> Fixture {
    fixture_with(Options::default())
}

impl Fixture {
    pub async fn say(&self, channel: &str, user: &str, text: &str) -> Vec<Outbound> {
        self.reply(channel, user, text).await.out
    }

    /// The answer to a line, with what became of its command.
    pub async fn reply(&self, channel: &str, user: &str, text: &str) -> engine::Reply {
        self.engine
            .reply(&Inbound {
                workspace: "acme".into(),
                channel: channel.into(),
                thread: None,
                user: user.into(),
                user_name: None,
                event: Event::Text { text: text.into() },
            })
            .await
    }

    pub async fn press(
        &self,
        channel: &str,
        user: &str,
        message: &str,
        action: &str,
        value: &str,
    ) -> Vec<Outbound> {
        self.engine
            .handle_event(&Inbound {
                workspace: "acme".into(),
                channel: channel.into(),
                thread: None,
                user: user.into(),
                user_name: None,
                event: Event::Action {
                    message: Some(message.into()),
                    action: action.into(),
                    value: value.into(),
                },
            })
            .await
    }

    pub fn advance(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }
}

/// The messages posted.
pub fn posts(out: &[Outbound]) -> Vec<&Message> {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Post(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// The updates made: (message id, new content).
pub fn updates(out: &[Outbound]) -> Vec<(&str, &Message)> {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Update { message, content } => Some((message.as_str(), content)),
            _ => None,
        })
        .collect()
}

/// All text of the answer.
pub fn all_text(out: &[Outbound]) -> String {
    out.iter()
        .map(|o| match o {
            Outbound::Post(m) => m.plain(),
            Outbound::Update { content, .. } => format!("(update) {}", content.plain()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first button with this label: (message id, action, value).
pub fn button(out: &[Outbound], label: &str) -> Option<(String, String, String)> {
    for m in posts(out) {
        for b in &m.blocks {
            if let Block::Buttons { buttons } = b {
                if let Some(x) = buttons
                    .iter()
                    .find(|x| x.label == label || x.label.starts_with(label))
                {
                    return Some((m.id.clone(), x.action.clone(), x.value.clone()));
                }
            }
        }
    }
    None
}

/// The options of the first menu: (message id, action, [(label, value)]).
/// A menu: (message id, action, [(label, value)]).
pub type MenuFound = (String, String, Vec<(String, String)>);

pub fn menu(out: &[Outbound]) -> Option<MenuFound> {
    for m in posts(out) {
        for b in &m.blocks {
            if let Block::Menu {
                action, options, ..
            } = b
            {
                return Some((
                    m.id.clone(),
                    action.clone(),
                    options
                        .iter()
                        .map(|o| (o.label.clone(), o.value.clone()))
                        .collect(),
                ));
            }
        }
    }
    None
}

/// Compares the answer with `tests/golden/<name>.txt`, ids, times and ports normalized;
/// `UPDATE_GOLDEN=1` writes it.
pub fn golden(name: &str, out: &[Outbound], moto_url: &str) {
    let mut text = serde_json::to_string_pretty(out)
        .unwrap()
        .replace(moto_url, "http://moto");
    for (pattern, with) in [
        (r"m[0-9a-f]{24}", "<message>"),
        (r"p[0-9a-f]{32}", "<pending>"),
        (r"\d+\.\d s", "<t> s"),
    ] {
        text = regex_lite::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() || !path.exists() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text, want,
        "golden {name} differs (UPDATE_GOLDEN=1 rewrites it after review)"
    );
}
