//! Show logs / Show error logs against moto: an alarm notification on a Lambda function's
//! errors carries the two buttons; pressing one runs the Logs Insights query as the presser
//! (authorized, audited) and shows the function's log lines from the start of the
//! evaluation period, at most 30, oldest first; the error variant only error lines (moto
//! ignores the query's filter, so the engine's own filtering is what holds); the command the
//! answer offers to copy gives the same entries when typed.

use std::process::Command;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use engine::{Block, Event, Inbound, Message, Options, Outbound};
use notify::render::{render, Meta};
use serde_json::json;
use store::{SqliteStore, Store};
use testkit::{venv, Moto};

const CONFIG: &str = r#"
[[workspaces]]
name = "acme"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto}"

[[roles]]
name = "readonly"
policies = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["dev"]
role_setting = "channel"
channel_role = "readonly"
guardrails = ["ReadOnly"]
"#;

fn aws(moto: &Moto, args: &[&str]) -> serde_json::Value {
    let out = Command::new(venv().join("bin/aws"))
        .args(args)
        .args(["--endpoint-url", &moto.url, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("aws runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn event(text: &str, action: Option<&str>) -> Inbound {
    Inbound {
        workspace: "acme".into(),
        channel: "C-OPS".into(),
        thread: None,
        user: "U1".into(),
        user_name: None,
        event: match action {
            Some(a) => Event::Action {
                message: Some("n-1".into()),
                action: a.into(),
                value: text.into(),
            },
            None => Event::Text { text: text.into() },
        },
    }
}

fn answer(out: &[Outbound]) -> &Message {
    out.iter()
        .find_map(|o| match o {
            Outbound::Post(m) if m.plain().contains("log entr") => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no log entries answer: {out:#?}"))
}

/// The log lines of the answer (its first code block).
fn entries(m: &Message) -> Vec<String> {
    m.blocks
        .iter()
        .find_map(|b| match b {
            Block::Code { text, .. } => Some(text.lines().map(str::to_string).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_logs_and_show_error_logs_on_an_alarm() {
    let moto = Moto::start();
    let group = "/aws/lambda/orders-api";
    aws(
        &moto,
        &["logs", "create-log-group", "--log-group-name", group],
    );
    aws(
        &moto,
        &[
            "logs",
            "create-log-stream",
            "--log-group-name",
            group,
            "--log-stream-name",
            "s1",
        ],
    );
    let now_s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let changed = now_s - 600;
    // 30 lines from 4 minutes before the state change on, one every 5 seconds; every
    // fifth an error; and one line long before the window. (30, the query's limit: moto
    // applies the limit before the filter it ignores, AWS after; with 30 both agree.)
    let mut events =
        vec![json!({"timestamp": (changed - 7200) * 1000, "message": "ERROR long before"})];
    for n in 0..30i64 {
        let message = match n % 5 {
            0 => format!("line {n:02} ERROR orders failed to save"),
            _ => format!("line {n:02} request handled"),
        };
        events.push(json!({"timestamp": (changed - 240 + n * 5) * 1000, "message": message}));
    }
    let file = std::env::temp_dir().join(format!("show-logs-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string(&events).unwrap()).unwrap();
    aws(
        &moto,
        &[
            "logs",
            "put-log-events",
            "--log-group-name",
            group,
            "--log-stream-name",
            "s1",
            "--log-events",
            &format!("file://{}", file.display()),
        ],
    );

    let stamp = chrono::DateTime::from_timestamp(changed, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S.000+0000")
        .to_string();
    let alarm = json!({
        "AlarmName": "orders-api-errors", "AWSAccountId": "123456789012",
        "NewStateValue": "ALARM", "OldStateValue": "OK", "NewStateReason": "Threshold Crossed",
        "StateChangeTime": stamp, "Region": "US East (N. Virginia)",
        "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-api-errors",
        "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "SUM",
            "Dimensions": [{"name": "FunctionName", "value": "orders-api"}], "Period": 60,
            "EvaluationPeriods": 5, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0.0}
    })
    .to_string();
    let n = notify::message::parse(&alarm, None).expect("an alarm");
    let shown = render(&n, &Meta::default());
    let buttons = shown
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Buttons { buttons } => Some(buttons.clone()),
            _ => None,
        })
        .expect("the alarm has buttons");
    let value = |label: &str| {
        buttons
            .iter()
            .find(|b| b.label == label)
            .unwrap_or_else(|| panic!("no {label} button"))
            .value
            .clone()
    };

    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let engine = engine::testing::engine(
        &CONFIG.replace("{moto}", &moto.url),
        store.clone(),
        Options::default(),
    );

    // Show logs: the 30 lines in the window (not the one before it), oldest first.
    let out = engine
        .handle_event(&event(&value("Show logs"), Some("command")))
        .await;
    let m = answer(&out);
    let lines = entries(m);
    assert_eq!(lines.len(), 30, "{lines:#?}");
    assert!(m.plain().contains("30 log entries"), "{}", m.plain());
    for (i, l) in lines.iter().enumerate() {
        assert!(
            l.contains(&format!("line {i:02}")),
            "oldest first: {lines:#?}"
        );
    }
    assert!(!m.plain().contains("long before"));
    assert!(m
        .plain()
        .contains("console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights"));

    // Show error logs: only the error lines.
    let out = engine
        .handle_event(&event(&value("Show error logs"), Some("command")))
        .await;
    let m = answer(&out);
    let errors = entries(m);
    assert_eq!(errors.len(), 6, "{errors:#?}");
    assert!(errors.iter().all(|l| l.contains("ERROR")), "{errors:#?}");

    // The command offered to copy, typed, gives the same entries.
    let copy = m
        .blocks
        .iter()
        .rev()
        .find_map(|b| match b {
            Block::Code { text, .. } => Some(text.clone()),
            _ => None,
        })
        .expect("a command to copy");
    assert!(copy.starts_with("@aws logs start-query"), "{copy}");
    let out = engine.handle_event(&event(&copy, None)).await;
    assert_eq!(entries(answer(&out)), errors);

    // Each press ran StartQuery and GetQueryResults as the presser, audited.
    let audit = store.query_audit(&store::AuditFilter::default()).unwrap();
    let commands: Vec<&str> = audit.iter().map(|a| a.record.command.as_str()).collect();
    assert_eq!(
        commands
            .iter()
            .filter(|c| c.starts_with("logs start-query"))
            .count(),
        3,
        "{commands:#?}"
    );
    assert_eq!(
        commands
            .iter()
            .filter(|c| c.starts_with("logs get-query-results"))
            .count(),
        3,
        "{commands:#?}"
    );
    assert!(audit
        .iter()
        .all(|a| a.record.user == "U1" && a.record.decision == "allowed"));
}

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<Message>>);

impl engine::Poster for Recorder {
    fn post<'a>(&'a self, _: &'a engine::Place, m: Message) -> engine::PostFuture<'a> {
        self.0.lock().unwrap().push(m);
        Box::pin(async { Ok(()) })
    }
    fn update<'a>(&'a self, _: &'a engine::Place, _: Message) -> engine::PostFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

fn alarm_json(name: &str, namespace: &str, metric: &str, dims: serde_json::Value) -> String {
    json!({
        "AlarmName": name, "AWSAccountId": "123456789012", "NewStateValue": "ALARM",
        "OldStateValue": "OK", "NewStateReason": "Threshold Crossed",
        "StateChangeTime": "2026-12-04T10:05:37.912+0000", "Region": "US East (N. Virginia)",
        "AlarmArn": format!("arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}"),
        "Trigger": {"MetricName": metric, "Namespace": namespace, "Statistic": "SUM",
            "Dimensions": dims, "Period": 60, "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0.0}
    })
    .to_string()
}

/// Log groups found by lookup, as the channel: the alarm's `chatops:log-groups` tag first,
/// else the metric filters that produce its metric; neither → a line saying how to name them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_groups_from_the_alarm_tag_or_the_metric_filters() {
    let moto = Moto::start();
    aws(
        &moto,
        &[
            "logs",
            "create-log-group",
            "--log-group-name",
            "/app/orders",
        ],
    );
    aws(
        &moto,
        &[
            "logs",
            "put-metric-filter",
            "--log-group-name",
            "/app/orders",
            "--filter-name",
            "errors",
            "--filter-pattern",
            "ERROR",
            "--metric-transformations",
            "metricName=OrderErrors,metricNamespace=MyApp,metricValue=1",
        ],
    );
    aws(
        &moto,
        &[
            "cloudwatch",
            "put-metric-alarm",
            "--alarm-name",
            "tagged",
            "--namespace",
            "MyApp",
            "--metric-name",
            "Other",
            "--statistic",
            "Sum",
            "--period",
            "60",
            "--evaluation-periods",
            "1",
            "--threshold",
            "0",
            "--comparison-operator",
            "GreaterThanThreshold",
            "--tags",
            "Key=chatops:log-groups,Value=/x/a",
        ],
    );
    let api = aws(
        &moto,
        &["apigateway", "create-rest-api", "--name", "orders"],
    );
    let api_id = api["id"].as_str().expect("a REST API id").to_string();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let toml = CONFIG.replace("{moto}", &moto.url);
    let engine = Arc::new(engine::testing::engine(
        &toml,
        store.clone(),
        Options::default(),
    ));
    let poster = Arc::new(Recorder::default());
    let cfg = engine::testing::config(&toml);
    let notifier = notify::deliver::Notifier::new(
        store.clone(),
        poster.clone(),
        &cfg.notify,
        engine::system_clock(),
    )
    .with_graphs(engine.clone());
    let ops = engine::Place {
        workspace: "acme".into(),
        channel: "C-OPS".into(),
    };
    let deliver = |id: &str, message: String| notify::deliver::Incoming {
        message_id: id.into(),
        topic_arn: None,
        subject: None,
        message,
    };
    for (id, message) in [
        (
            "a",
            alarm_json("from-filters", "MyApp", "OrderErrors", json!([])),
        ),
        ("b", alarm_json("tagged", "MyApp", "Other", json!([]))),
        ("c", alarm_json("unknown", "MyApp", "Nothing", json!([]))),
        (
            "d",
            alarm_json(
                "api-5xx",
                "AWS/ApiGateway",
                "5XXError",
                json!([{"name": "ApiName", "value": "orders"}, {"name": "Stage", "value": "prod"}]),
            ),
        ),
    ] {
        let r = notifier
            .deliver_to(&deliver(id, message), std::slice::from_ref(&ops))
            .await;
        assert!(r.complete(), "{r:?}");
    }
    let posted = poster.0.lock().unwrap().clone();
    let show_logs = |m: &Message| {
        m.blocks.iter().find_map(|b| match b {
            Block::Buttons { buttons } => buttons
                .iter()
                .find(|x| x.label == "Show logs")
                .map(|x| x.value.clone()),
            _ => None,
        })
    };
    let filters = show_logs(&posted[0]).expect("groups from the metric filter");
    assert!(
        filters.contains("--log-group-names /app/orders "),
        "{filters}"
    );
    let tagged = show_logs(&posted[1]).expect("groups from the tag");
    assert!(tagged.contains("--log-group-names /x/a "), "{tagged}");
    assert!(show_logs(&posted[2]).is_none());
    assert!(
        posted[2].plain().contains("chatops:log-groups"),
        "{}",
        posted[2].plain()
    );
    let api_logs = show_logs(&posted[3]).expect("the REST API's execution logs");
    assert!(
        api_logs.contains(&format!("API-Gateway-Execution-Logs_{api_id}/prod")),
        "{api_logs}"
    );
    // The lookups ran as the channel, audited as background calls.
    let audit = store.query_audit(&store::AuditFilter::default()).unwrap();
    assert!(
        audit.iter().any(
            |a| a.record.command.starts_with("logs describe-metric-filters")
                && a.record.user == engine::alarm_charts::BACKGROUND_USER
        ),
        "{audit:#?}"
    );
}
