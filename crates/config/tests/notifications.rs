//! `[notify]` and `[[notifications]]`: defaults, what each key accepts, how a route finds its
//! account, and the mistakes reported with their line and key.

mod common;

use std::time::Duration;

use common::{load, one_error as only_error, MINIMAL};
use config::{NotificationFilter, NotificationSource, NotifySettings};

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:alarms";

fn with(extra: &str) -> String {
    format!("{MINIMAL}\n{extra}")
}

#[test]
fn without_the_sections_there_are_no_routes_and_the_defaults_apply() {
    let c = load(MINIMAL).expect("minimal");
    assert!(c.notifications.is_empty());
    assert_eq!(c.notify, NotifySettings::default());
    assert_eq!(c.notify.fold_window, Duration::from_secs(300));
    assert_eq!(c.notify.new_thread_after, Duration::from_secs(86_400));
    assert_eq!(c.notify.rate_per_minute, 20);
    assert_eq!(c.notify.max_age, Duration::from_secs(3600));
    assert!(c.notify.show_unsupported);
    assert_eq!(c.notify.chart_window, Duration::from_secs(3 * 3600));
}

#[test]
fn notify_settings_are_read() {
    let c = load(&with(
        "[notify]\nfold_window = \"90s\"\nnew_thread_after = \"2d\"\nrate_per_minute = 0\nmax_age = \"15m\"\nshow_unsupported = false\n",
    ))
    .expect("valid");
    assert_eq!(
        c.notify,
        NotifySettings {
            fold_window: Duration::from_secs(90),
            new_thread_after: Duration::from_secs(2 * 86_400),
            rate_per_minute: 0,
            max_age: Duration::from_secs(900),
            show_unsupported: false,
            chart_window: Duration::from_secs(3 * 3600),
        }
    );
}

#[test]
fn notify_mistakes_name_their_key() {
    let (line, key, msg) = only_error("[notify]\nrate_per_minute = \"20\"\n");
    assert_eq!((line, key.as_str()), (2, "notify.rate_per_minute"));
    assert!(msg.contains("expected a whole number"), "{msg}");
    let (_, key, msg) = only_error("[notify]\nfold_window = \"5 minutes\"\n");
    assert_eq!(key, "notify.fold_window");
    assert!(msg.contains("not a duration"), "{msg}");
    let (_, key, msg) = only_error("[notify]\nrate_per_minute = 5000000000\n");
    assert_eq!(key, "notify.rate_per_minute");
    assert!(msg.contains("out of range"), "{msg}");
}

#[test]
fn a_topic_route_with_every_filter() {
    let c = load(&with(&format!(
        r#"
[[notifications]]
topic_arn = "{TOPIC}"
channels = ["ops"]
sources = ["cloudwatch.alarm", "aws.guardduty"]
detail_types = ["GuardDuty Finding"]
names = ["orders-*", "pay?"]
states = ["ALARM", "ok", "CREATE_FAILED"]
accounts = ["123456789012"]
regions = ["us-east-1", "eu-west-1"]
min_severity = "medium"
"#
    )))
    .expect("valid");
    let [route] = c.notifications.as_slice() else {
        panic!("one route: {:?}", c.notifications)
    };
    assert_eq!(
        route.name, "notifications[0]",
        "unnamed routes are named by place"
    );
    assert_eq!(
        route.source,
        NotificationSource::Topic { arn: TOPIC.into() }
    );
    assert_eq!(
        route.account.as_deref(),
        Some("prod"),
        "found by the ARN's account id"
    );
    assert_eq!(route.channels, ["ops"]);
    assert!(route.verify_signatures, "signatures are checked by default");
    assert_eq!(
        route.filter,
        NotificationFilter {
            sources: vec!["cloudwatch.alarm".into(), "aws.guardduty".into()],
            detail_types: vec!["GuardDuty Finding".into()],
            names: vec!["orders-*".into(), "pay?".into()],
            states: vec!["ALARM".into(), "ok".into(), "CREATE_FAILED".into()],
            accounts: vec!["123456789012".into()],
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            min_severity: Some("medium".into()),
        }
    );
    assert_eq!(route.source.location(), TOPIC);
    assert_eq!(route.source.account_id().as_deref(), Some("123456789012"));
    assert_eq!(route.source.region().as_deref(), Some("us-east-1"));
    assert_eq!(c.routes_to("ops").count(), 1);
    assert_eq!(c.routes_to("other").count(), 0);
}

#[test]
fn an_emulator_queue_route_with_raw_delivery() {
    let c = load(&with(
        r#"
[[notifications]]
name = "local"
queue_url = "http://127.0.0.1:5000/123456789012/chatops"
raw_delivery = true
verify_signatures = false
channels = ["ops"]
"#,
    ))
    .expect("valid");
    let route = &c.notifications[0];
    assert_eq!(route.name, "local");
    assert_eq!(
        route.source,
        NotificationSource::Queue {
            url: "http://127.0.0.1:5000/123456789012/chatops".into(),
            raw: true
        }
    );
    assert_eq!(route.account.as_deref(), Some("prod"));
    assert!(!route.verify_signatures);
    assert_eq!(
        route.source.region(),
        None,
        "an emulator's URL names no region"
    );
    assert_eq!(route.filter, NotificationFilter::default());
}

#[test]
fn an_aws_queue_url_names_its_region() {
    let c = load(&with(
        "[[notifications]]\nqueue_url = \"https://sqs.eu-west-1.amazonaws.com/123456789012/q\"\nchannels = [\"ops\"]\n",
    ))
    .expect("valid");
    assert_eq!(
        c.notifications[0].source.region().as_deref(),
        Some("eu-west-1")
    );
}

