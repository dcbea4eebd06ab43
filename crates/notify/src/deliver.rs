//! From a received notification to the channels it routes to, exactly once each.
//!
//! For every channel: a claim in the store on `(channel, MessageId)` (and on the payload's
//! own id, when it has one) before anything is posted, so a retried SNS delivery, a second
//! SQS receipt or a replica racing for the same message posts nothing twice; the claim is
//! given back when the post fails, so the retry SNS or SQS makes delivers it. Then the
//! channel's mutes, its thread for the alarm (or custom `threadId`), and its rate limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use engine::{Clock, Message, Place, PostError, Poster, Rich};
use store::{AsyncStore, Store};

use crate::limit::{Held, Limiter};
use crate::message::{self, Notification};
use crate::render::{self, Meta};
use crate::route::Route;
use crate::threads::{self, Decision, Thread};
use crate::Facts;

/// Surface-record kinds of delivery claims: when each was taken, and which finished.
const CLAIM_KIND: &str = "notify.claim";
const DONE_KIND: &str = "notify.done";

/// How long a claim protects a delivery that has not finished: longer than any post with
/// its retries takes. A claim older than this belonged to a process that died mid-post.
pub const CLAIM_LEASE_MS: i64 = 120_000;

/// The state of a delivery's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    Taken,
    Done,
    Busy,
}

/// One notification as received: the SNS envelope's fields that matter after verification
/// (or a raw SQS message, or a file given to `chatops notify send`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// SNS `MessageId` (SQS message id for raw delivery): what retries share.
    pub message_id: String,
    pub topic_arn: Option<String>,
    pub subject: Option<String>,
    /// The SNS `Message`: an alarm, an event or a custom notification, as JSON text.
    pub message: String,
}

/// What became of a notification in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Posted as a new message (`id` is its engine id).
    Posted { id: String },
    /// Posted into the thread of `root`, whose message was updated.
    InThread { root: String, id: String },
    /// Already delivered here: a retry.
    Duplicate,
    /// Being delivered here by another delivery of the same message (a retry that came
    /// early, or a replica); not acknowledged, so it comes back once that one is over.
    Busy,
    /// A mute of the channel matched (`pattern`).
    Muted { pattern: String },
    /// The route's filters left it out.
    Filtered,
    /// Over the channel's rate limit: counted into the next summary.
    Held,
    /// Not understood and `show_unsupported` is off: counted and logged only.
    Dropped,
    /// The surface did not take it; a retry will try again.
    Failed(String),
}

/// The outcome in every channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub channels: Vec<(Place, Delivery)>,
    /// Why the message was not understood, when it was not.
    pub unsupported: Option<String>,
    /// Its kind as a metric label (see [`crate::telemetry::kind`]).
    pub kind: &'static str,
}

impl Report {
    /// True when no channel failed: the message may be acknowledged (SNS answered 200, the
    /// SQS message deleted).
    pub fn complete(&self) -> bool {
        !self
            .channels
            .iter()
            .any(|(_, d)| matches!(d, Delivery::Failed(_) | Delivery::Busy))
    }
}

/// Counters since start, for logs and the benchmark.
#[derive(Debug, Default)]
pub struct Stats {
    pub received: AtomicU64,
    pub posted: AtomicU64,
    pub duplicates: AtomicU64,
    pub unsupported: AtomicU64,
    pub muted: AtomicU64,
    pub held: AtomicU64,
    pub failed: AtomicU64,
}

/// The settings delivery needs, in milliseconds.
#[derive(Debug, Clone)]
pub struct Settings {
    pub fold_window_ms: i64,
    pub new_thread_after_ms: i64,
    pub show_unsupported: bool,
}

impl From<&config::NotifySettings> for Settings {
    fn from(s: &config::NotifySettings) -> Settings {
        Settings {
            fold_window_ms: s.fold_window.as_millis().min(i64::MAX as u128) as i64,
            new_thread_after_ms: s.new_thread_after.as_millis().min(i64::MAX as u128) as i64,
            show_unsupported: s.show_unsupported,
        }
    }
}

