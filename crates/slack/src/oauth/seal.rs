//! Sealing installation records: ChaCha20-Poly1305 under the [`TokenKey`], a random nonce per
//! record, the team id as associated data, so the store only ever holds ciphertext.

use super::key::{TokenKey, TOKEN_KEY_ENV};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

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
