//! `chatops run` end to end against moto's server: real HTTP, real signing, every protocol
//! family, results checked field by field.

mod common;

use common::{chatops, Moto};
use serde_json::Value;

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
    // Paginated, so shaped as the CLI prints it: result keys and non-aggregate keys only.
    let v = ok(&moto, "s3api list-objects-v2 --bucket my-bucket");
    assert!(
        v.get("Contents").is_none() && v.get("KeyCount").is_none(),
        "{v}"
    );
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

#[test]
fn logs_support_sqs_sts() {
    let moto = Moto::start();
    ok(&moto, "logs create-log-group --log-group-name /app/web");
    ok(
        &moto,
        "logs create-log-stream --log-group-name /app/web --log-stream-name s1",
    );
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    ok(&moto, &format!("logs put-log-events --log-group-name /app/web --log-stream-name s1 --log-events timestamp={now_ms},message=ERROR-boom timestamp={now_ms},message=ok"));
    let v = ok(
        &moto,
        "logs filter-log-events --log-group-name /app/web --filter-pattern ERROR",
    );
    assert_eq!(v["events"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["events"][0]["message"], "ERROR-boom");
    let v = ok(
        &moto,
        "logs describe-log-groups --log-group-name-prefix /app",
    );
    assert_eq!(v["logGroups"][0]["logGroupName"], "/app/web");
    let v = ok(&moto, &format!("logs start-query --log-group-name /app/web --start-time 0 --end-time {} --query-string 'fields @message'", now_ms / 1000 + 60));
    let qid = v["queryId"].as_str().unwrap().to_string();
    let v = ok(&moto, &format!("logs get-query-results --query-id {qid}"));
    assert!(v["status"].is_string(), "{v}");

    let v = ok(&moto, "support create-case --subject 'db down' --communication-body 'help' --service-code amazon-rds --category-code other --severity-code urgent");
    let case = v["caseId"].as_str().unwrap().to_string();
    let v = ok(&moto, "support describe-cases");
    assert!(
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["caseId"] == case.as_str() && c["subject"] == "db down"),
        "{v}"
    );

    let v = ok(
        &moto,
        "sqs create-queue --queue-name jobs --attributes VisibilityTimeout=60",
    );
    let url = v["QueueUrl"].as_str().unwrap().to_string();
    ok(
        &moto,
        &format!("sqs send-message --queue-url {url} --message-body hello --delay-seconds 0"),
    );
    let v = ok(
        &moto,
        &format!("sqs get-queue-attributes --queue-url {url} --attribute-names All"),
    );
    assert_eq!(v["Attributes"]["VisibilityTimeout"], "60");
    let v = ok(
        &moto,
        &format!("sqs receive-message --queue-url {url} --max-number-of-messages 1"),
    );
    assert_eq!(v["Messages"][0]["Body"], "hello");
    let v = ok(&moto, "sqs list-queues");
    assert_eq!(v["QueueUrls"][0], url.as_str());

    // STS is on the always-deny list: refused, never sent.
    let out = chatops(&moto, "sts get-caller-identity");
    assert_eq!(out.code, 3, "{}", out.stderr);
}

#[test]
fn rest_json_services() {
    let moto = Moto::start();
    let v = ok(&moto, "efs create-file-system --creation-token tok1 --performance-mode generalPurpose --tags Key=Name,Value=shared");
    let fs = v["FileSystemId"].as_str().unwrap().to_string();
    let v = ok(&moto, "efs describe-file-systems");
    assert_eq!(v["FileSystems"][0]["FileSystemId"], fs.as_str());
    assert_eq!(v["FileSystems"][0]["PerformanceMode"], "generalPurpose");
    let v = ok(
        &moto,
        "apigateway create-rest-api --name api1 --description 'public api'",
    );
    let api = v["id"].as_str().unwrap().to_string();
    let v = ok(&moto, "apigateway get-rest-apis");
    assert_eq!(v["items"][0]["name"], "api1");
    let v = ok(
        &moto,
        &format!("apigateway get-resources --rest-api-id {api}"),
    );
    assert_eq!(v["items"][0]["path"], "/");
    let v = ok(&moto, "lambda list-functions");
    assert_eq!(v["Functions"], serde_json::json!([]));
    let v = ok(
        &moto,
        "events put-rule --name nightly --schedule-expression 'rate(1 day)'",
    );
    assert!(v["RuleArn"].as_str().unwrap().ends_with("rule/nightly"));
    let v = ok(&moto, "events list-rules");
    assert_eq!(v["Rules"][0]["ScheduleExpression"], "rate(1 day)");
}

#[test]
fn query_services() {
    let moto = Moto::start();
    // Nested list parameters in the query protocol (IAM, the usual example, is always denied).
    let v = ok(
        &moto,
        "sns create-topic --name tagged --tags Key=team,Value=ops Key=env,Value=prod",
    );
    let arn = v["TopicArn"].as_str().unwrap().to_string();
    let v = ok(
        &moto,
        &format!("sns list-tags-for-resource --resource-arn {arn}"),
    );
    assert_eq!(v["Tags"][0]["Key"], "team");
    assert_eq!(v["Tags"][1]["Value"], "prod");
    assert_eq!(chatops(&moto, "iam list-users").code, 3);
    let v = ok(&moto, "autoscaling describe-auto-scaling-groups");
    assert_eq!(v["AutoScalingGroups"], serde_json::json!([]));
    let v = ok(&moto, "elbv2 describe-load-balancers");
    assert_eq!(v["LoadBalancers"], serde_json::json!([]));
    let v = ok(&moto, "rds describe-db-instances");
    assert_eq!(v["DBInstances"], serde_json::json!([]));
    let v = ok(&moto, "cloudformation list-stacks");
    assert_eq!(v["StackSummaries"], serde_json::json!([]));
    let v = ok(&moto, "sns list-topics");
    assert_eq!(v["Topics"][0]["TopicArn"], arn.as_str());
    ok(
        &moto,
        "ses verify-email-identity --email-address ops@example.com",
    );
    let v = ok(&moto, "ses list-identities");
    assert_eq!(v["Identities"][0], "ops@example.com");
}
