//! The shape every notification message shares: a strong headline, paragraphs, a block
//! of `Label: value` lines, small print, and (when anything was cut) the whole
//! notification attached as a file. Every payload value enters as a span value
//! (`Plain`, `Code`, `Strong`), never as markup, so no surface can read a payload's
//! `<!channel>`, `<@U1>`, `*` or link syntax as anything but text.

use super::Meta;
use crate::message::{time, Raw};
use engine::{Block, Message, Rich, Span};

/// Characters of a name (alarm, stack, finding title, header).
pub const NAME: usize = 150;
/// Characters of a short value (ids, ARNs, statuses, dimensions).
pub const VALUE: usize = 300;
/// Characters of a reason or description.
pub const LONG: usize = 2000;

/// A message being built.
pub struct Doc {
    blocks: Vec<Block>,
    fields: Vec<Span>,
    cut: bool,
}

impl Doc {
    /// A message whose first line is `headline`.
    pub fn new(headline: Rich) -> Doc {
        Doc {
            blocks: vec![Block::Text { text: headline }],
            fields: Vec::new(),
            cut: false,
        }
    }

    /// Records that something was cut elsewhere (the parser cut a field), so the whole
    /// notification is attached.
    pub fn mark_cut(&mut self) {
        self.cut = true;
    }

    /// At most `max` characters of `s`, ending in `…` when cut (and then the whole
    /// notification is attached).
    pub fn clip(&mut self, s: &str, max: usize) -> String {
        crate::message::value::clip(s.trim(), max, &mut self.cut)
    }

    /// A paragraph of spans (skipped when blank).
    pub fn text(&mut self, spans: Vec<Span>) {
        self.flush();
        let text = Rich(spans);
        if !text.is_blank() {
            self.blocks.push(Block::Text { text });
        }
    }

    /// A paragraph of plain text, cut at `max` (skipped when absent or blank).
    pub fn paragraph(&mut self, s: Option<&str>, max: usize) {
        if let Some(s) = s.filter(|s| !s.trim().is_empty()) {
            let s = self.clip(s, max);
            self.text(vec![Span::Plain(s)]);
        }
    }

    /// A `Label: value` line.
    pub fn field(&mut self, label: &str, value: Vec<Span>) {
        if value.is_empty() {
            return;
        }
        if !self.fields.is_empty() {
            self.fields.push(Span::Plain("\n".into()));
        }
        self.fields.push(Span::Strong(label.to_string()));
        self.fields.push(Span::Plain(": ".into()));
        self.fields.extend(value);
    }

    /// A `Label: value` line with the value as code, cut at `max` (skipped when absent
    /// or blank).
    pub fn code_field(&mut self, label: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let v = self.clip(v, max);
            self.field(label, vec![Span::Code(v)]);
        }
    }

    /// A `Label: value` line with the value as plain text, cut at `max`.
    pub fn plain_field(&mut self, label: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let v = self.clip(v, max);
            self.field(label, vec![Span::Plain(v)]);
        }
    }

    /// A `Label: time` line, the time shown in UTC when it is readable.
    pub fn time_field(&mut self, label: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let shown = time::show_text(v);
            let shown = self.clip(&shown, VALUE);
            self.field(label, vec![Span::Plain(shown)]);
        }
    }

    /// `Label: a, b, c` with the first `max` values as code and `+N more`.
    pub fn list_field(&mut self, label: &str, values: &[String], max: usize) {
        let mut spans = Vec::new();
        for (i, v) in values
            .iter()
            .filter(|v| !v.trim().is_empty())
            .take(max)
            .enumerate()
        {
            if i > 0 {
                spans.push(Span::Plain(", ".into()));
            }
            let v = self.clip(v, VALUE);
            spans.push(Span::Code(v));
        }
        if values.len() > max {
            spans.push(Span::Plain(format!(" +{} more", values.len() - max)));
        }
        self.field(label, spans);
    }

    /// Ends the current block of fields.
    pub fn flush(&mut self) {
        if !self.fields.is_empty() {
            let text = Rich(std::mem::take(&mut self.fields));
            self.blocks.push(Block::Text { text });
        }
    }

    /// The message: small print naming `origin` (what sent it) and the SNS delivery,
    /// and the whole notification attached when anything was cut.
    pub fn finish(mut self, origin: Option<String>, meta: &Meta, raw: Raw<'_>) -> Message {
        self.flush();
        let mut parts: Vec<String> = origin.into_iter().collect();
        parts.extend(delivery(meta));
        if self.cut {
            parts.push(format!(
                "shortened; the whole notification is attached as {}",
                attachment_name(raw)
            ));
        }
        if !parts.is_empty() {
            self.blocks.push(Block::Context {
                text: Rich(vec![Span::Plain(parts.join(" · "))]),
            });
        }
        if self.cut {
            self.blocks.push(attachment(raw));
        }
        Message {
            blocks: self.blocks,
            ..Message::default()
        }
    }
}

/// `SNS <MessageId>`, the topic's name and when it was received.
pub fn delivery(meta: &Meta) -> Vec<String> {
    let mut parts = Vec::new();
    if !meta.message_id.trim().is_empty() {
        parts.push(format!(
            "SNS {}",
            crate::message::value::clip(meta.message_id.trim(), 100, &mut false)
        ));
    }
    if let Some(topic) = meta.topic_arn.as_deref().filter(|t| !t.trim().is_empty()) {
        let name = topic.rsplit(':').next().unwrap_or(topic);
        parts.push(crate::message::value::clip(name, NAME, &mut false));
    }
    if let Some(t) = time::show_ms(meta.received_ms).filter(|_| meta.received_ms > 0) {
        parts.push(format!("received {t}"));
    }
    parts
}

fn attachment_name(raw: Raw<'_>) -> &'static str {
    match raw {
        Raw::Json(_) => "notification.json",
        Raw::Text(_) => "notification.txt",
    }
}

/// The notification as a file: pretty JSON, or the text as it came.
pub fn attachment(raw: Raw<'_>) -> Block {
    match raw {
        Raw::Json(v) => Block::File {
            name: "notification.json".into(),
            content_type: "application/json".into(),
            content: serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()),
        },
        Raw::Text(t) => Block::File {
            name: "notification.txt".into(),
            content_type: "text/plain".into(),
            content: t.to_string(),
        },
    }
}

/// A one-line headline: `{emoji} {text}`, strong, the text cut at [`NAME`].
pub fn headline(emoji: &str, text: &str) -> Rich {
    let text = crate::message::value::clip(text.trim(), NAME, &mut false);
    Rich(vec![Span::Strong(format!("{emoji} {text}"))])
}
