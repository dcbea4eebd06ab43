//! Socket Mode: Slack pushes events over a WebSocket the app opens, so no public URL is
//! needed.
//!
//! The loop: `POST {api_base}/apps.connections.open` with the app-level token (`xapp-…`,
//! scope `connections:write`) → a `wss://` URL → connect → Slack sends `hello`, then
//! envelopes. Every frame carrying an `envelope_id` is acknowledged at once with
//! `{"envelope_id": …}` (no response payload), whatever its type and whether or not its
//! payload can be read; then the payload is parsed with the same functions as the HTTP
//! endpoints ([`events::parse`], [`interactivity::parse_value`],
//! [`interactivity::parse_slash_command_value`]) and handed to an [`EnvelopeSink`].
//!
//! `disconnect` (`warning`, `refresh_requested`) → a fresh `apps.connections.open` and a new
//! socket right away; `link_disabled`, a dropped connection, a socket error, silence for longer
//! than [`SocketModeConfig::idle_timeout`] or a failed open → reconnect after an exponential
//! backoff with jitter ([`Backoff`]). A token Slack refuses (`invalid_auth`,
//! `not_allowed_token_type`, …) stops the loop with [`SocketModeError::Auth`]: retrying would
//! not help. Bad frames are logged and skipped, never fatal.

use crate::events::{self, BotIdentity, Retry};
use crate::interactivity::{self, Interaction, SlashCommand};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Slack's Web API.
pub const DEFAULT_API_BASE: &str = "https://slack.com/api";

/// How Socket Mode connects.
#[derive(Clone)]
pub struct SocketModeConfig {
    /// The app-level token (`xapp-…`) with the `connections:write` scope.
    pub app_token: String,
    /// The Web API base URL, without a trailing slash (a local double in tests).
    pub api_base: String,
    /// The bot's own identity, so its own messages are ignored.
    pub bot: BotIdentity,
    pub backoff: Backoff,
    /// How often the client pings Slack (and checks [`Self::idle_timeout`]).
    pub ping_interval: Duration,
    /// A connection that received nothing (not even a ping or pong) for this long is
    /// treated as dropped.
    pub idle_timeout: Duration,
    /// Limit for `apps.connections.open` and for the WebSocket handshake.
    pub connect_timeout: Duration,
}

impl SocketModeConfig {
    /// Defaults: Slack's API, backoff 1 s … 60 s, ping every 30 s, idle after 90 s,
    /// connect within 10 s.
    pub fn new(app_token: impl Into<String>) -> Self {
        Self {
            app_token: app_token.into(),
            api_base: DEFAULT_API_BASE.to_string(),
            bot: BotIdentity::default(),
            backoff: Backoff::default(),
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(90),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl fmt::Debug for SocketModeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketModeConfig")
            .field("app_token", &"<redacted>")
            .field("api_base", &self.api_base)
            .field("bot", &self.bot)
            .field("backoff", &self.backoff)
            .field("ping_interval", &self.ping_interval)
            .field("idle_timeout", &self.idle_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// Exponential backoff with "equal jitter": after `n` consecutive failures the base delay is
/// `min(max, initial × 2ⁿ)` and the wait a random point in `[base / 2, base]`, so many
/// clients dropped at once do not reconnect in step, and none hammers Slack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The upper bound of the wait after `failures` consecutive failures.
    pub fn base(&self, failures: u32) -> Duration {
        let factor = 1u32.checked_shl(failures.min(31)).unwrap_or(u32::MAX);
        self.initial
            .checked_mul(factor)
            .unwrap_or(self.max)
            .min(self.max)
    }

    /// The wait after `failures` consecutive failures for a random `unit` in `[0, 1]`.
    pub fn delay(&self, failures: u32, unit: f64) -> Duration {
        let base = self.base(failures);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            1.0
        };
        base / 2 + (base / 2).mul_f64(unit)
    }

    fn random_delay(&self, failures: u32) -> Duration {
        self.delay(failures, random_unit())
    }
}

fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 1.0;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// The kinds of envelope that carry a payload for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeKind {
    EventsApi,
    Interactive,
    SlashCommands,
}

/// An envelope's payload, parsed as the HTTP endpoints parse theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `events_api`: the same body `/slack/events` receives (in practice always
    /// [`events::Envelope::Callback`] or [`events::Envelope::Ignored`]).
    Event(events::Envelope),
    /// `interactive`: `block_actions`, `view_submission`, or ignored payload types.
    Interaction(Interaction),
    /// `slash_commands`.
    SlashCommand(SlashCommand),
}

