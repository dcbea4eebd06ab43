//! The store's share of one command on a file database (WAL, synchronous=NORMAL): creating
//! a pending command, the Run press (claim) plus `finish`, one audit append, one event-id
//! check. The engine's budget for everything but AWS and chat is 1 ms p50.
//!
//! `cargo bench -p store --bench store -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use store::conformance::{sample_pending, T0};
use store::{AuditRecord, SqliteStore, Store, Waiting};

fn audit_record(i: i64) -> AuditRecord {
    AuditRecord {
        time: T0 + i,
        workspace: "T0123".into(),
        channel: format!("C{}", i % 8),
        user: format!("U{}", i % 32),
        user_name: None,
        account: Some("111111111111".into()),
        region: Some("eu-west-1".into()),
        role: Some("arn:aws:iam::111111111111:role/chatops-ops".into()),
        command: "lambda invoke --function-name orders-api --payload '{\"k\":\"****\"}'".into(),
        decision: "allowed".into(),
        reason: "allowed by guardrail ops-write, statement AllowLambda".into(),
        outcome: "ok".into(),
        duration_ms: Some(182),
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = SqliteStore::open(dir.path().join("bench.db")).expect("open");
    let new = sample_pending("T0123", "U1", Waiting::AwaitingConfirmation, T0);

    c.bench_function("create_pending", |b| {
        b.iter(|| black_box(s.create_pending(&new).expect("create")))
    });

    c.bench_function("claim_and_finish", |b| {
        b.iter_batched(
            || s.create_pending(&new).expect("create").id,
            |id| {
                let run = s.claim_for_run(&id, "U1", T0 + 1).expect("claim");
                assert!(run.applied().is_some());
                s.finish(&id, "ok", T0 + 2).expect("finish");
            },
            BatchSize::SmallInput,
        )
    });

    let mut i = 0;
    c.bench_function("audit_append", |b| {
        b.iter(|| {
            i += 1;
            black_box(s.append_audit(&audit_record(i)).expect("append"))
        })
    });

    let mut n = 0u64;
    c.bench_function("mark_event", |b| {
        b.iter(|| {
            n += 1;
            black_box(s.mark_event(&format!("Ev{n:012}"), T0).expect("mark"))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
