//! A small client for Slack's Web API: the ten methods the bot calls, a configurable base URL
//! (a local double in tests), the bot token as a bearer header, `ok: false` as a typed error
//! carrying Slack's `error` code, and Slack's rate limits kept per workspace
//! ([`crate::pacing`]): calls paced within their tier, a `429 Too Many Requests` honoured by
//! holding the method until its `Retry-After` and sending the same call again (delivered
//! once, late, never dropped nor doubled), calls to one channel kept in order. One call
//! waits at most [`WebApi::max_total_wait`] in all, then fails naming the method and the
//! workspace.
//!
//! Write methods (`chat.*`, `views.open`) send JSON bodies; read methods and the file upload
//! steps send form bodies, which every method accepts (some read methods ignore JSON).

use crate::blocks::FileUpload;
use crate::pacing::Gate;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Slack's production API.
pub const DEFAULT_BASE_URL: &str = "https://slack.com/api/";

/// What went wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Slack answered `ok: false` with this `error` code (`channel_not_found`,
    /// `not_in_channel`, `invalid_auth`, …).
    #[error("{method}: Slack answered error `{error}`")]
    Slack { method: String, error: String },
    /// Still rate limited (429s, holds and pacing) when the call's wait ran out, or after the
    /// allowed retries: not sent.
    #[error("{method}: rate limited by Slack in workspace {}: not sent after {attempts} attempt(s) and {:.1} s of waiting", workspace_label(workspace), *waited_ms as f64 / 1000.0)]
    RateLimited {
        method: String,
        /// The team the token serves (empty when unknown).
        workspace: String,
        /// Requests made (0: the wait ran out before the first).
        attempts: u32,
        waited_ms: u64,
    },
    /// Another HTTP status.
    #[error("{method}: HTTP {status}")]
    Status { method: String, status: u16 },
    /// No answer (connection refused, timeout).
    #[error("{method}: {detail}")]
    Transport { method: String, detail: String },
    /// An answer that is not Slack's JSON, or lacks a field we need.
    #[error("{method}: unexpected answer: {detail}")]
    BadAnswer { method: String, detail: String },
    /// Nothing was sent: no token serves the team, or the message to update is unknown.
    #[error("{0}")]
    NotSent(String),
}

impl ApiError {
    /// Slack's `error` code, when Slack answered `ok: false`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Slack { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The workspace as errors name it.
fn workspace_label(team: &str) -> &str {
    if team.is_empty() {
        "(the bot token's)"
    } else {
        team
    }
}

/// `auth.test`: who the token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthTest {
    pub team_id: String,
    pub user_id: String,
    pub bot_id: Option<String>,
}

/// The upload URL `files.getUploadURLExternal` hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTicket {
    pub upload_url: String,
    pub file_id: String,
}

/// A Web API client for one bot token.
#[derive(Clone)]
pub struct WebApi {
    http: reqwest::Client,
    base: String,
    token: String,
    /// Retries after a 429 before giving up.
    pub max_retries: u32,
    /// The longest wait for one `Retry-After` (longer ones are cut to this, and the call
    /// tried again then).
    pub max_wait: Duration,
    /// The longest one call waits in all (its turn in the channel, pacing, holds, 429s)
    /// before it fails with [`ApiError::RateLimited`].
    pub max_total_wait: Duration,
    /// Pacing, holds and channel order, shared by every clone (one token, one workspace).
    gate: Arc<Gate>,
    /// The team the token serves, for errors and logs (empty when unknown).
    workspace: String,
}

impl std::fmt::Debug for WebApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebApi")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

enum Body<'a> {
    Json(&'a Value),
    Form(&'a [(&'a str, &'a str)]),
}

impl Body<'_> {
    /// The channel the call posts to, if it names one (`channel`, or `channel_id` of a
    /// file upload's completion).
    fn channel(&self) -> Option<&str> {
        match self {
            Body::Json(v) => v.get("channel").and_then(Value::as_str),
            Body::Form(f) => f
                .iter()
                .find(|(k, _)| *k == "channel" || *k == "channel_id")
                .map(|(_, v)| *v),
        }
        .filter(|c| !c.is_empty())
    }
}

