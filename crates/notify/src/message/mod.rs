//! The `Message` of an SNS notification, read tolerantly into what it is about.
//!
//! PLACEHOLDER: the API below is the contract the delivery code is written against; the
//! parsers (alarm.rs, event.rs, custom.rs, text.rs) replace the bodies.

use crate::Facts;

/// A notification of a known format.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {}

/// The message is of no format this crate knows; `reason` says what was looked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Unrecognized {
    pub reason: String,
}

/// Reads an SNS `Message` (and its `Subject`, when there is one).
pub fn parse(message: &str, subject: Option<&str>) -> Result<Notification, Unrecognized> {
    let _ = (message, subject);
    Err(Unrecognized {
        reason: "not implemented".into(),
    })
}

impl Notification {
    /// What routing, mutes and threads look at.
    pub fn facts(&self) -> Facts {
        match *self {}
    }

    /// Notifications with the same key share a thread (the alarm ARN, the custom
    /// `threadId`, a finding's id, a stack's id); `None`: always a message of its own.
    pub fn thread_key(&self) -> Option<String> {
        match *self {}
    }

    /// The text a thread's first message shows instead of the title (the custom
    /// `metadata.summary`).
    pub fn summary(&self) -> Option<String> {
        match *self {}
    }

    /// An id the payload carries itself (the custom notification's `id`), for
    /// de-duplication beyond the SNS `MessageId`.
    pub fn own_id(&self) -> Option<String> {
        match *self {}
    }
}
