//! Slack's Block Kit limits as a checker: [`validate_message`] and [`validate_view`] say which
//! limit a rendered message or modal breaks, with the JSON path of the offending field.
//!
//! The renderer ([`crate::blocks`]) stays within these limits by construction; this module is
//! how tests (the rendering properties, the local Slack double that refuses what Slack would)
//! prove it. It is compiled only with the `test-support` feature, which the crate's own tests
//! turn on through a dev-dependency on the crate, so the release binary does not carry it.

use crate::blocks::{
    text_chars, SlackMessage, CONFIRM_BUTTON, CONFIRM_TEXT, MAX_ACTIONS, MAX_ALT, MAX_BLOCKS,
    MAX_CONTEXT_ELEMENTS, MAX_FALLBACK, MAX_IMAGE_URL, MAX_MESSAGE_CHARS, MAX_OPTIONS,
    MAX_OPTION_TEXT, MAX_PLACEHOLDER, MAX_PRIVATE_METADATA, MAX_SECTION_TEXT, MAX_VIEW_BLOCKS,
    MAX_VIEW_TITLE,
};
use crate::ids;
use crate::text::char_len;
use serde_json::{Map, Value};

/// A limit a rendered message or view breaks (for tests and the local Slack double).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct LimitViolation {
    pub path: String,
    pub problem: String,
}

fn violation(path: &str, problem: impl Into<String>) -> LimitViolation {
    LimitViolation {
        path: path.to_string(),
        problem: problem.into(),
    }
}

fn str_field<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a str, LimitViolation> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| violation(&format!("{path}.{key}"), "missing string"))
}

fn check_len(s: &str, max: usize, path: &str) -> Result<(), LimitViolation> {
    let n = char_len(s);
    if n == 0 {
        return Err(violation(path, "empty"));
    }
    if n > max {
        return Err(violation(path, format!("{n} characters, at most {max}")));
    }
    Ok(())
}

fn check_text_object(v: &Value, kind: &str, max: usize, path: &str) -> Result<(), LimitViolation> {
    let t = v
        .as_object()
        .ok_or_else(|| violation(path, "expected a text object"))?;
    if t.get("type").and_then(Value::as_str) != Some(kind) {
        return Err(violation(path, format!("expected a {kind} text object")));
    }
    check_len(str_field(v, "text", path)?, max, &format!("{path}.text"))
}

fn check_id(v: &Value, key: &str, path: &str) -> Result<(), LimitViolation> {
    check_len(
        str_field(v, key, path)?,
        ids::MAX_ID,
        &format!("{path}.{key}"),
    )
}

/// The array `v[key]`, which must hold 1 to `max` items.
fn bounded_array<'a>(
    v: &'a Value,
    key: &str,
    max: usize,
    path: &str,
) -> Result<&'a Vec<Value>, LimitViolation> {
    let items = v
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| violation(path, format!("missing {key}")))?;
    if items.is_empty() || items.len() > max {
        return Err(violation(
            path,
            format!("{} {key}, 1 to {max} allowed", items.len()),
        ));
    }
    Ok(items)
}

fn check_options(v: &Value, path: &str) -> Result<(), LimitViolation> {
    let opts = bounded_array(v, "options", MAX_OPTIONS, path)?;
    for (i, o) in opts.iter().enumerate() {
        let p = format!("{path}.options[{i}]");
        check_text_object(
            &o["text"],
            "plain_text",
            MAX_OPTION_TEXT,
            &format!("{p}.text"),
        )?;
        check_len(
            str_field(o, "value", &p)?,
            ids::MAX_OPTION_VALUE,
            &format!("{p}.value"),
        )?;
    }
    Ok(())
}

fn check_element(e: &Value, path: &str) -> Result<(), LimitViolation> {
    match e.get("type").and_then(Value::as_str) {
        Some("button") => {
            check_text_object(
                &e["text"],
                "plain_text",
                MAX_OPTION_TEXT,
                &format!("{path}.text"),
            )?;
            check_id(e, "action_id", path)?;
            check_len(
                str_field(e, "value", path)?,
                ids::MAX_BUTTON_VALUE,
                &format!("{path}.value"),
            )?;
            if let Some(s) = e.get("style") {
                if s != "primary" && s != "danger" {
                    return Err(violation(path, "style must be primary or danger"));
                }
            }
            if let Some(c) = e.get("confirm") {
                let p = format!("{path}.confirm");
                check_text_object(&c["title"], "plain_text", 100, &format!("{p}.title"))?;
                check_len(
                    str_field(&c["text"], "text", &p)?,
                    CONFIRM_TEXT,
                    &format!("{p}.text"),
                )?;
                check_text_object(
                    &c["confirm"],
                    "plain_text",
                    CONFIRM_BUTTON,
                    &format!("{p}.confirm"),
                )?;
                check_text_object(
                    &c["deny"],
                    "plain_text",
                    CONFIRM_BUTTON,
                    &format!("{p}.deny"),
                )?;
            }
            Ok(())
        }
        Some("static_select") => {
            check_id(e, "action_id", path)?;
            check_text_object(
                &e["placeholder"],
                "plain_text",
                MAX_PLACEHOLDER,
                &format!("{path}.placeholder"),
            )?;
            check_options(e, path)
        }
        Some("plain_text_input") => check_id(e, "action_id", path),
        other => Err(violation(
            path,
            format!("unexpected element type {other:?}"),
        )),
    }
}

