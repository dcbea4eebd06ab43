//! AWS Health events (`aws.health`, detail-type `AWS Health Event`): the service, the
//! event type and category, its status, its window, the latest description and the
//! affected entities, as the Health EventBridge schema documents them.

use super::value::{array, text};
use crate::Severity;
use serde_json::Value;

/// One Health event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Health {
    pub arn: Option<String>,
    pub service: Option<String>,
    pub event_type: Option<String>,
    /// `issue`, `accountNotification`, `scheduledChange`, `investigation`.
    pub category: Option<String>,
    /// `open`, `upcoming`, `closed`.
    pub status: Option<String>,
    pub scope: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// The region the event is about (`eventRegion`), not where it was delivered.
    pub event_region: Option<String>,
    pub description: Option<String>,
    pub entities: Vec<String>,
}

/// Reads the `detail` of a Health event.
pub fn parse(d: &Value) -> Health {
    let descriptions = array(d, "eventDescription");
    let description = descriptions
        .iter()
        .find(|x| text(x, "language").is_some_and(|l| l.starts_with("en")))
        .or_else(|| descriptions.first())
        .and_then(|x| text(x, "latestDescription"));
    Health {
        arn: text(d, "eventArn"),
        service: text(d, "service"),
        event_type: text(d, "eventTypeCode"),
        category: text(d, "eventTypeCategory"),
        status: text(d, "statusCode"),
        scope: text(d, "eventScopeCode"),
        start: text(d, "startTime"),
        end: text(d, "endTime"),
        event_region: text(d, "eventRegion"),
        description,
        entities: array(d, "affectedEntities")
            .iter()
            .filter_map(|e| text(e, "entityValue"))
            .collect(),
    }
}

impl Health {
    /// An open issue matters most, a scheduled change less, a notice least; a closed
    /// event is informational whatever its category.
    pub fn severity(&self) -> Option<Severity> {
        if self.status.as_deref() == Some("closed") {
            return Some(Severity::Informational);
        }
        Some(match self.category.as_deref()? {
            "issue" => Severity::High,
            "investigation" => Severity::Medium,
            "scheduledChange" => Severity::Low,
            _ => Severity::Informational,
        })
    }
}
