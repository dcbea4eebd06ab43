//! The store's share of one command: creating a pending command, the Run press (claim)
//! plus `finish`, one audit append, one event-id check. The engine's budget for everything
//! but AWS and chat is 1 ms p50.
//!
//! On a SQLite file (WAL, synchronous=NORMAL) always; on PostgreSQL too when
//! `CHATOPS_BENCH_POSTGRES` holds a server URL (a throwaway schema is created and dropped):
//!
//! `CHATOPS_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres \
//!  cargo bench -p store --bench store -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use store::conformance::{sample_pending, T0};
use store::{AuditRecord, PostgresOptions, PostgresStore, SqliteStore, Store, Waiting};

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

fn bench_store(c: &mut Criterion, backend: &str, s: &dyn Store) {
    let new = sample_pending("T0123", "U1", Waiting::AwaitingConfirmation, T0);

    c.bench_function(&format!("{backend}/create_pending"), |b| {
        b.iter(|| black_box(s.create_pending(&new).expect("create")))
    });

    c.bench_function(&format!("{backend}/claim_and_finish"), |b| {
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
    c.bench_function(&format!("{backend}/audit_append"), |b| {
        b.iter(|| {
            i += 1;
            black_box(s.append_audit(&audit_record(i)).expect("append"))
        })
    });

    let mut n = 0u64;
    c.bench_function(&format!("{backend}/mark_event"), |b| {
        b.iter(|| {
            n += 1;
            black_box(s.mark_event(&format!("Ev{n:012}"), T0).expect("mark"))
        })
    });
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = SqliteStore::open(dir.path().join("bench.db")).expect("open");
    bench_store(c, "sqlite", &s);

    let Ok(base) = std::env::var("CHATOPS_BENCH_POSTGRES") else {
        return;
    };
    let schema = format!(
        "chatops_bench_{}",
        &store::new_pending_id().expect("id")[1..13]
    );
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("admin connection");
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .expect("create schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let pg = PostgresStore::connect(&url, &PostgresOptions::default()).expect("connect");
    bench_store(c, "postgres", &pg);
    drop(pg);
    admin
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("drop schema");
}

criterion_group!(benches, bench);
criterion_main!(benches);
