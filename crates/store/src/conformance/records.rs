//! Conformance cases for channel state, users' roles, aliases, the audit log, event ids,
//! surface records and chat app installations.

use super::{sample_pending, unique_workspace, T0};
use crate::types::{Alias, AuditFilter, AuditOrder, AuditRecord, Waiting};
use crate::{Store, StoreError};
use std::sync::Barrier;

const DAY: i64 = 24 * 3600 * 1000;

/// Default account with its expiry, last region, per channel.
pub fn channel_state_rules(s: &dyn Store) {
    let ws = unique_workspace();
    assert_eq!(s.channel_state(&ws, "C1").unwrap(), None);
    s.set_default_account(&ws, "C1", "111111111111", T0 + 7 * DAY, T0)
        .unwrap();
    let st = s.channel_state(&ws, "C1").unwrap().expect("created");
    assert_eq!(st.default_account.as_deref(), Some("111111111111"));
    assert_eq!(st.default_account_expires_at, Some(T0 + 7 * DAY));
    assert_eq!(st.last_region, None);
    assert_eq!(
        st.default_account_at(T0 + 7 * DAY - 1),
        Some("111111111111")
    );
    assert_eq!(st.default_account_at(T0 + 7 * DAY), None);

    s.set_last_region(&ws, "C1", "us-east-2", T0 + 1).unwrap();
    s.set_last_region(&ws, "C2", "eu-north-1", T0 + 1).unwrap();
    let st = s.channel_state(&ws, "C1").unwrap().unwrap();
    assert_eq!(st.last_region.as_deref(), Some("us-east-2"));
    assert_eq!(
        st.default_account.as_deref(),
        Some("111111111111"),
        "region kept account"
    );
    assert_eq!(st.updated_at, T0 + 1);
    let c2 = s.channel_state(&ws, "C2").unwrap().unwrap();
    assert_eq!(
        (c2.default_account, c2.last_region.as_deref()),
        (None, Some("eu-north-1"))
    );

    s.set_default_account(&ws, "C1", "222222222222", T0 + 9 * DAY, T0 + 2)
        .unwrap();
    let st = s.channel_state(&ws, "C1").unwrap().unwrap();
    assert_eq!(st.default_account.as_deref(), Some("222222222222"));
    assert_eq!(
        st.last_region.as_deref(),
        Some("us-east-2"),
        "account kept region"
    );

    s.clear_default_account(&ws, "C1", T0 + 3).unwrap();
    let st = s.channel_state(&ws, "C1").unwrap().unwrap();
    assert_eq!(
        (st.default_account, st.default_account_expires_at),
        (None, None)
    );
    assert_eq!(st.last_region.as_deref(), Some("us-east-2"));
    s.clear_default_account(&ws, "C9", T0 + 3).unwrap();
    assert_eq!(s.channel_state(&ws, "C9").unwrap(), None);
    assert_eq!(s.channel_state(&unique_workspace(), "C1").unwrap(), None);
}

/// A user's chosen role per channel.
pub fn user_roles_rules(s: &dyn Store) {
    let ws = unique_workspace();
    assert_eq!(s.user_role(&ws, "C1", "U1").unwrap(), None);
    s.set_user_role(&ws, "C1", "U1", "arn:aws:iam::1:role/read", T0)
        .unwrap();
    s.set_user_role(&ws, "C2", "U1", "arn:aws:iam::1:role/ops", T0)
        .unwrap();
    assert_eq!(
        s.user_role(&ws, "C1", "U1").unwrap().as_deref(),
        Some("arn:aws:iam::1:role/read")
    );
    assert_eq!(s.user_role(&ws, "C1", "U2").unwrap(), None);
    s.set_user_role(&ws, "C1", "U1", "arn:aws:iam::1:role/ops", T0 + 1)
        .unwrap();
    assert_eq!(
        s.user_role(&ws, "C1", "U1").unwrap().as_deref(),
        Some("arn:aws:iam::1:role/ops")
    );
    assert!(s.clear_user_role(&ws, "C1", "U1").unwrap());
    assert!(!s.clear_user_role(&ws, "C1", "U1").unwrap());
    assert_eq!(s.user_role(&ws, "C1", "U1").unwrap(), None);
    assert!(
        s.user_role(&ws, "C2", "U1").unwrap().is_some(),
        "other channel kept"
    );
}

