//! What only the SQLite backend has: files, WAL, migrations on open, several connections
//! (processes) on one file.

use store::conformance::{sample_pending, T0};
use store::{SqliteStore, Store, StoreError, Waiting};

#[test]
fn reopening_applies_nothing_new_and_keeps_one_record_per_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/c.db");
    let first = SqliteStore::open(&path).unwrap();
    let version = first.schema_version().unwrap();
    assert!(version >= 1);
    assert_eq!(first.path(), Some(path.as_path()));
    drop(first);
    for _ in 0..3 {
        assert_eq!(
            SqliteStore::open(&path).unwrap().schema_version().unwrap(),
            version
        );
    }
    let raw = rusqlite::Connection::open(&path).unwrap();
    let n: u32 = raw
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, version);
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_from_a_newer_release_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let version = SqliteStore::open(&path).unwrap().schema_version().unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO schema_migrations VALUES (?1, 'from_the_future', 'x', 0)",
            [version + 1],
        )
        .unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    match &err {
        StoreError::SchemaTooNew {
            db_version,
            code_version,
        } => assert_eq!((*db_version, *code_version), (version + 1, version)),
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    assert!(err.to_string().contains("newer release"), "{err}");
}

#[test]
fn an_unusable_path_is_an_open_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let err = SqliteStore::open(blocker.join("c.db")).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5a_u8; 8192]).unwrap();
    let err = SqliteStore::open(&garbage).unwrap_err();
    assert!(err.to_string().contains("garbage.db"), "{err}");
}

/// Four stores on one file are four processes (or a server and `chatops`): the exactly-once
/// guarantee must come from the database, not from the in-process mutex.
#[test]
fn several_stores_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    store::conformance::several_stores_cases(&|| {
        Box::new(SqliteStore::open(&path).expect("open")) as Box<dyn Store>
    });
}

#[test]
fn a_corrupt_row_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let s = SqliteStore::open(&path).unwrap();
    let c = s
        .create_pending(&sample_pending(
            "W",
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE pending_commands SET call_json = '{not json' WHERE id = ?1",
            [&c.id],
        )
        .unwrap();
    let err = s.get_pending(&c.id).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains(&c.id), "{err}");
    // A claim returns the row, so it reports the corruption too (the engine then does not
    // run a command it cannot read).
    assert!(matches!(
        s.claim_for_run(&c.id, "U1", T0 + 1),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn the_schema_rejects_impossible_states() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let s = SqliteStore::open(&path).unwrap();
    let c = s
        .create_pending(&sample_pending(
            "W",
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    for bad in [
        "UPDATE pending_commands SET state = 'bogus' WHERE id = ?1",
        "UPDATE pending_commands SET state = 'awaiting_input' WHERE id = ?1",
        "UPDATE pending_commands SET awaiting_param = 'p' WHERE id = ?1",
    ] {
        assert!(raw.execute(bad, [&c.id]).is_err(), "{bad} was accepted");
    }
}

/// A new database file (and the WAL beside it) is readable by its owner only: it holds the
/// audit log and the chat apps' sealed installations. An existing file keeps its mode.
#[cfg(unix)]
#[test]
fn a_new_database_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let s = SqliteStore::open(&path).unwrap();
    assert!(s.mark_event("e1", T0).unwrap());
    assert_eq!(mode(&path), 0o600);
    let wal = dir.path().join("new.db-wal");
    assert!(wal.exists(), "WAL mode keeps a -wal file while open");
    assert_eq!(mode(&wal), 0o600);

    let shared = dir.path().join("shared.db");
    std::fs::write(&shared, b"").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
    SqliteStore::open(&shared).unwrap();
    assert_eq!(mode(&shared), 0o640);
}
