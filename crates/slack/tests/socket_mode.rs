//! Socket Mode against local doubles: an HTTP double answering `apps.connections.open` with
//! the URL of a WebSocket double (tokio-tungstenite on 127.0.0.1:0) whose sockets the test
//! drives frame by frame.

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use slack::events::{Envelope, Retry};
use slack::socket_mode::{
    self, Backoff, Delivery, EnvelopeKind, Payload, SocketModeConfig, SocketModeError,
};
use slack::Interaction;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

const TOKEN: &str = "xapp-1-A111-222-abc";
const WAIT: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<TcpStream>;

#[derive(Default)]
struct OpenLog {
    /// When each `apps.connections.open` call arrived.
    calls: Vec<Instant>,
    /// Answers to give before the successful ones (`ok: false` with this error).
    fail_with: Vec<&'static str>,
}

struct Double {
    api_base: String,
    log: Arc<Mutex<OpenLog>>,
    sockets: mpsc::UnboundedReceiver<Socket>,
}

impl Double {
    async fn start() -> Double {
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_addr = ws.local_addr().unwrap();
        let (tx, sockets) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = ws.accept().await else {
                    return;
                };
                let tx = tx.clone();
                tokio::spawn(async move {
                    if let Ok(s) = tokio_tungstenite::accept_async(tcp).await {
                        let _ = tx.send(s);
                    }
                });
            }
        });
        let log = Arc::new(Mutex::new(OpenLog::default()));
        let l = log.clone();
        let app = Router::new().route(
            "/api/apps.connections.open",
            post(move |headers: HeaderMap| {
                let log = l.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if auth != format!("Bearer {TOKEN}") {
                        return (StatusCode::OK, json!({"ok": false, "error": "not_authed"}).to_string());
                    }
                    let mut log = log.lock().unwrap();
                    log.calls.push(Instant::now());
                    let n = log.calls.len();
                    if !log.fail_with.is_empty() {
                        let e = log.fail_with.remove(0);
                        return (StatusCode::OK, json!({"ok": false, "error": e}).to_string());
                    }
                    (
                        StatusCode::OK,
                        json!({"ok": true, "url": format!("ws://{ws_addr}/link/?ticket=t{n}&app_id=A111")})
                            .to_string(),
                    )
                }
            }),
        );
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_base = format!("http://{}/api", http.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(http, app).await });
        Double {
            api_base,
            log,
            sockets,
        }
    }

    fn config(&self, backoff_ms: u64) -> SocketModeConfig {
        let mut c = SocketModeConfig::new(TOKEN);
        c.api_base = self.api_base.clone();
        c.backoff = Backoff {
            initial: Duration::from_millis(backoff_ms),
            max: Duration::from_secs(5),
        };
        c.bot.user_id = Some("U0LAN0Z89".into());
        c
    }

    fn opens(&self) -> Vec<Instant> {
        self.log.lock().unwrap().calls.clone()
    }

    async fn next_socket(&mut self) -> Socket {
        tokio::time::timeout(WAIT, self.sockets.recv())
            .await
            .expect("no WebSocket connection in time")
            .unwrap()
    }
}

fn new_sink() -> (
    Arc<dyn socket_mode::EnvelopeSink>,
    mpsc::UnboundedReceiver<Delivery>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Arc::new(move |d: Delivery| tx.send(d).unwrap()), rx)
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hello() -> Message {
    Message::text(
        json!({"type": "hello", "num_connections": 1,
            "debug_info": {"host": "applink-1", "build_number": 118, "approximate_connection_time": 18060},
            "connection_info": {"app_id": "A111"}})
        .to_string(),
    )
}

