#![no_main]
//! Any WebSocket text frame from the page is a known frame or refused, never a panic.
use libfuzzer_sys::fuzz_target;
use webchat::protocol::ClientFrame;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = serde_json::from_str::<ClientFrame>(text);
    }
});
