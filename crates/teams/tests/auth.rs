//! Bot Framework authentication over real HTTP against the identity double: the inbound
//! token check ([`Verifier`], [`Claims::check_activity`]) and our outbound token
//! ([`TokenSource`]).

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use teams::auth::{AuthError, AuthSettings, Claims, Verifier};
use teams::jwt::JwtError;
use teams::testing::identity::{unix_now, IdentityDouble};
use teams::token::{token_url_for, TokenError, TokenSettings, TokenSource};

const APP_ID: &str = "6b3c2f1e-0000-4000-a000-00000000b07a";
const APP_SECRET: &str = "Xyz8Q~very-secret-value_123";
const SERVICE_URL: &str = "https://smba.trafficmanager.net/emea/";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

async fn double() -> IdentityDouble {
    IdentityDouble::start(APP_ID, APP_SECRET).await
}

fn verifier(id: &IdentityDouble) -> Verifier {
    Verifier::new(id.auth_settings(), http())
}

// Compile-time: both are shareable across tasks, and their futures can run in axum handlers
// and spawned tasks.
const _: fn() = || {
    fn send_sync<T: Send + Sync + Clone + 'static>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Verifier>();
    send_sync::<TokenSource>();
    let v = Verifier::new(AuthSettings::new("a"), reqwest::Client::new());
    send(&v.verify(None));
    let t = TokenSource::new(TokenSettings::new("a", "b", None), reqwest::Client::new());
    send(&t.token());
};

