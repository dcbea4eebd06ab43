//! `chatops audit`: the audit log as JSON lines, filtered by channel, user and time.

use crate::exit;
use authz::resolve::ConfigCatalog;
use std::io::Write;
use std::path::PathBuf;
use store::{AuditFilter, AuditOrder};

#[derive(clap::Args)]
pub struct AuditArgs {
    /// The configuration file (its [store] holds the log).
    #[arg(long)]
    pub config: PathBuf,
    /// A channel, by its name in the configuration or its platform id.
    #[arg(long)]
    pub channel: Option<String>,
    /// A chat user id.
    #[arg(long)]
    pub user: Option<String>,
    /// From this time on (ISO 8601 such as 2026-11-26T09:00:00Z, or epoch seconds).
    #[arg(long)]
    pub since: Option<String>,
    /// Before this time.
    #[arg(long)]
    pub until: Option<String>,
    /// At most this many records (the newest, when given).
    #[arg(long)]
    pub limit: Option<u32>,
}

fn time_arg(name: &str, v: &Option<String>) -> Result<Option<i64>, String> {
    v.as_deref()
        .map(|s| {
            policy::condition::date(s).ok_or_else(|| {
                format!("--{name} {s:?} is not a time: use ISO 8601 (2026-11-26T09:00:00Z) or epoch seconds")
            })
        })
        .transpose()
}

pub fn audit(args: &AuditArgs) -> i32 {
    let cfg = match config::load_with(&args.config, &ConfigCatalog) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return exit::FAILED;
        }
    };
    let (since, until) = match (
        time_arg("since", &args.since),
        time_arg("until", &args.until),
    ) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return exit::BAD_LINE;
        }
    };
    let (workspace, channel) = match &args.channel {
        Some(c) => match cfg.channel(c) {
            Some(ch) => (Some(ch.workspace.clone()), Some(ch.platform_id.clone())),
            None => (None, Some(c.clone())),
        },
        None => (None, None),
    };
    let store = match crate::store_open::open(&cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    let filter = AuditFilter {
        workspace,
        channel,
        user: args.user.clone(),
        since,
        until,
        limit: args.limit,
        order: if args.limit.is_some() {
            AuditOrder::NewestFirst
        } else {
            AuditOrder::OldestFirst
        },
    };
    let mut entries = match store.query_audit(&filter) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    entries.sort_by_key(|e| (e.record.time, e.id));
    let mut out = std::io::stdout().lock();
    for e in entries {
        let mut v = serde_json::to_value(&e.record).unwrap_or_default();
        if let Some(t) = command::timestamp::from_epoch(e.record.time as f64 / 1000.0) {
            v["time"] = serde_json::Value::String(t);
        }
        if writeln!(out, "{v}").is_err() {
            break;
        }
    }
    exit::OK
}
