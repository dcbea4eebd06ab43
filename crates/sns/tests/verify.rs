//! The verifier end to end: envelopes signed by `sns::testing` (the RustCrypto `rsa` crate),
//! checked by `Verifier` (ring), tampered with in every way that matters.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};
use sns::testing::{self, signed_confirmation, signed_notification};
use sns::{
    CertFetcher, CertSource, CertUrlReason, Envelope, FailureKind, FetchFuture, MessageType,
    Verifier, VerifyError,
};

const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:chatops";

fn now() -> DateTime<Utc> {
    // A fixed "now" keeps the tests independent of the clock; envelopes are dated just before.
    DateTime::parse_from_rfc3339("2026-03-01T10:05:37.912Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn sent() -> DateTime<Utc> {
    now() - TimeDelta::seconds(3)
}

async fn check(v: &Value) -> Result<(), VerifyError> {
    check_with(&testing::verifier(), v).await
}

async fn check_with(verifier: &Verifier, v: &Value) -> Result<(), VerifyError> {
    let env = Envelope::parse(v.to_string().as_bytes()).expect("parses");
    verifier.verify(&env, now()).await
}

fn is_mismatch(r: &Result<(), VerifyError>) -> bool {
    matches!(r, Err(VerifyError::SignatureMismatch { .. }))
}

#[tokio::test]
async fn versions_1_and_2_verify() {
    for version in [1, 2] {
        for subject in [
            None,
            Some("ALARM: \"orders-api-errors\" in US East (N. Virginia)"),
        ] {
            let v = signed_notification(TOPIC, "{\"AlarmName\":\"x\"}", subject, version, sent());
            assert_eq!(v["SignatureVersion"], json!(version.to_string()));
            assert_eq!(check(&v).await, Ok(()), "v{version} {subject:?}");
        }
    }
}

#[tokio::test]
async fn a_version_1_signature_does_not_pass_as_version_2() {
    let mut v = signed_notification(TOPIC, "m", None, 1, sent());
    v["SignatureVersion"] = json!("2");
    assert!(is_mismatch(&check(&v).await));
    let mut v = signed_notification(TOPIC, "m", None, 2, sent());
    v["SignatureVersion"] = json!("1");
    assert!(is_mismatch(&check(&v).await));
}

/// Changes the character at `at` of a string field to another one.
fn change_char(v: &mut Value, field: &str, at: usize, to: char) {
    let s = v[field].as_str().expect("string field").to_string();
    let mut chars: Vec<char> = s.chars().collect();
    assert_ne!(chars[at], to, "the change must change something");
    chars[at] = to;
    v[field] = json!(chars.into_iter().collect::<String>());
}

#[tokio::test]
async fn a_changed_byte_in_any_signed_notification_field_is_refused() {
    for version in [1, 2] {
        let signed = signed_notification(TOPIC, "hello", Some("subject"), version, sent());
        assert_eq!(check(&signed).await, Ok(()));
        for (field, at, to) in [
            ("Message", 0, 'j'),
            ("MessageId", 0, 'x'),
            ("Subject", 6, 'S'),
            // The milliseconds: still a valid, recent time.
            (
                "Timestamp",
                21,
                if signed["Timestamp"].as_str().unwrap().as_bytes()[21] == b'1' {
                    '2'
                } else {
                    '1'
                },
            ),
            ("TopicArn", 40, 'C'),
        ] {
            let mut v = signed.clone();
            change_char(&mut v, field, at, to);
            let got = check(&v).await;
            assert!(is_mismatch(&got), "v{version} {field}: {got:?}");
        }
    }
}

#[tokio::test]
async fn subject_added_or_removed_is_refused() {
    let with = signed_notification(TOPIC, "m", Some("s"), 2, sent());
    let mut removed = with.clone();
    removed.as_object_mut().unwrap().remove("Subject");
    assert!(is_mismatch(&check(&removed).await));
    let mut nulled = with.clone();
    nulled["Subject"] = Value::Null;
    assert!(is_mismatch(&check(&nulled).await));

    let without = signed_notification(TOPIC, "m", None, 2, sent());
    let mut added = without.clone();
    added["Subject"] = json!("s");
    assert!(is_mismatch(&check(&added).await));
    let mut empty = without;
    empty["Subject"] = json!("");
    assert!(is_mismatch(&check(&empty).await));
}

#[tokio::test]
async fn another_topic_is_refused() {
    let mut v = signed_notification(TOPIC, "m", None, 1, sent());
    v["TopicArn"] = json!("arn:aws:sns:us-east-1:444455556666:chatops");
    assert!(is_mismatch(&check(&v).await));
}

#[tokio::test]
async fn unsigned_fields_may_change() {
    // SNS does not sign these: changing them must not break a genuine message.
    let mut v = signed_notification(TOPIC, "m", None, 2, sent());
    v["UnsubscribeURL"] = json!("https://example.com/elsewhere");
    v["MessageAttributes"] = json!({"k": {"Type": "String", "Value": "v"}});
    v["Unknown"] = json!(1);
    assert_eq!(check(&v).await, Ok(()));
}

#[tokio::test]
async fn re_signing_after_a_change_verifies() {
    let mut v = signed_notification(TOPIC, "m", None, 1, sent());
    v["Message"] = json!("changed");
    assert!(is_mismatch(&check(&v).await));
    testing::sign(&mut v, 2);
    assert_eq!(check(&v).await, Ok(()));
}

#[tokio::test]
async fn confirmations_verify_with_their_own_string_to_sign() {
    for version in [1, 2] {
        let v = signed_confirmation(TOPIC, "2336412f37f", version, sent());
        let env = Envelope::parse(v.to_string().as_bytes()).unwrap();
        assert_eq!(env.message_type, MessageType::SubscriptionConfirmation);
        assert_eq!(check(&v).await, Ok(()));

        for (field, to) in [
            ("Token", "2336412f37e"),
            (
                "SubscribeURL",
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=x",
            ),
        ] {
            let mut t = v.clone();
            t[field] = json!(to);
            assert!(is_mismatch(&check(&t).await), "{field}");
        }
        // Same fields, other confirmation type: the Type is signed.
        let mut unsub = v.clone();
        unsub["Type"] = json!("UnsubscribeConfirmation");
        assert!(is_mismatch(&check(&unsub).await));
        testing::sign(&mut unsub, version);
        assert_eq!(check(&unsub).await, Ok(()));
        // Presented as a Notification, the string to sign differs (no Token, no SubscribeURL).
        let mut as_note = v.clone();
        as_note["Type"] = json!("Notification");
        assert!(is_mismatch(&check(&as_note).await));
    }
}

#[tokio::test]
async fn old_and_future_timestamps_are_refused() {
    let verifier = testing::verifier();
    let hour = TimeDelta::hours(1);

    let v = signed_notification(TOPIC, "m", None, 2, now() - hour + TimeDelta::seconds(1));
    assert_eq!(check_with(&verifier, &v).await, Ok(()));
    let v = signed_notification(TOPIC, "m", None, 2, now() - hour - TimeDelta::seconds(1));
    match check_with(&verifier, &v).await {
        Err(e @ VerifyError::TooOld { .. }) => {
            assert!(e.to_string().contains("3601 s old"), "{e}");
            assert_eq!(e.kind(), FailureKind::NotAuthentic);
        }
        other => panic!("{other:?}"),
    }

    let v = signed_notification(TOPIC, "m", None, 2, now() + TimeDelta::minutes(4));
    assert_eq!(check_with(&verifier, &v).await, Ok(()));
    let v = signed_notification(TOPIC, "m", None, 2, now() + TimeDelta::minutes(6));
    match check_with(&verifier, &v).await {
        Err(VerifyError::InFuture { ahead, .. }) => assert_eq!(ahead, Duration::from_secs(360)),
        other => panic!("{other:?}"),
    }

    // A shorter max_age is honoured.
    let strict = Verifier {
        certs: testing::cert_source(),
        max_age: Duration::from_secs(2),
    };
    let v = signed_notification(TOPIC, "m", None, 2, sent());
    assert!(matches!(
        check_with(&strict, &v).await,
        Err(VerifyError::TooOld { .. })
    ));
}

#[tokio::test]
async fn timestamps_in_other_rfc3339_forms_are_read_and_junk_is_refused() {
    let mut v = signed_notification(TOPIC, "m", None, 1, sent());
    v["Timestamp"] = json!("2026-03-01T11:05:30+01:00");
    testing::sign(&mut v, 1);
    assert_eq!(check(&v).await, Ok(()));
    for junk in [
        "yesterday",
        "2026-03-01 10:05:30",
        "2026-03-01T10:05:30.000+0000",
        "",
    ] {
        v["Timestamp"] = json!(junk);
        testing::sign(&mut v, 1);
        let err = check(&v).await.unwrap_err();
        assert!(
            matches!(err, VerifyError::TimestampUnreadable { .. }),
            "{junk}: {err:?}"
        );
        assert_eq!(err.http_status(), 400);
    }
}

/// Counts fetches and serves the test certificate.
#[derive(Default)]
struct Counting(AtomicUsize);

impl CertFetcher for Counting {
    fn fetch<'a>(&'a self, _url: &'a str) -> FetchFuture<'a> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(testing::CERT_PEM.to_vec()) })
    }
}

