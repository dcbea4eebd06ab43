//! A local double of Slack's Web API that records every call, requests signed exactly as
//! Slack signs them, payload builders shaped like Slack's documented ones, and the Slack
//! surface served on loopback in front of an engine (or a stub handler).
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use engine::{Handler, Inbound, Outbound};
use serde_json::{json, Value};
use slack::{BotIdentity, Slack, SlackSettings, WebApi};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const TOKEN: &str = "xoxb-test-token";
pub const TEAM: &str = "T123ABC456";
pub const BOT_USER: &str = "U0LAN0Z89";

/// One call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// The Web API method, or `upload` / `response_url`.
    pub method: String,
    pub auth: Option<String>,
    pub content_type: String,
    /// The JSON body, or the form fields as a JSON object of strings.
    pub body: Value,
    pub raw: Vec<u8>,
    /// The `ts` the double answered with (posts).
    pub ts: Option<String>,
    /// When the double received it.
    pub at: std::time::Instant,
}

#[derive(Default)]
struct DoubleState {
    url: Mutex<String>,
    calls: Mutex<Vec<Call>>,
    next: AtomicU64,
    /// Answer 429 to this many of the next API calls.
    rate_limit: AtomicU32,
    retry_after: Mutex<String>,
    /// Block Kit limit violations seen in posted messages.
    violations: Mutex<Vec<String>>,
    /// Bot tokens accepted besides [`TOKEN`] (other workspaces' installations).
    tokens: Mutex<Vec<String>>,
    /// token → (429s still to answer its calls, their `Retry-After`): one workspace
    /// rate limited while the others are not.
    token_limits: Mutex<HashMap<String, (u32, String)>>,
}

/// The Web API double.
#[derive(Clone)]
pub struct Double {
    pub url: String,
    state: Arc<DoubleState>,
}

impl Double {
    pub async fn start() -> Double {
        let state = Arc::new(DoubleState::default());
        let app = Router::new()
            .route("/api/{method}", post(api))
            .route("/upload/{id}", post(upload))
            .route("/response/{id}", post(response_url))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        *state.url.lock().unwrap() = url.clone();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Double { url, state }
    }

    pub fn api_url(&self) -> String {
        format!("{}/api/", self.url)
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    pub fn clear(&self) {
        self.state.calls.lock().unwrap().clear();
    }

    pub fn rate_limit(&self, times: u32, retry_after: &str) {
        *self.state.retry_after.lock().unwrap() = retry_after.to_string();
        self.state.rate_limit.store(times, Ordering::SeqCst);
    }

    /// Answers 429 with `Retry-After: retry_after` to the next `times` calls made with
    /// `token` (one workspace's), whatever their method.
    pub fn rate_limit_token(&self, token: &str, times: u32, retry_after: &str) {
        self.state
            .token_limits
            .lock()
            .unwrap()
            .insert(token.to_string(), (times, retry_after.to_string()));
    }

    /// Accepts `token` too (another workspace's bot token).
    pub fn accept_token(&self, token: &str) {
        self.state.tokens.lock().unwrap().push(token.to_string());
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.violations.lock().unwrap().clone()
    }

    /// Waits until at least `n` calls of `method` were made (at most 20 s).
    pub async fn wait_for(&self, method: &str, n: usize) -> Vec<Call> {
        for _ in 0..400 {
            let c = self.calls_to(method);
            if c.len() >= n {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "waited for {n} {method} calls; the bot made: {:#?}",
            self.calls()
                .iter()
                .map(|c| (&c.method, &c.body))
                .collect::<Vec<_>>()
        );
    }

    /// A response_url the double answers.
    pub fn response_url(&self, id: &str) -> String {
        format!("{}/response/{id}", self.url)
    }
}

fn record(
    st: &DoubleState,
    method: &str,
    headers: &HeaderMap,
    raw: &[u8],
    ts: Option<String>,
) -> Value {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = if ct.starts_with("application/json") {
        serde_json::from_slice(raw).unwrap_or(Value::Null)
    } else if ct.starts_with("application/x-www-form-urlencoded") {
        Value::Object(
            form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        )
    } else {
        Value::Null
    };
    st.calls.lock().unwrap().push(Call {
        method: method.to_string(),
        auth: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        content_type: ct,
        body: body.clone(),
        raw: raw.to_vec(),
        ts,
        at: std::time::Instant::now(),
    });
    body
}

/// The `Retry-After` of a 429 owed to this request's token, if one is.
fn token_limited(st: &DoubleState, headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))?;
    let mut limits = st.token_limits.lock().unwrap();
    let (left, retry_after) = limits.get_mut(token)?;
    if *left == 0 {
        return None;
    }
    *left -= 1;
    Some(retry_after.clone())
}

