//! The engine's [`Message`] as one Adaptive Card, within Teams' limits.
//!
//! One engine message is one activity (it is updated in place later, by PUT), so everything
//! goes into one card of at most [`MAX_CARD_BYTES`]:
//!
//! | engine block | card |
//! |---|---|
//! | `Text` | a `RichTextBlock` of `TextRun`s: strong → `weight: Bolder`, code → `fontType: Monospace`, a mention → the user's name (from [`RenderOptions::names`], else the id) in bold |
//! | `Code` | a `Container` (style `emphasis`) holding the text as one monospace `TextRun`, line breaks kept, indentation kept (as no-break spaces: Teams collapses runs of spaces) |
//! | `Table` | a 1.5 `Table`, the first row the header; at most [`MAX_TABLE_ROWS`] rows and [`MAX_TABLE_COLUMNS`] columns, cells cut at [`MAX_CELL_CHARS`], with a note of what was left out |
//! | `Buttons` | `Action.Submit`s in `ActionSet`s of at most [`MAX_ACTIONS_PER_SET`]; primary → `positive`, danger → `destructive`; a button with `confirm` → an `Action.ShowCard` holding the question and the real submit (cards have no confirm dialog) |
//! | `Menu` | an `Input.ChoiceSet` (compact; `filtered`, which can be searched, above [`FILTER_FROM`] options; at most [`MAX_MENU_OPTIONS`]) and a Choose submit |
//! | `Form` | its title, one input per field (`Input.Text`, multiline when asked; `Input.ChoiceSet` when the field has options; required fields with `isRequired`, `label` and `errorMessage`) and a submit |
//! | `Image` | an `Image` (https or `data:image/…` URLs; Teams shows both) with `altText`; dropped with a note when the card has no room for it |
//! | `Context` | small subtle text |
//! | `File` | (a bot cannot attach files in channels without Graph) the file's name and size, its first lines in a monospace block, the rest behind a "Show all" `Action.ShowCard` when the card has room, else a note of how much was left out |
//!
//! Text from users, AWS or the configuration is only ever put in `TextRun`s, input labels,
//! choice titles, placeholders, action titles and alt text, none of which Teams reads as
//! markdown: `**x**`, `[a](http://e)` and `<at>bob</at>` are shown as typed, never as
//! markup, a link or a mention. No `TextBlock` (whose text is markdown) is used.
//!
//! **Size.** When the card is over [`MAX_CARD_BYTES`], the largest shrinkable part gives way
//! first, again until the card fits: a code block or a file keeps its first lines and says how
//! many lines and characters were cut, a file loses its "Show all" (then its preview shrinks),
//! a table keeps fewer rows, a menu fewer options, an image is replaced by a note, long text
//! is cut. Should that not be enough (thousands of buttons), whole parts are replaced by a
//! note, from the largest. The card is always valid at [`CARD_VERSION`]; the tests check every
//! card with Microsoft's own parser (`tests/cards/validate.js`).

use crate::actions;
use engine::{Block, Button, Choice, Field, Message, Rich, Span, Style};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The Adaptive Card version of every card: what Teams renders on desktop, web and mobile.
pub const CARD_VERSION: &str = "1.5";
/// The `contentType` of the attachment holding a card.
pub const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";
/// Bytes of a card's serialized JSON. Teams refuses an activity larger than about 28 KB,
/// and the card shares the activity with its other fields (ids, conversation, service URL,
/// the summary text), so the card gets 24,000 bytes and the rest 4 KB.
pub const MAX_CARD_BYTES: usize = 24_000;
/// Actions Teams shows in one set (the rest would be dropped); more go into further sets.
pub const MAX_ACTIONS_PER_SET: usize = 6;
/// Rows of a table shown (more are counted in a note).
pub const MAX_TABLE_ROWS: usize = 50;
/// Columns of a table shown (a phone cannot show more side by side).
pub const MAX_TABLE_COLUMNS: usize = 10;
/// Characters of a table cell before it is cut with `…`.
pub const MAX_CELL_CHARS: usize = 200;
/// Options of a menu shown (more are counted in a note: type the value instead).
pub const MAX_MENU_OPTIONS: usize = 250;
/// Above this many options a menu is `filtered` (typing narrows the list).
pub const FILTER_FROM: usize = 10;
/// Characters of a button's or a choice's title.
pub const MAX_TITLE_CHARS: usize = 60;
/// Characters of [`Rendered::summary`].
pub const MAX_SUMMARY_CHARS: usize = 200;
/// The first lines and characters of a file shown in the message itself.
pub const FILE_PREVIEW_LINES: usize = 20;
pub const FILE_PREVIEW_CHARS: usize = 2_000;

/// How to render: what the card cannot know by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Display names by user id, for mentions (a user not listed is shown by id).
    pub names: HashMap<String, String>,
}

/// An engine message as a card.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The attachment's `content` (contentType [`CARD_CONTENT_TYPE`]).
    pub card: Value,
    /// The message's text, plain and short (at most [`MAX_SUMMARY_CHARS`]), for the
    /// activity's `text`/`summary`: the notification preview and screen readers.
    pub summary: String,
}

/// Renders one engine message as one card within [`MAX_CARD_BYTES`].
pub fn render(message: &Message, options: &RenderOptions) -> Rendered {
    let mut parts = parts(message, options);
    loop {
        let card = card(&parts, options);
        let size = serialized_len(&card);
        if size <= MAX_CARD_BYTES {
            return Rendered {
                card,
                summary: summary(message, options),
            };
        }
        let excess = size - MAX_CARD_BYTES;
        let sizes: Vec<usize> = parts
            .iter()
            .map(|p| serialized_len(&Value::Array(p.render(options))))
            .collect();
        let largest = |shrinkable: bool| {
            (0..parts.len())
                .filter(|&i| parts[i].can_shrink() == shrinkable && !parts[i].is_omitted())
                .max_by_key(|&i| sizes[i])
        };
        if let Some(i) = largest(true) {
            parts[i].shrink(excess, sizes[i]);
        } else if let Some(i) = largest(false) {
            parts[i] = Part::Omitted;
        } else {
            // Only notes are left and still too many: keep the first ones.
            let keep = parts.len() / 2;
            parts.truncate(keep);
        }
    }
}

/// Length of a value's JSON.
fn serialized_len(v: &Value) -> usize {
    serde_json::to_vec(v).map_or(usize::MAX, |b| b.len())
}

