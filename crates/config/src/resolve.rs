//! Checks what one section says about another (names unique, references known,
//! policies readable and valid) and builds the resolved [`Config`].

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::catalog::PolicyCatalog;
use crate::error::Reporter;
use crate::model::{
    Account, Channel, Config, CustomPolicy, Guardrails, NotificationRoute, NotificationSource,
    Platform, PolicyRef, Role, RoleSetting, User, Workspace,
};
use crate::reader::{did_you_mean, Spanned};
use crate::sections::{Head, PolicySource, RawRoute, RawSource, Sections};
use crate::values;

/// Names defined by one kind of entry, with the line each was first defined on.
struct Names {
    kind: &'static str,
    section: &'static str,
    first: HashMap<String, usize>,
}

impl Names {
    /// Records every entry's name; reports the second and later uses of one name.
    fn collect<'a>(
        r: &mut Reporter,
        kind: &'static str,
        section: &'static str,
        heads: impl Iterator<Item = &'a Head>,
    ) -> Names {
        let mut first = HashMap::new();
        for head in heads {
            let Some(name) = &head.name else { continue };
            if let Some(first_line) = earlier_use(r, &mut first, name.value.clone(), &name.span) {
                r.error(
                    &name.span,
                    &name.key,
                    format!(
                        "duplicate {kind} name `{}` (first defined on line {first_line}); expected each [[{section}]] name once",
                        name.value
                    ),
                );
            }
        }
        Names {
            kind,
            section,
            first,
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.first.contains_key(name)
    }

    /// Reports `reference` unless it names a known entry; returns whether it does.
    fn check(&self, r: &mut Reporter, reference: &Spanned<String>) -> bool {
        if self.contains(&reference.value) {
            return true;
        }
        let known = if self.first.is_empty() {
            format!("no [[{}]] entries are defined", self.section)
        } else {
            let mut names: Vec<&str> = self.first.keys().map(String::as_str).collect();
            names.sort_unstable();
            format!("expected one of: {}", names.join(", "))
        };
        r.error(
            &reference.span,
            &reference.key,
            format!(
                "unknown {} `{}`; {known}{}",
                self.kind,
                reference.value,
                did_you_mean(&reference.value, self.first.keys().map(String::as_str)),
            ),
        );
        false
    }
}

/// Records that `key` is used at `span`; when it was used before, the line of its first use.
fn earlier_use<K: Eq + Hash>(
    r: &Reporter,
    first: &mut HashMap<K, usize>,
    key: K,
    span: &Range<usize>,
) -> Option<usize> {
    match first.entry(key) {
        Entry::Occupied(e) => Some(*e.get()),
        Entry::Vacant(v) => {
            v.insert(r.line_of(span.start));
            None
        }
    }
}

