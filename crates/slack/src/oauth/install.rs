//! The install flow: the app's OAuth settings, the authorize redirect, the callback and its
//! `oauth.v2.access` exchange, and the two routes.

use super::installations::{Installation, InstallationError, Installations};
use super::key::TokenKey;
use super::seal::CryptoError;
use super::state::{StateError, StateSigner};
use crate::clock::now_secs;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Slack's authorize page.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";
/// The cookie binding an install to the browser that started it.
pub const STATE_COOKIE: &str = "slack_oauth_state";

/// The app's OAuth settings.
#[derive(Clone)]
pub struct OAuthConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Must match one of the manifest's `redirect_urls`
    /// (`https://<host>/slack/oauth/callback`).
    pub redirect_uri: String,
    /// Bot scopes; [`crate::manifest::bot_scopes`] by default.
    pub scopes: Vec<String>,
    /// The Web API base (a local double in tests).
    pub api_base: String,
    pub authorize_url: String,
    pub state_ttl: Duration,
    pub http_timeout: Duration,
}

impl OAuthConfig {
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            scopes: crate::manifest::bot_scopes()
                .into_iter()
                .map(String::from)
                .collect(),
            api_base: crate::socket_mode::DEFAULT_API_BASE.into(),
            authorize_url: DEFAULT_AUTHORIZE_URL.into(),
            state_ttl: Duration::from_secs(600),
            http_timeout: Duration::from_secs(10),
        }
    }

    /// `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_REDIRECT_URI`; `None` when any is
    /// unset (single-workspace mode).
    pub fn from_env() -> Option<Self> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Some(Self::new(
            get("SLACK_CLIENT_ID")?,
            get("SLACK_CLIENT_SECRET")?,
            get("SLACK_REDIRECT_URI")?,
        ))
    }
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("api_base", &self.api_base)
            .field("authorize_url", &self.authorize_url)
            .field("state_ttl", &self.state_ttl)
            .finish()
    }
}

/// Why an install failed. Shown to the installing user (none of it is secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("the install was cancelled or refused in Slack: {0}")]
    Denied(String),
    #[error("the callback has no {0}")]
    MissingParameter(&'static str),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("oauth.v2.access could not be reached: {0}")]
    Exchange(String),
    #[error("oauth.v2.access refused the code: {0}")]
    Slack(String),
    #[error("oauth.v2.access answered without {0}")]
    Response(String),
    #[error(
        "org-wide (Enterprise Grid) installs are not supported; install the app in a workspace"
    )]
    OrgInstall,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Store(#[from] InstallationError),
}

/// The query of `GET /slack/oauth/callback`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// `access_denied` when the user cancelled.
    pub error: Option<String>,
}

impl CallbackQuery {
    /// Parses a URL query string (without the `?`).
    pub fn parse(query: &str) -> Self {
        let mut q = Self::default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let v = Some(v.into_owned()).filter(|v| !v.is_empty());
            match k.as_ref() {
                "code" => q.code = v,
                "state" => q.state = v,
                "error" => q.error = v,
                _ => {}
            }
        }
        q
    }
}

/// Runs installs: builds the authorize URL, checks callbacks, exchanges codes and stores the
/// result.
pub struct Installer {
    cfg: OAuthConfig,
    states: StateSigner,
    installations: Arc<Installations>,
    http: reqwest::Client,
}

impl Installer {
    pub fn new(
        cfg: OAuthConfig,
        key: &TokenKey,
        installations: Arc<Installations>,
    ) -> Result<Self, OAuthError> {
        let http = reqwest::Client::builder()
            .timeout(cfg.http_timeout)
            .build()
            .map_err(|e| OAuthError::Exchange(e.to_string()))?;
        Ok(Self {
            states: StateSigner::new(key, cfg.state_ttl),
            cfg,
            installations,
            http,
        })
    }

    pub fn installations(&self) -> &Arc<Installations> {
        &self.installations
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.cfg
    }

