//! Slack's request signing, version `v0`: every request Slack sends (events, interactivity,
//! slash commands) carries `X-Slack-Request-Timestamp` and `X-Slack-Signature`, the latter
//! `v0=` + hex(HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`)).
//!
//! [`verify`] must run on the raw body bytes before anything is parsed. The comparison is
//! constant-time (`hmac`'s `verify_slice`), and requests whose timestamp is more than
//! [`MAX_SKEW_SECS`] away from now, in either direction, are refused (replays).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header carrying the request's Unix time in seconds.
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// The header carrying `v0=<hex>`.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";
/// How far (seconds) a request's timestamp may be from now, either way: five minutes, as
/// Slack's documentation and its SDKs use (a difference of exactly 300 s is still accepted).
pub const MAX_SKEW_SECS: i64 = 300;

const VERSION: &str = "v0";

/// The two signing headers of one request, as received (`None` when absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignatureHeaders<'a> {
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

impl<'a> SignatureHeaders<'a> {
    /// Reads both headers through a lookup by lower-case header name (an HTTP header map
    /// is case-insensitive; pass a closure over it).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<&'a str>) -> Self {
        SignatureHeaders {
            timestamp: lookup(TIMESTAMP_HEADER),
            signature: lookup(SIGNATURE_HEADER),
        }
    }
}

/// Why a request's signature was refused. Every variant means: answer 401, run nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signing secret is empty; set the Slack app's signing secret")]
    EmptySecret,
    #[error("missing header X-Slack-Request-Timestamp")]
    MissingTimestamp,
    #[error("missing header X-Slack-Signature")]
    MissingSignature,
    #[error("malformed X-Slack-Request-Timestamp {0:?}: expected Unix seconds (digits only)")]
    MalformedTimestamp(String),
    #[error("malformed X-Slack-Signature: {0}")]
    MalformedSignature(&'static str),
    #[error(
        "stale request: timestamp {timestamp} is {skew} s from now ({now}); at most {MAX_SKEW_SECS} s is accepted"
    )]
    Stale { timestamp: i64, now: i64, skew: i64 },
    #[error("signature mismatch: the body was not signed with this app's signing secret")]
    BadSignature,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty-key MAC
    // rather than panic if a future version ever refuses one.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()));
    mac.update(VERSION.as_bytes());
    mac.update(b":");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// The `X-Slack-Signature` value Slack would send for this body at this timestamp
/// (for tests and the local Slack double).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let code = mac(secret, timestamp, body).finalize().into_bytes();
    format!("{VERSION}={}", hex::encode(code))
}

fn parse_timestamp(raw: &str) -> Result<i64, SignatureError> {
    let malformed = || SignatureError::MalformedTimestamp(raw.chars().take(40).collect());
    if raw.is_empty() || raw.len() > 12 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    raw.parse::<i64>().map_err(|_| malformed())
}