fn card(parts: &[Part<'_>], options: &RenderOptions) -> Value {
    let mut body: Vec<Value> = parts.iter().flat_map(|p| p.render(options)).collect();
    if body.is_empty() {
        body.push(note("(empty message)"));
    }
    json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "msteams": { "width": "Full" },
    })
}

// ---------------------------------------------------------------------------------------
// Elements.

fn run(text: impl Into<String>) -> Value {
    json!({ "type": "TextRun", "text": text.into() })
}

fn rich_block(inlines: Vec<Value>) -> Value {
    json!({ "type": "RichTextBlock", "inlines": inlines })
}

/// Small subtle italic text: what the renderer says about the message (cuts, omissions).
fn note(text: impl Into<String>) -> Value {
    rich_block(vec![json!({
        "type": "TextRun", "text": text.into(), "size": "Small", "isSubtle": true, "italic": true,
    })])
}

/// Monospace text on an emphasis background, with an optional note under it.
fn mono_block(text: &str, after: Option<String>) -> Value {
    let text = text.trim_end_matches(['\n', '\r']);
    let shown = if text.is_empty() {
        "\u{a0}".to_string()
    } else {
        preformat(text)
    };
    let mut items = vec![rich_block(vec![
        json!({ "type": "TextRun", "text": shown, "fontType": "Monospace" }),
    ])];
    items.extend(after.map(note));
    json!({ "type": "Container", "style": "emphasis", "items": items })
}

/// Keeps a code block's layout: Teams collapses runs of spaces, so indentation and runs of
/// two or more spaces become no-break spaces and a tab four of them; single spaces stay
/// (lines still wrap there).
fn preformat(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut line_start = true;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\t' => out.push_str("\u{a0}\u{a0}\u{a0}\u{a0}"),
            ' ' => {
                let run =
                    line_start || chars.get(i + 1) == Some(&' ') || (i > 0 && chars[i - 1] == ' ');
                out.push(if run { '\u{a0}' } else { ' ' });
            }
            '\r' => {}
            c => out.push(c),
        }
        line_start = c == '\n' || (line_start && matches!(c, ' ' | '\t' | '\r'));
    }
    out
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// At most `max` characters, the last one `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if char_len(s) <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A number with thousands separators.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// The first lines of a text: what is shown and what is not.
struct Head {
    shown: String,
    /// Lines not shown in full.
    lines_cut: usize,
    chars_cut: usize,
    /// The last line shown is only its beginning.
    partial: bool,
}

/// The whole lines of `text` that fit in `max_chars` and `max_lines`; when not even the
/// first line fits, its first `max_chars` characters.
fn head(text: &str, max_chars: usize, max_lines: usize) -> Head {
    let total_chars = char_len(text);
    let total_lines = text.split_inclusive('\n').count();
    let mut shown = String::new();
    let mut used = 0;
    let mut lines = 0;
    for line in text.split_inclusive('\n') {
        let n = char_len(line);
        if lines >= max_lines || used + n > max_chars {
            break;
        }
        shown.push_str(line);
        used += n;
        lines += 1;
    }
    let mut partial = false;
    if lines == 0 && max_chars > 0 && max_lines > 0 && total_lines > 0 {
        shown = text.chars().take(max_chars).collect();
        used = max_chars.min(total_chars);
        partial = used < total_chars;
    }
    let trimmed = shown.trim_end_matches(['\n', '\r']).len();
    shown.truncate(trimmed);
    Head {
        shown,
        lines_cut: total_lines - lines,
        chars_cut: total_chars - used,
        partial,
    }
}

impl Head {
    fn is_cut(&self) -> bool {
        self.chars_cut > 0
    }

    /// "… 120 more lines (4,500 characters) not shown"; `None` when nothing was cut.
    fn cut_note(&self, why: &str) -> Option<String> {
        if !self.is_cut() {
            return None;
        }
        let lines = if self.partial {
            format!(
                "the rest of a long line and {} more",
                count(self.lines_cut - 1)
            )
        } else {
            count(self.lines_cut)
        };
        Some(format!(
            "… {lines} {} ({}) not shown{why}",
            if self.lines_cut == 1 && !self.partial {
                "line"
            } else {
                "lines"
            },
            plural(self.chars_cut, "character", "characters"),
        ))
    }
}

/// The inlines of rich text, at most `limit` characters of it (then `…`).
fn inlines(text: &Rich, small: bool, limit: usize, options: &RenderOptions) -> Vec<Value> {
    let mut out = Vec::new();
    let mut left = limit;
    for span in &text.0 {
        if left == 0 {
            break;
        }
        let (t, bold, mono) = match span {
            Span::Plain(t) => (t.as_str(), false, false),
            Span::Strong(t) => (t.as_str(), true, false),
            Span::Code(t) => (t.as_str(), false, true),
            Span::Mention(u) => (options.names.get(u).unwrap_or(u).as_str(), true, false),
        };
        if t.is_empty() {
            continue;
        }
        let n = char_len(t);
        let shown = if n > left {
            let mut s: String = t.chars().take(left).collect();
            s.push('…');
            s
        } else {
            t.to_string()
        };
        left -= n.min(left);
        let mut r = run(shown);
        if bold {
            r["weight"] = json!("Bolder");
        }
        if mono {
            r["fontType"] = json!("Monospace");
        }
        if small {
            r["size"] = json!("Small");
            r["isSubtle"] = json!(true);
        }
        out.push(r);
    }
    out
}

fn rich_len(text: &Rich, options: &RenderOptions) -> usize {
    text.0
        .iter()
        .map(|s| match s {
            Span::Plain(t) | Span::Strong(t) | Span::Code(t) => char_len(t),
            Span::Mention(u) => char_len(options.names.get(u).unwrap_or(u)),
        })
        .sum()
}

fn title(label: &str, fallback: &str) -> String {
    let t = if label.trim().is_empty() {
        fallback
    } else {
        label
    };
    let t = if t.trim().is_empty() { "…" } else { t };
    truncate(t, MAX_TITLE_CHARS)
}

fn submit(title_text: String, data: Value, style: Option<&str>, no_inputs: bool) -> Value {
    let mut a = json!({ "type": "Action.Submit", "title": title_text, "data": data });
    if let Some(s) = style {
        a["style"] = json!(s);
    }
    if no_inputs {
        // A button needs no input, and must not be held back by a form's empty required
        // fields elsewhere on the card.
        a["associatedInputs"] = json!("none");
    }
    a
}

