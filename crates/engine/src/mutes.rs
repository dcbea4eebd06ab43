//! Mutes: a channel silences the notifications whose name (the alarm's name, else the
//! notification's title) matches a pattern, for a while. `@aws notifications mute` sets one
//! (see `notifications.rs`); the notification delivery asks [`matching`] before it posts.
//!
//! A channel's mutes are one store surface record (kind [`KIND`], key
//! `WORKSPACE/CHANNEL`), a JSON list of [`Mute`]s, so every replica sees the same mutes and a
//! restart keeps them. Expired entries are dropped whenever the list is written; reads ignore
//! them. Patterns use the IAM wildcards (`*` any run, `?` one character) and ignore ASCII
//! case, as alarm names are typed from memory in chat.
//!
//! Writing is read-modify-write of the one record: two mutes set in the same channel in the
//! same instant may lose one (the second answer still says it was set). Mutes are rare,
//! human-paced commands, so this is accepted rather than adding a store operation for it.

use crate::poster::Place;
use policy::glob::Glob;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use store::AsyncStore;

/// The surface record kind mutes are kept under.
pub const KIND: &str = "notify.mute";

/// The longest mute: a month. A forgotten mute must run out before the alarm is forgotten.
pub const MAX_DURATION: Duration = Duration::from_secs(30 * 86_400);

/// The longest pattern, in characters (alarm names are at most 255).
pub const MAX_PATTERN_CHARS: usize = 256;

/// One mute of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    /// An alarm name or a pattern with `*` and `?`, as typed.
    pub pattern: String,
    /// When it ends (milliseconds since 1970).
    pub until_ms: i64,
    /// The platform user id of who set it.
    pub by: String,
    /// When it was set (milliseconds since 1970).
    pub at_ms: i64,
}

impl Mute {
    /// Whether `name` (an alarm name or a title) is silenced by this mute's pattern,
    /// ignoring ASCII case.
    pub fn matches(&self, name: &str) -> bool {
        Glob::new(&self.pattern).matches_ignore_ascii_case(name)
    }

    /// Whether the mute still holds at `now_ms`.
    pub fn active_at(&self, now_ms: i64) -> bool {
        self.until_ms > now_ms
    }
}

/// Why a mute could not be set or lifted.
#[derive(Debug, thiserror::Error)]
pub enum MuteError {
    #[error("the pattern is empty; expected an alarm name or a pattern such as orders-*")]
    EmptyPattern,
    #[error("the pattern is longer than {MAX_PATTERN_CHARS} characters; expected an alarm name or a pattern such as orders-*")]
    PatternTooLong,
    #[error("a mute must last longer than zero")]
    ZeroDuration,
    #[error("a mute lasts at most 30 days; {} is longer", describe_duration(*.0))]
    TooLong(Duration),
    #[error("the channel's mutes could not be stored: {0}")]
    Store(#[from] store::StoreError),
}

/// The store key of a place's mutes. Workspace names cannot hold `/` (the configuration
/// allows letters, digits, `_ - .`), so the first `/` always separates the two.
pub fn key(place: &Place) -> String {
    format!("{}/{}", place.workspace, place.channel)
}

/// The place's mutes that hold at `now_ms`, in the order they were set.
///
/// A store that cannot be read, or a record that cannot be parsed, is logged and read as no
/// mutes: a notification too many is better than an alarm lost to a broken record.
pub async fn active(store: &AsyncStore, place: &Place, now_ms: i64) -> Vec<Mute> {
    match read(store, place).await {
        Ok(list) => list.into_iter().filter(|m| m.active_at(now_ms)).collect(),
        Err(e) => {
            tracing::error!(workspace = %place.workspace, channel = %place.channel, error = %e, "mutes: could not read; nothing is muted");
            Vec::new()
        }
    }
}

/// The active mute that silences `name` in `place`, if any; of several, the one that lasts
/// longest (what the channel would want to know).
pub async fn matching(store: &AsyncStore, place: &Place, name: &str, now_ms: i64) -> Option<Mute> {
    active(store, place, now_ms)
        .await
        .into_iter()
        .filter(|m| m.matches(name))
        .max_by_key(|m| m.until_ms)
}

/// Mutes `pattern` in `place` for `duration` from `now_ms`, set by user `by`. A mute of the
/// same pattern (ignoring ASCII case) is replaced, so muting again changes the end.
pub async fn mute(
    store: &AsyncStore,
    place: &Place,
    pattern: &str,
    duration: Duration,
    by: &str,
    now_ms: i64,
) -> Result<Mute, MuteError> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err(MuteError::EmptyPattern);
    }
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(MuteError::PatternTooLong);
    }
    if duration.is_zero() {
        return Err(MuteError::ZeroDuration);
    }
    if duration > MAX_DURATION {
        return Err(MuteError::TooLong(duration));
    }
    let mut list = current(store, place, now_ms).await;
    list.retain(|m| !m.pattern.eq_ignore_ascii_case(pattern));
    let new = Mute {
        pattern: pattern.to_string(),
        until_ms: now_ms.saturating_add(duration.as_millis() as i64),
        by: by.to_string(),
        at_ms: now_ms,
    };
    list.push(new.clone());
    write(store, place, &list, now_ms).await?;
    Ok(new)
}

