//! What every chat surface that answers after its acknowledgement needs alike: counting the
//! work it spawned (so a shutdown can wait for it), a periodic sweep, and handing the sweep's
//! updates that are not its own to the next surface sharing the engine.

use crate::message::{Inbound, Outbound};
use crate::{Handler, SweepFuture};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Work a surface started after answering its platform and has not finished.
#[derive(Default)]
pub struct InFlight {
    count: AtomicUsize,
    idle: tokio::sync::Notify,
}

impl InFlight {
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until no work is in flight, at most `timeout`; false on timeout.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, async {
            loop {
                let notified = self.idle.notified();
                if self.count() == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await
        .is_ok()
    }

    /// Spawns `work`, counted until it ends (a panic in it too).
    pub fn spawn<F>(self: &Arc<Self>, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.count.fetch_add(1, Ordering::SeqCst);
        struct Done(Arc<InFlight>);
        impl Drop for Done {
            fn drop(&mut self) {
                if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
                    self.0.idle.notify_waiters();
                }
            }
        }
        let done = Done(self.clone());
        tokio::spawn(async move {
            let _done = done;
            work.await;
        });
    }
}

/// Runs `tick` every `every` until `stop` is cancelled (between two ticks, never inside one);
/// a tick that overruns delays the next instead of bunching them.
pub fn spawn_every<F, Fut>(
    every: Duration,
    stop: CancellationToken,
    mut tick: F,
) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = interval.tick() => {}
            }
            tick().await;
        }
    })
}

/// Sweep updates a surface's sweep found were not its own, kept for the next surface.
#[derive(Default)]
pub struct Leftovers(Mutex<Vec<Outbound>>);

/// At most this many are kept (nobody may be taking them).
const MAX_LEFTOVERS: usize = 1000;

impl Leftovers {
    pub fn keep(&self, outs: Vec<Outbound>) {
        if outs.is_empty() {
            return;
        }
        let mut l = self.0.lock().unwrap_or_else(|e| e.into_inner());
        l.extend(outs);
        let excess = l.len().saturating_sub(MAX_LEFTOVERS);
        l.drain(..excess);
    }

    pub fn take(&self) -> Vec<Outbound> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A handler for the next surface sharing an engine: it handles events with `handler`, and
/// its sweep returns what the first surface's sweep left (so one sweep serves both).
pub fn relay(handler: Arc<dyn Handler>, leftovers: Arc<Leftovers>) -> Arc<dyn Handler> {
    Arc::new(Relay { handler, leftovers })
}

struct Relay {
    handler: Arc<dyn Handler>,
    leftovers: Arc<Leftovers>,
}

impl Handler for Relay {
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> Pin<Box<dyn Future<Output = Vec<Outbound>> + Send + 'a>> {
        self.handler.handle(event)
    }
    fn sweep(&self) -> SweepFuture<'_> {
        let leftovers = self.leftovers.take();
        Box::pin(async move { leftovers })
    }
}

/// Inputs a surface acknowledged to its platform but has not answered yet, kept in the
/// store's inbox so that they outlive this replica: recorded (held by this replica, under a
/// lease) before the platform gets its acknowledgement, marked done once answered; one whose
/// replica died first is taken over by another replica's sweep once the lease ran out.
pub struct Inbox {
    store: store::AsyncStore,
    kind: &'static str,
    holder: String,
    lease_ms: std::sync::atomic::AtomicI64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Inbox {
    /// The inbox of `kind` items, held as `holder` (unique per process) for `lease`.
    pub fn new(
        store: store::AsyncStore,
        kind: &'static str,
        holder: String,
        lease: Duration,
    ) -> Inbox {
        let inbox = Inbox {
            store,
            kind,
            holder,
            lease_ms: std::sync::atomic::AtomicI64::new(0),
        };
        inbox.set_lease(lease);
        inbox
    }

    /// How long a recorded input stays this replica's before another may take it over.
    pub fn set_lease(&self, lease: Duration) {
        let ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        self.lease_ms.store(ms, Ordering::SeqCst);
    }

    fn until(&self, now: i64) -> i64 {
        now.saturating_add(self.lease_ms.load(Ordering::SeqCst))
    }

    /// Records an input before its acknowledgement: false when it was recorded before (a
    /// re-delivery, through any replica). A store that cannot record it counts as new:
    /// better a rare double answer than a lost command.
    pub async fn hold(&self, key: &str, payload: &str) -> bool {
        let now = now_ms();
        let item = (self.kind, key, payload);
        match self
            .store
            .inbox_put_held(item, &self.holder, self.until(now), now)
            .await
        {
            Ok(first) => first,
            Err(e) => {
                tracing::error!(kind = self.kind, error = %e, "cannot record an acknowledged input; answering it without a record");
                true
            }
        }
    }

    /// Marks the input `key` answered.
    pub async fn done(&self, key: &str) {
        match self.store.inbox_done(key, &self.holder, now_ms()).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(kind = self.kind, input = %key, "an input was answered after another replica took it over")
            }
            Err(e) => {
                tracing::error!(kind = self.kind, input = %key, error = %e, "cannot mark an input answered; another replica may answer it again after its lease")
            }
        }
    }

    /// Up to `limit` inputs of this kind whose replica stopped before answering them (their
    /// lease ran out), now held by this one.
    pub async fn take_over(&self, limit: usize) -> Vec<store::InboxItem> {
        let now = now_ms();
        match self
            .store
            .inbox_claim(Some(self.kind), &self.holder, limit, self.until(now), now)
            .await
        {
            Ok(items) => items,
            Err(e) => {
                tracing::warn!(kind = self.kind, error = %e, "cannot look for unanswered inputs");
                Vec::new()
            }
        }
    }
}
