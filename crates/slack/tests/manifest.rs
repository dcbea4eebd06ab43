//! `slack/manifest.json` (at the repository root) is valid JSON shaped like a Slack app
//! manifest and grants everything the code needs: every scope in
//! `slack::manifest::BOT_SCOPES` (the OAuth install asks for exactly these), every event in
//! `BOT_EVENTS`, the `/aws` command, and request URLs on the paths the server mounts.

use serde_json::Value;
use slack::manifest;
use std::collections::BTreeSet;

fn load() -> Value {
    let path = format!("{}/../../slack/manifest.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn strings(v: &Value, ptr: &str) -> Vec<String> {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{ptr}: expected an array"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("{ptr}: not a string"))
                .to_string()
        })
        .collect()
}

fn path_of(url: &str) -> &str {
    let rest = url.strip_prefix("https://").expect("an https URL");
    &rest[rest.find('/').expect("a path")..]
}

#[test]
fn scopes_match_what_the_code_uses() {
    let m = load();
    let granted: BTreeSet<String> = strings(&m, "/oauth_config/scopes/bot")
        .into_iter()
        .collect();
    let needed: BTreeSet<String> = manifest::bot_scopes()
        .into_iter()
        .map(String::from)
        .collect();
    // Exactly: a scope nobody uses is a scope an attacker gets for free.
    assert_eq!(granted, needed);
    assert!(
        !granted.contains("chat:write.public"),
        "the bot posts only where it is a member"
    );
    assert_eq!(
        m.pointer("/oauth_config/scopes/user"),
        None,
        "no user token scopes"
    );
}

#[test]
fn events_command_and_urls() {
    let m = load();
    let events: BTreeSet<String> = strings(&m, "/settings/event_subscriptions/bot_events")
        .into_iter()
        .collect();
    for e in manifest::BOT_EVENTS {
        assert!(events.contains(*e), "missing event {e}");
    }
    let url = |ptr: &str| {
        m.pointer(ptr)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{ptr}"))
    };
    assert_eq!(
        path_of(url("/settings/event_subscriptions/request_url")),
        manifest::EVENTS_PATH
    );
    assert_eq!(
        m.pointer("/settings/interactivity/is_enabled"),
        Some(&Value::Bool(true))
    );
    assert_eq!(
        path_of(url("/settings/interactivity/request_url")),
        manifest::INTERACTIVITY_PATH
    );
    let commands = m
        .pointer("/features/slash_commands")
        .and_then(Value::as_array)
        .unwrap();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0]["command"], manifest::SLASH_COMMAND);
    assert_eq!(
        path_of(commands[0]["url"].as_str().unwrap()),
        manifest::COMMANDS_PATH
    );
    assert_eq!(
        commands[0]["should_escape"], false,
        "the parser undoes Slack's markup itself"
    );
    let redirects = strings(&m, "/oauth_config/redirect_urls");
    assert!(redirects
        .iter()
        .all(|u| path_of(u) == manifest::OAUTH_CALLBACK_PATH));
    // Direct messages need the Messages tab.
    assert_eq!(
        m.pointer("/features/app_home/messages_tab_enabled"),
        Some(&Value::Bool(true))
    );
    assert_eq!(
        m.pointer("/features/app_home/messages_tab_read_only_enabled"),
        Some(&Value::Bool(false))
    );
    assert!(m.pointer("/features/bot_user/display_name").is_some());
}

#[test]
fn http_mode_by_default() {
    let m = load();
    assert_eq!(
        m.pointer("/settings/socket_mode_enabled"),
        Some(&Value::Bool(false))
    );
    assert_eq!(
        m.pointer("/settings/token_rotation_enabled"),
        Some(&Value::Bool(false))
    );
    assert_eq!(
        m.pointer("/settings/org_deploy_enabled"),
        Some(&Value::Bool(false))
    );
    assert_eq!(m.pointer("/_metadata/major_version"), Some(&Value::from(1)));
    let name = m
        .pointer("/display_information/name")
        .and_then(Value::as_str)
        .unwrap();
    assert!(
        !name.is_empty() && name.len() <= 35,
        "Slack limits the name to 35 characters"
    );
    let desc = m
        .pointer("/display_information/description")
        .and_then(Value::as_str)
        .unwrap();
    assert!(
        desc.chars().count() <= 140,
        "Slack limits the short description to 140 characters"
    );
}
