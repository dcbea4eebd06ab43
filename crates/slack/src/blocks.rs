//! The engine's [`Message`] as Slack Block Kit: the bodies of `chat.postMessage`,
//! `chat.postEphemeral` and `chat.update`, the files to upload, and the modals to open.
//!
//! | engine block | Slack |
//! |---|---|
//! | `Text` | `section` blocks with `mrkdwn` text, split at 3,000 characters (after a newline when possible): plain spans escaped, `*strong*`, `` `code` ``, `<@U…>` mentions (`text::rich_atoms`) |
//! | `Code` | `section` blocks with the text in a ```` ``` ```` fence, split at 3,000; a run of three backticks inside gets a zero-width space so it cannot close the fence |
//! | `Table` | aligned monospace columns in a fence (Block Kit has no table); cells of more than 60 characters are cut with `…`; split by rows, each part repeating the header |
//! | `Buttons` | `actions` blocks of at most 25 buttons; `primary`/`danger` styles; `confirm` → a Slack confirm dialog |
//! | `Menu` | `static_select`s of at most 100 options each (a longer list becomes several menus, "(1–100)", "(101–200)", …), 25 per `actions` block |
//! | `Form` | a button "📝 {title}" in the message, and a `modal` view in [`Rendered::modals`]: when the button is pressed the surface opens it with `views.open` (Slack only opens modals in answer to a user's action) |
//! | `Image` | an `image` block for an `https` URL; a `data:image/…;base64` URL (a chart) becomes a file to upload, as Slack only shows images it can fetch |
//! | `Context` | `context` blocks, rendered like `Text` |
//! | `File` | [`Rendered::files`]: upload it (`files.getUploadURLExternal` + `files.completeUploadExternal`) into the same thread |
//!
//! All text is escaped ([`crate::text`]). Long values become handles ([`crate::ids`]).
//!
//! **Limits.** A message holds at most 50 blocks and 40,000 characters (counted over every
//! string in its blocks plus the fallback `text`). Content that needs more is split into
//! several consecutive messages, up to [`RenderOptions::max_messages`]; beyond that (or when
//! `max_messages` is 1, as for `chat.update`, which replaces one message) the text, code and
//! tables go into a file `output.txt` and the message keeps the first part, a note saying
//! so, and every control. Ephemeral messages (`only_to`) are never turned into a file (a file
//! would be visible to the whole channel): they are split instead, however many messages
//! that takes. [`Rendered::overflow`] says which happened. `crate::limits` (feature
//! `test-support`) checks a message against every limit this module knows.

use crate::ids::{self, FormOrigin, Handles};
use crate::text::{atoms, char_len, chunk_atoms, escape_all, escaped_atoms, rich_atoms, truncate};
use engine::{Block, Button, Choice, Field, Message, Style};
use serde_json::{json, Value};

/// Blocks in one message.
pub const MAX_BLOCKS: usize = 50;
/// Characters in one message (all its text).
pub const MAX_MESSAGE_CHARS: usize = 40_000;
/// Characters of a `section`'s or a `context` element's text.
pub const MAX_SECTION_TEXT: usize = 3000;
/// Elements of an `actions` block.
pub const MAX_ACTIONS: usize = 25;
/// Options of a `static_select`.
pub const MAX_OPTIONS: usize = 100;
/// Characters of an option's text, a button's text.
pub const MAX_OPTION_TEXT: usize = 75;
/// Characters of a placeholder.
pub const MAX_PLACEHOLDER: usize = 150;
/// Elements of a `context` block.
pub const MAX_CONTEXT_ELEMENTS: usize = 10;
/// Blocks of a modal.
pub const MAX_VIEW_BLOCKS: usize = 100;
/// Characters of a modal's title, submit and close labels.
pub const MAX_VIEW_TITLE: usize = 24;
/// Characters of a modal's `private_metadata`.
pub const MAX_PRIVATE_METADATA: usize = 3000;
/// Characters of the fallback `text` of a message.
pub const MAX_FALLBACK: usize = 1000;
/// Characters of a table cell before it is cut.
pub const MAX_CELL: usize = 60;
/// Options shown for one engine menu (five menus of 100); the rest are named in a note.
pub const MAX_MENU_OPTIONS: usize = 500;
/// Characters of labels in one `actions` block (so any block fits a message).
const MAX_ACTIONS_TEXT: usize = 15_000;
/// Characters of an image's URL and alt text.
pub const MAX_IMAGE_URL: usize = 3000;
pub const MAX_ALT: usize = 2000;
pub(crate) const CONFIRM_TEXT: usize = 300;
pub(crate) const CONFIRM_BUTTON: usize = 30;
const FENCE: usize = 8; // "```\n" + "\n```"

