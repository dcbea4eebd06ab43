//! Sign-in: who may use the web chat, and the session cookie of those who signed in (the
//! sessions themselves are kept by [`crate::sessions`]).
//!
//! The web chat runs AWS commands, so it is never open to whoever reaches the port: every API
//! and WebSocket request must carry a session cookie, and a session is only opened for a known
//! token. Tokens are compared in constant time (over their SHA-256 digests, so the length of a
//! guess leaks nothing either), and against every user, so timing tells nothing about which
//! user or which prefix came close.

use std::time::Duration;

use axum::http::header::COOKIE;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::SettingsError;

/// The cookie holding the session id.
pub const COOKIE_NAME: &str = "chatops_session";
/// How long a session lasts; the browser forgets the cookie at the same time.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// Shortest token accepted: anything shorter could be guessed.
pub const MIN_TOKEN_LEN: usize = 16;

/// The environment variable that fixes the start-up token (see [`check_start_token`]), so
/// that every replica accepts the same one.
pub const TOKEN_ENV: &str = "CHATOPS_WEB_TOKEN";

/// Known users, by token digest. (Their sessions are in [`crate::sessions`].)
pub struct Auth {
    users: Vec<(String, [u8; 32])>,
}

/// Refuses a fixed start-up token that could be guessed or mistyped: shorter than
/// [`MIN_TOKEN_LEN`], or with whitespace.
pub fn check_start_token(token: &str) -> Result<(), SettingsError> {
    if token.chars().count() < MIN_TOKEN_LEN || token.chars().any(char::is_whitespace) {
        return Err(SettingsError::BadStartToken);
    }
    Ok(())
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// `bytes` random bytes from the operating system, as lowercase hex.
pub fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

impl Auth {
    /// Checks the users' names and tokens: none empty or short, no token shared by two users.
    pub fn new(users: &[(String, String)]) -> Result<Auth, SettingsError> {
        let mut known: Vec<(String, [u8; 32])> = Vec::new();
        for (name, token) in users {
            if name.trim().is_empty() {
                return Err(SettingsError::EmptyUserName);
            }
            if token.chars().count() < MIN_TOKEN_LEN {
                return Err(SettingsError::ShortToken { user: name.clone() });
            }
            let d = digest(token);
            if let Some((other, _)) = known.iter().find(|(_, k)| *k == d) {
                return Err(SettingsError::SharedToken {
                    first: other.clone(),
                    second: name.clone(),
                });
            }
            known.push((name.clone(), d));
        }
        Ok(Auth { users: known })
    }

    /// The user whose token this is. Every user's digest is compared, whatever matched before.
    pub fn check_token(&self, token: &str) -> Option<String> {
        let d = digest(token);
        let mut found = None;
        for (name, known) in &self.users {
            if bool::from(known.ct_eq(&d)) {
                found = Some(name.clone());
            }
        }
        found
    }
}

/// The session id from the request's `Cookie` headers.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// The `Set-Cookie` value opening a session: HttpOnly so scripts cannot read it, SameSite=Strict
/// so no other site can make the browser send it.
pub fn set_cookie(id: &str) -> String {
    format!(
        "{COOKIE_NAME}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_TTL.as_secs()
    )
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn auth() -> Auth {
        Auth::new(&[
            ("alice".into(), "alice-token-0123456789".into()),
            ("bob".into(), "bob-token-0123456789ab".into()),
        ])
        .expect("valid users")
    }

    #[test]
    fn tokens_name_their_user() {
        let a = auth();
        assert_eq!(
            a.check_token("alice-token-0123456789").as_deref(),
            Some("alice")
        );
        assert_eq!(
            a.check_token("bob-token-0123456789ab").as_deref(),
            Some("bob")
        );
        assert_eq!(a.check_token("alice-token-012345678"), None);
        assert_eq!(a.check_token(""), None);
    }

    #[test]
    fn bad_users_are_refused() {
        let short = Auth::new(&[("a".into(), "short".into())]);
        assert!(matches!(short, Err(SettingsError::ShortToken { .. })));
        let shared = Auth::new(&[
            ("a".into(), "same-token-0123456789".into()),
            ("b".into(), "same-token-0123456789".into()),
        ]);
        assert!(matches!(shared, Err(SettingsError::SharedToken { .. })));
        let unnamed = Auth::new(&[(" ".into(), "some-token-0123456789".into())]);
        assert!(matches!(unnamed, Err(SettingsError::EmptyUserName)));
    }

    #[test]
    fn the_session_id_comes_from_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("x=1; chatops_session=abc; y=2"),
        );
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn start_tokens_must_be_long_and_plain() {
        assert!(check_start_token("start-token-0123456789").is_ok());
        assert!(check_start_token("short").is_err());
        assert!(check_start_token("has a space 0123456789").is_err());
    }
}
