//! The Bot Connector REST API: how the bot speaks in Teams.
//!
//! | call | request |
//! |---|---|
//! | [`Connector::send`] | `POST {serviceUrl}/v3/conversations/{conversation}/activities` |
//! | [`Connector::update`] | `PUT {serviceUrl}/v3/conversations/{conversation}/activities/{activity}` |
//!
//! Every call carries our token ([`TokenSource`]); a 401 drops it and retries once with a
//! new one. Throttling (429, and 412/502/503/504, which the Bot Connector documents as
//! transient) is retried with the `Retry-After` it gives, else a doubling backoff, for at
//! most [`RETRY_BUDGET`] per call, then reported. Ids in the path are percent-encoded
//! (a channel's conversation id holds `:`, `@` and `;`).

use crate::token::TokenSource;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};

/// How long one call may spend waiting out throttling before it fails.
pub const RETRY_BUDGET: Duration = Duration::from_secs(120);
/// The first backoff when Teams gives no `Retry-After`.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// What a path segment keeps unescaped (RFC 3986's unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a call to the Bot Connector failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("cannot get a token for the Bot Connector: {0}")]
    Token(String),
    #[error("the Bot Connector at {url} cannot be reached: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the Bot Connector answered {status} to {method} {path}: {detail}")]
    Refused {
        status: u16,
        method: &'static str,
        path: String,
        detail: String,
    },
    #[error("the Bot Connector kept throttling {method} {path} for {waited:?}; gave up")]
    Throttled {
        method: &'static str,
        path: String,
        waited: Duration,
    },
    #[error("the service URL {0:?} is not an http(s) URL")]
    BadServiceUrl(String),
}

/// The Bot Connector client.
#[derive(Clone)]
pub struct Connector {
    http: reqwest::Client,
    tokens: TokenSource,
}

impl Connector {
    pub fn new(http: reqwest::Client, tokens: TokenSource) -> Connector {
        Connector { http, tokens }
    }

    /// Posts `activity` into `conversation` (a channel's id with `;messageid=` posts into
    /// that thread); the new activity's id.
    pub async fn send(
        &self,
        service_url: &str,
        conversation: &str,
        activity: &Value,
    ) -> Result<String, ConnectorError> {
        let path = format!(
            "v3/conversations/{}/activities",
            utf8_percent_encode(conversation, SEGMENT)
        );
        let answer = self
            .call(Method::POST, service_url, &path, activity)
            .await?;
        Ok(answer
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string())
    }

    /// Replaces the activity `activity_id` in `conversation` with `activity`.
    pub async fn update(
        &self,
        service_url: &str,
        conversation: &str,
        activity_id: &str,
        activity: &Value,
    ) -> Result<(), ConnectorError> {
        let path = format!(
            "v3/conversations/{}/activities/{}",
            utf8_percent_encode(conversation, SEGMENT),
            utf8_percent_encode(activity_id, SEGMENT)
        );
        self.call(Method::PUT, service_url, &path, activity)
            .await
            .map(|_| ())
    }

    async fn call(
        &self,
        method: Method,
        service_url: &str,
        path: &str,
        body: &Value,
    ) -> Result<Value, ConnectorError> {
        let base = service_url.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(ConnectorError::BadServiceUrl(service_url.to_string()));
        }
        let url = format!("{base}/{path}");
        let verb = if method == Method::PUT { "PUT" } else { "POST" };
        let started = Instant::now();
        let mut backoff = FIRST_BACKOFF;
        let mut renewed = false;
        loop {
            let token = self
                .tokens
                .token()
                .await
                .map_err(|e| ConnectorError::Token(e.to_string()))?;
            let sent = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(token)
                .json(body)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    return Err(ConnectorError::Unreachable {
                        url: base.to_string(),
                        reason: e.to_string(),
                    })
                }
            };
            let status = response.status();
            if status.is_success() {
                metrics::counter!("chatops_teams_connector_calls_total", "outcome" => "ok")
                    .increment(1);
                let text = response.text().await.unwrap_or_default();
                return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
            }
            if status == StatusCode::UNAUTHORIZED && !renewed {
                // An expired or revoked token: one new one, then the answer stands.
                self.tokens.invalidate();
                renewed = true;
                continue;
            }
            if transient(status) {
                metrics::counter!("chatops_teams_connector_calls_total", "outcome" => "throttled")
                    .increment(1);
                let wait = retry_after(response.headers()).unwrap_or(backoff);
                let waited = started.elapsed();
                if waited + wait > RETRY_BUDGET {
                    return Err(ConnectorError::Throttled {
                        method: verb,
                        path: path.to_string(),
                        waited,
                    });
                }
                tracing::info!(
                    status = status.as_u16(),
                    wait_ms = wait.as_millis() as u64,
                    path,
                    "Bot Connector throttling; retrying"
                );
                tokio::time::sleep(wait).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
            metrics::counter!("chatops_teams_connector_calls_total", "outcome" => "refused")
                .increment(1);
            let detail = response.text().await.unwrap_or_default();
            return Err(ConnectorError::Refused {
                status: status.as_u16(),
                method: verb,
                path: path.to_string(),
                detail: short(&detail),
            });
        }
    }
}

/// Statuses the Bot Connector asks to retry.
fn transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 412 | 429 | 502 | 503 | 504)
}

/// `Retry-After` in seconds (the form the Bot Connector uses), capped at a minute.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let secs: f64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(60.0)))
}

/// An error body cut to a readable length.
fn short(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_ids_are_one_path_segment() {
        let id = "19:abc@thread.tacv2;messageid=17";
        assert_eq!(
            utf8_percent_encode(id, SEGMENT).to_string(),
            "19%3Aabc%40thread.tacv2%3Bmessageid%3D17"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_caps_them() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(reqwest::header::RETRY_AFTER, "9999".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(60)));
        h.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
