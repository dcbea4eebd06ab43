//! Channel state, users' roles, aliases, the audit log, processed event ids, surface records
//! and chat app installations in SQLite: simple keyed rows, written with upserts so each call is one statement.

use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditOrder, AuditRecord, ChannelState, UnixMillis,
};
use crate::{Result, StoreError};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

fn db(op: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::backend(op, e)
}

fn exec(conn: &Connection, op: &'static str, sql: &str, p: impl rusqlite::Params) -> Result<usize> {
    conn.prepare_cached(sql)
        .map_err(db(op))?
        .execute(p)
        .map_err(db(op))
}

pub(super) fn channel_state(
    conn: &Connection,
    workspace: &str,
    channel: &str,
) -> Result<Option<ChannelState>> {
    conn.prepare_cached(
        "SELECT default_account, default_account_expires_at, last_region, updated_at
         FROM channel_state WHERE workspace = ?1 AND channel = ?2",
    )
    .map_err(db("channel_state"))?
    .query_row([workspace, channel], |r| {
        Ok(ChannelState {
            workspace: workspace.to_string(),
            channel: channel.to_string(),
            default_account: r.get(0)?,
            default_account_expires_at: r.get(1)?,
            last_region: r.get(2)?,
            updated_at: r.get(3)?,
        })
    })
    .optional()
    .map_err(db("channel_state"))
}

pub(super) fn set_default_account(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    account: &str,
    expires_at: UnixMillis,
    now: UnixMillis,
) -> Result<()> {
    exec(
        conn,
        "set_default_account",
        "INSERT INTO channel_state (workspace, channel, default_account,
             default_account_expires_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (workspace, channel) DO UPDATE SET
             default_account = excluded.default_account,
             default_account_expires_at = excluded.default_account_expires_at,
             updated_at = excluded.updated_at",
        params![workspace, channel, account, expires_at, now],
    )
    .map(drop)
}

pub(super) fn clear_default_account(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    now: UnixMillis,
) -> Result<()> {
    exec(
        conn,
        "clear_default_account",
        "UPDATE channel_state SET default_account = NULL, default_account_expires_at = NULL,
             updated_at = ?3
         WHERE workspace = ?1 AND channel = ?2",
        params![workspace, channel, now],
    )
    .map(drop)
}

pub(super) fn set_last_region(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    region: &str,
    now: UnixMillis,
) -> Result<()> {
    exec(
        conn,
        "set_last_region",
        "INSERT INTO channel_state (workspace, channel, last_region, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (workspace, channel) DO UPDATE SET
             last_region = excluded.last_region, updated_at = excluded.updated_at",
        params![workspace, channel, region, now],
    )
    .map(drop)
}

pub(super) fn user_role(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    user: &str,
) -> Result<Option<String>> {
    conn.prepare_cached(
        "SELECT role FROM user_roles WHERE workspace = ?1 AND channel = ?2 AND user_id = ?3",
    )
    .map_err(db("user_role"))?
    .query_row([workspace, channel, user], |r| r.get(0))
    .optional()
    .map_err(db("user_role"))
}

pub(super) fn set_user_role(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    user: &str,
    role: &str,
    now: UnixMillis,
) -> Result<()> {
    exec(
        conn,
        "set_user_role",
        "INSERT INTO user_roles (workspace, channel, user_id, role, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (workspace, channel, user_id) DO UPDATE SET
             role = excluded.role, updated_at = excluded.updated_at",
        params![workspace, channel, user, role, now],
    )
    .map(drop)
}

pub(super) fn clear_user_role(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    user: &str,
) -> Result<bool> {
    exec(
        conn,
        "clear_user_role",
        "DELETE FROM user_roles WHERE workspace = ?1 AND channel = ?2 AND user_id = ?3",
        [workspace, channel, user],
    )
    .map(|n| n == 1)
}

pub(super) fn create_alias(conn: &Connection, a: &Alias, replace: bool) -> Result<()> {
    let sql = if replace {
        "INSERT INTO aliases (workspace, channel, name, template, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (workspace, channel, name) DO UPDATE SET
             template = excluded.template, created_by = excluded.created_by,
             created_at = excluded.created_at"
    } else {
        "INSERT INTO aliases (workspace, channel, name, template, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (workspace, channel, name) DO NOTHING"
    };
    let p = params![
        a.workspace,
        a.channel,
        a.name,
        a.template,
        a.created_by,
        a.created_at
    ];
    match exec(conn, "create_alias", sql, p)? {
        0 => Err(StoreError::AliasExists {
            name: a.name.clone(),
        }),
        _ => Ok(()),
    }
}

