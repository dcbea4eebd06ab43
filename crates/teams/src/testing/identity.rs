//! A local double of the Microsoft identity side of the Bot Framework, on a free loopback
//! port: the OpenID metadata and signing keys ([`crate::auth::Verifier`] fetches them), a
//! token minter that signs as the Bot Framework would, and the OAuth2 client-credentials
//! token endpoint ([`crate::token::TokenSource`] asks it).
//!
//! The signing keys are TEST-ONLY RSA keys published in this repository
//! (`crates/teams/testdata/`, made by `scripts/make_teams_test_keys.sh`): they prove
//! nothing, and a real deployment must never point `TEAMS_OPENID_METADATA_URL` at a double.
//!
//! Use: `let id = IdentityDouble::start("app-id", "app-secret").await;` then a
//! `Verifier::new(id.auth_settings(), http)` checks `id.mint(&id.valid_claims(..))`, and a
//! `TokenSource::new(id.token_settings(), http)` gets tokens [`IdentityDouble::is_issued`]
//! recognises. The server stops when the double is dropped.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::SecureRandom as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

use crate::auth::{AuthSettings, BOT_FRAMEWORK_ISSUER};
use crate::token::{TokenSettings, BOT_FRAMEWORK_SCOPE};

/// The served signing key (PKCS#8 PEM). TEST ONLY.
const KEY_PEM: &str = include_str!("../../testdata/identity-key.pem");
/// The key rotations switch to and back from (PKCS#8 PEM). TEST ONLY.
const ROTATED_KEY_PEM: &str = include_str!("../../testdata/identity-rotated-key.pem");
/// A key never served: [`IdentityDouble::mint_foreign`] signs with it. TEST ONLY.
const FOREIGN_KEY_PEM: &str = include_str!("../../testdata/identity-foreign-key.pem");

/// The channels the served keys are endorsed for.
pub const ENDORSEMENTS: &[&str] = &["msteams"];

/// The path of the OpenID metadata (as on login.botframework.com).
pub const METADATA_PATH: &str = "/v1/.well-known/openidconfiguration";
/// The `expires_in` of issued tokens unless [`IdentityDouble::set_token_lifetime`] says
/// otherwise (an hour, as the identity platform's).
pub const DEFAULT_TOKEN_LIFETIME: u64 = 3600;

/// The path of the key set.
pub const KEYS_PATH: &str = "/v1/.well-known/keys";

fn load(pem: &str, name: &str) -> Arc<rsa::PrivateKey> {
    match rsa::PrivateKey::from_pkcs8_pem(pem) {
        Ok(key) => Arc::new(key),
        Err(e) => panic!("the committed test key {name} does not load: {e}"),
    }
}

