//! `[limits]`: defaults, the rate syntax, turning a limit off, and mistakes reported with
//! their line and key.

mod common;

use std::time::Duration;

use common::{errors, load, one_error, MINIMAL};
use config::{Limits, Rate};

fn with(extra: &str) -> String {
    format!("{MINIMAL}\n{extra}")
}

#[test]
fn without_the_section_the_defaults_apply() {
    let c = load(MINIMAL).expect("minimal");
    assert_eq!(c.limits, Limits::default());
    assert_eq!(c.limits.commands_per_user, Some(Rate::per_minute(20)));
    assert_eq!(c.limits.commands_per_channel, Some(Rate::per_minute(60)));
    assert!(c.limits.slack_pacing);
}

#[test]
fn rates_numbers_and_off_are_read() {
    let c = load(&with(
        "[limits]\ncommands_per_user = \"5/10s\"\ncommands_per_channel = 100\nslack_pacing = false\n",
    ))
    .expect("valid");
    assert_eq!(
        c.limits,
        Limits {
            commands_per_user: Some(Rate {
                count: 5,
                per: Duration::from_secs(10)
            }),
            commands_per_channel: Some(Rate::per_minute(100)),
            slack_pacing: false,
        }
    );
    let c = load(&with(
        "[limits]\ncommands_per_user = \"off\"\ncommands_per_channel = 0\n",
    ))
    .expect("valid");
    assert_eq!(c.limits.commands_per_user, None);
    assert_eq!(c.limits.commands_per_channel, None);
}

#[test]
fn mistakes_name_their_line_and_key() {
    let (line, key, msg) = one_error(&with("[limits]\ncommands_per_user = \"20 per minute\"\n"));
    assert_eq!(key, "limits.commands_per_user");
    assert_eq!(line, MINIMAL.lines().count() + 3);
    assert!(msg.contains("expected a rate such as \"20/1m\""), "{msg}");
    let (_, key, msg) = one_error(&with("[limits]\ncommands_per_channel = \"60/1 minute\"\n"));
    assert_eq!(key, "limits.commands_per_channel");
    assert!(msg.contains("the period"), "{msg}");
    let (_, key, msg) = one_error(&with("[limits]\ncommands_per_user = -3\n"));
    assert_eq!(key, "limits.commands_per_user");
    assert!(msg.contains("out of range"), "{msg}");
    let (_, key, msg) = one_error(&with("[limits]\ncommands_per_user = 1.5\n"));
    assert_eq!(key, "limits.commands_per_user");
    assert!(msg.contains("found a float"), "{msg}");
    let errs = errors(&with("[limits]\ncommands_per_usr = 20\n"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].2.contains("commands_per_user"),
        "did you mean: {errs:?}"
    );
}
