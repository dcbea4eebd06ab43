//! Notifications in real headless Chromium: moto's SNS topic delivers to `chatops serve`'s
//! `POST /sns`; an ALARM is published before the page opens and its OK while the page is open
//! (`crates/webchat/tests/browser/notifications.mjs`, Playwright driving /usr/bin/chromium).
//! Screenshots go to `$CARGO_TARGET_TMPDIR/webchat-screens/`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::notices::{alarm, aws_file, config, TOPIC};
use common::web::Server;
use common::{aws, Moto};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the repository")
        .to_path_buf()
}

#[test]
fn an_alarm_and_its_ok_in_headless_chromium() {
    let browser_dir = repo().join("crates/webchat/tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: run scripts/setup.sh"
    );
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run scripts/setup.sh"
    );
    let moto = Moto::start();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join(format!("notify-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("chatops.toml");
    let routes = format!(
        "[[notifications]]\ntopic_arn = \"{TOPIC}\"\naccount = \"dev\"\nchannels = [\"ops\"]\nverify_signatures = false\n"
    );
    std::fs::write(
        &cfg,
        config(&dir.join("chatops.db"), &moto.url, &routes, false),
    )
    .unwrap();
    let server = Server::start(&cfg);
    assert_eq!(
        aws(&moto, "sns create-topic --name alarms --region us-east-1").code,
        0
    );
    let out = aws(
        &moto,
        &format!(
            "sns subscribe --topic-arn {TOPIC} --protocol http --notification-endpoint http://{}/sns --region us-east-1",
            server.addr
        ),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let publish = |message: String| {
        let args =
            format!("sns publish --topic-arn {TOPIC} --message file://{{file}} --region us-east-1");
        let out = aws_file(&moto, &dir, &args, &message);
        assert_eq!(out.code, 0, "{out:?}");
    };
    publish(alarm("ALARM", "OK"));

    let screens = tmp.join("webchat-screens");
    let mut node = Command::new("timeout")
        .args(["180", "node", "notifications.mjs"])
        .current_dir(&browser_dir)
        .env("WEBCHAT_URL", format!("http://{}/", server.addr))
        .env("TOKEN", &server.token)
        .env("SCREEN_DIR", &screens)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    let stdout = node.stdout.take().expect("stdout");
    let mut lines = Vec::new();
    let mut published = false;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("{line}");
        if line == "ready" && !published {
            publish(alarm("OK", "ALARM"));
            published = true;
        }
        lines.push(line);
    }
    let status = node.wait().expect("node finishes");
    assert!(
        status.success(),
        "notifications.mjs failed ({status}):\n{}",
        lines.join("\n")
    );
    assert!(published, "the page said it was ready");
    for step in [
        "sign in and open the ops channel",
        "the ALARM notification is in the channel, not in a thread",
        "the OK arrives live in the alarm thread",
        "the first message now shows the current state and the thread count",
        "no page errors or console errors",
    ] {
        assert!(
            lines.iter().any(|l| l == &format!("ok - {step}")),
            "step not passed: {step}\n{}",
            lines.join("\n")
        );
    }
}
