//! Show logs / Show error logs on alarm notifications: which log groups hold an alarm's
//! logs, the time range to read, and the buttons — each a `logs start-query` command the
//! presser runs as if typed (so it is authorized, audited and its results shown by the
//! engine like any Logs Insights query in chat).

use engine::insights::{start_query_command, SHOW_ERROR_LOGS, SHOW_LOGS};
use engine::{ActionId, Block, Button, Style};

use crate::message::alarm::{Alarm, AlarmKind, MetricRef};

/// Logs read after the state change (the query starts at the evaluation period's start).
pub const AFTER_CHANGE_S: i64 = 3_600;

/// The log groups of the alarm's metrics: a Lambda function's (`FunctionName`, or
/// `Resource` without its `:alias`) is `/aws/lambda/<function>`.
pub fn log_groups(a: &Alarm) -> Vec<String> {
    let AlarmKind::Metric(t) = &a.kind else {
        return Vec::new();
    };
    let metrics = t
        .metric
        .iter()
        .chain(t.queries.iter().filter_map(|q| q.metric.as_ref()));
    let mut out: Vec<String> = Vec::new();
    for m in metrics {
        if let Some(g) = lambda_group(m) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    out.truncate(5);
    out
}

fn lambda_group(m: &MetricRef) -> Option<String> {
    if m.namespace.as_deref() != Some("AWS/Lambda") {
        return None;
    }
    let dim = |name: &str| {
        m.dimensions
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let function = dim("FunctionName")
        .or_else(|| dim("Resource").map(|r| r.split(':').next().unwrap_or(r)))?;
    let ok = !function.is_empty()
        && function
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| format!("/aws/lambda/{function}"))
}

/// From the start of the evaluation period before the state change to an hour after it,
/// in epoch seconds.
pub fn window(a: &Alarm) -> Option<(i64, i64)> {
    let changed = crate::message::time::parse(a.changed.as_deref()?)?.timestamp();
    let AlarmKind::Metric(t) = &a.kind else {
        return None;
    };
    let period = t.period.unwrap_or(60.0).max(1.0);
    let periods = t.evaluation_periods.unwrap_or(1.0).max(1.0);
    let back = (period * periods).min(86_400.0 * 7.0) as i64;
    Some((changed - back, changed + AFTER_CHANGE_S))
}

/// The alarm tag naming its log groups (comma-separated), which overrides every rule.
pub const TAG: &str = "chatops:log-groups";

/// Whether the alarm's notification offers its logs (not on OK).
pub fn wanted(a: &Alarm) -> bool {
    a.new_state.as_deref() != Some("OK") && window(a).is_some()
}

/// The two buttons, when the alarm is not OK and its log groups are known from its metric.
pub fn buttons(a: &Alarm) -> Option<Block> {
    buttons_for(a, &log_groups(a))
}

/// The two buttons over `groups` (at most 5 are read), when the alarm is not OK.
pub fn buttons_for(a: &Alarm, groups: &[String]) -> Option<Block> {
    if !wanted(a) || groups.is_empty() {
        return None;
    }
    let groups: Vec<String> = groups.iter().take(5).cloned().collect();
    let (start, end) = window(a)?;
    let button = |label: &str, query: &str| Button {
        label: label.into(),
        action: ActionId::COMMAND.into(),
        value: start_query_command(&groups, start, end, query),
        style: Style::Default,
        confirm: None,
    };
    Some(Block::Buttons {
        buttons: vec![
            button("Show logs", SHOW_LOGS),
            button("Show error logs", SHOW_ERROR_LOGS),
        ],
    })
}
