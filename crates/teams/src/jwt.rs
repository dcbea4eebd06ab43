//! Compact JSON Web Tokens (RFC 7519), as far as the Bot Framework's tokens need: three
//! base64url parts without padding, a JSON header whose `alg` must be `RS256`, a JSON object of
//! claims, and an RSA PKCS#1 v1.5 SHA-256 signature checked with ring against a public key
//! given as JWK components (`n`, `e`).
//!
//! Nothing here trusts what it reads: every shape problem is a [`JwtError`] that names the
//! part at fault, never a panic, and no error echoes the token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::signature::{RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use serde_json::{Map, Value};
use thiserror::Error;

/// The only signature algorithm accepted.
pub const RS256: &str = "RS256";

/// Longer tokens are refused before anything is decoded (Bot Framework tokens are ~1–2 KB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The smallest RSA modulus accepted, in bits (ring's lower bound too).
const MIN_MODULUS_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (ring's upper bound too).
const MAX_MODULUS_BITS: usize = 8192;

/// Which of the three parts of a compact token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The first part: the JOSE header.
    Header,
    /// The second part: the claims.
    Payload,
    /// The third part: the signature.
    Signature,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// Why a token or key was not accepted. Each variant says what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JwtError {
    /// Empty text.
    #[error("the token is empty")]
    Empty,
    /// Longer than [`MAX_TOKEN_BYTES`].
    #[error("the token is {len} bytes, more than the {max} accepted")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not `header.payload.signature`.
    #[error("the token has {parts} dot-separated part(s): expected 3 (header.payload.signature)")]
    WrongPartCount {
        /// How many parts were found.
        parts: usize,
    },
    /// A part is empty.
    #[error("the token's {part} is empty")]
    EmptyPart {
        /// Which part.
        part: Part,
    },
    /// A part is not base64url without padding.
    #[error("the token's {part} is not base64url without padding: {reason}")]
    NotBase64Url {
        /// Which part.
        part: Part,
        /// The decoder's reason.
        reason: String,
    },
    /// The header or payload is not a JSON object.
    #[error("the token's {part} is not a JSON object: {reason}")]
    NotJsonObject {
        /// Which part.
        part: Part,
        /// The parser's reason (it names a position, not the text).
        reason: String,
    },
    /// The header has no `alg` string.
    #[error("the token's header has no \"alg\" string")]
    MissingAlg,
    /// `alg` is not `RS256`.
    #[error("the token's algorithm {alg:?} is not accepted: expected \"RS256\"")]
    UnsupportedAlg {
        /// The `alg` found (shortened if long).
        alg: String,
    },
    /// `kid` is present but not a string.
    #[error("the token's header \"kid\" is not a string")]
    KidNotString,
    /// A JWK's `n` or `e` is unusable.
    #[error("the RSA key's {component} is not usable: {reason}")]
    BadKey {
        /// `"n"` or `"e"`.
        component: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The signature does not verify under the key.
    #[error("the token's signature does not verify with key {kid:?}: it was changed, or another key signed it")]
    BadSignature {
        /// The key id used (shortened if long).
        kid: String,
    },
}

/// A token's JOSE header: what the checks need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Always [`RS256`] in a parsed token.
    pub alg: String,
    /// The signing key's id, when given.
    pub kid: Option<String>,
    /// `typ`, when given (not checked).
    pub typ: Option<String>,
}

/// A parsed (not yet verified) RS256 token.
#[derive(Clone)]
pub struct Jwt {
    /// The header.
    pub header: Header,
    /// The claims (the payload object).
    pub claims: Map<String, Value>,
    /// `header.payload` as sent: the signed bytes.
    signing_input: String,
    /// The raw signature.
    signature: Vec<u8>,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The claims are shown; the signature (half of a replayable token) is not.
        f.debug_struct("Jwt")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("signature_bytes", &self.signature.len())
            .finish()
    }
}

/// An RSA public key from JWK components: the modulus and exponent as big-endian bytes
/// (leading zeros removed), checked to be a size ring verifies with.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicJwk {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl std::fmt::Debug for RsaPublicJwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaPublicJwk")
            .field("bits", &self.bits())
            .finish()
    }
}

