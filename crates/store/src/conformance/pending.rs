//! Conformance cases for pending commands: the life cycle, the state machine's guards,
//! expiry and pruning.

use super::{sample_pending, unique_workspace, LIFETIME, T0};
use crate::types::{PendingState, PendingUpdate, Transition, Waiting};
use crate::{Store, StoreError};
use serde_json::json;

fn awaiting_input(p: &str) -> Waiting {
    Waiting::AwaitingInput {
        parameter: p.to_string(),
    }
}

/// Create, read back, attach the prompt message, list per (channel, user).
pub fn pending_create_get_list(s: &dyn Store) {
    let ws = unique_workspace();
    let a = s
        .create_pending(&sample_pending(&ws, "U1", awaiting_input("payload"), T0))
        .expect("create");
    assert!(a.id.len() >= 32, "id too short to be unguessable: {}", a.id);
    assert_eq!(
        a.state,
        PendingState::AwaitingInput {
            parameter: "payload".into()
        }
    );
    assert_eq!(
        (a.created_at, a.updated_at, a.expires_at),
        (T0, T0, T0 + LIFETIME)
    );
    assert_eq!(a.thread.as_deref(), Some("1712345678.000100"));
    assert_eq!((a.acted_by.as_deref(), a.outcome.as_deref()), (None, None));
    assert_eq!(s.get_pending(&a.id).unwrap(), Some(a.clone()));
    assert_eq!(s.get_pending("pnope").unwrap(), None);

    assert!(s.set_pending_message(&a.id, "msg-42", T0 + 1).unwrap());
    assert!(!s.set_pending_message("pnope", "msg-42", T0 + 1).unwrap());
    let a = s.get_pending(&a.id).unwrap().expect("still there");
    assert_eq!(
        (a.message_id.as_deref(), a.updated_at),
        (Some("msg-42"), T0 + 1)
    );

    let b = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            Waiting::AwaitingConfirmation,
            T0 + 5,
        ))
        .unwrap();
    let mut other_channel = sample_pending(&ws, "U1", Waiting::AwaitingConfirmation, T0);
    other_channel.channel = "C2".into();
    s.create_pending(&other_channel).unwrap();
    s.create_pending(&sample_pending(
        &ws,
        "U2",
        Waiting::AwaitingConfirmation,
        T0,
    ))
    .unwrap();
    let short = sample_pending(&ws, "U1", Waiting::AwaitingConfirmation, T0);
    let short = s
        .create_pending(&crate::NewPending {
            expires_at: T0 + 10,
            ..short
        })
        .unwrap();
    assert_ne!(a.id, b.id);

    let ids = |now| -> Vec<String> {
        s.list_pending(&ws, "C1", "U1", now)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    // Oldest first (`a` and `short` share created_at, so by id); other channels and users
    // excluded; expired-by-time excluded.
    let mut first_two = [a.id.clone(), short.id.clone()];
    first_two.sort();
    assert_eq!(
        ids(T0 + 6),
        [&first_two[..], std::slice::from_ref(&b.id)].concat()
    );
    assert_eq!(ids(T0 + 10), vec![a.id.clone(), b.id.clone()]);
    // Running commands are not "pending" for the user any more.
    assert!(matches!(
        s.claim_for_run(&b.id, "U1", T0 + 11).unwrap(),
        Transition::Applied(_)
    ));
    assert_eq!(ids(T0 + 12), vec![a.id.clone()]);
}