fn alias(ws: &str, channel: &str, name: &str, template: &str, at: i64) -> Alias {
    Alias {
        workspace: ws.to_string(),
        channel: channel.to_string(),
        name: name.to_string(),
        template: template.to_string(),
        created_by: "U1".to_string(),
        created_at: at,
    }
}

/// Create (refusing duplicates unless replacing), list sorted, get, delete, per channel.
pub fn alias_crud(s: &dyn Store) {
    let ws = unique_workspace();
    for (i, name) in ["restart", "Logs", "describe", "b-2", "b-10"]
        .iter()
        .enumerate()
    {
        let t = format!("ecs update-service --service ${name} --force-new-deployment");
        s.create_alias(&alias(&ws, "C1", name, &t, T0 + i as i64), false)
            .unwrap();
    }
    s.create_alias(&alias(&ws, "C2", "restart", "other channel", T0), false)
        .unwrap();
    let names: Vec<String> = s
        .list_aliases(&ws, "C1")
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    // Byte order: stable, and the same in every backend (PostgreSQL must use COLLATE "C").
    assert_eq!(names, ["Logs", "b-10", "b-2", "describe", "restart"]);

    let dup = alias(
        &ws,
        "C1",
        "restart",
        "lambda invoke --function-name $fn",
        T0 + 9,
    );
    match s.create_alias(&dup, false) {
        Err(StoreError::AliasExists { name }) => assert_eq!(name, "restart"),
        other => panic!("duplicate alias: {other:?}"),
    }
    let kept = s.alias(&ws, "C1", "restart").unwrap().unwrap();
    assert_eq!(kept.created_at, T0);
    s.create_alias(&dup, true).expect("replace");
    assert_eq!(s.alias(&ws, "C1", "restart").unwrap(), Some(dup));
    assert_eq!(
        s.alias(&ws, "C2", "restart").unwrap().unwrap().template,
        "other channel"
    );
    assert_eq!(s.alias(&ws, "C1", "nope").unwrap(), None);
    assert_eq!(
        s.alias(&ws, "C1", "RESTART").unwrap(),
        None,
        "names are exact"
    );

    assert!(s.delete_alias(&ws, "C1", "restart").unwrap());
    assert!(!s.delete_alias(&ws, "C1", "restart").unwrap());
    assert_eq!(s.list_aliases(&ws, "C1").unwrap().len(), 4);
    assert_eq!(s.list_aliases(&ws, "C2").unwrap().len(), 1);
    assert!(s.list_aliases(&ws, "C3").unwrap().is_empty());
}

fn record(ws: &str, time: i64, channel: &str, user: &str, outcome: &str) -> AuditRecord {
    AuditRecord {
        time,
        workspace: ws.to_string(),
        channel: channel.to_string(),
        user: user.to_string(),
        user_name: Some(format!("name of {user}")),
        account: Some("111111111111".into()),
        region: Some("us-east-1".into()),
        role: None,
        command: "ec2 describe-instances".into(),
        decision: "allowed".into(),
        reason: String::new(),
        outcome: outcome.to_string(),
        duration_ms: Some(time - T0),
    }
}

