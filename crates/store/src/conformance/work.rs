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

/// Inbox items of this case only (the inbox is claimed across kinds, so a case on a shared
/// database would see others' items; each case gets a fresh store, this is belt and braces).
fn mine(items: Vec<crate::InboxItem>, prefix: &str) -> Vec<crate::InboxItem> {
    items
        .into_iter()
        .filter(|i| i.id.starts_with(prefix))
        .collect()
}

/// Put once per id; claim oldest first, up to the limit, once while the lease runs; an
/// expired lease is claimed again with one more attempt; only the holder marks it done;
/// done items are never claimed again; pruning removes done items only.
pub fn inbox_rules(s: &dyn Store) {
    let p = format!("{}-", unique_workspace());
    let id = |n: u32| format!("{p}{n}");
    let odd = "ünïcode \u{0} ' \" \\ 🚀".repeat(200);
    assert!(s.inbox_put("slack.event", &id(2), &odd, T0 + 2).unwrap());
    assert!(
        !s.inbox_put("slack.event", &id(2), "retry", T0 + 3).unwrap(),
        "put once"
    );
    assert!(s.inbox_put("sns", &id(1), "{\"m\":1}", T0 + 1).unwrap());
    assert!(s.inbox_put("sns", &id(3), "three", T0 + 3).unwrap());
    assert!(
        !s.inbox_put("other-kind", &id(3), "x", T0 + 4).unwrap(),
        "ids span kinds"
    );

    // Oldest first, at most `limit`, whole items.
    let a = mine(s.inbox_claim(None, "A", 2, T0 + 100, T0 + 10).unwrap(), &p);
    assert_eq!(a.len(), 2);
    assert_eq!(
        (a[0].id.as_str(), a[0].kind.as_str()),
        (id(1).as_str(), "sns")
    );
    assert_eq!(a[0].payload, "{\"m\":1}");
    assert_eq!((a[0].attempts, a[0].created_at), (1, T0 + 1));
    assert_eq!(a[1].id, id(2));
    assert_eq!(
        a[1].payload, odd,
        "payload kept byte for byte, not the retry's"
    );
    // While A's lease runs, B gets only what is left.
    let b = mine(s.inbox_claim(None, "B", 10, T0 + 100, T0 + 20).unwrap(), &p);
    assert_eq!(b.iter().map(|i| &i.id).collect::<Vec<_>>(), [&id(3)]);
    assert!(s
        .inbox_claim(None, "C", 10, T0 + 100, T0 + 99)
        .unwrap()
        .is_empty());

    // A finishes item 1; only the holder can.
    assert!(!s.inbox_done(&id(1), "B", T0 + 30).unwrap(), "not B's");
    assert!(s.inbox_done(&id(1), "A", T0 + 30).unwrap());
    assert!(!s.inbox_done(&id(1), "A", T0 + 31).unwrap(), "done once");
    assert!(!s.inbox_done(&id(9), "A", T0 + 31).unwrap(), "no such item");

    // A dies holding item 2; B finishes item 3. When the leases run out (until <= now),
    // C gets item 2 again, one attempt more, and never the done ones.
    assert!(s.inbox_done(&id(3), "B", T0 + 40).unwrap());
    let c = mine(
        s.inbox_claim(None, "C", 10, T0 + 200, T0 + 100).unwrap(),
        &p,
    );
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!((c[0].id.as_str(), c[0].attempts), (id(2).as_str(), 2));
    assert!(
        !s.inbox_done(&id(2), "A", T0 + 150).unwrap(),
        "A lost it to C"
    );
    assert!(s.inbox_done(&id(2), "C", T0 + 150).unwrap());
    assert!(s
        .inbox_claim(None, "D", 10, T0 + 900, T0 + 800)
        .unwrap()
        .is_empty());

    // Pruning: done items created before the cut go; a pending one never does.
    assert!(s.inbox_put("sns", &id(4), "four", T0 + 4).unwrap());
    assert_eq!(s.prune_inbox(T0 + 3).unwrap(), 2, "items 1 and 2");
    assert!(
        s.inbox_put("sns", &id(1), "again", T0 + 500).unwrap(),
        "pruned id is new"
    );
    assert!(
        !s.inbox_put("sns", &id(3), "x", T0 + 500).unwrap(),
        "3 was kept"
    );
    assert_eq!(s.prune_inbox(i64::MAX).unwrap(), 1, "only item 3 is done");
    let left = mine(
        s.inbox_claim(None, "E", 10, T0 + 2000, T0 + 1000).unwrap(),
        &p,
    );
    assert_eq!(
        left.iter().map(|i| &i.id).collect::<Vec<_>>(),
        [&id(4), &id(1)],
        "items not done are never pruned"
    );
}

