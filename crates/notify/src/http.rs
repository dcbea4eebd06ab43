//! `POST /sns`: SNS HTTP(S) subscriptions deliver here.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

use crate::intake::{Intake, MAX_BODY};

/// The route, on its own router (merged into the server's).
pub fn router(intake: Arc<Intake>) -> Router {
    Router::new()
        .route("/sns", post(sns))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(intake)
}

async fn sns(
    State(intake): State<Arc<Intake>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let kind = headers
        .get("x-amz-sns-message-type")
        .and_then(|v| v.to_str().ok());
    let answer = intake.sns_http(kind, &body).await;
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, answer.text().to_string())
}
