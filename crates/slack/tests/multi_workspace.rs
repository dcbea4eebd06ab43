//! Multi-workspace delivery: each team's events are answered with its own installation's bot
//! token (the `Authorization` header the Web API double recorded), teams without an
//! installation fall back to the single-workspace token (its own team only, once known),
//! `app_uninstalled` / `tokens_revoked` remove the installation and its token stops being used.

mod common;

use common::*;
use engine::{Event, Inbound, Message, Outbound};
use serde_json::{json, Value};
use slack::oauth::{Installation, Installations, TokenKey};
use slack::{BotIdentity, Slack, Tokens, WebApi};
use std::collections::HashMap;
use std::sync::Arc;
use store::{SqliteStore, Store};

const TEAM_A: &str = "TAAAA0001";
const TEAM_B: &str = "TBBBB0002";
const TOKEN_A: &str = "xoxb-team-a";
const TOKEN_B: &str = "xoxb-team-b";
const BOT_A: &str = "UBOTA0001";
const BOT_B: &str = "UBOTB0002";

fn store() -> Arc<dyn Store> {
    Arc::new(SqliteStore::in_memory().unwrap())
}

fn installation(team: &str, token: &str, bot: &str) -> Installation {
    Installation {
        team_id: team.into(),
        team_name: Some(format!("team {team}")),
        enterprise_id: None,
        app_id: Some("A123ABC456".into()),
        bot_user_id: bot.into(),
        bot_token: token.into(),
        scopes: vec!["chat:write".into()],
        installer_user_id: Some("UINSTALLER".into()),
        installed_at: 1_700_000_000,
        refresh_token: None,
        expires_at: None,
    }
}

async fn installations() -> Arc<Installations> {
    let i = Arc::new(Installations::new(&TokenKey::from_bytes([9; 32]), store()));
    i.save(&installation(TEAM_A, TOKEN_A, BOT_A)).await.unwrap();
    i.save(&installation(TEAM_B, TOKEN_B, BOT_B)).await.unwrap();
    i
}

fn echo() -> Arc<Stub> {
    Stub::new(|ev| {
        let Event::Text { text } = &ev.event else {
            return vec![];
        };
        let mut m = Message {
            thread: ev.thread.clone(),
            ..Message::default()
        };
        m.text(format!("echo {text}"));
        vec![Outbound::Post(m)]
    })
}

/// A mention from `team`.
fn mention_from(team: &str, event_id: &str, user: &str, text: &str, ts: &str) -> Value {
    let mut v = mention(event_id, "C1", user, text, ts);
    v["team_id"] = json!(team);
    v["authorizations"][0]["team_id"] = json!(team);
    v
}

fn lifecycle(team: &str, event_id: &str, event: Value) -> Value {
    json!({
        "token": "XXYYZZ",
        "team_id": team,
        "api_app_id": "A123ABC456",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_700_000_000,
        "event": event,
    })
}

/// Teams A and B installed; A mapped by its `team_id`, B by the default workspace; the
/// single-workspace token serves `TEAM` (mapped to "acme").
async fn two_teams(double: &Double, stub: Arc<Stub>, inst: Arc<Installations>) -> Server {
    double.accept_token(TOKEN_A);
    double.accept_token(TOKEN_B);
    let mut settings = settings();
    settings.teams = HashMap::from([
        (TEAM.to_string(), "acme".to_string()),
        (TEAM_A.to_string(), "alpha".to_string()),
    ]);
    settings.default_workspace = Some("beta".into());
    let tokens = Tokens::new(double.api_url())
        .with_single(
            WebApi::new(TOKEN, double.api_url()),
            settings.bot.clone(),
            Some(TEAM.to_string()),
        )
        .with_installations(inst);
    serve_slack(Slack::with_tokens(settings, stub, store(), tokens)).await
}

fn auths(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .map(|c| c.auth.clone().unwrap_or_default())
        .collect()
}

fn workspaces(heard: &[Inbound]) -> Vec<String> {
    heard.iter().map(|i| i.workspace.clone()).collect()
}

