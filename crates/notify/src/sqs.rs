//! Polling the SQS queues of `[[notifications]]` entries with `queue_url`: for a service
//! without a public URL. A message is deleted only after it reached every channel it
//! routes to; if the service stops in between, SQS shows it again after its visibility
//! timeout, and the delivery claims make sure no channel gets it twice.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::intake::Intake;
use crate::route::Route;

/// SQS's longest long-poll wait.
pub const WAIT_SECS: u32 = 20;

/// Polls every queue of the routes (each once) until `stop` is cancelled.
pub fn spawn_all(intake: Arc<Intake>, stop: CancellationToken) -> Vec<tokio::task::JoinHandle<()>> {
    let routes: Vec<Route> = intake.routes.queues().into_iter().cloned().collect();
    routes
        .into_iter()
        .map(|r| {
            let intake = intake.clone();
            let stop = stop.clone();
            tokio::spawn(async move { poll(intake, r, stop).await })
        })
        .collect()
}

/// One queue until `stop` is cancelled: receive, deliver, delete what was delivered; back
/// off (up to 30 s) while the queue cannot be read. Stopping ends a long poll at once (what
/// it would have received stays in the queue) and otherwise waits for the message being
/// delivered and deleted; messages received but not yet started reappear after their
/// visibility timeout.
pub async fn poll(intake: Arc<Intake>, route: Route, stop: CancellationToken) {
    let config::NotificationSource::Queue { url, raw } = route.source.clone() else {
        return;
    };
    let Some(account) = route.account.clone() else {
        tracing::error!(route = %route.name, queue = %url, "no account to poll the queue with; not polled");
        return;
    };
    let mut backoff = Duration::from_secs(1);
    loop {
        let received = tokio::select! {
            _ = stop.cancelled() => break,
            r = intake.aws().receive(&account, &url, WAIT_SECS) => r,
        };
        let messages = match received {
            Ok(m) => {
                backoff = Duration::from_secs(1);
                m
            }
            Err(e) => {
                tracing::warn!(route = %route.name, queue = %url, error = %e, retry_in = ?backoff, "cannot read the queue");
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        for m in messages {
            if stop.is_cancelled() {
                break;
            }
            failpoint("sqs-after-receive").await;
            if intake.sqs_message(&route, raw, &m).await {
                failpoint("sqs-before-delete").await;
                if let Err(e) = intake.aws().delete(&account, &url, &m.receipt_handle).await {
                    // Shown again after its visibility timeout; the claims keep it from
                    // being posted twice.
                    tracing::warn!(route = %route.name, message_id = %m.message_id, error = %e, "cannot delete a delivered SQS message");
                }
            }
        }
    }
}

/// Fault injection for the crash tests: when `CHATOPS_FAILPOINT` names this point, the
/// poller stops here for good (the test then kills the process), so a test can stop the
/// service exactly between receiving a message and deleting it.
async fn failpoint(name: &str) {
    if std::env::var("CHATOPS_FAILPOINT").is_ok_and(|v| v == name) {
        tracing::warn!(failpoint = name, "CHATOPS_FAILPOINT: stopping here");
        std::future::pending::<()>().await;
    }
}
