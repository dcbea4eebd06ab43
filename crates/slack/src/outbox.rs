//! Delivering the engine's answers through the Web API, and the records that must outlive the
//! process (kept in the store's surface table):
//!
//! | kind | key | value |
//! |---|---|---|
//! | `slack.message` | engine message id | `{"c": channel, "ts": ts, "e": ephemeral, "w": team}` of the first Slack message it was posted as |
//! | `slack.handle` | a handle (`#h:…`) | the full value, a JSON string |
//! | `slack.modal` | a modal key | the `view` to open |
//!
//! - `Post` → `chat.postMessage` in the message's thread (or, for a message with no thread,
//!   a slash command's answer, the first post starts the thread the rest of the answer goes
//!   into); `only_to` → `chat.postEphemeral`; files → the external upload flow in the thread.
//! - `Update` → `chat.update` of the Slack message the engine id was posted as; an ephemeral
//!   message (which `chat.update` cannot reach) is replaced through the `response_url` of the
//!   action taken on it.
//!
//! The bot token is the origin team's ([`Tokens::for_team`]); an answer for a team with no
//! token is dropped with a warning.

use crate::blocks::{render, Destination, RenderOptions, Rendered, SlackMessage};
use crate::tokens::Tokens;
use crate::webapi::{ApiError, WebApi};
use engine::{Message, Outbound};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use store::{AsyncStore, Store};

/// Record kinds in the store's surface table.
pub const KIND_MESSAGE: &str = "slack.message";
pub const KIND_HANDLE: &str = "slack.handle";
pub const KIND_MODAL: &str = "slack.modal";

/// Where a Slack message is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    #[serde(rename = "c")]
    pub channel: String,
    pub ts: String,
    #[serde(rename = "e", default)]
    pub ephemeral: bool,
    /// The Slack team (whose token can update it); empty in records written before teams
    /// were kept (the single-workspace token is used for those).
    #[serde(rename = "w", default, skip_serializing_if = "String::is_empty")]
    pub team: String,
}

/// What the answer is an answer to: where it goes and what can be used to reach the
/// message acted on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Slack team id (modal metadata carries it).
    pub team_id: String,
    pub channel: String,
    /// The user who acted.
    pub user: String,
    /// The interaction's or slash command's `response_url`.
    pub response_url: Option<String>,
    /// The engine message the action was on.
    pub message: Option<String>,
    /// The Slack `ts` of that message, and whether it was ephemeral.
    pub message_ts: Option<String>,
    pub ephemeral: bool,
}

/// Sends the engine's answers and keeps the records needed to update them later.
#[derive(Clone)]
pub struct Outbox {
    pub tokens: Arc<Tokens>,
    store: AsyncStore,
}

impl Outbox {
    pub fn new(tokens: Arc<Tokens>, store: Arc<dyn Store>) -> Outbox {
        Outbox {
            tokens,
            store: AsyncStore::new(store),
        }
    }

    /// The Web API client for `team`, or `None` (logged) when no token serves it.
    pub async fn api_for(&self, team: &str) -> Option<WebApi> {
        let t = self.tokens.for_team(team).await;
        if t.is_none() {
            tracing::warn!(
                team,
                "no Slack bot token for this team (not installed, no single-workspace token); dropped"
            );
        }
        t.map(|t| t.api)
    }

    /// The full value behind a handle found in a payload.
    pub async fn lookup(&self, handle: &str) -> Option<String> {
        let raw = self.store.get_surface(KIND_HANDLE, handle).await.ok()??;
        serde_json::from_str(&raw).ok()
    }

    /// The view stored for a modal key.
    pub async fn modal(&self, key: &str) -> Option<Value> {
        let raw = self.store.get_surface(KIND_MODAL, key).await.ok()??;
        serde_json::from_str(&raw).ok()
    }

    /// Where the engine message `id` was posted.
    pub async fn posted(&self, id: &str) -> Option<Posted> {
        let raw = self.store.get_surface(KIND_MESSAGE, id).await.ok()??;
        serde_json::from_str(&raw).ok()
    }

    async fn put(&self, kind: &str, key: &str, value: &Value) {
        if let Err(e) = self
            .store
            .put_surface(kind, key, &value.to_string(), crate::clock::now_ms())
            .await
        {
            tracing::error!(kind, key, error = %e, "cannot store a Slack record");
        }
    }

    async fn remember(&self, r: &Rendered) {
        for (h, v) in &r.handles.pairs {
            self.put(KIND_HANDLE, h, &json!(v)).await;
        }
        for m in &r.modals {
            self.put(KIND_MODAL, &m.key, &m.view).await;
        }
    }

    /// Delivers one answer in order. Failures are logged; the rest is still tried.
    pub async fn deliver(&self, origin: &Origin, out: Vec<Outbound>) {
        if out.is_empty() {
            return;
        }
        let Some(api) = self.api_for(&origin.team_id).await else {
            return;
        };
        let api = &api;
        // A message with no thread starts one: the rest of the answer goes under it.
        let mut started: Option<String> = None;
        for o in out {
            match o {
                Outbound::Post(m) => {
                    if let Err(e) = self.post(api, origin, &m, &mut started).await {
                        tracing::error!(message = %m.id, error = %e, "cannot post to Slack");
                    }
                }
                Outbound::Update { message, content } => {
                    if let Err(e) = self.update(api, origin, &message, &content).await {
                        tracing::error!(%message, error = %e, "cannot update a Slack message");
                    }
                }
            }
        }
    }

