//! The PostgreSQL backend, for several `chatops serve` replicas sharing one database.
//!
//! Same behaviour as SQLite (it passes the same conformance suite): every state change that
//! decides something is one conditional statement (`UPDATE … WHERE <expected state> …
//! RETURNING`, `INSERT … ON CONFLICT DO NOTHING`, `DELETE … FOR UPDATE SKIP LOCKED`), so
//! two replicas acting at once cannot both win. Times are BIGINT Unix milliseconds; JSON is
//! kept as TEXT (key order preserved); values promised back byte for byte are BYTEA.
//!
//! # Connecting
//!
//! [`PostgresStore::connect`] takes a libpq-style URL or key/value string:
//! `postgres://user:password@host:5432/dbname?options=-csearch_path%3Dchatops` or
//! `host=db.internal user=chatops dbname=chatops`. The password may instead come apart from
//! the URL ([`PostgresOptions::password`], e.g. read from a secret file or environment
//! variable by the caller), so the URL itself can live in a config file. The store creates
//! its tables in the connection's current schema (the first existing schema of
//! `search_path`, `public` by default), which must exist. No error or `Debug` output ever
//! contains the password.
//!
//! TLS: connections are made without TLS (`NoTls`) for now; run the database on a private
//! network or a Unix socket (`host=/run/postgresql`), or put a TLS proxy in between.
//!
//! # Threads
//!
//! Synchronous like every [`Store`]: call it from tokio's blocking pool
//! (`spawn_blocking`) or plain threads, never directly on an async worker. Dropping it is
//! safe anywhere, async workers included (see `pool::close_off_runtime`).

mod listen;
mod migrate;
mod pending;
mod pool;
mod records;
mod redact;
mod rows;
mod work;

use crate::pubsub::{check_payload, check_topic, Sink, Subscription};
use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingUpdate, Transition, UnixMillis,
};
use crate::{Result, Store, StoreError};
use migrate::Migration;
use pool::{close_off_runtime, Lease, Pool};
use redact::Redactor;
use std::time::Duration;

/// How to connect, besides the URL.
#[derive(Clone)]
pub struct PostgresOptions {
    /// Most connections this store holds at once (default 8). Each replica holds its own,
    /// plus one for publish/subscribe: size PostgreSQL's `max_connections` for all of them.
    pub pool_size: usize,
    /// How long opening one connection may take before the database counts as unreachable
    /// (default 5 s).
    pub connect_timeout: Duration,
    /// How long a call waits for a free connection when all are busy (default 5 s).
    pub checkout_timeout: Duration,
    /// The password, if not in the URL (taking precedence over one that is).
    pub password: Option<String>,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            connect_timeout: Duration::from_secs(5),
            checkout_timeout: Duration::from_secs(5),
            password: None,
        }
    }
}

impl std::fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("pool_size", &self.pool_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("checkout_timeout", &self.checkout_timeout)
            .field("password", &self.password.as_ref().map(|_| "<password>"))
            .finish()
    }
}

/// The PostgreSQL implementation of [`Store`].
pub struct PostgresStore {
    pool: Pool,
    /// Publish/subscribe; its thread and connection start with the first subscription.
    listener: listen::Listener,
    /// `user@host:port/dbname`, for logs and `Debug`: never the password.
    target: String,
    applied_at_open: Vec<u32>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// `user@host:port/dbname` from parsed settings.
fn describe(config: &postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    format!(
        "{}@{}/{}",
        config.get_user().unwrap_or("?"),
        hosts.join(","),
        config.get_dbname().unwrap_or("")
    )
}

impl PostgresStore {
    /// Connects to `url` (see the module docs for its forms), applies any migrations the
    /// schema lacks (once, even when several replicas start together) and returns the store.
    /// An unreachable database is [`StoreError::Unavailable`]; a malformed URL is
    /// [`StoreError::InvalidSettings`].
    pub fn connect(url: &str, options: &PostgresOptions) -> Result<Self> {
        Self::connect_with(url, options, migrate::MIGRATIONS)
    }

