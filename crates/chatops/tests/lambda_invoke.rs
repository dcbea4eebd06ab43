//! `lambda invoke` in chat has no output file: the function's payload and log tail are shown.

mod common;

use common::fake;
use std::process::Command;
use std::sync::Arc;

#[test]
fn the_payload_and_the_log_tail_are_shown() {
    let f = fake(Arc::new(|_, s| {
        use std::io::Write;
        let body = r#"{"statusCode": 200, "body": "hi"}"#;
        // "START RequestId: 1\nboom\n" in base64, as Lambda sends the log tail.
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-amz-function-error: Unhandled\r\nx-amz-log-result: U1RBUlQgUmVxdWVzdElkOiAxCmJvb20K\r\nx-amz-executed-version: $LATEST\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    }));
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args([
            "run",
            "--yes",
            "--endpoint-url",
            &f.url,
            r#"invoke my-fn --payload '{"a": 1}' --log-type Tail"#,
        ])
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
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["StatusCode"], 200);
    assert_eq!(v["FunctionError"], "Unhandled");
    assert_eq!(v["LogResult"], "START RequestId: 1\nboom\n");
    assert_eq!(v["ExecutedVersion"], "$LATEST");
    assert_eq!(
        v["Payload"],
        serde_json::json!({"statusCode": 200, "body": "hi"})
    );
}

#[test]
fn a_slow_function_times_out_with_the_asynchronous_alternative() {
    let f = fake(Arc::new(|_, _| {
        std::thread::sleep(std::time::Duration::from_secs(30))
    }));
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["run", "--yes", "--endpoint-url", &f.url, "invoke my-fn"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("CHATOPS_DEADLINE_SECS", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: lambda invoke timed out after 1 s. To run the function without waiting for it, invoke it asynchronously: add --invocation-type Event."
    );
}