/// Filters by channel, user and time (since inclusive, until exclusive); ordering by time
/// then append order; limit from either end; records come back whole.
pub fn audit_filters_and_order(s: &dyn Store) {
    let ws = unique_workspace();
    // Appended out of time order, as replicas with slightly skewed clocks would.
    let rows = [
        (30, "C1", "U1", "ok"),
        (10, "C1", "U2", "AccessDenied"),
        (20, "C2", "U1", "timeout"),
        (20, "C1", "U1", "ok"),
        (40, "C1", "U1", "cancelled"),
    ];
    let mut ids = Vec::new();
    for (t, c, u, o) in rows {
        ids.push(s.append_audit(&record(&ws, T0 + t, c, u, o)).unwrap());
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
    let mut denied = record(&ws, T0 + 50, "C3", "U3", "refused");
    denied.decision = "explicitDeny".into();
    denied.reason = "denied by guardrail ops, statement DenyDelete".into();
    denied.account = None;
    denied.region = None;
    denied.role = Some("arn:aws:iam::1:role/r".into());
    denied.duration_ms = None;
    s.append_audit(&denied).unwrap();

    let q = |f: AuditFilter| -> Vec<(i64, String, String)> {
        s.query_audit(&AuditFilter {
            workspace: Some(ws.clone()),
            ..f
        })
        .unwrap()
        .into_iter()
        .map(|e| (e.record.time - T0, e.record.channel, e.record.outcome))
        .collect()
    };
    let all = q(AuditFilter::default());
    let times: Vec<i64> = all.iter().map(|r| r.0).collect();
    assert_eq!(times, [10, 20, 20, 30, 40, 50]);
    // Equal times keep append order.
    assert_eq!(all[1].1, "C2");
    assert_eq!(all[2].1, "C1");

    let c1 = q(AuditFilter {
        channel: Some("C1".into()),
        ..Default::default()
    });
    assert_eq!(c1.iter().map(|r| r.0).collect::<Vec<_>>(), [10, 20, 30, 40]);
    let u1_c1 = q(AuditFilter {
        channel: Some("C1".into()),
        user: Some("U1".into()),
        ..Default::default()
    });
    assert_eq!(u1_c1.iter().map(|r| r.0).collect::<Vec<_>>(), [20, 30, 40]);
    let window = q(AuditFilter {
        since: Some(T0 + 20),
        until: Some(T0 + 40),
        ..Default::default()
    });
    assert_eq!(window.iter().map(|r| r.0).collect::<Vec<_>>(), [20, 20, 30]);
    let newest2 = q(AuditFilter {
        limit: Some(2),
        order: AuditOrder::NewestFirst,
        ..Default::default()
    });
    assert_eq!(newest2.iter().map(|r| r.0).collect::<Vec<_>>(), [50, 40]);
    let oldest2 = q(AuditFilter {
        limit: Some(2),
        user: Some("U1".into()),
        ..Default::default()
    });
    assert_eq!(oldest2.iter().map(|r| r.0).collect::<Vec<_>>(), [20, 20]);
    assert!(q(AuditFilter {
        user: Some("nobody".into()),
        ..Default::default()
    })
    .is_empty());
    assert!(q(AuditFilter {
        limit: Some(0),
        ..Default::default()
    })
    .is_empty());

    let got = s
        .query_audit(&AuditFilter {
            workspace: Some(ws.clone()),
            channel: Some("C3".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].record, denied);
}

/// A Slack event delivered three times is processed once; pruning forgets old ids only.
pub fn event_ids_idempotent(s: &dyn Store) {
    let ws = unique_workspace();
    let ev = |n: u32| format!("{ws}-Ev{n}");
    assert!(s.mark_event(&ev(1), T0).unwrap());
    assert!(!s.mark_event(&ev(1), T0 + 1).unwrap());
    assert!(!s.mark_event(&ev(1), T0 + 2).unwrap());
    assert!(s.mark_event(&ev(2), T0 + 100).unwrap());
    assert_eq!(
        s.prune_events(T0 + 1).unwrap(),
        1,
        "only ev1 was first seen before"
    );
    assert!(!s.mark_event(&ev(2), T0 + 101).unwrap(), "ev2 kept");
    assert!(
        s.mark_event(&ev(1), T0 + 102).unwrap(),
        "pruned ids are new again"
    );
    // A pending command is unaffected by event pruning (separate tables, same store).
    let p = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    s.prune_events(i64::MAX).unwrap();
    assert!(s.get_pending(&p.id).unwrap().is_some());
}

/// The same event arriving on many threads (or replicas) at once: exactly one `true`.
pub fn event_ids_concurrent(s: &dyn Store) {
    const THREADS: usize = 12;
    let ws = unique_workspace();
    for round in 0..10 {
        let id = format!("{ws}-Ev{round}");
        let barrier = Barrier::new(THREADS);
        let firsts = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..THREADS)
                .map(|_| {
                    let (id, barrier) = (&id, &barrier);
                    sc.spawn(move || {
                        barrier.wait();
                        s.mark_event(id, T0).expect("mark")
                    })
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().expect("thread"))
                .filter(|first| *first)
                .count()
        });
        assert_eq!(firsts, 1, "round {round}");
    }
}

