//! Notifications end to end through `chatops serve`: SNS HTTP deliveries signed with a test
//! certificate the server trusts (`CHATOPS_SNS_TRUSTED_CERT`), refused when anything about
//! them is off; and moto's SNS delivering to `POST /sns` and to an SQS queue the server
//! polls, each message reaching the web chat and Slack (a Web API double) exactly once, in
//! the alarm's thread, also when the server is killed between receiving an SQS message and
//! deleting it.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::notices::{alarm, aws_file, config, custom, post_sns, TOPIC};
use common::slack_api::SlackApi;
use common::web::{drain, plain, until, Server};
use common::{aws, Moto};
use serde_json::{json, Value};

const WORKSPACE: &str = "local";
const OPS: &str = "ops";

fn guardduty() -> String {
    json!({"version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
        "account": "123456789012", "time": "2026-12-04T10:00:00Z", "region": "us-east-1",
        "resources": [], "detail": {"id": "finding-1", "type": "Recon:EC2/PortProbeUnprotectedPort",
        "severity": 8.0, "title": "Unprotected port on EC2 instance i-0abc is being probed",
        "accountId": "123456789012", "region": "us-east-1",
        "service": {"count": 3}}})
    .to_string()
}

/// A TCP listener that records every connection's first bytes (a proxy that never
/// answers): the server's outbound HTTPS requests go through it (`HTTPS_PROXY`).
fn recording_listener() -> (String, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 512];
            let n = s.read(&mut buf).unwrap_or(0);
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            let _ = s.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (url, seen)
}

fn sign(envelope: &mut Value, version: u8) {
    sns::testing::sign(envelope, version);
}

fn envelope(message: &str, subject: Option<&str>, version: u8) -> Value {
    sns::testing::signed_notification(TOPIC, message, subject, version, chrono::Utc::now())
}

