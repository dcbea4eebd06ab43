//! A notification as a chat-neutral [`engine::Message`]: one module per kind
//! ([`alarm`], [`event`] with [`findings`] and [`ops`], [`custom`], [`text`]) on the
//! shared layout of [`layout`]. Every value from a payload enters as a span value, never
//! as markup (see [`layout`]); every field is capped, and when anything was cut the
//! whole notification is attached as a file.

pub(crate) mod alarm;
mod custom;
mod event;
mod findings;
mod layout;
pub mod markdown;
mod ops;
mod text;

use crate::message::Notification;
use engine::{Block, Message, Rich, Span};

/// Where and when a notification was received (shown as small print).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meta {
    /// The SNS `MessageId` (or the SQS message id of a raw delivery).
    pub message_id: String,
    pub topic_arn: Option<String>,
    /// When it was received, Unix milliseconds.
    pub received_ms: i64,
}

/// The whole message (blocks only: the delivery sets its id and thread).
pub fn render(n: &Notification, meta: &Meta) -> Message {
    match n {
        Notification::Alarm(a) => alarm::render(a, meta),
        Notification::Event(e) => event::render(e, meta),
        Notification::Custom(c) => custom::render(c, meta),
        Notification::Text(t) => text::render(t, meta),
    }
}

/// One line saying what the notification is (`🔴 ALARM orders-api-errors`), for thread roots
/// and summaries.
pub fn headline(n: &Notification) -> Rich {
    match n {
        Notification::Alarm(a) => alarm::headline(a),
        Notification::Event(e) => event::headline(e),
        Notification::Custom(c) => custom::headline(c),
        Notification::Text(t) => text::headline(t),
    }
}

/// A short note for a message of no known format, the raw text attached as a file
/// (`notification.json` when it is JSON, `notification.txt` otherwise).
pub fn unsupported(raw: &str, reason: &str, meta: &Meta) -> Message {
    let reason = crate::message::value::clip(reason.trim(), layout::LONG, &mut false);
    let mut blocks = vec![
        Block::Text {
            text: layout::headline("⚠️", "Notification not understood"),
        },
        Block::Text {
            text: Rich(vec![Span::Plain(reason)]),
        },
    ];
    let parts = layout::delivery(meta);
    if !parts.is_empty() {
        blocks.push(Block::Context {
            text: Rich(vec![Span::Plain(parts.join(" · "))]),
        });
    }
    let json = serde_json::from_str::<serde_json::Value>(raw).ok();
    blocks.push(match &json {
        Some(v) => layout::attachment(crate::message::Raw::Json(v)),
        None => layout::attachment(crate::message::Raw::Text(raw)),
    });
    Message {
        blocks,
        ..Message::default()
    }
}
