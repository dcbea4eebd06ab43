//! A local double of Slack's Web API for `chatops serve` (`SLACK_API_URL`): it records every
//! call (method and body) and answers as Slack documents: `auth.test` names the bot,
//! `chat.postMessage` returns a fresh `ts`; [`SlackApi::rate_limit`] makes it answer 429
//! (recorded as `429:<method>`) as Slack does when a rate limit is hit.

use serde_json::{json, Value};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The bot's user id, as `auth.test` answers it.
pub const BOT_USER: &str = "U0BOT";

/// One Web API call.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub method: String,
    pub body: Value,
    /// The `ts` answered for a posted message.
    pub ts: Option<String>,
}

pub struct SlackApi {
    pub url: String,
    calls: Arc<Mutex<Vec<ApiCall>>>,
    /// 429s still to answer, and their `Retry-After`.
    limited: Arc<Mutex<(u32, String)>>,
}

impl SlackApi {
    pub fn start() -> SlackApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
        let upload_base = url.clone();
        let calls = Arc::new(Mutex::new(Vec::<ApiCall>::new()));
        let log = calls.clone();
        let limited = Arc::new(Mutex::new((0u32, String::new())));
        let owed = limited.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut s = stream;
                let raw = super::read_request(&mut s);
                let text = String::from_utf8_lossy(&raw).into_owned();
                let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
                let path = head.split_whitespace().nth(1).unwrap_or("");
                let method = path.rsplit('/').next().unwrap_or("").to_string();
                let body: Value = if head.to_ascii_lowercase().contains("application/json") {
                    serde_json::from_str(body).unwrap_or(Value::Null)
                } else {
                    Value::Object(
                        body.split('&')
                            .filter_map(|kv| kv.split_once('='))
                            .map(|(k, v)| (k.to_string(), json!(v)))
                            .collect(),
                    )
                };
                let mut l = log.lock().expect("log");
                let retry_after = {
                    let mut o = owed.lock().expect("limits");
                    (o.0 > 0).then(|| {
                        o.0 -= 1;
                        o.1.clone()
                    })
                };
                if let Some(ra) = retry_after {
                    l.push(ApiCall {
                        method: format!("429:{method}"),
                        body,
                        ts: None,
                    });
                    drop(l);
                    use std::io::Write;
                    let _ = write!(s, "HTTP/1.1 429 Too Many Requests\r\nretry-after: {ra}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    continue;
                }
                let ts = format!("1700000{:03}.000100", l.len());
                let answer = match method.as_str() {
                    "auth.test" => json!({"ok": true, "user_id": BOT_USER, "bot_id": "B0BOT",
                        "team_id": "T0001", "user": "aws", "team": "Acme"}),
                    "users.info" => {
                        json!({"ok": true, "user": {"id": body["user"], "name": "alice"}})
                    }
                    "chat.postMessage" => json!({"ok": true, "channel": body["channel"], "ts": ts}),
                    "chat.postEphemeral" => json!({"ok": true, "message_ts": ts}),
                    "chat.update" => {
                        json!({"ok": true, "channel": body["channel"], "ts": body["ts"]})
                    }
                    // The external upload: a URL to POST the bytes to (this double), then
                    // the completion naming the channel and thread.
                    "files.getUploadURLExternal" => json!({"ok": true,
                        "upload_url": format!("{upload_base}upload-F{}", l.len()),
                        "file_id": format!("F{}", l.len())}),
                    "files.completeUploadExternal" => json!({"ok": true, "files": []}),
                    m if m.starts_with("upload-F") => json!({"ok": true, "bytes": raw.len()}),
                    _ => json!({"ok": false, "error": "unknown_method"}),
                };
                let posted = matches!(method.as_str(), "chat.postMessage" | "chat.postEphemeral");
                l.push(ApiCall {
                    method,
                    body,
                    ts: posted.then_some(ts),
                });
                drop(l);
                super::respond_json(&mut s, &answer.to_string());
            }
        });
        SlackApi {
            url,
            calls,
            limited,
        }
    }

    /// Answers 429 with `Retry-After: retry_after` (seconds) to the next `times` calls.
    pub fn rate_limit(&self, times: u32, retry_after: &str) {
        *self.limited.lock().expect("limits") = (times, retry_after.to_string());
    }

    pub fn calls(&self) -> Vec<ApiCall> {
        self.calls.lock().expect("log").clone()
    }

    /// Waits (up to 30 s) until at least `n` messages were posted; returns all calls.
    pub fn wait_posts(&self, n: usize) -> Vec<ApiCall> {
        let started = Instant::now();
        loop {
            let calls = self.calls();
            let posts = calls
                .iter()
                .filter(|c| c.method.starts_with("chat.post"))
                .count();
            if posts >= n {
                return calls;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{n} posts expected within 30 s; saw {calls:#?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Posts `body` to a Slack endpoint of `chatops serve` at `addr` with the given timestamp
/// and signature headers; returns the status and the answer's body.
pub fn post_to_slack(
    addr: &str,
    path: &str,
    ts: &str,
    sig: &str,
    ctype: &str,
    body: &str,
) -> (u16, String) {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ctype}\r\nX-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sig}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    super::read_answer(&mut s)
}

/// Posts `body` to `addr` signed now with `secret`, as Slack does; with `retry`, Slack's
/// redelivery headers (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`). The status, or 0 when
/// nobody answers (a dead replica): never panics, so a caller can redeliver elsewhere.
pub fn signed_post(
    secret: &str,
    addr: &str,
    path: &str,
    ctype: &str,
    body: &str,
    retry: Option<(u32, &str)>,
) -> u16 {
    use std::io::Write;
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string();
    let sig = slack::sign(secret, &ts, body.as_bytes());
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    if s.set_read_timeout(Some(Duration::from_secs(30))).is_err() {
        return 0;
    }
    let retry = retry.map_or(String::new(), |(n, why)| {
        format!("X-Slack-Retry-Num: {n}\r\nX-Slack-Retry-Reason: {why}\r\n")
    });
    let sent = write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ctype}\r\nX-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sig}\r\n{retry}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if sent.is_err() {
        return 0;
    }
    super::read_answer(&mut s).0
}

