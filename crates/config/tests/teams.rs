//! `platform = "teams"` workspaces: the tenant they are named by, the conversation ids their
//! channels use, and what Slack and web workspaces may not say.

mod common;

use common::{errors, load, one_error, MINIMAL};
use config::Platform;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/// MINIMAL (Slack workspace `acme`, channel `ops`) plus a Teams workspace `contoso` whose
/// entry gets `workspace_extra`, with one channel whose id is `platform_id`.
fn with_teams(workspace_extra: &str, platform_id: &str) -> String {
    format!(
        r#"{MINIMAL}
[[workspaces]]
name = "contoso"
platform = "teams"
{workspace_extra}

[[channels]]
name = "teams-ops"
workspace = "contoso"
platform_id = "{platform_id}"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ops"
"#
    )
}

fn tenant_line() -> String {
    format!("tenant_id = \"{TENANT}\"")
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
        + 1
}

#[test]
fn a_teams_workspace_loads_and_is_found_by_its_tenant() {
    let upper = format!("tenant_id = \"{}\"", TENANT.to_ascii_uppercase());
    let text = format!(
        "{}\n[[notifications]]\ntopic_arn = \"arn:aws:sns:us-east-1:123456789012:alarms\"\nchannels = [\"teams-ops\", \"ops\"]\n",
        with_teams(&upper, "19:0a1b2c3d4e5f@thread.tacv2")
    );
    let config = load(&text).unwrap_or_else(|e| panic!("{e}"));
    let ws = config.workspace("contoso").expect("workspace");
    assert_eq!(ws.platform, Platform::Teams);
    assert_eq!(ws.platform.as_str(), "teams");
    assert_eq!(ws.tenant_id.as_deref(), Some(TENANT), "kept in lowercase");
    assert_eq!(ws.team_id, None);

    for asked in [TENANT.to_string(), TENANT.to_ascii_uppercase()] {
        assert_eq!(
            config
                .workspace_by_tenant_id(&asked)
                .map(|w| w.name.as_str()),
            Some("contoso")
        );
    }
    assert!(config
        .workspace_by_tenant_id("00000000-0000-0000-0000-000000000000")
        .is_none());
    assert_eq!(
        config
            .workspace("acme")
            .and_then(|w| w.tenant_id.as_deref()),
        None,
        "Slack workspaces have no tenant"
    );

    let channel = config
        .channel_by_platform_id("contoso", "19:0a1b2c3d4e5f@thread.tacv2")
        .expect("the channel by its conversation id");
    assert_eq!(channel.name, "teams-ops");
    // A route to a Teams channel is a route like any other.
    let routes: Vec<&str> = config
        .routes_to("teams-ops")
        .map(|r| r.source.location())
        .collect();
    assert_eq!(routes, ["arn:aws:sns:us-east-1:123456789012:alarms"]);
}

#[test]
fn personal_chats_group_chats_and_older_channels_are_conversation_ids_too() {
    for id in [
        "a:1Xq2-Ab_cD",
        "19:meeting_NjA4ZGY@thread.v2",
        "19:abc@thread.skype",
    ] {
        let config = load(&with_teams(&tenant_line(), id)).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(
            config.channel_by_platform_id("contoso", id).is_some(),
            "{id}"
        );
    }
}

#[test]
fn a_teams_workspace_without_a_tenant() {
    let text = with_teams("", "19:abc@thread.tacv2");
    let (line, key, msg) = one_error(&text);
    assert_eq!(
        line,
        line_of(&text, "name = \"contoso\"") - 1,
        "the entry's header"
    );
    assert_eq!(key, "workspaces[1].tenant_id");
    assert!(msg.contains("missing required key `tenant_id`"), "{msg}");
    assert!(msg.contains("GUID"), "{msg}");
}

#[test]
fn a_tenant_that_is_not_a_guid() {
    let text = with_teams(
        "tenant_id = \"contoso.onmicrosoft.com\"",
        "19:abc@thread.tacv2",
    );
    let (line, key, msg) = one_error(&text);
    assert_eq!(line, line_of(&text, "tenant_id ="));
    assert_eq!(key, "workspaces[1].tenant_id");
    assert!(
        msg.contains("`contoso.onmicrosoft.com` is not a tenant id"),
        "{msg}"
    );
    assert!(msg.contains("a GUID such as"), "{msg}");
}

