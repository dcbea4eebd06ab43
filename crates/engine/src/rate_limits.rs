//! Flood control: how many commands one user, and one channel as a whole, may start
//! (`[limits]`). Each limit is a token bucket holding at most `count` commands that refills
//! continuously at `count` per period, so a burst of `count` goes through at once and then
//! one more every `period / count`.
//!
//! Buckets live in this process's memory, keyed by (workspace, channel, user) and
//! (workspace, channel): several replicas behind a load balancer each apply the limits on
//! their own. A full bucket is the same as no bucket, so full ones are dropped whenever the
//! map has doubled since the last sweep: memory stays within twice the buckets used in the
//! last period.
//!
//! What counts is decided by the engine (see `README.md`, "Flood control"): a new command
//! (typed, an alias, a button that runs one, a submitted form) and a Next page press; not
//! help, Cancel, Run of a change already counted, or answering a question.

use config::{Limits, Rate};
use std::collections::HashMap;
use std::sync::Mutex;

/// Sweep full buckets once the map reaches this size (then twice the size left).
const FIRST_SWEEP: usize = 1024;

/// Which limit refused a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The user's own limit in the channel.
    User,
    /// The channel's limit, for everyone in it.
    Channel,
}

/// A command refused by a limit: which one, and when one more will be allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    pub scope: Scope,
    pub rate: Rate,
    /// Milliseconds until the bucket holds one command again (at least 1).
    pub retry_after_ms: i64,
}

impl Limited {
    /// Whole seconds to wait, rounded up (at least 1), as the message says it.
    pub fn retry_after_secs(&self) -> i64 {
        ((self.retry_after_ms + 999) / 1000).max(1)
    }

    /// What the asker is told, in the engine's dialect.
    pub fn message(&self) -> String {
        let (count, period, limit) = (
            self.rate.count,
            self.rate.period_words(),
            self.rate.describe(),
        );
        let who = match self.scope {
            Scope::User => {
                format!("you have run {count} commands in the last {period} in this channel (limit {limit})")
            }
            Scope::Channel => format!(
                "this channel has run {count} commands in the last {period} (limit {limit}, for everyone in it)"
            ),
        };
        format!(
            "⏳ Slow down: {who}. Try again in {} s.",
            self.retry_after_secs()
        )
    }

    /// The audit log's reason: the limit and the wait, without the emoji.
    pub fn reason(&self) -> String {
        let scope = match self.scope {
            Scope::User => "per user in a channel",
            Scope::Channel => "per channel",
        };
        format!(
            "rate limit {} {scope}; try again in {} s",
            self.rate.describe(),
            self.retry_after_secs()
        )
    }
}

/// A token bucket kept as the time it will next be full (the generic cell rate algorithm),
/// in integers: time is scaled by the rate's count, so one command costs exactly the
/// period in milliseconds and a full bucket spans `count` periods, whatever the count.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// When the bucket is full again, in ms × count.
    full_at: i128,
}

impl Bucket {
    /// `now` in the bucket's scaled time.
    fn scaled(rate: Rate, now: i64) -> i128 {
        i128::from(now) * i128::from(rate.count)
    }

    /// The bucket after taking one command at `now`, or how many milliseconds until it can.
    fn take(self, rate: Rate, now: i64) -> Result<Bucket, i64> {
        let period = rate.per.as_millis().max(1) as i128;
        let now = Self::scaled(rate, now);
        let after = self.full_at.max(now) + period;
        let over = after - now - period * i128::from(rate.count);
        if over > 0 {
            let count = i128::from(rate.count);
            Err(i64::try_from((over + count - 1) / count).unwrap_or(i64::MAX))
        } else {
            Ok(Bucket { full_at: after })
        }
    }

