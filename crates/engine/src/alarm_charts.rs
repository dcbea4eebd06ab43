//! `cloudwatch describe-alarms` in chart form: people would rather look at a graph than
//! read numbers. After the alarms are described, the engine reads their metrics over the
//! last hours with one `cloudwatch get-metric-data` (authorized and audited as the user's
//! own command) and shows, per alarm, its state and reason and a PNG chart: the metric, the
//! threshold, the breaching side, the state change and its evaluation period. `--query` and
//! `--output` keep the CLI's text.

use base64::Engine as _;
use chart::{AlarmState, ChartSpec, Series, Threshold};
use command::{parse_line, Call, Parsed};
use serde_json::{json, Value};

use crate::engine::{Engine, Turn};
use crate::message::{Block, Message};
use crate::pending::PendingCall;
use crate::results::assume_params;
use crate::runner::Route;
use crate::text::{code, literal, quote, strong};

/// Alarms charted per page (the rest behind Next page, as the result's own paging).
pub const MAX_CHARTS: usize = 5;

/// Whether a call's result is shown as charts.
pub(crate) fn follows(call: &Call) -> bool {
    call.service == "cloudwatch"
        && call.operation == "DescribeAlarms"
        && call.globals.query.is_none()
        && call.globals.output.is_none()
}

/// One metric alarm's facts, from `describe-alarms`.
struct Alarm<'a> {
    v: &'a Value,
}

impl<'a> Alarm<'a> {
    fn s(&self, k: &str) -> Option<&'a str> {
        self.v.get(k).and_then(Value::as_str)
    }
    fn n(&self, k: &str) -> Option<f64> {
        self.v.get(k).and_then(Value::as_f64)
    }
    fn name(&self) -> &'a str {
        self.s("AlarmName").unwrap_or("?")
    }
    fn stat(&self) -> Option<String> {
        self.s("Statistic")
            .or_else(|| self.s("ExtendedStatistic"))
            .map(str::to_string)
    }
    /// The alarm's single metric as a `MetricDataQuery`, when it has one.
    fn query(&self, id: &str) -> Option<Value> {
        let mut metric =
            json!({"Namespace": self.s("Namespace")?, "MetricName": self.s("MetricName")?});
        if let Some(d) = self.v.get("Dimensions").filter(|d| d.is_array()) {
            metric["Dimensions"] = d.clone();
        }
        Some(json!({"Id": id, "MetricStat": {"Metric": metric,
            "Period": self.n("Period").unwrap_or(60.0) as i64, "Stat": self.stat()?},
            "ReturnData": true}))
    }
    fn changed_ms(&self) -> Option<i64> {
        let t = command::timestamp::normalize(self.s("StateUpdatedTimestamp")?)?;
        chrono::DateTime::parse_from_rfc3339(&t)
            .ok()
            .map(|d| d.timestamp_millis())
    }
}

fn state_emoji(state: &str) -> &'static str {
    match state {
        "ALARM" => "🔴",
        "OK" => "🟢",
        _ => "⚪",
    }
}

/// The series of one `MetricDataResults` entry.
fn points(result: &Value) -> Vec<(i64, f64)> {
    let times = result.get("Timestamps").and_then(Value::as_array);
    let values = result.get("Values").and_then(Value::as_array);
    let (Some(times), Some(values)) = (times, values) else {
        return Vec::new();
    };
    times
        .iter()
        .zip(values)
        .filter_map(|(t, v)| {
            let t = command::timestamp::normalize(t.as_str()?)?;
            let ms = chrono::DateTime::parse_from_rfc3339(&t)
                .ok()?
                .timestamp_millis();
            Some((ms, v.as_f64()?))
        })
        .collect()
}

