//! `chatops config check FILE`: every problem in the configuration, with file, line and key.

use crate::exit;
use authz::resolve::ConfigCatalog;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum ConfigCmd {
    /// Report every problem in a configuration file (exit 1 when there are any).
    Check {
        /// The configuration file.
        file: PathBuf,
    },
}

/// Checks the file, then reports the data the binary will use (models, access levels): a
/// configuration that is fine is no use if that data cannot be read.
pub fn check(file: &Path, models_dir: Option<&Path>) -> i32 {
    let code = check_file(file);
    match command::Catalog::open(models_dir) {
        Ok(cat) => {
            for line in cat.describe() {
                println!("{line}");
            }
            code
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::FAILED
        }
    }
}

fn check_file(file: &Path) -> i32 {
    match config::load_with(file, &ConfigCatalog) {
        Ok(cfg) => {
            println!(
                "{}: ok ({} channels, {} accounts, {} roles, {} custom policies, {} notification routes)",
                file.display(),
                cfg.channels.len(),
                cfg.accounts.len(),
                cfg.roles.len(),
                cfg.policies.len(),
                cfg.notifications.len()
            );
            for line in workspace_lines(&cfg) {
                println!("{line}");
            }
            for ch in &cfg.channels {
                if let Err(e) = authz::resolve::channel_session_policy(&cfg, ch) {
                    println!("warning: channel \"{}\": {e}", ch.name);
                }
            }
            for warning in route_warnings(&cfg) {
                println!("{warning}");
            }
            exit::OK
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("{} problem(s) in {}", errors.len(), file.display());
            exit::FAILED
        }
    }
}

/// One line per workspace: its platform, what names it on that platform (Slack team,
/// Teams tenant) and its channels.
fn workspace_lines(cfg: &config::Config) -> Vec<String> {
    cfg.workspaces
        .iter()
        .map(|w| {
            let named_by = match (&w.team_id, &w.tenant_id) {
                (Some(team), _) => format!(", team {team}"),
                (None, Some(tenant)) => format!(", tenant {tenant}"),
                (None, None) => String::new(),
            };
            let channels: Vec<&str> = cfg
                .channels
                .iter()
                .filter(|c| c.workspace == w.name)
                .map(|c| c.name.as_str())
                .collect();
            format!(
                "workspace \"{}\" ({}{named_by}): {} channel{}{}{}",
                w.name,
                w.platform.as_str(),
                channels.len(),
                if channels.len() == 1 { "" } else { "s" },
                if channels.is_empty() { "" } else { ": " },
                channels.join(", ")
            )
        })
        .collect()
}

/// What loads but deserves a second look in the `[[notifications]]` routes: signatures not
/// checked, a topic whose subscription nothing can confirm, an account other than the one the
/// topic or queue is in.
fn route_warnings(cfg: &config::Config) -> Vec<String> {
    let mut out = Vec::new();
    for route in &cfg.notifications {
        let head = format!("warning: notification route \"{}\"", route.name);
        if !route.verify_signatures {
            out.push(format!(
                "{head}: signatures are not checked; use only with an emulator such as moto (verify_signatures = false), never with a public endpoint"
            ));
        }
        let id = route.source.account_id().unwrap_or_default();
        let kind = match route.source {
            config::NotificationSource::Topic { .. } => "topic",
            config::NotificationSource::Queue { .. } => "queue",
        };
        match route.account.as_deref().and_then(|a| cfg.account(a)) {
            None => {
                if kind == "topic" {
                    out.push(format!(
                        "{head}: no [[accounts]] entry has id {id} and the route names no `account`, so there are no credentials to confirm its subscription; confirm it by hand or add the account"
                    ));
                }
            }
            Some(account) if account.id != id => out.push(format!(
                "{head}: the {kind} is in account {id} but the route uses account `{}` ({}); this works only where the {kind}'s policy allows that account",
                account.name, account.id
            )),
            Some(_) => {}
        }
    }
    out
}
