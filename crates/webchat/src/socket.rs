//! One browser's WebSocket: reads its frames, turns them into engine events, and writes the
//! frames the hub queues for it.
//!
//! Every frame that cannot be used gets an error frame naming what was wrong; the connection
//! stays open. The handler runs in its own task per event, so a slow AWS call neither blocks
//! this socket nor, if the handler panics, takes the server down.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use engine::{Event, Inbound};

use crate::hub::{Key, SocketId};
use crate::protocol::{ClientFrame, ErrorCode, ServerFrame, MAX_FRAME};
use crate::App;

/// Close code for "the server dropped you because you fell behind" (policy violation range).
const CLOSE_TOO_SLOW: u16 = 1008;

pub(crate) async fn run(app: Arc<App>, user: String, mut socket: WebSocket) {
    let _connected = crate::telemetry::Connected::open();
    let (id, mut outbox) = app.hub.connect(&user);
    app.hub.tell(id, &ServerFrame::Hello { user: &user });
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    crate::telemetry::message("received");
                    if let Err((code, error)) = on_frame(&app, id, &user, text.as_str()) {
                        app.hub.tell(id, &ServerFrame::Error { code, error });
                    }
                }
                Some(Ok(WsMessage::Binary(_))) => app.hub.tell(
                    id,
                    &ServerFrame::Error {
                        code: ErrorCode::Binary,
                        error: "binary frames are not accepted; send JSON text frames".into(),
                    },
                ),
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {}
                Some(Ok(WsMessage::Close(_))) | None => break,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, %user, "web chat socket failed");
                    break;
                }
            },
            queued = outbox.recv() => match queued {
                Some(text) => {
                    crate::telemetry::message("sent");
                    if socket.send(WsMessage::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                None => {
                    // The hub dropped this socket: it fell too far behind.
                    let close = CloseFrame {
                        code: CLOSE_TOO_SLOW,
                        reason: "too many frames waiting; reconnect to catch up".into(),
                    };
                    let _ = socket.send(WsMessage::Close(Some(close))).await;
                    break;
                }
            },
        }
    }
    app.hub.disconnect(id);
}

type Refusal = (ErrorCode, String);

/// Acts on one text frame, or says why not.
fn on_frame(app: &Arc<App>, id: SocketId, user: &str, text: &str) -> Result<(), Refusal> {
    if text.len() > MAX_FRAME {
        return Err((
            ErrorCode::TooLarge,
            format!(
                "a frame may be at most {MAX_FRAME} bytes; this one has {}",
                text.len()
            ),
        ));
    }
    let frame: ClientFrame = serde_json::from_str(text).map_err(|e| {
        (
            ErrorCode::BadJson,
            format!("expected a JSON frame of type join, text, action or form: {e}"),
        )
    })?;
    match frame {
        ClientFrame::Join { workspace, channel } => {
            let key = known(app, user, workspace, channel)?;
            app.hub.join(id, &key);
        }
        ClientFrame::Text {
            workspace,
            channel,
            thread,
            text,
        } => {
            let key = known(app, user, workspace, channel)?;
            let text = text.trim();
            if text.is_empty() {
                return Err((ErrorCode::Empty, "the message is empty".into()));
            }
            app.hub.say(&key, user, thread.clone(), text);
            let event = Event::Text {
                text: text.to_string(),
            };
            dispatch(app, id, key, user, thread, event);
        }
        ClientFrame::Action {
            workspace,
            channel,
            message,
            action,
            value,
        } => {
            let key = known(app, user, workspace, channel)?;
            let shown = shown(app, &key, &message, user)?;
            crate::controls::check_action(&shown, &action, &value)
                .map_err(|e| (ErrorCode::UnknownControl, e.to_string()))?;
            let event = Event::Action {
                message: Some(message),
                action,
                value,
            };
            dispatch(app, id, key, user, shown.thread, event);
        }
        ClientFrame::Form {
            workspace,
            channel,
            message,
            action,
            values,
        } => {
            let key = known(app, user, workspace, channel)?;
            let shown = shown(app, &key, &message, user)?;
            crate::controls::check_form(&shown, &action, &values)
                .map_err(|e| (ErrorCode::UnknownControl, e.to_string()))?;
            let event = Event::Form {
                message: Some(message),
                action,
                values,
            };
            dispatch(app, id, key, user, shown.thread, event);
        }
    }
    Ok(())
}

/// The channel, if the server offers it and `user` is a member of it.
fn known(app: &App, user: &str, workspace: String, channel: String) -> Result<Key, Refusal> {
    let key = (workspace, channel);
    if app.hub.knows(&key) {
        if app.members.allows(user, &key) {
            Ok(key)
        } else {
            Err((ErrorCode::NotMember, crate::routes::not_member(&key)))
        }
    } else {
        Err((
            ErrorCode::UnknownChannel,
            format!(
                "no channel {:?} in workspace {:?}; GET /api/channels lists them",
                key.1, key.0
            ),
        ))
    }
}

fn shown(app: &App, key: &Key, message: &str, user: &str) -> Result<engine::Message, Refusal> {
    app.hub.find(key, message, user).ok_or_else(|| {
        (
            ErrorCode::UnknownMessage,
            format!("message {message:?} is not among this channel's recent messages"),
        )
    })
}

/// Hands the event to the handler in its own task and applies its answer to the hub.
fn dispatch(
    app: &Arc<App>,
    id: SocketId,
    key: Key,
    user: &str,
    thread: Option<String>,
    event: Event,
) {
    let inbound = Inbound {
        workspace: key.0.clone(),
        channel: key.1.clone(),
        thread,
        user: user.to_string(),
        user_name: None,
        event,
    };
    let app = app.clone();
    tokio::spawn(async move {
        let handler = app.handler.clone();
        let answer = tokio::spawn(async move { handler.handle(&inbound).await }).await;
        match answer {
            Ok(out) => app.hub.apply(Some(&key), out),
            Err(e) => {
                tracing::error!(error = %e, "the handler failed on a web chat event");
                app.hub.tell(
                    id,
                    &ServerFrame::Error {
                        code: ErrorCode::Failed,
                        error: "the server failed while answering this message".into(),
                    },
                );
            }
        }
    });
}
