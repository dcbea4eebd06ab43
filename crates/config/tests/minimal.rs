//! Small configurations: what is optional, what defaults apply, what each form accepts.

mod common;

use std::time::Duration;

use common::{data, errors, load, MINIMAL};
use config::{Defaults, Guardrails, Store};

#[test]
fn an_empty_file_is_a_valid_config() {
    let c = load("").expect("empty is valid");
    assert_eq!(c.defaults, Defaults::default());
    assert!(c.channels.is_empty());
    assert_eq!(c.store, Store::Sqlite(data("chatops.db")));
}

#[test]
fn the_minimal_config_loads_with_defaults() {
    let c = load(MINIMAL).expect("minimal");
    assert_eq!(
        c.account("prod").map(|a| a.region.as_str()),
        Some("us-east-1")
    );
    let ch = c.channel("ops").expect("ops");
    assert_eq!(ch.guardrails, Guardrails::Protection);
    assert!(!ch.require_user_role);
    assert!(ch.user_roles.is_empty());
}

#[test]
fn defaults_region_applies_to_accounts_without_one() {
    let c = load(&format!(
        "[defaults]\nregion = \"ap-southeast-2\"\n{MINIMAL}"
    ))
    .expect("valid");
    assert_eq!(
        c.account("prod").map(|a| a.region.as_str()),
        Some("ap-southeast-2")
    );
}

#[test]
fn durations_accept_every_unit_and_compounds() {
    let c = load("[defaults]\ndefault_account_ttl = \"1h30m\"\npending_ttl = \"45s\"\n")
        .expect("valid");
    assert_eq!(c.defaults.default_account_ttl, Duration::from_secs(5400));
    assert_eq!(c.defaults.pending_ttl, Duration::from_secs(45));
    let c = load("[defaults]\ndefault_account_ttl = \"2w\"\n").expect("valid");
    assert_eq!(
        c.defaults.default_account_ttl,
        Duration::from_secs(14 * 86_400)
    );
}

#[test]
fn store_postgres_and_memory() {
    let c = load("[store]\npostgres = \"postgres://chatops:pw@db:5432/chatops\"\n").expect("valid");
    assert_eq!(
        c.store,
        Store::Postgres("postgres://chatops:pw@db:5432/chatops".into())
    );
    let c = load("[store]\nsqlite = \":memory:\"\n").expect("valid");
    assert_eq!(c.store, Store::Sqlite(":memory:".into()));
    let c = load("[store]\nsqlite = \"state/bot.db\"\n").expect("valid");
    assert_eq!(c.store, Store::Sqlite(data("state/bot.db")));
}

#[test]
fn inline_arrays_of_tables_are_accepted() {
    let text = r#"
workspaces = [{ name = "w", platform = "web" }]
accounts = [{ name = "a", id = "000000000001" }]
roles = [{ name = "r" }]
channels = [{ name = "c", workspace = "w", platform_id = "x", accounts = ["a"], role_setting = "channel", channel_role = "r" }]
"#;
    let c = load(text).expect("valid");
    assert_eq!(c.account("a").map(|a| a.id.as_str()), Some("000000000001"));
    assert_eq!(
        c.channel_by_platform_id("w", "x")
            .map(|ch| ch.name.as_str()),
        Some("c")
    );
}

#[test]
fn explicit_empty_guardrails_mean_the_protection_policy() {
    let c = load(&format!("{MINIMAL}guardrails = []\n")).expect("valid");
    assert_eq!(
        c.channel("ops").map(|ch| &ch.guardrails),
        Some(&Guardrails::Protection)
    );
}

#[test]
fn user_role_channels_may_fall_back_to_a_channel_role() {
    let text = MINIMAL.replace(
        "role_setting = \"channel\"",
        "role_setting = \"user\"\nuser_roles = [\"ops\"]",
    );
    let c = load(&text).expect("valid");
    let ch = c.channel("ops").expect("ops");
    assert_eq!(c.channel_role(ch).map(|r| r.name.as_str()), Some("ops"));
}

#[test]
fn the_same_platform_id_in_two_workspaces_is_fine() {
    let text = format!(
        "{MINIMAL}\n[[workspaces]]\nname = \"other\"\nplatform = \"slack\"\n\n[[channels]]\nname = \"ops2\"\nworkspace = \"other\"\nplatform_id = \"C1\"\naccounts = [\"prod\"]\nrole_setting = \"channel\"\nchannel_role = \"ops\"\n"
    );
    let c = load(&text).expect("valid");
    assert_eq!(
        c.channel_by_platform_id("other", "C1")
            .map(|ch| ch.name.as_str()),
        Some("ops2")
    );
}

#[test]
fn an_unreadable_config_file_is_one_error_without_a_line() {
    let missing = data("does-not-exist.toml");
    let errs = config::load(&missing).expect_err("missing file");
    assert_eq!(errs.len(), 1);
    let e = &errs.errors()[0];
    assert_eq!((e.line, e.column), (0, 0));
    assert!(e.message.contains("cannot read the configuration file"));
    assert!(errs
        .to_string()
        .starts_with(&format!("{}: cannot read", missing.display())));
}

#[test]
fn a_syntax_error_names_its_line() {
    let errs = errors("[defaults]\nregion = \"us-east-1\"\npending_ttl = \n");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, 3);
    assert!(errs[0].2.starts_with("TOML syntax error"), "{}", errs[0].2);
}

#[test]
fn a_duplicate_toml_key_is_a_syntax_error_with_its_line() {
    let errs = errors("[defaults]\nregion = \"us-east-1\"\nregion = \"us-east-2\"\n");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, 3);
}
