//! Multi-workspace install through OAuth v2, and bot tokens per team encrypted at rest.
//!
//! - `GET /slack/install` ([`Installer::install_url`]): a redirect to Slack's authorize page
//!   with `client_id`, the bot `scope`s ([`crate::manifest::BOT_SCOPES`]), `redirect_uri`
//!   and a `state`: `{expiry}.{nonce}.{HMAC-SHA256}`, valid [`OAuthConfig::state_ttl`], also
//!   set as an `HttpOnly` cookie so the callback must come back to the same browser (CSRF).
//! - `GET /slack/oauth/callback` ([`Installer::callback`]): checks the state (signature,
//!   expiry, cookie, used once), exchanges the `code` at `{api_base}/oauth.v2.access`
//!   (client id and secret as HTTP Basic), and stores the team's [`Installation`].
//! - Storage: [`Installations`] seals each installation with ChaCha20-Poly1305 under the key
//!   in `CHATOPS_TOKEN_KEY` (32 bytes, hex or base64), a random 96-bit nonce per record and
//!   the team id as associated data, into a [`TokenStore`] that only ever sees ciphertext
//!   ([`MemoryTokenStore`], [`FileTokenStore`]; a SQLite one can implement the same trait).
//!
//! [`Installer::router`] mounts both routes on an axum `Router`.

use crate::events::BotIdentity;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::Mac;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Slack's authorize page.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";
/// The environment variable holding the token encryption key.
pub const TOKEN_KEY_ENV: &str = "CHATOPS_TOKEN_KEY";
/// The cookie binding an install to the browser that started it.
pub const STATE_COOKIE: &str = "slack_oauth_state";

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

// ---------------------------------------------------------------------------------------
// The key

/// 32 bytes that encrypt the tokens (and sign install states). Never printed.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

/// Why `CHATOPS_TOKEN_KEY` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{0} is not set: it must hold a 32-byte key, as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)")]
    Missing(&'static str),
    #[error("{0} is empty: it must hold a 32-byte key, as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)")]
    Empty(&'static str),
    #[error("{TOKEN_KEY_ENV} is {0} bytes long; it must be exactly 32 bytes (64 hex digits or 44 base64 characters)")]
    WrongLength(usize),
    #[error("{TOKEN_KEY_ENV} is neither hex nor base64; it must hold 32 bytes as 64 hex digits or base64")]
    NotEncoded,
}

impl TokenKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads `CHATOPS_TOKEN_KEY`.
    pub fn from_env() -> Result<Self, KeyError> {
        match std::env::var(TOKEN_KEY_ENV) {
            Ok(v) => Self::parse(&v),
            Err(_) => Err(KeyError::Missing(TOKEN_KEY_ENV)),
        }
    }

    /// 64 hex digits, or base64 (standard or URL-safe, padded or not) of 32 bytes.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(KeyError::Empty(TOKEN_KEY_ENV));
        }
        // Only hex digits: hex (a base64 reading of such a string is never what was meant).
        let bytes = if t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).map_err(|_| KeyError::NotEncoded)?
        } else {
            use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
            let lenient = GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
            let std = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
            let url = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
            std.decode(t)
                .or_else(|_| url.decode(t))
                .map_err(|_| KeyError::NotEncoded)?
        };
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongLength(bytes.len()))?;
        Ok(Self(arr))
    }

    /// A separate key for one purpose (HMAC-SHA256 of the label), so the encryption key
    /// itself signs nothing.
    fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

// ---------------------------------------------------------------------------------------
// Sealing records

/// Why a stored record could not be opened or sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the stored token record is malformed: {0}")]
    Malformed(String),
    #[error("the stored token record belongs to team {record:?}, not {requested:?}")]
    WrongTeam { record: String, requested: String },
    #[error("the stored token record for team {0:?} fails authentication: it was tampered with, or {TOKEN_KEY_ENV} is not the key it was written with")]
    Tampered(String),
    #[error("no randomness for a nonce: {0}")]
    Random(String),
}

const RECORD_VERSION: &str = "v1";
const AD_PREFIX: &str = "aws-chatops/slack-installation/v1\0";

/// ChaCha20-Poly1305 over installation records; the team id is associated data.
///
/// A record is `v1.{team id, base64url}.{nonce, base64url}.{ciphertext+tag, base64url}`: the
/// team id in clear only to give a clear "wrong team" error; it is authenticated, so
/// changing it fails like any other tampering.
#[derive(Clone)]
pub struct TokenCipher {
    aead: ChaCha20Poly1305,
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

impl TokenCipher {
    pub fn new(key: &TokenKey) -> Self {
        Self {
            aead: ChaCha20Poly1305::new((&key.0).into()),
        }
    }