/// Lifts the active mutes of `pattern` (the pattern as it was muted, ignoring ASCII case)
/// in `place`; returns those lifted (none when nothing was muted so).
pub async fn unmute(
    store: &AsyncStore,
    place: &Place,
    pattern: &str,
    now_ms: i64,
) -> Result<Vec<Mute>, MuteError> {
    let pattern = pattern.trim();
    lift(store, place, now_ms, |m| {
        m.pattern.eq_ignore_ascii_case(pattern)
    })
    .await
}

/// Lifts every active mute of `place`; returns those lifted.
pub async fn unmute_all(
    store: &AsyncStore,
    place: &Place,
    now_ms: i64,
) -> Result<Vec<Mute>, MuteError> {
    lift(store, place, now_ms, |_| true).await
}

/// Removes the active mutes `which` selects; writes only when something was lifted.
async fn lift(
    store: &AsyncStore,
    place: &Place,
    now_ms: i64,
    which: impl Fn(&Mute) -> bool,
) -> Result<Vec<Mute>, MuteError> {
    let list = current(store, place, now_ms).await;
    let (lifted, kept): (Vec<Mute>, Vec<Mute>) = list.into_iter().partition(|m| which(m));
    if !lifted.is_empty() {
        write(store, place, &kept, now_ms).await?;
    }
    Ok(lifted)
}

/// The active mutes, for a write: a record that cannot be parsed is replaced (logged), since
/// keeping it would block every new mute of the channel.
async fn current(store: &AsyncStore, place: &Place, now_ms: i64) -> Vec<Mute> {
    match read(store, place).await {
        Ok(list) => list.into_iter().filter(|m| m.active_at(now_ms)).collect(),
        Err(e) => {
            tracing::warn!(workspace = %place.workspace, channel = %place.channel, error = %e, "mutes: unreadable record replaced");
            Vec::new()
        }
    }
}

/// Why the stored list could not be read.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error("{0}")]
    Store(#[from] store::StoreError),
    #[error("the stored mutes are not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

async fn read(store: &AsyncStore, place: &Place) -> Result<Vec<Mute>, ReadError> {
    match store.get_surface(KIND, &key(place)).await? {
        None => Ok(Vec::new()),
        Some(text) => Ok(serde_json::from_str(&text)?),
    }
}

async fn write(
    store: &AsyncStore,
    place: &Place,
    list: &[Mute],
    now_ms: i64,
) -> Result<(), MuteError> {
    // A list of plain strings and integers always serializes.
    let text = serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string());
    store.put_surface(KIND, &key(place), &text, now_ms).await?;
    Ok(())
}