/// An Events API `app_mention` of the bot by `user` in channel `C0001` of team `T0001`, with
/// Slack's encoding of `&`, `<` and `>`; the answer goes to the thread `ts`.
pub fn mention_event(event_id: &str, ts: &str, user: &str, line: &str) -> String {
    let text = line
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    json!({
        "token": "x", "team_id": "T0001", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": 1_700_000_000,
        "authorizations": [{"team_id": "T0001", "user_id": BOT_USER, "is_bot": true}],
        "event": {"type": "app_mention", "user": user, "channel": "C0001", "ts": ts,
                  "event_ts": ts, "text": format!("<@{BOT_USER}> {text}")},
    })
    .to_string()
}

/// The Run button of a posted message: (block id, action id, value).
pub fn run_control(call: &ApiCall) -> Option<(Value, Value, Value)> {
    call.body["blocks"].as_array()?.iter().find_map(|b| {
        b["elements"].as_array()?.iter().find_map(|e| {
            (e["type"] == "button" && e["text"]["text"] == "Run").then(|| {
                (
                    b["block_id"].clone(),
                    e["action_id"].clone(),
                    e["value"].clone(),
                )
            })
        })
    })
}

/// The interactivity form (`payload=…`) of `user` pressing Run on `post` (a message posted in
/// channel `C0001` of team `T0001`), with Slack's `trigger_id`; `None` without a Run button.
pub fn run_press(
    post: &ApiCall,
    user: &str,
    trigger_id: &str,
    response_url: &str,
) -> Option<String> {
    let (block, action, value) = run_control(post)?;
    let payload = json!({
        "type": "block_actions", "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A1", "token": "x", "trigger_id": trigger_id,
        "team": {"id": "T0001"}, "channel": {"id": "C0001"},
        "container": {"type": "message", "message_ts": post.ts, "channel_id": "C0001"},
        "message": {"type": "message", "ts": post.ts, "thread_ts": post.body["thread_ts"],
                    "user": BOT_USER, "blocks": post.body["blocks"]},
        "response_url": response_url,
        "actions": [{"type": "button", "block_id": block, "action_id": action,
                     "value": value, "action_ts": "1.1"}],
    });
    Some(format!("payload={}", url_encode(&payload.to_string())))
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