    fn ad(team_id: &str) -> Vec<u8> {
        [AD_PREFIX.as_bytes(), team_id.as_bytes()].concat()
    }

    pub fn seal(&self, team_id: &str, plaintext: &[u8]) -> Result<String, CryptoError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| CryptoError::Random(e.to_string()))?;
        let ad = Self::ad(team_id);
        let ct = self
            .aead
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &ad,
                },
            )
            .map_err(|_| CryptoError::Malformed("encryption failed".into()))?;
        Ok(format!(
            "{RECORD_VERSION}.{}.{}.{}",
            b64().encode(team_id),
            b64().encode(nonce),
            b64().encode(ct)
        ))
    }

    pub fn open(&self, team_id: &str, record: &str) -> Result<Vec<u8>, CryptoError> {
        let parts: Vec<&str> = record.trim().split('.').collect();
        let [version, team, nonce, ct] = parts.as_slice() else {
            return Err(CryptoError::Malformed(format!(
                "expected 4 dot-separated parts, found {}",
                parts.len()
            )));
        };
        if *version != RECORD_VERSION {
            return Err(CryptoError::Malformed(format!(
                "unknown version {version:?}"
            )));
        }
        let dec = |what: &str, s: &str| {
            b64()
                .decode(s)
                .map_err(|_| CryptoError::Malformed(format!("the {what} is not base64url")))
        };
        let record_team = String::from_utf8(dec("team id", team)?)
            .map_err(|_| CryptoError::Malformed("the team id is not UTF-8".into()))?;
        if record_team != team_id {
            return Err(CryptoError::WrongTeam {
                record: record_team,
                requested: team_id.to_string(),
            });
        }
        let nonce = dec("nonce", nonce)?;
        if nonce.len() != 12 {
            return Err(CryptoError::Malformed(format!(
                "the nonce is {} bytes, not 12",
                nonce.len()
            )));
        }
        let ct = dec("ciphertext", ct)?;
        let ad = Self::ad(team_id);
        self.aead
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &ct, aad: &ad })
            .map_err(|_| CryptoError::Tampered(team_id.to_string()))
    }
}

// ---------------------------------------------------------------------------------------
// Installations and where their sealed records live

/// One workspace's install, as `oauth.v2.access` returned it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    pub team_id: String,
    pub team_name: Option<String>,
    pub enterprise_id: Option<String>,
    pub app_id: Option<String>,
    /// The bot user (`U…`): its own messages are ignored.
    pub bot_user_id: String,
    /// `xoxb-…`.
    pub bot_token: String,
    pub scopes: Vec<String>,
    /// Who installed the app.
    pub installer_user_id: Option<String>,
    /// Unix seconds.
    pub installed_at: i64,
    /// With token rotation enabled: the refresh token and when the bot token expires (unix
    /// seconds). Refreshing is not implemented: rotation is off in the manifest.
    pub refresh_token: Option<String>,
    pub expires_at: Option<i64>,
}

impl Installation {
    pub fn bot(&self) -> BotIdentity {
        BotIdentity {
            user_id: Some(self.bot_user_id.clone()),
            bot_id: None,
        }
    }
}

impl fmt::Debug for Installation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installation")
            .field("team_id", &self.team_id)
            .field("team_name", &self.team_name)
            .field("enterprise_id", &self.enterprise_id)
            .field("app_id", &self.app_id)
            .field("bot_user_id", &self.bot_user_id)
            .field("bot_token", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("installer_user_id", &self.installer_user_id)
            .field("installed_at", &self.installed_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A storage failure (I/O, a corrupt file), with what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token store: {0}")]
pub struct StoreError(pub String);

/// Where sealed records live, by team id. Implementations see only ciphertext.
pub trait TokenStore: Send + Sync {
    fn put(&self, team_id: &str, record: &str) -> Result<(), StoreError>;
    fn get(&self, team_id: &str) -> Result<Option<String>, StoreError>;
    /// Whether there was a record (for `app_uninstalled` / `tokens_revoked`).
    fn remove(&self, team_id: &str) -> Result<bool, StoreError>;
    fn teams(&self) -> Result<Vec<String>, StoreError>;
}

/// Records in memory (tests, single runs).
#[derive(Debug, Default)]
pub struct MemoryTokenStore(Mutex<BTreeMap<String, String>>);

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryTokenStore {
    fn put(&self, team_id: &str, record: &str) -> Result<(), StoreError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(team_id.into(), record.into());
        Ok(())
    }
    fn get(&self, team_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(team_id)
            .cloned())
    }
    fn remove(&self, team_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(team_id)
            .is_some())
    }
    fn teams(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect())
    }
}

