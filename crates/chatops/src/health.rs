//! `GET /healthz` and `GET /readyz` for load balancers and orchestrators: alive means the
//! process answers; ready means it can do its work — the store answers (the service models
//! are loaded before the server listens, so a listening server has them).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

/// The two routes, on their own router (merged into the server's).
pub fn router(store: Arc<dyn store::Store>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { (StatusCode::OK, "ok\n") }))
        .route("/readyz", get(ready))
        .with_state(store)
}

/// 200 when a read of the store succeeds, 503 (saying why) when it fails.
async fn ready(State(store): State<Arc<dyn store::Store>>) -> (StatusCode, String) {
    let probe = tokio::task::spawn_blocking(move || store.get_surface("health", "probe")).await;
    match probe {
        Ok(Ok(_)) => (StatusCode::OK, "ready\n".into()),
        Ok(Err(e)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the store does not answer: {e}\n"),
        ),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the store check failed: {e}\n"),
        ),
    }
}
