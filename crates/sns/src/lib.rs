//! Amazon SNS deliveries to an HTTP(S) endpoint (and the same envelope read from SQS): the
//! envelope ([`Envelope`]), its signature ([`Verifier`]: SignatureVersion 1 = SHA1withRSA,
//! 2 = SHA256withRSA, over the documented string to sign of each message type), and where
//! a signing certificate may come from (only `https://sns.<region>.amazonaws.com[.cn]/….pem`,
//! fetched once and cached; or one trusted certificate given by the operator).
//!
//! Nothing here acts on a message: it says whether a body is an SNS message AWS signed.
//!
//! Modules: [`envelope`] (parse, string to sign), [`cert_url`] (which certificate URLs are
//! allowed), [`certs`] (trusted or fetched keys, PEM), [`der`] (the certificate's RSA key),
//! [`verify`] (the checks in order), and `testing` (feature `testing`: a test key and signer).

pub mod cert_url;
pub mod certs;
pub mod der;
pub mod envelope;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verify;

pub use cert_url::{check_cert_url, CertUrlReason};
pub use certs::{
    pem_certificate_der, rsa_key_from_pem, CertError, CertFetcher, CertSource, FetchError,
    FetchFuture, Fetching, HttpFetcher, TRUSTED_CERT_ENV,
};
pub use der::{rsa_public_key_from_certificate, DerError, RsaPublicKey};
pub use envelope::{string_to_sign, Envelope, EnvelopeError, MessageType};
pub use verify::{FailureKind, Verifier, VerifyError, DEFAULT_MAX_AGE, MAX_CLOCK_SKEW};

/// At most `max_chars` characters of a value a sender chose, for errors and logs.
pub(crate) fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}