/// A double, a verifier of its tokens, and claims that pass.
async fn setup() -> (IdentityDouble, Verifier, Value) {
    let id = double().await;
    let v = verifier(&id);
    let claims = id.valid_claims(APP_ID, SERVICE_URL);
    (id, v, claims)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn verify_token(v: &Verifier, token: &str) -> Result<Claims, AuthError> {
    v.verify(Some(&bearer(token))).await
}

/// `claims` with `name` set to `value` (or removed when `value` is null).
fn with(mut claims: Value, name: &str, value: Value) -> Value {
    match value {
        Value::Null => {
            claims.as_object_mut().unwrap().remove(name);
        }
        v => claims[name] = v,
    }
    claims
}

#[tokio::test]
async fn a_valid_token_passes_and_yields_its_claims() {
    let (id, v, claims) = setup().await;
    let got = verify_token(&v, &id.mint(&claims)).await.unwrap();
    assert_eq!(got.app_id, APP_ID);
    assert_eq!(got.service_url.as_deref(), Some(SERVICE_URL));
    assert_eq!(got.endorsements, vec!["msteams".to_string()]);
    assert_eq!(got.key_id, id.kid());
    assert_eq!(got.expires_at, claims["exp"].as_u64().unwrap());
    // The activity it came with: same serviceUrl (one trailing slash either way), Teams.
    assert_eq!(got.check_activity(SERVICE_URL, "msteams"), Ok(()));
    assert_eq!(
        got.check_activity(SERVICE_URL.trim_end_matches('/'), "msteams"),
        Ok(())
    );
    // The scheme is case-insensitive; an array audience holding our app id is accepted.
    let token = id.mint(&with(claims.clone(), "aud", json!(["other", APP_ID])));
    assert!(v.verify(Some(&format!("bearer {token}"))).await.is_ok());
}

#[tokio::test]
async fn each_wrong_token_gets_its_own_error() {
    let (id, v, good) = setup().await;
    let now = unix_now();
    let kid = id.kid();

    // Signed by a key that is not the one published under its kid.
    assert_eq!(
        verify_token(&v, &id.mint_foreign(&good)).await,
        Err(AuthError::BadSignature { kid: kid.clone() })
    );
    // A valid token with its payload swapped for another one.
    let other = id.mint(&with(good.clone(), "aud", json!("someone-else")));
    let mine = id.mint(&good);
    let spliced = {
        let o: Vec<&str> = other.split('.').collect();
        let m: Vec<&str> = mine.split('.').collect();
        format!("{}.{}.{}", m[0], o[1], m[2])
    };
    assert_eq!(
        verify_token(&v, &spliced).await,
        Err(AuthError::BadSignature { kid: kid.clone() })
    );

    assert_eq!(
        verify_token(
            &v,
            &id.mint(&with(
                good.clone(),
                "iss",
                json!("https://sts.windows.net/x/")
            ))
        )
        .await,
        Err(AuthError::WrongIssuer {
            found: Some("https://sts.windows.net/x/".into())
        })
    );
    assert_eq!(
        verify_token(&v, &id.mint(&with(good.clone(), "iss", Value::Null))).await,
        Err(AuthError::WrongIssuer { found: None })
    );
    assert_eq!(
        verify_token(&v, &id.mint(&with(good.clone(), "aud", json!("other-bot")))).await,
        Err(AuthError::WrongAudience {
            found: Some("other-bot".into()),
            expected: APP_ID.into()
        })
    );

    // Expired beyond the 5-minute leeway; expired within it passes.
    let expired = with(good.clone(), "exp", json!(now - 301 - 5));
    match verify_token(&v, &id.mint(&expired)).await {
        Err(AuthError::Expired { exp, leeway, .. }) => {
            assert_eq!(exp, now - 306);
            assert_eq!(leeway, Duration::from_secs(300));
        }
        other => panic!("{other:?}"),
    }
    let just_expired = with(good.clone(), "exp", json!(now - 120));
    assert!(verify_token(&v, &id.mint(&just_expired)).await.is_ok());
    assert_eq!(
        verify_token(&v, &id.mint(&with(good.clone(), "exp", Value::Null))).await,
        Err(AuthError::BadClaim {
            claim: "exp",
            problem: "is missing: tokens without an expiry are refused"
        })
    );
    assert!(matches!(
        verify_token(&v, &id.mint(&with(good.clone(), "exp", json!("soon")))).await,
        Err(AuthError::BadClaim { claim: "exp", .. })
    ));

    // Not yet valid beyond the leeway; within it passes.
    let future = with(good.clone(), "nbf", json!(now + 900));
    assert!(matches!(
        verify_token(&v, &id.mint(&future)).await,
        Err(AuthError::NotYetValid { nbf, .. }) if nbf == now + 900
    ));
    let soon = with(good.clone(), "nbf", json!(now + 60));
    assert!(verify_token(&v, &id.mint(&soon)).await.is_ok());

    // No serviceurl claim: the token verifies, the activity cannot be tied to it.
    let no_url = verify_token(&v, &id.mint(&with(good.clone(), "serviceurl", Value::Null)))
        .await
        .unwrap();
    assert_eq!(
        no_url.check_activity(SERVICE_URL, "msteams"),
        Err(AuthError::ServiceUrlMissing)
    );
    let claims = verify_token(&v, &id.mint(&good)).await.unwrap();
    assert_eq!(
        claims.check_activity("https://attacker.example/emea/", "msteams"),
        Err(AuthError::ServiceUrlMismatch {
            claim: SERVICE_URL.into(),
            activity: "https://attacker.example/emea/".into()
        })
    );
    assert_eq!(
        claims.check_activity(SERVICE_URL, "slack"),
        Err(AuthError::ChannelNotEndorsed {
            channel_id: "slack".into(),
            endorsements: vec!["msteams".into()]
        })
    );
}

#[tokio::test]
async fn headers_algorithms_and_garbage_are_refused_before_any_fetch() {
    let (id, v, good) = setup().await;
    let token = id.mint(&good);

    assert_eq!(v.verify(None).await, Err(AuthError::MissingHeader));
    assert_eq!(
        v.verify(Some(&format!("Basic {token}"))).await,
        Err(AuthError::NotBearer {
            scheme: Some("Basic".into())
        })
    );
    assert_eq!(
        v.verify(Some(&token)).await,
        Err(AuthError::NotBearer { scheme: None })
    );

    // alg none, unsigned.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    assert_eq!(
        verify_token(&v, &none).await,
        Err(AuthError::UnsupportedAlgorithm { alg: "none".into() })
    );
    // HS256 (the "public key as HMAC secret" confusion): refused by its alg.
    let kid = id.kid();
    let hs = id.mint_with_header(&json!({"alg": "HS256", "kid": kid}), &good);
    assert_eq!(
        verify_token(&v, &hs).await,
        Err(AuthError::UnsupportedAlgorithm {
            alg: "HS256".into()
        })
    );
    let no_kid = id.mint_with_header(&json!({"alg": "RS256"}), &good);
    assert_eq!(
        verify_token(&v, &no_kid).await,
        Err(AuthError::MissingKeyId)
    );

    for garbage in ["garbage", "a.b", "a.b.c", "....", "eyJ.eyJ.eyJ"] {
        assert!(
            matches!(
                verify_token(&v, garbage).await,
                Err(AuthError::Malformed(_))
            ),
            "{garbage}"
        );
    }
    assert_eq!(
        verify_token(&v, "a.b").await,
        Err(AuthError::Malformed(JwtError::WrongPartCount { parts: 2 }))
    );
    assert_eq!(
        id.metadata_requests() + id.key_requests(),
        0,
        "nothing fetched for tokens refused by their shape"
    );
}

