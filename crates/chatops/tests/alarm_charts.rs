//! `cloudwatch describe-alarms` in chart form, against moto with metric history: the
//! terminal writes one PNG per alarm into `--charts-dir` and names each on stderr
//! (`chart: PATH`) while stdout keeps the CLI's output; `--output json` draws nothing; the
//! web chat shows the charts inline with each alarm's state and reason.

mod common;

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use common::notices::{aws_file, config};
use common::web::{plain, until, Server};
use common::{aws, Moto};
use serde_json::json;

fn seed(moto: &Moto, dir: &std::path::Path) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // An hour of one-minute points: low, then climbing over the threshold.
    let data: Vec<_> = (0..60)
        .map(|n| {
            let t = now - (60 - n) * 60;
            let v = if n < 45 { (n % 3) as f64 } else { 6.0 + (n - 45) as f64 };
            json!({"MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": "orders-api"}],
                   "Timestamp": t, "Value": v, "Unit": "Count"})
        })
        .collect();
    for chunk in data.chunks(20) {
        let out = aws_file(
            moto,
            dir,
            "cloudwatch put-metric-data --namespace AWS/Lambda --metric-data file://{file} --region us-east-1",
            &serde_json::to_string(chunk).unwrap(),
        );
        assert_eq!(out.code, 0, "{out:?}");
    }
    for (name, threshold) in [("orders-api-errors", 5.0), ("orders-api-any-error", 0.0)] {
        let out = aws(
            moto,
            &format!(
                "cloudwatch put-metric-alarm --alarm-name {name} --namespace AWS/Lambda --metric-name Errors \
                 --dimensions Name=FunctionName,Value=orders-api --statistic Sum --period 60 \
                 --evaluation-periods 3 --threshold {threshold} --comparison-operator GreaterThanThreshold \
                 --region us-east-1"
            ),
        );
        assert_eq!(out.code, 0, "{out:?}");
    }
    let out = aws(
        moto,
        "cloudwatch set-alarm-state --alarm-name orders-api-errors --state-value ALARM \
         --state-reason 'Threshold Crossed: 3 datapoints were greater than 5' --region us-east-1",
    );
    assert_eq!(out.code, 0, "{out:?}");
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[test]
fn the_terminal_writes_one_png_per_alarm() {
    let moto = Moto::start();
    let dir = std::env::temp_dir().join(format!("alarm-charts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    seed(&moto, &dir);
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&dir.join("chatops.db"), &moto.url, "", false)).unwrap();
    let charts = dir.join("charts");
    let run = |line: &str| {
        Command::new(env!("CARGO_BIN_EXE_chatops"))
            .args(["run", "--config"])
            .arg(&cfg)
            .args(["--channel", "ops", "--charts-dir"])
            .arg(&charts)
            .arg(line)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("chatops runs")
    };
    let out = run("cloudwatch describe-alarms");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let listed: serde_json::Value =
        serde_json::from_str(&stdout).expect("the CLI's JSON on stdout");
    assert_eq!(
        listed["MetricAlarms"].as_array().map(Vec::len),
        Some(2),
        "{stdout}"
    );
    let paths: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("chart: "))
        .collect();
    assert_eq!(paths.len(), 2, "{stderr}");
    for p in &paths {
        assert!(p.starts_with(charts.to_str().unwrap()), "{p}");
        let png = std::fs::read(p).expect("the chart file");
        assert_eq!(png_size(&png), (800, 300));
        assert!(png.len() < 100 * 1024, "{} bytes", png.len());
    }
    // The CLI's own output asked for: no charts.
    let out = run("cloudwatch describe-alarms --output json");
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("chart: "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_chat_shows_the_charts_inline() {
    let moto = Moto::start();
    let dir = std::env::temp_dir().join(format!("alarm-charts-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    seed(&moto, &dir);
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&dir.join("chatops.db"), &moto.url, "", false)).unwrap();
    let server = Server::start(&cfg);
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, "local", "ops").await;
    common::web::send(
        &mut ws,
        json!({"type": "text", "workspace": "local", "channel": "ops",
               "text": "@aws cloudwatch describe-alarms --state-value ALARM"}),
    )
    .await;
    let f = until(&mut ws, "the alarms as charts", |f| {
        f["type"] == "post" && plain(&f["message"]).contains("orders-api-errors")
    })
    .await;
    let m = &f["message"];
    assert!(plain(m).contains("ALARM"), "{m}");
    assert!(plain(m).contains("Threshold Crossed"), "{m}");
    let images: Vec<&serde_json::Value> = m["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "image")
        .collect();
    assert_eq!(images.len(), 1, "one alarm in ALARM, one chart: {m}");
    assert!(images[0]["url"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
}

/// Through Slack (a signed event, the Web API double): the summary is posted and each chart
/// uploaded with files.getUploadURLExternal → the bytes → files.completeUploadExternal into
/// the answer's thread.
#[test]
fn slack_uploads_the_charts() {
    use common::slack_api::{SlackApi, BOT_USER};
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    let moto = Moto::start();
    let api = SlackApi::start();
    let dir = std::env::temp_dir().join(format!("alarm-charts-slack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    seed(&moto, &dir);
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&dir.join("chatops.db"), &moto.url, "", true)).unwrap();
    let server = Server::start_with(
        &cfg,
        &[
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_BOT_TOKEN", "xoxb-test"),
            ("SLACK_API_URL", &api.url),
        ],
    );
    let addr = server.slack.clone().expect("Slack is served");
    let event = json!({
        "token": "x", "team_id": "T0001", "api_app_id": "A1", "type": "event_callback",
        "event_id": "Ev0001", "event_time": 1_700_000_000,
        "authorizations": [{"team_id": "T0001", "user_id": BOT_USER, "is_bot": true}],
        "event": {"type": "app_mention", "user": "U1", "channel": "C0ALERTS",
                  "ts": "1699999001.000200", "event_ts": "1699999001.000200",
                  "text": format!("<@{BOT_USER}> cloudwatch describe-alarms --state-value ALARM")},
    })
    .to_string();
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = slack::sign(SECRET, &ts, event.as_bytes());
    let (status, body) = common::slack_api::post_to_slack(
        &addr,
        "/slack/events",
        &ts,
        &sig,
        "application/json",
        &event,
    );
    assert_eq!(status, 200, "{body}");
    let started = std::time::Instant::now();
    let calls = loop {
        let calls = api.calls();
        if calls
            .iter()
            .any(|c| c.method == "files.completeUploadExternal")
        {
            break calls;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "no upload within 60 s: {calls:#?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let post = calls
        .iter()
        .find(|c| {
            c.method == "chat.postMessage" && c.body.to_string().contains("orders-api-errors")
        })
        .expect("the summary posted");
    assert!(calls
        .iter()
        .any(|c| c.method == "files.getUploadURLExternal"));
    assert!(
        calls.iter().any(|c| c.method.starts_with("upload-F")),
        "the bytes sent"
    );
    let done = calls
        .iter()
        .find(|c| c.method == "files.completeUploadExternal")
        .unwrap();
    assert_eq!(done.body["channel_id"], "C0ALERTS", "{done:#?}");
    let thread = post.body["thread_ts"]
        .as_str()
        .map(str::to_string)
        .or_else(|| post.ts.clone())
        .unwrap();
    assert_eq!(
        done.body["thread_ts"].as_str(),
        Some(thread.as_str()),
        "{done:#?}"
    );
}

/// The same answer in real headless Chromium: the chart is an image the browser decoded
/// at 800×300 (`crates/webchat/tests/browser/charts.mjs`; the screenshot is kept in
/// `$CARGO_TARGET_TMPDIR/webchat-screens/charts-describe-alarms.png`).
#[test]
fn the_chart_in_headless_chromium() {
    let browser_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../webchat/tests/browser");
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: run scripts/setup.sh"
    );
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run scripts/setup.sh"
    );
    let moto = Moto::start();
    let dir = std::env::temp_dir().join(format!("alarm-charts-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    seed(&moto, &dir);
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&dir.join("chatops.db"), &moto.url, "", false)).unwrap();
    let server = Server::start(&cfg);
    let screens = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("webchat-screens");
    let out = Command::new("timeout")
        .args(["180", "node", "charts.mjs"])
        .current_dir(&browser_dir)
        .env("WEBCHAT_URL", format!("http://{}/", server.addr))
        .env("TOKEN", &server.token)
        .env("SCREEN_DIR", &screens)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "charts.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in [
        "sign in and open the ops channel",
        "describe-alarms answers with the alarm and its chart",
        "no page errors or console errors",
    ] {
        assert!(
            stdout.lines().any(|l| l == format!("ok - {step}")),
            "{step}:\n{stdout}"
        );
    }
}

/// An alarm notification published to moto's topic arrives with its metric's graph, read
/// as the channel (a background `get-metric-data`) and drawn around the state change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_notification_carries_its_graph() {
    let moto = Moto::start();
    let dir = std::env::temp_dir().join(format!("alarm-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    seed(&moto, &dir);
    let topic = common::notices::TOPIC;
    assert_eq!(
        aws(&moto, "sns create-topic --name alarms --region us-east-1").code,
        0
    );
    let routes = format!(
        "[[notifications]]\ntopic_arn = \"{topic}\"\naccount = \"dev\"\nchannels = [\"ops\"]\nverify_signatures = false\n"
    );
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        config(&dir.join("chatops.db"), &moto.url, &routes, false),
    )
    .unwrap();
    let server = Server::start(&cfg);
    let out = aws(
        &moto,
        &format!(
            "sns subscribe --topic-arn {topic} --protocol http --notification-endpoint http://{}/sns --region us-east-1",
            server.addr
        ),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, "local", "ops").await;
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string();
    let alarm = json!({
        "AlarmName": "orders-api-errors", "AWSAccountId": "123456789012",
        "NewStateValue": "ALARM", "OldStateValue": "OK",
        "NewStateReason": "Threshold Crossed: 3 datapoints were greater than 5",
        "StateChangeTime": now, "Region": "US East (N. Virginia)",
        "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-api-errors",
        "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "SUM",
            "Dimensions": [{"value": "orders-api", "name": "FunctionName"}], "Period": 60,
            "EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 5.0}
    })
    .to_string();
    let out = aws_file(
        &moto,
        &dir,
        &format!("sns publish --topic-arn {topic} --message file://{{file}} --region us-east-1"),
        &alarm,
    );
    assert_eq!(out.code, 0, "{out:?}");
    let f = until(&mut ws, "the alarm notification", |f| {
        f["type"] == "post" && plain(&f["message"]).contains("orders-api-errors")
    })
    .await;
    let blocks = f["message"]["blocks"].as_array().unwrap();
    let image = blocks
        .iter()
        .position(|b| b["type"] == "image")
        .unwrap_or_else(|| panic!("a graph: {f}"));
    assert!(blocks[image]["url"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let buttons = blocks
        .iter()
        .position(|b| b["type"] == "buttons")
        .expect("Show logs");
    assert!(image < buttons, "the graph above the buttons");
    assert!(!plain(&f["message"]).contains("No graph"), "{f}");
}

/// `--dry-run` names every AWS call a line leads to: the charts' `get-metric-data` after
/// `describe-alarms`, the results' `get-query-results` after `logs start-query`, each with
/// the channel's decision.
#[test]
fn dry_run_names_the_calls_that_follow() {
    let dir = std::env::temp_dir().join(format!("alarm-charts-dry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        config(&dir.join("chatops.db"), "http://127.0.0.1:9", "", false),
    )
    .unwrap();
    let dry = |line: &str| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
            .args(["run", "--dry-run", "--config"])
            .arg(&cfg)
            .args(["--channel", "ops", line])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .output()
            .expect("chatops runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let v = dry("cloudwatch describe-alarms --state-value ALARM");
    assert_eq!(v["then"][0]["operation"], "GetMetricData", "{v}");
    assert_eq!(
        v["then"][0]["iam_actions"],
        json!(["cloudwatch:GetMetricData"])
    );
    assert_eq!(v["then"][0]["authorization"]["decision"], "allowed", "{v}");
    let v = dry("logs start-query --log-group-names /aws/lambda/f --start-time 1 --end-time 2 --query-string 'fields @message'");
    assert_eq!(v["then"][0]["operation"], "GetQueryResults", "{v}");
    // The CLI's own output asked for: nothing follows.
    let v = dry("cloudwatch describe-alarms --output json");
    assert!(v.get("then").is_none(), "{v}");
}
