//! The CloudWatch alarm message (the SNS `Message` of an alarm action), read tolerantly:
//! metric, metric-math, anomaly-detection and composite alarms, old messages without
//! `DatapointsToAlarm` or the action lists, `TreatMissingData` blank or junk, a null
//! description, and fields we do not know.

use super::value::{arn_region, array, get, number, scalar, text};
use serde_json::Value;

/// One alarm state change.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub description: Option<String>,
    pub account: Option<String>,
    pub arn: Option<String>,
    /// The region code, from `AlarmArn` (the message's `Region` is a display name).
    pub region: Option<String>,
    /// The display name (`US East (N. Virginia)`), shown next to the code.
    pub region_name: Option<String>,
    pub new_state: Option<String>,
    pub old_state: Option<String>,
    pub reason: Option<String>,
    /// `StateChangeTime` as sent.
    pub changed: Option<String>,
    pub kind: AlarmKind,
    /// The whole message, attached when a rendering had to cut something.
    pub raw: Value,
}

/// What the alarm watches.
#[derive(Debug, Clone, PartialEq)]
pub enum AlarmKind {
    /// One metric, or metric math (`Trigger.Metrics`), or an anomaly band.
    Metric(Box<Trigger>),
    /// A rule over other alarms.
    Composite(Composite),
    /// Neither a `Trigger` nor an `AlarmRule` (a truncated or unusual message).
    Unknown,
}

/// The `Trigger` object of a metric alarm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trigger {
    /// The single metric, when the alarm watches one.
    pub metric: Option<MetricRef>,
    /// `Statistic` (`SUM`) or `ExtendedStatistic` (`p99`).
    pub statistic: Option<String>,
    pub period: Option<f64>,
    pub evaluation_periods: Option<f64>,
    pub datapoints_to_alarm: Option<f64>,
    pub comparison: Option<String>,
    pub threshold: Option<f64>,
    /// One of CloudWatch's four values, or `None` when blank or unreadable.
    pub treat_missing_data: Option<String>,
    /// Metric-math queries (`Trigger.Metrics`).
    pub queries: Vec<Query>,
    /// The query whose value is the threshold (anomaly detection).
    pub threshold_metric_id: Option<String>,
    pub unit: Option<String>,
}

/// A metric: namespace, name and dimensions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricRef {
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub dimensions: Vec<(String, String)>,
}

/// One entry of `Trigger.Metrics`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub id: String,
    pub expression: Option<String>,
    pub label: Option<String>,
    pub metric: Option<MetricRef>,
    pub stat: Option<String>,
    pub period: Option<f64>,
    pub return_data: bool,
}

/// A composite alarm's rule and the children that triggered it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Composite {
    pub rule: Option<String>,
    pub children: Vec<Child>,
}

/// One of `TriggeringChildren`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Child {
    pub arn: String,
    pub state: Option<String>,
    pub timestamp: Option<String>,
}

impl Child {
    /// The child alarm's name: the ARN after `:alarm:`, else the ARN.
    pub fn name(&self) -> &str {
        self.arn
            .split_once(":alarm:")
            .map(|(_, n)| n)
            .unwrap_or(&self.arn)
    }
}

impl Trigger {
    /// The anomaly band's query, when the threshold is a band.
    pub fn band(&self) -> Option<&Query> {
        let id = self.threshold_metric_id.as_deref()?;
        self.queries.iter().find(|q| q.id == id)
    }

    /// The band's width N from `ANOMALY_DETECTION_BAND(m1, N)` (default 2 when absent).
    pub fn band_width(&self) -> Option<String> {
        let expr = self.band()?.expression.as_deref()?;
        let upper = expr.to_ascii_uppercase();
        let start = upper.find("ANOMALY_DETECTION_BAND(")? + "ANOMALY_DETECTION_BAND(".len();
        let inner = expr.get(start..)?;
        let inner = &inner[..inner.find(')').unwrap_or(inner.len())];
        Some(match inner.split_once(',') {
            Some((_, n)) if !n.trim().is_empty() => n.trim().to_string(),
            _ => "2".to_string(),
        })
    }
}

/// Reads an alarm message; `None` when it has no `AlarmName` (not an alarm).
pub fn parse(v: &Value) -> Option<Alarm> {
    let name = text(v, "AlarmName")?;
    let arn = text(v, "AlarmArn");
    let kind = if let Some(t) = get(v, "Trigger").filter(|t| t.is_object()) {
        AlarmKind::Metric(Box::new(trigger(t)))
    } else if get(v, "AlarmRule").is_some() || get(v, "TriggeringChildren").is_some() {
        AlarmKind::Composite(Composite {
            rule: text(v, "AlarmRule"),
            children: array(v, "TriggeringChildren")
                .iter()
                .filter_map(child)
                .collect(),
        })
    } else {
        AlarmKind::Unknown
    };
    Some(Alarm {
        name,
        description: text(v, "AlarmDescription"),
        account: text(v, "AWSAccountId"),
        region: arn.as_deref().and_then(arn_region),
        region_name: text(v, "Region"),
        arn,
        new_state: text(v, "NewStateValue"),
        old_state: text(v, "OldStateValue"),
        reason: text(v, "NewStateReason"),
        changed: text(v, "StateChangeTime"),
        kind,
        raw: v.clone(),
    })
}