impl RsaPublicJwk {
    /// The key from a JWK's `n` and `e` (base64url, padding tolerated as some issuers add it).
    pub fn from_base64url(n: &str, e: &str) -> Result<RsaPublicJwk, JwtError> {
        let decode = |component: &'static str, text: &str| {
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|err| JwtError::BadKey {
                    component,
                    reason: format!("not base64url: {err}"),
                })
        };
        RsaPublicJwk::from_components(&decode("n", n)?, &decode("e", e)?)
    }

    /// The key from big-endian `n` and `e`.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<RsaPublicJwk, JwtError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let bits = bit_length(n);
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(JwtError::BadKey {
                component: "n",
                reason: format!("the modulus is {bits} bits: expected 2048 to 8192"),
            });
        }
        // ring accepts odd exponents from 3 up to 2^33 - 1.
        let odd = e.last().is_some_and(|b| b & 1 == 1);
        let small = e.len() == 1 && e[0] < 3;
        if e.is_empty() || e.len() > 4 || !odd || small {
            return Err(JwtError::BadKey {
                component: "e",
                reason: "the exponent must be odd, at least 3 and at most 32 bits".into(),
            });
        }
        Ok(RsaPublicJwk {
            n: n.to_vec(),
            e: e.to_vec(),
        })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        bit_length(&self.n)
    }
}

/// The bit length of a big-endian number without leading zero bytes.
fn bit_length(n: &[u8]) -> usize {
    match n.first() {
        Some(first) => (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// Cuts `s` to at most `max_chars` characters, marking the cut.
pub(crate) fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

fn decode_part(part: Part, text: &str) -> Result<Vec<u8>, JwtError> {
    if text.is_empty() {
        return Err(JwtError::EmptyPart { part });
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| JwtError::NotBase64Url {
            part,
            reason: e.to_string(),
        })
}

fn json_object(part: Part, bytes: &[u8]) -> Result<Map<String, Value>, JwtError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JwtError::NotJsonObject {
            part,
            reason: "it is JSON, but not an object".into(),
        }),
        Err(e) => Err(JwtError::NotJsonObject {
            part,
            reason: e.to_string(),
        }),
    }
}

impl Jwt {
    /// Parses a compact token. Only `RS256` tokens parse: `none`, `HS256` and every other
    /// `alg` are refused here, before any key is looked at.
    pub fn parse(token: &str) -> Result<Jwt, JwtError> {
        if token.is_empty() {
            return Err(JwtError::Empty);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(JwtError::TooLong {
                len: token.len(),
                max: MAX_TOKEN_BYTES,
            });
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [header_b64, payload_b64, signature_b64] = parts[..] else {
            return Err(JwtError::WrongPartCount { parts: parts.len() });
        };
        let header = json_object(Part::Header, &decode_part(Part::Header, header_b64)?)?;
        let alg = match header.get("alg") {
            Some(Value::String(alg)) => alg.clone(),
            _ => return Err(JwtError::MissingAlg),
        };
        if alg != RS256 {
            return Err(JwtError::UnsupportedAlg {
                alg: shorten(&alg, 32),
            });
        }
        let kid = match header.get("kid") {
            None | Some(Value::Null) => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(JwtError::KidNotString),
        };
        let typ = header
            .get("typ")
            .and_then(Value::as_str)
            .map(str::to_string);
        let claims = json_object(Part::Payload, &decode_part(Part::Payload, payload_b64)?)?;
        let signature = decode_part(Part::Signature, signature_b64)?;
        Ok(Jwt {
            header: Header { alg, kid, typ },
            claims,
            signing_input: format!("{header_b64}.{payload_b64}"),
            signature,
        })
    }

    /// Checks the RS256 signature with `key`.
    pub fn verify(&self, key: &RsaPublicJwk) -> Result<(), JwtError> {
        RsaPublicKeyComponents {
            n: &key.n,
            e: &key.e,
        }
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            self.signing_input.as_bytes(),
            &self.signature,
        )
        .map_err(|_| JwtError::BadSignature {
            kid: shorten(self.header.kid.as_deref().unwrap_or(""), 64),
        })
    }

