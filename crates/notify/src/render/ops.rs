//! CloudFormation, ECS and Systems Manager events as messages: the status in the
//! headline (red when failed or rolled back, green when complete, blue in between), then
//! what changed and why.

use super::layout::{self, Doc, LONG, NAME, VALUE};
use crate::message::event::Event;
use crate::message::ops::{last_segment, EcsServiceEvent, EcsTask, Ssm, StackChange};
use engine::{Rich, Span};

/// Containers listed at most.
const CONTAINERS_SHOWN: usize = 10;

fn status_emoji(failed: bool, done: bool) -> &'static str {
    if failed {
        "🔴"
    } else if done {
        "🟢"
    } else {
        "🔵"
    }
}

pub fn stack_headline(s: &StackChange) -> Rich {
    let status = s.status.as_deref().unwrap_or("status unknown");
    let done = status.ends_with("_COMPLETE");
    let name = s.stack_name().unwrap_or_else(|| "stack".into());
    layout::headline(
        status_emoji(s.failed(), done),
        &format!("CloudFormation {status} {name}"),
    )
}

pub fn stack(doc: &mut Doc, s: &StackChange) {
    doc.paragraph(s.reason.as_deref(), LONG);
    doc.code_field("Stack", s.stack_name().as_deref(), NAME);
    doc.code_field("Resource", s.logical_id.as_deref(), NAME);
    doc.code_field("Type", s.resource_type.as_deref(), VALUE);
    doc.code_field("Physical id", s.physical_id.as_deref(), VALUE);
    doc.code_field("Status", s.status.as_deref(), VALUE);
    doc.code_field("Stack id", s.stack_id.as_deref(), VALUE);
}

pub fn task_headline(t: &EcsTask) -> Rich {
    let status = t.last_status.as_deref().unwrap_or("?");
    let done = matches!(status, "RUNNING" | "STOPPED");
    let name = t.task_definition_name().unwrap_or_else(|| "task".into());
    layout::headline(
        status_emoji(t.failed(), done),
        &format!("ECS task {status}: {name}"),
    )
}

pub fn task(doc: &mut Doc, t: &EcsTask) {
    doc.paragraph(t.stopped_reason.as_deref(), LONG);
    doc.code_field("Cluster", t.cluster.as_deref().map(last_segment), NAME);
    doc.code_field("Task", t.task.as_deref().map(last_segment), VALUE);
    doc.code_field("Task definition", t.task_definition_name().as_deref(), NAME);
    doc.code_field("Group", t.group.as_deref(), VALUE);
    let status = match (t.last_status.as_deref(), t.desired_status.as_deref()) {
        (Some(l), Some(d)) if l != d => Some(format!("{l} (desired {d})")),
        (l, d) => l.or(d).map(str::to_string),
    };
    doc.code_field("Status", status.as_deref(), VALUE);
    doc.code_field("Stop code", t.stop_code.as_deref(), VALUE);
    let mut spans = Vec::new();
    for c in t.containers.iter().take(CONTAINERS_SHOWN) {
        let name = doc.clip(&c.name, NAME);
        spans.push(Span::Plain("\n• ".into()));
        spans.push(Span::Code(name));
        if let Some(e) = c.exit_code.as_deref() {
            spans.push(Span::Plain(format!(" exit {}", doc.clip(e, 20))));
        } else if let Some(s) = c.last_status.as_deref() {
            spans.push(Span::Plain(format!(" {}", doc.clip(s, 40))));
        }
        if let Some(r) = c.reason.as_deref() {
            spans.push(Span::Plain(format!(" — {}", doc.clip(r, VALUE))));
        }
    }
    if t.containers.len() > CONTAINERS_SHOWN {
        spans.push(Span::Plain(format!(
            "\n+{} more",
            t.containers.len() - CONTAINERS_SHOWN
        )));
    }
    doc.field("Containers", spans);
}

fn service_name(e: &Event) -> String {
    e.resources
        .first()
        .map(|r| last_segment(r).to_string())
        .unwrap_or_else(|| "service".into())
}

/// `ECS deployment FAILED: web`, `ECS SERVICE_STEADY_STATE: web`.
pub fn service_headline(s: &EcsServiceEvent, e: &Event) -> Rich {
    let name = s.event_name.as_deref().unwrap_or("?");
    let done = name.ends_with("COMPLETED") || name == "SERVICE_STEADY_STATE";
    let what = match name.strip_prefix("SERVICE_DEPLOYMENT_") {
        Some(state) => format!("deployment {state}"),
        None => name.to_string(),
    };
    layout::headline(
        status_emoji(s.failed(), done),
        &format!("ECS {what}: {}", service_name(e)),
    )
}

pub fn service(doc: &mut Doc, s: &EcsServiceEvent, e: &Event) {
    doc.paragraph(s.reason.as_deref(), LONG);
    doc.code_field("Service", Some(&service_name(e)), NAME);
    doc.code_field("Cluster", s.cluster.as_deref().map(last_segment), NAME);
    doc.code_field("Deployment", s.deployment_id.as_deref(), VALUE);
    doc.code_field("Event", s.event_name.as_deref(), VALUE);
    doc.code_field("Event type", s.event_type.as_deref(), VALUE);
    doc.time_field("When", s.at.as_deref());
}

pub fn ssm_headline(s: &Ssm, detail_type: &str) -> Rich {
    let what = if detail_type.contains("Command") {
        "Run Command"
    } else if detail_type.contains("Automation") {
        "Automation"
    } else {
        detail_type
    };
    let status = s.status.as_deref().unwrap_or("");
    let done = matches!(status, "Success" | "Succeeded");
    let name = s.document.as_deref().unwrap_or("");
    let text = [what, status]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let text = if name.is_empty() {
        text
    } else {
        format!("{text}: {name}")
    };
    layout::headline(status_emoji(s.failed(), done), &text)
}

pub fn ssm(doc: &mut Doc, s: &Ssm) {
    doc.code_field("Document", s.document.as_deref(), NAME);
    doc.code_field("Execution", s.execution.as_deref(), VALUE);
    doc.code_field("Instance", s.instance.as_deref(), VALUE);
    doc.code_field("Step", s.step.as_deref(), VALUE);
    doc.code_field("Action", s.action.as_deref(), VALUE);
    doc.code_field("Status", s.status.as_deref(), VALUE);
    doc.time_field("Started", s.start.as_deref());
    doc.time_field("Ended", s.end.as_deref());
    doc.code_field("Requested by", s.requested_by.as_deref(), VALUE);
}
