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
    /// `[[notifications]]`: which SNS topics and SQS queues feed which channels.
    pub notifications: Vec<NotificationRoute>,
    /// `[notify]`: how notifications are threaded, folded and limited.
    pub notify: NotifySettings,
    /// `[[actions]]`: custom buttons on notifications.
    pub actions: Vec<CustomAction>,
    /// `[limits]`: flood control for commands and Slack pacing.
    pub limits: Limits,
}

/// `[[actions]]`: a button on notifications that runs a command with values of the
/// notification (`$AlarmName`, `$FunctionName`, …) through the normal conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomAction {
    /// 1–64 letters, digits, `-` and `_`; unique.
    pub name: String,
    /// The button's label (1–50 characters).
    pub button_text: String,
    /// The command, with `$Variable`s filled from the notification (a missing one is
    /// asked for when the button is pressed).
    pub command: String,
    /// Which notifications get it: `CloudWatch` (alarms), `Custom`, `Event` (EventBridge
    /// events) or `Any`.
    pub notification_type: String,
    /// All must hold (at most 5).
    pub criteria: Vec<Criterion>,
    /// The channels that show it (names); empty: every channel.
    pub channels: Vec<String>,
}

/// One condition of a custom action on a notification's variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Criterion {
    /// `Variable EQUALS value`: exactly this value.
    Equals { variable: String, value: String },
    /// `Variable HAS_VALUE`: present and not empty.
    HasValue { variable: String },
}

impl Criterion {
    pub fn variable(&self) -> &str {
        match self {
            Criterion::Equals { variable, .. } | Criterion::HasValue { variable } => variable,
        }
    }
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
    /// Microsoft Teams, through the Bot Framework.
    Teams,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Web => "web",
            Platform::Teams => "teams",
        }
    }
}

/// `[[workspaces]]`: one chat workspace (a Slack team, the built-in web chat, or a
/// Microsoft Teams tenant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub name: String,
    pub platform: Platform,
    /// Slack team id (`T…`), when given; Slack workspaces only.
    pub team_id: Option<String>,
    /// The Azure AD (Microsoft Entra) tenant id, a GUID in lowercase; Teams workspaces
    /// only, where it is required. Teams activities carry it in `channelData.tenant.id`
    /// (and `conversation.tenantId`).
    pub tenant_id: Option<String>,
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

/// `[[notifications]]`: one way notifications come in (an SNS topic delivering to
/// `POST /sns`, or an SQS queue the service polls) and the channels they go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRoute {
    /// `name`, else `notifications[i]` (for logs and `notifications test`).
    pub name: String,
    pub source: NotificationSource,
    /// The `[[accounts]]` entry whose credentials confirm subscriptions and poll the queue;
    /// when not given, the account whose id the topic ARN (or queue URL) names, if any.
    pub account: Option<String>,
    /// Channel display names (`[[channels]]` names), at least one.
    pub channels: Vec<String>,
    /// False only for emulators whose signatures cannot be checked (moto); `config check`
    /// warns about it.
    pub verify_signatures: bool,
    pub filter: NotificationFilter,
}

/// Where a route's notifications come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationSource {
    /// An SNS topic with an HTTP(S) subscription to `POST /sns`.
    Topic { arn: String },
    /// An SQS queue subscribed to topics; `raw` when the subscription delivers the message
    /// alone (RawMessageDelivery) instead of the SNS envelope. A raw message carries no SNS
    /// signature to check: what protects it is who may send to the queue (its policy).
    Queue { url: String, raw: bool },
}

impl NotificationSource {
    /// The topic ARN or the queue URL, as configured.
    pub fn location(&self) -> &str {
        match self {
            NotificationSource::Topic { arn } => arn,
            NotificationSource::Queue { url, .. } => url,
        }
    }

    /// The 12-digit account id the topic ARN or queue URL names (always there once the
    /// configuration loaded).
    pub fn account_id(&self) -> Option<String> {
        match self {
            NotificationSource::Topic { arn } => {
                crate::values::parse_topic_arn(arn).ok().map(|a| a.account)
            }
            NotificationSource::Queue { url, .. } => {
                crate::values::parse_queue_url(url).ok().map(|q| q.account)
            }
        }
    }

    /// The region the topic ARN names, or the queue URL's host names
    /// (`sqs.REGION.amazonaws.com`); `None` for an emulator's queue URL.
    pub fn region(&self) -> Option<String> {
        match self {
            NotificationSource::Topic { arn } => {
                crate::values::parse_topic_arn(arn).ok().map(|a| a.region)
            }
            NotificationSource::Queue { url, .. } => crate::values::parse_queue_url(url)
                .ok()
                .and_then(|q| q.region),
        }
    }
}

/// Optional filters of a route: an empty list lets everything through; a notification must
/// pass every non-empty one, and a notification that lacks the fact a filter looks at (no
/// name, no state, ...) does not pass it, except `min_severity`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationFilter {
    /// Kinds: `cloudwatch.alarm`, `custom`, an EventBridge source (`aws.guardduty`), or the
    /// names of the text formats (`cloudformation`, `budgets`). Compared ignoring ASCII case.
    pub sources: Vec<String>,
    /// EventBridge `detail-type`s (or custom `eventType`s), compared exactly.
    pub detail_types: Vec<String>,
    /// Name patterns (`*` any run, `?` one character) matched against the alarm name (or
    /// the notification's title), ignoring ASCII case.
    pub names: Vec<String>,
    /// Alarm states (`ALARM`, `OK`, `INSUFFICIENT_DATA`) or event statuses as the event
    /// writes them (`CREATE_FAILED`, `STOPPED`): any word is accepted, because event
    /// statuses are open-ended, but a near miss of an alarm state (`ALRAM`) is an error.
    /// Compared ignoring ASCII case.
    pub states: Vec<String>,
    /// 12-digit account ids.
    pub accounts: Vec<String>,
    /// Region codes.
    pub regions: Vec<String>,
    /// `informational`, `low`, `medium`, `high` or `critical`: findings below it are left out;
    /// notifications without a severity pass.
    pub min_severity: Option<String>,
}

