//! `GET /metrics`: the process's metrics in the Prometheus text exposition format (0.0.4).
//!
//! The library crates record through the `metrics` facade (one line where the event
//! happens; a no-op in processes that install nothing, such as `chatops run`); this module
//! installs the one exporter, `metrics-exporter-prometheus` with its default features off —
//! only the registry and the text rendering, no HTTP listener or push gateway of its own
//! (the route is served by the same axum server as everything else) and no protobuf. It was
//! chosen over `prometheus-client`, whose registry must be passed to every place that
//! records, which would thread a handle through every crate; the facade keeps the
//! instrumentation one line and the exporter a choice of this binary. Build cost: about a
//! dozen small crates (the `metrics` facade, `metrics-util`'s storage, `quanta`, `evmap`).
//!
//! No sign-in, like `/healthz`: the metrics carry no user, channel or message text (labels
//! are bounded sets), but they show traffic, so the port should not be reachable from the
//! internet; when `CHATOPS_METRICS_TOKEN` is set, a scrape must send
//! `Authorization: Bearer <token>`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics::Unit;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio_util::sync::CancellationToken;

/// The token a scrape must present, when set.
pub const ENV_TOKEN: &str = "CHATOPS_METRICS_TOKEN";

/// Histogram buckets, in seconds, for every latency: from a fast store read (1 ms) to an
/// AWS call at its deadline (60 s).
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// HTTP requests being served now (for the drain on shutdown, and to see load).
pub const HTTP_IN_FLIGHT: &str = "chatops_http_requests_in_flight";
/// Engine turns (chat events being answered) now.
pub const TURNS_IN_FLIGHT: &str = "chatops_engine_turns_in_flight";

/// Installs the process-wide recorder and describes every metric; the handle renders them.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets(BUCKETS)
        .and_then(|b| b.install_recorder())
        .map_err(|e| format!("cannot start the metrics registry: {e}"))?;
    describe();
    Ok(handle)
}

/// The route, reading `CHATOPS_METRICS_TOKEN` once.
pub fn router(handle: PrometheusHandle) -> Router {
    let token = std::env::var(ENV_TOKEN)
        .ok()
        .filter(|t| !t.trim().is_empty());
    Router::new()
        .route("/metrics", get(scrape))
        .with_state((handle, token))
}

/// Drains the histograms' pending samples every few seconds (the exporter's upkeep), until
/// `stop` is cancelled.
pub fn spawn_upkeep(
    handle: PrometheusHandle,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => handle.run_upkeep(),
            }
        }
    })
}

/// Connections of the store's pool, by `state` (in_use, idle, max); PostgreSQL only.
pub const POOL_CONNECTIONS: &str = "chatops_store_pool_connections";

/// Samples the store's pool every 5 s into [`POOL_CONNECTIONS`], until `stop`.
pub fn spawn_pool_gauges(
    store: Arc<dyn store::Store>,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => {}
            }
            let Some(u) = store.pool_usage() else {
                break;
            };
            metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use").set(u.in_use as f64);
            metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(u.idle as f64);
            metrics::gauge!(POOL_CONNECTIONS, "state" => "max").set(u.max as f64);
        }
    })
}

async fn scrape(
    State((handle, token)): State<(PrometheusHandle, Option<String>)>,
    headers: HeaderMap,
) -> Response {
    if let Some(want) = &token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same(given.as_bytes(), want.as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                format!("GET /metrics needs Authorization: Bearer <{ENV_TOKEN}>\n"),
            )
                .into_response();
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Compares in time independent of where the two differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// HELP and unit of every metric the crates record.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        engine::telemetry::COMMANDS,
        Unit::Count,
        "Commands by service, outcome (shown, invalid, refused, asked, awaiting_run, cancelled, ran, failed) and decision (allowed, explicitDeny, implicitDeny, undecided)."
    );
    describe_histogram!(
        engine::telemetry::TURN_SECONDS,
        Unit::Seconds,
        "Time the engine took to answer one chat event, by outcome."
    );
    describe_histogram!(
        wire::telemetry::AWS_CALL_SECONDS,
        Unit::Seconds,
        "AWS call latency, retries included, by service and result."
    );
    describe_counter!(
        slack::telemetry::REQUESTS,
        Unit::Count,
        "Requests to the Slack endpoints by kind (event, interactivity, slash_command) and the HTTP status acked."
    );
    describe_histogram!(
        slack::telemetry::ACK_SECONDS,
        Unit::Seconds,
        "Time to ack a Slack request, by kind."
    );
    describe_counter!(
        slack::telemetry::RETRIES,
        Unit::Count,
        "Event deliveries Slack marked as retries (x-slack-retry-num), by reason."
    );
    describe_counter!(
        slack::telemetry::API_CALLS,
        Unit::Count,
        "Slack Web API calls by method and result (ok, slack_error, rate_limited, http_error, transport, bad_answer, not_sent)."
    );
    describe_counter!(
        slack::telemetry::API_RATE_LIMITED,
        Unit::Count,
        "429 answers from the Slack Web API (each waited out and retried), by method."
    );
    describe_counter!(
        notify::telemetry::RECEIVED,
        Unit::Count,
        "Notifications received by source (sns, sqs) and kind (alarm, event, custom, text, unsupported)."
    );
    describe_counter!(
        notify::telemetry::DELIVERIES,
        Unit::Count,
        "What became of a notification in one channel (delivered, duplicate, failed, busy, muted, filtered, held, dropped)."
    );
    describe_gauge!(
        webchat::telemetry::CONNECTIONS,
        Unit::Count,
        "Web chat WebSocket connections open."
    );
    describe_counter!(
        webchat::telemetry::MESSAGES,
        Unit::Count,
        "Web chat frames by direction (received, sent)."
    );
    describe_histogram!(
        store::STORE_SECONDS,
        Unit::Seconds,
        "Store call latency by operation and result (ok, error)."
    );
    describe_gauge!(HTTP_IN_FLIGHT, Unit::Count, "HTTP requests being served.");
    describe_gauge!(
        TURNS_IN_FLIGHT,
        Unit::Count,
        "Chat events the engine is answering."
    );
}
