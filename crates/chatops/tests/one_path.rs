//! One conversation for every surface: the same chat lines typed through `chatops run
//! --config --channel` (with and without `AWS_REGION`), the web chat, Slack and Microsoft
//! Teams (one `chatops serve`; Slack's requests signed as Slack signs them, a local double
//! of its Web API; Teams' activities with tokens a local identity double signed, a local
//! Bot Connector double) get the same decisions, the same questions, the same AWS requests
//! (recorded by a proxy in front of moto) and the same results. Typed `&amp;`, `<`, `>` and
//! `<@U…>` reach the parser exactly as typed from every surface.

mod common;

use common::slack_api::{post_to_slack, run_control, url_encode, ApiCall, SlackApi, BOT_USER};
use common::web::{next, plain, run_button, send, Server, Socket};
use common::{recording_proxy, Moto};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use teams::testing::connector::{ConnectorCall, ConnectorDouble};
use teams::testing::identity::IdentityDouble;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const TEAMS_APP: &str = "6f0c3f4e-1111-4222-8333-944455556666";
const TEAMS_BOT: &str = "28:6f0c3f4e-1111-4222-8333-944455556666";
const TEAMS_CHANNEL: &str = "19:ops0000@thread.tacv2";

/// What one surface did with one line: a step per turn (a write takes two: the
/// confirmation, then Run).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    /// `ran`, `failed`, `refused`, `confirm`, or `asked --option`.
    decision: String,
    /// The result text, AWS's error, or the refusal's reason.
    detail: String,
    /// The AWS requests this turn sent.
    requests: Vec<String>,
}

fn config(dir: &Path, endpoint: &str) -> std::path::PathBuf {
    let file = dir.join("chatops.toml");
    let channel = |name: &str, ws: &str, id: &str| {
        format!(
            r#"
[[channels]]
name = "{name}"
workspace = "{ws}"
platform_id = "{id}"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"
guardrails = ["ReadOnly", "queue-create"]
"#
        )
    };
    let text = format!(
        r#"[store]
sqlite = "state.db"

[[workspaces]]
name = "web"
platform = "web"

[[workspaces]]
name = "acme"
platform = "slack"
team_id = "T0001"

[[accounts]]
name = "dev"
id = "123456789012"
region = "eu-west-1"
endpoint = "{endpoint}"

[[policies]]
name = "queue-create"
document = '{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"sqs:CreateQueue","Resource":"*"}}}}'

[[roles]]
name = "admin"
policies = ["AdministratorAccess"]

[[workspaces]]
name = "contoso"
platform = "teams"
tenant_id = "{TENANT}"
{}{}{}"#,
        channel("ops", "web", "ops"),
        channel("slack-ops", "acme", "C0001"),
        channel("teams-ops", "contoso", TEAMS_CHANNEL),
    );
    std::fs::write(&file, text).unwrap();
    file
}

fn lines(proxy: &str) -> Vec<String> {
    vec![
        "sqs create-queue --queue-name jobs".into(),
        "sqs list-queues".into(),
        format!("sqs delete-queue --queue-url {proxy}/123456789012/jobs"),
        "sqs get-queue-url".into(),
        "sqs get-queue-url --queue-name nope".into(),
        // Typed markup reaches the parser as typed (Slack sends it as entities).
        "sqs get-queue-url --queue-name 'a&amp;b<c>d<@U2>'".into(),
        // Last: a typed region is remembered by the channel in chat.
        "sqs list-queues --region us-west-2".into(),
    ]
}

/// The requests recorded since `from`.
fn since(log: &Arc<Mutex<Vec<String>>>, from: &mut usize) -> Vec<String> {
    let all = log.lock().unwrap();
    let new = all[*from..].to_vec();
    *from = all.len();
    new
}

// ---- the terminal -------------------------------------------------------------------------

