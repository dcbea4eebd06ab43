//! How async code reaches the store: [`AsyncStore`].
//!
//! One design, used everywhere: backends are synchronous (SQLite is; the PostgreSQL backend
//! uses a blocking client with a pool), and every call made from async code runs on tokio's
//! blocking pool. A store call may wait on a disk, a lock or a database across the network;
//! run inline it would stall every other chat turn, ack and WebSocket on the same worker
//! thread. The engine and the surfaces hold an `AsyncStore`, never a `dyn Store`, so the
//! compiler keeps store work off the async workers; synchronous tools (the conformance suite,
//! `chatops audit`) use the [`Store`] trait directly.

use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingUpdate, Transition, UnixMillis,
};
use crate::{Result, Sink, Store, StoreError, Subscription};
use std::sync::Arc;

/// A store for async code: cheap to clone, each call `spawn_blocking`ed.
#[derive(Clone)]
pub struct AsyncStore {
    inner: Arc<dyn Store>,
}

impl std::fmt::Debug for AsyncStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncStore").finish_non_exhaustive()
    }
}

impl From<Arc<dyn Store>> for AsyncStore {
    fn from(inner: Arc<dyn Store>) -> Self {
        AsyncStore { inner }
    }
}

impl AsyncStore {
    pub fn new(inner: Arc<dyn Store>) -> Self {
        AsyncStore { inner }
    }

    /// The backend, for code that hands it to a synchronous tool or thread of its own.
    pub fn shared(&self) -> Arc<dyn Store> {
        self.inner.clone()
    }

