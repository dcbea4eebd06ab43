//! The frames the page and the server exchange over the WebSocket, as JSON text frames.
//!
//! Every frame names its channel (workspace and channel id) so nothing depends on what the
//! socket viewed before: a frame that arrives while the user switches channels still goes to
//! the channel it was meant for.

use engine::Message;
use serde::{Deserialize, Serialize};

/// Largest frame the page may send, in bytes. Larger ones get a `too_large` error frame.
pub const MAX_FRAME: usize = 16 * 1024;

/// A frame from the page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// View this channel: the server answers with its history and then pushes its messages.
    Join { workspace: String, channel: String },
    /// Text typed in the channel (or in a thread of it).
    Text {
        workspace: String,
        channel: String,
        #[serde(default)]
        thread: Option<String>,
        text: String,
    },
    /// A button pressed, or a menu option chosen, on message `message`.
    Action {
        workspace: String,
        channel: String,
        message: String,
        action: String,
        value: String,
    },
    /// A form on message `message` submitted; `values` are `[name, value]` pairs.
    Form {
        workspace: String,
        channel: String,
        message: String,
        action: String,
        values: Vec<(String, String)>,
    },
}

/// One message as the page shows it: who wrote it (`None` for the bot), when, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub from: Option<String>,
    /// Milliseconds since the Unix epoch, when the server first saw it.
    pub at: u64,
    pub message: Message,
}

/// A frame to the page.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<'a> {
    /// Sent once the socket is open: who the server thinks this is.
    Hello { user: &'a str },
    /// The recent messages of a channel the socket joined, oldest first.
    History {
        workspace: &'a str,
        channel: &'a str,
        messages: Vec<&'a Entry>,
    },
    /// A new message in a channel.
    Post {
        workspace: &'a str,
        channel: &'a str,
        #[serde(flatten)]
        entry: &'a Entry,
    },
    /// A message shown earlier has new content (same `message.id`); shown in place, or added
    /// when the page does not have it.
    Update {
        workspace: &'a str,
        channel: &'a str,
        #[serde(flatten)]
        entry: &'a Entry,
    },
    /// Something the page sent was refused; `code` is stable, `error` says what and why.
    Error { code: ErrorCode, error: String },
}

/// Why a frame was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not a JSON frame of a known type with the expected fields.
    BadJson,
    /// Larger than [`MAX_FRAME`].
    TooLarge,
    /// Binary frames are not part of the protocol.
    Binary,
    /// No such channel in the server's list.
    UnknownChannel,
    /// The user is not a member of the channel (see [`crate::membership`]).
    NotMember,
    /// The message is not in the channel's recent history, or not shown to this user.
    UnknownMessage,
    /// The message has no such button, menu option, form or form field (any more).
    UnknownControl,
    /// Empty text.
    Empty,
    /// The handler failed on this event.
    Failed,
}

impl ServerFrame<'_> {
    /// The frame as JSON text.
    pub fn to_text(&self) -> String {
        // Serializing these types cannot fail: all keys are strings and no value is a map
        // with non-string keys. Fall back to a fixed error frame rather than panic.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"type":"error","code":"failed","error":"cannot encode a frame: {e}"}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_parse() {
        let f: ClientFrame = serde_json::from_str(
            r#"{"type":"form","workspace":"w","channel":"c","message":"m1","action":"f","values":[["a","1"],["b","2"]]}"#,
        )
        .expect("parses");
        assert_eq!(
            f,
            ClientFrame::Form {
                workspace: "w".into(),
                channel: "c".into(),
                message: "m1".into(),
                action: "f".into(),
                values: vec![("a".into(), "1".into()), ("b".into(), "2".into())],
            }
        );
        let t: ClientFrame =
            serde_json::from_str(r#"{"type":"text","workspace":"w","channel":"c","text":"hi"}"#)
                .expect("parses");
        assert!(matches!(t, ClientFrame::Text { thread: None, .. }));
        let err = serde_json::from_str::<ClientFrame>(r#"{"type":"shout","text":"x"}"#)
            .expect_err("unknown type");
        assert!(err.to_string().contains("unknown variant `shout`"), "{err}");
    }

    #[test]
    fn post_frames_flatten_the_entry() {
        let entry = Entry {
            from: Some("alice".into()),
            at: 5,
            message: Message {
                id: "m1".into(),
                ..Message::default()
            },
        };
        let text = ServerFrame::Post {
            workspace: "w",
            channel: "c",
            entry: &entry,
        }
        .to_text();
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["type"], "post");
        assert_eq!(v["from"], "alice");
        assert_eq!(v["message"]["id"], "m1");
        let e = ServerFrame::Error {
            code: ErrorCode::UnknownChannel,
            error: "x".into(),
        }
        .to_text();
        assert!(e.contains(r#""code":"unknown_channel""#), "{e}");
    }
}
