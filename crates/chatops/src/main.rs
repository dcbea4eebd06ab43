//! `chatops`: the command line of aws-chatops.

mod audit_cmd;
mod config_cmd;
mod dry_run;
mod exit;
mod health;
mod leader;
mod logging;
mod notifications;
mod notify_cmd;
mod policy_cmd;
mod run;
mod serve;
mod shell;
mod shutdown;
mod store_open;
mod teams_cmd;
mod teams_surface;
mod telemetry;
mod terminal;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "chatops",
    version,
    about = "Run AWS CLI commands from chat, under guardrails"
)]
struct Cli {
    /// A botocore data folder to use instead of the embedded models (also CHATOPS_MODELS_DIR).
    #[arg(long, global = true)]
    models_dir: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run one message exactly as if it were typed in chat, and print the reply.
    Run(run::RunArgs),
    /// An interactive prompt over the same path as chat.
    Shell(terminal::SessionArgs),
    /// IAM policies: simulate decisions, check what a channel may run.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCmd),
    /// The configuration file.
    #[command(subcommand)]
    Config(config_cmd::ConfigCmd),
    /// The audit log as JSON lines.
    Audit(audit_cmd::AuditArgs),
    /// Serve the built-in web chat.
    Serve(serve::ServeArgs),
    /// Notifications: post one into a channel as if it had arrived.
    #[command(subcommand)]
    Notify(notify_cmd::NotifyCmd),
    /// Microsoft Teams: the app package to upload.
    #[command(subcommand)]
    Teams(teams_cmd::TeamsCmd),
}

fn main() {
    let cli = Cli::parse();
    // These need no service models.
    let code = match &cli.cmd {
        Cmd::Policy(policy_cmd::PolicyCmd::Simulate) => Some(policy_cmd::simulate()),
        Cmd::Config(config_cmd::ConfigCmd::Check { file }) => {
            Some(config_cmd::check(file, cli.models_dir.as_deref()))
        }
        Cmd::Audit(args) => Some(audit_cmd::audit(args)),
        Cmd::Teams(teams_cmd::TeamsCmd::Package(args)) => Some(teams_cmd::package(args)),
        _ => None,
    };
    let code = code.unwrap_or_else(|| match command::Catalog::open(cli.models_dir.as_deref()) {
        Err(e) => {
            eprintln!("error: {e}");
            exit::FAILED
        }
        Ok(cat) => match &cli.cmd {
            Cmd::Run(args) => run::run_once(cat, args),
            Cmd::Shell(args) => shell::shell(cat, args),
            Cmd::Policy(policy_cmd::PolicyCmd::Check(args)) => policy_cmd::check(cat, args),
            Cmd::Serve(args) => serve::serve(cat, args),
            Cmd::Notify(cmd) => notify_cmd::run(cat, cmd),
            Cmd::Policy(policy_cmd::PolicyCmd::Simulate)
            | Cmd::Config(_)
            | Cmd::Audit(_)
            | Cmd::Teams(_) => exit::OK,
        },
    });
    std::process::exit(code);
}