fn trigger(t: &Value) -> Trigger {
    let single = MetricRef {
        namespace: text(t, "Namespace"),
        name: text(t, "MetricName"),
        dimensions: dimensions(get(t, "Dimensions")),
    };
    let statistic = text(t, "ExtendedStatistic")
        .filter(|_| text(t, "StatisticType").as_deref() != Some("Statistic"))
        .or_else(|| text(t, "Statistic"));
    Trigger {
        metric: (single.name.is_some() || single.namespace.is_some()).then_some(single),
        statistic,
        period: number(t, "Period"),
        evaluation_periods: number(t, "EvaluationPeriods"),
        datapoints_to_alarm: number(t, "DatapointsToAlarm"),
        comparison: text(t, "ComparisonOperator"),
        threshold: number(t, "Threshold"),
        treat_missing_data: text(t, "TreatMissingData").and_then(|s| missing_data(&s)),
        queries: array(t, "Metrics").iter().filter_map(query).collect(),
        threshold_metric_id: text(t, "ThresholdMetricId"),
        unit: text(t, "Unit"),
    }
}

/// `TreatMissingData` as one of its four values: some 2019–20 messages carry
/// `- TreatMissingData:   missing`, so the last word is the value.
fn missing_data(s: &str) -> Option<String> {
    let word = s.split_whitespace().last()?;
    ["breaching", "notBreaching", "ignore", "missing"]
        .iter()
        .find(|k| k.eq_ignore_ascii_case(word))
        .map(|k| k.to_string())
}

/// `[{"name": …, "value": …}]` (any key case) as pairs.
fn dimensions(v: Option<&Value>) -> Vec<(String, String)> {
    let Some(Value::Array(items)) = v else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|d| Some((text(d, "name")?, text(d, "value").unwrap_or_default())))
        .collect()
}

fn query(q: &Value) -> Option<Query> {
    let id = text(q, "Id")?;
    let stat = get(q, "MetricStat");
    let metric = stat.and_then(|s| get(s, "Metric")).map(|m| MetricRef {
        namespace: text(m, "Namespace"),
        name: text(m, "MetricName"),
        dimensions: dimensions(get(m, "Dimensions")),
    });
    Some(Query {
        id,
        expression: text(q, "Expression"),
        label: text(q, "Label"),
        metric,
        stat: stat.and_then(|s| text(s, "Stat")),
        period: stat
            .and_then(|s| number(s, "Period"))
            .or_else(|| number(q, "Period")),
        return_data: get(q, "ReturnData")
            .and_then(Value::as_bool)
            .unwrap_or(true),
    })
}

fn child(c: &Value) -> Option<Child> {
    let arn = text(c, "Arn")?;
    let state = get(c, "State");
    Some(Child {
        arn,
        state: state
            .and_then(|s| text(s, "Value"))
            .or_else(|| state.and_then(scalar)),
        timestamp: state.and_then(|s| text(s, "Timestamp")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn old_messages_and_junk_fields_still_read() {
        let v = json!({
            "AlarmName": "a", "AlarmDescription": null, "AWSAccountId": 111122223333u64,
            "AlarmArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a",
            "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "SUM",
                "Dimensions": [{"Name": "FunctionName", "Value": "f"}], "Period": "60",
                "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold",
                "Threshold": 0.0, "TreatMissingData": "- TreatMissingData:      missing"}
        });
        let a = parse(&v).expect("alarm");
        assert_eq!(a.description, None);
        assert_eq!(a.account.as_deref(), Some("111122223333"));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        let AlarmKind::Metric(t) = a.kind else {
            panic!("metric alarm expected")
        };
        assert_eq!(t.treat_missing_data.as_deref(), Some("missing"));
        assert_eq!(t.datapoints_to_alarm, None);
        assert_eq!(t.period, Some(60.0));
        assert_eq!(
            t.metric.map(|m| m.dimensions),
            Some(vec![("FunctionName".into(), "f".into())])
        );
        let blank = json!({"AlarmName": "b", "Trigger": {"TreatMissingData": ""}});
        let Some(Alarm {
            kind: AlarmKind::Metric(t),
            ..
        }) = parse(&blank)
        else {
            panic!("metric alarm expected")
        };
        assert_eq!(t.treat_missing_data, None);
    }

    #[test]
    fn band_width_comes_from_the_expression() {
        let t = Trigger {
            threshold_metric_id: Some("ad1".into()),
            queries: vec![Query {
                id: "ad1".into(),
                expression: Some("ANOMALY_DETECTION_BAND(m1, 1.5)".into()),
                ..Query::default()
            }],
            ..Trigger::default()
        };
        assert_eq!(t.band_width().as_deref(), Some("1.5"));
        let t1 = Trigger {
            queries: vec![Query {
                expression: Some("anomaly_detection_band(m1)".into()),
                ..t.queries[0].clone()
            }],
            ..t.clone()
        };
        assert_eq!(t1.band_width().as_deref(), Some("2"));
    }

    #[test]
    fn extended_statistic_wins_when_the_type_says_so() {
        let v = json!({"AlarmName": "p", "Trigger": {"StatisticType": "ExtendedStatistic",
            "ExtendedStatistic": "p99", "Statistic": null}});
        let Some(Alarm {
            kind: AlarmKind::Metric(t),
            ..
        }) = parse(&v)
        else {
            panic!("metric alarm expected")
        };
        assert_eq!(t.statistic.as_deref(), Some("p99"));
    }
}
