//! Pending commands in PostgreSQL. Every state change is one `UPDATE … WHERE <expected
//! state> AND expires_at > now RETURNING …`. Under READ COMMITTED a second writer of the
//! same row waits for the first to commit, then re-checks the WHERE against the new row, so
//! of two concurrent presses exactly one matches. When nothing matched, a read explains why.

use super::pool::Lease;
use super::rows::col;
use crate::types::{
    NewPending, PendingCommand, PendingState, PendingUpdate, Transition, UnixMillis, Waiting,
};
use crate::{new_pending_id, Result, StoreError};
use postgres::Row;

const COLUMNS: &str = "id, workspace, channel, thread, user_id, command_text, call_json, \
    state, awaiting_param, message_id, account, region, role, created_at, updated_at, \
    expires_at, acted_by, acted_at, outcome, finished_at";

const WAITING: &str = "('awaiting_input', 'awaiting_confirmation')";

const WHAT: &str = "pending_commands";

fn decode(r: &Row) -> Result<PendingCommand> {
    let id: String = col(r, 0, WHAT)?;
    let state: String = col(r, 7, WHAT)?;
    let param: Option<String> = col(r, 8, WHAT)?;
    let call_json: String = col(r, 6, WHAT)?;
    let state = PendingState::from_parts(&state, param).ok_or_else(|| StoreError::Corrupt {
        what: "pending_commands.state",
        detail: format!("command {id}: unknown state `{state}`"),
    })?;
    let call = serde_json::from_str(&call_json).map_err(|e| StoreError::Corrupt {
        what: "pending_commands.call_json",
        detail: format!("command {id}: {e}"),
    })?;
    Ok(PendingCommand {
        workspace: col(r, 1, WHAT)?,
        channel: col(r, 2, WHAT)?,
        thread: col(r, 3, WHAT)?,
        user: col(r, 4, WHAT)?,
        command_text: col(r, 5, WHAT)?,
        call,
        state,
        message_id: col(r, 9, WHAT)?,
        account: col(r, 10, WHAT)?,
        region: col(r, 11, WHAT)?,
        role: col(r, 12, WHAT)?,
        created_at: col(r, 13, WHAT)?,
        updated_at: col(r, 14, WHAT)?,
        expires_at: col(r, 15, WHAT)?,
        acted_by: col(r, 16, WHAT)?,
        acted_at: col(r, 17, WHAT)?,
        outcome: col(r, 18, WHAT)?,
        finished_at: col(r, 19, WHAT)?,
        id,
    })
}

fn waiting_parts(w: &Waiting) -> (&'static str, Option<&str>) {
    match w {
        Waiting::AwaitingInput { parameter } => ("awaiting_input", Some(parameter)),
        Waiting::AwaitingConfirmation => ("awaiting_confirmation", None),
    }
}

fn call_text(call: &serde_json::Value) -> Result<String> {
    serde_json::to_string(call).map_err(|e| StoreError::Corrupt {
        what: "pending call",
        detail: e.to_string(),
    })
}

pub(super) fn create(c: &mut Lease<'_>, new: &NewPending) -> Result<PendingCommand> {
    let id = new_pending_id()?;
    let (state, param) = waiting_parts(&new.waiting);
    let call = call_text(&new.call)?;
    let sql = format!(
        "INSERT INTO pending_commands (id, workspace, channel, thread, user_id, command_text,
             call_json, state, awaiting_param, message_id, account, region, role,
             created_at, updated_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)
         RETURNING {COLUMNS}"
    );
    let row = c.query_opt(
        "create_pending",
        &sql,
        &[
            &id,
            &new.workspace,
            &new.channel,
            &new.thread,
            &new.user,
            &new.command_text,
            &call,
            &state,
            &param,
            &new.message_id,
            &new.account,
            &new.region,
            &new.role,
            &new.created_at,
            &new.expires_at,
        ],
    )?;
    let row = row.ok_or_else(|| StoreError::backend("create_pending", "INSERT returned no row"))?;
    decode(&row)
}

pub(super) fn get(c: &mut Lease<'_>, id: &str) -> Result<Option<PendingCommand>> {
    let sql = format!("SELECT {COLUMNS} FROM pending_commands WHERE id = $1");
    c.query_opt("get_pending", &sql, &[&id])?
        .as_ref()
        .map(decode)
        .transpose()
}

pub(super) fn set_message(
    c: &mut Lease<'_>,
    id: &str,
    message_id: &str,
    now: UnixMillis,
) -> Result<bool> {
    let n = c.execute(
        "set_pending_message",
        "UPDATE pending_commands SET message_id = $2, updated_at = $3 WHERE id = $1",
        &[&id, &message_id, &now],
    )?;
    Ok(n == 1)
}

