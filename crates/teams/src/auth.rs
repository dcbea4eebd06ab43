//! The inbound check of every activity the Bot Framework posts to `/teams/messages`: a
//! `Bearer` JWT signed by one of the keys the Bot Framework's OpenID metadata points at,
//! issued by [`BOT_FRAMEWORK_ISSUER`] for our app id, within its validity (with
//! [`AuthSettings::leeway`] for clock skew); then, once the body is parsed,
//! [`Claims::check_activity`] ties the token to the activity (`serviceurl`, endorsements).
//!
//! Keys are cached: refreshed every [`KEY_REFRESH_INTERVAL`]; a token naming an unknown key
//! refetches them at most once per [`UNKNOWN_KEY_REFETCH_INTERVAL`] (so a flood of forged key
//! ids cannot hammer the endpoint); while a refresh fails the cached keys stay in use, and a
//! failed fetch is retried at most once per [`RETRY_AFTER_FAILURE`].
//!
//! [`settings_from_env`] reads the `TEAMS_*` environment the binary is configured with.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use thiserror::Error;

use crate::http::{error_chain, read_body_limited};
use crate::jwt::{shorten, Jwt, JwtError, RsaPublicJwk, RS256};
use crate::token::{token_url_for, TokenSettings};

/// Where the Bot Framework publishes its OpenID metadata.
pub const DEFAULT_OPENID_METADATA_URL: &str =
    "https://login.botframework.com/v1/.well-known/openidconfiguration";

/// The issuer of the tokens the Bot Framework sends to bots.
pub const BOT_FRAMEWORK_ISSUER: &str = "https://api.botframework.com";

/// Clock skew allowed on `exp` and `nbf` by default.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5 * 60);

/// How long fetched keys are used before they are fetched again.
pub const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

/// At most one refetch per this interval for tokens naming a key we do not have.
pub const UNKNOWN_KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// After a failed fetch, the next try waits at least this long (requests meanwhile use the
/// cached keys, or get the failure).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

/// The environment variable with the bot's Microsoft App ID.
pub const ENV_APP_ID: &str = "TEAMS_APP_ID";
/// The environment variable with the bot's client secret.
pub const ENV_APP_PASSWORD: &str = "TEAMS_APP_PASSWORD";
/// The environment variable with a single-tenant app's tenant (optional).
pub const ENV_TENANT_ID: &str = "TEAMS_TENANT_ID";
/// The environment variable overriding [`DEFAULT_OPENID_METADATA_URL`] (optional).
pub const ENV_OPENID_METADATA_URL: &str = "TEAMS_OPENID_METADATA_URL";
/// The environment variable overriding the token URL (optional).
pub const ENV_TOKEN_URL: &str = "TEAMS_TOKEN_URL";

/// One fetch's time limit.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Larger metadata or key documents are refused.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// What the inbound check needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// Our Microsoft App ID: the `aud` every token must carry.
    pub app_id: String,
    /// Where the OpenID metadata is ([`DEFAULT_OPENID_METADATA_URL`]).
    pub openid_metadata_url: String,
    /// Clock skew allowed on `exp` and `nbf` ([`DEFAULT_LEEWAY`]).
    pub leeway: Duration,
    /// Keys are refetched when older than this ([`KEY_REFRESH_INTERVAL`]).
    pub refresh_interval: Duration,
    /// At most one refetch per this interval for unknown key ids
    /// ([`UNKNOWN_KEY_REFETCH_INTERVAL`]).
    pub unknown_key_refetch_interval: Duration,
    /// A failed fetch is retried no sooner than this ([`RETRY_AFTER_FAILURE`]).
    pub retry_after_failure: Duration,
}

impl AuthSettings {
    /// The defaults for `app_id`: the Bot Framework's metadata, 5 minutes of leeway.
    pub fn new(app_id: impl Into<String>) -> AuthSettings {
        AuthSettings {
            app_id: app_id.into(),
            openid_metadata_url: DEFAULT_OPENID_METADATA_URL.to_string(),
            leeway: DEFAULT_LEEWAY,
            refresh_interval: KEY_REFRESH_INTERVAL,
            unknown_key_refetch_interval: UNKNOWN_KEY_REFETCH_INTERVAL,
            retry_after_failure: RETRY_AFTER_FAILURE,
        }
    }
}