#[tokio::test]
async fn errors_never_echo_the_token() {
    let (id, v, good) = setup().await;
    let tokens = [
        id.mint_foreign(&good),
        id.mint(&with(good.clone(), "aud", json!("x"))),
        id.mint(&with(good.clone(), "exp", json!(1))),
        id.mint_with_header(&json!({"alg": "RS256", "kid": "forged"}), &good),
    ];
    for token in &tokens {
        let signature = token.rsplit('.').next().unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let e = verify_token(&v, token).await.unwrap_err();
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(
                !text.contains(signature) && !text.contains(payload),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn keys_are_fetched_once_for_many_verifies() {
    let id = double().await;
    let v = verifier(&id);
    let token = id.mint(&id.valid_claims(APP_ID, SERVICE_URL));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let v = v.clone();
        let header = bearer(&token);
        tasks.push(tokio::spawn(async move {
            v.verify(Some(&header)).await.is_ok()
        }));
    }
    for task in tasks {
        assert!(task.await.unwrap());
    }
    for _ in 0..10 {
        assert!(verify_token(&v, &token).await.is_ok());
    }
    assert_eq!((id.metadata_requests(), id.key_requests()), (1, 1));
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_and_accepted() {
    let (id, v, claims) = setup().await;
    let old = id.mint(&claims);
    assert!(verify_token(&v, &old).await.is_ok());
    assert_eq!(id.key_requests(), 1);

    let new_kid = id.rotate();
    let new = id.mint(&claims);
    let got = verify_token(&v, &new).await.unwrap();
    assert_eq!(got.key_id, new_kid);
    assert_eq!((id.metadata_requests(), id.key_requests()), (2, 2));
    // Both keys are known now: no more fetches, the old key's tokens still pass.
    assert!(verify_token(&v, &new).await.is_ok());
    assert!(verify_token(&v, &old).await.is_ok());
    assert_eq!(id.key_requests(), 2);
}

fn forged(id: &IdentityDouble, n: usize) -> String {
    id.mint_with_header(
        &json!({"alg": "RS256", "kid": format!("forged-{n}")}),
        &id.valid_claims(APP_ID, SERVICE_URL),
    )
}

#[tokio::test]
async fn a_flood_of_unknown_kids_refetches_once_per_window() {
    let id = double().await;
    let v = verifier(&id);
    assert!(
        verify_token(&v, &id.mint(&id.valid_claims(APP_ID, SERVICE_URL)))
            .await
            .is_ok()
    );
    let mut tasks = Vec::new();
    for n in 0..40 {
        let v = v.clone();
        let header = bearer(&forged(&id, n));
        tasks.push(tokio::spawn(async move { v.verify(Some(&header)).await }));
    }
    for (n, task) in tasks.into_iter().enumerate() {
        assert_eq!(
            task.await.unwrap(),
            Err(AuthError::UnknownKey {
                kid: format!("forged-{n}")
            })
        );
    }
    assert_eq!(
        (id.metadata_requests(), id.key_requests()),
        (2, 2),
        "one initial fetch, one refetch for the whole flood"
    );
}

#[tokio::test]
async fn the_unknown_kid_window_reopens_after_its_interval() {
    let id = double().await;
    let window = Duration::from_millis(400);
    let mut settings = id.auth_settings();
    settings.unknown_key_refetch_interval = window;
    let v = Verifier::new(settings, http());
    assert_eq!(
        verify_token(&v, &forged(&id, 0)).await,
        Err(AuthError::UnknownKey {
            kid: "forged-0".into()
        })
    );
    // The first fetch found no such key; it is the fetch, so no refetch on top of it.
    assert_eq!(id.key_requests(), 1);
    // Taken before the refetch starts (the window counts from its start).
    let first_refetch = Instant::now();
    assert!(verify_token(&v, &forged(&id, 1)).await.is_err());
    assert_eq!(id.key_requests(), 2);
    // Keep forging until the verifier refetches again: never before the window has passed.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut n = 2;
    while id.key_requests() == 2 {
        assert!(Instant::now() < deadline, "no refetch after the window");
        assert!(verify_token(&v, &forged(&id, n)).await.is_err());
        n += 1;
        tokio::task::yield_now().await;
    }
    assert!(first_refetch.elapsed() >= window);
    assert_eq!(id.key_requests(), 3);
}

#[tokio::test]
async fn unavailable_keys_are_reported_with_the_url_and_not_hammered() {
    let id = double().await;
    id.set_keys_available(false);
    let v = verifier(&id);
    let token = id.mint(&id.valid_claims(APP_ID, SERVICE_URL));
    let e = verify_token(&v, &token).await.unwrap_err();
    assert_eq!(
        e,
        AuthError::KeysUnavailable {
            url: id.metadata_url(),
            reason: "HTTP 503, expected 200".into()
        }
    );
    assert_eq!(e.http_status(), 503);
    assert!(e.to_string().contains(&id.metadata_url()), "{e}");
    // Within the retry interval the failure is reported again without asking.
    for _ in 0..5 {
        assert!(matches!(
            verify_token(&v, &token).await,
            Err(AuthError::KeysUnavailable { .. })
        ));
    }
    assert_eq!(id.metadata_requests(), 1);

    // Nothing listening at all: the URL and the cause.
    let mut settings = AuthSettings::new(APP_ID);
    settings.openid_metadata_url = "http://127.0.0.1:9/v1/.well-known/openidconfiguration".into();
    let e = Verifier::new(settings, http())
        .verify(Some(&bearer(&token)))
        .await
        .unwrap_err();
    match &e {
        AuthError::KeysUnavailable { url, reason } => {
            assert_eq!(url, "http://127.0.0.1:9/v1/.well-known/openidconfiguration");
            assert!(!reason.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unusable_key_documents_are_reported_with_their_url() {
    let keys_url = |id: &IdentityDouble| format!("{}/v1/.well-known/keys", id.base_url());
    let cases: Vec<(Value, Option<Value>, bool, &str)> = vec![
        // (metadata, jwks, is the metadata at fault, what the reason says)
        (json!({"issuer": "x"}), None, true, "no \"jwks_uri\" string"),
        (
            json!({"jwks_uri": "http://127.0.0.1:9/keys", "id_token_signing_alg_values_supported": ["HS256"]}),
            None,
            true,
            "does not include RS256",
        ),
        (
            json!(null),
            Some(json!({"nokeys": []})),
            false,
            "no \"keys\" array",
        ),
        (
            json!(null),
            Some(
                json!({"keys": [{"kty": "EC", "kid": "e"}, {"kty": "RSA", "kid": "small", "n": "AQAB", "e": "AQAB"}]}),
            ),
            false,
            "none of its 2 key(s) is a usable RSA signing key",
        ),
        (json!(null), Some(json!([1, 2])), false, "not a JSON object"),
    ];
    for (metadata, jwks, metadata_at_fault, reason) in cases {
        let id = double().await;
        if !metadata.is_null() {
            id.set_metadata(Some(metadata));
        }
        id.set_jwks(jwks);
        let token = id.mint(&id.valid_claims(APP_ID, SERVICE_URL));
        match verify_token(&verifier(&id), &token).await {
            Err(AuthError::KeysUnavailable { url, reason: got }) => {
                let expected_url = if metadata_at_fault {
                    id.metadata_url()
                } else {
                    keys_url(&id)
                };
                assert_eq!(url, expected_url);
                assert!(got.contains(reason), "{got:?} should say {reason:?}");
            }
            other => panic!("{reason}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn cached_keys_stay_in_use_while_a_refresh_fails() {
    let id = double().await;
    let mut settings = id.auth_settings();
    settings.refresh_interval = Duration::ZERO; // every verify wants a refresh
    let v = Verifier::new(settings, http());
    let token = id.mint(&id.valid_claims(APP_ID, SERVICE_URL));
    assert!(verify_token(&v, &token).await.is_ok());
    assert_eq!(id.metadata_requests(), 1);

    id.set_keys_available(false);
    assert!(verify_token(&v, &token).await.is_ok());
    assert_eq!(id.metadata_requests(), 2, "the refresh was tried");
    assert!(verify_token(&v, &token).await.is_ok());
    assert_eq!(
        id.metadata_requests(),
        2,
        "a failed refresh is not retried at once"
    );
}

// ---- our outbound token ----

fn source(id: &IdentityDouble) -> TokenSource {
    TokenSource::new(id.token_settings(), http())
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let id = double().await;
    let tokens = source(&id);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let tokens = tokens.clone();
        tasks.push(tokio::spawn(async move { tokens.token().await }));
    }
    let mut got = Vec::new();
    for task in tasks {
        got.push(task.await.unwrap().unwrap());
    }
    assert!(got.iter().all(|t| *t == got[0]));
    assert!(id.is_issued(&got[0]));
    assert!(id.is_issued(&format!("Bearer {}", got[0])));
    assert_eq!(id.token_requests(), 1);
    assert_eq!(id.token_tenants(), vec!["botframework.com".to_string()]);
    // Cached: later calls do not ask again.
    assert_eq!(tokens.token().await.unwrap(), got[0]);
    assert_eq!(id.token_requests(), 1);
}

#[tokio::test]
async fn invalidate_makes_the_next_call_fetch_a_new_token() {
    let id = double().await;
    let tokens = source(&id);
    let first = tokens.token().await.unwrap();
    tokens.invalidate();
    let second = tokens.token().await.unwrap();
    assert_ne!(first, second);
    assert_eq!(id.token_requests(), 2);
    assert!(id.is_issued(&second));
    assert_eq!(tokens.token().await.unwrap(), second);
    assert_eq!(id.token_requests(), 2);
}

#[tokio::test]
async fn a_token_is_refetched_within_five_minutes_of_its_expiry() {
    let id = double().await;
    let tokens = source(&id);
    // 4 minutes to live: already inside the refresh margin, so never reused.
    id.set_token_lifetime(240);
    let first = tokens.token().await.unwrap();
    let second = tokens.token().await.unwrap();
    assert_ne!(first, second);
    assert_eq!(id.token_requests(), 2);
    // 6 minutes to live: reused (for its first minute).
    id.set_token_lifetime(360);
    tokens.invalidate();
    let third = tokens.token().await.unwrap();
    assert_eq!(tokens.token().await.unwrap(), third);
    assert_eq!(id.token_requests(), 3);
}

#[tokio::test]
async fn a_single_tenant_app_asks_its_own_tenant() {
    let id = double().await;
    let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let mut settings = TokenSettings::new(APP_ID, APP_SECRET, Some(tenant.into()));
    // The URL the settings derived, moved onto the double's host.
    assert!(settings
        .token_url
        .starts_with("https://login.microsoftonline.com/"));
    settings.token_url = settings
        .token_url
        .replace("https://login.microsoftonline.com", id.base_url());
    assert_eq!(settings.token_url, id.tenant_token_url(tenant));
    let token = TokenSource::new(settings, http()).token().await.unwrap();
    assert!(id.is_issued(&token));
    assert_eq!(id.token_tenants(), vec![tenant.to_string()]);
    assert_ne!(token_url_for(Some(tenant)), token_url_for(None));
}

#[tokio::test]
async fn a_wrong_secret_is_a_clear_error_without_the_secret() {
    let id = double().await;
    let mut settings = id.token_settings();
    settings.app_password = "wrong-secret-Q~abc".into();
    let tokens = TokenSource::new(settings, http());
    let e = tokens.token().await.unwrap_err();
    match &e {
        TokenError::Rejected {
            status, code, url, ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(code.as_deref(), Some("AADSTS7000215"));
            assert_eq!(url, &id.token_url());
        }
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(text.contains("Invalid client secret"), "{text}");
    assert!(text.contains(APP_ID), "{text}");
    for shown in [text, format!("{e:?}"), format!("{tokens:?}")] {
        assert!(
            !shown.contains("wrong-secret") && !shown.contains(APP_SECRET),
            "{shown}"
        );
    }
    // A wrong app id is named too.
    let mut settings = id.token_settings();
    settings.app_id = "not-this-app".into();
    let e = TokenSource::new(settings, http())
        .token()
        .await
        .unwrap_err();
    assert!(matches!(&e, TokenError::Rejected { code: Some(c), .. } if c == "AADSTS700016"));
}

#[tokio::test]
async fn busy_answers_are_retried_honouring_retry_after() {
    let id = double().await;
    id.fail_token_requests(429, Some(0), 1);
    id.fail_token_requests(503, None, 1);
    let token = source(&id).token().await.unwrap();
    assert!(id.is_issued(&token));
    assert_eq!(id.token_requests(), 3);

    // Asked to wait longer than allowed: fails at once, naming the wait.
    let id = double().await;
    id.fail_token_requests(429, Some(3600), 1);
    let e = source(&id).token().await.unwrap_err();
    assert_eq!(
        e,
        TokenError::Unavailable {
            url: id.token_url(),
            status: 429,
            attempts: 1,
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert_eq!(id.token_requests(), 1);

    // Failing every time: gives up after a bounded number of attempts.
    let id = double().await;
    id.fail_token_requests(500, Some(0), 10);
    let e = source(&id).token().await.unwrap_err();
    assert!(
        matches!(
            e,
            TokenError::Unavailable {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(id.token_requests(), 3);
}

#[tokio::test]
async fn callers_waiting_on_a_failed_fetch_share_its_error() {
    let id = double().await;
    let mut settings = id.token_settings();
    settings.app_password = "wrong".into();
    let tokens = TokenSource::new(settings, http());
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let tokens = tokens.clone();
        tasks.push(tokio::spawn(async move { tokens.token().await }));
    }
    for task in tasks {
        assert!(matches!(
            task.await.unwrap(),
            Err(TokenError::Rejected { .. })
        ));
    }
    // Callers that queued behind the failing fetch take its error instead of asking again.
    assert_eq!(id.token_requests(), 1);
}
