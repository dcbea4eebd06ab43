//! A local endpoint that misbehaves: throttles, fails, stalls, resets, sends garbage. Each
//! case checks the number of attempts, the message, the exit code, and that nothing hangs.

mod common;

use common::{fake, respond};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
