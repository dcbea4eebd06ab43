//! Custom notifications in the AWS Chatbot schema (`version` "1.0", `source` "custom",
//! `content`, `metadata`). Over-long fields are cut with `…` rather than refused, as a
//! notification nobody sees helps nobody; `cut` records it so the whole payload can be
//! attached.

use super::value::{array, clip, get, scalar, strings, text};
use serde_json::Value;

/// The schema's limits (characters) from the "Parameter details" of AWS's
/// custom-notification page, which we could read only as restated by a third-party client
/// (research §4): title 250, description 8,000, each next step 350, each keyword 75.
pub const MAX_TITLE: usize = 250;
pub const MAX_DESCRIPTION: usize = 8000;
pub const MAX_NEXT_STEP: usize = 350;
pub const MAX_KEYWORD: usize = 75;

/// One custom notification.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Custom {
    pub id: Option<String>,
    /// `textType` is `client-markdown` (or absent, which means the same).
    pub markdown: bool,
    pub title: Option<String>,
    pub description: String,
    pub next_steps: Vec<String>,
    pub keywords: Vec<String>,
    pub thread_id: Option<String>,
    pub summary: Option<String>,
    pub event_type: Option<String>,
    pub related_resources: Vec<String>,
    pub additional_context: Vec<(String, String)>,
    pub enable_custom_actions: Option<bool>,
    /// Some field was longer than the schema allows and was cut.
    pub cut: bool,
    /// The whole notification, attached when something was cut.
    pub raw: Value,
}

/// Why a JSON object is not a custom notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCustom {
    Source,
    Version,
    Description,
}

impl NotCustom {
    pub fn reason(&self) -> &'static str {
        match self {
            NotCustom::Source => "not a custom notification (source is not \"custom\")",
            NotCustom::Version => "not a custom notification (version is not \"1.0\")",
            NotCustom::Description => "not a custom notification (no content.description)",
        }
    }
}

/// Reads a custom notification.
pub fn parse(v: &Value) -> Result<Custom, NotCustom> {
    if text(v, "source").as_deref() != Some("custom") {
        return Err(NotCustom::Source);
    }
    let version_ok = match get(v, "version") {
        Some(Value::String(s)) => s.trim() == "1.0" || s.trim() == "1",
        Some(Value::Number(n)) => n.as_f64() == Some(1.0),
        _ => false,
    };
    if !version_ok {
        return Err(NotCustom::Version);
    }
    let content = get(v, "content").cloned().unwrap_or(Value::Null);
    let description = text(&content, "description").ok_or(NotCustom::Description)?;
    let metadata = get(v, "metadata").cloned().unwrap_or(Value::Null);
    let mut cut = false;
    let title = text(&content, "title").map(|t| clip(&t, MAX_TITLE, &mut cut));
    let description = clip(&description, MAX_DESCRIPTION, &mut cut);
    let next_steps = strings(&content, "nextSteps")
        .iter()
        .map(|s| clip(s, MAX_NEXT_STEP, &mut cut))
        .collect();
    let keywords = strings(&content, "keywords")
        .iter()
        .map(|s| clip(s, MAX_KEYWORD, &mut cut))
        .collect();
    let additional_context = get(&metadata, "additionalContext")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), scalar(v)?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Custom {
        id: text(v, "id"),
        markdown: text(&content, "textType").is_none_or(|t| t == "client-markdown"),
        title,
        description,
        next_steps,
        keywords,
        thread_id: text(&metadata, "threadId"),
        summary: text(&metadata, "summary"),
        event_type: text(&metadata, "eventType"),
        related_resources: array(&metadata, "relatedResources")
            .iter()
            .filter_map(scalar)
            .collect(),
        additional_context,
        enable_custom_actions: get(&metadata, "enableCustomActions").and_then(Value::as_bool),
        cut,
        raw: v.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_fields_are_cut_not_refused() {
        let v = json!({"version": "1.0", "source": "custom",
            "content": {"title": "t".repeat(300), "description": "d",
                "keywords": ["k".repeat(80), "ok"]}});
        let c = parse(&v).expect("custom");
        assert!(c.cut);
        assert_eq!(
            c.title.as_deref().map(|t| t.chars().count()),
            Some(MAX_TITLE)
        );
        assert!(c.title.as_deref().is_some_and(|t| t.ends_with('…')));
        assert_eq!(c.keywords[1], "ok");
    }

    #[test]
    fn what_is_not_custom_says_why() {
        assert_eq!(parse(&json!({"source": "aws.x"})), Err(NotCustom::Source));
        assert_eq!(
            parse(&json!({"source": "custom", "version": "2.0"})),
            Err(NotCustom::Version)
        );
        assert_eq!(
            parse(&json!({"source": "custom", "version": "1.0", "content": {"title": "x"}})),
            Err(NotCustom::Description)
        );
        assert!(parse(&json!({"source": "custom", "version": 1.0,
            "content": {"description": "x"}}))
        .is_ok());
    }
}