/// The Teams settings from the environment: `TEAMS_APP_ID`, `TEAMS_APP_PASSWORD` (both
/// required; `None` when either is unset or blank), `TEAMS_TENANT_ID`,
/// `TEAMS_OPENID_METADATA_URL`, `TEAMS_TOKEN_URL` (optional; blank counts as unset).
pub fn settings_from_env() -> Option<(AuthSettings, TokenSettings)> {
    settings_from_lookup(|name| std::env::var(name).ok())
}

/// [`settings_from_env`] over any lookup (tests, a config file's table).
pub fn settings_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Option<(AuthSettings, TokenSettings)> {
    let get = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let app_id = get(ENV_APP_ID)?;
    let password = get(ENV_APP_PASSWORD)?;
    let mut auth = AuthSettings::new(app_id.clone());
    if let Some(url) = get(ENV_OPENID_METADATA_URL) {
        auth.openid_metadata_url = url;
    }
    let tenant = get(ENV_TENANT_ID);
    let mut token = TokenSettings::new(app_id, password, tenant.clone());
    token.token_url = get(ENV_TOKEN_URL).unwrap_or_else(|| token_url_for(tenant.as_deref()));
    Some((auth, token))
}

/// Why a request was not accepted as the Bot Framework's. Each variant says what was wrong;
/// none echoes the token.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("no Authorization header: the Bot Framework sends \"Bearer <token>\"")]
    MissingHeader,
    /// The header is not `Bearer <token>`.
    #[error("the Authorization header is not \"Bearer <token>\"{}", scheme.as_ref().map(|s| format!(" (its scheme is {s:?})")).unwrap_or_default())]
    NotBearer {
        /// The scheme used, when there was a short one.
        scheme: Option<String>,
    },
    /// The token is not a well-formed RS256 JWT.
    #[error("the bearer token is malformed: {0}")]
    Malformed(JwtError),
    /// The token's `alg` is not RS256 (`none`, `HS256`, …).
    #[error(
        "the bearer token's algorithm {alg:?} is not accepted: the Bot Framework signs with RS256"
    )]
    UnsupportedAlgorithm {
        /// The `alg` found (shortened if long).
        alg: String,
    },
    /// The token's header has no `kid`.
    #[error("the bearer token names no signing key (no \"kid\" in its header)")]
    MissingKeyId,
    /// The token names a key the Bot Framework does not publish.
    #[error("the bearer token's signing key {kid:?} is not one the Bot Framework publishes")]
    UnknownKey {
        /// The key id (shortened if long).
        kid: String,
    },
    /// The signature does not verify.
    #[error("the bearer token's signature does not verify with the Bot Framework's key {kid:?}")]
    BadSignature {
        /// The key id (shortened if long).
        kid: String,
    },
    /// `iss` is not [`BOT_FRAMEWORK_ISSUER`].
    #[error("the bearer token's issuer is {}: expected {BOT_FRAMEWORK_ISSUER:?}", found.as_ref().map(|f| format!("{f:?}")).unwrap_or_else(|| "missing".into()))]
    WrongIssuer {
        /// The `iss` found (shortened), if any.
        found: Option<String>,
    },
    /// `aud` is not our app id.
    #[error("the bearer token is for {}: expected this bot's app id {expected:?}", found.as_ref().map(|f| format!("audience {f:?}")).unwrap_or_else(|| "no audience".into()))]
    WrongAudience {
        /// The `aud` found (shortened), if any.
        found: Option<String>,
        /// Our app id.
        expected: String,
    },
    /// A claim the check needs has the wrong type or is absent (`exp`).
    #[error("the bearer token's {claim:?} claim {problem}")]
    BadClaim {
        /// The claim.
        claim: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// `exp` is past, beyond the leeway.
    #[error("the bearer token expired at {exp} (Unix time), {} s ago, more than the {} s of clock skew allowed", now.saturating_sub(*exp), leeway.as_secs())]
    Expired {
        /// Its `exp`.
        exp: u64,
        /// Now.
        now: u64,
        /// The leeway.
        leeway: Duration,
    },
    /// `nbf` is ahead, beyond the leeway.
    #[error("the bearer token is not valid before {nbf} (Unix time), {} s from now, more than the {} s of clock skew allowed", nbf.saturating_sub(*now), leeway.as_secs())]
    NotYetValid {
        /// Its `nbf`.
        nbf: u64,
        /// Now.
        now: u64,
        /// The leeway.
        leeway: Duration,
    },
    /// The token has no `serviceurl` claim to check the activity's `serviceUrl` against.
    #[error(
        "the bearer token has no \"serviceurl\" claim: the activity's serviceUrl cannot be trusted"
    )]
    ServiceUrlMissing,
    /// The token's `serviceurl` is not the activity's `serviceUrl`.
    #[error("the activity's serviceUrl {activity:?} is not the token's serviceurl {claim:?}")]
    ServiceUrlMismatch {
        /// The token's claim (shortened).
        claim: String,
        /// The activity's (shortened).
        activity: String,
    },
    /// The signing key is endorsed for other channels only.
    #[error("the activity's channelId {channel_id:?} is not one the signing key is endorsed for ({})", endorsements.join(", "))]
    ChannelNotEndorsed {
        /// The activity's channel (shortened).
        channel_id: String,
        /// The key's endorsements.
        endorsements: Vec<String>,
    },
    /// The Bot Framework's keys could not be had (and none are cached).
    #[error("the Bot Framework's signing keys are unavailable: {url}: {reason}")]
    KeysUnavailable {
        /// The metadata or JWKS URL that failed.
        url: String,
        /// Why.
        reason: String,
    },
}

