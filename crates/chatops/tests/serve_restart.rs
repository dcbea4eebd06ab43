//! Restart safety of `chatops serve`: a write waits for Run, the server is killed with SIGKILL,
//! and after a restart on the same configuration and store the web chat still shows the
//! confirmation (replayed from `<db>.webchat.jsonl`), Run runs the command exactly once and
//! replaces the buttons with "Run by", and a second Run runs nothing: refused by the web chat
//! when the button is gone, and answered "already run" by the engine when the server died
//! before it could record "Run by".

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::web::{drain, next, plain, run_button, send, until, Server, Socket};
use common::{chatops, Moto};
use serde_json::{json, Value};

const WORKSPACE: &str = "local";
const OPS: &str = "ops";

fn config(moto: &Moto, db: &Path) -> String {
    format!(
        r#"
[defaults]
region = "us-east-1"

[store]
sqlite = "{db}"

[[workspaces]]
name = "local"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto}"

[[policies]]
name = "sqs-all"
document = '''{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}]}}'''

[[roles]]
name = "admin"
policies = ["AdministratorAccess"]

[[channels]]
name = "ops"
workspace = "local"
platform_id = "ops"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"
guardrails = ["ReadOnly", "sqs-all"]
confirm_by = "asker"
"#,
        db = db.display(),
        moto = moto.url
    )
}

