#![no_main]
//! EventBridge events: any bytes, and any JSON object made an event of a source chosen
//! by the first byte, parse and render without a panic or a mention.
use libfuzzer_sys::fuzz_target;
use serde_json::json;

#[path = "notify_common.rs"]
mod common;

const SOURCES: [(&str, &str); 8] = [
    ("aws.health", "AWS Health Event"),
    ("aws.guardduty", "GuardDuty Finding"),
    ("aws.securityhub", "Security Hub Findings - Imported"),
    ("aws.cloudformation", "CloudFormation Stack Status Change"),
    ("aws.ecs", "ECS Task State Change"),
    ("aws.ecs", "ECS Deployment State Change"),
    ("aws.ssm", "EC2 Command Status-change Notification"),
    ("aws.other", "Something Happened"),
];

fuzz_target!(|data: &[u8]| {
    let (pick, rest) = data.split_first().unwrap_or((&0, data));
    let (source, detail_type) = SOURCES[usize::from(*pick) % SOURCES.len()];
    common::run(
        rest,
        &[
            ("source", json!(source)),
            ("detail-type", json!(detail_type)),
        ],
    );
});
