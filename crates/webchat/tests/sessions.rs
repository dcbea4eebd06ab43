//! Sessions in the shared store and channel membership: signing in survives a new `WebChat`
//! and works on a second one over the same SQLite file (two replicas), signing out or expiry
//! ends it everywhere, and a user sees and posts in only the channels they are a member of.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, Request, StatusCode};
use common::{call, get, next, open, send, sign_in, Scripted, Socket, ALICE, BOB, START_TOKEN};
use serde_json::{json, Value};
use webchat::membership::Members;
use webchat::sessions::SessionSettings;
use webchat::{WebChat, WebSettings};

/// A store over the SQLite file at `path`, as one replica opens it.
fn replica_store(path: &std::path::Path) -> store::AsyncStore {
    store::AsyncStore::new(Arc::new(
        store::SqliteStore::open(path).expect("SQLite file"),
    ))
}

fn settings(sessions: SessionSettings, members: Members) -> WebSettings {
    WebSettings {
        channels: common::channels(),
        users: vec![("alice".into(), ALICE.into()), ("bob".into(), BOB.into())],
        token: START_TOKEN.into(),
        token_user: "admin".into(),
        history_path: None,
        members,
        sessions,
    }
}

fn chat_on(sessions: SessionSettings, members: Members) -> (WebChat, Arc<Scripted>) {
    let handler = Arc::new(Scripted::default());
    let chat = WebChat::new(handler.clone(), settings(sessions, members)).expect("valid settings");
    (chat, handler)
}

fn on_store(store: store::AsyncStore, cache_ttl: Duration) -> SessionSettings {
    SessionSettings {
        store: Some(store),
        cache_ttl,
        ..SessionSettings::default()
    }
}

async fn me(router: &axum::Router, cookie: &str) -> StatusCode {
    call(router, get("/api/me", Some(cookie))).await.0
}

async fn logout(router: &axum::Router, cookie: &str) -> StatusCode {
    let req = Request::post("/api/logout")
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    call(router, req).await.0
}