fn envelope(kind: &str, id: &str, payload: Value) -> Message {
    Message::text(
        json!({"envelope_id": id, "payload": payload, "type": kind,
            "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""})
        .to_string(),
    )
}

/// The next text frame from the client (pings and pongs skipped).
async fn recv_text(s: &mut Socket) -> String {
    loop {
        match tokio::time::timeout(WAIT, s.next())
            .await
            .expect("no frame in time")
        {
            Some(Ok(Message::Text(t))) => return t.as_str().to_string(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

async fn expect_ack(s: &mut Socket, id: &str) {
    let ack: Value = serde_json::from_str(&recv_text(s).await).unwrap();
    assert_eq!(ack, json!({ "envelope_id": id }), "a payload-less ack");
}

async fn next_delivery(rx: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no delivery in time")
        .unwrap()
}

async fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + WAIT;
    while !f() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_then_envelopes_are_acked_and_delivered_once() {
    let mut double = Double::start().await;
    let (sink, mut rx) = new_sink();
    let handle = socket_mode::start(double.config(100), sink);
    let mut ws = double.next_socket().await;
    ws.send(hello()).await.unwrap();
    wait_for("hello", || handle.stats().hellos == 1).await;

    // events_api: app_mention, the same body the HTTP endpoint receives.
    ws.send(envelope("events_api", "env-1", fixture("app_mention.json")))
        .await
        .unwrap();
    expect_ack(&mut ws, "env-1").await;
    let d = next_delivery(&mut rx).await;
    assert_eq!(d.envelope_id, "env-1");
    assert_eq!(d.kind, EnvelopeKind::EventsApi);
    assert_eq!(d.retry, None);
    assert!(!d.accepts_response_payload);
    let Payload::Event(Envelope::Callback(cb)) = &d.payload else {
        panic!("{:?}", d.payload)
    };
    assert_eq!(cb.event_id, "Ev123ABC456");
    let inbound = cb.to_inbound().unwrap();
    assert_eq!(inbound.workspace, "T123ABC456");
    assert_eq!(inbound.thread.as_deref(), Some("1515449522.000016"));
    assert_eq!(d.raw, fixture("app_mention.json"));

    // A retried envelope carries its retry info.
    let mut retried: Value = serde_json::from_str(
        &envelope("events_api", "env-2", fixture("message_im.json"))
            .into_text()
            .unwrap(),
    )
    .unwrap();
    retried["retry_attempt"] = 2.into();
    retried["retry_reason"] = "timeout".into();
    ws.send(Message::text(retried.to_string())).await.unwrap();
    expect_ack(&mut ws, "env-2").await;
    let d = next_delivery(&mut rx).await;
    assert_eq!(
        d.retry,
        Some(Retry {
            num: 2,
            reason: Some("timeout".into())
        })
    );
    assert!(matches!(d.payload, Payload::Event(Envelope::Callback(_))));

    // interactive: block_actions.
    ws.send(envelope(
        "interactive",
        "env-3",
        fixture("block_actions_button.json"),
    ))
    .await
    .unwrap();
    expect_ack(&mut ws, "env-3").await;
    let d = next_delivery(&mut rx).await;
    assert_eq!(d.kind, EnvelopeKind::Interactive);
    assert!(d.accepts_response_payload);
    let Payload::Interaction(Interaction::BlockActions(a)) = &d.payload else {
        panic!("{:?}", d.payload)
    };
    assert_eq!(a.team_id, "T9TK3CUKW");

    // slash_commands: the form fields as a JSON object.
    ws.send(envelope(
        "slash_commands",
        "env-4",
        json!({"token": "x", "team_id": "T0001", "team_domain": "example", "channel_id": "C2147483705",
            "channel_name": "ops", "user_id": "U2147483697", "user_name": "ana", "command": "/aws",
            "text": "s3 ls", "api_app_id": "A111", "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/1234/5678", "trigger_id": "13345224609.1"}),
    ))
    .await
    .unwrap();
    expect_ack(&mut ws, "env-4").await;
    let d = next_delivery(&mut rx).await;
    let Payload::SlashCommand(c) = &d.payload else {
        panic!("{:?}", d.payload)
    };
    assert_eq!(c.command, "/aws");
    assert_eq!(c.text, "s3 ls");

    // Each envelope was delivered exactly once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(rx.try_recv().is_err(), "a second delivery");
    let s = handle.stats();
    assert_eq!((s.opens, s.connections, s.hellos), (1, 1, 1));
    assert_eq!((s.acks, s.deliveries, s.bad_frames), (4, 4, 0));
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_are_survived() {
    let mut double = Double::start().await;
    let (sink, mut rx) = new_sink();
    let handle = socket_mode::start(double.config(100), sink);
    let mut ws = double.next_socket().await;
    ws.send(hello()).await.unwrap();
    for bad in [
        Message::text("not json"),
        Message::text("[1, 2]"),
        Message::text("{\"type\": 7}"),
        Message::binary(vec![0xff, 0xfe, 0x00]),
        Message::text("{\"type\": \"events_api\", \"payload\": {}}"), // no envelope id
    ] {
        ws.send(bad).await.unwrap();
    }
    // A payload the parser refuses, and an unknown envelope type: acked, not delivered.
    ws.send(envelope(
        "events_api",
        "env-bad",
        json!({"type": "event_callback"}),
    ))
    .await
    .unwrap();
    expect_ack(&mut ws, "env-bad").await;
    ws.send(envelope("future_kind", "env-new", json!({})))
        .await
        .unwrap();
    expect_ack(&mut ws, "env-new").await;
    // Still connected and working.
    ws.send(envelope(
        "events_api",
        "env-ok",
        fixture("app_mention.json"),
    ))
    .await
    .unwrap();
    expect_ack(&mut ws, "env-ok").await;
    let d = next_delivery(&mut rx).await;
    assert_eq!(d.envelope_id, "env-ok");
    assert!(rx.try_recv().is_err());
    let s = handle.stats();
    assert_eq!((s.opens, s.connections), (1, 1), "no reconnect: {s:?}");
    assert_eq!(s.bad_frames, 6, "{s:?}");
    assert_eq!(s.deliveries, 1);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_leads_to_a_fresh_open_and_a_new_socket() {
    let mut double = Double::start().await;
    let (sink, mut rx) = new_sink();
    // A long backoff: the reconnect after `disconnect` must not wait for it.
    let handle = socket_mode::start(double.config(20_000), sink);
    let mut first = double.next_socket().await;
    first.send(hello()).await.unwrap();
    first
        .send(Message::text(
            json!({"type": "disconnect", "reason": "refresh_requested",
                "debug_info": {"host": "applink-1"}})
            .to_string(),
        ))
        .await
        .unwrap();
    let mut second = double.next_socket().await;
    assert_eq!(double.opens().len(), 2, "a second apps.connections.open");
    second.send(hello()).await.unwrap();
    second
        .send(envelope("events_api", "env-5", fixture("app_mention.json")))
        .await
        .unwrap();
    expect_ack(&mut second, "env-5").await;
    assert_eq!(next_delivery(&mut rx).await.envelope_id, "env-5");
    // The old socket was closed by the client.
    let closed = tokio::time::timeout(WAIT, async {
        loop {
            match first.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the old socket stays open");
    let s = handle.stats();
    assert_eq!(
        (s.opens, s.connections, s.hellos, s.disconnects),
        (2, 2, 2, 1)
    );

    // `warning` too.
    second
        .send(Message::text(
            json!({"type": "disconnect", "reason": "warning"}).to_string(),
        ))
        .await
        .unwrap();
    let _third = double.next_socket().await;
    assert_eq!(double.opens().len(), 3);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connection_and_failed_opens_back_off() {
    let mut double = Double::start().await;
    let (sink, _rx) = new_sink();
    let backoff = Duration::from_millis(400);
    let handle = socket_mode::start(double.config(400), sink);
    let mut ws = double.next_socket().await;
    ws.send(hello()).await.unwrap();
    wait_for("hello", || handle.stats().hellos == 1).await;
    // The next two opens fail (a transient Slack error), then one succeeds.
    double.log.lock().unwrap().fail_with = vec!["internal_error", "internal_error"];
    let dropped = Instant::now();
    drop(ws); // TCP closed without a close frame
    let _ws = double.next_socket().await;
    let opens = double.opens();
    assert_eq!(opens.len(), 4, "1 + 2 failed + 1");
    // After a healthy session the backoff starts again at `initial`: wait ∈ [200, 400] ms,
    // then [400, 800] ms, then [800, 1600] ms (lower bounds checked; the machine may be slow).
    let gaps = [opens[1] - dropped, opens[2] - opens[1], opens[3] - opens[2]];
    assert!(gaps[0] >= backoff / 2, "{gaps:?}");
    assert!(gaps[1] >= backoff, "{gaps:?}");
    assert!(gaps[2] >= backoff * 2, "{gaps:?}");
    assert!(gaps[0] < Duration::from_secs(3), "{gaps:?}");
    wait_for("the client's side of the handshake", || {
        handle.stats().connections == 2
    })
    .await;
    assert_eq!(handle.stats().opens, 4);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_it() {
    let mut double = Double::start().await;
    let (sink, _rx) = new_sink();
    let handle = socket_mode::start(double.config(100), sink);
    let mut ws = double.next_socket().await;
    ws.send(hello()).await.unwrap();
    wait_for("hello", || handle.stats().hellos == 1).await;
    tokio::time::timeout(Duration::from_secs(3), handle.shutdown())
        .await
        .expect("shutdown hangs")
        .unwrap();
    // The client sent a close frame (or closed the connection).
    let closed = tokio::time::timeout(WAIT, async {
        loop {
            match ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(double.opens().len(), 1, "no reconnect after shutdown");

    // Shutdown also interrupts a long backoff.
    double.log.lock().unwrap().fail_with = vec!["internal_error"];
    let (sink, _rx) = new_sink();
    let handle = socket_mode::start(double.config(60_000), sink);
    wait_for("a failed open", || double.opens().len() == 2).await;
    tokio::time::timeout(Duration::from_secs(3), handle.shutdown())
        .await
        .expect("shutdown waits for the backoff")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_with_a_clear_error() {
    let double = Double::start().await;
    let (sink, _rx) = new_sink();
    double.log.lock().unwrap().fail_with = vec!["invalid_auth"];
    let handle = socket_mode::start(double.config(100), sink);
    let err = tokio::time::timeout(WAIT, handle.join())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err, SocketModeError::Auth("invalid_auth".into()));
    assert!(err.to_string().contains("connections:write"), "{err}");

    let (sink, _rx) = new_sink();
    let mut cfg = double.config(100);
    cfg.app_token = "xoxb-123-456".into();
    let err = socket_mode::start(cfg, sink).join().await.unwrap_err();
    assert!(matches!(err, SocketModeError::NotAppToken(_)), "{err}");
    assert!(!err.to_string().contains("456"), "the token is not logged");
    assert_eq!(double.opens().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_replaced() {
    let mut double = Double::start().await;
    let (sink, _rx) = new_sink();
    let mut cfg = double.config(50);
    cfg.ping_interval = Duration::from_millis(100);
    cfg.idle_timeout = Duration::from_millis(300);
    let handle = socket_mode::start(cfg, sink);
    let mut ws = double.next_socket().await;
    ws.send(hello()).await.unwrap();
    // The double never reads again, so the client's pings get no pong: after the idle
    // timeout the client gives up on this socket and opens another.
    let started = Instant::now();
    let _second = double.next_socket().await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(double.opens().len(), 2);
    handle.shutdown().await.unwrap();
    drop(ws);
}
