//! A notification as a chat-neutral [`engine::Message`].
//!
//! PLACEHOLDER: the API below is the contract the delivery code is written against.

use crate::message::Notification;
use engine::{Message, Rich};

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
    let _ = meta;
    match *n {}
}

/// One line saying what the notification is (`🔴 ALARM orders-api-errors`), for thread roots
/// and summaries.
pub fn headline(n: &Notification) -> Rich {
    match *n {}
}

/// A short note for a message of no known format, the raw text attached as a file.
pub fn unsupported(raw: &str, reason: &str, meta: &Meta) -> Message {
    let _ = (raw, reason, meta);
    Message::default()
}
