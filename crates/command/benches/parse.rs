//! Parsing typical chat lines once the models are loaded.

use command::{parse_line, Catalog};
use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let cat = Catalog::open(None).expect("models");
    let lines = [
        ("get_function", "@aws lambda get-function --function-name my-fn"),
        (
            "describe_instances_filters",
            "ec2 describe-instances --filters Name=instance-type,Values=t2.micro,m1.small Name=tag:Env,Values=prod --max-items 5",
        ),
        (
            "put_metric_alarm",
            "cloudwatch put-metric-alarm --alarm-name cpu-high --metric-name CPUUtilization --namespace AWS/EC2 --statistic Average --period 300 --threshold 80 --comparison-operator GreaterThanThreshold --dimensions Name=InstanceId,Value=i-12345678 --evaluation-periods 2 --alarm-actions arn:aws:sns:us-east-1:111122223333:MyTopic --unit Percent",
        ),
    ];
    // Load the models first: the figure is parsing, not first use.
    for (_, l) in &lines {
        parse_line(&cat, l).unwrap();
    }
    let mut g = c.benchmark_group("parse");
    for (name, line) in lines {
        g.bench_function(name, |b| {
            b.iter(|| parse_line(&cat, std::hint::black_box(line)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