/// Delivers notifications to channels through a [`Poster`].
pub struct Notifier {
    store: AsyncStore,
    poster: Arc<dyn Poster>,
    settings: Settings,
    clock: Clock,
    limiter: Mutex<Limiter>,
    /// One lock per channel: a thread's root is decided and recorded by one delivery at a
    /// time, so two updates of an alarm arriving together do not both start a thread.
    locks: Mutex<HashMap<Place, Arc<tokio::sync::Mutex<()>>>>,
    /// Draws alarm graphs, when set (`chatops serve` sets the engine).
    graphs: Option<Arc<dyn crate::graphs::Graphs>>,
    /// `[[actions]]`, and each channel's name (actions name the channels that show them).
    actions: Vec<config::CustomAction>,
    channel_names: HashMap<Place, String>,
    pub stats: Stats,
}

/// The notification as understood (or not), with what routing and threads need.
struct Understood {
    parsed: Option<Notification>,
    facts: Facts,
    unsupported: Option<String>,
}

impl Notifier {
    pub fn new(
        store: Arc<dyn Store>,
        poster: Arc<dyn Poster>,
        settings: &config::NotifySettings,
        clock: Clock,
    ) -> Notifier {
        Notifier {
            store: AsyncStore::new(store),
            poster,
            settings: Settings::from(settings),
            clock,
            limiter: Mutex::new(Limiter::new(settings.rate_per_minute)),
            locks: Mutex::new(HashMap::new()),
            graphs: None,
            actions: Vec::new(),
            channel_names: HashMap::new(),
            stats: Stats::default(),
        }
    }

    /// Alarm notifications carry their metric's graph, drawn by `graphs` for each channel.
    pub fn with_graphs(mut self, graphs: Arc<dyn crate::graphs::Graphs>) -> Notifier {
        self.graphs = Some(graphs);
        self
    }

    /// Notifications carry the buttons of the configuration's `[[actions]]` that apply.
    pub fn with_actions(mut self, config: &config::Config) -> Notifier {
        self.actions = config.actions.clone();
        self.channel_names = config
            .channels
            .iter()
            .map(|c| {
                (
                    Place {
                        workspace: c.workspace.clone(),
                        channel: c.platform_id.clone(),
                    },
                    c.name.clone(),
                )
            })
            .collect();
        self
    }

    /// Adds the buttons of the custom actions this channel shows and that apply.
    fn add_actions(&self, n: &Notification, place: &Place, message: &mut Message) {
        let name = self.channel_names.get(place);
        let actions: Vec<&config::CustomAction> = self
            .actions
            .iter()
            .filter(|a| a.channels.is_empty() || name.is_some_and(|n| a.channels.contains(n)))
            .collect();
        if let Some(b) = crate::actions::buttons(&actions, n) {
            message.blocks.push(b);
        }
    }

    /// When the alarm's metric named no log groups: those its tag or its metric's filters
    /// name (looked up as the channel), as Show logs buttons; else a line saying how to name
    /// them.
    async fn add_log_lookups(&self, n: &Notification, place: &Place, message: &mut Message) {
        let (Some(graphs), Notification::Alarm(a)) = (&self.graphs, n) else {
            return;
        };
        if !crate::logs::wanted(a) || !crate::logs::log_groups(a).is_empty() {
            return;
        }
        let groups = crate::graphs::looked_up_log_groups(graphs.as_ref(), place, a).await;
        match crate::logs::buttons_for(a, &groups) {
            Some(b) => message.blocks.push(b),
            None => message.blocks.push(engine::Block::Context {
                text: Rich::verbatim(format!(
                    "No Show logs: this alarm's log groups are not known (Lambda functions and metric filters are found by themselves). Name them with the alarm tag {}=/group/one,/group/two.",
                    crate::logs::TAG
                )),
            }),
        }
    }

