//! `chatops run`: one message through the command path, with its reply and exit code.

use crate::exit;
use command::{parse_line, Call, Catalog, Parsed};
use serde_json::{json, Value};
use std::io::Write;

/// Options shared by `run` and `shell`.
#[derive(clap::Args, Clone)]
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
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub session: SessionArgs,
    /// The message, as typed in chat (it may start with an option, as `--region x lambda …`).
    #[arg(allow_hyphen_values = true)]
    pub message: String,
}

/// The reply to one message: what to print, where, and the exit code.
pub struct Reply {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub fn run_once(cat: &Catalog, args: &RunArgs) -> i32 {
    let reply = handle(cat, &args.session, &args.message);
    // A closed pipe (`chatops run … | head`) is not an error worth a panic.
    if !reply.stdout.is_empty() {
        let _ = writeln!(std::io::stdout(), "{}", reply.stdout);
    }
    if !reply.stderr.is_empty() {
        let _ = writeln!(std::io::stderr(), "{}", reply.stderr);
    }
    reply.code
}

fn default_region(s: &SessionArgs) -> String {
    s.region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
        .or_else(|| {
            std::env::var("AWS_DEFAULT_REGION")
                .ok()
                .filter(|r| !r.is_empty())
        })
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// The `--dry-run` document of a call.
pub fn dry_run_json(call: &Call, region: &str) -> Value {
    let mut v = json!({
        "service": call.service,
        "operation": call.operation,
        "params": call.params,
        "iam_actions": call.iam.actions,
        "access": call.iam.access,
        "region": call.globals.region.clone().unwrap_or_else(|| region.to_string()),
    });
    if !call.missing.is_empty() {
        v["missing"] = json!(call.missing.iter().map(|m| &m.option).collect::<Vec<_>>());
    }
    if !call.iam.unknown.is_empty() {
        v["access_unknown"] = json!(call.iam.unknown);
    }
    v
}

/// How the missing parameters are described to the user.
pub fn describe_missing(call: &Call) -> String {
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

/// Handles one message as chat would.
pub fn handle(cat: &Catalog, s: &SessionArgs, message: &str) -> Reply {
    let region = default_region(s);
    match parse_line(cat, message) {
        // An always-denied operation is refused whatever else is wrong with the line.
        Err(e) => match always_denied(cat, &e.actions, &e.aliases) {
            Some(d) => denied(d),
            None => Reply {
                stdout: String::new(),
                stderr: format!("error: {e}"),
                code: exit::BAD_LINE,
            },
        },
        Ok(Parsed::Help(text)) => Reply {
            stdout: text,
            stderr: String::new(),
            code: exit::OK,
        },
        Ok(Parsed::Skeleton(v)) => Reply {
            stdout: pretty(&v),
            stderr: String::new(),
            code: exit::OK,
        },
        Ok(Parsed::Call(call)) => finish(cat, &call, s, &region),
    }
}

/// The always-deny list's refusal of these actions, if it refuses them.
pub fn always_denied(
    cat: &Catalog,
    actions: &[String],
    aliases: &[String],
) -> Option<authz::Decision> {
    let names: Vec<&str> = actions.iter().chain(aliases).map(String::as_str).collect();
    authz::Authorizer::new(cat.iam.clone()).always_denied(&names)
}

/// The reply to a refused command.
pub fn denied(d: authz::Decision) -> Reply {
    let advice = d.advice.map(|a| format!("\n{a}")).unwrap_or_default();
    Reply {
        stdout: String::new(),
        stderr: format!("denied: {}{advice}", d.reason),
        code: exit::DENIED,
    }
}

/// Runs (or describes) a complete call.
pub fn finish(cat: &Catalog, call: &Call, s: &SessionArgs, region: &str) -> Reply {
    // Nothing on the always-deny list is run, described or sent, whatever else is set.
    if let Some(d) = always_denied(cat, &call.iam.actions, &call.aliases()) {
        return denied(d);
    }
    let route = match crate::channel::authorize(cat, s, call) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    // A region typed in the line wins over the channel's and the operator's default.
    let region = match &route {
        Some(r) => r.plan.region.as_str(),
        None => call.globals.region.as_deref().unwrap_or(region),
    };
    let mut s = s.clone();
    if let Some(endpoint) = route.as_ref().and_then(|r| r.endpoint.clone()) {
        s.endpoint_url.get_or_insert(endpoint);
    }
    let s = &s;
    if s.dry_run {
        let code = if call.missing.is_empty() {
            exit::OK
        } else {
            exit::NEEDS_INPUT
        };
        let mut stderr = if call.missing.is_empty() {
            String::new()
        } else {
            describe_missing(call)
        };
        let mut doc = dry_run_json(call, region);
        if let Some(r) = &route {
            doc["authorization"] = json!({
                "decision": r.plan.decision.outcome.as_str(),
                "reason": r.plan.decision.reason,
                "account": r.plan.account.as_ref().map(|a| &a.name),
                "role_arn": r.plan.role_arn,
            });
        }
        if call.missing.is_empty() {
            match crate::execute::request_json(cat, call, region, s) {
                Ok(req) => doc["request"] = req,
                Err(e) => stderr = format!("error: {e}"),
            }
        }
        return Reply {
            stdout: pretty(&doc),
            stderr,
            code,
        };
    }
    if !call.missing.is_empty() {
        return Reply {
            stdout: String::new(),
            stderr: describe_missing(call),
            code: exit::NEEDS_INPUT,
        };
    }
    if call.iam.access == command::Access::Write && !s.yes {
        return Reply {
            stdout: String::new(),
            stderr: format!(
                "{} {} changes resources ({}){}; confirm with --yes to run it",
                call.service,
                call.cli_operation,
                call.iam.actions.join(", "),
                call.iam.unknown_note()
            ),
            code: exit::NEEDS_INPUT,
        };
    }
    let assume = route.as_ref().and_then(|r| r.assume.as_ref());
    crate::execute::execute(cat, call, region, s, assume)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