impl WebApi {
    /// A client calling `base` (e.g. `https://slack.com/api/`; a missing trailing `/` is
    /// added) with `token`.
    pub fn new(token: impl Into<String>, base: impl Into<String>) -> WebApi {
        let mut base = base.into();
        if !base.ends_with('/') {
            base.push('/');
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        WebApi {
            http,
            base,
            token: token.into(),
            max_retries: 30,
            max_wait: Duration::from_secs(60),
            max_total_wait: Duration::from_secs(120),
            gate: Arc::new(Gate::default()),
            workspace: String::new(),
        }
    }

    /// Names the team this client's token serves (in errors and logs).
    pub fn for_workspace(mut self, team: impl Into<String>) -> WebApi {
        self.workspace = team.into();
        self
    }

    /// The team this client's token serves, when known.
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// Turns pacing within Slack's tiers on or off for this client and its clones (429s
    /// are honoured either way). On by default.
    pub fn set_pacing(&self, on: bool) {
        self.gate.set_paced(on);
    }

    pub fn is_paced(&self) -> bool {
        self.gate.is_paced()
    }

    /// How much longer calls of `method` are held by a 429 in this workspace (logs, tests).
    pub fn held_for(&self, method: &str) -> Option<Duration> {
        let now = Instant::now();
        self.gate.held_until(method, now).map(|until| until - now)
    }

    /// The base URL methods are called under.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Calls `method` with a JSON body; the answer when `ok` is true.
    pub async fn call_json(&self, method: &str, body: &Value) -> Result<Value, ApiError> {
        let url = format!("{}{method}", self.base);
        self.send(method, &url, Body::Json(body), true).await
    }

    /// Calls `method` with a form body.
    pub async fn call_form(
        &self,
        method: &str,
        fields: &[(&str, &str)],
    ) -> Result<Value, ApiError> {
        let url = format!("{}{method}", self.base);
        self.send(method, &url, Body::Form(fields), true).await
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Body<'_>,
        auth: bool,
    ) -> Result<Value, ApiError> {
        let result = self.send_with_retries(method, url, body, auth).await;
        crate::telemetry::api_call(method, &result);
        result
    }

    async fn send_with_retries(
        &self,
        method: &str,
        url: &str,
        body: Body<'_>,
        auth: bool,
    ) -> Result<Value, ApiError> {
        let started = Instant::now();
        let patience = crate::pacing::policy(method)
            .patience
            .map_or(self.max_total_wait, |p| p.min(self.max_total_wait));
        let deadline = started + patience;
        // One call at a time per channel, in arrival order: a message waiting out a 429 is
        // not overtaken by the next one to the same channel.
        let channel = body.channel();
        let turn = channel.map(|c| self.gate.channel_turn(c));
        let _turn = match &turn {
            Some(t) => Some(
                tokio::time::timeout_at(deadline, t.lock())
                    .await
                    .map_err(|_| self.gave_up(method, 0, started))?,
            ),
            None => None,
        };
        let now = Instant::now();
        let slot = self
            .gate
            .reserve(
                method,
                channel,
                now,
                deadline.saturating_duration_since(now),
            )
            .map_err(|_| self.gave_up(method, 0, started))?;
        self.wait_until(method, now + slot, deadline, 0, started)
            .await?;
        let mut attempt = 0u32;
        loop {
            if let Some(until) = self.gate.held_until(method, Instant::now()) {
                self.wait_until(method, until, deadline, attempt, started)
                    .await?;
            }
            attempt += 1;
            let mut req = self.http.post(url);
            if auth {
                req = req.bearer_auth(&self.token);
            }
            req = match &body {
                Body::Json(v) => req
                    .header("content-type", "application/json; charset=utf-8")
                    .body(serde_json::to_vec(v).unwrap_or_default()),
                Body::Form(f) => {
                    let encoded = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(f.iter())
                        .finish();
                    req.header("content-type", "application/x-www-form-urlencoded")
                        .body(encoded)
                }
            };
            let resp = req.send().await.map_err(|e| ApiError::Transport {
                method: method.to_string(),
                detail: e.to_string(),
            })?;
            let status = resp.status().as_u16();
            if status == 429 {
                crate::telemetry::rate_limited(method);
                let wait = retry_after(resp.headers()).min(self.max_wait);
                let until = Instant::now() + wait;
                // Every call of this method in the workspace waits, not only this one.
                self.gate.hold(method, until);
                tracing::warn!(
                    method,
                    workspace = %self.workspace,
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "Slack rate limit (429): holding the method, then sending again"
                );
                if attempt > self.max_retries {
                    return Err(self.gave_up(method, attempt, started));
                }
                self.wait_until(method, until, deadline, attempt, started)
                    .await?;
                continue;
            }
            let bytes = resp.bytes().await.map_err(|e| ApiError::Transport {
                method: method.to_string(),
                detail: e.to_string(),
            })?;
            if !(200..300).contains(&status) {
                return Err(ApiError::Status {
                    method: method.to_string(),
                    status,
                });
            }
            return parse_answer(method, &bytes);
        }
    }

    /// Sleeps until `until`, or fails at once when that is past the call's `deadline`.
    async fn wait_until(
        &self,
        method: &str,
        until: Instant,
        deadline: Instant,
        attempts: u32,
        started: Instant,
    ) -> Result<(), ApiError> {
        if until > deadline {
            return Err(self.gave_up(method, attempts, started));
        }
        // No wait, no yield: an unpaced call goes out as it did before pacing existed.
        if until > Instant::now() {
            tokio::time::sleep_until(until).await;
        }
        Ok(())
    }

    fn gave_up(&self, method: &str, attempts: u32, started: Instant) -> ApiError {
        let e = ApiError::RateLimited {
            method: method.to_string(),
            workspace: self.workspace.clone(),
            attempts,
            waited_ms: started.elapsed().as_millis() as u64,
        };
        tracing::error!(error = %e, "Slack call given up");
        e
    }

    /// `chat.postMessage` with a body from [`crate::SlackMessage::post_body`]; the new
    /// message's `ts`.
    pub async fn post_message(&self, body: &Value) -> Result<String, ApiError> {
        let v = self.call_json("chat.postMessage", body).await?;
        str_field("chat.postMessage", &v, "ts")
    }

    /// `chat.postEphemeral`; the `message_ts` Slack gives the ephemeral message.
    pub async fn post_ephemeral(&self, body: &Value) -> Result<String, ApiError> {
        let v = self.call_json("chat.postEphemeral", body).await?;
        str_field("chat.postEphemeral", &v, "message_ts")
    }

    /// `chat.update` with a body from [`crate::SlackMessage::update_body`].
    pub async fn update(&self, body: &Value) -> Result<(), ApiError> {
        self.call_json("chat.update", body).await.map(|_| ())
    }

    /// `views.open`: opens `view` in answer to the action that gave `trigger_id`.
    pub async fn views_open(&self, trigger_id: &str, view: &Value) -> Result<(), ApiError> {
        self.call_json(
            "views.open",
            &json!({ "trigger_id": trigger_id, "view": view }),
        )
        .await
        .map(|_| ())
    }

    /// `files.getUploadURLExternal`.
    pub async fn upload_url(&self, name: &str, length: usize) -> Result<UploadTicket, ApiError> {
        let m = "files.getUploadURLExternal";
        let len = length.to_string();
        let v = self
            .call_form(m, &[("filename", name), ("length", &len)])
            .await?;
        Ok(UploadTicket {
            upload_url: str_field(m, &v, "upload_url")?,
            file_id: str_field(m, &v, "file_id")?,
        })
    }

    /// The whole upload: an upload URL, the bytes POSTed to it, then
    /// `files.completeUploadExternal` sharing the file in `channel` (in `thread_ts`).
    /// Returns the file id.
    pub async fn upload_file(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        file: &FileUpload,
    ) -> Result<String, ApiError> {
        let ticket = self.upload_url(&file.name, file.content.len()).await?;
        let m = "file upload";
        let resp = self
            .http
            .post(&ticket.upload_url)
            .header("content-type", file.content_type.as_str())
            .body(file.content.clone())
            .send()
            .await
            .map_err(|e| ApiError::Transport {
                method: m.into(),
                detail: e.to_string(),
            })?;
        if !resp.status().is_success() {
            return Err(ApiError::Status {
                method: m.into(),
                status: resp.status().as_u16(),
            });
        }
        let mut entry = json!({ "id": ticket.file_id, "title": file.name });
        if let Some(alt) = &file.alt {
            entry["alt_txt"] = json!(alt);
        }
        let files = Value::Array(vec![entry]).to_string();
        let mut fields = vec![("files", files.as_str()), ("channel_id", channel)];
        if let Some(ts) = thread_ts {
            fields.push(("thread_ts", ts));
        }
        self.call_form("files.completeUploadExternal", &fields)
            .await?;
        Ok(ticket.file_id)
    }

    /// `users.info`: the `user` object.
    pub async fn users_info(&self, user: &str) -> Result<Value, ApiError> {
        let v = self.call_form("users.info", &[("user", user)]).await?;
        Ok(v.get("user").cloned().unwrap_or(Value::Null))
    }

    /// `conversations.info`: the `channel` object.
    pub async fn conversations_info(&self, channel: &str) -> Result<Value, ApiError> {
        let v = self
            .call_form("conversations.info", &[("channel", channel)])
            .await?;
        Ok(v.get("channel").cloned().unwrap_or(Value::Null))
    }

    /// `auth.test`: the team, the bot user and the bot id of the token.
    pub async fn auth_test(&self) -> Result<AuthTest, ApiError> {
        let m = "auth.test";
        let v = self.call_form(m, &[]).await?;
        Ok(AuthTest {
            team_id: str_field(m, &v, "team_id")?,
            user_id: str_field(m, &v, "user_id")?,
            bot_id: v.get("bot_id").and_then(Value::as_str).map(str::to_string),
        })
    }

    /// POSTs `body` to an interaction's or slash command's `response_url` (no token: the
    /// URL is the credential). Slack answers `ok` as plain text or JSON.
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), ApiError> {
        let m = "response_url";
        let v = self.send(m, response_url, Body::Json(body), false).await;
        match v {
            Ok(_) => Ok(()),
            // Slack's hooks answer a bare `ok`.
            Err(ApiError::BadAnswer { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// `Retry-After` in seconds (Slack sends whole seconds); 1 s when absent or unreadable.
fn retry_after(h: &reqwest::header::HeaderMap) -> Duration {
    h.get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::from_secs(1), Duration::from_secs_f64)
}

fn parse_answer(method: &str, bytes: &[u8]) -> Result<Value, ApiError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ApiError::BadAnswer {
        method: method.to_string(),
        detail: format!("not JSON ({e})"),
    })?;
    match v.get("ok").and_then(Value::as_bool) {
        Some(true) => Ok(v),
        Some(false) => Err(ApiError::Slack {
            method: method.to_string(),
            error: v
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown_error")
                .to_string(),
        }),
        None => Err(ApiError::BadAnswer {
            method: method.to_string(),
            detail: "no `ok` field".into(),
        }),
    }
}

fn str_field(method: &str, v: &Value, field: &str) -> Result<String, ApiError> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ApiError::BadAnswer {
            method: method.to_string(),
            detail: format!("`{field}` missing"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_errors() {
        assert!(parse_answer("m", br#"{"ok":true,"ts":"1.2"}"#).is_ok());
        let e = parse_answer(
            "chat.postMessage",
            br#"{"ok":false,"error":"not_in_channel"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), Some("not_in_channel"));
        assert!(e.to_string().contains("not_in_channel"), "{e}");
        assert!(matches!(
            parse_answer("m", b"ok"),
            Err(ApiError::BadAnswer { .. })
        ));
        assert!(matches!(
            parse_answer("m", b"{}"),
            Err(ApiError::BadAnswer { .. })
        ));
    }

    #[test]
    fn retry_after_header() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&h), Duration::from_secs(1));
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Duration::from_secs(2));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), Duration::from_secs(1));
    }

    #[test]
    fn base_url_gets_a_slash() {
        assert_eq!(WebApi::new("x", "http://h/api").base_url(), "http://h/api/");
    }
}