impl AuthError {
    /// A status to answer with: 503 when keys are unavailable (the Bot Framework retries),
    /// 401 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            AuthError::KeysUnavailable { .. } => 503,
            _ => 401,
        }
    }
}

impl From<JwtError> for AuthError {
    fn from(e: JwtError) -> AuthError {
        match e {
            JwtError::UnsupportedAlg { alg } => AuthError::UnsupportedAlgorithm { alg },
            JwtError::BadSignature { kid } => AuthError::BadSignature { kid },
            other => AuthError::Malformed(other),
        }
    }
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `aud`: our app id.
    pub app_id: String,
    /// `serviceurl`: where replies to this activity go.
    pub service_url: Option<String>,
    /// The channels the signing key is endorsed for (empty: no restriction published).
    pub endorsements: Vec<String>,
    /// The signing key's id.
    pub key_id: String,
    /// `exp`, Unix seconds.
    pub expires_at: u64,
}

/// `url` without one trailing `/`.
fn trim_slash(url: &str) -> &str {
    url.strip_suffix('/').unwrap_or(url)
}

impl Claims {
    /// Ties the token to the activity it came with: the activity's `serviceUrl` must be the
    /// token's `serviceurl` (one trailing `/` ignored on each), and when the signing key
    /// carries endorsements, the activity's `channelId` must be one of them.
    pub fn check_activity(&self, service_url: &str, channel_id: &str) -> Result<(), AuthError> {
        let claim = self
            .service_url
            .as_deref()
            .ok_or(AuthError::ServiceUrlMissing)?;
        if trim_slash(claim) != trim_slash(service_url) {
            return Err(AuthError::ServiceUrlMismatch {
                claim: shorten(claim, 200),
                activity: shorten(service_url, 200),
            });
        }
        if !self.endorsements.is_empty() && !self.endorsements.iter().any(|e| e == channel_id) {
            return Err(AuthError::ChannelNotEndorsed {
                channel_id: shorten(channel_id, 64),
                endorsements: self.endorsements.clone(),
            });
        }
        Ok(())
    }
}

/// A published signing key.
#[derive(Debug)]
struct Key {
    jwk: RsaPublicJwk,
    endorsements: Vec<String>,
}

type KeySet = Arc<HashMap<String, Arc<Key>>>;