/// Filling parameters one at a time, then asking for confirmation; the guard on state.
pub fn pending_update_fills_parameters(s: &dyn Store) {
    let ws = unique_workspace();
    let c = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            awaiting_input("function-name"),
            T0,
        ))
        .unwrap();
    let mut u = PendingUpdate::from(&c);
    u.call = json!({"service": "lambda", "operation": "Invoke",
                    "params": {"FunctionName": "f2"}});
    u.command_text = "lambda invoke --function-name f2".into();
    u.waiting = awaiting_input("payload");
    u.message_id = Some("m2".into());
    let c2 = s
        .update_pending(&c.id, &u, T0 + 100)
        .unwrap()
        .applied()
        .expect("update applies while waiting");
    assert_eq!(
        c2.state,
        PendingState::AwaitingInput {
            parameter: "payload".into()
        }
    );
    assert_eq!(c2.call["params"]["FunctionName"], "f2");
    assert_eq!(
        (c2.updated_at, c2.message_id.as_deref()),
        (T0 + 100, Some("m2"))
    );
    assert_eq!(c2.created_at, T0);

    let mut u = PendingUpdate::from(&c2);
    u.waiting = Waiting::AwaitingConfirmation;
    u.role = Some("arn:aws:iam::111111111111:role/ops".into());
    u.expires_at = T0 + 200 + LIFETIME;
    let c3 = s
        .update_pending(&c.id, &u, T0 + 200)
        .unwrap()
        .applied()
        .unwrap();
    assert_eq!(c3.state, PendingState::AwaitingConfirmation);
    assert_eq!(c3.expires_at, T0 + 200 + LIFETIME);
    assert_eq!(s.get_pending(&c.id).unwrap(), Some(c3.clone()));

    // Once claimed, answers no longer change it.
    s.claim_for_run(&c.id, "U1", T0 + 300)
        .unwrap()
        .applied()
        .unwrap();
    match s.update_pending(&c.id, &u, T0 + 301).unwrap() {
        Transition::AlreadyTaken { state, by, at } => {
            assert_eq!(state, PendingState::Running);
            assert_eq!((by.as_deref(), at), (Some("U1"), Some(T0 + 300)));
        }
        other => panic!("update after claim: {other:?}"),
    }
    assert_eq!(
        s.update_pending("pnope", &u, T0).unwrap(),
        Transition::NotFound
    );
}

/// Run once, then every later press, finish and misuse are told what happened.
pub fn claim_once_sequential(s: &dyn Store) {
    let ws = unique_workspace();
    let c = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    let run = s
        .claim_for_run(&c.id, "U7", T0 + 1)
        .unwrap()
        .applied()
        .expect("first claim");
    assert_eq!(run.state, PendingState::Running);
    assert_eq!(
        (run.acted_by.as_deref(), run.acted_at),
        (Some("U7"), Some(T0 + 1))
    );
    let taken = Transition::AlreadyTaken {
        state: PendingState::Running,
        by: Some("U7".into()),
        at: Some(T0 + 1),
    };
    assert_eq!(s.claim_for_run(&c.id, "U1", T0 + 2).unwrap(), taken);
    assert_eq!(s.cancel(&c.id, "U1", T0 + 2).unwrap(), taken);
    // Past its expiry a running command is still running, not expired.
    assert_eq!(
        s.claim_for_run(&c.id, "U1", T0 + 2 * LIFETIME).unwrap(),
        taken
    );
    assert!(s.expire_due(T0 + 2 * LIFETIME).unwrap().is_empty());

    s.finish(&c.id, "ok", T0 + 50).expect("finish");
    let done = s.get_pending(&c.id).unwrap().unwrap();
    assert_eq!(done.state, PendingState::Done);
    assert_eq!(
        (done.outcome.as_deref(), done.finished_at),
        (Some("ok"), Some(T0 + 50))
    );
    assert_eq!(
        (done.acted_by.as_deref(), done.acted_at),
        (Some("U7"), Some(T0 + 1))
    );
    assert_eq!(
        s.claim_for_run(&c.id, "U1", T0 + 60).unwrap(),
        Transition::AlreadyTaken {
            state: PendingState::Done,
            by: Some("U7".into()),
            at: Some(T0 + 1)
        }
    );
    match s.finish(&c.id, "ok", T0 + 61) {
        Err(StoreError::NotRunning { state, .. }) => assert_eq!(state, "done"),
        other => panic!("double finish: {other:?}"),
    }
    assert!(matches!(
        s.finish("pnope", "ok", T0),
        Err(StoreError::PendingNotFound { .. })
    ));
    assert_eq!(
        s.claim_for_run("pnope", "U1", T0).unwrap(),
        Transition::NotFound
    );
    assert_eq!(s.cancel("pnope", "U1", T0).unwrap(), Transition::NotFound);

    // A command still missing a parameter cannot be run, nor finished.
    let waiting = s
        .create_pending(&sample_pending(&ws, "U1", awaiting_input("payload"), T0))
        .unwrap();
    assert_eq!(
        s.claim_for_run(&waiting.id, "U1", T0 + 1).unwrap(),
        Transition::AlreadyTaken {
            state: PendingState::AwaitingInput {
                parameter: "payload".into()
            },
            by: None,
            at: None
        }
    );
    assert!(matches!(
        s.finish(&waiting.id, "ok", T0 + 1),
        Err(StoreError::NotRunning { .. })
    ));
}

