//! A Bot Connector double: answers `POST /v3/conversations/{id}/activities` and
//! `PUT /v3/conversations/{id}/activities/{activity}` as the real one does (a new activity's
//! id back), records every call, and can throttle (429 with `Retry-After`) or refuse tokens.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One call the double received.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorCall {
    /// `POST` or `PUT`.
    pub method: &'static str,
    /// The conversation id, decoded.
    pub conversation: String,
    /// The activity id in the path (`PUT`).
    pub activity: Option<String>,
    /// The id the double gave a posted activity.
    pub created: Option<String>,
    pub body: Value,
    /// The bearer token it carried.
    pub token: String,
}

impl ConnectorCall {
    /// The Adaptive Card of the activity, if it carries one.
    pub fn card(&self) -> Option<&Value> {
        self.body
            .get("attachments")?
            .as_array()?
            .iter()
            .find(|a| {
                a.get("contentType").and_then(Value::as_str)
                    == Some(crate::cards::CARD_CONTENT_TYPE)
            })?
            .get("content")
    }

    /// Every text of the card (text blocks, text runs, facts, table cells, action titles), in
    /// order, joined by new lines: what a reader sees, for assertions.
    pub fn text(&self) -> String {
        let mut out = Vec::new();
        if let Some(card) = self.card() {
            collect_text(card, &mut out);
        }
        out.join("\n")
    }
}

fn collect_text(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
            if kind == "RichTextBlock" {
                let line: String = m
                    .get("inlines")
                    .and_then(Value::as_array)
                    .map(|runs| {
                        runs.iter()
                            .filter_map(|r| r.get("text").and_then(Value::as_str))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(line);
                return;
            }
            for key in ["text", "title"] {
                if let Some(t) = m.get(key).and_then(Value::as_str) {
                    out.push(t.to_string());
                }
            }
            for (k, child) in m {
                if k != "data" {
                    collect_text(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_text(i, out)),
        _ => {}
    }
}

#[derive(Default)]
struct Shared {
    calls: Vec<ConnectorCall>,
    next_id: u64,
    throttle: u32,
    retry_after: u64,
}

type TokenCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

#[derive(Clone)]
struct App {
    shared: Arc<Mutex<Shared>>,
    token_ok: TokenCheck,
}

/// The double; stops when dropped.
pub struct ConnectorDouble {
    /// The service URL to put in activities (with a trailing `/`, as Teams sends it).
    pub service_url: String,
    shared: Arc<Mutex<Shared>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl ConnectorDouble {
    /// Starts on a free port of 127.0.0.1; a call whose bearer token `token_ok` refuses is
    /// answered 401 (the identity double's issued tokens, in tests).
    pub async fn start(token_ok: impl Fn(&str) -> bool + Send + Sync + 'static) -> ConnectorDouble {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = App {
            shared: shared.clone(),
            token_ok: Arc::new(token_ok),
        };
        let router = Router::new()
            .route(
                "/amer/v3/conversations/{conversation}/activities",
                post(create),
            )
            .route(
                "/amer/v3/conversations/{conversation}/activities/{activity}",
                put(replace).post(reply),
            )
            .with_state(app);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Bot Connector double");
        let addr = listener.local_addr().expect("its address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        ConnectorDouble {
            service_url: format!("http://{addr}/amer/"),
            shared,
            stop: Some(tx),
        }
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<ConnectorCall> {
        self.lock().calls.clone()
    }

    /// Waits until `done` holds for the calls (at most `timeout`), and returns them.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&[ConnectorCall]) -> bool,
    ) -> Vec<ConnectorCall> {
        let deadline = Instant::now() + timeout;
        loop {
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            if Instant::now() > deadline {
                panic!("the Bot Connector double never saw what was awaited; calls: {calls:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The next `n` calls are answered 429 with `Retry-After: secs`.
    pub fn throttle(&self, n: u32, secs: u64) {
        let mut s = self.lock();
        s.throttle = n;
        s.retry_after = secs;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for ConnectorDouble {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string()
}

fn record(
    app: &App,
    method: &'static str,
    conversation: String,
    activity: Option<String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let token = bearer(headers);
    if !(app.token_ok)(&token) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"code": "Unauthorized"}})),
        )
            .into_response();
    }
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"code": "BadArgument"}})),
        )
            .into_response();
    };
    let mut s = app.shared.lock().unwrap_or_else(|e| e.into_inner());
    if s.throttle > 0 {
        s.throttle -= 1;
        let secs = s.retry_after.to_string();
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", secs)], "").into_response();
    }
    let created = (method == "POST").then(|| {
        s.next_id += 1;
        format!("17000000{:05}", s.next_id)
    });
    s.calls.push(ConnectorCall {
        method,
        conversation,
        activity,
        created: created.clone(),
        body,
        token,
    });
    Json(json!({ "id": created.unwrap_or_default() })).into_response()
}

async fn create(
    State(app): State<App>,
    Path(conversation): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&app, "POST", conversation, None, &headers, &body)
}

async fn reply(
    State(app): State<App>,
    Path((conversation, activity)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&app, "POST", conversation, Some(activity), &headers, &body)
}

async fn replace(
    State(app): State<App>,
    Path((conversation, activity)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&app, "PUT", conversation, Some(activity), &headers, &body)
}
