//! A scripted stand-in for the engine, shared by the API and browser tests: each message it
//! understands answers with a fixed kind of message, so tests can assert exactly what arrives.

#![allow(dead_code)] // each test binary uses a different part

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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
}

impl Scripted {
    fn id(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.next.fetch_add(1, Ordering::SeqCst) + 1)
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
