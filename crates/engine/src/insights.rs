//! CloudWatch Logs Insights in chat: `logs start-query` only starts a query, so a chat that
//! stopped there would show a query id. The engine follows it: it reads the results with
//! `logs get-query-results` (authorized and audited like a typed command) until the query is
//! done or the command's time is up, and shows the entries readably, with a link to the same
//! query in the console and the command to copy, edit and run again. Show logs / Show error
//! logs on alarm notifications are such commands.

use std::time::{Duration, Instant};

use command::{parse_line, Call, Parsed};
use serde_json::Value;

use crate::engine::{Engine, Turn};
use crate::message::{Block, Message};
use crate::pending::PendingCall;
use crate::results::assume_params;
use crate::runner::Route;
use crate::text::{code, literal, quote};

/// Entries shown at most (Show logs asks for the first 30).
pub const MAX_ROWS: usize = 30;
/// Characters of one entry's message shown.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// How long the engine waits for a query to finish.
pub const WAIT: Duration = Duration::from_secs(15);
/// Between two reads of the results.
const POLL_EVERY: Duration = Duration::from_millis(1000);

/// The query of Show logs: the first entries from the start of the window, oldest first.
pub const SHOW_LOGS: &str =
    "fields @timestamp, @logStream, @message | sort @timestamp asc | limit 30";
/// The query of Show error logs: the same, only entries that mention an error.
pub const SHOW_ERROR_LOGS: &str = "fields @timestamp, @logStream, @message | filter @message like /(?i)(error|exception|fail)/ | sort @timestamp asc | limit 30";

/// The `logs start-query` command line for a query over `groups` from `start` to `end`
/// (epoch seconds), as a user would type it.
pub fn start_query_command(groups: &[String], start: i64, end: i64, query: &str) -> String {
    let mut s = String::from("logs start-query --log-group-names");
    for g in groups {
        s.push(' ');
        s.push_str(&quote(g));
    }
    s.push_str(&format!(
        " --start-time {start} --end-time {end} --query-string {}",
        quote(query)
    ));
    s
}

/// The Logs Insights console page showing the same query and time range.
pub fn console_link(region: &str, groups: &[String], start: i64, end: i64, query: &str) -> String {
    let sources: String = groups
        .iter()
        .map(|g| format!("~'{}", star_escape(g)))
        .collect();
    let detail = format!(
        "~(end~'{}~start~'{}~timeType~'ABSOLUTE~tz~'UTC~editorString~'{}~source~({}))",
        star_escape(&iso(end)),
        star_escape(&iso(start)),
        star_escape(query),
        sources
    );
    format!(
        "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:logs-insights$3FqueryDetail$3D{}",
        detail
    )
}

/// The console's escaping inside its `~(…)` values: `*` and two hex digits for anything
/// but letters, digits, `-`, `_` and `.`.
fn star_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("*{b:02x}"));
        }
    }
    out
}

/// `2026-12-04T10:05:00.000Z`.
fn iso(epoch_s: i64) -> String {
    command::timestamp::from_epoch(epoch_s as f64)
        .map(|t| {
            let t = t
                .trim_end_matches('Z')
                .trim_end_matches("+00:00")
                .to_string();
            let t = if t.contains('.') {
                t
            } else {
                format!("{t}.000")
            };
            format!("{t}Z")
        })
        .unwrap_or_default()
}

/// The patterns of `filter @message like /…/` clauses, applied again to the rows: the
/// results then hold the query's meaning even where the service (an emulator) ignores it.
fn message_filters(query: &str) -> Vec<regex_lite::Regex> {
    let mut out = Vec::new();
    let mut rest = query;
    // Each `filter @message like /…/`; the pattern may hold `|`, so it is read to its
    // closing unescaped `/`, not split with the commands.
    while let Some(at) = rest.find("filter") {
        let after = &rest[at + "filter".len()..];
        rest = after;
        let Some(pattern) = after
            .trim_start()
            .strip_prefix("@message")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix("like"))
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('/'))
        else {
            continue;
        };
        let mut body = String::new();
        let mut escaped = false;
        let mut closed = false;
        for c in pattern.chars() {
            if escaped {
                body.push('\\');
                body.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '/' {
                closed = true;
                break;
            } else {
                body.push(c);
            }
        }
        if closed {
            if let Ok(re) = regex_lite::Regex::new(&body) {
                out.push(re);
            }
        }
    }
    out
}

/// One result row's fields.
fn field<'a>(row: &'a Value, name: &str) -> Option<&'a str> {
    row.as_array()?.iter().find_map(|f| {
        (f.get("field")?.as_str()? == name)
            .then(|| f.get("value")?.as_str())
            .flatten()
    })
}

