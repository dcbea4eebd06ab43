//! Reads each section of the file into plain structs with spans, checking the
//! formats of single values. Cross-references are checked in `resolve`.

use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use crate::error::Reporter;
use crate::model::{
    ConfirmBy, Defaults, Limits, NotificationFilter, NotifySettings, Platform, RoleSetting, Store,
};
use crate::node::{Kind, Node};
use crate::reader::{did_you_mean, Fields, Spanned};
use crate::values;

pub(crate) const SECTIONS: &[&str] = &[
    "defaults",
    "store",
    "workspaces",
    "accounts",
    "policies",
    "roles",
    "channels",
    "users",
    "notify",
    "notifications",
    "actions",
    "limits",
];

/// Every section, read.
pub(crate) struct Sections {
    pub defaults: Defaults,
    pub store: Store,
    pub workspaces: Vec<RawWorkspace>,
    pub accounts: Vec<RawAccount>,
    pub policies: Vec<RawPolicy>,
    pub roles: Vec<RawRole>,
    pub channels: Vec<RawChannel>,
    pub users: Vec<RawUser>,
    pub notify: NotifySettings,
    pub notifications: Vec<RawRoute>,
    pub actions: Vec<RawAction>,
    pub limits: Limits,
}

/// Fields common to every `[[...]]` entry: its name, when valid.
pub(crate) struct Head {
    pub name: Option<Spanned<String>>,
}

pub(crate) struct RawWorkspace {
    pub head: Head,
    pub platform: Option<Platform>,
    pub team_id: Option<String>,
    /// Teams only: the tenant id, lowercase, with where it was written.
    pub tenant_id: Option<Spanned<String>>,
}

pub(crate) struct RawAccount {
    pub head: Head,
    pub id: Option<String>,
    pub region: Option<String>,
    pub role_arn: Option<Spanned<String>>,
    pub endpoint: Option<String>,
}

pub(crate) enum PolicySource {
    File(Spanned<String>),
    Inline(Spanned<String>),
}

pub(crate) struct RawPolicy {
    pub head: Head,
    pub source: Option<PolicySource>,
}

pub(crate) struct RawRole {
    pub head: Head,
    pub role_arn: Option<Spanned<String>>,
    pub policies: Vec<Spanned<String>>,
    pub account: Option<Spanned<String>>,
}

pub(crate) struct RawChannel {
    pub head: Head,
    pub workspace: Option<Spanned<String>>,
    pub platform_id: Option<Spanned<String>>,
    pub accounts: Vec<Spanned<String>>,
    pub role_setting: Option<RoleSetting>,
    pub channel_role: Option<Spanned<String>>,
    pub user_roles: Vec<Spanned<String>>,
    pub require_user_role: bool,
    /// `None` when the key is absent.
    pub guardrails: Option<Vec<Spanned<String>>>,
    pub confirm_by: ConfirmBy,
}

pub(crate) struct RawUser {
    pub head: Head,
    pub token: Option<Spanned<String>>,
    /// `channels`: the web channels the user is a member of; `None` (no key) is all.
    pub channels: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Where a `[[notifications]]` entry's messages come from, with the account id its ARN or
/// URL names (how the route's account is found when it names none).
pub(crate) enum RawSource {
    Topic {
        arn: Spanned<String>,
        account_id: String,
    },
    Queue {
        url: Spanned<String>,
        account_id: String,
        raw: bool,
    },
}

impl RawSource {
    pub fn value(&self) -> &Spanned<String> {
        match self {
            RawSource::Topic { arn, .. } => arn,
            RawSource::Queue { url, .. } => url,
        }
    }

