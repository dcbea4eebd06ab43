//! Every conversation flow, driven by inbound events against moto; the outbound messages
//! and the store are checked (golden files for the messages people read most).

mod common;

use common::*;
use engine::{Block, Options};
use store::{AuditFilter, PendingState};

#[tokio::test]
async fn a_read_runs_at_once_and_is_audited() {
    let f = fixture();
    let out = f
        .say("C-RO", "alice", "@aws sqs create-queue --queue-name nope")
        .await;
    assert!(all_text(&out).contains("Not run"), "{}", all_text(&out));
    let out = f.say("C-RO", "alice", "@aws sqs list-queues").await;
    let p = posts(&out);
    assert_eq!(p.len(), 1, "{}", all_text(&out));
    // No queues yet: the CLI prints nothing, and chat says so.
    assert!(
        p[0].plain().starts_with("✅ Done (no output)."),
        "{}",
        p[0].plain()
    );
    assert!(
        all_text(&out).contains("account dev (123456789012) · region us-east-1 · role readonly")
    );
    let audit = f.store.query_audit(&AuditFilter::default()).unwrap();
    let outcomes: Vec<&str> = audit.iter().map(|e| e.record.outcome.as_str()).collect();
    assert_eq!(outcomes, ["refused", "ok"]);
    assert_eq!(audit[1].record.decision, "allowed");
    assert_eq!(audit[0].record.decision, "implicitDeny");
}

#[tokio::test]
async fn a_missing_parameter_is_offered_from_the_list_operation() {
    let f = fixture();
    for q in ["alpha", "beta"] {
        let out = f
            .say(
                "C-OPS",
                "alice",
                &format!("sqs create-queue --queue-name {q}"),
            )
            .await;
        // The first command asks for the account; choose dev.
        if let Some((msg, action, value)) = button(&out, "dev") {
            let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
            let (msg, action, value) = button(&out, "Run").expect("confirmation");
            f.press("C-OPS", "alice", &msg, &action, &value).await;
        } else {
            let (msg, action, value) = button(&out, "Run").expect("confirmation");
            f.press("C-OPS", "alice", &msg, &action, &value).await;
        }
    }
    let out = f
        .say(
            "C-OPS",
            "alice",
            "@aws sqs get-queue-attributes --attribute-names All",
        )
        .await;
    golden("prompt_with_resource_choices", &out, &f.moto.url);
    let text = all_text(&out);
    assert!(text.contains("needs *queue-url*"), "{text}");
    let (msg, action, value) = button(&out, &format!("{}/123456789012/beta", f.moto.url))
        .or_else(|| menu(&out).map(|(m, a, o)| (m, a, o[1].1.clone())))
        .expect("the queues are offered");
    assert_eq!(action, "param");
    let pending = f.store.list_pending("acme", "C-OPS", "alice", 0).unwrap();
    assert!(matches!(
        pending[0].state,
        PendingState::AwaitingInput { .. }
    ));
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    let text = all_text(&out);
    assert!(text.contains("QueueArn"), "{text}");
    assert!(text.contains("beta"), "{text}");
    assert!(updates(&out)
        .iter()
        .any(|(id, m)| *id == msg && m.plain().contains("answered by")));
}

#[tokio::test]
async fn an_answer_can_be_typed_and_other_commands_run_meanwhile() {
    let f = fixture();
    let out = f.say("C-RO", "bob", "sqs get-queue-url").await;
    assert!(all_text(&out).contains("needs *queue-name*"));
    // Another command in between.
    let out = f.say("C-RO", "bob", "sqs list-queues").await;
    assert!(all_text(&out).contains("no output"), "{}", all_text(&out));
    let out = f.say("C-RO", "bob", "@aws queue-name nosuchqueue").await;
    assert!(
        all_text(&out).contains("NonExistentQueue") || all_text(&out).contains("QueueDoesNotExist"),
        "{}",
        all_text(&out)
    );
}

