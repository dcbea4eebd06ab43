//! The HTTP surface against a stub handler and the Web API double: signatures before
//! anything, the immediate ack, de-duplication, ephemeral updates through `response_url`,
//! files, forms, records across a restart, and the Web API client's errors and 429s.

mod common;

use common::*;
use engine::{Block, Button, Event, Field, Inbound, Message, Outbound, Style};
use serde_json::{json, Value};
use slack::{ApiError, WebApi};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{SqliteStore, Store};

fn store() -> Arc<dyn Store> {
    Arc::new(SqliteStore::in_memory().unwrap())
}

fn text_message(id: &str, ev: &Inbound, text: &str) -> Message {
    let mut m = Message {
        id: id.into(),
        thread: ev.thread.clone(),
        ..Message::default()
    };
    m.text(text);
    m
}

fn echo() -> Arc<Stub> {
    Stub::new(|ev| {
        let Event::Text { text } = &ev.event else {
            return vec![];
        };
        vec![Outbound::Post(text_message(
            "m1",
            ev,
            &format!("echo {text}"),
        ))]
    })
}

#[tokio::test]
async fn bad_signatures_get_401_and_nothing_runs() {
    let double = Double::start().await;
    let stub = echo();
    let srv = serve(stub.clone(), store(), &double).await;
    let ev = serde_json::to_vec(&mention(
        "Ev1",
        "C1",
        "U1",
        "sts get-caller-identity",
        "1.1",
    ))
    .unwrap();
    let cmd = slash_command("C1", "U1", "sts get-caller-identity", "t1", "");
    let payload = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &fixture("block_actions_button.json"))
        .finish();
    let bodies: [(&str, &str, &[u8]); 3] = [
        ("/slack/events", "application/json", &ev),
        (
            "/slack/commands",
            "application/x-www-form-urlencoded",
            cmd.as_bytes(),
        ),
        (
            "/slack/interactivity",
            "application/x-www-form-urlencoded",
            payload.as_bytes(),
        ),
    ];
    for (path, ct, body) in bodies {
        for (name, signing) in [
            ("tampered body", Signing::Tampered),
            ("wrong secret", Signing::WrongSecret),
            ("5 min 1 s old", Signing::Aged(301)),
            ("1 h old", Signing::Aged(3600)),
            ("301 s ahead", Signing::Aged(-301)),
            ("no timestamp", Signing::NoTimestamp),
            ("no signature", Signing::NoSignature),
        ] {
            let a = srv.send(path, ct, body, signing, &[]).await;
            assert_eq!(a.status, 401, "{path} {name}: {}", a.body);
        }
    }
    // A body that is not even JSON is refused on its signature, before parsing.
    let a = srv
        .send(
            "/slack/events",
            "application/json",
            b"{not json",
            Signing::WrongSecret,
            &[],
        )
        .await;
    assert_eq!(a.status, 401);
    srv.idle().await;
    assert!(stub.heard().is_empty(), "nothing ran");
    assert!(
        double.calls().is_empty(),
        "no Web API call: {:?}",
        double.calls()
    );
    // Exactly 300 s old is still accepted (as slack_sdk does); the same mention runs once.
    let a = srv
        .send(
            "/slack/events",
            "application/json",
            &ev,
            Signing::Aged(299),
            &[],
        )
        .await;
    assert_eq!(a.status, 200);
    srv.idle().await;
    assert_eq!(stub.heard().len(), 1);
}

/// Every route checks the size first (`413 too large`, whatever the signature), then the
/// signature (`401 bad signature`), and only then reads the body; the answers are the same on
/// all three.
#[tokio::test]
async fn oversize_bodies_get_413_and_bad_signatures_401_on_every_route() {
    let double = Double::start().await;
    let stub = echo();
    let srv = serve(stub.clone(), store(), &double).await;
    const MAX_BODY: usize = 1 << 20;
    let too_big = vec![b'a'; MAX_BODY + 1];
    let at_limit = vec![b'a'; MAX_BODY];
    for (path, ct, unreadable) in [
        ("/slack/events", "application/json", "unreadable body"),
        (
            "/slack/commands",
            "application/x-www-form-urlencoded",
            "unreadable command",
        ),
        (
            "/slack/interactivity",
            "application/x-www-form-urlencoded",
            "unreadable payload",
        ),
    ] {
        for signing in [Signing::Good, Signing::WrongSecret] {
            let a = srv.send(path, ct, &too_big, signing, &[]).await;
            assert_eq!((a.status, a.body.as_str()), (413, "too large"), "{path}");
        }
        let a = srv
            .send(path, ct, &at_limit, Signing::WrongSecret, &[])
            .await;
        assert_eq!(
            (a.status, a.body.as_str()),
            (401, "bad signature"),
            "{path}"
        );
        let a = srv.send(path, ct, &at_limit, Signing::Good, &[]).await;
        assert_eq!((a.status, a.body.as_str()), (400, unreadable), "{path}");
    }
    srv.idle().await;
    assert!(stub.heard().is_empty(), "nothing ran");
    assert!(double.calls().is_empty(), "{:?}", double.calls());
}