pub(crate) fn resolve(
    r: &mut Reporter,
    s: Sections,
    path: &Path,
    config_dir: &Path,
    catalog: &dyn PolicyCatalog,
) -> Config {
    let workspace_names = Names::collect(
        r,
        "workspace",
        "workspaces",
        s.workspaces.iter().map(|w| &w.head),
    );
    let account_names =
        Names::collect(r, "account", "accounts", s.accounts.iter().map(|a| &a.head));
    let policy_names = Names::collect(r, "policy", "policies", s.policies.iter().map(|p| &p.head));
    let role_names = Names::collect(r, "role", "roles", s.roles.iter().map(|x| &x.head));
    let channel_names =
        Names::collect(r, "channel", "channels", s.channels.iter().map(|c| &c.head));
    let _user_names = Names::collect(r, "user", "users", s.users.iter().map(|u| &u.head));

    // A tenant is one Teams workspace: activities are matched to workspaces by tenant.
    let mut tenants = HashMap::new();
    for tenant in s.workspaces.iter().filter_map(|w| w.tenant_id.as_ref()) {
        if let Some(first) = earlier_use(r, &mut tenants, tenant.value.clone(), &tenant.span) {
            r.error(
                &tenant.span,
                &tenant.key,
                format!(
                    "tenant `{}` is already the tenant of the Teams workspace on line {first}; expected each tenant in one [[workspaces]] entry",
                    tenant.value
                ),
            );
        }
    }
    let workspaces: Vec<Workspace> = s
        .workspaces
        .into_iter()
        .filter_map(|w| {
            Some(Workspace {
                name: w.head.name?.value,
                platform: w.platform?,
                team_id: w.team_id,
                tenant_id: w.tenant_id.map(|t| t.value),
            })
        })
        .collect();

    let accounts: Vec<Account> = s
        .accounts
        .into_iter()
        .filter_map(|a| {
            Some(Account {
                name: a.head.name?.value,
                id: a.id?,
                region: a.region.unwrap_or_else(|| s.defaults.region.clone()),
                role_arn: a.role_arn.map(|x| x.value),
                endpoint: a.endpoint,
            })
        })
        .collect();

    let builtin_names = catalog.builtin_names();
    let mut policies = Vec::new();
    for p in s.policies {
        if let Some(name) = &p.head.name {
            if builtin_names.iter().any(|b| b == &name.value) {
                r.error(
                    &name.span,
                    &name.key,
                    format!(
                        "`{}` is the name of a built-in policy; expected a name of your own for a custom policy",
                        name.value
                    ),
                );
            }
        }
        let document = match &p.source {
            Some(PolicySource::File(file)) => read_policy_file(r, file, config_dir, catalog),
            Some(PolicySource::Inline(doc)) => match catalog.validate_document(&doc.value) {
                Ok(()) => Some((doc.value.clone(), None)),
                Err(m) => {
                    r.error(&doc.span, &doc.key, format!("invalid policy document: {m}"));
                    None
                }
            },
            None => None,
        };
        if let (Some(name), Some((document, file))) = (p.head.name, document) {
            policies.push(CustomPolicy {
                name: name.value,
                document,
                file,
            });
        }
    }

    let policy_ref = |r: &mut Reporter, name: &Spanned<String>| -> Option<PolicyRef> {
        if policy_names.contains(&name.value) {
            Some(PolicyRef::Custom(name.value.clone()))
        } else if catalog.is_builtin(&name.value) {
            Some(PolicyRef::Builtin(name.value.clone()))
        } else {
            let candidates = builtin_names
                .iter()
                .map(String::as_str)
                .chain(policy_names.first.keys().map(String::as_str));
            r.error(
                &name.span,
                &name.key,
                format!(
                    "unknown policy `{}`; expected a built-in policy name or the name of a [[policies]] entry{}",
                    name.value,
                    did_you_mean(&name.value, candidates)
                ),
            );
            None
        }
    };

    let account_ids: HashMap<&str, &str> = accounts
        .iter()
        .map(|a| (a.name.as_str(), a.id.as_str()))
        .collect();
    let mut role_accounts: HashMap<String, String> = HashMap::new();
    let mut roles = Vec::new();
    for role in &s.roles {
        let policies: Vec<PolicyRef> = role
            .policies
            .iter()
            .filter_map(|p| policy_ref(r, p))
            .collect();
        if let Some(account) = &role.account {
            if account_names.check(r, account) {
                if let (Some(arn), Some(id)) =
                    (&role.role_arn, account_ids.get(account.value.as_str()))
                {
                    if let Ok(parsed) = values::parse_role_arn(&arn.value) {
                        if parsed.account != *id {
                            r.error(
                                &arn.span,
                                &arn.key,
                                format!(
                                    "the role is in account {}, but its account `{}` has id {id}; expected a role in that account",
                                    parsed.account, account.value
                                ),
                            );
                        }
                    }
                }
            }
        }
        let Some(name) = &role.head.name else {
            continue;
        };
        if let Some(account) = &role.account {
            role_accounts.insert(name.value.clone(), account.value.clone());
        }
        roles.push(Role {
            name: name.value.clone(),
            role_arn: role.role_arn.as_ref().map(|a| a.value.clone()),
            policies,
            account: role.account.as_ref().map(|a| a.value.clone()),
        });
    }

    let mut channels = Vec::new();
    let mut platform_ids: HashMap<(String, String), usize> = HashMap::new();
    for c in s.channels {
        if let Some(ws) = &c.workspace {
            workspace_names.check(r, ws);
            let platform = workspaces
                .iter()
                .find(|w| w.name == ws.value)
                .map(|w| w.platform);
            if let (Some(Platform::Teams), Some(pid)) = (platform, &c.platform_id) {
                if let Err(m) = values::check_teams_conversation_id(&pid.value) {
                    r.error(&pid.span, &pid.key, m);
                }
            }
            if let Some(pid) = &c.platform_id {
                let key = (ws.value.clone(), pid.value.clone());
                if let Some(first) = earlier_use(r, &mut platform_ids, key, &pid.span) {
                    r.error(
                        &pid.span,
                        &pid.key,
                        format!(
                            "channel id `{}` of workspace `{}` is already configured on line {first}; expected each channel once",
                            pid.value, ws.value
                        ),
                    );
                }
            }
        }
        let mut seen = Vec::new();
        for account in &c.accounts {
            if seen.contains(&account.value) {
                r.error(
                    &account.span,
                    &account.key,
                    format!(
                        "account `{}` is listed twice; expected each account once",
                        account.value
                    ),
                );
            }
            seen.push(account.value.clone());
            account_names.check(r, account);
        }
        let check_role = |r: &mut Reporter, role: &Spanned<String>| {
            if !role_names.check(r, role) {
                return;
            }
            if let Some(account) = role_accounts.get(&role.value) {
                if !c.accounts.is_empty() && !c.accounts.iter().any(|a| &a.value == account) {
                    r.error(
                        &role.span,
                        &role.key,
                        format!(
                            "role `{}` belongs to account `{account}`, which this channel's `accounts` does not list; expected a role of one of the channel's accounts",
                            role.value
                        ),
                    );
                }
            }
        };
        if let Some(role) = &c.channel_role {
            check_role(r, role);
        }
        for role in &c.user_roles {
            check_role(r, role);
        }
        let guardrails = match &c.guardrails {
            None => Guardrails::Protection,
            Some(list) if list.is_empty() => Guardrails::Protection,
            Some(list) => {
                Guardrails::Policies(list.iter().filter_map(|g| policy_ref(r, g)).collect())
            }
        };
        let (Some(name), Some(workspace), Some(platform_id), Some(role_setting)) =
            (c.head.name, c.workspace, c.platform_id, c.role_setting)
        else {
            continue;
        };
        if role_setting == RoleSetting::Channel && c.channel_role.is_none() {
            continue;
        }
        channels.push(Channel {
            name: name.value,
            workspace: workspace.value,
            platform_id: platform_id.value,
            accounts: c.accounts.into_iter().map(|a| a.value).collect(),
            role_setting,
            channel_role: c.channel_role.map(|x| x.value),
            user_roles: c.user_roles.into_iter().map(|x| x.value).collect(),
            require_user_role: c.require_user_role,
            guardrails,
            confirm_by: c.confirm_by,
        });
    }

    let mut tokens: HashMap<String, usize> = HashMap::new();
    let mut users = Vec::new();
    for u in s.users {
        let Some(token) = u.token else { continue };
        let line = r.line_of(token.span.start);
        if let Some(first) = tokens.get(&token.value) {
            r.error(
                &token.span,
                &token.key,
                format!("this token is already used by the user on line {first}; expected a different token for each user"),
            );
            continue;
        }
        tokens.insert(token.value.clone(), line);
        let member_of = u
            .channels
            .map(|list| web_channels_of(r, list, &channel_names, &channels, &workspaces));
        if let Some(name) = u.head.name {
            users.push(User {
                name: name.value,
                token: token.value,
                channels: member_of,
            });
        }
    }

    let notifications = resolve_routes(
        r,
        s.notifications,
        &accounts,
        &account_names,
        &channel_names,
    );
    let actions = resolve_actions(r, s.actions, &channel_names);
    Config {
        path: path.to_path_buf(),
        defaults: s.defaults,
        store: s.store,
        workspaces,
        accounts,
        policies,
        roles,
        channels,
        users,
        notifications,
        notify: s.notify,
        actions,
        limits: s.limits,
    }
}

