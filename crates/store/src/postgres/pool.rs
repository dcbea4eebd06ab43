//! A small pool of synchronous `postgres::Client`s.
//!
//! Why not `r2d2`: we need three things it does not give directly. (1) Control over the
//! thread a client is dropped on: each `postgres::Client` owns a private tokio runtime, and
//! dropping one on a tokio async worker panics, so the pool's clients must be closed on a
//! plain thread when the store is dropped in async code (see [`close_off_runtime`]).
//! (2) Errors we can classify: a lost or refused connection must become
//! [`StoreError::Unavailable`] (HTTP 503), and no message may carry the URL's password;
//! `r2d2::Error` is an opaque string. (3) No background threads per pool. What is left is
//! ~150 lines: at most `size` connections, opened on demand, handed out LIFO, checked with
//! a round trip on checkout when they sat idle for more than [`TRUSTED_IDLE`] or a sibling
//! just failed (so after a server restart the dead ones are dropped and new ones opened,
//! without restarting the process), and waited for up to `checkout_timeout` when all are
//! busy.
//!
//! Why not a round trip on every checkout: under load a connection is back in the pool
//! within milliseconds of its last answer, and the check doubled the round trips of every
//! store call. A connection that answered less than [`TRUSTED_IDLE`] ago is handed out
//! unchecked; if it was cut since (a terminated backend, a restart), its first statement
//! fails before the server answered anything, so nothing ran, and the store redoes the work
//! once on a checked connection ([`Lease::cut_before_answering`]); every idle sibling is
//! checked on its next checkout. Only a connection idle for longer (which a silent network
//! failure could have cut without a word) gets the round trip.

use super::redact::Redactor;
use crate::{Result, StoreError};
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Statement};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long the checkout round trip may take before the connection is taken for dead.
const VALIDATE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long after its last answer a connection is handed out without the checkout round trip.
const TRUSTED_IDLE: Duration = Duration::from_secs(5);

/// One connection with the statements it has prepared (PostgreSQL prepares per session;
/// reusing them saves a round trip per call).
pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// Until when it is handed out unchecked (see [`TRUSTED_IDLE`]); `None`: check it first.
    trusted_until: Option<Instant>,
}

struct State {
    idle: Vec<PgConn>,
    /// Connections that exist: idle plus checked out (plus being opened).
    open: usize,
}

pub(crate) struct Pool {
    config: Config,
    size: usize,
    checkout_timeout: Duration,
    redact: Redactor,
    state: Mutex<State>,
    freed: Condvar,
}

