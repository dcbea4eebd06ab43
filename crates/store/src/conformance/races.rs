//! Conformance cases where timing matters: simultaneous presses of Run and Cancel, and a
//! process dying between "waiting for Run" and "done".

use super::{sample_pending, unique_workspace, T0};
use crate::types::{PendingState, Transition, Waiting};
use crate::Store;
use std::sync::Barrier;

/// Many presses of Run at the same instant, for many commands: exactly one wins each.
pub fn claim_once_concurrently(s: &dyn Store) {
    const THREADS: usize = 16;
    let ws = unique_workspace();
    for round in 0..10 {
        let c = s
            .create_pending(&sample_pending(
                &ws,
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        let barrier = Barrier::new(THREADS);
        let results: Vec<(String, Transition)> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (id, barrier) = (&c.id, &barrier);
                    sc.spawn(move || {
                        let who = format!("U{t}");
                        barrier.wait();
                        let r = s.claim_for_run(id, &who, T0 + 1).expect("claim");
                        (who, r)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let winners: Vec<&String> = results
            .iter()
            .filter(|(_, r)| matches!(r, Transition::Applied(_)))
            .map(|(w, _)| w)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        for (_, r) in &results {
            match r {
                Transition::Applied(c) => assert_eq!(c.acted_by.as_ref(), Some(winners[0])),
                Transition::AlreadyTaken { state, by, .. } => {
                    assert_eq!(*state, PendingState::Running);
                    assert_eq!(by.as_ref(), Some(winners[0]));
                }
                other => panic!("round {round}: unexpected {other:?}"),
            }
        }
    }
}

/// Run and Cancel pressed at once: exactly one of them wins, and the losers see the winner.
pub fn cancel_vs_run_race(s: &dyn Store) {
    const THREADS: usize = 12;
    let ws = unique_workspace();
    let (mut runs, mut cancels) = (0, 0);
    for round in 0..12 {
        let c = s
            .create_pending(&sample_pending(
                &ws,
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        let barrier = Barrier::new(THREADS);
        let results: Vec<(bool, Transition)> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (id, barrier) = (&c.id, &barrier);
                    sc.spawn(move || {
                        let run = (t + round) % 2 == 0;
                        let who = format!("U{t}");
                        barrier.wait();
                        let r = if run {
                            s.claim_for_run(id, &who, T0 + 1)
                        } else {
                            s.cancel(id, &who, T0 + 1)
                        };
                        (run, r.expect("press"))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let winners: Vec<&(bool, Transition)> = results
            .iter()
            .filter(|(_, r)| matches!(r, Transition::Applied(_)))
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        let (won_by_run, Transition::Applied(w)) = winners[0] else {
            unreachable!()
        };
        let expected = if *won_by_run {
            runs += 1;
            PendingState::Running
        } else {
            cancels += 1;
            PendingState::Cancelled
        };
        assert_eq!(w.state, expected);
        assert_eq!(s.get_pending(&c.id).unwrap().unwrap().state, expected);
        for (_, r) in &results {
            if let Transition::AlreadyTaken { state, by, .. } = r {
                assert_eq!(*state, expected, "round {round}");
                assert_eq!(by, &w.acted_by);
            } else {
                assert!(matches!(r, Transition::Applied(_)), "round {round}: {r:?}");
            }
        }
    }
    assert_eq!(runs + cancels, 12);
}

/// Across a restart: a command waiting for Run can be run exactly once; one that was running
/// when the process died is never run again.
pub fn restart_keeps_pending_claimable_once(open: &dyn Fn() -> Box<dyn Store>) {
    let ws = unique_workspace();
    let (waiting, running) = {
        let s = open();
        let w = s
            .create_pending(&sample_pending(
                &ws,
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        s.set_pending_message(&w.id, "m1", T0).unwrap();
        let r = s
            .create_pending(&sample_pending(
                &ws,
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        s.claim_for_run(&r.id, "U1", T0 + 1)
            .unwrap()
            .applied()
            .unwrap();
        (w.id, r.id)
        // dropped without finishing: the "crash"
    };
    {
        let s = open();
        let c = s.get_pending(&waiting).unwrap().expect("survives restart");
        assert_eq!(c.message_id.as_deref(), Some("m1"));
        assert!(s
            .claim_for_run(&waiting, "U2", T0 + 2)
            .unwrap()
            .applied()
            .is_some());
        assert!(matches!(
            s.claim_for_run(&waiting, "U3", T0 + 3).unwrap(),
            Transition::AlreadyTaken { .. }
        ));
        assert!(matches!(
            s.claim_for_run(&running, "U1", T0 + 3).unwrap(),
            Transition::AlreadyTaken {
                state: PendingState::Running,
                ..
            }
        ));
    }
    let s = open();
    assert_eq!(
        s.claim_for_run(&waiting, "U1", T0 + 4).unwrap(),
        Transition::AlreadyTaken {
            state: PendingState::Running,
            by: Some("U2".into()),
            at: Some(T0 + 2)
        }
    );
    s.finish(&waiting, "ok", T0 + 5).unwrap();
}

/// Four stores over the same data (four replicas, or a server and the command-line tool),
/// Run and Cancel pressed on all at once, and one event delivered to each: exactly one
/// press and one delivery win.
pub fn several_stores_claim_exactly_once(open: &dyn Fn() -> Box<dyn Store>) {
    let stores: Vec<Box<dyn Store>> = (0..4).map(|_| open()).collect();
    let ws = unique_workspace();
    for round in 0..20 {
        let c = stores[0]
            .create_pending(&sample_pending(
                &ws,
                "U1",
                Waiting::AwaitingConfirmation,
                T0,
            ))
            .unwrap();
        let barrier = Barrier::new(8);
        let wins = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..8)
                .map(|t| {
                    let (s, id, b) = (stores[t % 4].as_ref(), &c.id, &barrier);
                    sc.spawn(move || {
                        b.wait();
                        let r = if t % 3 == 2 {
                            s.cancel(id, "U2", T0 + 1)
                        } else {
                            s.claim_for_run(id, "U1", T0 + 1)
                        };
                        r.expect("press")
                    })
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().expect("thread"))
                .filter(|r| matches!(r, Transition::Applied(_)))
                .count()
        });
        assert_eq!(wins, 1, "round {round}");
    }
    let event = format!("{ws}-Ev-shared");
    let firsts = std::thread::scope(|sc| {
        let hs: Vec<_> = stores
            .iter()
            .map(|s| {
                let (s, event) = (s.as_ref(), &event);
                sc.spawn(move || s.mark_event(event, T0).expect("mark"))
            })
            .collect();
        hs.into_iter()
            .map(|h| h.join().expect("thread"))
            .filter(|b| *b)
            .count()
    });
    assert_eq!(firsts, 1);
}
