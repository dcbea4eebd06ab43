//! `chatops run`: one message typed into a channel's conversation, with its reply and exit
//! code.

use crate::terminal::{with_terminal, SessionArgs};
use command::Catalog;
use std::io::Write;

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub session: SessionArgs,
    /// The message, as typed in chat (it may start with an option, as `--region x lambda …`).
    #[arg(allow_hyphen_values = true)]
    pub message: String,
}

/// Runs one message and prints its reply; returns the exit code.
pub fn run_once(cat: Catalog, args: &RunArgs) -> i32 {
    let printed = with_terminal(cat, &args.session, |cat, term| async move {
        if args.session.dry_run {
            crate::dry_run::dry_run(&cat, &term, args.session.config.is_some(), &args.message).await
        } else {
            term.run_line(&args.message, args.session.yes).await
        }
    });
    // A closed pipe (`chatops run … | head`) is not an error worth a panic.
    if !printed.stdout.is_empty() {
        let _ = writeln!(std::io::stdout(), "{}", printed.stdout);
    }
    if !printed.stderr.is_empty() {
        let _ = writeln!(std::io::stderr(), "{}", printed.stderr);
    }
    printed.code
}
