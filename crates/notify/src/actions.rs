//! Custom actions (`[[actions]]`): buttons on notifications that run a command with the
//! notification's values. The button carries the command's template and the variables
//! known from the notification; pressing it runs the command through the normal
//! conversation as the presser (authorization, confirmation of writes, audit), and a
//! variable the notification did not have is asked for.

use std::collections::BTreeMap;

use config::{Criterion, CustomAction};
use engine::{ActionId, Block, Button, Style};
use serde_json::json;

use crate::message::alarm::AlarmKind;
use crate::message::Notification;

/// Buttons shown per notification at most (a chat row holds few).
pub const MAX_BUTTONS: usize = 5;

/// The `notification_type` a notification matches (besides `Any`).
pub fn notification_type(n: &Notification) -> &'static str {
    match n {
        Notification::Alarm(_) => "CloudWatch",
        Notification::Custom(_) => "Custom",
        Notification::Event(_) => "Event",
        Notification::Text(_) => "Text",
    }
}

/// The values a custom action's command and criteria may use: an alarm's `AlarmName`,
/// `AlarmArn`, `AWSAccountId`, `Region` (the code), `NewStateValue`, `OldStateValue`,
/// `MetricName`, `Namespace` and each dimension by its name; an event's `source`,
/// `detail-type`, `account`, `region`, `id`; a custom notification's `additionalContext`
/// keys, `eventType` and `threadId`.
pub fn variables(n: &Notification) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    let mut put = |k: &str, val: Option<&str>| {
        if let Some(val) = val.filter(|x| !x.is_empty()) {
            v.insert(k.to_string(), val.to_string());
        }
    };
    match n {
        Notification::Alarm(a) => {
            put("AlarmName", Some(&a.name));
            put("AlarmArn", a.arn.as_deref());
            put("AWSAccountId", a.account.as_deref());
            put("Region", a.region.as_deref());
            put("NewStateValue", a.new_state.as_deref());
            put("OldStateValue", a.old_state.as_deref());
            if let AlarmKind::Metric(t) = &a.kind {
                if let Some(m) = &t.metric {
                    put("MetricName", m.name.as_deref());
                    put("Namespace", m.namespace.as_deref());
                    for (k, val) in &m.dimensions {
                        put(k, Some(val));
                    }
                }
            }
        }
        Notification::Event(e) => {
            put("source", Some(&e.source));
            put("detail-type", Some(&e.detail_type));
            put("account", e.account.as_deref());
            put("region", e.region.as_deref());
            put("id", e.id.as_deref());
        }
        Notification::Custom(c) => {
            put("eventType", c.event_type.as_deref());
            put("threadId", c.thread_id.as_deref());
            for (k, val) in &c.additional_context {
                put(k, Some(val));
            }
        }
        Notification::Text(_) => {}
    }
    v
}

/// Whether `action` belongs on a notification of type `kind` with `vars`.
pub fn applies(action: &CustomAction, kind: &str, vars: &BTreeMap<String, String>) -> bool {
    (action.notification_type == "Any" || action.notification_type == kind)
        && action.criteria.iter().all(|c| match c {
            Criterion::Equals { variable, value } => vars.get(variable) == Some(value),
            Criterion::HasValue { variable } => vars.contains_key(variable),
        })
}

/// The buttons of the actions that apply (at most [`MAX_BUTTONS`]); `None` when none does,
/// or when a custom notification turned them off (`enableCustomActions: false`).
pub fn buttons(actions: &[&CustomAction], n: &Notification) -> Option<Block> {
    if let Notification::Custom(c) = n {
        if c.enable_custom_actions == Some(false) {
            return None;
        }
    }
    let kind = notification_type(n);
    let vars = variables(n);
    let buttons: Vec<Button> = actions
        .iter()
        .filter(|a| applies(a, kind, &vars))
        .take(MAX_BUTTONS)
        .map(|a| {
            let used: BTreeMap<&String, &String> = vars
                .iter()
                .filter(|(k, _)| a.command.contains(&format!("${k}")))
                .collect();
            Button {
                label: a.button_text.clone(),
                action: ActionId::CUSTOM_ACTION.into(),
                value: json!({"name": a.name, "template": a.command, "vars": used}).to_string(),
                style: Style::Default,
                confirm: None,
            }
        })
        .collect();
    (!buttons.is_empty()).then_some(Block::Buttons { buttons })
}