#[derive(Default)]
struct Cache {
    keys: Option<KeySet>,
    /// The last successful fetch.
    fetched_at: Option<Instant>,
    /// The last failed fetch and its error (cleared by a success).
    failure: Option<(Instant, AuthError)>,
    /// The last refetch made for an unknown key id.
    unknown_refetch_at: Option<Instant>,
}

struct Inner {
    settings: AuthSettings,
    http: reqwest::Client,
    cache: tokio::sync::Mutex<Cache>,
}

/// Checks the Bot Framework's bearer tokens. Cheap to clone; clones share the key cache.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A NumericDate claim: absent, or a non-negative number (fractions dropped).
fn numeric_date(jwt: &Jwt, claim: &'static str) -> Result<Option<u64>, AuthError> {
    match jwt.claims.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(secs), _) => Ok(Some(secs)),
            (None, Some(f)) if f >= 0.0 && f.is_finite() => Ok(Some(f as u64)),
            _ => Err(AuthError::BadClaim {
                claim,
                problem: "is not a non-negative number of seconds",
            }),
        },
        Some(_) => Err(AuthError::BadClaim {
            claim,
            problem: "is not a number",
        }),
    }
}

impl Verifier {
    /// A verifier fetching keys with `http`.
    pub fn new(settings: AuthSettings, http: reqwest::Client) -> Verifier {
        Verifier {
            inner: Arc::new(Inner {
                settings,
                http,
                cache: tokio::sync::Mutex::new(Cache::default()),
            }),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &AuthSettings {
        &self.inner.settings
    }

    /// Checks an `Authorization` header value: `Bearer <jwt>`, RS256-signed by a published
    /// key, from [`BOT_FRAMEWORK_ISSUER`], for our app id, within `exp`/`nbf` (± leeway).
    pub async fn verify(&self, authorization: Option<&str>) -> Result<Claims, AuthError> {
        let token = bearer_token(authorization)?;
        let jwt = Jwt::parse(token)?;
        let kid = jwt.header.kid.clone().ok_or(AuthError::MissingKeyId)?;
        let key = self.key(&kid).await?;
        jwt.verify(&key.jwk)?;
        let settings = &self.inner.settings;

        let issuer = jwt.str_claim("iss");
        if issuer != Some(BOT_FRAMEWORK_ISSUER) {
            return Err(AuthError::WrongIssuer {
                found: jwt.claims.get("iss").map(|v| claim_text(v, 100)),
            });
        }
        let audience_ok = match jwt.claims.get("aud") {
            Some(Value::String(aud)) => *aud == settings.app_id,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(&settings.app_id)),
            _ => false,
        };
        if !audience_ok {
            return Err(AuthError::WrongAudience {
                found: jwt.claims.get("aud").map(|v| claim_text(v, 100)),
                expected: settings.app_id.clone(),
            });
        }
        let now = unix_now();
        let leeway = settings.leeway.as_secs();
        let exp = numeric_date(&jwt, "exp")?.ok_or(AuthError::BadClaim {
            claim: "exp",
            problem: "is missing: tokens without an expiry are refused",
        })?;
        if exp.saturating_add(leeway) < now {
            return Err(AuthError::Expired {
                exp,
                now,
                leeway: settings.leeway,
            });
        }
        if let Some(nbf) = numeric_date(&jwt, "nbf")? {
            if nbf > now.saturating_add(leeway) {
                return Err(AuthError::NotYetValid {
                    nbf,
                    now,
                    leeway: settings.leeway,
                });
            }
        }
        let service_url = match jwt.claims.get("serviceurl") {
            None | Some(Value::Null) => None,
            Some(Value::String(url)) => Some(url.clone()),
            Some(_) => {
                return Err(AuthError::BadClaim {
                    claim: "serviceurl",
                    problem: "is not a string",
                })
            }
        };
        Ok(Claims {
            app_id: settings.app_id.clone(),
            service_url,
            endorsements: key.endorsements.clone(),
            key_id: kid,
            expires_at: exp,
        })
    }

    /// The published key `kid`, from the cache or a (throttled) fetch.
    async fn key(&self, kid: &str) -> Result<Arc<Key>, AuthError> {
        let settings = &self.inner.settings;
        let mut cache = self.inner.cache.lock().await;
        let may_fetch = |cache: &Cache| {
            cache
                .failure
                .as_ref()
                .is_none_or(|(at, _)| at.elapsed() >= settings.retry_after_failure)
        };
        let stale = cache
            .fetched_at
            .is_none_or(|at| at.elapsed() >= settings.refresh_interval);
        let mut fetched_now = false;
        if stale && may_fetch(&cache) {
            self.refresh(&mut cache).await;
            fetched_now = true;
        }
        let Some(keys) = cache.keys.clone() else {
            return Err(match &cache.failure {
                Some((_, e)) => e.clone(),
                None => AuthError::KeysUnavailable {
                    url: settings.openid_metadata_url.clone(),
                    reason: "no keys fetched yet".into(),
                },
            });
        };
        if let Some(key) = keys.get(kid) {
            return Ok(key.clone());
        }
        let refetch_due = cache
            .unknown_refetch_at
            .is_none_or(|at| at.elapsed() >= settings.unknown_key_refetch_interval);
        if !fetched_now && refetch_due && may_fetch(&cache) {
            tracing::info!(kid = %shorten(kid, 64), "a token names an unknown Bot Framework key; refetching keys");
            cache.unknown_refetch_at = Some(Instant::now());
            self.refresh(&mut cache).await;
            if let Some(key) = cache.keys.as_ref().and_then(|keys| keys.get(kid)) {
                return Ok(key.clone());
            }
        }
        Err(AuthError::UnknownKey {
            kid: shorten(kid, 64),
        })
    }

    /// Fetches the keys into `cache`; on failure keeps what is cached and records why.
    async fn refresh(&self, cache: &mut Cache) {
        match self.fetch_keys().await {
            Ok(keys) => {
                tracing::debug!(
                    count = keys.len(),
                    "fetched the Bot Framework's signing keys"
                );
                cache.keys = Some(Arc::new(keys));
                cache.fetched_at = Some(Instant::now());
                cache.failure = None;
            }
            Err(e) => {
                tracing::warn!(error = %e, cached = cache.keys.is_some(), "could not refresh the Bot Framework's signing keys");
                cache.failure = Some((Instant::now(), e));
            }
        }
    }

    async fn fetch_keys(&self) -> Result<HashMap<String, Arc<Key>>, AuthError> {
        let metadata_url = &self.inner.settings.openid_metadata_url;
        let metadata = self.get_json(metadata_url).await?;
        let unavailable = |url: &str, reason: String| AuthError::KeysUnavailable {
            url: url.to_string(),
            reason,
        };
        if let Some(algs) = metadata.get("id_token_signing_alg_values_supported") {
            let has_rs256 = algs
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(RS256)));
            if !has_rs256 {
                return Err(unavailable(
                    metadata_url,
                    "\"id_token_signing_alg_values_supported\" does not include RS256".into(),
                ));
            }
        }
        let jwks_uri = metadata
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| unavailable(metadata_url, "no \"jwks_uri\" string".into()))?;
        let jwks = self.get_json(jwks_uri).await?;
        let entries = jwks
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| unavailable(jwks_uri, "no \"keys\" array".into()))?;
        let keys: HashMap<String, Arc<Key>> = entries
            .iter()
            .filter_map(|entry| match parse_jwk(entry) {
                Ok(key) => key,
                Err(reason) => {
                    tracing::warn!(url = %jwks_uri, %reason, "skipping an unusable key");
                    None
                }
            })
            .collect();
        if keys.is_empty() {
            return Err(unavailable(
                jwks_uri,
                format!(
                    "none of its {} key(s) is a usable RSA signing key",
                    entries.len()
                ),
            ));
        }
        Ok(keys)
    }

    async fn get_json(&self, url: &str) -> Result<Value, AuthError> {
        let unavailable = |reason: String| AuthError::KeysUnavailable {
            url: url.to_string(),
            reason,
        };
        let response = self
            .inner
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| unavailable(error_chain(&e)))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(unavailable(format!("HTTP {status}, expected 200")));
        }
        let body = read_body_limited(response, MAX_DOCUMENT_BYTES)
            .await
            .map_err(unavailable)?;
        match serde_json::from_slice::<Value>(&body) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Ok(_) => Err(unavailable("the answer is not a JSON object".into())),
            Err(e) => Err(unavailable(format!("the answer is not JSON: {e}"))),
        }
    }
}