/// Expiry is checked at the moment of the press; `expires_at` itself is already too late.
pub fn claim_after_expiry(s: &dyn Store) {
    let ws = unique_workspace();
    let c = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    let at = c.expires_at;
    assert_eq!(
        s.claim_for_run(&c.id, "U1", at).unwrap(),
        Transition::Expired
    );
    assert_eq!(s.cancel(&c.id, "U1", at + 1).unwrap(), Transition::Expired);
    let u = PendingUpdate::from(&c);
    assert_eq!(
        s.update_pending(&c.id, &u, at).unwrap(),
        Transition::Expired
    );
    // Refused presses change nothing; the expiry sweep then marks it.
    assert_eq!(
        s.get_pending(&c.id).unwrap().unwrap().state,
        PendingState::AwaitingConfirmation
    );
    let swept = s.expire_due(at).unwrap();
    assert_eq!(swept.len(), 1);
    assert_eq!(swept[0].state, PendingState::Expired);
    assert_eq!(
        s.claim_for_run(&c.id, "U1", at + 5).unwrap(),
        Transition::Expired
    );
    // One millisecond before expiry it would still have run.
    let d = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    assert!(s
        .claim_for_run(&d.id, "U1", d.expires_at - 1)
        .unwrap()
        .applied()
        .is_some());
}

/// Cancel works from either waiting state, records who, and ends the command.
pub fn cancel_rules(s: &dyn Store) {
    let ws = unique_workspace();
    let c = s
        .create_pending(&sample_pending(&ws, "U1", awaiting_input("payload"), T0))
        .unwrap();
    let x = s
        .cancel(&c.id, "U1", T0 + 3)
        .unwrap()
        .applied()
        .expect("cancel");
    assert_eq!(x.state, PendingState::Cancelled);
    assert_eq!(
        (x.acted_by.as_deref(), x.acted_at),
        (Some("U1"), Some(T0 + 3))
    );
    let taken = Transition::AlreadyTaken {
        state: PendingState::Cancelled,
        by: Some("U1".into()),
        at: Some(T0 + 3),
    };
    assert_eq!(s.claim_for_run(&c.id, "U2", T0 + 4).unwrap(), taken);
    assert_eq!(s.cancel(&c.id, "U2", T0 + 4).unwrap(), taken);
    assert_eq!(
        s.update_pending(&c.id, &PendingUpdate::from(&c), T0 + 4)
            .unwrap(),
        taken
    );
    assert!(s.list_pending(&ws, "C1", "U1", T0 + 5).unwrap().is_empty());
    assert!(s.expire_due(T0 + 2 * LIFETIME).unwrap().is_empty());

    let d = s
        .create_pending(&sample_pending(
            &ws,
            "U1",
            Waiting::AwaitingConfirmation,
            T0,
        ))
        .unwrap();
    assert!(s.cancel(&d.id, "U9", T0 + 1).unwrap().applied().is_some());
}

