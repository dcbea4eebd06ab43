//! Delivering the engine's answers through the Bot Connector, and the records that must
//! outlive the process (the store's surface table, shared by every replica):
//!
//! | kind | key | value |
//! |---|---|---|
//! | `teams.message` | engine message id | [`Posted`]: where the card went and its activity id |
//! | `teams.conversation` | a channel's conversation id | the service URL Teams last sent it from |
//!
//! - `Post` → a new activity holding one Adaptive Card, in the answer's thread (a channel's
//!   conversation id with `;messageid=` of the thread's root); personal and group chats
//!   have no threads.
//! - `Update` → `PUT` of the activity the engine id was posted as (a pressed button becomes
//!   who pressed it; a confirmation becomes its result).
//! - A message only for one user (`only_to`) is posted like the rest: a Teams channel has
//!   no private messages; it names the user it is for.
//!
//! Notifications ([`TeamsPoster`]) reach a channel through the service URL its last activity
//! came from (Teams sends one with every activity, the bot's welcome included), else
//! `TEAMS_SERVICE_URL`.

use crate::activity::{conversation_id, Scope};
use crate::cards::{self, RenderOptions, CARD_CONTENT_TYPE};
use crate::connector::{Connector, ConnectorError};
use engine::{Message, Outbound, Place as EnginePlace, PostError, PostFuture, Poster};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use store::AsyncStore;

pub const KIND_MESSAGE: &str = "teams.message";
pub const KIND_CONVERSATION: &str = "teams.conversation";
/// Where proactive messages go when no activity told us (Teams' public cloud).
pub const DEFAULT_SERVICE_URL: &str = "https://smba.trafficmanager.net/teams/";
/// The environment variable that overrides it (other clouds, local doubles).
pub const ENV_SERVICE_URL: &str = "TEAMS_SERVICE_URL";

/// Where a card was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    #[serde(rename = "s")]
    pub service_url: String,
    /// The conversation id it was posted into (with its thread, for a channel).
    #[serde(rename = "c")]
    pub conversation: String,
    /// The channel's id (without a thread).
    #[serde(rename = "h")]
    pub channel: String,
    /// Its activity id.
    #[serde(rename = "a")]
    pub activity: String,
}

/// Where an answer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub service_url: String,
    pub channel: String,
    /// The thread's root message id (channels).
    pub thread: Option<String>,
    pub scope: Scope,
    /// Display names of the users the answers mention (the asker's, from the activity).
    pub names: std::collections::HashMap<String, String>,
}

impl From<&crate::activity::Place> for Destination {
    fn from(p: &crate::activity::Place) -> Self {
        Destination {
            service_url: p.service_url.clone(),
            channel: p.channel.clone(),
            thread: p.thread.clone(),
            scope: p.scope,
            names: Default::default(),
        }
    }
}

