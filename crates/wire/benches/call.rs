//! In-process cost of one call without the network: prepare (handlers, serialize, endpoint),
//! sign, and parse a typical response.

use criterion::{criterion_group, criterion_main, Criterion};
use wire::client::{prepare, sign, Settings};
use wire::parse::{parse_response, Response};

fn benches(c: &mut Criterion) {
    let models = awsmodel::Models::locate(None).expect("models");
    let creds =
        aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench");
    let settings = Settings {
        endpoint_url: Some("http://127.0.0.1:5000".into()),
        ..Settings::default()
    };

    let cw = models.service("cloudwatch").unwrap();
    let describe = cw.operation_by_cli_name("describe-alarms").unwrap();
    let params: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"StateValue": "ALARM", "AlarmNames": ["cpu-high", "disk-low"]}"#)
            .unwrap();
    let alarm = r#"{"AlarmName":"cpu-high","AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high","StateValue":"ALARM","StateReason":"Threshold Crossed","StateUpdatedTimestamp":1714557600.123,"MetricName":"CPUUtilization","Namespace":"AWS/EC2","Statistic":"Average","Dimensions":[{"Name":"InstanceId","Value":"i-1"}],"Period":300,"EvaluationPeriods":2,"Threshold":80.0,"ComparisonOperator":"GreaterThanThreshold","ActionsEnabled":true,"AlarmActions":["arn:aws:sns:us-east-1:123456789012:ops"]}"#;
    let body = format!(
        r#"{{"MetricAlarms":[{}],"CompositeAlarms":[]}}"#,
        [alarm; 10].join(",")
    );
    let response = Response {
        status: 200,
        headers: vec![],
        body: body.into_bytes(),
    };

    let ec2 = models.service("ec2").unwrap();
    let run = ec2.operation_by_cli_name("describe-instances").unwrap();
    let ec2_params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        r#"{"Filters": [{"Name": "instance-type", "Values": ["t2.micro", "m5.large"]}]}"#,
    )
    .unwrap();

    // Warm the models' lazy parts.
    prepare(&models, &cw, describe, &params, "us-east-1", &settings).unwrap();

    let mut g = c.benchmark_group("call");
    g.bench_function(
        "cloudwatch_describe_alarms_prepare_sign_parse_10_alarms",
        |b| {
            b.iter(|| {
                let p = prepare(&models, &cw, describe, &params, "us-east-1", &settings).unwrap();
                let headers = sign(&p, &creds).unwrap();
                let v = parse_response(&cw, describe, &response).unwrap();
                (headers.len(), v)
            })
        },
    );
    g.bench_function("json_only", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(&response.body).unwrap())
    });
    g.bench_function("cloudwatch_parse_10_alarms", |b| {
        b.iter(|| parse_response(&cw, describe, &response).unwrap())
    });
    g.bench_function("cloudwatch_prepare", |b| {
        b.iter(|| prepare(&models, &cw, describe, &params, "us-east-1", &settings).unwrap())
    });
    g.bench_function("ec2_describe_instances_prepare_sign", |b| {
        b.iter(|| {
            let p = prepare(&models, &ec2, run, &ec2_params, "us-east-1", &settings).unwrap();
            sign(&p, &creds).unwrap().len()
        })
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