    pub fn account_id(&self) -> &str {
        match self {
            RawSource::Topic { account_id, .. } | RawSource::Queue { account_id, .. } => account_id,
        }
    }
}

pub(crate) struct RawRoute {
    pub head: Head,
    /// `notifications[i]`, the name of an entry without one.
    pub path: String,
    pub span: Range<usize>,
    /// `None` when missing or invalid (already reported).
    pub source: Option<RawSource>,
    pub account: Option<Spanned<String>>,
    pub channels: Vec<Spanned<String>>,
    pub verify_signatures: Option<Spanned<bool>>,
    pub filter: NotificationFilter,
}

pub(crate) fn read(r: &mut Reporter, root: &Node, config_dir: &Path) -> Sections {
    let Some(top) = Fields::new(r, root, "", SECTIONS) else {
        return Sections {
            defaults: Defaults::default(),
            store: Store::Sqlite(config_dir.join("chatops.db")),
            workspaces: Vec::new(),
            accounts: Vec::new(),
            policies: Vec::new(),
            roles: Vec::new(),
            channels: Vec::new(),
            users: Vec::new(),
            notify: NotifySettings::default(),
            notifications: Vec::new(),
            actions: Vec::new(),
            limits: Limits::default(),
        };
    };
    let defaults = read_defaults(r, &top);
    let store = read_store(r, &top, config_dir);
    let workspaces = each(r, &top, "workspaces", read_workspace);
    let accounts = each(r, &top, "accounts", |r, f| read_account(r, f, &defaults));
    let policies = each(r, &top, "policies", read_policy);
    let roles = each(r, &top, "roles", read_role);
    let channels = each(r, &top, "channels", read_channel);
    let users = each(r, &top, "users", read_user);
    let notify = read_notify(r, &top);
    let notifications = each(r, &top, "notifications", read_route);
    let actions = each(r, &top, "actions", read_action);
    let limits = crate::limits::read_limits(r, &top);
    Sections {
        defaults,
        store,
        workspaces,
        accounts,
        policies,
        roles,
        channels,
        users,
        notify,
        notifications,
        actions,
        limits,
    }
}

/// Reads every table of the array `key` with `read_one`.
fn each<T>(
    r: &mut Reporter,
    top: &Fields,
    key: &str,
    read_one: impl Fn(&mut Reporter, &Fields) -> T,
) -> Vec<T> {
    let allowed = allowed_keys(key);
    let mut out = Vec::new();
    for (path, node) in top.tables(r, key) {
        if let Some(fields) = Fields::new(r, node, &path, allowed) {
            out.push(read_one(r, &fields));
        }
    }
    out
}

fn allowed_keys(section: &str) -> &'static [&'static str] {
    match section {
        "workspaces" => &["name", "platform", "team_id", "tenant_id"],
        "accounts" => &["name", "id", "region", "role_arn", "endpoint"],
        "policies" => &["name", "file", "document"],
        "roles" => &["name", "role_arn", "policies", "account"],
        "channels" => &[
            "name",
            "workspace",
            "platform_id",
            "accounts",
            "role_setting",
            "channel_role",
            "user_roles",
            "require_user_role",
            "guardrails",
            "confirm_by",
        ],
        "users" => &["name", "token", "channels"],
        "actions" => &[
            "name",
            "button_text",
            "command",
            "notification_type",
            "criteria",
            "channels",
        ],
        "notifications" => &[
            "name",
            "topic_arn",
            "queue_url",
            "raw_delivery",
            "account",
            "channels",
            "verify_signatures",
            "sources",
            "detail_types",
            "names",
            "states",
            "accounts",
            "regions",
            "min_severity",
        ],
        _ => &[],
    }
}

fn read_defaults(r: &mut Reporter, top: &Fields) -> Defaults {
    let mut defaults = Defaults::default();
    let Some(entry) = top.get("defaults") else {
        return defaults;
    };
    let Some(f) = Fields::new(
        r,
        &entry.value,
        "defaults",
        &["region", "default_account_ttl", "pending_ttl"],
    ) else {
        return defaults;
    };
    if let Some(region) = f.opt_str(r, "region") {
        if let Err(m) = values::check_region(&region.value) {
            r.error(&region.span, &region.key, m);
        } else {
            defaults.region = region.value;
        }
    }
    if let Some(d) = duration(r, &f, "default_account_ttl") {
        defaults.default_account_ttl = d;
    }
    if let Some(d) = duration(r, &f, "pending_ttl") {
        defaults.pending_ttl = d;
    }
    defaults
}

