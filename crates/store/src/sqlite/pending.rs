//! Pending commands in SQLite. Every state change is one `UPDATE … WHERE <expected state>
//! AND expires_at > now RETURNING …`: SQLite serialises writers, so of two concurrent
//! presses exactly one matches the row. When nothing matched, a read explains why.

use crate::types::{
    NewPending, PendingCommand, PendingState, PendingUpdate, Transition, UnixMillis, Waiting,
};
use crate::{new_pending_id, Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "id, workspace, channel, thread, user_id, command_text, call_json, \
    state, awaiting_param, message_id, account, region, role, created_at, updated_at, \
    expires_at, acted_by, acted_at, outcome, finished_at";

const WAITING: &str = "('awaiting_input', 'awaiting_confirmation')";

fn db(op: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::backend(op, e)
}

/// The raw row; decoding the state and JSON happens outside rusqlite so a bad value becomes
/// a `Corrupt` error naming the command, not a generic conversion failure.
struct RawRow {
    cmd: PendingCommand,
    state: String,
    param: Option<String>,
    call_json: String,
}

fn read_row(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        state: r.get(7)?,
        param: r.get(8)?,
        call_json: r.get(6)?,
        cmd: PendingCommand {
            id: r.get(0)?,
            workspace: r.get(1)?,
            channel: r.get(2)?,
            thread: r.get(3)?,
            user: r.get(4)?,
            command_text: r.get(5)?,
            call: serde_json::Value::Null,
            state: PendingState::Done,
            message_id: r.get(9)?,
            account: r.get(10)?,
            region: r.get(11)?,
            role: r.get(12)?,
            created_at: r.get(13)?,
            updated_at: r.get(14)?,
            expires_at: r.get(15)?,
            acted_by: r.get(16)?,
            acted_at: r.get(17)?,
            outcome: r.get(18)?,
            finished_at: r.get(19)?,
        },
    })
}

fn decode(raw: RawRow) -> Result<PendingCommand> {
    let mut cmd = raw.cmd;
    cmd.state =
        PendingState::from_parts(&raw.state, raw.param).ok_or_else(|| StoreError::Corrupt {
            what: "pending_commands.state",
            detail: format!("command {}: unknown state `{}`", cmd.id, raw.state),
        })?;
    cmd.call = serde_json::from_str(&raw.call_json).map_err(|e| StoreError::Corrupt {
        what: "pending_commands.call_json",
        detail: format!("command {}: {e}", cmd.id),
    })?;
    Ok(cmd)
}

fn waiting_parts(w: &Waiting) -> (&'static str, Option<&str>) {
    match w {
        Waiting::AwaitingInput { parameter } => ("awaiting_input", Some(parameter)),
        Waiting::AwaitingConfirmation => ("awaiting_confirmation", None),
    }
}

/// Runs a `… RETURNING COLUMNS` statement expected to touch at most one row.
fn returning_one(
    conn: &Connection,
    op: &'static str,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Option<PendingCommand>> {
    let raw = conn
        .prepare_cached(sql)
        .map_err(db(op))?
        .query_row(params, read_row)
        .optional()
        .map_err(db(op))?;
    raw.map(decode).transpose()
}

pub(super) fn create(conn: &Connection, new: &NewPending) -> Result<PendingCommand> {
    let id = new_pending_id()?;
    let (state, param) = waiting_parts(&new.waiting);
    let call = serde_json::to_string(&new.call).map_err(|e| StoreError::Corrupt {
        what: "pending call",
        detail: e.to_string(),
    })?;
    let sql = format!(
        "INSERT INTO pending_commands (id, workspace, channel, thread, user_id, command_text,
             call_json, state, awaiting_param, message_id, account, region, role,
             created_at, updated_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)
         RETURNING {COLUMNS}"
    );
    returning_one(
        conn,
        "create_pending",
        &sql,
        params![
            id,
            new.workspace,
            new.channel,
            new.thread,
            new.user,
            new.command_text,
            call,
            state,
            param,
            new.message_id,
            new.account,
            new.region,
            new.role,
            new.created_at,
            new.expires_at
        ],
    )?
    .ok_or_else(|| StoreError::backend("create_pending", "INSERT returned no row"))
}

pub(super) fn get(conn: &Connection, id: &str) -> Result<Option<PendingCommand>> {
    let sql = format!("SELECT {COLUMNS} FROM pending_commands WHERE id = ?1");
    returning_one(conn, "get_pending", &sql, [id])
}

pub(super) fn set_message(
    conn: &Connection,
    id: &str,
    message_id: &str,
    now: UnixMillis,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE pending_commands SET message_id = ?2, updated_at = ?3 WHERE id = ?1",
        )
        .map_err(db("set_pending_message"))?
        .execute(params![id, message_id, now])
        .map_err(db("set_pending_message"))?;
    Ok(n == 1)
}

