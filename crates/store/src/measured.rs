//! [`Measured`]: any [`Store`] with the latency of each call recorded as a metric (the
//! `metrics` facade; a no-op unless the process installed an exporter), so the operator sees
//! which store operations are slow — the first thing to look at when a networked database
//! is added — without each backend measuring itself.

use std::sync::Arc;
use std::time::Instant;

use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingUpdate, Transition, UnixMillis,
};
use crate::{Result, Sink, Store, Subscription};

/// How long one store call took, by operation (the trait method's name) and result (`ok`,
/// `error`).
pub const STORE_SECONDS: &str = "chatops_store_operation_duration_seconds";

/// A store that forwards every call to `inner` and times it. Every trait method must be
/// forwarded here (a new method without a forward would not compile, as the trait has no
/// default bodies).
pub struct Measured {
    inner: Arc<dyn Store>,
}

impl Measured {
    pub fn new(inner: Arc<dyn Store>) -> Measured {
        Measured { inner }
    }
}

/// Runs one store call and records its latency.
fn timed<T>(operation: &'static str, call: impl FnOnce() -> Result<T>) -> Result<T> {
    let started = Instant::now();
    let result = call();
    let outcome = if result.is_ok() { "ok" } else { "error" };
    metrics::histogram!(STORE_SECONDS, "operation" => operation, "result" => outcome)
        .record(started.elapsed().as_secs_f64());
    result
}

impl Store for Measured {
    fn create_pending(&self, new: &NewPending) -> Result<PendingCommand> {
        timed("create_pending", || self.inner.create_pending(new))
    }

    fn get_pending(&self, id: &str) -> Result<Option<PendingCommand>> {
        timed("get_pending", || self.inner.get_pending(id))
    }

    fn set_pending_message(&self, id: &str, message_id: &str, now: UnixMillis) -> Result<bool> {
        timed("set_pending_message", || {
            self.inner.set_pending_message(id, message_id, now)
        })
    }

    fn update_pending(
        &self,
        id: &str,
        update: &PendingUpdate,
        now: UnixMillis,
    ) -> Result<Transition> {
        timed("update_pending", || {
            self.inner.update_pending(id, update, now)
        })
    }

    fn claim_for_run(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        timed("claim_for_run", || self.inner.claim_for_run(id, by, now))
    }