/// The three test keys, parsed once.
fn test_keys() -> &'static [Arc<rsa::PrivateKey>; 3] {
    static KEYS: OnceLock<[Arc<rsa::PrivateKey>; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            load(KEY_PEM, "identity-key.pem"),
            load(ROTATED_KEY_PEM, "identity-rotated-key.pem"),
            load(FOREIGN_KEY_PEM, "identity-foreign-key.pem"),
        ]
    })
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `header.payload.signature` with `key`.
fn sign(key: &rsa::PrivateKey, header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = SigningKey::<rsa::sha2::Sha256>::new(key.clone())
        .sign(input.as_bytes())
        .to_vec();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

struct Keys {
    /// The key tokens are minted with, and its id.
    current: (String, Arc<rsa::PrivateKey>),
    /// The key served before the last rotation (still published, as Microsoft does).
    previous: Option<(String, Arc<rsa::PrivateKey>)>,
    rotations: usize,
}

struct Shared {
    app_id: String,
    app_password: String,
    base_url: String,
    keys: Mutex<Keys>,
    keys_available: AtomicBool,
    metadata_override: Mutex<Option<Value>>,
    jwks_override: Mutex<Option<Value>>,
    metadata_requests: AtomicUsize,
    key_requests: AtomicUsize,
    token_requests: AtomicUsize,
    token_tenants: Mutex<Vec<String>>,
    token_failures: Mutex<VecDeque<(u16, Option<u64>)>>,
    token_lifetime: AtomicU64,
    issued: Mutex<HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The identity double: a running server and what it has seen. Dropping it stops the server.
pub struct IdentityDouble {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for IdentityDouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityDouble")
            .field("base_url", &self.shared.base_url)
            .field("app_id", &self.shared.app_id)
            .finish_non_exhaustive()
    }
}

impl Drop for IdentityDouble {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl IdentityDouble {
    /// Starts the double on `127.0.0.1:0` for the bot `app_id` whose client secret is
    /// `app_password` (the token endpoint accepts only these).
    ///
    /// # Panics
    /// When no loopback port can be bound (the test cannot run).
    pub async fn start(app_id: &str, app_password: &str) -> IdentityDouble {
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => panic!("identity double: cannot bind 127.0.0.1:0: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("identity double: no local address: {e}"),
        };
        let shared = Arc::new(Shared {
            app_id: app_id.to_string(),
            app_password: app_password.to_string(),
            base_url: format!("http://{addr}"),
            keys: Mutex::new(Keys {
                current: ("test-key-1".into(), test_keys()[0].clone()),
                previous: None,
                rotations: 0,
            }),
            keys_available: AtomicBool::new(true),
            metadata_override: Mutex::new(None),
            jwks_override: Mutex::new(None),
            metadata_requests: AtomicUsize::new(0),
            key_requests: AtomicUsize::new(0),
            token_requests: AtomicUsize::new(0),
            token_tenants: Mutex::new(Vec::new()),
            token_failures: Mutex::new(VecDeque::new()),
            token_lifetime: AtomicU64::new(DEFAULT_TOKEN_LIFETIME),
            issued: Mutex::new(HashSet::new()),
        });
        let router = Router::new()
            .route(METADATA_PATH, get(metadata))
            .route(KEYS_PATH, get(jwks))
            .route("/{tenant}/oauth2/v2.0/token", post(token))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::warn!(error = %e, "identity double stopped");
            }
        });
        IdentityDouble { shared, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The OpenID metadata URL (for `TEAMS_OPENID_METADATA_URL`).
    pub fn metadata_url(&self) -> String {
        format!("{}{METADATA_PATH}", self.shared.base_url)
    }

    /// The multi-tenant token URL (`/botframework.com/oauth2/v2.0/token`).
    pub fn token_url(&self) -> String {
        self.tenant_token_url("botframework.com")
    }

    /// The single-tenant token URL for `tenant`.
    pub fn tenant_token_url(&self, tenant: &str) -> String {
        format!("{}/{tenant}/oauth2/v2.0/token", self.shared.base_url)
    }

    /// The app id the double serves.
    pub fn app_id(&self) -> &str {
        &self.shared.app_id
    }

    /// [`AuthSettings`] for the double's app id and metadata URL (default intervals).
    pub fn auth_settings(&self) -> AuthSettings {
        let mut settings = AuthSettings::new(self.shared.app_id.clone());
        settings.openid_metadata_url = self.metadata_url();
        settings
    }

    /// [`TokenSettings`] with the double's credentials and multi-tenant token URL.
    pub fn token_settings(&self) -> TokenSettings {
        let mut settings = TokenSettings::new(
            self.shared.app_id.clone(),
            self.shared.app_password.clone(),
            None,
        );
        settings.token_url = self.token_url();
        settings
    }

    /// The id of the key tokens are minted with now.
    pub fn kid(&self) -> String {
        lock(&self.shared.keys).current.0.clone()
    }

    /// A token with `claims`, signed with the served key, its `kid` in the header.
    pub fn mint(&self, claims: &Value) -> String {
        let (kid, key) = lock(&self.shared.keys).current.clone();
        sign(
            &key,
            &json!({"alg": "RS256", "typ": "JWT", "kid": kid}),
            claims,
        )
    }

    /// A token with the served key's `kid` but signed by a key never served: a bad signature.
    pub fn mint_foreign(&self, claims: &Value) -> String {
        let kid = self.kid();
        sign(
            &test_keys()[2],
            &json!({"alg": "RS256", "typ": "JWT", "kid": kid}),
            claims,
        )
    }

    /// A token with any `header` (another `kid`, another `alg`), signed with the served key.
    pub fn mint_with_header(&self, header: &Value, claims: &Value) -> String {
        let key = lock(&self.shared.keys).current.1.clone();
        sign(&key, header, claims)
    }

    /// Claims that pass for `app_id`: the Bot Framework's issuer, `aud`, `exp` in an hour,
    /// `nbf` a minute ago, `serviceurl`.
    pub fn valid_claims(&self, app_id: &str, service_url: &str) -> Value {
        let now = unix_now();
        json!({
            "iss": BOT_FRAMEWORK_ISSUER,
            "aud": app_id,
            "exp": now + 3600,
            "nbf": now - 60,
            "serviceurl": service_url,
        })
    }

    /// Serves a new key under a new `kid` (the previous key stays published too); tokens are
    /// minted with the new one. Returns the new `kid`.
    pub fn rotate(&self) -> String {
        let mut keys = lock(&self.shared.keys);
        keys.rotations += 1;
        let kid = format!("test-key-{}", keys.rotations + 1);
        let key = test_keys()[keys.rotations % 2].clone();
        let previous = std::mem::replace(&mut keys.current, (kid.clone(), key));
        keys.previous = Some(previous);
        kid
    }

    /// While `false`, the metadata and key endpoints answer 503.
    pub fn set_keys_available(&self, available: bool) {
        self.shared
            .keys_available
            .store(available, Ordering::SeqCst);
    }

    /// Serves `document` as the OpenID metadata instead of the real one (`None`: back to it).
    pub fn set_metadata(&self, document: Option<Value>) {
        *lock(&self.shared.metadata_override) = document;
    }

    /// Serves `document` as the key set instead of the real one (`None`: back to it).
    pub fn set_jwks(&self, document: Option<Value>) {
        *lock(&self.shared.jwks_override) = document;
    }

    /// The next `times` token requests are answered `status` (e.g. 429, 503), with
    /// `Retry-After: retry_after` seconds when given.
    pub fn fail_token_requests(&self, status: u16, retry_after: Option<u64>, times: usize) {
        let mut failures = lock(&self.shared.token_failures);
        for _ in 0..times {
            failures.push_back((status, retry_after));
        }
    }

    /// Tokens issued from now on say `expires_in: seconds`.
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.shared.token_lifetime.store(seconds, Ordering::SeqCst);
    }

    /// Requests for the OpenID metadata so far.
    pub fn metadata_requests(&self) -> usize {
        self.shared.metadata_requests.load(Ordering::SeqCst)
    }

    /// Requests for the key set so far.
    pub fn key_requests(&self) -> usize {
        self.shared.key_requests.load(Ordering::SeqCst)
    }

    /// Requests to the token endpoint so far (any tenant, any outcome).
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// The tenant path segment of each token request, in order (`botframework.com` for
    /// multi-tenant).
    pub fn token_tenants(&self) -> Vec<String> {
        lock(&self.shared.token_tenants).clone()
    }

    /// Whether `bearer` (a token, or a whole `Bearer <token>` header value) is one the token
    /// endpoint issued and that was not revoked since.
    pub fn is_issued(&self, bearer: &str) -> bool {
        let token = bearer.strip_prefix("Bearer ").unwrap_or(bearer).trim();
        lock(&self.shared.issued).contains(token)
    }

    /// How many tokens the endpoint issued (and are not revoked).
    pub fn issued_count(&self) -> usize {
        lock(&self.shared.issued).len()
    }

    /// Forgets every issued token: [`IdentityDouble::is_issued`] is false for them from now
    /// on (to make a Bot Connector double answer 401, as for an expired token).
    pub fn revoke_issued(&self) {
        lock(&self.shared.issued).clear();
    }
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "identity double: keys unavailable",
    )
        .into_response()
}