/// A number of events per period, as `[limits]` writes it (`"20/1m"`): the size of a token
/// bucket that refills continuously, so `count` may come at once and then one every
/// `per / count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// At least 1.
    pub count: u32,
    /// Longer than zero.
    pub per: Duration,
}

impl Rate {
    /// `count` a minute.
    pub const fn per_minute(count: u32) -> Rate {
        Rate {
            count,
            per: Duration::from_secs(60),
        }
    }

    /// The rate as users read it: `20/min`, `100/h`, `5/10s`.
    pub fn describe(&self) -> String {
        format!("{}/{}", self.count, short_period(self.per))
    }

    /// The period in words, for "… in the last minute": `minute`, `hour`, `10 s`.
    pub fn period_words(&self) -> String {
        match self.per.as_secs() {
            1 => "second".into(),
            60 => "minute".into(),
            3600 => "hour".into(),
            86_400 => "day".into(),
            _ => short_period(self.per),
        }
    }
}

/// `min`, `h`, `10s`, `90s`: a period the way a rate's denominator is written.
fn short_period(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        1 => "s".into(),
        60 => "min".into(),
        3600 => "h".into(),
        86_400 => "d".into(),
        _ if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s.is_multiple_of(60) => format!("{}min", s / 60),
        _ => format!("{s}s"),
    }
}

/// `[limits]`, with the built-in defaults filled in. Every limit is kept in memory by each
/// `chatops serve` process: with several replicas behind a load balancer each applies them
/// on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Commands one user may start in one channel; `None` = no limit. Default 20/min.
    pub commands_per_user: Option<Rate>,
    /// Commands everyone together may start in one channel; `None` = no limit.
    /// Default 60/min.
    pub commands_per_channel: Option<Rate>,
    /// Whether Slack Web API calls are paced within Slack's rate tiers (a 429 is honoured
    /// either way). Default true; false only for a local Slack double under load tests.
    pub slack_pacing: bool,
}

impl Limits {
    pub const COMMANDS_PER_USER: Rate = Rate::per_minute(20);
    pub const COMMANDS_PER_CHANNEL: Rate = Rate::per_minute(60);
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            commands_per_user: Some(Self::COMMANDS_PER_USER),
            commands_per_channel: Some(Self::COMMANDS_PER_CHANNEL),
            slack_pacing: true,
        }
    }
}

/// `[notify]`, with the built-in defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySettings {
    /// Repeats of the same state within this window go into the thread, not the channel.
    /// Default 5 minutes.
    pub fold_window: Duration,
    /// A thread older than this is not continued: the next notification starts a new one.
    /// Default 24 hours.
    pub new_thread_after: Duration,
    /// Notifications per channel per minute before the rest are summarised. Default 20;
    /// 0 turns the limit off.
    pub rate_per_minute: u32,
    /// SNS messages with an older `Timestamp` are refused. Default 1 hour.
    pub max_age: Duration,
    /// Show a short "unsupported notification" note (with the raw JSON attached) for
    /// messages of no known format. Default true.
    pub show_unsupported: bool,
    /// How much of a metric an alarm's chart shows (alarm graphs and `describe-alarms`).
    /// Default 3 hours, the console's.
    pub chart_window: Duration,
}

impl NotifySettings {
    pub const FOLD_WINDOW: Duration = Duration::from_secs(300);
    pub const NEW_THREAD_AFTER: Duration = Duration::from_secs(86_400);
    pub const RATE_PER_MINUTE: u32 = 20;
    pub const MAX_AGE: Duration = Duration::from_secs(3_600);
    pub const CHART_WINDOW: Duration = Duration::from_secs(3 * 3_600);
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            fold_window: Self::FOLD_WINDOW,
            new_thread_after: Self::NEW_THREAD_AFTER,
            rate_per_minute: Self::RATE_PER_MINUTE,
            max_age: Self::MAX_AGE,
            show_unsupported: true,
            chart_window: Self::CHART_WINDOW,
        }
    }
}

/// `[[users]]`: a web-chat user and their sign-in token.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub token: String,
    /// The web channels (`[[channels]]` names in `platform = "web"` workspaces) the user is a
    /// member of: the only ones they see and post in. `None` (no `channels` key) is every
    /// web channel, as before memberships existed.
    pub channels: Option<Vec<String>>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("token", &"<redacted>")
            .field("channels", &self.channels)
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

    /// The Teams workspace of this Azure AD tenant (a GUID; compared ignoring case).
    pub fn workspace_by_tenant_id(&self, tenant_id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| {
            w.platform == Platform::Teams
                && w.tenant_id
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(tenant_id))
        })
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

    /// The `[[notifications]]` routes that list the channel named `channel`.
    pub fn routes_to<'a>(
        &'a self,
        channel: &'a str,
    ) -> impl Iterator<Item = &'a NotificationRoute> + 'a {
        self.notifications
            .iter()
            .filter(move |r| r.channels.iter().any(|c| c == channel))
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
