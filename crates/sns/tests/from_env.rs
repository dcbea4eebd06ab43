//! `CertSource::from_env`, in its own test binary: it sets a process-wide variable.

use sns::{testing, CertError, CertSource, TRUSTED_CERT_ENV};

#[test]
fn from_env_trusts_the_named_file_or_fetches() {
    std::env::remove_var(TRUSTED_CERT_ENV);
    assert!(matches!(CertSource::from_env(), Ok(CertSource::Fetch(_))));

    std::env::set_var(TRUSTED_CERT_ENV, "");
    assert!(matches!(CertSource::from_env(), Ok(CertSource::Fetch(_))));

    std::env::set_var(TRUSTED_CERT_ENV, testing::cert_path());
    match CertSource::from_env() {
        Ok(CertSource::Trusted(key)) => assert_eq!(key.bits(), 2048),
        other => panic!("{other:?}"),
    }

    // Set but unreadable: an error naming the variable and the path, never a fall-back.
    std::env::set_var(TRUSTED_CERT_ENV, "/nonexistent/cert.pem");
    match CertSource::from_env() {
        Err(e @ CertError::ReadFile { .. }) => {
            let text = e.to_string();
            assert!(text.contains(TRUSTED_CERT_ENV), "{text}");
            assert!(text.contains("/nonexistent/cert.pem"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    std::env::remove_var(TRUSTED_CERT_ENV);
}