    /// Posts one message and says whether it arrived (notifications need to know, to be
    /// retried when it did not). `m.thread`, when set, is a Slack `ts`.
    pub async fn deliver_checked(&self, origin: &Origin, m: Message) -> Result<(), ApiError> {
        let api = self.api_for(&origin.team_id).await.ok_or_else(|| {
            ApiError::NotSent(format!("no Slack bot token for team {:?}", origin.team_id))
        })?;
        let mut started = None;
        self.post(&api, origin, &m, &mut started).await
    }

    /// Replaces message `m.id` (posted through this outbox) and says whether it worked.
    pub async fn update_checked(&self, origin: &Origin, m: Message) -> Result<(), ApiError> {
        let api = self.api_for(&origin.team_id).await.ok_or_else(|| {
            ApiError::NotSent(format!("no Slack bot token for team {:?}", origin.team_id))
        })?;
        if self.posted(&m.id).await.is_none() {
            return Err(ApiError::NotSent(format!(
                "message {} was never posted to Slack here",
                m.id
            )));
        }
        let id = m.id.clone();
        self.update(&api, origin, &id, &m).await
    }

    async fn post(
        &self,
        api: &WebApi,
        origin: &Origin,
        m: &Message,
        started: &mut Option<String>,
    ) -> Result<(), ApiError> {
        let dest = Destination {
            workspace: origin.team_id.clone(),
            channel: origin.channel.clone(),
        };
        let r = render(m, &dest, &RenderOptions::default());
        self.remember(&r).await;
        let channel = origin.channel.as_str();
        let thread = m.thread.clone().or_else(|| started.clone());
        let mut first: Option<Posted> = None;
        for sm in &r.messages {
            let posted = match &m.only_to {
                Some(user) => {
                    let body = sm.ephemeral_body(channel, user, thread.as_deref());
                    match api.post_ephemeral(&body).await {
                        Ok(ts) => Some(Posted {
                            channel: channel.to_string(),
                            ts,
                            ephemeral: true,
                            team: origin.team_id.clone(),
                        }),
                        Err(e) => {
                            self.fallback(api, origin, sm, "ephemeral", e).await?;
                            None
                        }
                    }
                }
                None => {
                    let body = sm.post_body(channel, thread.as_deref());
                    match api.post_message(&body).await {
                        Ok(ts) => Some(Posted {
                            channel: channel.to_string(),
                            ts,
                            ephemeral: false,
                            team: origin.team_id.clone(),
                        }),
                        Err(e) => {
                            self.fallback(api, origin, sm, "in_channel", e).await?;
                            None
                        }
                    }
                }
            };
            if first.is_none() {
                first = posted;
            }
        }
        if let Some(p) = &first {
            if !m.id.is_empty() {
                self.put(KIND_MESSAGE, &m.id, &json!(p)).await;
            }
            if thread.is_none() && !p.ephemeral {
                *started = Some(p.ts.clone());
            }
        }
        if m.only_to.is_some() {
            if !r.files.is_empty() {
                tracing::warn!(message = %m.id, "files of an ephemeral message are not uploaded (the channel would see them)");
            }
            return Ok(());
        }
        let file_thread = thread.or_else(|| first.map(|p| p.ts));
        for f in &r.files {
            api.upload_file(channel, file_thread.as_deref(), f).await?;
        }
        Ok(())
    }

    /// When the bot cannot post in the channel (a slash command where it is not a member),
    /// answers through the `response_url` instead.
    async fn fallback(
        &self,
        api: &WebApi,
        origin: &Origin,
        sm: &SlackMessage,
        response_type: &str,
        e: ApiError,
    ) -> Result<(), ApiError> {
        let unreachable = matches!(
            e.code(),
            Some("not_in_channel" | "channel_not_found" | "user_not_in_channel")
        );
        match &origin.response_url {
            Some(url) if unreachable => {
                let body = json!({
                    "response_type": response_type,
                    "replace_original": false,
                    "text": sm.text,
                    "blocks": sm.blocks,
                });
                api.respond(url, &body).await
            }
            _ => Err(e),
        }
    }

    async fn update(
        &self,
        api: &WebApi,
        origin: &Origin,
        id: &str,
        content: &Message,
    ) -> Result<(), ApiError> {
        let dest = Destination {
            workspace: origin.team_id.clone(),
            channel: origin.channel.clone(),
        };
        let r = render(content, &dest, &RenderOptions { max_messages: 1 });
        self.remember(&r).await;
        let Some(sm) = r.messages.first() else {
            return Ok(());
        };
        let acted_on = origin.message.as_deref() == Some(id);
        let target = self.posted(id).await.or_else(|| {
            // Records may have been pruned: the action's own message is still reachable.
            match (&origin.message_ts, acted_on) {
                (Some(ts), true) => Some(Posted {
                    channel: origin.channel.clone(),
                    ts: ts.clone(),
                    ephemeral: origin.ephemeral,
                    team: origin.team_id.clone(),
                }),
                _ => None,
            }
        });
        match target {
            Some(p) if !p.ephemeral => {
                api.update(&sm.update_body(&p.channel, &p.ts)).await?;
                let thread = content.thread.clone().unwrap_or(p.ts.clone());
                for extra in &r.messages[1..] {
                    api.post_message(&extra.post_body(&p.channel, Some(&thread)))
                        .await?;
                }
                for f in &r.files {
                    api.upload_file(&p.channel, Some(&thread), f).await?;
                }
                Ok(())
            }
            _ => match (&origin.response_url, acted_on) {
                (Some(url), true) => api.respond(url, &sm.replace_original_body()).await,
                _ => {
                    tracing::warn!(
                        message = id,
                        "an update of a message that cannot be reached (ephemeral, or never posted here); dropped"
                    );
                    Ok(())
                }
            },
        }
    }
}