/// Who was heard in which workspace, by user: events are handled concurrently, so the order
/// they reach the handler is not the order they were sent.
fn workspace_of_user(heard: &[Inbound]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = heard
        .iter()
        .map(|i| (i.user.clone(), i.workspace.clone()))
        .collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn each_team_is_answered_with_its_own_token() {
    let double = Double::start().await;
    let stub = echo();
    let inst = installations().await;
    let srv = two_teams(&double, stub.clone(), inst.clone()).await;

    srv.event(&mention_from(TEAM_A, "EvA1", "U1", "s3 ls", "1.1"), &[])
        .await;
    srv.event(&mention_from(TEAM_B, "EvB1", "U2", "s3 ls", "1.2"), &[])
        .await;
    srv.event(&mention_from(TEAM, "EvT1", "U3", "s3 ls", "1.3"), &[])
        .await;
    srv.idle().await;
    let posts = double.wait_for("chat.postMessage", 3).await;
    let by_thread: HashMap<String, String> = posts
        .iter()
        .map(|c| {
            (
                c.body["thread_ts"].as_str().unwrap().to_string(),
                c.auth.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(by_thread["1.1"], format!("Bearer {TOKEN_A}"));
    assert_eq!(by_thread["1.2"], format!("Bearer {TOKEN_B}"));
    assert_eq!(by_thread["1.3"], format!("Bearer {TOKEN}"));
    // Installed teams map to their workspace by team_id, else to the default one.
    assert_eq!(
        workspace_of_user(&stub.heard()),
        [
            ("U1".to_string(), "alpha".to_string()),
            ("U2".to_string(), "beta".to_string()),
            ("U3".to_string(), "acme".to_string())
        ]
    );

    // Each installation's bot user is ignored in its own team.
    srv.event(&mention_from(TEAM_A, "EvA2", BOT_A, "s3 ls", "2.1"), &[])
        .await;
    srv.idle().await;
    assert_eq!(stub.heard().len(), 3, "the bot answered itself");

    // A team neither installed nor the single token's: dropped, no call.
    srv.event(
        &mention_from("TOTHER999", "EvX1", "U4", "s3 ls", "2.2"),
        &[],
    )
    .await;
    srv.idle().await;
    assert_eq!(stub.heard().len(), 3);
    assert_eq!(double.calls_to("chat.postMessage").len(), 3);

    // Uninstalled from B: the installation is gone, B is no longer answered; A still is.
    srv.event(
        &lifecycle(TEAM_B, "EvU1", json!({"type": "app_uninstalled"})),
        &[],
    )
    .await;
    assert!(inst.get(TEAM_B).await.unwrap().is_none());
    assert!(!srv.slack.tokens().is_installed(TEAM_B).await);
    double.clear();
    srv.event(&mention_from(TEAM_B, "EvB2", "U2", "s3 ls", "3.1"), &[])
        .await;
    srv.event(&mention_from(TEAM_A, "EvA3", "U1", "s3 ls", "3.2"), &[])
        .await;
    srv.idle().await;
    let posts = double.wait_for("chat.postMessage", 1).await;
    assert_eq!(auths(&posts), [format!("Bearer {TOKEN_A}")]);
    assert_eq!(workspaces(&stub.heard())[3..], ["alpha"]);

    // tokens_revoked of user tokens only keeps A; of A's bot token removes it.
    srv.event(
        &lifecycle(
            TEAM_A,
            "EvR1",
            json!({"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}}),
        ),
        &[],
    )
    .await;
    assert!(inst.get(TEAM_A).await.unwrap().is_some());
    srv.event(
        &lifecycle(
            TEAM_A,
            "EvR2",
            json!({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_A]}}),
        ),
        &[],
    )
    .await;
    assert!(inst.get(TEAM_A).await.unwrap().is_none());
    double.clear();
    srv.event(&mention_from(TEAM_A, "EvA4", "U1", "s3 ls", "4.1"), &[])
        .await;
    srv.idle().await;
    assert!(double.calls_to("chat.postMessage").is_empty());

    // The single-workspace token still answers its own team.
    srv.event(&mention_from(TEAM, "EvT2", "U3", "s3 ls", "4.2"), &[])
        .await;
    srv.idle().await;
    let posts = double.wait_for("chat.postMessage", 1).await;
    assert_eq!(auths(&posts), [format!("Bearer {TOKEN}")]);
    assert!(double.violations().is_empty(), "{:?}", double.violations());
}

#[tokio::test]
async fn installations_only_and_single_token_only() {
    // No single-workspace token: only installed teams are answered.
    let double = Double::start().await;
    let stub = echo();
    double.accept_token(TOKEN_A);
    let inst = Arc::new(Installations::new(&TokenKey::from_bytes([5; 32]), store()));
    inst.save(&installation(TEAM_A, TOKEN_A, BOT_A))
        .await
        .unwrap();
    let mut s = settings();
    s.bot = BotIdentity::default();
    s.teams = HashMap::new();
    s.default_workspace = Some("acme".into());
    let tokens = Tokens::new(double.api_url()).with_installations(inst);
    let srv = serve_slack(Slack::with_tokens(s, stub.clone(), store(), tokens)).await;
    srv.event(&mention_from(TEAM, "Ev1", "U1", "s3 ls", "1.1"), &[])
        .await;
    srv.event(&mention_from(TEAM_A, "Ev2", "U1", "s3 ls", "1.2"), &[])
        .await;
    srv.idle().await;
    let posts = double.wait_for("chat.postMessage", 1).await;
    assert_eq!(auths(&posts), [format!("Bearer {TOKEN_A}")]);
    assert_eq!(posts[0].body["thread_ts"], "1.2");
    assert_eq!(workspaces(&stub.heard()), ["acme"]);
    drop(srv);

    // Single-workspace mode (team unknown): any configured team gets the one token.
    let double = Double::start().await;
    let stub = echo();
    let srv = serve(stub.clone(), store(), &double).await;
    srv.event(&mention_from(TEAM, "Ev1", "U1", "s3 ls", "1.1"), &[])
        .await;
    srv.idle().await;
    let posts = double.wait_for("chat.postMessage", 1).await;
    assert_eq!(auths(&posts), [format!("Bearer {TOKEN}")]);
    // An uninstall event with no installations is harmless.
    srv.event(
        &lifecycle(TEAM, "EvU", json!({"type": "app_uninstalled"})),
        &[],
    )
    .await;
    srv.event(&mention_from(TEAM, "Ev2", "U1", "s3 ls", "2.1"), &[])
        .await;
    srv.idle().await;
    double.wait_for("chat.postMessage", 2).await;
}
