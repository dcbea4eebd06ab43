//! IAM actions and read/write for calls, from the model and the access-level data set.

use command::{parse_line, Access, Catalog, Parsed};
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(|| Catalog::open(None).expect("models"))
}

fn iam(line: &str) -> (Vec<String>, Access, bool) {
    match parse_line(catalog(), line) {
        Ok(Parsed::Call(c)) => (c.iam.actions, c.iam.access, c.iam.unknown.is_empty()),
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn actions_and_access_for_common_commands() {
    let cases: &[(&str, &[&str], Access)] = &[
        (
            "lambda get-function --function-name f",
            &["lambda:GetFunction"],
            Access::Read,
        ),
        (
            "lambda list-functions",
            &["lambda:ListFunctions"],
            Access::Read,
        ),
        ("invoke f", &["lambda:InvokeFunction"], Access::Write),
        (
            "lambda delete-function --function-name f",
            &["lambda:DeleteFunction"],
            Access::Write,
        ),
        (
            "cloudwatch describe-alarms",
            &["cloudwatch:DescribeAlarms"],
            Access::Read,
        ),
        (
            "cloudwatch set-alarm-state --alarm-name a --state-value OK --state-reason r",
            &["cloudwatch:SetAlarmState"],
            Access::Write,
        ),
        ("s3api list-buckets", &["s3:ListAllMyBuckets"], Access::Read),
        (
            "s3api list-objects-v2 --bucket b",
            &["s3:ListBucket"],
            Access::Read,
        ),
        (
            "s3api head-object --bucket b --key k",
            &["s3:GetObject"],
            Access::Read,
        ),
        (
            "s3api delete-bucket-cors --bucket b",
            &["s3:PutBucketCORS"],
            Access::Write,
        ),
        (
            "ec2 describe-instances",
            &["ec2:DescribeInstances"],
            Access::Read,
        ),
        (
            "ec2 terminate-instances --instance-ids i-1",
            &["ec2:TerminateInstances"],
            Access::Write,
        ),
        (
            "ec2 create-tags --resources i-1 --tags Key=a,Value=b",
            &["ec2:CreateTags"],
            Access::Write,
        ),
        (
            "sqs send-message-batch --queue-url q --entries Id=1,MessageBody=x",
            &["sqs:SendMessage"],
            Access::Write,
        ),
        (
            "sns publish-batch --topic-arn t --publish-batch-request-entries Id=1,Message=m",
            &["sns:Publish"],
            Access::Write,
        ),
        (
            "dynamodb scan --table-name t",
            &["dynamodb:Scan"],
            Access::Read,
        ),
        (
            "dynamodb get-item --table-name t --key '{\"id\":{\"S\":\"1\"}}'",
            &["dynamodb:GetItem"],
            Access::Read,
        ),
        (
            "logs filter-log-events --log-group-name g",
            &["logs:FilterLogEvents"],
            Access::Read,
        ),
        (
            "stepfunctions list-executions --state-machine-arn a",
            &["states:ListExecutions"],
            Access::Read,
        ),
        (
            "elbv2 describe-load-balancers",
            &["elasticloadbalancing:DescribeLoadBalancers"],
            Access::Read,
        ),
        (
            "resourcegroupstaggingapi get-resources",
            &["tag:GetResources"],
            Access::Read,
        ),
        ("iam list-users", &["iam:ListUsers"], Access::Read),
        (
            "iam create-access-key",
            &["iam:CreateAccessKey"],
            Access::Write,
        ),
        (
            "sts get-caller-identity",
            &["sts:GetCallerIdentity"],
            Access::Read,
        ),
        (
            "kms re-encrypt --ciphertext-blob x --destination-key-id k",
            &["kms:ReEncryptFrom", "kms:ReEncryptTo"],
            Access::Write,
        ),
        (
            "support describe-cases",
            &["support:DescribeCases"],
            Access::Read,
        ),
        (
            "ssm get-parameter --name p",
            &["ssm:GetParameter"],
            Access::Read,
        ),
        (
            "ssm put-parameter --name p --value v --type String",
            &["ssm:PutParameter"],
            Access::Write,
        ),
    ];
    for (line, actions, access) in cases {
        let (got, acc, known) = iam(line);
        assert_eq!(&got, actions, "{line}");
        assert_eq!(acc, *access, "{line}");
        assert!(known, "{line}: {got:?} is not in the access-level data");
    }
}

#[test]
fn every_override_names_real_actions() {
    let data = include_str!("../data/iam_action_overrides.tsv");
    let cat = catalog();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let actions = line.split('\t').nth(2).expect("three columns");
        for action in actions.split(',') {
            assert!(
                cat.iam.access_level(action).is_some(),
                "{action} (from `{line}`) is not in the access-level data"
            );
        }
    }
}

/// How many operations of the models map to actions the data set knows; the rest are
/// treated as writes. A figure, and a floor so a regression shows.
#[test]
fn most_operations_map_to_known_actions() {
    let cat = catalog();
    let (mut known, mut total) = (0usize, 0usize);
    for entry in cat.models.services() {
        let Ok(model) = cat.models.service(&entry.cli_name) else {
            continue;
        };
        for op in model.operations.values() {
            total += 1;
            if cat
                .iam
                .info(&entry.model_name, model.metadata.signing_name(), &op.name)
                .unknown
                .is_empty()
            {
                known += 1;
            }
        }
    }
    let share = known as f64 / total as f64;
    println!(
        "{known} of {total} operations ({:.1}%) map to actions in the access-level data",
        share * 100.0
    );
    assert!(
        share > 0.9,
        "only {:.1}% of operations map to known actions",
        share * 100.0
    );
}
