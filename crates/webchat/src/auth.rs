//! Sign-in: who may use the web chat, and the sessions of those who signed in.
//!
//! The web chat runs AWS commands, so it is never open to whoever reaches the port: every API
//! and WebSocket request must carry a session cookie, and a session is only opened for a known
//! token. Tokens are compared in constant time (over their SHA-256 digests, so the length of a
//! guess leaks nothing either), and against every user, so timing tells nothing about which
//! user or which prefix came close.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::header::COOKIE;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::SettingsError;

/// The cookie holding the session id.
pub const COOKIE_NAME: &str = "chatops_session";
/// How long a session lasts; the browser forgets the cookie at the same time.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// Sessions kept at most; the oldest goes first, so a token holder signing in in a loop cannot
/// grow memory without bound.
const MAX_SESSIONS: usize = 10_000;
/// Shortest token accepted: anything shorter could be guessed.
pub const MIN_TOKEN_LEN: usize = 16;

/// Known users (by token digest) and open sessions.
pub struct Auth {
    users: Vec<(String, [u8; 32])>,
    sessions: Mutex<HashMap<String, Session>>,
}

struct Session {
    user: String,
    opened: Instant,
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
        Ok(Auth {
            users: known,
            sessions: Mutex::new(HashMap::new()),
        })
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

    /// Opens a session for `user`, returning its id (the cookie value).
    pub fn open(&self, user: &str) -> Result<String, getrandom::Error> {
        let id = random_hex(32)?;
        let mut sessions = self.lock();
        let now = Instant::now();
        sessions.retain(|_, s| now.duration_since(s.opened) < SESSION_TTL);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, s)| s.opened)
                .map(|(k, _)| k.clone())
            {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(
            id.clone(),
            Session {
                user: user.to_string(),
                opened: now,
            },
        );
        Ok(id)
    }

    /// The signed-in user of a request, from its session cookie.
    pub fn user_of(&self, headers: &HeaderMap) -> Option<String> {
        let id = session_cookie(headers)?;
        let sessions = self.lock();
        let s = sessions.get(&id)?;
        (s.opened.elapsed() < SESSION_TTL).then(|| s.user.clone())
    }

    /// Ends the request's session, if any.
    pub fn close(&self, headers: &HeaderMap) {
        if let Some(id) = session_cookie(headers) {
            self.lock().remove(&id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding this lock cannot leave the map half-changed, so go on.
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The session id from the request's `Cookie` headers.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
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
    fn sessions_come_from_the_cookie() {
        let a = auth();
        let id = a.open("bob").expect("random");
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_str(&format!("x=1; {COOKIE_NAME}={id}; y=2")).expect("ascii"),
        );
        assert_eq!(a.user_of(&h).as_deref(), Some("bob"));
        a.close(&h);
        assert_eq!(a.user_of(&h), None);
        let mut forged = HeaderMap::new();
        forged.insert(COOKIE, HeaderValue::from_static("chatops_session=00"));
        assert_eq!(a.user_of(&forged), None);
    }
}