fn duration(r: &mut Reporter, f: &Fields, key: &str) -> Option<Duration> {
    let entry = f.get(key)?;
    if let Kind::Integer(n) = entry.value.kind {
        r.error(
            &entry.value.span,
            &f.key(key),
            format!("expected a duration string with a unit, found an integer; write \"{n}m\", \"{n}h\" or \"{n}d\""),
        );
        return None;
    }
    let text = f.opt_str(r, key)?;
    match values::parse_duration(&text.value) {
        Ok(d) => Some(d),
        Err(m) => {
            r.error(&text.span, &text.key, m);
            None
        }
    }
}

fn read_store(r: &mut Reporter, top: &Fields, config_dir: &Path) -> Store {
    let fallback = Store::Sqlite(config_dir.join("chatops.db"));
    let Some(entry) = top.get("store") else {
        return fallback;
    };
    let Some(f) = Fields::new(r, &entry.value, "store", &["sqlite", "postgres"]) else {
        return fallback;
    };
    let sqlite = f.opt_str(r, "sqlite");
    let postgres = f.opt_str(r, "postgres");
    match (sqlite, postgres) {
        (Some(_), Some(p)) => {
            r.error(
                &p.span,
                "store",
                "both `sqlite` and `postgres` are set; expected exactly one",
            );
            fallback
        }
        (Some(s), None) => {
            if s.value.trim().is_empty() {
                r.error(
                    &s.span,
                    &s.key,
                    "the SQLite path is empty; expected a file path such as \"chatops.db\"",
                );
                fallback
            } else if s.value == ":memory:" {
                Store::Sqlite(s.value.into())
            } else {
                Store::Sqlite(config_dir.join(&s.value))
            }
        }
        (None, Some(p)) => match values::check_postgres_url(&p.value) {
            Ok(()) => Store::Postgres(p.value),
            Err(m) => {
                r.error(&p.span, &p.key, m);
                fallback
            }
        },
        (None, None) => {
            if !f.has("sqlite") && !f.has("postgres") {
                r.error(
                    &f.span,
                    "store",
                    "no store given; expected exactly one of `sqlite = \"FILE\"` or `postgres = \"URL\"`",
                );
            }
            fallback
        }
    }
}

fn head(r: &mut Reporter, f: &Fields, what: &str, check: fn(&str) -> Result<(), String>) -> Head {
    let name = f
        .req_str(r, "name", what)
        .and_then(|n| match check(&n.value) {
            Ok(()) => Some(n),
            Err(m) => {
                r.error(&n.span, &n.key, m);
                None
            }
        });
    Head { name }
}

/// Reads a string key that must be one of `choices`; returns its index.
fn choice(r: &mut Reporter, f: &Fields, key: &str, choices: &[&str]) -> Option<usize> {
    let value = f.opt_str(r, key)?;
    match choices.iter().position(|c| *c == value.value) {
        Some(i) => Some(i),
        None => {
            let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
            r.error(
                &value.span,
                &value.key,
                format!(
                    "`{}` is not a valid value; expected one of {}{}",
                    value.value,
                    quoted.join(", "),
                    did_you_mean(&value.value, choices.iter().copied())
                ),
            );
            None
        }
    }
}

fn checked(
    value: Option<Spanned<String>>,
    r: &mut Reporter,
    check: impl Fn(&str) -> Result<(), String>,
) -> Option<Spanned<String>> {
    let value = value?;
    match check(&value.value) {
        Ok(()) => Some(value),
        Err(m) => {
            r.error(&value.span, &value.key, m);
            None
        }
    }
}