/// Why a conditional update matched nothing.
fn explain(conn: &Connection, id: &str, now: UnixMillis) -> Result<Transition> {
    struct Why {
        state: String,
        param: Option<String>,
        by: Option<String>,
        at: Option<i64>,
        expires_at: i64,
    }
    let row: Option<Why> = conn
        .prepare_cached(
            "SELECT state, awaiting_param, acted_by, acted_at, expires_at
             FROM pending_commands WHERE id = ?1",
        )
        .map_err(db("explain"))?
        .query_row([id], |r| {
            Ok(Why {
                state: r.get(0)?,
                param: r.get(1)?,
                by: r.get(2)?,
                at: r.get(3)?,
                expires_at: r.get(4)?,
            })
        })
        .optional()
        .map_err(db("explain"))?;
    let Some(Why {
        state: name,
        param,
        by,
        at,
        expires_at,
    }) = row
    else {
        return Ok(Transition::NotFound);
    };
    let state = PendingState::from_parts(&name, param).ok_or_else(|| StoreError::Corrupt {
        what: "pending_commands.state",
        detail: format!("command {id}: unknown state `{name}`"),
    })?;
    if state == PendingState::Expired || (state.is_waiting() && expires_at <= now) {
        return Ok(Transition::Expired);
    }
    Ok(Transition::AlreadyTaken { state, by, at })
}

pub(super) fn update(
    conn: &Connection,
    id: &str,
    u: &PendingUpdate,
    now: UnixMillis,
) -> Result<Transition> {
    let (state, param) = waiting_parts(&u.waiting);
    let call = serde_json::to_string(&u.call).map_err(|e| StoreError::Corrupt {
        what: "pending call",
        detail: e.to_string(),
    })?;
    let sql = format!(
        "UPDATE pending_commands SET command_text = ?2, call_json = ?3, state = ?4,
             awaiting_param = ?5, message_id = ?6, account = ?7, region = ?8, role = ?9,
             expires_at = ?10, updated_at = ?11
         WHERE id = ?1 AND state IN {WAITING} AND expires_at > ?11
         RETURNING {COLUMNS}"
    );
    let p = params![
        id,
        u.command_text,
        call,
        state,
        param,
        u.message_id,
        u.account,
        u.region,
        u.role,
        u.expires_at,
        now
    ];
    match returning_one(conn, "update_pending", &sql, p)? {
        Some(cmd) => Ok(Transition::Applied(Box::new(cmd))),
        None => explain(conn, id, now),
    }
}

pub(super) fn claim(conn: &Connection, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
    let sql = format!(
        "UPDATE pending_commands SET state = 'running', acted_by = ?2, acted_at = ?3,
             updated_at = ?3
         WHERE id = ?1 AND state = 'awaiting_confirmation' AND expires_at > ?3
         RETURNING {COLUMNS}"
    );
    match returning_one(conn, "claim_for_run", &sql, params![id, by, now])? {
        Some(cmd) => Ok(Transition::Applied(Box::new(cmd))),
        None => explain(conn, id, now),
    }
}

pub(super) fn cancel(conn: &Connection, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
    let sql = format!(
        "UPDATE pending_commands SET state = 'cancelled', awaiting_param = NULL,
             acted_by = ?2, acted_at = ?3, updated_at = ?3
         WHERE id = ?1 AND state IN {WAITING} AND expires_at > ?3
         RETURNING {COLUMNS}"
    );
    match returning_one(conn, "cancel", &sql, params![id, by, now])? {
        Some(cmd) => Ok(Transition::Applied(Box::new(cmd))),
        None => explain(conn, id, now),
    }
}

pub(super) fn finish(conn: &Connection, id: &str, outcome: &str, now: UnixMillis) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE pending_commands SET state = 'done', outcome = ?2, finished_at = ?3,
                 updated_at = ?3
             WHERE id = ?1 AND state = 'running'",
        )
        .map_err(db("finish"))?
        .execute(params![id, outcome, now])
        .map_err(db("finish"))?;
    if n == 1 {
        return Ok(());
    }
    let state: Option<String> = conn
        .query_row(
            "SELECT state FROM pending_commands WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db("finish"))?;
    Err(match state {
        None => StoreError::PendingNotFound { id: id.to_string() },
        Some(state) => StoreError::NotRunning {
            id: id.to_string(),
            state,
        },
    })
}

fn collect(
    conn: &Connection,
    op: &'static str,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<PendingCommand>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db(op))?;
    let raws = stmt
        .query_map(p, read_row)
        .map_err(db(op))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db(op))?;
    raws.into_iter().map(decode).collect()
}

pub(super) fn expire_due(conn: &Connection, now: UnixMillis) -> Result<Vec<PendingCommand>> {
    let sql = format!(
        "UPDATE pending_commands SET state = 'expired', awaiting_param = NULL, updated_at = ?1
         WHERE state IN {WAITING} AND expires_at <= ?1
         RETURNING {COLUMNS}"
    );
    let mut out = collect(conn, "expire_due", &sql, [now])?;
    // RETURNING order is unspecified.
    out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(out)
}

pub(super) fn list(
    conn: &Connection,
    workspace: &str,
    channel: &str,
    user: &str,
    now: UnixMillis,
) -> Result<Vec<PendingCommand>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM pending_commands
         WHERE workspace = ?1 AND channel = ?2 AND user_id = ?3 AND state IN {WAITING}
           AND expires_at > ?4
         ORDER BY created_at, id"
    );
    collect(
        conn,
        "list_pending",
        &sql,
        params![workspace, channel, user, now],
    )
}

pub(super) fn prune(conn: &Connection, before: UnixMillis) -> Result<usize> {
    conn.prepare_cached(
        "DELETE FROM pending_commands
         WHERE state IN ('done', 'cancelled', 'expired') AND updated_at < ?1",
    )
    .map_err(db("prune_pending"))?
    .execute([before])
    .map_err(db("prune_pending"))
}
