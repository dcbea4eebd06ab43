//! The terminal as a chat surface: `chatops run` and `chatops shell` type into the same
//! conversation engine as Slack and the web chat, as a user of one channel, and turn what the
//! engine answers into stdout, stderr and an exit code. Without `--config`, the terminal is a
//! channel of its own: one account on the operator's credentials and region, no role, no
//! guardrail but the always-deny list, no masking (the operator sees what `aws` would show).

use crate::exit;
use authz::resolve::ConfigCatalog;
use command::Catalog;
use config::{Channel, Config};
use engine::message::ActionId;
use engine::{Block, Engine, Event, Inbound, Options, Outbound, Outcome, Reply};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Options shared by `run` and `shell`.
#[derive(clap::Args, Clone, Default)]
pub struct SessionArgs {
    /// Region used when the command gives none (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1).
    #[arg(long)]
    pub region: Option<String>,
    /// The AWS endpoint to call (for emulators); an operator setting, never from chat.
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Answer a confirmation with Run.
    #[arg(long)]
    pub yes: bool,
    /// Print what would be sent, as JSON, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The configuration file; with --channel, commands are authorized as in that channel
    /// and run in its account, as its role (assumed with STS for the user).
    #[arg(long, requires = "channel")]
    pub config: Option<std::path::PathBuf>,
    /// The channel's name in the configuration.
    #[arg(long, requires = "config")]
    pub channel: Option<String>,
    /// The chat user asking (session name and source identity of the assumed role).
    #[arg(long, default_value = "cli")]
    pub user: String,
    /// The role the user has chosen, for channels with user roles.
    #[arg(long)]
    pub role: Option<String>,
    /// One of the channel's accounts, if not its first.
    #[arg(long)]
    pub account: Option<String>,
    /// Where charts (`cloudwatch describe-alarms`) are written as PNG files, each named on
    /// stderr as `chart: PATH`; default: a new temporary folder.
    #[arg(long)]
    pub charts_dir: Option<std::path::PathBuf>,
}

/// What the terminal prints for one line, and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Printed {
    pub fn error(stderr: impl Into<String>, code: i32) -> Printed {
        Printed {
            stdout: String::new(),
            stderr: stderr.into(),
            code,
        }
    }
}

/// The deadline for one command: `CHATOPS_DEADLINE_SECS`, else 15 s.
pub fn deadline() -> Duration {
    std::env::var("CHATOPS_DEADLINE_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(wire::client::DEFAULT_DEADLINE)
}

/// The operator's region for the terminal's own channel: `--region`, `AWS_REGION`,
/// `AWS_DEFAULT_REGION`, else us-east-1 (the AWS CLI's order).
fn operator_region(s: &SessionArgs) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|r| !r.is_empty());
    s.region
        .clone()
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// A TOML basic string (JSON's escapes are TOML's).
fn toml_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The terminal's own channel when no configuration is given.
fn operator_config(s: &SessionArgs) -> Result<Config, Printed> {
    let endpoint = s
        .endpoint_url
        .as_deref()
        .map(|e| format!("endpoint = {}\n", toml_str(e)))
        .unwrap_or_default();
    let source = format!(
        r#"[[workspaces]]
name = "terminal"
platform = "web"

[[accounts]]
name = "local"
id = "000000000000"
region = {region}
{endpoint}
[[roles]]
name = "operator"
policies = ["AdministratorAccess"]

[[channels]]
name = "terminal"
workspace = "terminal"
platform_id = "terminal"
accounts = ["local"]
role_setting = "channel"
channel_role = "operator"
guardrails = ["AdministratorAccess"]
"#,
        region = toml_str(&operator_region(s)),
    );
    config::load_str(
        &source,
        Path::new("(--region / --endpoint-url)"),
        &ConfigCatalog,
    )
    .map_err(|e| Printed::error(format!("error: {e}"), exit::BAD_LINE))
}

/// The configuration `--config` names, with `--endpoint-url` (an operator setting) replacing
/// every account's endpoint.
fn channel_config(path: &Path, s: &SessionArgs) -> Result<Config, Printed> {
    let mut cfg = config::load_with(path, &ConfigCatalog)
        .map_err(|e| Printed::error(e.to_string(), exit::FAILED))?;
    if let Some(url) = &s.endpoint_url {
        for a in &mut cfg.accounts {
            a.endpoint = Some(url.clone());
        }
    }
    Ok(cfg)
}