/// Eight replicas claiming from one inbox at once: every item goes to exactly one of them.
pub fn inbox_claims_never_shared(s: &dyn Store) {
    const THREADS: usize = 8;
    const ITEMS: i64 = 60;
    let p = format!("{}-", unique_workspace());
    for n in 0..ITEMS {
        assert!(s
            .inbox_put("slack.event", &format!("{p}{n:03}"), "{}", T0 + n)
            .unwrap());
    }
    let barrier = Barrier::new(THREADS);
    let per_thread: Vec<Vec<String>> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..THREADS)
            .map(|t| {
                let (barrier, p) = (&barrier, &p);
                sc.spawn(move || {
                    barrier.wait();
                    let mut got = Vec::new();
                    loop {
                        let batch = s
                            .inbox_claim(None, &format!("H{t}"), 3, T0 + 10_000, T0 + 100)
                            .expect("claim");
                        if batch.is_empty() {
                            return got;
                        }
                        for item in mine(batch, p) {
                            assert_eq!(item.attempts, 1, "claimed twice: {item:?}");
                            got.push(item.id);
                        }
                    }
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let mut all: Vec<String> = per_thread.concat();
    all.sort();
    let want: Vec<String> = (0..ITEMS).map(|n| format!("{p}{n:03}")).collect();
    assert_eq!(all, want, "each item exactly once");
    // Each holder can finish exactly its own items.
    for (t, ids) in per_thread.iter().enumerate() {
        for id in ids {
            let other = format!("H{}", (t + 1) % THREADS);
            assert!(!s.inbox_done(id, &other, T0 + 200).unwrap());
            assert!(s.inbox_done(id, &format!("H{t}"), T0 + 200).unwrap());
        }
    }
}

/// An input put already held by its receiver: nobody else claims it while the lease runs;
/// the holder marks it done; once the lease ran out (the receiver died) another claims it,
/// with a second attempt, and the first holder can no longer mark it done.
pub fn inbox_held_by_its_receiver(s: &dyn Store) {
    let p = format!("{}-", unique_workspace());
    let id = |n: u32| format!("{p}{n}");
    assert!(s
        .inbox_put_held("slack.event", &id(1), "one", "A", T0 + 100, T0)
        .unwrap());
    assert!(
        !s.inbox_put_held("slack.event", &id(1), "retry", "B", T0 + 100, T0 + 1)
            .unwrap(),
        "a retry through another replica is recorded once"
    );
    assert!(!s.inbox_put("slack.event", &id(1), "retry", T0 + 1).unwrap());
    assert!(
        mine(s.inbox_claim(None, "B", 10, T0 + 200, T0 + 50).unwrap(), &p).is_empty(),
        "held by its receiver"
    );
    assert!(s.inbox_done(&id(1), "A", T0 + 60).unwrap());

    assert!(s
        .inbox_put_held("slack.event", &id(2), "two", "A", T0 + 100, T0 + 70)
        .unwrap());
    let taken = mine(
        s.inbox_claim(None, "B", 10, T0 + 300, T0 + 100).unwrap(),
        &p,
    );
    assert_eq!(
        taken.len(),
        1,
        "the done item is never claimed; the lapsed one is"
    );
    assert_eq!(
        (taken[0].id.as_str(), taken[0].attempts),
        (id(2).as_str(), 2)
    );
    assert_eq!(taken[0].payload, "two");
    assert!(
        !s.inbox_done(&id(2), "A", T0 + 110).unwrap(),
        "the first holder lost it"
    );
    assert!(s.inbox_done(&id(2), "B", T0 + 120).unwrap());
}

/// A claim for one kind gets only that kind's items (each surface claims its own inputs and
/// never holds another's); a claim for any kind gets the rest.
pub fn inbox_claims_only_the_kind_asked(s: &dyn Store) {
    let p = format!("{}-", unique_workspace());
    let id = |n: u32| format!("{p}{n}");
    assert!(s.inbox_put("slack.event", &id(1), "s1", T0).unwrap());
    assert!(s.inbox_put("teams.activity", &id(2), "t2", T0 + 1).unwrap());
    assert!(s.inbox_put("slack.event", &id(3), "s3", T0 + 2).unwrap());
    let teams = mine(
        s.inbox_claim(Some("teams.activity"), "T", 1000, T0 + 100, T0 + 10)
            .unwrap(),
        &p,
    );
    assert_eq!(
        teams.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![id(2).as_str()]
    );
    let slack = mine(
        s.inbox_claim(Some("slack.event"), "S", 1000, T0 + 100, T0 + 10)
            .unwrap(),
        &p,
    );
    assert_eq!(
        slack.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![id(1).as_str(), id(3).as_str()]
    );
    assert!(slack.iter().all(|i| i.kind == "slack.event"));
    assert!(mine(
        s.inbox_claim(Some("nothing.here"), "N", 1000, T0 + 100, T0 + 10)
            .unwrap(),
        &p
    )
    .is_empty());
    assert!(
        mine(
            s.inbox_claim(None, "X", 1000, T0 + 100, T0 + 20).unwrap(),
            &p
        )
        .is_empty(),
        "all three are leased"
    );
}
