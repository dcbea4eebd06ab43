//! Byte-for-byte comparison of `cli_output` with the AWS CLI's own formatters.
//!
//! Every document in `tests/oracle/corpus/` is rendered with and without each of its
//! `--query` expressions, in json, text, table (at 80, 160 and 40 columns), yaml and yaml-stream,
//! by us and by `tests/oracle/formatter_oracle.py` running the installed awscli (and
//! ruamel.yaml for the v2 YAML formats). Outputs must be identical; where the CLI fails, we
//! must fail too (with the same message for query evaluation errors).
//!
//! Python: `$CHATOPS_PYTHON`, else the workspace's `.venv/bin/python`. Without it (or without
//! awscli) the test is skipped with a notice, unless `CHATOPS_REQUIRE_ORACLE=1`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli_output::{
    render_pages, render_with_options, OutputError, OutputFormat, Paging, RenderOptions,
};
use serde_json::{json, Value};

const FORMATS: &[(OutputFormat, usize)] = &[
    (OutputFormat::Json, 80),
    (OutputFormat::Text, 80),
    (OutputFormat::Table, 80),
    (OutputFormat::Table, 160),
    (OutputFormat::Table, 40),
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

/// The first line where two outputs differ, escaped so that invisible characters show.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.split('\n').collect(), got.split('\n').collect());
    for i in 0..w.len().max(g.len()) {
        if w.get(i) != g.get(i) {
            return format!(
                "first difference at line {}:\n  cli:  {:?}\n  ours: {:?}",
                i + 1,
                w.get(i),
                g.get(i)
            );
        }
    }
    String::new()
}

/// Renders every document × query × format both ways; returns how many outputs were compared.
fn compare_with_cli(docs: &[Doc]) -> Option<usize> {
    let Some(python) = python() else {
        skip("no Python (.venv/bin/python or $CHATOPS_PYTHON)");
        return None;
    };
    let probe = Command::new(&python)
        .args(["-c", "import awscli.formatter, jmespath"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skip("awscli is not importable from that Python");
        return None;
    }

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
                    failures.push(format!(
                        "{label}\n{}\n--- aws cli\n{want}--- ours\n{got}---",
                        first_difference(want, got)
                    ));
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
    Some(compared)
}

#[test]
fn corpus_matches_the_aws_cli_formatters() {
    let docs = load_corpus();
    assert!(
        docs.len() >= 40,
        "the corpus should have at least 40 documents"
    );
    compare_with_cli(&docs);
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "alpha",
    "Beta",
    "gamma",
    "x",
    "42",
    "007",
    "1.5",
    "1e3",
    "true",
    "null",
    "yes",
    "~",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "arn:aws:s3:::bucket/key",
    "i-0abc",
    " ",
    " ",
    " ",
    "  ",
    ": ",
    ":",
    " #",
    "#",
    "-",
    "- ",
    "?",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "'",
    "\"",
    "\\",
    ",",
    "[",
    "]",
    "{",
    "}",
    "*",
    "&",
    "!",
    "%",
    "@",
    "`",
    "|",
    ">",
    "=",
    "<<",
    "...",
    "---",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{feff}",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "é",
    "ß",
    "日本語",
    "😀",
    "\u{301}",
    "ＡＢ",
    "Ω",
    "\u{200b}",
];

fn random_string(rng: &mut Rng) -> String {
    let n = match rng.below(10) {
        0 => 0,
        1..=6 => 1 + rng.below(4),
        7 | 8 => 5 + rng.below(20),
        _ => 20 + rng.below(60),
    };
    (0..n).map(|_| *rng.pick(PIECES)).collect()
}

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.below(1000) as i64 - 500),
        3 => json!(rng.next()),
        4 => {
            let mantissa = (rng.next() % 2_000_000) as f64 / 1000.0 - 1000.0;
            let exp = rng.below(50) as i32 - 25;
            json!(mantissa * 10f64.powi(exp))
        }
        5 => json!((rng.below(100) as f64) / 4.0),
        _ => Value::String(random_string(rng)),
    }
}

