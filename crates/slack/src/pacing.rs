//! Staying within Slack's rate limits, per workspace: one [`Gate`] is shared by every clone
//! of a [`crate::WebApi`] (one bot token, so one workspace).
//!
//! - **Pacing**: `chat.postMessage` goes at about one message a second per channel with a
//!   burst of [`POST_BURST`] (Slack's special tier); other methods at their tier's rate per
//!   workspace (Tier 2 ≈ 20/min, Tier 3 ≈ 50/min, Tier 4 ≈ 100/min, each with a burst of a
//!   fifth of a minute's calls). `views.open` (its `trigger_id` expires in 3 s) and
//!   `response_url` posts are never paced.
//! - **429**: a `Retry-After` holds the method for the whole workspace until then (a
//!   `response_url` is limited per URL, so only that call waits).
//! - **Order**: calls that name a channel go one at a time per channel, in the order they
//!   came, so a message waiting out a 429 is not overtaken by the next one.
//!
//! Pacing can be turned off (`[limits] slack_pacing = false`, for a local double under
//! load); holds and order stay.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Messages `chat.postMessage` may send to one channel at once before the 1/s pace.
pub const POST_BURST: u32 = 3;

/// Sweep idle entries once a map reaches this size (then twice the size left).
const FIRST_SWEEP: usize = 256;

/// How fast a method may be called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// One call per `interval` per channel, after a burst.
    PerChannel { interval: Duration, burst: u32 },
    /// A Web API tier: this many calls a minute per workspace.
    Tier(u32),
    /// Never delayed but by a 429.
    Unpaced,
}

/// How one method is paced and held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub pace: Pace,
    /// A 429 holds every call of the method in the workspace (false: only the call waits).
    pub hold_family: bool,
    /// The longest a call of this method waits, when less than the client's own limit: a
    /// lookup that only adds a detail (the asker's name for the audit log) is not worth
    /// holding up a command's answer.
    pub patience: Option<Duration>,
}

/// The policy of `method`, from the tiers Slack documents on each method's page.
pub fn policy(method: &str) -> Policy {
    let pace = match method {
        "chat.postMessage" => Pace::PerChannel {
            interval: Duration::from_secs(1),
            burst: POST_BURST,
        },
        "chat.update" | "conversations.info" => Pace::Tier(50),
        "chat.postEphemeral"
        | "files.getUploadURLExternal"
        | "files.completeUploadExternal"
        | "users.info"
        | "auth.test" => Pace::Tier(100),
        "views.open" | "response_url" => Pace::Unpaced,
        // Most methods allow at least Tier 2.
        _ => Pace::Tier(20),
    };
    Policy {
        pace,
        hold_family: method != "response_url",
        patience: (method == "users.info").then_some(Duration::from_secs(2)),
    }
}

/// Per-workspace pacing, holds and per-channel order.
#[derive(Debug)]
pub struct Gate {
    paced: AtomicBool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// method → calls wait until then (a 429's `Retry-After`).
    holds: HashMap<String, Instant>,
    /// (method, channel or "") → when the bucket is full again (its theoretical arrival time).
    buckets: HashMap<(String, String), Instant>,
    /// channel → the turn of calls to it.
    order: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
    next_sweep: usize,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate::new(true)
    }
}

impl Gate {
    pub fn new(paced: bool) -> Gate {
        Gate {
            paced: AtomicBool::new(paced),
            state: Mutex::new(State {
                next_sweep: FIRST_SWEEP,
                ..State::default()
            }),
        }
    }

    /// Turns pacing on or off (holds and order stay).
    pub fn set_paced(&self, on: bool) {
        self.paced.store(on, Ordering::Relaxed);
    }

    pub fn is_paced(&self) -> bool {
        self.paced.load(Ordering::Relaxed)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The turn of calls to `channel`: lock it for the whole call, retries included.
    pub fn channel_turn(&self, channel: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut s = self.state();
        s.sweep(Instant::now());
        s.order.entry(channel.to_string()).or_default().clone()
    }

    /// Reserves the next slot for a call of `method` (to `channel`) and says how long to
    /// wait for it. Slots are handed out in call order, so waiting calls keep their order.
    /// A slot further away than `patience` is not taken: `Err` says how far it is.
    pub fn reserve(
        &self,
        method: &str,
        channel: Option<&str>,
        now: Instant,
        patience: Duration,
    ) -> Result<Duration, Duration> {
        if !self.is_paced() {
            return Ok(Duration::ZERO);
        }
        let (interval, burst, channel) = match policy(method).pace {
            Pace::Unpaced => return Ok(Duration::ZERO),
            Pace::PerChannel { interval, burst } => (interval, burst, channel.unwrap_or("")),
            Pace::Tier(per_minute) => (
                Duration::from_secs(60) / per_minute.max(1),
                (per_minute / 5).max(1),
                "",
            ),
        };
        let mut s = self.state();
        let key = (method.to_string(), channel.to_string());
        let tat = s.buckets.get(&key).copied().unwrap_or(now).max(now);
        let allowed = tat
            .checked_sub(interval * (burst - 1))
            .unwrap_or(now)
            .max(now);
        if allowed - now > patience {
            return Err(allowed - now);
        }
        s.buckets.insert(key, tat + interval);
        s.sweep(now);
        Ok(allowed - now)
    }

    /// Until when calls of `method` are held by a 429, if they are.
    pub fn held_until(&self, method: &str, now: Instant) -> Option<Instant> {
        self.state()
            .holds
            .get(method)
            .copied()
            .filter(|until| *until > now)
    }

    /// Holds calls of `method` until `until` (a 429 answered it).
    pub fn hold(&self, method: &str, until: Instant) {
        if !policy(method).hold_family {
            return;
        }
        let mut s = self.state();
        let at = s.holds.entry(method.to_string()).or_insert(until);
        *at = (*at).max(until);
    }
}

impl State {
    fn size(&self) -> usize {
        self.buckets.len() + self.order.len() + self.holds.len()
    }

