//! Everything the conversation engine persists, behind one [`Store`] trait.
//!
//! The engine must survive restarts and run as several replicas: a command waiting for
//! confirmation must still be runnable after a crash and must run at most once however many
//! times Run is pressed, on whichever replica. So every state change that matters is a
//! single conditional write in the database (see [`Store::claim_for_run`]), never a
//! read-then-write in memory.
//!
//! Two backends pass the same `conformance` suite:
//! - [`SqliteStore`]: the embedded default, one file, one process (`[store] path`).
//! - [`PostgresStore`]: several replicas on one database (`[store] postgres =
//!   "postgres://…"`; see the `postgres` module docs for the URL forms, the password kept
//!   apart, the pool and TLS). An unreachable database is [`StoreError::Unavailable`].
//!
//! Besides the engine's records, the trait coordinates replicas: leases
//! ([`Store::try_lease`]: background work runs on one replica and moves when it dies), an
//! inbox ([`Store::inbox_put`], [`Store::inbox_claim`]: acknowledged inputs processed at least
//! once), and publish/subscribe ([`Store::publish`], [`Store::subscribe`]: live updates to
//! other replicas; in-process only on SQLite).
//!
//! The trait is synchronous; async code calls it on tokio's blocking pool
//! (`spawn_blocking`). A store may be dropped anywhere, async workers included.
//!
//! The suite is behind the `conformance` feature, which only tests turn on (`store = { path
//! = "…", features = ["conformance"] }` under `[dev-dependencies]`), so it is not compiled
//! into the release binary.
//!
//! Times are `i64` Unix milliseconds ([`UnixMillis`]) everywhere, always passed in by the
//! caller, so tests control the clock and replicas agree on what "now" meant for a decision.

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
mod handle;
mod id;
mod measured;
mod migration;
pub mod postgres;
pub mod pubsub;
mod sqlite;
mod store;
mod types;

pub use error::{Result, StoreError};
pub use handle::AsyncStore;
pub use id::new_pending_id;
pub use measured::{Measured, STORE_SECONDS};
pub use postgres::{PostgresOptions, PostgresStore};
pub use pubsub::{Sink, Subscription};
pub use sqlite::SqliteStore;
pub use store::Store;

/// Connections of a backend's pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub in_use: usize,
    pub idle: usize,
    /// The most the pool opens.
    pub max: usize,
}
pub use types::{
    Alias, AuditEntry, AuditFilter, AuditOrder, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingState, PendingUpdate, Transition, UnixMillis, Waiting,
};
