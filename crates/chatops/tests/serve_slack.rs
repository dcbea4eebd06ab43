//! `chatops serve` with a Slack workspace configured mounts the Slack endpoints: a signed
//! URL verification is answered, a bad signature gets 401, a signed slash command is acked
//! at once. With the OAuth install on, the installations an earlier release kept in a side
//! file are imported into the store once.

mod common;

use common::slack_api::post_to_slack;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A fresh directory holding a configuration with one Slack workspace (team T0001) whose
/// store is `state.db` beside it; returns (directory, configuration file).
fn slack_config(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("chatops-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        r#"[store]
sqlite = "state.db"

[[workspaces]]
name = "acme"
platform = "slack"
team_id = "T0001"

[[accounts]]
name = "dev"
id = "123456789012"

[[roles]]
name = "r"

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C0001"
accounts = ["dev"]
role_setting = "channel"
channel_role = "r"
"#,
    )
    .unwrap();
    (dir, cfg)
}

/// `chatops serve --config cfg` with the Slack signing secret, no Socket Mode, and a Web API
/// nobody listens on, plus `env`; its stdout lines.
fn serve(
    cfg: &std::path::Path,
    env: &[(&str, &str)],
) -> (
    std::process::Child,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args([
            "serve",
            "--config",
            cfg.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .env("SLACK_SIGNING_SECRET", SECRET)
        // Nothing listens there: auth.test fails with a warning, the server still runs.
        .env("SLACK_API_URL", "http://127.0.0.1:9/")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env_remove("SLACK_APP_TOKEN")
        .env_remove("SLACK_BOT_TOKEN")
        .env_remove("SLACK_CLIENT_ID")
        .env_remove("CHATOPS_TOKEN_KEY")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    (child, lines)
}

/// Reads stdout up to the line announcing the Slack endpoints; returns the lines before it
/// and the address.
fn until_listening(
    lines: &mut std::io::Lines<BufReader<std::process::ChildStdout>>,
) -> (Vec<String>, String) {
    let mut before = Vec::new();
    loop {
        let line = lines.next().expect("serve printed its URLs").unwrap();
        if let Some(rest) = line.strip_prefix("slack: http://") {
            return (before, rest.split('/').next().unwrap().to_string());
        }
        before.push(line);
    }
}

#[test]
fn serve_mounts_the_slack_endpoints() {
    let (dir, cfg) = slack_config("serve-slack");
    let (mut child, mut lines) = serve(&cfg, &[("SLACK_BOT_TOKEN", "xoxb-test")]);
    let (_, addr) = until_listening(&mut lines);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let body = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let sig = slack::sign(SECRET, &now, body.as_bytes());
    let (status, answer) =
        post_to_slack(&addr, "/slack/events", &now, &sig, "application/json", body);
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer.contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
        "{answer}"
    );
    let (status, _) = post_to_slack(
        &addr,
        "/slack/events",
        &now,
        "v0=deadbeef",
        "application/json",
        body,
    );
    assert_eq!(status, 401);
    let form = "token=x&team_id=T0001&channel_id=C0001&user_id=U0001&command=%2Faws&text=help&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fr&trigger_id=1.2.3";
    let sig = slack::sign(SECRET, &now, form.as_bytes());
    let (status, answer) = post_to_slack(
        &addr,
        "/slack/commands",
        &now,
        &sig,
        "application/x-www-form-urlencoded",
        form,
    );
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("in_channel"), "{answer}");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Installations an earlier release kept in `slack-installations.json` beside the store are
/// moved into the store at start-up (still sealed), once, and the file is renamed.
#[tokio::test]
async fn serve_imports_an_earlier_releases_slack_installations_once() {
    let (dir, cfg) = slack_config("serve-slack-import");
    let key_hex = "5a".repeat(32);
    let key = slack::oauth::TokenKey::parse(&key_hex).unwrap();
    let installation = slack::oauth::Installation {
        team_id: "T0001".into(),
        team_name: Some("Acme".into()),
        enterprise_id: None,
        app_id: Some("A1".into()),
        bot_user_id: "U0BOT".into(),
        bot_token: "xoxb-acme".into(),
        scopes: vec!["chat:write".into()],
        installer_user_id: Some("U1".into()),
        installed_at: 1_700_000_000,
        refresh_token: None,
        expires_at: None,
    };
    // The old file: {"team": sealed record}, as the file store wrote it.
    let record = slack::oauth::TokenCipher::new(&key)
        .seal("T0001", &serde_json::to_vec(&installation).unwrap())
        .unwrap();
    let legacy = dir.join("slack-installations.json");
    std::fs::write(
        &legacy,
        serde_json::to_vec_pretty(&serde_json::json!({ "T0001": record })).unwrap(),
    )
    .unwrap();
    let env = [
        ("SLACK_CLIENT_ID", "1234.5678"),
        ("SLACK_CLIENT_SECRET", "s3cr3t"),
        (
            "SLACK_REDIRECT_URI",
            "https://chatops.example.com/slack/oauth/callback",
        ),
        ("CHATOPS_TOKEN_KEY", key_hex.as_str()),
    ];

    let (mut child, mut lines) = serve(&cfg, &env);
    let (before, _) = until_listening(&mut lines);
    assert!(
        before
            .iter()
            .any(|l| l.starts_with("slack: imported 1 installation(s) from ")
                && l.contains("slack-installations.json.imported")),
        "{before:?}"
    );
    assert!(
        before
            .iter()
            .any(|l| l.starts_with("slack: install at http://")),
        "{before:?}"
    );
    assert!(!legacy.exists(), "the file is moved away");
    assert!(dir.join("slack-installations.json.imported").exists());
    let _ = child.kill();
    let _ = child.wait();

    // In the store, still sealed, and it opens with the key.
    let store: std::sync::Arc<dyn store::Store> =
        std::sync::Arc::new(store::SqliteStore::open(dir.join("state.db")).unwrap());
    let sealed = store
        .get_installation(slack::oauth::STORE_SURFACE, "T0001")
        .unwrap()
        .unwrap();
    assert_eq!(sealed, record);
    let installations = slack::oauth::Installations::new(&key, store);
    assert_eq!(
        installations.get("T0001").await.unwrap().unwrap(),
        installation
    );

    // A restart imports nothing again.
    let (mut child, mut lines) = serve(&cfg, &env);
    let (before, _) = until_listening(&mut lines);
    assert!(!before.iter().any(|l| l.contains("imported")), "{before:?}");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