#[tokio::test]
async fn a_cert_url_on_another_host_is_refused_before_any_fetch() {
    let counting = Arc::new(Counting::default());
    let fetch_verifier = Verifier::new(CertSource::fetching_with(counting.clone()));
    let real_fetch = Verifier::new(CertSource::fetching().unwrap());
    for url in [
        "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-test.pem",
        "https://evil.com/sns.us-east-1.amazonaws.com/x.pem",
        "https://sns.us-east-1.amazonaws.com@evil.com/x.pem",
        "http://sns.us-east-1.amazonaws.com/x.pem",
        "https://127.0.0.1/x.pem",
    ] {
        // Signed with the URL in place: only the URL rule can refuse it.
        let mut v = signed_notification(TOPIC, "m", None, 2, sent());
        v["SigningCertURL"] = json!(url);
        for verifier in [&fetch_verifier, &real_fetch, &testing::verifier()] {
            let err = check_with(verifier, &v).await.unwrap_err();
            assert!(
                matches!(&err, VerifyError::CertUrlNotAllowed { url: u, .. } if u == url),
                "{url}: {err:?}"
            );
            assert_eq!(err.http_status(), 401);
        }
    }
    assert_eq!(counting.0.load(Ordering::SeqCst), 0, "nothing fetched");
}