fn posts(frames: &[Value]) -> Vec<&Value> {
    frames.iter().filter(|f| f["type"] == "post").collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_deliveries_are_verified_before_anything_else() {
    let dir = tempdir();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    let routes = format!("[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\"]\n");
    std::fs::write(&cfg, config(&db, "http://127.0.0.1:9", &routes, false)).unwrap();
    let (proxy, outbound) = recording_listener();
    let cert = sns::testing::cert_path();
    let server = Server::start_with(
        &cfg,
        &[
            ("CHATOPS_SNS_TRUSTED_CERT", cert.to_str().unwrap()),
            ("HTTPS_PROXY", &proxy),
            ("HTTP_PROXY", &proxy),
            ("ALL_PROXY", &proxy),
        ],
    );
    let addr = server.addr.to_string();
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, WORKSPACE, OPS).await;

    // Valid SignatureVersion 1 and 2 messages are posted.
    let v1 = envelope(&custom("signed with SHA1withRSA"), Some("deploy"), 1);
    let (status, body) = post_sns(&addr, &v1.to_string(), Some("Notification"));
    assert_eq!(status, 200, "{body}");
    let f = until(&mut ws, "the v1 notification", |f| f["type"] == "post").await;
    assert!(
        plain(&f["message"]).contains("signed with SHA1withRSA"),
        "{f}"
    );
    let v2 = envelope(
        &alarm("ALARM", "OK"),
        Some("ALARM: \"orders-api-errors\""),
        2,
    );
    let (status, body) = post_sns(&addr, &v2.to_string(), None);
    assert_eq!(status, 200, "{body}");
    let f = until(&mut ws, "the v2 alarm", |f| f["type"] == "post").await;
    assert!(plain(&f["message"]).contains("orders-api-errors"), "{f}");

    // The same message again (an SNS retry): answered, not posted again.
    let (status, _) = post_sns(&addr, &v2.to_string(), None);
    assert_eq!(status, 200);
    // The alarm's graph was asked of its account (through the proxy) while it was
    // delivered; from here on, refused messages must add no request at all.
    let asked_before = outbound.lock().unwrap().len();

    let mut refused: Vec<(&str, Value, u16)> = Vec::new();
    // A changed byte in the message, after signing.
    let mut changed = envelope(&custom("changed"), None, 2);
    changed["Message"] = json!(custom("chAnged"));
    refused.push(("a changed byte", changed, 401));
    // Another topic: correctly signed, but not one the configuration lists.
    let mut other = envelope(&custom("other topic"), None, 2);
    other["TopicArn"] = json!("arn:aws:sns:us-east-1:123456789012:other");
    sign(&mut other, 2);
    refused.push(("an unlisted topic", other, 401));
    // A topic changed after signing.
    let mut moved = envelope(&custom("moved"), None, 1);
    moved["TopicArn"] = json!("arn:aws:sns:us-east-1:123456789012:alarms2");
    refused.push(("a topic changed after signing", moved, 401));
    // An old timestamp, correctly signed.
    let old = sns::testing::signed_notification(
        TOPIC,
        &custom("old"),
        None,
        2,
        chrono::Utc::now() - chrono::Duration::hours(2),
    );
    refused.push(("an old timestamp", old, 401));
    // A certificate URL on another host, correctly signed.
    let mut elsewhere = envelope(&custom("elsewhere"), None, 2);
    elsewhere["SigningCertURL"] =
        json!("https://sns.us-east-1.amazonaws.com.evil.example/cert.pem");
    sign(&mut elsewhere, 2);
    refused.push(("a certificate elsewhere", elsewhere, 401));
    // A missing field.
    let mut missing = envelope(&custom("missing"), None, 2);
    missing.as_object_mut().unwrap().remove("Signature");
    refused.push(("no Signature", missing, 400));
    let mut no_topic = envelope(&custom("missing"), None, 2);
    no_topic.as_object_mut().unwrap().remove("TopicArn");
    refused.push(("no TopicArn", no_topic, 400));
    for (what, body, want) in refused {
        let (status, text) = post_sns(&addr, &body.to_string(), None);
        assert_eq!(status, want, "{what}: {text}");
    }
    let (status, _) = post_sns(&addr, "not json", None);
    assert_eq!(status, 400);
    // Larger than any SNS message can be.
    let huge = envelope(&custom(&"x".repeat(400 * 1024)), None, 2);
    let (status, _) = post_sns(&addr, &huge.to_string(), None);
    assert_eq!(status, 413);
    // The message type header must agree with the body.
    let v = envelope(&custom("typed"), None, 2);
    let (status, text) = post_sns(&addr, &v.to_string(), Some("SubscriptionConfirmation"));
    assert_eq!(status, 400, "{text}");

    // Nothing more was posted, and the refused messages made no outbound request.
    let frames = drain(&mut ws, Duration::from_millis(1500)).await;
    assert!(
        posts(&frames).is_empty(),
        "nothing else posted: {frames:#?}"
    );
    let seen = outbound.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        asked_before,
        "no request for a refused message: {seen:?}"
    );
    assert!(
        seen.iter().all(|r| r.contains("GetMetricData")),
        "only the valid alarm's graph: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_are_fetched_only_from_sns() {
    let dir = tempdir();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    let routes = format!("[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\"]\n");
    std::fs::write(&cfg, config(&db, "http://127.0.0.1:9", &routes, false)).unwrap();
    let (proxy, outbound) = recording_listener();
    // No trusted certificate: the server would fetch the signing certificate, through the
    // recording proxy (which never answers, so nothing verifies).
    let server = Server::start_with(
        &cfg,
        &[
            ("HTTPS_PROXY", &proxy),
            ("HTTP_PROXY", &proxy),
            ("ALL_PROXY", &proxy),
        ],
    );
    let addr = server.addr.to_string();
    for url in [
        "https://evil.example/SimpleNotificationService-x.pem",
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com/x.txt",
    ] {
        let mut e = envelope(&custom("elsewhere"), None, 2);
        e["SigningCertURL"] = json!(url);
        sign(&mut e, 2);
        let (status, text) = post_sns(&addr, &e.to_string(), None);
        assert_eq!(status, 401, "{url}: {text}");
    }
    assert!(
        outbound.lock().unwrap().is_empty(),
        "no request for a certificate elsewhere: {:?}",
        outbound.lock().unwrap()
    );
    // An allowed URL is fetched from SNS's host, and only from there.
    let e = envelope(&custom("from sns"), None, 2);
    let (status, _) = post_sns(&addr, &e.to_string(), None);
    assert_eq!(
        status, 503,
        "the proxy never answers: the certificate cannot be had now"
    );
    let seen = outbound.lock().unwrap().clone();
    assert!(!seen.is_empty(), "the certificate was fetched");
    for s in &seen {
        assert!(
            s.starts_with("CONNECT sns.us-east-1.amazonaws.com:443 "),
            "only SNS's host: {s}"
        );
    }
}

