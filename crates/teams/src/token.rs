//! Our own token for the Bot Connector: OAuth 2.0 client credentials from the Microsoft
//! identity platform (`grant_type=client_credentials`, scope
//! `https://api.botframework.com/.default`), cached until [`REFRESH_MARGIN`] before it expires.
//!
//! Concurrent callers share one fetch (a tokio mutex around it); a 429 or 5xx is retried,
//! honouring `Retry-After` up to [`TokenSettings::max_retry_wait`]; a 400/401 becomes a
//! [`TokenError::Rejected`] naming the `AADSTS` code and description. The app password never
//! appears in `Debug` output or in an error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use thiserror::Error;

use crate::http::{error_chain, read_body_limited};
use crate::jwt::shorten;

/// The scope asked for: the Bot Connector.
pub const BOT_FRAMEWORK_SCOPE: &str = "https://api.botframework.com/.default";

/// The multi-tenant (the Bot Framework's default) token URL.
pub const MULTI_TENANT_TOKEN_URL: &str =
    "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";

/// A token is fetched again this long before it expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Attempts per fetch when the endpoint answers 429/5xx or cannot be reached.
pub const MAX_ATTEMPTS: u32 = 3;

/// The longest `Retry-After` waited for by default; a longer one fails the fetch at once.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

/// The wait between attempts when the endpoint gave no `Retry-After`.
const DEFAULT_BACKOFF: Duration = Duration::from_millis(500);

/// One request's time limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Larger token answers are refused.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The token URL for a tenant: single-tenant apps use their own tenant, multi-tenant apps
/// (`None`) use `botframework.com`.
pub fn token_url_for(tenant_id: Option<&str>) -> String {
    match tenant_id.map(str::trim).filter(|t| !t.is_empty()) {
        Some(tenant) => {
            format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token")
        }
        None => MULTI_TENANT_TOKEN_URL.to_string(),
    }
}

/// Who we are to the Microsoft identity platform, and where to ask.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSettings {
    /// The bot's Microsoft App ID (`TEAMS_APP_ID`).
    pub app_id: String,
    /// Its client secret (`TEAMS_APP_PASSWORD`). Never printed.
    pub app_password: String,
    /// The tenant of a single-tenant app (`TEAMS_TENANT_ID`).
    pub tenant_id: Option<String>,
    /// Where to ask (`TEAMS_TOKEN_URL`, else [`token_url_for`] the tenant).
    pub token_url: String,
    /// The longest `Retry-After` waited for ([`DEFAULT_MAX_RETRY_WAIT`]).
    pub max_retry_wait: Duration,
}

impl TokenSettings {
    /// Settings with the token URL for `tenant_id` (multi-tenant when `None`).
    pub fn new(
        app_id: impl Into<String>,
        app_password: impl Into<String>,
        tenant_id: Option<String>,
    ) -> TokenSettings {
        let tenant_id = tenant_id.filter(|t| !t.trim().is_empty());
        TokenSettings {
            app_id: app_id.into(),
            app_password: app_password.into(),
            token_url: token_url_for(tenant_id.as_deref()),
            tenant_id,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
        }
    }
}

impl std::fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSettings")
            .field("app_id", &self.app_id)
            .field("app_password", &"[redacted]")
            .field("tenant_id", &self.tenant_id)
            .field("token_url", &self.token_url)
            .field("max_retry_wait", &self.max_retry_wait)
            .finish()
    }
}

