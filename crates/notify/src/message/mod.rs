//! The `Message` of an SNS notification, read tolerantly into what it is about: a
//! CloudWatch alarm ([`alarm`]), an EventBridge event ([`event`], with per-source readers
//! in [`health`], [`findings`] and [`ops`]), a custom notification ([`custom`]) or one
//! of the text formats ([`text`]). Nothing here refuses a message for its size (the
//! intake caps bodies); the renderers cap what they show.

pub mod alarm;
pub mod custom;
pub mod event;
pub mod findings;
pub mod health;
pub mod ops;
pub mod text;
pub mod time;
pub(crate) mod value;

use crate::Facts;
use serde_json::Value;

/// A notification of a known format.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
    Alarm(Box<alarm::Alarm>),
    Event(Box<event::Event>),
    Custom(Box<custom::Custom>),
    Text(Box<TextMessage>),
}

/// A text notification and the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct TextMessage {
    pub notice: text::TextNotice,
    pub raw: String,
}

/// The message is of no format this crate knows; `reason` says what was looked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Unrecognized {
    pub reason: String,
}

/// Reads an SNS `Message`. The `Subject` is not read: SNS cuts subjects at 100
/// characters, so the message itself is the only reliable source (research §2).
pub fn parse(message: &str, subject: Option<&str>) -> Result<Notification, Unrecognized> {
    let _ = subject;
    match serde_json::from_str::<Value>(message.trim()) {
        Ok(v) => from_json(v, true),
        Err(e) => from_text(message, &format!("not JSON ({e})")),
    }
}

fn from_text(message: &str, why_not_json: &str) -> Result<Notification, Unrecognized> {
    match text::parse(message) {
        Some(notice) => Ok(Notification::Text(Box::new(TextMessage {
            notice,
            raw: message.to_string(),
        }))),
        None => Err(Unrecognized {
            reason: format!(
                "{why_not_json}, and not a known text format (no CloudFormation \
                 StackId='…' and ResourceStatus='…' lines, no AWS Budgets \"Budget Name:\" line)"
            ),
        }),
    }
}

/// `{"default": "<payload>"}`, as published with `MessageStructure=json`: the payload.
fn wrapped(v: &Value) -> Option<&str> {
    let o = v.as_object()?;
    let known = ["AlarmName", "detail-type", "source"];
    if known.iter().any(|k| o.contains_key(*k)) {
        return None;
    }
    o.get("default")?.as_str()
}

