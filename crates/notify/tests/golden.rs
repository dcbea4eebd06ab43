//! Golden files: every fixture under `tests/fixtures` is parsed and rendered with a fixed
//! [`Meta`], then written twice: `tests/golden/<name>.slack.json` (what Slack is sent:
//! each message's `text` and `blocks`, and the files uploaded beside them) and
//! `tests/golden/<name>.web.json` (the engine message the web chat sends to the page).
//! `UPDATE_GOLDEN=1 cargo test -p notify --test golden` rewrites them.

use engine::{Block, Message, Span};
use notify::message::parse;
use notify::render::{render, unsupported, Meta};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

fn meta() -> Meta {
    Meta {
        message_id: "3f6d2c1a-0b9e-5d4c-8a7f-6e5d4c3b2a19".into(),
        topic_arn: Some("arn:aws:sns:us-east-1:111122223333:chatops".into()),
        received_ms: 1_740_824_000_000,
    }
}

/// Every fixture: (stem, raw text).
fn fixtures() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir("fixtures"))
        .expect("fixtures directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("json" | "txt")))
        .map(|p| {
            let stem = p
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("file name")
                .to_string();
            (stem, std::fs::read_to_string(&p).expect("fixture text"))
        })
        .collect();
    out.sort();
    out
}

/// The message a fixture becomes: rendered, or the note for what is not understood.
fn message(raw: &str) -> Message {
    match parse(raw, None) {
        Ok(n) => render(&n, &meta()),
        Err(u) => unsupported(raw, &u.reason, &meta()),
    }
}

/// What Slack is sent for a message, each message checked against Block Kit's limits.
fn slack_json(name: &str, msg: &Message) -> Value {
    let dest = slack::Destination {
        workspace: "T0000000001".into(),
        channel: "C0000000001".into(),
    };
    let r = slack::render(msg, &dest, &slack::RenderOptions::default());
    for (i, m) in r.messages.iter().enumerate() {
        if let Err(v) = slack::limits::validate_message(m) {
            panic!("{name}: Slack message {i} breaks a limit: {v}");
        }
    }
    json!({
        "messages": r.messages.iter().map(|m| json!({"text": m.text, "blocks": m.blocks})).collect::<Vec<_>>(),
        "files": r.files.iter().map(|f| json!({
            "name": f.name, "content_type": f.content_type, "bytes": f.content.len()
        })).collect::<Vec<_>>(),
    })
}

/// Compares `actual` with the golden file (or rewrites it under `UPDATE_GOLDEN`);
/// returns a description of the difference.
fn check(file: &str, actual: &str) -> Option<String> {
    let path = dir("golden").join(file);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(e) => e,
        Err(e) => return Some(format!("{file}: cannot read ({e})")),
    };
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{file}: differs at line {}\n  golden: {}\n  actual: {}",
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}

#[test]
fn every_fixture_matches_its_goldens() {
    let mut problems = Vec::new();
    let all = fixtures();
    assert!(all.len() >= 20, "fixtures missing: {}", all.len());
    for (name, raw) in &all {
        let msg = message(raw);
        let out = slack_json(name, &msg);
        let shown = out["messages"].to_string();
        for m in LIVE_MARKUP {
            if shown.contains(m) {
                problems.push(format!("{name}: {m} reached Slack unescaped"));
            }
        }
        let slack = serde_json::to_string_pretty(&out).expect("json") + "\n";
        let web = serde_json::to_string_pretty(&msg).expect("json") + "\n";
        problems.extend(check(&format!("{name}.slack.json"), &slack));
        problems.extend(check(&format!("{name}.web.json"), &web));
    }
    assert!(
        problems.is_empty(),
        "{}\n(run `UPDATE_GOLDEN=1 cargo test -p notify --test golden` after checking the change)",
        problems.join("\n")
    );
}

/// Broadcasts, mentions, links and channel references Slack would act on.
const LIVE_MARKUP: [&str; 7] = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam",
    "<@",
    "<http",
    "<#",
];

#[test]
fn hostile_payloads_reach_slack_as_text() {
    for name in ["hostile", "alarm_hostile"] {
        let (_, raw) = fixtures()
            .into_iter()
            .find(|(n, _)| n == name)
            .expect("hostile fixture");
        let msg = message(&raw);
        let out = slack_json(name, &msg);
        let shown = out["messages"].to_string();
        for m in LIVE_MARKUP {
            assert!(
                !shown.contains(m),
                "{name}: {m} reached Slack unescaped: {shown}"
            );
        }
        // The markup is still there, as text.
        assert!(shown.contains("&lt;!channel&gt;"), "{name}: {shown}");
        // Something was cut, so the whole payload is attached.
        let files = out["files"].as_array().expect("files");
        assert!(
            files.iter().any(|f| f["name"] == "notification.json"),
            "{name}: {files:?}"
        );
    }
}

#[test]
fn no_payload_text_becomes_a_mention() {
    for (name, raw) in fixtures() {
        for b in message(&raw).blocks {
            if let Block::Text { text } | Block::Context { text } = b {
                assert!(
                    !text.0.iter().any(|s| matches!(s, Span::Mention(_))),
                    "{name}: {text:?}"
                );
            }
        }
    }
}

#[test]
fn unrecognized_payloads_are_noted_with_the_raw_attached() {
    let (_, raw) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "unrecognized")
        .expect("fixture");
    let msg = message(&raw);
    let text = msg.plain();
    assert!(
        text.contains("not a CloudWatch alarm (no AlarmName)"),
        "{text}"
    );
    assert!(matches!(
        msg.blocks.last(),
        Some(Block::File { name, content_type, content })
            if name == "notification.json" && content_type == "application/json" && content.contains("disk full")
    ));
}