#[tokio::test]
async fn fetched_certificates_verify_and_are_fetched_once() {
    let counting = Arc::new(Counting::default());
    let verifier = Verifier::new(CertSource::fetching_with(counting.clone()));
    for version in [1, 2] {
        let v = signed_notification(TOPIC, "m", None, version, sent());
        assert_eq!(check_with(&verifier, &v).await, Ok(()));
    }
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn another_key_does_not_verify() {
    let verifier = Verifier::new(CertSource::trusted_pem(testing::OTHER_CERT_PEM).unwrap());
    let v = signed_notification(TOPIC, "m", None, 2, sent());
    assert!(is_mismatch(&check_with(&verifier, &v).await));
}

#[tokio::test]
async fn unsupported_versions_and_bad_base64_are_named() {
    let mut v = signed_notification(TOPIC, "m", None, 2, sent());
    for bad in ["3", "", "01", " 1"] {
        v["SignatureVersion"] = json!(bad);
        let err = check(&v).await.unwrap_err();
        assert_eq!(
            err,
            VerifyError::UnsupportedSignatureVersion { found: bad.into() }
        );
        assert!(err.to_string().contains("expected \"1\""), "{err}");
    }
    let mut v = signed_notification(TOPIC, "m", None, 2, sent());
    v["Signature"] = json!("not*base64");
    let err = check(&v).await.unwrap_err();
    assert!(
        matches!(err, VerifyError::SignatureNotBase64 { .. }),
        "{err:?}"
    );
    // Valid base64 of the wrong length.
    v["Signature"] = json!("AAAA");
    assert!(is_mismatch(&check(&v).await));
}

#[tokio::test]
async fn checks_run_in_the_documented_order() {
    let mut v = signed_notification(TOPIC, "m", None, 2, sent());
    v["SignatureVersion"] = json!("9");
    v["SigningCertURL"] = json!("https://evil.com/x.pem");
    v["Timestamp"] = json!("junk");
    v["Signature"] = json!("***");
    let err = check(&v).await.unwrap_err();
    assert!(
        matches!(err, VerifyError::UnsupportedSignatureVersion { .. }),
        "{err:?}"
    );
    v["SignatureVersion"] = json!("2");
    let err = check(&v).await.unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::CertUrlNotAllowed {
                reason: CertUrlReason::Host(_),
                ..
            }
        ),
        "{err:?}"
    );
    v["SigningCertURL"] = json!(testing::CERT_URL);
    let err = check(&v).await.unwrap_err();
    assert!(
        matches!(err, VerifyError::TimestampUnreadable { .. }),
        "{err:?}"
    );
    v["Timestamp"] = json!(testing::sns_timestamp(sent()));
    let err = check(&v).await.unwrap_err();
    assert!(
        matches!(err, VerifyError::SignatureNotBase64 { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn lambda_spelling_of_the_cert_url_verifies() {
    let mut v = signed_notification(TOPIC, "m", Some("s"), 1, sent());
    let o = v.as_object_mut().unwrap();
    let url = o.remove("SigningCertURL").unwrap();
    o.insert("SigningCertUrl".into(), url);
    assert_eq!(check(&v).await, Ok(()));
}

#[test]
fn fresh_message_ids_and_sns_timestamps() {
    let a = signed_notification(TOPIC, "m", None, 1, sent());
    let b = signed_notification(TOPIC, "m", None, 1, sent());
    assert_ne!(a["MessageId"], b["MessageId"]);
    let id = a["MessageId"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    assert_eq!(a["Timestamp"], json!("2026-03-01T10:05:34.912Z"));
    assert_eq!(a["SigningCertURL"], json!(testing::CERT_URL));
    assert!(sns::check_cert_url(testing::CERT_URL).is_ok());
    assert!(testing::cert_path().is_absolute());
    assert_eq!(
        std::fs::read(testing::cert_path()).unwrap(),
        testing::CERT_PEM
    );
}

/// Notifications signed by openssl (scripts/make_sns_test_cert.sh builds the string to sign
/// with printf): the verifier and the test signer agree with an independent implementation.
#[tokio::test]
async fn openssl_signed_notifications_verify() {
    let fixtures = [
        (1, include_str!("../testdata/openssl-signed-v1.json")),
        (2, include_str!("../testdata/openssl-signed-v2.json")),
    ];
    for (version, text) in fixtures {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(check(&v).await, Ok(()), "v{version}");
        // PKCS#1 v1.5 is deterministic: our signer gives openssl's bytes.
        let env = Envelope::parse(text.as_bytes()).unwrap();
        assert_eq!(
            json!(testing::signature(&sns::string_to_sign(&env), version)),
            v["Signature"]
        );
        let mut changed = v.clone();
        changed["Message"] = json!(v["Message"].as_str().unwrap().replace('é', "e"));
        assert!(is_mismatch(&check(&changed).await));
    }
}

mod single_byte_changes {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// One signed envelope per version, made once (signing is the slow part).
    fn signed(version: u8) -> &'static Value {
        static V1: OnceLock<Value> = OnceLock::new();
        static V2: OnceLock<Value> = OnceLock::new();
        let cell = if version == 1 { &V1 } else { &V2 };
        cell.get_or_init(|| {
            signed_notification(
                TOPIC,
                "{\"a\":\"ünï\"}\nline",
                Some("Sübject"),
                version,
                sent(),
            )
        })
    }

    fn run(v: &Value) -> Result<(), VerifyError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(check(v))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Replacing any one byte of a signed field (keeping the JSON valid UTF-8) is refused.
        #[test]
        fn any_single_byte_change_to_a_signed_field_is_refused(
            version in 1u8..=2,
            field in prop::sample::select(vec!["Message", "MessageId", "Subject", "Timestamp", "TopicArn"]),
            at in any::<prop::sample::Index>(),
            byte in 0u8..0x80,
        ) {
            let mut v = signed(version).clone();
            let mut bytes = v[field].as_str().unwrap().as_bytes().to_vec();
            let i = at.index(bytes.len());
            prop_assume!(bytes[i] != byte);
            bytes[i] = byte;
            let Ok(text) = String::from_utf8(bytes) else {
                // Replaced part of a multi-byte character: not a JSON string any more.
                return Ok(());
            };
            v[field] = json!(text);
            prop_assert!(run(&v).is_err(), "{field}[{i}] = {byte:#x} verified");
        }
    }
}

/// A fetcher that always fails, as when AWS cannot be reached.
struct Down;

impl CertFetcher for Down {
    fn fetch<'a>(&'a self, _url: &'a str) -> FetchFuture<'a> {
        Box::pin(async { Err(sns::FetchError::Transport("connection refused".into())) })
    }
}

#[tokio::test]
async fn an_unreachable_certificate_is_a_503_naming_the_url() {
    let verifier = Verifier::new(CertSource::fetching_with(Arc::new(Down)));
    let v = signed_notification(TOPIC, "m", None, 2, sent());
    let err = check_with(&verifier, &v).await.unwrap_err();
    assert_eq!(err.kind(), FailureKind::Unavailable);
    assert_eq!(err.http_status(), 503);
    let text = err.to_string();
    assert!(
        text.contains(testing::CERT_URL) && text.contains("connection refused"),
        "{text}"
    );
}

#[test]
fn a_verifier_can_be_shared_across_tasks() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let verifier = Verifier::new(CertSource::fetching().unwrap());
    send_sync(&verifier);
    let env = Envelope::parse(
        signed_notification(TOPIC, "m", None, 2, sent())
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    send(verifier.verify(&env, now()));
}
