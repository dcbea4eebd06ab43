//! Notifications into channels: what AWS (or anyone with the custom schema) publishes to an
//! SNS topic arrives in the configured channels as a chat-neutral message, verified,
//! de-duplicated, routed, threaded per alarm, folded when it flaps, muted on request and
//! rate-limited per channel.
//!
//! By job:
//! - [`message`]: the `Message` of an SNS notification → [`message::Notification`]
//!   (CloudWatch alarms, EventBridge events, the custom schema, the text formats);
//! - [`render`]: a notification → an [`engine::Message`] every surface can show;
//! - [`route`]: the configuration's `[[notifications]]` → which channels get what.

pub mod actions;
pub mod aws;
pub mod deliver;
pub mod graphs;
pub mod http;
pub mod intake;
pub mod limit;
pub mod logs;
pub mod message;
pub mod render;
pub mod route;
pub mod sqs;
pub mod telemetry;
pub mod threads;

/// What routing filters, mutes and threads look at, the same for every kind of
/// notification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The kind: `cloudwatch.alarm`, `custom`, an EventBridge source (`aws.guardduty`, …),
    /// or a text format (`cloudformation`, `budgets`).
    pub source: String,
    /// EventBridge `detail-type`, or the custom notification's `eventType`.
    pub detail_type: Option<String>,
    /// The alarm's name, else the notification's title (what name filters and mutes match).
    pub name: Option<String>,
    /// The alarm's new state (`ALARM`, `OK`, `INSUFFICIENT_DATA`) or the event's status.
    pub state: Option<String>,
    /// 12-digit account id.
    pub account: Option<String>,
    /// Region code (`us-east-1`), never a display name.
    pub region: Option<String>,
    /// For findings and health events.
    pub severity: Option<Severity>,
}

/// Severity of a finding (GuardDuty, Security Hub, Inspector) or an event, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The configuration's (and Security Hub's) names, any case.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "informational" => Severity::Informational,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}