fn terminal_step(cfg: &Path, line: &str, yes: bool, region: Option<&str>) -> Step {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatops"));
    cmd.args(["run", "--config", cfg.to_str().unwrap(), "--channel", "ops"])
        .args(["--user", "U1"])
        .args(yes.then_some("--yes"))
        .arg(line)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    match region {
        Some(r) => cmd.env("AWS_REGION", r).env("AWS_DEFAULT_REGION", r),
        None => cmd
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION"),
    };
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let (decision, detail) = match out.status.code() {
        Some(0) => ("ran".to_string(), stdout),
        Some(1) => ("failed".to_string(), stderr),
        Some(3) => (
            "refused".to_string(),
            stderr
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("denied: ")
                .to_string(),
        ),
        Some(4) if stderr.contains("confirm with --yes") => ("confirm".into(), String::new()),
        Some(4) => {
            let option = stderr
                .lines()
                .nth(1)
                .and_then(|l| l.split_whitespace().next())
                .unwrap_or("")
                .to_string();
            (format!("asked {option}"), String::new())
        }
        other => panic!("{line}: exit {other:?}\n{stdout}\n{stderr}"),
    };
    Step {
        decision,
        detail,
        requests: Vec::new(),
    }
}

fn through_terminal(
    cfg: &Path,
    lines: &[String],
    region: Option<&str>,
    log: &Arc<Mutex<Vec<String>>>,
) -> Vec<Vec<Step>> {
    let mut from = log.lock().unwrap().len();
    lines
        .iter()
        .map(|line| {
            let mut first = terminal_step(cfg, line, false, region);
            first.requests = since(log, &mut from);
            let mut steps = vec![first];
            if steps[0].decision == "confirm" {
                let mut run = terminal_step(cfg, line, true, region);
                run.requests = since(log, &mut from);
                steps.push(run);
            }
            steps
        })
        .collect()
}

// ---- the chat surfaces --------------------------------------------------------------------

/// What a chat message says, as a step (its requests filled in by the caller).
fn chat_step(text: &str, code: Option<String>, has_run: bool) -> Step {
    let (decision, detail) = if has_run {
        ("confirm".to_string(), String::new())
    } else if let Some(reason) = text.split("🚫 Not run: ").nth(1) {
        let reason = reason.lines().next().unwrap_or("").trim_end_matches('.');
        ("refused".to_string(), reason.to_string())
    } else if let Some(err) = text.split("⚠️ ").nth(1) {
        (
            "failed".to_string(),
            err.lines().next().unwrap_or("").to_string(),
        )
    } else if let Some(rest) = text.split(" needs *").nth(1) {
        let option = rest.split('*').next().unwrap_or("");
        (format!("asked --{option}"), String::new())
    } else if let Some(code) = code {
        ("ran".to_string(), code.trim().to_string())
    } else if text.contains("✅ Done (no output).") {
        ("ran".to_string(), String::new())
    } else {
        panic!("cannot read the reply: {text}")
    };
    Step {
        decision,
        detail,
        requests: Vec::new(),
    }
}

/// The next message posted in the web chat, as a step, with its Run button.
async fn web_reply(ws: &mut Socket) -> (Step, Option<(String, String, String)>) {
    let frame = loop {
        let f = next(ws).await;
        // The bot's posts (the user's own line is shown too, `from` the user).
        if f["type"] == "post" && f["from"].is_null() {
            break f;
        }
    };
    let m = &frame["message"];
    let code = m["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|b| b["type"] == "code")
        .and_then(|b| b["text"].as_str())
        .map(str::to_string);
    let run = run_button(m).map(|(a, v)| (m["id"].as_str().unwrap_or("").to_string(), a, v));
    (chat_step(&plain(m), code, run.is_some()), run)
}

async fn through_web(
    server: &Server,
    lines: &[String],
    log: &Arc<Mutex<Vec<String>>>,
) -> Vec<Vec<Step>> {
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, "web", "ops").await;
    let mut from = log.lock().unwrap().len();
    let mut all = Vec::new();
    for line in lines {
        send(
            &mut ws,
            json!({"type": "text", "workspace": "web", "channel": "ops", "text": line}),
        )
        .await;
        let (mut step, run) = web_reply(&mut ws).await;
        step.requests = since(log, &mut from);
        let mut steps = vec![step];
        if let Some((message, action, value)) = run {
            send(
                &mut ws,
                json!({"type": "action", "workspace": "web", "channel": "ops",
                       "message": message, "action": action, "value": value}),
            )
            .await;
            let (mut step, _) = web_reply(&mut ws).await;
            step.requests = since(log, &mut from);
            steps.push(step);
        }
        all.push(steps);
    }
    all
}

