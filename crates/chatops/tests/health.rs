//! `chatops serve` answers `GET /healthz` (alive) and `GET /readyz` (the store answers),
//! without signing in, for load balancers and orchestrators.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::notices::config;
use common::web::Server;

fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        out.split("\r\n\r\n").nth(1).unwrap_or("").to_string(),
    )
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
