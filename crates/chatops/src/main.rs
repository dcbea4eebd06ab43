//! `chatops`: the command line of aws-chatops.

mod execute;
mod exit;
mod render;
mod run;
mod shell;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "chatops",
    version,
    about = "Run AWS CLI commands from chat, under guardrails"
)]
struct Cli {
    /// botocore's data folder (default: CHATOPS_MODELS_DIR, the project's .venv, the system python's botocore).
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
    Shell(run::SessionArgs),
}

fn main() {
    let cli = Cli::parse();
    let code = match command::Catalog::open(cli.models_dir.as_deref()) {
        Err(e) => {
            eprintln!("error: {e}");
            exit::FAILED
        }
        Ok(cat) => match cli.cmd {
            Cmd::Run(args) => run::run_once(&cat, &args),
            Cmd::Shell(args) => shell::shell(&cat, &args),
        },
    };
    std::process::exit(code);
}
