#![no_main]
//! Any body either is refused with a named error or parses to an envelope whose string to
//! sign is well-formed; the certificate URL rule answers for any URL. Never a panic.
use libfuzzer_sys::fuzz_target;
use sns::{check_cert_url, string_to_sign, Envelope};

fuzz_target!(|data: &[u8]| {
    match Envelope::parse(data) {
        Ok(env) => {
            let text = string_to_sign(&env);
            assert!(text.starts_with("Message\n"));
            assert!(text.ends_with(&format!("Type\n{}\n", env.message_type)));
            assert!(text.contains(&env.message));
            assert_eq!(Envelope::parse(data).ok(), Some(env.clone()));
            if check_cert_url(&env.signing_cert_url).is_ok() {
                assert!(env.signing_cert_url.starts_with("https://sns."));
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let _ = check_cert_url(&String::from_utf8_lossy(data));
});
