//! OAuth v2 install against a local double of `oauth.v2.access`, the installations sealed in
//! the project's store, and the import of an earlier release's installations file.

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use serde_json::json;
use slack::oauth::{
    CallbackQuery, CryptoError, Installation, InstallationError, Installations, Installer,
    LegacyImport, OAuthConfig, OAuthError, StateError, TokenCipher, TokenKey, STATE_COOKIE,
    STORE_SURFACE,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{SqliteStore, Store};
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

/// A fresh in-memory store.
fn mem() -> Arc<dyn Store> {
    Arc::new(SqliteStore::in_memory().unwrap())
}

/// The teams with an installation in `store`.
fn teams(store: &Arc<dyn Store>) -> Vec<String> {
    store.list_installations(STORE_SURFACE).unwrap()
}

/// The sealed record of `team` in `store`.
fn sealed(store: &Arc<dyn Store>, team: &str) -> Option<String> {
    store.get_installation(STORE_SURFACE, team).unwrap()
}

/// Files `record` under `team` in `store` directly (as a tamperer with access to it would).
fn file_under(store: &Arc<dyn Store>, team: &str, record: &str) {
    store
        .put_installation(STORE_SURFACE, team, record, 0)
        .unwrap();
}

fn installer(api_base: &str, store: Arc<dyn Store>) -> Arc<Installer> {
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
    let i = installer(&base, mem());
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
    let store = mem();
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
    let other = installer(&base, mem());
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
    assert!(teams(&store).is_empty());

    // A code Slack refuses: a clear error, nothing stored.
    let (_, s2) = i.install_url(now).unwrap();
    assert_eq!(
        i.callback(&q("bad", &s2), Some(&s2), now)
            .await
            .unwrap_err(),
        OAuthError::Slack("invalid_code".into())
    );
    assert!(teams(&store).is_empty());

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
    let record = sealed(&store, "T9TK3CUKW").unwrap();
    assert!(
        !record.contains("xoxb") && !record.contains("Softball"),
        "{record}"
    );
    assert_eq!(
        i.installations().get("T9TK3CUKW").await.unwrap().unwrap(),
        inst
    );
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
    let store = mem();
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
    assert_eq!(teams(&store), vec!["T9TK3CUKW".to_string()]);
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

/// Every byte the store keeps on disk for `path` (the database and its WAL and shared
/// memory files, which hold recent writes before a checkpoint).
fn on_disk(path: &std::path::Path) -> String {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(&p) {
            all.extend(b);
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}

#[tokio::test]
async fn tokens_are_encrypted_at_rest_in_the_store_file() {
    let path = temp_file("chatops.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let inst = Installations::new(&key(), store.clone());
    inst.save(&installation("T1")).await.unwrap();
    inst.save(&installation("T2")).await.unwrap();
    let on_disk = on_disk(&path);
    assert!(
        on_disk.contains("v1."),
        "the sealed records are in the file"
    );
    assert!(!on_disk.contains("xoxb"));
    assert!(!on_disk.contains(&BOT_TOKEN[5..20]));
    assert!(!on_disk.contains("Acme"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A fresh store on the same file (a restart) decrypts both.
    let reopened = Installations::new(&key(), Arc::new(SqliteStore::open(&path).unwrap()));
    assert_eq!(
        reopened.get("T1").await.unwrap().unwrap(),
        installation("T1")
    );
    assert_eq!(
        reopened.get("T2").await.unwrap().unwrap().bot_token,
        BOT_TOKEN
    );
    assert_eq!(reopened.get("T3").await.unwrap(), None);
    assert_eq!(reopened.teams().await.unwrap(), vec!["T1", "T2"]);
    // Same plaintext, new nonce: a different record.
    let before = sealed(&store, "T1").unwrap();
    inst.save(&installation("T1")).await.unwrap();
    assert_ne!(before, sealed(&store, "T1").unwrap());
    assert!(reopened.remove("T2").await.unwrap());
    assert!(!reopened.remove("T2").await.unwrap());
    assert_eq!(reopened.teams().await.unwrap(), vec!["T1"]);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// What an earlier release wrote to `slack-installations.json`: `{"T…": sealed record}`,
/// each record the installation's JSON sealed for its team.
fn legacy_file(path: &std::path::Path, key: &TokenKey, installs: &[Installation]) {
    let c = TokenCipher::new(key);
    let records: std::collections::BTreeMap<String, String> = installs
        .iter()
        .map(|i| {
            let plain = serde_json::to_vec(i).unwrap();
            (i.team_id.clone(), c.seal(&i.team_id, &plain).unwrap())
        })
        .collect();
    std::fs::write(path, serde_json::to_vec_pretty(&records).unwrap()).unwrap();
}

#[tokio::test]
async fn an_earlier_releases_installations_file_is_imported_once() {
    let path = temp_file(slack::oauth::LEGACY_FILE);
    let store = mem();
    let inst = Installations::new(&key(), store.clone());
    // No file: nothing to do.
    assert_eq!(inst.import_legacy_file(&path).await.unwrap(), None);

    // T2 was installed again since (the store's record is newer): it is kept.
    let mut newer = installation("T2");
    newer.team_name = Some("Acme Ops, reinstalled".into());
    inst.save(&newer).await.unwrap();
    legacy_file(&path, &key(), &[installation("T1"), installation("T2")]);
    let done = inst.import_legacy_file(&path).await.unwrap().unwrap();
    let mut moved = path.clone().into_os_string();
    moved.push(".imported");
    assert_eq!(
        done,
        LegacyImport {
            imported: vec!["T1".into()],
            kept: vec!["T2".into()],
            moved_to: moved.clone().into(),
        }
    );
    assert!(!path.exists(), "the file is moved away");
    assert!(std::path::Path::new(&moved).exists(), "not deleted");
    assert_eq!(inst.get("T1").await.unwrap().unwrap(), installation("T1"));
    assert_eq!(inst.get("T2").await.unwrap().unwrap(), newer);
    // Imported as it was: still sealed in the store.
    let record = sealed(&store, "T1").unwrap();
    assert!(
        record.starts_with("v1.") && !record.contains("xoxb"),
        "{record}"
    );
    // Once: the next start finds no file, and an uninstall stays an uninstall.
    assert!(inst.remove("T1").await.unwrap());
    assert_eq!(inst.import_legacy_file(&path).await.unwrap(), None);
    assert_eq!(inst.get("T1").await.unwrap(), None);

    // An empty file (no installations) is imported as nothing and moved away too.
    std::fs::write(&path, "\n").unwrap();
    let done = inst.import_legacy_file(&path).await.unwrap().unwrap();
    assert!(done.imported.is_empty() && done.kept.is_empty());
    assert!(!path.exists());
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn a_broken_installations_file_is_a_clear_error_and_imports_nothing() {
    let path = temp_file(slack::oauth::LEGACY_FILE);
    let store = mem();
    let inst = Installations::new(&key(), store.clone());

    // Not JSON.
    std::fs::write(&path, "{not json").unwrap();
    let err = inst.import_legacy_file(&path).await.unwrap_err();
    assert!(
        matches!(&err, InstallationError::LegacyFormat { path: p, .. } if *p == path),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(slack::oauth::LEGACY_FILE) && msg.contains("not a JSON object"),
        "{msg}"
    );
    assert!(path.exists(), "left where it is");

    // Sealed with another key: nothing is imported, the error names the team and the key.
    legacy_file(
        &path,
        &TokenKey::from_bytes([3; 32]),
        &[installation("T1"), installation("T2")],
    );
    let err = inst.import_legacy_file(&path).await.unwrap_err();
    assert_eq!(
        err,
        InstallationError::LegacyRecord {
            path: path.clone(),
            team: "T1".into(),
            source: Box::new(InstallationError::Crypto(CryptoError::Tampered(
                "T1".into()
            ))),
        }
    );
    assert!(
        err.to_string().contains("CHATOPS_TOKEN_KEY is not the key"),
        "{err}"
    );
    assert!(teams(&store).is_empty(), "all or nothing");
    assert!(path.exists(), "left where it is");

    // A record filed under another team.
    let c = TokenCipher::new(&key());
    let t1 = c
        .seal("T1", &serde_json::to_vec(&installation("T1")).unwrap())
        .unwrap();
    std::fs::write(&path, serde_json::json!({ "T9": t1 }).to_string()).unwrap();
    let err = inst.import_legacy_file(&path).await.unwrap_err();
    assert!(
        matches!(&err, InstallationError::LegacyRecord { team, source, .. }
            if team == "T9" && matches!(**source, InstallationError::Crypto(CryptoError::WrongTeam { .. }))),
        "{err:?}"
    );
    assert!(teams(&store).is_empty());

    // A directory where the file should be: it cannot be read.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(matches!(
        inst.import_legacy_file(&path).await.unwrap_err(),
        InstallationError::LegacyRead { .. }
    ));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn tampering_wrong_team_and_wrong_key_are_clear_errors() {
    let store = mem();
    let inst = Installations::new(&key(), store.clone());
    inst.save(&installation("T1")).await.unwrap();
    let record = sealed(&store, "T1").unwrap();

    // One flipped character in the ciphertext.
    let mut tampered = record.clone().into_bytes();
    let at = tampered.len() - 5;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    file_under(&store, "T1", &String::from_utf8(tampered).unwrap());
    let err = inst.get("T1").await.unwrap_err();
    assert_eq!(
        err,
        InstallationError::Crypto(CryptoError::Tampered("T1".into()))
    );
    assert!(err.to_string().contains("tampered"), "{err}");

    // T1's record filed under T2.
    file_under(&store, "T2", &record);
    assert_eq!(
        inst.get("T2").await.unwrap_err(),
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
    file_under(&store, "T2", &forged);
    assert_eq!(
        inst.get("T2").await.unwrap_err(),
        InstallationError::Crypto(CryptoError::Tampered("T2".into()))
    );

    // Another key.
    file_under(&store, "T1", &record);
    assert_eq!(inst.get("T1").await.unwrap().unwrap(), installation("T1"));
    let other = Installations::new(&TokenKey::from_bytes([3; 32]), store.clone());
    assert!(other
        .get("T1")
        .await
        .unwrap_err()
        .to_string()
        .contains("CHATOPS_TOKEN_KEY is not the key"));

    // Garbage.
    file_under(&store, "T1", "v1.only-two");
    assert!(matches!(
        inst.get("T1").await.unwrap_err(),
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
    let i = Installer::new(c, &key(), Arc::new(Installations::new(&key(), mem()))).unwrap();
    let (url, _) = i.install_url(100).unwrap();
    let state = param(&query_of(&url), "state");
    assert!(state.starts_with("160."), "{state}");
}
