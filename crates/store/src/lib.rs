//! Everything the conversation engine persists, behind one [`Store`] trait.
//!
//! The engine must survive restarts and, later, run as several replicas: a command waiting
//! for confirmation must still be runnable after a crash and must run at most once however
//! many times Run is pressed. So every state change that matters is a single conditional
//! write in the database (see [`Store::claim_for_run`]), never a read-then-write in memory.
//!
//! [`SqliteStore`] is the default, embedded backend for one process; [`PostgresStore`] is for
//! several replicas sharing one database. Both pass the same `conformance` suite. The suite is behind the `conformance` feature,
//! which only tests turn on (`store = { path = "…", features = ["conformance"] }` under
//! `[dev-dependencies]`), so it is not compiled into the release binary.
//!
//! Times are `i64` Unix milliseconds ([`UnixMillis`]) everywhere, always passed in by the
//! caller, so tests control the clock and replicas agree on what "now" meant for a decision.

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
mod id;
mod migration;
mod postgres;
pub mod pubsub;
mod sqlite;
mod store;
mod types;

pub use error::{Result, StoreError};
pub use id::new_pending_id;
pub use postgres::{PostgresOptions, PostgresStore};
pub use pubsub::{Sink, Subscription};
pub use sqlite::SqliteStore;
pub use store::Store;
pub use types::{
    Alias, AuditEntry, AuditFilter, AuditOrder, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingState, PendingUpdate, Transition, UnixMillis, Waiting,
};