    fn cancel(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition> {
        timed("cancel", || self.inner.cancel(id, by, now))
    }

    fn finish(&self, id: &str, outcome: &str, now: UnixMillis) -> Result<()> {
        timed("finish", || self.inner.finish(id, outcome, now))
    }

    fn expire_due(&self, now: UnixMillis) -> Result<Vec<PendingCommand>> {
        timed("expire_due", || self.inner.expire_due(now))
    }

    fn list_pending(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        now: UnixMillis,
    ) -> Result<Vec<PendingCommand>> {
        timed("list_pending", || {
            self.inner.list_pending(workspace, channel, user, now)
        })
    }

    fn prune_pending(&self, before: UnixMillis) -> Result<usize> {
        timed("prune_pending", || self.inner.prune_pending(before))
    }

    fn channel_state(&self, workspace: &str, channel: &str) -> Result<Option<ChannelState>> {
        timed("channel_state", || {
            self.inner.channel_state(workspace, channel)
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
        timed("set_default_account", || {
            self.inner
                .set_default_account(workspace, channel, account, expires_at, now)
        })
    }

    fn clear_default_account(&self, workspace: &str, channel: &str, now: UnixMillis) -> Result<()> {
        timed("clear_default_account", || {
            self.inner.clear_default_account(workspace, channel, now)
        })
    }

    fn set_last_region(
        &self,
        workspace: &str,
        channel: &str,
        region: &str,
        now: UnixMillis,
    ) -> Result<()> {
        timed("set_last_region", || {
            self.inner.set_last_region(workspace, channel, region, now)
        })
    }

    fn user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<Option<String>> {
        timed("user_role", || {
            self.inner.user_role(workspace, channel, user)
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
        timed("set_user_role", || {
            self.inner
                .set_user_role(workspace, channel, user, role, now)
        })
    }

    fn clear_user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<bool> {
        timed("clear_user_role", || {
            self.inner.clear_user_role(workspace, channel, user)
        })
    }

    fn create_alias(&self, alias: &Alias, replace: bool) -> Result<()> {
        timed("create_alias", || self.inner.create_alias(alias, replace))
    }

    fn alias(&self, workspace: &str, channel: &str, name: &str) -> Result<Option<Alias>> {
        timed("alias", || self.inner.alias(workspace, channel, name))
    }

    fn list_aliases(&self, workspace: &str, channel: &str) -> Result<Vec<Alias>> {
        timed("list_aliases", || {
            self.inner.list_aliases(workspace, channel)
        })
    }

    fn delete_alias(&self, workspace: &str, channel: &str, name: &str) -> Result<bool> {
        timed("delete_alias", || {
            self.inner.delete_alias(workspace, channel, name)
        })
    }

    fn append_audit(&self, record: &AuditRecord) -> Result<i64> {
        timed("append_audit", || self.inner.append_audit(record))
    }

    fn query_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        timed("query_audit", || self.inner.query_audit(filter))
    }

    fn mark_event(&self, event_id: &str, now: UnixMillis) -> Result<bool> {
        timed("mark_event", || self.inner.mark_event(event_id, now))
    }

    fn forget_event(&self, event_id: &str) -> Result<bool> {
        timed("forget_event", || self.inner.forget_event(event_id))
    }

    fn prune_events(&self, before: UnixMillis) -> Result<usize> {
        timed("prune_events", || self.inner.prune_events(before))
    }

    fn put_surface(&self, kind: &str, key: &str, value: &str, now: UnixMillis) -> Result<()> {
        timed("put_surface", || {
            self.inner.put_surface(kind, key, value, now)
        })
    }

    fn get_surface(&self, kind: &str, key: &str) -> Result<Option<String>> {
        timed("get_surface", || self.inner.get_surface(kind, key))
    }

    fn take_surface(&self, kind: &str, limit: usize) -> Result<Vec<(String, String)>> {
        timed("take_surface", || self.inner.take_surface(kind, limit))
    }

    fn prune_surface(&self, before: UnixMillis) -> Result<usize> {
        timed("prune_surface", || self.inner.prune_surface(before))
    }

    fn delete_surface(&self, kind: &str, key: &str) -> Result<bool> {
        timed("delete_surface", || self.inner.delete_surface(kind, key))
    }

    fn prune_surface_kind(&self, kind: &str, before: UnixMillis) -> Result<usize> {
        timed("prune_surface_kind", || {
            self.inner.prune_surface_kind(kind, before)
        })
    }

    fn put_installation(
        &self,
        surface: &str,
        team: &str,
        sealed: &str,
        now: UnixMillis,
    ) -> Result<()> {
        timed("put_installation", || {
            self.inner.put_installation(surface, team, sealed, now)
        })
    }

    fn get_installation(&self, surface: &str, team: &str) -> Result<Option<String>> {
        timed("get_installation", || {
            self.inner.get_installation(surface, team)
        })
    }

    fn delete_installation(&self, surface: &str, team: &str) -> Result<bool> {
        timed("delete_installation", || {
            self.inner.delete_installation(surface, team)
        })
    }

    fn list_installations(&self, surface: &str) -> Result<Vec<String>> {
        timed("list_installations", || {
            self.inner.list_installations(surface)
        })
    }
    fn try_lease(
        &self,
        name: &str,
        holder: &str,
        until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool> {
        timed("try_lease", || {
            self.inner.try_lease(name, holder, until, now)
        })
    }

    fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        timed("release_lease", || self.inner.release_lease(name, holder))
    }

    fn inbox_put(&self, kind: &str, id: &str, payload: &str, now: UnixMillis) -> Result<bool> {
        timed("inbox_put", || self.inner.inbox_put(kind, id, payload, now))
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
        timed("inbox_put_held", || {
            self.inner
                .inbox_put_held(kind, id, payload, holder, lease_until, now)
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
        timed("inbox_claim", || {
            self.inner
                .inbox_claim(kind, holder, limit, lease_until, now)
        })
    }

    fn inbox_done(&self, id: &str, holder: &str, now: UnixMillis) -> Result<bool> {
        timed("inbox_done", || self.inner.inbox_done(id, holder, now))
    }

    fn prune_inbox(&self, before: UnixMillis) -> Result<usize> {
        timed("prune_inbox", || self.inner.prune_inbox(before))
    }

    fn publish(&self, topic: &str, payload: &str) -> Result<()> {
        timed("publish", || self.inner.publish(topic, payload))
    }

    fn subscribe(&self, topic: &str, sink: Sink) -> Result<Subscription> {
        timed("subscribe", || self.inner.subscribe(topic, sink))
    }

    fn pool_usage(&self) -> Option<crate::PoolUsage> {
        self.inner.pool_usage()
    }
}