/// `data:{mime};base64,{data}` → (mime, bytes).
fn decode_data_url(url: &str) -> Option<(String, Vec<u8>)> {
    use base64::Engine as _;
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?;
    if !mime.starts_with("image/") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .ok()?;
    Some((mime.to_string(), bytes))
}

/// Where the message goes (the modal's metadata names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub workspace: String,
    pub channel: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Messages a long result may be split into before it goes into a file instead
    /// (at least 1; pass 1 for `chat.update`).
    pub max_messages: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { max_messages: 4 }
    }
}

/// One Slack message: `text` (notifications, screen readers) and `blocks`.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackMessage {
    pub text: String,
    pub blocks: Vec<Value>,
}

/// A file to upload next to the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpload {
    pub name: String,
    pub content_type: String,
    pub content: Vec<u8>,
    /// Alt text (images).
    pub alt: Option<String>,
}

/// A modal to open with `views.open` when the button whose value is `key` is pressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Modal {
    pub key: String,
    /// The `view` argument of `views.open`.
    pub view: Value,
}

/// What was done about Slack's message limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overflow {
    /// One message was enough.
    Fits,
    /// Split into this many consecutive messages.
    Split(usize),
    /// Text, code and tables moved to [`Rendered::files`] under `name`; `chars` is how
    /// much text that was; the messages keep a preview, a note and the controls.
    File { name: String, chars: usize },
}

/// An engine message rendered for Slack.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Post these in order (all in the message's thread); empty when the message only
    /// carries files.
    pub messages: Vec<SlackMessage>,
    pub files: Vec<FileUpload>,
    pub modals: Vec<Modal>,
    /// Store these so values and ids coming back can be resolved.
    pub handles: Handles,
    pub overflow: Overflow,
}

impl SlackMessage {
    /// The body of `chat.postMessage`.
    pub fn post_body(&self, channel: &str, thread_ts: Option<&str>) -> Value {
        let mut b = json!({
            "channel": channel,
            "text": self.text,
            "blocks": self.blocks,
            "unfurl_links": false,
            "unfurl_media": false,
        });
        if let Some(ts) = thread_ts {
            b["thread_ts"] = json!(ts);
        }
        b
    }

    /// The body of `chat.postEphemeral`.
    pub fn ephemeral_body(&self, channel: &str, user: &str, thread_ts: Option<&str>) -> Value {
        let mut b = json!({
            "channel": channel,
            "user": user,
            "text": self.text,
            "blocks": self.blocks,
        });
        if let Some(ts) = thread_ts {
            b["thread_ts"] = json!(ts);
        }
        b
    }

    /// The body of `chat.update`.
    pub fn update_body(&self, channel: &str, ts: &str) -> Value {
        json!({ "channel": channel, "ts": ts, "text": self.text, "blocks": self.blocks })
    }

    /// The body to POST to a `response_url` replacing the message the action was on.
    pub fn replace_original_body(&self) -> Value {
        json!({ "replace_original": true, "text": self.text, "blocks": self.blocks })
    }
}

/// One block of output.
struct Unit {
    block: Value,
    /// The text it shows, escaped (for the fallback `text`).
    plain: String,
    /// Text, code or table: may move to a file; the whole engine block's text is on its
    /// first unit.
    content: Option<String>,
}