fn non_empty(what: &'static str) -> impl Fn(&str) -> Result<(), String> {
    move |s: &str| {
        if s.trim().is_empty() {
            Err(format!("empty value; expected {what}"))
        } else {
            Ok(())
        }
    }
}

/// The values of `platform`, in [`PLATFORM_VALUES`] order.
const PLATFORMS: [Platform; 3] = [Platform::Slack, Platform::Web, Platform::Teams];
const PLATFORM_VALUES: [&str; 3] = ["slack", "web", "teams"];

fn read_workspace(r: &mut Reporter, f: &Fields) -> RawWorkspace {
    let head = head(r, f, "the workspace's name", values::check_identifier);
    let platform = if f.has("platform") {
        choice(r, f, "platform", &PLATFORM_VALUES).and_then(|i| PLATFORMS.get(i).copied())
    } else {
        f.missing(
            r,
            "platform",
            "the chat platform: \"slack\", \"web\" or \"teams\"",
        );
        None
    };
    let team_id = checked(
        f.opt_str(r, "team_id"),
        r,
        non_empty("a Slack team id such as \"T0123ABCD\""),
    );
    match (platform, &team_id) {
        (Some(Platform::Web), Some(t)) => r.error(
            &t.span,
            &t.key,
            "`team_id` is for Slack workspaces only; remove it or set platform = \"slack\"",
        ),
        (Some(Platform::Teams), Some(t)) => r.error(
            &t.span,
            &t.key,
            "`team_id` is for Slack workspaces only; a Teams workspace is named by its Azure AD tenant: tenant_id = \"GUID\"",
        ),
        _ => {}
    }
    let tenant_id = checked(f.opt_str(r, "tenant_id"), r, values::check_tenant_id);
    match (platform, &tenant_id) {
        (Some(Platform::Teams), None) if !f.has("tenant_id") => f.missing(
            r,
            "tenant_id",
            "the Azure AD (Microsoft Entra) tenant id of the Teams organisation, a GUID",
        ),
        (Some(p @ (Platform::Slack | Platform::Web)), Some(t)) => r.error(
            &t.span,
            &t.key,
            format!(
                "`tenant_id` is for Teams workspaces only; remove it or set platform = \"teams\" (this workspace is platform = \"{}\")",
                p.as_str()
            ),
        ),
        _ => {}
    }
    RawWorkspace {
        head,
        platform,
        team_id: team_id.map(|t| t.value),
        tenant_id: tenant_id.map(|t| Spanned {
            value: t.value.to_ascii_lowercase(),
            ..t
        }),
    }
}

fn read_account(r: &mut Reporter, f: &Fields, defaults: &Defaults) -> RawAccount {
    let head = head(
        r,
        f,
        "the account's name, used in chat",
        values::check_identifier,
    );
    let id = match f.get("id").map(|e| &e.value) {
        Some(Node {
            kind: Kind::Integer(n),
            span,
        }) => {
            r.error(
                span,
                &f.key("id"),
                format!("expected the account id as a string of 12 digits, found an integer; quote it: id = \"{n:012}\""),
            );
            None
        }
        _ => checked(
            f.req_str(r, "id", "the 12-digit AWS account id"),
            r,
            values::check_account_id,
        ),
    };
    let region = checked(f.opt_str(r, "region"), r, values::check_region);
    let role_arn = f.opt_str(r, "role_arn").and_then(|arn| match values::parse_role_arn(&arn.value) {
        Ok(parsed) => {
            if let Some(id) = &id {
                if parsed.account != id.value {
                    r.error(
                        &arn.span,
                        &arn.key,
                        format!(
                            "the role is in account {}, but this account's id is {}; expected a role in the same account",
                            parsed.account, id.value
                        ),
                    );
                }
            }
            Some(arn)
        }
        Err(m) => {
            r.error(&arn.span, &arn.key, m);
            None
        }
    });
    let endpoint = checked(f.opt_str(r, "endpoint"), r, values::check_http_url);
    RawAccount {
        head,
        id: id.map(|i| i.value),
        region: Some(region.map_or_else(|| defaults.region.clone(), |r| r.value)),
        role_arn,
        endpoint: endpoint.map(|e| e.value),
    }
}

