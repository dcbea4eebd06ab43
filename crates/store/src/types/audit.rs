//! The audit log: who asked for which AWS action, what the authorizer decided, what happened.
//! Append-only; the store never rewrites a record.

use super::UnixMillis;
use serde::{Deserialize, Serialize};

/// One record as the engine writes it. Strings rather than enums for `decision` and
/// `outcome` so new values (a new decision kind, an AWS error code) need no schema change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub time: UnixMillis,
    pub workspace: String,
    pub channel: String,
    pub user: String,
    /// The user's display name, when the surface knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub role: Option<String>,
    /// The command, already masked by the caller.
    pub command: String,
    /// "allowed", "explicitDeny", "implicitDeny", ...
    pub decision: String,
    /// Why: "denied by guardrail X, statement Y", or empty.
    pub reason: String,
    /// "ok", an AWS error code, "timeout", "cancelled", "refused", ...
    pub outcome: String,
    /// Time spent running it; `None` when it never ran.
    pub duration_ms: Option<i64>,
}

/// A stored record with its sequence number (increasing in append order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(flatten)]
    pub record: AuditRecord,
}

/// Which end of the time range `limit` keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOrder {
    /// Oldest first (a time-ordered export).
    #[default]
    OldestFirst,
    /// Newest first (the last N things that happened).
    NewestFirst,
}

/// Filters for `query_audit`; every `None` matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub workspace: Option<String>,
    pub channel: Option<String>,
    pub user: Option<String>,
    /// Inclusive lower bound on `time`.
    pub since: Option<UnixMillis>,
    /// Exclusive upper bound on `time`.
    pub until: Option<UnixMillis>,
    pub limit: Option<u32>,
    pub order: AuditOrder,
}