/// The rows as lines `time  stream  message`, oldest first, filtered again, at most
/// [`MAX_ROWS`]; and how many the query returned before that.
fn lines(results: &[Value], query: &str) -> (Vec<String>, usize) {
    let filters = message_filters(query);
    let mut rows: Vec<(String, String, String)> = results
        .iter()
        .map(|r| {
            (
                field(r, "@timestamp").unwrap_or("").to_string(),
                field(r, "@logStream").unwrap_or("").to_string(),
                field(r, "@message").unwrap_or("").to_string(),
            )
        })
        .filter(|(_, _, m)| filters.iter().all(|re| re.is_match(m)))
        .collect();
    rows.sort_by_key(|r| timestamp_key(&r.0));
    let total = rows.len();
    let lines = rows
        .into_iter()
        .take(MAX_ROWS)
        .map(|(t, s, m)| {
            let m = m.trim_end();
            let m: String = if m.chars().count() > MAX_MESSAGE_CHARS {
                m.chars().take(MAX_MESSAGE_CHARS).chain(['…']).collect()
            } else {
                m.to_string()
            };
            format!("{}  {}  {}", show_time(&t), s, m.replace('\n', " ⏎ "))
        })
        .collect();
    (lines, total)
}

/// Sorts Logs Insights times (`2026-12-04 10:05:00.123`, or epoch milliseconds from an
/// emulator) in time order.
fn timestamp_key(t: &str) -> String {
    match t.parse::<i64>() {
        Ok(ms) => format!("{:020}", ms),
        Err(_) => format!("{:0>20}", t),
    }
}

/// A row's time as `2026-12-04 10:05:00.123` (epoch milliseconds are converted).
fn show_time(t: &str) -> String {
    match t.parse::<i64>() {
        Ok(ms) => command::timestamp::from_epoch(ms as f64 / 1000.0)
            .map(|s| {
                s.replace('T', " ")
                    .trim_end_matches("+00:00")
                    .trim_end_matches('Z')
                    .to_string()
            })
            .unwrap_or_else(|| t.to_string()),
        Err(_) => t.to_string(),
    }
}

/// Whether a call is a Logs Insights query start whose results the chat should show
/// (not when the user asked for the CLI's own output with `--query` or `--output`).
pub(crate) fn follows(call: &Call) -> bool {
    call.service == "logs"
        && call.operation == "StartQuery"
        && call.globals.query.is_none()
        && call.globals.output.is_none()
}

