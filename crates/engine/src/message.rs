//! What the engine says and hears, independent of any chat platform: every surface (the
//! terminal, the web chat, Slack) turns these into its own form and back. The engine's text
//! dialect (`*strong*`, `` `code` ``, `<@USER>`, backslash escapes) is defined on [`Rich`].

use serde::{Deserialize, Serialize};

/// Text with emphasis, code and mentions as values, not as markup: each surface renders the
/// spans its own way (Slack mrkdwn, the web chat's elements, the terminal's plain text), so
/// a value shown in a message (a command, a name, an error) is never misread as markup, and
/// no surface re-parses another's syntax.
///
/// # The engine's text dialect
///
/// Messages are written as strings (`From<&str>`, `From<String>`, so `m.text("…")` and
/// `say(format!(…))` work), which are parsed as this dialect; it is defined here and
/// nowhere else:
///
/// | Written | Span |
/// |---|---|
/// | `*strong*` | [`Span::Strong`] (emphasis: a name being set or asked for) |
/// | `` `code` `` | [`Span::Code`] (a command or a value the user could type) |
/// | `<@USER>` | [`Span::Mention`] of the user id `USER` (no spaces, `<` or `>`) |
/// | `\` then one of `` \ * ` < `` | that character, literally |
///
/// Everything else is plain text, including a `*`, `` ` `` or `<@` that opens nothing
/// (no closing mark). Inside `*…*` and `` `…` `` only the backslash escapes are read.
/// A value from a user, AWS, the configuration or the store is never written into the
/// dialect by hand: [`crate::text::code`], [`crate::text::strong`],
/// [`crate::text::literal`] and [`crate::text::mention`] escape it, so that
/// `format!("ran {}", code(cmd))` shows `cmd` exactly, whatever it contains.
///
/// # Serialized form
///
/// An array of spans tagged by `type`: `{"type":"plain","text":"…"}`,
/// `{"type":"strong","text":"…"}`, `{"type":"code","text":"…"}`,
/// `{"type":"mention","user":"U1"}`. A plain string is also accepted and parsed as the
/// dialect, so messages kept by earlier versions (the web chat's history) still load.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Rich(pub Vec<Span>);

/// One run of [`Rich`] text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SpanRepr", from = "SpanRepr")]
pub enum Span {
    /// Text shown as it is: never markup, never a mention, whatever it contains.
    Plain(String),
    /// Emphasis.
    Strong(String),
    /// A command or a value, shown in a fixed-width font.
    Code(String),
    /// A user, by the surface's user id; the surface shows their name or `@id`.
    Mention(String),
}

/// How a [`Span`] is written in JSON (tagged objects, so the web page reads them directly).
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum SpanRepr {
    Plain { text: String },
    Strong { text: String },
    Code { text: String },
    Mention { user: String },
}

impl From<Span> for SpanRepr {
    fn from(s: Span) -> Self {
        match s {
            Span::Plain(text) => SpanRepr::Plain { text },
            Span::Strong(text) => SpanRepr::Strong { text },
            Span::Code(text) => SpanRepr::Code { text },
            Span::Mention(user) => SpanRepr::Mention { user },
        }
    }
}

impl From<SpanRepr> for Span {
    fn from(s: SpanRepr) -> Self {
        match s {
            SpanRepr::Plain { text } => Span::Plain(text),
            SpanRepr::Strong { text } => Span::Strong(text),
            SpanRepr::Code { text } => Span::Code(text),
            SpanRepr::Mention { user } => Span::Mention(user),
        }
    }
}

/// Either form [`Rich`] is read from: spans, or (earlier versions) a string in the dialect.
#[derive(Deserialize)]
#[serde(untagged)]
enum RichRepr {
    Spans(Vec<Span>),
    Dialect(String),
}

impl<'de> Deserialize<'de> for Rich {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match RichRepr::deserialize(d)? {
            RichRepr::Spans(spans) => Rich(spans),
            RichRepr::Dialect(text) => Rich::parse(&text),
        })
    }
}

/// The characters a backslash escapes in the dialect.
pub(crate) const ESCAPED: [char; 4] = ['\\', '*', '`', '<'];

impl Rich {
    /// One plain span (no markup read), for text that is entirely a value.
    pub fn verbatim(text: impl Into<String>) -> Rich {
        let text = text.into();
        if text.is_empty() {
            Rich::default()
        } else {
            Rich(vec![Span::Plain(text)])
        }
    }