fn read_policy(r: &mut Reporter, f: &Fields) -> RawPolicy {
    let head = head(
        r,
        f,
        "the policy's name, used in guardrails and roles",
        values::check_label,
    );
    let file = checked(
        f.opt_str(r, "file"),
        r,
        non_empty("a path to a policy JSON file"),
    );
    let document = checked(
        f.opt_str(r, "document"),
        r,
        non_empty("a policy JSON document"),
    );
    let source = match (file, document) {
        (Some(_), Some(d)) => {
            r.error(
                &d.span,
                &f.path,
                "both `file` and `document` are set; expected exactly one",
            );
            None
        }
        (Some(file), None) => Some(PolicySource::File(file)),
        (None, Some(doc)) => Some(PolicySource::Inline(doc)),
        (None, None) => {
            if !f.has("file") && !f.has("document") {
                r.error(
                    &f.span,
                    &f.path,
                    "the policy has neither `file` nor `document`; expected exactly one: file = \"policies/NAME.json\" or document = '''{...}'''",
                );
            }
            None
        }
    };
    RawPolicy { head, source }
}

fn read_role(r: &mut Reporter, f: &Fields) -> RawRole {
    let head = head(
        r,
        f,
        "the role's name, used in channels and chat",
        values::check_identifier,
    );
    let role_arn =
        f.opt_str(r, "role_arn")
            .and_then(|arn| match values::parse_role_arn(&arn.value) {
                Ok(_) => Some(arn),
                Err(m) => {
                    r.error(&arn.span, &arn.key, m);
                    None
                }
            });
    let policies = f
        .opt_str_list(r, "policies")
        .map(|l| l.value)
        .unwrap_or_default();
    let account = f.opt_str(r, "account");
    RawRole {
        head,
        role_arn,
        policies,
        account,
    }
}

fn read_channel(r: &mut Reporter, f: &Fields) -> RawChannel {
    let head = head(r, f, "the channel's display name", values::check_label);
    let workspace = f.req_str(r, "workspace", "the name of a [[workspaces]] entry");
    let platform_id = checked(
        f.req_str(
            r,
            "platform_id",
            "the chat platform's channel id, such as \"C0123ABCD\"",
        ),
        r,
        non_empty("the chat platform's channel id"),
    );
    let accounts = match f.opt_str_list(r, "accounts") {
        Some(list) if list.value.is_empty() => {
            r.error(
                &list.span,
                &list.key,
                "no accounts; expected at least one [[accounts]] name",
            );
            Vec::new()
        }
        Some(list) => list.value,
        None => {
            if !f.has("accounts") {
                f.missing(
                    r,
                    "accounts",
                    "the names of the [[accounts]] this channel may use",
                );
            }
            Vec::new()
        }
    };
    let role_setting = if f.has("role_setting") {
        choice(r, f, "role_setting", &["channel", "user"]).map(|i| {
            if i == 0 {
                RoleSetting::Channel
            } else {
                RoleSetting::User
            }
        })
    } else {
        f.missing(
            r,
            "role_setting",
            "\"channel\" to run commands as the channel role, or \"user\" for each user's own role",
        );
        None
    };
    let channel_role = f.opt_str(r, "channel_role");
    let user_roles = f.opt_str_list(r, "user_roles");
    let require_user_role = f.opt_bool(r, "require_user_role");
    let guardrails = f.opt_str_list(r, "guardrails").map(|l| l.value);
    let confirm_by =
        choice(r, f, "confirm_by", &["asker", "anyone"]).map_or(ConfirmBy::Asker, |i| {
            if i == 0 {
                ConfirmBy::Asker
            } else {
                ConfirmBy::Anyone
            }
        });

    if role_setting == Some(RoleSetting::Channel)
        && channel_role.is_none()
        && !f.has("channel_role")
    {
        r.error(
            &f.span,
            &f.key("channel_role"),
            "missing `channel_role`: required when role_setting = \"channel\"; expected the name of a [[roles]] entry",
        );
    }
    let user_roles_mistyped = f.has("user_roles") && user_roles.is_none();
    let no_user_roles = user_roles.as_ref().is_none_or(|l| l.value.is_empty());
    if no_user_roles && !user_roles_mistyped {
        let (span, key) = match &user_roles {
            Some(l) => (l.span.clone(), l.key.clone()),
            None => (f.span.clone(), f.key("user_roles")),
        };
        if role_setting == Some(RoleSetting::User) {
            r.error(
                &span,
                &key,
                "no user roles: role_setting = \"user\" needs at least one [[roles]] name users may choose",
            );
        } else if require_user_role.as_ref().is_some_and(|b| b.value) {
            r.error(
                &span,
                &key,
                "no user roles: require_user_role = true needs at least one [[roles]] name users may choose",
            );
        }
    }
    RawChannel {
        head,
        workspace,
        platform_id,
        accounts,
        role_setting,
        channel_role,
        user_roles: user_roles.map(|l| l.value).unwrap_or_default(),
        require_user_role: require_user_role.is_some_and(|b| b.value),
        guardrails,
        confirm_by,
    }
}