    /// Adds the alarm's graph (or why there is none) before the message's buttons.
    async fn add_graph(&self, n: &Notification, place: &Place, message: &mut Message) {
        let (Some(graphs), Notification::Alarm(a)) = (&self.graphs, n) else {
            return;
        };
        let Some(described) = crate::graphs::described(a) else {
            if let crate::message::alarm::AlarmKind::Metric(t) = &a.kind {
                if !t.queries.is_empty() {
                    message.blocks.push(engine::Block::Context {
                        text: Rich::verbatim(
                            "No graph: alarms on metric math or anomaly bands are not drawn yet.",
                        ),
                    });
                }
            }
            return;
        };
        let block = match graphs
            .alarm_chart(place, &described, a.account.as_deref())
            .await
        {
            Ok(image) => image,
            Err(why) => engine::Block::Context {
                text: Rich::verbatim(format!("No graph: {why}")),
            },
        };
        let at = message
            .blocks
            .iter()
            .position(|b| matches!(b, engine::Block::Buttons { .. }))
            .unwrap_or(message.blocks.len());
        message.blocks.insert(at, block);
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Delivers to the channels of `routes` whose filters admit it (a channel listed by two
    /// routes gets it once).
    pub async fn deliver(&self, incoming: &Incoming, routes: &[&Route]) -> Report {
        let u = self.understand(incoming);
        let mut places: Vec<(Place, bool)> = Vec::new();
        for r in routes {
            let admits = r.admits(&u.facts);
            for p in &r.channels {
                match places.iter_mut().find(|(q, _)| q == p) {
                    Some((_, a)) => *a |= admits,
                    None => places.push((p.clone(), admits)),
                }
            }
        }
        self.fan_out(incoming, &u, places).await
    }

    /// Delivers to exactly these channels, no filters (`chatops notify send`).
    pub async fn deliver_to(&self, incoming: &Incoming, places: &[Place]) -> Report {
        let u = self.understand(incoming);
        let places = places.iter().map(|p| (p.clone(), true)).collect();
        self.fan_out(incoming, &u, places).await
    }

    fn understand(&self, incoming: &Incoming) -> Understood {
        self.stats.received.fetch_add(1, Ordering::Relaxed);
        match message::parse(&incoming.message, incoming.subject.as_deref()) {
            Ok(n) => Understood {
                facts: n.facts(),
                parsed: Some(n),
                unsupported: None,
            },
            Err(e) => {
                self.stats.unsupported.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    message_id = %incoming.message_id,
                    topic = incoming.topic_arn.as_deref().unwrap_or(""),
                    reason = %e,
                    "a notification of no known format"
                );
                Understood {
                    parsed: None,
                    facts: Facts {
                        source: "unsupported".into(),
                        ..Facts::default()
                    },
                    unsupported: Some(e.reason),
                }
            }
        }
    }

    async fn fan_out(
        &self,
        incoming: &Incoming,
        u: &Understood,
        places: Vec<(Place, bool)>,
    ) -> Report {
        let meta = Meta {
            message_id: incoming.message_id.clone(),
            topic_arn: incoming.topic_arn.clone(),
            received_ms: self.now(),
        };
        let mut report = Report {
            channels: Vec::new(),
            unsupported: u.unsupported.clone(),
            kind: crate::telemetry::kind(u.parsed.as_ref()),
        };
        for (place, admitted) in places {
            let d = if !admitted {
                Delivery::Filtered
            } else {
                self.to_place(incoming, u, &meta, &place).await
            };
            match &d {
                Delivery::Posted { .. } | Delivery::InThread { .. } => {
                    self.stats.posted.fetch_add(1, Ordering::Relaxed);
                }
                Delivery::Duplicate => {
                    self.stats.duplicates.fetch_add(1, Ordering::Relaxed);
                }
                Delivery::Muted { .. } => {
                    self.stats.muted.fetch_add(1, Ordering::Relaxed);
                }
                Delivery::Held => {
                    self.stats.held.fetch_add(1, Ordering::Relaxed);
                }
                Delivery::Failed(e) => {
                    self.stats.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(
                        message_id = %incoming.message_id,
                        workspace = %place.workspace,
                        channel = %place.channel,
                        error = %e,
                        "a notification could not be posted; it will be retried"
                    );
                }
                Delivery::Filtered | Delivery::Dropped | Delivery::Busy => {}
            }
            crate::telemetry::delivery(&d);
            report.channels.push((place, d));
        }
        report
    }

    fn claims(&self, incoming: &Incoming, u: &Understood, place: &Place) -> Vec<String> {
        let at = format!("{}\u{1f}{}", place.workspace, place.channel);
        let mut keys = vec![format!("notify\u{1f}{at}\u{1f}{}", incoming.message_id)];
        if let Some(own) = u.parsed.as_ref().and_then(Notification::own_id) {
            keys.push(format!("notify-id\u{1f}{at}\u{1f}{own}"));
        }
        keys
    }

    /// Claims every key for this delivery (see [`claim_keys`]), in one trip to the store.
    async fn claim(&self, keys: &[String], now: i64) -> Result<Claim, PostError> {
        let keys = keys.to_vec();
        self.store
            .call(move |s| Ok::<_, store::StoreError>(claim_keys(s, &keys, now)))
            .await
            .unwrap_or_else(|e| Err(PostError(format!("the store failed: {e}"))))
    }

    /// The delivery guarded by `keys` is over: later deliveries of the same message skip.
    async fn finish(&self, keys: &[String], now: i64) {
        let keys = keys.to_vec();
        let done = self.store.call(move |s| {
            for k in &keys {
                if let Err(e) = s.put_surface(DONE_KIND, k, "1", now) {
                    tracing::error!(key = %k, error = %e, "cannot record a finished notification delivery; a redelivery after the claim's lease may post it again");
                }
            }
            Ok::<_, store::StoreError>(())
        });
        let _ = done.await;
    }

    async fn release(&self, keys: &[String]) {
        let keys = keys.to_vec();
        let released = self.store.call(move |s| {
            release_keys(s, &keys);
            Ok::<_, store::StoreError>(())
        });
        let _ = released.await;
    }

    fn lock_for(&self, place: &Place) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(place.clone()).or_default().clone()
    }