#[test]
fn a_tenant_on_a_slack_or_web_workspace() {
    for platform in ["slack", "web"] {
        let text = MINIMAL.replace(
            "platform = \"slack\"",
            &format!("platform = \"{platform}\"\n{}", tenant_line()),
        );
        let (line, key, msg) = one_error(&text);
        assert_eq!(line, line_of(&text, "tenant_id ="), "{platform}");
        assert_eq!(key, "workspaces[0].tenant_id");
        assert!(
            msg.contains("`tenant_id` is for Teams workspaces only"),
            "{msg}"
        );
        assert!(msg.contains(&format!("platform = \"{platform}\"")), "{msg}");
    }
}

#[test]
fn a_team_id_on_a_teams_workspace() {
    let text = with_teams(
        &format!("{}\nteam_id = \"T0123ABCD\"", tenant_line()),
        "19:abc@thread.tacv2",
    );
    let (line, key, msg) = one_error(&text);
    assert_eq!(line, line_of(&text, "team_id = \"T0123ABCD\""));
    assert_eq!(key, "workspaces[1].team_id");
    assert!(msg.contains("for Slack workspaces only"), "{msg}");
    assert!(msg.contains("tenant_id"), "{msg}");
}

#[test]
fn a_message_link_id_names_the_part_to_keep() {
    let pasted = "19:0a1b2c3d@thread.tacv2;messageid=1712345678901";
    let text = with_teams(&tenant_line(), pasted);
    let (line, key, msg) = one_error(&text);
    assert_eq!(line, line_of(&text, ";messageid="));
    assert_eq!(key, "channels[1].platform_id");
    assert!(msg.contains("use the part before `;messageid=`"), "{msg}");
    assert!(msg.contains("\"19:0a1b2c3d@thread.tacv2\""), "{msg}");
}

#[test]
fn a_channel_link_names_the_id_inside_it() {
    let link = "https://teams.microsoft.com/l/channel/19%3a0a1b2c3d%40thread.tacv2/General?groupId=6f1e&tenantId=72f9";
    let (_, key, msg) = one_error(&with_teams(&tenant_line(), link));
    assert_eq!(key, "channels[1].platform_id");
    assert!(msg.contains("is a link to a channel"), "{msg}");
    assert!(msg.contains("\"19:0a1b2c3d@thread.tacv2\""), "{msg}");
}

#[test]
fn a_slack_channel_id_in_a_teams_workspace() {
    let text = with_teams(&tenant_line(), "C0123ABCD");
    let (line, key, msg) = one_error(&text);
    assert_eq!(line, line_of(&text, "platform_id = \"C0123ABCD\""));
    assert_eq!(key, "channels[1].platform_id");
    assert!(msg.contains("expected a Teams conversation id"), "{msg}");
}

#[test]
fn teams_ids_are_not_required_of_slack_channels() {
    // The Teams form is checked only where the workspace is a Teams one.
    let text = MINIMAL.replace(
        "platform_id = \"C1\"",
        "platform_id = \"19:abc;messageid=1\"",
    );
    load(&text).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn one_tenant_in_two_workspaces() {
    let text = format!(
        "{}\n[[workspaces]]\nname = \"contoso-2\"\nplatform = \"teams\"\n{}\n",
        with_teams(&tenant_line(), "19:abc@thread.tacv2"),
        tenant_line()
            .to_ascii_uppercase()
            .replace("TENANT_ID", "tenant_id")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let (line, key, msg) = &errs[0];
    let last = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("tenant_id"))
        .map(|(i, _)| i + 1)
        .last();
    assert_eq!(Some(*line), last, "the second tenant's line");
    assert_eq!(key, "workspaces[2].tenant_id");
    assert!(
        msg.contains(&format!(
            "is already the tenant of the Teams workspace on line {}",
            line_of(&text, "tenant_id")
        )),
        "{msg}"
    );
}

#[test]
fn a_misspelt_platform_suggests_teams() {
    let text = MINIMAL.replace("platform = \"slack\"", "platform = \"team\"");
    let (_, key, msg) = one_error(&text);
    assert_eq!(key, "workspaces[0].platform");
    assert!(msg.contains("\"slack\", \"web\", \"teams\""), "{msg}");
    assert!(msg.contains("did you mean `teams`"), "{msg}");
}

#[test]
fn web_chat_users_cannot_be_members_of_teams_channels() {
    let text = format!(
        "{}\n[[users]]\nname = \"bob\"\ntoken = \"bob-token-0123456789ab\"\nchannels = [\"teams-ops\"]\n",
        with_teams(&tenant_line(), "19:abc@thread.tacv2")
    );
    let (_, key, msg) = one_error(&text);
    assert_eq!(key, "users[0].channels[0]");
    assert!(msg.contains("is in a teams workspace"), "{msg}");
}