fn action_sets(actions: Vec<Value>) -> Vec<Value> {
    actions
        .chunks(MAX_ACTIONS_PER_SET)
        .map(|set| json!({ "type": "ActionSet", "actions": set }))
        .collect()
}

fn style_of(style: Style) -> Option<&'static str> {
    match style {
        Style::Primary => Some("positive"),
        Style::Danger => Some("destructive"),
        Style::Default => None,
    }
}

fn button(message_id: &str, b: &Button) -> Value {
    let label = title(&b.label, &b.value);
    let data = actions::button_data(message_id, &b.action, &b.value);
    let Some(question) = &b.confirm else {
        return submit(label, data, style_of(b.style), true);
    };
    let question = if question.trim().is_empty() {
        "Are you sure?"
    } else {
        question
    };
    let confirm_style = if b.style == Style::Danger {
        "destructive"
    } else {
        "positive"
    };
    let mut a = json!({
        "type": "Action.ShowCard",
        "title": label.clone(),
        "card": {
            "type": "AdaptiveCard",
            "body": [rich_block(vec![run(question)])],
            "actions": [submit(label, data, Some(confirm_style), true)],
        },
    });
    if let Some(s) = style_of(b.style) {
        a["style"] = json!(s);
    }
    a
}

fn choices(options: &[Choice]) -> Vec<Value> {
    options
        .iter()
        .map(|c| json!({ "title": title(&c.label, &c.value), "value": c.value }))
        .collect()
}

fn choice_set(id: &str, options: &[Choice], placeholder: &str) -> Value {
    json!({
        "type": "Input.ChoiceSet",
        "id": id,
        "style": if options.len() > FILTER_FROM { "filtered" } else { "compact" },
        "placeholder": truncate(if placeholder.trim().is_empty() { "Choose…" } else { placeholder }, 150),
        "choices": choices(options),
    })
}

fn form_input(id: &str, f: &Field) -> Value {
    let label = if f.label.trim().is_empty() {
        if f.name.trim().is_empty() {
            "Value"
        } else {
            &f.name
        }
    } else {
        &f.label
    };
    let mut input = if f.options.is_empty() {
        let mut i = json!({ "type": "Input.Text", "id": id });
        if f.multiline {
            i["isMultiline"] = json!(true);
        }
        i
    } else {
        choice_set(id, &f.options, "Choose…")
    };
    input["label"] = json!(label);
    if !f.optional {
        input["isRequired"] = json!(true);
        input["errorMessage"] = json!(format!("{} is required.", truncate(label, 100)));
    }
    input
}

// ---------------------------------------------------------------------------------------
// Parts: each engine block, with how much of it is shown (what shrinks when over budget).

enum Part<'a> {
    /// Controls: never shrunk, only omitted as a last resort.
    Fixed(Vec<Value>),
    Rich {
        text: &'a Rich,
        small: bool,
        limit: usize,
    },
    Code {
        text: &'a str,
        limit: usize,
    },
    Table {
        columns: &'a [String],
        rows: &'a [Vec<String>],
        max_rows: usize,
    },
    Menu {
        message: &'a str,
        action: &'a str,
        input: String,
        placeholder: &'a str,
        options: &'a [Choice],
        shown: usize,
    },
    Image {
        url: &'a str,
        alt: &'a str,
        dropped: bool,
    },
    File {
        name: &'a str,
        content_type: &'a str,
        content: &'a str,
        show_all: bool,
        limit: usize,
        max_lines: usize,
    },
    /// A part with no room left: a note says so.
    Omitted,
}

fn parts<'a>(message: &'a Message, options: &RenderOptions) -> Vec<Part<'a>> {
    let id = message.id.as_str();
    let mut menus = 0;
    let mut forms = 0;
    let mut out = Vec::new();
    for b in &message.blocks {
        match b {
            Block::Text { text } | Block::Context { text } => {
                if !text.is_blank() {
                    out.push(Part::Rich {
                        text,
                        small: matches!(b, Block::Context { .. }),
                        limit: rich_len(text, options),
                    });
                }
            }
            Block::Code { text, .. } => out.push(Part::Code {
                text,
                limit: char_len(text),
            }),
            Block::Table { columns, rows } => out.push(Part::Table {
                columns,
                rows,
                max_rows: MAX_TABLE_ROWS,
            }),
            Block::Buttons { buttons } => {
                out.push(Part::Fixed(action_sets(
                    buttons.iter().map(|b| button(id, b)).collect(),
                )));
            }
            Block::Menu {
                action,
                placeholder,
                options,
            } => {
                out.push(Part::Menu {
                    message: id,
                    action,
                    input: actions::menu_input_id(menus),
                    placeholder,
                    options,
                    shown: options.len().min(MAX_MENU_OPTIONS),
                });
                menus += 1;
            }
            Block::Form {
                action,
                title: form_title,
                fields,
                submit: submit_label,
            } => {
                out.push(Part::Fixed(form(
                    id,
                    action,
                    form_title,
                    fields,
                    submit_label,
                    &actions::form_prefix(forms),
                )));
                forms += 1;
            }
            Block::Image { url, alt } => out.push(Part::Image {
                url,
                alt,
                dropped: false,
            }),
            Block::File {
                name,
                content_type,
                content,
            } => out.push(Part::File {
                name,
                content_type,
                content,
                show_all: true,
                limit: FILE_PREVIEW_CHARS,
                max_lines: FILE_PREVIEW_LINES,
            }),
        }
    }
    out
}

fn form(
    message: &str,
    action: &str,
    form_title: &str,
    fields: &[Field],
    submit_label: &str,
    prefix: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    if !form_title.trim().is_empty() {
        out.push(rich_block(vec![json!({
            "type": "TextRun", "text": form_title, "weight": "Bolder", "size": "Medium",
        })]));
    }
    let mut names: Vec<&str> = Vec::new();
    let mut repeated = Vec::new();
    for f in fields {
        if names.contains(&f.name.as_str()) {
            repeated.push(f.name.as_str());
            continue;
        }
        names.push(&f.name);
        out.push(form_input(&format!("{prefix}{}", f.name), f));
    }
    if !repeated.is_empty() {
        out.push(note(format!(
            "(fields named twice are shown once: {})",
            truncate(&repeated.join(", "), 300)
        )));
    }
    let data = actions::form_data(message, action, prefix, &names);
    out.extend(action_sets(vec![submit(
        title(submit_label, "Submit"),
        data,
        Some("positive"),
        false,
    )]));
    out
}

