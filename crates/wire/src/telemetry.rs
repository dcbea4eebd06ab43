//! AWS call latency as a metric (the `metrics` facade; a no-op unless the process installed
//! an exporter). Labelled by botocore's service name and a small set of results, never by
//! an error message or resource.

use std::time::Instant;

use serde_json::Value;

use crate::client::CallError;

/// How long one AWS call took, retries included, by service and result.
pub const AWS_CALL_SECONDS: &str = "chatops_aws_call_duration_seconds";

/// The result of a call as a label: `ok`, `throttled`, `client_error`, `server_error`,
/// `timeout`, `network`, `malformed`, `credentials` or `invalid`.
pub fn result_label(result: &Result<Value, CallError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(CallError::Aws { error, .. }) if error.status >= 500 => "server_error",
        Err(CallError::Aws { error, .. }) if crate::client::is_retryable(error) => "throttled",
        Err(CallError::Aws { .. }) => "client_error",
        Err(CallError::TimedOut { .. }) => "timeout",
        Err(CallError::Network { .. }) => "network",
        Err(CallError::Malformed(_)) => "malformed",
        Err(CallError::Credentials(_)) => "credentials",
        Err(CallError::Wire(_)) => "invalid",
    }
}

/// Records one finished call.
pub(crate) fn call_done(service: &str, result: &Result<Value, CallError>, started: Instant) {
    let service = if service.is_empty() {
        "unknown"
    } else {
        service
    };
    metrics::histogram!(AWS_CALL_SECONDS, "service" => service.to_string(), "result" => result_label(result))
        .record(started.elapsed().as_secs_f64());
}