#[tokio::test]
async fn a_write_asks_first_runs_once_and_only_for_the_asker() {
    let f = fixture();
    f.say("C-OPS", "alice", "set default-account dev").await;
    let out = f
        .say("C-OPS", "alice", "@aws sqs create-queue --queue-name jobs")
        .await;
    golden("confirmation", &out, &f.moto.url);
    let (msg, action, value) = button(&out, "Run").expect("Run");
    assert!(button(&out, "Cancel").is_some());
    let text = all_text(&out);
    assert!(
        text.contains("aws sqs create-queue --queue-name jobs"),
        "{text}"
    );
    assert!(
        text.contains("account dev (123456789012) · region us-east-1 · role operator"),
        "{text}"
    );
    // Someone else may not run it here.
    let out = f.press("C-OPS", "mallory", &msg, &action, &value).await;
    assert!(
        all_text(&out).contains("Only <@alice>"),
        "{}",
        all_text(&out)
    );
    assert_eq!(
        f.store.get_pending(&value).unwrap().unwrap().state,
        PendingState::AwaitingConfirmation
    );
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    let ups = updates(&out);
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[0].0, msg);
    assert!(
        ups[0].1.plain().contains("Run by <@alice> at 00:00 UTC"),
        "{}",
        ups[0].1.plain()
    );
    assert!(all_text(&out).contains("QueueUrl"));
    // A second Run does nothing.
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    assert!(
        all_text(&out).contains("already run by <@alice>"),
        "{}",
        all_text(&out)
    );
    assert_eq!(
        f.store.get_pending(&value).unwrap().unwrap().state,
        PendingState::Done
    );
    let out = f.say("C-OPS", "alice", "sqs list-queues").await;
    assert_eq!(all_text(&out).matches("/jobs").count(), 1);
}

#[tokio::test]
async fn cancel_replaces_the_buttons_and_nothing_runs() {
    let f = fixture();
    f.say("C-OPS", "alice", "set default-account dev").await;
    let out = f
        .say("C-OPS", "alice", "sqs create-queue --queue-name never")
        .await;
    let (msg, action, value) = button(&out, "Cancel").unwrap();
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    assert!(updates(&out)[0].1.plain().contains("Cancelled by <@alice>"));
    let (_, a, v) = (msg.clone(), "run".to_string(), value.clone());
    let out = f.press("C-OPS", "alice", &msg, &a, &v).await;
    assert!(all_text(&out).contains("cancelled"));
    let out = f.say("C-OPS", "alice", "sqs list-queues").await;
    assert!(!all_text(&out).contains("never"));
    let audit = f.store.query_audit(&AuditFilter::default()).unwrap();
    assert!(audit.iter().any(|e| e.record.outcome == "cancelled"));
}

#[tokio::test]
async fn denials_say_why_and_what_to_ask_for() {
    let f = fixture();
    let out = f
        .say(
            "C-RO",
            "alice",
            "@aws sqs delete-queue --queue-url http://x/1/q",
        )
        .await;
    golden("denial", &out, &f.moto.url);
    let m = posts(&out)[0];
    assert_eq!(
        m.only_to.as_deref(),
        Some("alice"),
        "only the asker sees it"
    );
    let text = m.plain();
    assert!(
        text.contains("no guardrail of ro allows sqs:DeleteQueue"),
        "{text}"
    );
    assert!(text.contains("ask an admin"), "{text}");
    let out = f.say("C-OPS", "alice", "IAM list-users").await;
    assert!(
        all_text(&out).contains("always-deny list"),
        "{}",
        all_text(&out)
    );
    assert!(
        button(&out, "dev").is_none(),
        "refused before the account question"
    );
}

