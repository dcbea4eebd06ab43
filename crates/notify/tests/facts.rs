//! What routing, mutes and threads see of each fixture: `facts()`, `thread_key()`,
//! `summary()`, `own_id()` and the headline.

use notify::message::{parse, Notification};
use notify::render::headline;
use notify::{Facts, Severity};

fn fixture(name: &str) -> Notification {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let raw = std::fs::read_to_string(&path).expect("fixture");
    match parse(&raw, None) {
        Ok(n) => n,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn facts(name: &str) -> Facts {
    fixture(name).facts()
}

#[test]
fn alarms() {
    let n = fixture("alarm_alarm.json");
    assert_eq!(
        n.facts(),
        Facts {
            source: "cloudwatch.alarm".into(),
            detail_type: None,
            name: Some("checkout-api-5xx".into()),
            state: Some("ALARM".into()),
            account: Some("111122223333".into()),
            region: Some("us-east-1".into()),
            severity: None,
        }
    );
    assert_eq!(
        n.thread_key().as_deref(),
        Some("arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-api-5xx")
    );
    assert_eq!(headline(&n).plain(), "*🔴 ALARM checkout-api-5xx*");
    assert_eq!(
        headline(&fixture("alarm_ok.json")).plain(),
        "*🟢 OK checkout-api-latency-p99*"
    );
    let old = fixture("alarm_old_format.json");
    assert_eq!(old.facts().region.as_deref(), Some("us-west-2"));
    assert!(headline(&old).plain().starts_with("*⚪ INSUFFICIENT_DATA"));
    assert_eq!(n.summary(), None);
    assert_eq!(n.own_id(), None);
}

#[test]
fn alarm_conditions() {
    use notify::render::render;
    let meta = notify::render::Meta::default();
    let text = |f: &str| render(&fixture(f), &meta).plain();
    assert!(text("alarm_alarm.json").contains("`Sum > 1 for 2 of 3 × 60 s`"));
    assert!(text("alarm_alarm.json").contains("`FunctionName=checkout-api, Resource=live`"));
    assert!(text("alarm_ok.json").contains("`p99 ≥ 800 for 1 of 1 × 300 s`"));
    assert!(
        text("alarm_anomaly.json").contains("`m1 outside the band (width 2) for 1 of 1 × 300 s`")
    );
    assert!(text("alarm_metric_math.json").contains("`error rate % > 5 for 3 of 3 × 60 s`"));
    let composite = text("alarm_composite.json");
    assert!(composite.contains("`db-cpu-high`"), "{composite}");
    assert!(composite.contains("`api-5xx`"), "{composite}");
    assert!(
        !composite.contains("`api-latency`"),
        "only three children: {composite}"
    );
    assert!(composite.contains("+2 more"), "{composite}");
    let old = text("alarm_old_format.json");
    assert!(old.contains("`missing`"), "{old}");
    assert!(old.contains("`Maximum ≥ 100 for 2 of 2 × 300 s`"), "{old}");
}

#[test]
fn findings_carry_severity_and_thread() {
    let g = fixture("guardduty.json");
    assert_eq!(g.facts().severity, Some(Severity::High));
    assert_eq!(
        g.thread_key().as_deref(),
        Some("4ec9a1d2f0b8e7c6a5b4c3d2e1f0a9b8")
    );
    assert_eq!(
        g.own_id().as_deref(),
        Some("7f0c2b9e-5a41-4d7b-9c1e-2f3a4b5c6d7e")
    );
    let s = fixture("securityhub.json");
    assert_eq!(s.facts().severity, Some(Severity::Critical));
    assert_eq!(s.thread_key(), None, "two findings share no single thread");
    assert_eq!(s.facts().source, "aws.securityhub");
    let h = fixture("health.json");
    assert_eq!(h.facts().state.as_deref(), Some("open"));
    assert_eq!(h.facts().severity, Some(Severity::High));
    assert!(h
        .thread_key()
        .is_some_and(|k| k.starts_with("arn:aws:health:")));
}

#[test]
fn operations() {
    let cf = facts("cloudformation_event.json");
    assert_eq!(cf.name.as_deref(), Some("shop-web"));
    assert_eq!(cf.state.as_deref(), Some("UPDATE_ROLLBACK_IN_PROGRESS"));
    let sns = fixture("cloudformation_sns.txt");
    assert_eq!(sns.facts().source, "cloudformation");
    assert_eq!(sns.facts().region.as_deref(), Some("eu-west-1"));
    assert_eq!(sns.facts().state.as_deref(), Some("CREATE_FAILED"));
    assert!(sns
        .thread_key()
        .is_some_and(|k| k.contains(":stack/shop-db/")));
    assert_eq!(
        facts("ecs_task_stopped.json").name.as_deref(),
        Some("checkout-worker:42")
    );
    let dep = fixture("ecs_deployment.json");
    assert_eq!(
        dep.thread_key().as_deref(),
        Some("ecs-svc/4715203376182934871")
    );
    assert!(headline(&dep)
        .plain()
        .starts_with("*🔴 ECS deployment FAILED: checkout-web"));
    assert_eq!(facts("ssm_command.json").state.as_deref(), Some("Failed"));
    let b = facts("budgets.txt");
    assert_eq!(
        (b.source.as_str(), b.name.as_deref()),
        ("budgets", Some("shop-monthly"))
    );
    assert_eq!(
        facts("generic_event.json").name.as_deref(),
        Some("EC2 Instance State-change Notification")
    );
}

#[test]
fn custom_notifications() {
    let full = fixture("custom_full.json");
    assert_eq!(full.thread_key().as_deref(), Some("deploy-checkout"));
    assert_eq!(full.summary().as_deref(), Some("Deploys of checkout"));
    assert_eq!(full.own_id().as_deref(), Some("deploy-2025-03-01-1042"));
    assert_eq!(full.facts().detail_type.as_deref(), Some("DeployFinished"));
    let min = fixture("custom_minimal.json");
    assert_eq!(
        (min.thread_key(), min.summary(), min.own_id()),
        (None, None, None)
    );
    let wrapped = fixture("custom_wrapped.json");
    assert_eq!(wrapped.own_id().as_deref(), Some("wrapped-1"));
}