fn read_alias(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alias> {
    Ok(Alias {
        workspace: r.get(0)?,
        channel: r.get(1)?,
        name: r.get(2)?,
        template: r.get(3)?,
        created_by: r.get(4)?,
        created_at: r.get(5)?,
    })
}

pub(super) fn alias(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    name: &str,
) -> Result<Option<Alias>> {
    conn.prepare_cached(
        "SELECT workspace, channel, name, template, created_by, created_at FROM aliases
         WHERE workspace = ?1 AND channel = ?2 AND name = ?3",
    )
    .map_err(db("alias"))?
    .query_row([workspace, channel, name], read_alias)
    .optional()
    .map_err(db("alias"))
}

pub(super) fn list_aliases(
    conn: &Connection,
    workspace: &str,
    channel: &str,
) -> Result<Vec<Alias>> {
    conn.prepare_cached(
        "SELECT workspace, channel, name, template, created_by, created_at FROM aliases
         WHERE workspace = ?1 AND channel = ?2 ORDER BY name",
    )
    .map_err(db("list_aliases"))?
    .query_map([workspace, channel], read_alias)
    .map_err(db("list_aliases"))?
    .collect::<rusqlite::Result<_>>()
    .map_err(db("list_aliases"))
}

pub(super) fn delete_alias(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    name: &str,
) -> Result<bool> {
    exec(
        conn,
        "delete_alias",
        "DELETE FROM aliases WHERE workspace = ?1 AND channel = ?2 AND name = ?3",
        [workspace, channel, name],
    )
    .map(|n| n == 1)
}

pub(super) fn append_audit(conn: &Connection, a: &AuditRecord) -> Result<i64> {
    exec(
        conn,
        "append_audit",
        "INSERT INTO audit_log (time, workspace, channel, user_id, account, region, role,
             command, decision, reason, outcome, duration_ms, user_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            a.time,
            a.workspace,
            a.channel,
            a.user,
            a.account,
            a.region,
            a.role,
            a.command,
            a.decision,
            a.reason,
            a.outcome,
            a.duration_ms,
            a.user_name
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn query_audit(conn: &Connection, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let mut sql = String::from(
        "SELECT id, time, workspace, channel, user_id, account, region, role, command,
             decision, reason, outcome, duration_ms, user_name
         FROM audit_log WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    let mut cond = |clause: &str, v: Value| {
        args.push(v);
        sql.push_str(&format!(" AND {clause} ?{}", args.len()));
    };
    if let Some(w) = &f.workspace {
        cond("workspace =", Value::Text(w.clone()));
    }
    if let Some(c) = &f.channel {
        cond("channel =", Value::Text(c.clone()));
    }
    if let Some(u) = &f.user {
        cond("user_id =", Value::Text(u.clone()));
    }
    if let Some(s) = f.since {
        cond("time >=", Value::Integer(s));
    }
    if let Some(u) = f.until {
        cond("time <", Value::Integer(u));
    }
    sql.push_str(match f.order {
        AuditOrder::OldestFirst => " ORDER BY time, id",
        AuditOrder::NewestFirst => " ORDER BY time DESC, id DESC",
    });
    if let Some(limit) = f.limit {
        args.push(Value::Integer(i64::from(limit)));
        sql.push_str(&format!(" LIMIT ?{}", args.len()));
    }
    conn.prepare_cached(&sql)
        .map_err(db("query_audit"))?
        .query_map(params_from_iter(args), |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                record: AuditRecord {
                    time: r.get(1)?,
                    workspace: r.get(2)?,
                    channel: r.get(3)?,
                    user: r.get(4)?,
                    user_name: r.get(13)?,
                    account: r.get(5)?,
                    region: r.get(6)?,
                    role: r.get(7)?,
                    command: r.get(8)?,
                    decision: r.get(9)?,
                    reason: r.get(10)?,
                    outcome: r.get(11)?,
                    duration_ms: r.get(12)?,
                },
            })
        })
        .map_err(db("query_audit"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(db("query_audit"))
}

pub(super) fn mark_event(conn: &Connection, event_id: &str, now: UnixMillis) -> Result<bool> {
    exec(
        conn,
        "mark_event",
        "INSERT INTO processed_events (event_id, seen_at) VALUES (?1, ?2)
         ON CONFLICT (event_id) DO NOTHING",
        params![event_id, now],
    )
    .map(|n| n == 1)
}

pub(super) fn forget_event(conn: &Connection, event_id: &str) -> Result<bool> {
    exec(
        conn,
        "forget_event",
        "DELETE FROM processed_events WHERE event_id = ?1",
        [event_id],
    )
    .map(|n| n == 1)
}

pub(super) fn prune_events(conn: &Connection, before: UnixMillis) -> Result<usize> {
    exec(
        conn,
        "prune_events",
        "DELETE FROM processed_events WHERE seen_at < ?1",
        [before],
    )
}

pub(super) fn put_surface(
    conn: &Connection,
    kind: &str,
    key: &str,
    value: &str,
    now: UnixMillis,
) -> Result<()> {
    exec(
        conn,
        "put_surface",
        "INSERT INTO surface_kv (kind, key, value, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value,
                                               updated_at = excluded.updated_at",
        params![kind, key, value, now],
    )
    .map(|_| ())
}

pub(super) fn get_surface(conn: &Connection, kind: &str, key: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM surface_kv WHERE kind = ?1 AND key = ?2")
        .map_err(db("get_surface"))?
        .query_row([kind, key], |r| r.get(0))
        .optional()
        .map_err(db("get_surface"))
}

/// One transaction (the connection is this process's only one, behind the store's lock;
/// another process's writer waits on SQLite's lock), so no record is taken twice.
pub(super) fn take_surface(
    conn: &mut Connection,
    kind: &str,
    limit: usize,
) -> Result<Vec<(String, String)>> {
    let tx = conn.transaction().map_err(db("take_surface"))?;
    let taken: Vec<(String, String)> = {
        let mut stmt = tx
            .prepare_cached(
                "SELECT key, value FROM surface_kv WHERE kind = ?1
                 ORDER BY updated_at, key LIMIT ?2",
            )
            .map_err(db("take_surface"))?;
        let rows = stmt
            .query_map(params![kind, limit.min(i64::MAX as usize) as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db("take_surface"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("take_surface"))?
    };
    for (key, _) in &taken {
        exec(
            &tx,
            "take_surface",
            "DELETE FROM surface_kv WHERE kind = ?1 AND key = ?2",
            [kind, key.as_str()],
        )?;
    }
    tx.commit().map_err(db("take_surface"))?;
    Ok(taken)
}

pub(super) fn prune_surface(conn: &Connection, before: UnixMillis) -> Result<usize> {
    exec(
        conn,
        "prune_surface",
        "DELETE FROM surface_kv WHERE updated_at < ?1",
        [before],
    )
}

pub(super) fn delete_surface(conn: &Connection, kind: &str, key: &str) -> Result<bool> {
    exec(
        conn,
        "delete_surface",
        "DELETE FROM surface_kv WHERE kind = ?1 AND key = ?2",
        [kind, key],
    )
    .map(|n| n > 0)
}

pub(super) fn prune_surface_kind(
    conn: &Connection,
    kind: &str,
    before: UnixMillis,
) -> Result<usize> {
    exec(
        conn,
        "prune_surface_kind",
        "DELETE FROM surface_kv WHERE kind = ?1 AND updated_at < ?2",
        params![kind, before],
    )
}

pub(super) fn put_installation(
    conn: &Connection,
    surface: &str,
    team: &str,
    sealed: &str,
    now: UnixMillis,
) -> Result<()> {
    exec(
        conn,
        "put_installation",
        "INSERT INTO installations (surface, team, sealed, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (surface, team) DO UPDATE SET sealed = excluded.sealed,
                                                   updated_at = excluded.updated_at",
        params![surface, team, sealed, now],
    )
    .map(|_| ())
}

pub(super) fn get_installation(
    conn: &Connection,
    surface: &str,
    team: &str,
) -> Result<Option<String>> {
    conn.prepare_cached("SELECT sealed FROM installations WHERE surface = ?1 AND team = ?2")
        .map_err(db("get_installation"))?
        .query_row([surface, team], |r| r.get(0))
        .optional()
        .map_err(db("get_installation"))
}

pub(super) fn delete_installation(conn: &Connection, surface: &str, team: &str) -> Result<bool> {
    exec(
        conn,
        "delete_installation",
        "DELETE FROM installations WHERE surface = ?1 AND team = ?2",
        [surface, team],
    )
    .map(|n| n == 1)
}

pub(super) fn list_installations(conn: &Connection, surface: &str) -> Result<Vec<String>> {
    conn.prepare_cached("SELECT team FROM installations WHERE surface = ?1 ORDER BY team")
        .map_err(db("list_installations"))?
        .query_map([surface], |r| r.get(0))
        .map_err(db("list_installations"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(db("list_installations"))
}
