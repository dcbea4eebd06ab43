//! The full example loads, and the resolved config answers an authorizer's questions.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::TestCatalog;
use config::{
    ConfirmBy, Guardrails, NotificationSource, NotifySettings, Platform, PolicyRef, RoleSetting,
    Store,
};

fn example_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/chatops.toml")
}

fn example() -> config::Config {
    match config::load_with(example_path(), &TestCatalog) {
        Ok(c) => c,
        Err(e) => panic!("the example must load:\n{e}"),
    }
}

#[test]
fn the_example_loads_with_the_policy_catalog_and_without() {
    let c = example();
    assert_eq!(c.path, example_path());
    let plain = config::load(example_path()).expect("loads with the permissive catalog");
    assert_eq!(plain.channels.len(), c.channels.len());
}

#[test]
fn the_readme_example_is_the_example_file() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README");
    let example = std::fs::read_to_string(example_path()).expect("example");
    assert!(
        readme.contains(example.trim()),
        "README.md must quote examples/chatops.toml verbatim"
    );
}

#[test]
fn defaults_and_store() {
    let c = example();
    assert_eq!(c.defaults.region, "us-east-1");
    assert_eq!(
        c.defaults.default_account_ttl,
        Duration::from_secs(7 * 86_400)
    );
    assert_eq!(c.defaults.pending_ttl, Duration::from_secs(600));
    let dir = example_path().parent().expect("dir").to_path_buf();
    assert_eq!(c.store, Store::Sqlite(dir.join("chatops.db")));
}

#[test]
fn workspaces_and_accounts() {
    let c = example();
    let acme = c.workspace("acme").expect("acme");
    assert_eq!(acme.platform, Platform::Slack);
    assert_eq!(acme.team_id.as_deref(), Some("T0123ABCD"));
    assert_eq!(
        c.workspace_by_team_id("T0123ABCD").map(|w| w.name.as_str()),
        Some("acme")
    );
    assert_eq!(
        c.workspace("local").map(|w| w.platform),
        Some(Platform::Web)
    );

    let prod = c.account("prod").expect("prod");
    assert_eq!(prod.id, "123456789012");
    assert_eq!(prod.region, "eu-west-1");
    assert_eq!(
        prod.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/chatops")
    );
    let staging = c.account("staging").expect("staging");
    assert_eq!(
        staging.region, "us-east-1",
        "falls back to [defaults] region"
    );
    assert_eq!(
        c.account("moto").and_then(|a| a.endpoint.as_deref()),
        Some("http://127.0.0.1:5000")
    );
    assert_eq!(
        c.account_by_id("210987654321").map(|a| a.name.as_str()),
        Some("staging")
    );
    assert!(c.account("nope").is_none());
}

#[test]
fn policies_keep_their_documents() {
    let c = example();
    let file = c.policy("no-deletes").expect("file policy");
    assert!(file.document.contains("\"NoDeletes\""));
    assert!(file
        .file
        .as_ref()
        .is_some_and(|f| f.ends_with("policies/no-deletes.json")));
    let inline = c.policy("ec2-restart").expect("inline policy");
    assert!(inline.document.contains("ec2:RebootInstances"));
    assert!(inline.file.is_none());
    assert_eq!(
        c.policy_document(&PolicyRef::Custom("ec2-restart".into())),
        Some(inline.document.as_str())
    );
    assert_eq!(
        c.policy_document(&PolicyRef::Builtin("ReadOnly".into())),
        None
    );
}

#[test]
fn roles_resolve_their_policies() {
    let c = example();
    let ops = c.role("ops").expect("ops");
    assert_eq!(
        ops.policies,
        vec![
            PolicyRef::Builtin("ReadOnly".into()),
            PolicyRef::Custom("ec2-restart".into())
        ]
    );
    assert_eq!(ops.account.as_deref(), Some("prod"));
    assert_eq!(
        ops.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/ops")
    );
    assert_eq!(c.role("readonly").map(|r| r.role_arn.is_none()), Some(true));
}

