//! Pending commands: a command that waits for a missing parameter or for Run/Cancel.
//!
//! The life of one: `AwaitingInput` (zero or more times) → `AwaitingConfirmation` →
//! `Running` → `Done`; or `Cancelled` / `Expired` from either waiting state. Only the waiting
//! states can change by user action, and each change is one conditional write, so two
//! presses of Run (or a replica restarting mid-flight) cannot both win.

use super::UnixMillis;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a pending command is in its life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PendingState {
    /// Waiting for the user to supply `parameter`.
    AwaitingInput {
        parameter: String,
    },
    /// Complete; waiting for Run or Cancel.
    AwaitingConfirmation,
    /// Claimed by Run; the AWS call is (or was, before a crash) in flight.
    Running,
    /// Finished; see `PendingCommand::outcome`.
    Done,
    Cancelled,
    Expired,
}

impl PendingState {
    /// The name stored in the database and shown in messages.
    pub fn name(&self) -> &'static str {
        match self {
            PendingState::AwaitingInput { .. } => "awaiting_input",
            PendingState::AwaitingConfirmation => "awaiting_confirmation",
            PendingState::Running => "running",
            PendingState::Done => "done",
            PendingState::Cancelled => "cancelled",
            PendingState::Expired => "expired",
        }
    }

    /// True while a user can still answer, run or cancel it.
    pub fn is_waiting(&self) -> bool {
        matches!(
            self,
            PendingState::AwaitingInput { .. } | PendingState::AwaitingConfirmation
        )
    }

    /// Rebuilds a state from its stored name and the parameter column.
    pub fn from_parts(name: &str, parameter: Option<String>) -> Option<PendingState> {
        Some(match (name, parameter) {
            ("awaiting_input", Some(parameter)) => PendingState::AwaitingInput { parameter },
            ("awaiting_confirmation", _) => PendingState::AwaitingConfirmation,
            ("running", _) => PendingState::Running,
            ("done", _) => PendingState::Done,
            ("cancelled", _) => PendingState::Cancelled,
            ("expired", _) => PendingState::Expired,
            _ => return None,
        })
    }

    /// The parameter being asked for, if any (the stored `awaiting_param` column).
    pub fn parameter(&self) -> Option<&str> {
        match self {
            PendingState::AwaitingInput { parameter } => Some(parameter),
            _ => None,
        }
    }
}

impl std::fmt::Display for PendingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The two states a command can be created in or moved between by `update_pending`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Waiting {
    AwaitingInput { parameter: String },
    AwaitingConfirmation,
}

impl From<Waiting> for PendingState {
    fn from(w: Waiting) -> Self {
        match w {
            Waiting::AwaitingInput { parameter } => PendingState::AwaitingInput { parameter },
            Waiting::AwaitingConfirmation => PendingState::AwaitingConfirmation,
        }
    }
}

/// A stored pending command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingCommand {
    /// Random and unguessable (see [`crate::new_pending_id`]); goes into button values.
    pub id: String,
    pub workspace: String,
    pub channel: String,
    pub thread: Option<String>,
    /// The asker.
    pub user: String,
    /// The command as typed (already masked if it is ever shown).
    pub command_text: String,
    /// The parsed call; opaque to the store.
    pub call: Value,
    pub state: PendingState,
    /// The chat message that prompts or confirms, so it can be updated later.
    pub message_id: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub role: Option<String>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    pub expires_at: UnixMillis,
    /// Who moved it out of waiting (ran or cancelled it), and when.
    pub acted_by: Option<String>,
    pub acted_at: Option<UnixMillis>,
    /// What `finish` recorded: "ok", an error code, "timeout", "refused", ...
    pub outcome: Option<String>,
    pub finished_at: Option<UnixMillis>,
}

/// What the engine supplies to create a pending command; the store adds the id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewPending {
    pub workspace: String,
    pub channel: String,
    pub thread: Option<String>,
    pub user: String,
    pub command_text: String,
    pub call: Value,
    pub waiting: Waiting,
    pub message_id: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub role: Option<String>,
    pub created_at: UnixMillis,
    /// `created_at` plus the lifetime the engine chose (10 minutes by default).
    pub expires_at: UnixMillis,
}

/// The fields `update_pending` replaces, all at once. Build one from the current command with
/// `PendingUpdate::from(&cmd)`, change what the answer changed, and write it back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingUpdate {
    pub command_text: String,
    pub call: Value,
    pub waiting: Waiting,
    pub message_id: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub role: Option<String>,
    pub expires_at: UnixMillis,
}

impl From<&PendingCommand> for PendingUpdate {
    fn from(c: &PendingCommand) -> Self {
        let waiting = match &c.state {
            PendingState::AwaitingInput { parameter } => Waiting::AwaitingInput {
                parameter: parameter.clone(),
            },
            _ => Waiting::AwaitingConfirmation,
        };
        PendingUpdate {
            command_text: c.command_text.clone(),
            call: c.call.clone(),
            waiting,
            message_id: c.message_id.clone(),
            account: c.account.clone(),
            region: c.region.clone(),
            role: c.role.clone(),
            expires_at: c.expires_at,
        }
    }
}

/// The result of a conditional state change (`claim_for_run`, `cancel`, `update_pending`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Transition {
    /// This call made the change; the command as it is now. For `claim_for_run`, the caller
    /// and only the caller must now run it and then call `finish`.
    Applied(Box<PendingCommand>),
    /// Someone (or something) got there first, or the command is not in a state this
    /// operation accepts: it is `state`, moved there by `by` at `at` where known. A claim of a
    /// command still awaiting input also lands here (with `by`/`at` empty).
    AlreadyTaken {
        state: PendingState,
        by: Option<String>,
        at: Option<UnixMillis>,
    },
    /// Still waiting but past `expires_at` (or already marked expired).
    Expired,
    NotFound,
}

impl Transition {
    /// The command, if this call changed it.
    pub fn applied(self) -> Option<PendingCommand> {
        match self {
            Transition::Applied(c) => Some(*c),
            _ => None,
        }
    }
}