fn check_limits(st: &DoubleState, method: &str, body: &Value) {
    if let Some(blocks) = body.get("blocks").and_then(Value::as_array) {
        let m = slack::SlackMessage {
            text: body["text"].as_str().unwrap_or("").to_string(),
            blocks: blocks.clone(),
        };
        if let Err(e) = slack::limits::validate_message(&m) {
            st.violations.lock().unwrap().push(format!("{method}: {e}"));
        }
    }
    if method == "views.open" {
        if let Err(e) = slack::limits::validate_view(&body["view"]) {
            st.violations.lock().unwrap().push(format!("{method}: {e}"));
        }
    }
}

async fn api(
    State(st): State<Arc<DoubleState>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let owed = token_limited(&st, &headers).or_else(|| {
        st.rate_limit
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
            .then(|| st.retry_after.lock().unwrap().clone())
    });
    if let Some(ra) = owed {
        record(&st, &format!("429:{method}"), &headers, &raw, None);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", ra)],
            "rate limited",
        )
            .into_response();
    }
    let n = st.next.fetch_add(1, Ordering::SeqCst) + 1;
    let ts = format!("17000{n:05}.000{n:03}");
    let is_post = matches!(method.as_str(), "chat.postMessage" | "chat.postEphemeral");
    let body = record(&st, &method, &headers, &raw, is_post.then(|| ts.clone()));
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if auth != TOKEN && !st.tokens.lock().unwrap().iter().any(|t| t == auth) {
        return axum::Json(json!({"ok": false, "error": "not_authed"})).into_response();
    }
    check_limits(&st, &method, &body);
    let channel = body["channel"].as_str().unwrap_or("").to_string();
    if channel == "C0NOTJOINED" {
        return axum::Json(json!({"ok": false, "error": "not_in_channel"})).into_response();
    }
    let url = st.url.lock().unwrap().clone();
    let answer = match method.as_str() {
        "chat.postMessage" => json!({"ok": true, "channel": channel, "ts": ts,
            "message": {"type": "message", "text": body["text"], "ts": ts, "bot_id": "B0BOT"}}),
        "chat.postEphemeral" => json!({"ok": true, "message_ts": ts}),
        "chat.update" => {
            json!({"ok": true, "channel": channel, "ts": body["ts"], "text": body["text"]})
        }
        "views.open" => json!({"ok": true, "view": {"id": format!("V{n}")}}),
        "files.getUploadURLExternal" => json!({"ok": true,
            "upload_url": format!("{url}/upload/F{n}"), "file_id": format!("F{n}")}),
        "files.completeUploadExternal" => {
            json!({"ok": true, "files": [{"id": "F1", "title": "output.txt"}]})
        }
        "auth.test" => json!({"ok": true, "url": "https://example.slack.com/", "team": "Example",
            "user": "chatops", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT"}),
        "users.info" => json!({"ok": true, "user": {"id": body["user"], "name": "alice",
            "real_name": "Alice"}}),
        "conversations.info" => {
            json!({"ok": true, "channel": {"id": channel, "name": "ops"}})
        }
        _ => json!({"ok": false, "error": "unknown_method"}),
    };
    axum::Json(answer).into_response()
}

async fn upload(
    State(st): State<Arc<DoubleState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    record(&st, "upload", &headers, &raw, Some(id));
    (StatusCode::OK, format!("OK - {}", raw.len())).into_response()
}

async fn response_url(
    State(st): State<Arc<DoubleState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    record(&st, "response_url", &headers, &raw, Some(id));
    (StatusCode::OK, "ok").into_response()
}

/// The Slack surface served on loopback.
pub struct Server {
    pub url: String,
    pub slack: Slack,
    pub http: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn settings() -> SlackSettings {
    SlackSettings {
        signing_secret: SECRET.to_string(),
        bot: BotIdentity {
            user_id: Some(BOT_USER.into()),
            bot_id: Some("B0BOT".into()),
        },
        teams: HashMap::from([(TEAM.to_string(), "acme".to_string())]),
        default_workspace: None,
    }
}

pub async fn serve(handler: Arc<dyn Handler>, store: Arc<dyn Store>, double: &Double) -> Server {
    let api = WebApi::new(TOKEN, double.api_url());
    serve_slack(Slack::new(settings(), handler, store, api)).await
}

/// Serves an already built surface on loopback.
pub async fn serve_slack(slack: Slack) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = slack.router();
    let task = tokio::spawn(async move { slack::server::serve(listener, router).await.unwrap() });
    Server {
        url,
        slack,
        http: reqwest::Client::new(),
        task,
    }
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// How a request is signed (or not).
#[derive(Clone)]
pub enum Signing {
    Good,
    WrongSecret,
    /// Signed correctly, with a timestamp this many seconds in the past.
    Aged(i64),
    /// The body is changed after signing.
    Tampered,
    NoTimestamp,
    NoSignature,
}

pub struct Answer {
    pub status: u16,
    pub body: String,
    pub elapsed: Duration,
}

impl Server {
    /// POSTs `body` to `path` with Slack's headers.
    pub async fn send(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
        signing: Signing,
        extra: &[(&str, &str)],
    ) -> Answer {
        let ts = match signing {
            Signing::Aged(s) => now_secs() - s,
            _ => now_secs(),
        }
        .to_string();
        let secret = match signing {
            Signing::WrongSecret => "0000000000000000wrongsecret00000",
            _ => SECRET,
        };
        let sig = slack::sign(secret, &ts, body);
        let mut sent = body.to_vec();
        if matches!(signing, Signing::Tampered) {
            sent.extend_from_slice(b" ");
            if let Some(i) = sent.iter().position(|&b| b == b'a') {
                sent[i] = b'b';
            }
        }
        let mut req = self
            .http
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .header("user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)");
        if !matches!(signing, Signing::NoTimestamp) {
            req = req.header("x-slack-request-timestamp", ts);
        }
        if !matches!(signing, Signing::NoSignature) {
            req = req.header("x-slack-signature", sig);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let start = std::time::Instant::now();
        let resp = req.body(sent).send().await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        Answer {
            status,
            body,
            elapsed: start.elapsed(),
        }
    }

    pub async fn event(&self, body: &Value, extra: &[(&str, &str)]) -> Answer {
        let raw = serde_json::to_vec(body).unwrap();
        let a = self
            .send(
                "/slack/events",
                "application/json",
                &raw,
                Signing::Good,
                extra,
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a
    }

    pub async fn interaction(&self, payload: &Value) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        let a = self
            .send(
                "/slack/interactivity",
                "application/x-www-form-urlencoded",
                body.as_bytes(),
                Signing::Good,
                &[],
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a
    }

    pub async fn command(&self, channel: &str, user: &str, text: &str, trigger: &str) -> Answer {
        let body = slash_command(channel, user, text, trigger, "");
        let a = self
            .send(
                "/slack/commands",
                "application/x-www-form-urlencoded",
                body.as_bytes(),
                Signing::Good,
                &[],
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a
    }

    pub async fn idle(&self) {
        assert!(
            self.slack.wait_idle(Duration::from_secs(30)).await,
            "work still running"
        );
    }
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// An `app_mention` event callback like Slack's documented one.
pub fn mention(event_id: &str, channel: &str, user: &str, text: &str, ts: &str) -> Value {
    let mut v: Value = serde_json::from_str(&fixture("app_mention.json")).unwrap();
    v["event_id"] = json!(event_id);
    v["event"]["channel"] = json!(channel);
    v["event"]["user"] = json!(user);
    v["event"]["text"] = json!(format!("<@{BOT_USER}> {text}"));
    v["event"]["ts"] = json!(ts);
    v["event"]["event_ts"] = json!(ts);
    v
}

/// A direct message (`message.im`) like Slack's documented one.
pub fn direct_message(event_id: &str, channel: &str, user: &str, text: &str, ts: &str) -> Value {
    let mut v: Value = serde_json::from_str(&fixture("message_im.json")).unwrap();
    v["event_id"] = json!(event_id);
    v["event"]["channel"] = json!(channel);
    v["event"]["user"] = json!(user);
    v["event"]["text"] = json!(text);
    v["event"]["ts"] = json!(ts);
    v["event"]["event_ts"] = json!(ts);
    v
}

/// A slash command body like Slack's documented one.
pub fn slash_command(channel: &str, user: &str, text: &str, trigger: &str, resp: &str) -> String {
    let resp = if resp.is_empty() {
        "https://hooks.slack.com/commands/1234/5678"
    } else {
        resp
    };
    form_urlencoded::Serializer::new(String::new())
        .append_pair("token", "gIkuvaNzQIHg97ATvDxqgjtO")
        .append_pair("team_id", TEAM)
        .append_pair("team_domain", "example")
        .append_pair("channel_id", channel)
        .append_pair("channel_name", "test")
        .append_pair("user_id", user)
        .append_pair("user_name", "Steve")
        .append_pair("command", "/aws")
        .append_pair("text", text)
        .append_pair("api_app_id", "A123ABC456")
        .append_pair("is_enterprise_install", "false")
        .append_pair("response_url", resp)
        .append_pair("trigger_id", trigger)
        .finish()
}

/// The control in a posted message whose label (button text or option text) starts with
/// `label`: `(block, element, option)`.
fn find_control(body: &Value, label: &str) -> Option<(Value, Value, Option<Value>)> {
    for block in body["blocks"].as_array()? {
        if block["type"] != "actions" {
            continue;
        }
        for el in block["elements"].as_array()? {
            if el["type"] == "button"
                && el["text"]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(label))
            {
                return Some((block.clone(), el.clone(), None));
            }
            if el["type"] == "static_select" {
                for o in el["options"].as_array()? {
                    if o["text"]["text"]
                        .as_str()
                        .is_some_and(|t| t.starts_with(label))
                    {
                        return Some((block.clone(), el.clone(), Some(o.clone())));
                    }
                }
            }
        }
    }
    None
}

/// A `block_actions` payload for pressing `label` on the message posted by `call` (as
/// Slack sends it: container, channel, message with its thread, response_url, actions).
pub fn press(double: &Double, call: &Call, user: &str, label: &str, trigger: &str) -> Value {
    let (block, el, option) = find_control(&call.body, label)
        .unwrap_or_else(|| panic!("no control {label:?} in {:#}", call.body));
    let ephemeral = call.method == "chat.postEphemeral";
    let ts = call.ts.clone().expect("posted ts");
    let channel = call.body["channel"].clone();
    let mut action = json!({
        "action_id": el["action_id"],
        "block_id": block["block_id"],
        "type": el["type"],
        "action_ts": "1548426417.840180",
    });
    match option {
        Some(o) => {
            action["selected_option"] = o;
            action["placeholder"] = el["placeholder"].clone();
        }
        None => {
            action["value"] = el["value"].clone();
            action["text"] = el["text"].clone();
        }
    }
    let mut container = json!({"type": "message", "message_ts": ts, "channel_id": channel,
        "is_ephemeral": ephemeral});
    let mut v = json!({
        "type": "block_actions",
        "user": {"id": user, "username": "u", "name": "u", "team_id": TEAM},
        "api_app_id": "A123ABC456",
        "token": "9s8d9as89d8as9d8as989",
        "container": container.clone(),
        "trigger_id": trigger,
        "team": {"id": TEAM, "domain": "example"},
        "enterprise": null,
        "is_enterprise_install": false,
        "channel": {"id": channel, "name": "ops"},
        "state": {"values": {}},
        "response_url": double.response_url(trigger),
        "actions": [action],
    });
    if ephemeral {
        if let Some(t) = call.body.get("thread_ts") {
            container["thread_ts"] = t.clone();
        }
        v["container"] = container;
    } else {
        let mut message = json!({"bot_id": "B0BOT", "type": "message", "text": call.body["text"],
            "user": BOT_USER, "ts": ts, "team": TEAM, "blocks": call.body["blocks"]});
        if let Some(t) = call.body.get("thread_ts") {
            message["thread_ts"] = t.clone();
        }
        v["message"] = message;
    }
    v
}

/// A handler standing in for the engine: records what it hears, answers with `answer`.
pub struct Stub {
    pub heard: Mutex<Vec<Inbound>>,
    pub delay: Duration,
    #[allow(clippy::type_complexity)]
    pub answer: Box<dyn Fn(&Inbound) -> Vec<Outbound> + Send + Sync>,
}

impl Stub {
    pub fn new(answer: impl Fn(&Inbound) -> Vec<Outbound> + Send + Sync + 'static) -> Arc<Stub> {
        Arc::new(Stub {
            heard: Mutex::new(Vec::new()),
            delay: Duration::ZERO,
            answer: Box::new(answer),
        })
    }

    pub fn heard(&self) -> Vec<Inbound> {
        self.heard.lock().unwrap().clone()
    }
}

impl Handler for Stub {
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Outbound>> + Send + 'a>> {
        Box::pin(async move {
            self.heard.lock().unwrap().push(event.clone());
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            (self.answer)(event)
        })
    }
}