fn random_key(rng: &mut Rng) -> String {
    match rng.below(6) {
        0..=2 => rng
            .pick(&[
                "Name", "Id", "State", "Tags", "Value", "Key", "a", "B", "zeta", "Items", "Count",
            ])
            .to_string(),
        _ => random_string(rng),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let kind = if depth >= 4 { 0 } else { rng.below(6) };
    match kind {
        0 | 1 => random_scalar(rng),
        2 | 3 => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(6) {
                map.insert(random_key(rng), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        4 => {
            // A list of similar structures, as responses have.
            let keys: Vec<String> = (0..1 + rng.below(4)).map(|_| random_key(rng)).collect();
            let items = (0..rng.below(4))
                .map(|_| {
                    let mut map = serde_json::Map::new();
                    for k in &keys {
                        if rng.below(5) > 0 {
                            map.insert(k.clone(), random_value(rng, depth + 2));
                        }
                    }
                    Value::Object(map)
                })
                .collect();
            Value::Array(items)
        }
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
    }
}

#[test]
fn random_documents_match_the_aws_cli_formatters() {
    // OUTPUT_ORACLE_SEED / OUTPUT_ORACLE_DOCS explore further than the default run.
    let env_num = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env_num("OUTPUT_ORACLE_SEED").unwrap_or(0x9E37_79B9_7F4A_7C15) | 1);
    let count = env_num("OUTPUT_ORACLE_DOCS").unwrap_or(300);
    let docs: Vec<Doc> = (0..count)
        .map(|i| {
            let mut map = serde_json::Map::new();
            for _ in 0..1 + rng.below(5) {
                map.insert(random_key(&mut rng), random_value(&mut rng, 0));
            }
            Doc {
                name: format!("random-{i}"),
                title: random_key(&mut rng),
                queries: vec![None, Some("*".to_owned())],
                response: Value::Object(map),
            }
        })
        .collect();
    compare_with_cli(&docs);
}

const QUERY_KEYS: &[&str] = &[
    "Name", "Id", "State", "Tags", "Value", "Key", "a", "B", "Items", "Count",
];

fn random_query(rng: &mut Rng, depth: usize) -> String {
    let k = |rng: &mut Rng| rng.pick(QUERY_KEYS).to_string();
    let sub = |rng: &mut Rng| {
        if depth >= 2 {
            rng.pick(QUERY_KEYS).to_string()
        } else {
            random_query(rng, depth + 1)
        }
    };
    let lit = |rng: &mut Rng| -> String {
        rng.pick(&[
            "'x'",
            "`1`",
            "`2.5`",
            "`true`",
            "`null`",
            "`\"Name\"`",
            "`[1, 2]`",
            "`{\"b\": 1, \"a\": 2}`",
            "`0`",
            "`false`",
            "''",
            "`x`",
        ])
        .to_string()
    };
    match rng.below(44) {
        0 => k(rng),
        1 => format!("{}[]", k(rng)),
        2 => format!("{}[*].{}", k(rng), k(rng)),
        3 => format!("{}[{}]", k(rng), rng.below(5) as i64 - 2),
        4 => format!("{}[?{}]", k(rng), k(rng)),
        5 => format!("{}[?{} == {}]", k(rng), k(rng), lit(rng)),
        6 => format!("{}[?{} != {}].{}", k(rng), k(rng), lit(rng), k(rng)),
        7 => format!("length({})", sub(rng)),
        8 => format!("sort_by({}, &{})", k(rng), k(rng)),
        9 => "keys(@)".to_owned(),
        10 => format!("values({})", sub(rng)),
        11 => format!("*.{}", k(rng)),
        12 => format!("{} | [0]", sub(rng)),
        13 => format!("[{}, {}]", sub(rng), sub(rng)),
        14 => format!("{{z: {}, a: {}}}", sub(rng), sub(rng)),
        15 => format!("{}[1:3]", k(rng)),
        16 => format!("{}[::-1]", k(rng)),
        17 => format!("to_string({})", sub(rng)),
        18 => format!("type({})", sub(rng)),
        19 => format!("not_null({}, {})", sub(rng), sub(rng)),
        20 => format!("{} || {}", sub(rng), sub(rng)),
        21 => format!("{} && {}", sub(rng), sub(rng)),
        22 => format!("!{}", sub(rng)),
        23 => format!("{} == {}", sub(rng), lit(rng)),
        24 => format!("{} < {}", sub(rng), lit(rng)),
        25 => format!("max_by({}, &{})", k(rng), k(rng)),
        26 => format!("sum({})", sub(rng)),
        27 => format!("avg({})", sub(rng)),
        28 => format!("join(', ', {})", sub(rng)),
        29 => format!("contains({}, {})", sub(rng), lit(rng)),
        30 => format!("merge({}, {})", sub(rng), lit(rng)),
        31 => format!("map(&{}, {})", k(rng), k(rng)),
        32 => format!("reverse({})", sub(rng)),
        33 => format!("sort({})", sub(rng)),
        34 => format!("min({})", sub(rng)),
        35 => format!("to_number({})", sub(rng)),
        36 => format!("abs({})", sub(rng)),
        37 => format!("ceil({})", sub(rng)),
        38 => format!("starts_with({}, {})", sub(rng), lit(rng)),
        39 => format!("{}[].{}[]", k(rng), k(rng)),
        40 => format!("{}.*", k(rng)),
        41 => format!("{} > {}", sub(rng), sub(rng)),
        42 => format!("to_array({})", sub(rng)),
        _ => format!("min_by({}, &{})", k(rng), k(rng)),
    }
}

fn structured_value(rng: &mut Rng, depth: usize) -> Value {
    let kind = if depth >= 3 { 0 } else { rng.below(5) };
    match kind {
        0 | 1 => match rng.below(8) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 0),
            2 | 3 => json!(rng.below(100) as i64 - 20),
            4 => json!((rng.below(400) as f64) / 8.0 - 10.0),
            _ => Value::String(
                rng.pick(&["x", "Name", "alpha", "", "B", "7", "é", "a b"])
                    .to_string(),
            ),
        },
        2 => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(5) {
                map.insert(
                    rng.pick(QUERY_KEYS).to_string(),
                    structured_value(rng, depth + 1),
                );
            }
            Value::Object(map)
        }
        3 => {
            let items = (0..rng.below(5))
                .map(|_| {
                    let mut map = serde_json::Map::new();
                    for _ in 0..1 + rng.below(3) {
                        map.insert(
                            rng.pick(QUERY_KEYS).to_string(),
                            structured_value(rng, depth + 2),
                        );
                    }
                    Value::Object(map)
                })
                .collect();
            Value::Array(items)
        }
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| structured_value(rng, depth + 1))
                .collect(),
        ),
    }
}