/// moto: one topic delivering to `POST /sns` and to an SQS queue the server polls. Each
/// message reaches the server twice (same MessageId) and each channel once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_topic_http_and_queue_reach_each_channel_once_in_threads() {
    let moto = Moto::start();
    let slack = SlackApi::start();
    let dir = tempdir();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    let out = aws(&moto, "sns create-topic --name alarms --region us-east-1");
    assert_eq!(out.code, 0, "{out:?}");
    let out = aws(
        &moto,
        "sqs create-queue --queue-name chatops --region us-east-1",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let queue = out.json()["QueueUrl"].as_str().unwrap().to_string();
    let routes = format!(
        "[[notifications]]\nname = \"http\"\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\", \"alerts\"]\n\
         verify_signatures = false\n\n[[notifications]]\nname = \"queue\"\nqueue_url = \"{queue}\"\n\
         account = \"dev\"\nchannels = [\"ops\", \"alerts\"]\nverify_signatures = false\n"
    );
    std::fs::write(&cfg, config(&db, &moto.url, &routes, true)).unwrap();
    let server = Server::start_with(
        &cfg,
        &[
            ("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5"),
            ("SLACK_BOT_TOKEN", "xoxb-test"),
            ("SLACK_API_URL", &slack.url),
        ],
    );
    let endpoint = format!("http://{}/sns", server.addr);
    let out = aws(
        &moto,
        &format!("sns subscribe --topic-arn {TOPIC} --protocol http --notification-endpoint {endpoint} --region us-east-1"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let queue_arn = "arn:aws:sqs:us-east-1:123456789012:chatops";
    let out = aws(
        &moto,
        &format!("sns subscribe --topic-arn {TOPIC} --protocol sqs --notification-endpoint {queue_arn} --region us-east-1"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, WORKSPACE, OPS).await;

    let publish = |message: &str, subject: &str| {
        let args = format!(
            "sns publish --topic-arn {TOPIC} --subject '{subject}' --message file://{{file}} --region us-east-1"
        );
        let out = aws_file(&moto, &dir, &args, message);
        assert_eq!(out.code, 0, "{out:?}");
    };
    publish(&alarm("ALARM", "OK"), "ALARM: orders-api-errors");
    let root = until(&mut ws, "the ALARM", |f| {
        f["type"] == "post" && plain(&f["message"]).contains("ALARM")
    })
    .await;
    let root_id = root["message"]["id"].as_str().unwrap().to_string();
    assert!(root["message"]["thread"].is_null(), "{root}");
    publish(&alarm("OK", "ALARM"), "OK: orders-api-errors");
    let reply = until(&mut ws, "the OK in the thread", |f| f["type"] == "post").await;
    assert_eq!(reply["message"]["thread"], json!(root_id), "{reply}");
    let update = until(&mut ws, "the root updated", |f| f["type"] == "update").await;
    assert_eq!(update["message"]["id"], json!(root_id));
    assert!(plain(&update["message"]).contains("1 update"), "{update}");
    publish(&guardduty(), "GuardDuty finding");
    let event = until(&mut ws, "the GuardDuty finding", |f| f["type"] == "post").await;
    assert!(plain(&event["message"]).contains("probed"), "{event}");
    publish(&custom("release 42 is out"), "deploy");
    let c = until(&mut ws, "the custom notification", |f| f["type"] == "post").await;
    assert!(plain(&c["message"]).contains("release 42 is out"), "{c}");

    // The queue's copies arrive too, and are recognised: nothing more is posted, and the
    // queue is emptied.
    wait_queue_empty(&moto, &queue);
    let rest = drain(&mut ws, Duration::from_millis(2000)).await;
    assert!(posts(&rest).is_empty(), "each message once: {rest:#?}");

    // Slack got the same: three messages in the channel, one reply in the alarm's thread,
    // the first message updated.
    let calls = slack.wait_posts(4);
    let posted: Vec<_> = calls
        .iter()
        .filter(|c| c.method == "chat.postMessage")
        .collect();
    assert_eq!(posted.len(), 4, "{posted:#?}");
    let alarm_ts = posted[0].ts.clone().unwrap();
    assert_eq!(
        posted[1].body["thread_ts"],
        json!(alarm_ts),
        "{:#?}",
        posted[1]
    );
    for p in [&posted[0], &posted[2], &posted[3]] {
        assert!(p.body["thread_ts"].is_null(), "{p:#?}");
        assert_eq!(p.body["channel"], "C0ALERTS");
    }
    let updates: Vec<_> = calls.iter().filter(|c| c.method == "chat.update").collect();
    assert_eq!(updates.len(), 1, "{updates:#?}");
    assert_eq!(updates[0].body["ts"], json!(alarm_ts));
}

/// The server is killed after it posted an SQS message's notification but before it
/// deleted the message; after a restart SQS shows the message again and nothing is posted
/// twice. And killed after receiving, before posting: after a restart it is posted once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_receive_and_delete_delivers_once() {
    let moto = Moto::start();
    let slack = SlackApi::start();
    let dir = tempdir();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    let out = aws(
        &moto,
        "sqs create-queue --queue-name crash --attributes VisibilityTimeout=2 --region us-east-1",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let queue = out.json()["QueueUrl"].as_str().unwrap().to_string();
    let routes = format!(
        "[[notifications]]\nqueue_url = \"{queue}\"\naccount = \"dev\"\nchannels = [\"alerts\"]\n\
         raw_delivery = true\n"
    );
    std::fs::write(&cfg, config(&db, &moto.url, &routes, true)).unwrap();
    let env = |failpoint: &'static str| -> Vec<(&'static str, String)> {
        vec![
            (
                "SLACK_SIGNING_SECRET",
                "8f742231b10e8888abcd99yyyzzz85a5".to_string(),
            ),
            ("SLACK_BOT_TOKEN", "xoxb-test".to_string()),
            ("SLACK_API_URL", slack.url.clone()),
            ("CHATOPS_FAILPOINT", failpoint.to_string()),
        ]
    };
    let start = |failpoint: &'static str| {
        let vars = env(failpoint);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Server::start_with(&cfg, &vars)
    };
    let send = |body: &str| {
        let args = format!(
            "sqs send-message --queue-url {queue} --message-body file://{{file}} --region us-east-1"
        );
        let out = aws_file(&moto, &dir, &args, body);
        assert_eq!(out.code, 0, "{out:?}");
    };

    // Killed after posting, before deleting.
    let server = start("sqs-before-delete");
    send(&custom("posted before the crash"));
    slack.wait_posts(1);
    server.kill();
    let server = start("none");
    wait_queue_empty(&moto, &queue);
    // Killed after receiving, before posting.
    server.kill();
    let server = start("sqs-after-receive");
    send(&custom("received before the crash"));
    wait_in_flight(&moto, &queue);
    server.kill();
    let _server = start("none");
    slack.wait_posts(2);
    wait_queue_empty(&moto, &queue);
    let calls = slack.calls();
    let texts: Vec<String> = calls
        .iter()
        .filter(|c| c.method == "chat.postMessage")
        .map(|c| c.body.to_string())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:#?}");
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.contains("posted before the crash"))
            .count(),
        1
    );
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.contains("received before the crash"))
            .count(),
        1
    );
}

