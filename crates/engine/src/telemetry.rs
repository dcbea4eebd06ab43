//! What each turn did, as metrics (the `metrics` facade: the process that serves installs an
//! exporter; elsewhere these are no-ops). Labels are bounded sets — a catalog service name,
//! an outcome kind, a decision — never a user, channel or free text.

use std::time::Instant;

use crate::outcome::Outcome;

/// Commands by service, outcome kind and decision.
pub const COMMANDS: &str = "chatops_commands_total";
/// How long the engine took to answer one event, by outcome kind.
pub const TURN_SECONDS: &str = "chatops_engine_turn_duration_seconds";

impl Outcome {
    /// The kind of outcome as a metric label and log field.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Shown { .. } => "shown",
            Outcome::Invalid { .. } => "invalid",
            Outcome::Refused { .. } => "refused",
            Outcome::Asked { .. } => "asked",
            Outcome::AwaitingRun { .. } => "awaiting_run",
            Outcome::Cancelled => "cancelled",
            Outcome::Ran { .. } => "ran",
            Outcome::Failed { .. } => "failed",
            Outcome::Limited { .. } => "limited",
        }
    }

    /// The authorization decision behind it: `allowed`, `explicitDeny`, `implicitDeny`, or
    /// `undecided` when the command never reached the authorizer (help, a question, a typo).
    pub fn decision(&self) -> &'static str {
        match self {
            Outcome::Refused { decision } => decision.outcome.as_str(),
            Outcome::Limited { .. } => "rateLimited",
            Outcome::AwaitingRun { .. }
            | Outcome::Cancelled
            | Outcome::Ran { .. }
            | Outcome::Failed { .. } => "allowed",
            Outcome::Shown { .. } | Outcome::Invalid { .. } | Outcome::Asked { .. } => "undecided",
        }
    }
}

/// Records one finished turn: its latency always, and the command counter when the turn
/// carried a command; logs it at info (no user or command text: the audit log has those).
pub(crate) fn turn_done(outcome: Option<&Outcome>, service: Option<&str>, started: Instant) {
    let took = started.elapsed();
    let kind = outcome.map_or("none", Outcome::kind);
    metrics::histogram!(TURN_SECONDS, "outcome" => kind).record(took.as_secs_f64());
    if let Some(o) = outcome {
        let service = service.unwrap_or("none").to_string();
        let decision = o.decision();
        metrics::counter!(COMMANDS, "service" => service.clone(), "outcome" => kind, "decision" => decision)
            .increment(1);
        tracing::info!(
            service,
            outcome = kind,
            decision,
            took_ms = took.as_millis() as u64,
            "command turn"
        );
    }
}
