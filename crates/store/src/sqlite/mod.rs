//! The default backend: one SQLite file (or memory), zero setup.
//!
//! One connection behind a `Mutex`: every operation is a handful of microseconds, the engine
//! does far fewer than thousands per second, and a single writer is what SQLite allows anyway.
//! WAL lets `chatops audit` read the file from another process while the server writes;
//! `busy_timeout` makes such a second process wait rather than fail. `synchronous=NORMAL` in
//! WAL mode survives a process kill (the restart-safety requirement) and only risks the last
//! transactions on power loss, which keeps an audit append to one `write` and no `fsync`.

mod bus;
pub(crate) mod migrate;
mod pending;
mod records;
mod work;

use crate::pubsub::{check_payload, check_topic, Sink, Subscription, Topics};
use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingUpdate, Transition, UnixMillis,
};
use crate::{Result, Store, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long a connection waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// Subscribers of this database in this process (see `bus`).
    topics: Arc<Topics>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Creates the database file, if it does not exist yet, readable by its owner only: it holds
/// the audit log and the chat apps' installations (sealed, but still nobody else's business).
/// SQLite gives its `-wal` and `-shm` files the same permissions. An existing file keeps the
/// permissions it has: its owner may have chosen them.
fn create_private(path: &Path) -> std::io::Result<()> {
    // SQLite's own names for a database that is not a plain file.
    let name = path.as_os_str();
    if name.is_empty() || name == ":memory:" || name.to_string_lossy().starts_with("file:") {
        return Ok(());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

impl SqliteStore {
    /// Opens (creating it, readable by its owner only, and its directory if needed) the
    /// database file at `path` and applies any migrations it lacks.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path.as_ref(), migrate::MIGRATIONS)
    }

    /// A private database that lives as long as this value (tests, `chatops run`).
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|e| StoreError::Open {
            path: PathBuf::from(":memory:"),
            source: Box::new(e),
        })?;
        Self::init(conn, None, migrate::MIGRATIONS)
    }

    pub(crate) fn open_with(path: &Path, migrations: &[migrate::Migration]) -> Result<Self> {
        let open_err = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.to_path_buf(),
            source: e,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(Box::new(e)))?;
        }
        create_private(path).map_err(|e| open_err(Box::new(e)))?;
        let conn = Connection::open(path).map_err(|e| open_err(Box::new(e)))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| open_err(Box::new(e)))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| open_err(Box::new(e)))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_err(
                format!("the file system does not support WAL (journal_mode is {mode})").into(),
            ));
        }
        Self::init(conn, Some(path.to_path_buf()), migrations)
    }

    fn init(
        mut conn: Connection,
        path: Option<PathBuf>,
        migrations: &[migrate::Migration],
    ) -> Result<Self> {
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(|e| StoreError::backend("configure", e))?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate::migrate(&mut conn, migrations)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            topics: bus::for_path(path.as_deref()),
            path,
        })
    }

    /// The file this store uses; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        migrate::current_version(&self.lock())
    }

    /// The connection. A panic while holding it cannot leave SQLite half-written (an open
    /// transaction rolls back when dropped), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store for SqliteStore {
    fn create_pending(&self, new: &NewPending) -> Result<PendingCommand> {
        pending::create(&self.lock(), new)
    }
    fn get_pending(&self, id: &str) -> Result<Option<PendingCommand>> {
        pending::get(&self.lock(), id)
    }
    fn set_pending_message(&self, id: &str, message_id: &str, now: UnixMillis) -> Result<bool> {
        pending::set_message(&self.lock(), id, message_id, now)
    }
    fn update_pending(
        &self,
        id: &str,
        update: &PendingUpdate,
        now: UnixMillis,
    ) -> Result<Transition> {
        pending::update(&self.lock(), id, update, now)
    }
    fn claim_for_run(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        pending::claim(&self.lock(), id, by, now)
    }
    fn cancel(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        pending::cancel(&self.lock(), id, by, now)
    }
    fn finish(&self, id: &str, outcome: &str, now: UnixMillis) -> Result<()> {
        pending::finish(&self.lock(), id, outcome, now)
    }
    fn expire_due(&self, now: UnixMillis) -> Result<Vec<PendingCommand>> {
        pending::expire_due(&self.lock(), now)
    }
    fn list_pending(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        now: UnixMillis,
    ) -> Result<Vec<PendingCommand>> {
        pending::list(&self.lock(), workspace, channel, user, now)
    }
    fn prune_pending(&self, before: UnixMillis) -> Result<usize> {
        pending::prune(&self.lock(), before)
    }

    fn channel_state(&self, workspace: &str, channel: &str) -> Result<Option<ChannelState>> {
        records::channel_state(&self.lock(), workspace, channel)
    }
    fn set_default_account(
        &self,
        workspace: &str,
        channel: &str,
        account: &str,
        expires_at: UnixMillis,
        now: UnixMillis,
    ) -> Result<()> {
        records::set_default_account(&self.lock(), workspace, channel, account, expires_at, now)
    }
    fn clear_default_account(&self, workspace: &str, channel: &str, now: UnixMillis) -> Result<()> {
        records::clear_default_account(&self.lock(), workspace, channel, now)
    }
    fn set_last_region(
        &self,
        workspace: &str,
        channel: &str,
        region: &str,
        now: UnixMillis,
    ) -> Result<()> {
        records::set_last_region(&self.lock(), workspace, channel, region, now)
    }

    fn user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<Option<String>> {
        records::user_role(&self.lock(), workspace, channel, user)
    }
    fn set_user_role(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        role: &str,
        now: UnixMillis,
    ) -> Result<()> {
        records::set_user_role(&self.lock(), workspace, channel, user, role, now)
    }
    fn clear_user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<bool> {
        records::clear_user_role(&self.lock(), workspace, channel, user)
    }

    fn create_alias(&self, alias: &Alias, replace: bool) -> Result<()> {
        records::create_alias(&self.lock(), alias, replace)
    }
    fn alias(&self, workspace: &str, channel: &str, name: &str) -> Result<Option<Alias>> {
        records::alias(&self.lock(), workspace, channel, name)
    }
    fn list_aliases(&self, workspace: &str, channel: &str) -> Result<Vec<Alias>> {
        records::list_aliases(&self.lock(), workspace, channel)
    }
    fn delete_alias(&self, workspace: &str, channel: &str, name: &str) -> Result<bool> {
        records::delete_alias(&self.lock(), workspace, channel, name)
    }

    fn append_audit(&self, record: &AuditRecord) -> Result<i64> {
        records::append_audit(&self.lock(), record)
    }
    fn query_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        records::query_audit(&self.lock(), filter)
    }

    fn mark_event(&self, event_id: &str, now: UnixMillis) -> Result<bool> {
        records::mark_event(&self.lock(), event_id, now)
    }
    fn forget_event(&self, event_id: &str) -> Result<bool> {
        records::forget_event(&self.lock(), event_id)
    }
    fn prune_events(&self, before: UnixMillis) -> Result<usize> {
        records::prune_events(&self.lock(), before)
    }

    fn put_surface(&self, kind: &str, key: &str, value: &str, now: UnixMillis) -> Result<()> {
        records::put_surface(&self.lock(), kind, key, value, now)
    }
    fn get_surface(&self, kind: &str, key: &str) -> Result<Option<String>> {
        records::get_surface(&self.lock(), kind, key)
    }
    fn take_surface(&self, kind: &str, limit: usize) -> Result<Vec<(String, String)>> {
        records::take_surface(&mut self.lock(), kind, limit)
    }
    fn prune_surface(&self, before: UnixMillis) -> Result<usize> {
        records::prune_surface(&self.lock(), before)
    }
    fn delete_surface(&self, kind: &str, key: &str) -> Result<bool> {
        records::delete_surface(&self.lock(), kind, key)
    }
    fn prune_surface_kind(&self, kind: &str, before: UnixMillis) -> Result<usize> {
        records::prune_surface_kind(&self.lock(), kind, before)
    }

    fn put_installation(
        &self,
        surface: &str,
        team: &str,
        sealed: &str,
        now: UnixMillis,
    ) -> Result<()> {
        records::put_installation(&self.lock(), surface, team, sealed, now)
    }
    fn get_installation(&self, surface: &str, team: &str) -> Result<Option<String>> {
        records::get_installation(&self.lock(), surface, team)
    }
    fn delete_installation(&self, surface: &str, team: &str) -> Result<bool> {
        records::delete_installation(&self.lock(), surface, team)
    }
    fn list_installations(&self, surface: &str) -> Result<Vec<String>> {
        records::list_installations(&self.lock(), surface)
    }

    fn try_lease(
        &self,
        name: &str,
        holder: &str,
        until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool> {
        work::try_lease(&self.lock(), name, holder, until, now)
    }
    fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        work::release_lease(&self.lock(), name, holder)
    }

    fn inbox_put(&self, kind: &str, id: &str, payload: &str, now: UnixMillis) -> Result<bool> {
        work::inbox_put(&self.lock(), kind, id, payload, now)
    }
    fn inbox_put_held(
        &self,
        kind: &str,
        id: &str,
        payload: &str,
        holder: &str,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool> {
        let item = (kind, id, payload);
        work::inbox_put_held(&self.lock(), item, holder, lease_until, now)
    }
    fn inbox_claim(
        &self,
        kind: Option<&str>,
        holder: &str,
        limit: usize,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<Vec<InboxItem>> {
        work::inbox_claim(&self.lock(), kind, holder, limit, lease_until, now)
    }
    fn inbox_done(&self, id: &str, holder: &str, now: UnixMillis) -> Result<bool> {
        work::inbox_done(&self.lock(), id, holder, now)
    }
    fn prune_inbox(&self, before: UnixMillis) -> Result<usize> {
        work::prune_inbox(&self.lock(), before)
    }

    fn publish(&self, topic: &str, payload: &str) -> Result<()> {
        check_topic(topic)?;
        check_payload(topic, payload)?;
        self.topics.deliver(topic, payload);
        Ok(())
    }
    fn subscribe(&self, topic: &str, sink: Sink) -> Result<Subscription> {
        check_topic(topic)?;
        let (id, _) = self.topics.add(topic, sink);
        Ok(Topics::subscription(&self.topics, topic, id, drop))
    }
}

#[cfg(test)]
mod tests {
    use super::migrate::{Migration, MIGRATIONS};
    use super::*;
    use crate::conformance::{sample_pending, T0};
    use crate::Waiting;

    /// What a future release's migration might do to a live table.
    const NEXT: Migration = Migration {
        version: MIGRATIONS.len() as u32 + 1,
        name: "test_next",
        sql: "ALTER TABLE pending_commands ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
              CREATE INDEX pending_by_priority ON pending_commands (priority);",
    };

    /// A database written by this release, opened by the next: the new migration is applied
    /// once, and a command waiting for Run across the upgrade still runs exactly once.
    #[test]
    fn a_database_from_an_older_schema_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let old = SqliteStore::open_with(&path, MIGRATIONS).unwrap();
        let c = old
            .create_pending(&sample_pending(
                "W",
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        old.append_audit(&crate::AuditRecord {
            time: T0,
            workspace: "W".into(),
            channel: "C1".into(),
            user: "U1".into(),
            user_name: None,
            account: None,
            region: None,
            role: None,
            command: "sts get-caller-identity".into(),
            decision: "allowed".into(),
            reason: String::new(),
            outcome: "ok".into(),
            duration_ms: Some(3),
        })
        .unwrap();
        drop(old);

        let all: Vec<Migration> = MIGRATIONS.iter().copied().chain([NEXT]).collect();
        let new = SqliteStore::open_with(&path, &all).unwrap();
        assert_eq!(new.schema_version().unwrap(), NEXT.version);
        let priority: i64 = new
            .lock()
            .query_row(
                "SELECT priority FROM pending_commands WHERE id = ?1",
                [&c.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(priority, 0);
        assert!(new
            .claim_for_run(&c.id, "U1", T0 + 1)
            .unwrap()
            .applied()
            .is_some());
        assert!(new
            .claim_for_run(&c.id, "U1", T0 + 2)
            .unwrap()
            .applied()
            .is_none());
        assert_eq!(
            new.query_audit(&crate::AuditFilter::default())
                .unwrap()
                .len(),
            1
        );
        drop(new);
        // Reopening with the upgraded list applies nothing; the old build is now refused.
        assert_eq!(
            SqliteStore::open_with(&path, &all)
                .unwrap()
                .schema_version()
                .unwrap(),
            NEXT.version
        );
        assert!(matches!(
            SqliteStore::open(&path),
            Err(StoreError::SchemaTooNew { .. })
        ));
    }

    /// A file that exists but was never a store (version 0) gets the whole schema.
    #[test]
    fn an_empty_file_gets_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE unrelated (x); PRAGMA user_version = 7;")
            .unwrap();
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as u32);
        assert!(s.mark_event("e", T0).unwrap());
    }
}