/// How many of `shown` units (characters, rows, options) to keep so that `excess` of the
/// part's `bytes` go: in proportion, plus a margin for the note saying so, and at least
/// one, so shrinking always ends.
fn smaller(shown: usize, excess: usize, bytes: usize) -> usize {
    let per_unit = bytes as f64 / shown.max(1) as f64;
    let cut = ((excess + 150) as f64 / per_unit.max(f64::MIN_POSITIVE)).ceil();
    shown.saturating_sub((cut as usize).max(1))
}

const TOO_LONG: &str = ": too long for one Teams message";

impl Part<'_> {
    fn is_omitted(&self) -> bool {
        matches!(self, Part::Omitted)
    }

    fn can_shrink(&self) -> bool {
        match self {
            Part::Fixed(_) | Part::Omitted => false,
            Part::Rich { limit, .. } | Part::Code { limit, .. } => *limit > 0,
            Part::Table { max_rows, .. } => *max_rows > 0,
            Part::Menu { shown, .. } => *shown > 0,
            Part::Image { dropped, url, .. } => !*dropped && acceptable_image(url),
            Part::File {
                show_all, limit, ..
            } => *show_all || *limit > 0,
        }
    }

    /// Makes the part (`bytes` of JSON now) smaller, by about `excess` bytes or more.
    fn shrink(&mut self, excess: usize, bytes: usize) {
        match self {
            Part::Fixed(_) | Part::Omitted => {}
            Part::Rich { limit, .. } | Part::Code { limit, .. } => {
                *limit = smaller(*limit, excess, bytes)
            }
            Part::Table { max_rows, rows, .. } => {
                // The header and the note stay: count them as one row.
                *max_rows =
                    smaller((*max_rows).min(rows.len()) + 1, excess, bytes).saturating_sub(1)
            }
            Part::Menu { shown, .. } => *shown = smaller(*shown, excess, bytes),
            Part::Image { dropped, .. } => *dropped = true,
            Part::File {
                show_all,
                limit,
                max_lines,
                content,
                ..
            } => {
                if *show_all {
                    // No room for all of it: show as much as fits in the message instead.
                    *show_all = false;
                    *limit = char_len(content);
                    *max_lines = usize::MAX;
                } else {
                    *limit = smaller((*limit).min(char_len(content)), excess, bytes);
                }
            }
        }
    }

    fn render(&self, options: &RenderOptions) -> Vec<Value> {
        match self {
            Part::Fixed(v) => v.clone(),
            Part::Omitted => vec![note(
                "(a part of this message is too large for Teams and is not shown)",
            )],
            Part::Rich { text, small, limit } => {
                let mut out = vec![rich_block(inlines(text, *small, *limit, options))];
                let total = rich_len(text, options);
                if *limit < total {
                    out.push(note(format!(
                        "({} not shown{TOO_LONG})",
                        plural(total - limit, "more character", "more characters")
                    )));
                }
                out
            }
            Part::Code { text, limit } => {
                let h = head(text, *limit, usize::MAX);
                vec![mono_block(&h.shown, h.cut_note(TOO_LONG))]
            }
            Part::Table {
                columns,
                rows,
                max_rows,
            } => table(columns, rows, *max_rows),
            Part::Menu {
                message,
                action,
                input,
                placeholder,
                options: choices,
                shown,
            } => menu(message, action, input, placeholder, choices, *shown),
            Part::Image { url, alt, dropped } => image(url, alt, *dropped),
            Part::File {
                name,
                content_type,
                content,
                show_all,
                limit,
                max_lines,
            } => file(name, content_type, content, *show_all, *limit, *max_lines),
        }
    }
}

fn table(columns: &[String], rows: &[Vec<String>], max_rows: usize) -> Vec<Value> {
    let ncol = rows.iter().map(Vec::len).fold(columns.len(), usize::max);
    if ncol == 0 {
        return vec![note("(empty table)")];
    }
    let shown_cols = ncol.min(MAX_TABLE_COLUMNS);
    let shown_rows = rows.len().min(max_rows);
    // A cell's text is a plain string inline (a TextRun without properties, in fewer bytes:
    // tables are the most verbose part of a card); the header row is styled by Teams.
    let row = |cells: &[String]| {
        let cells: Vec<Value> = (0..shown_cols)
            .map(|i| {
                let text = cells.get(i).map(String::as_str).unwrap_or("");
                let items = if text.is_empty() {
                    Vec::new()
                } else {
                    vec![rich_block(vec![json!(truncate(text, MAX_CELL_CHARS))])]
                };
                json!({ "type": "TableCell", "items": items })
            })
            .collect();
        json!({ "type": "TableRow", "cells": cells })
    };
    let has_header = !columns.is_empty();
    let mut table_rows = Vec::new();
    if has_header {
        table_rows.push(row(columns));
    }
    table_rows.extend(rows[..shown_rows].iter().map(|r| row(r)));
    let mut out = vec![json!({
        "type": "Table",
        "firstRowAsHeader": has_header,
        "columns": vec![json!({ "width": 1 }); shown_cols],
        "rows": table_rows,
    })];
    let mut left_out = Vec::new();
    if rows.is_empty() {
        left_out.push("(no rows)".to_string());
    } else if shown_rows < rows.len() {
        left_out.push(format!(
            "{} of {} rows shown",
            count(shown_rows),
            count(rows.len())
        ));
    }
    if shown_cols < ncol {
        let hidden: Vec<&str> = columns
            .iter()
            .skip(shown_cols)
            .map(String::as_str)
            .collect();
        let names = if hidden.is_empty() {
            String::new()
        } else {
            format!(" (not shown: {})", truncate(&hidden.join(", "), 300))
        };
        left_out.push(format!(
            "{} of {} columns shown{names}",
            count(shown_cols),
            count(ncol)
        ));
    }
    if !left_out.is_empty() {
        out.push(note(left_out.join("; ")));
    }
    out
}

