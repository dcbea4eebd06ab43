//! A local endpoint that misbehaves: throttles, fails, stalls, resets, sends garbage. Each
//! case checks the number of attempts, the message, the exit code, and that nothing hangs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the fake endpoint does with the n-th request (0-based).
type Behaviour = Arc<dyn Fn(usize, &mut TcpStream) + Send + Sync>;

struct Fake {
    url: String,
    hits: Arc<AtomicUsize>,
}

fn read_request(s: &mut TcpStream) {
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
            if buf.len() >= end + 4 + len {
                break;
            }
        }
    }
}

fn respond(s: &mut TcpStream, status: &str, body: &str) {
    let _ = write!(s, "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
}

fn fake(behaviour: Behaviour) -> Fake {
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
                read_request(&mut s);
                b(n, &mut s);
            });
        }
    });
    Fake { url, hits }
}

fn run(url: &str, deadline_secs: &str) -> (i32, String, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["run", "--endpoint-url", url, "kinesis list-streams"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("CHATOPS_DEADLINE_SECS", deadline_secs)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn throttling_is_retried_three_times_then_reported() {
    let f = fake(Arc::new(|_, s| {
        respond(
            s,
            "400 Bad Request",
            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
        )
    }));
    let (code, err, _) = run(&f.url, "15");
    assert_eq!(code, 1, "{err}");
    assert_eq!(f.hits.load(Ordering::SeqCst), 3);
    assert_eq!(err.trim(), "An error occurred (ThrottlingException) when calling the ListStreams operation (reached max retries: 2): Rate exceeded");
}

#[test]
fn server_errors_are_retried_and_a_later_success_wins() {
    let f = fake(Arc::new(|n, s| {
        if n < 2 {
            respond(
                s,
                "500 Internal Server Error",
                r#"{"__type":"InternalFailure","message":"oops"}"#,
            )
        } else {
            respond(
                s,
                "200 OK",
                r#"{"StreamNames":["s1"],"HasMoreStreams":false}"#,
            )
        }
    }));
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["run", "--endpoint-url", &f.url, "kinesis list-streams"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(f.hits.load(Ordering::SeqCst), 3);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["StreamNames"][0], "s1");
}

#[test]
fn a_client_error_is_not_retried() {
    let f = fake(Arc::new(|_, s| {
        respond(
            s,
            "400 Bad Request",
            r#"{"__type":"com.amazon#ResourceNotFoundException","message":"Stream s not found"}"#,
        )
    }));
    let (code, err, _) = run(&f.url, "15");
    assert_eq!(code, 1);
    assert_eq!(f.hits.load(Ordering::SeqCst), 1);
    assert_eq!(err.trim(), "An error occurred (ResourceNotFoundException) when calling the ListStreams operation: Stream s not found");
}

#[test]
fn a_stalled_endpoint_ends_at_the_deadline() {
    let f = fake(Arc::new(|_, _s| {
        std::thread::sleep(Duration::from_secs(30))
    }));
    let (code, err, took) = run(&f.url, "2");
    assert_eq!(code, 5, "{err}");
    assert_eq!(
        err.trim(),
        "error: kinesis list-streams timed out after 2 s."
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn reset_connections_are_retried_then_reported() {
    let f = fake(Arc::new(|_, s| {
        let _ = s.shutdown(std::net::Shutdown::Both);
    }));
    let (code, err, _) = run(&f.url, "15");
    assert_eq!(code, 1, "{err}");
    assert_eq!(f.hits.load(Ordering::SeqCst), 3);
    assert!(
        err.starts_with(&format!(
            "error: could not reach {}/ after 3 attempts",
            f.url
        )),
        "{err}"
    );
}

#[test]
fn a_malformed_body_is_reported_not_a_panic() {
    let f = fake(Arc::new(|_, s| respond(s, "200 OK", "{not json")));
    let (code, err, _) = run(&f.url, "15");
    assert_eq!(code, 1, "{err}");
    assert_eq!(f.hits.load(Ordering::SeqCst), 1);
    assert!(
        err.starts_with("error: the response could not be read: the response is not valid JSON"),
        "{err}"
    );
}