/// A duration as a person says it: `1h30m`, `2d`, `45s`.
pub fn describe_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::SqliteStore;

    const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    const HOUR: i64 = 3_600_000;

    fn place(channel: &str) -> Place {
        Place {
            workspace: "acme".into(),
            channel: channel.into(),
        }
    }

    fn store() -> AsyncStore {
        AsyncStore::new(std::sync::Arc::new(
            SqliteStore::in_memory().unwrap_or_else(|e| panic!("store: {e}")),
        ))
    }

    #[tokio::test]
    async fn a_mute_matches_by_pattern_until_it_ends() {
        let s = store();
        let p = place("C1");
        let m = mute(&s, &p, "orders-*", Duration::from_secs(3600), "U1", T0)
            .await
            .unwrap();
        assert_eq!(
            m,
            Mute {
                pattern: "orders-*".into(),
                until_ms: T0 + HOUR,
                by: "U1".into(),
                at_ms: T0
            }
        );
        assert_eq!(
            matching(&s, &p, "orders-high-cpu", T0 + 1).await,
            Some(m.clone())
        );
        assert_eq!(
            matching(&s, &p, "ORDERS-latency", T0 + 1).await,
            Some(m.clone())
        );
        assert_eq!(matching(&s, &p, "payments", T0 + 1).await, None);
        assert_eq!(
            matching(&s, &p, "orders-high-cpu", T0 + HOUR).await,
            None,
            "ended"
        );
        assert_eq!(
            matching(&s, &place("C2"), "orders-x", T0 + 1).await,
            None,
            "one channel only"
        );
        assert_eq!(active(&s, &p, T0 + HOUR - 1).await, vec![m]);
        assert!(active(&s, &p, T0 + HOUR).await.is_empty());
    }

    #[tokio::test]
    async fn question_mark_is_one_character() {
        let s = store();
        let p = place("C1");
        mute(&s, &p, "db-?", Duration::from_secs(60), "U1", T0)
            .await
            .unwrap();
        assert!(matching(&s, &p, "db-1", T0).await.is_some());
        assert!(matching(&s, &p, "db-12", T0).await.is_none());
    }

    #[tokio::test]
    async fn muting_again_replaces_and_expired_entries_are_dropped_on_write() {
        let s = store();
        let p = place("C1");
        mute(&s, &p, "a", Duration::from_secs(60), "U1", T0)
            .await
            .unwrap();
        mute(&s, &p, "b", Duration::from_secs(7200), "U1", T0)
            .await
            .unwrap();
        mute(&s, &p, "B", Duration::from_secs(600), "U2", T0 + 1)
            .await
            .unwrap();
        let list = active(&s, &p, T0 + 2).await;
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].pattern, "B");
        assert_eq!(list[1].by, "U2");
        // After `a` ended, the next write leaves it out of the record.
        mute(&s, &p, "c", Duration::from_secs(60), "U1", T0 + 120_000)
            .await
            .unwrap();
        let stored = s.get_surface(KIND, "acme/C1").await.unwrap().unwrap();
        let raw: Vec<Mute> = serde_json::from_str(&stored).unwrap();
        let patterns: Vec<&str> = raw.iter().map(|m| m.pattern.as_str()).collect();
        assert_eq!(patterns, ["B", "c"]);
    }

    #[tokio::test]
    async fn the_longest_matching_mute_is_reported() {
        let s = store();
        let p = place("C1");
        mute(&s, &p, "orders-*", Duration::from_secs(3600), "U1", T0)
            .await
            .unwrap();
        mute(&s, &p, "*-cpu", Duration::from_secs(7200), "U2", T0)
            .await
            .unwrap();
        assert_eq!(
            matching(&s, &p, "orders-cpu", T0).await.map(|m| m.pattern),
            Some("*-cpu".into())
        );
    }

    #[tokio::test]
    async fn unmute_lifts_the_pattern_as_muted() {
        let s = store();
        let p = place("C1");
        mute(&s, &p, "orders-*", Duration::from_secs(3600), "U1", T0)
            .await
            .unwrap();
        mute(&s, &p, "payments", Duration::from_secs(3600), "U1", T0)
            .await
            .unwrap();
        assert!(
            unmute(&s, &p, "orders-high-cpu", T0)
                .await
                .unwrap()
                .is_empty(),
            "a name is not the pattern"
        );
        let lifted = unmute(&s, &p, " ORDERS-* ", T0).await.unwrap();
        assert_eq!(lifted.len(), 1);
        assert_eq!(lifted[0].pattern, "orders-*");
        assert!(matching(&s, &p, "orders-x", T0).await.is_none());
        assert!(matching(&s, &p, "payments", T0).await.is_some());
        assert!(
            unmute(&s, &p, "orders-*", T0).await.unwrap().is_empty(),
            "nothing left"
        );
    }

    #[tokio::test]
    async fn unmute_all_lifts_only_active_mutes() {
        let s = store();
        let p = place("C1");
        mute(&s, &p, "short", Duration::from_secs(1), "U1", T0)
            .await
            .unwrap();
        mute(&s, &p, "long", Duration::from_secs(3600), "U1", T0)
            .await
            .unwrap();
        let lifted = unmute_all(&s, &p, T0 + 5_000).await.unwrap();
        assert_eq!(
            lifted
                .iter()
                .map(|m| m.pattern.as_str())
                .collect::<Vec<_>>(),
            ["long"]
        );
        assert!(active(&s, &p, T0 + 5_000).await.is_empty());
        assert!(unmute_all(&s, &p, T0 + 5_000).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn bad_mutes_are_refused() {
        let s = store();
        let p = place("C1");
        let hour = Duration::from_secs(3600);
        assert!(matches!(
            mute(&s, &p, "  ", hour, "U1", T0).await,
            Err(MuteError::EmptyPattern)
        ));
        assert!(matches!(
            mute(&s, &p, &"x".repeat(257), hour, "U1", T0).await,
            Err(MuteError::PatternTooLong)
        ));
        assert!(matches!(
            mute(&s, &p, "x", Duration::ZERO, "U1", T0).await,
            Err(MuteError::ZeroDuration)
        ));
        let e = mute(&s, &p, "x", MAX_DURATION + Duration::from_secs(1), "U1", T0)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a mute lasts at most 30 days; 30d1s is longer"
        );
        assert!(
            mute(&s, &p, "x", MAX_DURATION, "U1", T0).await.is_ok(),
            "30 days is allowed"
        );
    }

    #[tokio::test]
    async fn a_broken_record_mutes_nothing_and_is_replaced_by_the_next_mute() {
        let s = store();
        let p = place("C1");
        s.put_surface(KIND, "acme/C1", "not json", T0)
            .await
            .unwrap();
        assert!(active(&s, &p, T0).await.is_empty());
        assert!(matching(&s, &p, "x", T0).await.is_none());
        mute(&s, &p, "x", Duration::from_secs(60), "U1", T0)
            .await
            .unwrap();
        assert!(matching(&s, &p, "x", T0).await.is_some());
    }

    proptest::proptest! {
        #[test]
        fn patterns_never_panic_and_a_name_without_wildcards_matches_itself(
            pattern in "\\PC{0,30}",
            name in "[a-zA-Z0-9 _.:/-]{0,30}",
        ) {
            let m = Mute { pattern: pattern.clone(), until_ms: 1, by: "U".into(), at_ms: 0 };
            let _ = m.matches(&name);
            let own = Mute { pattern: name.clone(), ..m.clone() };
            proptest::prop_assert!(own.matches(&name.to_ascii_uppercase()));
            let star = Mute { pattern: "*".into(), ..m };
            proptest::prop_assert!(star.matches(&name));
        }
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(describe_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(describe_duration(Duration::from_secs(2 * 86_400)), "2d");
        assert_eq!(describe_duration(Duration::from_secs(45)), "45s");
        assert_eq!(describe_duration(Duration::ZERO), "0s");
    }
}
