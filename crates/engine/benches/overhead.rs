//! Engine overhead per command: a read answered by a local stub endpoint (so AWS's round
//! trip is a loopback one), through the whole engine with a file SQLite store, against the
//! runner alone on the same stub. The difference is what the engine adds.

use criterion::{criterion_group, criterion_main, Criterion};
use engine::{Event, Inbound, Options, Runner};
use std::sync::Arc;
use std::time::Duration;
use store::SqliteStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BODY: &str = r#"{"QueueUrls":["https://sqs.us-east-1.amazonaws.com/123456789012/jobs","https://sqs.us-east-1.amazonaws.com/123456789012/mail"]}"#;

/// A keep-alive HTTP/1.1 stub answering every request with BODY.
async fn stub() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut have = Vec::new();
                loop {
                    let Ok(n) = s.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    have.extend_from_slice(&buf[..n]);
                    while let Some(end) = have.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&have[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| {
                                l.strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if have.len() < end + 4 + len {
                            break;
                        }
                        have.drain(..end + 4 + len);
                        let resp = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\n\r\n{BODY}",
                            BODY.len()
                        );
                        if s.write_all(resp.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(stub());
    let dir = std::env::temp_dir().join(format!("chatops-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml = format!(
        r#"[[workspaces]]
name = "w"
platform = "web"
[[accounts]]
name = "dev"
id = "123456789012"
endpoint = "{url}"
[[roles]]
name = "r"
policies = ["ReadOnly"]
[[channels]]
name = "ops"
workspace = "w"
platform_id = "C1"
accounts = ["dev"]
role_setting = "channel"
channel_role = "r"
guardrails = ["ReadOnly", "Lambda-Invoke Command Permissions"]
"#
    );
    let store = Arc::new(SqliteStore::open(dir.join("bench.db")).unwrap());
    let engine = engine::testing::engine(&toml, store, Options::default());
    let cat = engine::testing::catalog();
    let ev = Inbound {
        workspace: "w".into(),
        channel: "C1".into(),
        thread: None,
        user: "U1".into(),
        user_name: None,
        event: Event::Text {
            text: "@aws sqs list-queues".into(),
        },
    };
    // Warm the models and the connection.
    let out = rt.block_on(engine.handle_event(&ev));
    assert!(
        format!("{out:?}").contains("queue"),
        "the command ran: {out:?}"
    );
    let runner = Runner::new(
        cat.models.clone(),
        wire::client::Client::with_keys("testing", "testing"),
        Duration::from_secs(5),
    );
    let call = match command::parse_line(&cat, "sqs list-queues").unwrap() {
        command::Parsed::Call(c) => *c,
        _ => unreachable!(),
    };
    let route = engine::Route {
        region: "us-east-1",
        endpoint: Some(&url),
        assume: None,
    };
    rt.block_on(runner.call(&call, &route)).unwrap();
    let mut g = c.benchmark_group("engine");
    g.bench_function("handle_read_command", |b| {
        b.iter(|| rt.block_on(engine.handle_event(&ev)))
    });
    g.bench_function("runner_call_only", |b| {
        b.iter(|| rt.block_on(runner.call(&call, &route)).unwrap())
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
