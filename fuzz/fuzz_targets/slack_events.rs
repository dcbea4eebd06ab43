#![no_main]
//! Any Events API body (after its signature checked) is read into an envelope or refused
//! with a named error, never a panic; a user message turns into the engine's event.
use libfuzzer_sys::fuzz_target;
use slack::{events, BotIdentity};

fuzz_target!(|data: &[u8]| {
    let bot = BotIdentity {
        user_id: Some("U0BOT".into()),
        bot_id: Some("B0BOT".into()),
    };
    match events::parse(data, &bot) {
        Ok(env) => {
            let _ = format!("{env:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
