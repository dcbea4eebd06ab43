//! Slack traffic as metrics (the `metrics` facade; a no-op unless the process installed an
//! exporter): the requests Slack makes and how they were acknowledged, the retries it sent,
//! and the Web API calls made back. Labels are bounded: the endpoint kind, an HTTP status,
//! a Web API method name from this crate's code, a result kind — never a team, channel or
//! user.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::events::Retry;
use crate::webapi::ApiError;

/// Requests to the Slack endpoints by kind (`event`, `interactivity`, `slash_command`) and
/// the HTTP status they were answered (acked) with.
pub const REQUESTS: &str = "chatops_slack_requests_total";
/// How long the answer (the ack) took, by kind.
pub const ACK_SECONDS: &str = "chatops_slack_ack_duration_seconds";
/// Event deliveries Slack marked as retries (`x-slack-retry-num`), by Slack's reason.
pub const RETRIES: &str = "chatops_slack_retries_total";
/// Web API calls by method and result (`ok`, `slack_error`, `rate_limited`, …).
pub const API_CALLS: &str = "chatops_slack_api_calls_total";
/// `429 Too Many Requests` answers seen (each is waited out and retried), by method.
pub const API_RATE_LIMITED: &str = "chatops_slack_api_rate_limited_total";

/// Slack's documented retry reasons; anything else is counted as `other`.
const RETRY_REASONS: &[&str] = &[
    "http_timeout",
    "too_many_redirects",
    "connection_failed",
    "ssl_error",
    "http_error",
    "unknown_error",
];

/// Middleware for the Slack routes: counts each request by kind and answer status, and
/// times the answer.
pub(crate) async fn count_requests(req: Request, next: Next) -> Response {
    let kind = match req.uri().path() {
        "/slack/events" => "event",
        "/slack/interactivity" => "interactivity",
        "/slack/commands" => "slash_command",
        _ => "other",
    };
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "kind" => kind, "status" => status).increment(1);
    metrics::histogram!(ACK_SECONDS, "kind" => kind).record(started.elapsed().as_secs_f64());
    response
}

/// Counts an event delivery that Slack marked as a retry.
pub(crate) fn retry_seen(retry: Option<&Retry>) {
    let Some(r) = retry else {
        return;
    };
    let reason = r
        .reason
        .as_deref()
        .and_then(|r| RETRY_REASONS.iter().find(|k| **k == r).copied())
        .unwrap_or(if r.reason.is_some() { "other" } else { "none" });
    metrics::counter!(RETRIES, "reason" => reason).increment(1);
}

/// Counts one finished Web API call.
pub(crate) fn api_call(method: &str, result: &Result<Value, ApiError>) {
    let result = match result {
        Ok(_) => "ok",
        Err(ApiError::Slack { .. }) => "slack_error",
        Err(ApiError::RateLimited { .. }) => "rate_limited",
        Err(ApiError::Status { .. }) => "http_error",
        Err(ApiError::Transport { .. }) => "transport",
        Err(ApiError::BadAnswer { .. }) => "bad_answer",
        Err(ApiError::NotSent(_)) => "not_sent",
    };
    metrics::counter!(API_CALLS, "method" => method.to_string(), "result" => result).increment(1);
}

/// Counts one `429` answer.
pub(crate) fn rate_limited(method: &str) {
    metrics::counter!(API_RATE_LIMITED, "method" => method.to_string()).increment(1);
}
