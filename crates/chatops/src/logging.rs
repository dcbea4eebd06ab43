//! Log events of `chatops serve` on stderr, one line each, through `tracing-subscriber`.
//!
//! Which events: `CHATOPS_LOG`, else `RUST_LOG` (the usual `EnvFilter` directives: `info`,
//! `slack=debug,engine=trace`, …), else [`default_filter`]: info and above from every crate
//! of this project, warnings from dependencies, and only errors from the AWS SDK's own
//! crates (its region and credential lookups chatter at warn).
//!
//! How: plain text by default (as before: level, target, fields; no time, as journald and
//! container runtimes add their own; colours only on a terminal), or JSON lines (`CHATOPS_LOG_FORMAT=json` or
//! `chatops serve --log-format json`) for log pipelines: one object per line with an RFC 3339
//! UTC `timestamp`, `level`, `target`, the event's `fields`, and the fields of the spans it
//! happened in (`span`, `spans`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The environment variable naming the format (`text` or `json`).
pub const ENV_FORMAT: &str = "CHATOPS_LOG_FORMAT";
/// The filter variables, first found wins.
const ENV_FILTERS: [&str; 2] = ["CHATOPS_LOG", "RUST_LOG"];

/// Every crate of this workspace, by its log target (the crate name with `_` for `-`).
/// A unit test keeps this list equal to the workspace's members.
pub const PROJECT_CRATES: &[&str] = &[
    "authz",
    "awsmodel",
    "chart",
    "chatops",
    "cli_output",
    "command",
    "config",
    "endpoint_rules",
    "engine",
    "jmespath_py",
    "notify",
    "policy",
    "pyrepr",
    "slack",
    "sns",
    "store",
    "teams",
    "testkit",
    "webchat",
    "wire",
];

/// One line of text, or one JSON object, per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// The format `CHATOPS_LOG_FORMAT` names; text when it is unset or empty.
    pub fn from_env() -> Result<LogFormat, String> {
        match std::env::var(ENV_FORMAT) {
            Err(_) => Ok(LogFormat::Text),
            Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
                "" | "text" => Ok(LogFormat::Text),
                "json" => Ok(LogFormat::Json),
                other => Err(format!(
                    "{ENV_FORMAT}={other:?} is not a log format; use \"text\" or \"json\""
                )),
            },
        }
    }
}

/// The filter used when neither `CHATOPS_LOG` nor `RUST_LOG` is set.
pub fn default_filter() -> String {
    let mut directives = vec!["warn".to_string()];
    directives.extend(PROJECT_CRATES.iter().map(|c| format!("{c}=info")));
    // The AWS SDK's credential and region lookups log misses at warn on every start.
    directives.push("aws_config=error".into());
    directives.push("aws_smithy_runtime=error".into());
    directives.join(",")
}

/// The filter from the environment (see the module's doc); an error names the variable and
/// what is wrong with its value.
fn filter() -> Result<EnvFilter, String> {
    for var in ENV_FILTERS {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return EnvFilter::try_new(&v)
                    .map_err(|e| format!("{var}={v:?} is not a valid log filter: {e}"));
            }
        }
    }
    EnvFilter::try_new(default_filter()).map_err(|e| format!("the default log filter: {e}"))
}

/// Installs the subscriber for the process. Fails (saying why) on a bad filter; a second
/// call keeps the first subscriber.
pub fn start(format: LogFormat) -> Result<(), String> {
    let filter = filter()?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    let _ = match format {
        // Colours only for a person watching a terminal, never into a file or pipe.
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .without_time()
            .try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every workspace member is in [`PROJECT_CRATES`], and nothing else is.
    #[test]
    fn project_crates_match_the_workspace() {
        let manifest = include_str!("../../../Cargo.toml");
        let members = manifest
            .split("members = [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("a members list in the workspace manifest");
        let mut names: Vec<String> = members
            .split(',')
            .map(|m| m.trim().trim_matches('"'))
            .filter(|m| !m.is_empty())
            .map(|m| m.rsplit('/').next().unwrap_or(m).replace('-', "_"))
            .collect();
        names.sort();
        let mut listed: Vec<String> = PROJECT_CRATES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(names, listed);
    }

    #[test]
    fn the_default_filter_parses_and_shows_project_info() {
        let f = default_filter();
        assert!(EnvFilter::try_new(&f).is_ok(), "{f}");
        assert!(f.contains("engine=info"), "{f}");
        assert!(f.starts_with("warn,"), "{f}");
    }
}