    /// Whether it has refilled completely by `now` (the same as no bucket).
    fn is_full(self, rate: Rate, now: i64) -> bool {
        self.full_at <= Self::scaled(rate, now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    User {
        workspace: String,
        channel: String,
        user: String,
    },
    Channel {
        workspace: String,
        channel: String,
    },
}

impl Key {
    fn rate(&self, limits: &Limits) -> Option<Rate> {
        match self {
            Key::User { .. } => limits.commands_per_user,
            Key::Channel { .. } => limits.commands_per_channel,
        }
    }
}

struct Buckets {
    map: HashMap<Key, Bucket>,
    next_sweep: usize,
}

/// The command limits of one engine.
pub struct CommandLimits {
    limits: Limits,
    buckets: Mutex<Buckets>,
}

impl CommandLimits {
    pub fn new(limits: Limits) -> CommandLimits {
        CommandLimits {
            limits,
            buckets: Mutex::new(Buckets {
                map: HashMap::new(),
                next_sweep: FIRST_SWEEP,
            }),
        }
    }

    /// Takes one command from the user's and the channel's buckets at `now` (ms), or, when
    /// either is empty, takes nothing and says which limit refused and for how long. The
    /// user's limit is named first when both refuse.
    pub fn take(
        &self,
        workspace: &str,
        channel: &str,
        user: &str,
        now: i64,
    ) -> Result<(), Limited> {
        let keys = [
            Key::User {
                workspace: workspace.into(),
                channel: channel.into(),
                user: user.into(),
            },
            Key::Channel {
                workspace: workspace.into(),
                channel: channel.into(),
            },
        ];
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let mut taken = Vec::with_capacity(2);
        for key in &keys {
            let Some(rate) = key.rate(&self.limits) else {
                continue;
            };
            let bucket = b.map.get(key).copied().unwrap_or(Bucket { full_at: 0 });
            match bucket.take(rate, now) {
                Ok(next) => taken.push((key, next)),
                Err(wait) => {
                    return Err(Limited {
                        scope: match key {
                            Key::User { .. } => Scope::User,
                            Key::Channel { .. } => Scope::Channel,
                        },
                        rate,
                        retry_after_ms: wait.max(1),
                    })
                }
            }
        }
        for (key, bucket) in taken {
            b.map.insert(key.clone(), bucket);
        }
        if b.map.len() >= b.next_sweep {
            let limits = &self.limits;
            b.map.retain(|k, bk| match k.rate(limits) {
                Some(rate) => !bk.is_full(rate, now),
                None => false,
            });
            b.next_sweep = (b.map.len() * 2).max(FIRST_SWEEP);
        }
        Ok(())
    }

    /// How many buckets are kept (tests of the memory bound).
    pub fn buckets(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
    }
}

impl crate::engine::Engine {
    /// Takes one command of `command` from the asker's and the channel's limits. When
    /// either is used up, tells the asker which limit and when to try again, audits the
    /// refusal (decision `rateLimited`, outcome `refused`) and returns true: the caller
    /// makes no AWS call and keeps nothing.
    pub(crate) async fn over_limit(&self, t: &mut crate::engine::Turn<'_>, command: &str) -> bool {
        let Err(limited) = self
            .limits
            .take(&t.ev.workspace, &t.ev.channel, &t.ev.user, t.now)
        else {
            return false;
        };
        let message = limited.message();
        t.tell(crate::engine::say(crate::message::Rich::verbatim(
            message.clone(),
        )));
        t.outcome = Some(crate::outcome::Outcome::Limited {
            message,
            retry_after_ms: limited.retry_after_ms,
        });
        self.record(store::AuditRecord {
            decision: "rateLimited".into(),
            reason: limited.reason(),
            outcome: "refused".into(),
            ..self.turn_record(t, command)
        })
        .await;
        tracing::info!(
            workspace = %t.ev.workspace,
            channel = %t.ev.channel,
            user = %t.ev.user,
            limit = %limited.rate.describe(),
            scope = ?limited.scope,
            "command refused by a rate limit"
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits(user: Option<Rate>, channel: Option<Rate>) -> CommandLimits {
        CommandLimits::new(Limits {
            commands_per_user: user,
            commands_per_channel: channel,
            slack_pacing: true,
        })
    }

    #[test]
    fn a_burst_then_one_per_refill() {
        let l = limits(Some(Rate::per_minute(3)), None);
        for _ in 0..3 {
            assert!(l.take("w", "c", "u", 0).is_ok());
        }
        let e = l.take("w", "c", "u", 0).unwrap_err();
        assert_eq!(e.scope, Scope::User);
        assert_eq!(e.retry_after_ms, 20_000, "one command every 20 s");
        assert_eq!(
            e.message(),
            "⏳ Slow down: you have run 3 commands in the last minute in this channel (limit 3/min). Try again in 20 s."
        );
        assert!(l.take("w", "c", "u", 19_999).is_err());
        assert!(l.take("w", "c", "u", 20_000).is_ok());
        assert!(l.take("w", "c", "u", 20_001).is_err());
        // Another user, another channel, another workspace: their own buckets.
        assert!(l.take("w", "c", "v", 0).is_ok());
        assert!(l.take("w", "d", "u", 0).is_ok());
        assert!(l.take("x", "c", "u", 0).is_ok());
        // A long pause fills the bucket, never beyond its size.
        for _ in 0..3 {
            assert!(l.take("w", "c", "u", 3_600_000).is_ok());
        }
        assert!(l.take("w", "c", "u", 3_600_000).is_err());
    }

    #[test]
    fn the_channel_limit_counts_everyone_and_a_refusal_takes_nothing() {
        let l = limits(Some(Rate::per_minute(2)), Some(Rate::per_minute(3)));
        assert!(l.take("w", "c", "alice", 0).is_ok());
        assert!(l.take("w", "c", "alice", 0).is_ok());
        assert_eq!(l.take("w", "c", "alice", 0).unwrap_err().scope, Scope::User);
        assert!(l.take("w", "c", "bob", 0).is_ok());
        let e = l.take("w", "c", "bob", 0).unwrap_err();
        assert_eq!(e.scope, Scope::Channel);
        assert!(
            e.message().starts_with(
                "⏳ Slow down: this channel has run 3 commands in the last minute (limit 3/min"
            ),
            "{}",
            e.message()
        );
        // Bob's refused command took nothing from his own bucket: after the channel
        // refills one, he still has one of his own.
        assert!(l.take("w", "c", "bob", 20_000).is_ok());
    }

    #[test]
    fn off_means_no_limit() {
        let l = limits(None, None);
        for i in 0..10_000 {
            assert!(l.take("w", "c", "u", i).is_ok());
        }
        assert_eq!(l.buckets(), 0);
    }

    #[test]
    fn short_periods_and_rounding_up() {
        let l = limits(
            Some(Rate {
                count: 2,
                per: Duration::from_secs(10),
            }),
            None,
        );
        assert!(l.take("w", "c", "u", 0).is_ok());
        assert!(l.take("w", "c", "u", 0).is_ok());
        let e = l.take("w", "c", "u", 1).unwrap_err();
        assert_eq!(e.retry_after_ms, 4_999);
        assert_eq!(e.retry_after_secs(), 5);
        assert!(e.message().contains("in the last 10s"), "{}", e.message());
        assert_eq!(
            e.reason(),
            "rate limit 2/10s per user in a channel; try again in 5 s"
        );
    }

    #[test]
    fn idle_buckets_are_dropped() {
        let l = limits(Some(Rate::per_minute(5)), Some(Rate::per_minute(50)));
        for i in 0..5_000 {
            assert!(l.take("w", &format!("c{i}"), "u", 0).is_ok());
        }
        assert_eq!(
            l.buckets(),
            10_000,
            "all in use: a user's and a channel's each"
        );
        // A minute later those are full again, the same as absent: sweeps drop them while
        // new ones come, so what is kept is what the last minute used.
        for i in 0..5_000 {
            assert!(l.take("w", &format!("d{i}"), "u", 60_000).is_ok());
        }
        assert!(l.buckets() <= 10_000, "{} buckets", l.buckets());
    }
}
