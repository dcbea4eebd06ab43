//! What can be wrong with a command line, in words a user at 3 a.m. can act on.

/// Why a line was not turned into a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The line cannot be split or read (quotes, shorthand, JSON).
    Syntax,
    /// A service, operation, option or value that does not exist.
    Unknown,
    /// Something the line asks for that chat never allows.
    Refused,
    /// A value of the wrong type, range or choice.
    Invalid,
}

/// A refusal or parse error, with the message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    /// The IAM actions of the operation, when the line named one before going wrong: a
    /// caller refuses always-denied operations whatever else is wrong with the line.
    pub actions: Vec<String>,
    /// The operation under its service's names (see [`crate::service_aliases`]).
    pub aliases: Vec<String>,
}

impl CommandError {
    pub fn syntax(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Syntax,
            message: message.into(),
            actions: Vec::new(),
            aliases: Vec::new(),
        }
    }
    pub fn unknown(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Unknown,
            message: message.into(),
            actions: Vec::new(),
            aliases: Vec::new(),
        }
    }
    pub fn refused(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Refused,
            message: message.into(),
            actions: Vec::new(),
            aliases: Vec::new(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Invalid,
            message: message.into(),
            actions: Vec::new(),
            aliases: Vec::new(),
        }
    }
}
