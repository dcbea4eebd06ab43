//! The web chat in real headless Chromium: serves it over the scripted handler on a free
//! loopback port and runs `tests/browser/flows.mjs` (Playwright, driving /usr/bin/chromium).
//! `scripts/setup.sh` installs Chromium and the pinned playwright-core; without them this test
//! fails and says so, rather than passing without a browser.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

const STEPS: &[&str] = &[
    "a wrong token is refused with a message",
    "alice signs in and picks a channel",
    "hello gets a reply with bold and code",
    "tables, files and context render; markup in text stays text",
    "a menu choice is sent as an action",
    "Run updates the message in place and posts the result",
    "a button with confirm asks first",
    "a form is submitted with its values",
    "a reply in a thread is marked",
    "a second user sees the channel but not only-to messages",
    "updates reach the other user live",
    "the API answers 401 without a session",
    "a reload shows the recent messages of the same channel",
    "desktop screenshot (1280x800)",
    "on a phone (390x844) everything fits and works",
    "signing out ends the session",
    "no page errors or console errors",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_flows_in_headless_chromium() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: run scripts/setup.sh"
    );
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed in {}: run scripts/setup.sh",
        dir.display()
    );
    let screens = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("webchat-screens");
    let (chat, _) = common::web_chat();
    let addr = common::serve(&chat).await;

    let run = tokio::process::Command::new("node")
        .arg("flows.mjs")
        .current_dir(&dir)
        .env("WEBCHAT_URL", format!("http://{addr}/"))
        .env("ALICE_TOKEN", common::ALICE)
        .env("BOB_TOKEN", common::BOB)
        .env("SCREEN_DIR", &screens)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("the browser flows finish within 3 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "flows.mjs failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    for step in STEPS {
        assert!(
            stdout.contains(&format!("ok - {step}\n")),
            "step not passed: {step}\n{stdout}"
        );
    }
    assert!(stdout.contains("ALL FLOWS PASSED"), "{stdout}");
    for shot in [
        "desktop-1280x800.png",
        "phone-390x844.png",
        "phone-signin-390x844.png",
    ] {
        let path = screens.join(shot);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 1000,
            "screenshot {} missing or empty",
            path.display()
        );
        println!("screenshot kept: {}", path.display());
    }
}