/// The sweep marks only waiting, due commands, and returns each exactly once.
pub fn expire_due_returns_each_once(s: &dyn Store) {
    let ws = unique_workspace();
    let mk = |w: Waiting, created: i64, expires: i64| {
        let n = sample_pending(&ws, "U1", w, created);
        s.create_pending(&crate::NewPending {
            expires_at: expires,
            ..n
        })
        .unwrap()
    };
    let a = mk(awaiting_input("payload"), T0, T0 + 100);
    let b = mk(Waiting::AwaitingConfirmation, T0 + 1, T0 + 200);
    let c = mk(Waiting::AwaitingConfirmation, T0 + 2, T0 + 300);
    let running = mk(Waiting::AwaitingConfirmation, T0 + 3, T0 + 100);
    s.claim_for_run(&running.id, "U1", T0 + 50)
        .unwrap()
        .applied()
        .unwrap();

    assert!(s.expire_due(T0 + 99).unwrap().is_empty());
    let first: Vec<_> = s.expire_due(T0 + 200).unwrap();
    let ids: Vec<&str> = first.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [a.id.as_str(), b.id.as_str()]);
    assert!(first.iter().all(|c| c.state == PendingState::Expired));
    assert!(first.iter().all(|c| c.updated_at == T0 + 200));
    assert!(s.expire_due(T0 + 200).unwrap().is_empty());
    let second = s.expire_due(T0 + 10_000).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].id, c.id);
    assert_eq!(
        s.get_pending(&running.id).unwrap().unwrap().state,
        PendingState::Running
    );
    // The expired one still carries what the engine needs to update its message.
    assert_eq!(second[0].workspace, ws);
    assert_eq!(second[0].channel, "C1");
}

/// Pruning drops old finished commands and never a waiting or running one.
pub fn prune_pending_keeps_live(s: &dyn Store) {
    let ws = unique_workspace();
    let new = |w| s.create_pending(&sample_pending(&ws, "U1", w, T0)).unwrap();
    let done = new(Waiting::AwaitingConfirmation);
    s.claim_for_run(&done.id, "U1", T0 + 1)
        .unwrap()
        .applied()
        .unwrap();
    s.finish(&done.id, "ok", T0 + 2).unwrap();
    let cancelled = new(Waiting::AwaitingConfirmation);
    s.cancel(&cancelled.id, "U1", T0 + 3)
        .unwrap()
        .applied()
        .unwrap();
    let running = new(Waiting::AwaitingConfirmation);
    s.claim_for_run(&running.id, "U1", T0 + 1)
        .unwrap()
        .applied()
        .unwrap();
    let waiting = new(awaiting_input("payload"));

    assert_eq!(s.prune_pending(T0 + 2).unwrap(), 0);
    assert_eq!(s.prune_pending(T0 + 3).unwrap(), 1);
    assert_eq!(s.get_pending(&done.id).unwrap(), None);
    assert_eq!(s.prune_pending(T0 + 100 * LIFETIME).unwrap(), 1);
    assert_eq!(s.get_pending(&cancelled.id).unwrap(), None);
    assert!(s.get_pending(&running.id).unwrap().is_some());
    assert!(s.get_pending(&waiting.id).unwrap().is_some());
}

/// The parsed call is opaque to the store and comes back exactly as given.
pub fn call_json_round_trips(s: &dyn Store) {
    let ws = unique_workspace();
    let call = json!({
        "zeta": 1, "alpha": [1.5, -2, 9007199254740993_u64, null, true],
        "nested": {"emoji": "déjà vu 🚀", "quote": "a\"b\\c", "empty": {}},
        "big": i64::MIN,
    });
    let mut n = sample_pending(&ws, "U1", Waiting::AwaitingConfirmation, T0);
    n.call = call.clone();
    n.command_text = "s3api list-objects --bucket 'my bucket' --query \"Contents[].Key\"".into();
    n.thread = None;
    n.account = None;
    n.region = None;
    let c = s.create_pending(&n).unwrap();
    let back = s.get_pending(&c.id).unwrap().unwrap();
    assert_eq!(back.call, call);
    // Key order is kept too (the engine may show the call back to the user).
    assert_eq!(
        serde_json::to_string(&back.call).unwrap(),
        serde_json::to_string(&call).unwrap()
    );
    assert_eq!(back.command_text, n.command_text);
    assert_eq!((back.thread, back.account, back.region), (None, None, None));
}
