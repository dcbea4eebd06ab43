#![no_main]
//! Custom notifications: any bytes, and any JSON object made a custom notification,
//! parse and render without a panic or a mention, whatever markdown they carry.
use libfuzzer_sys::fuzz_target;
use serde_json::json;

#[path = "notify_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The bytes as the markdown description of a valid notification.
    let shaped = json!({"version": "1.0", "source": "custom",
        "content": {"textType": "client-markdown", "title": text, "description": text,
            "nextSteps": [text], "keywords": [text]},
        "metadata": {"threadId": text, "additionalContext": {"k": text}}});
    common::exercise(&shaped.to_string());
    common::exercise(&json!({ "default": shaped.to_string() }).to_string());
    common::run(
        data,
        &[
            ("version", json!("1.0")),
            ("source", json!("custom")),
            ("content", json!({"description": "fuzz"})),
        ],
    );
});
