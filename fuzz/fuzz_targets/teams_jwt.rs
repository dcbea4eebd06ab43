#![no_main]
//! Any text either is refused with a named error or parses to an RS256 token (no other
//! algorithm gets through) whose signature does not verify with a key that did not sign it;
//! any bytes as RSA key components are accepted or refused. Never a panic.
use libfuzzer_sys::fuzz_target;
use teams::jwt::{Jwt, RsaPublicJwk, RS256};

fuzz_target!(|data: &[u8]| {
    match Jwt::parse(&String::from_utf8_lossy(data)) {
        Ok(jwt) => {
            assert_eq!(jwt.header.alg, RS256);
            let key = RsaPublicJwk::from_components(&[0xc3; 256], &[1, 0, 1])
                .expect("a 2048-bit modulus and exponent 65537 are accepted");
            assert!(jwt.verify(&key).is_err());
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let (n, e) = data.split_at(data.len() / 2);
    let _ = RsaPublicJwk::from_components(n, e);
});