fn menu(
    message: &str,
    action: &str,
    input: &str,
    placeholder: &str,
    options: &[Choice],
    shown: usize,
) -> Vec<Value> {
    if options.is_empty() {
        return vec![note(format!(
            "{} — no choices",
            truncate(
                if placeholder.trim().is_empty() {
                    "Choose"
                } else {
                    placeholder
                },
                300
            )
        ))];
    }
    let mut out = Vec::new();
    if shown > 0 {
        out.push(choice_set(input, &options[..shown], placeholder));
        out.extend(action_sets(vec![submit(
            "Choose".to_string(),
            actions::menu_data(message, action, input),
            None,
            false,
        )]));
    }
    if shown < options.len() {
        out.push(note(format!(
            "{} not listed; type the value instead.",
            plural(options.len() - shown, "more choice is", "more choices are")
        )));
    }
    out
}

fn acceptable_image(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("data:image/")
}

fn image(url: &str, alt: &str, dropped: bool) -> Vec<Value> {
    let alt = truncate(if alt.trim().is_empty() { "image" } else { alt }, 500);
    if !acceptable_image(url) {
        return vec![note(format!("(image not shown: {alt})"))];
    }
    if dropped {
        return vec![note(format!(
            "(image not shown, too large for a Teams message: {alt})"
        ))];
    }
    vec![json!({ "type": "Image", "url": url, "altText": alt })]
}