    /// The URL of Slack's authorize page and the state in it (to set as [`STATE_COOKIE`]).
    pub fn install_url(&self, now: i64) -> Result<(String, String), OAuthError> {
        let state = self.states.issue(now)?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.cfg.client_id)
            .append_pair("scope", &self.cfg.scopes.join(","))
            .append_pair("user_scope", "")
            .append_pair("redirect_uri", &self.cfg.redirect_uri)
            .append_pair("state", &state)
            .finish();
        Ok((format!("{}?{query}", self.cfg.authorize_url), state))
    }

    /// The callback: the state (signature, expiry, same browser, once), then the exchange,
    /// then the encrypted save. `cookie_state` is the [`STATE_COOKIE`] the browser sent.
    pub async fn callback(
        &self,
        query: &CallbackQuery,
        cookie_state: Option<&str>,
        now: i64,
    ) -> Result<Installation, OAuthError> {
        if let Some(e) = &query.error {
            return Err(OAuthError::Denied(e.chars().take(100).collect()));
        }
        let state = query
            .state
            .as_deref()
            .ok_or(OAuthError::MissingParameter("state"))?;
        self.states.verify(state, now)?;
        let same = cookie_state
            .map(|c| subtle::ConstantTimeEq::ct_eq(c.as_bytes(), state.as_bytes()).into())
            .unwrap_or(false);
        if !same {
            return Err(StateError::CookieMismatch.into());
        }
        let code = query
            .code
            .as_deref()
            .ok_or(OAuthError::MissingParameter("code"))?;
        self.states.consume(state, now)?;
        let inst = self.exchange(code, now).await?;
        self.installations.save(&inst).await?;
        tracing::info!(team = %inst.team_id, "Slack app installed");
        Ok(inst)
    }

    /// `oauth.v2.access`: the code for the team's bot token.
    pub async fn exchange(&self, code: &str, now: i64) -> Result<Installation, OAuthError> {
        let url = format!(
            "{}/oauth.v2.access",
            self.cfg.api_base.trim_end_matches('/')
        );
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", code)
            .append_pair("redirect_uri", &self.cfg.redirect_uri)
            .finish();
        let resp = self
            .http
            .post(&url)
            .basic_auth(&self.cfg.client_id, Some(&self.cfg.client_secret))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| OAuthError::Exchange(e.without_url().to_string()))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| OAuthError::Exchange(e.without_url().to_string()))?;
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|_| OAuthError::Exchange(format!("HTTP {status}, the answer is not JSON")))?;
        installation_from(&v, now)
    }

    /// `GET /slack/install` and `GET /slack/oauth/callback`.
    pub fn router(self: Arc<Self>) -> axum::Router {
        use axum::routing::get;
        axum::Router::new()
            .route(crate::manifest::INSTALL_PATH, get(install_handler))
            .route(crate::manifest::OAUTH_CALLBACK_PATH, get(callback_handler))
            .with_state(self)
    }

    fn cookie(&self, value: &str, max_age: u64) -> String {
        let secure = if self.cfg.redirect_uri.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{STATE_COOKIE}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
            crate::manifest::OAUTH_CALLBACK_PATH
        )
    }
}

fn installation_from(v: &Value, now: i64) -> Result<Installation, OAuthError> {
    let s = |path: &[&str]| -> Option<String> {
        let mut cur = v;
        for p in path {
            cur = cur.get(p)?;
        }
        cur.as_str().filter(|s| !s.is_empty()).map(str::to_string)
    };
    if v.get("ok").and_then(Value::as_bool) != Some(true) {
        return Err(OAuthError::Slack(
            s(&["error"]).unwrap_or_else(|| "no error given".into()),
        ));
    }
    if v.get("is_enterprise_install").and_then(Value::as_bool) == Some(true) {
        return Err(OAuthError::OrgInstall);
    }
    if s(&["token_type"]).as_deref() != Some("bot") {
        return Err(OAuthError::Response(
            "a bot token (token_type \"bot\")".into(),
        ));
    }
    let need = |path: &[&str]| s(path).ok_or_else(|| OAuthError::Response(path.join(".")));
    let bot_token = need(&["access_token"])?;
    if !bot_token.starts_with("xoxb-") {
        return Err(OAuthError::Response("an xoxb- access_token".into()));
    }
    Ok(Installation {
        team_id: need(&["team", "id"])?,
        team_name: s(&["team", "name"]),
        enterprise_id: s(&["enterprise", "id"]),
        app_id: s(&["app_id"]),
        bot_user_id: need(&["bot_user_id"])?,
        bot_token,
        scopes: s(&["scope"])
            .map(|sc| sc.split(',').map(|x| x.trim().to_string()).collect())
            .unwrap_or_default(),
        installer_user_id: s(&["authed_user", "id"]),
        installed_at: now,
        refresh_token: s(&["refresh_token"]),
        expires_at: v
            .get("expires_in")
            .and_then(Value::as_i64)
            .map(|e| now.saturating_add(e)),
    })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(
    status: axum::http::StatusCode,
    title: &str,
    text: &str,
    cookie: String,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let body = format!(
        "<!doctype html><meta charset=\"utf-8\"><title>{t}</title><h1>{t}</h1><p>{x}</p>",
        t = html_escape(title),
        x = html_escape(text)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn install_handler(
    axum::extract::State(inst): axum::extract::State<Arc<Installer>>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    match inst.install_url(now_secs()) {
        Ok((url, state)) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, url),
                (
                    header::SET_COOKIE,
                    inst.cookie(&state, inst.cfg.state_ttl.as_secs()),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot start a Slack install");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Install failed",
                &e.to_string(),
                inst.cookie("", 0),
            )
        }
    }
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

async fn callback_handler(
    axum::extract::State(inst): axum::extract::State<Arc<Installer>>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let query = CallbackQuery::parse(uri.query().unwrap_or(""));
    let cookie = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| cookie_value(h, STATE_COOKIE));
    let clear = inst.cookie("", 0);
    match inst.callback(&query, cookie, now_secs()).await {
        Ok(i) => page(
            StatusCode::OK,
            "Installed",
            &format!(
                "The app is installed in {}. Mention it in a channel or send it a direct message.",
                i.team_name.as_deref().unwrap_or(&i.team_id)
            ),
            clear,
        ),
        Err(e) => {
            tracing::warn!(error = %e, "Slack install failed");
            let status = match e {
                OAuthError::State(_) | OAuthError::MissingParameter(_) | OAuthError::Denied(_) => {
                    StatusCode::BAD_REQUEST
                }
                OAuthError::Slack(_) | OAuthError::OrgInstall => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_GATEWAY,
            };
            page(status, "Install failed", &e.to_string(), clear)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found() {
        assert_eq!(
            cookie_value("a=1; slack_oauth_state=xyz; b=2", STATE_COOKIE),
            Some("xyz")
        );
        assert_eq!(cookie_value("a=1", STATE_COOKIE), None);
    }
}
