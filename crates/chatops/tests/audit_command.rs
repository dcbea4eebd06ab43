//! `chatops audit` prints the log as JSON lines, filtered by channel (name or id), user and
//! time, oldest first; bad times are named.

use std::process::Command;
use store::{AuditRecord, SqliteStore, Store};

#[test]
fn audit_lines_filtered_by_channel_user_and_time() {
    let dir = std::env::temp_dir().join(format!("chatops-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        r#"[store]
sqlite = "audit.db"

[[workspaces]]
name = "acme"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"

[[roles]]
name = "r"

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["dev"]
role_setting = "channel"
channel_role = "r"
"#,
    )
    .unwrap();
    let store = SqliteStore::open(dir.join("audit.db")).unwrap();
    let base = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    for (i, (channel, user, outcome)) in [
        ("C-OPS", "alice", "ok"),
        ("C-OPS", "bob", "refused"),
        ("C-OTHER", "alice", "ok"),
        ("C-OPS", "alice", "ThrottlingException"),
    ]
    .iter()
    .enumerate()
    {
        store
            .append_audit(&AuditRecord {
                time: base + i as i64 * 3_600_000,
                workspace: "acme".into(),
                channel: channel.to_string(),
                user: user.to_string(),
                user_name: (*user == "alice").then(|| "Alice Liddell".to_string()),
                account: Some("dev".into()),
                region: Some("us-east-1".into()),
                role: Some("r".into()),
                command: "sqs list-queues".into(),
                decision: "allowed".into(),
                reason: "test".into(),
                outcome: outcome.to_string(),
                duration_ms: Some(12),
            })
            .unwrap();
    }
    drop(store);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
            .arg("audit")
            .args(["--config", cfg.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, _) = run(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 4);
    let (_, out, _) = run(&["--channel", "ops", "--user", "alice"]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["time"], "2026-01-01T00:00:00Z");
    assert_eq!(lines[0]["user_name"], "Alice Liddell");
    assert_eq!(lines[1]["outcome"], "ThrottlingException");
    let (_, out, _) = run(&[
        "--channel",
        "C-OPS",
        "--since",
        "2026-01-01T00:30:00Z",
        "--until",
        "2026-01-01T03:00:00Z",
    ]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("\"bob\""));
    let (_, out, _) = run(&["--limit", "1"]);
    assert!(
        out.contains("ThrottlingException") && out.lines().count() == 1,
        "the newest"
    );
    let (code, _, err) = run(&["--since", "yesterday"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--since \"yesterday\" is not a time"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
