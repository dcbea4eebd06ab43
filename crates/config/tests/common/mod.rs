#![allow(dead_code)]

//! A stand-in for the policy engine's catalog.

use std::path::PathBuf;

use config::PolicyCatalog;

pub const BUILTINS: &[&str] = &[
    "ReadOnly",
    "ViewOnly",
    "AdministratorAccess",
    "ReadOnly Command Permissions",
    "Lambda-Invoke Command Permissions",
];

pub struct TestCatalog;

impl PolicyCatalog for TestCatalog {
    fn is_builtin(&self, name: &str) -> bool {
        BUILTINS.contains(&name)
    }

    fn validate_document(&self, text: &str) -> Result<(), String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if v.get("Version").and_then(|v| v.as_str()) != Some("2012-10-17") {
            return Err("Version must be \"2012-10-17\"".into());
        }
        if v.get("Statement").is_none() {
            return Err("missing Statement".into());
        }
        Ok(())
    }

    fn builtin_names(&self) -> Vec<String> {
        BUILTINS.iter().map(|s| s.to_string()).collect()
    }
}

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Loads `text` as if it were `tests/data/inline.toml`, with the test catalog.
pub fn load(text: &str) -> Result<config::Config, config::ConfigErrors> {
    config::load_str(text, data("inline.toml"), &TestCatalog)
}

/// The errors of `text`, as (line, key, message).
pub fn errors(text: &str) -> Vec<(usize, String, String)> {
    match load(text) {
        Ok(_) => panic!("expected errors, the config loaded"),
        Err(errs) => errs
            .iter()
            .map(|e| (e.line, e.key.clone(), e.message.clone()))
            .collect(),
    }
}

/// The one error of `text`, as (line, key, message); fails when there are more.
pub fn one_error(text: &str) -> (usize, String, String) {
    let mut errs = errors(text);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    errs.remove(0)
}

/// A valid minimal configuration to build cases from.
pub const MINIMAL: &str = r#"
[[workspaces]]
name = "acme"
platform = "slack"

[[accounts]]
name = "prod"
id = "123456789012"

[[roles]]
name = "ops"

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C1"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ops"
"#;