#[tokio::test]
async fn the_account_is_asked_once_and_remembered() {
    let f = fixture();
    let out = f.say("C-OPS", "carol", "sqs list-queues").await;
    assert!(
        all_text(&out).contains("Which account"),
        "{}",
        all_text(&out)
    );
    let (msg, action, value) = button(&out, "prod").unwrap();
    let out = f.press("C-OPS", "carol", &msg, &action, &value).await;
    // prod assumes its role through moto's STS, in eu-west-1.
    assert!(
        all_text(&out).contains("account prod (210987654321) · region eu-west-1"),
        "{}",
        all_text(&out)
    );
    let state = f.store.channel_state("acme", "C-OPS").unwrap().unwrap();
    assert_eq!(
        state.default_account_at(f.now.load(std::sync::atomic::Ordering::SeqCst)),
        Some("prod")
    );
    let out = f.say("C-OPS", "dave", "sqs list-queues").await;
    assert!(!all_text(&out).contains("Which account"));
    // Seven days later it asks again.
    f.advance(7 * 86_400_000 + 1);
    let out = f.say("C-OPS", "dave", "sqs list-queues").await;
    assert!(all_text(&out).contains("Which account"));
    // set default-account offers the channel's accounts.
    let out = f.say("C-OPS", "dave", "@aws set default-account").await;
    let (msg, action, value) = button(&out, "dev").unwrap();
    let out = f.press("C-OPS", "dave", &msg, &action, &value).await;
    assert!(all_text(&out).contains("set this channel's account to *dev*"));
}

#[tokio::test]
async fn regions_per_command_and_remembered() {
    let f = fixture();
    let out = f
        .say("C-RO", "alice", "sqs list-queues --region eu-central-1")
        .await;
    assert!(all_text(&out).contains("region eu-central-1"));
    let out = f.say("C-RO", "alice", "sqs list-queues").await;
    assert!(
        all_text(&out).contains("region eu-central-1"),
        "the channel remembers: {}",
        all_text(&out)
    );
}

#[tokio::test]
async fn user_roles_are_required_chosen_and_shown() {
    let f = fixture();
    let out = f.say("C-ONCALL", "erin", "sqs list-queues").await;
    let text = all_text(&out);
    assert!(
        text.contains("you have not chosen one") && text.contains("switch-role"),
        "{text}"
    );
    let out = f.say("C-ONCALL", "erin", "@aws switch-role").await;
    let (msg, action, value) = button(&out, "readonly").unwrap();
    f.press("C-ONCALL", "erin", &msg, &action, &value).await;
    let out = f.say("C-ONCALL", "erin", "show-role").await;
    assert!(all_text(&out).contains("*readonly*"));
    let out = f.say("C-ONCALL", "erin", "sqs list-queues").await;
    assert!(
        all_text(&out).contains("role readonly"),
        "{}",
        all_text(&out)
    );
    // The read-only role cannot write even though the guardrail is AdministratorAccess.
    let out = f
        .say("C-ONCALL", "erin", "sqs create-queue --queue-name x")
        .await;
    assert!(
        all_text(&out).contains("role \"readonly\" does not allow sqs:CreateQueue"),
        "{}",
        all_text(&out)
    );
    let out = f.say("C-ONCALL", "erin", "switch-role admin").await;
    assert!(all_text(&out).contains("not a role this channel allows"));
    // Anyone may confirm in this channel.
    f.say("C-ONCALL", "erin", "switch-role operator").await;
    let out = f
        .say("C-ONCALL", "erin", "sqs create-queue --queue-name shared")
        .await;
    let (msg, action, value) = button(&out, "Run").unwrap();
    f.say("C-ONCALL", "frank", "switch-role operator").await;
    let out = f.press("C-ONCALL", "frank", &msg, &action, &value).await;
    assert!(
        all_text(&out).contains("Run by <@frank>"),
        "{}",
        all_text(&out)
    );
}

