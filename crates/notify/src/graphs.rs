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

/// The boxed future of [`Graphs::background_call`].
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, String>> + Send + 'a>>;

/// Draws alarm graphs and makes the lookups a notification needs, as its channel.
pub trait Graphs: Send + Sync {
    /// One AWS call (`line`, as typed) made as the channel for a notification (authorized
    /// and audited as a background call), in the account with id `account` when the
    /// channel has it.
    fn background_call<'a>(
        &'a self,
        place: &'a Place,
        account: Option<&'a str>,
        line: &'a str,
    ) -> CallFuture<'a>;

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
    fn background_call<'a>(
        &'a self,
        place: &'a Place,
        account: Option<&'a str>,
        line: &'a str,
    ) -> CallFuture<'a> {
        Box::pin(engine::Engine::background_call(
            self,
            &place.workspace,
            &place.channel,
            account,
            line,
        ))
    }

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

/// The log groups the alarm names itself (its [`crate::logs::TAG`] tag), else those of the
/// metric filters that produce its metric; empty when neither names any.
pub async fn looked_up_log_groups(g: &dyn Graphs, place: &Place, a: &Alarm) -> Vec<String> {
    let account = a.account.as_deref();
    if let Some(arn) = a
        .arn
        .as_deref()
        .filter(|x| !x.contains('\'') && !x.is_empty())
    {
        let line = format!("cloudwatch list-tags-for-resource --resource-arn '{arn}'");
        if let Ok(v) = g.background_call(place, account, &line).await {
            let tagged = v
                .get("Tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|t| t.get("Key").and_then(Value::as_str) == Some(crate::logs::TAG))
                .and_then(|t| t.get("Value").and_then(Value::as_str))
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                });
            if let Some(groups) = tagged.filter(|g| !g.is_empty()) {
                return groups;
            }
        }
    }
    let AlarmKind::Metric(t) = &a.kind else {
        return Vec::new();
    };
    let Some(m) = &t.metric else {
        return Vec::new();
    };
    if let Some(group) = api_gateway_group(g, place, account, m).await {
        return vec![group];
    }
    let (Some(name), Some(ns)) = (m.name.as_deref(), m.namespace.as_deref()) else {
        return Vec::new();
    };
    if name.contains('\'') || ns.contains('\'') {
        return Vec::new();
    }
    let line =
        format!("logs describe-metric-filters --metric-name '{name}' --metric-namespace '{ns}'");
    let Ok(v) = g.background_call(place, account, &line).await else {
        return Vec::new();
    };
    let mut groups: Vec<String> = Vec::new();
    for f in v
        .get("metricFilters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(lg) = f.get("logGroupName").and_then(Value::as_str) {
            if !groups.iter().any(|g| g == lg) {
                groups.push(lg.to_string());
            }
        }
    }
    groups
}

/// A REST API's execution logs (`API-Gateway-Execution-Logs_<id>/<stage>`), for an
/// `AWS/ApiGateway` metric with `ApiName` and `Stage`: the id is looked up by name.
async fn api_gateway_group(
    g: &dyn Graphs,
    place: &Place,
    account: Option<&str>,
    m: &crate::message::alarm::MetricRef,
) -> Option<String> {
    if m.namespace.as_deref() != Some("AWS/ApiGateway") {
        return None;
    }
    let dim = |name: &str| {
        m.dimensions
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let (api, stage) = (dim("ApiName")?, dim("Stage")?);
    let v = g
        .background_call(place, account, "apigateway get-rest-apis")
        .await
        .ok()?;
    let id = v
        .get("items")
        .and_then(Value::as_array)?
        .iter()
        .find(|i| i.get("name").and_then(Value::as_str) == Some(api.as_str()))?
        .get("id")?
        .as_str()?
        .to_string();
    Some(format!("API-Gateway-Execution-Logs_{id}/{stage}"))
}
