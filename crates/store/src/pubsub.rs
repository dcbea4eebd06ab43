//! Publish/subscribe between replicas (live updates for web chat users connected to
//! another replica): the parts both backends share. [`Subscription`] unsubscribes when
//! dropped; `Topics` keeps one store's subscribers by topic and calls them; topic and
//! payload checks are the same everywhere, so code that works on SQLite works on
//! PostgreSQL, whose NOTIFY sets the limits.
//!
//! Delivery is best effort and live only: a message published while a subscriber's
//! connection is down (PostgreSQL restarting) is not replayed. Durable work goes through
//! the inbox instead.

use crate::{Result, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// What a subscriber is called with: each payload published on its topic. Called on a
/// thread of the store's (PostgreSQL's listener) or the publisher's (SQLite): it must be
/// quick and must not wait on the store's other subscribers. A panic in it is caught.
pub type Sink = Box<dyn Fn(String) + Send + Sync>;

/// Longest payload in bytes. PostgreSQL's NOTIFY takes under 8000; every backend refuses
/// more, so nothing works on SQLite that fails on PostgreSQL.
pub const MAX_PAYLOAD: usize = 7900;

/// Longest topic name in bytes (PostgreSQL's identifier length; longer names would be
/// truncated and two topics merged).
pub const MAX_TOPIC: usize = 63;

/// A live subscription; dropping it unsubscribes (no call of its sink starts after the
/// drop returns, though one already running may finish).
#[must_use = "dropping the subscription unsubscribes at once"]
pub struct Subscription {
    cancel: Option<Box<dyn FnOnce() + Send + Sync>>,
}

impl Subscription {
    pub(crate) fn new(cancel: impl FnOnce() + Send + Sync + 'static) -> Subscription {
        Subscription {
            cancel: Some(Box::new(cancel)),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel();
        }
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subscription { .. }")
    }
}

/// Topic names: 1 to 63 bytes of ASCII letters, digits and `_ . : -` (safe as a quoted
/// PostgreSQL identifier, and readable in logs).
pub(crate) fn check_topic(topic: &str) -> Result<()> {
    let reason = if topic.is_empty() {
        "it is empty"
    } else if topic.len() > MAX_TOPIC {
        "it is longer than 63 bytes"
    } else if !topic
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b))
    {
        "only ASCII letters, digits and `_ . : -` are allowed"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidTopic {
        topic: topic.chars().take(80).collect(),
        reason,
    })
}

/// Payloads: at most [`MAX_PAYLOAD`] bytes, no NUL character.
pub(crate) fn check_payload(topic: &str, payload: &str) -> Result<()> {
    let reason = if payload.len() > MAX_PAYLOAD {
        format!(
            "the payload is {} bytes, more than the {MAX_PAYLOAD} a message may carry",
            payload.len()
        )
    } else if payload.contains('\0') {
        "the payload contains a NUL character".to_string()
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidPayload {
        topic: topic.to_string(),
        reason,
    })
}

type SharedSink = Arc<dyn Fn(String) + Send + Sync>;

/// One store's subscribers, by topic, in subscription order.
#[derive(Default)]
pub(crate) struct Topics {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    by_topic: HashMap<String, Vec<(u64, SharedSink)>>,
}

impl Topics {
    /// Adding and removing leave the map consistent at every step, so a poisoned lock
    /// is still usable.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a subscriber; returns its id and whether it is the topic's first.
    pub(crate) fn add(&self, topic: &str, sink: Sink) -> (u64, bool) {
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        let subs = inner.by_topic.entry(topic.to_string()).or_default();
        subs.push((id, Arc::from(sink)));
        (id, subs.len() == 1)
    }

    /// Removes a subscriber; true if the topic has none left.
    pub(crate) fn remove(&self, topic: &str, id: u64) -> bool {
        let mut inner = self.lock();
        let Some(subs) = inner.by_topic.get_mut(topic) else {
            return true;
        };
        subs.retain(|(i, _)| *i != id);
        if subs.is_empty() {
            inner.by_topic.remove(topic);
            return true;
        }
        false
    }

    pub(crate) fn has(&self, topic: &str) -> bool {
        self.lock().by_topic.contains_key(topic)
    }

    /// Every topic with at least one subscriber.
    pub(crate) fn topics(&self) -> Vec<String> {
        self.lock().by_topic.keys().cloned().collect()
    }

    /// Calls the topic's subscribers in subscription order, outside the lock (a sink may
    /// subscribe or unsubscribe), each shielded from the others' panics.
    pub(crate) fn deliver(&self, topic: &str, payload: &str) {
        let sinks: Vec<SharedSink> = match self.lock().by_topic.get(topic) {
            Some(subs) => subs.iter().map(|(_, s)| Arc::clone(s)).collect(),
            None => return,
        };
        for sink in sinks {
            let payload = payload.to_string();
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(payload)));
        }
    }

    /// A subscription that removes `id` from `topics` when dropped and then, if that was
    /// the topic's last subscriber, calls `emptied` with the topic.
    pub(crate) fn subscription(
        topics: &Arc<Topics>,
        topic: &str,
        id: u64,
        emptied: impl FnOnce(String) + Send + Sync + 'static,
    ) -> Subscription {
        let weak: Weak<Topics> = Arc::downgrade(topics);
        let topic = topic.to_string();
        Subscription::new(move || {
            if let Some(topics) = weak.upgrade() {
                if topics.remove(&topic, id) {
                    emptied(topic);
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_and_payload_limits() {
        assert!(check_topic("webchat.C1:room-2_x").is_ok());
        assert!(check_topic(&"a".repeat(63)).is_ok());
        for bad in ["", "a b", "quote\"d", "ünï", &"a".repeat(64)] {
            assert!(
                matches!(check_topic(bad), Err(StoreError::InvalidTopic { .. })),
                "{bad}"
            );
        }
        assert!(check_payload("t", &"x".repeat(MAX_PAYLOAD)).is_ok());
        assert!(check_payload("t", &"x".repeat(MAX_PAYLOAD + 1)).is_err());
        assert!(check_payload("t", "a\0b").is_err());
    }
}