/// A claim given back (the work it guarded failed) can be taken again, once; forgetting an
/// id never marked says so and touches nothing else.
pub fn event_ids_forget(s: &dyn Store) {
    let ws = unique_workspace();
    let ev = |n: u32| format!("{ws}-Ev{n}");
    assert!(!s.forget_event(&ev(1)).unwrap(), "never marked");
    assert!(s.mark_event(&ev(1), T0).unwrap());
    assert!(s.mark_event(&ev(2), T0).unwrap());
    assert!(s.forget_event(&ev(1)).unwrap());
    assert!(!s.forget_event(&ev(1)).unwrap(), "already forgotten");
    assert!(s.mark_event(&ev(1), T0 + 1).unwrap(), "claimable again");
    assert!(!s.mark_event(&ev(1), T0 + 2).unwrap(), "and then taken");
    assert!(
        !s.mark_event(&ev(2), T0 + 2).unwrap(),
        "the other id is untouched"
    );
}

/// Deleting one surface record, and pruning one kind: only what was named goes.
pub fn surface_records_delete(s: &dyn Store) {
    let kind = format!("d-{}", unique_workspace());
    let other = format!("{kind}-other");
    assert!(!s.delete_surface(&kind, "a").unwrap(), "nothing to delete");
    s.put_surface(&kind, "a", "1", T0).unwrap();
    s.put_surface(&kind, "b", "2", T0).unwrap();
    s.put_surface(&other, "a", "x", T0).unwrap();
    assert!(s.delete_surface(&kind, "a").unwrap());
    assert_eq!(s.get_surface(&kind, "a").unwrap(), None);
    assert!(!s.delete_surface(&kind, "a").unwrap(), "already gone");
    assert_eq!(s.get_surface(&kind, "b").unwrap().as_deref(), Some("2"));
    assert_eq!(s.get_surface(&other, "a").unwrap().as_deref(), Some("x"));
    s.put_surface(&kind, "c", "3", T0 + 10).unwrap();
    s.put_surface(&other, "old", "y", T0).unwrap();
    assert_eq!(s.prune_surface_kind(&kind, T0 + 5).unwrap(), 1, "only b");
    assert_eq!(s.get_surface(&kind, "b").unwrap(), None);
    assert_eq!(s.get_surface(&kind, "c").unwrap().as_deref(), Some("3"));
    assert_eq!(
        s.get_surface(&other, "old").unwrap().as_deref(),
        Some("y"),
        "another kind is untouched"
    );
}

/// Taking surface records: oldest written first, at most `limit`, only the kind asked for,
/// each record returned by exactly one call even when many race.
pub fn surface_records_take(s: &dyn Store) {
    let kind = format!("q-{}", unique_workspace());
    let other = format!("{kind}-other");
    assert!(s.take_surface(&kind, 10).unwrap().is_empty());
    s.put_surface(&kind, "b", "2", T0 + 2).unwrap();
    s.put_surface(&kind, "a", "1", T0 + 1).unwrap();
    s.put_surface(&kind, "c", "3", T0 + 3).unwrap();
    s.put_surface(&other, "a", "x", T0).unwrap();
    assert_eq!(
        s.take_surface(&kind, 2).unwrap(),
        vec![("a".to_string(), "1".to_string()), ("b".into(), "2".into())]
    );
    assert_eq!(s.get_surface(&kind, "a").unwrap(), None, "taken means gone");
    assert_eq!(
        s.take_surface(&kind, 10).unwrap(),
        vec![("c".to_string(), "3".to_string())]
    );
    assert!(s.take_surface(&kind, 10).unwrap().is_empty());
    assert_eq!(s.get_surface(&other, "a").unwrap().as_deref(), Some("x"));
    // Racing takers: every record comes out exactly once.
    const THREADS: usize = 8;
    for n in 0..40 {
        s.put_surface(&kind, &format!("k{n:02}"), "v", T0 + n)
            .unwrap();
    }
    let barrier = Barrier::new(THREADS);
    let mut all: Vec<String> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..THREADS)
            .map(|_| {
                let (kind, barrier) = (&kind, &barrier);
                sc.spawn(move || {
                    barrier.wait();
                    let mut got = Vec::new();
                    loop {
                        let batch = s.take_surface(kind, 3).expect("take");
                        if batch.is_empty() {
                            return got;
                        }
                        got.extend(batch.into_iter().map(|(k, _)| k));
                    }
                })
            })
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    all.sort();
    let want: Vec<String> = (0..40).map(|n| format!("k{n:02}")).collect();
    assert_eq!(all, want);
}