#[tokio::test]
async fn aliases_are_shared_and_ask_for_missing_variables() {
    let f = fixture();
    let out = f.say("C-RO", "alice", "@aws alias create qattr sqs get-queue-attributes --queue-url $url --attribute-names $names").await;
    assert!(
        all_text(&out).contains("created alias *qattr*"),
        "{}",
        all_text(&out)
    );
    let out = f.say("C-RO", "bob", "alias list").await;
    assert!(all_text(&out).contains("qattr"));
    let out = f
        .say("C-RO", "bob", "alias create qattr sqs list-queues")
        .await;
    assert!(all_text(&out).contains("exists"));
    // Missing variables are asked for, one at a time.
    let out = f.say("C-RO", "bob", "run qattr --names All").await;
    assert!(all_text(&out).contains("needs *url*"), "{}", all_text(&out));
    let out = f
        .say("C-RO", "bob", "url http://localhost/123456789012/none")
        .await;
    assert!(
        all_text(&out).contains("NonExistentQueue") || all_text(&out).contains("does not exist"),
        "{}",
        all_text(&out)
    );
    let out = f.say("C-RO", "bob", "run qattr a b c").await;
    assert!(all_text(&out).contains("takes 2 value(s)"));
    let out = f.say("C-RO", "alice", "alias delete qattr").await;
    assert!(all_text(&out).contains("deleted alias"));
    let out = f.say("C-RO", "alice", "run qattr x y").await;
    assert!(all_text(&out).contains("no alias"));
}

#[tokio::test]
async fn help_is_a_menu_and_service_help_comes_from_the_models() {
    let f = fixture();
    let out = f.say("C-OPS", "alice", "@aws help").await;
    let (msg, action, options) = menu(&out).unwrap();
    assert_eq!(options.len(), 5);
    let out = f.press("C-OPS", "alice", &msg, &action, "accounts").await;
    assert!(
        all_text(&out).contains("dev (123456789012, us-east-1); prod (210987654321, eu-west-1)")
    );
    let out = f.say("C-OPS", "alice", "@aws lambda --help").await;
    assert!(all_text(&out).contains("list-functions"));
}

#[tokio::test]
async fn long_results_are_cut_and_attached_and_pages_continue() {
    let f = fixture_with(Options {
        max_inline_chars: 120,
        ..Options::default()
    });
    for i in 0..4 {
        let out = f.say("C-ONCALL", "ops1", "switch-role operator").await;
        let _ = out;
        let out = f
            .say(
                "C-ONCALL",
                "ops1",
                &format!("sqs create-queue --queue-name queue-number-{i}"),
            )
            .await;
        let (msg, action, value) = button(&out, "Run").unwrap();
        f.press("C-ONCALL", "ops1", &msg, &action, &value).await;
    }
    let out = f.say("C-ONCALL", "ops1", "sqs list-queues").await;
    let m = posts(&out)[0];
    assert!(m
        .blocks
        .iter()
        .any(|b| matches!(b, Block::File { content, .. } if content.contains("queue-number-3"))));
    assert!(m.plain().contains("the whole result is attached"));
    let out = f
        .say("C-ONCALL", "ops1", "sqs list-queues --max-items 2")
        .await;
    let (msg, action, value) = button(&out, "Next page").expect("Next page");
    let out = f.press("C-ONCALL", "ops1", &msg, &action, &value).await;
    let text = all_text(&out);
    assert!(
        text.contains("queue-number-2") || text.contains("queue-number-3"),
        "{text}"
    );
}

#[tokio::test]
async fn pending_commands_expire() {
    let f = fixture();
    f.say("C-OPS", "alice", "set default-account dev").await;
    let out = f
        .say("C-OPS", "alice", "sqs create-queue --queue-name late")
        .await;
    let (msg, action, value) = button(&out, "Run").unwrap();
    f.advance(11 * 60_000);
    let swept = f.engine.sweep_expired().await;
    assert!(all_text(&swept).contains("Expired"), "{}", all_text(&swept));
    assert_eq!(updates(&swept)[0].0, msg);
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    assert!(all_text(&out).contains("expired"), "{}", all_text(&out));
}