/// A JWKS entry: `Ok(None)` for a key that is not for us (not RSA, not for signatures, not
/// RS256), `Err` for an RSA key that cannot be read.
fn parse_jwk(entry: &Value) -> Result<Option<(String, Arc<Key>)>, String> {
    let text = |name: &str| entry.get(name).and_then(Value::as_str);
    if text("kty") != Some("RSA")
        || text("use").is_some_and(|u| u != "sig")
        || text("alg").is_some_and(|a| a != RS256)
    {
        return Ok(None);
    }
    let kid = text("kid").ok_or("an RSA key without a \"kid\"")?;
    let (Some(n), Some(e)) = (text("n"), text("e")) else {
        return Err(format!("key {kid:?} has no \"n\" and \"e\""));
    };
    let jwk = RsaPublicJwk::from_base64url(n, e).map_err(|err| format!("key {kid:?}: {err}"))?;
    let endorsements = entry
        .get("endorsements")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Some((kid.to_string(), Arc::new(Key { jwk, endorsements }))))
}

/// The token in `Bearer <token>`.
fn bearer_token(authorization: Option<&str>) -> Result<&str, AuthError> {
    let header = authorization.ok_or(AuthError::MissingHeader)?.trim();
    if header.is_empty() {
        return Err(AuthError::MissingHeader);
    }
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        // Name the scheme only when it looks like one (the header might be a bare token).
        let looks_like_scheme = !rest.is_empty()
            && scheme.len() <= 16
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        return Err(AuthError::NotBearer {
            scheme: looks_like_scheme.then(|| scheme.to_string()),
        });
    }
    let token = rest.trim();
    if token.is_empty() {
        return Err(AuthError::NotBearer { scheme: None });
    }
    Ok(token)
}

