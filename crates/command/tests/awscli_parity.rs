//! The calls we build equal the calls the installed AWS CLI builds for the same lines.
//!
//! Each corpus line is `chat form<TAB>shell form` (or one form used for both), optionally
//! after `final: ` to compare with the CLI's parameters after its own rewriting handlers. We
//! parse the chat form; the AWS CLI's own driver parses the shell form
//! (`oracle/awscli_parity.py`); operation and parameters must be equal.

use command::{parse_line, Parsed};
use std::collections::BTreeSet;
use std::io::Write;
mod common;

use common::venv_python;
use std::path::PathBuf;
use std::process::{Command, Stdio};

#[test]
fn corpus_matches_the_aws_cli() {
    let cat = common::awscli_catalog();
    let corpus = include_str!("corpus/parity.txt");
    let mut requests = Vec::new();
    let mut lines = Vec::new();
    let mut services = BTreeSet::new();
    for (n, raw) in corpus.lines().enumerate() {
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        // `final: ` compares with the parameters after the CLI's before-parameter-build
        // handlers (see oracle/awscli_parity.py).
        let (stage, raw) = match raw.strip_prefix("final: ") {
            Some(rest) => ("final", rest),
            None => ("built", raw),
        };
        let (chat, shell) = raw.split_once('\t').unwrap_or((raw, raw));
        let parsed =
            parse_line(&cat, chat).unwrap_or_else(|e| panic!("line {}: {chat:?}: {e}", n + 1));
        let Parsed::Call(call) = parsed else {
            panic!("line {}: {chat:?} is not a call", n + 1)
        };
        assert!(
            call.missing.is_empty(),
            "line {}: {chat:?} lacks {:?}",
            n + 1,
            call.missing
        );
        services.insert(call.service.clone());
        requests.push(serde_json::json!({
            "stage": stage,
            "shell": shell,
            "ours": {"service": call.service, "operation": call.operation, "params": call.params},
        }));
        lines.push((n + 1, chat.to_string()));
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/awscli_parity.py");
    let mut child = Command::new(venv_python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the AWS CLI oracle");
    {
        let mut stdin = child.stdin.take().unwrap();
        for r in &requests {
            writeln!(stdin, "{r}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed");
    let results: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), requests.len(), "one answer per line");
    let failures: Vec<String> = results
        .iter()
        .zip(&lines)
        .filter(|(r, _)| r["ok"] != true)
        .map(|(r, (n, chat))| {
            format!(
                "line {n}: {chat}\n    {}",
                r["detail"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} lines differ from the AWS CLI:\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n")
    );
    assert!(
        lines.len() >= 150,
        "the corpus has {} lines; at least 150 are expected",
        lines.len()
    );
    eprintln!(
        "parity: {} lines across {} services",
        lines.len(),
        services.len()
    );
    assert!(
        services.len() >= 25,
        "the corpus covers {} services; at least 25 are expected",
        services.len()
    );
}
