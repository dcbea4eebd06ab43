#![no_main]
//! The certificate reader (DER, and PEM around it) returns a key of a usable size or an
//! error for any bytes, never a panic.
use libfuzzer_sys::fuzz_target;
use sns::der::{MAX_RSA_BITS, MIN_RSA_BITS};
use sns::{rsa_key_from_pem, rsa_public_key_from_certificate};

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = rsa_public_key_from_certificate(data) {
        assert!((MIN_RSA_BITS..=MAX_RSA_BITS).contains(&key.bits()));
        assert!(!key.pkcs1_der().is_empty());
    }
    let _ = rsa_key_from_pem(data);
});
