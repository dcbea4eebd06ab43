//! Channel state, users' roles, aliases, the audit log, processed event ids, surface records
//! and chat app installations in PostgreSQL: keyed rows written with upserts (one statement
//! each), the same statements as SQLite's in PostgreSQL's dialect.

use super::pool::Lease;
use super::rows::{col, text_bytes};
use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditOrder, AuditRecord, ChannelState, UnixMillis,
};
use crate::{Result, StoreError};
use postgres::types::ToSql;
use postgres::Row;

pub(super) fn channel_state(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
) -> Result<Option<ChannelState>> {
    let row = c.query_opt(
        "channel_state",
        "SELECT default_account, default_account_expires_at, last_region, updated_at
         FROM channel_state WHERE workspace = $1 AND channel = $2",
        &[&workspace, &channel],
    )?;
    let Some(r) = row else { return Ok(None) };
    const W: &str = "channel_state";
    Ok(Some(ChannelState {
        workspace: workspace.to_string(),
        channel: channel.to_string(),
        default_account: col(&r, 0, W)?,
        default_account_expires_at: col(&r, 1, W)?,
        last_region: col(&r, 2, W)?,
        updated_at: col(&r, 3, W)?,
    }))
}

pub(super) fn set_default_account(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    account: &str,
    expires_at: UnixMillis,
    now: UnixMillis,
) -> Result<()> {
    c.execute(
        "set_default_account",
        "INSERT INTO channel_state (workspace, channel, default_account,
             default_account_expires_at, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace, channel) DO UPDATE SET
             default_account = excluded.default_account,
             default_account_expires_at = excluded.default_account_expires_at,
             updated_at = excluded.updated_at",
        &[&workspace, &channel, &account, &expires_at, &now],
    )
    .map(drop)
}

pub(super) fn clear_default_account(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    now: UnixMillis,
) -> Result<()> {
    c.execute(
        "clear_default_account",
        "UPDATE channel_state SET default_account = NULL, default_account_expires_at = NULL,
             updated_at = $3
         WHERE workspace = $1 AND channel = $2",
        &[&workspace, &channel, &now],
    )
    .map(drop)
}

pub(super) fn set_last_region(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    region: &str,
    now: UnixMillis,
) -> Result<()> {
    c.execute(
        "set_last_region",
        "INSERT INTO channel_state (workspace, channel, last_region, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace, channel) DO UPDATE SET
             last_region = excluded.last_region, updated_at = excluded.updated_at",
        &[&workspace, &channel, &region, &now],
    )
    .map(drop)
}

pub(super) fn user_role(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    user: &str,
) -> Result<Option<String>> {
    c.query_opt(
        "user_role",
        "SELECT role FROM user_roles WHERE workspace = $1 AND channel = $2 AND user_id = $3",
        &[&workspace, &channel, &user],
    )?
    .map(|r| col(&r, 0, "user_roles"))
    .transpose()
}

pub(super) fn set_user_role(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    user: &str,
    role: &str,
    now: UnixMillis,
) -> Result<()> {
    c.execute(
        "set_user_role",
        "INSERT INTO user_roles (workspace, channel, user_id, role, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace, channel, user_id) DO UPDATE SET
             role = excluded.role, updated_at = excluded.updated_at",
        &[&workspace, &channel, &user, &role, &now],
    )
    .map(drop)
}

pub(super) fn clear_user_role(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    user: &str,
) -> Result<bool> {
    c.execute(
        "clear_user_role",
        "DELETE FROM user_roles WHERE workspace = $1 AND channel = $2 AND user_id = $3",
        &[&workspace, &channel, &user],
    )
    .map(|n| n == 1)
}

pub(super) fn create_alias(c: &mut Lease<'_>, a: &Alias, replace: bool) -> Result<()> {
    let sql = if replace {
        "INSERT INTO aliases (workspace, channel, name, template, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace, channel, name) DO UPDATE SET
             template = excluded.template, created_by = excluded.created_by,
             created_at = excluded.created_at"
    } else {
        "INSERT INTO aliases (workspace, channel, name, template, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace, channel, name) DO NOTHING"
    };
    let n = c.execute(
        "create_alias",
        sql,
        &[
            &a.workspace,
            &a.channel,
            &a.name,
            &a.template,
            &a.created_by,
            &a.created_at,
        ],
    )?;
    match n {
        0 => Err(StoreError::AliasExists {
            name: a.name.clone(),
        }),
        _ => Ok(()),
    }
}

fn read_alias(r: &Row) -> Result<Alias> {
    const W: &str = "aliases";
    Ok(Alias {
        workspace: col(r, 0, W)?,
        channel: col(r, 1, W)?,
        name: col(r, 2, W)?,
        template: col(r, 3, W)?,
        created_by: col(r, 4, W)?,
        created_at: col(r, 5, W)?,
    })
}

