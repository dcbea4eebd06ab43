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
}

impl CommandError {
    pub fn syntax(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Syntax,
            message: message.into(),
        }
    }
    pub fn unknown(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Unknown,
            message: message.into(),
        }
    }
    pub fn refused(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Refused,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Invalid,
            message: message.into(),
        }
    }
}
