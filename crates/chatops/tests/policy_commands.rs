//! `chatops policy simulate`, `chatops policy check` and `chatops config check` as users run
//! them.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn chatops(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../config/examples/chatops.toml")
        .display()
        .to_string()
}

#[test]
fn simulate_answers_each_line_in_order_and_survives_bad_ones() {
    let allow = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#;
    let deny = r#"{"Version":"2012-10-17","Statement":{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::secrets/*"}}"#;
    let input = [
        format!(r#"{{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identity_policies":[{allow}]}}"#),
        format!(r#"{{"action":"s3:GetObject","resource":"arn:aws:s3:::secrets/k","identity_policies":[{allow}],"session_policies":[{allow},{deny}]}}"#),
        "this is not json".to_string(),
        String::new(),
        r#"{"action":"s3:GetObject","identity_policies":[{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}]}"#.to_string(),
        format!(r#"{{"action":"ec2:StopInstances","context":{{"aws:SourceIp":"10.0.0.1"}},"identity_policies":[{allow}]}}"#),
    ]
    .join("\n");
    let out = chatops(&["policy", "simulate"], Some(&input));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "one answer per non-empty line");
    assert_eq!(lines[0]["decision"], "allowed");
    assert!(lines[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("identity policy"));
    assert_eq!(lines[1]["decision"], "explicitDeny");
    assert!(lines[1]["explanation"]
        .as_str()
        .unwrap()
        .contains("statement \"NoSecrets\""));
    assert_eq!(lines[2]["decision"], "error");
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
    assert_eq!(lines[3]["decision"], "error");
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .contains("Statement[0].Effect"));
    assert_eq!(lines[4]["decision"], "implicitDeny");
    assert!(lines[4]["explanation"]
        .as_str()
        .unwrap()
        .contains("no identity policy allows ec2:StopInstances"));
}

#[test]
fn check_says_what_would_run_and_why() {
    let cfg = example();
    let check = |extra: &[&str], line: &str| {
        let mut args = vec!["policy", "check", "--config", &cfg];
        args.extend_from_slice(extra);
        args.push(line);
        let out = chatops(&args, None);
        (out.status.code(), text(&out.stdout))
    };
    let (code, out) = check(
        &["--channel", "ops", "--user", "U1"],
        "ec2 reboot-instances --instance-ids i-1",
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("would run") && out.contains("role: ops (arn:aws:iam::123456789012:role/ops)"),
        "{out}"
    );
    assert!(
        out.contains("account: prod (123456789012), region eu-west-1"),
        "{out}"
    );
    assert!(out.contains("confirmation"), "{out}");

    let (code, out) = check(
        &["--channel", "ops", "--user", "U1"],
        "@aws lambda delete-function --function-name f",
    );
    assert_eq!(code, Some(3));
    assert!(
        out.contains("denied by guardrail \"no-deletes\", statement \"NoDeletes\""),
        "{out}"
    );
    assert!(out.contains("what to do: ask an admin"), "{out}");

    let (code, out) = check(
        &["--channel", "oncall", "--user", "U1"],
        "lambda list-functions",
    );
    assert_eq!(code, Some(3));
    assert!(out.contains("switch-role"), "{out}");

    let (code, out) = check(
        &["--channel", "oncall", "--user", "U1", "--role", "readonly"],
        "lambda list-functions",
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("protection policy"), "{out}");

    let (code, out) = check(
        &["--channel", "try-it", "--user", "U1"],
        "SECRETSMANAGER get-secret-value -secret-id x",
    );
    assert_eq!(code, Some(3));
    assert!(out.contains("always-deny list"), "{out}");

    let (code, out) = check(
        &["--channel", "ops", "--user", "U1", "--json"],
        "ec2 describe-instances --region us-west-2",
    );
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["decision"], "allowed");
    assert_eq!(v["region"], "us-west-2");
    assert_eq!(
        v["session_policy"]["policy_arns"][0],
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );

    let out = chatops(
        &[
            "policy",
            "check",
            "--config",
            &cfg,
            "--channel",
            "nope",
            "--user",
            "U1",
            "s3api list-buckets",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no channel \"nope\""));
}

#[test]
fn config_check_reports_every_problem_with_its_line() {
    let out = chatops(&["config", "check", &example()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok (3 channels"));
    assert!(
        text(&out.stdout).contains("3 notification routes)"),
        "{}",
        text(&out.stdout)
    );

    let dir = std::env::temp_dir().join(format!("chatops-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        r#"[[accounts]]
name = "prod"
id = "12345"

[[policies]]
name = "bad"
document = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}'

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C1"
accounts = ["prod"]
role_setting = "channel"
guardrails = ["ReadOnlyy"]
colour = "red"
"#,
    )
    .unwrap();
    let out = chatops(&["config", "check", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let f = file.display().to_string();
    for want in [
        format!("{f}:3:"),                       // bad account id
        format!("{f}:7:"),                       // invalid policy document
        "Statement[0].Action".to_string(),       // named inside the document's problem
        "channels[0].guardrails[0]".to_string(), // unknown built-in
        "channels[0].colour".to_string(),        // unknown key
    ] {
        assert!(err.contains(&want), "missing {want:?} in:\n{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_check_warns_about_notification_routes() {
    let dir = std::env::temp_dir().join(format!("chatops-routes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("routes.toml");
    std::fs::write(
        &file,
        r#"[[workspaces]]
name = "acme"
platform = "web"

[[accounts]]
name = "prod"
id = "123456789012"

[[roles]]
name = "ro"
policies = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C1"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ro"

[[notifications]]
name = "checked"
topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"
channels = ["ops"]

[[notifications]]
name = "moto"
queue_url = "http://127.0.0.1:5000/123456789012/q"
channels = ["ops"]
verify_signatures = false

[[notifications]]
name = "orphan"
topic_arn = "arn:aws:sns:us-east-1:999999999999:t"
channels = ["ops"]

[[notifications]]
name = "cross"
topic_arn = "arn:aws:sns:us-east-1:888888888888:t"
account = "prod"
channels = ["ops"]
"#,
    )
    .unwrap();
    let out = chatops(&["config", "check", file.to_str().unwrap()], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("4 notification routes)"), "{stdout}");
    let warnings: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("warning: notification route"))
        .collect();
    assert_eq!(warnings.len(), 3, "{stdout}");
    assert!(
        warnings[0].contains("\"moto\"")
            && warnings[0]
                .contains("signatures are not checked; use only with an emulator such as moto"),
        "{stdout}"
    );
    assert!(
        warnings[1].contains("\"orphan\"")
            && warnings[1].contains("no credentials to confirm its subscription"),
        "{stdout}"
    );
    assert!(
        warnings[2].contains("\"cross\"") && warnings[2].contains("account 888888888888"),
        "{stdout}"
    );
    assert!(!stdout.contains("\"checked\""), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
