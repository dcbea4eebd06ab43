//! A CloudWatch alarm as a message (research §1): the state and name, the description
//! and the reason, then State, Account, Region, Metric, Dimensions, Condition and
//! Changed; composite alarms show their rule and at most three triggering children.

use super::layout::{self, Doc, LONG, NAME, VALUE};
use super::Meta;
use crate::message::alarm::{Alarm, AlarmKind, Composite, MetricRef, Query, Trigger};
use crate::message::value::show_number;
use crate::message::{time, Raw};
use engine::{Message, Rich, Span};

/// Children of a composite alarm shown (Chatbot's documented behaviour).
pub const CHILDREN_SHOWN: usize = 3;

/// The emoji of a state.
pub fn state_emoji(state: Option<&str>) -> &'static str {
    match state {
        Some("ALARM") => "🔴",
        Some("OK") => "🟢",
        _ => "⚪",
    }
}

/// `🔴 ALARM orders-api-errors`.
pub fn headline(a: &Alarm) -> Rich {
    let state = a.new_state.as_deref().unwrap_or("STATE UNKNOWN");
    layout::headline(
        state_emoji(a.new_state.as_deref()),
        &format!("{state} {}", a.name),
    )
}

pub fn render(a: &Alarm, meta: &Meta) -> Message {
    let mut doc = Doc::new(headline(a));
    doc.paragraph(a.description.as_deref(), LONG);
    doc.paragraph(a.reason.as_deref(), LONG);
    let state = match (a.old_state.as_deref(), a.new_state.as_deref()) {
        (Some(old), Some(new)) => Some(format!("{old} → {new}")),
        (None, new) => new.map(str::to_string),
        (Some(old), None) => Some(format!("{old} → ?")),
    };
    doc.code_field("State", state.as_deref(), VALUE);
    doc.code_field("Account", a.account.as_deref(), VALUE);
    region_field(&mut doc, a);
    match &a.kind {
        AlarmKind::Metric(t) => trigger_fields(&mut doc, t),
        AlarmKind::Composite(c) => composite_fields(&mut doc, c),
        AlarmKind::Unknown => {}
    }
    doc.time_field("Changed", a.changed.as_deref());
    let mut m = doc.finish(Some("CloudWatch alarm".into()), meta, Raw::Json(&a.raw));
    if let Some(b) = crate::logs::buttons(a) {
        m.blocks.push(b);
    }
    m
}

fn region_field(doc: &mut Doc, a: &Alarm) {
    match (a.region.as_deref(), a.region_name.as_deref()) {
        (Some(code), name) => {
            let code = doc.clip(code, VALUE);
            let mut spans = vec![Span::Code(code)];
            if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
                let name = doc.clip(name, VALUE);
                spans.push(Span::Plain(format!(" ({name})")));
            }
            doc.field("Region", spans);
        }
        (None, name) => doc.plain_field("Region", name, VALUE),
    }
}

/// `SUM` → `Sum`, `SAMPLE_COUNT` → `SampleCount`; percentiles (`p99`) as they are.
pub fn statistic(s: &str) -> String {
    match s.to_ascii_uppercase().as_str() {
        "SUM" => "Sum".into(),
        "AVERAGE" => "Average".into(),
        "MINIMUM" => "Minimum".into(),
        "MAXIMUM" => "Maximum".into(),
        "SAMPLE_COUNT" | "SAMPLECOUNT" => "SampleCount".into(),
        _ => s.to_string(),
    }
}

/// The comparison in symbols (`>`), or in words for the anomaly band.
fn comparison(op: &str) -> Option<&'static str> {
    Some(match op {
        "GreaterThanThreshold" => ">",
        "GreaterThanOrEqualToThreshold" => "≥",
        "LessThanThreshold" => "<",
        "LessThanOrEqualToThreshold" => "≤",
        "LessThanLowerOrGreaterThanUpperThreshold" => "outside the band",
        "GreaterThanUpperThreshold" => "above the band",
        "LessThanLowerThreshold" => "below the band",
        _ => return None,
    })
}

fn metric_name(m: &MetricRef) -> String {
    match (m.namespace.as_deref(), m.name.as_deref()) {
        (Some(ns), Some(n)) => format!("{ns}/{n}"),
        (ns, n) => ns.or(n).unwrap_or("?").to_string(),
    }
}

