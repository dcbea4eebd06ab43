//! Custom actions (`[[actions]]`) against moto: an alarm notification carries the buttons
//! of the actions that apply in its channel; pressing one runs its command with the alarm's
//! values as the presser's command — a write asks for Run first, a command the guardrails
//! refuse is refused, a value the alarm lacks is asked for — and each is audited.

use std::process::Command;
use std::sync::{Arc, Mutex};

use engine::{Block, Event, Inbound, Message, Options, Outbound, Place, PostFuture, Poster};
use notify::deliver::{Incoming, Notifier};
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

[[policies]]
name = "alarm-writes"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudwatch:SetAlarmState","Resource":"*"}]}'

[[roles]]
name = "operator"
policies = ["AdministratorAccess"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["dev"]
role_setting = "channel"
channel_role = "operator"
guardrails = ["ReadOnly", "alarm-writes"]

[[channels]]
name = "other"
workspace = "acme"
platform_id = "C-OTHER"
accounts = ["dev"]
role_setting = "channel"
channel_role = "operator"

[[actions]]
name = "reset"
button_text = "Reset alarm"
command = "cloudwatch set-alarm-state --alarm-name $AlarmName --state-value OK --state-reason reset-by-button"
notification_type = "CloudWatch"
criteria = ["AlarmName HAS_VALUE"]

[[actions]]
name = "delete-function"
button_text = "Delete function"
command = "lambda delete-function --function-name $FunctionName"
notification_type = "CloudWatch"
criteria = ["Namespace EQUALS AWS/Lambda"]

[[actions]]
name = "describe"
button_text = "Describe"
command = "cloudwatch describe-alarms --alarm-names $AlarmName --state-value $State"
notification_type = "Any"

[[actions]]
name = "elsewhere"
button_text = "Elsewhere"
command = "sqs list-queues"
notification_type = "CloudWatch"
channels = ["other"]

[[actions]]
name = "for-custom"
button_text = "Custom only"
command = "sqs list-queues"
notification_type = "Custom"
"#;

#[derive(Default)]
struct Recorder(Mutex<Vec<Message>>);

impl Poster for Recorder {
    fn post<'a>(&'a self, _: &'a Place, m: Message) -> PostFuture<'a> {
        self.0.lock().unwrap().push(m);
        Box::pin(async { Ok(()) })
    }
    fn update<'a>(&'a self, _: &'a Place, _: Message) -> PostFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

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

fn press(action: &str, value: &str, message: &str) -> Inbound {
    Inbound {
        workspace: "acme".into(),
        channel: "C-OPS".into(),
        thread: None,
        user: "U1".into(),
        user_name: None,
        event: Event::Action {
            message: Some(message.into()),
            action: action.into(),
            value: value.into(),
        },
    }
}

fn text(out: &[Outbound]) -> String {
    out.iter()
        .map(|o| match o {
            Outbound::Post(m) => m.plain(),
            Outbound::Update { content, .. } => content.plain(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The button with this label in the messages: (message id, action, value).
fn button(messages: &[&Message], label: &str) -> Option<(String, String, String)> {
    messages.iter().find_map(|m| {
        m.blocks.iter().find_map(|b| match b {
            Block::Buttons { buttons } => buttons
                .iter()
                .find(|x| x.label == label)
                .map(|x| (m.id.clone(), x.action.clone(), x.value.clone())),
            _ => None,
        })
    })
}

fn posts(out: &[Outbound]) -> Vec<&Message> {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Post(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_actions_run_as_the_presser_with_the_alarms_values() {
    let moto = Moto::start();
    aws(
        &moto,
        &[
            "cloudwatch",
            "put-metric-alarm",
            "--alarm-name",
            "orders-api-errors",
            "--namespace",
            "AWS/Lambda",
            "--metric-name",
            "Errors",
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
        ],
    );
    aws(
        &moto,
        &[
            "cloudwatch",
            "set-alarm-state",
            "--alarm-name",
            "orders-api-errors",
            "--state-value",
            "ALARM",
            "--state-reason",
            "test",
        ],
    );
    let toml = CONFIG.replace("{moto}", &moto.url);
    let cfg = engine::testing::config(&toml);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let poster = Arc::new(Recorder::default());
    let notifier = Notifier::new(
        store.clone(),
        poster.clone(),
        &cfg.notify,
        engine::system_clock(),
    )
    .with_actions(&cfg);
    let alarm = json!({
        "AlarmName": "orders-api-errors", "AWSAccountId": "123456789012",
        "NewStateValue": "ALARM", "OldStateValue": "OK", "NewStateReason": "Threshold Crossed",
        "StateChangeTime": "2026-12-04T10:05:37.912+0000", "Region": "US East (N. Virginia)",
        "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-api-errors",
        "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "SUM",
            "Dimensions": [{"name": "FunctionName", "value": "orders-api"}], "Period": 60,
            "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0.0}
    });
    let ops = Place {
        workspace: "acme".into(),
        channel: "C-OPS".into(),
    };
    let other = Place {
        workspace: "acme".into(),
        channel: "C-OTHER".into(),
    };
    let incoming = Incoming {
        message_id: "m1".into(),
        topic_arn: None,
        subject: None,
        message: alarm.to_string(),
    };
    let report = notifier
        .deliver_to(&incoming, &[ops.clone(), other.clone()])
        .await;
    assert!(report.complete(), "{report:?}");
    let posted = poster.0.lock().unwrap().clone();
    let (in_ops, in_other) = (&posted[0], &posted[1]);
    let ops_msgs = [in_ops];
    for label in ["Reset alarm", "Delete function", "Describe"] {
        assert!(
            button(&ops_msgs, label).is_some(),
            "{label} on ops: {}",
            in_ops.plain()
        );
    }
    assert!(
        button(&ops_msgs, "Elsewhere").is_none(),
        "another channel's action"
    );
    assert!(
        button(&ops_msgs, "Custom only").is_none(),
        "another notification type"
    );
    assert!(button(&[in_other], "Elsewhere").is_some());

    let engine = engine::testing::engine(&toml, store.clone(), Options::default());
    // A write: asks for Run, then runs with the alarm's name.
    let (id, action, value) = button(&ops_msgs, "Reset alarm").unwrap();
    let out = engine.handle_event(&press(&action, &value, &id)).await;
    assert!(
        text(&out).contains("set-alarm-state --alarm-name orders-api-errors"),
        "{}",
        text(&out)
    );
    let (id, action, value) = button(&posts(&out), "Run").expect("a write asks for Run first");
    let out = engine.handle_event(&press(&action, &value, &id)).await;
    assert!(!text(&out).contains("⚠️"), "{}", text(&out));
    let described = aws(
        &moto,
        &[
            "cloudwatch",
            "describe-alarms",
            "--alarm-names",
            "orders-api-errors",
        ],
    );
    assert_eq!(
        described["MetricAlarms"][0]["StateValue"], "OK",
        "{described}"
    );
    assert_eq!(
        described["MetricAlarms"][0]["StateReason"],
        "reset-by-button"
    );
    // Refused by the guardrails like any command.
    let (id, action, value) = button(&ops_msgs, "Delete function").unwrap();
    let out = engine.handle_event(&press(&action, &value, &id)).await;
    let said = text(&out);
    assert!(
        said.contains("lambda:DeleteFunction") && said.contains("Not run"),
        "{said}"
    );
    // A value the alarm lacks is asked for.
    let (id, action, value) = button(&ops_msgs, "Describe").unwrap();
    let out = engine.handle_event(&press(&action, &value, &id)).await;
    assert!(text(&out).contains("needs *State*"), "{}", text(&out));
    // A button whose command is no longer configured runs nothing.
    let forged =
        json!({"name": "reset", "template": "sqs delete-queue --queue-url $AlarmName", "vars": {}})
            .to_string();
    let out = engine
        .handle_event(&press("custom_action", &forged, "x"))
        .await;
    assert!(
        text(&out).contains("no longer in the configuration"),
        "{}",
        text(&out)
    );

    let audit = store.query_audit(&store::AuditFilter::default()).unwrap();
    let of = |prefix: &str| {
        audit
            .iter()
            .filter(|a| a.record.command.starts_with(prefix))
            .map(|a| {
                (
                    a.record.decision.clone(),
                    a.record.outcome.clone(),
                    a.record.user.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(
        of("cloudwatch set-alarm-state").contains(&("allowed".into(), "ok".into(), "U1".into())),
        "{audit:#?}"
    );
    assert!(
        of("lambda delete-function")
            .iter()
            .any(|(d, _, u)| d != "allowed" && u == "U1"),
        "{audit:#?}"
    );
}
