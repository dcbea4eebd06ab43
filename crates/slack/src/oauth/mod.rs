//! Multi-workspace install through OAuth v2, and bot tokens per team encrypted at rest.
//! One job per file, as slack_sdk's `oauth/{installation_store,state_store,
//! authorize_url_generator}`:
//!
//! - [`key`](TokenKey): the 32-byte key in `CHATOPS_TOKEN_KEY` (hex or base64); it seals the
//!   installations and, through a derived key, signs install states;
//! - [`seal`](TokenCipher): ChaCha20-Poly1305 over an installation record, a random 96-bit
//!   nonce per record and the team id as associated data;
//! - [`installations`](Installations): the installations by team, kept in the project's
//!   store (sealed before they reach it, so it only ever holds ciphertext), and the one-time
//!   import of the side file earlier releases kept them in;
//! - [`state`](StateSigner): the install `state`, `{expiry}.{nonce}.{HMAC-SHA256}`, valid
//!   [`OAuthConfig::state_ttl`] and used once;
//! - [`install`](Installer): `GET /slack/install` ([`Installer::install_url`]) redirects to
//!   Slack's authorize page with `client_id`, the bot `scope`s
//!   ([`crate::manifest::BOT_SCOPES`]), `redirect_uri` and a state, also set as an
//!   `HttpOnly` cookie so the callback must come back to the same browser (CSRF);
//!   `GET /slack/oauth/callback` ([`Installer::callback`]) checks the state (signature,
//!   expiry, cookie, used once), exchanges the `code` at `{api_base}/oauth.v2.access`
//!   (client id and secret as HTTP Basic) and saves the team's [`Installation`].
//!   [`Installer::router`] mounts both routes on an axum `Router`.

mod install;
mod installations;
mod key;
mod seal;
mod state;

pub use install::{
    cookie_value, CallbackQuery, Installer, OAuthConfig, OAuthError, DEFAULT_AUTHORIZE_URL,
    STATE_COOKIE,
};
pub use installations::{
    Installation, InstallationError, Installations, LegacyImport, LEGACY_FILE, STORE_SURFACE,
};
pub use key::{KeyError, TokenKey, TOKEN_KEY_ENV};
pub use seal::{CryptoError, TokenCipher};
pub use state::{StateError, StateSigner};