/// One acknowledged envelope for the app to act on.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Already acknowledged; also a key for logs.
    pub envelope_id: String,
    pub kind: EnvelopeKind,
    pub payload: Payload,
    /// `retry_attempt` / `retry_reason` of the envelope (`None` for a first delivery).
    /// De-duplicate events on [`events::Callback::event_id`], as for HTTP.
    pub retry: Option<Retry>,
    /// Slack would accept a response payload in the ack (we always ack without one: the
    /// answer is posted through the Web API or `response_url`).
    pub accepts_response_payload: bool,
    /// The payload JSON as Slack sent it.
    pub raw: Value,
}

/// Where acknowledged envelopes go. Called on the socket's task, after the ack was sent:
/// it must not block (spawn the work).
pub trait EnvelopeSink: Send + Sync + 'static {
    fn deliver(&self, delivery: Delivery);
}

impl<F> EnvelopeSink for F
where
    F: Fn(Delivery) + Send + Sync + 'static,
{
    fn deliver(&self, delivery: Delivery) {
        self(delivery)
    }
}

/// Why Socket Mode stopped, or why one attempt failed (logged, then retried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SocketModeError {
    #[error("the Socket Mode token must be an app-level token (xapp-…), not {0}")]
    NotAppToken(String),
    #[error("apps.connections.open refused the app-level token: {0} (it needs an xapp- token with the connections:write scope, for an app with Socket Mode enabled)")]
    Auth(String),
    #[error("apps.connections.open: {0}")]
    Open(String),
    #[error("apps.connections.open: rate limited, retry after {0:?}")]
    RateLimited(Duration),
    #[error("WebSocket connect: {0}")]
    Connect(String),
    #[error("the Socket Mode task failed: {0}")]
    Task(String),
}

/// Counters, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// `apps.connections.open` calls made (successful or not).
    pub opens: u64,
    /// WebSockets connected.
    pub connections: u64,
    pub hellos: u64,
    pub acks: u64,
    pub deliveries: u64,
    /// Frames that could not be read, or payloads the parsers refused.
    pub bad_frames: u64,
    pub disconnects: u64,
}

#[derive(Default)]
struct Counters {
    opens: AtomicU64,
    connections: AtomicU64,
    hellos: AtomicU64,
    acks: AtomicU64,
    deliveries: AtomicU64,
    bad_frames: AtomicU64,
    disconnects: AtomicU64,
}

impl Counters {
    fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Stats {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            opens: g(&self.opens),
            connections: g(&self.connections),
            hellos: g(&self.hellos),
            acks: g(&self.acks),
            deliveries: g(&self.deliveries),
            bad_frames: g(&self.bad_frames),
            disconnects: g(&self.disconnects),
        }
    }
}

/// The running Socket Mode client.
pub struct SocketModeHandle {
    shutdown: watch::Sender<bool>,
    task: JoinHandle<Result<(), SocketModeError>>,
    counters: Arc<Counters>,
}

impl SocketModeHandle {
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// The loop stopped by itself (a refused token).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Closes the socket (a close frame), interrupts any wait, and returns how the loop
    /// ended.
    pub async fn shutdown(self) -> Result<(), SocketModeError> {
        let _ = self.shutdown.send(true);
        self.join().await
    }

    /// Waits for the loop to end by itself (it only does on a refused token).
    pub async fn join(self) -> Result<(), SocketModeError> {
        self.task
            .await
            .map_err(|e| SocketModeError::Task(e.to_string()))?
    }
}

/// Starts Socket Mode on the current Tokio runtime.
pub fn start(config: SocketModeConfig, sink: Arc<dyn EnvelopeSink>) -> SocketModeHandle {
    let (tx, rx) = watch::channel(false);
    let counters = Arc::new(Counters::default());
    let task = tokio::spawn(run(config, sink, counters.clone(), rx));
    SocketModeHandle {
        shutdown: tx,
        task,
        counters,
    }
}