/// A `[[users]]` entry's `channels`: each a known channel, of a web workspace, listed once.
fn web_channels_of(
    r: &mut Reporter,
    list: Spanned<Vec<Spanned<String>>>,
    channel_names: &Names,
    channels: &[Channel],
    workspaces: &[Workspace],
) -> Vec<String> {
    if list.value.is_empty() {
        r.error(
            &list.span,
            &list.key,
            "no channels; expected at least one web [[channels]] name (without the `channels` key the user is a member of every web channel)",
        );
    }
    let mut out: Vec<String> = Vec::new();
    for c in list.value {
        if out.contains(&c.value) {
            r.error(
                &c.span,
                &c.key,
                format!(
                    "channel `{}` is listed twice; expected each channel once",
                    c.value
                ),
            );
            continue;
        }
        if !channel_names.check(r, &c) {
            continue;
        }
        let platform = channels
            .iter()
            .find(|ch| ch.name == c.value)
            .and_then(|ch| workspaces.iter().find(|w| w.name == ch.workspace))
            .map(|w| w.platform);
        if let Some(p) = platform.filter(|p| *p != Platform::Web) {
            r.error(
                &c.span,
                &c.key,
                format!(
                    "channel `{}` is in a {} workspace; web chat users can only be members of channels in workspaces with platform = \"web\"",
                    c.value,
                    p.as_str()
                ),
            );
            continue;
        }
        out.push(c.value);
    }
    out
}

