//! The sessions of signed-in users, kept in the store so that signing in survives a restart
//! and works on every replica behind the same database.
//!
//! A session is one surface record of kind [`KIND`]: its key is the SHA-256 digest of the
//! session id (the id is the cookie, a bearer secret, so the store never holds it), its value
//! the user and the time it was opened. Every request and WebSocket upgrade looks the session
//! up; a small cache in each process answers repeated lookups for [`CACHE_TTL`], so a sign-out
//! or an expiry on one replica takes effect on all of them within that time.
//!
//! Without a store (tests, embedding) sessions live in memory, as before.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::AsyncStore;

use crate::auth::{random_hex, SESSION_TTL};

/// The surface-record kind of web chat sessions.
pub const KIND: &str = "webchat.session";
/// How long a process trusts a session it looked up before asking the store again: the most a
/// sign-out or an expiry on another replica takes to be seen here.
pub const CACHE_TTL: Duration = Duration::from_secs(5);
/// Sessions (in memory) or cache entries kept at most, so a token holder signing in in a loop
/// cannot grow memory without bound.
const MAX_KEPT: usize = 10_000;
/// Expired sessions are pruned from the store at most this often (on sign-in).
const PRUNE_EVERY_MS: i64 = 60_000;

/// Where sessions are kept and how long lookups are cached.
#[derive(Clone)]
pub struct SessionSettings {
    /// The shared store; `None` keeps sessions in this process's memory (lost on restart,
    /// unknown to other replicas).
    pub store: Option<AsyncStore>,
    /// See [`CACHE_TTL`].
    pub cache_ttl: Duration,
    /// The clock session ages are measured with (Unix milliseconds).
    pub clock: engine::Clock,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            store: None,
            cache_ttl: CACHE_TTL,
            clock: engine::system_clock(),
        }
    }
}

impl std::fmt::Debug for SessionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionSettings")
            .field("store", &self.store.as_ref().map(|_| "shared"))
            .field("cache_ttl", &self.cache_ttl)
            .finish()
    }
}