/// Checks one request: both headers present and well formed, the timestamp within
/// [`MAX_SKEW_SECS`] of `now` (Unix seconds), and the signature the HMAC of the raw `body`.
pub fn verify(
    signing_secret: &str,
    headers: &SignatureHeaders<'_>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    if signing_secret.is_empty() {
        return Err(SignatureError::EmptySecret);
    }
    let raw_ts = headers
        .timestamp
        .map(str::trim)
        .ok_or(SignatureError::MissingTimestamp)?;
    let raw_sig = headers
        .signature
        .map(str::trim)
        .ok_or(SignatureError::MissingSignature)?;
    if raw_ts.is_empty() {
        return Err(SignatureError::MissingTimestamp);
    }
    if raw_sig.is_empty() {
        return Err(SignatureError::MissingSignature);
    }
    let timestamp = parse_timestamp(raw_ts)?;
    let skew = now.saturating_sub(timestamp).saturating_abs();
    if skew > MAX_SKEW_SECS {
        return Err(SignatureError::Stale {
            timestamp,
            now,
            skew,
        });
    }
    let hex_part = raw_sig
        .strip_prefix("v0=")
        .ok_or(SignatureError::MalformedSignature(
            "expected the version prefix \"v0=\"",
        ))?;
    if hex_part.len() != 64 {
        return Err(SignatureError::MalformedSignature(
            "expected 64 hexadecimal digits after \"v0=\"",
        ));
    }
    let given = hex::decode(hex_part).map_err(|_| {
        SignatureError::MalformedSignature("expected hexadecimal digits after \"v0=\"")
    })?;
    mac(signing_secret, raw_ts, body)
        .verify_slice(&given)
        .map_err(|_| SignatureError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The worked example in Slack's "Verifying requests from Slack" guide.
    const DOC_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const DOC_TS: &str = "1531420618";
    const DOC_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const DOC_SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn h<'a>(ts: &'a str, sig: &'a str) -> SignatureHeaders<'a> {
        SignatureHeaders {
            timestamp: Some(ts),
            signature: Some(sig),
        }
    }

    #[test]
    fn slack_documented_example_verifies() {
        assert_eq!(sign(DOC_SECRET, DOC_TS, DOC_BODY.as_bytes()), DOC_SIG);
        let now = DOC_TS.parse::<i64>().unwrap() + 10;
        assert_eq!(
            verify(DOC_SECRET, &h(DOC_TS, DOC_SIG), DOC_BODY.as_bytes(), now),
            Ok(())
        );
    }

    #[test]
    fn refusals_name_the_reason() {
        let now = 1_700_000_000;
        let ts = now.to_string();
        let body = b"{\"type\":\"url_verification\"}";
        let sig = sign("s3cret", &ts, body);
        assert_eq!(verify("s3cret", &h(&ts, &sig), body, now), Ok(()));
        assert_eq!(
            verify("other", &h(&ts, &sig), body, now),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            verify(
                "s3cret",
                &h(&ts, &sig),
                b"{\"type\":\"url_verification \"}",
                now
            ),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            verify("", &h(&ts, &sig), body, now),
            Err(SignatureError::EmptySecret)
        );
        let missing_ts = SignatureHeaders {
            timestamp: None,
            signature: Some(&sig),
        };
        assert_eq!(
            verify("s3cret", &missing_ts, body, now),
            Err(SignatureError::MissingTimestamp)
        );
        let missing_sig = SignatureHeaders {
            timestamp: Some(&ts),
            signature: None,
        };
        assert_eq!(
            verify("s3cret", &missing_sig, body, now),
            Err(SignatureError::MissingSignature)
        );
        for bad in ["", " ", "-5", "1e9", "17000000000000", "12a"] {
            let r = verify("s3cret", &h(bad, &sig), body, now);
            assert!(
                matches!(
                    r,
                    Err(SignatureError::MalformedTimestamp(_) | SignatureError::MissingTimestamp)
                ),
                "{bad:?}: {r:?}"
            );
        }
        for bad in [
            "v1=00",
            "a2114d57",
            "v0=xyz",
            &sig[..sig.len() - 1],
            &format!("{}zz", &sig[..sig.len() - 2]),
        ] {
            let r = verify("s3cret", &h(&ts, bad), body, now);
            assert!(
                matches!(r, Err(SignatureError::MalformedSignature(_))),
                "{bad:?}: {r:?}"
            );
        }
    }

    #[test]
    fn replay_window_is_five_minutes_both_ways() {
        let ts = 1_700_000_000i64;
        let t = ts.to_string();
        let body = b"x";
        let sig = sign("k", &t, body);
        for now in [ts - 300, ts, ts + 300] {
            assert_eq!(verify("k", &h(&t, &sig), body, now), Ok(()), "{now}");
        }
        for now in [ts - 301, ts + 301, ts + 86_400, 0, i64::MAX] {
            assert!(
                matches!(
                    verify("k", &h(&t, &sig), body, now),
                    Err(SignatureError::Stale { .. })
                ),
                "{now}"
            );
        }
    }

    #[test]
    fn upper_case_hex_and_surrounding_space_are_tolerated() {
        let t = "1700000000";
        let sig = sign("k", t, b"b");
        let upper = format!("v0={}", sig[3..].to_uppercase());
        assert_eq!(verify("k", &h(t, &upper), b"b", 1_700_000_000), Ok(()));
        assert_eq!(
            verify(
                "k",
                &h(" 1700000000 ", &format!(" {sig}")),
                b"b",
                1_700_000_000
            ),
            Ok(())
        );
    }
}
