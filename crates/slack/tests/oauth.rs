//! OAuth v2 install against a local double of `oauth.v2.access`, and the encrypted token
//! store.

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use serde_json::json;
use slack::oauth::{
    CallbackQuery, CryptoError, FileTokenStore, Installation, InstallationError, Installations,
    Installer, MemoryTokenStore, OAuthConfig, OAuthError, StateError, TokenCipher, TokenKey,
    TokenStore, STATE_COOKIE,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

const BOT_TOKEN: &str = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

/// What the double received: (authorization header, form body).
type Calls = Arc<Mutex<Vec<(String, String)>>>;

/// `oauth.v2.access` as Slack documents it: code `good` is exchanged, anything else is
/// `invalid_code`.
async fn slack_double() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let c = calls.clone();
    let app = Router::new().route(
        "/api/oauth.v2.access",
        post(move |headers: HeaderMap, body: String| {
            let calls = c.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                calls.lock().unwrap().push((auth.clone(), body.clone()));
                let want = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode("1234.5678:s3cr3t")
                );
                if auth != want {
                    return json!({"ok": false, "error": "invalid_client_id"}).to_string();
                }
                let code = form_urlencoded::parse(body.as_bytes())
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned());
                if code.as_deref() != Some("good") {
                    return json!({"ok": false, "error": "invalid_code"}).to_string();
                }
                json!({
                    "ok": true,
                    "access_token": BOT_TOKEN,
                    "token_type": "bot",
                    "scope": "commands,chat:write,app_mentions:read",
                    "bot_user_id": "U0KRQLJ9H",
                    "app_id": "A0KRD7HC3",
                    "team": {"name": "Slack Softball Team", "id": "T9TK3CUKW"},
                    "enterprise": {"name": "slack-sports", "id": "E12345678"},
                    "authed_user": {"id": "U1234", "scope": "chat:write",
                        "access_token": "xoxp-1234", "token_type": "user"},
                    "is_enterprise_install": false
                })
                .to_string()
            }
        }),
    );
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    (base, calls)
}

fn key() -> TokenKey {
    TokenKey::parse(&"5a".repeat(32)).unwrap()
}

fn config(api_base: &str) -> OAuthConfig {
    let mut c = OAuthConfig::new(
        "1234.5678",
        "s3cr3t",
        "https://chatops.example.com/slack/oauth/callback",
    );
    c.api_base = api_base.into();
    c
}

fn installer(api_base: &str, store: Arc<dyn TokenStore>) -> Arc<Installer> {
    let inst = Arc::new(Installations::new(&key(), store));
    Arc::new(Installer::new(config(api_base), &key(), inst).unwrap())
}

