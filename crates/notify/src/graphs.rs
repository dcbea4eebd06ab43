//! The metric graph of an alarm notification: the alarm's metric around its state change,
//! read as the channel (its account, role and guardrails decide; audited as a background
//! call) and drawn as a PNG by the engine's chart code, which `describe-alarms` uses too.

use std::future::Future;
use std::pin::Pin;

use engine::{Block, Place};
use serde_json::{json, Value};

use crate::message::alarm::{Alarm, AlarmKind};
use crate::render::alarm::statistic;

/// The boxed future of [`Graphs::alarm_chart`].
pub type ChartFuture<'a> = Pin<Box<dyn Future<Output = Result<Block, String>> + Send + 'a>>;

/// Draws alarm graphs for a channel.
pub trait Graphs: Send + Sync {
    /// The chart of `alarm` (shaped as `describe-alarms` returns a metric alarm) for
    /// `place`, read in the account with id `account` when the channel has it.
    fn alarm_chart<'a>(
        &'a self,
        place: &'a Place,
        alarm: &'a Value,
        account: Option<&'a str>,
    ) -> ChartFuture<'a>;
}

impl Graphs for engine::Engine {
    fn alarm_chart<'a>(
        &'a self,
        place: &'a Place,
        alarm: &'a Value,
        account: Option<&'a str>,
    ) -> ChartFuture<'a> {
        Box::pin(self.background_alarm_chart(&place.workspace, &place.channel, alarm, account))
    }
}

/// The alarm as `describe-alarms` would describe it, when it watches one metric (metric
/// math and composite alarms have no single metric to draw).
pub fn described(a: &Alarm) -> Option<Value> {
    let AlarmKind::Metric(t) = &a.kind else {
        return None;
    };
    let m = t.metric.as_ref()?;
    let stat = statistic(t.statistic.as_deref()?);
    let mut v = json!({
        "AlarmName": a.name,
        "Namespace": m.namespace.as_deref()?,
        "MetricName": m.name.as_deref()?,
        "Dimensions": m.dimensions.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
        "Period": t.period.unwrap_or(60.0),
        "EvaluationPeriods": t.evaluation_periods.unwrap_or(1.0),
        "StateValue": a.new_state.as_deref().unwrap_or("INSUFFICIENT_DATA"),
    });
    if stat.starts_with('p') || stat.starts_with("tm") || stat.starts_with("wm") {
        v["ExtendedStatistic"] = json!(stat);
    } else {
        v["Statistic"] = json!(stat);
    }
    if let Some(th) = t.threshold {
        v["Threshold"] = json!(th);
    }
    if let Some(op) = &t.comparison {
        v["ComparisonOperator"] = json!(op);
    }
    if let Some(unit) = &t.unit {
        v["Unit"] = json!(unit);
    }
    if let Some(changed) = &a.changed {
        v["StateUpdatedTimestamp"] = json!(changed);
    }
    Some(v)
}