impl Engine {
    /// Reads the results of the query `started` started and returns the message showing
    /// them (or saying why they could not be read).
    pub(crate) async fn query_results(
        &self,
        t: &mut Turn<'_>,
        pc: &PendingCall,
        call: &Call,
        started: &Value,
        region: &str,
    ) -> Message {
        let mut m = Message::default();
        let Some(id) = started.get("queryId").and_then(Value::as_str) else {
            m.text("⚠️ The query started, but AWS returned no query id to read its results with.");
            return m;
        };
        let p = &call.params;
        let groups: Vec<String> = p
            .get("logGroupNames")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .or_else(|| {
                p.get("logGroupName")
                    .and_then(Value::as_str)
                    .map(|g| vec![g.to_string()])
            })
            .unwrap_or_default();
        let start = p.get("startTime").and_then(Value::as_i64).unwrap_or(0);
        let end = p.get("endTime").and_then(Value::as_i64).unwrap_or(0);
        let query = p.get("queryString").and_then(Value::as_str).unwrap_or("");
        let text = format!("logs get-query-results --query-id {}", quote(id));
        let follow = PendingCall {
            account: pc.account.clone(),
            ..PendingCall::command(&text)
        };
        let get = match parse_line(&self.cat, &text) {
            Ok(Parsed::Call(c)) => c,
            _ => {
                m.text(
                    "⚠️ The results of the query cannot be asked for (the command did not parse).",
                );
                return m;
            }
        };
        let plan = self.plan_for(t, &follow, &get).await;
        if !plan.decision.allowed() {
            self.audit(
                t,
                &text,
                &plan,
                plan.decision.outcome.as_str(),
                &plan.decision.reason,
                "refused",
                None,
            )
            .await;
            m.text(format!(
                "🚫 The query {} started, but its results may not be read here: {}",
                code(id),
                literal(&plan.decision.reason)
            ));
            return m;
        }
        let assume = assume_params(t, &plan);
        let endpoint = plan.account.as_ref().and_then(|a| a.endpoint.clone());
        let route = Route {
            region: &plan.region,
            endpoint: endpoint.as_deref(),
            assume: assume.as_ref(),
        };
        let begun = Instant::now();
        let (results, status) = loop {
            match self.runner.call(&get, &route).await {
                Ok(ran) => {
                    let status = ran
                        .result
                        .get("status")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    if !matches!(status.as_str(), "Scheduled" | "Running")
                        || begun.elapsed() >= WAIT
                    {
                        let took = begun.elapsed().as_millis() as i64;
                        self.audit(
                            t,
                            &text,
                            &plan,
                            "allowed",
                            &plan.decision.reason,
                            "ok",
                            Some(took),
                        )
                        .await;
                        break (ran.result, status);
                    }
                }
                Err(f) => {
                    let took = begun.elapsed().as_millis() as i64;
                    let outcome = f.code.clone().unwrap_or_else(|| "error".into());
                    self.audit(
                        t,
                        &text,
                        &plan,
                        "allowed",
                        &plan.decision.reason,
                        &outcome,
                        Some(took),
                    )
                    .await;
                    m.text(format!(
                        "⚠️ The query {} started, but its results could not be read: {}",
                        code(id),
                        literal(&f.message)
                    ));
                    return m;
                }
            }
            tokio::time::sleep(POLL_EVERY).await;
        };
        let rows = results
            .get("results")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let (shown, total) = lines(rows, query);
        let where_ = groups.iter().map(code).collect::<Vec<_>>().join(", ");
        match status.as_str() {
            "Complete" if total == 0 => m.text(format!(
                "No log entries in {where_} for this query and time range."
            )),
            "Complete" if shown.len() == total => m.text(format!(
                "📜 {total} log entr{} in {where_}, oldest first:",
                if total == 1 { "y" } else { "ies" },
            )),
            "Complete" => m.text(format!(
                "📜 The first {} of {total} log entries in {where_}, oldest first:",
                shown.len(),
            )),
            "Scheduled" | "Running" => m.text(format!(
                "⏳ The query {} is still running after {} s; what it found so far:",
                code(id),
                WAIT.as_secs()
            )),
            other => m.text(format!(
                "⚠️ The query {} ended {}.",
                code(id),
                literal(other)
            )),
        };
        if !shown.is_empty() {
            m.blocks.push(Block::Code {
                text: shown.join("\n"),
                language: None,
            });
        }
        m.text(format!(
            "Open it in the console: {}",
            literal(console_link(region, &groups, start, end, query))
        ));
        m.text("Run it again (copy, edit):");
        m.blocks.push(Block::Code {
            text: format!("@aws {}", pc.full_text()),
            language: None,
        });
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(t: &str, m: &str) -> Value {
        json!([{"field": "@timestamp", "value": t}, {"field": "@logStream", "value": "s1"},
               {"field": "@message", "value": m}])
    }

    #[test]
    fn error_filter_holds_even_when_the_service_ignores_it() {
        let rows = vec![
            row("1700000002000", "all good"),
            row("1700000001000", "ERROR boom"),
            row("1700000003000", "java.lang.NullPointerException"),
            row("1700000004000", "request failed"),
        ];
        let (shown, total) = lines(&rows, SHOW_ERROR_LOGS);
        assert_eq!(total, 3);
        assert!(shown[0].contains("ERROR boom"), "{shown:?}");
        assert!(shown[1].contains("Exception"));
        assert!(shown[2].contains("failed"));
        let (all, total) = lines(&rows, SHOW_LOGS);
        assert_eq!(total, 4);
        assert!(all[0].contains("ERROR boom"), "oldest first: {all:?}");
    }

    #[test]
    fn at_most_thirty_rows_and_long_messages_cut() {
        let rows: Vec<Value> = (0..50)
            .map(|n| row(&format!("{}", 1_700_000_000_000i64 + n), &"x".repeat(500)))
            .collect();
        let (shown, total) = lines(&rows, SHOW_LOGS);
        assert_eq!(total, 50);
        assert_eq!(shown.len(), MAX_ROWS);
        assert!(shown[0].ends_with('…'));
        assert!(shown[0].chars().count() < MAX_MESSAGE_CHARS + 60);
    }

    #[test]
    fn the_command_and_the_console_link() {
        let groups = vec!["/aws/lambda/orders-api".to_string()];
        let c = start_query_command(&groups, 1_700_000_000, 1_700_003_600, SHOW_LOGS);
        assert_eq!(
            c,
            "logs start-query --log-group-names /aws/lambda/orders-api --start-time 1700000000 \
             --end-time 1700003600 --query-string 'fields @timestamp, @logStream, @message | sort @timestamp asc | limit 30'"
        );
        let link = console_link(
            "us-east-1",
            &groups,
            1_700_000_000,
            1_700_003_600,
            "fields @message",
        );
        assert!(link.starts_with("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D~(end~'2023-11-14T23*3a13*3a20.000Z~start~'2023-11-14T22*3a13*3a20.000Z"), "{link}");
        assert!(link.contains("editorString~'fields*20*40message"), "{link}");
        assert!(
            link.ends_with("source~(~'*2faws*2flambda*2forders-api))"),
            "{link}"
        );
    }
}
