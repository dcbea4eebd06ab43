//! Per-channel rate limit: a token bucket of `rate_per_minute` tokens refilled evenly, so a
//! burst up to the limit passes at once and a flood beyond it is summarised ("N more
//! notifications") instead of posted one by one.

use std::collections::HashMap;

use engine::Place;

/// Headlines kept per summary; the rest are only counted.
pub const SUMMARY_HEADLINES: usize = 5;

/// Notifications held back in one channel since its last summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    pub count: u32,
    /// The first few notifications' one-line headlines, in the engine's dialect.
    pub headlines: Vec<String>,
}

#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
    held: Held,
}

/// Buckets of every channel that has had notifications.
#[derive(Debug, Default)]
pub struct Limiter {
    per_minute: u32,
    buckets: HashMap<Place, Bucket>,
}

impl Limiter {
    /// `per_minute` 0 turns the limit off.
    pub fn new(per_minute: u32) -> Limiter {
        Limiter {
            per_minute,
            buckets: HashMap::new(),
        }
    }

    fn bucket(&mut self, place: &Place, now: i64) -> Option<&mut Bucket> {
        if self.per_minute == 0 {
            return None;
        }
        let cap = f64::from(self.per_minute);
        let b = self.buckets.entry(place.clone()).or_insert(Bucket {
            tokens: cap,
            at_ms: now,
            held: Held::default(),
        });
        let elapsed = now.saturating_sub(b.at_ms).max(0) as f64;
        b.tokens = (b.tokens + elapsed * cap / 60_000.0).min(cap);
        b.at_ms = now;
        Some(b)
    }

    /// Takes a token for a post in `place`; false when the channel is over its limit.
    pub fn admit(&mut self, place: &Place, now: i64) -> bool {
        match self.bucket(place, now) {
            None => true,
            Some(b) if b.tokens >= 1.0 => {
                b.tokens -= 1.0;
                true
            }
            Some(_) => false,
        }
    }

    /// Holds a notification that was over the limit, for the next summary.
    pub fn hold(&mut self, place: &Place, headline: String, now: i64) {
        if let Some(b) = self.bucket(place, now) {
            b.held.count = b.held.count.saturating_add(1);
            if b.held.headlines.len() < SUMMARY_HEADLINES {
                b.held.headlines.push(headline);
            }
        }
    }

    /// The summaries that may be posted now (their channel has a token again), each taking
    /// its token; the held counts are cleared.
    pub fn due(&mut self, now: i64) -> Vec<(Place, Held)> {
        let places: Vec<Place> = self
            .buckets
            .iter()
            .filter(|(_, b)| b.held.count > 0)
            .map(|(p, _)| p.clone())
            .collect();
        let mut out = Vec::new();
        for p in places {
            if let Some(b) = self.bucket(&p, now) {
                if b.tokens >= 1.0 {
                    b.tokens -= 1.0;
                    out.push((p, std::mem::take(&mut b.held)));
                }
            }
        }
        out
    }

    /// Puts back a summary that could not be posted, so the next attempt includes it.
    pub fn restore(&mut self, place: &Place, held: Held, now: i64) {
        if let Some(b) = self.bucket(place, now) {
            b.held.count = b.held.count.saturating_add(held.count);
            let room = SUMMARY_HEADLINES.saturating_sub(b.held.headlines.len());
            let mut old = held.headlines;
            old.truncate(room);
            old.append(&mut b.held.headlines);
            b.held.headlines = old;
        }
    }

    /// Forgets buckets that are full and hold nothing (channels quiet for a minute).
    pub fn tidy(&mut self, now: i64) {
        let cap = f64::from(self.per_minute);
        self.buckets.retain(|_, b| {
            let elapsed = now.saturating_sub(b.at_ms).max(0) as f64;
            b.held.count > 0 || b.tokens + elapsed * cap / 60_000.0 < cap
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(c: &str) -> Place {
        Place {
            workspace: "w".into(),
            channel: c.into(),
        }
    }

    #[test]
    fn a_burst_up_to_the_limit_passes_then_the_rest_is_held() {
        let mut l = Limiter::new(3);
        let p = place("C1");
        assert!((0..3).all(|_| l.admit(&p, 0)));
        assert!(!l.admit(&p, 0));
        l.hold(&p, "a".into(), 0);
        l.hold(&p, "b".into(), 0);
        // Other channels have their own bucket.
        assert!(l.admit(&place("C2"), 0));
        // No token yet: no summary.
        assert!(l.due(1_000).is_empty());
        // 20 s later one token is back (3 per minute): the summary goes, counts cleared.
        let due = l.due(20_000);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].1.count, 2);
        assert_eq!(due[0].1.headlines, vec!["a".to_string(), "b".to_string()]);
        assert!(l.due(60_000).is_empty());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let mut l = Limiter::new(0);
        assert!((0..10_000).all(|_| l.admit(&place("C1"), 0)));
        assert!(l.due(0).is_empty());
    }

    #[test]
    fn a_failed_summary_is_restored_and_headlines_stay_capped() {
        let mut l = Limiter::new(1);
        let p = place("C1");
        assert!(l.admit(&p, 0));
        for n in 0..8 {
            l.hold(&p, format!("h{n}"), 0);
        }
        let mut due = l.due(60_000);
        let (_, held) = due.remove(0);
        assert_eq!(held.count, 8);
        assert_eq!(held.headlines.len(), SUMMARY_HEADLINES);
        l.restore(&p, held, 60_000);
        l.hold(&p, "late".into(), 60_000);
        let due = l.due(120_000);
        assert_eq!(due[0].1.count, 9);
        assert_eq!(due[0].1.headlines.len(), SUMMARY_HEADLINES);
        assert_eq!(due[0].1.headlines[0], "h0");
    }
}
