//! `chatops run --config F --channel C`: the layered authorizer decides before anything is
//! sent; allowed calls go to the channel's account, signed with the role assumed for the
//! user (guardrails as session policies).

mod common;

use common::{capturing_sts, Moto};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn config(dir: &Path, endpoint: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("chatops.toml");
    std::fs::write(
        &file,
        format!(
            r#"[[workspaces]]
name = "local"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "eu-west-1"
role_arn = "arn:aws:iam::123456789012:role/chatops"
endpoint = "{endpoint}"

[[policies]]
name = "queues"
document = '{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"sqs:CreateQueue","Resource":"*"}}}}'

[[roles]]
name = "dev"
policies = ["AdministratorAccess"]

[[channels]]
name = "dev"
workspace = "local"
platform_id = "dev"
accounts = ["dev"]
role_setting = "channel"
channel_role = "dev"
guardrails = ["ReadOnly", "queues"]
"#
        ),
    )
    .unwrap();
    file
}

fn run(cfg: &Path, line: &str) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args([
            "run",
            "--config",
            cfg.to_str().unwrap(),
            "--channel",
            "dev",
            "--user",
            "U042",
            "--yes",
            line,
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn allowed_calls_run_in_the_channels_account_as_the_assumed_role() {
    let moto = Moto::start();
    let dir = std::env::temp_dir().join(format!("chatops-channel-run-{}", std::process::id()));
    let cfg = config(&dir, &moto.url);
    let (code, out, err) = run(&cfg, "sqs create-queue --queue-name jobs");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("jobs"), "{out}");
    let (code, out, err) = run(&cfg, "sqs list-queues");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("eu-west-1") || out.contains("/jobs"),
        "the channel's region and queue: {out}"
    );
    // Refused by the guardrails: nothing else is asked of AWS.
    let (code, _, err) = run(
        &cfg,
        "sqs delete-queue --queue-url http://x/123456789012/jobs",
    );
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("no guardrail of dev allows sqs:DeleteQueue"),
        "{err}"
    );
    assert!(err.contains("ask an admin"), "{err}");
    let (code, out, _) = run(&cfg, "sqs list-queues");
    assert_eq!(code, Some(0));
    assert!(out.contains("jobs"), "the queue is still there: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_call_is_signed_with_the_session_and_refusals_send_nothing() {
    let (url, seen) = capturing_sts(Duration::from_secs(3600));
    let dir = std::env::temp_dir().join(format!("chatops-channel-sign-{}", std::process::id()));
    let cfg = config(&dir, &url);
    let (code, _, err) = run(&cfg, "lambda list-functions");
    assert_eq!(code, Some(0), "{err}");
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 2, "AssumeRole, then the call");
    assert!(reqs[0].contains("Action=AssumeRole") && reqs[0].contains("Credential=testing/"));
    assert!(reqs[0].contains("RoleSessionName=chatops-U042"));
    assert!(reqs[0].contains("SourceIdentity=U042"));
    let call = reqs[1].to_ascii_lowercase();
    assert!(call.starts_with("get /2015-03-31/functions"), "{call}");
    assert!(
        call.contains("credential=asiakey1/"),
        "signed with the session: {call}"
    );
    assert!(
        call.contains("/eu-west-1/lambda/"),
        "in the account's region: {call}"
    );
    assert!(call.contains("x-amz-security-token: token1"), "{call}");

    for refused in [
        "lambda delete-function --function-name f",
        "iam list-roles",
        "s3api get-object --bucket b --key k",
    ] {
        let (code, _, err) = run(&cfg, refused);
        assert_eq!(code, Some(3), "{refused}: {err}");
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        2,
        "refused commands send nothing, not even AssumeRole"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
