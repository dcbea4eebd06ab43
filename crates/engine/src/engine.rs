//! The engine: one conversation layer driven by every surface. It answers an event with the
//! messages to post and the earlier messages to update, keeping what it must remember in the
//! store.

use crate::mask::Masker;
use crate::message::{Event, Inbound, Message, Outbound};
use crate::runner::Runner;
use authz::Authorizer;
use command::Catalog;
use config::{Channel, Config};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use store::{AsyncStore, Store};

/// Milliseconds since 1970, from a clock the tests can set.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    })
}

/// Settings of the conversation.
#[derive(Debug, Clone)]
pub struct Options {
    /// Longer results are cut, with the whole result attached as a file (Slack's section
    /// limit is 3,000 characters).
    pub max_inline_chars: usize,
    /// At most this many choices in a menu.
    pub menu_limit: usize,
    pub masker: Masker,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_inline_chars: 2800,
            menu_limit: 100,
            masker: Masker::default(),
        }
    }
}

/// The conversation engine.
pub struct Engine {
    pub(crate) cfg: Arc<Config>,
    pub(crate) cat: Arc<Catalog>,
    pub(crate) authorizer: Authorizer,
    pub(crate) store: AsyncStore,
    pub(crate) runner: Runner,
    pub(crate) clock: Clock,
    pub(crate) opts: Options,
    /// `[limits]`: commands per user and per channel, in this process's memory.
    pub(crate) limits: crate::rate_limits::CommandLimits,
}

/// One event being answered.
pub(crate) struct Turn<'a> {
    pub ev: &'a Inbound,
    pub channel: &'a Channel,
    pub now: i64,
    pub out: Vec<Outbound>,
    pub outcome: Option<crate::outcome::Outcome>,
    /// The command's service once its line parsed (a metric label).
    pub service: Option<String>,
}

impl<'a> Turn<'a> {
    /// Posts a message in the event's thread.
    pub fn post(&mut self, mut m: Message) {
        if m.id.is_empty() {
            m.id = new_message_id();
        }
        if m.thread.is_none() {
            m.thread = self.ev.thread.clone();
        }
        self.out.push(Outbound::Post(m));
    }

    /// Posts a message only the asker sees.
    pub fn tell(&mut self, mut m: Message) {
        m.only_to = Some(self.ev.user.clone());
        self.post(m)
    }

    /// Replaces an earlier message.
    pub fn update(&mut self, message: &str, mut content: Message) {
        content.id = message.to_string();
        if content.thread.is_none() {
            content.thread = self.ev.thread.clone();
        }
        self.out.push(Outbound::Update {
            message: message.to_string(),
            content,
        });
    }
}

/// A fresh message id.
pub fn new_message_id() -> String {
    format!("m{:016x}{:08x}", fastrand::u64(..), fastrand::u32(..))
}

/// A short text message (a string is read as the engine's dialect, see [`crate::message::Rich`]).
pub fn say(text: impl Into<crate::message::Rich>) -> Message {
    let mut m = Message::default();
    m.text(text);
    m
}

impl Engine {
    pub fn new(
        cfg: Arc<Config>,
        cat: Arc<Catalog>,
        store: Arc<dyn Store>,
        runner: Runner,
        opts: Options,
    ) -> Engine {
        Engine {
            authorizer: Authorizer::new(cat.iam.clone()),
            limits: crate::rate_limits::CommandLimits::new(cfg.limits.clone()),
            cfg,
            cat,
            store: AsyncStore::new(store),
            runner: runner.with_masker(opts.masker.clone()),
            clock: system_clock(),
            opts,
        }
    }

    /// Uses another clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Engine {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub(crate) fn pending_ttl(&self) -> i64 {
        self.cfg.defaults.pending_ttl.as_millis() as i64
    }

    pub(crate) fn account_ttl(&self) -> Duration {
        self.cfg.defaults.default_account_ttl
    }

    /// Answers one event with the messages to post and the updates to make.
    pub async fn handle_event(&self, ev: &Inbound) -> Vec<Outbound> {
        self.reply(ev).await.out
    }

    /// Answers one event, saying also what became of its command (for the terminal).
    pub async fn reply(&self, ev: &Inbound) -> crate::outcome::Reply {
        let Some(channel) = self.cfg.channel_by_platform_id(&ev.workspace, &ev.channel) else {
            let mut m = say(format!(
                "This channel ({}) is not set up for AWS commands. An admin adds it to the configuration's [[channels]].",
                crate::text::literal(&ev.channel)
            ));
            m.only_to = Some(ev.user.clone());
            m.id = new_message_id();
            return crate::outcome::Reply {
                out: vec![Outbound::Post(m)],
                outcome: None,
            };
        };
        let started = std::time::Instant::now();
        let mut turn = Turn {
            ev,
            channel,
            now: (self.clock)(),
            out: Vec::new(),
            outcome: None,
            service: None,
        };
        match &ev.event {
            Event::Text { text } => self.on_text(&mut turn, text).await,
            Event::Action {
                message,
                action,
                value,
            } => {
                self.on_action(&mut turn, message.as_deref(), action, value)
                    .await
            }
            Event::Form {
                message,
                action,
                values,
            } => {
                self.on_form(&mut turn, message.as_deref(), action, values)
                    .await
            }
        }
        crate::telemetry::turn_done(turn.outcome.as_ref(), turn.service.as_deref(), started);
        crate::outcome::Reply {
            out: turn.out,
            outcome: turn.outcome,
        }
    }

    /// Marks what expired and updates its messages.
    pub async fn sweep_expired(&self) -> Vec<Outbound> {
        let now = (self.clock)();
        let Ok(expired) = self.store.expire_due(now).await else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for p in expired {
            if let Some(id) = &p.message_id {
                let mut m = say(format!(
                    "Expired: {} was not run (nobody answered within {} minutes).",
                    crate::text::code(crate::text::strip_mention(&p.command_text)),
                    self.pending_ttl() / 60_000
                ));
                m.id = id.clone();
                m.thread = p.thread.clone();
                out.push(Outbound::Update {
                    message: id.clone(),
                    content: m,
                });
            }
            self.audit_pending(&p, "expired", "nobody answered in time", now)
                .await;
        }
        out
    }
}

impl crate::Handler for Engine {
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Outbound>> + Send + 'a>> {
        Box::pin(self.handle_event(event))
    }

    fn sweep(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Outbound>> + Send + '_>> {
        Box::pin(self.sweep_expired())
    }
}