#[test]
fn random_queries_match_the_aws_cli() {
    let env_num = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env_num("OUTPUT_ORACLE_SEED").unwrap_or(0x5DEE_CE66_D1CE_4E5B) | 1);
    let count = env_num("OUTPUT_ORACLE_DOCS").unwrap_or(250);
    let docs: Vec<Doc> = (0..count)
        .map(|i| {
            let mut map = serde_json::Map::new();
            for _ in 0..2 + rng.below(5) {
                map.insert(
                    rng.pick(QUERY_KEYS).to_string(),
                    structured_value(&mut rng, 0),
                );
            }
            Doc {
                name: format!("query-{i}"),
                title: "Query".to_owned(),
                queries: (0..4).map(|_| Some(random_query(&mut rng, 0))).collect(),
                response: Value::Object(map),
            }
        })
        .collect();
    compare_with_cli(&docs);
}

struct PagedCase {
    name: &'static str,
    pages: Vec<Value>,
    result_keys: Vec<&'static str>,
    non_aggregate_keys: Vec<&'static str>,
    resume_token: Option<&'static str>,
    queries: Vec<Option<&'static str>>,
}

fn paged_cases() -> Vec<PagedCase> {
    let object = |key: &str, size: u64| json!({"Key": key, "LastModified": "2024-03-01T03:00:00+00:00", "ETag": "\"abc\"", "Size": size, "StorageClass": "STANDARD"});
    let meta = json!({"RequestId": "r", "HTTPStatusCode": 200});
    vec![
        PagedCase {
            name: "s3-list-objects-v2",
            pages: vec![
                json!({"IsTruncated": true, "Contents": [object("a/1.txt", 1), object("a/2.txt", 22)], "Name": "bucket", "Prefix": "", "MaxKeys": 2, "KeyCount": 2, "NextContinuationToken": "t1", "ResponseMetadata": meta}),
                json!({"IsTruncated": true, "Contents": [object("b/1.txt", 333)], "CommonPrefixes": [{"Prefix": "c/"}], "Name": "bucket", "KeyCount": 2, "ContinuationToken": "t1", "NextContinuationToken": "t2"}),
                json!({"IsTruncated": false, "Contents": [object("d.txt", 0)], "Name": "bucket", "KeyCount": 1}),
            ],
            result_keys: vec!["Contents", "CommonPrefixes"],
            non_aggregate_keys: vec![],
            resume_token: None,
            queries: vec![
                None,
                Some("Contents[].Key"),
                Some("length(Contents)"),
                Some("Contents[0]"),
                Some("CommonPrefixes"),
            ],
        },
        PagedCase {
            name: "cloudfront-list-distributions",
            pages: vec![
                json!({"DistributionList": {"Marker": "", "NextMarker": "E2", "MaxItems": 1, "IsTruncated": true, "Quantity": 1, "Items": [{"Id": "E1", "DomainName": "d1.cloudfront.net", "Enabled": true}]}, "Owner": "me"}),
                json!({"DistributionList": {"Marker": "E2", "MaxItems": 1, "IsTruncated": false, "Quantity": 1, "Items": [{"Id": "E2", "DomainName": "d2.cloudfront.net", "Enabled": false}]}, "Owner": "me"}),
            ],
            result_keys: vec!["DistributionList.Items"],
            non_aggregate_keys: vec!["Owner", "DistributionList.Marker"],
            resume_token: Some("eyJNYXJrZXIiOiAiRTMiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ=="),
            queries: vec![None, Some("DistributionList.Items[].Id"), Some("Owner")],
        },
        PagedCase {
            name: "ec2-describe-instances",
            pages: vec![
                json!({"Reservations": [{"ReservationId": "r-1", "Instances": [{"InstanceId": "i-1", "State": {"Name": "running"}}]}], "NextToken": "n1"}),
                json!({"Reservations": [{"ReservationId": "r-2", "Instances": [{"InstanceId": "i-2", "State": {"Name": "stopped"}}, {"InstanceId": "i-3", "State": {"Name": "running"}}]}]}),
                json!({"Reservations": []}),
            ],
            result_keys: vec!["Reservations"],
            non_aggregate_keys: vec![],
            resume_token: Some("eyJOZXh0VG9rZW4iOiBudWxsfQ=="),
            queries: vec![
                None,
                Some("Reservations[].Instances[].InstanceId"),
                Some("Reservations[].Instances[].[InstanceId, State.Name]"),
                Some("sum(`[1, 2]`)"),
            ],
        },
    ]
}

