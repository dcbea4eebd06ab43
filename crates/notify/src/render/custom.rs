//! A custom notification as a message: the title, the description, next steps as a
//! bulleted list, keywords as code, related resources and the additional context; the
//! `client-markdown` text through [`super::markdown`], so nothing in it becomes a link or
//! a mention.

use super::layout::{self, Doc, NAME, VALUE};
use super::{markdown, Meta};
use crate::message::custom::{Custom, MAX_DESCRIPTION, MAX_KEYWORD, MAX_NEXT_STEP};
use crate::message::Raw;
use engine::{Message, Rich, Span};

/// Next steps, keywords, resources and context entries shown at most.
const STEPS_SHOWN: usize = 20;
const KEYWORDS_SHOWN: usize = 20;
const RESOURCES_SHOWN: usize = 10;
const CONTEXT_SHOWN: usize = 10;

fn title(c: &Custom) -> &str {
    c.title
        .as_deref()
        .or(c.summary.as_deref())
        .or(c.event_type.as_deref())
        .unwrap_or("Notification")
}

/// `🔔 <title>`, the title's markdown marks dropped (a headline is one strong span).
pub fn headline(c: &Custom) -> Rich {
    let t = title(c);
    let t = if c.markdown {
        markdown::plain(t)
    } else {
        t.to_string()
    };
    layout::headline("🔔", &t)
}

/// Markdown or plain spans of a payload text, cut at `max`.
fn body(doc: &mut Doc, c: &Custom, text: &str, max: usize) -> Vec<Span> {
    let text = doc.clip(text, max);
    if c.markdown {
        markdown::spans(&text)
    } else {
        vec![Span::Plain(text)]
    }
}

pub fn render(c: &Custom, meta: &Meta) -> Message {
    let mut doc = Doc::new(headline(c));
    if c.cut {
        doc.mark_cut();
    }
    let description = body(&mut doc, c, &c.description, MAX_DESCRIPTION);
    doc.text(description);
    if !c.next_steps.is_empty() {
        let mut spans = vec![Span::Strong("Next steps".into())];
        for step in c.next_steps.iter().take(STEPS_SHOWN) {
            spans.push(Span::Plain("\n• ".into()));
            spans.extend(body(&mut doc, c, step, MAX_NEXT_STEP));
        }
        if c.next_steps.len() > STEPS_SHOWN {
            spans.push(Span::Plain(format!(
                "\n+{} more",
                c.next_steps.len() - STEPS_SHOWN
            )));
            doc.mark_cut();
        }
        doc.text(spans);
    }
    if !c.keywords.is_empty() {
        let mut spans = Vec::new();
        for k in c.keywords.iter().take(KEYWORDS_SHOWN) {
            if !spans.is_empty() {
                spans.push(Span::Plain(" ".into()));
            }
            let k = doc.clip(k, MAX_KEYWORD);
            spans.push(Span::Code(k));
        }
        if c.keywords.len() > KEYWORDS_SHOWN {
            doc.mark_cut();
        }
        doc.text(spans);
    }
    doc.list_field("Related resources", &c.related_resources, RESOURCES_SHOWN);
    for (k, v) in c.additional_context.iter().take(CONTEXT_SHOWN) {
        let k = doc.clip(k, NAME);
        doc.code_field(&k, Some(v), VALUE);
    }
    if c.additional_context.len() > CONTEXT_SHOWN || c.related_resources.len() > RESOURCES_SHOWN {
        doc.mark_cut();
    }
    let mut origin = "Custom notification".to_string();
    if let Some(t) = c.event_type.as_deref() {
        origin.push_str(&format!(" · {}", doc.clip(t, NAME)));
    }
    doc.finish(Some(origin), meta, Raw::Json(&c.raw))
}
