//! Work that must run on one replica at a time (polling the SQS queues): a lease in the
//! store, held by whichever replica takes it first and renewed while that replica lives.
//! When the holder dies its lease runs out and another replica takes the work over; when it
//! stops cleanly it gives the lease back at once.

use std::future::Future;
use std::time::Duration;

use store::AsyncStore;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How long a taken lease lasts without renewal: how long the work may stop after its
/// replica dies.
pub const LEASE: Duration = Duration::from_secs(20);
/// How often the lease is renewed, or tried by replicas that do not hold it.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);

/// This process's name as a lease holder: unique among replicas and restarts.
pub fn holder_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    let nonce = store::new_pending_id().unwrap_or_default();
    format!("{host}:{}:{nonce}", std::process::id())
}

/// Keeps trying to hold lease `name` until `stop`; the watch says whether this replica holds
/// it now. A store that cannot be reached counts as not holding it (the others cannot
/// renew either, so the work pauses rather than running twice).
pub fn spawn_lease(
    store: AsyncStore,
    name: &'static str,
    holder: String,
    stop: CancellationToken,
) -> (watch::Receiver<bool>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(RENEW_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => {}
            }
            let now = engine::system_clock()();
            let held = match store
                .try_lease(name, &holder, now + LEASE.as_millis() as i64, now)
                .await
            {
                Ok(held) => held,
                Err(e) => {
                    tracing::warn!(lease = name, error = %e, "cannot renew a lease; its work pauses here");
                    false
                }
            };
            if *tx.borrow() != held {
                tracing::info!(lease = name, held, "lease changed hands");
            }
            tx.send_if_modified(|was| std::mem::replace(was, held) != held);
        }
        let _ = tx.send(false);
        if let Err(e) = store.release_lease(name, &holder).await {
            tracing::warn!(lease = name, error = %e, "cannot give a lease back; it runs out by itself");
        }
    });
    (rx, task)
}

/// Runs the work `start` spawns while this replica holds the lease: started when it is
/// taken, stopped (its token cancelled, its tasks awaited) when it is lost or at `stop`.
pub fn while_held<F, Fut>(
    mut held: watch::Receiver<bool>,
    stop: CancellationToken,
    start: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(CancellationToken) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<tokio::task::JoinHandle<()>>> + Send,
{
    tokio::spawn(async move {
        loop {
            // Wait to hold it.
            tokio::select! {
                _ = stop.cancelled() => return,
                r = held.wait_for(|h| *h) => if r.is_err() { return },
            }
            let work = stop.child_token();
            let tasks = start(work.clone()).await;
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = held.wait_for(|h| !*h) => {}
            }
            work.cancel();
            for t in tasks {
                let _ = t.await;
            }
            if stop.is_cancelled() {
                return;
            }
        }
    })
}