fn check_block(b: &Value, path: &str, in_view: bool) -> Result<(), LimitViolation> {
    let kind = b.get("type").and_then(Value::as_str);
    match kind {
        Some("section") => check_text_object(
            &b["text"],
            "mrkdwn",
            MAX_SECTION_TEXT,
            &format!("{path}.text"),
        ),
        Some("context") => {
            let els = bounded_array(b, "elements", MAX_CONTEXT_ELEMENTS, path)?;
            for (i, e) in els.iter().enumerate() {
                check_text_object(
                    e,
                    "mrkdwn",
                    MAX_SECTION_TEXT,
                    &format!("{path}.elements[{i}]"),
                )?;
            }
            Ok(())
        }
        Some("image") => {
            let url = str_field(b, "image_url", path)?;
            if !url.starts_with("https://") {
                return Err(violation(path, "image_url must be https"));
            }
            check_len(url, MAX_IMAGE_URL, &format!("{path}.image_url"))?;
            check_len(
                str_field(b, "alt_text", path)?,
                MAX_ALT,
                &format!("{path}.alt_text"),
            )
        }
        Some("actions") => {
            check_id(b, "block_id", path)?;
            let els = bounded_array(b, "elements", MAX_ACTIONS, path)?;
            for (i, e) in els.iter().enumerate() {
                check_element(e, &format!("{path}.elements[{i}]"))?;
            }
            Ok(())
        }
        Some("input") if in_view => {
            check_id(b, "block_id", path)?;
            check_text_object(&b["label"], "plain_text", 2000, &format!("{path}.label"))?;
            check_element(&b["element"], &format!("{path}.element"))
        }
        other => Err(violation(path, format!("unexpected block type {other:?}"))),
    }
}

/// Checks a message body (`text` and `blocks`) against Slack's limits.
pub fn validate_message(m: &SlackMessage) -> Result<(), LimitViolation> {
    check_len(&m.text, MAX_FALLBACK, "text")?;
    if m.blocks.is_empty() || m.blocks.len() > MAX_BLOCKS {
        return Err(violation(
            "blocks",
            format!("{} blocks, 1 to {MAX_BLOCKS}", m.blocks.len()),
        ));
    }
    let total = char_len(&m.text) + m.blocks.iter().map(text_chars).sum::<usize>();
    if total > MAX_MESSAGE_CHARS {
        return Err(violation(
            "blocks",
            format!("{total} characters, at most {MAX_MESSAGE_CHARS}"),
        ));
    }
    let mut seen_actions = std::collections::HashSet::new();
    let mut seen_blocks = std::collections::HashSet::new();
    for (i, b) in m.blocks.iter().enumerate() {
        let path = format!("blocks[{i}]");
        check_block(b, &path, false)?;
        if let Some(id) = b.get("block_id").and_then(Value::as_str) {
            if !seen_blocks.insert(id.to_string()) {
                return Err(violation(&path, format!("duplicate block_id {id:?}")));
            }
        }
        for e in b
            .get("elements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(a) = e.get("action_id").and_then(Value::as_str) {
                if !seen_actions.insert(a.to_string()) {
                    return Err(violation(&path, format!("duplicate action_id {a:?}")));
                }
            }
        }
    }
    Ok(())
}

/// Checks a modal view against Slack's limits.
pub fn validate_view(v: &Value) -> Result<(), LimitViolation> {
    let o: &Map<String, Value> = v
        .as_object()
        .ok_or_else(|| violation("view", "expected an object"))?;
    if o.get("type").and_then(Value::as_str) != Some("modal") {
        return Err(violation("view.type", "expected \"modal\""));
    }
    check_text_object(&v["title"], "plain_text", MAX_VIEW_TITLE, "view.title")?;
    check_text_object(&v["submit"], "plain_text", MAX_VIEW_TITLE, "view.submit")?;
    check_text_object(&v["close"], "plain_text", MAX_VIEW_TITLE, "view.close")?;
    check_id(v, "callback_id", "view")?;
    let meta = str_field(v, "private_metadata", "view")?;
    if char_len(meta) > MAX_PRIVATE_METADATA {
        return Err(violation("view.private_metadata", "too long"));
    }
    let blocks = v
        .get("blocks")
        .and_then(Value::as_array)
        .ok_or_else(|| violation("view.blocks", "missing"))?;
    if blocks.len() > MAX_VIEW_BLOCKS {
        return Err(violation(
            "view.blocks",
            format!("{} blocks, at most {MAX_VIEW_BLOCKS}", blocks.len()),
        ));
    }
    for (i, b) in blocks.iter().enumerate() {
        check_block(b, &format!("view.blocks[{i}]"), true)?;
    }
    Ok(())
}