/// Why no token could be had. No variant carries the app password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    /// The endpoint refused the request (400, 401 and other 4xx but 429): wrong app id or
    /// secret, wrong tenant, an expired secret.
    #[error("the token endpoint {url} refused app {app_id} (HTTP {status}): {detail}")]
    Rejected {
        /// The token URL.
        url: String,
        /// The app id asked for.
        app_id: String,
        /// The HTTP status.
        status: u16,
        /// The OAuth `error` (e.g. `invalid_client`).
        error: Option<String>,
        /// The identity platform's code, e.g. `AADSTS7000215` (invalid client secret).
        code: Option<String>,
        /// What the endpoint said, shortened: error, code and description.
        detail: String,
    },
    /// The endpoint kept answering 429 or 5xx, or asked us to wait longer than allowed.
    #[error("the token endpoint {url} is unavailable: HTTP {status} after {attempts} attempt(s){}", retry_after.map(|d| format!(" (Retry-After {} s)", d.as_secs())).unwrap_or_default())]
    Unavailable {
        /// The token URL.
        url: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The last `Retry-After`, when one was given.
        retry_after: Option<Duration>,
    },
    /// The endpoint could not be reached (DNS, connection, TLS, timeout).
    #[error("the token endpoint {url} could not be reached after {attempts} attempt(s): {reason}")]
    Transport {
        /// The token URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The cause.
        reason: String,
    },
    /// A 2xx answer that is not a usable token.
    #[error("the token endpoint {url} answered HTTP {status} without a usable token: {reason}")]
    BadAnswer {
        /// The token URL.
        url: String,
        /// The status.
        status: u16,
        /// What is wrong with the answer.
        reason: String,
    },
}

struct Cached {
    token: String,
    refresh_at: Instant,
}

/// How fetches went, behind the mutex only one fetch holds at a time.
struct FetchState {
    /// The last fetch's error, for callers that waited on that fetch.
    last_error: Option<TokenError>,
}

struct Inner {
    settings: TokenSettings,
    http: reqwest::Client,
    cached: Mutex<Option<Cached>>,
    fetch: tokio::sync::Mutex<FetchState>,
    /// Fetches finished (changed only while `fetch` is held).
    fetches_done: AtomicU64,
}

/// Our Bot Connector token, fetched when needed and shared. Cheap to clone.
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("app_id", &self.inner.settings.app_id)
            .field("token_url", &self.inner.settings.token_url)
            .field("has_token", &self.fresh().is_some())
            .finish()
    }
}