async fn metadata(State(shared): State<Arc<Shared>>) -> Response {
    shared.metadata_requests.fetch_add(1, Ordering::SeqCst);
    if !shared.keys_available.load(Ordering::SeqCst) {
        return unavailable();
    }
    if let Some(document) = lock(&shared.metadata_override).clone() {
        return Json(document).into_response();
    }
    Json(json!({
        "issuer": BOT_FRAMEWORK_ISSUER,
        "authorization_endpoint": "https://invalid.botframework.com",
        "jwks_uri": format!("{}{KEYS_PATH}", shared.base_url),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }))
    .into_response()
}

fn jwk(kid: &str, key: &rsa::PrivateKey) -> Value {
    json!({
        "kty": "RSA",
        "use": "sig",
        "kid": kid,
        "x5t": kid,
        "n": URL_SAFE_NO_PAD.encode(key.n_bytes()),
        "e": URL_SAFE_NO_PAD.encode(key.e_bytes()),
        "endorsements": ENDORSEMENTS,
    })
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.key_requests.fetch_add(1, Ordering::SeqCst);
    if !shared.keys_available.load(Ordering::SeqCst) {
        return unavailable();
    }
    if let Some(document) = lock(&shared.jwks_override).clone() {
        return Json(document).into_response();
    }
    let keys = lock(&shared.keys);
    let mut served = vec![jwk(&keys.current.0, &keys.current.1)];
    if let Some((kid, key)) = &keys.previous {
        served.push(jwk(kid, key));
    }
    Json(json!({ "keys": served })).into_response()
}

