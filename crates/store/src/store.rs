//! The one trait every backend implements.
//!
//! Synchronous on purpose: both backends block (SQLite on its file, PostgreSQL on a pooled
//! blocking client), and async code reaches them only through [`crate::AsyncStore`], which
//! runs each call on tokio's blocking pool. Object-safe so the engine holds one store chosen
//! from config.

use crate::pubsub::{Sink, Subscription};
use crate::types::{
    Alias, AuditEntry, AuditFilter, AuditRecord, ChannelState, InboxItem, NewPending,
    PendingCommand, PendingUpdate, Transition, UnixMillis,
};
use crate::Result;

/// Persistence for the conversation engine. Arguments that name a place always come in the
/// order workspace, channel, user.
pub trait Store: Send + Sync {
    // ----- pending commands -----

    /// Stores a new pending command under a fresh random id and returns it.
    fn create_pending(&self, new: &NewPending) -> Result<PendingCommand>;

    /// The command with this id, in whatever state.
    fn get_pending(&self, id: &str) -> Result<Option<PendingCommand>>;

    /// Records the chat message that prompts/confirms it (known only after posting, which
    /// needs the id for the buttons). Any state. False if there is no such command.
    fn set_pending_message(&self, id: &str, message_id: &str, now: UnixMillis) -> Result<bool>;

    /// Replaces the editable fields (an answered parameter, the next one to ask, or
    /// `AwaitingConfirmation`). Applies only while waiting and not expired at `now`.
    fn update_pending(
        &self,
        id: &str,
        update: &PendingUpdate,
        now: UnixMillis,
    ) -> Result<Transition>;