/// An answer of the token endpoint, read.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl TokenSource {
    /// A source that asks `settings.token_url` with `http`.
    pub fn new(settings: TokenSettings, http: reqwest::Client) -> TokenSource {
        TokenSource {
            inner: Arc::new(Inner {
                settings,
                http,
                cached: Mutex::new(None),
                fetch: tokio::sync::Mutex::new(FetchState { last_error: None }),
                fetches_done: AtomicU64::new(0),
            }),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &TokenSettings {
        &self.inner.settings
    }

    /// A bearer token for the Bot Connector: the cached one while it has more than
    /// [`REFRESH_MARGIN`] to live, else a new one. Callers arriving during a fetch wait for it
    /// and share its result (its token, or its error).
    pub async fn token(&self) -> Result<String, TokenError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let seen = self.inner.fetches_done.load(Ordering::SeqCst);
        let mut state = self.inner.fetch.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if self.inner.fetches_done.load(Ordering::SeqCst) != seen {
            // A fetch finished while this caller waited and left no token: its error is ours.
            if let Some(e) = &state.last_error {
                return Err(e.clone());
            }
        }
        let result = self.fetch().await;
        match &result {
            Ok((token, lifetime)) => {
                let refresh_at = Instant::now() + lifetime.saturating_sub(REFRESH_MARGIN);
                *self.cache() = Some(Cached {
                    token: token.clone(),
                    refresh_at,
                });
                state.last_error = None;
            }
            Err(e) => {
                tracing::warn!(error = %e, "no Bot Connector token");
                state.last_error = Some(e.clone());
            }
        }
        self.inner.fetches_done.fetch_add(1, Ordering::SeqCst);
        drop(state);
        result.map(|(token, _)| token)
    }

    /// Forgets the cached token (the Bot Connector answered 401 to it); the next
    /// [`TokenSource::token`] fetches a new one.
    pub fn invalidate(&self) {
        *self.cache() = None;
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.inner.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self) -> Option<String> {
        self.cache()
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// Asks the endpoint, retrying 429/5xx and transport failures; the token and its lifetime.
    async fn fetch(&self) -> Result<(String, Duration), TokenError> {
        let settings = &self.inner.settings;
        let url = &settings.token_url;
        tracing::debug!(url = %url, app_id = %settings.app_id, "fetching a Bot Connector token");
        let mut attempt = 0;
        loop {
            attempt += 1;
            let wait = match self.request().await {
                Ok(answer) if (200..300).contains(&answer.status) => {
                    return self.read_token(&answer);
                }
                Ok(answer) if answer.status == 429 || answer.status >= 500 => {
                    let wait = answer.retry_after.unwrap_or(DEFAULT_BACKOFF * attempt);
                    if attempt >= MAX_ATTEMPTS || wait > settings.max_retry_wait {
                        return Err(TokenError::Unavailable {
                            url: url.clone(),
                            status: answer.status,
                            attempts: attempt,
                            retry_after: answer.retry_after,
                        });
                    }
                    wait
                }
                Ok(answer) => return Err(self.rejected(&answer)),
                Err(reason) => {
                    if attempt >= MAX_ATTEMPTS {
                        return Err(TokenError::Transport {
                            url: url.clone(),
                            attempts: attempt,
                            reason,
                        });
                    }
                    DEFAULT_BACKOFF * attempt
                }
            };
            tracing::debug!(url = %url, attempt, wait_ms = wait.as_millis() as u64, "token endpoint busy; retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// One POST; a transport failure is the reason, secret removed.
    async fn request(&self) -> Result<Answer, String> {
        let settings = &self.inner.settings;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &settings.app_id)
            .append_pair("client_secret", &settings.app_password)
            .append_pair("scope", BOT_FRAMEWORK_SCOPE)
            .finish();
        let response = self
            .inner
            .http
            .post(&settings.token_url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(REQUEST_TIMEOUT)
            .body(body)
            .send()
            .await
            .map_err(|e| self.redact(&error_chain(&e)))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = read_body_limited(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| self.redact(&e))?;
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    fn read_token(&self, answer: &Answer) -> Result<(String, Duration), TokenError> {
        let bad = |reason: &str| TokenError::BadAnswer {
            url: self.inner.settings.token_url.clone(),
            status: answer.status,
            reason: reason.to_string(),
        };
        let json: Value =
            serde_json::from_slice(&answer.body).map_err(|e| bad(&format!("not JSON: {e}")))?;
        let token = json
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| bad("no \"access_token\" string"))?;
        if let Some(kind) = json.get("token_type").and_then(Value::as_str) {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(bad(&format!(
                    "\"token_type\" is {:?}, expected \"Bearer\"",
                    shorten(kind, 32)
                )));
            }
        }
        // The v2 endpoint sends a number; v1 and some proxies send a string.
        let expires_in = match json.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
            _ => None,
        }
        .ok_or_else(|| bad("no \"expires_in\" number of seconds"))?;
        Ok((token.to_string(), Duration::from_secs(expires_in)))
    }

    /// The error for a 4xx answer: its OAuth error, AADSTS code and description.
    fn rejected(&self, answer: &Answer) -> TokenError {
        let json: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let text = |name: &str| {
            json.get(name)
                .and_then(Value::as_str)
                .map(|s| self.redact(s))
                .filter(|s| !s.trim().is_empty())
        };
        let error = text("error").map(|e| shorten(&e, 64));
        // The description's first line is "AADSTS7000215: Invalid client secret provided. …";
        // later lines are trace and correlation ids.
        let description = text("error_description")
            .map(|d| shorten(d.lines().next().unwrap_or_default().trim(), 300));
        let code = json
            .get("error_codes")
            .and_then(Value::as_array)
            .and_then(|codes| codes.first())
            .and_then(Value::as_u64)
            .map(|c| format!("AADSTS{c}"))
            .or_else(|| description.as_deref().and_then(aadsts_code));
        let mut detail = Vec::new();
        if let Some(e) = &error {
            detail.push(e.clone());
        }
        let described = match (&code, &description) {
            (Some(c), Some(d)) if !d.starts_with(c.as_str()) => Some(format!("{c}: {d}")),
            (_, Some(d)) => Some(d.clone()),
            (Some(c), None) => Some(c.clone()),
            (None, None) => None,
        };
        detail.extend(described);
        if detail.is_empty() {
            detail.push("the answer gave no error description".into());
        }
        TokenError::Rejected {
            url: self.inner.settings.token_url.clone(),
            app_id: self.inner.settings.app_id.clone(),
            status: answer.status,
            error,
            code,
            detail: detail.join(" "),
        }
    }

    /// `text` with the app password (as sent, and form-encoded) cut out, should an endpoint
    /// or a proxy ever echo it.
    fn redact(&self, text: &str) -> String {
        let secret = &self.inner.settings.app_password;
        if secret.is_empty() {
            return text.to_string();
        }
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        text.replace(secret.as_str(), "[redacted]")
            .replace(&encoded, "[redacted]")
    }
}

/// `AADSTS<digits>` at the start of a description.
fn aadsts_code(description: &str) -> Option<String> {
    let rest = description.strip_prefix("AADSTS")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_urls() {
        assert_eq!(token_url_for(None), MULTI_TENANT_TOKEN_URL);
        assert_eq!(token_url_for(Some("  ")), MULTI_TENANT_TOKEN_URL);
        assert_eq!(
            token_url_for(Some("contoso.onmicrosoft.com")),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        let s = TokenSettings::new("app", "pw", Some("t1".into()));
        assert_eq!(
            s.token_url,
            "https://login.microsoftonline.com/t1/oauth2/v2.0/token"
        );
        assert_eq!(
            TokenSettings::new("app", "pw", Some(String::new())).tenant_id,
            None
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let settings = TokenSettings::new("app-id", "hunter2-secret", None);
        let text = format!("{settings:?}");
        assert!(
            text.contains("app-id") && !text.contains("hunter2"),
            "{text}"
        );
        let source = TokenSource::new(settings, reqwest::Client::new());
        let text = format!("{source:?}");
        assert!(
            text.contains("app-id") && !text.contains("hunter2"),
            "{text}"
        );
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn rejections_name_the_aadsts_code_and_never_the_secret() {
        let source = TokenSource::new(
            TokenSettings::new("app-id", "s3cr3t+/=", None),
            reqwest::Client::new(),
        );
        let e = source.rejected(&answer(
            401,
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: s3cr3t+/= and s3cr3t%2B%2F%3D.\r\nTrace ID: 1","error_codes":[7000215]}"#,
        ));
        let TokenError::Rejected { code, error, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(code.as_deref(), Some("AADSTS7000215"));
        assert_eq!(error.as_deref(), Some("invalid_client"));
        let text = e.to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!text.contains("Trace ID"), "{text}");
        assert!(
            text.contains("AADSTS7000215: Invalid client secret"),
            "{text}"
        );

        // A code only in the description; no JSON at all.
        let e = source.rejected(&answer(
            400,
            r#"{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found."}"#,
        ));
        assert!(matches!(&e, TokenError::Rejected { code: Some(c), .. } if c == "AADSTS90002"));
        let e = source.rejected(&answer(404, "<html>not here</html>"));
        assert!(
            e.to_string().contains("HTTP 404") && e.to_string().contains("no error description"),
            "{e}"
        );
        // A code with no description.
        let e = source.rejected(&answer(400, r#"{"error_codes":[50126]}"#));
        assert!(e.to_string().ends_with("AADSTS50126"), "{e}");
    }

    #[test]
    fn reads_token_answers() {
        let source = TokenSource::new(TokenSettings::new("a", "b", None), reqwest::Client::new());
        let (token, life) = source
            .read_token(&answer(
                200,
                r#"{"token_type":"Bearer","expires_in":"3599","access_token":"t"}"#,
            ))
            .unwrap();
        assert_eq!((token.as_str(), life), ("t", Duration::from_secs(3599)));
        for body in [
            "nope",
            r#"{"expires_in":1}"#,
            r#"{"access_token":"t"}"#,
            r#"{"access_token":"t","expires_in":1,"token_type":"mac"}"#,
        ] {
            assert!(
                matches!(
                    source.read_token(&answer(200, body)),
                    Err(TokenError::BadAnswer { .. })
                ),
                "{body}"
            );
        }
    }
}
