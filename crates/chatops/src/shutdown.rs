//! Stopping `chatops serve` on SIGTERM or SIGINT without cutting work in half.
//!
//! One [`CancellationToken`] is the signal: the HTTP server stops accepting (axum's graceful
//! shutdown) and finishes the requests it is serving; the background loops (sweeps, relays,
//! SQS pollers, upkeep) see it at their next safe point — between two rounds, never inside
//! one; chat events already being answered ([`TrackedHandler`]) and Slack's work after an ack
//! run to the end. All of that within one drain deadline (25 s by default, under the 30 s
//! orchestrators usually wait before SIGKILL); what is still running then is logged by name
//! and the process exits 0 anyway. A second signal exits at once.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use engine::{Handler, Inbound, Outbound};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The drain's default bound.
pub const DEFAULT_DRAIN: Duration = Duration::from_secs(25);

/// Cancels `stop` on the first SIGTERM or SIGINT; exits the process at once on a second.
pub fn on_signals(stop: CancellationToken, drain: Duration) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
    let mut int =
        signal(SignalKind::interrupt()).map_err(|e| format!("cannot listen for SIGINT: {e}"))?;
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            if first {
                first = false;
                tracing::info!(
                    signal = name,
                    drain_secs = drain.as_secs_f64(),
                    "stopping: no new connections; finishing the work in flight"
                );
                stop.cancel();
            } else {
                tracing::warn!(signal = name, "a second signal: exiting now");
                std::process::exit(crate::exit::FAILED);
            }
        }
    });
    Ok(())
}

/// Work that is counted while it runs, by a description, so the drain can wait for it and
/// say what it waited for in vain.
#[derive(Default)]
pub struct InFlight {
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, (String, Instant)>>,
    idle: Notify,
}

impl InFlight {
    fn begin(self: &Arc<Self>, what: String, gauge: &'static str) -> Ticket {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, (what, Instant::now()));
        metrics::gauge!(gauge).increment(1.0);
        Ticket {
            of: self.clone(),
            id,
            gauge,
        }
    }

    /// How many are running.
    pub fn count(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// What is running, and for how long, oldest first.
    pub fn describe(&self) -> Vec<String> {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .map(|(what, since)| format!("{what} ({:.1} s)", since.elapsed().as_secs_f64()))
            .collect()
    }

    /// Waits until nothing runs.
    pub async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// One running piece of work; dropping it (however the work ends) takes it off the list.
struct Ticket {
    of: Arc<InFlight>,
    id: u64,
    gauge: &'static str,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.of.open.lock().unwrap_or_else(|e| e.into_inner());
        open.remove(&self.id);
        let empty = open.is_empty();
        drop(open);
        metrics::gauge!(self.gauge).decrement(1.0);
        if empty {
            self.of.idle.notify_waiters();
        }
    }
}

/// Middleware for the whole router: counts each HTTP request while it is served.
pub async fn track_requests(
    State(in_flight): State<Arc<InFlight>>,
    req: Request,
    next: Next,
) -> Response {
    let what = format!("{} {}", req.method(), req.uri().path());
    let _ticket = in_flight.begin(what, crate::telemetry::HTTP_IN_FLIGHT);
    next.run(req).await
}

/// A handler that counts the events it is answering, for the drain: web chat and Slack
/// events are answered in tasks of their own, outside any HTTP request.
pub struct TrackedHandler {
    inner: Arc<dyn Handler>,
    turns: Arc<InFlight>,
}

impl TrackedHandler {
    pub fn new(inner: Arc<dyn Handler>, turns: Arc<InFlight>) -> TrackedHandler {
        TrackedHandler { inner, turns }
    }
}

impl Handler for TrackedHandler {
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> Pin<Box<dyn Future<Output = Vec<Outbound>> + Send + 'a>> {
        // Workspace and a kind only: channels and users stay out of logs about the drain.
        let what = format!(
            "a {} event in workspace {}",
            match event.event {
                engine::Event::Text { .. } => "text",
                engine::Event::Action { .. } => "button",
                engine::Event::Form { .. } => "form",
            },
            event.workspace
        );
        let ticket = self.turns.begin(what, crate::telemetry::TURNS_IN_FLIGHT);
        let work = self.inner.handle(event);
        Box::pin(async move {
            let out = work.await;
            drop(ticket);
            out
        })
    }

    fn sweep(&self) -> engine::SweepFuture<'_> {
        self.inner.sweep()
    }
}

/// A background loop, named for the log.
pub struct Task {
    pub name: &'static str,
    pub handle: tokio::task::JoinHandle<()>,
}

/// What the drain waits for.
pub struct Drain {
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    pub tasks: Vec<Task>,
    pub requests: Arc<InFlight>,
    pub turns: Arc<InFlight>,
    pub slack: Option<slack::Slack>,
    pub teams: Option<teams::server::Teams>,
}

impl Drain {
    /// Waits for everything, up to `bound` from now; logs what was still running when the
    /// bound passed. The server's own error, if it failed, is returned.
    pub async fn run(self, bound: Duration) -> std::io::Result<()> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + bound;
        let mut left: Vec<String> = Vec::new();
        let mut server_result = Ok(());
        match tokio::time::timeout_at(deadline, self.server).await {
            Ok(Ok(r)) => server_result = r,
            Ok(Err(e)) => tracing::error!(error = %e, "the HTTP server task failed"),
            Err(_) => left.extend(
                self.requests
                    .describe()
                    .into_iter()
                    .map(|r| format!("request {r}")),
            ),
        }
        if tokio::time::timeout_at(deadline, self.turns.idle())
            .await
            .is_err()
        {
            left.extend(self.turns.describe());
        }
        if let Some(slack) = &self.slack {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if !slack.wait_idle(remaining).await {
                left.push(format!(
                    "{} Slack deliveries after an ack",
                    slack.in_flight()
                ));
            }
        }
        if let Some(teams) = &self.teams {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if !teams.wait_idle(remaining).await {
                left.push(format!(
                    "{} Teams deliveries after an ack",
                    teams.in_flight()
                ));
            }
        }
        for t in self.tasks {
            let abort = t.handle.abort_handle();
            if tokio::time::timeout_at(deadline, t.handle).await.is_err() {
                abort.abort();
                left.push(format!("background task {}", t.name));
            }
        }
        if left.is_empty() {
            tracing::info!(
                took_ms = started.elapsed().as_millis() as u64,
                "stopped: all work in flight finished"
            );
        } else {
            tracing::warn!(
                drain_secs = bound.as_secs_f64(),
                still_running = ?left,
                "stopped at the drain deadline with work still running"
            );
        }
        server_result
    }
}
