//! What `chatops run` prints equals what the reference `aws` prints, for the same commands
//! against the same emulator, in json, text and table, with and without `--query`.

mod common;

use common::{aws, chatops, Moto};

#[test]
fn stdout_equals_the_aws_cli() {
    let moto = Moto::start();
    for setup in [
        "kinesis create-stream --stream-name s1 --shard-count 2",
        "sqs create-queue --queue-name jobs",
        "sns create-topic --name alerts",
        "s3api create-bucket --bucket my-bucket",
        "s3api put-bucket-tagging --bucket my-bucket --tagging 'TagSet=[{Key=env,Value=prod},{Key=team,Value=ops}]'",
        "dynamodb create-table --table-name Orders --attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST",
        r#"dynamodb put-item --table-name Orders --item '{"pk":{"S":"a"},"n":{"N":"5"},"tags":{"SS":["x","y"]}}'"#,
        "ssm put-parameter --name /app/url --value https://example.com --type String",
        "cloudwatch put-metric-alarm --alarm-name cpu-high --metric-name CPUUtilization --namespace AWS/EC2 --statistic Average --period 300 --threshold 80 --comparison-operator GreaterThanThreshold --evaluation-periods 2 --dimensions Name=InstanceId,Value=i-1",
        "logs create-log-group --log-group-name /app/web",
        "ec2 create-vpc --cidr-block 10.0.0.0/16",
    ] {
        let out = chatops(&moto, setup);
        assert_eq!(out.code, 0, "{setup}: {}", out.stderr);
    }
    let commands = [
        ("kinesis list-streams", Some("StreamNames[0]")),
        (
            "kinesis describe-stream-summary --stream-name s1",
            Some("StreamDescriptionSummary.[StreamName,OpenShardCount]"),
        ),
        ("sqs list-queues", None),
        ("sns list-topics", Some("Topics[].TopicArn")),
        ("s3api list-buckets", Some("Buckets[].Name")),
        (
            "s3api get-bucket-tagging --bucket my-bucket",
            Some("TagSet[?Key=='env'].Value"),
        ),
        ("dynamodb list-tables", None),
        ("dynamodb scan --table-name Orders", Some("Items[0].n.N")),
        (
            "ssm get-parameter --name /app/url",
            Some("Parameter.{N:Name,V:Value}"),
        ),
        (
            "cloudwatch describe-alarms",
            Some("MetricAlarms[].[AlarmName,StateValue,Threshold]"),
        ),
        ("logs describe-log-groups", Some("logGroups[].logGroupName")),
        (
            "ec2 describe-vpcs --filters Name=cidr-block,Values=10.0.0.0/16",
            Some("Vpcs[].CidrBlock"),
        ),
        (
            "sns get-topic-attributes --topic-arn arn:aws:sns:us-east-1:123456789012:alerts",
            Some("Attributes.TopicArn"),
        ),
    ];
    let mut compared = 0;
    let mut failures = Vec::new();
    for (cmd, query) in commands {
        for format in ["json", "text", "table"] {
            let queries: Vec<Option<&str>> = if cmd.starts_with("dynamodb scan")
                || cmd.starts_with("cloudwatch")
                || cmd.starts_with("sns get-topic-attributes")
            {
                // Fields that change on every run (timestamps, ids) are compared through the query only.
                vec![query]
            } else {
                vec![None, query]
            };
            for q in queries
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
            {
                let mut line = format!("{cmd} --output {format}");
                if let Some(q) = q {
                    line.push_str(&format!(" --query \"{q}\""));
                }
                let ours = chatops(&moto, &line);
                let theirs = aws(&moto, &line);
                assert_eq!(theirs.code, 0, "aws {line}: {}", theirs.stderr);
                compared += 1;
                if ours.code != 0 || ours.stdout.trim_end() != theirs.stdout.trim_end() {
                    failures.push(format!(
                        "{line}\n--- chatops ({}):\n{}{}\n--- aws:\n{}",
                        ours.code, ours.stdout, ours.stderr, theirs.stdout
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} outputs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 60, "only {compared} outputs compared");
}
