//! Says whether an [`Envelope`] is a message AWS signed, recently: signature version, where
//! the certificate is, how old the message is, and the RSA signature itself.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use thiserror::Error;

use crate::cert_url::{check_cert_url, CertUrlReason};
use crate::certs::{CertError, CertSource, FetchError};
use crate::envelope::{string_to_sign, Envelope};
use crate::shorten;

/// How far in the future a `Timestamp` may be (clocks differ); further is refused.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// How old a message may be by default: SNS retries deliveries for up to about an hour with
/// the default HTTP delivery policy, and an older message is more likely a replay.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// Why a message was not accepted as signed by AWS. Each variant says what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// `SignatureVersion` is neither `"1"` nor `"2"`.
    #[error("SignatureVersion {found:?} is not supported: expected \"1\" (SHA1withRSA) or \"2\" (SHA256withRSA)")]
    UnsupportedSignatureVersion {
        /// The value found (shortened if long).
        found: String,
    },
    /// `SigningCertURL` is not an SNS certificate URL.
    #[error("SigningCertURL {url:?} is not allowed: {reason}")]
    CertUrlNotAllowed {
        /// The URL (shortened if long).
        url: String,
        /// The rule it breaks.
        reason: CertUrlReason,
    },
    /// `Timestamp` is not a date and time.
    #[error("Timestamp {value:?} is not readable: expected RFC 3339 such as 2012-04-26T20:45:04.751Z ({reason})")]
    TimestampUnreadable {
        /// The value found (shortened if long).
        value: String,
        /// The date parser's reason.
        reason: String,
    },
    /// The message is older than the verifier's `max_age`.
    #[error("Timestamp {timestamp} is {} s old, more than the {} s allowed (a replay, or a delivery retried too long)", age.as_secs(), max_age.as_secs())]
    TooOld {
        /// The `Timestamp` as sent.
        timestamp: String,
        /// How old it is.
        age: Duration,
        /// The limit.
        max_age: Duration,
    },
    /// The message is dated more than [`MAX_CLOCK_SKEW`] ahead.
    #[error("Timestamp {timestamp} is {} s in the future, more than the {} s of clock difference allowed", ahead.as_secs(), MAX_CLOCK_SKEW.as_secs())]
    InFuture {
        /// The `Timestamp` as sent.
        timestamp: String,
        /// How far ahead of now it is.
        ahead: Duration,
    },
    /// The certificate could not be fetched (network, status, size).
    #[error("signing certificate {url} could not be fetched: {source}")]
    CertFetch {
        /// The certificate URL.
        url: String,
        /// What went wrong.
        source: FetchError,
    },
    /// The certificate was fetched but is not a usable RSA certificate.
    #[error("signing certificate {url} could not be read: {source}")]
    CertParse {
        /// The certificate URL.
        url: String,
        /// What is wrong with it.
        source: CertError,
    },
    /// `Signature` is not base64.
    #[error("Signature is not base64: {reason}")]
    SignatureNotBase64 {
        /// The decoder's reason.
        reason: String,
    },
    /// The signature does not match the signed fields under the certificate's key.
    #[error("Signature does not match the message (SignatureVersion {version}, certificate {url}): a signed field was changed, or another key signed it")]
    SignatureMismatch {
        /// The `SignatureVersion` used.
        version: String,
        /// The certificate URL whose key was used.
        url: String,
    },
}

/// Whose problem a [`VerifyError`] is, for choosing a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The request is not in a shape we accept (HTTP 400).
    Malformed,
    /// It is well-formed but not shown to come from AWS, recently (HTTP 401/403).
    NotAuthentic,
    /// We could not check it now (the certificate could not be had): HTTP 503 makes SNS
    /// retry later.
    Unavailable,
}

impl VerifyError {
    /// Whose problem this is.
    pub fn kind(&self) -> FailureKind {
        match self {
            VerifyError::UnsupportedSignatureVersion { .. }
            | VerifyError::TimestampUnreadable { .. }
            | VerifyError::SignatureNotBase64 { .. } => FailureKind::Malformed,
            VerifyError::CertUrlNotAllowed { .. }
            | VerifyError::TooOld { .. }
            | VerifyError::InFuture { .. }
            | VerifyError::SignatureMismatch { .. } => FailureKind::NotAuthentic,
            VerifyError::CertFetch { .. } | VerifyError::CertParse { .. } => {
                FailureKind::Unavailable
            }
        }
    }

    /// A status for an HTTP endpoint to answer with: 400, 401 or 503 (see [`FailureKind`]).
    pub fn http_status(&self) -> u16 {
        match self.kind() {
            FailureKind::Malformed => 400,
            FailureKind::NotAuthentic => 401,
            FailureKind::Unavailable => 503,
        }
    }
}