#[test]
fn a_queue_route_needs_an_account() {
    let text = with(
        "[[notifications]]\nqueue_url = \"http://127.0.0.1:5000/999999999999/q\"\nchannels = [\"ops\"]\n",
    );
    let (line, key, msg) = only_error(&text);
    assert_eq!(key, "notifications[0].queue_url");
    assert_eq!(
        line,
        text.lines()
            .position(|l| l.starts_with("queue_url"))
            .unwrap()
            + 1
    );
    assert!(
        msg.contains("no [[accounts]] entry has id 999999999999"),
        "{msg}"
    );
    assert!(msg.contains("polling"), "{msg}");
}

#[test]
fn a_topic_route_may_go_without_an_account() {
    let c = load(&with(
        "[[notifications]]\ntopic_arn = \"arn:aws:sns:us-east-1:999999999999:t\"\nchannels = [\"ops\"]\n",
    ))
    .expect("loads; `config check` warns");
    assert_eq!(c.notifications[0].account, None);
}

#[test]
fn two_accounts_with_the_arns_id_must_be_told_apart() {
    let accounts = "[[accounts]]\nname = \"moto\"\nid = \"123456789012\"\nendpoint = \"http://127.0.0.1:5000\"\n";
    let route = format!("[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\"]\n");
    let (_, key, msg) = only_error(&with(&format!("{accounts}{route}")));
    assert_eq!(key, "notifications[0].topic_arn");
    assert!(
        msg.contains("several [[accounts]] have id 123456789012 (prod, moto)"),
        "{msg}"
    );
    let c = load(&with(&format!("{accounts}{route}account = \"moto\"\n"))).expect("named");
    assert_eq!(c.notifications[0].account.as_deref(), Some("moto"));
}

#[test]
fn a_named_account_of_another_id_is_kept() {
    // Cross-account topics are legitimate; `config check` warns about the difference.
    let c = load(&with(
        "[[notifications]]\ntopic_arn = \"arn:aws:sns:us-east-1:999999999999:t\"\naccount = \"prod\"\nchannels = [\"ops\"]\n",
    ))
    .expect("valid");
    assert_eq!(c.notifications[0].account.as_deref(), Some("prod"));
}

#[test]
fn several_routes_may_read_one_topic_when_they_agree_on_signatures() {
    let c = load(&with(&format!(
        "[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\"]\nstates = [\"ALARM\"]\n\n[[notifications]]\ntopic_arn = \"{TOPIC}\"\nchannels = [\"ops\"]\nverify_signatures = true\n"
    )))
    .expect("valid");
    assert_eq!(c.notifications.len(), 2);
    assert_eq!(c.notifications[1].name, "notifications[1]");
}

#[test]
fn routes_of_one_queue_agree_on_raw_delivery() {
    let q = "queue_url = \"http://127.0.0.1:5000/123456789012/q\"\nchannels = [\"ops\"]\n";
    let (_, key, msg) = only_error(&with(&format!(
        "[[notifications]]\n{q}\n[[notifications]]\n{q}raw_delivery = true\n"
    )));
    assert_eq!(key, "notifications[1].raw_delivery");
    assert!(msg.contains("raw_delivery = false"), "{msg}");
}

#[test]
fn single_mistakes() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\nstate = [\"ALARM\"]",
            "notifications[0].state",
            "did you mean `states`?",
        ),
        (
            "topic_arn = \"arn:aws:sqs:us-east-1:123456789012:q\"\nchannels = [\"ops\"]",
            "notifications[0].topic_arn",
            "not `sns`",
        ),
        (
            "queue_url = \"https://sqs.us-east-1.amazonaws.com/q\"\nchannels = [\"ops\"]",
            "notifications[0].queue_url",
            "does not name an account id and a queue",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = \"ops\"",
            "notifications[0].channels",
            "write [\"ops\"]",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"opz\"]",
            "notifications[0].channels[0]",
            "did you mean `ops`?",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\nmin_severity = \"Medium\"",
            "notifications[0].min_severity",
            "did you mean `medium`?",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\nstates = [\"INSUFFICIENT\"]",
            "notifications[0].states[0]",
            "did you mean `INSUFFICIENT_DATA`?",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\nsources = [\"cloudwatch alarm\"]",
            "notifications[0].sources[0]",
            "not one word",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\nnames = [\"\"]",
            "notifications[0].names[0]",
            "empty value",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\nverify_signatures = \"false\"",
            "notifications[0].verify_signatures",
            "without quotes",
        ),
        (
            "topic_arn = \"TOPIC\"\nchannels = [\"ops\"]\naccount = \"prd\"",
            "notifications[0].account",
            "did you mean `prod`?",
        ),
        (
            "name = \" x\"\ntopic_arn = \"TOPIC\"\nchannels = [\"ops\"]",
            "notifications[0].name",
            "surrounding spaces",
        ),
    ];
    for (body, want_key, want_text) in cases {
        let text = with(&format!(
            "[[notifications]]\n{}\n",
            body.replace("TOPIC", TOPIC)
        ));
        let (_, key, msg) = only_error(&text);
        assert_eq!(&key, want_key, "{body}: {msg}");
        assert!(msg.contains(want_text), "{body}: {msg}");
    }
}

#[test]
fn a_notifications_table_instead_of_an_array() {
    let (_, key, msg) = only_error(&with("[notifications]\ntopic_arn = \"x\"\n"));
    assert_eq!(key, "notifications");
    assert!(msg.contains("[[notifications]]"), "{msg}");
}
