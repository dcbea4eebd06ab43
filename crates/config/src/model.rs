//! The resolved configuration: every reference checked, defaults applied,
//! durations parsed, custom policy documents read. Lookups for the authorizer.

use std::path::PathBuf;
use std::time::Duration;

/// The loaded, validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it was loaded from.
    pub path: PathBuf,
    pub defaults: Defaults,
    pub store: Store,
    pub workspaces: Vec<Workspace>,
    pub accounts: Vec<Account>,
    pub policies: Vec<CustomPolicy>,
    pub roles: Vec<Role>,
    pub channels: Vec<Channel>,
    pub users: Vec<User>,
}

/// `[defaults]`, with the built-in defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// Region for accounts that name none. Default `us-east-1`.
    pub region: String,
    /// How long a channel remembers its chosen account. Default 7 days.
    pub default_account_ttl: Duration,
    /// How long a command waits for missing input or confirmation. Default 10 minutes.
    pub pending_ttl: Duration,
}

impl Defaults {
    pub const REGION: &'static str = "us-east-1";
    pub const DEFAULT_ACCOUNT_TTL: Duration = Duration::from_secs(7 * 86_400);
    pub const PENDING_TTL: Duration = Duration::from_secs(600);
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            region: Self::REGION.to_string(),
            default_account_ttl: Self::DEFAULT_ACCOUNT_TTL,
            pending_ttl: Self::PENDING_TTL,
        }
    }
}

/// `[store]`: where conversations, accounts chosen and the audit log live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Store {
    /// An SQLite file, resolved against the config file's folder (or `:memory:`).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

/// Chat platform of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Slack,
    Web,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Web => "web",
        }
    }
}

/// `[[workspaces]]`: one chat workspace (a Slack team, or the built-in web chat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub name: String,
    pub platform: Platform,
    /// Slack team id (`T…`), when given.
    pub team_id: Option<String>,
}

/// `[[accounts]]`: an AWS account commands may run in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    /// 12-digit account id.
    pub id: String,
    /// The account's own region, else `[defaults] region`.
    pub region: String,
    /// Role assumed for commands in this account when the channel/user role names none.
    pub role_arn: Option<String>,
    /// Endpoint URL for an emulator (e.g. moto), when given.
    pub endpoint: Option<String>,
}

/// A policy named in the configuration: a built-in of the policy engine or a `[[policies]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PolicyRef {
    Builtin(String),
    Custom(String),
}

impl PolicyRef {
    pub fn name(&self) -> &str {
        match self {
            PolicyRef::Builtin(n) | PolicyRef::Custom(n) => n,
        }
    }
}

/// `[[policies]]`: a custom policy with its document text (read from `file` or inline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomPolicy {
    pub name: String,
    /// The policy JSON.
    pub document: String,
    /// The file it was read from, resolved against the config file's folder; `None` when inline.
    pub file: Option<PathBuf>,
}

/// `[[roles]]`: a role users may choose or channels use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub role_arn: Option<String>,
    /// The role's own policies, where the config holds them.
    pub policies: Vec<PolicyRef>,
    /// The account the role belongs to, when given.
    pub account: Option<String>,
}

/// Whether a channel's commands run as the channel's role or each user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoleSetting {
    Channel,
    User,
}

/// Who may confirm a command that changes things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConfirmBy {
    /// Only the user who asked (the default).
    #[default]
    Asker,
    /// Anyone in the channel.
    Anyone,
}

/// A channel's guardrails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guardrails {
    /// None configured: the policy engine's protection policy applies.
    Protection,
    /// These policies; an action passes when one allows it and none denies it.
    Policies(Vec<PolicyRef>),
}

/// `[[channels]]`: a chat channel and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Display name (unique in the file).
    pub name: String,
    /// The `[[workspaces]]` entry's name.
    pub workspace: String,
    /// The chat platform's channel id.
    pub platform_id: String,
    /// Names of `[[accounts]]` entries, in the order given; the first is the default.
    pub accounts: Vec<String>,
    pub role_setting: RoleSetting,
    /// Name of a `[[roles]]` entry.
    pub channel_role: Option<String>,
    /// Names of `[[roles]]` entries users may choose.
    pub user_roles: Vec<String>,
    /// When true, a user must have chosen a role of their own; the channel role is no fallback.
    pub require_user_role: bool,
    pub guardrails: Guardrails,
    pub confirm_by: ConfirmBy,
}

/// `[[users]]`: a web-chat user and their sign-in token.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub token: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl Config {
    pub fn workspace(&self, name: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.name == name)
    }

    /// The Slack workspace with this team id.
    pub fn workspace_by_team_id(&self, team_id: &str) -> Option<&Workspace> {
        self.workspaces
            .iter()
            .find(|w| w.team_id.as_deref() == Some(team_id))
    }

    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    pub fn account_by_id(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// A `[[policies]]` entry by name.
    pub fn policy(&self, name: &str) -> Option<&CustomPolicy> {
        self.policies.iter().find(|p| p.name == name)
    }

    /// The document of a custom policy reference; `None` for built-ins.
    pub fn policy_document(&self, policy: &PolicyRef) -> Option<&str> {
        match policy {
            PolicyRef::Custom(name) => self.policy(name).map(|p| p.document.as_str()),
            PolicyRef::Builtin(_) => None,
        }
    }

    /// A channel by its display name.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// A channel by workspace name and the platform's channel id.
    pub fn channel_by_platform_id(&self, workspace: &str, platform_id: &str) -> Option<&Channel> {
        self.channels
            .iter()
            .find(|c| c.workspace == workspace && c.platform_id == platform_id)
    }

    /// The channel's accounts, in the order the config lists them.
    pub fn channel_accounts<'a>(
        &'a self,
        channel: &'a Channel,
    ) -> impl Iterator<Item = &'a Account> + 'a {
        channel.accounts.iter().filter_map(|n| self.account(n))
    }

    /// The channel's account with this name, when the channel may use it.
    pub fn channel_account(&self, channel: &Channel, name: &str) -> Option<&Account> {
        if channel.accounts.iter().any(|a| a == name) {
            self.account(name)
        } else {
            None
        }
    }

    /// The channel's role, when it has one.
    pub fn channel_role(&self, channel: &Channel) -> Option<&Role> {
        channel.channel_role.as_deref().and_then(|n| self.role(n))
    }

    /// The roles users of this channel may choose.
    pub fn user_roles<'a>(&'a self, channel: &'a Channel) -> impl Iterator<Item = &'a Role> + 'a {
        channel.user_roles.iter().filter_map(|n| self.role(n))
    }

    /// The web-chat user with this token.
    pub fn user_by_token(&self, token: &str) -> Option<&User> {
        self.users.iter().find(|u| u.token == token)
    }
}

impl Channel {
    /// The guardrail policies, or `None` when the protection policy applies.
    pub fn guardrail_policies(&self) -> Option<&[PolicyRef]> {
        match &self.guardrails {
            Guardrails::Protection => None,
            Guardrails::Policies(p) => Some(p),
        }
    }

    /// Whether users may pick `role` in this channel.
    pub fn allows_user_role(&self, role: &str) -> bool {
        self.user_roles.iter().any(|r| r == role)
    }
}
