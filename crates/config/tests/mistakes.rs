//! One file with many mistakes: every one is reported, at its line, with its key.

mod common;

use common::{data, TestCatalog};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    line: usize,
    key: String,
    text: String,
}

fn expectations(source: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let Some((_, marks)) = line.split_once("# expect: ") else {
            continue;
        };
        for mark in marks.split(" ;; ") {
            let (key, text) = mark.split_once(" | ").expect("marker is KEY | TEXT");
            out.push(Expected {
                line: i + 1,
                key: key.trim().to_string(),
                text: text.trim().to_string(),
            });
        }
    }
    out
}

#[test]
fn every_mistake_is_reported_with_its_line_and_key() {
    let path = data("mistakes.toml");
    let source = std::fs::read_to_string(&path).expect("test data");
    let expected = expectations(&source);
    assert!(expected.len() >= 45, "the file should hold many mistakes");

    let errors = config::load_with(&path, &TestCatalog).expect_err("the file has mistakes");
    let mut unmatched: Vec<&config::ConfigError> = errors.iter().collect();
    let mut missing = Vec::new();
    for exp in &expected {
        let found = unmatched
            .iter()
            .position(|e| e.line == exp.line && e.key == exp.key && e.message.contains(&exp.text));
        match found {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(exp.clone()),
        }
    }
    let extra: Vec<String> = unmatched.iter().map(|e| e.to_string()).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}\nall:\n{errors}"
    );
    assert_eq!(errors.len(), expected.len());
}

#[test]
fn errors_display_one_per_line_with_file_line_column_key() {
    let path = data("mistakes.toml");
    let errors = config::load_with(&path, &TestCatalog).expect_err("the file has mistakes");
    let text = errors.to_string();
    assert_eq!(text.lines().count(), errors.len());
    let prefix = format!("{}:6:10: defaults.region: ", path.display());
    let first = text.lines().next().expect("a line");
    assert!(first.starts_with(&prefix), "{first}");
    for line in text.lines() {
        assert!(line.starts_with(&path.display().to_string()), "{line}");
    }
}

#[test]
fn errors_come_in_file_order() {
    let errors = config::load_with(data("mistakes.toml"), &TestCatalog).expect_err("mistakes");
    let positions: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
}