    /// Runs `f` on the blocking pool: several store calls that belong together (one thread
    /// hop instead of several), or a synchronous helper that takes a `&dyn Store`. A panic in
    /// `f` comes back as an error, not a crash.
    pub async fn call<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&dyn Store) -> std::result::Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let store = self.inner.clone();
        match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
            Ok(result) => result,
            Err(e) => Err(StoreError::backend("blocking task", e.to_string()).into()),
        }
    }

    // ----- pending commands -----

    pub async fn create_pending(&self, new: &NewPending) -> Result<PendingCommand> {
        let new = new.clone();
        self.call(move |s| s.create_pending(&new)).await
    }

    pub async fn get_pending(&self, id: &str) -> Result<Option<PendingCommand>> {
        let id = id.to_owned();
        self.call(move |s| s.get_pending(&id)).await
    }

    pub async fn set_pending_message(
        &self,
        id: &str,
        message_id: &str,
        now: UnixMillis,
    ) -> Result<bool> {
        let (id, message_id) = (id.to_owned(), message_id.to_owned());
        self.call(move |s| s.set_pending_message(&id, &message_id, now))
            .await
    }

    pub async fn update_pending(
        &self,
        id: &str,
        update: &PendingUpdate,
        now: UnixMillis,
    ) -> Result<Transition> {
        let (id, update) = (id.to_owned(), update.clone());
        self.call(move |s| s.update_pending(&id, &update, now))
            .await
    }

    pub async fn claim_for_run(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        let (id, by) = (id.to_owned(), by.to_owned());
        self.call(move |s| s.claim_for_run(&id, &by, now)).await
    }

    pub async fn cancel(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        let (id, by) = (id.to_owned(), by.to_owned());
        self.call(move |s| s.cancel(&id, &by, now)).await
    }

    pub async fn finish(&self, id: &str, outcome: &str, now: UnixMillis) -> Result<()> {
        let (id, outcome) = (id.to_owned(), outcome.to_owned());
        self.call(move |s| s.finish(&id, &outcome, now)).await
    }

    pub async fn expire_due(&self, now: UnixMillis) -> Result<Vec<PendingCommand>> {
        self.call(move |s| s.expire_due(now)).await
    }

    pub async fn list_pending(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        now: UnixMillis,
    ) -> Result<Vec<PendingCommand>> {
        let (w, c, u) = (workspace.to_owned(), channel.to_owned(), user.to_owned());
        self.call(move |s| s.list_pending(&w, &c, &u, now)).await
    }

    pub async fn prune_pending(&self, before: UnixMillis) -> Result<usize> {
        self.call(move |s| s.prune_pending(before)).await
    }

    // ----- channel state -----

    pub async fn channel_state(
        &self,
        workspace: &str,
        channel: &str,
    ) -> Result<Option<ChannelState>> {
        let (w, c) = (workspace.to_owned(), channel.to_owned());
        self.call(move |s| s.channel_state(&w, &c)).await
    }

    pub async fn set_default_account(
        &self,
        workspace: &str,
        channel: &str,
        account: &str,
        expires_at: UnixMillis,
        now: UnixMillis,
    ) -> Result<()> {
        let (w, c, a) = (workspace.to_owned(), channel.to_owned(), account.to_owned());
        self.call(move |s| s.set_default_account(&w, &c, &a, expires_at, now))
            .await
    }

    pub async fn clear_default_account(
        &self,
        workspace: &str,
        channel: &str,
        now: UnixMillis,
    ) -> Result<()> {
        let (w, c) = (workspace.to_owned(), channel.to_owned());
        self.call(move |s| s.clear_default_account(&w, &c, now))
            .await
    }

    pub async fn set_last_region(
        &self,
        workspace: &str,
        channel: &str,
        region: &str,
        now: UnixMillis,
    ) -> Result<()> {
        let (w, c, r) = (workspace.to_owned(), channel.to_owned(), region.to_owned());
        self.call(move |s| s.set_last_region(&w, &c, &r, now)).await
    }

    // ----- users' roles -----

    pub async fn user_role(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
    ) -> Result<Option<String>> {
        let (w, c, u) = (workspace.to_owned(), channel.to_owned(), user.to_owned());
        self.call(move |s| s.user_role(&w, &c, &u)).await
    }

    pub async fn set_user_role(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        role: &str,
        now: UnixMillis,
    ) -> Result<()> {
        let (w, c, u, r) = (
            workspace.to_owned(),
            channel.to_owned(),
            user.to_owned(),
            role.to_owned(),
        );
        self.call(move |s| s.set_user_role(&w, &c, &u, &r, now))
            .await
    }

    pub async fn clear_user_role(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
    ) -> Result<bool> {
        let (w, c, u) = (workspace.to_owned(), channel.to_owned(), user.to_owned());
        self.call(move |s| s.clear_user_role(&w, &c, &u)).await
    }

    // ----- aliases -----

    pub async fn create_alias(&self, alias: &Alias, replace: bool) -> Result<()> {
        let alias = alias.clone();
        self.call(move |s| s.create_alias(&alias, replace)).await
    }

    pub async fn alias(&self, workspace: &str, channel: &str, name: &str) -> Result<Option<Alias>> {
        let (w, c, n) = (workspace.to_owned(), channel.to_owned(), name.to_owned());
        self.call(move |s| s.alias(&w, &c, &n)).await
    }

    pub async fn list_aliases(&self, workspace: &str, channel: &str) -> Result<Vec<Alias>> {
        let (w, c) = (workspace.to_owned(), channel.to_owned());
        self.call(move |s| s.list_aliases(&w, &c)).await
    }

    pub async fn delete_alias(&self, workspace: &str, channel: &str, name: &str) -> Result<bool> {
        let (w, c, n) = (workspace.to_owned(), channel.to_owned(), name.to_owned());
        self.call(move |s| s.delete_alias(&w, &c, &n)).await
    }

    // ----- audit log -----

    pub async fn append_audit(&self, record: &AuditRecord) -> Result<i64> {
        let record = record.clone();
        self.call(move |s| s.append_audit(&record)).await
    }

    pub async fn query_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let filter = filter.clone();
        self.call(move |s| s.query_audit(&filter)).await
    }

    // ----- processed event ids -----

    pub async fn mark_event(&self, event_id: &str, now: UnixMillis) -> Result<bool> {
        let id = event_id.to_owned();
        self.call(move |s| s.mark_event(&id, now)).await
    }

    pub async fn forget_event(&self, event_id: &str) -> Result<bool> {
        let id = event_id.to_owned();
        self.call(move |s| s.forget_event(&id)).await
    }

    pub async fn prune_events(&self, before: UnixMillis) -> Result<usize> {
        self.call(move |s| s.prune_events(before)).await
    }

    // ----- surface records -----

    pub async fn put_surface(
        &self,
        kind: &str,
        key: &str,
        value: &str,
        now: UnixMillis,
    ) -> Result<()> {
        let (kind, key, value) = (kind.to_owned(), key.to_owned(), value.to_owned());
        self.call(move |s| s.put_surface(&kind, &key, &value, now))
            .await
    }

    pub async fn get_surface(&self, kind: &str, key: &str) -> Result<Option<String>> {
        let (kind, key) = (kind.to_owned(), key.to_owned());
        self.call(move |s| s.get_surface(&kind, &key)).await
    }

    pub async fn take_surface(&self, kind: &str, limit: usize) -> Result<Vec<(String, String)>> {
        let kind = kind.to_owned();
        self.call(move |s| s.take_surface(&kind, limit)).await
    }

    pub async fn prune_surface(&self, before: UnixMillis) -> Result<usize> {
        self.call(move |s| s.prune_surface(before)).await
    }

    pub async fn delete_surface(&self, kind: &str, key: &str) -> Result<bool> {
        let (kind, key) = (kind.to_owned(), key.to_owned());
        self.call(move |s| s.delete_surface(&kind, &key)).await
    }

    pub async fn prune_surface_kind(&self, kind: &str, before: UnixMillis) -> Result<usize> {
        let kind = kind.to_owned();
        self.call(move |s| s.prune_surface_kind(&kind, before))
            .await
    }

    // ----- chat app installations -----

    pub async fn put_installation(
        &self,
        surface: &str,
        team: &str,
        sealed: &str,
        now: UnixMillis,
    ) -> Result<()> {
        let (surface, team, sealed) = (surface.to_owned(), team.to_owned(), sealed.to_owned());
        self.call(move |s| s.put_installation(&surface, &team, &sealed, now))
            .await
    }

    pub async fn get_installation(&self, surface: &str, team: &str) -> Result<Option<String>> {
        let (surface, team) = (surface.to_owned(), team.to_owned());
        self.call(move |s| s.get_installation(&surface, &team))
            .await
    }

    pub async fn delete_installation(&self, surface: &str, team: &str) -> Result<bool> {
        let (surface, team) = (surface.to_owned(), team.to_owned());
        self.call(move |s| s.delete_installation(&surface, &team))
            .await
    }

    pub async fn list_installations(&self, surface: &str) -> Result<Vec<String>> {
        let surface = surface.to_owned();
        self.call(move |s| s.list_installations(&surface)).await
    }
    // ----- leases -----

    pub async fn try_lease(
        &self,
        name: &str,
        holder: &str,
        until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool> {
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.call(move |s| s.try_lease(&name, &holder, until, now))
            .await
    }

    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.call(move |s| s.release_lease(&name, &holder)).await
    }

    // ----- inbox -----

    pub async fn inbox_put(
        &self,
        kind: &str,
        id: &str,
        payload: &str,
        now: UnixMillis,
    ) -> Result<bool> {
        let (kind, id, payload) = (kind.to_owned(), id.to_owned(), payload.to_owned());
        self.call(move |s| s.inbox_put(&kind, &id, &payload, now))
            .await
    }

    pub async fn inbox_put_held(
        &self,
        item: (&str, &str, &str),
        holder: &str,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool> {
        let (kind, id, payload) = (item.0.to_owned(), item.1.to_owned(), item.2.to_owned());
        let holder = holder.to_owned();
        self.call(move |s| s.inbox_put_held(&kind, &id, &payload, &holder, lease_until, now))
            .await
    }

    pub async fn inbox_claim(
        &self,
        kind: Option<&str>,
        holder: &str,
        limit: usize,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<Vec<InboxItem>> {
        let (kind, holder) = (kind.map(str::to_owned), holder.to_owned());
        self.call(move |s| s.inbox_claim(kind.as_deref(), &holder, limit, lease_until, now))
            .await
    }

    pub async fn inbox_done(&self, id: &str, holder: &str, now: UnixMillis) -> Result<bool> {
        let (id, holder) = (id.to_owned(), holder.to_owned());
        self.call(move |s| s.inbox_done(&id, &holder, now)).await
    }

    pub async fn prune_inbox(&self, before: UnixMillis) -> Result<usize> {
        self.call(move |s| s.prune_inbox(before)).await
    }

    // ----- publish/subscribe -----

    pub async fn publish(&self, topic: &str, payload: &str) -> Result<()> {
        let (topic, payload) = (topic.to_owned(), payload.to_owned());
        self.call(move |s| s.publish(&topic, &payload)).await
    }

    /// The subscription lasts until the returned value is dropped. Subscribing waits until
    /// the backend listens (a database round trip), hence async.
    pub async fn subscribe(&self, topic: &str, sink: Sink) -> Result<Subscription> {
        let topic = topic.to_owned();
        self.call(move |s| s.subscribe(&topic, sink)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    /// Calls run off the async worker: a current-thread runtime still answers while the store
    /// call is in flight on the blocking pool.
    #[tokio::test]
    async fn calls_run_on_the_blocking_pool() {
        let store = AsyncStore::new(Arc::new(SqliteStore::in_memory().unwrap()));
        let worker = std::thread::current().id();
        let (ran_on, marked) = store
            .call(|s| Ok::<_, StoreError>((std::thread::current().id(), s.mark_event("e1", 1)?)))
            .await
            .unwrap();
        assert_ne!(ran_on, worker);
        assert!(marked);
        assert!(!store.mark_event("e1", 2).await.unwrap());
    }

    /// A panicking backend call is an error for the caller, not a crash of the server.
    #[tokio::test]
    async fn a_panic_in_a_call_is_an_error() {
        let store = AsyncStore::new(Arc::new(SqliteStore::in_memory().unwrap()));
        let err = store
            .call(|_| -> Result<()> { panic!("backend bug") })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("blocking task"), "{err}");
    }
}