    pub(crate) fn connect_with(
        url: &str,
        options: &PostgresOptions,
        migrations: &[Migration],
    ) -> Result<Self> {
        let extra: Vec<&[u8]> = options.password.iter().map(|p| p.as_bytes()).collect();
        let early = Redactor::new(url, &extra);
        let mut config: postgres::Config =
            url.parse()
                .map_err(|e: postgres::Error| StoreError::InvalidSettings {
                    detail: format!(
                        "the PostgreSQL URL cannot be parsed: {}",
                        early.clean(&e.to_string())
                    ),
                })?;
        if let Some(p) = &options.password {
            config.password(p);
        }
        config.connect_timeout(options.connect_timeout);
        if config.get_application_name().is_none() {
            config.application_name("aws-chatops");
        }
        let decoded: Vec<&[u8]> = config.get_password().into_iter().chain(extra).collect();
        let redact = Redactor::new(url, &decoded);
        let target = describe(&config);
        let listener = listen::Listener::new(config.clone(), options.connect_timeout);
        let pool = Pool::new(config, options.pool_size, options.checkout_timeout, redact);
        let applied_at_open = {
            let mut client = pool.connect("connect")?;
            let applied = migrate::migrate(&mut client, migrations, pool.redactor());
            // The migration connection is not pooled: it is dropped here, on the caller's
            // thread, like every connection a call uses.
            drop(client);
            applied?
        };
        Ok(PostgresStore {
            pool,
            listener,
            target,
            applied_at_open,
        })
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        let mut c = self.pool.get("schema_version")?;
        migrate::current_version(c.client(), self.pool.redactor())
    }

    /// The migrations this store applied when it connected (empty if another replica, or an
    /// earlier start, already had): lets tests check each is applied exactly once.
    pub fn migrations_applied_at_open(&self) -> &[u32] {
        &self.applied_at_open
    }

    /// How many connections the pool holds now (idle and in use).
    pub fn open_connections(&self) -> usize {
        self.pool.open_connections()
    }

    /// `user@host:port/dbname`: where this store points, without the password.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs `f` on a pooled connection. A connection handed out without the checkout round
    /// trip (it answered moments ago) may have been cut since: when its very first statement
    /// fails because the connection is gone, nothing ran, so `f` runs once more on a checked
    /// one.
    fn with<T>(&self, op: &'static str, f: impl Fn(&mut Lease<'_>) -> Result<T>) -> Result<T> {
        let mut c = self.pool.get(op)?;
        let result = f(&mut c);
        if result.is_err() && c.cut_before_answering() {
            // Dropping it first marks its idle siblings for the round trip too.
            drop(c);
            let mut c = self.pool.get(op)?;
            return f(&mut c);
        }
        result
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        close_off_runtime(self.pool.drain());
    }
}

impl Store for PostgresStore {
    fn create_pending(&self, new: &NewPending) -> Result<PendingCommand> {
        self.with("create_pending", |c| pending::create(c, new))
    }
    fn get_pending(&self, id: &str) -> Result<Option<PendingCommand>> {
        self.with("get_pending", |c| pending::get(c, id))
    }
    fn set_pending_message(&self, id: &str, message_id: &str, now: UnixMillis) -> Result<bool> {
        self.with("set_pending_message", |c| {
            pending::set_message(c, id, message_id, now)
        })
    }
    fn update_pending(
        &self,
        id: &str,
        update: &PendingUpdate,
        now: UnixMillis,
    ) -> Result<Transition> {
        self.with("update_pending", |c| pending::update(c, id, update, now))
    }
    fn claim_for_run(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        self.with("claim_for_run", |c| pending::claim(c, id, by, now))
    }
    fn cancel(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        self.with("cancel", |c| pending::cancel(c, id, by, now))
    }
    fn finish(&self, id: &str, outcome: &str, now: UnixMillis) -> Result<()> {
        self.with("finish", |c| pending::finish(c, id, outcome, now))
    }
    fn expire_due(&self, now: UnixMillis) -> Result<Vec<PendingCommand>> {
        self.with("expire_due", |c| pending::expire_due(c, now))
    }
    fn list_pending(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        now: UnixMillis,
    ) -> Result<Vec<PendingCommand>> {
        self.with("list_pending", |c| {
            pending::list(c, workspace, channel, user, now)
        })
    }
    fn prune_pending(&self, before: UnixMillis) -> Result<usize> {
        self.with("prune_pending", |c| pending::prune(c, before))
    }

