//! Posting into the web chat from another process (`chatops notify send`): the web chat's
//! channels live in the memory of the running `chatops serve`, so a command-line tool hands
//! its messages over through the shared store, and the server's sweep shows them.
//!
//! The tool puts one surface record per message (kind [`KIND`]) and waits until the server
//! has taken it; the server takes records oldest first and applies them to its hub as if
//! its own engine had posted them.

use std::time::Duration;

use engine::{Message, Outbound, Place, PostError, PostFuture, Poster};
use serde::{Deserialize, Serialize};
use store::AsyncStore;

/// The surface-record kind of messages handed to the server.
pub const KIND: &str = "webchat.relay";
/// How long the tool waits for the server to take a message.
pub const WAIT: Duration = Duration::from_secs(20);

/// One handed-over message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Relayed {
    pub workspace: String,
    pub channel: String,
    pub outbound: Outbound,
}

/// The tool's side: a [`Poster`] whose posts reach the running server's web chat.
pub struct RelayPoster {
    store: AsyncStore,
    clock: engine::Clock,
    wait: Duration,
}

impl RelayPoster {
    pub fn new(store: AsyncStore, clock: engine::Clock) -> RelayPoster {
        RelayPoster {
            store,
            clock,
            wait: WAIT,
        }
    }

    async fn hand_over(&self, place: &Place, outbound: Outbound) -> Result<(), PostError> {
        let now = (self.clock)();
        let id = store::new_pending_id().map_err(|e| PostError(e.to_string()))?;
        let key = format!("{now:016}-{id}");
        let value = serde_json::to_string(&Relayed {
            workspace: place.workspace.clone(),
            channel: place.channel.clone(),
            outbound,
        })
        .map_err(|e| PostError(e.to_string()))?;
        self.store
            .put_surface(KIND, &key, &value, now)
            .await
            .map_err(|e| PostError(format!("cannot hand the message to the server: {e}")))?;
        let deadline = tokio::time::Instant::now() + self.wait;
        loop {
            match self.store.get_surface(KIND, &key).await {
                Ok(None) => return Ok(()),
                Ok(Some(_)) => {}
                Err(e) => return Err(PostError(format!("the store failed: {e}"))),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(PostError(format!(
                    "no `chatops serve` on this configuration's store took the message within {} s; \
                     is it running? (it shows the message when it starts)",
                    self.wait.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Poster for RelayPoster {
    fn post<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(self.hand_over(place, Outbound::Post(message)))
    }

    fn update<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(async move {
            let id = message.id.clone();
            self.hand_over(
                place,
                Outbound::Update {
                    message: id,
                    content: message,
                },
            )
            .await
        })
    }
}

/// The server's side: takes what tools handed over and returns it by channel.
pub async fn take(store: &AsyncStore) -> Vec<Relayed> {
    let taken = match store.take_surface(KIND, 100).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot read messages handed to the web chat");
            return Vec::new();
        }
    };
    taken
        .into_iter()
        .filter_map(|(key, value)| match serde_json::from_str(&value) {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!(key, error = %e, "an unreadable message handed to the web chat; skipped");
                None
            }
        })
        .collect()
}