/// The chart of one alarm over `window`.
fn spec(a: &Alarm, series: Vec<(i64, f64)>, window: (i64, i64)) -> ChartSpec {
    let mut spec = ChartSpec::new(
        format!(
            "{} {} ({}, {} s)",
            a.s("Namespace").unwrap_or(""),
            a.s("MetricName").unwrap_or(""),
            a.stat().unwrap_or_default(),
            a.n("Period").unwrap_or(60.0)
        ),
        window,
    );
    spec.unit = a.s("Unit").map(str::to_string);
    let label =
        a.v.get("Dimensions")
            .and_then(Value::as_array)
            .map(|ds| {
                ds.iter()
                    .filter_map(|d| {
                        Some(format!(
                            "{}={}",
                            d.get("Name")?.as_str()?,
                            d.get("Value")?.as_str()?
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| a.s("MetricName").unwrap_or("").to_string());
    spec.series = vec![Series {
        label,
        points: series,
    }];
    let op = a.s("ComparisonOperator").unwrap_or("");
    spec.threshold = match a.n("Threshold") {
        Some(th) if op.starts_with("GreaterThan") => Threshold::Above(th),
        Some(th) if op.starts_with("LessThan") => Threshold::Below(th),
        _ => Threshold::None,
    };
    let state = a.s("StateValue").and_then(AlarmState::from_state_value);
    if let (Some(state), Some(at)) = (state, a.changed_ms()) {
        if at >= window.0 && at <= window.1 {
            spec.state_change = Some((at, state));
            let span = (a.n("EvaluationPeriods").unwrap_or(1.0)
                * a.n("Period").unwrap_or(60.0)
                * 1000.0) as i64;
            if state == AlarmState::Alarm {
                spec.evaluation = Some((at - span, at));
            }
        }
    }
    spec
}

/// Who background calls (a notification's graph) are made and audited as.
pub const BACKGROUND_USER: &str = "chatops-notifications";

impl Engine {
    /// The chart of one alarm for a notification posted in `workspace`/`channel` (the
    /// platform's id): `alarm` is shaped as `describe-alarms` returns a metric alarm, and
    /// `account` (an account id) picks the channel's account when the channel has it. The
    /// metric data is read as the channel — its account, role and guardrails decide — and
    /// audited as [`BACKGROUND_USER`]. `Err` says why there is no chart.
    pub async fn background_alarm_chart(
        &self,
        workspace: &str,
        channel: &str,
        alarm: &Value,
        account: Option<&str>,
    ) -> Result<Block, String> {
        let (ev, ch) = self.background_event(workspace, channel)?;
        let mut t = Turn {
            ev: &ev,
            channel: ch,
            now: (self.clock)(),
            out: Vec::new(),
            outcome: None,
            service: None,
        };
        let a = Alarm { v: alarm };
        let query = a
            .query("m0")
            .ok_or_else(|| "the alarm watches no single metric to draw".to_string())?;
        let pc = PendingCall {
            account: self.channel_account_by_id(ch, account),
            ..PendingCall::default()
        };
        let period_ms = (a.n("Period").unwrap_or(60.0) * 1000.0) as i64;
        let changed = a.changed_ms().unwrap_or(t.now);
        let end = (changed + 2 * period_ms).min(t.now).max(changed);
        let window = (end - self.chart_window_ms().max(20 * period_ms), end);
        let results = self.metric_data(&mut t, &pc, &[(0, query)], window).await?;
        let r = results
            .iter()
            .find(|r| r.get("Id").and_then(Value::as_str) == Some("m0"))
            .ok_or_else(|| "no metric data came back".to_string())?;
        let png = chart::render_png(&spec(&a, points(r), window)).map_err(|e| e.to_string())?;
        Ok(Block::Image {
            url: format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(png)
            ),
            alt: format!("{} around its state change", a.name()),
        })
    }

    /// One AWS call made for a notification in `workspace`/`channel` (a lookup, such as an
    /// alarm's tags): `line` is planned and authorized as the channel would a command of
    /// [`BACKGROUND_USER`], in the account with id `account` when the channel has it, and
    /// audited; the result as the CLI shapes it, or why there is none.
    pub async fn background_call(
        &self,
        workspace: &str,
        channel: &str,
        account: Option<&str>,
        line: &str,
    ) -> Result<Value, String> {
        let (ev, ch) = self.background_event(workspace, channel)?;
        let t = Turn {
            ev: &ev,
            channel: ch,
            now: (self.clock)(),
            out: Vec::new(),
            outcome: None,
            service: None,
        };
        let call = match parse_line(&self.cat, line) {
            Ok(Parsed::Call(c)) if c.missing.is_empty() => c,
            _ => return Err(format!("`{line}` is not a complete command")),
        };
        let pc = PendingCall {
            account: self.channel_account_by_id(ch, account),
            ..PendingCall::command(line)
        };
        let plan = self.plan_for(&t, &pc, &call).await;
        if !plan.decision.allowed() {
            self.audit(
                &t,
                line,
                &plan,
                plan.decision.outcome.as_str(),
                &plan.decision.reason,
                "refused",
                None,
            )
            .await;
            return Err(format!("not allowed here: {}", plan.decision.reason));
        }
        let assume = assume_params(&t, &plan);
        let endpoint = plan.account.as_ref().and_then(|a| a.endpoint.clone());
        let route = Route {
            region: &plan.region,
            endpoint: endpoint.as_deref(),
            assume: assume.as_ref(),
        };
        let started = std::time::Instant::now();
        let outcome = self.runner.call(&call, &route).await;
        let took = started.elapsed().as_millis() as i64;
        match outcome {
            Ok(ran) => {
                self.audit(
                    &t,
                    line,
                    &plan,
                    "allowed",
                    &plan.decision.reason,
                    "ok",
                    Some(took),
                )
                .await;
                Ok(ran.result)
            }
            Err(f) => {
                let code = f.code.clone().unwrap_or_else(|| "error".into());
                self.audit(
                    &t,
                    line,
                    &plan,
                    "allowed",
                    &plan.decision.reason,
                    &code,
                    Some(took),
                )
                .await;
                Err(f.message)
            }
        }
    }

    /// The event a background call is made under: the channel, as [`BACKGROUND_USER`].
    fn background_event(
        &self,
        workspace: &str,
        channel: &str,
    ) -> Result<(crate::message::Inbound, &config::Channel), String> {
        let ch = self
            .cfg
            .channel_by_platform_id(workspace, channel)
            .ok_or_else(|| format!("channel {channel} is not configured"))?;
        let ev = crate::message::Inbound {
            workspace: workspace.to_string(),
            channel: channel.to_string(),
            thread: None,
            user: BACKGROUND_USER.to_string(),
            user_name: None,
            event: crate::message::Event::Text {
                text: String::new(),
            },
        };
        Ok((ev, ch))
    }

    /// `[notify] chart_window`, in milliseconds.
    fn chart_window_ms(&self) -> i64 {
        self.cfg
            .notify
            .chart_window
            .as_millis()
            .clamp(60_000, 31 * 86_400_000) as i64
    }

    /// The channel's account with this account id, if the channel may use it.
    fn channel_account_by_id(&self, ch: &config::Channel, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.cfg.account_by_id(id))
            .filter(|acc| ch.accounts.contains(&acc.name))
            .map(|acc| acc.name.clone())
    }

    /// The alarms of a `describe-alarms` result as summaries and charts.
    pub(crate) async fn alarm_charts(
        &self,
        t: &mut Turn<'_>,
        pc: &PendingCall,
        result: &Value,
    ) -> Message {
        let mut m = Message::default();
        let alarms: Vec<Alarm> = result
            .get("MetricAlarms")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| Alarm { v }).collect())
            .unwrap_or_default();
        let composites = result
            .get("CompositeAlarms")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        if alarms.is_empty() && composites == 0 {
            m.text("No alarms match.");
            return m;
        }
        let end = t.now;
        let window = (end - self.chart_window_ms(), end);
        let charted: Vec<(usize, Value)> = alarms
            .iter()
            .take(MAX_CHARTS)
            .enumerate()
            .filter_map(|(i, a)| a.query(&format!("m{i}")).map(|q| (i, q)))
            .collect();
        let data = if charted.is_empty() {
            Err("these alarms watch no single metric to draw".to_string())
        } else {
            self.metric_data(t, pc, &charted, window).await
        };
        for (i, a) in alarms.iter().enumerate() {
            let state = a.s("StateValue").unwrap_or("?");
            m.text(format!(
                "{} {} {}",
                state_emoji(state),
                strong(state),
                strong(a.name())
            ));
            if let Some(reason) = a.s("StateReason") {
                m.context(literal(reason));
            }
            if i >= MAX_CHARTS {
                continue;
            }
            let Ok(results) = &data else { continue };
            let Some(r) = results
                .iter()
                .find(|r| r.get("Id").and_then(Value::as_str) == Some(&format!("m{i}")))
            else {
                continue;
            };
            match chart::render_png(&spec(a, points(r), window)) {
                Ok(png) => m.blocks.push(Block::Image {
                    url: format!(
                        "data:image/png;base64,{}",
                        base64::engine::general_purpose::STANDARD.encode(png)
                    ),
                    alt: format!("{} over the chart window", a.name()),
                }),
                Err(e) => {
                    m.context(format!("(no chart: {})", literal(e.to_string())));
                }
            }
        }
        if let Err(why) = &data {
            m.context(format!("No charts: {}", literal(why)));
        }
        if alarms.len() > MAX_CHARTS {
            m.context(format!(
                "Charts for the first {MAX_CHARTS} of {} alarms; narrow it with {} or {}.",
                alarms.len(),
                code("--alarm-names"),
                code("--state-value")
            ));
        }
        if composites > 0 {
            m.context(format!(
                "{composites} composite alarm(s) have no metric of their own to chart."
            ));
        }
        m
    }

    /// One `get-metric-data` for the charted alarms, as the user (authorized, audited).
    async fn metric_data(
        &self,
        t: &mut Turn<'_>,
        pc: &PendingCall,
        queries: &[(usize, Value)],
        window: (i64, i64),
    ) -> Result<Vec<Value>, String> {
        let qs = Value::Array(queries.iter().map(|(_, q)| q.clone()).collect());
        let iso = |ms: i64| command::timestamp::from_epoch(ms as f64 / 1000.0).unwrap_or_default();
        let text = format!(
            "cloudwatch get-metric-data --metric-data-queries {} --start-time {} --end-time {}",
            quote(&qs.to_string()),
            iso(window.0),
            iso(window.1)
        );
        let follow = PendingCall {
            account: pc.account.clone(),
            ..PendingCall::command(&text)
        };
        let call = match parse_line(&self.cat, &text) {
            Ok(Parsed::Call(c)) => c,
            Ok(_) => return Err("the metric query did not parse".into()),
            Err(e) => return Err(format!("the metric query did not parse: {e}")),
        };
        let plan = self.plan_for(t, &follow, &call).await;
        let shown = format!(
            "cloudwatch get-metric-data ({} metrics, {} to {})",
            queries.len(),
            iso(window.0),
            iso(window.1)
        );
        if !plan.decision.allowed() {
            self.audit(
                t,
                &shown,
                &plan,
                plan.decision.outcome.as_str(),
                &plan.decision.reason,
                "refused",
                None,
            )
            .await;
            return Err(format!(
                "reading the metrics is not allowed here: {}",
                plan.decision.reason
            ));
        }
        let assume = assume_params(t, &plan);
        let endpoint = plan.account.as_ref().and_then(|a| a.endpoint.clone());
        let route = Route {
            region: &plan.region,
            endpoint: endpoint.as_deref(),
            assume: assume.as_ref(),
        };
        let started = std::time::Instant::now();
        let outcome = self.runner.call(&call, &route).await;
        let took = started.elapsed().as_millis() as i64;
        match outcome {
            Ok(ran) => {
                self.audit(
                    t,
                    &shown,
                    &plan,
                    "allowed",
                    &plan.decision.reason,
                    "ok",
                    Some(took),
                )
                .await;
                Ok(ran
                    .result
                    .get("MetricDataResults")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default())
            }
            Err(f) => {
                let outcome = f.code.clone().unwrap_or_else(|| "error".into());
                self.audit(
                    t,
                    &shown,
                    &plan,
                    "allowed",
                    &plan.decision.reason,
                    &outcome,
                    Some(took),
                )
                .await;
                Err(format!("the metrics could not be read: {}", f.message))
            }
        }
    }
}
