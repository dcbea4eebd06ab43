//! The web chat's HTTP API and WebSocket, driven like a browser would (without one): sign-in,
//! live posts and updates, only-to routing, and refusals of hostile frames.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{call, get, login_request, next, open, send, sign_in, web_chat, Socket, ALICE, BOB};
use engine::{Message, Outbound};
use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Ws;
use tower::ServiceExt;

#[tokio::test]
async fn every_api_needs_a_session() {
    let (chat, _) = web_chat();
    let router = chat.router();
    for path in [
        "/api/me",
        "/api/channels",
        "/api/history?workspace=web&channel=C-OPS",
        "/api/ws",
        "/api/anything",
    ] {
        let (status, _, body) = call(&router, get(path, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"], "sign in first", "{path}");
        let forged = get(path, Some("chatops_session=0123456789abcdef"));
        assert_eq!(
            call(&router, forged).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    // The page itself is public (it shows the sign-in form), and locked down.
    let res = router
        .clone()
        .oneshot(get("/", None))
        .await
        .expect("infallible");
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

#[tokio::test]
async fn sign_in_checks_the_token_and_sets_a_strict_cookie() {
    let (chat, _) = web_chat();
    let router = chat.router();
    let (status, headers, body) = call(
        &router,
        login_request(r#"{"token":"wrong-token-0123456789"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "wrong token");
    assert!(headers.get(header::SET_COOKIE).is_none());
    let (status, _, body) = call(&router, login_request("not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().expect("text").contains("token"),
        "{body}"
    );

    let (status, headers, body) = call(
        &router,
        login_request(&json!({ "token": ALICE }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"], "alice");
    let set = headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().expect("pair").to_string();

    let (status, _, body) = call(&router, get("/api/me", Some(&cookie))).await;
    assert_eq!(
        (status, body["user"].as_str()),
        (StatusCode::OK, Some("alice"))
    );
    let (_, _, body) = call(&router, get("/api/channels", Some(&cookie))).await;
    assert_eq!(
        body["channels"][0],
        json!({"workspace": "web", "id": "C-OPS", "name": "ops"})
    );
    let (status, _, _) = call(
        &router,
        get("/api/history?workspace=web&channel=nope", Some(&cookie)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = call(&router, get("/api/anything", Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The start-up token signs in as admin.
    assert_eq!(
        call(
            &router,
            login_request(&json!({ "token": common::START_TOKEN }).to_string())
        )
        .await
        .2["user"],
        "admin"
    );

    // Another site's page is refused even with the cookie.
    let cross = Request::get("/api/me")
        .header(header::COOKIE, &cookie)
        .header(header::HOST, "127.0.0.1:1")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&router, cross).await.0, StatusCode::FORBIDDEN);

    // Signing out ends the session.
    let out = Request::post("/api/logout")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&router, out).await.0, StatusCode::OK);
    assert_eq!(
        call(&router, get("/api/me", Some(&cookie))).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// The first block's text of a posted or updated message: spans (never a string), written
/// back in the engine's dialect as `Message::plain` shows them.
fn text_of(frame: &Value) -> String {
    let spans = &frame["message"]["blocks"][0]["text"];
    assert!(spans.is_array(), "text is an array of spans: {frame}");
    let rich: engine::Rich = serde_json::from_value(spans.clone()).expect("spans");
    rich.plain()
}

fn text(workspace: &str, channel: &str, text: &str) -> Value {
    json!({"type": "text", "workspace": workspace, "channel": channel, "text": text})
}

async fn joined(addr: std::net::SocketAddr, cookie: &str) -> Socket {
    let mut ws = open(addr, cookie).await;
    send(
        &mut ws,
        json!({"type": "join", "workspace": "web", "channel": "C-OPS"}),
    )
    .await;
    let history = next(&mut ws).await;
    assert_eq!(history["type"], "history");
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_carries_text_posts_and_updates() {
    let (chat, _) = web_chat();
    let router = chat.router();
    let addr = common::serve(&chat).await;
    // No cookie: the upgrade is refused with 401.
    let refused = tokio_tungstenite::connect_async(format!("ws://{addr}/api/ws")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status(), 401),
        other => panic!("expected a 401, got {other:?}"),
    }
    let cookie = sign_in(&router, ALICE).await;
    let mut ws = joined(addr, &cookie).await;

    send(&mut ws, text("web", "C-OPS", "ask")).await;
    let mine = next(&mut ws).await;
    assert_eq!(
        (mine["type"].as_str(), mine["from"].as_str()),
        (Some("post"), Some("alice"))
    );
    assert_eq!(text_of(&mine), "ask");
    let asked = next(&mut ws).await;
    assert_eq!(asked["type"], "post");
    assert_eq!(asked["from"], Value::Null);
    assert_eq!(asked["channel"], "C-OPS");
    let id = asked["message"]["id"].as_str().expect("id").to_string();
    assert_eq!(asked["message"]["blocks"][2]["type"], "buttons");

    send(
        &mut ws,
        json!({"type": "action", "workspace": "web", "channel": "C-OPS",
        "message": id, "action": "run", "value": "cmd-1"}),
    )
    .await;
    let update = next(&mut ws).await;
    assert_eq!(update["type"], "update");
    assert_eq!(update["message"]["id"], id.as_str());
    assert_eq!(text_of(&update), "Run by alice");
    let result = next(&mut ws).await;
    assert_eq!(result["type"], "post");
    assert_eq!(result["message"]["blocks"][0]["type"], "code");

    // The Run button is gone: pressing it again is refused before it reaches the handler.
    send(
        &mut ws,
        json!({"type": "action", "workspace": "web", "channel": "C-OPS",
        "message": id, "action": "run", "value": "cmd-1"}),
    )
    .await;
    let again = next(&mut ws).await;
    assert_eq!(
        (again["type"].as_str(), again["code"].as_str()),
        (Some("error"), Some("unknown_control"))
    );

    // A reload sees the updated message in place, in order.
    let (_, _, body) = call(
        &router,
        get("/api/history?workspace=web&channel=C-OPS", Some(&cookie)),
    )
    .await;
    let texts: Vec<String> = body["messages"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            e["message"]["blocks"][0]["type"]
                .as_str()
                .unwrap_or("?")
                .to_string()
                + ":"
                + &match e["message"]["blocks"][0]["text"].as_str() {
                    Some(code) => code.to_string(),
                    None => text_of(e),
                }
        })
        .collect();
    assert_eq!(
        texts,
        [
            "text:ask",
            "text:Run by alice",
            "code:{\n  \"ran\": \"cmd-1\"\n}"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_and_menus_become_events() {
    let (chat, _) = web_chat();
    let router = chat.router();
    let addr = common::serve(&chat).await;
    let cookie = sign_in(&router, BOB).await;
    let mut ws = joined(addr, &cookie).await;
    send(&mut ws, text("web", "C-OPS", "form")).await;
    next(&mut ws).await;
    let form = next(&mut ws).await;
    let id = form["message"]["id"].as_str().expect("id").to_string();
    send(&mut ws, json!({"type": "form", "workspace": "web", "channel": "C-OPS", "message": id,
        "action": "support_case", "values": [["subject", "Disk full"], ["severity", "high"], ["body", ""]]})).await;
    let reply = next(&mut ws).await;
    assert_eq!(
        text_of(&reply),
        "Form from bob: subject=Disk full, severity=high, body="
    );
    // A required field left empty is refused with its name.
    send(
        &mut ws,
        json!({"type": "form", "workspace": "web", "channel": "C-OPS", "message": id,
        "action": "support_case", "values": [["subject", ""], ["severity", "high"]]}),
    )
    .await;
    let refused = next(&mut ws).await;
    assert_eq!(refused["code"], "unknown_control");
    assert!(
        refused["error"].as_str().expect("text").contains("subject"),
        "{refused}"
    );

    send(&mut ws, text("web", "C-OPS", "ask")).await;
    next(&mut ws).await;
    let ask = next(&mut ws).await;
    let id = ask["message"]["id"].as_str().expect("id").to_string();
    send(
        &mut ws,
        json!({"type": "action", "workspace": "web", "channel": "C-OPS", "message": id,
        "action": "param", "value": "fn-beta"}),
    )
    .await;
    assert_eq!(text_of(&next(&mut ws).await), "bob chose fn-beta");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_to_messages_reach_only_their_user() {
    let (chat, _) = web_chat();
    let router = chat.router();
    let addr = common::serve(&chat).await;
    let alice = sign_in(&router, ALICE).await;
    let bob = sign_in(&router, BOB).await;
    let mut wa = joined(addr, &alice).await;
    let mut wb = joined(addr, &bob).await;

    send(&mut wa, text("web", "C-OPS", "secret")).await;
    assert_eq!(next(&mut wa).await["from"], "alice");
    let secret = next(&mut wa).await;
    assert_eq!(secret["message"]["only_to"], "alice");
    assert_eq!(text_of(&secret), "Only alice sees this");

    // Bob sees alice's words, then his own, with nothing between: the secret never came.
    assert_eq!(text_of(&next(&mut wb).await), "secret");
    send(&mut wb, text("web", "C-OPS", "hello")).await;
    let after = next(&mut wb).await;
    assert_eq!(
        (after["from"].as_str(), text_of(&after).as_str()),
        (Some("bob"), "hello")
    );
    assert_eq!(text_of(&next(&mut wb).await), "Hello *bob*, try `ask`");
    let (_, _, body) = call(
        &router,
        get("/api/history?workspace=web&channel=C-OPS", Some(&bob)),
    )
    .await;
    assert!(!body.to_string().contains("Only alice"), "{body}");

    // Bob cannot act on alice's only-to message either.
    let id = secret["message"]["id"].as_str().expect("id");
    send(
        &mut wb,
        json!({"type": "action", "workspace": "web", "channel": "C-OPS", "message": id,
        "action": "run", "value": "x"}),
    )
    .await;
    assert_eq!(next(&mut wb).await["code"], "unknown_message");

    // A socket viewing another channel gets nothing from this one.
    let mut wc = open(addr, &alice).await;
    send(
        &mut wc,
        json!({"type": "join", "workspace": "web", "channel": "C-READ"}),
    )
    .await;
    assert_eq!(next(&mut wc).await["messages"], json!([]));
    send(&mut wa, text("web", "C-OPS", "hello")).await;
    send(&mut wc, text("web", "C-READ", "hello")).await;
    assert_eq!(next(&mut wc).await["channel"], "C-READ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_frames_get_error_frames() {
    let (chat, _) = web_chat();
    let router = chat.router();
    let addr = common::serve(&chat).await;
    let cookie = sign_in(&router, ALICE).await;
    let mut ws = joined(addr, &cookie).await;

    let cases: Vec<(Ws, &str, &str)> = vec![
        (Ws::Text("{not json".into()), "bad_json", "expected a JSON frame"),
        (Ws::Text(r#"{"type":"shout"}"#.into()), "bad_json", "unknown variant"),
        (Ws::Text(r#"{"type":"text","workspace":"web","channel":"C-OPS"}"#.into()), "bad_json", "missing field `text`"),
        (Ws::Text(text("web", "C-OPS", &"x".repeat(17 * 1024)).to_string().into()), "too_large", "at most 16384 bytes"),
        (Ws::Text(text("web", "nope", "hi").to_string().into()), "unknown_channel", "no channel \"nope\""),
        (Ws::Text(text("web", "C-OPS", "   ").to_string().into()), "empty", "empty"),
        (Ws::Binary(vec![1, 2, 3].into()), "binary", "binary frames"),
        (
            Ws::Text(json!({"type": "action", "workspace": "web", "channel": "C-OPS", "message": "m-404", "action": "run", "value": "x"}).to_string().into()),
            "unknown_message",
            "m-404",
        ),
        (Ws::Text(text("web", "C-OPS", "panic").to_string().into()), "failed", "failed"),
    ];
    for (frame, code, says) in cases {
        ws.send(frame).await.expect("send");
        let mut reply = next(&mut ws).await;
        if reply["type"] == "post" {
            // "panic" is first shown as alice's words, then the handler fails.
            reply = next(&mut ws).await;
        }
        assert_eq!(reply["type"], "error", "{reply}");
        assert_eq!(reply["code"], code, "{reply}");
        assert!(
            reply["error"].as_str().expect("text").contains(says),
            "{reply}"
        );
    }
    // A command full of the dialect's marks comes back as one code span, nothing else read.
    let command = "ec2 describe-instances --query 'R[?x==`1`]' *all* <@U1>";
    send(&mut ws, text("web", "C-OPS", &format!("quote {command}"))).await;
    let mine = next(&mut ws).await;
    assert_eq!(
        mine["message"]["blocks"][0]["text"],
        json!([{"type": "plain", "text": format!("quote {command}")}])
    );
    assert_eq!(
        next(&mut ws).await["message"]["blocks"][0]["text"],
        json!([
            {"type": "mention", "user": "alice"},
            {"type": "plain", "text": " asked for "},
            {"type": "code", "text": command},
        ])
    );
    // The socket still works after all that.
    send(&mut ws, text("web", "C-OPS", "hello")).await;
    assert_eq!(next(&mut ws).await["from"], "alice");
    assert_eq!(text_of(&next(&mut ws).await), "Hello *alice*, try `ask`");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_updates_messages_in_their_channel() {
    let (chat, handler) = web_chat();
    let router = chat.router();
    let addr = common::serve(&chat).await;
    let cookie = sign_in(&router, ALICE).await;
    let mut ws = joined(addr, &cookie).await;
    send(&mut ws, text("web", "C-OPS", "ask")).await;
    next(&mut ws).await;
    let id = next(&mut ws).await["message"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut expired = Message::default();
    expired.text("Expired after 10 minutes");
    handler.on_sweep(Outbound::Update {
        message: id.clone(),
        content: expired,
    });
    chat.sweep_once().await;
    let update = next(&mut ws).await;
    assert_eq!(
        (update["type"].as_str(), update["channel"].as_str()),
        (Some("update"), Some("C-OPS"))
    );
    assert_eq!(update["message"]["id"], id.as_str());
    assert_eq!(text_of(&update), "Expired after 10 minutes");
}

#[test]
fn settings_that_would_leave_it_open_are_refused() {
    let handler = std::sync::Arc::new(common::Scripted::default());
    let mut settings = webchat::WebSettings::new(common::channels(), vec![]).expect("random");
    assert_eq!(settings.token.len(), 64);
    assert!(webchat::WebChat::new(handler.clone(), settings.clone()).is_ok());
    settings.users.push(("eve".into(), "short".into()));
    let err = webchat::WebChat::new(handler.clone(), settings.clone())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("\"eve\""), "{err}");
    settings.users.clear();
    settings
        .channels
        .push(webchat::ChannelInfo::new("web", "C-OPS", "again"));
    assert!(webchat::WebChat::new(handler, settings).is_err());
}

/// Two replicas of the web chat on one store: what is said through one reaches the viewers of
/// the other with the same ids, and a button shown through one is pressed through the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_the_conversation_through_the_store() {
    let dir = std::env::temp_dir().join(format!(
        "webchat-share-{}",
        store::new_pending_id().expect("id")
    ));
    let path = dir.join("store.db");
    let stop = tokio_util::sync::CancellationToken::new();
    let (a, _) = web_chat();
    let (b, _) = web_chat();
    for chat in [&a, &b] {
        let s = store::SqliteStore::open(&path).expect("store");
        chat.share_through(store::AsyncStore::new(std::sync::Arc::new(s)), stop.clone())
            .await
            .expect("shared");
    }
    let (addr_a, addr_b) = (common::serve(&a).await, common::serve(&b).await);
    let alice = sign_in(&a.router(), ALICE).await;
    let bob = sign_in(&b.router(), BOB).await;
    let mut wa = joined(addr_a, &alice).await;
    let mut wb = joined(addr_b, &bob).await;

    send(&mut wa, text("web", "C-OPS", "ask")).await;
    let mine = next(&mut wa).await;
    let asked = next(&mut wa).await;
    let seen = next(&mut wb).await;
    assert_eq!(
        (seen["type"].as_str(), seen["from"].as_str()),
        (Some("post"), Some("alice"))
    );
    assert_eq!(seen["message"]["id"], mine["message"]["id"]);
    assert_eq!(text_of(&seen), "ask");
    let question = next(&mut wb).await;
    assert_eq!(question["message"]["id"], asked["message"]["id"]);
    let id = asked["message"]["id"].as_str().expect("id").to_string();

    send(
        &mut wb,
        json!({"type": "action", "workspace": "web", "channel": "C-OPS",
        "message": id, "action": "run", "value": "cmd-1"}),
    )
    .await;
    for ws in [&mut wb, &mut wa] {
        let update = next(ws).await;
        assert_eq!(update["type"], "update");
        assert_eq!(update["message"]["id"], id.as_str());
        assert_eq!(text_of(&update), "Run by bob");
        let result = next(ws).await;
        assert_eq!(result["type"], "post");
        assert_eq!(result["message"]["blocks"][0]["type"], "code");
    }
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
}