/// Everything but expired state survives closing and reopening the database.
pub fn reopen_keeps_everything(open: &dyn Fn() -> Box<dyn Store>) {
    let ws = unique_workspace();
    {
        let s = open();
        s.set_default_account(&ws, "C1", "111111111111", T0 + DAY, T0)
            .unwrap();
        s.set_last_region(&ws, "C1", "ap-south-1", T0).unwrap();
        s.set_user_role(&ws, "C1", "U1", "arn:aws:iam::1:role/r", T0)
            .unwrap();
        s.create_alias(&alias(&ws, "C1", "ls", "s3 ls", T0), false)
            .unwrap();
        s.append_audit(&record(&ws, T0, "C1", "U1", "ok")).unwrap();
        assert!(s.mark_event(&format!("{ws}-Ev1"), T0).unwrap());
    }
    let s = open();
    let st = s
        .channel_state(&ws, "C1")
        .unwrap()
        .expect("channel state kept");
    assert_eq!(st.default_account.as_deref(), Some("111111111111"));
    assert_eq!(st.last_region.as_deref(), Some("ap-south-1"));
    assert!(s.user_role(&ws, "C1", "U1").unwrap().is_some());
    assert!(s.alias(&ws, "C1", "ls").unwrap().is_some());
    let audit = s
        .query_audit(&AuditFilter {
            workspace: Some(ws.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        !s.mark_event(&format!("{ws}-Ev1"), T0 + 1).unwrap(),
        "event ids kept"
    );
}

/// Surface records: put replaces, kinds are separate namespaces, values are kept byte for
/// byte, pruning forgets only records last written before the cut.
pub fn surface_records_rules(s: &dyn Store) {
    let ws = unique_workspace();
    let key = |n: u32| format!("{ws}-m{n}");
    assert_eq!(s.get_surface("slack.message", &key(1)).unwrap(), None);
    s.put_surface("slack.message", &key(1), r#"{"c":"C1","ts":"1.2"}"#, T0)
        .unwrap();
    assert_eq!(
        s.get_surface("slack.message", &key(1)).unwrap().as_deref(),
        Some(r#"{"c":"C1","ts":"1.2"}"#)
    );
    // Another kind under the same key is another record.
    assert_eq!(s.get_surface("slack.modal", &key(1)).unwrap(), None);
    s.put_surface("slack.modal", &key(1), "\"view\"", T0)
        .unwrap();
    // Replacing updates value and time.
    s.put_surface(
        "slack.message",
        &key(1),
        r#"{"c":"C1","ts":"9.9"}"#,
        T0 + 100,
    )
    .unwrap();
    assert_eq!(
        s.get_surface("slack.message", &key(1)).unwrap().as_deref(),
        Some(r#"{"c":"C1","ts":"9.9"}"#)
    );
    let odd = "ünïcode \u{0} ' \" \\ 🚀".repeat(500);
    s.put_surface("slack.handle", &key(2), &odd, T0 + 50)
        .unwrap();
    assert_eq!(
        s.get_surface("slack.handle", &key(2)).unwrap().as_deref(),
        Some(odd.as_str())
    );
    // Prune before T0 + 60: the modal (T0) and the handle (T0 + 50) go, the replaced
    // message (T0 + 100) stays.
    assert_eq!(s.prune_surface(T0 + 60).unwrap(), 2);
    assert_eq!(s.get_surface("slack.modal", &key(1)).unwrap(), None);
    assert_eq!(s.get_surface("slack.handle", &key(2)).unwrap(), None);
    assert!(s.get_surface("slack.message", &key(1)).unwrap().is_some());
    // Other tables are untouched by surface pruning.
    assert!(s.mark_event(&key(3), T0).unwrap());
    s.prune_surface(i64::MAX).unwrap();
    assert!(!s.mark_event(&key(3), T0 + 1).unwrap());
    assert_eq!(s.get_surface("slack.message", &key(1)).unwrap(), None);
}

/// Surface records survive closing and reopening the database.
pub fn surface_records_survive_reopen(open: &dyn Fn() -> Box<dyn Store>) {
    let ws = unique_workspace();
    open()
        .put_surface("slack.message", &ws, r#"{"c":"C1","ts":"1.2"}"#, T0)
        .unwrap();
    assert_eq!(
        open().get_surface("slack.message", &ws).unwrap().as_deref(),
        Some(r#"{"c":"C1","ts":"1.2"}"#)
    );
}

/// Installations: put replaces, surfaces are separate namespaces, sealed records are kept
/// byte for byte, the list is sorted and per surface, delete says whether there was one, and
/// no pruning ever forgets an installation.
pub fn installations_rules(s: &dyn Store) {
    // A surface name of its own, so a shared database's other rows never show in the list.
    let slack = format!("slack-{}", unique_workspace());
    let teams = format!("teams-{}", unique_workspace());
    assert_eq!(s.get_installation(&slack, "T1").unwrap(), None);
    assert!(s.list_installations(&slack).unwrap().is_empty());
    assert!(!s.delete_installation(&slack, "T1").unwrap());

    s.put_installation(&slack, "T2", "v1.VDI.bm9uY2U.c2VhbGVk", T0)
        .unwrap();
    s.put_installation(&slack, "T1", "v1.VDE.bm9uY2U.b2xk", T0)
        .unwrap();
    assert_eq!(
        s.get_installation(&slack, "T1").unwrap().as_deref(),
        Some("v1.VDE.bm9uY2U.b2xk")
    );
    // Replacing keeps one record per team.
    s.put_installation(&slack, "T1", "v1.VDE.bm9uY2U.bmV3", T0 + 10)
        .unwrap();
    assert_eq!(
        s.get_installation(&slack, "T1").unwrap().as_deref(),
        Some("v1.VDE.bm9uY2U.bmV3")
    );
    assert_eq!(s.list_installations(&slack).unwrap(), ["T1", "T2"]);
    // Another surface under the same team id is another installation.
    assert_eq!(s.get_installation(&teams, "T1").unwrap(), None);
    s.put_installation(&teams, "T1", "other", T0).unwrap();
    assert_eq!(s.list_installations(&teams).unwrap(), ["T1"]);
    assert_eq!(
        s.get_installation(&slack, "T1").unwrap().as_deref(),
        Some("v1.VDE.bm9uY2U.bmV3")
    );
    // Whatever the surface sealed comes back unchanged.
    let odd = "ünïcode \u{0} ' \" \\ 🚀".repeat(500);
    s.put_installation(&slack, "T3", &odd, T0).unwrap();
    assert_eq!(
        s.get_installation(&slack, "T3").unwrap().as_deref(),
        Some(odd.as_str())
    );
    // Pruning surface records, however late the cut, leaves installations alone (they are
    // not short-lived records: a pruned one would silently uninstall the app).
    s.prune_surface(i64::MAX).unwrap();
    assert_eq!(s.list_installations(&slack).unwrap(), ["T1", "T2", "T3"]);
    // Delete: once true, then false; other teams and surfaces stay.
    assert!(s.delete_installation(&slack, "T1").unwrap());
    assert!(!s.delete_installation(&slack, "T1").unwrap());
    assert_eq!(s.get_installation(&slack, "T1").unwrap(), None);
    assert_eq!(s.list_installations(&slack).unwrap(), ["T2", "T3"]);
    assert_eq!(
        s.get_installation(&teams, "T1").unwrap().as_deref(),
        Some("other")
    );
}

/// Installations survive closing and reopening the database.
pub fn installations_survive_reopen(open: &dyn Fn() -> Box<dyn Store>) {
    let slack = format!("slack-{}", unique_workspace());
    open()
        .put_installation(&slack, "T1", "v1.VDE.bm9uY2U.c2VhbGVk", T0)
        .unwrap();
    let again = open();
    assert_eq!(
        again.get_installation(&slack, "T1").unwrap().as_deref(),
        Some("v1.VDE.bm9uY2U.c2VhbGVk")
    );
    assert_eq!(again.list_installations(&slack).unwrap(), ["T1"]);
}