/// Sends the engine's answers and keeps the records needed to update them later.
#[derive(Clone)]
pub struct Outbox {
    connector: Connector,
    store: AsyncStore,
    default_service_url: String,
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Outbox {
    pub fn new(connector: Connector, store: AsyncStore, default_service_url: String) -> Outbox {
        Outbox {
            connector,
            store,
            default_service_url,
        }
    }

    /// The activity that carries `message` as a card; `names` shows mentioned users.
    pub fn activity(message: &Message, options: &RenderOptions) -> Value {
        let mut message = message.clone();
        if let Some(user) = message.only_to.take() {
            message.blocks.insert(
                0,
                engine::Block::Context {
                    text: format!("For {}", engine::text::mention(&user)).into(),
                },
            );
        }
        let rendered = cards::render(&message, options);
        json!({
            "type": "message",
            "summary": rendered.summary,
            "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": rendered.card}],
        })
    }

    /// Delivers `outs` in order; a failed post is logged and the rest still go.
    pub async fn deliver(&self, to: &Destination, outs: Vec<Outbound>) {
        for out in outs {
            let result = match &out {
                Outbound::Post(m) => self.post(to, m).await.map(|_| ()),
                Outbound::Update { message, content } => {
                    self.update(message, content, &to.names).await
                }
            };
            if let Err(e) = result {
                tracing::warn!(channel = %to.channel, error = %e, "a Teams answer was not delivered");
            }
        }
    }

    /// Posts `m` (in its thread, when it names one) and records where.
    pub async fn post(&self, to: &Destination, m: &Message) -> Result<Posted, ConnectorError> {
        let conversation = match to.scope {
            Scope::Channel => {
                let thread = match &m.thread {
                    // An engine id of an earlier message (notifications), or a Teams root id.
                    Some(t) => Some(self.thread_root(t).await.unwrap_or_else(|| t.clone())),
                    None => to.thread.clone(),
                };
                conversation_id(&to.channel, thread.as_deref())
            }
            Scope::Personal | Scope::GroupChat => to.channel.clone(),
        };
        let options = RenderOptions {
            names: to.names.clone(),
        };
        let activity = Self::activity(m, &options);
        let id = self
            .connector
            .send(&to.service_url, &conversation, &activity)
            .await?;
        let posted = Posted {
            service_url: to.service_url.clone(),
            conversation,
            channel: to.channel.clone(),
            activity: id,
        };
        if !m.id.is_empty() {
            self.remember(&m.id, &posted).await;
        }
        Ok(posted)
    }

    async fn remember(&self, engine_id: &str, posted: &Posted) {
        let value = serde_json::to_string(posted).unwrap_or_default();
        if let Err(e) = self
            .store
            .put_surface(KIND_MESSAGE, engine_id, &value, now_ms())
            .await
        {
            tracing::warn!(message = engine_id, error = %e, "cannot record a Teams card; it cannot be updated later");
        }
    }

    /// Where the engine message `engine_id` was posted, if through Teams.
    pub async fn posted(&self, engine_id: &str) -> Option<Posted> {
        let raw = self
            .store
            .get_surface(KIND_MESSAGE, engine_id)
            .await
            .ok()
            .flatten()?;
        serde_json::from_str(&raw).ok()
    }

    /// The thread root of the earlier message `engine_id`: its own thread's root, or itself
    /// when it started one.
    async fn thread_root(&self, engine_id: &str) -> Option<String> {
        let p = self.posted(engine_id).await?;
        Some(
            match p.conversation.split_once(crate::activity::THREAD_MARK) {
                Some((_, root)) if !root.is_empty() => root.to_string(),
                _ => p.activity,
            },
        )
    }

    /// Replaces the card the engine message `engine_id` was posted as.
    pub async fn update(
        &self,
        engine_id: &str,
        content: &Message,
        names: &std::collections::HashMap<String, String>,
    ) -> Result<(), ConnectorError> {
        let Some(p) = self.posted(engine_id).await else {
            tracing::debug!(
                message = engine_id,
                "an update of a message Teams never showed"
            );
            return Ok(());
        };
        let options = RenderOptions {
            names: names.clone(),
        };
        let mut activity = Self::activity(content, &options);
        activity["id"] = json!(p.activity);
        self.connector
            .update(&p.service_url, &p.conversation, &p.activity, &activity)
            .await
    }

    /// Remembers the service URL a channel's activities come from (for notifications).
    pub async fn note_service_url(&self, channel: &str, service_url: &str) {
        let _ = self
            .store
            .put_surface(KIND_CONVERSATION, channel, service_url, now_ms())
            .await;
    }

    async fn service_url_of(&self, channel: &str) -> String {
        self.store
            .get_surface(KIND_CONVERSATION, channel)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| self.default_service_url.clone())
    }

    /// Notifications' way into Teams channels.
    pub fn poster(&self) -> TeamsPoster {
        TeamsPoster {
            outbox: self.clone(),
        }
    }
}

/// Posts notifications into the configuration's Teams channels.
#[derive(Clone)]
pub struct TeamsPoster {
    outbox: Outbox,
}

impl Poster for TeamsPoster {
    fn post<'a>(&'a self, place: &'a EnginePlace, message: Message) -> PostFuture<'a> {
        Box::pin(async move {
            let service_url = self.outbox.service_url_of(&place.channel).await;
            let scope = if place.channel.contains("@thread") {
                Scope::Channel
            } else {
                Scope::Personal
            };
            let to = Destination {
                service_url,
                channel: place.channel.clone(),
                thread: None,
                scope,
                names: Default::default(),
            };
            self.outbox
                .post(&to, &message)
                .await
                .map(|_| ())
                .map_err(|e| PostError(e.to_string()))
        })
    }

    fn update<'a>(&'a self, _place: &'a EnginePlace, message: Message) -> PostFuture<'a> {
        Box::pin(async move {
            let id = message.id.clone();
            self.outbox
                .update(&id, &message, &Default::default())
                .await
                .map_err(|e| PostError(e.to_string()))
        })
    }
}