fn query_of(url: &str) -> Vec<(String, String)> {
    let q = url.split_once('?').unwrap().1;
    form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(q: &[(String, String)], name: &str) -> String {
    q.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no {name}"))
}

#[tokio::test]
async fn install_url_carries_client_scopes_redirect_and_a_state() {
    let (base, _) = slack_double().await;
    let i = installer(&base, Arc::new(MemoryTokenStore::new()));
    let (url, state) = i.install_url(1_700_000_000).unwrap();
    assert!(
        url.starts_with("https://slack.com/oauth/v2/authorize?"),
        "{url}"
    );
    let q = query_of(&url);
    assert_eq!(param(&q, "client_id"), "1234.5678");
    assert_eq!(param(&q, "scope"), slack::manifest::bot_scopes().join(","));
    assert!(param(&q, "scope").contains("app_mentions:read,chat:write,commands"));
    assert_eq!(
        param(&q, "redirect_uri"),
        "https://chatops.example.com/slack/oauth/callback"
    );
    assert_eq!(param(&q, "state"), state);
    let (_, second) = i.install_url(1_700_000_000).unwrap();
    assert_ne!(state, second, "states are random");
}

#[tokio::test]
async fn callback_checks_the_state_exchanges_the_code_and_stores_encrypted() {
    let (base, calls) = slack_double().await;
    let store = Arc::new(MemoryTokenStore::new());
    let i = installer(&base, store.clone());
    let now = 1_700_000_000;
    let (_, state) = i.install_url(now).unwrap();
    let q = |code: &str, state: &str| CallbackQuery {
        code: Some(code.into()),
        state: Some(state.into()),
        error: None,
    };

    // The user cancelled.
    let denied = CallbackQuery::parse("error=access_denied&state=x");
    assert_eq!(
        i.callback(&denied, None, now).await.unwrap_err(),
        OAuthError::Denied("access_denied".into())
    );
    // Wrong, forged, expired, missing cookie, other browser.
    let other = installer(&base, Arc::new(MemoryTokenStore::new()));
    let (_, foreign) = Installer::new(
        config(&base),
        &TokenKey::from_bytes([1; 32]),
        other.installations().clone(),
    )
    .unwrap()
    .install_url(now)
    .unwrap();
    assert_eq!(
        i.callback(&q("good", &foreign), Some(&foreign), now)
            .await
            .unwrap_err(),
        OAuthError::State(StateError::BadSignature)
    );
    assert_eq!(
        i.callback(&q("good", "garbage"), Some("garbage"), now)
            .await
            .unwrap_err(),
        OAuthError::State(StateError::Malformed)
    );
    assert_eq!(
        i.callback(&q("good", &state), Some(&state), now + 601)
            .await
            .unwrap_err(),
        OAuthError::State(StateError::Expired)
    );
    assert_eq!(
        i.callback(&q("good", &state), None, now).await.unwrap_err(),
        OAuthError::State(StateError::CookieMismatch)
    );
    let (_, another) = i.install_url(now).unwrap();
    assert_eq!(
        i.callback(&q("good", &state), Some(&another), now)
            .await
            .unwrap_err(),
        OAuthError::State(StateError::CookieMismatch)
    );
    assert!(
        calls.lock().unwrap().is_empty(),
        "no exchange before the state is good"
    );
    assert!(store.teams().unwrap().is_empty());

    // A code Slack refuses: a clear error, nothing stored.
    let (_, s2) = i.install_url(now).unwrap();
    assert_eq!(
        i.callback(&q("bad", &s2), Some(&s2), now)
            .await
            .unwrap_err(),
        OAuthError::Slack("invalid_code".into())
    );
    assert!(store.teams().unwrap().is_empty());

    // The good path.
    let inst = i
        .callback(&q("good", &state), Some(&state), now + 30)
        .await
        .unwrap();
    assert_eq!(inst.team_id, "T9TK3CUKW");
    assert_eq!(inst.team_name.as_deref(), Some("Slack Softball Team"));
    assert_eq!(inst.bot_user_id, "U0KRQLJ9H");
    assert_eq!(inst.bot_token, BOT_TOKEN);
    assert_eq!(inst.installer_user_id.as_deref(), Some("U1234"));
    assert_eq!(inst.installed_at, now + 30);
    assert_eq!(inst.bot().user_id.as_deref(), Some("U0KRQLJ9H"));
    assert!(
        !format!("{inst:?}").contains("xoxb"),
        "Debug hides the token"
    );
    let (auth, body) = calls.lock().unwrap().last().cloned().unwrap();
    assert!(auth.starts_with("Basic "));
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(param(&form, "code"), "good");
    assert_eq!(
        param(&form, "redirect_uri"),
        "https://chatops.example.com/slack/oauth/callback"
    );
    assert!(
        !body.contains("s3cr3t"),
        "the secret goes in the header only"
    );

    // Stored encrypted, decrypts to the same installation.
    let record = store.get("T9TK3CUKW").unwrap().unwrap();
    assert!(
        !record.contains("xoxb") && !record.contains("Softball"),
        "{record}"
    );
    assert_eq!(i.installations().get("T9TK3CUKW").unwrap().unwrap(), inst);
    // The state is single-use.
    assert_eq!(
        i.callback(&q("good", &state), Some(&state), now + 31)
            .await
            .unwrap_err(),
        OAuthError::State(StateError::Replayed)
    );
}

#[tokio::test]
async fn router_redirects_sets_the_cookie_and_installs() {
    let (base, _) = slack_double().await;
    let store = Arc::new(MemoryTokenStore::new());
    let i = installer(&base, store.clone());
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let app = i.clone().router();
    tokio::spawn(async move { axum::serve(l, app).await });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let r = http
        .get(format!("http://{addr}/slack/install"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let state = param(&query_of(&location), "state");
    assert!(
        cookie.starts_with(&format!("{STATE_COOKIE}={state};")),
        "{cookie}"
    );
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Max-Age=600",
        "Path=/slack/oauth/callback",
    ] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }

    let callback = format!("http://{addr}/slack/oauth/callback?code=good&state={state}");
    // Without the cookie: refused.
    let r = http.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("another browser"));
    // With it: installed.
    let r = http
        .get(&callback)
        .header("cookie", format!("other=1; {STATE_COOKIE}={state}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("installed in Slack Softball Team"));
    assert_eq!(store.teams().unwrap(), vec!["T9TK3CUKW".to_string()]);
    // Cancelled in Slack.
    let r = http
        .get(format!(
            "http://{addr}/slack/oauth/callback?error=access_denied&state=x"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("cancelled"));
}

fn installation(team: &str) -> Installation {
    Installation {
        team_id: team.into(),
        team_name: Some("Acme Ops".into()),
        enterprise_id: None,
        app_id: Some("A1".into()),
        bot_user_id: "U0BOT".into(),
        bot_token: BOT_TOKEN.into(),
        scopes: vec!["chat:write".into()],
        installer_user_id: Some("U1".into()),
        installed_at: 1_700_000_000,
        refresh_token: None,
        expires_at: None,
    }
}

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "slack-oauth-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn tokens_are_encrypted_at_rest_in_a_file() {
    let path = temp_file("tokens.json");
    let store: Arc<dyn TokenStore> = Arc::new(FileTokenStore::new(&path));
    let inst = Installations::new(&key(), store.clone());
    inst.save(&installation("T1")).unwrap();
    inst.save(&installation("T2")).unwrap();
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert!(!on_disk.contains("xoxb"), "{on_disk}");
    assert!(!on_disk.contains(&BOT_TOKEN[5..20]));
    assert!(!on_disk.contains("Acme"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A fresh store on the same file (a restart) decrypts both.
    let reopened = Installations::new(&key(), Arc::new(FileTokenStore::new(&path)));
    assert_eq!(reopened.get("T1").unwrap().unwrap(), installation("T1"));
    assert_eq!(reopened.get("T2").unwrap().unwrap().bot_token, BOT_TOKEN);
    assert_eq!(reopened.get("T3").unwrap(), None);
    assert_eq!(reopened.teams().unwrap(), vec!["T1", "T2"]);
    // Same plaintext, new nonce: a different record.
    let before = store.get("T1").unwrap().unwrap();
    inst.save(&installation("T1")).unwrap();
    assert_ne!(before, store.get("T1").unwrap().unwrap());
    assert!(reopened.remove("T2").unwrap());
    assert!(!reopened.remove("T2").unwrap());
    assert_eq!(reopened.teams().unwrap(), vec!["T1"]);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn tampering_wrong_team_and_wrong_key_are_clear_errors() {
    let store = Arc::new(MemoryTokenStore::new());
    let inst = Installations::new(&key(), store.clone());
    inst.save(&installation("T1")).unwrap();
    let record = store.get("T1").unwrap().unwrap();

    // One flipped character in the ciphertext.
    let mut tampered = record.clone().into_bytes();
    let at = tampered.len() - 5;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    store
        .put("T1", &String::from_utf8(tampered).unwrap())
        .unwrap();
    let err = inst.get("T1").unwrap_err();
    assert_eq!(
        err,
        InstallationError::Crypto(CryptoError::Tampered("T1".into()))
    );
    assert!(err.to_string().contains("tampered"), "{err}");

    // T1's record filed under T2.
    store.put("T2", &record).unwrap();
    assert_eq!(
        inst.get("T2").unwrap_err(),
        InstallationError::Crypto(CryptoError::WrongTeam {
            record: "T1".into(),
            requested: "T2".into()
        })
    );
    // ... even with the clear team id rewritten: the team id is authenticated.
    let parts: Vec<&str> = record.split('.').collect();
    let forged = format!(
        "{}.{}.{}.{}",
        parts[0],
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("T2"),
        parts[2],
        parts[3]
    );
    store.put("T2", &forged).unwrap();
    assert_eq!(
        inst.get("T2").unwrap_err(),
        InstallationError::Crypto(CryptoError::Tampered("T2".into()))
    );

    // Another key.
    store.put("T1", &record).unwrap();
    assert_eq!(inst.get("T1").unwrap().unwrap(), installation("T1"));
    let other = Installations::new(&TokenKey::from_bytes([3; 32]), store.clone());
    assert!(other
        .get("T1")
        .unwrap_err()
        .to_string()
        .contains("CHATOPS_TOKEN_KEY is not the key"));

    // Garbage.
    store.put("T1", "v1.only-two").unwrap();
    assert!(matches!(
        inst.get("T1").unwrap_err(),
        InstallationError::Crypto(CryptoError::Malformed(_))
    ));
    let c = TokenCipher::new(&key());
    assert!(matches!(
        c.open("T1", "v9.a.b.c"),
        Err(CryptoError::Malformed(_))
    ));
    let sealed = c.seal("T1", b"hello").unwrap();
    assert_eq!(c.open("T1", &sealed).unwrap(), b"hello");
}

#[test]
fn install_states_expire_on_time() {
    // The TTL is configurable.
    let mut c = config("http://127.0.0.1:9");
    c.state_ttl = Duration::from_secs(60);
    let i = Installer::new(
        c,
        &key(),
        Arc::new(Installations::new(
            &key(),
            Arc::new(MemoryTokenStore::new()),
        )),
    )
    .unwrap();
    let (url, _) = i.install_url(100).unwrap();
    let state = param(&query_of(&url), "state");
    assert!(state.starts_with("160."), "{state}");
}
