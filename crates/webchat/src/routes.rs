//! The HTTP side of the web chat.
//!
//! | method and path | without a session | with one |
//! |---|---|---|
//! | `GET /`, `/app.js`, `/app.css` | the page (it shows the sign-in form) | the page |
//! | `POST /api/login` `{"token": "…"}` | 200 `{"user"}` and the session cookie; 401 `{"error"}` for a wrong token; 400 for a body that is not that JSON | same |
//! | `POST /api/logout` | 401 | 200; the session ends and the cookie is cleared |
//! | `GET /api/me` | 401 | `{"user": "alice"}` |
//! | `GET /api/channels` | 401 | `{"channels": [{"workspace", "id", "name"}]}`: the channels this user is a member of |
//! | `GET /api/history?workspace=W&channel=C` | 401 | `{"messages": [entry…]}` (what this user may see); 404 for an unknown channel, 403 for one the user is not a member of |
//! | `GET /api/ws` | 401 | the WebSocket (see [`crate::protocol`]) |
//! | any other `/api/…` | 401 | 404 |
//!
//! A session is checked against the shared store on every request (see [`crate::sessions`]);
//! when the store cannot be reached the answer is 503, never a sign-in.
//!
//! Errors are JSON `{"error": "…"}`. Requests to `/api/…` whose `Origin` header names another
//! host get 403, so another site's page cannot drive the chat even in a browser that ignores
//! SameSite.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::auth;
use crate::protocol::MAX_FRAME;
use crate::App;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");

/// What the page may load: only itself. No CDN, no inline script, nothing framed.
const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The signed-in user, put on the request by [`require_session`].
#[derive(Clone)]
pub(crate) struct SignedIn(pub String);

pub(crate) fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/channels", get(channels))
        .route("/history", get(history))
        .route("/ws", get(websocket))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such API endpoint") })
        .layer(middleware::from_fn_with_state(app.clone(), require_session));
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route("/api/login", post(login))
        .nest("/api", api)
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::map_response(security_headers))
        .with_state(app)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Refuses `/api` requests a browser sent from another site's page.
async fn same_origin(req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/api/") && !origin_matches(req.headers()) {
        return error(
            StatusCode::FORBIDDEN,
            "requests from another site are refused",
        );
    }
    next.run(req).await
}

/// True when there is no `Origin` (not a cross-site browser request) or it names this host.
fn origin_matches(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

async fn require_session(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let Some(id) = auth::session_cookie(req.headers()) else {
        return error(StatusCode::UNAUTHORIZED, "sign in first");
    };
    match app.sessions.user_of(&id).await {
        Ok(Some(user)) => {
            req.extensions_mut().insert(SignedIn(user));
            next.run(req).await
        }
        Ok(None) => error(
            StatusCode::UNAUTHORIZED,
            "sign in first (the session ended or expired)",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "cannot check a web chat session");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("cannot check the session now: {e}"),
            )
        }
    }
}

/// The 403 for a channel `user` is not a member of.
pub(crate) fn not_member(key: &crate::hub::Key) -> String {
    format!(
        "you are not a member of channel {:?} in workspace {:?}",
        key.1, key.0
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    token: String,
}

async fn login(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let login: Login = match serde_json::from_slice(&body) {
        Ok(l) => l,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("expected a JSON body {{\"token\": \"…\"}}: {e}"),
            )
        }
    };
    let Some(user) = app.auth.check_token(login.token.trim()) else {
        return error(StatusCode::UNAUTHORIZED, "wrong token");
    };
    match app.sessions.open(&user).await {
        Ok(id) => (
            [(header::SET_COOKIE, auth::set_cookie(&id))],
            Json(json!({ "user": user })),
        )
            .into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot open a session: {e}"),
        ),
    }
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(id) = auth::session_cookie(&headers) {
        if let Err(e) = app.sessions.close(&id).await {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("cannot end the session now: {e}"),
            );
        }
    }
    (
        [(header::SET_COOKIE, auth::clear_cookie())],
        Json(json!({ "ok": true })),
    )
        .into_response()
}

async fn me(Extension(SignedIn(user)): Extension<SignedIn>) -> Response {
    Json(json!({ "user": user })).into_response()
}

async fn channels(
    State(app): State<Arc<App>>,
    Extension(SignedIn(user)): Extension<SignedIn>,
) -> Response {
    let mine: Vec<&crate::ChannelInfo> = app
        .channels
        .iter()
        .filter(|c| {
            app.members
                .allows(&user, &(c.workspace.clone(), c.id.clone()))
        })
        .collect();
    Json(json!({ "channels": mine })).into_response()
}

#[derive(Deserialize)]
struct HistoryQuery {
    workspace: String,
    channel: String,
}

async fn history(
    State(app): State<Arc<App>>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected ?workspace=W&channel=C naming a channel",
        );
    };
    let key = (q.workspace, q.channel);
    if app.hub.knows(&key) && !app.members.allows(&user, &key) {
        return error(StatusCode::FORBIDDEN, not_member(&key));
    }
    match app.hub.history(&key, &user) {
        Some(messages) => Json(json!({ "messages": messages })).into_response(),
        None => error(StatusCode::NOT_FOUND, "no such channel"),
    }
}

async fn websocket(
    State(app): State<Arc<App>>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        // Frames up to 4× the limit are read so they can be answered with a clear
        // `too_large` error frame; beyond that the connection is closed.
        Ok(ws) => ws
            .max_message_size(MAX_FRAME * 4)
            .on_upgrade(move |socket| crate::socket::run(app, user, socket)),
        Err(e) => error(
            StatusCode::BAD_REQUEST,
            format!("expected a WebSocket upgrade: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_name_this_host() {
        let mut h = HeaderMap::new();
        assert!(origin_matches(&h));
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(origin_matches(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!origin_matches(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!origin_matches(&h));
    }
}
