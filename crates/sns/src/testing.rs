//! Test support (cargo feature `testing`, off in the release binary): a TEST-ONLY RSA key and
//! its self-signed certificate, and a signer that makes SNS envelopes that verify against it.
//!
//! The key is published in this repository (`crates/sns/testdata/`, made once by
//! `scripts/make_sns_test_cert.sh`): it proves nothing, and `CHATOPS_SNS_TRUSTED_CERT` must
//! never point at it outside tests.
//!
//! Use: a test verifies with [`verifier`] (or a server started with
//! `CHATOPS_SNS_TRUSTED_CERT=`[`cert_path`]) and posts [`signed_notification`]s. To test a
//! tampered message, change the JSON after signing; to test a changed but validly signed one,
//! change it and call [`sign`] again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{json, Value};

use crate::certs::CertSource;
use crate::envelope::{string_to_sign, Envelope};
use crate::verify::Verifier;

/// The test certificate (PEM), whose key [`sign`] signs with.
pub const CERT_PEM: &[u8] = include_bytes!("../testdata/sns-test-cert.pem");
/// The test private key (PKCS#8 PEM). TEST ONLY.
const KEY_PEM: &str = include_str!("../testdata/sns-test-key.pem");
/// A certificate for another RSA key: a message signed by [`sign`] does not verify with it.
pub const OTHER_CERT_PEM: &[u8] = include_bytes!("../testdata/other-cert.pem");
/// A certificate with an EC P-256 key (not usable for SNS signatures).
pub const EC_CERT_PEM: &[u8] = include_bytes!("../testdata/ec-cert.pem");
/// A certificate with an RSA 1024-bit key (too small for SNS signatures).
pub const SMALL_RSA_CERT_PEM: &[u8] = include_bytes!("../testdata/small-rsa-cert.pem");

/// The `SigningCertURL` test envelopes carry: it passes the URL rule, and nothing is served
/// there, so tests use a trusted source (or a fetcher of their own) for it.
pub const CERT_URL: &str = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem";

/// The absolute path of [`CERT_PEM`], for `CHATOPS_SNS_TRUSTED_CERT` on a spawned server.
pub fn cert_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/sns-test-cert.pem"
    ))
}

/// A [`CertSource::Trusted`] with the test certificate.
pub fn cert_source() -> CertSource {
    match CertSource::trusted_pem(CERT_PEM) {
        Ok(source) => source,
        Err(e) => panic!("the committed test certificate does not load: {e}"),
    }
}

/// A [`Verifier`] that trusts the test certificate, with the default maximum age.
pub fn verifier() -> Verifier {
    Verifier::new(cert_source())
}

/// The time as SNS writes it: `2012-04-26T20:45:04.751Z`.
pub fn sns_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A fresh MessageId in SNS's (UUID) shape.
pub fn message_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_usize(i);
        *w = h.finish();
    }
    let hex = format!("{:016x}{:016x}", words[0], words[1]);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// A signed `Notification` from `topic_arn`, as SNS would POST it.
///
/// `version` is the SignatureVersion, 1 (SHA-1) or 2 (SHA-256). The envelope has a fresh
/// MessageId, [`CERT_URL`] and an UnsubscribeURL; `Subject` only when given.
pub fn signed_notification(
    topic_arn: &str,
    message: &str,
    subject: Option<&str>,
    version: u8,
    timestamp: DateTime<Utc>,
) -> Value {
    let mut v = json!({
        "Type": "Notification",
        "MessageId": message_id(),
        "TopicArn": topic_arn,
        "Message": message,
        "Timestamp": sns_timestamp(timestamp),
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": format!(
            "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:00000000-0000-4000-a000-000000000000"
        ),
    });
    if let Some(subject) = subject {
        v["Subject"] = json!(subject);
    }
    sign(&mut v, version);
    v
}

/// A signed `SubscriptionConfirmation` for `topic_arn` with `token`, as SNS would POST it.
/// (For an `UnsubscribeConfirmation`, change `Type` and call [`sign`] again.)
pub fn signed_confirmation(
    topic_arn: &str,
    token: &str,
    version: u8,
    timestamp: DateTime<Utc>,
) -> Value {
    let mut v = json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": message_id(),
        "Token": token,
        "TopicArn": topic_arn,
        "Message": format!(
            "You have chosen to subscribe to the topic {topic_arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message."
        ),
        "SubscribeURL": format!(
            "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={topic_arn}&Token={token}"
        ),
        "Timestamp": sns_timestamp(timestamp),
        "SigningCertURL": CERT_URL,
    });
    sign(&mut v, version);
    v
}

/// Sets `SignatureVersion` to `version` and `Signature` to the test key's signature over the
/// envelope's string to sign (as it is now).
///
/// # Panics
/// When `version` is not 1 or 2, or `envelope` is not a parseable SNS envelope (a test bug).
pub fn sign(envelope: &mut Value, version: u8) {
    let Some(fields) = envelope.as_object_mut() else {
        panic!("sns::testing::sign: the envelope must be a JSON object")
    };
    fields.insert("SignatureVersion".into(), json!(version.to_string()));
    fields
        .entry("Signature")
        .or_insert_with(|| json!("unsigned"));
    let parsed = match Envelope::parse(envelope.to_string().as_bytes()) {
        Ok(parsed) => parsed,
        Err(e) => panic!("sns::testing::sign: not an SNS envelope: {e}"),
    };
    envelope["Signature"] = json!(signature(&string_to_sign(&parsed), version));
}

/// The base64 signature of `text` with the test key: PKCS#1 v1.5 with SHA-1 (`version` 1)
/// or SHA-256 (2).
///
/// # Panics
/// When `version` is not 1 or 2.
pub fn signature(text: &str, version: u8) -> String {
    let key = private_key().clone();
    let raw = match version {
        1 => SigningKey::<sha1::Sha1>::new(key)
            .sign(text.as_bytes())
            .to_vec(),
        2 => SigningKey::<rsa::sha2::Sha256>::new(key)
            .sign(text.as_bytes())
            .to_vec(),
        other => panic!("sns::testing: SignatureVersion {other} is not 1 or 2"),
    };
    base64::engine::general_purpose::STANDARD.encode(raw)
}

fn private_key() -> &'static rsa::PrivateKey {
    static KEY: OnceLock<rsa::PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| match rsa::PrivateKey::from_pkcs8_pem(KEY_PEM) {
        Ok(key) => key,
        Err(e) => panic!("the committed test key does not load: {e}"),
    })
}
