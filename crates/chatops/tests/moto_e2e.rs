//! `chatops run` end to end against moto's server: real HTTP, real signing, every protocol
//! family, results checked field by field.

mod support;

use serde_json::Value;
use support::{chatops, Moto};

fn ok(moto: &Moto, line: &str) -> Value {
    let out = chatops(moto, line);
    assert_eq!(
        out.code, 0,
        "{line}\nstdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    if out.stdout.trim().is_empty() {
        return Value::Null;
    }
    out.json()
}

#[test]
fn kinesis_json_protocol() {
    let moto = Moto::start();
    ok(
        &moto,
        "kinesis create-stream --stream-name s1 --shard-count 2",
    );
    let v = ok(&moto, "kinesis describe-stream-summary --stream-name s1");
    assert_eq!(v["StreamDescriptionSummary"]["StreamName"], "s1");
    assert_eq!(v["StreamDescriptionSummary"]["OpenShardCount"], 2);
    let v = ok(&moto, "kinesis update-shard-count --stream-name s1 --target-shard-count 6 --scaling-type UNIFORM_SCALING");
    assert_eq!(v["TargetShardCount"], 6);
    let v = ok(&moto, "kinesis describe-stream-summary --stream-name s1");
    assert_eq!(v["StreamDescriptionSummary"]["OpenShardCount"], 6);
    let v = ok(&moto, "kinesis list-streams");
    assert_eq!(v["StreamNames"], serde_json::json!(["s1"]));
    let v = ok(
        &moto,
        "kinesis put-record --stream-name s1 --data hello --partition-key p",
    );
    assert!(
        v["ShardId"].as_str().unwrap().starts_with("shardId-"),
        "{v}"
    );
}

#[test]
fn cloudwatch_query_protocol() {
    let moto = Moto::start();
    ok(
        &moto,
        "cloudwatch put-metric-alarm --alarm-name cpu-high --metric-name CPUUtilization --namespace AWS/EC2 --statistic Average --period 300 --threshold 80 --comparison-operator GreaterThanThreshold --evaluation-periods 2 --dimensions Name=InstanceId,Value=i-1",
    );
    ok(&moto, "cloudwatch set-alarm-state --alarm-name cpu-high --state-value ALARM --state-reason testing");
    let v = ok(&moto, "cloudwatch describe-alarms --state-value ALARM");
    let alarms = v["MetricAlarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 1);
    assert_eq!(alarms[0]["AlarmName"], "cpu-high");
    assert_eq!(alarms[0]["StateValue"], "ALARM");
    assert_eq!(alarms[0]["Threshold"], 80.0);
    assert_eq!(alarms[0]["Dimensions"][0]["Value"], "i-1");
    let v = ok(&moto, "cloudwatch describe-alarms --state-value OK");
    assert_eq!(v["MetricAlarms"], serde_json::json!([]));
}

#[test]
fn s3_rest_xml_protocol() {
    let moto = Moto::start();
    ok(&moto, "s3api create-bucket --bucket my-bucket");
    ok(&moto, "s3api put-bucket-tagging --bucket my-bucket --tagging 'TagSet=[{Key=env,Value=prod},{Key=team,Value=ops}]'");
    let v = ok(&moto, "s3api get-bucket-tagging --bucket my-bucket");
    assert_eq!(
        v["TagSet"],
        serde_json::json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ops"}])
    );
    let v = ok(&moto, "s3api list-buckets");
    assert_eq!(v["Buckets"][0]["Name"], "my-bucket");
    let v = ok(&moto, "s3api list-objects-v2 --bucket my-bucket");
    assert_eq!(v["KeyCount"], 0);
}

#[test]
fn ec2_protocol() {
    let moto = Moto::start();
    let v = ok(&moto, "ec2 run-instances --image-id ami-12c6146b --instance-type t2.micro --count 2 --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=web}]'");
    let instances = v["Instances"].as_array().unwrap();
    assert_eq!(instances.len(), 2);
    let id = instances[0]["InstanceId"].as_str().unwrap().to_string();
    let v = ok(&moto, "ec2 describe-instances --filters Name=tag:Name,Values=web Name=instance-type,Values=t2.micro");
    let found: Vec<&Value> = v["Reservations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["Instances"].as_array().unwrap())
        .collect();
    assert_eq!(found.len(), 2);
    assert!(found.iter().any(|i| i["InstanceId"] == id.as_str()));
    let v = ok(&moto, &format!("ec2 stop-instances --instance-ids {id}"));
    assert_eq!(v["StoppingInstances"][0]["InstanceId"], id.as_str());
}

#[test]
fn dynamodb_sns_ssm() {
    let moto = Moto::start();
    ok(&moto, "dynamodb create-table --table-name Orders --attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST");
    ok(
        &moto,
        r#"dynamodb put-item --table-name Orders --item '{"pk":{"S":"a"},"n":{"N":"5"}}'"#,
    );
    let v = ok(
        &moto,
        r#"dynamodb query --table-name Orders --key-condition-expression "pk = :v" --expression-attribute-values '{":v":{"S":"a"}}'"#,
    );
    assert_eq!(v["Count"], 1);
    assert_eq!(v["Items"][0]["n"]["N"], "5");
    let v = ok(&moto, "sns create-topic --name alerts");
    let arn = v["TopicArn"].as_str().unwrap().to_string();
    let v = ok(
        &moto,
        &format!("sns publish --topic-arn {arn} --message hello --subject hi"),
    );
    assert!(v["MessageId"].as_str().is_some_and(|m| !m.is_empty()));
    ok(
        &moto,
        "ssm put-parameter --name /app/url --value https://example.com --type String",
    );
    let v = ok(&moto, "ssm get-parameter --name /app/url");
    assert_eq!(v["Parameter"]["Value"], "https://example.com");
    assert_eq!(v["Parameter"]["Version"], 1);
}

#[test]
fn errors_read_as_the_cli_reports_them() {
    let moto = Moto::start();
    let out = chatops(&moto, "lambda get-function --function-name nope");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "An error occurred (ResourceNotFoundException) when calling the GetFunction operation"
        ),
        "{}",
        out.stderr
    );
    let out = chatops(
        &moto,
        "cloudwatch set-alarm-state --alarm-name nope --state-value OK --state-reason r",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("when calling the SetAlarmState operation"),
        "{}",
        out.stderr
    );
}