    /// Drops what no call needs any more, once the maps have doubled since the last sweep:
    /// memory stays within twice what is in use.
    fn sweep(&mut self, now: Instant) {
        if self.size() >= self.next_sweep {
            self.sweep_now(now);
        }
    }

    fn sweep_now(&mut self, now: Instant) {
        self.buckets.retain(|_, tat| *tat > now);
        self.holds.retain(|_, until| *until > now);
        self.order.retain(|_, turn| Arc::strong_count(turn) > 1);
        self.next_sweep = (self.size() * 2).max(FIRST_SWEEP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOREVER: Duration = Duration::from_secs(3600);

    #[test]
    fn a_slot_beyond_patience_is_not_taken() {
        let g = Gate::default();
        let now = Instant::now();
        for _ in 0..20 {
            assert_eq!(
                g.reserve("users.info", None, now, FOREVER),
                Ok(Duration::ZERO)
            );
        }
        let patience = policy("users.info")
            .patience
            .expect("users.info is best effort");
        assert_eq!(
            g.reserve("users.info", None, now, Duration::from_millis(500)),
            Err(Duration::from_millis(600))
        );
        // Refusing took nothing: the same slot is still the next one.
        assert_eq!(
            g.reserve("users.info", None, now, patience),
            Ok(Duration::from_millis(600))
        );
        assert_eq!(policy("chat.postMessage").patience, None);
    }

    #[test]
    fn posts_burst_then_go_one_a_second_per_channel() {
        let g = Gate::default();
        let now = Instant::now();
        let waits: Vec<u64> = (0..6)
            .map(|_| {
                g.reserve("chat.postMessage", Some("C1"), now, FOREVER)
                    .unwrap()
                    .as_millis() as u64
            })
            .collect();
        assert_eq!(waits, [0, 0, 0, 1000, 2000, 3000]);
        // Another channel has its own pace.
        assert_eq!(
            g.reserve("chat.postMessage", Some("C2"), now, FOREVER),
            Ok(Duration::ZERO)
        );
        // Later, the bucket has refilled.
        let later = now + Duration::from_secs(60);
        assert_eq!(
            g.reserve("chat.postMessage", Some("C1"), later, FOREVER),
            Ok(Duration::ZERO)
        );
    }

    #[test]
    fn tiers_pace_per_workspace_and_some_methods_never_wait() {
        let g = Gate::default();
        let now = Instant::now();
        let waits: Vec<u128> = (0..12)
            .map(|_| {
                g.reserve("chat.update", Some("C1"), now, FOREVER)
                    .unwrap()
                    .as_millis()
            })
            .collect();
        assert_eq!(&waits[..10], &[0; 10], "Tier 3: a burst of 10");
        assert_eq!(&waits[10..], &[1200, 2400], "then 50 a minute");
        // The tier is per method for the workspace, whatever the channel.
        assert_eq!(
            g.reserve("chat.update", Some("C2"), now, FOREVER)
                .unwrap()
                .as_millis(),
            3600
        );
        for _ in 0..100 {
            assert_eq!(
                g.reserve("views.open", None, now, Duration::ZERO),
                Ok(Duration::ZERO)
            );
            assert_eq!(
                g.reserve("response_url", None, now, Duration::ZERO),
                Ok(Duration::ZERO)
            );
        }
        let off = Gate::new(false);
        for _ in 0..100 {
            assert_eq!(
                off.reserve("chat.postMessage", Some("C1"), now, Duration::ZERO),
                Ok(Duration::ZERO)
            );
        }
    }

    #[test]
    fn a_hold_covers_the_method_until_it_ends() {
        let g = Gate::default();
        let now = Instant::now();
        assert_eq!(g.held_until("chat.postMessage", now), None);
        g.hold("chat.postMessage", now + Duration::from_secs(2));
        g.hold("chat.postMessage", now + Duration::from_secs(1));
        assert_eq!(
            g.held_until("chat.postMessage", now),
            Some(now + Duration::from_secs(2)),
            "a shorter hold does not shorten a longer one"
        );
        assert_eq!(g.held_until("chat.update", now), None);
        assert_eq!(
            g.held_until("chat.postMessage", now + Duration::from_secs(2)),
            None
        );
        // A response_url is limited per URL: no hold for the others.
        g.hold("response_url", now + Duration::from_secs(5));
        assert_eq!(g.held_until("response_url", now), None);
    }

    #[test]
    fn idle_entries_are_dropped() {
        let g = Gate::default();
        let now = Instant::now();
        let held = g.channel_turn("C-busy");
        for i in 0..2_000 {
            let _ = g.reserve("chat.postMessage", Some(&format!("C{i}")), now, FOREVER);
            drop(g.channel_turn(&format!("C{i}")));
        }
        assert!(
            g.state().size() <= 2 * 2_001 + FIRST_SWEEP,
            "within twice what is in use: {}",
            g.state().size()
        );
        g.state().sweep_now(now);
        assert_eq!(g.state().order.len(), 1, "only the turn still held");
        assert_eq!(g.state().buckets.len(), 2_000, "buckets still refilling");
        g.state().sweep_now(now + Duration::from_secs(10));
        assert_eq!(g.state().buckets.len(), 0, "all refilled");
        drop(held);
    }
}
