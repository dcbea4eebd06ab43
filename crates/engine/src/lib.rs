//! The conversation around a command, the same for every chat surface: it asks for what is
//! missing, offers choices, asks before changing anything, remembers the account and region,
//! keeps aliases and roles, and records who did what.

mod actions;
pub mod alarm_charts;
mod aliases;
pub mod engine;
mod help;
pub mod insights;
pub mod mask;
pub mod message;
pub mod mutes;
mod notifications;
pub mod outcome;
pub mod pending;
mod pipeline;
pub mod poster;
pub mod prompts;
pub mod rate_limits;
pub mod render;
mod results;
pub mod runner;
mod settings;
mod support;
pub mod surface;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;

pub use engine::{system_clock, Clock, Engine, Options};
pub use message::{
    ActionId, Block, Button, Choice, Event, Field, Inbound, Message, Outbound, Rich, Span, Style,
};
pub use outcome::{Outcome, Question, Reply};
pub use poster::{Place, PostError, PostFuture, Poster};
pub use runner::{Failure, FailureKind, Ran, Route, Runner};

use std::future::Future;
use std::pin::Pin;

/// What [`Handler::sweep`] returns: the sweep reads the store, so it is async.
pub type SweepFuture<'a> = Pin<Box<dyn Future<Output = Vec<Outbound>> + Send + 'a>>;

/// Anything that answers chat events: the engine, or a stand-in in a surface's tests.
pub trait Handler: Send + Sync + 'static {
    /// Answers one event with the messages to post and the updates to make.
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> Pin<Box<dyn Future<Output = Vec<Outbound>> + Send + 'a>>;
    /// Called every few seconds: updates for what expired (pending commands).
    fn sweep(&self) -> SweepFuture<'_> {
        Box::pin(async { Vec::new() })
    }
}

/// A call the engine makes after a command's own, to show its result (charts, the results
/// of a Logs Insights query): what `--dry-run` lists so every AWS call a line leads to is
/// visible before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// A command line of the call, with placeholders where the values come from the first
    /// call's answer (authorized as this line would be).
    pub line: &'static str,
    /// When it is made.
    pub when: &'static str,
}

/// The calls made after `call`, when its result is shown in chat.
pub fn follow_up_calls(call: &command::Call) -> Vec<FollowUp> {
    if alarm_charts::follows(call) {
        vec![FollowUp {
            line: "cloudwatch get-metric-data --metric-data-queries '[{\"Id\":\"m0\",\"Expression\":\"m0\"}]' --start-time 0 --end-time 1",
            when: "once, after the alarms are described: the metrics of the first 5 alarms over the chart window ([notify] chart_window, 3 h by default), to draw their charts",
        }]
    } else if insights::follows(call) {
        vec![FollowUp {
            line: "logs get-query-results --query-id QUERY_ID",
            when: "after the query starts: every second until it is complete (at most 15 s), to show its entries",
        }]
    } else {
        Vec::new()
    }
}