fn from_json(v: Value, may_unwrap: bool) -> Result<Notification, Unrecognized> {
    if may_unwrap {
        if let Some(inner) = wrapped(&v) {
            return match serde_json::from_str::<Value>(inner.trim()) {
                Ok(inner) => from_json(inner, false),
                Err(e) => from_text(inner, &format!("its \"default\" is not JSON ({e})")),
            };
        }
    }
    if !v.is_object() {
        let kind = match &v {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(Unrecognized {
            reason: format!("JSON {kind}, not an object: not a CloudWatch alarm, an EventBridge event or a custom notification"),
        });
    }
    let why_not_custom = match custom::parse(&v) {
        Ok(c) => return Ok(Notification::Custom(Box::new(c))),
        Err(why) => why,
    };
    if let Some(a) = alarm::parse(&v) {
        return Ok(Notification::Alarm(Box::new(a)));
    }
    if let Some(e) = event::parse(&v) {
        return Ok(Notification::Event(Box::new(e)));
    }
    let why_not_event = if value::text(&v, "detail-type").is_none() {
        "not an EventBridge event (no detail-type)"
    } else {
        "not an EventBridge event (no source)"
    };
    Err(Unrecognized {
        reason: format!(
            "not a CloudWatch alarm (no AlarmName), {why_not_event}, {}",
            why_not_custom.reason()
        ),
    })
}

impl Notification {
    /// What routing, mutes and threads look at.
    pub fn facts(&self) -> Facts {
        match self {
            Notification::Alarm(a) => Facts {
                source: "cloudwatch.alarm".into(),
                detail_type: None,
                name: Some(a.name.clone()),
                state: a.new_state.clone(),
                account: a.account.clone(),
                region: a.region.clone(),
                severity: None,
            },
            Notification::Event(e) => Facts {
                source: e.source.clone(),
                detail_type: Some(e.detail_type.clone()),
                name: e.name(),
                state: e.state(),
                account: e.account.clone(),
                region: e.region.clone(),
                severity: e.severity(),
            },
            Notification::Custom(c) => Facts {
                source: "custom".into(),
                detail_type: c.event_type.clone(),
                name: c.title.clone(),
                state: None,
                account: None,
                region: None,
                severity: None,
            },
            Notification::Text(t) => match &t.notice {
                text::TextNotice::Stack {
                    change, account, ..
                } => Facts {
                    source: "cloudformation".into(),
                    detail_type: None,
                    name: change.stack_name(),
                    state: change.status.clone(),
                    account: account.clone(),
                    region: change.stack_id.as_deref().and_then(value::arn_region),
                    severity: None,
                },
                text::TextNotice::Budget(b) => Facts {
                    source: "budgets".into(),
                    detail_type: None,
                    name: Some(b.name.clone()),
                    state: None,
                    account: b.account.clone(),
                    region: None,
                    severity: None,
                },
            },
        }
    }

    /// Notifications with the same key share a thread (the alarm ARN, the custom
    /// `threadId`, a finding's id, a stack's id); `None`: always a message of its own.
    pub fn thread_key(&self) -> Option<String> {
        match self {
            Notification::Alarm(a) => a.arn.clone().or_else(|| {
                Some(format!(
                    "{}/{}/{}",
                    a.account.as_deref().unwrap_or("-"),
                    a.region.as_deref().unwrap_or("-"),
                    a.name
                ))
            }),
            Notification::Event(e) => e.thread_key(),
            Notification::Custom(c) => c.thread_id.clone(),
            Notification::Text(t) => match &t.notice {
                text::TextNotice::Stack { change, .. } => change.stack_id.clone(),
                text::TextNotice::Budget(_) => None,
            },
        }
    }

    /// The text a thread's first message shows instead of the title (the custom
    /// `metadata.summary`).
    pub fn summary(&self) -> Option<String> {
        match self {
            Notification::Custom(c) => c.summary.clone(),
            _ => None,
        }
    }

    /// An id the payload carries itself, for de-duplication beyond the SNS `MessageId`:
    /// the custom notification's `id`, or the EventBridge event `id` (one event sent
    /// twice, by two rules or a retry, keeps it).
    pub fn own_id(&self) -> Option<String> {
        match self {
            Notification::Custom(c) => c.id.clone(),
            Notification::Event(e) => e.id.clone(),
            _ => None,
        }
    }

    /// The notification as received, for attaching: pretty JSON, or the text.
    pub fn raw(&self) -> Raw<'_> {
        match self {
            Notification::Alarm(a) => Raw::Json(&a.raw),
            Notification::Event(e) => Raw::Json(&e.raw),
            Notification::Custom(c) => Raw::Json(&c.raw),
            Notification::Text(t) => Raw::Text(&t.raw),
        }
    }
}

/// A notification as received.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'a> {
    Json(&'a Value),
    Text(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrecognized_json_names_every_format_tried() {
        let e = parse(r#"{"hello": "world"}"#, None).expect_err("not known");
        assert_eq!(
            e.reason,
            "not a CloudWatch alarm (no AlarmName), not an EventBridge event (no detail-type), \
             not a custom notification (source is not \"custom\")"
        );
        let e = parse("[1]", None).expect_err("array");
        assert!(e.reason.contains("array"), "{}", e.reason);
        let e = parse("just words", None).expect_err("text");
        assert!(e.reason.starts_with("not JSON ("), "{}", e.reason);
        assert!(e.reason.contains("Budget Name"), "{}", e.reason);
    }

    #[test]
    fn the_default_wrapper_is_opened_once() {
        let inner = r#"{"version":"1.0","source":"custom","content":{"description":"hi"}}"#;
        let outer = serde_json::json!({ "default": inner }).to_string();
        let n = parse(&outer, None).expect("custom");
        assert_eq!(n.facts().source, "custom");
        let twice = serde_json::json!({ "default": outer }).to_string();
        assert!(parse(&twice, None).is_err());
    }

    #[test]
    fn alarm_facts_and_thread() {
        let n = parse(
            r#"{"AlarmName":"a","NewStateValue":"ALARM","AWSAccountId":"111122223333",
               "Region":"EU (Ireland)"}"#,
            Some("ALARM: \"a\" in EU (Ireland)"),
        )
        .expect("alarm");
        let f = n.facts();
        assert_eq!(f.source, "cloudwatch.alarm");
        assert_eq!(f.state.as_deref(), Some("ALARM"));
        assert_eq!(f.region, None, "a display name is never a region code");
        assert_eq!(n.thread_key().as_deref(), Some("111122223333/-/a"));
    }
}