fn read_user(r: &mut Reporter, f: &Fields) -> RawUser {
    let head = head(r, f, "the user's name", values::check_label);
    let token = checked(
        f.req_str(
            r,
            "token",
            "the user's sign-in token, at least 16 characters",
        ),
        r,
        |t| {
            if t.chars().count() < 16 {
                Err("the token is too short; expected at least 16 characters (e.g. from `openssl rand -hex 16`)".to_string())
            } else if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Err(
                    "the token contains whitespace; expected letters, digits and symbols only"
                        .to_string(),
                )
            } else {
                Ok(())
            }
        },
    );
    let channels = f.opt_str_list(r, "channels");
    RawUser {
        head,
        token,
        channels,
    }
}

/// `[notify]`: the built-in defaults, overridden by what the file sets.
fn read_notify(r: &mut Reporter, top: &Fields) -> NotifySettings {
    let mut notify = NotifySettings::default();
    let Some(entry) = top.get("notify") else {
        return notify;
    };
    let Some(f) = Fields::new(
        r,
        &entry.value,
        "notify",
        &[
            "fold_window",
            "new_thread_after",
            "rate_per_minute",
            "max_age",
            "show_unsupported",
            "chart_window",
        ],
    ) else {
        return notify;
    };
    if let Some(d) = duration(r, &f, "fold_window") {
        notify.fold_window = d;
    }
    if let Some(d) = duration(r, &f, "new_thread_after") {
        notify.new_thread_after = d;
    }
    if let Some(d) = duration(r, &f, "max_age") {
        notify.max_age = d;
    }
    if let Some(d) = duration(r, &f, "chart_window") {
        notify.chart_window = d;
    }
    if let Some(entry) = f.get("rate_per_minute") {
        let key = f.key("rate_per_minute");
        match &entry.value.kind {
            Kind::Integer(n) => match u32::try_from(*n) {
                Ok(n) => notify.rate_per_minute = n,
                Err(_) => r.error(
                    &entry.value.span,
                    &key,
                    format!("{n} is out of range; expected a whole number of notifications per minute, 0 (no limit) or more"),
                ),
            },
            other => r.error(
                &entry.value.span,
                &key,
                format!(
                    "expected a whole number of notifications per minute (0 = no limit), found {}",
                    other.describe()
                ),
            ),
        }
    }
    if let Some(b) = f.opt_bool(r, "show_unsupported") {
        notify.show_unsupported = b.value;
    }
    notify
}

