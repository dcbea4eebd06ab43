//! The log of `chatops serve` on stderr: by default the info events of every project crate
//! appear (the engine's included, which the earlier filter dropped); with
//! `CHATOPS_LOG_FORMAT=json` (or `--log-format json`) every line is a JSON object with an
//! RFC 3339 UTC timestamp, level, target and fields; `RUST_LOG` filters when `CHATOPS_LOG`
//! is unset.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::notices::config;
use common::web::{plain, send, until, Server};
use serde_json::{json, Value};

fn temp_config(name: &str) -> PathBuf {
    let dir = common::temp_dir(name);
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        config(&dir.join("chatops.db"), "http://127.0.0.1:9", "", false),
    )
    .expect("config");
    cfg
}

/// Runs a command that needs no AWS call (its help) through the web chat.
async fn a_command(server: &Server) {
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, "local", "ops").await;
    send(
        &mut ws,
        json!({"type": "text", "workspace": "local", "channel": "ops",
               "text": "sqs list-queues --help"}),
    )
    .await;
    until(&mut ws, "with the help text", |f| {
        f["type"] == "post" && plain(&f["message"]).contains("QueueNamePrefix")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_events_appear_by_default() {
    let server = Server::start_capturing(&temp_config("log-default"), &[]);
    a_command(&server).await;
    let line = server.wait_stderr(Duration::from_secs(30), |l| {
        l.contains("engine::telemetry") && l.contains("command turn")
    });
    // Plain text into a pipe: no colour codes.
    assert!(
        line.starts_with(" INFO engine::telemetry: command turn"),
        "{line:?}"
    );
    assert!(line.contains("outcome=\"shown\""), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_filters_when_chatops_log_is_unset() {
    // Only errors: the engine's info event must not appear, nor anything else here.
    let mut server =
        Server::start_capturing(&temp_config("log-rust-log"), &[("RUST_LOG", "error")]);
    a_command(&server).await;
    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(30))
        .expect("exited after SIGTERM");
    assert_eq!(status.code(), Some(0));
    let lines = server.stderr_lines();
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("command turn") && !l.contains("INFO")),
        "{lines:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_parse_one_by_one() {
    let mut server =
        Server::start_capturing(&temp_config("log-json"), &[("CHATOPS_LOG_FORMAT", "json")]);
    a_command(&server).await;
    server.wait_stderr(Duration::from_secs(30), |l| l.contains("command turn"));
    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(30))
        .expect("exited after SIGTERM");
    assert_eq!(status.code(), Some(0));
    // The reader thread may still be taking the last lines after the exit.
    server.wait_stderr(Duration::from_secs(10), |l| l.contains("stopped"));
    let lines = server.stderr_lines();
    assert!(lines.len() >= 3, "{lines:#?}");
    let mut targets = Vec::new();
    for line in &lines {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        let ts = v["timestamp"].as_str().unwrap_or_else(|| panic!("{line}"));
        assert!(ts.ends_with('Z'), "UTC: {ts}");
        chrono::DateTime::parse_from_rfc3339(ts)
            .unwrap_or_else(|e| panic!("not RFC 3339 ({e}): {ts}"));
        assert!(
            ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]
                .contains(&v["level"].as_str().unwrap_or("")),
            "{line}"
        );
        assert!(v["fields"].is_object(), "{line}");
        targets.push(
            v["target"]
                .as_str()
                .unwrap_or_else(|| panic!("{line}"))
                .to_string(),
        );
    }
    let turn = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["fields"]["message"] == "command turn")
        .expect("the engine's event");
    assert_eq!(turn["target"], "engine::telemetry");
    assert_eq!(turn["fields"]["outcome"], "shown");
    assert!(
        targets.iter().any(|t| t == "chatops::shutdown"),
        "{targets:?}"
    );
}

#[test]
fn a_bad_log_format_is_refused_naming_it() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["serve", "--config"])
        .arg(temp_config("log-bad"))
        .args(["--addr", "127.0.0.1:0"])
        .env("CHATOPS_LOG_FORMAT", "yaml")
        .output()
        .expect("run chatops serve");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("CHATOPS_LOG_FORMAT") && err.contains("yaml"),
        "{err}"
    );
}