fn plain_text(text: &str, max: usize) -> Value {
    let t = if text.trim().is_empty() { "…" } else { text };
    json!({ "type": "plain_text", "text": truncate(t, max), "emoji": true })
}

/// Counts the displayed characters of a JSON value: every string under a `"text"` key
/// (section and context text, button and option labels, placeholders). This is the measure
/// used against the 40,000-character limit, together with the fallback `text`.
pub fn text_chars(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.iter().map(text_chars).sum(),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) if k == "text" => char_len(s),
                other => text_chars(other),
            })
            .sum(),
        _ => 0,
    }
}

struct Renderer<'a> {
    msg: &'a Message,
    dest: &'a Destination,
    handles: Handles,
    controls: usize,
    blocks: usize,
    modals: Vec<Modal>,
    files: Vec<FileUpload>,
}

fn section(text: String) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } })
}

/// Breaks runs of three backticks so they cannot close a fence.
fn defuse_fences(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            if run == 3 {
                out.push('\u{200B}');
                run = 1;
            }
        } else {
            run = 0;
        }
        out.push(c);
    }
    out
}

/// Table lines: header, rule, rows; columns padded to the widest cell (cut at MAX_CELL).
fn table_lines(columns: &[String], rows: &[Vec<String>]) -> (Vec<String>, Vec<String>) {
    let clean = |s: &str| truncate(&s.replace(['\n', '\r', '\t'], " "), MAX_CELL);
    let ncol = rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(columns.len()))
        .max()
        .unwrap_or(0);
    let cell = |r: &[String], i: usize| r.get(i).map(|s| clean(s)).unwrap_or_default();
    let mut widths = vec![0usize; ncol];
    for (i, w) in widths.iter_mut().enumerate() {
        *w = std::iter::once(cell(columns, i))
            .chain(rows.iter().map(|r| cell(r, i)))
            .map(|s| char_len(&s))
            .max()
            .unwrap_or(0);
    }
    let line = |r: &[String]| -> String {
        let cells: Vec<String> = (0..ncol)
            .map(|i| {
                let c = cell(r, i);
                let pad = widths[i].saturating_sub(char_len(&c));
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        cells.join("  ").trim_end().to_string()
    };
    let header = vec![
        line(columns),
        widths
            .iter()
            .map(|w| "-".repeat((*w).max(1)))
            .collect::<Vec<_>>()
            .join("  "),
    ];
    let mut body: Vec<String> = rows.iter().map(|r| line(r)).collect();
    if body.is_empty() {
        body.push("(no rows)".to_string());
    }
    (header, body)
}

/// Code chunks of at most `limit` characters (escaped lines joined by newlines), each
/// starting with `header` when it is short enough to repeat; a line longer than a chunk is
/// cut.
fn line_chunks(header: &[String], lines: &[String], limit: usize) -> Vec<String> {
    let esc = |s: &str| atoms(&defuse_fences(s), false);
    let head: Vec<String> = header.iter().map(|h| esc(h).concat()).collect();
    let head_len: usize = head.iter().map(|h| char_len(h) + 1).sum();
    let repeat = !head.is_empty() && head_len * 2 < limit;
    let (prefix, all): (Vec<String>, Vec<Vec<String>>) = if repeat {
        (head, lines.iter().map(|l| esc(l)).collect())
    } else {
        (
            Vec::new(),
            header.iter().chain(lines).map(|l| esc(l)).collect(),
        )
    };
    let room = limit - if repeat { head_len } else { 0 };
    let mut chunks = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut cur_len = 0;
    let flush = |cur: &mut Vec<String>, chunks: &mut Vec<String>| {
        if !cur.is_empty() {
            let mut lines = prefix.clone();
            lines.append(cur);
            chunks.push(lines.join("\n"));
        }
    };
    for a in all {
        let n: usize = a.iter().map(|s| char_len(s)).sum();
        if n > room {
            flush(&mut cur, &mut chunks);
            cur_len = 0;
            for piece in chunk_atoms(&a, room) {
                cur.push(piece);
                flush(&mut cur, &mut chunks);
            }
            continue;
        }
        if cur_len + n + 1 > room + 1 && !cur.is_empty() {
            flush(&mut cur, &mut chunks);
            cur_len = 0;
        }
        cur_len += n + 1;
        cur.push(a.concat());
    }
    flush(&mut cur, &mut chunks);
    chunks
}

impl Renderer<'_> {
    fn next_control(&mut self) -> usize {
        self.controls += 1;
        self.controls - 1
    }

    /// `actions` blocks of at most MAX_ACTIONS elements and MAX_ACTIONS_TEXT characters.
    fn actions(&mut self, elements: Vec<Value>) -> Vec<Value> {
        let mut groups: Vec<Vec<Value>> = Vec::new();
        let mut chars = 0;
        for e in elements {
            let n = text_chars(&e);
            match groups.last_mut() {
                Some(g) if g.len() < MAX_ACTIONS && chars + n <= MAX_ACTIONS_TEXT => {
                    chars += n;
                    g.push(e);
                }
                _ => {
                    chars = n;
                    groups.push(vec![e]);
                }
            }
        }
        groups
            .into_iter()
            .map(|els| {
                let content = Value::Array(els.clone()).to_string();
                let n = self.blocks;
                self.blocks += 1;
                json!({
                    "type": "actions",
                    "block_id": ids::block_id(&self.msg.id, n, &content, &mut self.handles),
                    "elements": els,
                })
            })
            .collect()
    }

    fn button(&mut self, b: &Button) -> Value {
        let n = self.next_control();
        let mut v = json!({
            "type": "button",
            "text": plain_text(&b.label, MAX_OPTION_TEXT),
            "action_id": ids::action_id(&b.action, n, &mut self.handles),
            "value": self.handles.fit(&b.value, ids::MAX_BUTTON_VALUE),
        });
        match b.style {
            Style::Primary => v["style"] = json!("primary"),
            Style::Danger => v["style"] = json!("danger"),
            Style::Default => {}
        }
        if let Some(question) = &b.confirm {
            let text: String = {
                let a = atoms(question, true);
                chunk_atoms(&a, CONFIRM_TEXT)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
            };
            v["confirm"] = json!({
                "title": plain_text("Are you sure?", 100),
                "text": { "type": "mrkdwn", "text": if text.is_empty() { "Are you sure?".to_string() } else { text } },
                "confirm": plain_text(&b.label, CONFIRM_BUTTON),
                "deny": plain_text("Cancel", CONFIRM_BUTTON),
                "style": if b.style == Style::Danger { "danger" } else { "primary" },
            });
        }
        v
    }

    fn menu(&mut self, action: &str, placeholder: &str, options: &[Choice]) -> Vec<Value> {
        let parts = options.chunks(MAX_OPTIONS).count();
        let mut selects = Vec::new();
        for (i, part) in options.chunks(MAX_OPTIONS).enumerate() {
            let n = self.next_control();
            let ph = if parts > 1 {
                let first = i * MAX_OPTIONS + 1;
                let suffix = format!(" ({first}–{})", first + part.len() - 1);
                format!(
                    "{}{suffix}",
                    truncate(placeholder, MAX_PLACEHOLDER - char_len(&suffix))
                )
            } else {
                placeholder.to_string()
            };
            let opts: Vec<Value> = part
                .iter()
                .map(|c| {
                    json!({
                        "text": plain_text(&c.label, MAX_OPTION_TEXT),
                        "value": self.handles.fit(&c.value, ids::MAX_OPTION_VALUE),
                    })
                })
                .collect();
            selects.push(json!({
                "type": "static_select",
                "action_id": ids::action_id(action, n, &mut self.handles),
                "placeholder": plain_text(if ph.trim().is_empty() { "Choose…" } else { &ph }, MAX_PLACEHOLDER),
                "options": opts,
            }));
        }
        selects
    }

    fn modal(&mut self, action: &str, title: &str, fields: &[Field], submit: &str) -> Modal {
        let origin = FormOrigin {
            workspace: self.dest.workspace.clone(),
            channel: self.dest.channel.clone(),
            thread: self.msg.thread.clone(),
            message: (!self.msg.id.is_empty()).then(|| self.handles.fit(&self.msg.id, ids::MAX_ID)),
        };
        let blocks: Vec<Value> = fields
            .iter()
            .take(MAX_VIEW_BLOCKS)
            .map(|f| {
                let element = if f.options.is_empty() {
                    json!({ "type": "plain_text_input", "action_id": "value", "multiline": f.multiline })
                } else {
                    let opts: Vec<Value> = f
                        .options
                        .iter()
                        .take(MAX_OPTIONS)
                        .map(|c| {
                            json!({
                                "text": plain_text(&c.label, MAX_OPTION_TEXT),
                                "value": self.handles.fit(&c.value, ids::MAX_OPTION_VALUE),
                            })
                        })
                        .collect();
                    json!({
                        "type": "static_select",
                        "action_id": "value",
                        "placeholder": plain_text("Choose…", MAX_PLACEHOLDER),
                        "options": opts,
                    })
                };
                json!({
                    "type": "input",
                    "block_id": self.handles.fit(&f.name, ids::MAX_ID),
                    "optional": f.optional,
                    "label": plain_text(if f.label.trim().is_empty() { &f.name } else { &f.label }, 2000),
                    "element": element,
                })
            })
            .collect();
        let metadata = serde_json::to_string(&origin).unwrap_or_default();
        let view = json!({
            "type": "modal",
            "callback_id": self.handles.fit(action, ids::MAX_ID),
            "private_metadata": metadata,
            "title": plain_text(title, MAX_VIEW_TITLE),
            "submit": plain_text(if submit.trim().is_empty() { "Submit" } else { submit }, MAX_VIEW_TITLE),
            "close": plain_text("Cancel", MAX_VIEW_TITLE),
            "blocks": blocks,
        });
        let key = format!(
            "form:{}",
            &ids::handle_of(&view.to_string())[ids::HANDLE_PREFIX.len()..]
        );
        Modal { key, view }
    }

    /// An `https` image as an `image` block; a `data:` image as a file to upload (Slack
    /// only shows images it can fetch); anything else as its alt text.
    fn image(&mut self, url: &str, alt: &str) -> Option<Unit> {
        let alt_text = truncate(if alt.trim().is_empty() { "image" } else { alt }, MAX_ALT);
        if url.starts_with("https://") && char_len(url) <= MAX_IMAGE_URL {
            return Some(Unit {
                block: json!({ "type": "image", "image_url": url, "alt_text": alt_text }),
                plain: escape_all(&alt_text),
                content: None,
            });
        }
        if let Some((mime, bytes)) = decode_data_url(url) {
            let ext = match mime.as_str() {
                "image/png" => "png",
                "image/jpeg" => "jpg",
                "image/gif" => "gif",
                "image/svg+xml" => "svg",
                _ => "bin",
            };
            self.files.push(FileUpload {
                name: format!("image-{}.{ext}", self.files.len() + 1),
                content_type: mime,
                content: bytes,
                alt: Some(alt_text),
            });
            return None;
        }
        let note = chunk_atoms(
            &atoms(&format!("(image not shown: {alt_text})"), true),
            MAX_SECTION_TEXT,
        )
        .into_iter()
        .next()
        .unwrap_or_default();
        Some(Unit {
            block: json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": note }] }),
            plain: note,
            content: None,
        })
    }

    fn units(&mut self) -> Vec<Unit> {
        let mut out = Vec::new();
        let msg = self.msg;
        for b in &msg.blocks {
            match b {
                Block::Text { text } => {
                    if text.is_blank() {
                        continue;
                    }
                    for (i, chunk) in chunk_atoms(&rich_atoms(text), MAX_SECTION_TEXT)
                        .into_iter()
                        .enumerate()
                    {
                        out.push(Unit {
                            plain: chunk.clone(),
                            block: section(chunk),
                            content: Some(if i == 0 { text.plain() } else { String::new() }),
                        });
                    }
                }
                Block::Code { text, .. } => {
                    let lines: Vec<String> = text.lines().map(str::to_string).collect();
                    let lines = if lines.is_empty() {
                        vec![" ".to_string()]
                    } else {
                        lines
                    };
                    let chunks = line_chunks(&[], &lines, MAX_SECTION_TEXT - FENCE);
                    for (i, chunk) in chunks.into_iter().enumerate() {
                        out.push(Unit {
                            plain: chunk.clone(),
                            block: section(format!("```\n{chunk}\n```")),
                            content: Some(if i == 0 { text.clone() } else { String::new() }),
                        });
                    }
                }
                Block::Table { columns, rows } => {
                    let (header, body) = table_lines(columns, rows);
                    let whole = header.iter().chain(&body).cloned().collect::<Vec<_>>();
                    let chunks = line_chunks(&header, &body, MAX_SECTION_TEXT - FENCE);
                    for (i, chunk) in chunks.into_iter().enumerate() {
                        out.push(Unit {
                            plain: chunk.clone(),
                            block: section(format!("```\n{chunk}\n```")),
                            content: Some(if i == 0 {
                                whole.join("\n")
                            } else {
                                String::new()
                            }),
                        });
                    }
                }
                Block::Buttons { buttons } => {
                    let els: Vec<Value> = buttons.iter().map(|b| self.button(b)).collect();
                    let plain = escape_all(
                        &buttons
                            .iter()
                            .map(|b| format!("[{}]", b.label))
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    for (i, block) in self.actions(els).into_iter().enumerate() {
                        out.push(Unit {
                            block,
                            plain: if i == 0 { plain.clone() } else { String::new() },
                            content: None,
                        });
                    }
                }
                Block::Menu {
                    action,
                    placeholder,
                    options,
                } => {
                    if options.is_empty() {
                        // A placeholder can be any length: cut to one element's limit.
                        let note = chunk_atoms(
                            &atoms(&format!("{placeholder} — no choices"), true),
                            MAX_SECTION_TEXT,
                        )
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                        out.push(Unit {
                            block: json!({ "type": "context", "elements": [
                                { "type": "mrkdwn", "text": note }
                            ]}),
                            plain: escape_all(placeholder),
                            content: None,
                        });
                        continue;
                    }
                    let shown = &options[..options.len().min(MAX_MENU_OPTIONS)];
                    let els = self.menu(action, placeholder, shown);
                    for block in self.actions(els) {
                        out.push(Unit {
                            block,
                            plain: String::new(),
                            content: None,
                        });
                    }
                    if options.len() > shown.len() {
                        let note = format!(
                            "{} more choices are not listed; type the value instead.",
                            options.len() - shown.len()
                        );
                        out.push(Unit {
                            block: json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": note }] }),
                            plain: note,
                            content: None,
                        });
                    }
                }
                Block::Form {
                    action,
                    title,
                    fields,
                    submit,
                } => {
                    let modal = self.modal(action, title, fields, submit);
                    let n = self.next_control();
                    let button = json!({
                        "type": "button",
                        "text": plain_text(&format!("📝 {title}"), MAX_OPTION_TEXT),
                        "action_id": ids::action_id(ids::OPEN_FORM_ACTION, n, &mut self.handles),
                        "value": modal.key,
                    });
                    self.modals.push(modal);
                    for block in self.actions(vec![button]) {
                        out.push(Unit {
                            block,
                            plain: escape_all(&format!("[{title}]")),
                            content: None,
                        });
                    }
                }
                Block::Context { text } => {
                    if text.is_blank() {
                        continue;
                    }
                    let chunks = chunk_atoms(&rich_atoms(text), MAX_SECTION_TEXT);
                    for group in chunks.chunks(MAX_CONTEXT_ELEMENTS) {
                        let els: Vec<Value> = group
                            .iter()
                            .map(|t| json!({ "type": "mrkdwn", "text": t }))
                            .collect();
                        out.push(Unit {
                            block: json!({ "type": "context", "elements": els }),
                            plain: group.join(" "),
                            content: None,
                        });
                    }
                }
                Block::File {
                    name,
                    content_type,
                    content,
                } => self.files.push(FileUpload {
                    name: name.clone(),
                    content_type: content_type.clone(),
                    content: content.clone().into_bytes(),
                    alt: None,
                }),
                Block::Image { url, alt } => {
                    if let Some(unit) = self.image(url, alt) {
                        out.push(unit);
                    }
                }
            }
        }
        out
    }
}

/// The fallback `text`: the message's text (already escaped), at most MAX_FALLBACK
/// characters, cut between entities and mentions.
fn fallback(plains: &[&str]) -> String {
    let joined = plains
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if joined.is_empty() {
        return "(message)".to_string();
    }
    if char_len(&joined) <= MAX_FALLBACK {
        return joined;
    }
    let mut out = String::new();
    let mut n = 0;
    for atom in escaped_atoms(&joined) {
        let len = char_len(atom);
        if n + len > MAX_FALLBACK - 1 {
            break;
        }
        n += len;
        out.push_str(atom);
    }
    out.push('…');
    out
}

/// Packs units into messages within MAX_BLOCKS and MAX_MESSAGE_CHARS.
fn pack(units: Vec<Unit>) -> Vec<SlackMessage> {
    let budget = MAX_MESSAGE_CHARS - MAX_FALLBACK;
    let mut groups: Vec<Vec<Unit>> = vec![Vec::new()];
    let mut chars = 0;
    for u in units {
        let n = text_chars(&u.block);
        let cur = groups.last().map_or(0, |g| g.len());
        if cur > 0 && (cur + 1 > MAX_BLOCKS || chars + n > budget) {
            groups.push(Vec::new());
            chars = 0;
        }
        chars += n;
        if let Some(g) = groups.last_mut() {
            g.push(u);
        }
    }
    groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let plains: Vec<&str> = g.iter().map(|u| u.plain.as_str()).collect();
            let text = fallback(&plains);
            SlackMessage {
                text,
                blocks: g.into_iter().map(|u| u.block).collect(),
            }
        })
        .collect()
}

