//! Single mistakes, each checked for its line, key and message.

mod common;

use common::{one_error as one, MINIMAL};

#[test]
fn a_section_written_as_a_table_instead_of_an_array() {
    let (line, key, msg) = one("[accounts]\nname = \"x\"\n");
    assert_eq!((line, key.as_str()), (1, "accounts"));
    assert!(msg.contains("[[accounts]]"), "{msg}");
}

#[test]
fn a_section_that_is_not_a_table() {
    let (line, key, msg) = one("\n\ndefaults = 3\n");
    assert_eq!((line, key.as_str()), (3, "defaults"));
    assert!(msg.contains("expected a table, found an integer"), "{msg}");
}

#[test]
fn an_array_entry_that_is_not_a_table() {
    let (line, key, msg) = one("users = [\"alice\"]\n");
    assert_eq!((line, key.as_str()), (1, "users[0]"));
    assert!(msg.contains("expected a table, found a string"), "{msg}");
}

#[test]
fn an_unknown_key_far_from_any_known_one_lists_the_keys() {
    let (_, key, msg) = one("[defaults]\nwibble = 1\n");
    assert_eq!(key, "defaults.wibble");
    assert!(
        msg.contains("expected one of: region, default_account_ttl, pending_ttl"),
        "{msg}"
    );
    assert!(!msg.contains("did you mean"), "{msg}");
}

#[test]
fn a_store_with_neither_backend() {
    let (line, key, msg) = one("\n[store]\n");
    assert_eq!((line, key.as_str()), (2, "store"));
    assert!(msg.contains("exactly one of"), "{msg}");
}

#[test]
fn a_bad_postgres_url() {
    let (_, key, msg) = one("[store]\npostgres = \"mysql://db/x\"\n");
    assert_eq!(key, "store.postgres");
    assert!(msg.contains("not a PostgreSQL URL"), "{msg}");
}

#[test]
fn a_bad_region_on_an_account() {
    let text = MINIMAL.replace(
        "id = \"123456789012\"",
        "id = \"123456789012\"\nregion = \"eu-west\"",
    );
    let (line, key, msg) = one(&text);
    assert_eq!((line, key.as_str()), (9, "accounts[0].region"));
    assert!(msg.contains("not an AWS region"), "{msg}");
}

#[test]
fn a_zero_duration() {
    let (_, key, msg) = one("[defaults]\npending_ttl = \"0m\"\n");
    assert_eq!(key, "defaults.pending_ttl");
    assert!(msg.contains("zero"), "{msg}");
}

#[test]
fn a_role_arn_in_another_account_than_the_roles_account() {
    let text = MINIMAL.replace(
        "name = \"ops\"\n\n",
        "name = \"ops\"\naccount = \"prod\"\nrole_arn = \"arn:aws:iam::999999999999:role/ops\"\n\n",
    );
    let (_, key, msg) = one(&text);
    assert_eq!(key, "roles[0].role_arn");
    assert!(msg.contains("999999999999"), "{msg}");
}

#[test]
fn require_user_role_without_user_roles() {
    let (_, key, msg) = one(&format!("{MINIMAL}require_user_role = true\n"));
    assert_eq!(key, "channels[0].user_roles");
    assert!(msg.contains("require_user_role = true"), "{msg}");
}

#[test]
fn user_role_setting_without_user_roles_points_at_the_channel() {
    let text = MINIMAL.replace("role_setting = \"channel\"", "role_setting = \"user\"");
    let (line, key, msg) = one(&text);
    assert_eq!((line, key.as_str()), (13, "channels[0].user_roles"));
    assert!(msg.contains("role_setting = \"user\""), "{msg}");
}

#[test]
fn unknown_workspace_when_none_are_defined() {
    let text = MINIMAL.replace(
        "[[workspaces]]\nname = \"acme\"\nplatform = \"slack\"\n",
        "",
    );
    let (_, key, msg) = one(&text);
    assert_eq!(key, "channels[0].workspace");
    assert!(
        msg.contains("no [[workspaces]] entries are defined"),
        "{msg}"
    );
}

#[test]
fn unknown_channel_role() {
    let text = MINIMAL.replace("channel_role = \"ops\"", "channel_role = \"opps\"");
    let (_, key, msg) = one(&text);
    assert_eq!(key, "channels[0].channel_role");
    assert!(msg.contains("did you mean `ops`?"), "{msg}");
}

#[test]
fn a_quoted_boolean_gets_a_hint() {
    let (_, key, msg) = one(&format!("{MINIMAL}require_user_role = \"false\"\n"));
    assert_eq!(key, "channels[0].require_user_role");
    assert!(msg.contains("without quotes"), "{msg}");
}

#[test]
fn duplicate_user_tokens() {
    let text = "[[users]]\nname = \"a\"\ntoken = \"0123456789abcdef\"\n[[users]]\nname = \"b\"\ntoken = \"0123456789abcdef\"\n";
    let (line, key, msg) = one(text);
    assert_eq!((line, key.as_str()), (6, "users[1].token"));
    assert!(msg.contains("line 3"), "{msg}");
}

#[test]
fn duplicate_policy_names() {
    let text = "[[policies]]\nname = \"p\"\ndocument = '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n[[policies]]\nname = \"p\"\ndocument = '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n";
    let (line, key, msg) = one(text);
    assert_eq!((line, key.as_str()), (5, "policies[1].name"));
    assert!(msg.contains("duplicate policy name `p`"), "{msg}");
}

#[test]
fn a_custom_policy_name_usable_as_guardrail_and_unknown_builtins_suggested() {
    let text = format!(
        "{MINIMAL}guardrails = [\"mine\", \"Readonly\"]\n[[policies]]\nname = \"mine\"\ndocument = '{{\"Version\": \"2012-10-17\", \"Statement\": []}}'\n"
    );
    let (_, key, msg) = one(&text);
    assert_eq!(key, "channels[0].guardrails[1]");
    assert!(msg.contains("did you mean `ReadOnly`?"), "{msg}");
}

#[test]
fn the_permissive_catalog_still_rejects_non_json_documents() {
    let text = "[[policies]]\nname = \"p\"\ndocument = 'not json'\n";
    let errs = config::load_str(
        text,
        common::data("inline.toml"),
        &config::PermissiveCatalog,
    )
    .expect_err("bad document");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs.errors()[0].key, "policies[0].document");
    assert_eq!(errs.errors()[0].line, 3);
}
