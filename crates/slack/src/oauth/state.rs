//! The install `state`: signed, expiring, single-use, so a callback comes back from an
//! install this app started.

use super::key::{HmacSha256, TokenKey};
use super::seal::CryptoError;
use hmac::Mac;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_expire_and_are_signed() {
        let s = StateSigner::new(&TokenKey::from_bytes([7; 32]), Duration::from_secs(600));
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
}
