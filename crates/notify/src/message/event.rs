//! EventBridge events (`version`, `id`, `detail-type`, `source`, `account`, `time`,
//! `region`, `resources`, `detail`), sorted by what they are about so each kind can be
//! shown usefully; any other event keeps its first scalar `detail` fields.

use super::findings::{self, Finding, GuardDuty};
use super::health::{self, Health};
use super::ops::{self, EcsServiceEvent, EcsTask, Ssm, StackChange};
use super::value::{get, scalar, strings, text};
use crate::Severity;
use serde_json::Value;

/// How many scalar `detail` fields an event of no known kind shows.
pub const GENERIC_FIELDS: usize = 6;

/// One EventBridge event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Option<String>,
    pub detail_type: String,
    pub source: String,
    pub account: Option<String>,
    pub time: Option<String>,
    pub region: Option<String>,
    pub resources: Vec<String>,
    pub kind: EventKind,
    /// The whole event, attached when a rendering had to cut something.
    pub raw: Value,
}

/// What the event is about, read from its `detail`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    Health(Health),
    GuardDuty(GuardDuty),
    /// `detail.findings[]` of a Security Hub event.
    SecurityHub(Vec<Finding>),
    Stack(StackChange),
    EcsTask(EcsTask),
    EcsDeployment(EcsServiceEvent),
    EcsService(EcsServiceEvent),
    Ssm(Ssm),
    /// Any other event: the first scalar leaves of `detail` as (dotted path, value).
    Generic(Vec<(String, String)>),
}

/// Reads an event; `None` when it has no `detail-type` and `source` (not an event).
pub fn parse(v: &Value) -> Option<Event> {
    let detail_type = text(v, "detail-type")?;
    let source = text(v, "source")?;
    let empty = Value::Null;
    let detail = get(v, "detail").unwrap_or(&empty);
    let kind = match source.as_str() {
        "aws.health" => EventKind::Health(health::parse(detail)),
        "aws.guardduty" if detail_type.contains("Finding") => {
            EventKind::GuardDuty(findings::guardduty(detail))
        }
        "aws.securityhub" if get(detail, "findings").is_some_and(Value::is_array) => {
            EventKind::SecurityHub(findings::security_hub(detail))
        }
        "aws.cloudformation" if get(detail, "stack-id").is_some() => {
            EventKind::Stack(ops::stack_event(detail))
        }
        "aws.ecs" => match detail_type.as_str() {
            "ECS Task State Change" => EventKind::EcsTask(ops::ecs_task(detail)),
            "ECS Deployment State Change" => {
                EventKind::EcsDeployment(ops::ecs_service_event(detail))
            }
            "ECS Service Action" => EventKind::EcsService(ops::ecs_service_event(detail)),
            _ => EventKind::Generic(leaves(detail, GENERIC_FIELDS)),
        },
        "aws.ssm" => EventKind::Ssm(ops::ssm(detail)),
        _ => EventKind::Generic(leaves(detail, GENERIC_FIELDS)),
    };
    Some(Event {
        id: text(v, "id"),
        detail_type,
        source,
        account: text(v, "account"),
        time: text(v, "time"),
        region: text(v, "region"),
        resources: strings(v, "resources"),
        kind,
        raw: v.clone(),
    })
}

/// The first `max` scalar leaves of a JSON value, depth first in document order, each
/// with its dotted path (`service.count`, `findings.0.Id`).
pub fn leaves(v: &Value, max: usize) -> Vec<(String, String)> {
    fn walk(v: &Value, prefix: &str, out: &mut Vec<(String, String)>, max: usize, depth: u8) {
        if out.len() >= max || depth > 16 {
            return;
        }
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match v {
            Value::Object(o) => {
                for (k, v) in o {
                    walk(v, &join(k), out, max, depth + 1);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &join(&i.to_string()), out, max, depth + 1);
                }
            }
            other => {
                if let Some(s) = scalar(other) {
                    if out.len() < max && !prefix.is_empty() {
                        out.push((prefix.to_string(), s));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out, max, 0);
    out
}

impl Event {
    /// The name routing and mutes match: what the event is about.
    pub fn name(&self) -> Option<String> {
        match &self.kind {
            EventKind::Health(h) => h.event_type.clone(),
            EventKind::GuardDuty(g) => g.title.clone(),
            EventKind::SecurityHub(f) => f.first().and_then(|f| f.title.clone()),
            EventKind::Stack(s) => s.stack_name(),
            EventKind::EcsTask(t) => t.task_definition_name(),
            EventKind::EcsDeployment(_) | EventKind::EcsService(_) => self
                .resources
                .first()
                .map(|r| ops::last_segment(r).to_string()),
            EventKind::Ssm(s) => s.document.clone(),
            EventKind::Generic(_) => Some(self.detail_type.clone()),
        }
    }

    /// The event's status (`closed`, `STOPPED`, `UPDATE_ROLLBACK_COMPLETE`, …).
    pub fn state(&self) -> Option<String> {
        match &self.kind {
            EventKind::Health(h) => h.status.clone(),
            EventKind::GuardDuty(_) => None,
            EventKind::SecurityHub(f) => f.first().and_then(|f| f.workflow.clone()),
            EventKind::Stack(s) => s.status.clone(),
            EventKind::EcsTask(t) => t.last_status.clone(),
            EventKind::EcsDeployment(s) | EventKind::EcsService(s) => s.event_name.clone(),
            EventKind::Ssm(s) => s.status.clone(),
            EventKind::Generic(_) => None,
        }
    }

    /// The severity of a finding (the highest of several) or a health event.
    pub fn severity(&self) -> Option<Severity> {
        match &self.kind {
            EventKind::Health(h) => h.severity(),
            EventKind::GuardDuty(g) => g.severity.map(findings::guardduty_severity),
            EventKind::SecurityHub(f) => f.iter().filter_map(|f| f.severity).max(),
            _ => None,
        }
    }

    /// The thread key, where the event names something that changes over time.
    pub fn thread_key(&self) -> Option<String> {
        match &self.kind {
            EventKind::Health(h) => h.arn.clone(),
            EventKind::GuardDuty(g) => g.id.clone(),
            EventKind::SecurityHub(f) if f.len() == 1 => f.first().and_then(|f| f.id.clone()),
            EventKind::Stack(s) => s.stack_id.clone(),
            EventKind::EcsDeployment(d) => d.deployment_id.clone(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generic_events_keep_the_first_scalar_leaves() {
        let v = json!({"detail-type": "Thing Happened", "source": "aws.thing",
            "detail": {"a": {"b": 1, "c": [true, {"d": "x"}]}, "e": null, "f": "", "g": "y",
                "h": 1, "i": 2, "j": 3, "k": 4}});
        let e = parse(&v).expect("event");
        let EventKind::Generic(l) = &e.kind else {
            panic!("generic expected")
        };
        let keys: Vec<&str> = l.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a.b", "a.c.0", "a.c.1.d", "g", "h", "i"]);
        assert_eq!(e.name().as_deref(), Some("Thing Happened"));
    }

    #[test]
    fn an_event_needs_a_detail_type_and_a_source() {
        assert!(parse(&json!({"source": "aws.x"})).is_none());
        assert!(parse(&json!({"detail-type": "x"})).is_none());
        assert!(parse(&json!({"detail-type": "x", "source": "aws.x", "detail": 5})).is_some());
    }
}
