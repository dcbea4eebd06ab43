//! Load benchmark (not a test): signed `app_mention` events at a fixed rate to
//! `/slack/events` on loopback, reporting how many were acked and the ack latency.
//!
//! `cargo bench -p slack --bench slack_load -- [rate per second] [seconds]` (default 1000 30).
//! The server runs on its own 2-thread runtime with a SQLite store on a file (every event
//! is de-duplicated there) and a handler that answers nothing, so the figures are the
//! surface's own cost: signature, parse, `mark_event`, spawn, ack.

use engine::{Handler, Inbound, Outbound};
use serde_json::json;
use slack::{BotIdentity, Slack, SlackSettings, WebApi};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

struct Quiet(AtomicUsize);

impl Handler for Quiet {
    fn handle<'a>(
        &'a self,
        _: &'a Inbound,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Outbound>> + Send + 'a>> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Box::pin(async { Vec::new() })
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rate: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let secs: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30);

    let dir = std::env::temp_dir().join(format!("slack-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store: Arc<dyn store::Store> =
        Arc::new(store::SqliteStore::open(dir.join("chatops.db")).unwrap());
    let handler = Arc::new(Quiet(AtomicUsize::new(0)));
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = server_rt.block_on(async {
        let settings = SlackSettings {
            signing_secret: SECRET.into(),
            bot: BotIdentity::default(),
            teams: HashMap::from([("T123ABC456".to_string(), "acme".to_string())]),
            default_workspace: None,
        };
        let slack = Slack::new(
            settings,
            handler.clone(),
            store,
            WebApi::new("xoxb-x", "http://127.0.0.1:9/api/"),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = slack.router();
        tokio::spawn(async move { slack::server::serve(listener, router).await.unwrap() });
        addr
    });

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = format!("http://{addr}/slack/events");
    let total = rate * secs;
    println!("sending {total} signed events: {rate}/s for {secs} s to {url}");
    let (lat, errors, wall) = client_rt.block_on(async move {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(512)
            .build()
            .unwrap();
        let period = Duration::from_nanos(1_000_000_000 / rate);
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(total as usize);
        for i in 0..total {
            tick.tick().await;
            let body = serde_json::to_vec(&json!({
                "token": "XXYYZZ", "team_id": "T123ABC456", "api_app_id": "A123ABC456",
                "event": {"type": "app_mention", "user": "U061F7AUR",
                          "text": "<@U0LAN0Z89> sqs list-queues", "ts": format!("1700000000.{i:06}"),
                          "channel": "C123ABC456", "event_ts": format!("1700000000.{i:06}")},
                "type": "event_callback", "event_id": format!("EvLoad{i}"), "event_time": 1700000000
            }))
            .unwrap();
            let ts = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                .to_string();
            let sig = slack::sign(SECRET, &ts, &body);
            let req = http
                .post(&url)
                .header("content-type", "application/json")
                .header("x-slack-request-timestamp", ts)
                .header("x-slack-signature", sig)
                .body(body);
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let ok = matches!(req.send().await, Ok(r) if r.status().as_u16() == 200);
                (ok, t.elapsed())
            }));
        }
        let mut lat = Vec::with_capacity(tasks.len());
        let mut errors = 0usize;
        for t in tasks {
            let (ok, d) = t.await.unwrap();
            if ok {
                lat.push(d);
            } else {
                errors += 1;
            }
        }
        (lat, errors, start.elapsed())
    });
    let mut lat = lat;
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "acked {} of {total} ({errors} failed) in {:.1} s; handled {}",
        lat.len(),
        wall.as_secs_f64(),
        handler.0.load(Ordering::Relaxed)
    );
    if !lat.is_empty() {
        println!(
            "ack latency: p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            pct(0.999).as_secs_f64() * 1e3,
            lat.last().unwrap().as_secs_f64() * 1e3
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
