//! What the three notification targets share: parse the bytes as an SNS `Message`
//! (as they are, and shaped so the wanted parser is reached), render whatever parses,
//! and check that no payload text became a mention.
use engine::{Block, Span};
use notify::message::parse;
use notify::render::{headline, render, unsupported, Meta};
use serde_json::{Map, Value};

pub fn exercise(raw: &str) {
    let meta = Meta {
        message_id: "fuzz".into(),
        topic_arn: Some("arn:aws:sns:us-east-1:111122223333:fuzz".into()),
        received_ms: 1_700_000_000_000,
    };
    let msg = match parse(raw, None) {
        Ok(n) => {
            let _ = (n.facts(), n.thread_key(), n.summary(), n.own_id());
            assert!(headline(&n)
                .0
                .iter()
                .all(|s| !matches!(s, Span::Mention(_))));
            render(&n, &meta)
        }
        Err(e) => {
            assert!(!e.reason.is_empty());
            unsupported(raw, &e.reason, &meta)
        }
    };
    for b in &msg.blocks {
        if let Block::Text { text } | Block::Context { text } = b {
            assert!(text.0.iter().all(|s| !matches!(s, Span::Mention(_))));
        }
    }
    assert!(serde_json::to_string(&msg).is_ok());
}

/// The bytes as text, and (when they are a JSON object) with `required` keys added where
/// missing, so the fuzzer explores past the format check.
pub fn run(data: &[u8], required: &[(&str, Value)]) {
    let text = String::from_utf8_lossy(data);
    exercise(&text);
    if let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(&text) {
        for (k, v) in required {
            m.entry(k.to_string()).or_insert_with(|| v.clone());
        }
        exercise(&Value::Object(m).to_string());
    } else if !text.trim().is_empty() {
        let mut m = Map::new();
        for (k, v) in required {
            m.insert(k.to_string(), v.clone());
        }
        m.insert("fuzz".into(), Value::String(text.into_owned()));
        exercise(&Value::Object(m).to_string());
    }
}
