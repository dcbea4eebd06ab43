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
                "{}: ok ({} channels, {} accounts, {} roles, {} custom policies)",
                file.display(),
                cfg.channels.len(),
                cfg.accounts.len(),
                cfg.roles.len(),
                cfg.policies.len()
            );
            for ch in &cfg.channels {
                if let Err(e) = authz::resolve::channel_session_policy(&cfg, ch) {
                    println!("warning: channel \"{}\": {e}", ch.name);
                }
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