/// Checks SNS messages: where keys come from, and how old a message may be.
#[derive(Debug)]
pub struct Verifier {
    /// Where signing keys come from.
    pub certs: CertSource,
    /// Older messages are refused (replays); [`DEFAULT_MAX_AGE`] unless set.
    pub max_age: Duration,
}

impl Verifier {
    /// A verifier with [`DEFAULT_MAX_AGE`].
    pub fn new(certs: CertSource) -> Verifier {
        Verifier {
            certs,
            max_age: DEFAULT_MAX_AGE,
        }
    }

    /// `Ok` when `env` was signed by AWS's key for its `SigningCertURL` (or the trusted
    /// certificate) and its `Timestamp` is within `max_age` before `now` and at most
    /// [`MAX_CLOCK_SKEW`] after.
    ///
    /// Checks in this order, cheapest and network-free first: SignatureVersion, the
    /// certificate URL rule, the Timestamp, then the key (possibly fetched), the Signature's
    /// base64, and the signature. It does not check the TopicArn against an allow-list: that
    /// is the caller's, since any AWS account signs messages for its own topics.
    pub async fn verify(&self, env: &Envelope, now: DateTime<Utc>) -> Result<(), VerifyError> {
        self.verify_aged(env, Some(now)).await
    }

    /// [`Verifier::verify`] without the age check: for envelopes read from an SQS queue,
    /// which keeps a message for as long as its reader was away (the signature still binds
    /// the Timestamp, so it cannot be moved).
    pub async fn verify_any_age(&self, env: &Envelope) -> Result<(), VerifyError> {
        self.verify_aged(env, None).await
    }

    /// The age check alone (`Timestamp` within `max_age` before `now`, not ahead by more
    /// than [`MAX_CLOCK_SKEW`]): for an endpoint whose operator turned signature checks off
    /// for an emulator, which still refuses replays of old messages.
    pub fn check_age(&self, env: &Envelope, now: DateTime<Utc>) -> Result<(), VerifyError> {
        check_timestamp(&env.timestamp, now, self.max_age)
    }

    async fn verify_aged(
        &self,
        env: &Envelope,
        now: Option<DateTime<Utc>>,
    ) -> Result<(), VerifyError> {
        let algorithm = algorithm(&env.signature_version)?;
        check_cert_url(&env.signing_cert_url)?;
        if let Some(now) = now {
            check_timestamp(&env.timestamp, now, self.max_age)?;
        }
        let key = self.certs.key_for(&env.signing_cert_url).await?;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(env.signature.as_bytes())
            .map_err(|e| VerifyError::SignatureNotBase64 {
                reason: e.to_string(),
            })?;
        UnparsedPublicKey::new(algorithm, key.pkcs1_der())
            .verify(string_to_sign(env).as_bytes(), &signature)
            .map_err(|_| VerifyError::SignatureMismatch {
                version: env.signature_version.clone(),
                url: env.signing_cert_url.clone(),
            })
    }
}

/// The ring algorithm for a `SignatureVersion`.
fn algorithm(version: &str) -> Result<&'static dyn VerificationAlgorithm, VerifyError> {
    match version {
        "1" => Ok(&signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY),
        "2" => Ok(&signature::RSA_PKCS1_2048_8192_SHA256),
        other => Err(VerifyError::UnsupportedSignatureVersion {
            found: shorten(other, 40),
        }),
    }
}

/// Reads `Timestamp` (RFC 3339; SNS writes `2012-04-26T20:45:04.751Z`) and checks its age.
fn check_timestamp(value: &str, now: DateTime<Utc>, max_age: Duration) -> Result<(), VerifyError> {
    let sent = DateTime::parse_from_rfc3339(value)
        .map_err(|e| VerifyError::TimestampUnreadable {
            value: shorten(value, 60),
            reason: e.to_string(),
        })?
        .with_timezone(&Utc);
    let age = now.signed_duration_since(sent);
    match age.to_std() {
        Ok(age) if age > max_age => Err(VerifyError::TooOld {
            timestamp: value.to_string(),
            age,
            max_age,
        }),
        Ok(_) => Ok(()),
        Err(_) => {
            // Negative: sent after `now`.
            let ahead = sent
                .signed_duration_since(now)
                .to_std()
                .unwrap_or(Duration::MAX);
            if ahead > MAX_CLOCK_SKEW {
                Err(VerifyError::InFuture {
                    timestamp: value.to_string(),
                    ahead,
                })
            } else {
                Ok(())
            }
        }
    }
}