impl Pool {
    pub(crate) fn new(
        config: Config,
        size: usize,
        checkout_timeout: Duration,
        redact: Redactor,
    ) -> Pool {
        Pool {
            config,
            size: size.max(1),
            checkout_timeout,
            redact,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redact
    }

    /// The pool's bookkeeping stays consistent across a panic (no step leaves it half
    /// updated), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new connection, outside the pool's accounting (migrations, the listener).
    pub(crate) fn connect(&self, op: &'static str) -> Result<Client> {
        self.config
            .connect(NoTls)
            .map_err(|e| self.redact.unavailable(op, &e))
    }

    /// A connection that answered a round trip just now, waiting up to the checkout
    /// timeout for one to be free.
    pub(crate) fn get(&self, op: &'static str) -> Result<Lease<'_>> {
        let deadline = Instant::now() + self.checkout_timeout;
        let mut state = self.lock();
        loop {
            if let Some(mut conn) = state.idle.pop() {
                drop(state);
                let trusted = conn.trusted_until.is_some_and(|t| Instant::now() < t);
                if trusted || conn.client.is_valid(VALIDATE_TIMEOUT).is_ok() {
                    let mut lease = self.lease(conn);
                    lease.unchecked = trusted;
                    return Ok(lease);
                }
                // Dead: the server restarted or dropped it. After a restart every idle
                // connection is dead, and checking each could take the validation timeout,
                // so all of them go and a new one is opened.
                state = self.lock();
                let stale = std::mem::take(&mut state.idle);
                state.open -= 1 + stale.len();
                drop(state);
                drop(conn);
                drop(stale);
                state = self.lock();
                continue;
            }
            if state.open < self.size {
                state.open += 1;
                drop(state);
                return match self.connect(op) {
                    Ok(client) => Ok(self.lease(PgConn {
                        client,
                        statements: HashMap::new(),
                        trusted_until: None,
                    })),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::Unavailable {
                    op,
                    source: format!(
                        "all {} connections of the pool stayed busy for {:?}",
                        self.size, self.checkout_timeout
                    )
                    .into(),
                });
            }
            state = self
                .freed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn lease(&self, conn: PgConn) -> Lease<'_> {
        Lease {
            conn: Some(conn),
            pool: self,
            broken: false,
            unchecked: false,
            answered: 0,
        }
    }

    /// Takes every idle connection out of the pool (the store is being dropped).
    pub(crate) fn drain(&self) -> Vec<Client> {
        let mut state = self.lock();
        let idle = std::mem::take(&mut state.idle);
        state.open -= idle.len();
        idle.into_iter().map(|c| c.client).collect()
    }

    /// Connections that exist now (idle and in use), for tests and metrics.
    pub(crate) fn open_connections(&self) -> usize {
        self.lock().open
    }

    /// How full the pool is now.
    pub(crate) fn usage(&self) -> crate::PoolUsage {
        let state = self.lock();
        crate::PoolUsage {
            in_use: state.open.saturating_sub(state.idle.len()),
            idle: state.idle.len(),
            max: self.size,
        }
    }
}

/// A checked-out connection; goes back to the pool when dropped, unless it broke.
pub(crate) struct Lease<'p> {
    conn: Option<PgConn>,
    pool: &'p Pool,
    broken: bool,
    /// Handed out without the checkout round trip (see [`TRUSTED_IDLE`]).
    unchecked: bool,
    /// Statements the server answered on this lease.
    answered: u32,
}

impl Lease<'_> {
    fn conn(&mut self) -> &mut PgConn {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until dropped")
    }

    /// Whether this lease's connection was handed out unchecked and found cut at its first
    /// statement: the server never answered it, so nothing ran and the work may be redone
    /// on another connection.
    pub(crate) fn cut_before_answering(&self) -> bool {
        self.unchecked && self.broken && self.answered == 0
    }

    /// Counts a statement the server answered (see [`Self::cut_before_answering`]).
    fn answered<T>(
        &mut self,
        op: &'static str,
        r: std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        match r {
            Ok(v) => {
                self.answered += 1;
                Ok(v)
            }
            Err(e) => Err(self.fail(op, e)),
        }
    }

    /// Wraps a driver error, redacted; a connection-level one also retires this connection.
    pub(crate) fn fail(&mut self, op: &'static str, e: postgres::Error) -> StoreError {
        let err = self.pool.redact.wrap(op, &e);
        if matches!(err, StoreError::Unavailable { .. }) {
            self.broken = true;
        }
        err
    }

    fn statement(&mut self, op: &'static str, sql: &str) -> Result<Statement> {
        if let Some(s) = self.conn().statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = self.conn().client.prepare(sql);
        let stmt = self.answered(op, prepared)?;
        self.conn().statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }

    /// Runs `sql` (prepared once per connection) and returns its rows.
    pub(crate) fn query(
        &mut self,
        op: &'static str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        let stmt = self.statement(op, sql)?;
        let rows = self.conn().client.query(&stmt, params);
        self.answered(op, rows)
    }

    /// Runs `sql` and returns its one row, if any (more than one is a backend error).
    pub(crate) fn query_opt(
        &mut self,
        op: &'static str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>> {
        let stmt = self.statement(op, sql)?;
        let row = self.conn().client.query_opt(&stmt, params);
        self.answered(op, row)
    }

    /// Runs `sql` and returns how many rows it changed.
    pub(crate) fn execute(
        &mut self,
        op: &'static str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64> {
        let stmt = self.statement(op, sql)?;
        let n = self.conn().client.execute(&stmt, params);
        self.answered(op, n)
    }

    /// The raw client, for statements that are not worth preparing (tests, schema reads).
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.conn().client
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if self.broken || conn.client.is_closed() {
            // Dropped here, on the caller's thread: store calls run off the async workers
            // (tokio's blocking pool or plain threads), where a client may be dropped.
            drop(conn);
            let mut state = self.pool.lock();
            state.open -= 1;
            // The server may have gone away for all of them: check each before its next use.
            for idle in &mut state.idle {
                idle.trusted_until = None;
            }
        } else {
            conn.trusted_until = Some(Instant::now() + TRUSTED_IDLE);
            self.pool.lock().idle.push(conn);
        }
        self.pool.freed.notify_one();
    }
}

/// Drops `clients` where that is allowed. Each `postgres::Client` owns a tokio runtime, and
/// closing one inside a tokio runtime context panics ("Cannot drop a runtime in a context
/// where blocking is not allowed"), so inside one (the last `Arc` of the store released by
/// async code) they are handed to a short-lived plain thread. Outside, they are closed here
/// and now.
pub(crate) fn close_off_runtime<T: Send + 'static>(clients: T) {
    if tokio::runtime::Handle::try_current().is_err() {
        drop(clients);
        return;
    }
    let slot = std::sync::Arc::new(Mutex::new(Some(clients)));
    let theirs = std::sync::Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("chatops-pg-close".into())
        .spawn(move || drop(theirs.lock().unwrap_or_else(|e| e.into_inner()).take()));
    if spawned.is_err() {
        // No thread to close them on: leaking the sockets (the server notices they are
        // gone when the process exits) beats panicking in a destructor.
        if let Some(c) = slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
            std::mem::forget(c);
        }
    }
}
