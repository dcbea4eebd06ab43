#![no_main]
//! The tokenizer returns words or an error for any text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = command::tokenize(s);
        let _ = command::normalize(s);
    }
});
