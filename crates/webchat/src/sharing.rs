//! Several replicas, one conversation: what one replica's hub keeps or updates (a user's
//! line, the engine's answer, a sweep's update, a notification) is published through the
//! store, and every other replica's hub keeps it too and pushes it to its own viewers. So a
//! user connected to replica A sees the answer to a button pressed through replica B.
//!
//! Each notice goes out on the store's publish/subscribe topic [`TOPIC`], in the order the
//! hub kept them. Small messages travel inside the notice; one too large for a notice
//! (PostgreSQL's limit is about 8 KB) is written as a surface record of kind [`KIND`] and
//! the notice names it. A replica that is down misses what was said meanwhile (its history
//! starts again from what it sees).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use store::AsyncStore;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::hub::Hub;
use crate::journal::Record;

/// The publish/subscribe topic.
pub const TOPIC: &str = "webchat.push";
/// Surface records holding messages too large for a notice.
pub const KIND: &str = "webchat.push";
/// Largest notice sent inline (under PostgreSQL's NOTIFY limit, with room to spare).
const INLINE_MAX: usize = 6000;

#[derive(Serialize, Deserialize)]
struct Notice {
    /// The replica that kept it (its own notices come back to it and are skipped).
    from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<Record>,
    /// The surface record holding it, when too large to travel inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stored: Option<String>,
}

/// Starts sharing `hub` with the other replicas on `store`: returns the two tasks (sending,
/// receiving), which end when `stop` is cancelled.
pub(crate) async fn start(
    hub: Arc<Hub>,
    store: AsyncStore,
    stop: CancellationToken,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    let tag = crate::auth::random_hex(4).map_err(|e| e.to_string())?;
    let (in_tx, mut in_rx) = mpsc::unbounded_channel::<String>();
    let subscription = store
        .subscribe(
            TOPIC,
            Box::new(move |payload| {
                let _ = in_tx.send(payload);
            }),
        )
        .await
        .map_err(|e| format!("cannot subscribe to the other replicas' web chat: {e}"))?;
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Record>();
    if !hub.share_to(tag.clone(), out_tx) {
        return Err("the web chat is already shared".into());
    }
    let sender = {
        let (store, tag, stop) = (store.clone(), tag.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seq: u64 = 0;
            loop {
                let record = tokio::select! {
                    _ = stop.cancelled() => break,
                    r = out_rx.recv() => match r { Some(r) => r, None => break },
                };
                seq += 1;
                if let Err(e) = send(&store, &tag, seq, record).await {
                    tracing::warn!(error = %e, "a web chat message could not be shared with the other replicas");
                }
            }
        })
    };
    let receiver = tokio::spawn(async move {
        let _subscription = subscription;
        loop {
            let payload = tokio::select! {
                _ = stop.cancelled() => break,
                p = in_rx.recv() => match p { Some(p) => p, None => break },
            };
            match received(&store, &tag, &payload).await {
                Ok(Some(record)) => hub.receive(record),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "a shared web chat message could not be read"),
            }
        }
    });
    Ok(vec![sender, receiver])
}

async fn send(store: &AsyncStore, tag: &str, seq: u64, record: Record) -> Result<(), String> {
    let inline = Notice {
        from: tag.to_string(),
        record: Some(record),
        stored: None,
    };
    let text = serde_json::to_string(&inline).map_err(|e| e.to_string())?;
    let text = if text.len() <= INLINE_MAX {
        text
    } else {
        let key = format!("{tag}-{seq}");
        let body = serde_json::to_string(&inline.record).map_err(|e| e.to_string())?;
        let now = engine::system_clock()();
        store
            .put_surface(KIND, &key, &body, now)
            .await
            .map_err(|e| e.to_string())?;
        serde_json::to_string(&Notice {
            from: tag.to_string(),
            record: None,
            stored: Some(key),
        })
        .map_err(|e| e.to_string())?
    };
    store.publish(TOPIC, &text).await.map_err(|e| e.to_string())
}

async fn received(store: &AsyncStore, tag: &str, payload: &str) -> Result<Option<Record>, String> {
    let notice: Notice =
        serde_json::from_str(payload).map_err(|e| format!("not a web chat notice: {e}"))?;
    if notice.from == tag {
        return Ok(None);
    }
    if let Some(record) = notice.record {
        return Ok(Some(record));
    }
    let Some(key) = notice.stored else {
        return Err("a notice with neither a message nor a record".into());
    };
    let Some(body) = store
        .get_surface(KIND, &key)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Err(format!("the shared message {key} is no longer stored"));
    };
    serde_json::from_str(&body).map_err(|e| format!("the shared message {key}: {e}"))
}