/// Records in one JSON file (`{"T…": "v1.…"}`), rewritten atomically (a temporary file,
/// then rename) with mode 0600.
#[derive(Debug)]
pub struct FileTokenStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileTokenStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<BTreeMap<String, String>, StoreError> {
        match std::fs::read(&self.path) {
            Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(BTreeMap::new()),
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                StoreError(format!(
                    "{}: not a JSON object of records: {e}",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(StoreError(format!("{}: {e}", self.path.display()))),
        }
    }

    fn write(&self, records: &BTreeMap<String, String>) -> Result<(), StoreError> {
        let err = |e: std::io::Error| StoreError(format!("{}: {e}", self.path.display()));
        let tmp = self.path.with_extension("tmp");
        let body = serde_json::to_vec_pretty(records).map_err(|e| StoreError(e.to_string()))?;
        {
            use std::io::Write;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp).map_err(err)?;
            f.write_all(&body).map_err(err)?;
            f.sync_all().map_err(err)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(err)
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenStore for FileTokenStore {
    fn put(&self, team_id: &str, record: &str) -> Result<(), StoreError> {
        let _g = self.guard();
        let mut all = self.read()?;
        all.insert(team_id.into(), record.into());
        self.write(&all)
    }
    fn get(&self, team_id: &str) -> Result<Option<String>, StoreError> {
        let _g = self.guard();
        Ok(self.read()?.remove(team_id))
    }
    fn remove(&self, team_id: &str) -> Result<bool, StoreError> {
        let _g = self.guard();
        let mut all = self.read()?;
        let had = all.remove(team_id).is_some();
        if had {
            self.write(&all)?;
        }
        Ok(had)
    }
    fn teams(&self) -> Result<Vec<String>, StoreError> {
        let _g = self.guard();
        Ok(self.read()?.into_keys().collect())
    }
}

/// Why an installation could not be saved or loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallationError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored installation for team {0:?} cannot be read: {1}")]
    Corrupt(String, String),
}

/// Installations by team, sealed with [`TokenCipher`] in a [`TokenStore`].
pub struct Installations {
    cipher: TokenCipher,
    store: Arc<dyn TokenStore>,
}

impl Installations {
    pub fn new(key: &TokenKey, store: Arc<dyn TokenStore>) -> Self {
        Self {
            cipher: TokenCipher::new(key),
            store,
        }
    }

    pub fn save(&self, inst: &Installation) -> Result<(), InstallationError> {
        let plain = serde_json::to_vec(inst)
            .map_err(|e| InstallationError::Corrupt(inst.team_id.clone(), e.to_string()))?;
        let record = self.cipher.seal(&inst.team_id, &plain)?;
        Ok(self.store.put(&inst.team_id, &record)?)
    }

    /// The team's installation, decrypted; `None` when the app is not installed there.
    pub fn get(&self, team_id: &str) -> Result<Option<Installation>, InstallationError> {
        let Some(record) = self.store.get(team_id)? else {
            return Ok(None);
        };
        let plain = self.cipher.open(team_id, &record)?;
        let inst: Installation = serde_json::from_slice(&plain)
            .map_err(|e| InstallationError::Corrupt(team_id.into(), e.to_string()))?;
        if inst.team_id != team_id {
            return Err(CryptoError::WrongTeam {
                record: inst.team_id,
                requested: team_id.into(),
            }
            .into());
        }
        Ok(Some(inst))
    }

    pub fn remove(&self, team_id: &str) -> Result<bool, InstallationError> {
        Ok(self.store.remove(team_id)?)
    }

    pub fn teams(&self) -> Result<Vec<String>, InstallationError> {
        Ok(self.store.teams()?)
    }
}

// ---------------------------------------------------------------------------------------
// The install state

/// Why a `state` is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("the install link's state is malformed")]
    Malformed,
    #[error("the install link's state was not issued by this app")]
    BadSignature,
    #[error("the install link expired; start again from /slack/install")]
    Expired,
    #[error("the install link was already used; start again from /slack/install")]
    Replayed,
    #[error("the install was started in another browser (the state cookie is missing or differs); start again from /slack/install")]
    CookieMismatch,
}

/// Issues and checks `state` values: `{expires}.{nonce}.{mac}`, HMAC-SHA256 with a key
/// derived from the token key, so every replica sharing `CHATOPS_TOKEN_KEY` accepts them.
pub struct StateSigner {
    key: [u8; 32],
    ttl: Duration,
    used: Mutex<HashMap<String, i64>>,
}

impl StateSigner {
    pub fn new(key: &TokenKey, ttl: Duration) -> Self {
        Self {
            key: key.derive("aws-chatops/slack-oauth-state/v1"),
            ttl,
            used: Mutex::new(HashMap::new()),
        }
    }

    fn mac(&self, body: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes any key length");
        mac.update(body.as_bytes());
        mac
    }

