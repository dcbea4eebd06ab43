//! The card validator: Microsoft's own Adaptive Cards parser (`tests/cards/validate.js`, the
//! `adaptivecards` npm package pinned by its lock file; `scripts/setup.sh` installs it), run
//! on cards the tests collect. A missing `node` or package fails the caller, never skips.

use crate::cards::MAX_CARD_BYTES;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// What the validator says about each card: (exit code, errors per card).
pub fn validate(cards: &[Value]) -> (i32, Vec<Vec<String>>) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cards/validate.js");
    let mut child = Command::new("node")
        .arg(&script)
        .args(["--budget", &MAX_CARD_BYTES.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): the card validator needs Node.js; run scripts/setup.sh")
        });
    let input = serde_json::to_vec(cards).expect("cards serialize");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("the validator reads the cards");
    let out = child.wait_with_output().expect("the validator runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the validator gave no result ({e}); is its package installed \
             (scripts/setup.sh: npm ci in crates/teams/tests/cards)?\nstderr: {stderr}"
        )
    });
    assert_eq!(results.len(), cards.len(), "one result per card");
    let errors = results
        .iter()
        .map(|r| {
            r["errors"]
                .as_array()
                .expect("errors array")
                .iter()
                .map(|e| e.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .collect();
    (out.status.code().unwrap_or(-1), errors)
}