fn file(
    name: &str,
    content_type: &str,
    content: &str,
    show_all: bool,
    limit: usize,
    max_lines: usize,
) -> Vec<Value> {
    let name = if name.trim().is_empty() { "file" } else { name };
    let total_lines = content.split_inclusive('\n').count();
    let mut heading = vec![
        run("📄 "),
        json!({ "type": "TextRun", "text": truncate(name, 200), "weight": "Bolder" }),
    ];
    let mut about = vec![
        plural(total_lines, "line", "lines"),
        plural(content.len(), "byte", "bytes"),
    ];
    if !content_type.trim().is_empty() {
        about.insert(0, truncate(content_type, 100));
    }
    heading.push(json!({
        "type": "TextRun", "text": format!(" · {}", about.join(" · ")), "isSubtle": true,
    }));
    let mut out = vec![rich_block(heading)];
    let h = head(content, limit, max_lines);
    if show_all && h.is_cut() {
        let shown = if h.partial {
            "the beginning of the file".to_string()
        } else {
            format!(
                "the first {} of {}",
                plural(total_lines - h.lines_cut, "line", "lines"),
                count(total_lines)
            )
        };
        out.push(mono_block(
            &h.shown,
            Some(format!("{shown}; Show all for the rest")),
        ));
        out.extend(action_sets(vec![json!({
            "type": "Action.ShowCard",
            "title": "Show all",
            "card": { "type": "AdaptiveCard", "body": [mono_block(content, None)] },
        })]));
    } else {
        out.push(mono_block(
            &h.shown,
            h.cut_note(&format!(" of {}{TOO_LONG}", truncate(name, 200))),
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Summary.

/// The message's text, plain, on one line, at most [`MAX_SUMMARY_CHARS`].
fn summary(message: &Message, options: &RenderOptions) -> String {
    let plain = |r: &Rich| {
        r.0.iter()
            .map(|s| match s {
                Span::Plain(t) | Span::Strong(t) | Span::Code(t) => t.as_str(),
                Span::Mention(u) => options.names.get(u).unwrap_or(u).as_str(),
            })
            .collect::<String>()
    };
    let texts: Vec<String> = message
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text { text } => Some(plain(text)),
            _ => None,
        })
        .collect();
    let mut pieces = texts;
    if pieces.iter().all(|t| t.trim().is_empty()) {
        pieces = message
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text { .. } => None,
                Block::Context { text } => Some(plain(text)),
                Block::Code { text, .. } => Some(text.clone()),
                Block::Table { columns, .. } => Some(format!("table: {}", columns.join(", "))),
                Block::Buttons { buttons } => Some(
                    buttons
                        .iter()
                        .map(|b| format!("[{}]", b.label))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Block::Menu { placeholder, .. } => Some(placeholder.clone()),
                Block::Form { title, .. } => Some(title.clone()),
                Block::Image { alt, .. } => Some(format!("image: {alt}")),
                Block::File { name, .. } => Some(format!("file: {name}")),
            })
            .collect();
    }
    let mut out = String::new();
    for p in &pieces {
        for word in p.split_whitespace() {
            if char_len(&out) > MAX_SUMMARY_CHARS {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    truncate(&out, MAX_SUMMARY_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::Event;

    /// Every object of `type` in a card, depth first.
    fn find<'v>(v: &'v Value, kind: &str, out: &mut Vec<&'v Value>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| find(x, kind, out)),
            Value::Object(o) => {
                if o.get("type").and_then(Value::as_str) == Some(kind) {
                    out.push(v);
                }
                o.values().for_each(|x| find(x, kind, out));
            }
            _ => {}
        }
    }

    fn all<'v>(v: &'v Value, kind: &str) -> Vec<&'v Value> {
        let mut out = Vec::new();
        find(v, kind, &mut out);
        out
    }

    /// Every string in a card, joined (what it shows, roughly).
    fn strings(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Array(a) => a.iter().map(strings).collect::<Vec<_>>().join("\n"),
            Value::Object(o) => o.values().map(strings).collect::<Vec<_>>().join("\n"),
            _ => String::new(),
        }
    }

    fn msg(blocks: Vec<Block>) -> Message {
        Message {
            id: "m1".into(),
            blocks,
            ..Message::default()
        }
    }

    fn btn(label: &str, value: &str, style: Style, confirm: Option<&str>) -> Button {
        Button {
            label: label.into(),
            action: "run".into(),
            value: value.into(),
            style,
            confirm: confirm.map(str::to_string),
        }
    }

    fn fits(r: &Rendered) {
        let n = serialized_len(&r.card);
        assert!(n <= MAX_CARD_BYTES, "{n} bytes");
        assert_eq!(r.card["version"], CARD_VERSION);
        assert_eq!(r.card["msteams"]["width"], "Full");
    }

    #[test]
    fn rich_text_is_runs_and_never_markup() {
        let mut m = msg(Vec::new());
        let hostile = "**x** [a](http://e) <at>bob</at> _u_ # h\n- item\n1. one > q `t`";
        m.text(Rich(vec![
            Span::Mention("U1".into()),
            Span::Plain(format!(" said {hostile} ")),
            Span::Strong("bold".into()),
            Span::Code("aws s3 ls".into()),
            Span::Mention("U2".into()),
        ]));
        let mut names = HashMap::new();
        names.insert("U1".to_string(), "Alice *Admin*".to_string());
        let r = render(&m, &RenderOptions { names });
        fits(&r);
        assert!(all(&r.card, "TextBlock").is_empty(), "no markdown anywhere");
        let runs = all(&r.card, "TextRun");
        assert_eq!(runs[0]["text"], "Alice *Admin*");
        assert_eq!(runs[0]["weight"], "Bolder");
        assert_eq!(runs[1]["text"], format!(" said {hostile} "));
        assert!(runs[1].get("weight").is_none());
        assert_eq!(runs[2]["weight"], "Bolder");
        assert_eq!(runs[3]["fontType"], "Monospace");
        assert_eq!(runs[4]["text"], "U2", "an unknown user is shown by id");
        assert_eq!(
            r.summary,
            format!("Alice *Admin* said {hostile} boldaws s3 lsU2")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert!(
            r.card
                .get("msteams")
                .and_then(|t| t.get("entities"))
                .is_none(),
            "no real mention"
        );
    }

    #[test]
    fn code_keeps_lines_and_indentation() {
        let mut m = msg(Vec::new());
        m.code("{\n  \"a\": 1,\n\t\"b\": \"x  y z\"\n}");
        let r = render(&m, &RenderOptions::default());
        let c = all(&r.card, "Container");
        assert_eq!(c[0]["style"], "emphasis");
        let run = &all(&r.card, "TextRun")[0];
        assert_eq!(run["fontType"], "Monospace");
        assert_eq!(
            run["text"],
            "{\n\u{a0}\u{a0}\"a\": 1,\n\u{a0}\u{a0}\u{a0}\u{a0}\"b\": \"x\u{a0}\u{a0}y z\"\n}"
        );
        assert_eq!(preformat("a b\r\n  c"), "a b\n\u{a0}\u{a0}c");
        assert_eq!(preformat(" x"), "\u{a0}x");
    }

    #[test]
    fn buttons_split_into_sets_of_six_with_styles() {
        let buttons: Vec<Button> = (0..13)
            .map(|i| {
                let style = [Style::Default, Style::Primary, Style::Danger][i % 3];
                btn(&format!("b{i}"), &format!("v{i}"), style, None)
            })
            .collect();
        let r = render(
            &msg(vec![Block::Buttons { buttons }]),
            &RenderOptions::default(),
        );
        fits(&r);
        let sets = all(&r.card, "ActionSet");
        let sizes: Vec<usize> = sets
            .iter()
            .map(|s| s["actions"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, vec![6, 6, 1]);
        let submits = all(&r.card, "Action.Submit");
        assert_eq!(submits.len(), 13);
        assert!(submits[0].get("style").is_none());
        assert_eq!(submits[1]["style"], "positive");
        assert_eq!(submits[2]["style"], "destructive");
        assert_eq!(submits[12]["title"], "b12");
        assert_eq!(
            submits[12]["data"],
            actions::button_data("m1", "run", "v12")
        );
        assert_eq!(submits[12]["associatedInputs"], "none");
    }

    #[test]
    fn confirm_becomes_a_show_card_holding_the_real_submit() {
        let b = btn(
            "Terminate",
            "i-1",
            Style::Danger,
            Some("Terminate *i-1* for good?"),
        );
        let r = render(
            &msg(vec![Block::Buttons { buttons: vec![b] }]),
            &RenderOptions::default(),
        );
        let show = all(&r.card, "Action.ShowCard");
        assert_eq!(show.len(), 1);
        assert_eq!(show[0]["title"], "Terminate");
        assert_eq!(show[0]["style"], "destructive");
        let inner = &show[0]["card"];
        assert_eq!(
            all(inner, "TextRun")[0]["text"],
            "Terminate *i-1* for good?"
        );
        let submits = all(inner, "Action.Submit");
        assert_eq!(submits.len(), 1);
        assert_eq!(submits[0]["data"], actions::button_data("m1", "run", "i-1"));
        assert_eq!(submits[0]["style"], "destructive");
        // Nothing on the card submits the action without the confirmation.
        assert_eq!(all(&r.card, "Action.Submit").len(), 1);
    }

    #[test]
    fn a_huge_code_block_is_cut_to_the_budget_with_a_note() {
        let lines: Vec<String> = (0..10_000)
            .map(|i| format!("line {i:05} abcdefghij"))
            .collect();
        let text = lines.join("\n");
        assert!(text.len() > 200_000);
        let mut m = msg(Vec::new());
        m.text("Result:").code(text.clone()).context("account dev");
        let r = render(&m, &RenderOptions::default());
        fits(&r);
        let runs = all(&r.card, "TextRun");
        let shown = runs[1]["text"].as_str().unwrap_or_default();
        assert!(
            text.starts_with(shown) && shown.len() > 20_000,
            "{}",
            shown.len()
        );
        let shown_lines = shown.lines().count();
        let note = runs[2]["text"].as_str().unwrap_or_default();
        let cut_chars = char_len(&text) - char_len(shown) - 1;
        assert_eq!(
            note,
            format!(
                "… {} lines ({} characters) not shown: too long for one Teams message",
                count(10_000 - shown_lines),
                count(cut_chars)
            )
        );
        assert_eq!(
            runs.last().map(|r| r["text"].clone()),
            Some(json!("account dev"))
        );

        // One long line (minified JSON) is cut inside the line.
        let one = "x".repeat(300_000);
        let r = render(
            &msg(vec![Block::Code {
                text: one,
                language: None,
            }]),
            &RenderOptions::default(),
        );
        fits(&r);
        assert!(strings(&r.card).contains("the rest of a long line and 0 more lines"));
    }

    #[test]
    fn tables_are_capped_with_a_note() {
        let columns: Vec<String> = (0..14).map(|i| format!("c{i}")).collect();
        let rows: Vec<Vec<String>> = (0..120)
            .map(|r| (0..14).map(|c| format!("r{r}c{c}")).collect())
            .collect();
        let r = render(
            &msg(vec![Block::Table { columns, rows }]),
            &RenderOptions::default(),
        );
        fits(&r);
        let t = &all(&r.card, "Table")[0];
        assert_eq!(
            t["columns"].as_array().map(Vec::len),
            Some(MAX_TABLE_COLUMNS)
        );
        assert_eq!(t["firstRowAsHeader"], true);
        let rows = t["rows"].as_array().map(Vec::len).unwrap_or(0);
        assert!(rows > 20 && rows <= MAX_TABLE_ROWS + 1, "{rows}");
        let text = strings(&r.card);
        let want = format!(
            "{} of 120 rows shown; 10 of 14 columns shown (not shown: c10, c11, c12, c13)",
            rows - 1
        );
        assert!(text.contains(&want), "{text}");
        assert_eq!(t["rows"][1]["cells"][0]["items"][0]["inlines"][0], "r0c0");

        let small: Vec<Vec<String>> = (0..60).map(|r| vec![format!("{r}")]).collect();
        let r = render(
            &msg(vec![Block::Table {
                columns: vec!["n".into()],
                rows: small,
            }]),
            &RenderOptions::default(),
        );
        let t = &all(&r.card, "Table")[0];
        assert_eq!(t["rows"].as_array().map(Vec::len), Some(MAX_TABLE_ROWS + 1));
        assert!(strings(&r.card).contains("50 of 60 rows shown"));

        // Ragged rows are padded; a table with no header has none; an empty one is a note.
        let r = render(
            &msg(vec![
                Block::Table {
                    columns: vec![],
                    rows: vec![vec!["a".into()], vec!["b".into(), "c".into()]],
                },
                Block::Table {
                    columns: vec![],
                    rows: vec![],
                },
                Block::Table {
                    columns: vec!["only".into()],
                    rows: vec![],
                },
            ]),
            &RenderOptions::default(),
        );
        let t = all(&r.card, "Table");
        assert_eq!(t[0]["firstRowAsHeader"], false);
        assert_eq!(t[0]["rows"][0]["cells"].as_array().map(Vec::len), Some(2));
        let text = strings(&r.card);
        assert!(text.contains("(empty table)") && text.contains("(no rows)"));

        // Wide cells cut; a budget-breaking table keeps fewer rows.
        let rows: Vec<Vec<String>> = (0..50)
            .map(|_| (0..10).map(|_| "w".repeat(500)).collect())
            .collect();
        let r = render(
            &msg(vec![Block::Table {
                columns: vec!["a".into()],
                rows,
            }]),
            &RenderOptions::default(),
        );
        fits(&r);
        let cell = &all(&r.card, "TableCell")[10];
        assert_eq!(
            char_len(cell["items"][0]["inlines"][0].as_str().unwrap_or("")),
            MAX_CELL_CHARS
        );
        assert!(strings(&r.card).contains(" of 50 rows shown"));
    }

    fn choice(i: usize) -> Choice {
        Choice {
            label: format!("queue-{i}"),
            value: format!("https://sqs/q{i}"),
        }
    }

    #[test]
    fn menus_and_forms() {
        let options: Vec<Choice> = (0..300).map(choice).collect();
        let m = msg(vec![
            Block::Menu {
                action: "param".into(),
                placeholder: "Queue".into(),
                options,
            },
            Block::Menu {
                action: "p2".into(),
                placeholder: "".into(),
                options: (0..3).map(choice).collect(),
            },
            Block::Menu {
                action: "p3".into(),
                placeholder: "Nothing".into(),
                options: vec![],
            },
            Block::Form {
                action: "form".into(),
                title: "Create".into(),
                fields: vec![
                    Field {
                        name: "Name".into(),
                        label: "Name".into(),
                        options: vec![],
                        multiline: false,
                        optional: false,
                    },
                    Field {
                        name: "Body".into(),
                        label: "".into(),
                        options: vec![],
                        multiline: true,
                        optional: true,
                    },
                    Field {
                        name: "Kind".into(),
                        label: "Kind".into(),
                        options: (0..2).map(choice).collect(),
                        multiline: false,
                        optional: false,
                    },
                ],
                submit: "".into(),
            },
        ]);
        let r = render(&m, &RenderOptions::default());
        fits(&r);
        let sets = all(&r.card, "Input.ChoiceSet");
        assert_eq!(sets[0]["id"], "chatops.menu");
        assert_eq!(sets[0]["style"], "filtered");
        assert!(sets[0]["choices"].as_array().map_or(0, Vec::len) <= MAX_MENU_OPTIONS);
        assert_eq!(sets[1]["id"], "chatops.menu.2");
        assert_eq!(sets[1]["style"], "compact");
        assert_eq!(sets[1]["placeholder"], "Choose…");
        let text = strings(&r.card);
        assert!(text.contains("more choices are not listed; type the value instead."));
        assert!(text.contains("Nothing — no choices"));
        let inputs = all(&r.card, "Input.Text");
        assert_eq!(inputs[0]["id"], "f.Name");
        assert_eq!(inputs[0]["isRequired"], true);
        assert_eq!(inputs[0]["errorMessage"], "Name is required.");
        assert_eq!(inputs[1]["label"], "Body");
        assert_eq!(inputs[1]["isMultiline"], true);
        assert!(inputs[1].get("isRequired").is_none());
        assert_eq!(sets[2]["id"], "f.Kind");
        assert_eq!(sets[2]["label"], "Kind");
        let submits = all(&r.card, "Action.Submit");
        assert_eq!(
            submits.last().map(|s| s["title"].clone()),
            Some(json!("Submit"))
        );
    }

    /// What Teams sends back for a submit action: its data, and every input of the card
    /// (the chosen or typed value) beside it.
    fn teams_value(card: &Value, submit: &Value, inputs: &[(&str, &str)]) -> Value {
        let mut v = submit["data"].clone();
        if submit.get("associatedInputs") != Some(&json!("none")) {
            for kind in ["Input.Text", "Input.ChoiceSet"] {
                for i in all(card, kind) {
                    let id = i["id"].as_str().unwrap_or_default();
                    let typed = inputs.iter().find(|(k, _)| *k == id).map_or("", |(_, v)| v);
                    v[id] = json!(typed);
                }
            }
        }
        v
    }

    #[test]
    fn every_control_round_trips_to_the_engine_event() {
        let m = msg(vec![
            Block::Buttons {
                buttons: vec![
                    btn("Run", "p-1", Style::Primary, None),
                    btn(
                        "Delete",
                        "{\"x\": [1, \"é\"]}",
                        Style::Danger,
                        Some("Sure?"),
                    ),
                ],
            },
            Block::Menu {
                action: "param".into(),
                placeholder: "Queue".into(),
                options: (0..20).map(choice).collect(),
            },
            Block::Form {
                action: "form.create".into(),
                title: "Create".into(),
                fields: vec![
                    Field {
                        name: "b".into(),
                        label: "B".into(),
                        options: vec![],
                        multiline: true,
                        optional: false,
                    },
                    Field {
                        name: "a".into(),
                        label: "A".into(),
                        options: (0..2).map(choice).collect(),
                        multiline: false,
                        optional: true,
                    },
                    Field {
                        name: "c".into(),
                        label: "C".into(),
                        options: vec![],
                        multiline: false,
                        optional: true,
                    },
                ],
                submit: "Create".into(),
            },
        ]);
        let r = render(&m, &RenderOptions::default());
        let submits = all(&r.card, "Action.Submit");
        assert_eq!(submits.len(), 4);
        let typed = [
            ("chatops.menu", "https://sqs/q7"),
            ("f.b", "line 1\nline 2"),
            ("f.a", "https://sqs/q1"),
        ];
        let events: Vec<Event> = submits
            .iter()
            .map(|s| actions::read_submission(&teams_value(&r.card, s, &typed)).expect("reads"))
            .collect();
        let action = |a: &str, v: &str| Event::Action {
            message: Some("m1".into()),
            action: a.into(),
            value: v.into(),
        };
        assert_eq!(events[0], action("run", "p-1"));
        assert_eq!(events[1], action("run", "{\"x\": [1, \"é\"]}"));
        assert_eq!(events[2], action("param", "https://sqs/q7"));
        assert_eq!(
            events[3],
            Event::Form {
                message: Some("m1".into()),
                action: "form.create".into(),
                values: vec![
                    ("b".into(), "line 1\nline 2".into()),
                    ("a".into(), "https://sqs/q1".into())
                ],
            }
        );
    }

    #[test]
    fn files_show_a_preview_and_the_rest_when_it_fits() {
        let small = "a,b\n1,2\n";
        let medium: String = (0..200).map(|i| format!("row {i}\n")).collect();
        let big: String = (0..5_000)
            .map(|i| format!("row {i:06} ............\n"))
            .collect();
        let file = |name: &str, content: &str| Block::File {
            name: name.into(),
            content_type: "text/csv".into(),
            content: content.into(),
        };
        let r = render(
            &msg(vec![file("small.csv", small)]),
            &RenderOptions::default(),
        );
        assert!(all(&r.card, "Action.ShowCard").is_empty());
        let text = strings(&r.card);
        assert!(
            text.contains("small.csv") && text.contains("text/csv · 2 lines · 8 bytes"),
            "{text}"
        );

        let r = render(
            &msg(vec![file("medium.txt", &medium)]),
            &RenderOptions::default(),
        );
        fits(&r);
        let show = all(&r.card, "Action.ShowCard");
        assert_eq!(show.len(), 1);
        assert_eq!(show[0]["title"], "Show all");
        assert_eq!(
            all(&show[0]["card"], "TextRun")[0]["text"],
            medium.trim_end()
        );
        assert!(strings(&r.card).contains("the first 20 lines of 200; Show all for the rest"));

        let r = render(&msg(vec![file("big.txt", &big)]), &RenderOptions::default());
        fits(&r);
        assert!(all(&r.card, "Action.ShowCard").is_empty());
        let text = strings(&r.card);
        assert!(
            text.contains(" not shown of big.txt: too long for one Teams message"),
            "{text}"
        );
        let shown = all(&r.card, "TextRun")
            .iter()
            .find(|r| r["fontType"] == "Monospace")
            .and_then(|r| r["text"].as_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            shown.lines().count() > FILE_PREVIEW_LINES,
            "as much as fits"
        );
    }

    #[test]
    fn images_are_shown_or_replaced_by_a_note() {
        use base64::Engine as _;
        let png = |n: usize| {
            format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(vec![7u8; n])
            )
        };
        let r = render(
            &msg(vec![
                Block::Image {
                    url: png(1_000),
                    alt: "chart".into(),
                },
                Block::Image {
                    url: "javascript:alert(1)".into(),
                    alt: "".into(),
                },
            ]),
            &RenderOptions::default(),
        );
        let imgs = all(&r.card, "Image");
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0]["altText"], "chart");
        assert!(strings(&r.card).contains("(image not shown: image)"));

        let r = render(
            &msg(vec![Block::Image {
                url: png(40_000),
                alt: "CPU".into(),
            }]),
            &RenderOptions::default(),
        );
        fits(&r);
        assert!(all(&r.card, "Image").is_empty());
        assert!(strings(&r.card).contains("(image not shown, too large for a Teams message: CPU)"));
    }

    #[test]
    fn anything_fits_the_budget() {
        // Thousands of controls: parts are left out, with a note saying so.
        let buttons: Vec<Button> = (0..2_000)
            .map(|i| btn(&format!("b{i}"), &"v".repeat(50), Style::Default, None))
            .collect();
        let mut m = msg(vec![Block::Buttons { buttons }]);
        m.text("before");
        let r = render(&m, &RenderOptions::default());
        fits(&r);
        assert!(strings(&r.card).contains("too large for Teams and is not shown"));

        // Many long paragraphs: each is cut.
        let m = msg((0..50)
            .map(|_| Block::Text {
                text: Rich::verbatim("p".repeat(5_000)),
            })
            .collect());
        let r = render(&m, &RenderOptions::default());
        fits(&r);
        assert!(strings(&r.card).contains("more characters not shown"));

        // An empty message is still a card.
        let r = render(&Message::default(), &RenderOptions::default());
        fits(&r);
        assert_eq!(all(&r.card, "TextRun")[0]["text"], "(empty message)");
        assert_eq!(r.summary, "");
    }

    #[test]
    fn summary_is_short_plain_text() {
        let mut m = msg(Vec::new());
        m.context("account dev");
        let r = render(&m, &RenderOptions::default());
        assert_eq!(r.summary, "account dev");
        let mut m = msg(Vec::new());
        m.text(format!("{}\n\nmore", "word ".repeat(100))).code("x");
        let r = render(&m, &RenderOptions::default());
        assert_eq!(char_len(&r.summary), MAX_SUMMARY_CHARS);
        assert!(r.summary.ends_with('…') && !r.summary.contains('\n'));
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
    }
}