fn read_route(r: &mut Reporter, f: &Fields) -> RawRoute {
    let head = Head {
        name: checked(f.opt_str(r, "name"), r, values::check_label),
    };
    let topic = f.opt_str(r, "topic_arn");
    let queue = f.opt_str(r, "queue_url");
    let raw_delivery = f.opt_bool(r, "raw_delivery");
    let source = match (topic, queue) {
        (Some(_), Some(q)) => {
            r.error(
                &q.span,
                &f.path,
                "both `topic_arn` and `queue_url` are set; expected exactly one: the topic that delivers to POST /sns, or the queue to poll",
            );
            None
        }
        (Some(arn), None) => {
            if let Some(raw) = &raw_delivery {
                r.error(
                    &raw.span,
                    &raw.key,
                    "`raw_delivery` is for `queue_url` routes only (how the queue's subscription delivers); remove it",
                );
            }
            match values::parse_topic_arn(&arn.value) {
                Ok(parsed) => Some(RawSource::Topic {
                    arn,
                    account_id: parsed.account,
                }),
                Err(m) => {
                    r.error(&arn.span, &arn.key, m);
                    None
                }
            }
        }
        (None, Some(url)) => match values::parse_queue_url(&url.value) {
            Ok(parsed) => Some(RawSource::Queue {
                url,
                account_id: parsed.account,
                raw: raw_delivery.as_ref().is_some_and(|b| b.value),
            }),
            Err(m) => {
                r.error(&url.span, &url.key, m);
                None
            }
        },
        (None, None) => {
            if !f.has("topic_arn") && !f.has("queue_url") {
                r.error(
                    &f.span,
                    &f.path,
                    "the route has neither `topic_arn` nor `queue_url`; expected exactly one: topic_arn = \"arn:aws:sns:REGION:ACCOUNT:TOPIC\" or queue_url = \"https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE\"",
                );
            }
            None
        }
    };
    let account = f.opt_str(r, "account");
    let channels = match f.opt_str_list(r, "channels") {
        Some(list) if list.value.is_empty() => {
            r.error(
                &list.span,
                &list.key,
                "no channels; expected at least one [[channels]] name",
            );
            Vec::new()
        }
        Some(list) => list.value,
        None => {
            if !f.has("channels") {
                f.missing(
                    r,
                    "channels",
                    "the names of the [[channels]] these notifications go to",
                );
            }
            Vec::new()
        }
    };
    let verify_signatures = f.opt_bool(r, "verify_signatures");
    let filter = NotificationFilter {
        sources: filter_list(r, f, "sources", |s| {
            word(s, "a notification source such as \"cloudwatch.alarm\", \"aws.guardduty\" or \"custom\"")
        }),
        detail_types: filter_list(r, f, "detail_types", |s| {
            non_empty("an EventBridge detail-type such as \"GuardDuty Finding\"")(s)
        }),
        names: filter_list(r, f, "names", |s| {
            non_empty("an alarm name or a pattern with * and ?, such as \"orders-*\"")(s)
        }),
        states: filter_list(r, f, "states", values::check_state),
        accounts: filter_list(r, f, "accounts", values::check_account_id),
        regions: filter_list(r, f, "regions", values::check_region),
        min_severity: choice(r, f, "min_severity", &SEVERITIES)
            .and_then(|i| SEVERITIES.get(i))
            .map(|s| s.to_string()),
    };
    RawRoute {
        head,
        path: f.path.clone(),
        span: f.span.clone(),
        source,
        account,
        channels,
        verify_signatures,
        filter,
    }
}

/// The severities of `min_severity`, lowest first.
const SEVERITIES: [&str; 5] = ["informational", "low", "medium", "high", "critical"];

/// A filter's list: every value checked, the bad ones reported and left out.
fn filter_list(
    r: &mut Reporter,
    f: &Fields,
    key: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Vec<String> {
    f.opt_str_list(r, key)
        .map(|list| {
            list.value
                .into_iter()
                .filter_map(|v| checked(Some(v), r, &check).map(|v| v.value))
                .collect()
        })
        .unwrap_or_default()
}

/// One word: not empty, no whitespace.
fn word(text: &str, what: &str) -> Result<(), String> {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!("`{text}` is not one word; expected {what}"))
    } else {
        Ok(())
    }
}

