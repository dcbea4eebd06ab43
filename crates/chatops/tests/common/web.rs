//! `chatops serve` driven as a browser would drive it: signed in with the printed token, a
//! WebSocket joined to a channel, frames sent and awaited (each wait has a deadline).

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as Ws;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A running `chatops serve`, with the address and token it printed.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub token: String,
    /// The Slack endpoints' address, when Slack is served too.
    pub slack: Option<String>,
    /// Its stderr lines so far, when started with [`Server::start_capturing`].
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(config: &Path) -> Server {
        Server::start_with(config, &[])
    }

    /// Starts `chatops serve` with extra environment variables.
    pub fn start_with(config: &Path, vars: &[(&str, &str)]) -> Server {
        Server::start_opts(config, vars, false)
    }

    /// Starts `chatops serve` with extra environment variables, keeping its stderr lines
    /// (see [`Server::stderr_lines`]) instead of passing them through.
    pub fn start_capturing(config: &Path, vars: &[(&str, &str)]) -> Server {
        Server::start_opts(config, vars, true)
    }

    fn start_opts(config: &Path, vars: &[(&str, &str)], capture: bool) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chatops"))
            .args(["serve", "--config"])
            .arg(config)
            .args(["--addr", "127.0.0.1:0"])
            // The log settings are the test's, not the developer's shell's.
            .env_remove("CHATOPS_LOG")
            .env_remove("RUST_LOG")
            .env_remove("CHATOPS_LOG_FORMAT")
            .envs(vars.iter().copied())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if capture {
                Stdio::piped()
            } else {
                Stdio::inherit()
            })
            .spawn()
            .expect("start chatops serve");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(err) = child.stderr.take() {
            let lines = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    lines.lock().expect("stderr lines").push(line);
                }
            });
        }
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chatops serve prints its URL and token");
        // web chat: http://127.0.0.1:PORT/  token: TOKEN
        let rest = line
            .strip_prefix("web chat: http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        let (addr, token) = rest.split_once("/  token: ").expect("URL and token");
        let slack = vars
            .iter()
            .any(|(k, _)| *k == "SLACK_SIGNING_SECRET")
            .then(|| loop {
                let line = rx
                    .recv_timeout(Duration::from_secs(60))
                    .expect("chatops serve prints the Slack endpoints");
                if let Some(rest) = line.strip_prefix("slack: http://") {
                    break rest.split('/').next().unwrap_or("").to_string();
                }
            });
        Server {
            child,
            addr: addr.parse().expect("address"),
            token: token.trim().to_string(),
            slack,
            stderr,
        }
    }

    /// The stderr lines read so far (none unless started with [`Server::start_capturing`]).
    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().expect("stderr lines").clone()
    }

    /// Waits (up to `within`) until a stderr line satisfies `want`; returns it.
    pub fn wait_stderr(&self, within: Duration, want: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            if let Some(l) = self.stderr_lines().into_iter().find(|l| want(l)) {
                return l;
            }
            assert!(
                started.elapsed() < within,
                "no such stderr line within {within:?}; saw {:#?}",
                self.stderr_lines()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a signal by name (`TERM`, `INT`) to the server process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name} failed: {status}");
    }

    /// Waits (up to `within`) for the process to exit; `None` if it is still running then.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if started.elapsed() >= within {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no chance to flush or close anything.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().expect("wait");
        assert!(!status.success(), "killed, not exited: {status}");
    }

    /// `POST /api/login` with the printed token; returns the `Cookie` header value.
    pub fn sign_in(&self) -> String {
        self.sign_in_with(&self.token)
    }

    /// `POST /api/login` with `token` (a replica's start-up token fixed by
    /// `CHATOPS_WEB_TOKEN`, or a `[[users]]` one); returns the `Cookie` header value.
    pub fn sign_in_with(&self, token: &str) -> String {
        let body = json!({ "token": token }).to_string();
        let mut s = TcpStream::connect(self.addr).expect("connect");
        write!(
            s,
            "POST /api/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("read");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let cookie = answer
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("set-cookie")
                    .then(|| value.trim().split(';').next().unwrap_or("").to_string())
            })
            .expect("a session cookie");
        assert!(cookie.starts_with("chatops_session="), "{cookie}");
        cookie
    }

    /// Opens the WebSocket and joins a channel; returns it with the history frame.
    pub async fn join(&self, cookie: &str, workspace: &str, channel: &str) -> (Socket, Value) {
        let mut req = format!("ws://{}/api/ws", self.addr)
            .into_client_request()
            .expect("request");
        req.headers_mut()
            .insert("cookie", cookie.parse().expect("header"));
        let (mut ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("upgrade");
        assert_eq!(next(&mut ws).await["type"], "hello");
        send(
            &mut ws,
            json!({"type": "join", "workspace": workspace, "channel": channel}),
        )
        .await;
        let history = next(&mut ws).await;
        assert_eq!(history["type"], "history", "{history}");
        (ws, history)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn next(ws: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .expect("a frame within 30 s")
            .expect("open")
            .expect("frame");
        if let Ws::Text(t) = msg {
            return serde_json::from_str(t.as_str()).expect("JSON frame");
        }
    }
}

/// Frames until one satisfies `want`; returns it (and panics, listing them, after 30 s).
pub async fn until(ws: &mut Socket, what: &str, want: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    let mut seen = Vec::new();
    while started.elapsed() < Duration::from_secs(30) {
        let f = next(ws).await;
        if want(&f) {
            return f;
        }
        seen.push(f);
    }
    panic!("no frame {what}; saw {seen:#?}");
}

/// Any frames that arrive within `quiet`.
pub async fn drain(ws: &mut Socket, quiet: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(quiet, ws.next()).await {
        if let Ws::Text(t) = msg {
            out.push(serde_json::from_str(t.as_str()).expect("JSON frame"));
        }
    }
    out
}

pub async fn send(ws: &mut Socket, frame: Value) {
    ws.send(Ws::Text(frame.to_string().into()))
        .await
        .expect("send");
}

/// Every text, code and context string of a message, joined by newlines.
pub fn plain(message: &Value) -> String {
    let mut out = Vec::new();
    for b in message["blocks"].as_array().into_iter().flatten() {
        for k in ["text", "code"] {
            if let Some(t) = b[k].as_str() {
                out.push(t.to_string());
            }
            // Rich text: spans, written back in the engine's dialect (as `Message::plain`).
            if let Some(spans) = b[k].as_array() {
                out.push(spans.iter().map(span_dialect).collect());
            }
        }
        for t in b["elements"].as_array().into_iter().flatten() {
            if let Some(t) = t.as_str() {
                out.push(t.to_string());
            }
        }
    }
    out.join("\n")
}

/// One span of rich text as the engine's dialect writes it: `*strong*`, `` `code` ``, `<@U1>`.
fn span_dialect(span: &Value) -> String {
    let text = span["text"].as_str().unwrap_or("");
    match span["type"].as_str() {
        Some("strong") => format!("*{text}*"),
        Some("code") => format!("`{text}`"),
        Some("mention") => format!("<@{}>", span["user"].as_str().unwrap_or("")),
        _ => text.to_string(),
    }
}

/// The Run button of a message: (action, value), if it has one.
pub fn run_button(message: &Value) -> Option<(String, String)> {
    message["blocks"]
        .as_array()?
        .iter()
        .filter(|b| b["type"] == "buttons")
        .flat_map(|b| b["buttons"].as_array().into_iter().flatten())
        .find(|b| b["label"] == "Run")
        .map(|b| {
            (
                b["action"].as_str().unwrap_or("").to_string(),
                b["value"].as_str().unwrap_or("").to_string(),
            )
        })
}
