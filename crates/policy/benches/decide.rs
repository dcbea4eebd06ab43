//! Decision speed: a simple decision (one Allow statement, one action, no context), the same
//! with its explanation, a `policy simulate` line end to end, and parsing + validating a
//! 50-statement policy.
//!
//! `cargo bench -p policy --bench decide -- --warm-up-time 1 --measurement-time 3`
//! Target: at least 1,000,000 simple decisions per second per core.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use policy::simulate::simulate_line;
use policy::{evaluate, Context, Layer, Policy};
use serde_json::{json, Value};

const SERVICES: &[&str] = &[
    "ec2",
    "s3",
    "lambda",
    "logs",
    "cloudwatch",
    "dynamodb",
    "rds",
    "ecs",
    "sqs",
    "sns",
];

/// Statement `i` of a realistic policy: exact actions, wildcards, some Deny, some conditions,
/// ARNs with wildcards and variables.
pub fn statement(i: usize) -> Value {
    let svc = SERVICES[i % SERVICES.len()];
    let arn = format!("arn:aws:{svc}:*:123456789012:thing/team-{i}/*");
    match i % 10 {
        0 => json!({"Sid": format!("Exact{i}"), "Effect": "Allow",
            "Action": [format!("{svc}:DescribeThing{i}"), format!("{svc}:ListThings{i}")],
            "Resource": "*"}),
        1 => json!({"Effect": "Allow", "Action": format!("{svc}:Get{i}*"), "Resource": arn}),
        2 => json!({"Effect": "Deny", "Action": format!("{svc}:Delete*"), "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}),
        3 => {
            json!({"Effect": "Allow", "Action": [format!("{svc}:Update{i}"), format!("{svc}:Tag{i}")],
            "Resource": [arn, format!("arn:aws:{svc}:us-east-?:*:other/${{aws:username}}/*")],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
        }
        4 => json!({"Effect": "Allow", "Action": format!("{svc}:Put{i}?tem"), "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}}),
        5 => json!({"Effect": "Deny", "Action": format!("{svc}:Terminate{i}*"), "Resource": arn}),
        6 => json!({"Effect": "Allow", "NotAction": [format!("{svc}:*"), "iam:*"],
            "Resource": format!("arn:aws:{svc}:*:*:nothing-{i}")}),
        7 => json!({"Effect": "Allow", "Action": format!("{svc}:Start{i}"), "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalTag/team": ["ops*", "sre"]},
                          "ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}}),
        8 => json!({"Effect": "Allow", "Action": format!("{svc}:Reboot{i}"), "Resource": "*",
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                          "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}),
        _ => json!({"Effect": "Allow", "Action": format!("{svc}:Create{i}"),
            "NotResource": format!("arn:aws:{svc}:*:*:protected/*")}),
    }
}

fn benches(c: &mut Criterion) {
    // (a) The simple decision.
    let simple = vec![Policy::parse(
        "simple",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#,
    )
    .expect("valid")];
    let layers = [Layer {
        name: "identity policy",
        policies: &simple,
        must_allow: true,
        absolute: false,
    }];
    let empty = Context::new();
    let actions = ["ec2:DescribeInstances"];
    assert!(evaluate(&layers, &actions, "*", &empty).outcome == policy::Outcome::Allowed);

    let mut g = c.benchmark_group("decide");
    g.throughput(Throughput::Elements(1));
    g.bench_function("simple_decision", |b| {
        b.iter(|| {
            evaluate(
                black_box(&layers),
                black_box(&actions),
                black_box("*"),
                black_box(&empty),
            )
        })
    });
    g.bench_function("simple_decision_explained", |b| {
        b.iter(|| {
            let v = evaluate(
                black_box(&layers),
                black_box(&actions),
                black_box("*"),
                black_box(&empty),
            );
            v.explain(&layers, &actions, "*", &empty)
        })
    });
    let line = r#"{"action":"ec2:DescribeInstances","identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}]}"#;
    g.bench_function("simulate_line", |b| {
        b.iter(|| simulate_line(black_box(line)))
    });
    g.finish();

    // (c) Parsing and validating a 50-statement policy.
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": (0..50).map(statement).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&doc).expect("json");
    let parsed = Policy::parse("fifty", &text).expect("valid");
    assert_eq!(parsed.statements.len(), 50);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse_validate_50_statements", |b| {
        b.iter(|| Policy::parse("fifty", black_box(&text)))
    });
    g.finish();
}

criterion_group!(decide, benches);
criterion_main!(decide);