/// How a session ended.
#[derive(Debug)]
enum End {
    Shutdown,
    /// Slack asked for a new connection (`warning`, `refresh_requested`).
    Refresh(String),
    /// A drop, an error, `link_disabled`: wait, then reconnect.
    Dropped(String),
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    // Resolves when shutdown is requested or the handle is gone.
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn run(
    cfg: SocketModeConfig,
    sink: Arc<dyn EnvelopeSink>,
    counters: Arc<Counters>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), SocketModeError> {
    if !cfg.app_token.starts_with("xapp-") {
        let prefix: String = cfg.app_token.chars().take(5).collect();
        return Err(SocketModeError::NotAppToken(format!("{prefix:?}…")));
    }
    let http = reqwest::Client::builder()
        .timeout(cfg.connect_timeout)
        .build()
        .map_err(|e| SocketModeError::Open(e.to_string()))?;
    let mut failures: u32 = 0;
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        Counters::bump(&counters.opens);
        let opened = tokio::select! {
            _ = stopped(&mut shutdown) => return Ok(()),
            r = open(&http, &cfg) => r,
        };
        let mut min_wait = Duration::ZERO;
        let end = match opened {
            Err(e @ (SocketModeError::Auth(_) | SocketModeError::NotAppToken(_))) => {
                tracing::error!(error = %e, "Socket Mode stopped");
                return Err(e);
            }
            Err(SocketModeError::RateLimited(d)) => {
                min_wait = d;
                End::Dropped(format!("apps.connections.open rate limited for {d:?}"))
            }
            Err(e) => End::Dropped(e.to_string()),
            Ok(url) => {
                let connected = tokio::select! {
                    _ = stopped(&mut shutdown) => return Ok(()),
                    r = connect(&url, cfg.connect_timeout) => r,
                };
                match connected {
                    Err(e) => End::Dropped(e.to_string()),
                    Ok(ws) => {
                        Counters::bump(&counters.connections);
                        let (end, healthy) =
                            session(ws, &cfg, sink.as_ref(), &counters, &mut shutdown).await;
                        if healthy {
                            failures = 0;
                        }
                        end
                    }
                }
            }
        };
        match end {
            End::Shutdown => return Ok(()),
            End::Refresh(reason) => {
                tracing::info!(%reason, "Slack asked for a new Socket Mode connection");
                failures = 0;
            }
            End::Dropped(reason) => {
                let wait = cfg.backoff.random_delay(failures).max(min_wait);
                failures = failures.saturating_add(1);
                tracing::warn!(%reason, ?wait, "Socket Mode connection lost; reconnecting");
                tokio::select! {
                    _ = stopped(&mut shutdown) => return Ok(()),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}

/// Errors that mean the token itself is refused: retrying cannot help.
const AUTH_ERRORS: &[&str] = &[
    "not_authed",
    "invalid_auth",
    "not_allowed_token_type",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_permission",
    "missing_scope",
    "org_login_required",
    "ekm_access_denied",
];

async fn open(http: &reqwest::Client, cfg: &SocketModeConfig) -> Result<String, SocketModeError> {
    let url = format!(
        "{}/apps.connections.open",
        cfg.api_base.trim_end_matches('/')
    );
    let resp = http
        .post(&url)
        .bearer_auth(&cfg.app_token)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body("")
        .send()
        .await
        .map_err(|e| SocketModeError::Open(e.without_url().to_string()))?;
    let status = resp.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let secs = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(1);
        return Err(SocketModeError::RateLimited(Duration::from_secs(
            secs.min(600),
        )));
    }
    let body = resp
        .bytes()
        .await
        .map_err(|e| SocketModeError::Open(e.without_url().to_string()))?;
    let v: Value = serde_json::from_slice(&body)
        .map_err(|_| SocketModeError::Open(format!("HTTP {status}, the answer is not JSON")))?;
    if v.get("ok").and_then(Value::as_bool) != Some(true) {
        let error = v
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("no error given")
            .to_string();
        return Err(if AUTH_ERRORS.contains(&error.as_str()) {
            SocketModeError::Auth(error)
        } else {
            SocketModeError::Open(format!("HTTP {status}: {error}"))
        });
    }
    match v.get("url").and_then(Value::as_str) {
        Some(u) if u.starts_with("wss://") || u.starts_with("ws://") => Ok(u.to_string()),
        Some(_) => Err(SocketModeError::Open("url is not a WebSocket URL".into())),
        None => Err(SocketModeError::Open("the answer has no url".into())),
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // An explicit provider: several may be compiled into the binary, and then rustls has no
    // process-wide default.
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(cfg))
}

async fn connect(url: &str, limit: Duration) -> Result<Ws, SocketModeError> {
    use tokio_tungstenite::Connector;
    let connector = if url.starts_with("wss://") {
        Connector::Rustls(tls_config().map_err(SocketModeError::Connect)?)
    } else {
        Connector::Plain
    };
    let connecting =
        tokio_tungstenite::connect_async_tls_with_config(url, None, true, Some(connector));
    match tokio::time::timeout(limit, connecting).await {
        Err(_) => Err(SocketModeError::Connect(format!(
            "no handshake within {limit:?}"
        ))),
        Ok(Err(e)) => Err(SocketModeError::Connect(e.to_string())),
        Ok(Ok((ws, _))) => Ok(ws),
    }
}

/// What one text frame asks of the session (after the ack).
enum Step {
    Nothing,
    Deliver(Box<Delivery>),
    End(End),
}

/// Runs one connection; the flag tells whether it was healthy (a `hello` arrived), which
/// resets the backoff.
async fn session(
    ws: Ws,
    cfg: &SocketModeConfig,
    sink: &dyn EnvelopeSink,
    counters: &Counters,
    shutdown: &mut watch::Receiver<bool>,
) -> (End, bool) {
    let (mut tx, mut rx) = ws.split();
    let mut healthy = false;
    let mut last_seen = Instant::now();
    let mut ping = tokio::time::interval_at(Instant::now() + cfg.ping_interval, cfg.ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let end = loop {
        tokio::select! {
            _ = stopped(shutdown) => {
                let _ = tokio::time::timeout(Duration::from_secs(1), tx.send(WsMessage::Close(None))).await;
                break End::Shutdown;
            }
            _ = ping.tick() => {
                if last_seen.elapsed() >= cfg.idle_timeout {
                    break End::Dropped(format!("nothing received for {:?}", last_seen.elapsed()));
                }
                if let Err(e) = tx.send(WsMessage::Ping(Vec::new().into())).await {
                    break End::Dropped(format!("ping: {e}"));
                }
            }
            frame = rx.next() => {
                last_seen = Instant::now();
                let text = match frame {
                    None => break End::Dropped("the connection ended".into()),
                    Some(Err(e)) => break End::Dropped(format!("socket error: {e}")),
                    Some(Ok(WsMessage::Text(t))) => t.as_str().to_owned(),
                    Some(Ok(WsMessage::Binary(b))) => match String::from_utf8(b.to_vec()) {
                        Ok(t) => t,
                        Err(_) => {
                            Counters::bump(&counters.bad_frames);
                            tracing::warn!(len = b.len(), "Socket Mode: a binary frame that is not UTF-8; skipped");
                            continue;
                        }
                    },
                    Some(Ok(WsMessage::Close(frame))) => {
                        let why = frame.map(|f| format!("{} {}", f.code, f.reason)).unwrap_or_default();
                        break End::Dropped(format!("closed by Slack {why}"));
                    }
                    Some(Ok(_)) => continue, // ping (answered by tungstenite), pong
                };
                let (ack, step) = read_frame(&text, cfg, counters, &mut healthy);
                if let Some(id) = ack {
                    let ack = serde_json::json!({ "envelope_id": id }).to_string();
                    if let Err(e) = tx.send(WsMessage::Text(ack.into())).await {
                        break End::Dropped(format!("ack: {e}"));
                    }
                    Counters::bump(&counters.acks);
                }
                match step {
                    Step::Deliver(delivery) => {
                        Counters::bump(&counters.deliveries);
                        sink.deliver(*delivery);
                    }
                    Step::Nothing => {}
                    Step::End(end) => break end,
                }
            }
        }
    };
    if !matches!(end, End::Shutdown) {
        let _ = tokio::time::timeout(Duration::from_millis(500), tx.close()).await;
    }
    (end, healthy)
}

/// Reads one text frame: the envelope id to acknowledge (if any), and either a delivery,
/// nothing, or the end of the session.
fn read_frame(
    text: &str,
    cfg: &SocketModeConfig,
    counters: &Counters,
    healthy: &mut bool,
) -> (Option<String>, Step) {
    let bad = |why: String| {
        Counters::bump(&counters.bad_frames);
        tracing::warn!(%why, "Socket Mode: frame skipped");
    };
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            bad(format!("not JSON: {e}"));
            return (None, Step::Nothing);
        }
    };
    let Some(obj) = v.as_object() else {
        bad("not a JSON object".into());
        return (None, Step::Nothing);
    };
    let envelope_id = obj
        .get("envelope_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_string);
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let kind = match kind {
        "hello" => {
            Counters::bump(&counters.hellos);
            *healthy = true;
            tracing::info!(
                num_connections = obj
                    .get("num_connections")
                    .and_then(serde_json::Value::as_i64),
                "Socket Mode connected"
            );
            return (envelope_id, Step::Nothing);
        }
        "disconnect" => {
            Counters::bump(&counters.disconnects);
            let reason = obj
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let end = if reason == "link_disabled" {
                // Socket Mode was turned off for the app: keep trying, slowly.
                End::Dropped("disconnect: link_disabled (is Socket Mode enabled?)".into())
            } else {
                End::Refresh(format!("disconnect: {reason}"))
            };
            return (envelope_id, Step::End(end));
        }
        "events_api" => EnvelopeKind::EventsApi,
        "interactive" => EnvelopeKind::Interactive,
        "slash_commands" => EnvelopeKind::SlashCommands,
        other => {
            if envelope_id.is_some() {
                tracing::debug!(
                    kind = other,
                    "Socket Mode: envelope type not handled; acked"
                );
            } else {
                bad(format!("frame type {other:?} without an envelope_id"));
            }
            return (envelope_id, Step::Nothing);
        }
    };
    let Some(id) = envelope_id else {
        bad(format!("{kind:?} envelope without an envelope_id"));
        return (None, Step::Nothing);
    };
    let raw = obj.get("payload").cloned().unwrap_or(Value::Null);
    let parsed = match kind {
        EnvelopeKind::EventsApi => serde_json::to_vec(&raw)
            .map_err(|e| e.to_string())
            .and_then(|body| events::parse(&body, &cfg.bot).map_err(|e| e.to_string()))
            .map(Payload::Event),
        EnvelopeKind::Interactive => interactivity::parse_value(&raw)
            .map(Payload::Interaction)
            .map_err(|e| e.to_string()),
        EnvelopeKind::SlashCommands => interactivity::parse_slash_command_value(&raw)
            .map(Payload::SlashCommand)
            .map_err(|e| e.to_string()),
    };
    let payload = match parsed {
        Ok(p) => p,
        Err(e) => {
            bad(format!("{kind:?} envelope {id}: {e}"));
            return (Some(id), Step::Nothing);
        }
    };
    let retry_num = obj
        .get("retry_attempt")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let retry = (retry_num > 0).then(|| Retry {
        num: u32::try_from(retry_num).unwrap_or(u32::MAX),
        reason: obj
            .get("retry_reason")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(64).collect()),
    });
    let delivery = Delivery {
        envelope_id: id.clone(),
        kind,
        payload,
        retry,
        accepts_response_payload: obj
            .get("accepts_response_payload")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        raw,
    };
    (Some(id), Step::Deliver(Box::new(delivery)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(2),
        };
        assert_eq!(b.delay(0, 0.0), Duration::from_millis(50));
        assert_eq!(b.delay(0, 1.0), Duration::from_millis(100));
        assert_eq!(b.delay(1, 0.0), Duration::from_millis(100));
        assert_eq!(b.delay(3, 1.0), Duration::from_millis(800));
        assert_eq!(b.delay(5, 1.0), Duration::from_secs(2));
        assert_eq!(b.delay(200, 0.5), Duration::from_millis(1500));
        assert_eq!(b.delay(0, f64::NAN), Duration::from_millis(100));
        for n in 0..40 {
            let d = b.random_delay(n);
            assert!(d >= b.base(n) / 2 && d <= b.base(n), "{n}: {d:?}");
        }
        // Not all equal: jitter is random.
        let draws: std::collections::HashSet<_> = (0..20).map(|_| b.random_delay(4)).collect();
        assert!(draws.len() > 1);
    }

    #[test]
    fn frames_are_read_without_panicking() {
        let cfg = SocketModeConfig::new("xapp-1");
        let counters = Counters::default();
        let mut healthy = false;
        for bad in [
            "",
            "null",
            "[1]",
            "{\"type\": 3}",
            "{\"envelope_id\": 5, \"type\": \"events_api\"}",
            "{\"type\": \"events_api\", \"payload\": {}}",
        ] {
            let (ack, step) = read_frame(bad, &cfg, &counters, &mut healthy);
            assert_eq!(ack, None, "{bad}");
            assert!(matches!(step, Step::Nothing), "{bad}");
        }
        let (ack, step) = read_frame(
            r#"{"type":"slash_commands","envelope_id":"e1","payload":{"command":["/aws"]}}"#,
            &cfg,
            &counters,
            &mut healthy,
        );
        assert_eq!(ack.as_deref(), Some("e1"));
        assert!(matches!(step, Step::Nothing));
        assert_eq!(counters.snapshot().bad_frames, 7);
        assert!(!healthy);
    }
}