/// Every `text` string in Slack blocks, decoded from mrkdwn's entities.
fn slack_text(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("text", Value::String(s)) => out.push(
                        s.replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&amp;", "&"),
                    ),
                    _ => slack_text(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| slack_text(x, out)),
        _ => {}
    }
}

fn slack_step(call: &ApiCall) -> Step {
    let mut texts = Vec::new();
    slack_text(&call.body["blocks"], &mut texts);
    let text = texts.join("\n");
    let code = text
        .split("```")
        .nth(1)
        .map(|c| c.trim_matches('\n').to_string());
    let has_run = run_control(call).is_some();
    chat_step(&text, code, has_run)
}

fn signed_post(addr: &str, path: &str, ctype: &str, body: &str) -> u16 {
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = slack::sign(SECRET, &ts, body.as_bytes());
    post_to_slack(addr, path, &ts, &sig, ctype, body).0
}

/// Slack's encoding of typed text in an event: `&`, `<` and `>` as entities.
fn slack_encode(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn through_slack(
    addr: &str,
    api: &SlackApi,
    lines: &[String],
    log: &Arc<Mutex<Vec<String>>>,
) -> Vec<Vec<Step>> {
    let mut from = log.lock().unwrap().len();
    let mut posts = 0;
    let mut all = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let ts = format!("1699999{n:03}.000200");
        let event = json!({
            "token": "x", "team_id": "T0001", "api_app_id": "A1", "type": "event_callback",
            "event_id": format!("Ev{n:04}"), "event_time": 1_700_000_000,
            "authorizations": [{"team_id": "T0001", "user_id": BOT_USER, "is_bot": true}],
            "event": {"type": "app_mention", "user": "U1", "channel": "C0001", "ts": ts,
                      "event_ts": ts,
                      "text": format!("<@{BOT_USER}> {}", slack_encode(line))},
        });
        let status = signed_post(
            addr,
            "/slack/events",
            "application/json",
            &event.to_string(),
        );
        assert_eq!(status, 200, "{line}");
        posts += 1;
        let post = last_post(api, posts);
        let mut step = slack_step(&post);
        step.requests = since(log, &mut from);
        let mut steps = vec![step];
        if let Some((block, action, value)) = run_control(&post) {
            let payload = json!({
                "type": "block_actions", "user": {"id": "U1", "team_id": "T0001"},
                "api_app_id": "A1", "token": "x", "trigger_id": format!("1.{n}"),
                "team": {"id": "T0001"}, "channel": {"id": "C0001"},
                "container": {"type": "message", "message_ts": post.ts, "channel_id": "C0001"},
                "message": {"type": "message", "ts": post.ts, "thread_ts": post.body["thread_ts"],
                            "user": BOT_USER, "blocks": post.body["blocks"]},
                "response_url": format!("{}response/{n}", api.url),
                "actions": [{"type": "button", "block_id": block, "action_id": action,
                             "value": value, "action_ts": "1.1"}],
            });
            let form = format!("payload={}", url_encode(&payload.to_string()));
            let status = signed_post(
                addr,
                "/slack/interactivity",
                "application/x-www-form-urlencoded",
                &form,
            );
            assert_eq!(status, 200, "Run of {line}");
            posts += 1;
            let post = last_post(api, posts);
            let mut step = slack_step(&post);
            step.requests = since(log, &mut from);
            steps.push(step);
        }
        all.push(steps);
    }
    all
}

// ---- Microsoft Teams -----------------------------------------------------------------------

/// What a card shows, in the engine's dialect where it matters to [`chat_step`]: bold runs
/// as `*…*`, and the code block apart.
fn teams_step(call: &ConnectorCall) -> Step {
    fn walk(v: &Value, text: &mut Vec<String>, code: &mut Option<String>) {
        match v {
            Value::Object(m) => {
                let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
                if kind == "Container" && m.get("style").and_then(Value::as_str) == Some("emphasis")
                {
                    let mut inner = Vec::new();
                    walk(&m["items"], &mut inner, &mut None);
                    *code = Some(inner.join("\n").replace('\u{a0}', " "));
                    return;
                }
                if kind == "RichTextBlock" {
                    let line: String = m["inlines"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|r| {
                            let t = r["text"].as_str().unwrap_or("");
                            if r["weight"] == "Bolder" {
                                format!("*{t}*")
                            } else {
                                t.to_string()
                            }
                        })
                        .collect();
                    text.push(line);
                    return;
                }
                if kind == "Action.Submit" || kind == "Action.ShowCard" {
                    return;
                }
                m.values().for_each(|c| walk(c, text, code));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, text, code)),
            _ => {}
        }
    }
    let card = call.card().expect("a card");
    let (mut text, mut code) = (Vec::new(), None);
    walk(card, &mut text, &mut code);
    let has_run = teams_action(card, "Run").is_some();
    chat_step(&text.join("\n"), code, has_run)
}

