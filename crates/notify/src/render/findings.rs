//! GuardDuty and Security Hub findings as messages: the title with a severity emoji, the
//! type and severity, the resource, and when it was seen; several Security Hub findings
//! become several sections.

use super::event::severity_emoji;
use super::layout::{self, Doc, LONG, NAME, VALUE};
use crate::message::findings::{guardduty_severity, Finding, GuardDuty};
use crate::message::value::show_number;
use engine::{Rich, Span};

/// Security Hub findings shown in one message; the rest are counted.
pub const FINDINGS_SHOWN: usize = 5;

fn label(s: crate::Severity) -> String {
    let l = s.as_str();
    let mut c = l.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

pub fn guardduty_headline(g: &GuardDuty) -> Rich {
    let emoji = severity_emoji(g.severity.map(guardduty_severity));
    let title = g
        .title
        .as_deref()
        .or(g.finding_type.as_deref())
        .unwrap_or("finding");
    layout::headline(emoji, &format!("GuardDuty: {title}"))
}

pub fn guardduty(doc: &mut Doc, g: &GuardDuty) {
    doc.paragraph(g.description.as_deref(), LONG);
    doc.code_field("Type", g.finding_type.as_deref(), VALUE);
    if let Some(s) = g.severity {
        doc.field(
            "Severity",
            vec![Span::Plain(format!(
                "{} ({})",
                label(guardduty_severity(s)),
                show_number(s)
            ))],
        );
    }
    doc.code_field("Resource", g.resource.as_deref(), VALUE);
    doc.code_field("Count", g.count.as_deref(), VALUE);
    doc.time_field("First seen", g.first_seen.as_deref());
    doc.time_field("Last seen", g.last_seen.as_deref());
    doc.code_field("Finding", g.id.as_deref(), VALUE);
}

pub fn security_hub_headline(f: &[Finding]) -> Rich {
    let emoji = severity_emoji(f.iter().filter_map(|f| f.severity).max());
    match f {
        [one] => layout::headline(
            emoji,
            &format!(
                "Security Hub: {}",
                one.title.as_deref().unwrap_or("finding")
            ),
        ),
        _ => layout::headline(emoji, &format!("Security Hub: {} findings", f.len())),
    }
}

pub fn security_hub(doc: &mut Doc, findings: &[Finding]) {
    for f in findings.iter().take(FINDINGS_SHOWN) {
        if findings.len() > 1 {
            let title = doc.clip(f.title.as_deref().unwrap_or("finding"), NAME);
            doc.text(vec![Span::Strong(format!(
                "{} {title}",
                severity_emoji(f.severity)
            ))]);
        }
        if let Some(s) = f.severity {
            doc.field("Severity", vec![Span::Plain(label(s))]);
        }
        doc.plain_field("Product", f.product.as_deref(), VALUE);
        doc.code_field("Resource", f.resource.as_deref(), VALUE);
        doc.code_field("Compliance", f.compliance.as_deref(), VALUE);
        doc.code_field("Workflow", f.workflow.as_deref(), VALUE);
        doc.code_field("Finding", f.id.as_deref(), VALUE);
        doc.flush();
    }
    if findings.len() > FINDINGS_SHOWN {
        doc.text(vec![Span::Plain(format!(
            "+{} more findings (attached)",
            findings.len() - FINDINGS_SHOWN
        ))]);
        doc.mark_cut();
    }
}
