//! `[[users]]` `channels`: the web channels a web chat user is a member of.

mod common;

use common::{errors, load, MINIMAL};

/// MINIMAL (Slack channel `ops`) plus a web workspace with two channels.
fn with_web(users: &str) -> String {
    format!(
        r#"{MINIMAL}
[[workspaces]]
name = "web"
platform = "web"

[[channels]]
name = "web-ops"
workspace = "web"
platform_id = "W1"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ops"

[[channels]]
name = "oncall"
workspace = "web"
platform_id = "W2"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ops"
{users}"#
    )
}

#[test]
fn users_without_channels_are_members_of_all_and_lists_are_kept() {
    let text = with_web(
        "[[users]]\nname = \"alice\"\ntoken = \"alice-token-0123456789\"\n\
         [[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = [\"oncall\", \"web-ops\"]\n",
    );
    let config = load(&text).expect("valid");
    assert_eq!(config.users[0].channels, None);
    assert_eq!(
        config.users[1].channels.as_deref(),
        Some(&["oncall".to_string(), "web-ops".to_string()][..])
    );
}

/// The one error of `users` appended to the web configuration, as (line, key, message);
/// lines are counted from the start of the whole text.
fn one(users: &str) -> (usize, String, String) {
    let errs = errors(&with_web(users));
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.into_iter().next().expect("one")
}

fn line_of(users: &str, needle: &str) -> usize {
    let text = with_web(users);
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

#[test]
fn an_unknown_channel_is_an_error_with_its_line_and_key() {
    let users =
        "[[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = [\"oncal\"]\n";
    let (line, key, msg) = one(users);
    assert_eq!(line, line_of(users, "channels = [\"oncal\"]"));
    assert_eq!(key, "users[0].channels[0]");
    assert!(msg.contains("unknown channel `oncal`"), "{msg}");
    assert!(msg.contains("oncall"), "suggests the near name: {msg}");
}

#[test]
fn a_slack_channel_is_an_error() {
    let users =
        "[[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = [\"oncall\", \"ops\"]\n";
    let (line, key, msg) = one(users);
    assert_eq!(line, line_of(users, "channels = ["));
    assert_eq!(key, "users[0].channels[1]");
    assert!(
        msg.contains("`ops`") && msg.contains("platform = \"web\""),
        "{msg}"
    );
}

#[test]
fn an_empty_or_repeated_list_is_an_error() {
    let (_, key, msg) =
        one("[[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = []\n");
    assert_eq!(key, "users[0].channels");
    assert!(msg.contains("no channels"), "{msg}");
    let (_, key, msg) = one(
        "[[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = [\"oncall\", \"oncall\"]\n",
    );
    assert_eq!(key, "users[0].channels[1]");
    assert!(msg.contains("listed twice"), "{msg}");
    let (_, key, _) = one(
        "[[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = \"oncall\"\n",
    );
    assert_eq!(key, "users[0].channels");
}
