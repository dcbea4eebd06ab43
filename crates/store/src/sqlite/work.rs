//! Coordination between processes in SQLite: leases and the inbox. Each operation
//! is one conditional statement; SQLite serialises writers, so a condition is checked and
//! acted on atomically.

use crate::types::{InboxItem, UnixMillis};
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

pub(super) fn inbox_put(
    conn: &Connection,
    kind: &str,
    id: &str,
    payload: &str,
    now: UnixMillis,
) -> Result<bool> {
    exec(
        conn,
        "inbox_put",
        "INSERT INTO inbox (id, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO NOTHING",
        params![id, kind, payload, now],
    )
    .map(|n| n == 1)
}

pub(super) fn inbox_put_held(
    conn: &Connection,
    item: (&str, &str, &str),
    holder: &str,
    lease_until: UnixMillis,
    now: UnixMillis,
) -> Result<bool> {
    let (kind, id, payload) = item;
    exec(
        conn,
        "inbox_put_held",
        "INSERT INTO inbox (id, kind, payload, created_at, attempts, holder, lease_until)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)
         ON CONFLICT (id) DO NOTHING",
        params![id, kind, payload, now, holder, lease_until],
    )
    .map(|n| n == 1)
}

/// One `UPDATE … WHERE id IN (oldest claimable) RETURNING`: SQLite runs it under its write
/// lock, so two claimers (threads or processes) never get the same item.
pub(super) fn inbox_claim(
    conn: &Connection,
    kind: Option<&str>,
    holder: &str,
    limit: usize,
    lease_until: UnixMillis,
    now: UnixMillis,
) -> Result<Vec<InboxItem>> {
    let db = |e| StoreError::backend("inbox_claim", e);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare_cached(
            "UPDATE inbox SET holder = ?1, lease_until = ?3, attempts = attempts + 1
             WHERE id IN (SELECT id FROM inbox
                          WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until <= ?4)
                            AND (?5 IS NULL OR kind = ?5)
                          ORDER BY created_at, id LIMIT ?2)
             RETURNING id, kind, payload, attempts, created_at",
        )
        .map_err(db)?;
    let mut items = stmt
        .query_map(params![holder, limit, lease_until, now, kind], |r| {
            Ok(InboxItem {
                id: r.get(0)?,
                kind: r.get(1)?,
                payload: r.get(2)?,
                attempts: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    // RETURNING order is unspecified.
    items.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(items)
}

pub(super) fn inbox_done(
    conn: &Connection,
    id: &str,
    holder: &str,
    now: UnixMillis,
) -> Result<bool> {
    exec(
        conn,
        "inbox_done",
        "UPDATE inbox SET done_at = ?3, lease_until = NULL
         WHERE id = ?1 AND holder = ?2 AND done_at IS NULL",
        params![id, holder, now],
    )
    .map(|n| n == 1)
}

pub(super) fn prune_inbox(conn: &Connection, before: UnixMillis) -> Result<usize> {
    exec(
        conn,
        "prune_inbox",
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND created_at < ?1",
        params![before],
    )
}