#[test]
fn paginated_output_matches_the_aws_cli() {
    let Some(python) = python() else {
        return skip("no Python (.venv/bin/python or $CHATOPS_PYTHON)");
    };
    let cases = paged_cases();
    let formats = [OutputFormat::Text, OutputFormat::YamlStream];
    let mut requests = Vec::new();
    let mut meta = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        for query in &case.queries {
            for format in formats {
                let pages: Vec<String> = case.pages.iter().map(|p| p.to_string()).collect();
                requests.push(json!({
                    "paged": {
                        "pages": pages,
                        "result_keys": case.result_keys,
                        "non_aggregate_keys": case.non_aggregate_keys,
                        "resume_token": case.resume_token,
                    },
                    "format": format.as_str(),
                    "query": query,
                    "title": "Paged",
                }));
                meta.push((i, *query, format));
            }
        }
    }
    let results = match run_oracle(&python, &json!({"docs": [], "cases": requests})) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let mut failures = Vec::new();
    let mut compared = 0;
    for ((i, query, format), expected) in meta.iter().zip(&results) {
        if expected.get("skip").is_some() {
            continue;
        }
        compared += 1;
        let case = &cases[*i];
        let paging = Paging {
            result_keys: &case.result_keys,
            non_aggregate_keys: &case.non_aggregate_keys,
            resume_token: case.resume_token,
        };
        let ours = render_pages(&case.pages, *format, *query, &paging);
        let want = expected.get("ok").and_then(Value::as_str);
        match (want, &ours) {
            (Some(w), Ok(g)) if w == g => {}
            _ => failures.push(format!(
                "{} --output {format} --query {query:?}\n--- aws cli\n{}\n--- ours\n{:?}",
                case.name, expected, ours
            )),
        }
    }
    eprintln!("compared {compared} paginated outputs with the AWS CLI");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
