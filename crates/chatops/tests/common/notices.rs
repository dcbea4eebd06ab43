//! Notification fixtures for `chatops serve`: a configuration with a web channel (and a
//! Slack one) and routes, alarm and custom notification messages, and the AWS CLI with a
//! message in a file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::{aws, Moto, Out};

/// The topic the tests' routes list.
pub const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:alarms";

/// An alarm message in the shape CloudWatch publishes (`+0000` timestamps, lower-case
/// dimension keys).
pub fn alarm(state: &str, old: &str) -> String {
    json!({
        "AlarmName": "orders-api-errors",
        "AlarmDescription": "Lambda orders-api errors > 0",
        "AWSAccountId": "123456789012",
        "NewStateValue": state,
        "NewStateReason": format!("Threshold Crossed: went {state}"),
        "StateChangeTime": "2026-12-04T10:05:37.912+0000",
        "Region": "US East (N. Virginia)",
        "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-api-errors",
        "OldStateValue": old,
        "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "StatisticType": "Statistic",
            "Statistic": "SUM", "Unit": null, "Dimensions": [{"value": "orders-api", "name": "FunctionName"}],
            "Period": 60, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": 0.0, "TreatMissingData": "", "EvaluateLowSampleCountPercentile": ""}
    })
    .to_string()
}

pub fn custom(title: &str) -> String {
    json!({"version": "1.0", "source": "custom",
           "content": {"title": title, "description": "Deploy of orders-api finished"}})
    .to_string()
}

/// A configuration: web channel `ops` (and Slack channel `alerts` when `slack`), account `dev`
/// at `moto`, no rate limit, and `routes` (TOML text).
pub fn config(db: &Path, moto: &str, routes: &str, slack: bool) -> String {
    let slack_ws = if slack {
        r#"
[[workspaces]]
name = "acme"
platform = "slack"

[[channels]]
name = "alerts"
workspace = "acme"
platform_id = "C0ALERTS"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"
"#
    } else {
        ""
    };
    format!(
        r#"
[store]
sqlite = "{db}"

[notify]
rate_per_minute = 0

[[workspaces]]
name = "local"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto}"

[[roles]]
name = "admin"
policies = ["AdministratorAccess"]

[[channels]]
name = "ops"
workspace = "local"
platform_id = "ops"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"
{slack_ws}
{routes}
"#,
        db = db.display(),
    )
}

/// The AWS CLI with `content` written to a file in `dir`, whose path replaces `{file}` in
/// `args` (for `--message file://{file}`).
pub fn aws_file(moto: &Moto, dir: &Path, args: &str, content: &str) -> Out {
    let file = dir.join("aws-input.json");
    std::fs::write(&file, content).unwrap();
    aws(moto, &args.replace("{file}", &file.display().to_string()))
}

/// `POST /sns` with a JSON body as SNS sends it; returns status and body.
pub fn post_sns(addr: &str, body: &str, kind: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let kind = kind
        .map(|k| format!("x-amz-sns-message-type: {k}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "POST /sns HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain; charset=UTF-8\r\n{kind}\
         User-Agent: Amazon Simple Notification Service Agent\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        out.split("\r\n\r\n").nth(1).unwrap_or("").to_string(),
    )
}