/// The `[[actions]]` entries: names unique, channels known.
fn resolve_actions(
    r: &mut Reporter,
    raw: Vec<crate::sections::RawAction>,
    channel_names: &Names,
) -> Vec<crate::model::CustomAction> {
    // Reports the second and later uses of a name.
    Names::collect(r, "action", "actions", raw.iter().map(|a| &a.head));
    let mut out = Vec::new();
    for a in raw {
        for c in &a.channels {
            channel_names.check(r, c);
        }
        let (Some(name), Some(button_text), Some(command), Some(notification_type)) =
            (a.head.name, a.button_text, a.command, a.notification_type)
        else {
            continue;
        };
        out.push(crate::model::CustomAction {
            name: name.value,
            button_text: button_text.value,
            command: command.value,
            notification_type,
            criteria: a.criteria,
            channels: a.channels.into_iter().map(|c| c.value).collect(),
        });
    }
    out
}

/// The `[[notifications]]` entries: names unique, accounts and channels known, each route's
/// account found, and the routes of one topic or queue agreeing on how its messages are read.
fn resolve_routes(
    r: &mut Reporter,
    raw: Vec<RawRoute>,
    accounts: &[Account],
    account_names: &Names,
    channel_names: &Names,
) -> Vec<NotificationRoute> {
    let mut names: HashMap<String, usize> = HashMap::new();
    // Per topic ARN or queue URL: (verify_signatures, raw_delivery, line first seen).
    let mut sources: HashMap<String, (bool, bool, usize)> = HashMap::new();
    let mut routes = Vec::new();
    for route in raw {
        let (name, name_span, name_key) = match &route.head.name {
            Some(n) => (n.value.clone(), n.span.clone(), n.key.clone()),
            None => (route.path.clone(), route.span.clone(), route.path.clone()),
        };
        let line = r.line_of(name_span.start);
        if let Some(first) = names.get(&name) {
            r.error(
                &name_span,
                &name_key,
                format!(
                    "duplicate route name `{name}` (first used on line {first}); expected each [[notifications]] name once"
                ),
            );
        } else {
            names.insert(name.clone(), line);
        }

        let verify = route.verify_signatures.as_ref().is_none_or(|v| v.value);
        let account = route_account(r, &route, accounts, account_names);
        if let Some(source) = &route.source {
            let value = source.value();
            let raw_delivery = matches!(source, RawSource::Queue { raw: true, .. });
            let line = r.line_of(value.span.start);
            match sources.get(&value.value) {
                Some(&(first_verify, first_raw, first_line)) => {
                    if first_verify != verify {
                        let span = route
                            .verify_signatures
                            .as_ref()
                            .map_or(&value.span, |v| &v.span);
                        r.error(
                            span,
                            &format!("{}.verify_signatures", route.path),
                            format!(
                                "the route on line {first_line} reads the same {} with verify_signatures = {first_verify}; expected every route of one topic or queue to agree (signatures are checked before routing)",
                                source_kind(source)
                            ),
                        );
                    }
                    if first_raw != raw_delivery {
                        r.error(
                            &value.span,
                            &format!("{}.raw_delivery", route.path),
                            format!(
                                "the route on line {first_line} reads the same queue with raw_delivery = {first_raw}; expected every route of one queue to agree (its messages have one form)"
                            ),
                        );
                    }
                }
                None => {
                    sources.insert(value.value.clone(), (verify, raw_delivery, line));
                }
            }
        }

        let mut seen: Vec<&str> = Vec::new();
        for channel in &route.channels {
            if seen.contains(&channel.value.as_str()) {
                r.error(
                    &channel.span,
                    &channel.key,
                    format!(
                        "channel `{}` is listed twice; expected each channel once",
                        channel.value
                    ),
                );
            }
            seen.push(&channel.value);
            channel_names.check(r, channel);
        }

        let Some(source) = route.source else { continue };
        if route.channels.is_empty() {
            continue;
        }
        routes.push(NotificationRoute {
            name,
            source: match source {
                RawSource::Topic { arn, .. } => NotificationSource::Topic { arn: arn.value },
                RawSource::Queue { url, raw, .. } => NotificationSource::Queue {
                    url: url.value,
                    raw,
                },
            },
            account,
            channels: route.channels.into_iter().map(|c| c.value).collect(),
            verify_signatures: verify,
            filter: route.filter,
        });
    }
    routes
}

