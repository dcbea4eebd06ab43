//! Coordination between replicas in PostgreSQL: leases and the inbox. Each
//! operation is one statement. `INSERT … ON CONFLICT DO UPDATE … WHERE` locks the existing
//! row and checks the condition against its latest committed version, so of replicas
//! racing for a lease exactly one sees it free.

use super::pool::Lease;
use super::rows::{col, text_bytes};
use crate::types::{InboxItem, UnixMillis};
use crate::Result;

pub(super) fn try_lease(
    c: &mut Lease<'_>,
    name: &str,
    holder: &str,
    until: UnixMillis,
    now: UnixMillis,
) -> Result<bool> {
    c.execute(
        "try_lease",
        "INSERT INTO leases (name, holder, until, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until,
             updated_at = excluded.updated_at
         WHERE leases.holder = excluded.holder OR leases.until <= excluded.updated_at",
        &[&name, &holder, &until, &now],
    )
    .map(|n| n == 1)
}

pub(super) fn release_lease(c: &mut Lease<'_>, name: &str, holder: &str) -> Result<bool> {
    c.execute(
        "release_lease",
        "DELETE FROM leases WHERE name = $1 AND holder = $2",
        &[&name, &holder],
    )
    .map(|n| n == 1)
}

pub(super) fn inbox_put(
    c: &mut Lease<'_>,
    kind: &str,
    id: &str,
    payload: &str,
    now: UnixMillis,
) -> Result<bool> {
    c.execute(
        "inbox_put",
        "INSERT INTO inbox (id, kind, payload, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING",
        &[&id, &kind, &payload.as_bytes(), &now],
    )
    .map(|n| n == 1)
}

pub(super) fn inbox_put_held(
    c: &mut Lease<'_>,
    item: (&str, &str, &str),
    holder: &str,
    lease_until: UnixMillis,
    now: UnixMillis,
) -> Result<bool> {
    let (kind, id, payload) = item;
    c.execute(
        "inbox_put_held",
        "INSERT INTO inbox (id, kind, payload, created_at, attempts, holder, lease_until)
         VALUES ($1, $2, $3, $4, 1, $5, $6)
         ON CONFLICT (id) DO NOTHING",
        &[&id, &kind, &payload.as_bytes(), &now, &holder, &lease_until],
    )
    .map(|n| n == 1)
}

/// The oldest claimable items not locked by another claimer right now (`FOR UPDATE SKIP
/// LOCKED`) are leased in the same statement. A row another claimer has just committed is
/// re-checked against its new lease and skipped, so no item is handed out twice.
pub(super) fn inbox_claim(
    c: &mut Lease<'_>,
    kind: Option<&str>,
    holder: &str,
    limit: usize,
    lease_until: UnixMillis,
    now: UnixMillis,
) -> Result<Vec<InboxItem>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = c.query(
        "inbox_claim",
        "UPDATE inbox SET holder = $1, lease_until = $3, attempts = attempts + 1
         WHERE id IN (SELECT id FROM inbox
                      WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until <= $4)
                        AND ($5::text IS NULL OR kind = $5)
                      ORDER BY created_at, id LIMIT $2
                      FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, payload, attempts, created_at",
        &[&holder, &limit, &lease_until, &now, &kind],
    )?;
    const W: &str = "inbox";
    let mut items = rows
        .iter()
        .map(|r| {
            let attempts: i32 = col(r, 3, W)?;
            Ok(InboxItem {
                id: col(r, 0, W)?,
                kind: col(r, 1, W)?,
                payload: text_bytes(r, 2, W)?,
                attempts: attempts.max(0) as u32,
                created_at: col(r, 4, W)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // RETURNING order is unspecified.
    items.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(items)
}

pub(super) fn inbox_done(
    c: &mut Lease<'_>,
    id: &str,
    holder: &str,
    now: UnixMillis,
) -> Result<bool> {
    c.execute(
        "inbox_done",
        "UPDATE inbox SET done_at = $3, lease_until = NULL
         WHERE id = $1 AND holder = $2 AND done_at IS NULL",
        &[&id, &holder, &now],
    )
    .map(|n| n == 1)
}

pub(super) fn prune_inbox(c: &mut Lease<'_>, before: UnixMillis) -> Result<usize> {
    c.execute(
        "prune_inbox",
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND created_at < $1",
        &[&before],
    )
    .map(|n| n as usize)
}
