//! The validator corpus: every invalid document is refused with an error naming where the
//! problem is; every valid one (however unusual) is accepted.

use policy::Policy;
use serde_json::Value;
use std::path::Path;

fn cases(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/validation")
        .join(file);
    std::fs::read_to_string(&path)
        .expect("corpus file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Raw text is kept as a JSON string (broken JSON, duplicate keys); documents as objects.
fn parse(name: &str, doc: &Value) -> Result<Policy, policy::PolicyError> {
    match doc {
        Value::String(text) => Policy::parse(name, text),
        other => Policy::parse(name, &other.to_string()),
    }
}

#[test]
fn invalid_documents_are_refused_with_their_location() {
    let cases = cases("invalid.jsonl");
    assert!(cases.len() >= 50, "only {} invalid documents", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        let path = c["path"].as_str().unwrap();
        match parse(name, &c["policy"]) {
            Ok(_) => failures.push(format!("{name}: accepted")),
            Err(e) => {
                let located = e.problems.iter().any(|p| p.path.starts_with(path));
                let worded = e.problems.iter().all(|p| p.message.len() > 10);
                if !located || !worded {
                    failures.push(format!("{name}: expected a problem at {path:?}, got {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unusual_valid_documents_are_accepted() {
    let cases = cases("valid.jsonl");
    assert!(cases.len() >= 25);
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        if let Err(e) = parse(name, &c["policy"]) {
            panic!("{name}: {e}");
        }
    }
}
