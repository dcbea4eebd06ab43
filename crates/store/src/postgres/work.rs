//! Coordination between replicas in PostgreSQL: leases (and, below, the inbox). Each
//! operation is one statement. `INSERT … ON CONFLICT DO UPDATE … WHERE` locks the existing
//! row and checks the condition against its latest committed version, so of replicas
//! racing for a lease exactly one sees it free.

use super::pool::Lease;
use crate::types::UnixMillis;
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
