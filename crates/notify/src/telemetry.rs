//! Notifications as metrics (the `metrics` facade; a no-op unless the process installed an
//! exporter): what came in, from where and of which kind, and what became of it in each
//! channel. Labels are bounded sets — never a topic, alarm name or channel.

use crate::deliver::{Delivery, Report};
use crate::message::Notification;

/// Notifications received by source (`sns`, `sqs`) and kind (`alarm`, `event`, `custom`,
/// `text`, `unsupported`).
pub const RECEIVED: &str = "chatops_notifications_received_total";
/// What became of a notification in one channel (`delivered`, `duplicate`, `failed`, …).
pub const DELIVERIES: &str = "chatops_notification_deliveries_total";

/// The kind of a notification as a label; `unsupported` when it was not understood.
pub fn kind(parsed: Option<&Notification>) -> &'static str {
    match parsed {
        Some(Notification::Alarm(_)) => "alarm",
        Some(Notification::Event(_)) => "event",
        Some(Notification::Custom(_)) => "custom",
        Some(Notification::Text(_)) => "text",
        None => "unsupported",
    }
}

/// Counts one notification received from `source` once it was delivered (or not).
pub fn received(source: &'static str, report: &Report) {
    metrics::counter!(RECEIVED, "source" => source, "kind" => report.kind).increment(1);
}

/// Counts what became of a notification in one channel.
pub(crate) fn delivery(d: &Delivery) {
    let result = match d {
        Delivery::Posted { .. } | Delivery::InThread { .. } => "delivered",
        Delivery::Duplicate => "duplicate",
        Delivery::Busy => "busy",
        Delivery::Muted { .. } => "muted",
        Delivery::Filtered => "filtered",
        Delivery::Held => "held",
        Delivery::Dropped => "dropped",
        Delivery::Failed(_) => "failed",
    };
    metrics::counter!(DELIVERIES, "result" => result).increment(1);
}
