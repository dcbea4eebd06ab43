//! The conversation through Slack: signed requests shaped like Slack's payloads go to the
//! surface, the real engine runs commands on moto, and the Web API double records what the
//! bot posts, updates and whispers.

mod common;

use common::*;
use engine::Options;
use std::sync::Arc;
use store::{AuditFilter, SqliteStore, Store};
use testkit::Moto;

const CONFIG: &str = r#"
[[workspaces]]
name = "acme"
platform = "slack"
team_id = "T123ABC456"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto}"

[[policies]]
name = "queue-writes"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]}'

[[roles]]
name = "readonly"
policies = ["ReadOnly"]

[[roles]]
name = "operator"
policies = ["AdministratorAccess"]

[[channels]]
name = "ro"
workspace = "acme"
platform_id = "C0READONLY"
accounts = ["dev"]
role_setting = "channel"
channel_role = "readonly"
guardrails = ["ReadOnly"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C123ABC456"
accounts = ["dev"]
role_setting = "channel"
channel_role = "operator"
guardrails = ["ReadOnly", "queue-writes"]

[[channels]]
name = "dm"
workspace = "acme"
platform_id = "D024BE91L"
accounts = ["dev"]
role_setting = "channel"
channel_role = "readonly"
guardrails = ["ReadOnly"]
"#;

struct World {
    _moto: Moto,
    store: Arc<dyn Store>,
    double: Double,
    srv: Server,
}

async fn world() -> World {
    let moto = Moto::start();
    let toml = CONFIG.replace("{moto}", &moto.url);
    assert_eq!(
        engine::testing::config(&toml)
            .workspace_by_team_id(TEAM)
            .unwrap()
            .name,
        "acme"
    );
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let engine = engine::testing::engine(&toml, store.clone(), Options::default());
    let double = Double::start().await;
    let srv = serve(Arc::new(engine), store.clone(), &double).await;
    World {
        _moto: moto,
        store,
        double,
        srv,
    }
}

fn text_of(c: &Call) -> String {
    c.body.to_string()
}

/// Everything through Slack in one moto: a mention answered in its thread, a DM, a slash
/// command, a denial whispered, a write confirmed and updated in place, a missing parameter
/// chosen from the prompt, and one event delivered three times run once.
#[tokio::test]
async fn conversations_through_slack() {
    let w = world().await;
    let (srv, d) = (&w.srv, &w.double);

    // Mention → threaded reply.
    srv.event(
        &mention(
            "Ev1",
            "C0READONLY",
            "U061F7AUR",
            "sqs list-queues",
            "1700000001.000100",
        ),
        &[],
    )
    .await;
    srv.idle().await;
    let p = d.calls_to("chat.postMessage");
    assert_eq!(p.len(), 1, "{:#?}", d.calls());
    assert_eq!(p[0].body["channel"], "C0READONLY");
    assert_eq!(p[0].body["thread_ts"], "1700000001.000100");
    assert!(
        text_of(&p[0]).contains("Done (no output)"),
        "{}",
        text_of(&p[0])
    );

    // DM without a mention.
    d.clear();
    srv.event(
        &direct_message(
            "Ev2",
            "D024BE91L",
            "U2147483697",
            "sqs list-queues",
            "1700000002.000200",
        ),
        &[],
    )
    .await;
    srv.idle().await;
    let p = d.calls_to("chat.postMessage");
    assert_eq!(p.len(), 1, "{:#?}", d.calls());
    assert_eq!(p[0].body["channel"], "D024BE91L");
    assert_eq!(p[0].body["thread_ts"], "1700000002.000200");
    assert!(
        text_of(&p[0]).contains("Done (no output)"),
        "{}",
        text_of(&p[0])
    );

    // Slash command: answered in the channel, top level (it starts the thread).
    d.clear();
    srv.command("C0READONLY", "U061F7AUR", "sqs list-queues", "trig-slash")
        .await;
    srv.idle().await;
    let p = d.calls_to("chat.postMessage");
    assert_eq!(p.len(), 1, "{:#?}", d.calls());
    assert!(p[0].body.get("thread_ts").is_none());
    assert!(text_of(&p[0]).contains("Done (no output)"));

    // Denial → ephemeral reason, only to the asker, in the thread.
    d.clear();
    srv.event(
        &mention(
            "Ev3",
            "C0READONLY",
            "U061F7AUR",
            "sqs delete-queue --queue-url http://x/1/q",
            "1700000003.000300",
        ),
        &[],
    )
    .await;
    srv.idle().await;
    assert!(d.calls_to("chat.postMessage").is_empty());
    let e = d.calls_to("chat.postEphemeral");
    assert_eq!(e.len(), 1, "{:#?}", d.calls());
    assert_eq!(e[0].body["user"], "U061F7AUR");
    assert_eq!(e[0].body["thread_ts"], "1700000003.000300");
    assert!(
        text_of(&e[0]).contains("no guardrail of ro allows sqs:DeleteQueue"),
        "{}",
        text_of(&e[0])
    );

    // Write → confirmation → Run → chat.update in place and the result in the thread.
    for (i, q) in ["alpha", "beta"].iter().enumerate() {
        d.clear();
        let ts = format!("170000001{i}.000100");
        srv.event(
            &mention(
                &format!("EvW{i}"),
                "C123ABC456",
                "U061F7AUR",
                &format!("sqs create-queue --queue-name {q}"),
                &ts,
            ),
            &[],
        )
        .await;
        srv.idle().await;
        let p = d.calls_to("chat.postMessage");
        assert_eq!(p.len(), 1, "{:#?}", d.calls());
        assert!(text_of(&p[0]).contains(&format!("aws sqs create-queue --queue-name {q}")));
        let confirm = p[0].clone();
        d.clear();
        srv.interaction(&press(
            d,
            &confirm,
            "U061F7AUR",
            "Run",
            &format!("trig-run-{i}"),
        ))
        .await;
        srv.idle().await;
        let u = d.calls_to("chat.update");
        assert_eq!(u.len(), 1, "{:#?}", d.calls());
        assert_eq!(
            u[0].body["ts"],
            confirm.ts.clone().unwrap().as_str(),
            "updated in place"
        );
        assert_eq!(u[0].body["channel"], "C123ABC456");
        assert!(
            text_of(&u[0]).contains("Run by <@U061F7AUR>"),
            "{}",
            text_of(&u[0])
        );
        let p = d.calls_to("chat.postMessage");
        assert_eq!(p.len(), 1, "{:#?}", d.calls());
        assert_eq!(p[0].body["thread_ts"], ts.as_str());
        assert!(text_of(&p[0]).contains("QueueUrl"), "{}", text_of(&p[0]));
    }

    // Missing parameter → prompt with choices → block_actions choice → result.
    d.clear();
    srv.event(
        &mention(
            "EvP",
            "C123ABC456",
            "U061F7AUR",
            "sqs get-queue-attributes --attribute-names All",
            "1700000020.000100",
        ),
        &[],
    )
    .await;
    srv.idle().await;
    let prompt = d
        .calls_to("chat.postMessage")
        .pop()
        .or_else(|| d.calls_to("chat.postEphemeral").pop())
        .unwrap();
    assert!(
        text_of(&prompt).contains("needs *queue-url*"),
        "{}",
        text_of(&prompt)
    );
    d.clear();
    let beta = format!("{}/123456789012/beta", w._moto.url);
    srv.interaction(&press(d, &prompt, "U061F7AUR", &beta, "trig-choice"))
        .await;
    srv.idle().await;
    let all: String = d.calls().iter().map(text_of).collect();
    assert!(all.contains("QueueArn") && all.contains("beta"), "{all}");
    let u = d.calls_to("chat.update");
    assert!(
        u.iter()
            .any(|c| c.body["ts"] == prompt.ts.clone().unwrap().as_str()
                && text_of(c).contains("answered by")),
        "{:#?}",
        d.calls()
    );

    // The same event three times (Slack's retries) → one execution.
    d.clear();
    let before = w.store.query_audit(&AuditFilter::default()).unwrap().len();
    let ev = mention(
        "EvDup",
        "C0READONLY",
        "U061F7AUR",
        "sqs list-queues",
        "1700000030.000100",
    );
    srv.event(&ev, &[]).await;
    srv.event(
        &ev,
        &[
            ("x-slack-retry-num", "1"),
            ("x-slack-retry-reason", "http_timeout"),
        ],
    )
    .await;
    srv.event(
        &ev,
        &[
            ("x-slack-retry-num", "2"),
            ("x-slack-retry-reason", "http_timeout"),
        ],
    )
    .await;
    srv.idle().await;
    assert_eq!(d.calls_to("chat.postMessage").len(), 1, "{:#?}", d.calls());
    let audit = w.store.query_audit(&AuditFilter::default()).unwrap();
    assert_eq!(audit.len() - before, 1, "one command run and audited");
    // The audit log names the asker as Slack does (users.info), beside the id.
    let last = &audit.last().unwrap().record;
    assert_eq!(last.user_name.as_deref(), Some("Alice"), "{last:?}");
    // Names are remembered: three deliveries ask users.info at most once.
    assert!(
        d.calls_to("users.info").len() <= 1,
        "{:#?}",
        d.calls_to("users.info")
    );
    assert!(d.violations().is_empty(), "{:?}", d.violations());
}
