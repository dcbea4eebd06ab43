//! Loads and validates aws-chatops's one configuration file.
//!
//! [`load`] and [`load_with`] read a TOML file and return a resolved [`Config`], or
//! [`ConfigErrors`] holding **every** problem found: each with the file, line, column,
//! dotted key path (`channels[1].guardrails[0]`, indexes from 0) and a message saying
//! what was wrong and what was expected. Unknown keys are errors, with a "did you mean".
//!
//! # Schema
//!
//! ```toml
//! [defaults]                        # optional
//! region = "us-east-1"              # region of accounts that name none (default us-east-1)
//! default_account_ttl = "7d"        # how long a channel remembers its chosen account (default 7d)
//! pending_ttl = "10m"               # how long a command waits for input/confirmation (default 10m)
//!                                   # durations: 30s, 10m, 12h, 7d, 2w, 1h30m
//!
//! [store]                           # optional; default sqlite = "chatops.db"
//! sqlite = "chatops.db"             # relative to the config file, or ":memory:"
//! # postgres = "postgres://user:pw@db:5432/chatops"   (exactly one of sqlite/postgres)
//!
//! [[workspaces]]
//! name = "acme"                     # letters, digits, _ - .
//! platform = "slack"                # "slack", "web" or "teams"
//! team_id = "T0123ABCD"             # slack only, optional
//! # tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"   # teams only, required: the Azure AD tenant (a GUID)
//!
//! [[accounts]]
//! name = "prod"
//! id = "123456789012"               # 12 digits, as a string
//! region = "eu-west-1"              # optional, else [defaults] region
//! role_arn = "arn:aws:iam::123456789012:role/chatops"   # optional; must be in this account
//! endpoint = "http://127.0.0.1:5000"                     # optional (emulators), http(s) URL
//!
//! [[policies]]                      # custom policies, usable as guardrails or role policies
//! name = "no-deletes"
//! file = "policies/no-deletes.json" # relative to the config file; or
//! # document = '''{"Version": "2012-10-17", "Statement": [...]}'''  (exactly one)
//!
//! [[roles]]
//! name = "ops"
//! role_arn = "arn:aws:iam::123456789012:role/ops"   # optional
//! policies = ["ReadOnly", "no-deletes"]             # optional: the role's own policies
//! account = "prod"                                  # optional: the account the role is in
//!
//! [[channels]]
//! name = "ops"                      # display name, unique
//! workspace = "acme"                # a [[workspaces]] name
//! platform_id = "C0123ABCD"         # the chat platform's channel id, unique per workspace
//!                                   # (Teams: the conversation id, "19:…@thread.tacv2", or "a:…"
//!                                   # for a personal chat; never with ";messageid=…")
//! accounts = ["prod", "staging"]    # [[accounts]] names, at least one; the first is the default
//! role_setting = "channel"          # "channel" or "user"
//! channel_role = "ops"              # a [[roles]] name; required when role_setting = "channel"
//! user_roles = ["ops", "readonly"]  # roles users may choose; at least one when role_setting = "user"
//! require_user_role = false         # true: users must choose a role; the channel role is no fallback
//! guardrails = ["ReadOnly", "no-deletes"]  # built-in or [[policies]] names; empty/missing = protection policy
//! confirm_by = "asker"              # who confirms changes: "asker" (default) or "anyone"
//!
//! [[actions]]                       # optional: custom buttons on notifications
//! name = "reset-alarm"              # letters, digits, - and _ (1–64), unique
//! button_text = "Reset alarm"       # 1–50 characters
//! command = "cloudwatch set-alarm-state --alarm-name $AlarmName --state-value OK --state-reason reset"
//! notification_type = "CloudWatch"  # CloudWatch (alarms), Custom, Event, or Any
//! criteria = ["AlarmName HAS_VALUE", "Namespace EQUALS AWS/Lambda"]   # optional, at most 5, all must hold
//! channels = ["ops"]                # optional; default every channel
//!
//! [[users]]                         # optional web-chat users
//! name = "alice"
//! token = "at-least-16-characters"
//!
//! [notify]                          # optional
//! fold_window = "5m"                # repeats of a state within it go into the thread (default 5m)
//! new_thread_after = "24h"          # an older thread is not continued (default 24h)
//! rate_per_minute = 20              # per channel, then a summary; 0 = no limit (default 20)
//! max_age = "1h"                    # SNS messages with an older Timestamp are refused (default 1h)
//! show_unsupported = true           # note + raw JSON for messages of no known format (default true)
//! chart_window = "3h"               # how much of a metric alarm charts show (default 3h)
//!
//! [limits]                          # optional; flood control, kept per process (per replica)
//! commands_per_user = "20/1m"       # commands one user may start in one channel (default 20/1m)
//! commands_per_channel = "60/1m"    # commands everyone may start in one channel (default 60/1m)
//!                                   # rates: "N/<duration>" ("20/1m", "100/1h", "5/10s", "20/min"),
//!                                   # a whole number per minute (20), or "off" / 0 (no limit)
//! slack_pacing = true               # pace Slack Web API calls within Slack's tiers (default true)
//!
//! [[notifications]]                 # where notifications come from and which channels get them
//! name = "prod-alarms"              # optional, else notifications[i]; unique
//! topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"   # exactly one of topic_arn / queue_url
//! # queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/chatops"  (emulators: http://127.0.0.1:5000/123456789012/q)
//! # raw_delivery = false            # queue_url only: the subscription delivers the message alone
//! account = "prod"                  # optional [[accounts]] name; else the one whose id the ARN/URL names
//!                                   # (required for a queue: polling needs credentials)
//! channels = ["ops", "oncall"]      # [[channels]] names, at least one, no repeats
//! verify_signatures = true          # false only for emulators (moto); `config check` warns
//! # filters, all optional; a notification must pass every one given:
//! sources = ["cloudwatch.alarm", "aws.guardduty", "custom"]   # any case
//! detail_types = ["GuardDuty Finding"]                        # exact
//! names = ["orders-*"]              # alarm name or title; * and ? wildcards, any case
//! states = ["ALARM", "OK"]          # ALARM, OK, INSUFFICIENT_DATA, or an event status as written
//! accounts = ["123456789012"]
//! regions = ["us-east-1"]
//! min_severity = "medium"           # informational|low|medium|high|critical; no severity passes
//! ```
//!
//! A route's account: the one it names, else the only `[[accounts]]` entry with the id its
//! ARN or URL names (several such entries are an error: name one). The routes of one topic or
//! queue must agree on `verify_signatures` and `raw_delivery`.
//!
//! Policy names are checked through a [`PolicyCatalog`] supplied by the policy engine, so
//! this crate does not depend on it.

