//! Endpoint resolution cost: the compiled (cached) path per call, and what compiling a
//! rule set costs (why it is cached).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use endpoint_rules::{Builtins, EndpointResolver, RuleSet};
use std::sync::Arc;

fn bench(c: &mut Criterion) {
    let models = awsmodel::Models::locate(None).expect("models");
    let partitions = models.partitions().expect("partitions");
    let calls: [(&str, &str, serde_json::Value); 4] = [
        ("lambda", "ListFunctions", serde_json::json!({})),
        ("ec2", "DescribeInstances", serde_json::json!({})),
        ("s3api", "ListBuckets", serde_json::json!({})),
        (
            "s3api",
            "GetObject",
            serde_json::json!({"Bucket": "my-bucket", "Key": "k"}),
        ),
    ];
    let builtins = Builtins::for_region("eu-west-1");
    for (service, op, input) in calls {
        let model = models.service(service).unwrap();
        let rules: Arc<serde_json::Value> = models.endpoint_rules(service).unwrap().unwrap();
        let input = input.as_object().unwrap().clone();
        let resolver = EndpointResolver::cached(&rules, &partitions).unwrap();
        let params = resolver.params_for(&model, op, &input, &builtins).unwrap();
        c.bench_function(&format!("resolve {service} {op}"), |b| {
            b.iter(|| resolver.resolve(black_box(&params)).unwrap())
        });
        c.bench_function(&format!("params+resolve (cached) {service} {op}"), |b| {
            b.iter(|| {
                let r = EndpointResolver::cached(&rules, &partitions).unwrap();
                let p = r
                    .params_for(&model, op, black_box(&input), &builtins)
                    .unwrap();
                r.resolve(&p).unwrap()
            })
        });
    }
    for service in ["lambda", "s3api"] {
        let rules = models.endpoint_rules(service).unwrap().unwrap();
        c.bench_function(&format!("compile rule set {service}"), |b| {
            b.iter(|| RuleSet::parse(black_box(&rules)).unwrap())
        });
    }
    c.bench_function("compile partitions", |b| {
        b.iter(|| endpoint_rules::Partitions::parse(black_box(&partitions)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
