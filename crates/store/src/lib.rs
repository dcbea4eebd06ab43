//! Everything the conversation engine persists, behind one [`Store`] trait.
//!
//! The engine must survive restarts and, later, run as several replicas: a command waiting
//! for confirmation must still be runnable after a crash and must run at most once however
//! many times Run is pressed. So every state change that matters is a single conditional
//! write in the database (see [`Store::claim_for_run`]), never a read-then-write in memory.
//!
//! [`SqliteStore`] is the default, embedded backend; PostgreSQL will implement the same trait
//! and must pass the same `conformance` suite. The suite is behind the `conformance` feature,
//! which only tests turn on (`store = { path = "…", features = ["conformance"] }` under
//! `[dev-dependencies]`), so it is not compiled into the release binary.
//!
//! Times are `i64` Unix milliseconds ([`UnixMillis`]) everywhere, always passed in by the
//! caller, so tests control the clock and replicas agree on what "now" meant for a decision.

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
mod id;
mod measured;
mod sqlite;
mod store;
mod types;

pub use error::{Result, StoreError};
pub use id::new_pending_id;
pub use measured::{Measured, STORE_SECONDS};
pub use sqlite::SqliteStore;
pub use store::Store;
pub use types::{
    Alias, AuditEntry, AuditFilter, AuditOrder, AuditRecord, ChannelState, NewPending,
    PendingCommand, PendingState, PendingUpdate, Transition, UnixMillis, Waiting,
};
