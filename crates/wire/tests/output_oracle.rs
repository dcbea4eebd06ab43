//! Byte-for-byte comparison of `wire::output` with the AWS CLI's own formatters.
//!
//! Every document in `tests/oracle/corpus/` is rendered with and without each of its
//! `--query` expressions, in json, text, table (at 80 and 160 columns), yaml and yaml-stream,
//! by us and by `tests/oracle/formatter_oracle.py` running the installed awscli (and
//! ruamel.yaml for the v2 YAML formats). Outputs must be identical; where the CLI fails, we
//! must fail too (with the same message for query evaluation errors).
//!
//! Python: `$CHATOPS_PYTHON`, else the workspace's `.venv/bin/python`. Without it (or without
//! awscli) the test is skipped with a notice, unless `CHATOPS_REQUIRE_ORACLE=1`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use wire::output::{render_with_options, OutputError, OutputFormat, RenderOptions};

const FORMATS: &[(OutputFormat, usize)] = &[
    (OutputFormat::Json, 80),
    (OutputFormat::Text, 80),
    (OutputFormat::Table, 80),
    (OutputFormat::Table, 160),
    (OutputFormat::Yaml, 80),
    (OutputFormat::YamlStream, 80),
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHATOPS_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = manifest_dir().join("../../.venv/bin/python");
    venv.exists().then_some(venv)
}

fn require_oracle() -> bool {
    std::env::var("CHATOPS_REQUIRE_ORACLE").is_ok_and(|v| v == "1")
}

fn skip(why: &str) {
    if require_oracle() {
        panic!("the formatter oracle is required (CHATOPS_REQUIRE_ORACLE=1) but {why}");
    }
    eprintln!("SKIPPED output oracle comparison: {why}");
}

struct Doc {
    name: String,
    title: String,
    queries: Vec<Option<String>>,
    response: Value,
}

fn load_corpus() -> Vec<Doc> {
    let dir = manifest_dir().join("tests/oracle/corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("read corpus file");
            let doc: Value = serde_json::from_str(&text).expect("corpus file is JSON");
            let mut queries = vec![None];
            for q in doc["queries"].as_array().expect("queries") {
                queries.push(Some(q.as_str().expect("query string").to_owned()));
            }
            Doc {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                title: doc["title"].as_str().expect("title").to_owned(),
                queries,
                response: doc["response"].clone(),
            }
        })
        .collect()
}

fn run_oracle(python: &Path, request: &Value) -> Result<Vec<Value>, String> {
    let script = manifest_dir().join("tests/oracle/formatter_oracle.py");
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let input = serde_json::to_vec(request).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().unwrap().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "the oracle failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("oracle output: {e}"))
}

#[test]
fn output_matches_the_aws_cli_formatters() {
    let Some(python) = python() else {
        return skip("no Python (.venv/bin/python or $CHATOPS_PYTHON)");
    };
    let probe = Command::new(&python)
        .args(["-c", "import awscli.formatter, jmespath"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return skip("awscli is not importable from that Python");
    }

    let docs = load_corpus();
    assert!(
        docs.len() >= 40,
        "the corpus should have at least 40 documents"
    );
    let mut cases = Vec::new();
    let mut meta = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        for query in &doc.queries {
            for (format, width) in FORMATS {
                cases.push(json!({
                    "doc": i,
                    "format": format.as_str(),
                    "query": query,
                    "title": doc.title,
                    "width": width,
                }));
                meta.push((i, query.clone(), *format, *width));
            }
        }
    }
    let doc_texts: Vec<String> = docs
        .iter()
        .map(|d| serde_json::to_string(&d.response).unwrap())
        .collect();
    let request = json!({"docs": doc_texts, "cases": cases});
    let results = match run_oracle(&python, &request) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(results.len(), meta.len());

    let mut compared = 0;
    let mut skipped = 0;
    let mut failures = Vec::new();
    for ((i, query, format, width), expected) in meta.iter().zip(&results) {
        let doc = &docs[*i];
        if let Some(why) = expected.get("skip") {
            skipped += 1;
            if require_oracle() {
                panic!("oracle skipped a case: {why}");
            }
            continue;
        }
        compared += 1;
        let options = RenderOptions {
            format: *format,
            query: query.as_deref(),
            title: Some(&doc.title),
            table_width: *width,
        };
        let ours = render_with_options(&doc.response, &options);
        let label = format!(
            "{} --output {}{} --query {:?}",
            doc.name,
            format,
            if *format == OutputFormat::Table {
                format!(" (width {width})")
            } else {
                String::new()
            },
            query
        );
        match (expected.get("ok").and_then(Value::as_str), &ours) {
            (Some(want), Ok(got)) => {
                if want != got {
                    failures.push(format!("{label}\n--- aws cli\n{want}--- ours\n{got}---"));
                }
            }
            (Some(want), Err(e)) => {
                failures.push(format!("{label}\n--- aws cli\n{want}--- ours: error {e}"));
            }
            (None, Ok(got)) => failures.push(format!(
                "{label}\n--- aws cli: error {}\n--- ours\n{got}---",
                expected["error"]
            )),
            (None, Err(e)) => {
                let kind = expected["kind"].as_str().unwrap_or_default();
                let message = expected["error"].as_str().unwrap_or_default();
                let agrees = match (kind, e) {
                    ("bad-query", OutputError::BadQuery { .. }) => true,
                    ("query", OutputError::Query(m)) => m == message,
                    ("other", OutputError::Query(m)) => m == message,
                    ("other", OutputError::Format(_)) => true,
                    _ => false,
                };
                if !agrees {
                    failures.push(format!(
                        "{label}\n--- aws cli: {kind} error {message:?}\n--- ours: {e:?}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "compared {compared} outputs ({} documents, {} document × query pairs, {} formats) with the AWS CLI; {skipped} skipped",
        docs.len(),
        docs.iter().map(|d| d.queries.len()).sum::<usize>(),
        FORMATS.len()
    );
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(15).collect();
        panic!(
            "{} of {compared} outputs differ from the AWS CLI's:\n\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}
