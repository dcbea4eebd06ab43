//! A moto server on a free loopback port for the test's lifetime, and helpers to run
//! `chatops` and the reference `aws` against it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use testkit::{venv, Moto};

pub mod notices;
pub mod prometheus;
pub mod slack_api;
pub mod web;

/// The result of one command: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

fn env(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
}

/// `chatops run --endpoint-url <moto> --yes "<line>"`.
pub fn chatops(moto: &Moto, line: &str) -> Out {
    let out = env(&mut Command::new(env!("CARGO_BIN_EXE_chatops")))
        .args(["run", "--endpoint-url", &moto.url, "--yes", line])
        .output()
        .expect("run chatops");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The reference AWS CLI against the same server (`cli_timestamp_format = iso8601`, as in
/// AWS CLI v2).
pub fn aws(moto: &Moto, args: &str) -> Out {
    aws_via(&moto.url, args)
}

/// The reference AWS CLI with `--endpoint-url url` (a proxy in front of moto).
pub fn aws_via(url: &str, args: &str) -> Out {
    let config = std::env::temp_dir().join("chatops-aws-cli-config");
    std::fs::write(&config, "[default]\ncli_timestamp_format = iso8601\n").unwrap();
    let mut argv = shell_words(args);
    argv.extend(["--endpoint-url".to_string(), url.to_string()]);
    let out = env(&mut Command::new(venv().join("bin/aws")))
        .env("AWS_CONFIG_FILE", &config)
        .args(&argv)
        .output()
        .expect("run aws");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Splits a command line as a shell would (quotes only).
pub fn shell_words(s: &str) -> Vec<String> {
    command::tokenize(s).expect("a well-formed test line")
}

/// What the fake endpoint does with the n-th request (0-based).
pub type Behaviour = Arc<dyn Fn(usize, &mut TcpStream) + Send + Sync>;

pub struct Fake {
    pub url: String,
    pub hits: Arc<AtomicUsize>,
}

/// Reads one request (head and a Content-Length body) and returns its bytes.
pub fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = s.read(&mut chunk) {
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            if head.contains("expect: 100-continue") && buf.len() == end + 4 {
                let _ = s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            if buf.len() >= end + 4 + len {
                break;
            }
        }
    }
    buf
}

/// `GET path` on `addr` with extra headers, on a fresh connection; the status (0 when the
/// answer is unreadable) and the body.
pub fn http_get(addr: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    read_answer(&mut s)
}

/// Reads an HTTP answer to the end of the connection: the status (0 when unreadable) and the
/// body.
pub fn read_answer(s: &mut TcpStream) -> (u16, String) {
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// A fresh directory under the system's temporary one, unique to this process and moment.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "chatops-{name}-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A 200 answer with a JSON body.
pub fn respond_json(s: &mut TcpStream, body: &str) {
    let _ = write!(s, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
}

pub fn respond(s: &mut TcpStream, status: &str, body: &str) {
    let _ = write!(s, "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
}

pub fn fake(behaviour: Behaviour) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let n = h.fetch_add(1, Ordering::SeqCst);
            let b = behaviour.clone();
            std::thread::spawn(move || {
                let mut s = stream;
                let _ = read_request(&mut s);
                b(n, &mut s);
            });
        }
    });
    Fake { url, hits }
}

/// A capturing endpoint: records each request; answers AssumeRole with credentials that
/// expire `lifetime` from now, and anything else with `{}`.
pub fn capturing_sts(lifetime: Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut s = stream;
            let req = String::from_utf8_lossy(&read_request(&mut s)).into_owned();
            let n = {
                let mut l = log.lock().unwrap();
                l.push(req);
                l.len()
            };
            let expires = SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + lifetime;
            let body = format!(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
                 <Credentials><AccessKeyId>ASIAKEY{n}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
                 <SessionToken>token{n}</SessionToken><Expiration>{}</Expiration></Credentials>\
                 <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/ops/x</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>\
                 </AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>",
                command::timestamp::from_epoch(expires.as_secs_f64()).unwrap()
            );
            if !log.lock().unwrap()[n - 1].contains("Action=AssumeRole") {
                respond(&mut s, "200 OK", "{}");
                continue;
            }
            let _ = s.write_all(
                format!("HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).as_bytes(),
            );
        }
    });
    (url, seen)
}

/// A proxy in front of `target` (`http://host:port`) that records each AWS request as
/// `METHOD PATH | X-Amz-Target | signing region | body` and forwards it unchanged but for
/// `Connection: close`.
pub fn recording_proxy(target: &str) -> (String, Arc<Mutex<Vec<String>>>) {
    let upstream = target
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut client = stream;
            let raw = read_request(&mut client);
            let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&raw[..end]).into_owned();
            let body = &raw[end + 4..];
            let mut lines = head.split("\r\n");
            let request_line = lines.next().unwrap_or("").to_string();
            let headers: Vec<&str> = lines
                .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                .collect();
            let header = |name: &str| {
                headers
                    .iter()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                    })
                    .unwrap_or_default()
            };
            let region = header("authorization")
                .split("Credential=")
                .nth(1)
                .and_then(|c| c.split('/').nth(2))
                .unwrap_or("")
                .to_string();
            let method_path = request_line
                .rsplit_once(' ')
                .map(|(mp, _)| mp.to_string())
                .unwrap_or_default();
            log.lock().unwrap().push(format!(
                "{method_path} | {} | {region} | {}",
                header("x-amz-target"),
                String::from_utf8_lossy(body)
            ));
            let Ok(mut up) = TcpStream::connect(&upstream) else {
                continue;
            };
            let mut forward = format!("{request_line}\r\n");
            for h in &headers {
                forward.push_str(h);
                forward.push_str("\r\n");
            }
            forward.push_str("Connection: close\r\n\r\n");
            let _ = up.write_all(forward.as_bytes());
            let _ = up.write_all(body);
            let mut answer = Vec::new();
            let _ = up.read_to_end(&mut answer);
            let _ = client.write_all(&answer);
        }
    });
    (url, seen)
}