/// A `[[actions]]` entry as read.
pub(crate) struct RawAction {
    pub head: Head,
    pub button_text: Option<Spanned<String>>,
    pub command: Option<Spanned<String>>,
    pub notification_type: Option<String>,
    pub criteria: Vec<crate::model::Criterion>,
    pub channels: Vec<Spanned<String>>,
}

/// The notification types of `[[actions]]`.
pub(crate) const NOTIFICATION_TYPES: [&str; 4] = ["CloudWatch", "Custom", "Event", "Any"];

fn read_action(r: &mut Reporter, f: &Fields) -> RawAction {
    let head = head(
        r,
        f,
        "the action's name: 1–64 letters, digits, - and _",
        |n| {
            if !n.is_empty()
                && n.chars().count() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                Ok(())
            } else {
                Err(format!(
                    "invalid action name `{n}`; expected 1–64 letters, digits, - and _"
                ))
            }
        },
    );
    let button_text = checked(
        f.req_str(r, "button_text", "the button's label, 1–50 characters"),
        r,
        |t| match t.trim().chars().count() {
            0 => Err("the button text is empty; expected 1–50 characters".to_string()),
            n if n > 50 => Err(format!(
                "the button text has {n} characters; expected at most 50"
            )),
            _ => Ok(()),
        },
    );
    let command = checked(
        f.req_str(
            r,
            "command",
            "the command the button runs, with $Variables from the notification",
        ),
        r,
        non_empty("the command the button runs"),
    );
    let notification_type = choice(r, f, "notification_type", &NOTIFICATION_TYPES)
        .and_then(|i| NOTIFICATION_TYPES.get(i))
        .map(|s| s.to_string());
    if !f.has("notification_type") {
        f.missing(
            r,
            "notification_type",
            "which notifications get the button: CloudWatch, Custom, Event or Any",
        );
    }
    let mut criteria = Vec::new();
    if let Some(list) = f.opt_str_list(r, "criteria") {
        if list.value.len() > 5 {
            r.error(
                &list.span,
                &list.key,
                format!("{} criteria; expected at most 5", list.value.len()),
            );
        }
        for c in &list.value {
            match parse_criterion(&c.value) {
                Ok(parsed) => criteria.push(parsed),
                Err(m) => r.error(&c.span, &c.key, m),
            }
        }
    }
    let channels = f
        .opt_str_list(r, "channels")
        .map(|l| l.value)
        .unwrap_or_default();
    RawAction {
        head,
        button_text,
        command,
        notification_type,
        criteria,
        channels,
    }
}

/// `Variable EQUALS value` or `Variable HAS_VALUE`.
fn parse_criterion(text: &str) -> Result<crate::model::Criterion, String> {
    use crate::model::Criterion;
    let mut words = text.trim().splitn(3, char::is_whitespace);
    let variable = words
        .next()
        .unwrap_or("")
        .trim_start_matches('$')
        .to_string();
    let op = words.next().unwrap_or("");
    let rest = words.next().unwrap_or("").trim();
    let valid_var = !variable.is_empty()
        && variable.chars().count() <= 100
        && variable
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_var {
        return Err(format!(
            "criterion `{text}`: expected `Variable EQUALS value` or `Variable HAS_VALUE`, the variable made of letters, digits, - and _"
        ));
    }
    match (op, rest) {
        ("EQUALS", v) if !v.is_empty() && v.chars().count() <= 1024 => Ok(Criterion::Equals {
            variable,
            value: v.to_string(),
        }),
        ("HAS_VALUE", "") => Ok(Criterion::HasValue { variable }),
        _ => Err(format!(
            "criterion `{text}`: expected `{variable} EQUALS <value>` or `{variable} HAS_VALUE`"
        )),
    }
}
