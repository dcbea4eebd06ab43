//! How the engine's controls are carried in Slack's ids and values, and back.
//!
//! | Slack field | carries | format |
//! |---|---|---|
//! | `action_id` of a button or menu | the engine's action | `{action}~{n}`; `n` is the control's index in the message (Slack wants action ids unique within a message) |
//! | `value` of a button, `value` of a menu option | the engine's value | the value itself, or a [handle](Handles) when too long (button > 2,000, option > 150 characters) |
//! | `block_id` of an actions block | the engine's message id | `{message}~{n}.{rev}`; `n` is the block's index, `rev` a short hash of the block (Slack wants a new block id when a message is updated) |
//! | `callback_id` of a modal | the form's action | the action, or a handle when longer than 255 |
//! | `private_metadata` of a modal | where the form came from | JSON [`FormOrigin`] |
//! | `block_id` of a modal input block | the field's name | the name, or a handle when longer than 255; the element's `action_id` is always `value` |
//!
//! Decoding splits at the **last** `~`, so engine actions and message ids may contain `~`.
//! An id without `~` (not one of ours) decodes to itself with no message.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Separates the engine's part of an id from the index suffix.
pub const SEP: char = '~';
/// Every handle starts with this; an engine value that starts with it is always replaced by
/// a handle too, so a value that looks like a handle always is one.
pub const HANDLE_PREFIX: &str = "#h:";
/// Longest `value` of a button (Slack's limit).
pub const MAX_BUTTON_VALUE: usize = 2000;
/// Longest `value` of a select option (Slack's limit).
pub const MAX_OPTION_VALUE: usize = 150;
/// Longest `action_id`, `block_id`, `callback_id` (Slack's limit).
pub const MAX_ID: usize = 255;
/// Longest engine part kept inline in an action id or block id (room for the suffix).
const MAX_INLINE_ID: usize = 200;
/// The engine action of the button that opens a form's modal (handled by the surface, not
/// sent to the engine; see [`crate::interactivity::Target::OpenForm`]).
pub const OPEN_FORM_ACTION: &str = "slack.open_form";

/// Long strings replaced by handles while rendering. The surface stores every pair
/// (`handle → full value`, e.g. in the store's key-value table) when it posts the message
/// and resolves handles found in interaction payloads with [`Handles::resolve`] or its own
/// lookup. Handles are `#h:` + 32 hex digits of SHA-256 of the value: stable, so posting
/// the same value twice stores the same pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handles {
    pub pairs: Vec<(String, String)>,
}

/// The handle of a value.
pub fn handle_of(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    format!("{HANDLE_PREFIX}{}", hex::encode(&digest[..16]))
}

/// Whether a value received from Slack is a handle to look up.
pub fn is_handle(value: &str) -> bool {
    value.starts_with(HANDLE_PREFIX)
}

impl Handles {
    /// `value` itself when not empty, at most `max` characters and not handle-like, else
    /// its handle (remembered in `self`).
    pub fn fit(&mut self, value: &str, max: usize) -> String {
        if !value.is_empty() && value.chars().count() <= max && !is_handle(value) {
            return value.to_string();
        }
        let h = handle_of(value);
        if !self.pairs.iter().any(|(k, _)| *k == h) {
            self.pairs.push((h.clone(), value.to_string()));
        }
        h
    }

    /// The full value for what Slack sent back: itself, or the stored value of a handle.
    pub fn resolve(&self, value: &str) -> Option<String> {
        if !is_handle(value) {
            return Some(value.to_string());
        }
        self.pairs
            .iter()
            .find(|(k, _)| k == value)
            .map(|(_, v)| v.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Resolves a value from Slack through any lookup of stored handles.
pub fn resolve_with(value: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    if is_handle(value) {
        lookup(value)
    } else {
        Some(value.to_string())
    }
}

/// `action_id` for the `n`th control of a message.
pub fn action_id(action: &str, n: usize, handles: &mut Handles) -> String {
    format!("{}{SEP}{n}", handles.fit(action, MAX_INLINE_ID))
}

/// The engine action (still possibly a handle) of an `action_id`.
pub fn action_of(action_id: &str) -> &str {
    match action_id.rsplit_once(SEP) {
        Some((action, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => action,
        _ => action_id,
    }
}

/// `block_id` for the `n`th block of a message, whose content hashes to `content`.
pub fn block_id(message: &str, n: usize, content: &str, handles: &mut Handles) -> String {
    let rev = hex::encode(&Sha256::digest(content.as_bytes())[..3]);
    let message = if message.is_empty() {
        String::new()
    } else {
        handles.fit(message, MAX_INLINE_ID)
    };
    format!("{message}{SEP}{n}.{rev}")
}

/// The engine message id (still possibly a handle) in a `block_id` of ours; `None` for
/// blocks we did not render (Slack generates random block ids) or messages without an id.
pub fn message_of(block_id: &str) -> Option<&str> {
    let (message, suffix) = block_id.rsplit_once(SEP)?;
    let (n, rev) = suffix.split_once('.')?;
    let ours = !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && rev.len() == 6
        && rev.bytes().all(|b| b.is_ascii_hexdigit());
    (ours && !message.is_empty()).then_some(message)
}

/// What a modal's `private_metadata` carries: where the form was shown, so its submission
/// goes to the same conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOrigin {
    #[serde(rename = "w")]
    pub workspace: String,
    #[serde(rename = "c")]
    pub channel: String,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// The engine message the form belonged to.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let mut h = Handles::default();
        let a = action_id("run", 3, &mut h);
        assert_eq!(a, "run~3");
        assert_eq!(action_of(&a), "run");
        assert_eq!(action_of(&action_id("a~b", 0, &mut h)), "a~b");
        assert_eq!(action_of("plain"), "plain");
        assert_eq!(action_of("x~"), "x~");
        let b = block_id("m00ff", 2, "{}", &mut h);
        assert_eq!(message_of(&b), Some("m00ff"));
        assert_eq!(message_of(&block_id("", 2, "{}", &mut h)), None);
        assert_eq!(message_of("Zq3/"), None);
        assert_eq!(message_of("a~1.zzzzzz"), None);
        assert!(h.is_empty());
    }

    #[test]
    fn long_values_become_handles() {
        let mut h = Handles::default();
        let long = "p1|".to_string() + &"arn:aws:lambda:".repeat(20);
        let v = h.fit(&long, MAX_OPTION_VALUE);
        assert!(is_handle(&v) && v.len() <= MAX_OPTION_VALUE);
        assert_eq!(h.resolve(&v), Some(long.clone()));
        assert_eq!(h.fit(&long, MAX_OPTION_VALUE), v);
        assert_eq!(h.pairs.len(), 1);
        // A short value that looks like a handle is replaced too, so it cannot be confused.
        let tricky = h.fit("#h:00", MAX_OPTION_VALUE);
        assert_ne!(tricky, "#h:00");
        assert_eq!(h.resolve(&tricky).as_deref(), Some("#h:00"));
        assert_eq!(h.resolve("#h:unknown"), None);
        let empty = h.fit("", MAX_OPTION_VALUE);
        assert!(is_handle(&empty));
        assert_eq!(h.resolve(&empty).as_deref(), Some(""));
        assert_eq!(h.resolve("p1|x").as_deref(), Some("p1|x"));
        assert_eq!(
            resolve_with(&v, |k| h.resolve(k)).as_deref(),
            Some(long.as_str())
        );
        let long_action = "a".repeat(300);
        let id = action_id(&long_action, 1, &mut h);
        assert!(id.len() <= MAX_ID);
        assert_eq!(h.resolve(action_of(&id)), Some(long_action));
    }
}
