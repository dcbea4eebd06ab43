//! What only the PostgreSQL backend has: migrations applied once by replicas starting
//! together, healing after the server drops every connection, no password in any error,
//! and being used and dropped from async code.

mod support;

use std::sync::{Arc, Barrier};
use std::time::Duration;
use store::conformance::{sample_pending, unique_workspace, T0};
use store::{PostgresOptions, PostgresStore, Store, StoreError, Waiting};
use support::{admin, wait_until, Schema};

/// Four replicas starting at once on a new schema: every migration is applied by exactly
/// one of them, all four start.
#[test]
fn replicas_starting_together_apply_each_migration_once() {
    let schema = Schema::new();
    let barrier = Barrier::new(4);
    let url = schema.url();
    let applied: Vec<Vec<u32>> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let (b, url) = (&barrier, &url);
                sc.spawn(move || {
                    b.wait();
                    let s = PostgresStore::connect(url, &PostgresOptions::default())
                        .expect("every replica starts");
                    assert!(s.mark_event(&support::unique("ev"), T0).unwrap());
                    s.migrations_applied_at_open().to_vec()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<u32> = applied.concat();
    all.sort();
    let version = schema.open().schema_version().unwrap();
    assert!(version >= 1);
    assert_eq!(all, (1..=version).collect::<Vec<_>>(), "{applied:?}");
    let rows: i64 = admin()
        .query_one(
            &format!("SELECT COUNT(*) FROM {}.schema_migrations", schema.name),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, i64::from(version));
    assert!(
        schema.open().migrations_applied_at_open().is_empty(),
        "a later start applies nothing"
    );
}

#[test]
fn a_schema_from_a_newer_release_or_an_edited_migration_is_refused() {
    let schema = Schema::new();
    let version = schema.open().schema_version().unwrap();
    let mut a = admin();
    a.execute(
        &format!(
            "INSERT INTO {}.schema_migrations VALUES ($1, 'from_the_future', 'x', 0)",
            schema.name
        ),
        &[&(version as i32 + 1)],
    )
    .unwrap();
    let err = PostgresStore::connect(&schema.url(), &PostgresOptions::default()).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { db_version, code_version }
            if db_version == version + 1 && code_version == version),
        "{err:?}"
    );
    a.batch_execute(&format!(
        "DELETE FROM {0}.schema_migrations WHERE name = 'from_the_future';
         UPDATE {0}.schema_migrations SET checksum = 'edited' WHERE version = 1",
        schema.name
    ))
    .unwrap();
    let err = PostgresStore::connect(&schema.url(), &PostgresOptions::default()).unwrap_err();
    assert!(
        matches!(err, StoreError::MigrationMismatch { version: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn a_missing_schema_is_a_clear_settings_error() {
    let base = support::base_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!(
        "{base}{sep}options=-csearch_path%3D{}",
        support::unique("nope_")
    );
    let err = PostgresStore::connect(&url, &PostgresOptions::default()).unwrap_err();
    assert!(matches!(err, StoreError::InvalidSettings { .. }), "{err:?}");
    assert!(err.to_string().contains("search_path"), "{err}");
}

/// The server drops every connection (a restart, a failover, an operator): the pool notices
/// on checkout and the next calls succeed on new connections, without a process restart.
#[test]
fn calls_succeed_after_every_connection_is_killed() {
    let schema = Schema::new();
    let s = schema.open_with(&PostgresOptions {
        pool_size: 4,
        ..PostgresOptions::default()
    });
    let ws = unique_workspace();
    // Open all four connections.
    std::thread::scope(|sc| {
        for t in 0..8 {
            let (s, ws) = (&s, &ws);
            sc.spawn(move || {
                for i in 0..20 {
                    s.mark_event(&format!("{ws}-{t}-{i}"), T0).unwrap();
                }
            });
        }
    });
    assert!(s.open_connections() >= 2, "{}", s.open_connections());
    for round in 0..3 {
        let killed = schema.kill_connections();
        assert!(killed >= 1, "round {round}: nothing to kill");
        assert!(
            wait_until(Duration::from_secs(5), || schema.connections() == 0),
            "round {round}: backends still alive"
        );
        // Every call after the kill succeeds: dead connections are replaced on checkout.
        let c = s
            .create_pending(&sample_pending(
                &ws,
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .expect("create after the kill");
        assert!(s
            .claim_for_run(&c.id, "U1", T0 + 1)
            .unwrap()
            .applied()
            .is_some());
        std::thread::scope(|sc| {
            for t in 0..6 {
                let (s, ws) = (&s, &ws);
                sc.spawn(move || {
                    assert!(s.mark_event(&format!("{ws}-r{round}-{t}"), T0).unwrap());
                });
            }
        });
        assert!(s.open_connections() <= 4);
    }
}

/// A database that cannot be reached is `Unavailable` (an HTTP front answers 503), quickly.
#[test]
fn an_unreachable_database_is_unavailable() {
    let started = std::time::Instant::now();
    let err = PostgresStore::connect(
        "postgres://postgres@127.0.0.1:1/postgres",
        &PostgresOptions {
            connect_timeout: Duration::from_secs(2),
            ..PostgresOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("unavailable"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

const SECRET: &str = "Sup3r-S3cret_pw";

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET) && !text.contains("Sup3r"),
        "{what} shows the password: {text}"
    );
}

#[test]
fn the_password_is_in_no_error_and_no_debug_output() {
    // Unreachable, with the password in the URL and apart from it.
    for (url, options) in [
        (
            format!("postgres://postgres:{SECRET}@127.0.0.1:1/postgres"),
            PostgresOptions::default(),
        ),
        (
            "postgres://postgres@127.0.0.1:1/postgres".to_string(),
            PostgresOptions {
                password: Some(SECRET.into()),
                ..PostgresOptions::default()
            },
        ),
        // Malformed: the parser's complaint must not quote it either.
        (
            format!("postgres://postgres:{SECRET}@127.0.0.1:notaport/postgres"),
            PostgresOptions::default(),
        ),
        (
            format!("host=127.0.0.1 port=1 password={SECRET} bogus_key=1"),
            PostgresOptions::default(),
        ),
    ] {
        let err = PostgresStore::connect(&url, &options).unwrap_err();
        assert_clean("error", &err.to_string());
        assert_clean("error debug", &format!("{err:?}"));
        assert_clean("options debug", &format!("{options:?}"));
    }
    // Reachable (trust authentication ignores the password): the store's Debug and target,
    // and an error from a failing statement, do not show it.
    let schema = Schema::new();
    let base = schema.url();
    let url = base.replacen(
        "postgres://postgres@",
        &format!("postgres://postgres:{SECRET}@"),
        1,
    );
    assert_ne!(url, base, "the test URL has the form postgres://postgres@…");
    let s = PostgresStore::connect(&url, &PostgresOptions::default()).unwrap();
    assert_clean("store debug", &format!("{s:?}"));
    assert_clean("target", s.target());
    assert!(s.target().contains("127.0.0.1") || s.target().contains('@'));
    admin()
        .batch_execute(&format!("DROP TABLE {}.processed_events", schema.name))
        .unwrap();
    let err = s.mark_event("e", T0).unwrap_err();
    assert!(matches!(err, StoreError::Backend { .. }), "{err:?}");
    assert_clean("backend error", &format!("{err} {err:?}"));
}

/// The store used from tokio's blocking pool and dropped on an async worker (the last `Arc`
/// released in async code): no panic, and its connections are closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn used_from_spawn_blocking_and_dropped_in_async_code() {
    // The test's own setup connections are blocking too.
    let schema = Arc::new(tokio::task::spawn_blocking(Schema::new).await.unwrap());
    let url = schema.url();
    let s: Arc<dyn Store> = tokio::task::spawn_blocking(move || {
        Arc::new(PostgresStore::connect(&url, &PostgresOptions::default()).unwrap())
            as Arc<dyn Store>
    })
    .await
    .unwrap();
    let ws = unique_workspace();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (s, ws) = (Arc::clone(&s), ws.clone());
        tasks.push(tokio::task::spawn_blocking(move || {
            s.mark_event(&format!("{ws}-{i}"), T0).unwrap()
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap());
    }
    // Dropped here, on an async worker thread.
    drop(s);
    let schema2 = Arc::clone(&schema);
    let closed = tokio::task::spawn_blocking(move || {
        wait_until(Duration::from_secs(10), || schema2.connections() == 0)
    })
    .await
    .unwrap();
    assert!(closed, "the dropped store's connections were closed");
    tokio::task::spawn_blocking(move || drop(schema))
        .await
        .unwrap();
}

/// A store created, used and dropped entirely inside an async body's blocking section, and
/// one created there but dropped by a task on a worker thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_by_an_async_task() {
    let schema = Arc::new(tokio::task::spawn_blocking(Schema::new).await.unwrap());
    let url = schema.url();
    let s = tokio::task::spawn_blocking(move || {
        let s = PostgresStore::connect(&url, &PostgresOptions::default()).unwrap();
        assert!(s.mark_event("once", T0).unwrap());
        s
    })
    .await
    .unwrap();
    tokio::spawn(async move { drop(s) }).await.unwrap();
    let schema2 = Arc::clone(&schema);
    assert!(tokio::task::spawn_blocking(move || {
        wait_until(Duration::from_secs(10), || schema2.connections() == 0)
    })
    .await
    .unwrap());
    tokio::task::spawn_blocking(move || drop(schema))
        .await
        .unwrap();
}

/// The listener's connection is terminated (as in a server restart): it reconnects,
/// listens again, and messages published after that are delivered. Dropping the store
/// stops the listener and closes its connection.
#[test]
fn subscriptions_resume_after_the_listener_connection_is_killed() {
    let schema = Schema::new();
    let s = schema.open();
    let got = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let theirs = Arc::clone(&got);
    let topic = support::unique("live.");
    let _sub = s
        .subscribe(&topic, Box::new(move |m| theirs.lock().unwrap().push(m)))
        .unwrap();
    s.publish(&topic, "before").unwrap();
    assert!(wait_until(Duration::from_secs(10), || got
        .lock()
        .unwrap()
        .contains(&"before".to_string())));
    for round in 0..2 {
        assert!(schema.kill_connections() >= 1, "round {round}");
        // Publish until one sent after the kill arrives (the listener is reconnecting).
        let mut n = 0;
        let resumed = wait_until(Duration::from_secs(15), || {
            n += 1;
            let msg = format!("after-{round}-{n}");
            s.publish(&topic, &msg).unwrap();
            std::thread::sleep(Duration::from_millis(20));
            got.lock()
                .unwrap()
                .iter()
                .any(|m| m.starts_with(&format!("after-{round}-")))
        });
        assert!(resumed, "round {round}: nothing delivered after the kill");
    }
    drop(s);
    assert!(
        wait_until(Duration::from_secs(10), || schema.connections() == 0),
        "the listener's connection outlived the store"
    );
}