/// A claim's value for an error: a string as itself, anything else as JSON; shortened.
fn claim_text(value: &Value, max_chars: usize) -> String {
    match value {
        Value::String(s) => shorten(s, max_chars),
        other => shorten(&other.to_string(), max_chars),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_shapes() {
        assert_eq!(bearer_token(None), Err(AuthError::MissingHeader));
        assert_eq!(bearer_token(Some("  ")), Err(AuthError::MissingHeader));
        assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("bearer   abc ")), Ok("abc"));
        assert_eq!(
            bearer_token(Some("Basic dXNlcjpwdw==")),
            Err(AuthError::NotBearer {
                scheme: Some("Basic".into())
            })
        );
        assert_eq!(
            bearer_token(Some("Bearer")),
            Err(AuthError::NotBearer { scheme: None })
        );
        // A bare token is not named back.
        let e = bearer_token(Some("eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.c2ln")).unwrap_err();
        assert_eq!(e, AuthError::NotBearer { scheme: None });
        assert!(!e.to_string().contains("eyJ"));
    }

    fn claims(service_url: Option<&str>, endorsements: &[&str]) -> Claims {
        Claims {
            app_id: "app".into(),
            service_url: service_url.map(str::to_string),
            endorsements: endorsements.iter().map(|s| s.to_string()).collect(),
            key_id: "k".into(),
            expires_at: 0,
        }
    }

    #[test]
    fn activity_checks() {
        let c = claims(Some("https://smba.trafficmanager.net/emea/"), &["msteams"]);
        assert_eq!(
            c.check_activity("https://smba.trafficmanager.net/emea", "msteams"),
            Ok(())
        );
        assert_eq!(
            c.check_activity("https://smba.trafficmanager.net/emea/", "msteams"),
            Ok(())
        );
        // Only one slash is trimmed.
        assert!(matches!(
            c.check_activity("https://smba.trafficmanager.net/emea//", "msteams"),
            Err(AuthError::ServiceUrlMismatch { .. })
        ));
        assert!(matches!(
            c.check_activity("https://evil.example/emea/", "msteams"),
            Err(AuthError::ServiceUrlMismatch { .. })
        ));
        assert!(matches!(
            c.check_activity("https://smba.trafficmanager.net/emea/", "slack"),
            Err(AuthError::ChannelNotEndorsed { .. })
        ));
        // No endorsements published: any channel.
        let c = claims(Some("https://x/"), &[]);
        assert_eq!(c.check_activity("https://x", "webchat"), Ok(()));
        let c = claims(None, &[]);
        assert_eq!(
            c.check_activity("https://x", "msteams"),
            Err(AuthError::ServiceUrlMissing)
        );
    }

    #[test]
    fn environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(settings_from_lookup(env(&[])), None);
        assert_eq!(
            settings_from_lookup(env(&[("TEAMS_APP_ID", "a"), ("TEAMS_APP_PASSWORD", " ")])),
            None
        );
        assert_eq!(
            settings_from_lookup(env(&[("TEAMS_APP_PASSWORD", "p")])),
            None
        );
        let (auth, token) =
            settings_from_lookup(env(&[("TEAMS_APP_ID", "a"), ("TEAMS_APP_PASSWORD", "p")]))
                .unwrap();
        assert_eq!(auth, AuthSettings::new("a"));
        assert_eq!(auth.openid_metadata_url, DEFAULT_OPENID_METADATA_URL);
        assert_eq!(auth.leeway, Duration::from_secs(300));
        assert_eq!(
            (token.app_id.as_str(), token.app_password.as_str()),
            ("a", "p")
        );
        assert_eq!(token.token_url, crate::token::MULTI_TENANT_TOKEN_URL);
        let (auth, token) = settings_from_lookup(env(&[
            ("TEAMS_APP_ID", "a"),
            ("TEAMS_APP_PASSWORD", "p"),
            ("TEAMS_TENANT_ID", "t1"),
            ("TEAMS_OPENID_METADATA_URL", "http://127.0.0.1:9/meta"),
        ]))
        .unwrap();
        assert_eq!(auth.openid_metadata_url, "http://127.0.0.1:9/meta");
        assert_eq!(token.tenant_id.as_deref(), Some("t1"));
        assert_eq!(
            token.token_url,
            "https://login.microsoftonline.com/t1/oauth2/v2.0/token"
        );
        let (_, token) = settings_from_lookup(env(&[
            ("TEAMS_APP_ID", "a"),
            ("TEAMS_APP_PASSWORD", "p"),
            ("TEAMS_TENANT_ID", "t1"),
            ("TEAMS_TOKEN_URL", "http://127.0.0.1:9/token"),
        ]))
        .unwrap();
        assert_eq!(token.token_url, "http://127.0.0.1:9/token");
    }

    #[test]
    fn jwks_entries() {
        let n = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            [0xc5u8; 256],
        );
        let rsa = serde_json::json!({"kty":"RSA","kid":"k","n":n,"e":"AQAB","endorsements":["msteams",1]});
        let (kid, key) = parse_jwk(&rsa).unwrap().unwrap();
        assert_eq!(kid, "k");
        assert_eq!(key.endorsements, vec!["msteams".to_string()]);
        for skipped in [
            serde_json::json!({"kty":"EC","kid":"k"}),
            serde_json::json!({"kty":"RSA","kid":"k","use":"enc","n":n,"e":"AQAB"}),
            serde_json::json!({"kty":"RSA","kid":"k","alg":"RS512","n":n,"e":"AQAB"}),
        ] {
            assert!(parse_jwk(&skipped).unwrap().is_none(), "{skipped}");
        }
        for bad in [
            serde_json::json!({"kty":"RSA","n":n,"e":"AQAB"}),
            serde_json::json!({"kty":"RSA","kid":"k","e":"AQAB"}),
            serde_json::json!({"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}),
        ] {
            assert!(parse_jwk(&bad).is_err(), "{bad}");
        }
    }
}
