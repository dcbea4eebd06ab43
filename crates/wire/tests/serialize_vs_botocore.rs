//! The requests we serialize equal botocore's, byte for byte (method, path, query string,
//! protocol headers, body, host prefix), for every line of the command corpus.

use command::{parse_line, Catalog, Parsed};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn venv_python() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(".venv/bin/python"))
        .find(|p| p.is_file())
        .expect("run scripts/setup.sh first")
}

#[test]
fn corpus_requests_equal_botocore() {
    let cat = Catalog::open(None).expect("models");
    let corpus = [
        include_str!("../../command/tests/corpus/parity.txt"),
        include_str!("cbor_corpus.txt"),
    ]
    .join("\n");
    let mut requests = Vec::new();
    let mut lines = Vec::new();
    let mut protocols: BTreeMap<String, usize> = BTreeMap::new();
    for raw in corpus.lines() {
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let raw = raw.strip_prefix("final: ").unwrap_or(raw);
        let chat = raw.split_once('\t').map(|(c, _)| c).unwrap_or(raw);
        let Ok(Parsed::Call(call)) = parse_line(&cat, chat) else {
            continue;
        };
        let model = cat.models.service(&call.service).unwrap();
        let op = model.operations.get(&call.operation).unwrap();
        let mut params = call.params.clone();
        let given: Vec<String> = params.keys().cloned().collect();
        wire::handlers::prepare(&model, op, &mut params);
        // Tokens we filled are handed to botocore so both sides use the same values.
        let tokens: serde_json::Map<String, serde_json::Value> = params
            .iter()
            .filter(|(k, _)| !given.contains(k) && k.as_str() != "EncodingType")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let s = match wire::serialize::serialize(&model, op, &params) {
            Ok(s) => s,
            Err(e) => panic!("{chat}: {e}"),
        };
        *protocols.entry(model.protocol().to_string()).or_default() += 1;
        let headers: serde_json::Map<String, serde_json::Value> = s
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        use base64::Engine;
        requests.push(serde_json::json!({
            "service": call.model_name,
            "operation": call.operation,
            "params": call.params,
            "tokens": tokens.keys().collect::<Vec<_>>(),
            "tokens_values": tokens,
            "ours": {
                "method": s.method,
                "path": s.path,
                "query": wire::serialize::encode_pairs(&s.query),
                "headers": headers,
                "host_prefix": s.host_prefix,
                "body_b64": base64::engine::general_purpose::STANDARD.encode(&s.body),
            }
        }));
        lines.push(chat.to_string());
    }
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/botocore_serialize.py");
    let mut child = Command::new(venv_python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for r in &requests {
            writeln!(stdin, "{r}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let results: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), requests.len());
    let failures: Vec<String> = results
        .iter()
        .zip(&lines)
        .filter(|(r, _)| r["ok"] != true)
        .map(|(r, l)| format!("{l}\n    {}", r["detail"].as_str().unwrap_or("")))
        .collect();
    println!("compared {} requests: {protocols:?}", lines.len());
    assert!(
        failures.is_empty(),
        "{} of {} requests differ from botocore:\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n")
    );
    assert!(lines.len() >= 150, "only {} requests compared", lines.len());
    for p in [
        "json",
        "rest-json",
        "rest-xml",
        "query",
        "ec2",
        "smithy-rpc-v2-cbor",
    ] {
        assert!(
            protocols.get(p).copied().unwrap_or(0) >= 5,
            "too few {p} requests: {protocols:?}"
        );
    }
}