#[tokio::test]
async fn support_case_is_a_form_then_a_confirmation() {
    let f = fixture();
    f.say("C-OPS", "alice", "set default-account dev").await;
    let out = f.say("C-OPS", "alice", "@aws support create-case").await;
    assert!(posts(&out)[0]
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Form { fields, .. } if fields.len() == 6)));
    let submit = |values: Vec<(&str, &str)>| {
        let values: Vec<(String, String)> = values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        engine::Inbound {
            workspace: "acme".into(),
            channel: "C-OPS".into(),
            thread: None,
            user: "alice".into(),
            user_name: None,
            event: engine::Event::Form {
                message: None,
                action: "support_case".into(),
                values,
            },
        }
    };
    let out = f.engine.handle_event(&submit(vec![("subject", "x")])).await;
    assert!(all_text(&out).contains("The case needs"));
    let out = f
        .engine
        .handle_event(&submit(vec![
            ("subject", "Disk full on web-1"),
            ("service-code", "amazon-elastic-compute-cloud-linux"),
            ("category-code", "other"),
            ("severity-code", "high"),
            (
                "communication-body",
                "The root volume is full.\nPlease help.",
            ),
            ("cc-email-addresses", "ops@example.com oncall@example.com"),
        ]))
        .await;
    let text = all_text(&out);
    assert!(
        text.contains("aws support create-case --subject 'Disk full on web-1'"),
        "{text}"
    );
    assert!(
        text.contains("--cc-email-addresses ops@example.com oncall@example.com"),
        "{text}"
    );
    assert!(button(&out, "Run").is_some());
}

#[tokio::test]
async fn a_restart_keeps_the_confirmation_and_runs_it_once() {
    let moto = testkit::Moto::start();
    let dir = std::env::temp_dir().join(format!("chatops-engine-restart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("state.db");
    let now = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(1_767_225_600_000));
    let open = || -> std::sync::Arc<dyn store::Store> {
        std::sync::Arc::new(store::SqliteStore::open(&db).unwrap())
    };
    let (msg, action, value) = {
        let e = engine_on(&moto.url, open(), Options::default(), now.clone());
        let ev = |text: &str| engine::Inbound {
            workspace: "acme".into(),
            channel: "C-OPS".into(),
            thread: None,
            user: "alice".into(),
            user_name: None,
            event: engine::Event::Text { text: text.into() },
        };
        e.handle_event(&ev("set default-account dev")).await;
        let out = e
            .handle_event(&ev("sqs create-queue --queue-name after-restart"))
            .await;
        button(&out, "Run").unwrap()
    }; // the engine is gone
    let e = engine_on(&moto.url, open(), Options::default(), now.clone());
    let press = engine::Inbound {
        workspace: "acme".into(),
        channel: "C-OPS".into(),
        thread: None,
        user: "alice".into(),
        user_name: None,
        event: engine::Event::Action {
            message: Some(msg.clone()),
            action: action.clone(),
            value: value.clone(),
        },
    };
    let out = e.handle_event(&press).await;
    assert!(all_text(&out).contains("QueueUrl"), "{}", all_text(&out));
    let again = engine_on(&moto.url, open(), Options::default(), now.clone());
    let out = again.handle_event(&press).await;
    assert!(all_text(&out).contains("already run"), "{}", all_text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn secrets_in_results_are_masked() {
    let f = fixture();
    let seed = std::process::Command::new(testkit::venv().join("bin/python"))
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/seed_demo.py"))
        .arg(&f.moto.url)
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let out = f
        .say(
            "C-RO",
            "alice",
            "@aws lambda get-function-configuration --function-name orders-api",
        )
        .await;
    let text = all_text(&out);
    assert!(text.contains("\"DB_PASSWORD\": \"********\""), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(text.contains("\"DB_USER\""), "other variables stay: {text}");
}
