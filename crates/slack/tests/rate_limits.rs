//! Slack's rate limits against the Web API double: a 429 holds the method for the
//! workspace and the same call is sent again (delivered once, late, in order with the
//! following ones); posts to one channel are paced to about one a second after a burst;
//! another workspace is not held up; `views.open` and `response_url` are never paced; a
//! call that would wait too long fails naming its method and workspace.
//!
//! The tests run on one thread, so calls spawned one after another reach the client in
//! that order.

mod common;

use common::*;
use engine::{Message, Outbound};
use serde_json::json;
use slack::outbox::{Origin, Outbox};
use slack::{ApiError, BotIdentity, Tokens, WebApi};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{SqliteStore, Store};

const OTHER_TOKEN: &str = "xoxb-other-workspace";

/// The texts of the messages the double accepted (not the 429s), in arrival order.
fn posted_texts(double: &Double) -> Vec<String> {
    double
        .calls_to("chat.postMessage")
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Waits (at most 20 s) until `n` posts were accepted.
async fn wait_posts(double: &Double, n: usize) -> Vec<Call> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let posts = double.calls_to("chat.postMessage");
        if posts.len() >= n {
            return posts;
        }
        assert!(
            Instant::now() < deadline,
            "{n} posts expected, saw {:?}",
            posted_texts(double)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits (at most 10 s) until a 429 holds `chat.postMessage` for `api`'s workspace.
async fn held(api: &WebApi) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while api.held_for("chat.postMessage").is_none() {
        assert!(Instant::now() < deadline, "no 429 hold");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits (at most 10 s) until no 429 holds `chat.postMessage` any more.
async fn released(api: &WebApi) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while api.held_for("chat.postMessage").is_some() {
        assert!(Instant::now() < deadline, "still held");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn post(
    api: &WebApi,
    channel: &str,
    text: &str,
) -> tokio::task::JoinHandle<Result<String, ApiError>> {
    let api = api.clone();
    let body = json!({"channel": channel, "text": text});
    tokio::spawn(async move { api.post_message(&body).await })
}

#[tokio::test]
async fn a_429_holds_the_method_and_the_message_arrives_once_late_and_in_order() {
    let double = Double::start().await;
    let api = WebApi::new(TOKEN, double.api_url()).for_workspace(TEAM);
    double.rate_limit(1, "1");
    let start = Instant::now();
    let first = post(&api, "C1", "m1");
    // Once the 429 is in, the next calls come: to the same channel, and to another.
    held(&api).await;
    let second = post(&api, "C1", "m2");
    let third = post(&api, "C1", "m3");
    // Another channel of the same workspace: held by the method's 429 too.
    let elsewhere = post(&api, "C2", "other channel");
    for p in [first, second, third, elsewhere] {
        p.await.unwrap().expect("delivered");
    }
    let posts = wait_posts(&double, 4).await;
    let methods: Vec<String> = double.calls().iter().map(|c| c.method.clone()).collect();
    assert_eq!(
        methods
            .iter()
            .filter(|m| *m == "429:chat.postMessage")
            .count(),
        1,
        "{methods:?}"
    );
    let c1: Vec<String> = posted_texts(&double)
        .into_iter()
        .filter(|t| t.starts_with('m'))
        .collect();
    assert_eq!(c1, ["m1", "m2", "m3"], "each once, in order");
    for p in &posts {
        let late = p.at.duration_since(start);
        assert!(
            late >= Duration::from_millis(950),
            "{} arrived {late:?} after the start, inside the Retry-After",
            p.body["text"]
        );
    }
}

#[tokio::test]
async fn an_answer_held_by_a_429_is_delivered_whole_and_in_order_through_the_outbox() {
    let double = Double::start().await;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let tokens = Tokens::single(WebApi::new(TOKEN, double.api_url()), BotIdentity::default());
    let outbox = Outbox::new(Arc::new(tokens), store);
    let origin = Origin {
        team_id: TEAM.into(),
        channel: "C1".into(),
        user: "U1".into(),
        ..Origin::default()
    };
    let out: Vec<Outbound> = (1..=4)
        .map(|i| {
            let mut m = Message {
                id: format!("m{i}"),
                thread: Some("1700000000.000100".into()),
                ..Message::default()
            };
            m.text(format!("part {i}"));
            Outbound::Post(m)
        })
        .collect();
    double.rate_limit(2, "1");
    outbox.deliver(&origin, out).await;
    assert_eq!(
        posted_texts(&double),
        ["part 1", "part 2", "part 3", "part 4"]
    );
    assert_eq!(double.calls_to("429:chat.postMessage").len(), 2);
}

#[tokio::test]
async fn a_burst_of_ten_posts_to_one_channel_arrives_in_order_paced() {
    let double = Double::start().await;
    let api = WebApi::new(TOKEN, double.api_url());
    let sent: Vec<_> = (0..10)
        .map(|i| post(&api, "C1", &format!("burst {i}")))
        .collect();
    for s in sent {
        s.await.unwrap().expect("delivered");
    }
    let posts = double.calls_to("chat.postMessage");
    let texts: Vec<String> = (0..10).map(|i| format!("burst {i}")).collect();
    assert_eq!(posted_texts(&double), texts, "in order");
    let t0 = posts[0].at;
    let offsets: Vec<u128> = posts
        .iter()
        .map(|p| p.at.duration_since(t0).as_millis())
        .collect();
    // The burst goes at once, then about one a second.
    assert!(offsets[2] < 500, "{offsets:?}");
    for i in 3..10 {
        let gap = offsets[i] - offsets[i - 1];
        assert!(
            (900..1500).contains(&gap),
            "gap {i}: {gap} ms in {offsets:?}"
        );
    }
    // Another channel is not paced behind this one.
    let start = Instant::now();
    post(&api, "C2", "right away").await.unwrap().unwrap();
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn another_workspace_is_not_held_up_by_a_429() {
    let double = Double::start().await;
    double.accept_token(OTHER_TOKEN);
    let a = WebApi::new(TOKEN, double.api_url()).for_workspace(TEAM);
    let b = WebApi::new(OTHER_TOKEN, double.api_url()).for_workspace("T0THER");
    double.rate_limit_token(TOKEN, 1, "2");
    let start = Instant::now();
    let held_post = post(&a, "C1", "held");
    // The 429 is in before the other workspace posts.
    held(&a).await;
    assert_eq!(b.held_for("chat.postMessage"), None);
    post(&b, "C1", "free").await.unwrap().expect("delivered");
    let free_after = start.elapsed();
    held_post.await.unwrap().expect("delivered");
    let held_after = start.elapsed();
    assert!(free_after < Duration::from_millis(900), "{free_after:?}");
    assert!(held_after >= Duration::from_millis(1900), "{held_after:?}");
    assert_eq!(posted_texts(&double), ["free", "held"]);
}

#[tokio::test]
async fn views_open_and_response_urls_are_never_paced() {
    let double = Double::start().await;
    let api = WebApi::new(TOKEN, double.api_url());
    let start = Instant::now();
    for i in 0..30 {
        api.views_open(
            &format!("trigger-{i}"),
            &json!({"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}),
        )
        .await
        .expect("opened");
        api.respond(
            &double.response_url(&format!("r{i}")),
            &json!({"text": "x"}),
        )
        .await
        .expect("answered");
    }
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "60 calls took {:?}",
        start.elapsed()
    );
    assert_eq!(double.calls_to("views.open").len(), 30);
    assert_eq!(double.calls_to("response_url").len(), 30);
}

#[tokio::test]
async fn a_call_that_would_wait_too_long_fails_naming_method_and_workspace() {
    let double = Double::start().await;
    let mut api = WebApi::new(TOKEN, double.api_url()).for_workspace(TEAM);
    api.max_total_wait = Duration::from_millis(1500);
    double.rate_limit(100, "1");
    let start = Instant::now();
    let e = api
        .post_message(&json!({"channel": "C1", "text": "never"}))
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let ApiError::RateLimited {
        method,
        workspace,
        attempts,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (method.as_str(), workspace.as_str()),
        ("chat.postMessage", TEAM)
    );
    assert_eq!(*attempts, 2, "the first try and one retry fit in 1.5 s");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("chat.postMessage: rate limited by Slack in workspace {TEAM}: not sent after 2 attempt(s)")),
        "{text}"
    );
    assert!(posted_texts(&double).is_empty());
    // Pacing off: the same burst goes at once (429s still honoured).
    double.rate_limit(0, "1");
    released(&api).await;
    api.set_pacing(false);
    let start = Instant::now();
    for i in 0..8 {
        api.post_message(&json!({"channel": "C1", "text": format!("fast {i}")}))
            .await
            .expect("delivered");
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}
