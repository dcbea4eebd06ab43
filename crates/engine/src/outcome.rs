//! Where a turn left the command, as data: chat surfaces show the turn's messages, while the
//! terminal (`chatops run`, `chatops shell`) needs to know what happened to choose its exit
//! code, print the whole result and ask its own questions. Both come from the same turn, so
//! the terminal cannot decide differently from chat.

use crate::message::Outbound;
use crate::runner::{Failure, Ran};
use authz::Decision;
use command::Call;

/// The question id for choosing an account.
pub const ACCOUNT_QUESTION: &str = "@account";

/// The messages of one turn and what became of its command.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub out: Vec<Outbound>,
    /// `None` for turns that carry no command (help menus, aliases, roles, settings).
    pub outcome: Option<Outcome>,
}

/// What became of the command of a turn.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Help or a skeleton: shown, nothing run.
    Shown { text: String },
    /// The line (or an answer) cannot be understood or is not allowed as typed.
    Invalid { message: String },
    /// Refused: the always-deny list, the policies, or the channel's set-up.
    Refused { decision: Box<Decision> },
    /// Waiting for an answer.
    Asked {
        pending: String,
        question: Box<Question>,
    },
    /// A change waiting for Run or Cancel.
    AwaitingRun { pending: String, call: Box<Call> },
    /// Not started: the user or the channel ran too many commands lately (`[limits]`).
    Limited {
        /// What the asker was told, naming the limit and the wait.
        message: String,
        /// Milliseconds until one more command is allowed.
        retry_after_ms: i64,
    },
    /// Cancelled before it ran.
    Cancelled,
    /// Sent, and AWS answered.
    Ran { ran: Box<Ran> },
    /// Sent, and it failed.
    Failed { failure: Failure },
}

/// A question the engine asked.
#[derive(Debug, Clone)]
pub struct Question {
    /// What is asked: an option (`--state-value`), `@account`, or an alias variable (`$name`).
    pub parameter: String,
    /// Its kind, for an option (`string`, `list`, …).
    pub type_name: String,
    /// The first line of its description.
    pub doc: String,
    /// Values offered (enum values, resource names, accounts); free text works too.
    pub choices: Vec<String>,
    /// The call as parsed so far, when an option is asked for.
    pub call: Option<Box<Call>>,
}
