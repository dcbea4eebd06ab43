//! Posting into Slack channels unprompted (notifications): the engine's [`Poster`] over the
//! same outbox, tokens and message records as the answers to events, so a notification's
//! thread and in-place updates work like any other message's.

use std::collections::HashMap;

use engine::{Message, Place, PostError, PostFuture, Poster};

use crate::outbox::{Origin, Outbox};

/// A [`Poster`] for the Slack workspaces of the configuration.
pub struct SlackPoster {
    outbox: Outbox,
    /// Workspace name → Slack team id (empty: the single-workspace token's team).
    teams: HashMap<String, String>,
}

impl SlackPoster {
    /// `teams`: workspace name → Slack team id (empty for the single token's team).
    pub fn new(outbox: Outbox, teams: HashMap<String, String>) -> SlackPoster {
        SlackPoster { outbox, teams }
    }

    fn origin(&self, place: &Place) -> Result<Origin, PostError> {
        let team = self.teams.get(&place.workspace).ok_or_else(|| {
            PostError(format!(
                "workspace {:?} is not a Slack workspace this server posts to",
                place.workspace
            ))
        })?;
        Ok(Origin {
            team_id: team.clone(),
            channel: place.channel.clone(),
            ..Origin::default()
        })
    }

    /// The Slack `ts` of the thread the message goes into (its engine id's first post).
    async fn in_thread(&self, mut m: Message) -> Message {
        if let Some(root) = m.thread.take() {
            match self.outbox.posted(&root).await {
                Some(p) => m.thread = Some(p.ts),
                None => tracing::warn!(
                    root,
                    "the thread's first message is not known (pruned?); posting in the channel"
                ),
            }
        }
        m
    }
}

impl Poster for SlackPoster {
    fn post<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(async move {
            let origin = self.origin(place)?;
            let message = self.in_thread(message).await;
            self.outbox
                .deliver_checked(&origin, message)
                .await
                .map_err(|e| PostError(e.to_string()))
        })
    }

    fn update<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(async move {
            let origin = self.origin(place)?;
            self.outbox
                .update_checked(&origin, message)
                .await
                .map_err(|e| PostError(e.to_string()))
        })
    }
}
