//! A channel with 10 guardrails of 50 statements each (exact actions, wildcards, some Deny,
//! some conditions, ARNs) and a role policy layer, decided through `Authorizer::check`:
//! an allowed command (the only allowing statement is the last guardrail's last one), a
//! command no guardrail allows, one a late guardrail statement denies, and one on the
//! always-deny list. `evaluate_only_*` decide the same layers with `policy::evaluate` alone,
//! without the explanation, to show where the time goes.
//!
//! `cargo bench -p authz --bench authorize -- --warm-up-time 1 --measurement-time 3`
//! Target: under 20 µs per decision.

use authz::{always_deny, Authorizer, Subject};
use command::IamData;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use policy::simulate::context_from;
use policy::{evaluate, Layer, Outcome, Policy};
use serde_json::{json, Value};
use std::sync::Arc;

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

/// Statement `i` of a realistic policy (the same mix as the policy crate's benchmark).
fn statement(i: usize) -> Value {
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

fn policy(name: &str, statements: impl Iterator<Item = Value>) -> Policy {
    let doc = json!({"Version": "2012-10-17", "Statement": statements.collect::<Vec<_>>()});
    Policy::from_value(name, &doc).expect("valid")
}

fn benches(c: &mut Criterion) {
    let authorizer = Authorizer::new(Arc::new(IamData::without_data()));
    let guardrails: Vec<Policy> = (0..10)
        .map(|g| {
            policy(
                &format!("guardrail-{g}"),
                (g * 50..g * 50 + 50).map(statement),
            )
        })
        .collect();
    let role = vec![
        policy("role-boundary", (1000..1020).map(statement)),
        policy(
            "role-admin",
            std::iter::once(json!({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        ),
    ];
    let ctx = context_from(
        json!({
            "aws:SourceIp": "10.1.2.3",
            "aws:RequestedRegion": "us-east-1",
            "aws:MultiFactorAuthPresent": true,
            "aws:MultiFactorAuthAge": 120,
            "aws:CurrentTime": "2024-06-01T00:00:00Z",
            "aws:username": "bob",
            "aws:PrincipalTag/team": "ops",
            "aws:TagKeys": ["env", "team"],
        })
        .as_object()
        .expect("object"),
    )
    .expect("context");
    let who = Subject {
        channel: "#ops",
        guardrails: &guardrails,
        role: Some("ops"),
        role_policies: Some(&role),
    };

    // (action, resource, expected outcome)
    let cases: [(&str, &str, &str, Outcome); 4] = [
        (
            "allowed_10x50",
            "sns:Create499",
            "arn:aws:sns:us-east-1:123456789012:topic/alerts",
            Outcome::Allowed,
        ),
        (
            "refused_implicit_10x50",
            "sns:Publish",
            "arn:aws:sns:us-east-1:123456789012:topic/alerts",
            Outcome::ImplicitDeny,
        ),
        (
            "refused_explicit_10x50",
            "dynamodb:Terminate495Table",
            "arn:aws:dynamodb:us-east-1:123456789012:thing/team-495/orders",
            Outcome::ExplicitDeny,
        ),
        (
            "always_denied_10x50",
            "iam:CreateUser",
            "*",
            Outcome::ExplicitDeny,
        ),
    ];

    let deny_list = vec![always_deny::policy(&always_deny::entries())];
    let layers = [
        Layer {
            name: "always-deny list",
            policies: &deny_list,
            must_allow: false,
            absolute: true,
        },
        Layer {
            name: "guardrail",
            policies: &guardrails,
            must_allow: true,
            absolute: false,
        },
        Layer {
            name: "role policy",
            policies: &role,
            must_allow: true,
            absolute: false,
        },
    ];

    let mut g = c.benchmark_group("authorize");
    for (name, action, resource, want) in cases {
        let actions = [action];
        let d = authorizer.check(&actions, resource, &ctx, &who);
        assert_eq!(d.outcome, want, "{name}: {}", d.reason);
        assert_eq!(evaluate(&layers, &actions, resource, &ctx).outcome, want);
        g.bench_function(name, |b| {
            b.iter(|| {
                authorizer.check(
                    black_box(&actions),
                    black_box(resource),
                    black_box(&ctx),
                    black_box(&who),
                )
            })
        });
    }
    for (name, action, resource, _) in &cases[..2] {
        let actions = [*action];
        g.bench_function(format!("evaluate_only_{name}"), |b| {
            b.iter(|| {
                evaluate(
                    black_box(&layers),
                    black_box(&actions),
                    black_box(resource),
                    black_box(&ctx),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(authorize, benches);
criterion_main!(authorize);
