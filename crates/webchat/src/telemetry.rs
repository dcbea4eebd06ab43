//! The web chat as metrics (the `metrics` facade; a no-op unless the process installed an
//! exporter): open WebSockets, and frames in and out. No label names a user or channel.

/// WebSocket connections open now.
pub const CONNECTIONS: &str = "chatops_webchat_connections";
/// Frames by direction: `received` (from browsers) and `sent` (to them).
pub const MESSAGES: &str = "chatops_webchat_messages_total";

/// Counts one open connection while it lives (dropped with the socket's task, however it
/// ends).
pub(crate) struct Connected;

impl Connected {
    pub(crate) fn open() -> Connected {
        metrics::gauge!(CONNECTIONS).increment(1.0);
        Connected
    }
}

impl Drop for Connected {
    fn drop(&mut self) {
        metrics::gauge!(CONNECTIONS).decrement(1.0);
    }
}

/// Counts one frame received from a browser or sent to one.
pub(crate) fn message(direction: &'static str) {
    metrics::counter!(MESSAGES, "direction" => direction).increment(1);
}
