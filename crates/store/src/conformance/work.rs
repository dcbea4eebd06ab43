//! Conformance cases for coordination between replicas: leases (background work runs once)
//! and the inbox (acknowledged inputs processed at least once, by one replica at a time).

use super::{unique_workspace, T0};
use crate::Store;
use std::sync::Barrier;

/// Taking, renewing, expiry, takeover and release of one lease, step by step.
pub fn lease_rules(s: &dyn Store) {
    let name = format!("sweep-{}", unique_workspace());
    let other = format!("{name}-other");
    assert!(s.try_lease(&name, "A", T0 + 10, T0).unwrap(), "free: taken");
    assert!(
        !s.try_lease(&name, "B", T0 + 15, T0 + 5).unwrap(),
        "held by A"
    );
    assert!(
        s.try_lease(&other, "B", T0 + 15, T0 + 5).unwrap(),
        "names are separate"
    );
    // Renewal by the holder only: A extends to T0 + 20, so B is still refused at T0 + 15.
    assert!(s.try_lease(&name, "A", T0 + 20, T0 + 5).unwrap(), "renewed");
    assert!(!s.try_lease(&name, "B", T0 + 30, T0 + 15).unwrap());
    // Expired at `now` (until <= now): B takes over, and A has lost it.
    assert!(
        s.try_lease(&name, "B", T0 + 30, T0 + 20).unwrap(),
        "takeover"
    );
    assert!(
        !s.try_lease(&name, "A", T0 + 40, T0 + 21).unwrap(),
        "A lost it"
    );
    // Release by the holder only.
    assert!(!s.release_lease(&name, "A").unwrap(), "A does not hold it");
    assert!(
        !s.try_lease(&name, "C", T0 + 40, T0 + 22).unwrap(),
        "still B's"
    );
    assert!(s.release_lease(&name, "B").unwrap());
    assert!(!s.release_lease(&name, "B").unwrap(), "released once");
    assert!(
        s.try_lease(&name, "C", T0 + 40, T0 + 22).unwrap(),
        "free again"
    );
    assert!(!s.release_lease("never-taken", "C").unwrap());
    // A holder renewing an expired lease nobody took keeps it.
    assert!(s.try_lease(&name, "C", T0 + 60, T0 + 50).unwrap());
}

/// Eight replicas trying for the same lease at once, fresh and after it expired: exactly
/// one gets it each time.
pub fn lease_exclusive_under_race(s: &dyn Store) {
    const THREADS: usize = 8;
    let ws = unique_workspace();
    for round in 0..10_i64 {
        let name = format!("{ws}-lease{round}");
        for (until, now) in [(T0 + 100, T0), (T0 + 300, T0 + 100)] {
            let barrier = Barrier::new(THREADS);
            let winners: Vec<usize> = std::thread::scope(|sc| {
                let hs: Vec<_> = (0..THREADS)
                    .map(|t| {
                        let (name, barrier) = (&name, &barrier);
                        sc.spawn(move || {
                            barrier.wait();
                            let got = s
                                .try_lease(name, &format!("H{t}"), until, now)
                                .expect("try_lease");
                            got.then_some(t)
                        })
                    })
                    .collect();
                hs.into_iter()
                    .filter_map(|h| h.join().expect("thread"))
                    .collect()
            });
            assert_eq!(winners.len(), 1, "round {round} at {now}: {winners:?}");
            // The winner, and only the winner, can renew it.
            let w = winners[0];
            for t in 0..THREADS {
                let renewed = s
                    .try_lease(&name, &format!("H{t}"), until + 1, now + 1)
                    .unwrap();
                assert_eq!(renewed, t == w, "round {round}: H{t} renewing");
            }
        }
    }
}
