//! Listing services, first use of the largest model, and memory after loading 20 services.

use awsmodel::Models;
use criterion::{criterion_group, Criterion};
use std::time::Duration;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("models");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("list_all_services", |b| {
        b.iter(|| Models::locate(None).unwrap().services().len())
    });
    g.sample_size(10);
    g.bench_function("first_use_ec2", |b| {
        b.iter(|| {
            let m = Models::locate(None).unwrap();
            m.service("ec2").unwrap().operations.len()
        })
    });
    g.finish();
}

/// Memory is a figure, not a timing: printed once.
fn memory_after_20_services() {
    let twenty = [
        "ec2",
        "s3api",
        "lambda",
        "cloudwatch",
        "logs",
        "dynamodb",
        "sqs",
        "sns",
        "kinesis",
        "ssm",
        "ecs",
        "eks",
        "rds",
        "autoscaling",
        "elbv2",
        "route53",
        "cloudformation",
        "stepfunctions",
        "events",
        "support",
    ];
    let before = rss_bytes();
    let m = Models::locate(None).unwrap();
    for s in twenty {
        m.service(s).unwrap();
    }
    let after = rss_bytes();
    println!(
        "memory: {} services loaded, resident memory grew by {:.1} MiB (from {:.1} to {:.1} MiB)",
        m.loaded_count(),
        (after.saturating_sub(before)) as f64 / 1048576.0,
        before as f64 / 1048576.0,
        after as f64 / 1048576.0
    );
}

criterion_group!(group, benches);

fn main() {
    memory_after_20_services();
    group();
    Criterion::default().configure_from_args().final_summary();
}