    fn channel_state(&self, workspace: &str, channel: &str) -> Result<Option<ChannelState>> {
        self.with("channel_state", |c| {
            records::channel_state(c, workspace, channel)
        })
    }
    fn set_default_account(
        &self,
        workspace: &str,
        channel: &str,
        account: &str,
        expires_at: UnixMillis,
        now: UnixMillis,
    ) -> Result<()> {
        self.with("set_default_account", |c| {
            records::set_default_account(c, workspace, channel, account, expires_at, now)
        })
    }
    fn clear_default_account(&self, workspace: &str, channel: &str, now: UnixMillis) -> Result<()> {
        self.with("clear_default_account", |c| {
            records::clear_default_account(c, workspace, channel, now)
        })
    }
    fn set_last_region(
        &self,
        workspace: &str,
        channel: &str,
        region: &str,
        now: UnixMillis,
    ) -> Result<()> {
        self.with("set_last_region", |c| {
            records::set_last_region(c, workspace, channel, region, now)
        })
    }

    fn user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<Option<String>> {
        self.with("user_role", |c| {
            records::user_role(c, workspace, channel, user)
        })
    }
    fn set_user_role(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        role: &str,
        now: UnixMillis,
    ) -> Result<()> {
        self.with("set_user_role", |c| {
            records::set_user_role(c, workspace, channel, user, role, now)
        })
    }
    fn clear_user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<bool> {
        self.with("clear_user_role", |c| {
            records::clear_user_role(c, workspace, channel, user)
        })
    }

    fn create_alias(&self, alias: &Alias, replace: bool) -> Result<()> {
        self.with("create_alias", |c| records::create_alias(c, alias, replace))
    }
    fn alias(&self, workspace: &str, channel: &str, name: &str) -> Result<Option<Alias>> {
        self.with("alias", |c| records::alias(c, workspace, channel, name))
    }
    fn list_aliases(&self, workspace: &str, channel: &str) -> Result<Vec<Alias>> {
        self.with("list_aliases", |c| {
            records::list_aliases(c, workspace, channel)
        })
    }
    fn delete_alias(&self, workspace: &str, channel: &str, name: &str) -> Result<bool> {
        self.with("delete_alias", |c| {
            records::delete_alias(c, workspace, channel, name)
        })
    }