/// Why a session could not be opened, checked or closed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("the operating system's random source failed: {0}")]
    Random(#[from] getrandom::Error),
    #[error("the session store failed: {0}")]
    Store(#[from] store::StoreError),
    #[error("cannot encode a session record: {0}")]
    Encode(#[from] serde_json::Error),
}

/// What the store keeps per session.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    user: String,
    /// Unix milliseconds.
    opened: i64,
}

/// The open sessions, in the store or in memory, with the lookup cache.
pub(crate) struct Sessions {
    store: Option<AsyncStore>,
    clock: engine::Clock,
    cache_ttl: Duration,
    /// In-memory sessions (no store), by record key.
    memory: Mutex<HashMap<String, Record>>,
    /// Recent store lookups, by record key, with when they were made.
    cache: Mutex<HashMap<String, (Record, Instant)>>,
    last_prune: AtomicI64,
}

/// The record key of a session id: its SHA-256 digest, hex.
fn record_key(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps are never left half-changed by a panic, so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sessions {
    pub(crate) fn new(settings: SessionSettings) -> Sessions {
        Sessions {
            store: settings.store,
            clock: settings.clock,
            cache_ttl: settings.cache_ttl,
            memory: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
            last_prune: AtomicI64::new(i64::MIN),
        }
    }

    fn live(&self, r: &Record, now: i64) -> bool {
        let ttl = i64::try_from(SESSION_TTL.as_millis()).unwrap_or(i64::MAX);
        now.saturating_sub(r.opened) < ttl
    }

    /// Opens a session for `user`; returns its id (the cookie value).
    pub(crate) async fn open(&self, user: &str) -> Result<String, SessionError> {
        let id = random_hex(32)?;
        let now = (self.clock)();
        let record = Record {
            user: user.to_string(),
            opened: now,
        };
        let key = record_key(&id);
        match &self.store {
            None => {
                let mut memory = lock(&self.memory);
                memory.retain(|_, r| self.live(r, now));
                if memory.len() >= MAX_KEPT {
                    if let Some(oldest) = memory
                        .iter()
                        .min_by_key(|(_, r)| r.opened)
                        .map(|(k, _)| k.clone())
                    {
                        memory.remove(&oldest);
                    }
                }
                memory.insert(key, record);
            }
            Some(store) => {
                let value = serde_json::to_string(&record)?;
                store.put_surface(KIND, &key, &value, now).await?;
                self.prune(store, now).await;
            }
        }
        Ok(id)
    }

    /// Forgets expired sessions in the store, at most once per [`PRUNE_EVERY_MS`] per process.
    /// A failure is only logged: expired sessions are refused whether pruned or not.
    async fn prune(&self, store: &AsyncStore, now: i64) {
        let last = self.last_prune.load(Ordering::Relaxed);
        if now.saturating_sub(last) < PRUNE_EVERY_MS
            || self
                .last_prune
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let ttl = i64::try_from(SESSION_TTL.as_millis()).unwrap_or(i64::MAX);
        match store
            .prune_surface_kind(KIND, now.saturating_sub(ttl))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::debug!(pruned = n, "expired web chat sessions pruned"),
            Err(e) => tracing::warn!(error = %e, "cannot prune expired web chat sessions"),
        }
    }

    /// The user of session `id`, if it is open and not expired.
    pub(crate) async fn user_of(&self, id: &str) -> Result<Option<String>, SessionError> {
        let key = record_key(id);
        let now = (self.clock)();
        let Some(store) = &self.store else {
            let memory = lock(&self.memory);
            return Ok(memory
                .get(&key)
                .filter(|r| self.live(r, now))
                .map(|r| r.user.clone()));
        };
        let cached = lock(&self.cache)
            .get(&key)
            .filter(|(_, at)| at.elapsed() < self.cache_ttl)
            .map(|(r, _)| r.clone());
        let record = match cached {
            Some(r) => Some(r),
            None => {
                let found = match store.get_surface(KIND, &key).await? {
                    Some(value) => match serde_json::from_str::<Record>(&value) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            tracing::warn!(error = %e, "an unreadable web chat session record; refused");
                            None
                        }
                    },
                    None => None,
                };
                let mut cache = lock(&self.cache);
                match &found {
                    Some(r) => {
                        if cache.len() >= MAX_KEPT {
                            cache.clear();
                        }
                        cache.insert(key, (r.clone(), Instant::now()));
                    }
                    None => {
                        cache.remove(&key);
                    }
                }
                found
            }
        };
        Ok(record.filter(|r| self.live(r, now)).map(|r| r.user.clone()))
    }

    /// Ends session `id` everywhere: other replicas refuse it once their cache entry is older
    /// than their cache TTL.
    pub(crate) async fn close(&self, id: &str) -> Result<(), SessionError> {
        let key = record_key(id);
        lock(&self.cache).remove(&key);
        match &self.store {
            None => {
                lock(&self.memory).remove(&key);
            }
            Some(store) => {
                store.delete_surface(KIND, &key).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn clocked(at: Arc<AtomicI64>, store: Option<AsyncStore>) -> Sessions {
        Sessions::new(SessionSettings {
            store,
            cache_ttl: Duration::from_secs(60),
            clock: Arc::new(move || at.load(Ordering::SeqCst)),
        })
    }

    fn sqlite() -> AsyncStore {
        AsyncStore::new(Arc::new(
            store::SqliteStore::in_memory().expect("in-memory SQLite"),
        ))
    }

    #[tokio::test]
    async fn sessions_open_check_expire_and_close() {
        for store in [None, Some(sqlite())] {
            let at = Arc::new(AtomicI64::new(1_800_000_000_000));
            let s = clocked(at.clone(), store.clone());
            let id = s.open("bob").await.expect("open");
            assert_eq!(s.user_of(&id).await.expect("check").as_deref(), Some("bob"));
            assert_eq!(s.user_of("00").await.expect("check"), None, "forged id");
            if let Some(st) = &store {
                assert!(
                    st.get_surface(KIND, &id).await.expect("get").is_none(),
                    "the id itself is never a key"
                );
                assert!(st
                    .get_surface(KIND, &record_key(&id))
                    .await
                    .expect("get")
                    .is_some());
            }
            let ttl = SESSION_TTL.as_millis() as i64;
            at.fetch_add(ttl, Ordering::SeqCst);
            assert_eq!(s.user_of(&id).await.expect("check"), None, "expired");
            at.fetch_sub(ttl, Ordering::SeqCst);
            s.close(&id).await.expect("close");
            assert_eq!(s.user_of(&id).await.expect("check"), None, "closed");
        }
    }

    #[tokio::test]
    async fn expired_sessions_are_pruned_on_sign_in() {
        let store = sqlite();
        let at = Arc::new(AtomicI64::new(1_800_000_000_000));
        let s = clocked(at.clone(), Some(store.clone()));
        let old = s.open("alice").await.expect("open");
        at.fetch_add(SESSION_TTL.as_millis() as i64 + 1, Ordering::SeqCst);
        let new = s.open("alice").await.expect("open");
        assert!(store
            .get_surface(KIND, &record_key(&old))
            .await
            .expect("get")
            .is_none());
        assert!(store
            .get_surface(KIND, &record_key(&new))
            .await
            .expect("get")
            .is_some());
    }
}