/// Waits (up to 60 s) until the queue holds no message, visible or in flight.
fn wait_queue_empty(moto: &Moto, queue: &str) {
    wait_queue(moto, queue, "empty", |visible, in_flight| {
        visible == 0 && in_flight == 0
    });
}

/// Waits until a message of the queue is in flight (received, not deleted).
fn wait_in_flight(moto: &Moto, queue: &str) {
    wait_queue(moto, queue, "a message in flight", |_, in_flight| {
        in_flight > 0
    });
}

fn wait_queue(moto: &Moto, queue: &str, what: &str, done: impl Fn(u64, u64) -> bool) {
    let started = Instant::now();
    loop {
        let out = aws(
            moto,
            &format!("sqs get-queue-attributes --queue-url {queue} --attribute-names All --region us-east-1"),
        );
        assert_eq!(out.code, 0, "{out:?}");
        let a = &out.json()["Attributes"];
        let n = |k: &str| a[k].as_str().and_then(|v| v.parse().ok()).unwrap_or(0u64);
        if done(
            n("ApproximateNumberOfMessages"),
            n("ApproximateNumberOfMessagesNotVisible"),
        ) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "queue not {what} within 60 s: {a}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "chatops-notify-{}-{}",
        std::process::id(),
        store::new_pending_id().unwrap()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn notify_send(cfg: &Path, channel: &str, file: &Path, vars: &[(&str, &str)]) -> common::Out {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["notify", "send", "--config"])
        .arg(cfg)
        .args(["--channel", channel])
        .arg(file)
        .envs(vars.iter().copied())
        .output()
        .expect("run chatops notify send");
    common::Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `chatops notify send`: a Slack channel directly through the Web API, threads kept in the
/// configuration's store; a web chat channel through the running server; a file that is no
/// notification refused with exit 2 and the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_send_posts_a_file_as_if_it_had_arrived() {
    let slack = SlackApi::start();
    let dir = tempdir();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&db, "http://127.0.0.1:9", "", true)).unwrap();
    let vars = [
        ("SLACK_BOT_TOKEN", "xoxb-test"),
        ("SLACK_API_URL", slack.url.as_str()),
    ];
    let file = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };

    // Slack answers the first call 429 (Retry-After: 1 s): it is sent again, and posted once.
    slack.rate_limit(1, "1");
    let out = notify_send(
        &cfg,
        "alerts",
        &file("alarm.json", &alarm("ALARM", "OK")),
        &vars,
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("posted to alerts"), "{out:?}");
    let out = notify_send(
        &cfg,
        "alerts",
        &file("ok.json", &alarm("OK", "ALARM")),
        &vars,
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("in the thread"), "{out:?}");
    let calls = slack.wait_posts(2);
    let posts: Vec<_> = calls
        .iter()
        .filter(|c| c.method == "chat.postMessage")
        .collect();
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.method.starts_with("429:"))
            .count(),
        1,
        "{calls:#?}"
    );
    assert!(posts[0].body.to_string().contains("orders-api-errors"));
    assert_eq!(
        posts[1].body["thread_ts"],
        json!(posts[0].ts.clone().unwrap())
    );
    assert_eq!(
        calls.iter().filter(|c| c.method == "chat.update").count(),
        1,
        "the first message updated"
    );

    for (name, text, why) in [
        ("words.txt", "hello there", "not JSON"),
        ("object.json", "{\"hello\": 1}", "no known shape"),
    ] {
        let out = notify_send(&cfg, "alerts", &file(name, text), &vars);
        assert_eq!(out.code, 2, "{why}: {out:?}");
        assert!(out.stderr.contains("is not a notification"), "{out:?}");
    }
    assert_eq!(
        slack
            .calls()
            .iter()
            .filter(|c| c.method == "chat.postMessage")
            .count(),
        2
    );

    // A web chat channel: handed to the running server, shown live.
    let server = Server::start(&cfg);
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, WORKSPACE, OPS).await;
    let custom_file = file("custom.json", &custom("sent from the command line"));
    let send = tokio::task::spawn_blocking({
        let cfg = cfg.clone();
        move || notify_send(&cfg, "ops", &custom_file, &[])
    });
    let f = until(&mut ws, "the notification sent", |f| f["type"] == "post").await;
    assert!(
        plain(&f["message"]).contains("sent from the command line"),
        "{f}"
    );
    let out = send.await.unwrap();
    assert_eq!(out.code, 0, "{out:?}");
}