    fn append_audit(&self, record: &AuditRecord) -> Result<i64> {
        self.with("append_audit", |c| records::append_audit(c, record))
    }
    fn query_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.with("query_audit", |c| records::query_audit(c, filter))
    }

    fn mark_event(&self, event_id: &str, now: UnixMillis) -> Result<bool> {
        self.with("mark_event", |c| records::mark_event(c, event_id, now))
    }
    fn forget_event(&self, event_id: &str) -> Result<bool> {
        self.with("forget_event", |c| records::forget_event(c, event_id))
    }
    fn prune_events(&self, before: UnixMillis) -> Result<usize> {
        self.with("prune_events", |c| records::prune_events(c, before))
    }

    fn put_surface(&self, kind: &str, key: &str, value: &str, now: UnixMillis) -> Result<()> {
        self.with("put_surface", |c| {
            records::put_surface(c, kind, key, value, now)
        })
    }
    fn get_surface(&self, kind: &str, key: &str) -> Result<Option<String>> {
        self.with("get_surface", |c| records::get_surface(c, kind, key))
    }
    fn take_surface(&self, kind: &str, limit: usize) -> Result<Vec<(String, String)>> {
        self.with("take_surface", |c| records::take_surface(c, kind, limit))
    }
    fn prune_surface(&self, before: UnixMillis) -> Result<usize> {
        self.with("prune_surface", |c| records::prune_surface(c, before))
    }
    fn delete_surface(&self, kind: &str, key: &str) -> Result<bool> {
        self.with("delete_surface", |c| records::delete_surface(c, kind, key))
    }
    fn prune_surface_kind(&self, kind: &str, before: UnixMillis) -> Result<usize> {
        self.with("prune_surface_kind", |c| {
            records::prune_surface_kind(c, kind, before)
        })
    }

    fn put_installation(
        &self,
        surface: &str,
        team: &str,
        sealed: &str,
        now: UnixMillis,
    ) -> Result<()> {
        self.with("put_installation", |c| {
            records::put_installation(c, surface, team, sealed, now)
        })
    }
    fn get_installation(&self, surface: &str, team: &str) -> Result<Option<String>> {
        self.with("get_installation", |c| {
            records::get_installation(c, surface, team)
        })
    }
    fn delete_installation(&self, surface: &str, team: &str) -> Result<bool> {
        self.with("delete_installation", |c| {
            records::delete_installation(c, surface, team)
        })
    }
    fn list_installations(&self, surface: &str) -> Result<Vec<String>> {
        self.with("list_installations", |c| {
            records::list_installations(c, surface)
        })
    }

    fn try_lease(
        &self,
        name: &str,
        holder: &str,
        until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool> {
        self.with("try_lease", |c| {
            work::try_lease(c, name, holder, until, now)
        })
    }
    fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        self.with("release_lease", |c| work::release_lease(c, name, holder))
    }

    fn inbox_put(&self, kind: &str, id: &str, payload: &str, now: UnixMillis) -> Result<bool> {
        self.with("inbox_put", |c| work::inbox_put(c, kind, id, payload, now))
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
        self.with("inbox_put_held", |c| {
            work::inbox_put_held(c, item, holder, lease_until, now)
        })
    }
    fn inbox_claim(
        &self,
        kind: Option<&str>,
        holder: &str,
        limit: usize,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<Vec<InboxItem>> {
        self.with("inbox_claim", |c| {
            work::inbox_claim(c, kind, holder, limit, lease_until, now)
        })
    }
    fn inbox_done(&self, id: &str, holder: &str, now: UnixMillis) -> Result<bool> {
        self.with("inbox_done", |c| work::inbox_done(c, id, holder, now))
    }
    fn prune_inbox(&self, before: UnixMillis) -> Result<usize> {
        self.with("prune_inbox", |c| work::prune_inbox(c, before))
    }

    fn publish(&self, topic: &str, payload: &str) -> Result<()> {
        check_topic(topic)?;
        check_payload(topic, payload)?;
        self.with("publish", |c| {
            c.query("publish", "SELECT pg_notify($1, $2)", &[&topic, &payload])
                .map(drop)
        })
    }
    fn subscribe(&self, topic: &str, sink: Sink) -> Result<Subscription> {
        check_topic(topic)?;
        self.listener.subscribe(topic, sink)
    }

    fn pool_usage(&self) -> Option<crate::PoolUsage> {
        Some(self.pool.usage())
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

    /// A throwaway schema on the test server (see tests/support for the full fixture).
    struct Scratch {
        base: String,
        name: String,
    }

    impl Scratch {
        fn new() -> Scratch {
            let base = std::env::var("CHATOPS_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("chatops_u_{}", &crate::new_pending_id().unwrap()[1..17]);
            postgres::Client::connect(&base, postgres::NoTls)
                .and_then(|mut c| c.batch_execute(&format!("CREATE SCHEMA {name}")))
                .unwrap_or_else(|e| panic!("PostgreSQL at {base} is needed for this test: {e}"));
            Scratch { base, name }
        }
        fn url(&self) -> String {
            let sep = if self.base.contains('?') { '&' } else { '?' };
            format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            if let Ok(mut c) = postgres::Client::connect(&self.base, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
            }
        }
    }

    /// A schema written by this release, opened by the next: the new migration is applied
    /// once, and a command waiting for Run across the upgrade still runs exactly once.
    #[test]
    fn a_schema_from_an_older_release_is_upgraded_in_place() {
        let scratch = Scratch::new();
        let url = scratch.url();
        let opts = PostgresOptions::default();
        let old = PostgresStore::connect_with(&url, &opts, MIGRATIONS).unwrap();
        let c = old
            .create_pending(&sample_pending(
                "W",
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        drop(old);

        let all: Vec<Migration> = MIGRATIONS.iter().copied().chain([NEXT]).collect();
        let new = PostgresStore::connect_with(&url, &opts, &all).unwrap();
        assert_eq!(new.migrations_applied_at_open(), [NEXT.version]);
        assert_eq!(new.schema_version().unwrap(), NEXT.version);
        let priority: i32 = new
            .pool
            .get("test")
            .unwrap()
            .client()
            .query_one(
                "SELECT priority FROM pending_commands WHERE id = $1",
                &[&c.id],
            )
            .unwrap()
            .get(0);
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
        drop(new);
        // The old build is now refused.
        assert!(matches!(
            PostgresStore::connect(&url, &opts),
            Err(StoreError::SchemaTooNew { .. })
        ));
    }

    /// A migration that fails leaves the schema as it was (one transaction).
    #[test]
    fn a_failed_migration_changes_nothing() {
        let scratch = Scratch::new();
        let url = scratch.url();
        let opts = PostgresOptions::default();
        let version = PostgresStore::connect(&url, &opts)
            .unwrap()
            .schema_version()
            .unwrap();
        let broken = Migration {
            version: version + 1,
            name: "broken",
            sql: "ALTER TABLE leases ADD COLUMN size INTEGER; CREATE TABLE oops (;",
        };
        let all: Vec<Migration> = MIGRATIONS.iter().copied().chain([broken]).collect();
        let err = PostgresStore::connect_with(&url, &opts, &all).unwrap_err();
        assert!(
            matches!(err, StoreError::Migration { version: v, .. } if v == version + 1),
            "{err:?}"
        );
        let s = PostgresStore::connect(&url, &opts).unwrap();
        assert_eq!(s.schema_version().unwrap(), version);
        let mut c = s.pool.get("test").unwrap();
        assert!(c.client().query("SELECT size FROM leases", &[]).is_err());
    }

    /// A connection lost in the middle of a call is `Unavailable` (HTTP 503, not 500), and
    /// that connection is not given back to the pool.
    #[test]
    fn a_connection_lost_mid_call_is_unavailable_and_retired() {
        let scratch = Scratch::new();
        let s = PostgresStore::connect(&scratch.url(), &PostgresOptions::default()).unwrap();
        let mut lease = s.pool.get("test").unwrap();
        let pid: i32 = lease
            .client()
            .query_one("SELECT pg_backend_pid()", &[])
            .unwrap()
            .get(0);
        assert_eq!(s.open_connections(), 1);
        let mut admin = postgres::Client::connect(&scratch.base, postgres::NoTls).unwrap();
        admin
            .execute("SELECT pg_terminate_backend($1, 5000)", &[&pid])
            .unwrap();
        let err = lease
            .query("test", "SELECT 1", &[])
            .expect_err("the backend is gone");
        assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
        drop(lease);
        assert_eq!(s.open_connections(), 0, "the dead connection was retired");
        assert!(
            s.mark_event("after", T0).unwrap(),
            "a new connection serves the next call"
        );
    }
}