fn dimensions(m: &MetricRef) -> String {
    m.dimensions
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Sum > 0 for 1 of 1 × 60 s`; anomaly: `m1 outside the band (width 2) for …`.
pub fn condition(t: &Trigger) -> Option<String> {
    let band = t.band();
    let subject = match (&t.metric, &t.statistic) {
        (Some(_), Some(s)) => Some(statistic(s)),
        _ => t
            .queries
            .iter()
            .find(|q| q.return_data && Some(q.id.as_str()) != band.map(|b| b.id.as_str()))
            .map(|q| q.label.clone().unwrap_or_else(|| q.id.clone())),
    };
    let op = t.comparison.as_deref()?;
    let words = comparison(op)
        .map(str::to_string)
        .unwrap_or_else(|| op.to_string());
    let mut out = subject.map(|s| format!("{s} ")).unwrap_or_default();
    out.push_str(&words);
    if op.contains("Lower") || op.contains("Upper") {
        if let Some(w) = t.band_width() {
            out.push_str(&format!(" (width {w})"));
        }
    } else if let Some(th) = t.threshold {
        out.push_str(&format!(" {}", show_number(th)));
    }
    match (t.evaluation_periods, t.period) {
        (Some(ep), Some(p)) => out.push_str(&format!(
            " for {} of {} × {} s",
            show_number(t.datapoints_to_alarm.unwrap_or(ep)),
            show_number(ep),
            show_number(p)
        )),
        (Some(ep), None) => out.push_str(&format!(
            " for {} of {} periods",
            show_number(t.datapoints_to_alarm.unwrap_or(ep)),
            show_number(ep)
        )),
        (None, Some(p)) => out.push_str(&format!(" × {} s", show_number(p))),
        (None, None) => {}
    }
    Some(out)
}

/// `m1 = AWS/Lambda/Errors (Sum, 60 s) FunctionName=f` or `e1 = m1/m2*100`.
fn query_line(q: &Query) -> String {
    let body = match (&q.expression, &q.metric) {
        (Some(e), _) => e.clone(),
        (None, Some(m)) => {
            let mut s = metric_name(m);
            let stat = q.stat.as_deref().map(statistic);
            match (stat, q.period) {
                (Some(st), Some(p)) => s.push_str(&format!(" ({st}, {} s)", show_number(p))),
                (Some(st), None) => s.push_str(&format!(" ({st})")),
                (None, Some(p)) => s.push_str(&format!(" ({} s)", show_number(p))),
                (None, None) => {}
            }
            let d = dimensions(m);
            if !d.is_empty() {
                s.push(' ');
                s.push_str(&d);
            }
            s
        }
        (None, None) => "?".into(),
    };
    format!("{} = {body}", q.id)
}

/// Metric-math queries shown at most.
const QUERIES_SHOWN: usize = 10;

fn trigger_fields(doc: &mut Doc, t: &Trigger) {
    if let Some(m) = &t.metric {
        doc.code_field("Metric", Some(&metric_name(m)), VALUE);
        doc.code_field("Dimensions", Some(&dimensions(m)), VALUE);
    }
    let lines: Vec<String> = t.queries.iter().map(query_line).collect();
    if !lines.is_empty() {
        let mut spans = Vec::new();
        for l in lines.iter().take(QUERIES_SHOWN) {
            let l = doc.clip(l, VALUE);
            spans.push(Span::Plain("\n• ".into()));
            spans.push(Span::Code(l));
        }
        if lines.len() > QUERIES_SHOWN {
            spans.push(Span::Plain(format!(
                "\n+{} more",
                lines.len() - QUERIES_SHOWN
            )));
        }
        doc.field("Metrics", spans);
    }
    doc.code_field("Condition", condition(t).as_deref(), VALUE);
    doc.code_field("Missing data", t.treat_missing_data.as_deref(), VALUE);
}

fn composite_fields(doc: &mut Doc, c: &Composite) {
    doc.code_field("Rule", c.rule.as_deref(), LONG);
    if c.children.is_empty() {
        return;
    }
    let mut spans = Vec::new();
    for child in c.children.iter().take(CHILDREN_SHOWN) {
        let name = doc.clip(child.name(), NAME);
        spans.push(Span::Plain("\n• ".into()));
        spans.push(Span::Code(name));
        if let Some(state) = child.state.as_deref() {
            let state = doc.clip(state, VALUE);
            spans.push(Span::Plain(format!(
                " {} {state}",
                state_emoji(Some(&state))
            )));
        }
        if let Some(ts) = child.timestamp.as_deref() {
            let ts = doc.clip(&time::show_text(ts), VALUE);
            spans.push(Span::Plain(format!(" since {ts}")));
        }
    }
    if c.children.len() > CHILDREN_SHOWN {
        spans.push(Span::Plain(format!(
            "\n+{} more",
            c.children.len() - CHILDREN_SHOWN
        )));
    }
    doc.field("Triggered by", spans);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_read_like_the_console() {
        let t = Trigger {
            statistic: Some("SUM".into()),
            metric: Some(MetricRef::default()),
            comparison: Some("GreaterThanThreshold".into()),
            threshold: Some(0.0),
            evaluation_periods: Some(1.0),
            period: Some(60.0),
            ..Trigger::default()
        };
        assert_eq!(condition(&t).as_deref(), Some("Sum > 0 for 1 of 1 × 60 s"));
        let t2 = Trigger {
            datapoints_to_alarm: Some(2.0),
            evaluation_periods: Some(3.0),
            statistic: Some("p99".into()),
            comparison: Some("LessThanOrEqualToThreshold".into()),
            threshold: Some(1.5),
            ..t
        };
        assert_eq!(
            condition(&t2).as_deref(),
            Some("p99 ≤ 1.5 for 2 of 3 × 60 s")
        );
    }
}