    /// A string claim.
    pub fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token(header: &str, payload: &str, sig: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(payload), sig)
    }

    const RS: &str = r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#;

    #[test]
    fn parses_an_rs256_token() {
        let jwt = Jwt::parse(&token(RS, r#"{"iss":"x","exp":1}"#, "AQID")).unwrap();
        assert_eq!(jwt.header.alg, "RS256");
        assert_eq!(jwt.header.kid.as_deref(), Some("k1"));
        assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
        assert_eq!(jwt.str_claim("iss"), Some("x"));
        assert_eq!(jwt.signature, vec![1, 2, 3]);
        assert!(!format!("{jwt:?}").contains("AQID"));
    }

    #[test]
    fn refuses_other_algorithms() {
        for alg in ["none", "HS256", "RS512", "PS256", "ES256", "rs256", ""] {
            let header = format!(r#"{{"alg":"{alg}"}}"#);
            assert_eq!(
                Jwt::parse(&token(&header, "{}", "AQID")).unwrap_err(),
                JwtError::UnsupportedAlg { alg: alg.into() },
                "{alg}"
            );
        }
        assert_eq!(
            Jwt::parse(&token(r#"{"typ":"JWT"}"#, "{}", "AQID")).unwrap_err(),
            JwtError::MissingAlg
        );
        assert_eq!(
            Jwt::parse(&token(r#"{"alg":256}"#, "{}", "AQID")).unwrap_err(),
            JwtError::MissingAlg
        );
        // `alg: none` with an empty signature is still refused by its algorithm.
        assert_eq!(
            Jwt::parse(&format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64("{}"))).unwrap_err(),
            JwtError::UnsupportedAlg { alg: "none".into() }
        );
    }

    #[test]
    fn names_what_is_malformed() {
        assert_eq!(Jwt::parse("").unwrap_err(), JwtError::Empty);
        assert_eq!(
            Jwt::parse("abc").unwrap_err(),
            JwtError::WrongPartCount { parts: 1 }
        );
        assert_eq!(
            Jwt::parse("a.b.c.d").unwrap_err(),
            JwtError::WrongPartCount { parts: 4 }
        );
        assert_eq!(
            Jwt::parse(&format!(".{}.AQID", b64("{}"))).unwrap_err(),
            JwtError::EmptyPart { part: Part::Header }
        );
        assert_eq!(
            Jwt::parse(&format!("{}.{}.", b64(RS), b64("{}"))).unwrap_err(),
            JwtError::EmptyPart {
                part: Part::Signature
            }
        );
        assert!(matches!(
            Jwt::parse(&format!("{}=.{}.AQID", b64(RS), b64("{}"))).unwrap_err(),
            JwtError::NotBase64Url {
                part: Part::Header,
                ..
            }
        ));
        assert!(matches!(
            Jwt::parse(&format!("{}.{}.AQ+/", b64(RS), b64("{}"))).unwrap_err(),
            JwtError::NotBase64Url {
                part: Part::Signature,
                ..
            }
        ));
        assert!(matches!(
            Jwt::parse(&token(RS, "[1]", "AQID")).unwrap_err(),
            JwtError::NotJsonObject {
                part: Part::Payload,
                ..
            }
        ));
        assert!(matches!(
            Jwt::parse(&token("not json", "{}", "AQID")).unwrap_err(),
            JwtError::NotJsonObject {
                part: Part::Header,
                ..
            }
        ));
        assert_eq!(
            Jwt::parse(&token(r#"{"alg":"RS256","kid":7}"#, "{}", "AQID")).unwrap_err(),
            JwtError::KidNotString
        );
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(matches!(
            Jwt::parse(&long).unwrap_err(),
            JwtError::TooLong { .. }
        ));
    }

    #[test]
    fn errors_never_echo_the_token() {
        let secretish = "eyJzZWNyZXRzZWNyZXRzZWNyZXQ";
        for t in [
            format!("{secretish}.{secretish}"),
            format!("{secretish}.{secretish}.{secretish}!"),
            format!("{}.{secretish}.{secretish}", b64(RS)),
        ] {
            let text = Jwt::parse(&t).unwrap_err().to_string();
            assert!(!text.contains(secretish), "{text}");
        }
    }

    #[test]
    fn checks_key_sizes() {
        let n = vec![0xff; 256];
        assert!(RsaPublicJwk::from_components(&n, &[1, 0, 1]).is_ok());
        // Leading zeros do not count.
        let mut padded = vec![0u8];
        padded.extend_from_slice(&n);
        assert_eq!(
            RsaPublicJwk::from_components(&padded, &[0, 1, 0, 1])
                .unwrap()
                .bits(),
            2048
        );
        assert!(matches!(
            RsaPublicJwk::from_components(&[0xff; 128], &[1, 0, 1]),
            Err(JwtError::BadKey { component: "n", .. })
        ));
        let mut short = vec![0x7f];
        short.extend_from_slice(&[0xff; 255]);
        assert!(matches!(
            RsaPublicJwk::from_components(&short, &[1, 0, 1]),
            Err(JwtError::BadKey { component: "n", .. })
        ));
        assert!(matches!(
            RsaPublicJwk::from_components(&[0xff; 1025], &[1, 0, 1]),
            Err(JwtError::BadKey { component: "n", .. })
        ));
        for e in [&[][..], &[1], &[2], &[1, 0, 0], &[1, 0, 0, 0, 1]] {
            assert!(
                matches!(
                    RsaPublicJwk::from_components(&n, e),
                    Err(JwtError::BadKey { component: "e", .. })
                ),
                "{e:?}"
            );
        }
        assert!(matches!(
            RsaPublicJwk::from_base64url("!!", "AQAB"),
            Err(JwtError::BadKey { component: "n", .. })
        ));
    }

    #[test]
    fn a_wrong_signature_is_refused_not_panicked_on() {
        let key = RsaPublicJwk::from_components(&[0xc3; 256], &[1, 0, 1]).unwrap();
        for sig in ["AQID", &URL_SAFE_NO_PAD.encode([7u8; 256])] {
            let jwt = Jwt::parse(&token(RS, "{}", sig)).unwrap();
            assert_eq!(
                jwt.verify(&key).unwrap_err(),
                JwtError::BadSignature { kid: "k1".into() }
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_garbage(input in ".{0,300}") {
            let _ = Jwt::parse(&input);
        }

        #[test]
        fn never_panics_on_token_shaped_garbage(
            parts in proptest::collection::vec("[A-Za-z0-9_=+/-]{0,60}", 0..5),
        ) {
            let _ = Jwt::parse(&parts.join("."));
        }

        #[test]
        fn never_panics_on_truncations(cut in 0usize..400, flip in 0usize..400) {
            let full = token(RS, r#"{"iss":"https://api.botframework.com","aud":"a","exp":9}"#, &URL_SAFE_NO_PAD.encode([9u8; 256]));
            let mut bytes = full.as_bytes()[..cut.min(full.len())].to_vec();
            if let Some(b) = bytes.get_mut(flip) {
                *b ^= 0x21;
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(jwt) = Jwt::parse(&text) {
                let key = RsaPublicJwk::from_components(&[0xc3; 256], &[1, 0, 1]).unwrap();
                prop_assert!(jwt.verify(&key).is_err());
            }
        }

        #[test]
        fn never_panics_on_any_key_components(
            n in proptest::collection::vec(any::<u8>(), 0..600),
            e in proptest::collection::vec(any::<u8>(), 0..8),
        ) {
            if let Ok(key) = RsaPublicJwk::from_components(&n, &e) {
                let jwt = Jwt::parse(&token(RS, "{}", "AQID")).unwrap();
                prop_assert!(jwt.verify(&key).is_err());
            }
        }
    }
}
