//! A throwaway PostgreSQL schema per test: `CREATE SCHEMA chatops_t_<random>`, stores that
//! connect with `search_path` set to it, and `DROP SCHEMA … CASCADE` when the fixture drops.
//!
//! The server comes from `CHATOPS_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). If it cannot be reached the tests fail
//! with a message saying so: CI provides PostgreSQL, and a silent skip would hide a backend
//! that was never tested.

#![allow(dead_code)]

use store::conformance::Fixture;
use store::{PostgresOptions, PostgresStore, Store};

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The server under test.
pub fn base_url() -> String {
    std::env::var("CHATOPS_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_string())
}

/// A plain connection for setup and inspection (not through the store).
pub fn admin() -> postgres::Client {
    let url = base_url();
    postgres::Client::connect(&url, postgres::NoTls).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {url} ({e}). These tests need a running server: \
             start one (e.g. `pg_ctlcluster 15 main start`) or set CHATOPS_TEST_POSTGRES to \
             its URL"
        )
    })
}

/// A fresh random name, valid as an identifier unquoted.
pub fn unique(prefix: &str) -> String {
    let id = store::new_pending_id().expect("random id");
    format!("{prefix}{}", &id[1..17])
}

/// One throwaway schema; dropped (with everything in it) when this is.
pub struct Schema {
    pub name: String,
    /// The `application_name` every store of this schema connects with, so a test can
    /// find (and terminate) exactly its own connections.
    pub app: String,
}

impl Schema {
    pub fn new() -> Schema {
        let name = unique("chatops_t_");
        admin()
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("create test schema");
        Schema {
            app: format!("{name}_app"),
            name,
        }
    }

    /// The server URL with this schema as `search_path`.
    pub fn url(&self) -> String {
        let base = base_url();
        let sep = if base.contains('?') { '&' } else { '?' };
        format!(
            "{base}{sep}options=-csearch_path%3D{}&application_name={}",
            self.name, self.app
        )
    }

    pub fn open_with(&self, options: &PostgresOptions) -> PostgresStore {
        PostgresStore::connect(&self.url(), options).expect("connect to the test schema")
    }

    pub fn open(&self) -> PostgresStore {
        self.open_with(&PostgresOptions::default())
    }

    /// Terminates every server backend of this schema's stores, waiting (up to 5 s each)
    /// until they are gone; returns how many.
    pub fn kill_connections(&self) -> i64 {
        admin()
            .query_one(
                "SELECT COUNT(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
                 WHERE application_name = $1",
                &[&self.app],
            )
            .expect("terminate backends")
            .get(0)
    }

    /// How many server backends this schema's stores hold now.
    pub fn connections(&self) -> i64 {
        admin()
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1",
                &[&self.app],
            )
            .expect("count backends")
            .get(0)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        // Best effort: a failed drop leaves a schema behind, not a wrong result.
        if let Ok(mut c) = postgres::Client::connect(&base_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// A store over a fresh schema, for the conformance macro. The store is dropped before the
/// schema (field order).
pub struct PgFixture {
    pub store: PostgresStore,
    pub schema: Schema,
}

impl Fixture for PgFixture {
    fn store(&self) -> &dyn Store {
        &self.store
    }
}

pub fn fixture() -> PgFixture {
    let schema = Schema::new();
    PgFixture {
        store: schema.open(),
        schema,
    }
}

/// Polls `cond` every few milliseconds until it holds or `timeout` passes.
pub fn wait_until(timeout: std::time::Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
