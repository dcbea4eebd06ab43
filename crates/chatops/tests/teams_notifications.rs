//! Notifications into Microsoft Teams through `chatops serve`: a signed SNS alarm routed to a
//! Teams channel arrives there once as a card (through the Bot Connector double, with the
//! bot's own token from the identity double), its recovery goes into the alarm's thread, and
//! SNS's retry of the same message posts nothing more. Then a person mentions the bot in that
//! thread and is answered there, and `chatops notify send` posts to the channel on its own.

mod common;

use common::notices::{alarm, config, custom, post_sns, TOPIC};
use common::web::Server;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use teams::testing::connector::ConnectorDouble;
use teams::testing::identity::IdentityDouble;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP: &str = "6f0c3f4e-1111-4222-8333-944455556666";
const BOT: &str = "28:6f0c3f4e-1111-4222-8333-944455556666";
const ALERTS: &str = "19:alerts00@thread.tacv2";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_reach_a_teams_channel_once_and_recover_in_their_thread() {
    let dir = std::env::temp_dir().join(format!("chatops-teams-notify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    let teams = format!(
        r#"
[[workspaces]]
name = "contoso"
platform = "teams"
tenant_id = "{TENANT}"

[[channels]]
name = "teams-alerts"
workspace = "contoso"
platform_id = "{ALERTS}"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"
"#
    );
    let routes = format!(
        "{teams}\n[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"teams-alerts\"]\n"
    );
    std::fs::write(&cfg, config(&db, "http://127.0.0.1:9", &routes, false)).unwrap();
    let identity = Arc::new(IdentityDouble::start(APP, "teams-secret").await);
    let issuer = identity.clone();
    let connector = ConnectorDouble::start(move |t| issuer.is_issued(t)).await;
    let cert = sns::testing::cert_path();
    let server = Server::start_with(
        &cfg,
        &[
            ("CHATOPS_SNS_TRUSTED_CERT", cert.to_str().unwrap()),
            ("TEAMS_APP_ID", APP),
            ("TEAMS_APP_PASSWORD", "teams-secret"),
            ("TEAMS_OPENID_METADATA_URL", &identity.metadata_url()),
            ("TEAMS_TOKEN_URL", &identity.token_url()),
            // No activity came from the channel yet: proactive posts go here.
            ("TEAMS_SERVICE_URL", &connector.service_url),
        ],
    );
    let addr = server.addr.to_string();
    let wait = Duration::from_secs(60);

    let fired = sns::testing::signed_notification(
        TOPIC,
        &alarm("ALARM", "OK"),
        Some("ALARM: \"orders-api-errors\""),
        2,
        chrono::Utc::now(),
    );
    let (status, body) = post_sns(&addr, &fired.to_string(), None);
    assert_eq!(status, 200, "{body}");
    let calls = connector.wait_for(wait, |c| !c.is_empty()).await;
    let first = &calls[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.conversation, ALERTS, "a new post in the channel");
    assert!(
        first.text().contains("orders-api-errors"),
        "{}",
        first.text()
    );
    assert!(
        identity.is_issued(&first.token),
        "posted with the bot's own token"
    );
    let root = first.created.clone().expect("the post's id");

    // SNS's retry of the same message: answered, not posted again.
    let (status, _) = post_sns(&addr, &fired.to_string(), None);
    assert_eq!(status, 200);

    // The recovery goes into the alarm's thread.
    let recovered = sns::testing::signed_notification(
        TOPIC,
        &alarm("OK", "ALARM"),
        Some("OK: \"orders-api-errors\""),
        2,
        chrono::Utc::now(),
    );
    let (status, body) = post_sns(&addr, &recovered.to_string(), None);
    assert_eq!(status, 200, "{body}");
    let calls = connector
        .wait_for(wait, |c| {
            c.iter().any(|c| {
                c.method == "POST" && c.conversation.ends_with(&format!(";messageid={root}"))
            })
        })
        .await;
    let in_thread: Vec<_> = calls
        .iter()
        .filter(|c| c.method == "POST" && c.conversation == format!("{ALERTS};messageid={root}"))
        .collect();
    assert_eq!(in_thread.len(), 1, "{calls:#?}");
    assert!(
        in_thread[0].text().contains("OK"),
        "{}",
        in_thread[0].text()
    );
    let top_level: Vec<_> = calls
        .iter()
        .filter(|c| c.method == "POST" && c.conversation == ALERTS)
        .collect();
    assert_eq!(top_level.len(), 1, "the retry posted nothing: {calls:#?}");

    // Someone answers in the alarm's thread: the bot answers there.
    let before = connector.calls().len();
    let activity = json!({
        "type": "message", "id": "1700000099000", "serviceUrl": connector.service_url,
        "channelId": "msteams",
        "from": {"id": "29:u1", "name": "U One", "aadObjectId": "5c1b2f3e-0000-4000-8000-00000000u001"},
        "recipient": {"id": BOT, "name": "aws"},
        "conversation": {"id": format!("{ALERTS};messageid={root}"), "conversationType": "channel", "tenantId": TENANT},
        "text": "<at>aws</at> help", "entities": [{"type": "mention", "text": "<at>aws</at>",
            "mentioned": {"id": BOT, "name": "aws"}}],
        "channelData": {"tenant": {"id": TENANT}},
    });
    let token = identity.mint(&identity.valid_claims(APP, &connector.service_url));
    let status = reqwest::Client::new()
        .post(format!("http://{addr}/teams/messages"))
        .bearer_auth(token)
        .json(&activity)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let calls = connector.wait_for(wait, |c| c.len() > before).await;
    assert_eq!(
        calls[before].conversation,
        format!("{ALERTS};messageid={root}")
    );

    // `chatops notify send` posts to the Teams channel itself, with the app's credentials,
    // through the service URL the server recorded for the channel.
    let file = dir.join("deploy.json");
    std::fs::write(&file, custom("deploy of orders-api done")).unwrap();
    let before = connector.calls().len();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["notify", "send", "--config"])
        .arg(&cfg)
        .args(["--channel", "teams-alerts"])
        .arg(&file)
        .env("TEAMS_APP_ID", APP)
        .env("TEAMS_APP_PASSWORD", "teams-secret")
        .env("TEAMS_TOKEN_URL", identity.token_url())
        .env_remove("TEAMS_SERVICE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("posted to teams-alerts"), "{stdout}");
    let calls = connector.wait_for(wait, |c| c.len() > before).await;
    assert_eq!(calls[before].conversation, ALERTS);
    assert!(
        calls[before].text().contains("deploy of orders-api done"),
        "{}",
        calls[before].text()
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