mod catalog;
mod error;
mod limits;
mod model;
mod node;
mod reader;
mod resolve;
mod sections;
mod values;

use std::path::Path;

pub use catalog::{PermissiveCatalog, PolicyCatalog};
pub use error::{ConfigError, ConfigErrors};
pub use model::{
    Account, Channel, Config, ConfirmBy, Criterion, CustomAction, CustomPolicy, Defaults,
    Guardrails, Limits, NotificationFilter, NotificationRoute, NotificationSource, NotifySettings,
    Platform, PolicyRef, Rate, Role, RoleSetting, Store, User, Workspace,
};

/// Parses a duration as the configuration writes it: a number and a unit (`s`, `m`, `h`,
/// `d`, `w`), possibly several (`1h30m`), greater than zero. Public so chat commands that
/// take a duration (`@aws notifications mute … 2h`) read it exactly as the file does; the
/// error says what was expected.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    values::parse_duration(text)
}

/// Whether `text` is a GUID as Microsoft writes them (8-4-4-4-12 hexadecimal digits, any
/// case, no braces): the form of a Teams workspace's `tenant_id`. Public so the Teams surface
/// checks tenant, app and user (Entra object) ids exactly as the file does.
pub fn is_guid(text: &str) -> bool {
    values::is_guid(text)
}

/// Loads `path` with the [`PermissiveCatalog`]: any policy name that is not a
/// `[[policies]]` entry is taken as built-in, and documents need only be JSON
/// objects with a `Statement`. Prefer [`load_with`] and the policy engine's catalog.
pub fn load(path: impl AsRef<Path>) -> Result<Config, ConfigErrors> {
    load_with(path, &PermissiveCatalog)
}

/// Loads and validates `path`, checking policy names and documents with `catalog`.
pub fn load_with(
    path: impl AsRef<Path>,
    catalog: &dyn PolicyCatalog,
) -> Result<Config, ConfigErrors> {
    let path = path.as_ref();
    let source = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors::new(vec![ConfigError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the configuration file: {e}"),
        }])
    })?;
    load_str(&source, path, catalog)
}

/// Validates configuration text as if it were the file at `path`
/// (`path` names the file in errors; relative policy files and the SQLite path
/// are resolved against its folder).
pub fn load_str(
    source: &str,
    path: impl AsRef<Path>,
    catalog: &dyn PolicyCatalog,
) -> Result<Config, ConfigErrors> {
    let path = path.as_ref();
    let config_dir = path.parent().unwrap_or_else(|| Path::new(""));
    let mut reporter = error::Reporter::new(path, source);
    let root = match node::parse(source) {
        Ok(root) => root,
        Err(e) => {
            reporter.error(&e.span, "", format!("TOML syntax error: {}", e.message));
            return Err(ConfigErrors::new(reporter.into_errors()));
        }
    };
    let sections = sections::read(&mut reporter, &root, config_dir);
    let config = resolve::resolve(&mut reporter, sections, path, config_dir, catalog);
    if reporter.has_errors() {
        Err(ConfigErrors::new(reporter.into_errors()))
    } else {
        Ok(config)
    }
}