pub(super) fn alias(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    name: &str,
) -> Result<Option<Alias>> {
    c.query_opt(
        "alias",
        "SELECT workspace, channel, name, template, created_by, created_at FROM aliases
         WHERE workspace = $1 AND channel = $2 AND name = $3",
        &[&workspace, &channel, &name],
    )?
    .as_ref()
    .map(read_alias)
    .transpose()
}

pub(super) fn list_aliases(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
) -> Result<Vec<Alias>> {
    c.query(
        "list_aliases",
        "SELECT workspace, channel, name, template, created_by, created_at FROM aliases
         WHERE workspace = $1 AND channel = $2 ORDER BY name",
        &[&workspace, &channel],
    )?
    .iter()
    .map(read_alias)
    .collect()
}

pub(super) fn delete_alias(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    name: &str,
) -> Result<bool> {
    c.execute(
        "delete_alias",
        "DELETE FROM aliases WHERE workspace = $1 AND channel = $2 AND name = $3",
        &[&workspace, &channel, &name],
    )
    .map(|n| n == 1)
}

pub(super) fn append_audit(c: &mut Lease<'_>, a: &AuditRecord) -> Result<i64> {
    let row = c.query_opt(
        "append_audit",
        "INSERT INTO audit_log (time, workspace, channel, user_id, account, region, role,
             command, decision, reason, outcome, duration_ms, user_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         RETURNING id",
        &[
            &a.time,
            &a.workspace,
            &a.channel,
            &a.user,
            &a.account,
            &a.region,
            &a.role,
            &a.command,
            &a.decision,
            &a.reason,
            &a.outcome,
            &a.duration_ms,
            &a.user_name,
        ],
    )?;
    let row = row.ok_or_else(|| StoreError::backend("append_audit", "INSERT returned no row"))?;
    col(&row, 0, "audit_log")
}

/// One statement per combination of filters (each prepared once per connection), so every
/// combination gets a plan that uses the indexes.
pub(super) fn query_audit(c: &mut Lease<'_>, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let mut sql = String::from(
        "SELECT id, time, workspace, channel, user_id, account, region, role, command,
             decision, reason, outcome, duration_ms, user_name
         FROM audit_log WHERE TRUE",
    );
    let limit = f.limit.map(i64::from);
    let conds: [(&str, Option<&(dyn ToSql + Sync)>); 5] = [
        ("workspace =", f.workspace.as_ref().map(|v| v as _)),
        ("channel =", f.channel.as_ref().map(|v| v as _)),
        ("user_id =", f.user.as_ref().map(|v| v as _)),
        ("time >=", f.since.as_ref().map(|v| v as _)),
        ("time <", f.until.as_ref().map(|v| v as _)),
    ];
    let mut args: Vec<&(dyn ToSql + Sync)> = Vec::new();
    for (clause, value) in conds {
        if let Some(v) = value {
            args.push(v);
            sql.push_str(&format!(" AND {clause} ${}", args.len()));
        }
    }
    sql.push_str(match f.order {
        AuditOrder::OldestFirst => " ORDER BY time, id",
        AuditOrder::NewestFirst => " ORDER BY time DESC, id DESC",
    });
    if let Some(limit) = &limit {
        args.push(limit);
        sql.push_str(&format!(" LIMIT ${}", args.len()));
    }
    const W: &str = "audit_log";
    c.query("query_audit", &sql, &args)?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: col(r, 0, W)?,
                record: AuditRecord {
                    time: col(r, 1, W)?,
                    workspace: col(r, 2, W)?,
                    channel: col(r, 3, W)?,
                    user: col(r, 4, W)?,
                    user_name: col(r, 13, W)?,
                    account: col(r, 5, W)?,
                    region: col(r, 6, W)?,
                    role: col(r, 7, W)?,
                    command: col(r, 8, W)?,
                    decision: col(r, 9, W)?,
                    reason: col(r, 10, W)?,
                    outcome: col(r, 11, W)?,
                    duration_ms: col(r, 12, W)?,
                },
            })
        })
        .collect()
}

pub(super) fn mark_event(c: &mut Lease<'_>, event_id: &str, now: UnixMillis) -> Result<bool> {
    c.execute(
        "mark_event",
        "INSERT INTO processed_events (event_id, seen_at) VALUES ($1, $2)
         ON CONFLICT (event_id) DO NOTHING",
        &[&event_id, &now],
    )
    .map(|n| n == 1)
}

pub(super) fn forget_event(c: &mut Lease<'_>, event_id: &str) -> Result<bool> {
    c.execute(
        "forget_event",
        "DELETE FROM processed_events WHERE event_id = $1",
        &[&event_id],
    )
    .map(|n| n == 1)
}

