//! `chatops run`: output, exit codes and stdout/stderr, as scripts and tests rely on them.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(args)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .expect("run chatops");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn dry_run_prints_the_call_as_json() {
    let (code, out, err) = run(&[
        "run",
        "--dry-run",
        "@aws lambda get-function my-fn --region eu-west-1",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let request = v
        .as_object_mut()
        .unwrap()
        .remove("request")
        .expect("the request part");
    assert_eq!(
        v,
        serde_json::json!({
            "service": "lambda",
            "operation": "GetFunction",
            "params": {"FunctionName": "my-fn"},
            "iam_actions": ["lambda:GetFunction"],
            "access": "read",
            "region": "eu-west-1"
        })
    );
    assert_eq!(request["method"], "GET");
    assert_eq!(
        request["url"],
        "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/my-fn"
    );
    assert_eq!(
        request["signing"],
        serde_json::json!({"service": "lambda", "region": "eu-west-1"})
    );
    assert!(
        request["headers"].get("Authorization").is_none(),
        "no signature in a dry run"
    );
    assert!(err.is_empty());
}

#[test]
fn dry_run_uses_the_operator_region_when_the_line_has_none() {
    let (code, out, _) = run(&[
        "run",
        "--dry-run",
        "--region",
        "ap-southeast-2",
        "invoke f --payload '{}'",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["region"], "ap-southeast-2");
    assert_eq!(v["operation"], "Invoke");
    assert_eq!(v["access"], "write");
    assert_eq!(
        v["params"],
        serde_json::json!({"FunctionName": "f", "Payload": "{}"})
    );
}

#[test]
fn missing_parameters_exit_4_and_are_listed() {
    let (code, out, err) = run(&[
        "run",
        "--dry-run",
        "cloudwatch set-alarm-state --alarm-name a",
    ]);
    assert_eq!(code, 4);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["missing"],
        serde_json::json!(["--state-value", "--state-reason"])
    );
    assert!(
        err.contains("--state-value (string) one of: OK, ALARM, INSUFFICIENT_DATA"),
        "{err}"
    );
    let (code, out, _) = run(&["run", "cloudwatch set-alarm-state --alarm-name a"]);
    assert_eq!(code, 4);
    assert!(out.is_empty());
}

#[test]
fn bad_and_refused_lines_exit_2_with_the_reason_on_stderr() {
    let (code, out, err) = run(&["run", "lambda list-functions --profile prod"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        err.trim(),
        "error: --profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile"
    );
    let (code, _, err) = run(&["run", "--dry-run", "lamda list-functions"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean 'lambda'"), "{err}");
}

#[test]
fn help_goes_to_stdout_and_exits_0() {
    let (code, out, _) = run(&["run", "lambda get-function --help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("lambda get-function"));
    assert!(out.contains("--function-name (string, required)"), "{out}");
}

#[test]
fn a_write_needs_yes_when_not_interactive() {
    let (code, out, err) = run(&["run", "lambda delete-function --function-name f"]);
    assert_eq!(code, 4);
    assert!(out.is_empty());
    assert_eq!(
        err.trim(),
        "lambda delete-function changes resources (lambda:DeleteFunction); confirm with --yes to run it"
    );
}

#[test]
fn an_unreachable_endpoint_is_reported_after_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["run", "--endpoint-url", &url, "lambda list-functions"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("after 3 attempts"), "{err}");
    assert!(err.contains(&url), "{err}");
}