/// The `Action.Submit` titled `title` on a card (inside a confirmation too).
fn teams_action<'a>(v: &'a Value, title: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some("Action.Submit") && m["title"] == title
            {
                return Some(v);
            }
            m.values().find_map(|c| teams_action(c, title))
        }
        Value::Array(a) => a.iter().find_map(|c| teams_action(c, title)),
        _ => None,
    }
}

/// How Teams sends typed text: `&`, `<` and `>` as HTML entities, the bot's mention first.
fn teams_text(line: &str) -> String {
    format!(
        "<at>aws</at>&nbsp;{}",
        line.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )
}

async fn through_teams(
    url: &str,
    identity: &IdentityDouble,
    connector: &ConnectorDouble,
    lines: &[String],
    log: &Arc<Mutex<Vec<String>>>,
) -> Vec<Vec<Step>> {
    let http = reqwest::Client::new();
    let send = |activity: Value| {
        let token = identity.mint(&identity.valid_claims(TEAMS_APP, &connector.service_url));
        let req = http.post(url).bearer_auth(token).json(&activity);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    let posts = |n: usize| {
        connector.wait_for(Duration::from_secs(60), move |calls| {
            calls.iter().filter(|c| c.method == "POST").count() >= n
        })
    };
    let activity = |id: String, root: &str, extra: Value| {
        let mut a = json!({
            "type": "message", "id": id, "serviceUrl": connector.service_url, "channelId": "msteams",
            "from": {"id": "29:u1", "name": "U One", "aadObjectId": "U1"},
            "recipient": {"id": TEAMS_BOT, "name": "aws"},
            "conversation": {"id": format!("{TEAMS_CHANNEL};messageid={root}"),
                             "conversationType": "channel", "tenantId": TENANT},
            "channelData": {"tenant": {"id": TENANT}},
        });
        for (k, v) in extra.as_object().unwrap() {
            a[k] = v.clone();
        }
        a
    };
    let mut from = log.lock().unwrap().len();
    let mut count = 0;
    let mut all = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let id = format!("1700000{n:03}000");
        let status = send(activity(
            id.clone(),
            &id,
            json!({"text": teams_text(line), "textFormat": "plain",
                   "entities": [{"type": "mention", "text": "<at>aws</at>",
                                 "mentioned": {"id": TEAMS_BOT, "name": "aws"}}]}),
        ))
        .await;
        assert_eq!(status, 200, "{line}");
        count += 1;
        let post = posts(count)
            .await
            .into_iter()
            .filter(|c| c.method == "POST")
            .nth(count - 1)
            .unwrap();
        let mut step = teams_step(&post);
        step.requests = since(log, &mut from);
        let mut steps = vec![step];
        if let Some(run) = post.card().and_then(|c| teams_action(c, "Run")) {
            let status = send(activity(
                format!("1700000{n:03}500"),
                &id,
                json!({"replyToId": post.created, "value": run["data"]}),
            ))
            .await;
            assert_eq!(status, 200, "Run of {line}");
            count += 1;
            let post = posts(count)
                .await
                .into_iter()
                .filter(|c| c.method == "POST")
                .nth(count - 1)
                .unwrap();
            let mut step = teams_step(&post);
            step.requests = since(log, &mut from);
            steps.push(step);
        }
        all.push(steps);
    }
    all
}