/// An error answer in the identity platform's shape.
fn aad_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    (
        status,
        Json(json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description}\r\nTrace ID: 00000000-0000-0000-0000-000000000000\r\nCorrelation ID: 00000000-0000-0000-0000-000000000000\r\nTimestamp: 2026-01-01 00:00:00Z"),
            "error_codes": [code],
            "timestamp": "2026-01-01 00:00:00Z",
            "trace_id": "00000000-0000-0000-0000-000000000000",
            "correlation_id": "00000000-0000-0000-0000-000000000000",
        })),
    )
        .into_response()
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    shared.token_requests.fetch_add(1, Ordering::SeqCst);
    lock(&shared.token_tenants).push(tenant);
    if let Some((status, retry_after)) = lock(&shared.token_failures).pop_front() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut response = (status, "identity double: failing as told").into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        return response;
    }
    let form_content = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_content {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must be application/x-www-form-urlencoded.",
        );
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    // Each field the identity platform checks, and its answer when the field is wrong.
    let checks = [
        ("grant_type", "client_credentials", StatusCode::BAD_REQUEST, "unsupported_grant_type", 70003,
            "The app requested an unsupported grant type."),
        ("client_id", shared.app_id.as_str(), StatusCode::BAD_REQUEST, "unauthorized_client", 700016,
            "Application with identifier was not found in the directory."),
        ("client_secret", shared.app_password.as_str(), StatusCode::UNAUTHORIZED, "invalid_client", 7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."),
        ("scope", BOT_FRAMEWORK_SCOPE, StatusCode::BAD_REQUEST, "invalid_scope", 70011,
            "The provided request must include a 'scope' input parameter."),
    ];
    for (name, expected, status, error, code, description) in checks {
        if field(name) != Some(expected) {
            return aad_error(status, error, code, description);
        }
    }
    let mut random = [0u8; 16];
    if ring::rand::SystemRandom::new().fill(&mut random).is_err() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no randomness").into_response();
    }
    let access_token = format!("double-access-token-{}", hex::encode(random));
    lock(&shared.issued).insert(access_token.clone());
    let lifetime = shared.token_lifetime.load(Ordering::SeqCst);
    Json(json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    }))
    .into_response()
}
