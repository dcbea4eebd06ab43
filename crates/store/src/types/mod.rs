//! The values the store keeps. Plain data with `serde` derives so the engine can log them and
//! `chatops audit` can print them as JSON lines.

mod audit;
mod pending;

pub use audit::{AuditEntry, AuditFilter, AuditOrder, AuditRecord};
pub use pending::{NewPending, PendingCommand, PendingState, PendingUpdate, Transition, Waiting};

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch. The caller always passes "now", so tests control time.
pub type UnixMillis = i64;

/// What a channel remembers between commands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelState {
    pub workspace: String,
    pub channel: String,
    /// The account chosen on first use, kept until `default_account_expires_at`.
    pub default_account: Option<String>,
    pub default_account_expires_at: Option<UnixMillis>,
    /// The region of the last command run here (`--region` or the default).
    pub last_region: Option<String>,
    pub updated_at: UnixMillis,
}

impl ChannelState {
    /// The default account if it has not expired at `now`. The store keeps expired values
    /// (so the engine can say "your default account expired"); this is the usual read.
    pub fn default_account_at(&self, now: UnixMillis) -> Option<&str> {
        match (&self.default_account, self.default_account_expires_at) {
            (Some(a), Some(exp)) if exp > now => Some(a),
            (Some(a), None) => Some(a),
            _ => None,
        }
    }
}

/// A channel's shortcut: `run <name> v1 v2` expands `template`'s `$vars`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub workspace: String,
    pub channel: String,
    pub name: String,
    /// The command text with `$vars`, stored verbatim; the engine parses it on use.
    pub template: String,
    pub created_by: String,
    pub created_at: UnixMillis,
}

/// An acknowledged input waiting to be processed, as handed to one claimer (see
/// `Store::inbox_claim`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    /// Unique across kinds (e.g. `slack:Ev123`, `sns:<MessageId>`): a retried delivery
    /// carries the same id and is put once.
    pub id: String,
    /// What it is, so the claimer knows how to process it (e.g. `slack.event`).
    pub kind: String,
    /// The input as received, byte for byte.
    pub payload: String,
    /// How many times it has been claimed, this claim included: above 1, an earlier
    /// claimer died or gave up mid-way (its work may be half done; claims on the commands
    /// themselves keep AWS calls at most once).
    pub attempts: u32,
    pub created_at: UnixMillis,
}