/// Polls `/api/me` until it answers `want`, for at most 5 s.
async fn until_me(router: &axum::Router, cookie: &str, want: StatusCode) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let got = me(router, cookie).await;
        if got == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/api/me still answers {got}, not {want}, after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_survives_a_new_web_chat_on_the_same_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("chatops.db");
    let cookie = {
        let (chat, _) = chat_on(
            on_store(replica_store(&db), Duration::ZERO),
            Members::everyone(),
        );
        let cookie = sign_in(&chat.router(), ALICE).await;
        assert_eq!(me(&chat.router(), &cookie).await, StatusCode::OK);
        cookie
    };
    // A new process: a new store handle on the same file, a new web chat.
    let (chat, _) = chat_on(
        on_store(replica_store(&db), Duration::ZERO),
        Members::everyone(),
    );
    let (status, _, body) = call(&chat.router(), get("/api/me", Some(&cookie))).await;
    assert_eq!(
        (status, body["user"].as_str()),
        (StatusCode::OK, Some("alice"))
    );
    // The store holds a digest of the session id, never the id (the cookie) itself.
    let id = cookie.split_once('=').expect("name=value").1;
    // (The database file and its write-ahead log, if any.)
    for file in std::fs::read_dir(dir.path()).expect("list the temp dir") {
        let path = file.expect("entry").path();
        let raw = std::fs::read(&path).expect("read a database file");
        assert!(
            !raw.windows(id.len()).any(|w| w == id.as_bytes()),
            "the session id is stored in clear in {}",
            path.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_sessions_and_sign_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("chatops.db");
    let cache = Duration::from_millis(300);
    let (a, _) = chat_on(on_store(replica_store(&db), cache), Members::everyone());
    let (b, _) = chat_on(on_store(replica_store(&db), cache), Members::everyone());
    let (a, b) = (a.router(), b.router());
    let cookie = sign_in(&a, BOB).await;
    let (status, _, body) = call(&b, get("/api/me", Some(&cookie))).await;
    assert_eq!(
        (status, body["user"].as_str()),
        (StatusCode::OK, Some("bob"))
    );
    // B has the session cached now; signing out on A ends it there at once, and on B
    // within B's cache TTL.
    assert_eq!(logout(&a, &cookie).await, StatusCode::OK);
    assert_eq!(me(&a, &cookie).await, StatusCode::UNAUTHORIZED);
    until_me(&b, &cookie, StatusCode::UNAUTHORIZED).await;
    // And the WebSocket upgrade is refused on B too.
    let (status, _, _) = call(&b, get("/api/ws", Some(&cookie))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = Arc::new(AtomicI64::new(1_800_000_000_000));
    let clock = now.clone();
    let sessions = SessionSettings {
        store: Some(replica_store(&dir.path().join("chatops.db"))),
        cache_ttl: Duration::from_secs(60),
        clock: Arc::new(move || clock.load(Ordering::SeqCst)),
    };
    let (chat, _) = chat_on(sessions, Members::everyone());
    let router = chat.router();
    let cookie = sign_in(&router, ALICE).await;
    assert_eq!(me(&router, &cookie).await, StatusCode::OK);
    let ttl = i64::try_from(webchat::auth::SESSION_TTL.as_millis()).expect("fits");
    now.fetch_add(ttl - 1, Ordering::SeqCst);
    assert_eq!(me(&router, &cookie).await, StatusCode::OK, "not yet");
    now.fetch_add(1, Ordering::SeqCst);
    // Refused even though the lookup is cached: expiry is checked on every request.
    assert_eq!(me(&router, &cookie).await, StatusCode::UNAUTHORIZED);
}

/// Bob is a member of C-READ only; alice (no list) and admin (the start-up token) of all.
fn bob_reads_only() -> Members {
    let mut m = Members::everyone();
    m.restrict("bob", [("web".to_string(), "C-READ".to_string())]);
    m
}

fn channel_ids(body: &Value) -> Vec<String> {
    body["channels"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn the_channel_list_and_history_follow_membership() {
    let (chat, _) = chat_on(SessionSettings::default(), bob_reads_only());
    let router = chat.router();
    let bob = sign_in(&router, BOB).await;
    let alice = sign_in(&router, ALICE).await;
    let admin = sign_in(&router, START_TOKEN).await;
    let list = |c: String| {
        let router = router.clone();
        async move { channel_ids(&call(&router, get("/api/channels", Some(&c))).await.2) }
    };
    assert_eq!(list(bob.clone()).await, ["C-READ"]);
    assert_eq!(list(alice).await, ["C-OPS", "C-READ"]);
    assert_eq!(list(admin).await, ["C-OPS", "C-READ"]);
    let (status, _, body) = call(
        &router,
        get("/api/history?workspace=web&channel=C-OPS", Some(&bob)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"].as_str().expect("text").contains("\"C-OPS\""),
        "{body}"
    );
    let (status, _, _) = call(
        &router,
        get("/api/history?workspace=web&channel=C-READ", Some(&bob)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

fn frame(kind: &str, channel: &str, text: Option<&str>) -> Value {
    let mut f = json!({"type": kind, "workspace": "web", "channel": channel});
    if let Some(t) = text {
        f["text"] = json!(t);
    }
    f
}

async fn joined(addr: std::net::SocketAddr, cookie: &str, channel: &str) -> Socket {
    let mut ws = open(addr, cookie).await;
    send(&mut ws, frame("join", channel, None)).await;
    let history = next(&mut ws).await;
    assert_eq!(
        (history["type"].as_str(), history["channel"].as_str()),
        (Some("history"), Some(channel))
    );
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_members_cannot_join_post_or_receive() {
    let (chat, handler) = chat_on(SessionSettings::default(), bob_reads_only());
    let router = chat.router();
    let addr = common::serve(&chat).await;
    let bob = sign_in(&router, BOB).await;
    let alice = sign_in(&router, ALICE).await;

    let mut b = open(addr, &bob).await;
    for refused in [
        frame("join", "C-OPS", None),
        frame("text", "C-OPS", Some("hello")),
    ] {
        send(&mut b, refused).await;
        let error = next(&mut b).await;
        assert_eq!(error["type"], "error");
        assert_eq!(error["code"], "not_member");
        assert!(
            error["error"].as_str().expect("text").contains("\"C-OPS\""),
            "{error}"
        );
    }
    assert_eq!(handler.calls(), 0, "no event reached the handler");
    assert!(
        chat_history(&router, &alice, "C-OPS").await.is_empty(),
        "bob's refused text was not shown"
    );

    // Bob views C-READ; alice talks in C-OPS, then in C-READ. The first frame bob gets is
    // from C-READ: nothing of C-OPS was pushed to him.
    send(&mut b, frame("join", "C-READ", None)).await;
    assert_eq!(next(&mut b).await["type"], "history");
    let mut a = joined(addr, &alice, "C-OPS").await;
    send(&mut a, frame("text", "C-OPS", Some("hello"))).await;
    for _ in 0..2 {
        // Her text, then the handler's answer.
        assert_eq!(next(&mut a).await["channel"], "C-OPS");
    }
    send(&mut a, frame("text", "C-READ", Some("hello"))).await;
    let got = next(&mut b).await;
    assert_eq!(
        (got["type"].as_str(), got["channel"].as_str()),
        (Some("post"), Some("C-READ")),
        "{got}"
    );
    // The handler's answer follows her line: only then has it been called twice.
    let answer = next(&mut b).await;
    assert_eq!(answer["channel"], "C-READ", "{answer}");
    assert_eq!(handler.calls(), 2);
}

async fn chat_history(router: &axum::Router, cookie: &str, channel: &str) -> Vec<Value> {
    let path = format!("/api/history?workspace=web&channel={channel}");
    let (status, _, body) = call(router, get(&path, Some(cookie))).await;
    assert_eq!(status, StatusCode::OK);
    body["messages"].as_array().expect("messages").clone()
}

#[test]
fn membership_and_start_tokens_are_checked() {
    let handler = Arc::new(Scripted::default());
    let mut s = settings(SessionSettings::default(), Members::everyone());
    s.members
        .restrict("bob", [("web".to_string(), "C-NOPE".to_string())]);
    let err = WebChat::new(handler.clone(), s).err().expect("refused");
    assert!(err.to_string().contains("\"C-NOPE\""), "{err}");

    let mut s = settings(SessionSettings::default(), Members::everyone());
    s.members.restrict("admin", []);
    let err = WebChat::new(handler, s).err().expect("refused");
    assert!(err.to_string().contains("\"admin\""), "{err}");

    let mut s = settings(SessionSettings::default(), Members::everyone());
    let err = s.use_token("too-short").expect_err("refused");
    assert!(err.to_string().contains("CHATOPS_WEB_TOKEN"), "{err}");
    s.use_token("fixed-start-token-0123456789")
        .expect("long enough");
    assert_eq!(s.token, "fixed-start-token-0123456789");
}