/// The `n`-th posted message (waiting for it).
fn last_post(api: &SlackApi, n: usize) -> ApiCall {
    api.wait_posts(n)
        .into_iter()
        .filter(|c| c.method.starts_with("chat.post"))
        .nth(n - 1)
        .expect("posted")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_surface_decides_asks_sends_and_answers_the_same() {
    let moto = Moto::start();
    let (proxy, log) = recording_proxy(&moto.url);
    let dir = std::env::temp_dir().join(format!("chatops-one-path-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = config(&dir, &proxy);
    let lines = lines(&proxy);

    let plain_env = through_terminal(&cfg, &lines, None, &log);
    let with_region = through_terminal(&cfg, &lines, Some("us-west-2"), &log);

    let api = SlackApi::start();
    let identity = Arc::new(IdentityDouble::start(TEAMS_APP, "teams-secret").await);
    let issuer = identity.clone();
    let connector = ConnectorDouble::start(move |t| issuer.is_issued(t)).await;
    let server = Server::start_with(
        &cfg,
        &[
            ("SLACK_BOT_TOKEN", "xoxb-test"),
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_API_URL", &api.url),
            ("TEAMS_APP_ID", TEAMS_APP),
            ("TEAMS_APP_PASSWORD", "teams-secret"),
            ("TEAMS_OPENID_METADATA_URL", &identity.metadata_url()),
            ("TEAMS_TOKEN_URL", &identity.token_url()),
            ("AWS_REGION", "us-west-2"),
        ],
    );
    let web = through_web(&server, &lines, &log).await;
    let slack_addr = server.slack.clone().expect("Slack is served");
    let slack = {
        let (lines, log) = (lines.clone(), log.clone());
        tokio::task::spawn_blocking(move || through_slack(&slack_addr, &api, &lines, &log))
            .await
            .unwrap()
    };
    let teams_url = format!("http://{}/teams/messages", server.addr);
    let teams = through_teams(&teams_url, &identity, &connector, &lines, &log).await;

    // What each line did, checked once on the terminal's record.
    let decisions: Vec<Vec<&str>> = plain_env
        .iter()
        .map(|s| s.iter().map(|s| s.decision.as_str()).collect())
        .collect();
    assert_eq!(
        decisions,
        vec![
            vec!["confirm", "ran"],
            vec!["ran"],
            vec!["refused"],
            vec!["asked --queue-name"],
            vec!["failed"],
            vec!["failed"],
            vec!["ran"],
        ]
    );
    let typed = &plain_env[5][0].requests;
    assert!(
        typed.len() == 1 && typed[0].contains(r#""QueueName": "a&amp;b<c>d<@U2>""#),
        "{typed:#?}"
    );
    assert!(
        plain_env[1][0].detail.contains("/123456789012/jobs"),
        "{plain_env:#?}"
    );
    assert!(
        plain_env[2][0].detail.contains("sqs:DeleteQueue"),
        "{plain_env:#?}"
    );
    assert!(
        plain_env[4][0].detail.contains("NonExistentQueue"),
        "{plain_env:#?}"
    );
    // The channel's region, whatever the environment says; a typed one wins.
    for (n, steps) in plain_env.iter().enumerate() {
        for r in steps.iter().flat_map(|s| &s.requests) {
            let want = if n == 6 {
                "| us-west-2 |"
            } else {
                "| eu-west-1 |"
            };
            assert!(r.contains(want), "line {n}: {r}");
        }
    }
    assert_eq!(plain_env[0][1].requests.len(), 1, "{plain_env:#?}");
    assert!(plain_env[2][0].requests.is_empty() && plain_env[3][0].requests.is_empty());

    assert_eq!(
        with_region, plain_env,
        "AWS_REGION changes nothing in a channel"
    );
    assert_eq!(web, plain_env, "the web chat");
    // The Slack channel has a name of its own in the configuration.
    let slack: Vec<Vec<Step>> = slack
        .into_iter()
        .map(|steps| {
            steps
                .into_iter()
                .map(|s| Step {
                    detail: s.detail.replace("of slack-ops ", "of ops "),
                    ..s
                })
                .collect()
        })
        .collect();
    assert_eq!(slack, plain_env, "Slack");
    let teams: Vec<Vec<Step>> = teams
        .into_iter()
        .map(|steps| {
            steps
                .into_iter()
                .map(|s| Step {
                    detail: s.detail.replace("of teams-ops ", "of ops "),
                    ..s
                })
                .collect()
        })
        .collect();
    assert_eq!(teams, plain_env, "Teams");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