    /// Parses the engine's dialect (see the type's documentation); never fails: what is
    /// not markup is plain text.
    pub fn parse(text: &str) -> Rich {
        let chars: Vec<char> = text.chars().collect();
        let mut spans = Vec::new();
        let mut plain = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' && chars.get(i + 1).is_some_and(|n| ESCAPED.contains(n)) {
                plain.push(chars[i + 1]);
                i += 2;
                continue;
            }
            let span = match c {
                '*' => delimited(&chars, i, '*').map(|(t, n)| (Span::Strong(t), n)),
                '`' => delimited(&chars, i, '`').map(|(t, n)| (Span::Code(t), n)),
                '<' => mention_at(&chars, i).map(|(u, n)| (Span::Mention(u), n)),
                _ => None,
            };
            match span {
                Some((span, next)) => {
                    if !plain.is_empty() {
                        spans.push(Span::Plain(std::mem::take(&mut plain)));
                    }
                    spans.push(span);
                    i = next;
                }
                None => {
                    plain.push(c);
                    i += 1;
                }
            }
        }
        if !plain.is_empty() {
            spans.push(Span::Plain(plain));
        }
        Rich(spans)
    }

    /// The text in the dialect without its escapes (`*x*`, `` `x` ``, `<@U1>`): how
    /// [`Message::plain`] shows it to logs and tests. Not reversible; see [`Rich::dialect`].
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            match s {
                Span::Plain(t) => out.push_str(t),
                Span::Strong(t) => {
                    out.push('*');
                    out.push_str(t);
                    out.push('*');
                }
                Span::Code(t) => {
                    out.push('`');
                    out.push_str(t);
                    out.push('`');
                }
                Span::Mention(u) => {
                    out.push_str("<@");
                    out.push_str(u);
                    out.push('>');
                }
            }
        }
        out
    }

    /// The text written in the dialect, escaped so that [`Rich::parse`] reads it back.
    pub fn dialect(&self) -> String {
        use crate::text::{code, literal, mention, strong};
        self.0
            .iter()
            .map(|s| match s {
                Span::Plain(t) => literal(t),
                Span::Strong(t) => strong(t),
                Span::Code(t) => code(t),
                Span::Mention(u) => mention(u),
            })
            .collect()
    }

    /// Whether nothing would be shown (no spans, or only blank plain text).
    pub fn is_blank(&self) -> bool {
        self.0.iter().all(|s| match s {
            Span::Plain(t) => t.trim().is_empty(),
            _ => false,
        })
    }
}

/// The text between the mark at `start` and the next unescaped one (unescaped), and the
/// index after the closing mark; `None` when there is no closing mark or nothing between.
fn delimited(chars: &[char], start: usize, mark: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|n| ESCAPED.contains(n)) {
            out.push(chars[i + 1]);
            i += 2;
        } else if c == mark {
            return (!out.is_empty()).then_some((out, i + 1));
        } else {
            out.push(c);
            i += 1;
        }
    }
    None
}

/// The user id of a mention `<@ID>` at `start`, and the index after it.
fn mention_at(chars: &[char], start: usize) -> Option<(String, usize)> {
    if chars.get(start + 1) != Some(&'@') {
        return None;
    }
    let mut id = String::new();
    for (i, &c) in chars.iter().enumerate().skip(start + 2) {
        if c == '>' {
            return (!id.is_empty()).then_some((id, i + 1));
        }
        if c == '<' || c == '\\' || c.is_whitespace() {
            return None;
        }
        id.push(c);
    }
    None
}

impl From<&str> for Rich {
    /// Parses the dialect.
    fn from(text: &str) -> Rich {
        Rich::parse(text)
    }
}

impl From<String> for Rich {
    /// Parses the dialect.
    fn from(text: String) -> Rich {
        Rich::parse(&text)
    }
}

impl From<&String> for Rich {
    /// Parses the dialect.
    fn from(text: &String) -> Rich {
        Rich::parse(text)
    }
}

impl From<Span> for Rich {
    fn from(span: Span) -> Rich {
        Rich(vec![span])
    }
}

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
    /// A paragraph: plain text with emphasis, code and mentions (see [`Rich`]).
    Text { text: Rich },
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
    /// Small print under a message: account, region, role, timings.
    Context { text: Rich },
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
    /// Runs the button's value as a command typed by whoever pressed it (Show logs on an
    /// alarm notification): the same authorization, confirmation and audit as typing it.
    pub const COMMAND: &'static str = "command";
    /// A custom action on a notification: the value is `{"name", "template", "vars"}`; the
    /// template runs with the variables as the presser's command, missing ones asked for.
    pub const CUSTOM_ACTION: &'static str = "custom_action";
}

impl Message {
    /// Adds a paragraph; a string is read as the engine's dialect (see [`Rich`]).
    pub fn text(&mut self, text: impl Into<Rich>) -> &mut Message {
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

    /// Adds small print; a string is read as the engine's dialect (see [`Rich`]).
    pub fn context(&mut self, text: impl Into<Rich>) -> &mut Message {
        self.blocks.push(Block::Context { text: text.into() });
        self
    }

    /// All text of the message, for logs and tests.
    pub fn plain(&self) -> String {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Text { text } | Block::Context { text } => out.push(text.plain()),
                Block::Code { text, .. } => out.push(text.clone()),
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