#[test]
fn channels_by_platform_id_and_name() {
    let c = example();
    let ops = c
        .channel_by_platform_id("acme", "C0123OPS")
        .expect("ops channel");
    assert_eq!(ops.name, "ops");
    assert!(c.channel_by_platform_id("local", "C0123OPS").is_none());
    assert_eq!(
        c.channel("oncall").map(|ch| ch.platform_id.as_str()),
        Some("C0456ONCALL")
    );

    let accounts: Vec<&str> = c.channel_accounts(ops).map(|a| a.name.as_str()).collect();
    assert_eq!(accounts, ["prod", "staging"]);
    assert!(c.channel_account(ops, "staging").is_some());
    assert!(
        c.channel_account(ops, "moto").is_none(),
        "moto is not this channel's"
    );

    assert_eq!(ops.role_setting, RoleSetting::Channel);
    assert_eq!(c.channel_role(ops).map(|r| r.name.as_str()), Some("ops"));
    let user_roles: Vec<&str> = c.user_roles(ops).map(|r| r.name.as_str()).collect();
    assert_eq!(user_roles, ["ops", "readonly"]);
    assert!(ops.allows_user_role("readonly"));
    assert!(!ops.allows_user_role("admin"));
    assert_eq!(ops.confirm_by, ConfirmBy::Anyone);
    assert_eq!(
        ops.guardrail_policies()
            .map(|p| p.iter().map(PolicyRef::name).collect::<Vec<_>>()),
        Some(vec!["ReadOnly", "ec2-restart", "no-deletes"])
    );
}

#[test]
fn a_channel_without_guardrails_gets_the_protection_policy() {
    let c = example();
    let oncall = c.channel("oncall").expect("oncall");
    assert_eq!(oncall.guardrails, Guardrails::Protection);
    assert_eq!(oncall.guardrail_policies(), None);
    assert_eq!(oncall.role_setting, RoleSetting::User);
    assert!(oncall.require_user_role);
    assert_eq!(oncall.channel_role, None);
    assert_eq!(oncall.confirm_by, ConfirmBy::Asker);
}

#[test]
fn users_by_token_and_tokens_stay_out_of_debug_output() {
    let c = example();
    let alice = c.user_by_token("alice-0123456789abcdef").expect("alice");
    assert_eq!(alice.name, "alice");
    assert!(c.user_by_token("alice").is_none());
    assert!(!format!("{alice:?}").contains("0123456789abcdef"));
}

#[test]
fn notification_routes_and_settings() {
    let c = example();
    assert_eq!(
        c.notify,
        NotifySettings::default(),
        "the example spells out the defaults"
    );
    let names: Vec<&str> = c.notifications.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["prod-alarms", "staging-findings", "local-demo"]);

    let alarms = &c.notifications[0];
    assert_eq!(alarms.account.as_deref(), Some("prod"));
    assert_eq!(alarms.channels, ["ops", "oncall"]);
    assert_eq!(alarms.filter.names, ["orders-*", "payments-*"]);
    assert_eq!(alarms.filter.states, ["ALARM", "OK"]);
    assert!(alarms.verify_signatures);

    let findings = &c.notifications[1];
    assert_eq!(
        findings.account.as_deref(),
        Some("staging"),
        "found by the ARN's account id"
    );
    assert_eq!(findings.filter.min_severity.as_deref(), Some("high"));

    let local = &c.notifications[2];
    assert_eq!(
        local.source,
        NotificationSource::Queue {
            url: "http://127.0.0.1:5000/123456789012/chatops".into(),
            raw: false
        }
    );
    assert_eq!(local.account.as_deref(), Some("moto"));
    assert!(!local.verify_signatures);

    let oncall: Vec<&str> = c.routes_to("oncall").map(|r| r.name.as_str()).collect();
    assert_eq!(oncall, ["prod-alarms", "staging-findings"]);
}
