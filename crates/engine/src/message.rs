//! What the engine says and hears, independent of any chat platform: every surface (the
//! terminal, the web chat, Slack) turns these into its own form and back.

use serde::{Deserialize, Serialize};

/// One incoming event: a text message, or an action on an earlier message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound {
    pub workspace: String,
    /// The platform's channel id.
    pub channel: String,
    /// The thread the message belongs to, if any (replies go there).
    pub thread: Option<String>,
    /// The platform's user id.
    pub user: String,
    /// The user's display name, when the surface knows it (for the audit log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub event: Event,
}

/// What the user did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A message typed in the channel (mention already stripped or not; the engine strips it).
    Text { text: String },
    /// A button pressed or a menu option chosen on an earlier message.
    Action {
        /// The message the control was on, so it can be updated in place.
        message: Option<String>,
        /// The control's action id (see [`ActionId`]).
        action: String,
        value: String,
    },
    /// A form submitted.
    Form {
        message: Option<String>,
        action: String,
        values: Vec<(String, String)>,
    },
}

/// A message to post, or an update of one posted earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outbound {
    Post(Message),
    /// Replaces the content of an earlier message (a pressed button becomes who pressed it).
    Update {
        message: String,
        content: Message,
    },
}

/// A message: blocks shown in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Message {
    /// The engine's id for this message, so later actions and updates can name it.
    pub id: String,
    /// Reply in this thread.
    pub thread: Option<String>,
    /// Shown only to this user (prompts and refusals others need not see).
    pub only_to: Option<String>,
    pub blocks: Vec<Block>,
}

/// One element of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Text in the engine's dialect, the one place it is defined: plain text where
    /// `*strong*` is emphasis, `` `code` `` is a command or value, and `<@USER>` (written
    /// with [`crate::text::mention`], never by hand) is a user. Nothing else is markup; each
    /// surface renders these three its own way (Slack mrkdwn, the web chat's elements, the
    /// terminal's plain text) and escapes the rest.
    Text { text: String },
    /// Preformatted text (a JSON result, a command).
    Code {
        text: String,
        language: Option<String>,
    },
    /// A table with a header row.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Buttons side by side.
    Buttons { buttons: Vec<Button> },
    /// A choice from a list (long lists, resource names).
    Menu {
        action: String,
        placeholder: String,
        options: Vec<Choice>,
    },
    /// Fields to fill in and submit together.
    Form {
        action: String,
        title: String,
        fields: Vec<Field>,
        submit: String,
    },
    /// A picture (a chart): a `data:image/png;base64,…` URL, or an https one.
    Image { url: String, alt: String },
    /// Small print under a message: account, region, role, timings (the same dialect as
    /// [`Block::Text`]).
    Context { text: String },
    /// A whole result too long to show, as a file.
    File {
        name: String,
        content_type: String,
        content: String,
    },
}

/// A button: pressing it sends [`Event::Action`] with `action` and `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub action: String,
    pub value: String,
    pub style: Style,
    /// Asks again before sending (for destructive buttons).
    pub confirm: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Default,
    Primary,
    Danger,
}

/// A menu option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    pub value: String,
}

/// A form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// Offered values, when the field is a choice.
    pub options: Vec<Choice>,
    pub multiline: bool,
    pub optional: bool,
}

/// Action ids the engine puts on controls.
pub struct ActionId;

impl ActionId {
    pub const RUN: &'static str = "run";
    pub const CANCEL: &'static str = "cancel";
    pub const PARAM: &'static str = "param";
    pub const ACCOUNT: &'static str = "account";
    pub const ROLE: &'static str = "role";
    pub const NEXT_PAGE: &'static str = "next_page";
    pub const HELP: &'static str = "help";
    pub const SUPPORT_CASE: &'static str = "support_case";
}

impl Message {
    pub fn text(&mut self, text: impl Into<String>) -> &mut Message {
        self.blocks.push(Block::Text { text: text.into() });
        self
    }

    pub fn code(&mut self, text: impl Into<String>) -> &mut Message {
        self.blocks.push(Block::Code {
            text: text.into(),
            language: None,
        });
        self
    }

    pub fn context(&mut self, text: impl Into<String>) -> &mut Message {
        self.blocks.push(Block::Context { text: text.into() });
        self
    }

    /// All text of the message, for logs and tests.
    pub fn plain(&self) -> String {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Text { text } | Block::Code { text, .. } | Block::Context { text } => {
                    out.push(text.clone())
                }
                Block::Table { columns, rows } => {
                    out.push(columns.join(" | "));
                    out.extend(rows.iter().map(|r| r.join(" | ")));
                }
                Block::Buttons { buttons } => out.push(
                    buttons
                        .iter()
                        .map(|b| format!("[{}]", b.label))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Block::Menu {
                    placeholder,
                    options,
                    ..
                } => out.push(format!(
                    "<{placeholder}: {}>",
                    options
                        .iter()
                        .map(|o| o.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Block::Form { title, .. } => out.push(format!("<form: {title}>")),
                Block::Image { alt, .. } => out.push(format!("<image: {alt}>")),
                Block::File { name, .. } => out.push(format!("<file: {name}>")),
            }
        }
        out.join("\n")
    }
}
