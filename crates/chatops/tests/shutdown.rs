//! SIGTERM stops `chatops serve` gracefully: new connections are refused at once, while a
//! request already being received is still answered in full, and a Slack command whose AWS
//! call is slow (a local endpoint that answers after 3 s) still gets its answer posted; then
//! the process exits 0, within the drain deadline.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::notices::config;
use common::prometheus::parse;
use common::slack_api::{post_to_slack, SlackApi};
use common::web::Server;
use common::{fake, http_get, respond};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// How long the AWS endpoint takes to answer.
const SLOW: Duration = Duration::from_secs(3);

fn now_secs() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}

/// A signed slash command form for channel C0ALERTS.
fn slash(text: &str, trigger: &str) -> String {
    format!(
        "token=x&team_id=T0001&channel_id=C0ALERTS&user_id=U0001&command=%2Faws&text={text}&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fr&trigger_id={trigger}"
    )
}

/// Polls until `cond` holds, panicking with `what` after `within`.
fn wait_for(what: &str, within: Duration, cond: impl Fn() -> bool) {
    let started = Instant::now();
    while !cond() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_finishes_work_in_flight_refuses_new_connections_and_exits_0() {
    let aws = fake(Arc::new(|_, s: &mut TcpStream| {
        std::thread::sleep(SLOW);
        respond(
            s,
            "200 OK",
            r#"{"QueueUrls":["https://sqs.us-east-1.amazonaws.com/123456789012/slow-answer"]}"#,
        );
    }));
    let slack = SlackApi::start();
    let dir = common::temp_dir("shutdown");
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&dir.join("chatops.db"), &aws.url, "", true)).expect("config");
    let mut server = Server::start_capturing(
        &cfg,
        &[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_BOT_TOKEN", "xoxb-test"),
            ("SLACK_API_URL", &slack.url),
        ],
    );
    let addr = server.slack.clone().expect("Slack is served");

    // 1. A command whose AWS call takes SLOW: acked at once, answered later.
    let ts = now_secs();
    let form = slash("sqs%20list-queues", "1.1.1");
    let sig = slack::sign(SECRET, &ts, form.as_bytes());
    let (status, answer) = post_to_slack(
        &addr,
        "/slack/commands",
        &ts,
        &sig,
        "application/x-www-form-urlencoded",
        &form,
    );
    assert_eq!(status, 200, "{answer}");
    wait_for("the AWS call started", Duration::from_secs(30), || {
        aws.hits.load(std::sync::atomic::Ordering::SeqCst) >= 1
    });

    // 2. A request whose body is still arriving: headers and half the body sent.
    let form2 = slash("help", "2.2.2");
    let sig2 = slack::sign(SECRET, &ts, form2.as_bytes());
    let mut slow = TcpStream::connect(&addr).expect("connect");
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        slow,
        "POST /slack/commands HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sig2}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{}",
        form2.len(),
        &form2[..form2.len() / 2]
    )
    .expect("send the first half");
    // The server is serving it once the scrape (itself in flight) sees two requests.
    wait_for(
        "the slow request is being served",
        Duration::from_secs(30),
        || {
            let (_, body) = http_get(&addr, "/metrics", &[]);
            parse(&body).sum("chatops_http_requests_in_flight", &[]) >= 2.0
        },
    );

    // The ack of the first command was counted.
    let (_, body) = http_get(&addr, "/metrics", &[]);
    let m = parse(&body);
    assert_eq!(
        m.sum(
            "chatops_slack_requests_total",
            &[("kind", "slash_command"), ("status", "200")]
        ),
        1.0,
        "{body}"
    );
    assert!(
        m.sum(
            "chatops_slack_ack_duration_seconds_count",
            &[("kind", "slash_command")]
        ) >= 1.0
    );

    // 3. SIGTERM: new connections are refused from now on.
    let signalled = Instant::now();
    server.signal("TERM");
    wait_for(
        "new connections are refused",
        Duration::from_secs(5),
        || TcpStream::connect(&addr).is_err(),
    );

    // 4. The request in flight is still answered in full.
    slow.write_all(&form2.as_bytes()[form2.len() / 2..])
        .expect("send the second half");
    let (status, answer) = common::read_answer(&mut slow);
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("in_channel"), "{answer}");

    // 5. The process exits 0 once the slow command's answer is posted, within the drain.
    let status = server
        .wait_exit(Duration::from_secs(20))
        .expect("exited within 20 s of SIGTERM");
    assert_eq!(status.code(), Some(0), "{status}");
    let posted = slack
        .calls()
        .into_iter()
        .filter(|c| c.method.starts_with("chat.post"))
        .any(|c| c.body.to_string().contains("slow-answer"));
    assert!(
        posted,
        "the slow command's answer was posted before exit; calls: {:#?}",
        slack.calls()
    );
    assert!(
        signalled.elapsed() < Duration::from_secs(20),
        "{:?}",
        signalled.elapsed()
    );
    let log = server.stderr_lines().join("\n");
    assert!(
        log.contains("stopped: all work in flight finished"),
        "{log}"
    );
}