    async fn to_place(
        &self,
        incoming: &Incoming,
        u: &Understood,
        meta: &Meta,
        place: &Place,
    ) -> Delivery {
        if u.parsed.is_none() && !self.settings.show_unsupported {
            return Delivery::Dropped;
        }
        let keys = self.claims(incoming, u, place);
        match self.claim(&keys, self.now()).await {
            Ok(Claim::Taken) => {}
            Ok(Claim::Done) => return Delivery::Duplicate,
            Ok(Claim::Busy) => return Delivery::Busy,
            Err(e) => return Delivery::Failed(e.0),
        }
        if let Some(pattern) = self.muted(place, &u.facts).await {
            self.finish(&keys, self.now()).await;
            return Delivery::Muted { pattern };
        }
        let result = match &u.parsed {
            Some(n) => self.post_notification(n, meta, place).await,
            None => {
                let reason = u.unsupported.as_deref().unwrap_or("unknown format");
                let m = render::unsupported(&incoming.message, reason, meta);
                self.post_new(
                    place,
                    m,
                    headline_text(&Rich::verbatim("unsupported notification")),
                )
                .await
            }
        };
        if matches!(result, Delivery::Failed(_)) {
            self.release(&keys).await;
        } else {
            self.finish(&keys, self.now()).await;
        }
        result
    }

    /// The mute of the channel that matches, if any.
    async fn muted(&self, place: &Place, facts: &Facts) -> Option<String> {
        let name = facts.name.as_deref()?;
        engine::mutes::matching(&self.store, place, name, self.now())
            .await
            .map(|m| m.pattern)
    }

