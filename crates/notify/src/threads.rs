//! Which thread a notification goes into: one per alarm (or custom `threadId`, or finding)
//! per channel, kept in the store so a restart, or another replica, continues it.
//!
//! A thread is continued while it is alive: younger than `new_thread_after`, and not a
//! resolved incident that has been quiet for longer than the fold window (an alarm that
//! goes back to ALARM an hour after it was resolved is a new incident and gets a new
//! message in the channel; one that flaps back within the window is folded into the thread).

use serde::{Deserialize, Serialize};
use store::AsyncStore;

use engine::Place;

/// The surface-record kind threads are kept under.
pub const KIND: &str = "notify.thread";

/// The state that closes an incident.
const RESOLVED: &str = "OK";

/// What is known of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// The engine id of the thread's first message (the one kept up to date).
    pub root: String,
    pub started_ms: i64,
    /// When the last notification went into it.
    pub last_ms: i64,
    /// The state the last notification reported, if it had one.
    #[serde(default)]
    pub state: Option<String>,
    /// Notifications posted into the thread after the first.
    #[serde(default)]
    pub updates: u32,
    /// The custom notification's `summary` the root shows, when it had one.
    #[serde(default)]
    pub summary: Option<String>,
}

/// Where the next notification of a thread key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A new message in the channel, starting a thread.
    NewRoot,
    /// A reply in this thread (and its root updated).
    Reply(Thread),
}

/// The record key of `thread_key` in `place`.
pub fn key(place: &Place, thread_key: &str) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{thread_key}",
        place.workspace, place.channel
    )
}

/// Reads the thread of `thread_key` in `place`; a record that cannot be read is treated as
/// no thread (logged): the notification then starts a new one rather than being lost.
pub async fn load(store: &AsyncStore, place: &Place, thread_key: &str) -> Option<Thread> {
    match store.get_surface(KIND, &key(place, thread_key)).await {
        Ok(Some(raw)) => match serde_json::from_str(&raw) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(thread_key, error = %e, "unreadable notification thread record; starting a new thread");
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            tracing::error!(thread_key, error = %e, "cannot read a notification thread; starting a new thread");
            None
        }
    }
}

/// Writes the thread record (failures are logged: the next notification starts a new
/// thread, nothing is lost).
pub async fn save(store: &AsyncStore, place: &Place, thread_key: &str, t: &Thread, now: i64) {
    let value = match serde_json::to_string(t) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "cannot encode a notification thread record");
            return;
        }
    };
    if let Err(e) = store
        .put_surface(KIND, &key(place, thread_key), &value, now)
        .await
    {
        tracing::error!(thread_key, error = %e, "cannot store a notification thread record");
    }
}

/// Where a notification with `state` arriving at `now` goes, given the thread so far.
pub fn decide(
    existing: Option<Thread>,
    state: Option<&str>,
    now: i64,
    fold_window_ms: i64,
    new_thread_after_ms: i64,
) -> Decision {
    let Some(t) = existing else {
        return Decision::NewRoot;
    };
    if now.saturating_sub(t.last_ms) > new_thread_after_ms {
        return Decision::NewRoot;
    }
    let resolved = t.state.as_deref() == Some(RESOLVED);
    let reopens = state.is_some_and(|s| s != RESOLVED);
    if resolved && reopens && now.saturating_sub(t.last_ms) > fold_window_ms {
        return Decision::NewRoot;
    }
    Decision::Reply(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn thread(state: &str, last_ms: i64) -> Thread {
        Thread {
            root: "n-1".into(),
            started_ms: 0,
            last_ms,
            state: Some(state.into()),
            updates: 0,
            summary: None,
        }
    }

    #[test]
    fn first_notification_starts_a_thread() {
        assert_eq!(
            decide(None, Some("ALARM"), 0, 5 * MIN, 1440 * MIN),
            Decision::NewRoot
        );
    }

    #[test]
    fn a_state_change_goes_into_the_thread() {
        let t = thread("ALARM", 0);
        assert_eq!(
            decide(Some(t.clone()), Some("OK"), 30 * MIN, 5 * MIN, 1440 * MIN),
            Decision::Reply(t)
        );
    }

    #[test]
    fn flapping_back_within_the_window_is_folded() {
        let t = thread("OK", 10 * MIN);
        assert_eq!(
            decide(
                Some(t.clone()),
                Some("ALARM"),
                14 * MIN,
                5 * MIN,
                1440 * MIN
            ),
            Decision::Reply(t)
        );
    }

    #[test]
    fn reopening_after_a_quiet_resolution_is_a_new_incident() {
        let t = thread("OK", 10 * MIN);
        assert_eq!(
            decide(Some(t), Some("ALARM"), 16 * MIN, 5 * MIN, 1440 * MIN),
            Decision::NewRoot
        );
    }

    #[test]
    fn repeats_of_a_state_stay_in_the_thread_until_it_is_too_old() {
        let t = thread("ALARM", 0);
        assert_eq!(
            decide(
                Some(t.clone()),
                Some("ALARM"),
                60 * MIN,
                5 * MIN,
                1440 * MIN
            ),
            Decision::Reply(t.clone())
        );
        assert_eq!(
            decide(Some(t), Some("ALARM"), 1441 * MIN, 5 * MIN, 1440 * MIN),
            Decision::NewRoot
        );
    }

    #[test]
    fn stateless_notifications_continue_their_thread() {
        let t = thread("OK", 0);
        assert_eq!(
            decide(Some(t.clone()), None, 100 * MIN, 5 * MIN, 1440 * MIN),
            Decision::Reply(t)
        );
    }
}
