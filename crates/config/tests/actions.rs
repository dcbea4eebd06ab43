//! `[[actions]]`: custom buttons on notifications, read and checked with line and key.

mod common;

use common::{load, one_error, MINIMAL};
use config::Criterion;

fn with(extra: &str) -> String {
    format!("{MINIMAL}\n{extra}")
}

#[test]
fn an_action_is_read() {
    let c = load(&with(
        r#"
[[actions]]
name = "reset-alarm"
button_text = "Reset alarm"
command = "cloudwatch set-alarm-state --alarm-name $AlarmName --state-value OK --state-reason reset"
notification_type = "CloudWatch"
criteria = ["AlarmName HAS_VALUE", "Namespace EQUALS AWS/Lambda"]
channels = ["ops"]
"#,
    ))
    .expect("valid");
    let a = &c.actions[0];
    assert_eq!(a.name, "reset-alarm");
    assert_eq!(a.button_text, "Reset alarm");
    assert_eq!(a.notification_type, "CloudWatch");
    assert_eq!(
        a.criteria,
        vec![
            Criterion::HasValue {
                variable: "AlarmName".into()
            },
            Criterion::Equals {
                variable: "Namespace".into(),
                value: "AWS/Lambda".into()
            }
        ]
    );
    assert_eq!(a.channels, vec!["ops".to_string()]);
    assert!(load(MINIMAL).unwrap().actions.is_empty());
}

#[test]
fn mistakes_are_named_with_their_key() {
    let base = "name = \"a\"\nbutton_text = \"A\"\ncommand = \"sqs list-queues\"\nnotification_type = \"CloudWatch\"\n";
    for (extra, key, says) in [
        (
            base.replace(
                "notification_type = \"CloudWatch\"",
                "notification_type = \"Alarm\"",
            ),
            "actions[0].notification_type",
            "CloudWatch",
        ),
        (
            format!("{base}criteria = [\"AlarmName CONTAINS x\"]\n"),
            "actions[0].criteria[0]",
            "EQUALS",
        ),
        (
            format!("{base}channels = [\"nope\"]\n"),
            "actions[0].channels[0]",
            "nope",
        ),
        (
            base.replace(
                "button_text = \"A\"",
                &format!("button_text = \"{}\"", "x".repeat(51)),
            ),
            "actions[0].button_text",
            "at most 50",
        ),
        (
            base.replace("name = \"a\"", "name = \"a b\""),
            "actions[0].name",
            "letters",
        ),
    ] {
        let (_, k, m) = one_error(&with(&format!("[[actions]]\n{extra}")));
        assert_eq!(k, key, "{m}");
        assert!(m.contains(says), "{key}: {m}");
    }
    let twice = format!("[[actions]]\n{base}\n[[actions]]\n{base}");
    let (_, _, m) = one_error(&with(&twice));
    assert!(m.contains("duplicate action name"), "{m}");
}