    pub fn issue(&self, now: i64) -> Result<String, CryptoError> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| CryptoError::Random(e.to_string()))?;
        let expires = now.saturating_add(i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX));
        let body = format!("{expires}.{}", hex::encode(nonce));
        let tag = hex::encode(self.mac(&body).finalize().into_bytes());
        Ok(format!("{body}.{tag}"))
    }

    /// Checks signature and expiry (without consuming the state).
    pub fn verify(&self, state: &str, now: i64) -> Result<(), StateError> {
        self.check(state, now).map(|_| ())
    }

    fn check(&self, state: &str, now: i64) -> Result<i64, StateError> {
        let (body, tag) = state.rsplit_once('.').ok_or(StateError::Malformed)?;
        let (expires, nonce) = body.split_once('.').ok_or(StateError::Malformed)?;
        let expires: i64 = expires.parse().map_err(|_| StateError::Malformed)?;
        if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StateError::Malformed);
        }
        let tag = hex::decode(tag).map_err(|_| StateError::Malformed)?;
        self.mac(body)
            .verify_slice(&tag)
            .map_err(|_| StateError::BadSignature)?;
        if now > expires {
            return Err(StateError::Expired);
        }
        Ok(expires)
    }

    /// Checks the state and marks it used: a second use is [`StateError::Replayed`].
    pub fn consume(&self, state: &str, now: i64) -> Result<(), StateError> {
        let expires = self.check(state, now)?;
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.retain(|_, exp| *exp >= now);
        if used.insert(state.to_string(), expires).is_some() {
            return Err(StateError::Replayed);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The install flow

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

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
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
        self.installations.save(&inst)?;
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
    match inst.install_url(unix_now()) {
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
    match inst.callback(&query, cookie, unix_now()).await {
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

    fn key() -> TokenKey {
        TokenKey::from_bytes([7; 32])
    }

    #[test]
    fn keys_parse_from_hex_and_base64_with_clear_errors() {
        let hex_key = "00".repeat(31) + "ff";
        assert_eq!(TokenKey::parse(&hex_key).unwrap().0[31], 0xff);
        let b = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
        assert_eq!(TokenKey::parse(&b).unwrap().0, [9; 32]);
        let u = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xfbu8; 32]);
        assert_eq!(TokenKey::parse(&u).unwrap().0, [0xfb; 32]);
        assert_eq!(
            TokenKey::parse(" ").unwrap_err(),
            KeyError::Empty(TOKEN_KEY_ENV)
        );
        assert_eq!(
            TokenKey::parse(&"ab".repeat(16)).unwrap_err(),
            KeyError::WrongLength(16)
        );
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        assert_eq!(
            TokenKey::parse(&short).unwrap_err(),
            KeyError::WrongLength(16)
        );
        assert_eq!(
            TokenKey::parse("not a key!").unwrap_err(),
            KeyError::NotEncoded
        );
        let msg = KeyError::WrongLength(16).to_string();
        assert!(
            msg.contains("CHATOPS_TOKEN_KEY") && msg.contains("32 bytes"),
            "{msg}"
        );
        assert!(!format!("{:?}", key()).contains('7'));
    }

    #[test]
    fn states_expire_and_are_signed() {
        let s = StateSigner::new(&key(), Duration::from_secs(600));
        let st = s.issue(1_000).unwrap();
        assert_eq!(s.verify(&st, 1_000), Ok(()));
        assert_eq!(s.verify(&st, 1_600), Ok(()));
        assert_eq!(s.verify(&st, 1_601), Err(StateError::Expired));
        let other = StateSigner::new(&TokenKey::from_bytes([8; 32]), Duration::from_secs(600));
        assert_eq!(other.verify(&st, 1_000), Err(StateError::BadSignature));
        // Extending the expiry breaks the signature.
        let (_, rest) = st.split_once('.').unwrap();
        assert_eq!(
            s.verify(&format!("9999999999.{rest}"), 1_000),
            Err(StateError::BadSignature)
        );
        for bad in ["", "x", "1.2.3", "1.zz.00", &format!("{st}.1")] {
            assert!(s.verify(bad, 1_000).is_err(), "{bad}");
        }
        assert_eq!(s.consume(&st, 1_000), Ok(()));
        assert_eq!(s.consume(&st, 1_001), Err(StateError::Replayed));
        assert_ne!(s.issue(1_000).unwrap(), s.issue(1_000).unwrap());
    }

    #[test]
    fn cookies_are_found() {
        assert_eq!(
            cookie_value("a=1; slack_oauth_state=xyz; b=2", STATE_COOKIE),
            Some("xyz")
        );
        assert_eq!(cookie_value("a=1", STATE_COOKIE), None);
    }
}