pub(super) fn prune_events(c: &mut Lease<'_>, before: UnixMillis) -> Result<usize> {
    c.execute(
        "prune_events",
        "DELETE FROM processed_events WHERE seen_at < $1",
        &[&before],
    )
    .map(|n| n as usize)
}

pub(super) fn put_surface(
    c: &mut Lease<'_>,
    kind: &str,
    key: &str,
    value: &str,
    now: UnixMillis,
) -> Result<()> {
    c.execute(
        "put_surface",
        "INSERT INTO surface_kv (kind, key, value, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value,
                                               updated_at = excluded.updated_at",
        &[&kind, &key, &value.as_bytes(), &now],
    )
    .map(drop)
}

pub(super) fn get_surface(c: &mut Lease<'_>, kind: &str, key: &str) -> Result<Option<String>> {
    c.query_opt(
        "get_surface",
        "SELECT value FROM surface_kv WHERE kind = $1 AND key = $2",
        &[&kind, &key],
    )?
    .map(|r| text_bytes(&r, 0, "surface_kv"))
    .transpose()
}

/// One statement: the oldest rows of `kind` that no other taker has locked are locked
/// (`FOR UPDATE SKIP LOCKED`) and deleted, so racing takers on any replica each get
/// different rows and never wait for each other.
pub(super) fn take_surface(
    c: &mut Lease<'_>,
    kind: &str,
    limit: usize,
) -> Result<Vec<(String, String)>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = c.query(
        "take_surface",
        "DELETE FROM surface_kv WHERE (kind, key) IN (
             SELECT kind, key FROM surface_kv WHERE kind = $1
             ORDER BY updated_at, key LIMIT $2
             FOR UPDATE SKIP LOCKED)
         RETURNING key, value, updated_at",
        &[&kind, &limit],
    )?;
    let mut taken = rows
        .iter()
        .map(|r| {
            Ok((
                col::<i64>(r, 2, "surface_kv")?,
                col::<String>(r, 0, "surface_kv")?,
                text_bytes(r, 1, "surface_kv")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    // RETURNING order is unspecified; String order is byte order, like the key's collation.
    taken.sort();
    Ok(taken.into_iter().map(|(_, k, v)| (k, v)).collect())
}

pub(super) fn prune_surface(c: &mut Lease<'_>, before: UnixMillis) -> Result<usize> {
    c.execute(
        "prune_surface",
        "DELETE FROM surface_kv WHERE updated_at < $1",
        &[&before],
    )
    .map(|n| n as usize)
}

pub(super) fn delete_surface(c: &mut Lease<'_>, kind: &str, key: &str) -> Result<bool> {
    c.execute(
        "delete_surface",
        "DELETE FROM surface_kv WHERE kind = $1 AND key = $2",
        &[&kind, &key],
    )
    .map(|n| n > 0)
}

pub(super) fn prune_surface_kind(
    c: &mut Lease<'_>,
    kind: &str,
    before: UnixMillis,
) -> Result<usize> {
    c.execute(
        "prune_surface_kind",
        "DELETE FROM surface_kv WHERE kind = $1 AND updated_at < $2",
        &[&kind, &before],
    )
    .map(|n| n as usize)
}

pub(super) fn put_installation(
    c: &mut Lease<'_>,
    surface: &str,
    team: &str,
    sealed: &str,
    now: UnixMillis,
) -> Result<()> {
    c.execute(
        "put_installation",
        "INSERT INTO installations (surface, team, sealed, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (surface, team) DO UPDATE SET sealed = excluded.sealed,
                                                   updated_at = excluded.updated_at",
        &[&surface, &team, &sealed.as_bytes(), &now],
    )
    .map(drop)
}

pub(super) fn get_installation(
    c: &mut Lease<'_>,
    surface: &str,
    team: &str,
) -> Result<Option<String>> {
    c.query_opt(
        "get_installation",
        "SELECT sealed FROM installations WHERE surface = $1 AND team = $2",
        &[&surface, &team],
    )?
    .map(|r| text_bytes(&r, 0, "installations"))
    .transpose()
}

pub(super) fn delete_installation(c: &mut Lease<'_>, surface: &str, team: &str) -> Result<bool> {
    c.execute(
        "delete_installation",
        "DELETE FROM installations WHERE surface = $1 AND team = $2",
        &[&surface, &team],
    )
    .map(|n| n == 1)
}

pub(super) fn list_installations(c: &mut Lease<'_>, surface: &str) -> Result<Vec<String>> {
    c.query(
        "list_installations",
        "SELECT team FROM installations WHERE surface = $1 ORDER BY team",
        &[&surface],
    )?
    .iter()
    .map(|r| col(r, 0, "installations"))
    .collect()
}