/// Why a conditional update matched nothing.
fn explain(c: &mut Lease<'_>, id: &str, now: UnixMillis) -> Result<Transition> {
    let row = c.query_opt(
        "explain",
        "SELECT state, awaiting_param, acted_by, acted_at, expires_at
         FROM pending_commands WHERE id = $1",
        &[&id],
    )?;
    let Some(r) = row else {
        return Ok(Transition::NotFound);
    };
    let name: String = col(&r, 0, WHAT)?;
    let expires_at: i64 = col(&r, 4, WHAT)?;
    let state =
        PendingState::from_parts(&name, col(&r, 1, WHAT)?).ok_or_else(|| StoreError::Corrupt {
            what: "pending_commands.state",
            detail: format!("command {id}: unknown state `{name}`"),
        })?;
    if state == PendingState::Expired || (state.is_waiting() && expires_at <= now) {
        return Ok(Transition::Expired);
    }
    Ok(Transition::AlreadyTaken {
        state,
        by: col(&r, 2, WHAT)?,
        at: col(&r, 3, WHAT)?,
    })
}

/// A conditional `UPDATE … RETURNING`: `Applied` with the row, or why not.
fn transition(
    c: &mut Lease<'_>,
    op: &'static str,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    id: &str,
    now: UnixMillis,
) -> Result<Transition> {
    match c.query_opt(op, sql, params)? {
        Some(row) => Ok(Transition::Applied(Box::new(decode(&row)?))),
        None => explain(c, id, now),
    }
}

pub(super) fn update(
    c: &mut Lease<'_>,
    id: &str,
    u: &PendingUpdate,
    now: UnixMillis,
) -> Result<Transition> {
    let (state, param) = waiting_parts(&u.waiting);
    let call = call_text(&u.call)?;
    let sql = format!(
        "UPDATE pending_commands SET command_text = $2, call_json = $3, state = $4,
             awaiting_param = $5, message_id = $6, account = $7, region = $8, role = $9,
             expires_at = $10, updated_at = $11
         WHERE id = $1 AND state IN {WAITING} AND expires_at > $11
         RETURNING {COLUMNS}"
    );
    let p: [&(dyn postgres::types::ToSql + Sync); 11] = [
        &id,
        &u.command_text,
        &call,
        &state,
        &param,
        &u.message_id,
        &u.account,
        &u.region,
        &u.role,
        &u.expires_at,
        &now,
    ];
    transition(c, "update_pending", &sql, &p, id, now)
}

pub(super) fn claim(c: &mut Lease<'_>, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
    let sql = format!(
        "UPDATE pending_commands SET state = 'running', acted_by = $2, acted_at = $3,
             updated_at = $3
         WHERE id = $1 AND state = 'awaiting_confirmation' AND expires_at > $3
         RETURNING {COLUMNS}"
    );
    transition(c, "claim_for_run", &sql, &[&id, &by, &now], id, now)
}

pub(super) fn cancel(c: &mut Lease<'_>, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
    let sql = format!(
        "UPDATE pending_commands SET state = 'cancelled', awaiting_param = NULL,
             acted_by = $2, acted_at = $3, updated_at = $3
         WHERE id = $1 AND state IN {WAITING} AND expires_at > $3
         RETURNING {COLUMNS}"
    );
    transition(c, "cancel", &sql, &[&id, &by, &now], id, now)
}

pub(super) fn finish(c: &mut Lease<'_>, id: &str, outcome: &str, now: UnixMillis) -> Result<()> {
    let n = c.execute(
        "finish",
        "UPDATE pending_commands SET state = 'done', outcome = $2, finished_at = $3,
             updated_at = $3
         WHERE id = $1 AND state = 'running'",
        &[&id, &outcome, &now],
    )?;
    if n == 1 {
        return Ok(());
    }
    let row = c.query_opt(
        "finish",
        "SELECT state FROM pending_commands WHERE id = $1",
        &[&id],
    )?;
    Err(match row {
        None => StoreError::PendingNotFound { id: id.to_string() },
        Some(r) => StoreError::NotRunning {
            id: id.to_string(),
            state: col(&r, 0, WHAT)?,
        },
    })
}

pub(super) fn expire_due(c: &mut Lease<'_>, now: UnixMillis) -> Result<Vec<PendingCommand>> {
    let sql = format!(
        "UPDATE pending_commands SET state = 'expired', awaiting_param = NULL, updated_at = $1
         WHERE state IN {WAITING} AND expires_at <= $1
         RETURNING {COLUMNS}"
    );
    let mut out = c
        .query("expire_due", &sql, &[&now])?
        .iter()
        .map(decode)
        .collect::<Result<Vec<_>>>()?;
    // RETURNING order is unspecified.
    out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(out)
}

pub(super) fn list(
    c: &mut Lease<'_>,
    workspace: &str,
    channel: &str,
    user: &str,
    now: UnixMillis,
) -> Result<Vec<PendingCommand>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM pending_commands
         WHERE workspace = $1 AND channel = $2 AND user_id = $3 AND state IN {WAITING}
           AND expires_at > $4
         ORDER BY created_at, id COLLATE \"C\""
    );
    c.query("list_pending", &sql, &[&workspace, &channel, &user, &now])?
        .iter()
        .map(decode)
        .collect()
}

pub(super) fn prune(c: &mut Lease<'_>, before: UnixMillis) -> Result<usize> {
    c.execute(
        "prune_pending",
        "DELETE FROM pending_commands
         WHERE state IN ('done', 'cancelled', 'expired') AND updated_at < $1",
        &[&before],
    )
    .map(|n| n as usize)
}
