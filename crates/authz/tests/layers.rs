//! The layered authorizer: always-deny over everything, guardrails ∩ role, the protection
//! policy for channels without guardrails, multi-action operations, and the explanations.

use authz::{Authorizer, LayerKind, Subject};
use command::IamData;
use policy::{Context, Outcome, Policy};
use std::sync::Arc;

fn authorizer() -> Authorizer {
    // The access-level data set is not needed for custom policies.
    Authorizer::new(Arc::new(IamData::without_data()))
}

fn p(name: &str, doc: &str) -> Policy {
    Policy::parse(name, doc).unwrap()
}

fn allow(name: &str, actions: &str) -> Policy {
    p(
        name,
        &format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":{actions},"Resource":"*"}}}}"#
        ),
    )
}

fn deny(name: &str, sid: &str, actions: &str) -> Policy {
    p(
        name,
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Deny","Action":{actions},"Resource":"*"}}]}}"#
        ),
    )
}

struct Case<'a> {
    name: &'a str,
    guardrails: Vec<Policy>,
    role: Option<Vec<Policy>>,
    actions: &'a [&'a str],
    outcome: Outcome,
    layer: Option<LayerKind>,
    reason: &'a str,
}

fn run(cases: Vec<Case>) {
    let a = authorizer();
    let mut failed = Vec::new();
    for c in &cases {
        let who = Subject {
            channel: "#ops",
            guardrails: &c.guardrails,
            role: Some("ops"),
            role_policies: c.role.as_deref(),
        };
        let d = a.check(c.actions, "*", &Context::new(), &who);
        if d.outcome != c.outcome || d.layer != c.layer || !d.reason.contains(c.reason) {
            failed.push(format!(
                "{}: got {:?} {:?} \"{}\"",
                c.name, d.outcome, d.layer, d.reason
            ));
        }
        if d.outcome != Outcome::Allowed {
            assert!(
                d.advice.is_some(),
                "{}: a refusal says what to ask for",
                c.name
            );
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn layers() {
    use LayerKind::*;
    use Outcome::*;
    let admin = || allow("admin", r#""*""#);
    run(vec![
        Case {
            name: "admin guardrail and role allow",
            guardrails: vec![admin()],
            role: Some(vec![admin()]),
            actions: &["lambda:DeleteFunction"],
            outcome: Allowed,
            layer: None,
            reason: "allowed by guardrail \"admin\"",
        },
        Case {
            name: "always-deny beats admin everywhere",
            guardrails: vec![admin()],
            role: Some(vec![admin()]),
            actions: &["iam:ListUsers"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "always-deny list",
        },
        Case {
            name: "always-deny is case-insensitive",
            guardrails: vec![admin()],
            role: None,
            actions: &["IAM:listusers"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "never run from chat",
        },
        Case {
            name: "always-deny single action",
            guardrails: vec![admin()],
            role: None,
            actions: &["s3:GetObject"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "object contents",
        },
        Case {
            name: "always-deny s3:PutObject",
            guardrails: vec![admin()],
            role: None,
            actions: &["s3:PutObject"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "s3:PutObject",
        },
        Case {
            name: "always-deny sts even GetCallerIdentity",
            guardrails: vec![admin()],
            role: None,
            actions: &["sts:GetCallerIdentity"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "sts:*",
        },
        Case {
            name: "neighbour of a denied action passes",
            guardrails: vec![admin()],
            role: None,
            actions: &["s3:ListBucket"],
            outcome: Allowed,
            layer: None,
            reason: "allowed",
        },
        Case {
            name: "guardrail allows, role silent",
            guardrails: vec![admin()],
            role: Some(vec![allow("r", r#""ec2:Describe*""#)]),
            actions: &["lambda:InvokeFunction"],
            outcome: ImplicitDeny,
            layer: Some(Role),
            reason: "role \"ops\" does not allow lambda:InvokeFunction",
        },
        Case {
            name: "role allows, guardrail silent",
            guardrails: vec![allow("g", r#""ec2:Describe*""#)],
            role: Some(vec![admin()]),
            actions: &["lambda:InvokeFunction"],
            outcome: ImplicitDeny,
            layer: Some(Guardrail),
            reason: "no guardrail of #ops allows lambda:InvokeFunction",
        },
        Case {
            name: "guardrail deny beats role allow",
            guardrails: vec![
                admin(),
                deny("no-deletes", "NoDeletes", r#""lambda:Delete*""#),
            ],
            role: Some(vec![admin()]),
            actions: &["lambda:DeleteFunction"],
            outcome: ExplicitDeny,
            layer: Some(Guardrail),
            reason: "denied by guardrail \"no-deletes\", statement \"NoDeletes\"",
        },
        Case {
            name: "role deny beats guardrail allow",
            guardrails: vec![admin()],
            role: Some(vec![
                admin(),
                deny("rd", "X", r#""ec2:TerminateInstances""#),
            ]),
            actions: &["ec2:TerminateInstances"],
            outcome: ExplicitDeny,
            layer: Some(Role),
            reason: "role \"ops\"'s policy \"rd\"",
        },
        Case {
            name: "deny in a guardrail that allows nothing else still denies",
            guardrails: vec![deny("d", "D", r#""ec2:*""#), allow("a", r#""ec2:*""#)],
            role: None,
            actions: &["ec2:StartInstances"],
            outcome: ExplicitDeny,
            layer: Some(Guardrail),
            reason: "guardrail \"d\"",
        },
        Case {
            name: "one guardrail of several allows",
            guardrails: vec![
                allow("a", r#""s3:List*""#),
                allow("b", r#""ec2:Describe*""#),
            ],
            role: None,
            actions: &["ec2:DescribeInstances"],
            outcome: Allowed,
            layer: None,
            reason: "guardrail \"b\"",
        },
        Case {
            name: "no role policies leaves the role to AWS",
            guardrails: vec![allow("a", r#""ec2:*""#)],
            role: None,
            actions: &["ec2:RebootInstances"],
            outcome: Allowed,
            layer: None,
            reason: "allowed",
        },
        Case {
            name: "empty role policy list allows nothing",
            guardrails: vec![admin()],
            role: Some(vec![]),
            actions: &["ec2:DescribeInstances"],
            outcome: ImplicitDeny,
            layer: Some(Role),
            reason: "does not allow",
        },
        Case {
            name: "multi-action: all allowed",
            guardrails: vec![allow(
                "a",
                r#"["kms:ReEncryptFrom","ec2:RunInstances","iam:PassRole"]"#,
            )],
            role: None,
            actions: &["ec2:RunInstances", "ec2:CreateTags"],
            outcome: ImplicitDeny,
            layer: Some(Guardrail),
            reason: "ec2:CreateTags",
        },
        Case {
            name: "multi-action: both allowed",
            guardrails: vec![allow("a", r#"["ec2:RunInstances","ec2:CreateTags"]"#)],
            role: None,
            actions: &["ec2:RunInstances", "ec2:CreateTags"],
            outcome: Allowed,
            layer: None,
            reason: "ec2:CreateTags is allowed",
        },
        Case {
            name: "multi-action: one always-denied",
            guardrails: vec![admin()],
            role: None,
            actions: &["lambda:CreateFunction", "iam:PassRole"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "iam:PassRole",
        },
        Case {
            name: "multi-action: deny of the second beats allow of the first",
            guardrails: vec![admin(), deny("d", "D", r#""s3:GetObjectTagging""#)],
            role: None,
            actions: &["s3:ListBucket", "s3:GetObjectTagging"],
            outcome: ExplicitDeny,
            layer: Some(Guardrail),
            reason: "s3:GetObjectTagging is denied",
        },
        Case {
            name: "multi-action: explicit deny reported before implicit",
            guardrails: vec![
                allow("a", r#""s3:ListBucket""#),
                deny("d", "D", r#""s3:PutBucketTagging""#),
            ],
            role: None,
            actions: &["ec2:CreateTags", "s3:PutBucketTagging"],
            outcome: ExplicitDeny,
            layer: Some(Guardrail),
            reason: "s3:PutBucketTagging",
        },
        Case {
            name: "protection: invoke allowed",
            guardrails: vec![],
            role: None,
            actions: &["lambda:InvokeFunction"],
            outcome: Allowed,
            layer: None,
            reason: "protection policy",
        },
        Case {
            name: "protection: support allowed",
            guardrails: vec![],
            role: None,
            actions: &["support:CreateCase"],
            outcome: Allowed,
            layer: None,
            reason: "allowed",
        },
        Case {
            name: "protection: incidents allowed",
            guardrails: vec![],
            role: None,
            actions: &["ssm-incidents:StartIncident"],
            outcome: Allowed,
            layer: None,
            reason: "allowed",
        },
        Case {
            name: "protection: writes refused",
            guardrails: vec![],
            role: None,
            actions: &["lambda:DeleteFunction"],
            outcome: ImplicitDeny,
            layer: Some(Protection),
            reason: "no guardrails configured",
        },
        Case {
            name: "protection: never full access",
            guardrails: vec![],
            role: Some(vec![admin()]),
            actions: &["ec2:TerminateInstances"],
            outcome: ImplicitDeny,
            layer: Some(Protection),
            reason: "protection policy",
        },
        Case {
            name: "protection still under always-deny",
            guardrails: vec![],
            role: None,
            actions: &["ssm-incidents:StartIncident", "kms:Decrypt"],
            outcome: ExplicitDeny,
            layer: Some(AlwaysDeny),
            reason: "kms:Decrypt",
        },
        Case {
            name: "NotAction deny guardrail (deny all but ec2)",
            guardrails: vec![
                admin(),
                p(
                    "only-ec2",
                    r#"{"Version":"2012-10-17","Statement":{"Sid":"OnlyEc2","Effect":"Deny","NotAction":"ec2:*","Resource":"*"}}"#,
                ),
            ],
            role: None,
            actions: &["lambda:ListFunctions"],
            outcome: ExplicitDeny,
            layer: Some(Guardrail),
            reason: "statement \"OnlyEc2\"",
        },
        Case {
            name: "NotAction deny guardrail lets listed service pass",
            guardrails: vec![
                admin(),
                p(
                    "only-ec2",
                    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"ec2:*","Resource":"*"}}"#,
                ),
            ],
            role: None,
            actions: &["ec2:DescribeVpcs"],
            outcome: Allowed,
            layer: None,
            reason: "allowed",
        },
        Case {
            name: "statement without Sid is numbered",
            guardrails: vec![p(
                "g",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ec2:Stop*","Resource":"*"}]}"#,
            )],
            role: None,
            actions: &["ec2:StopInstances"],
            outcome: ExplicitDeny,
            layer: Some(Guardrail),
            reason: "statement 2",
        },
        Case {
            name: "condition on region in a guardrail",
            guardrails: vec![p(
                "eu-only",
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}"#,
            )],
            role: None,
            actions: &["ec2:DescribeInstances"],
            outcome: ImplicitDeny,
            layer: Some(Guardrail),
            reason: "no guardrail",
        },
    ]);
}

#[test]
fn always_denied_without_a_channel() {
    let a = authorizer();
    assert!(a.always_denied(&["lambda:ListFunctions"]).is_none());
    let d = a
        .always_denied(&["lambda:ListFunctions", "secretsmanager:GetSecretValue"])
        .unwrap();
    assert_eq!(d.action.as_deref(), Some("secretsmanager:GetSecretValue"));
    assert_eq!(d.statement.as_deref(), Some("secretsmanager:*"));
    assert!(d.reason.contains("secret"), "{}", d.reason);
}

#[test]
fn context_reaches_conditions() {
    let a = authorizer();
    let g = vec![p(
        "eu-only",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}"#,
    )];
    let who = Subject {
        channel: "#ops",
        guardrails: &g,
        role: None,
        role_policies: None,
    };
    let mut ctx = Context::new();
    ctx.set("aws:RequestedRegion", "eu-west-1");
    assert!(a
        .check(&["ec2:DescribeInstances"], "*", &ctx, &who)
        .allowed());
    ctx.set("aws:RequestedRegion", "us-east-1");
    assert!(!a
        .check(&["ec2:DescribeInstances"], "*", &ctx, &who)
        .allowed());
}
