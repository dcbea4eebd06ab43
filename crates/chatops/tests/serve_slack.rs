//! `chatops serve` with a Slack workspace configured mounts the Slack endpoints: a signed
//! URL verification is answered, a bad signature gets 401, a signed slash command is acked
//! at once.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};
use support::slack_api::post_to_slack;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

#[test]
fn serve_mounts_the_slack_endpoints() {
    let dir = std::env::temp_dir().join(format!("chatops-serve-slack-{}", std::process::id()));
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args([
            "serve",
            "--config",
            cfg.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .env("SLACK_BOT_TOKEN", "xoxb-test")
        .env("SLACK_SIGNING_SECRET", SECRET)
        // Nothing listens there: auth.test fails with a warning, the server still runs.
        .env("SLACK_API_URL", "http://127.0.0.1:9/")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env_remove("SLACK_APP_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its URLs").unwrap();
        if let Some(rest) = line.strip_prefix("slack: http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
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
