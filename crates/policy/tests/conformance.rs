//! The conformance corpus (tests/conformance/*.jsonl): every case decided as expected.

use policy::simulate::{decide, parse_request};
use serde_json::Value;
use std::path::Path;

const REQUEST_FIELDS: [&str; 5] = [
    "action",
    "resource",
    "context",
    "identity_policies",
    "session_policies",
];

/// The request part of a case line, as `chatops policy simulate` reads it.
fn request_of(case: &Value) -> String {
    let mut m = serde_json::Map::new();
    for k in REQUEST_FIELDS {
        if let Some(v) = case.get(k) {
            m.insert(k.to_string(), v.clone());
        }
    }
    Value::Object(m).to_string()
}

#[test]
fn conformance_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("conformance folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", f.display(), n + 1));
            let name = case["name"].as_str().unwrap_or("?").to_string();
            assert!(names.insert(name.clone()), "duplicate case name {name}");
            let expected = case["expected"].as_str().expect("expected");
            total += 1;
            let got = match parse_request(&request_of(&case)) {
                Ok(req) => {
                    let (o, why) = decide(&req);
                    assert!(!why.is_empty(), "{name}: empty explanation");
                    o.as_str().to_string()
                }
                Err(e) => format!("error ({e})"),
            };
            let ok = got == expected || (expected == "error" && got.starts_with("error"));
            if !ok {
                failures.push(format!(
                    "{}:{} {name}: expected {expected}, got {got}",
                    f.file_name().unwrap().to_string_lossy(),
                    n + 1
                ));
            }
        }
    }
    assert!(total >= 300, "only {total} conformance cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
