//! The key: 32 bytes from `CHATOPS_TOKEN_KEY` that seal the installations and, through a
//! key derived for that purpose, sign install states.

use base64::Engine as _;
use hmac::Mac;
use std::fmt;

/// The environment variable holding the token encryption key.
pub const TOKEN_KEY_ENV: &str = "CHATOPS_TOKEN_KEY";

pub(super) type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// 32 bytes that encrypt the tokens (and sign install states). Never printed.
#[derive(Clone)]
pub struct TokenKey(pub(super) [u8; 32]);

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
    pub(super) fn derive(&self, label: &str) -> [u8; 32] {
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
}
