//! The demo's conversations in real headless Chromium: moto seeded by `scripts/seed_demo.py`,
//! the demo configuration (`examples/demo/chatops.toml.in`), `chatops serve` on it, and
//! `crates/webchat/tests/browser/engine_flows.mjs` (Playwright driving /usr/bin/chromium)
//! signing in with the printed token and going through the flows. Screenshots are kept in
//! `$CARGO_TARGET_TMPDIR/webchat-screens/`. `scripts/setup.sh` installs Chromium and the pinned
//! playwright-core; without them this test fails and says so, rather than passing without a
//! browser.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::Moto;

const STEPS: &[&str] = &[
    "sign in with the token chatops serve printed",
    "read-only channel: lambda list-functions lists the seeded functions",
    "get-function: the missing function name is chosen from the offered functions",
    "ops channel: a write asks for Run with account, region and role",
    "Run: the confirmation becomes \"Run by\" in place and the result follows",
    "a denial shows its reason",
    "set default-account: prod is chosen and a command runs in prod (eu-west-1)",
    "an alias is created and run with its variable",
    "on a phone (390x844) the conversation fits",
    "no page errors or console errors",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the repository")
        .to_path_buf()
}

/// `chatops serve`, killed when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn demo_flows_in_headless_chromium() {
    let browser_dir = repo().join("crates/webchat/tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: run scripts/setup.sh"
    );
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed in {}: run scripts/setup.sh",
        browser_dir.display()
    );

    let moto = Moto::start();
    let seeded = Command::new(testkit::venv().join("bin/python"))
        .arg(repo().join("scripts/seed_demo.py"))
        .arg(&moto.url)
        .output()
        .expect("run scripts/seed_demo.py");
    assert!(
        seeded.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );

    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join(format!("web-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let template = std::fs::read_to_string(repo().join("examples/demo/chatops.toml.in"))
        .expect("the demo configuration");
    let config = template
        .replace("@MOTO_URL@", &moto.url)
        .replace("@DB_PATH@", &dir.join("chatops.db").display().to_string());
    let config_path = dir.join("chatops.toml");
    std::fs::write(&config_path, config).expect("write the configuration");

    let mut child = Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(["serve", "--config"])
        .arg(&config_path)
        .args(["--addr", "127.0.0.1:0"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start chatops serve");
    let stdout = child.stdout.take().expect("stdout");
    let serve = Serve(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("chatops serve prints its URL and token");
    let (url, token) = line
        .strip_prefix("web chat: ")
        .and_then(|rest| rest.split_once("  token: "))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"));

    let screens = tmp.join("webchat-screens");
    // coreutils' timeout: a hung browser fails the test instead of hanging it.
    let out = Command::new("timeout")
        .args(["300", "node", "engine_flows.mjs"])
        .current_dir(&browser_dir)
        .env("WEBCHAT_URL", url)
        .env("TOKEN", token.trim())
        .env("SCREEN_DIR", &screens)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null())
        .output()
        .expect("node runs");
    drop(serve);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "engine_flows.mjs failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    for step in STEPS {
        assert!(
            stdout.contains(&format!("ok - {step}\n")),
            "step not passed: {step}\n{stdout}"
        );
    }
    assert!(stdout.contains("ALL ENGINE FLOWS PASSED"), "{stdout}");
    let shots: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("screenshot: "))
        .collect();
    assert!(shots.len() >= 10, "a screenshot per step: {shots:?}");
    assert!(
        shots
            .iter()
            .any(|s| s.ends_with("engine-phone-390x844.png")),
        "a phone screenshot: {shots:?}"
    );
    for shot in shots {
        let size = std::fs::metadata(shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 1000, "screenshot {shot} missing or empty");
        println!("screenshot kept: {shot}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
