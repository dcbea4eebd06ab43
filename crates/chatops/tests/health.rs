//! `chatops serve` answers `GET /healthz` (alive) and `GET /readyz` (the store answers),
//! without signing in, for load balancers and orchestrators.

mod common;

use common::notices::config;
use common::web::Server;

fn get(addr: &str, path: &str) -> (u16, String) {
    common::http_get(addr, path, &[])
}

#[test]
fn health_and_readiness_answer_without_sign_in() {
    let dir = std::env::temp_dir().join(format!("chatops-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        config(&dir.join("chatops.db"), "http://127.0.0.1:9", "", false),
    )
    .unwrap();
    let server = Server::start(&cfg);
    let addr = server.addr.to_string();
    let (status, body) = get(&addr, "/healthz");
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, body) = get(&addr, "/readyz");
    assert_eq!((status, body.trim()), (200, "ready"));
    // The web chat's own API still wants a session.
    let (status, _) = get(&addr, "/api/channels");
    assert_eq!(status, 401);
}