/// Renders one engine message for a destination.
pub fn render(msg: &Message, dest: &Destination, opts: &RenderOptions) -> Rendered {
    let mut r = Renderer {
        msg,
        dest,
        handles: Handles::default(),
        controls: 0,
        blocks: 0,
        modals: Vec::new(),
        files: Vec::new(),
    };
    let units = r.units();
    let content_plain: Vec<String> = units
        .iter()
        .filter_map(|u| u.content.clone())
        .filter(|c| !c.is_empty())
        .collect();
    let first_content = units.iter().position(|u| u.content.is_some());
    let mut messages = pack(units);
    let mut overflow = match messages.len() {
        0 | 1 => Overflow::Fits,
        n => Overflow::Split(n),
    };
    if messages.len() > opts.max_messages.max(1) && msg.only_to.is_none() {
        // Re-render and move the content into a file.
        let mut again = Renderer {
            msg,
            dest,
            handles: Handles::default(),
            controls: 0,
            blocks: 0,
            modals: Vec::new(),
            files: Vec::new(),
        };
        let units = again.units();
        let content = content_plain.join("\n\n");
        let name = "output.txt".to_string();
        let chars = char_len(&content);
        let note = format!(
            "Output too long for Slack ({chars} characters, {} messages): the full text is attached as `{name}`.",
            messages.len()
        );
        let mut kept = Vec::new();
        for (i, u) in units.into_iter().enumerate() {
            if Some(i) == first_content {
                kept.push(u);
                kept.push(Unit {
                    block: json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": note.clone() }] }),
                    plain: note.clone(),
                    content: None,
                });
            } else if u.content.is_none() {
                kept.push(u);
            }
        }
        messages = pack(kept);
        again.files.push(FileUpload {
            name: name.clone(),
            content_type: "text/plain".to_string(),
            content: content.into_bytes(),
            alt: None,
        });
        overflow = Overflow::File { name, chars };
        r = again;
    }
    Rendered {
        messages,
        files: r.files,
        modals: r.modals,
        handles: r.handles,
        overflow,
    }
}
