//! The request `chatops run` sends equals the one the reference `aws` sends for the same
//! line: a capturing endpoint records both (method, path, query, body, target and
//! content-type headers, and the signing service and region from the signature's scope).

mod common;

use common::venv;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq)]
struct Captured {
    method: String,
    path: String,
    query: Vec<String>,
    headers: BTreeMap<String, String>,
    scope: String,
    body: Vec<u8>,
}

fn parse(raw: &[u8]) -> Option<Captured> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut query: Vec<String> = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .collect();
    query.sort();
    let mut headers = BTreeMap::new();
    let mut scope = String::new();
    for l in lines {
        let (k, v) = l.split_once(':')?;
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim().to_string();
        if k == "authorization" {
            // Credential=AKID/20240101/us-east-1/kinesis/aws4_request → region/service
            scope = v
                .split("Credential=")
                .nth(1)
                .and_then(|c| c.split(',').next())
                .map(|c| c.splitn(3, '/').nth(2).unwrap_or("").to_string())
                .unwrap_or_default();
        }
        if matches!(
            k.as_str(),
            "x-amz-target"
                | "content-type"
                | "x-amz-sdk-checksum-algorithm"
                | "x-amz-checksum-crc32"
                | "content-md5"
                | "x-amzn-query-mode"
                | "smithy-protocol"
        ) || (k.starts_with("x-amz-")
            && !matches!(
                k.as_str(),
                "x-amz-date" | "x-amz-content-sha256" | "x-amz-security-token" | "x-amz-user-agent"
            ))
        {
            headers.insert(k, v);
        }
    }
    Some(Captured {
        method,
        path: path.to_string(),
        query,
        headers,
        scope,
        body: mask_uuids(&raw[end + 4..]),
    })
}

/// Idempotency tokens are random UUIDs on both sides: masked before comparing.
fn mask_uuids(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body).into_owned();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let candidate: String = chars[i..(i + 36).min(chars.len())].iter().collect();
        let is_uuid = candidate.len() == 36
            && candidate.char_indices().all(|(k, c)| {
                if [8, 13, 18, 23].contains(&k) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        if is_uuid {
            out.push_str("<uuid>");
            i += 36;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out.into_bytes()
}

/// A server that records each request and answers 400, so neither client retries.
fn capture() -> (String, Arc<Mutex<Vec<Captured>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = s2.clone();
            std::thread::spawn(move || {
                let mut s = stream;
                let buf = common::read_request(&mut s);
                if let Some(c) = parse(&buf) {
                    seen.lock().unwrap().push(c);
                }
                let body = r#"{"__type":"Captured","message":"captured"}"#;
                let _ = write!(s, "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            });
        }
    });
    (url, seen)
}

fn env(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_RETRY_MODE", "standard")
}

#[test]
fn requests_equal_the_aws_cli() {
    let corpus = include_str!("../../command/tests/corpus/parity.txt");
    let (url, seen) = capture();
    let mut compared = 0;
    let mut failures = Vec::new();
    let mut skipped = 0;
    let mut refused = 0;
    for raw in corpus.lines() {
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let (chat, shell) = raw.split_once('\t').unwrap_or((raw, raw));
        // CLI-made caller references differ on every run. Fractional epoch timestamps: the
        // reference CLI vendors botocore 1.43, which drops the fraction; botocore 1.44 (our
        // models and serializer reference) keeps it.
        if shell.contains("--paths")
            || shell.contains("1714521600.5")
            || shell.contains("12:00:00.500Z")
            || shell.contains("secretsmanager")
            || shell.contains("athena start-query-execution")
            || shell.contains("backup start-backup-job")
        {
            skipped += 1;
            continue;
        }
        seen.lock().unwrap().clear();
        let ours = env(&mut Command::new(env!("CARGO_BIN_EXE_chatops")))
            .args(["run", "--yes", "--endpoint-url", &url, chat])
            .output()
            .unwrap();
        let ours_req = seen.lock().unwrap().clone();
        seen.lock().unwrap().clear();
        // Operations on the always-deny list are refused before anything is sent; their
        // requests are still compared with botocore's by wire's serialize_vs_botocore.
        if ours.status.code() == Some(3)
            && String::from_utf8_lossy(&ours.stderr).contains("always-deny list")
        {
            assert!(ours_req.is_empty(), "{chat}: refused but sent");
            refused += 1;
            continue;
        }
        let mut argv = command::tokenize(shell).unwrap();
        if argv.first().is_some_and(|a| a == "aws") {
            argv.remove(0);
        }
        argv.extend(["--endpoint-url".into(), url.clone()]);
        let theirs = env(&mut Command::new(venv().join("bin/aws")))
            .args(&argv)
            .output()
            .unwrap();
        let theirs_req = seen.lock().unwrap().clone();
        if theirs_req.is_empty() {
            // The CLI did not send (a customization it validates locally); nothing to compare.
            skipped += 1;
            continue;
        }
        compared += 1;
        if ours_req.first() != theirs_req.first() {
            failures.push(format!(
                "{chat}\n  ours:  {:?}\n  aws:   {:?}\n  (ours stderr: {})(aws stderr: {})",
                ours_req.first().map(|c| (
                    &c.method,
                    &c.path,
                    &c.query,
                    &c.headers,
                    &c.scope,
                    String::from_utf8_lossy(&c.body)
                )),
                theirs_req.first().map(|c| (
                    &c.method,
                    &c.path,
                    &c.query,
                    &c.headers,
                    &c.scope,
                    String::from_utf8_lossy(&c.body)
                )),
                String::from_utf8_lossy(&ours.stderr).trim(),
                String::from_utf8_lossy(&theirs.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ));
        }
    }
    println!("compared {compared} requests, skipped {skipped}, refused by the always-deny list {refused}");
    assert!(
        failures.is_empty(),
        "{} of {compared} requests differ from the AWS CLI's:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 150, "only {compared} requests compared");
}
