//! Web chat sessions live in the store: a cookie from before a restart of `chatops serve` on
//! the same SQLite file still works after it; `CHATOPS_WEB_TOKEN` fixes the start-up token
//! (and a short one is refused); a `[[users]]` entry's `channels` limits what it sees.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use common::web::Server;
use serde_json::Value;

const START_TOKEN: &str = "fixed-start-token-0123456789";
const BOB: &str = "bob-token-0123456789abcdef";

fn config(db: &Path) -> String {
    format!(
        r#"
[defaults]
region = "us-east-1"

[store]
sqlite = "{db}"

[[workspaces]]
name = "local"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "http://127.0.0.1:9"

[[roles]]
name = "reader"
policies = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "local"
platform_id = "ops"
accounts = ["dev"]
role_setting = "channel"
channel_role = "reader"

[[channels]]
name = "oncall"
workspace = "local"
platform_id = "oncall"
accounts = ["dev"]
role_setting = "channel"
channel_role = "reader"

[[users]]
name = "bob"
token = "{BOB}"
channels = ["oncall"]
"#,
        db = db.display(),
    )
}

/// `GET path` with the session cookie: the status and the JSON body.
fn get(server: &Server, path: &str, cookie: &str) -> (u16, Value) {
    let (status, body) = common::http_get(&server.addr.to_string(), path, &[("Cookie", cookie)]);
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// `POST /api/logout` with the session cookie: the status.
fn logout(server: &Server, cookie: &str) -> u16 {
    let mut s = TcpStream::connect(server.addr).expect("connect");
    write!(
        s,
        "POST /api/logout HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n",
        server.addr
    )
    .expect("send");
    common::read_answer(&mut s).0
}

fn channel_ids(body: &Value) -> Vec<String> {
    body["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_session_survives_a_restart_on_the_same_store() {
    let dir = common::temp_dir("web-sessions");
    let file = dir.join("chatops.toml");
    std::fs::write(&file, config(&dir.join("chatops.db"))).expect("write config");
    let vars = [("CHATOPS_WEB_TOKEN", START_TOKEN)];

    let mut first = Server::start_with(&file, &vars);
    assert_eq!(
        first.token, "from CHATOPS_WEB_TOKEN",
        "the fixed token is not printed"
    );
    first.token = BOB.to_string();
    let bob = first.sign_in();
    let (status, me) = get(&first, "/api/me", &bob);
    assert_eq!((status, me["user"].as_str()), (200, Some("bob")));
    let (_, list) = get(&first, "/api/channels", &bob);
    assert_eq!(
        channel_ids(&list),
        ["oncall"],
        "bob is a member of oncall only"
    );
    let (status, refused) = get(&first, "/api/history?workspace=local&channel=ops", &bob);
    assert_eq!(status, 403, "{refused}");
    first.token = START_TOKEN.to_string();
    let admin = first.sign_in();
    first.kill();

    // A new process on the same database file: the cookies still work, the fixed token too.
    let mut second = Server::start_with(&file, &vars);
    let (status, me) = get(&second, "/api/me", &bob);
    assert_eq!((status, me["user"].as_str()), (200, Some("bob")), "{me}");
    let (status, me) = get(&second, "/api/me", &admin);
    assert_eq!((status, me["user"].as_str()), (200, Some("admin")), "{me}");
    let (_, list) = get(&second, "/api/channels", &admin);
    assert_eq!(
        channel_ids(&list),
        ["ops", "oncall"],
        "admin is a member of all"
    );
    second.token = START_TOKEN.to_string();
    second.sign_in();
    // Signing out ends the session in the store.
    assert_eq!(logout(&second, &bob), 200);
    assert_eq!(get(&second, "/api/me", &bob).0, 401);
    second.kill();
    let third = Server::start_with(&file, &vars);
    assert_eq!(get(&third, "/api/me", &bob).0, 401, "still signed out");
    third.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_short_fixed_token_is_refused_at_start() {
    let dir = common::temp_dir("web-sessions");
    let file = dir.join("chatops.toml");
    std::fs::write(&file, config(&dir.join("chatops.db"))).expect("write config");
    let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["serve", "--config"])
        .arg(&file)
        .args(["--addr", "127.0.0.1:0"])
        .env("CHATOPS_WEB_TOKEN", "short")
        .output()
        .expect("run chatops serve");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("CHATOPS_WEB_TOKEN") && stderr.contains("16"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