    async fn post_notification(&self, n: &Notification, meta: &Meta, place: &Place) -> Delivery {
        let mut message = render::render(n, meta);
        self.add_graph(n, place, &mut message).await;
        self.add_log_lookups(n, place, &mut message).await;
        self.add_actions(n, place, &mut message);
        let headline = render::headline(n);
        let Some(key) = n.thread_key() else {
            return self
                .post_new(place, message, headline_text(&headline))
                .await;
        };
        let lock = self.lock_for(place);
        let _held = lock.lock().await;
        let now = self.now();
        let state = n.facts().state;
        let existing = threads::load(&self.store, place, &key).await;
        match threads::decide(
            existing,
            state.as_deref(),
            now,
            self.settings.fold_window_ms,
            self.settings.new_thread_after_ms,
        ) {
            Decision::NewRoot => {
                let summary = n.summary();
                with_summary(&mut message, summary.as_deref());
                let d = self
                    .post_new(place, message, headline_text(&headline))
                    .await;
                if let Delivery::Posted { id } = &d {
                    let t = Thread {
                        root: id.clone(),
                        started_ms: now,
                        last_ms: now,
                        state,
                        updates: 0,
                        summary,
                    };
                    threads::save(&self.store, place, &key, &t, now).await;
                }
                d
            }
            Decision::Reply(mut t) => {
                let id = match new_id() {
                    Ok(id) => id,
                    Err(e) => return Delivery::Failed(e.0),
                };
                let reply = Message {
                    id: id.clone(),
                    thread: Some(t.root.clone()),
                    ..message.clone()
                };
                if let Err(e) = self.poster.post(place, reply).await {
                    return Delivery::Failed(e.0);
                }
                t.updates = t.updates.saturating_add(1);
                t.last_ms = now;
                t.state = state;
                threads::save(&self.store, place, &key, &t, now).await;
                let root = root_update(message, &t, &headline);
                if let Err(e) = self.poster.update(place, root).await {
                    // The reply is in the thread; only the root's summary is stale.
                    tracing::warn!(root = %t.root, error = %e, "cannot update a notification thread's first message");
                }
                Delivery::InThread { root: t.root, id }
            }
        }
    }

    /// Posts a message that starts no thread of its own kind, unless the channel is over its
    /// rate limit (then it is held for the next summary).
    async fn post_new(&self, place: &Place, mut message: Message, headline: String) -> Delivery {
        let now = self.now();
        {
            let mut l = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
            if !l.admit(place, now) {
                l.hold(place, headline, now);
                return Delivery::Held;
            }
        }
        let id = match new_id() {
            Ok(id) => id,
            Err(e) => return Delivery::Failed(e.0),
        };
        message.id = id.clone();
        message.thread = None;
        match self.poster.post(place, message).await {
            Ok(()) => Delivery::Posted { id },
            Err(e) => Delivery::Failed(e.0),
        }
    }

    /// Posts the summaries of held notifications whose channel has room again; call every
    /// few seconds. Also forgets idle rate-limit state.
    pub async fn flush(&self) {
        let now = self.now();
        let due = {
            let mut l = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
            let due = l.due(now);
            l.tidy(now);
            due
        };
        for (place, held) in due {
            let m = summary_message(&held);
            let posted = match new_id() {
                Ok(id) => {
                    let m = Message { id, ..m };
                    self.poster.post(&place, m).await
                }
                Err(e) => Err(e),
            };
            if let Err(e) = posted {
                tracing::warn!(channel = %place.channel, error = %e, "cannot post a notification summary; trying again later");
                let mut l = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
                l.restore(&place, held, now);
            }
        }
    }

    /// Forgets delivery claims older than a day (SNS and SQS retry within hours).
    pub async fn prune(&self) {
        let _ = self.store.prune_events(self.now() - 24 * 3_600_000).await;
    }
}

/// Claims every key for one delivery. A key another delivery holds is `Busy` while its
/// lease runs (that delivery may still post) and taken over once it has run out (its
/// process died mid-post: better a rare double than a lost alarm); a key whose delivery
/// finished is `Done`. Nothing stays claimed unless all keys were taken.
fn claim_keys(s: &dyn Store, keys: &[String], now: i64) -> Result<Claim, PostError> {
    for (i, k) in keys.iter().enumerate() {
        match claim_one(s, k, now) {
            Ok(Claim::Taken) => {}
            other => {
                release_keys(s, &keys[..i]);
                return other;
            }
        }
    }
    Ok(Claim::Taken)
}

