#![no_main]
//! Any interactivity body (`payload=` form) and any slash command body is read or refused
//! with a named error, never a panic.
use libfuzzer_sys::fuzz_target;
use slack::interactivity;

fuzz_target!(|data: &[u8]| {
    match interactivity::parse(data) {
        Ok(i) => {
            let _ = format!("{i:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    match interactivity::parse_slash_command(data) {
        Ok(c) => {
            let _ = c.to_inbound();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