/// One user typing in one channel of an engine.
pub struct Terminal {
    engine: Engine,
    channel: Channel,
    user: String,
    /// The account to answer the engine's account question with.
    account: Option<String>,
    threads: AtomicU64,
    charts: Charts,
}

/// Where the terminal writes the charts of a reply (a terminal cannot show a picture).
struct Charts {
    dir: Option<std::path::PathBuf>,
    written: AtomicU64,
}

impl Charts {
    /// Writes every chart the reply's messages carry and returns `chart: PATH` lines (or
    /// says why one could not be written).
    fn save(&self, out: &[Outbound]) -> Vec<String> {
        use base64::Engine as _;
        let mut lines = Vec::new();
        for o in out {
            let Outbound::Post(m) = o else { continue };
            for b in &m.blocks {
                let Block::Image { url, .. } = b else {
                    continue;
                };
                let Some(data) = url.strip_prefix("data:image/png;base64,") else {
                    continue;
                };
                let dir = self.dir.clone().unwrap_or_else(|| {
                    std::env::temp_dir().join(format!("chatops-charts-{}", std::process::id()))
                });
                let n = self.written.fetch_add(1, Ordering::Relaxed) + 1;
                let path = dir.join(format!("chart-{n}.png"));
                let written = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .map_err(|e| e.to_string())
                    .and_then(|png| {
                        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                        std::fs::write(&path, png).map_err(|e| e.to_string())
                    });
                lines.push(match written {
                    Ok(()) => format!("chart: {}", path.display()),
                    Err(e) => format!("warning: cannot write chart {}: {e}", path.display()),
                });
            }
        }
        lines
    }
}

impl Terminal {
    /// The engine on the configured channel (or the operator's own), with an in-memory store
    /// holding the user's role.
    pub async fn open(cat: Arc<Catalog>, s: &SessionArgs) -> Result<Terminal, Printed> {
        let (cfg, channel_name, masker) = match (&s.config, &s.channel) {
            (Some(path), Some(name)) => (
                channel_config(path, s)?,
                name.clone(),
                engine::mask::Masker::default(),
            ),
            _ => (
                operator_config(s)?,
                "terminal".to_string(),
                engine::mask::Masker::new(Vec::new()),
            ),
        };
        let Some(ch) = cfg.channel(&channel_name).cloned() else {
            let names: Vec<&str> = cfg.channels.iter().map(|c| c.name.as_str()).collect();
            let file = s.config.as_deref().unwrap_or(Path::new("")).display();
            return Err(Printed::error(
                format!(
                    "error: no channel \"{channel_name}\" in {file} (channels: {})",
                    names.join(", ")
                ),
                exit::FAILED,
            ));
        };
        let store: Arc<dyn store::Store> = Arc::new(
            store::SqliteStore::in_memory()
                .map_err(|e| Printed::error(format!("error: {e}"), exit::FAILED))?,
        );
        if let Some(role) = &s.role {
            store
                .set_user_role(&ch.workspace, &ch.platform_id, &s.user, role, now_ms())
                .map_err(|e| Printed::error(format!("error: {e}"), exit::FAILED))?;
        }
        let account = s.account.clone().or_else(|| ch.accounts.first().cloned());
        // A dry run plans and sends nothing: the default credential chain (profile files,
        // certificates for SSO and IMDS) would only cost it milliseconds.
        let client = if s.dry_run {
            wire::client::Client::with_keys("", "")
        } else {
            wire::client::Client::from_environment().await
        };
        let runner = engine::Runner::new(cat.models.clone(), client, deadline());
        let opts = Options {
            masker,
            ..Options::default()
        };
        let engine = Engine::new(Arc::new(cfg), cat, store, runner, opts);
        Ok(Terminal {
            engine,
            channel: ch,
            user: s.user.clone(),
            account,
            threads: AtomicU64::new(0),
            charts: Charts {
                dir: s.charts_dir.clone(),
                written: AtomicU64::new(0),
            },
        })
    }

    /// How a call would be decided and routed here, without running it (`--dry-run`).
    pub async fn plan(&self, call: &command::Call) -> Option<authz::plan::Plan> {
        let ev = self.inbound(
            "",
            Event::Text {
                text: String::new(),
            },
        );
        self.engine
            .plan_call(&ev, self.account.as_deref(), call)
            .await
    }

