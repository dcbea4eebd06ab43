//! Versioned schema migrations, compiled into the binary so a single file is the whole
//! deployment. Each runs in the same transaction as its record in `schema_migrations`, so a
//! failed upgrade leaves the database as it was. A checksum of each applied migration is
//! kept to catch an edited migration or a database from another program.

pub(crate) use crate::migration::Migration;
use crate::migration::{checksum, now_millis, to_apply};
use crate::{Result, StoreError};
use rusqlite::{Connection, TransactionBehavior};

/// Every migration, in order. Append only; never edit one that has shipped.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../../migrations/001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "surface_kv",
        sql: include_str!("../../migrations/002_surface_kv.sql"),
    },
    Migration {
        version: 3,
        name: "audit_user_name",
        sql: include_str!("../../migrations/003_audit_user_name.sql"),
    },
    Migration {
        version: 4,
        name: "installations",
        sql: include_str!("../../migrations/004_installations.sql"),
    },
    Migration {
        version: 5,
        name: "leases",
        sql: include_str!("../../migrations/005_leases.sql"),
    },
    Migration {
        version: 6,
        name: "inbox",
        sql: include_str!("../../migrations/006_inbox.sql"),
    },
];

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::backend("migrate", e)
}

/// Brings the database up to the last of `migrations`; returns the versions applied now.
///
/// `BEGIN IMMEDIATE` takes the write lock before reading what is applied, so two processes
/// opening the same new file cannot both apply migration 1.
pub(crate) fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<Vec<u32>> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER NOT NULL PRIMARY KEY,
             name       TEXT    NOT NULL,
             checksum   TEXT    NOT NULL,
             applied_at INTEGER NOT NULL
         )",
    )
    .map_err(backend)?;
    let applied: Vec<(u32, String, String)> = {
        let mut stmt = tx
            .prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            .map_err(backend)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(backend)?;
        rows.collect::<rusqlite::Result<_>>().map_err(backend)?
    };
    let pending = to_apply(&applied, migrations)?;
    let now = now_millis();
    let mut done = Vec::new();
    for m in pending {
        let fail = |e: rusqlite::Error| StoreError::Migration {
            version: m.version,
            name: m.name,
            source: Box::new(e),
        };
        tx.execute_batch(m.sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![m.version, m.name, checksum(m.sql), now],
        )
        .map_err(fail)?;
        done.push(m.version);
    }
    tx.commit().map_err(backend)?;
    Ok(done)
}

/// The highest applied version (0 for an empty database).
pub(crate) fn current_version(conn: &Connection) -> Result<u32> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
    .map_err(backend)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Migration = Migration {
        version: 1,
        name: "things",
        sql: "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
    };
    const V2: Migration = Migration {
        version: 2,
        name: "things_colour",
        sql: "ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'grey';
              UPDATE things SET colour = 'red' WHERE name = 'apple';",
    };
    const V2_BROKEN: Migration = Migration {
        version: 2,
        name: "broken",
        sql: "ALTER TABLE things ADD COLUMN size INTEGER; CREATE TABLE oops (;",
    };

    /// Every file in `migrations/` is compiled in under its own number and name.
    #[test]
    fn migration_files_match_the_list() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        crate::migration::assert_files_match(&dir, MIGRATIONS);
    }

    #[test]
    fn applies_in_order_once_and_upgrades_data() {
        let mut c = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut c, &[V1]).unwrap(), vec![1]);
        c.execute("INSERT INTO things (name) VALUES ('apple'), ('pear')", [])
            .unwrap();
        assert_eq!(migrate(&mut c, &[V1]).unwrap(), Vec::<u32>::new());
        assert_eq!(migrate(&mut c, &[V1, V2]).unwrap(), vec![2]);
        let colours: Vec<String> = c
            .prepare("SELECT colour FROM things ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(colours, ["red", "grey"]);
        assert_eq!(current_version(&c).unwrap(), 2);
    }

    #[test]
    fn a_failed_migration_changes_nothing() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, &[V1]).unwrap();
        let err = migrate(&mut c, &[V1, V2_BROKEN]).unwrap_err();
        assert!(
            matches!(err, StoreError::Migration { version: 2, .. }),
            "{err}"
        );
        assert_eq!(current_version(&c).unwrap(), 1);
        // The ALTER before the syntax error was rolled back with it.
        assert!(c.prepare("SELECT size FROM things").is_err());
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, &[V1, V2]).unwrap();
        let err = migrate(&mut c, &[V1]).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    db_version: 2,
                    code_version: 1
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("newer release"), "{err}");
    }

    #[test]
    fn an_edited_migration_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, &[V1]).unwrap();
        let edited = Migration {
            sql: "CREATE TABLE things (id INTEGER PRIMARY KEY);",
            ..V1
        };
        let err = migrate(&mut c, &[edited]).unwrap_err();
        assert!(
            matches!(err, StoreError::MigrationMismatch { version: 1, .. }),
            "{err}"
        );
    }
}