/// A signed `SubscriptionConfirmation` of a listed topic is confirmed with
/// `ConfirmSubscription` as the route's account — the request the AWS CLI sends for
/// `sns confirm-subscription` — and one of an unlisted topic is refused without any call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_are_confirmed_only_for_listed_topics() {
    let moto = Moto::start();
    let (proxy, seen) = common::recording_proxy(&moto.url);
    let out = aws(&moto, "sns create-topic --name alarms --region us-east-1");
    assert_eq!(out.code, 0, "{out:?}");
    let dir = tempdir();
    let db = dir.join("chatops.db");
    let cfg = dir.join("chatops.toml");
    let routes = format!("[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\"]\n");
    std::fs::write(&cfg, config(&db, &proxy, &routes, false)).unwrap();
    let cert = sns::testing::cert_path();
    let server = Server::start_with(
        &cfg,
        &[("CHATOPS_SNS_TRUSTED_CERT", cert.to_str().unwrap())],
    );
    let addr = server.addr.to_string();

    let other = sns::testing::signed_confirmation(
        "arn:aws:sns:us-east-1:123456789012:other",
        "token-other",
        2,
        chrono::Utc::now(),
    );
    let (status, body) = post_sns(&addr, &other.to_string(), Some("SubscriptionConfirmation"));
    assert_eq!(status, 401, "{body}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "no call for an unlisted topic"
    );

    let token = "2336412f37fb687f5d51e6e2425dacbba1b2c3d4e5f60718293a4b5c6d7e8f90";
    let listed = sns::testing::signed_confirmation(TOPIC, token, 1, chrono::Utc::now());
    let (status, body) = post_sns(&addr, &listed.to_string(), Some("SubscriptionConfirmation"));
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("confirmed"), "{body}");
    let ours = seen.lock().unwrap().clone();
    assert_eq!(ours.len(), 1, "{ours:#?}");
    // The reference CLI's request for the same confirmation, through the same proxy.
    let out = common::aws_via(
        &proxy,
        &format!("sns confirm-subscription --topic-arn {TOPIC} --token {token} --authenticate-on-unsubscribe true --region us-east-1"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let all = seen.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(all[0], all[1], "the request aws sends");
    assert!(all[0].contains("Action=ConfirmSubscription"), "{}", all[0]);
}