    /// Run was pressed: atomically `awaiting_confirmation → running` if not expired at `now`.
    /// Exactly one caller ever gets `Applied` for a command; every other press, on any
    /// replica, before or after a restart, gets `AlreadyTaken` with who ran it and when.
    fn claim_for_run(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition>;

    /// Cancel was pressed: atomically any waiting state `→ cancelled` if not expired.
    fn cancel(&self, id: &str, by: &str, now: UnixMillis) -> Result<Transition>;

    /// The claimed command finished: `running → done` with its outcome. Errors with
    /// `NotRunning` if it was not running (so a double finish is caught), or
    /// `PendingNotFound`.
    fn finish(&self, id: &str, outcome: &str, now: UnixMillis) -> Result<()>;

    /// Marks every waiting command whose `expires_at <= now` expired and returns them (so the
    /// engine can update their messages). Each is returned by exactly one call.
    fn expire_due(&self, now: UnixMillis) -> Result<Vec<PendingCommand>>;

    /// The user's commands in the channel still waiting and not expired at `now`, oldest
    /// first (the engine matches `@aws <param> <value>` and thread replies against these).
    fn list_pending(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        now: UnixMillis,
    ) -> Result<Vec<PendingCommand>>;

    /// Deletes finished, cancelled and expired commands last changed before `before`.
    /// Returns how many. Waiting and running ones are never pruned.
    fn prune_pending(&self, before: UnixMillis) -> Result<usize>;

    // ----- channel state -----

    fn channel_state(&self, workspace: &str, channel: &str) -> Result<Option<ChannelState>>;

    /// Sets the channel's default account until `expires_at` (the engine adds its 7 days).
    fn set_default_account(
        &self,
        workspace: &str,
        channel: &str,
        account: &str,
        expires_at: UnixMillis,
        now: UnixMillis,
    ) -> Result<()>;

    fn clear_default_account(&self, workspace: &str, channel: &str, now: UnixMillis) -> Result<()>;

    fn set_last_region(
        &self,
        workspace: &str,
        channel: &str,
        region: &str,
        now: UnixMillis,
    ) -> Result<()>;

    // ----- users' roles -----

    fn user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<Option<String>>;

    fn set_user_role(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        role: &str,
        now: UnixMillis,
    ) -> Result<()>;

    /// False if the user had no role.
    fn clear_user_role(&self, workspace: &str, channel: &str, user: &str) -> Result<bool>;

    // ----- aliases -----

    /// Creates the alias; if the name exists, `AliasExists` unless `replace`.
    fn create_alias(&self, alias: &Alias, replace: bool) -> Result<()>;

    fn alias(&self, workspace: &str, channel: &str, name: &str) -> Result<Option<Alias>>;

    /// The channel's aliases sorted by name.
    fn list_aliases(&self, workspace: &str, channel: &str) -> Result<Vec<Alias>>;

    /// False if there was no such alias.
    fn delete_alias(&self, workspace: &str, channel: &str, name: &str) -> Result<bool>;

    // ----- audit log -----

    /// Appends one record; returns its sequence number.
    fn append_audit(&self, record: &AuditRecord) -> Result<i64>;

    /// Matching records ordered by (time, id) in `filter.order`, at most `filter.limit`.
    fn query_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;

    // ----- processed event ids -----

    /// True the first time `event_id` is seen, false on every later call (Slack retries).
    fn mark_event(&self, event_id: &str, now: UnixMillis) -> Result<bool>;

    /// Forgets one event id, so the next [`Store::mark_event`] of it is `true` again: a claim
    /// given back when the work it guarded failed (a notification that could not be posted
    /// is retried by SNS or SQS and must not be taken for a duplicate). False if it was not
    /// marked.
    fn forget_event(&self, event_id: &str) -> Result<bool>;

    /// Forgets event ids first seen before `before`; returns how many.
    fn prune_events(&self, before: UnixMillis) -> Result<usize>;

    // ----- surface records -----

    /// Stores (or replaces) a chat surface's record `value` (JSON text) under `(kind, key)`,
    /// e.g. which Slack message an engine message id was posted as.
    fn put_surface(&self, kind: &str, key: &str, value: &str, now: UnixMillis) -> Result<()>;

    /// The record under `(kind, key)`, if any.
    fn get_surface(&self, kind: &str, key: &str) -> Result<Option<String>>;

    /// Removes and returns up to `limit` records of `kind` as `(key, value)`, oldest written
    /// first: a queue between processes (a command-line tool hands work to the server).
    /// Each record is returned by exactly one call, on any replica.
    fn take_surface(&self, kind: &str, limit: usize) -> Result<Vec<(String, String)>>;

    /// Forgets records last written before `before`; returns how many.
    fn prune_surface(&self, before: UnixMillis) -> Result<usize>;

    /// Forgets the record under `(kind, key)` (e.g. a web chat session signed out, on every
    /// replica at once); false if there was none.
    fn delete_surface(&self, kind: &str, key: &str) -> Result<bool>;

    /// Forgets the records of `kind` last written before `before` (a kind with a shorter life
    /// than the others, e.g. expired web chat sessions); returns how many.
    fn prune_surface_kind(&self, kind: &str, before: UnixMillis) -> Result<usize>;

    // ----- chat app installations -----

    /// Stores (or replaces) `surface`'s installation in workspace `team` (e.g. the Slack app
    /// installed through OAuth). `sealed` is opaque here: the surface encrypts it before it
    /// comes in, so the store never holds a token in clear. Unlike surface records,
    /// installations are never pruned: one lasts until [`Store::delete_installation`].
    fn put_installation(
        &self,
        surface: &str,
        team: &str,
        sealed: &str,
        now: UnixMillis,
    ) -> Result<()>;

    /// The sealed installation of `surface` in `team`, byte for byte as it was put.
    fn get_installation(&self, surface: &str, team: &str) -> Result<Option<String>>;

    /// Forgets the installation (the app was uninstalled); false if there was none.
    fn delete_installation(&self, surface: &str, team: &str) -> Result<bool>;

    /// The teams `surface` is installed in, sorted.
    fn list_installations(&self, surface: &str) -> Result<Vec<String>>;

    // ----- leases -----

    /// Takes the lease `name` for `holder` until `until` if it is free, expired at `now`
    /// (`until <= now`), or already held by `holder` (then it is renewed to `until`). True
    /// if `holder` holds it when this returns. Of any number of replicas trying at once,
    /// exactly one gets it: background work (sweeps, polling) runs once, and moves to
    /// another replica when its holder dies and stops renewing.
    fn try_lease(
        &self,
        name: &str,
        holder: &str,
        until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool>;

    /// Gives the lease up (graceful shutdown), so another replica need not wait for it to
    /// expire. False if `holder` did not hold it (never did, or it expired and another took
    /// it).
    fn release_lease(&self, name: &str, holder: &str) -> Result<bool>;

    // ----- inbox -----

    /// Records an acknowledged input before it is acked (so a crash after the ack loses
    /// nothing). False if an item with this `id` was already put, on any replica: a retried
    /// delivery is recorded once. `id` is unique across kinds.
    fn inbox_put(&self, kind: &str, id: &str, payload: &str, now: UnixMillis) -> Result<bool>;

    /// Like [`Store::inbox_put`], for an input the receiving replica processes itself at
    /// once: recorded already claimed by `holder` until `lease_until` (one attempt), so no
    /// other replica takes it unless the lease runs out (the receiver died mid-way).
    fn inbox_put_held(
        &self,
        kind: &str,
        id: &str,
        payload: &str,
        holder: &str,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<bool>;

    /// Hands `holder` up to `limit` items (of `kind` only, when given) that are not done and
    /// whose lease is free or expired at `now`, oldest first, leased to it until
    /// `lease_until`, each with its claim count (`attempts`) incremented. While a lease runs,
    /// no other call gets that item; when it runs out (the holder died), the next claim gets
    /// it again. Each surface claims its own kind, so none holds another's items.
    fn inbox_claim(
        &self,
        kind: Option<&str>,
        holder: &str,
        limit: usize,
        lease_until: UnixMillis,
        now: UnixMillis,
    ) -> Result<Vec<InboxItem>>;

    /// Marks the item processed; done items are never claimed again. Only its current
    /// holder may (false otherwise, e.g. its lease ran out and another replica took it, or
    /// it is already done).
    fn inbox_done(&self, id: &str, holder: &str, now: UnixMillis) -> Result<bool>;

    /// Deletes done items created before `before` (after which a delivery with the same id
    /// would be put again: keep them longer than the senders' retry window). Items not done
    /// are never pruned. Returns how many.
    fn prune_inbox(&self, before: UnixMillis) -> Result<usize>;

    // ----- publish/subscribe -----

    /// Sends `payload` to every current subscriber of `topic` on every store over the same
    /// database (every replica). Live only: nothing is kept for later subscribers or for a
    /// replica whose connection is down. `InvalidTopic` / `InvalidPayload` beyond the
    /// limits in [`crate::pubsub`] (at most 7900 bytes, no NUL), on every backend.
    fn publish(&self, topic: &str, payload: &str) -> Result<()>;

    /// Calls `sink` with every payload published on `topic` from now on (once this returns,
    /// a publish anywhere reaches it), until the returned [`Subscription`] is dropped.
    fn subscribe(&self, topic: &str, sink: Sink) -> Result<Subscription>;

    /// How full the connection pool is, for backends that have one (a metric).
    fn pool_usage(&self) -> Option<crate::PoolUsage> {
        None
    }
}
