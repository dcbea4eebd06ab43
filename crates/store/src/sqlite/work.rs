//! Coordination between processes in SQLite: leases (and, below, the inbox). Each operation
//! is one conditional statement; SQLite serialises writers, so a condition is checked and
//! acted on atomically.

use crate::types::UnixMillis;
use crate::Result;
use crate::StoreError;
use rusqlite::{params, Connection};

fn exec(conn: &Connection, op: &'static str, sql: &str, p: impl rusqlite::Params) -> Result<usize> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(p))
        .map_err(|e| StoreError::backend(op, e))
}

pub(super) fn try_lease(
    conn: &Connection,
    name: &str,
    holder: &str,
    until: UnixMillis,
    now: UnixMillis,
) -> Result<bool> {
    exec(
        conn,
        "try_lease",
        "INSERT INTO leases (name, holder, until, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until,
             updated_at = excluded.updated_at
         WHERE leases.holder = excluded.holder OR leases.until <= excluded.updated_at",
        params![name, holder, until, now],
    )
    .map(|n| n == 1)
}

pub(super) fn release_lease(conn: &Connection, name: &str, holder: &str) -> Result<bool> {
    exec(
        conn,
        "release_lease",
        "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
        params![name, holder],
    )
    .map(|n| n == 1)
}
