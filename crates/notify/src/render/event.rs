//! EventBridge events as messages: each known kind its own layout (Health here,
//! findings in [`super::findings`], CloudFormation, ECS and Systems Manager in
//! [`super::ops`]), any other event its detail-type, source and first scalar fields;
//! all end with the event's account, region, time and resources.

use super::layout::{self, Doc, LONG, VALUE};
use super::{findings, ops, Meta};
use crate::message::event::{Event, EventKind};
use crate::message::health::Health;
use crate::message::Raw;
use crate::Severity;
use engine::{Message, Rich};

/// Resources listed at most.
const RESOURCES_SHOWN: usize = 5;

/// The emoji of a severity.
pub fn severity_emoji(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Critical) => "🚨",
        Some(Severity::High) => "🔴",
        Some(Severity::Medium) => "🟠",
        Some(Severity::Low) => "🟡",
        Some(Severity::Informational) => "🔵",
        None => "⚪",
    }
}

pub fn headline(e: &Event) -> Rich {
    match &e.kind {
        EventKind::Health(h) => health_headline(h),
        EventKind::GuardDuty(g) => findings::guardduty_headline(g),
        EventKind::SecurityHub(f) => findings::security_hub_headline(f),
        EventKind::Stack(s) => ops::stack_headline(s),
        EventKind::EcsTask(t) => ops::task_headline(t),
        EventKind::EcsDeployment(s) | EventKind::EcsService(s) => ops::service_headline(s, e),
        EventKind::Ssm(s) => ops::ssm_headline(s, &e.detail_type),
        EventKind::Generic(_) => layout::headline("📨", &e.detail_type),
    }
}

pub fn render(e: &Event, meta: &Meta) -> Message {
    let mut doc = Doc::new(headline(e));
    match &e.kind {
        EventKind::Health(h) => health(&mut doc, h),
        EventKind::GuardDuty(g) => findings::guardduty(&mut doc, g),
        EventKind::SecurityHub(f) => findings::security_hub(&mut doc, f),
        EventKind::Stack(s) => ops::stack(&mut doc, s),
        EventKind::EcsTask(t) => ops::task(&mut doc, t),
        EventKind::EcsDeployment(s) | EventKind::EcsService(s) => ops::service(&mut doc, s, e),
        EventKind::Ssm(s) => ops::ssm(&mut doc, s),
        EventKind::Generic(fields) => {
            doc.code_field("Source", Some(&e.source), VALUE);
            for (k, v) in fields {
                let label = doc.clip(k, layout::NAME);
                doc.code_field(&label, Some(v), VALUE);
            }
        }
    }
    envelope(&mut doc, e);
    let origin = format!("EventBridge {} · {}", e.source, e.detail_type);
    let origin = doc.clip(&origin, VALUE);
    doc.finish(Some(origin), meta, Raw::Json(&e.raw))
}

/// Account, region, time and resources of any event.
fn envelope(doc: &mut Doc, e: &Event) {
    doc.code_field("Account", e.account.as_deref(), VALUE);
    doc.code_field("Region", e.region.as_deref(), VALUE);
    doc.time_field("Time", e.time.as_deref());
    doc.list_field("Resources", &e.resources, RESOURCES_SHOWN);
}

fn health_headline(h: &Health) -> Rich {
    let emoji = if h.status.as_deref() == Some("closed") {
        "🟢"
    } else {
        severity_emoji(h.severity())
    };
    let what = h.event_type.as_deref().unwrap_or("event");
    layout::headline(emoji, &format!("AWS Health: {what}"))
}

/// Affected entities listed at most.
const ENTITIES_SHOWN: usize = 5;

fn health(doc: &mut Doc, h: &Health) {
    doc.paragraph(h.description.as_deref(), LONG);
    doc.code_field("Service", h.service.as_deref(), VALUE);
    doc.code_field("Category", h.category.as_deref(), VALUE);
    doc.code_field("Status", h.status.as_deref(), VALUE);
    doc.code_field("Affected region", h.event_region.as_deref(), VALUE);
    doc.time_field("Start", h.start.as_deref());
    doc.time_field("End", h.end.as_deref());
    doc.list_field("Affected entities", &h.entities, ENTITIES_SHOWN);
    doc.code_field("Event", h.arn.as_deref(), VALUE);
}