    /// A thread of its own for each command, so answers go to its questions.
    pub fn new_thread(&self) -> String {
        format!("cli-{}", self.threads.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn inbound(&self, thread: &str, event: Event) -> Inbound {
        Inbound {
            workspace: self.channel.workspace.clone(),
            channel: self.channel.platform_id.clone(),
            thread: Some(thread.to_string()),
            user: self.user.clone(),
            user_name: None,
            event,
        }
    }

    /// Types a line (a command, or an answer in its thread).
    pub async fn type_line(&self, thread: &str, text: &str) -> Reply {
        let ev = self.inbound(
            thread,
            Event::Text {
                text: text.to_string(),
            },
        );
        self.engine.reply(&ev).await
    }

    /// Presses a button (Run, Cancel) of a command.
    pub async fn press(&self, thread: &str, action: &str, pending: &str) -> Reply {
        let ev = self.inbound(
            thread,
            Event::Action {
                message: None,
                action: action.to_string(),
                value: pending.to_string(),
            },
        );
        self.engine.reply(&ev).await
    }

    /// Answers the account question with `--account` (or the channel's first account), as
    /// `chatops run` cannot ask; `None` when there is nothing to answer.
    pub async fn answer_account(&self, thread: &str, reply: &Reply) -> Option<Reply> {
        match &reply.outcome {
            Some(Outcome::Asked { question, .. })
                if question.parameter == engine::outcome::ACCOUNT_QUESTION =>
            {
                let account = self.account.clone()?;
                Some(self.type_line(thread, &account).await)
            }
            _ => None,
        }
    }

    /// One message from start to end without a person to ask: the account is answered, a
    /// write runs only with `yes`; what is still needed ends the turn with exit code 4.
    pub async fn run_line(&self, text: &str, yes: bool) -> Printed {
        let thread = self.new_thread();
        let mut reply = self.type_line(&thread, text).await;
        if let Some(r) = self.answer_account(&thread, &reply).await {
            reply = r;
        }
        if let (true, Some(Outcome::AwaitingRun { pending, .. })) = (yes, &reply.outcome) {
            let pending = pending.clone();
            reply = self.press(&thread, ActionId::RUN, &pending).await;
        }
        let mut p = printed(&reply);
        let charts = self.charts.save(&reply.out);
        if !charts.is_empty() {
            if !p.stderr.is_empty() {
                p.stderr.push('\n');
            }
            p.stderr.push_str(&charts.join("\n"));
        }
        p
    }
}

fn now_ms() -> i64 {
    (engine::system_clock())()
}

/// How the missing parameters are described to the user.
pub fn describe_missing(call: &command::Call) -> String {
    let mut s = format!("{} {} needs more input:", call.service, call.cli_operation);
    for m in &call.missing {
        s.push_str(&format!("\n  {} ({})", m.option, m.type_name));
        if !m.enum_values.is_empty() {
            s.push_str(&format!(" one of: {}", m.enum_values.join(", ")));
        }
        let first = m.doc.lines().next().unwrap_or("");
        if !first.is_empty() {
            s.push_str(&format!("\n      {first}"));
        }
    }
    s
}

/// The refusal of a command.
pub fn denied(d: &authz::Decision) -> Printed {
    let advice = d
        .advice
        .as_ref()
        .map(|a| format!("\n{a}"))
        .unwrap_or_default();
    Printed::error(format!("denied: {}{advice}", d.reason), exit::DENIED)
}

/// What the terminal prints for a turn: results on stdout, everything else on stderr.
pub fn printed(reply: &Reply) -> Printed {
    let Some(outcome) = &reply.outcome else {
        // Help menus, aliases, roles, settings: the messages themselves.
        return Printed {
            stdout: plain_text(&reply.out),
            stderr: String::new(),
            code: exit::OK,
        };
    };
    match outcome {
        Outcome::Shown { text } => Printed {
            stdout: text.clone(),
            stderr: String::new(),
            code: exit::OK,
        },
        Outcome::Invalid { message } => Printed::error(format!("error: {message}"), exit::BAD_LINE),
        Outcome::Refused { decision } => denied(decision),
        Outcome::Asked { question, .. } => match &question.call {
            Some(call) => Printed::error(describe_missing(call), exit::NEEDS_INPUT),
            None => Printed::error(
                format!(
                    "needs more input: {} ({}){}",
                    question.parameter.trim_start_matches(['@', '$']),
                    question.doc,
                    one_of(&question.choices)
                ),
                exit::NEEDS_INPUT,
            ),
        },
        Outcome::AwaitingRun { call, .. } => Printed::error(
            format!(
                "{} {} changes resources ({}){}; confirm with --yes to run it",
                call.service,
                call.cli_operation,
                call.iam.actions.join(", "),
                call.iam.unknown_note()
            ),
            exit::NEEDS_INPUT,
        ),
        Outcome::Limited { message, .. } => Printed::error(message.clone(), exit::DENIED),
        Outcome::Cancelled => Printed::error("cancelled", exit::OK),
        Outcome::Ran { ran } => Printed {
            stdout: ran.text.clone(),
            stderr: ran
                .next_token
                .as_ref()
                .map(|t| format!("More results are available. For the next page, run the same command with --starting-token {t}"))
                .unwrap_or_default(),
            code: exit::OK,
        },
        // The AWS CLI prints a blank line before AWS's error.
        Outcome::Failed { failure } if failure.kind == engine::FailureKind::Aws => {
            Printed::error(format!("\n{}", failure.message), exit::FAILED)
        }
        Outcome::Failed { failure } => {
            let code = match failure.kind {
                engine::FailureKind::TimedOut => exit::TIMED_OUT,
                engine::FailureKind::Invalid => exit::BAD_LINE,
                _ => exit::FAILED,
            };
            Printed::error(format!("error: {}", failure.message), code)
        }
    }
}

/// " (one of: a, b)", or nothing.
pub fn one_of(choices: &[String]) -> String {
    if choices.is_empty() {
        String::new()
    } else {
        format!(" one of: {}", choices.join(", "))
    }
}

/// The messages a turn posts, as the terminal shows them (buttons are the engine's words
/// the terminal types instead); text is rendered by [`rich_plain`].
pub fn plain_text(out: &[Outbound]) -> String {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Post(m) => {
                let mut m = m.clone();
                m.blocks.retain(|b| !matches!(b, Block::Buttons { .. }));
                for b in &mut m.blocks {
                    if let Block::Text { text } | Block::Context { text } = b {
                        *text = engine::Rich::verbatim(rich_plain(text));
                    }
                }
                Some(m.plain())
            }
            Outbound::Update { .. } => None,
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Rich text as a terminal shows it, with no fonts or colours: a mention is `@user`, code
/// keeps its backticks (so a command stands apart from the sentence around it, and can be
/// copied exactly), and emphasis is the bare text (stars would only be noise).
pub fn rich_plain(text: &engine::Rich) -> String {
    text.0
        .iter()
        .map(|s| match s {
            engine::Span::Plain(t) | engine::Span::Strong(t) => t.clone(),
            engine::Span::Code(t) => format!("`{t}`"),
            engine::Span::Mention(u) => format!("@{u}"),
        })
        .collect()
}

/// Opens the terminal's engine on a single-threaded runtime and runs `f` with it.
pub fn with_terminal<F, Fut>(cat: Catalog, s: &SessionArgs, f: F) -> Printed
where
    F: FnOnce(Arc<Catalog>, Terminal) -> Fut,
    Fut: std::future::Future<Output = Printed>,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return Printed::error(
                format!("error: cannot start the runtime: {e}"),
                exit::FAILED,
            )
        }
    };
    let cat = Arc::new(cat);
    runtime.block_on(async {
        match Terminal::open(cat.clone(), s).await {
            Ok(term) => f(cat, term).await,
            Err(p) => p,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::text::{code, literal, mention, strong};
    use engine::Message;

    #[test]
    fn plain_text_shows_mentions_as_names_and_values_exactly() {
        let mut m = Message::default();
        m.text(format!(
            "{} ran {} as {}",
            mention("U1"),
            code("x <@ y> `1` *z*"),
            strong("ops")
        ))
        .context(literal("by <@U2> *now*"))
        .context("a <@");
        assert_eq!(
            plain_text(&[Outbound::Post(m)]),
            "@U1 ran `x <@ y> `1` *z*` as ops\nby <@U2> *now*\na <@"
        );
    }
}
