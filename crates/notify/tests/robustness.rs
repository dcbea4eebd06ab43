//! `parse` never panics, whatever it is given, and whatever parses renders into a
//! message that Slack's limits accept.

use notify::message::parse;
use notify::render::{headline, render, unsupported, Meta};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Keys of every format this crate reads, so generated objects reach deep into the
/// parsers instead of failing at the first lookup.
const KEYS: &[&str] = &[
    "AlarmName",
    "AlarmDescription",
    "AWSAccountId",
    "NewStateValue",
    "OldStateValue",
    "NewStateReason",
    "StateChangeTime",
    "Region",
    "AlarmArn",
    "Trigger",
    "MetricName",
    "Namespace",
    "Statistic",
    "StatisticType",
    "ExtendedStatistic",
    "Dimensions",
    "name",
    "value",
    "Name",
    "Period",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "ComparisonOperator",
    "Threshold",
    "TreatMissingData",
    "Metrics",
    "Id",
    "Expression",
    "Label",
    "MetricStat",
    "Metric",
    "Stat",
    "ReturnData",
    "ThresholdMetricId",
    "AlarmRule",
    "TriggeringChildren",
    "Arn",
    "State",
    "Value",
    "Timestamp",
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
    "findings",
    "Title",
    "Severity",
    "Normalized",
    "Resources",
    "Type",
    "Compliance",
    "Status",
    "Workflow",
    "severity",
    "title",
    "resource",
    "resourceType",
    "instanceDetails",
    "instanceId",
    "s3BucketDetails",
    "service",
    "count",
    "eventArn",
    "eventTypeCode",
    "eventTypeCategory",
    "statusCode",
    "eventDescription",
    "latestDescription",
    "affectedEntities",
    "entityValue",
    "stack-id",
    "status-details",
    "status",
    "containers",
    "exitCode",
    "lastStatus",
    "taskDefinitionArn",
    "eventName",
    "deploymentId",
    "reason",
    "document-name",
    "command-id",
    "content",
    "description",
    "nextSteps",
    "keywords",
    "metadata",
    "threadId",
    "summary",
    "additionalContext",
    "relatedResources",
    "textType",
    "default",
];

/// Values that make the parsers take their interesting branches.
const WORDS: &[&str] = &[
    "custom",
    "1.0",
    "ALARM",
    "OK",
    "aws.health",
    "aws.guardduty",
    "aws.securityhub",
    "aws.cloudformation",
    "aws.ecs",
    "aws.ssm",
    "ECS Task State Change",
    "ECS Deployment State Change",
    "ECS Service Action",
    "GuardDuty Finding",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "GreaterThanThreshold",
    "ANOMALY_DETECTION_BAND(m1, 2)",
    "ANOMALY_DETECTION_BAND(",
    "2025-03-01T10:05:37.912+0000",
    "arn:aws:cloudwatch:us-east-1:111122223333:alarm:a",
    "arn:aws:cloudformation:x:1:stack/s/1",
    "arn:",
    "STOPPED",
    "client-markdown",
    "*",
    "**",
    "`",
    "```",
    "<!channel>",
    "<@U1>",
    "é",
    "😀",
    "",
    " ",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        proptest::sample::select(WORDS).prop_map(|w| Value::String(w.to_string())),
        "\\PC{0,40}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((proptest::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                let mut m = Map::new();
                for (k, v) in kv {
                    m.insert(k.to_string(), v);
                }
                Value::Object(m)
            }),
        ]
    })
}

/// An object with the keys that make it an alarm, an event or a custom notification,
/// the rest generated, so every parser and renderer is reached.
fn shaped() -> impl Strategy<Value = Value> {
    let body = prop::collection::vec((proptest::sample::select(KEYS), json_value()), 0..10);
    let sources = proptest::sample::select(&WORDS[3..10]);
    let kinds = proptest::sample::select(&WORDS[10..14]);
    (body, 0..3u8, sources, kinds, json_value(), json_value()).prop_map(
        |(kv, shape, source, kind, a, b)| {
            let mut m: Map<String, Value> =
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            match shape {
                0 => {
                    m.insert("AlarmName".into(), "a".into());
                    m.insert("Trigger".into(), a);
                    m.insert("TriggeringChildren".into(), b);
                }
                1 => {
                    m.insert("detail-type".into(), kind.into());
                    m.insert("source".into(), source.into());
                    m.insert("detail".into(), a);
                }
                _ => {
                    m.insert("version".into(), "1.0".into());
                    m.insert("source".into(), "custom".into());
                    m.insert(
                        "content".into(),
                        serde_json::json!({"description": "d", "nextSteps": a, "title": "t"}),
                    );
                    m.insert("metadata".into(), b);
                }
            }
            Value::Object(m)
        },
    )
}

/// Text in the shapes of the two text formats, with noise.
fn text_message() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "(StackId|ResourceStatus|StackName|LogicalResourceId|ResourceStatusReason|Namespace)='\\PC{0,30}'?",
        "(Budget Name|Alert Type|AWS Account|You requested)[: ]\\PC{0,30}",
        "\\PC{0,40}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|l| l.join("\n"))
}

fn exercise(raw: &str) {
    let meta = Meta {
        message_id: "m".into(),
        topic_arn: Some("arn:aws:sns:us-east-1:111122223333:t".into()),
        received_ms: 1,
    };
    let msg = match parse(raw, None) {
        Ok(n) => {
            let _ = (
                n.facts(),
                n.thread_key(),
                n.summary(),
                n.own_id(),
                headline(&n),
            );
            render(&n, &meta)
        }
        Err(e) => unsupported(raw, &e.reason, &meta),
    };
    let dest = slack::Destination {
        workspace: "T1".into(),
        channel: "C1".into(),
    };
    let r = slack::render(&msg, &dest, &slack::RenderOptions::default());
    for m in &r.messages {
        if let Err(v) = slack::limits::validate_message(m) {
            panic!("limit broken: {v}\n{raw}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string(s in "\\PC{0,200}") {
        exercise(&s);
    }

    #[test]
    fn any_text_message(s in text_message()) {
        exercise(&s);
    }

    #[test]
    fn any_alarm_event_or_custom_shape(v in shaped()) {
        let raw = v.to_string();
        prop_assert!(parse(&raw, None).is_ok(), "{}", raw);
        exercise(&raw);
    }

    #[test]
    fn any_json_of_the_real_keys(v in json_value()) {
        exercise(&v.to_string());
        // The same payload wrapped as MessageStructure=json publishes it.
        exercise(&serde_json::json!({ "default": v.to_string() }).to_string());
    }
}
