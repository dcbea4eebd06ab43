//! `chatops policy simulate` (JSON lines in, decisions out) and `chatops policy check`
//! (would this chat line run here, as whom, and why).

use crate::exit;
use crate::terminal::{with_terminal, Printed, SessionArgs};
use command::{parse_line, Catalog, Parsed};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum PolicyCmd {
    /// Decide JSON requests read line by line from stdin; one JSON decision per line out.
    Simulate,
    /// Would a chat line run in a channel: with which account and role, and why or why not.
    Check(CheckArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The configuration file.
    #[arg(long)]
    pub config: PathBuf,
    /// The channel's name in the configuration.
    #[arg(long)]
    pub channel: String,
    /// The chat user id asking.
    #[arg(long)]
    pub user: String,
    /// The role the user has chosen (`@aws switch-role`), if any.
    #[arg(long)]
    pub role: Option<String>,
    /// The account chosen for the channel, if not its default.
    #[arg(long)]
    pub account: Option<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    pub json: bool,
    /// The message, as typed in chat.
    #[arg(allow_hyphen_values = true)]
    pub message: String,
}

/// Reads requests until end of input; a bad line gets an error line and the rest go on.
pub fn simulate() -> i32 {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let answer = match line {
            Ok(l) if l.trim().is_empty() => continue,
            Ok(l) => policy::simulate::simulate_line(&l),
            Err(e) => {
                json!({"decision": "error", "error": format!("unreadable line: {e}")}).to_string()
            }
        };
        if writeln!(out, "{answer}").is_err() {
            return exit::OK;
        }
    }
    exit::OK
}

pub fn check(cat: Catalog, args: &CheckArgs) -> i32 {
    let call = match parse_line(&cat, engine::text::strip_mention(&args.message)) {
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_LINE;
        }
        Ok(Parsed::Call(c)) => c,
        Ok(_) => {
            println!("help and skeleton requests run no AWS action: allowed");
            return exit::OK;
        }
    };
    let session = SessionArgs {
        config: Some(args.config.clone()),
        channel: Some(args.channel.clone()),
        user: args.user.clone(),
        role: args.role.clone(),
        account: args.account.clone(),
        dry_run: true,
        ..SessionArgs::default()
    };
    // Planned by the channel's conversation, exactly as a typed command is.
    let mut plan = None;
    let slot = &mut plan;
    let call = &call;
    let failed = with_terminal(cat, &session, |_, term| async move {
        *slot = term.plan(call).await;
        Printed::error(String::new(), exit::OK)
    });
    let Some(p) = plan else {
        eprintln!("{}", failed.stderr);
        return failed.code;
    };
    let d = &p.decision;
    let command = format!("{} {}", call.service, call.cli_operation);
    if args.json {
        let doc = json!({
            "command": command,
            "iam_actions": call.iam.actions,
            "access": call.iam.access,
            "decision": d.outcome.as_str(),
            "layer": d.layer.map(|l| l.as_str()),
            "policy": d.policy,
            "statement": d.statement,
            "reason": d.reason,
            "advice": d.advice,
            "account": p.account.as_ref().map(|a| json!({"name": a.name, "id": a.id})),
            "region": p.region,
            "role": p.role.as_ref().map(|r| r.name.clone()),
            "role_arn": p.role_arn,
            "session_policy": p.session.as_ref().map(|s| json!({"policy_arns": s.policy_arns, "inline": s.inline})),
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        let verdict = if d.allowed() {
            "would run"
        } else {
            "would NOT run"
        };
        println!("{verdict}: {command} ({})", call.iam.actions.join(", "));
        if let Some(a) = &p.account {
            println!("account: {} ({}), region {}", a.name, a.id, p.region);
        }
        match (&p.role, &p.role_arn) {
            (Some(r), Some(arn)) => println!("role: {} ({arn})", r.name),
            (Some(r), None) => println!(
                "role: {} (no role ARN: the service's own credentials)",
                r.name
            ),
            (None, Some(arn)) => println!("role: {arn}"),
            (None, None) => println!("role: none (the service's own credentials)"),
        }
        if let Some(s) = &p.session {
            println!(
                "session policies: {}{}",
                if s.policy_arns.is_empty() {
                    "no managed policies".to_string()
                } else {
                    s.policy_arns.join(", ")
                },
                s.inline
                    .as_ref()
                    .map(|i| format!(" + an inline policy of {} characters", i.len()))
                    .unwrap_or_default()
            );
        }
        println!("why: {}", d.reason);
        if let Some(a) = &d.advice {
            println!("what to do: {a}");
        }
        if d.allowed() && call.iam.access == command::Access::Write {
            println!("note: it changes resources, so chat asks for confirmation first");
        }
    }
    if d.allowed() {
        exit::OK
    } else {
        exit::DENIED
    }
}
