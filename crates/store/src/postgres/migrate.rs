//! PostgreSQL's own migrations (its SQL dialect, `migrations/postgres/`), versioned and
//! checksummed like SQLite's (see `crate::migration`), refused in the same cases.
//!
//! Several replicas may start at once against a new database. Each migrates in one
//! transaction that first takes a transaction-scoped advisory lock for the schema it works
//! in; the others wait on that lock, then read what the first one recorded and apply
//! nothing. A failure rolls the whole upgrade back.

use super::redact::{connection_lost, Redactor};
pub(crate) use crate::migration::Migration;
use crate::migration::{checksum, now_millis, to_apply, Applied};
use crate::{Result, StoreError};
use postgres::Client;

/// Every migration, in order. Append only; never edit one that has shipped.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../../migrations/postgres/001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "leases",
        sql: include_str!("../../migrations/postgres/002_leases.sql"),
    },
    Migration {
        version: 3,
        name: "inbox",
        sql: include_str!("../../migrations/postgres/003_inbox.sql"),
    },
];

/// The advisory lock's first key ("chop"); the second is a hash of the schema's name, so
/// stores in different schemas of one database do not wait for each other.
const LOCK_CLASS: i32 = 0x6368_6f70;

/// Brings the schema the connection's `search_path` selects up to the last of
/// `migrations`; returns the versions this call applied.
pub(crate) fn migrate(
    client: &mut Client,
    migrations: &[Migration],
    redact: &Redactor,
) -> Result<Vec<u32>> {
    let db = |e: postgres::Error| redact.wrap("migrate", &e);
    let mut tx = client.transaction().map_err(db)?;
    let schema: Option<String> = tx
        .query_one("SELECT current_schema()", &[])
        .and_then(|r| r.try_get(0))
        .map_err(db)?;
    let Some(schema) = schema else {
        return Err(StoreError::InvalidSettings {
            detail: "the connection's search_path names no existing schema to create the \
                     store's tables in; create the schema first or fix `search_path`"
                .into(),
        });
    };
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        &[&LOCK_CLASS, &schema],
    )
    .map_err(db)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER NOT NULL PRIMARY KEY,
             name       TEXT    NOT NULL,
             checksum   TEXT    NOT NULL,
             applied_at BIGINT  NOT NULL
         )",
    )
    .map_err(db)?;
    let applied: Vec<Applied> = tx
        .query(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
            &[],
        )
        .map_err(db)?
        .iter()
        .map(|r| {
            let version: i32 = r.try_get(0)?;
            Ok((version.max(0) as u32, r.try_get(1)?, r.try_get(2)?))
        })
        .collect::<std::result::Result<_, postgres::Error>>()
        .map_err(db)?;
    let now = now_millis();
    let mut done = Vec::new();
    for m in to_apply(&applied, migrations)? {
        let fail = |e: postgres::Error| {
            if connection_lost(&e) {
                return redact.wrap("migrate", &e);
            }
            StoreError::Migration {
                version: m.version,
                name: m.name,
                source: Box::new(redact.redacted(&e)),
            }
        };
        tx.batch_execute(m.sql).map_err(fail)?;
        let version = i32::try_from(m.version).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at)
             VALUES ($1, $2, $3, $4)",
            &[&version, &m.name, &checksum(m.sql), &now],
        )
        .map_err(fail)?;
        done.push(m.version);
    }
    tx.commit().map_err(db)?;
    Ok(done)
}

/// The highest applied version (0 before the first migration).
pub(crate) fn current_version(client: &mut Client, redact: &Redactor) -> Result<u32> {
    let v: i32 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(|e| redact.wrap("schema_version", &e))?;
    Ok(v.max(0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `migrations/postgres/` is compiled in under its own number and name.
    #[test]
    fn migration_files_match_the_list() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        crate::migration::assert_files_match(&dir, MIGRATIONS);
    }
}