fn queues(moto: &Moto) -> Vec<String> {
    let out = chatops(moto, "sqs list-queues");
    assert_eq!(out.code, 0, "{out:?}");
    if out.stdout.trim().is_empty() {
        return vec![];
    }
    out.json()["QueueUrls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_string))
        .collect()
}

fn run_frame(message: &str, action: &str, value: &str) -> Value {
    json!({"type": "action", "workspace": WORKSPACE, "channel": OPS,
           "message": message, "action": action, "value": value})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_survives_sigkill_and_runs_exactly_once() {
    let moto = Moto::start();
    let dir = std::env::temp_dir().join(format!(
        "chatops-serve-restart-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("chatops.db");
    let config_path = dir.join("chatops.toml");
    std::fs::write(&config_path, config(&moto, &db)).expect("write config");

    // 1. A write waits for Run.
    let server = Server::start(&config_path);
    let cookie = server.sign_in();
    let (mut ws, history) = server.join(&cookie, WORKSPACE, OPS).await;
    assert_eq!(history["messages"], json!([]), "a fresh store, no history");
    send(
        &mut ws,
        json!({"type": "text", "workspace": WORKSPACE, "channel": OPS,
               "text": "sqs create-queue --queue-name restart-q"}),
    )
    .await;
    let confirm = until(&mut ws, "with a Run button", |f| {
        f["type"] == "post" && run_button(&f["message"]).is_some()
    })
    .await;
    let confirm_id = confirm["message"]["id"]
        .as_str()
        .expect("message id")
        .to_string();
    let (action, value) = run_button(&confirm["message"]).expect("Run");
    let shown = plain(&confirm["message"]);
    assert!(
        shown.contains("aws sqs create-queue --queue-name restart-q"),
        "{shown}"
    );
    assert!(
        shown.contains("account dev (123456789012)") && shown.contains("region us-east-1"),
        "{shown}"
    );
    assert!(queues(&moto).is_empty(), "nothing runs before Run");
    let history_file = dir.join("chatops.db.webchat.jsonl");
    assert!(
        std::fs::read_to_string(&history_file)
            .expect("the history file next to the store")
            .contains(&confirm_id),
        "the confirmation is in the history file"
    );

    // 2. SIGKILL while it waits.
    drop(ws);
    server.kill();
    let before_run = std::fs::read(&history_file).expect("the history file");

    // 3. After the restart the confirmation is still there, with its Run button.
    let server = Server::start(&config_path);
    let cookie = server.sign_in();
    let (mut ws, history) = server.join(&cookie, WORKSPACE, OPS).await;
    let messages = history["messages"].as_array().expect("messages");
    let replayed = messages
        .iter()
        .find(|e| e["message"]["id"] == confirm_id.as_str())
        .unwrap_or_else(|| panic!("the confirmation is in the history: {history:#}"));
    assert_eq!(
        run_button(&replayed["message"]),
        Some((action.clone(), value.clone()))
    );
    assert!(
        messages
            .iter()
            .any(|e| e["from"] == "admin" && plain(&e["message"]).contains("restart-q")),
        "what the user typed is there too: {history:#}"
    );

    // 4. Run, twice in a row (both presses reach the engine before either is answered):
    // the command runs once, the other press is told it already ran.
    send(&mut ws, run_frame(&confirm_id, &action, &value)).await;
    send(&mut ws, run_frame(&confirm_id, &action, &value)).await;
    let mut frames = Vec::new();
    let started = Instant::now();
    let done = |frames: &[Value]| {
        let updated = frames.iter().any(|f| {
            f["type"] == "update"
                && f["message"]["id"] == confirm_id.as_str()
                && plain(&f["message"]).contains("Run by <@admin>")
        });
        let result = frames
            .iter()
            .any(|f| f["type"] == "post" && plain(&f["message"]).contains("restart-q"));
        let already = frames.iter().any(|f| {
            f["type"] == "post" && plain(&f["message"]).contains("already run")
                || f["type"] == "error"
        });
        updated && result && already
    };
    while !done(&frames) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no update, result and refusal of the second Run: {frames:#?}"
        );
        frames.push(next(&mut ws).await);
    }
    frames.extend(drain(&mut ws, Duration::from_millis(500)).await);
    let update = frames
        .iter()
        .find(|f| f["type"] == "update" && f["message"]["id"] == confirm_id.as_str())
        .expect("the update");
    assert!(
        run_button(&update["message"]).is_none(),
        "the Run button is replaced in place: {update:#}"
    );
    let second: Vec<&Value> = frames
        .iter()
        .filter(|f| {
            f["type"] == "error" || plain(&f["message"]).contains("This command was already run")
        })
        .collect();
    assert_eq!(
        second.len(),
        1,
        "one refusal, for the second Run: {frames:#?}"
    );
    println!("the second Run was answered by: {:#}", second[0]);
    if second[0]["type"] == "error" {
        // The webchat saw the update first and refused the stale button itself.
        assert_eq!(second[0]["code"], "unknown_control", "{:#}", second[0]);
    }
    let urls = queues(&moto);
    assert_eq!(
        urls.iter().filter(|u| u.ends_with("/restart-q")).count(),
        1,
        "created exactly once: {urls:?}"
    );

    // 5. Run again after the update, on a frame forged from the old button: refused, and
    // nothing runs.
    send(&mut ws, run_frame(&confirm_id, &action, &value)).await;
    let refused = until(&mut ws, "refusing the third Run", |f| f["type"] == "error").await;
    assert_eq!(refused["code"], "unknown_control", "{refused:#}");
    assert_eq!(
        frames_after(&mut ws).await,
        0,
        "nothing is posted for a refused press"
    );

    // 6. After another SIGKILL and restart the history shows "Run by", without the button.
    drop(ws);
    server.kill();
    let server = Server::start(&config_path);
    let cookie = server.sign_in();
    let (ws, history) = server.join(&cookie, WORKSPACE, OPS).await;
    let replayed = history["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|e| e["message"]["id"] == confirm_id.as_str())
        .expect("still there")
        .clone();
    assert!(
        plain(&replayed["message"]).contains("Run by <@admin>"),
        "{replayed:#}"
    );
    assert!(run_button(&replayed["message"]).is_none());

    // 7. The worst case: the server is killed after the command ran but before the web chat
    // wrote "Run by" (here: the history file as it was before Run). The Run button is back
    // after the restart; pressing it reaches the engine, which says the command already ran
    // and runs nothing.
    drop(ws);
    server.kill();
    std::fs::write(&history_file, &before_run).expect("restore the history file");
    let server = Server::start(&config_path);
    let cookie = server.sign_in();
    let (mut ws, history) = server.join(&cookie, WORKSPACE, OPS).await;
    let replayed = history["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|e| e["message"]["id"] == confirm_id.as_str())
        .expect("still there")
        .clone();
    assert!(run_button(&replayed["message"]).is_some(), "{replayed:#}");
    send(&mut ws, run_frame(&confirm_id, &action, &value)).await;
    let already = until(&mut ws, "saying the command already ran", |f| {
        f["type"] == "error" || plain(&f["message"]).contains("already run")
    })
    .await;
    assert_eq!(already["type"], "post", "{already:#}");
    assert!(
        plain(&already["message"]).contains("This command was already run by <@admin>"),
        "{already:#}"
    );
    let later = drain(&mut ws, Duration::from_millis(500)).await;
    assert!(
        later
            .iter()
            .all(|f| !plain(&f["message"]).contains("QueueUrl")),
        "no second result: {later:#?}"
    );
    let urls = queues(&moto);
    assert_eq!(
        urls.iter().filter(|u| u.ends_with("/restart-q")).count(),
        1,
        "still created exactly once: {urls:?}"
    );
    drop(ws);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// How many frames arrive within half a second.
async fn frames_after(ws: &mut Socket) -> usize {
    drain(ws, Duration::from_millis(500)).await.len()
}