fn source_kind(source: &RawSource) -> &'static str {
    match source {
        RawSource::Topic { .. } => "topic",
        RawSource::Queue { .. } => "queue",
    }
}

/// The route's account: the one it names, else the only `[[accounts]]` entry with the id its
/// ARN or URL names. Several entries with that id (a real account and an emulator's, say)
/// are an error: the wrong credentials would confirm or poll. A queue route needs an
/// account (polling is a signed call); a topic route may go without (`config check` warns).
fn route_account(
    r: &mut Reporter,
    route: &RawRoute,
    accounts: &[Account],
    account_names: &Names,
) -> Option<String> {
    if let Some(named) = &route.account {
        return account_names.check(r, named).then(|| named.value.clone());
    }
    let source = route.source.as_ref()?;
    let id = source.account_id();
    let value = source.value();
    let same_id: Vec<&str> = accounts
        .iter()
        .filter(|a| a.id == id)
        .map(|a| a.name.as_str())
        .collect();
    match same_id.as_slice() {
        [one] => Some(one.to_string()),
        [] => {
            if let RawSource::Queue { .. } = source {
                r.error(
                    &value.span,
                    &value.key,
                    format!(
                        "no [[accounts]] entry has id {id} and the route names no `account`; expected account = \"NAME\" (polling the queue needs that account's credentials)"
                    ),
                );
            }
            None
        }
        several => {
            r.error(
                &value.span,
                &value.key,
                format!(
                    "several [[accounts]] have id {id} ({}); expected `account = \"NAME\"` naming the one whose credentials {} this route",
                    several.join(", "),
                    match source {
                        RawSource::Topic { .. } => "confirm the subscription of",
                        RawSource::Queue { .. } => "poll the queue of",
                    }
                ),
            );
            None
        }
    }
}

fn read_policy_file(
    r: &mut Reporter,
    file: &Spanned<String>,
    config_dir: &Path,
    catalog: &dyn PolicyCatalog,
) -> Option<(String, Option<PathBuf>)> {
    let full = config_dir.join(&file.value);
    let text = match std::fs::read_to_string(&full) {
        Ok(t) => t,
        Err(e) => {
            r.error(
                &file.span,
                &file.key,
                format!(
                    "cannot read policy file {}: {e}; expected a readable JSON file (paths are relative to the config file)",
                    full.display()
                ),
            );
            return None;
        }
    };
    match catalog.validate_document(&text) {
        Ok(()) => Some((text, Some(full))),
        Err(m) => {
            r.error(
                &file.span,
                &file.key,
                format!("invalid policy in {}: {m}", full.display()),
            );
            None
        }
    }
}
