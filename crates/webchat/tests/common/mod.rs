//! A scripted stand-in for the engine, shared by the API and browser tests: each message it
//! understands answers with a fixed kind of message, so tests can assert exactly what arrives.

#![allow(dead_code)] // each test binary uses a different part

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as Ws;
use tower::ServiceExt;

use engine::text::{code, literal, mention, strong};
use engine::{Block, Button, Choice, Event, Field, Handler, Inbound, Message, Outbound, Style};
use webchat::{ChannelInfo, WebChat, WebSettings};

pub const ALICE: &str = "alice-token-0123456789abcdef";
pub const BOB: &str = "bob-token-0123456789abcdef00";
pub const START_TOKEN: &str = "start-token-0123456789abcdef";

/// The scripted handler. `sweep` returns whatever the test queued with [`Scripted::on_sweep`].
#[derive(Default)]
pub struct Scripted {
    next: AtomicU64,
    swept: Mutex<Vec<Outbound>>,
    calls: AtomicUsize,
}

impl Scripted {
    fn id(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// How many events the handler was given.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn on_sweep(&self, out: Outbound) {
        self.swept.lock().expect("lock").push(out);
    }

    fn message(&self, prefix: &str, inbound: &Inbound, blocks: Vec<Block>) -> Message {
        Message {
            id: self.id(prefix),
            thread: inbound.thread.clone(),
            only_to: None,
            blocks,
        }
    }

    fn answer(&self, inbound: &Inbound) -> Vec<Outbound> {
        let user = &inbound.user;
        let text = |t: String| Block::Text { text: t.into() };
        match &inbound.event {
            Event::Text { text: said } => match said.as_str() {
                "hello" => vec![Outbound::Post(self.message(
                    "hello",
                    inbound,
                    vec![text(format!("Hello {}, try `ask`", strong(user)))],
                ))],
                "ask" => vec![Outbound::Post(self.message("ask", inbound, ask_blocks()))],
                "form" => vec![Outbound::Post(self.message("form", inbound, form_blocks()))],
                "show" => vec![Outbound::Post(self.message("show", inbound, show_blocks()))],
                "secret" => {
                    let mut m = self.message(
                        "secret",
                        inbound,
                        vec![text(format!("Only {user} sees this"))],
                    );
                    m.only_to = Some(user.clone());
                    vec![Outbound::Post(m)]
                }
                "panic" => panic!("the scripted handler was told to fail"),
                other => match other.strip_prefix("quote ") {
                    // A command full of the dialect's marks, shown as code to its asker.
                    Some(command) => vec![Outbound::Post(self.message(
                        "quote",
                        inbound,
                        vec![text(format!(
                            "{} asked for {}",
                            mention(user),
                            code(command)
                        ))],
                    ))],
                    None => vec![Outbound::Post(self.message(
                        "echo",
                        inbound,
                        vec![text(format!("echo: {}", literal(other)))],
                    ))],
                },
            },
            Event::Action {
                message,
                action,
                value,
            } => {
                let target = message.clone().unwrap_or_default();
                match action.as_str() {
                    "run" => vec![
                        Outbound::Update {
                            message: target,
                            content: Message {
                                blocks: vec![text(format!("Run by {user}"))],
                                ..Message::default()
                            },
                        },
                        Outbound::Post(self.message(
                            "result",
                            inbound,
                            vec![Block::Code {
                                text: format!("{{\n  \"ran\": \"{value}\"\n}}"),
                                language: Some("json".into()),
                            }],
                        )),
                    ],
                    "cancel" => vec![Outbound::Update {
                        message: target,
                        content: Message {
                            blocks: vec![text(format!("Cancelled by {user}"))],
                            ..Message::default()
                        },
                    }],
                    _ => vec![Outbound::Post(self.message(
                        "chosen",
                        inbound,
                        vec![text(format!("{user} chose {value}"))],
                    ))],
                }
            }
            Event::Form { values, .. } => {
                let shown: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                vec![Outbound::Post(self.message(
                    "formed",
                    inbound,
                    vec![text(format!("Form from {user}: {}", shown.join(", ")))],
                ))]
            }
        }
    }
}

impl Handler for Scripted {
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> Pin<Box<dyn Future<Output = Vec<Outbound>> + Send + 'a>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { self.answer(event) })
    }

    fn sweep(&self) -> engine::SweepFuture<'_> {
        let swept = std::mem::take(&mut *self.swept.lock().expect("lock"));
        Box::pin(async move { swept })
    }
}

fn choice(label: &str, value: &str) -> Choice {
    Choice {
        label: label.into(),
        value: value.into(),
    }
}