fn claim_one(s: &dyn Store, k: &str, now: i64) -> Result<Claim, PostError> {
    let failed = |e: store::StoreError| PostError(format!("the store failed: {e}"));
    let stamp = |at: i64| {
        s.put_surface(CLAIM_KIND, k, &at.to_string(), at)
            .map_err(failed)
    };
    if s.mark_event(k, now).map_err(failed)? {
        stamp(now)?;
        return Ok(Claim::Taken);
    }
    if s.get_surface(DONE_KIND, k).map_err(failed)?.is_some() {
        return Ok(Claim::Done);
    }
    let held_since = s
        .get_surface(CLAIM_KIND, k)
        .map_err(failed)?
        .and_then(|t| t.parse::<i64>().ok());
    let Some(since) = held_since else {
        // Marked but not stamped: a delivery between the two writes, or one that died
        // there. Stamp it now, so its lease runs out if it never finishes.
        stamp(now)?;
        return Ok(Claim::Busy);
    };
    if now.saturating_sub(since) < CLAIM_LEASE_MS {
        return Ok(Claim::Busy);
    }
    // A stale claim: its delivery never finished (the process died mid-post). One
    // delivery takes it over: the takeover of this stamp is itself a claim.
    if s.mark_event(&format!("{k}\u{1f}after-{since}"), now)
        .map_err(failed)?
    {
        tracing::warn!(key = %k, "taking over a notification delivery that never finished");
        stamp(now)?;
        Ok(Claim::Taken)
    } else {
        Ok(Claim::Busy)
    }
}

/// Gives claims back, so a retry of the same message is not taken for a duplicate.
fn release_keys(s: &dyn Store, keys: &[String]) {
    for k in keys {
        if let Err(e) = s.forget_event(k) {
            tracing::error!(key = %k, error = %e, "cannot give back a notification claim; its retry waits for the claim's lease");
        }
    }
}

/// A fresh engine id for a notification message.
fn new_id() -> Result<String, PostError> {
    store::new_pending_id()
        .map(|id| format!("n-{id}"))
        .map_err(|e| PostError(format!("no random id: {e}")))
}

/// The dialect form of a headline (kept in summaries).
fn headline_text(h: &Rich) -> String {
    h.dialect()
}

/// The thread's first message after an update: the latest notification in full, the
/// custom summary on top when there is one, and how many updates the thread holds.
fn root_update(mut latest: Message, t: &Thread, headline: &Rich) -> Message {
    with_summary(&mut latest, t.summary.as_deref());
    let mut note = Rich::verbatim(format!(
        "🧵 {} update{} in the thread · latest: ",
        t.updates,
        if t.updates == 1 { "" } else { "s" }
    ));
    note.0.extend(headline.0.iter().cloned());
    if t.state.as_deref() == Some("OK") {
        note.0.push(engine::Span::Plain(" · ✅ resolved".into()));
    }
    latest.blocks.push(engine::Block::Context { text: note });
    latest.id = t.root.clone();
    latest.thread = None;
    latest
}

/// Puts a thread's summary (the custom notification's `metadata.summary`) on top.
fn with_summary(m: &mut Message, summary: Option<&str>) {
    if let Some(s) = summary {
        m.blocks.insert(
            0,
            engine::Block::Text {
                text: Rich(vec![engine::Span::Strong(s.to_string())]),
            },
        );
    }
}

/// "N more notifications" for a channel over its rate limit.
fn summary_message(held: &Held) -> Message {
    let mut m = Message::default();
    m.text(format!(
        "⏸️ *{} more notification{}* arrived faster than this channel's limit and {} not posted one by one:",
        held.count,
        if held.count == 1 { "" } else { "s" },
        if held.count == 1 { "was" } else { "were" },
    ));
    for h in &held.headlines {
        let mut line = Rich::verbatim("• ");
        line.0.extend(Rich::parse(h).0);
        m.blocks.push(engine::Block::Text { text: line });
    }
    let more = held.count as usize - held.headlines.len().min(held.count as usize);
    if more > 0 {
        m.text(format!("… and {more} more."));
    }
    m.context("The limit is `rate_per_minute` in the configuration's `[notify]` section.");
    m
}
