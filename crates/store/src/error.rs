//! Typed errors. Backend errors are boxed so the trait does not leak `rusqlite` or
//! `postgres` types into the engine. No error ever carries a database password: the
//! PostgreSQL backend redacts it from every message it wraps.

use std::path::PathBuf;

/// Shorthand for results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What can go wrong in a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file's directory could not be created or the file opened.
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database cannot be reached or the connection was lost mid-call (a networked
    /// backend's server is down, restarting, or refusing connections). Worth retrying later:
    /// an HTTP front answers 503. Whether a write in flight when the connection was lost took
    /// effect is unknown (the conditional writes make a retry safe).
    #[error("the store is unavailable ({op}): {source}")]
    Unavailable {
        op: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The store's connection settings cannot be used (a malformed PostgreSQL URL, ...).
    #[error("invalid store settings: {detail}")]
    InvalidSettings { detail: String },
    /// A publish/subscribe topic name the backends cannot carry safely.
    #[error("invalid topic `{topic}`: {reason}")]
    InvalidTopic { topic: String, reason: &'static str },
    /// A published payload the backends cannot carry (PostgreSQL's NOTIFY takes under 8000
    /// bytes and no NUL character; every backend applies the same limits).
    #[error("cannot publish on `{topic}`: {reason}")]
    InvalidPayload { topic: String, reason: String },
    /// The database engine failed (I/O, lock timeout, constraint, ...).
    #[error("store {op} failed: {source}")]
    Backend {
        op: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A migration failed; nothing of it was applied (migrations run in a transaction).
    #[error("store migration {version} ({name}) failed: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database was written by a newer release; running older code on it could corrupt it.
    #[error(
        "the store's schema is version {db_version} but this build knows only up to \
         {code_version}: it was written by a newer release of aws-chatops; upgrade, or point \
         the store at another file"
    )]
    SchemaTooNew { db_version: u32, code_version: u32 },
    /// A migration recorded in the database differs from the one compiled in: someone edited
    /// an applied migration, or the database belongs to another program.
    #[error(
        "store migration {version} in the database ({found}) does not match this build's \
         ({expected}); applied migrations must never be edited"
    )]
    MigrationMismatch {
        version: u32,
        expected: String,
        found: String,
    },
    /// `create_alias` without `replace` on a name the channel already has.
    #[error("alias `{name}` already exists in this channel")]
    AliasExists { name: String },
    /// An operation needed a pending command that does not exist.
    #[error("no pending command with id `{id}`")]
    PendingNotFound { id: String },
    /// `finish` on a command that is not running (never claimed, or already finished).
    #[error("pending command `{id}` is {state}, not running")]
    NotRunning { id: String, state: String },
    /// A stored value could not be decoded (unknown state name, invalid JSON, ...).
    #[error("corrupt store data in {what}: {detail}")]
    Corrupt { what: &'static str, detail: String },
    /// The operating system's random source failed while making an id.
    #[error("cannot generate a random id: {0}")]
    Random(String),
}

impl StoreError {
    /// Wraps a backend error with the name of the operation that failed.
    pub fn backend(
        op: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError::Backend {
            op,
            source: source.into(),
        }
    }
}