fn ask_blocks() -> Vec<Block> {
    vec![
        Block::Text {
            text: "Which function, and run *lambda invoke*?".into(),
        },
        Block::Menu {
            action: "param".into(),
            placeholder: "Choose a function".into(),
            options: vec![choice("fn-alpha", "fn-alpha"), choice("fn-beta", "fn-beta")],
        },
        Block::Buttons {
            buttons: vec![
                Button {
                    label: "Run".into(),
                    action: "run".into(),
                    value: "cmd-1".into(),
                    style: Style::Primary,
                    confirm: None,
                },
                Button {
                    label: "Cancel".into(),
                    action: "cancel".into(),
                    value: "cmd-1".into(),
                    style: Style::Danger,
                    confirm: Some("Cancel this command?".into()),
                },
            ],
        },
        Block::Context {
            text: "account `prod` · us-east-1 · role ops".into(),
        },
    ]
}

fn form_blocks() -> Vec<Block> {
    vec![Block::Form {
        action: "support_case".into(),
        title: "Open a support case".into(),
        fields: vec![
            Field {
                name: "subject".into(),
                label: "Subject".into(),
                options: vec![],
                multiline: false,
                optional: false,
            },
            Field {
                name: "severity".into(),
                label: "Severity".into(),
                options: vec![choice("Low", "low"), choice("High", "high")],
                multiline: false,
                optional: false,
            },
            Field {
                name: "body".into(),
                label: "Description".into(),
                options: vec![],
                multiline: true,
                optional: true,
            },
        ],
        submit: "Create case".into(),
    }]
}

fn show_blocks() -> Vec<Block> {
    vec![
        Block::Text {
            text: "<b>not bold</b> <script>window.pwned = 1</script>".into(),
        },
        Block::Table {
            columns: vec!["FunctionName".into(), "Runtime".into()],
            rows: vec![
                vec!["fn-alpha".into(), "python3.12".into()],
                vec!["fn-beta".into(), "nodejs20.x".into()],
            ],
        },
        Block::File {
            name: "result.json".into(),
            content_type: "application/json".into(),
            content: "{\"all\": true}".into(),
        },
        Block::Image {
            // A 1×1 PNG.
            url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==".into(),
            alt: "CPU chart".into(),
        },
        Block::Context {
            text: "took 12 ms".into(),
        },
    ]
}

/// Two channels in workspace `web`.
pub fn channels() -> Vec<ChannelInfo> {
    vec![
        ChannelInfo::new("web", "C-OPS", "ops"),
        ChannelInfo::new("web", "C-READ", "read-only"),
    ]
}

/// A web chat over the scripted handler, with users alice and bob and a fixed start-up token.
pub fn web_chat() -> (WebChat, Arc<Scripted>) {
    let handler = Arc::new(Scripted::default());
    let settings = WebSettings {
        channels: channels(),
        users: vec![("alice".into(), ALICE.into()), ("bob".into(), BOB.into())],
        token: START_TOKEN.into(),
        token_user: "admin".into(),
        history_path: None,
        members: webchat::membership::Members::everyone(),
        sessions: webchat::sessions::SessionSettings::default(),
    };
    let chat = WebChat::new(handler.clone(), settings).expect("valid settings");
    (chat, handler)
}

/// Serves `chat` on a free loopback port; returns its address.
pub async fn serve(chat: &WebChat) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let router = chat.router();
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    addr
}

// ----- HTTP and WebSocket helpers, shared by the API and session tests -----

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn call(
    router: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).expect("request")
}

pub fn login_request(body: &str) -> Request<Body> {
    Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// Signs in with `token`; returns the `Cookie` header value.
pub async fn sign_in(router: &axum::Router, token: &str) -> String {
    let (status, headers, _) = call(
        router,
        login_request(&json!({ "token": token }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let set = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_string();
    set.split(';').next().expect("name=value").to_string()
}

pub async fn open(addr: std::net::SocketAddr, cookie: &str) -> Socket {
    let mut req = format!("ws://{addr}/api/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut()
        .insert(header::COOKIE, cookie.parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("upgrade");
    assert_eq!(next(&mut ws).await["type"], "hello");
    ws
}

pub async fn next(ws: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame within 5 s")
            .expect("open")
            .expect("frame");
        if let Ws::Text(t) = msg {
            return serde_json::from_str(t.as_str()).expect("JSON frame");
        }
    }
}

pub async fn send(ws: &mut Socket, frame: Value) {
    ws.send(Ws::Text(frame.to_string().into()))
        .await
        .expect("send");
}