#[tokio::test]
async fn url_verification_is_answered_with_the_challenge() {
    let double = Double::start().await;
    let srv = serve(echo(), store(), &double).await;
    let body = fixture("url_verification.json");
    let a = srv
        .send(
            "/slack/events",
            "application/json",
            body.as_bytes(),
            Signing::Good,
            &[],
        )
        .await;
    assert_eq!(a.status, 200);
    let v: Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(
        v["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    // Ignored events and rate-limit notices are acked, nothing runs.
    for f in [
        "reaction_added.json",
        "message_bot_message.json",
        "message_im_self.json",
        "app_rate_limited.json",
    ] {
        let a = srv
            .send(
                "/slack/events",
                "application/json",
                fixture(f).as_bytes(),
                Signing::Good,
                &[],
            )
            .await;
        assert_eq!(a.status, 200, "{f}");
    }
    srv.idle().await;
    assert!(double.calls().is_empty());
}

#[tokio::test]
async fn the_ack_comes_before_the_work() {
    let double = Double::start().await;
    let stub = Arc::new(Stub {
        heard: Default::default(),
        delay: Duration::from_secs(4),
        answer: Box::new(|ev| vec![Outbound::Post(text_message("m1", ev, "slow"))]),
    });
    let srv = serve(stub.clone(), store(), &double).await;
    let a = srv
        .event(&mention("Ev9", "C1", "U1", "slow one", "5.5"), &[])
        .await;
    assert!(
        a.elapsed < Duration::from_millis(500),
        "ack took {:?}",
        a.elapsed
    );
    assert!(double.calls().is_empty(), "nothing posted yet");
    assert_eq!(srv.slack.in_flight(), 1);
    let posts = double.wait_for("chat.postMessage", 1).await;
    assert_eq!(posts[0].body["thread_ts"], "5.5");
}

#[tokio::test]
async fn the_same_event_three_times_runs_once() {
    let double = Double::start().await;
    let stub = echo();
    let srv = serve(stub.clone(), store(), &double).await;
    let ev = mention("Ev3x", "C1", "U1", "sts get-caller-identity", "7.7");
    srv.event(&ev, &[]).await;
    srv.event(
        &ev,
        &[
            ("x-slack-retry-num", "1"),
            ("x-slack-retry-reason", "http_timeout"),
        ],
    )
    .await;
    srv.event(
        &ev,
        &[
            ("x-slack-retry-num", "2"),
            ("x-slack-retry-reason", "http_timeout"),
        ],
    )
    .await;
    // And three at once.
    let ev2 = mention("Ev3y", "C1", "U1", "sts get-caller-identity", "7.8");
    let (a, b, c) = tokio::join!(
        srv.event(&ev2, &[]),
        srv.event(&ev2, &[]),
        srv.event(&ev2, &[])
    );
    assert_eq!((a.status, b.status, c.status), (200, 200, 200));
    srv.idle().await;
    assert_eq!(stub.heard().len(), 2);
    assert_eq!(double.calls_to("chat.postMessage").len(), 2);
    // A slash command delivered twice (same trigger_id) runs once.
    srv.command("C1", "U1", "help", "trig-1").await;
    srv.command("C1", "U1", "help", "trig-1").await;
    srv.idle().await;
    assert_eq!(stub.heard().len(), 3);
}

#[tokio::test]
async fn events_reach_the_handler_as_slack_sent_them() {
    let double = Double::start().await;
    let stub = echo();
    let srv = serve(stub.clone(), store(), &double).await;
    srv.event(
        &mention("E1", "C1", "U1", "sqs list-queues", "1.000001"),
        &[],
    )
    .await;
    srv.event(
        &direct_message("E2", "D1", "U2", "sqs list-queues", "2.000002"),
        &[],
    )
    .await;
    let mut threaded = mention("E3", "C1", "U1", "s3 ls", "3.000003");
    threaded["event"]["thread_ts"] = json!("1.000001");
    srv.event(&threaded, &[]).await;
    // Another team's event is dropped.
    let mut other = mention("E4", "C1", "U1", "s3 ls", "4.000004");
    other["team_id"] = json!("T0THER");
    srv.event(&other, &[]).await;
    srv.idle().await;
    // Events are handled concurrently: compared by what they are, not by arrival order.
    let mut heard: Vec<(String, String, Option<String>, String)> = stub
        .heard()
        .into_iter()
        .map(|i| (i.channel, i.user, i.thread, i.workspace))
        .collect();
    heard.sort();
    let acme = |c: &str, u: &str, t: &str| {
        (
            c.to_string(),
            u.to_string(),
            Some(t.to_string()),
            "acme".to_string(),
        )
    };
    assert_eq!(
        heard,
        [
            acme("C1", "U1", "1.000001"),
            acme("C1", "U1", "1.000001"),
            acme("D1", "U2", "2.000002"),
        ],
        "team id mapped to the workspace; a mention threads under itself, a reply under its thread"
    );
    let posts = double.calls_to("chat.postMessage");
    let mut threads: Vec<&str> = posts
        .iter()
        .map(|c| c.body["thread_ts"].as_str().unwrap())
        .collect();
    threads.sort();
    assert_eq!(threads, ["1.000001", "1.000001", "2.000002"]);
    for c in &posts {
        assert_eq!(c.auth.as_deref(), Some(&*format!("Bearer {TOKEN}")));
        assert!(c.content_type.starts_with("application/json"));
    }
    assert!(double.violations().is_empty(), "{:?}", double.violations());
}

/// An ephemeral prompt is replaced through the action's response_url; a normal message is
/// updated with chat.update; files go through the upload flow in the thread.
#[tokio::test]
async fn ephemeral_updates_files_and_slash_command_threads() {
    let double = Double::start().await;
    let stub = Stub::new(|ev| match &ev.event {
        Event::Text { text } if text.ends_with("private") => {
            let mut m = text_message("mp", ev, "only you");
            m.only_to = Some(ev.user.clone());
            m.blocks.push(Block::Buttons {
                buttons: vec![Button {
                    label: "OK".into(),
                    action: "ok".into(),
                    value: "v".repeat(3000),
                    style: Style::Primary,
                    confirm: None,
                }],
            });
            vec![Outbound::Post(m)]
        }
        Event::Text { text } if text.ends_with("file") => {
            let mut m = text_message("mf", ev, "see the file");
            m.blocks.push(Block::File {
                name: "out.json".into(),
                content_type: "application/json".into(),
                content: "{\"a\": 1}".into(),
            });
            let second = text_message("mf2", ev, "and more");
            vec![Outbound::Post(m), Outbound::Post(second)]
        }
        Event::Action { message, value, .. } => {
            assert_eq!(
                value.len(),
                3000,
                "the long value came back through its handle"
            );
            let m = message.clone().unwrap();
            vec![Outbound::Update {
                message: m.clone(),
                content: text_message(&m, ev, "done privately"),
            }]
        }
        _ => vec![],
    });
    let srv = serve(stub.clone(), store(), &double).await;
    srv.event(&mention("E1", "C1", "U1", "private", "1.1"), &[])
        .await;
    let eph = double.wait_for("chat.postEphemeral", 1).await;
    assert_eq!(eph[0].body["user"], "U1");
    assert_eq!(eph[0].body["thread_ts"], "1.1");
    srv.interaction(&press(&double, &eph[0], "U1", "OK", "trig-ok"))
        .await;
    let r = double.wait_for("response_url", 1).await;
    assert_eq!(r[0].body["replace_original"], true);
    assert!(r[0].body["text"]
        .as_str()
        .unwrap()
        .contains("done privately"));
    assert!(r[0].auth.is_none(), "no token sent to a response_url");
    assert!(double.calls_to("chat.update").is_empty());

    // A slash command: the first post starts the thread; the file and the second post go in it.
    double.clear();
    let a = srv.command("C1", "U1", "file", "trig-file").await;
    assert_eq!(
        serde_json::from_str::<Value>(&a.body).unwrap()["response_type"],
        "in_channel"
    );
    srv.idle().await;
    let posts = double.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 2);
    assert!(posts[0].body.get("thread_ts").is_none());
    let root = posts[0].ts.clone().unwrap();
    assert_eq!(posts[1].body["thread_ts"], root.as_str());
    let url = double.calls_to("files.getUploadURLExternal");
    assert_eq!(url[0].body["filename"], "out.json");
    assert_eq!(url[0].body["length"], "8");
    let up = double.calls_to("upload");
    assert_eq!(up[0].raw, b"{\"a\": 1}");
    let done = double.calls_to("files.completeUploadExternal");
    assert_eq!(done[0].body["channel_id"], "C1");
    assert_eq!(done[0].body["thread_ts"], root.as_str());
    let files: Value = serde_json::from_str(done[0].body["files"].as_str().unwrap()).unwrap();
    assert_eq!(files[0]["id"], up[0].ts.clone().unwrap().as_str());
    assert_eq!(files[0]["title"], "out.json");

    // Where the bot is not in the channel, a slash command is answered via response_url.
    double.clear();
    let body = slash_command(
        "C0NOTJOINED",
        "U1",
        "file",
        "trig-nj",
        &double.response_url("nj"),
    );
    let a = srv
        .send(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            Signing::Good,
            &[],
        )
        .await;
    assert_eq!(a.status, 200);
    let r = double.wait_for("response_url", 2).await;
    assert_eq!(r[0].body["response_type"], "in_channel");
    assert!(double.violations().is_empty(), "{:?}", double.violations());
}

/// A form: the button opens the stored modal with the action's trigger_id; the submission
/// reaches the handler as Event::Form; records survive a restart (a new surface on the
/// same database updates the message posted before).
#[tokio::test]
async fn forms_open_modals_and_records_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("slack-http-{}", fastrand::u64(..)));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("chatops.db");
    let double = Double::start().await;
    let answer = |ev: &Inbound| match &ev.event {
        Event::Text { .. } => {
            let mut m = text_message("mform", ev, "Open a case?");
            m.blocks.push(Block::Form {
                action: "support_case".into(),
                title: "Support case".into(),
                fields: vec![Field {
                    name: "subject".into(),
                    label: "Subject".into(),
                    options: vec![],
                    multiline: false,
                    optional: false,
                }],
                submit: "Open case".into(),
            });
            vec![Outbound::Post(m)]
        }
        Event::Form { message, .. } => vec![Outbound::Update {
            message: message.clone().unwrap(),
            content: text_message("mform", ev, "Case opened"),
        }],
        _ => vec![],
    };
    let stub = Stub::new(answer);
    {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
        let srv = serve(stub.clone(), store, &double).await;
        srv.event(&mention("E1", "C1", "U1", "support", "1.1"), &[])
            .await;
        double.wait_for("chat.postMessage", 1).await;
    }
    // Restarted: a new store on the same file, a new surface.
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
    let srv = serve(stub.clone(), store, &double).await;
    let post = double.calls_to("chat.postMessage")[0].clone();
    srv.interaction(&press(&double, &post, "U1", "📝", "trig-form"))
        .await;
    let open = double.wait_for("views.open", 1).await;
    assert_eq!(open[0].body["trigger_id"], "trig-form");
    let view = &open[0].body["view"];
    assert_eq!(view["type"], "modal");
    let meta: Value = serde_json::from_str(view["private_metadata"].as_str().unwrap()).unwrap();
    assert_eq!(meta["c"], "C1");
    // Submit it, shaped like Slack's view_submission.
    let mut sub: Value = serde_json::from_str(&fixture("view_submission.json")).unwrap();
    sub["user"]["id"] = json!("U1");
    sub["view"]["private_metadata"] = view["private_metadata"].clone();
    sub["view"]["callback_id"] = view["callback_id"].clone();
    sub["view"]["blocks"] = view["blocks"].clone();
    let block = view["blocks"][0]["block_id"].as_str().unwrap().to_string();
    sub["view"]["state"] =
        json!({"values": {block: {"value": {"type": "plain_text_input", "value": "EC2 down"}}}});
    let a = srv.interaction(&sub).await;
    assert_eq!(a.body, "", "an empty 200 closes the modal");
    let up = double.wait_for("chat.update", 1).await;
    assert_eq!(
        up[0].body["ts"],
        post.ts.clone().unwrap().as_str(),
        "the message posted before the restart"
    );
    assert_eq!(up[0].body["channel"], "C1");
    let heard = stub.heard();
    let Event::Form { action, values, .. } = &heard.last().unwrap().event else {
        panic!("{heard:?}")
    };
    assert_eq!(action, "support_case");
    assert_eq!(values, &[("subject".to_string(), "EC2 down".to_string())]);
    assert!(double.violations().is_empty(), "{:?}", double.violations());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn web_api_errors_and_rate_limits() {
    let double = Double::start().await;
    let api = WebApi::new(TOKEN, double.api_url());
    // ok:false becomes a typed error with Slack's code.
    let e = api
        .post_message(&json!({"channel": "C0NOTJOINED", "text": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("not_in_channel"));
    let bad = WebApi::new("xoxb-wrong", double.api_url());
    assert_eq!(
        bad.auth_test().await.unwrap_err().code(),
        Some("not_authed")
    );
    let me = api.auth_test().await.unwrap();
    assert_eq!((me.team_id.as_str(), me.user_id.as_str()), (TEAM, BOT_USER));
    assert_eq!(api.users_info("U1").await.unwrap()["name"], "alice");
    assert_eq!(api.conversations_info("C1").await.unwrap()["name"], "ops");
    assert_eq!(double.calls_to("users.info")[0].body["user"], "U1");

    // 429 with Retry-After: 1 → waits about a second, then succeeds.
    double.clear();
    double.rate_limit(1, "1");
    let start = Instant::now();
    let ts = api
        .post_message(&json!({"channel": "C1", "text": "hi"}))
        .await
        .unwrap();
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    let methods: Vec<String> = double.calls().iter().map(|c| c.method.clone()).collect();
    assert_eq!(methods, ["429:chat.postMessage", "chat.postMessage"]);
    assert_eq!(double.calls()[1].ts.as_deref(), Some(ts.as_str()));

    // Rate limited beyond the retries: a typed error after max_retries + 1 attempts.
    double.clear();
    let mut api = api.clone();
    api.max_retries = 2;
    double.rate_limit(10, "0");
    let e = api
        .post_message(&json!({"channel": "C1", "text": "hi"}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            ApiError::RateLimited { method, attempts: 3, .. } if method == "chat.postMessage"
        ),
        "{e:?}"
    );
    assert_eq!(double.calls().len(), 3);
    // A huge Retry-After is capped by max_wait.
    double.clear();
    double.rate_limit(1, "3600");
    api.max_wait = Duration::from_millis(200);
    let start = Instant::now();
    api.update(&json!({"channel": "C1", "ts": "1.1", "text": "x"}))
        .await
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(3));
}

/// An acknowledged event whose replica stops before answering it (its handler never returns,
/// as if the process had died) is answered once by another replica on the same store, after
/// the event's lease; Slack's retry of it through that replica is not a second answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledged_event_is_answered_by_another_replica_when_its_own_stops() {
    let double = Double::start().await;
    let shared = store();
    let stuck = Arc::new(Stub {
        heard: std::sync::Mutex::new(Vec::new()),
        delay: Duration::from_secs(3600),
        answer: Box::new(|_| vec![]),
    });
    let a = serve(stuck.clone(), shared.clone(), &double).await;
    let answering = echo();
    let b = serve(answering.clone(), shared.clone(), &double).await;
    for s in [&a.slack, &b.slack] {
        s.set_event_lease(Duration::from_millis(400));
    }
    let event = mention("E-TAKEN", "C1", "U1", "sqs list-queues", "1.000001");
    assert_eq!(a.event(&event, &[]).await.status, 200);
    let retry = [
        ("x-slack-retry-num", "1"),
        ("x-slack-retry-reason", "http_timeout"),
    ];
    assert_eq!(b.event(&event, &retry).await.status, 200);
    // Replica A heard it and hangs; B does not answer the retry, but takes the event over
    // once A's lease ran out.
    let deadline = Instant::now() + Duration::from_secs(10);
    while double.calls_to("chat.postMessage").is_empty() {
        assert!(Instant::now() < deadline, "no replica took the event over");
        b.slack.sweep_once().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.idle().await;
    assert_eq!(stuck.heard().len(), 1, "replica A had it first");
    assert_eq!(answering.heard().len(), 1, "B answered it once");
    let posts = double.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body["thread_ts"], "1.000001");
    assert_eq!(posts[0].body["channel"], "C1");
    // Answered events are done: later sweeps, on either replica, leave them.
    a.slack.sweep_once().await;
    b.slack.sweep_once().await;
    b.idle().await;
    assert_eq!(answering.heard().len(), 1);
    assert_eq!(double.calls_to("chat.postMessage").len(), 1);
}
