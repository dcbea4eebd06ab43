//! Conformance cases for publish/subscribe: delivery, topics kept apart, limits, and
//! unsubscribing; across two stores on one database in `several_stores_cases`.

use super::unique_workspace;
use crate::pubsub::MAX_PAYLOAD;
use crate::{Store, StoreError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a published message may take to arrive.
const DEADLINE: Duration = Duration::from_secs(10);

/// A sink that records what it gets, and the record.
fn recorder() -> (crate::Sink, Arc<Mutex<Vec<String>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let theirs = Arc::clone(&got);
    let sink: crate::Sink = Box::new(move |m| theirs.lock().expect("recorder").push(m));
    (sink, got)
}

/// Polls until `got` holds `n` messages or the deadline passes; returns them.
fn wait_for(got: &Mutex<Vec<String>>, n: usize) -> Vec<String> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let now = got.lock().expect("recorder").clone();
        if now.len() >= n || Instant::now() >= deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A topic name of this case's own (topics are database-wide).
fn topic() -> String {
    format!("t.{}", &unique_workspace()[..20])
}

/// Published messages reach the topic's subscriber, in order, byte for byte; other topics'
/// subscribers see nothing of them; bad topics and payloads are refused the same way on
/// every backend.
pub fn pubsub_delivers(s: &dyn Store) {
    let (t, other) = (topic(), topic());
    let (sink, got) = recorder();
    let _sub = s.subscribe(&t, sink).unwrap();
    let (other_sink, other_got) = recorder();
    let _other_sub = s.subscribe(&other, other_sink).unwrap();
    let big = "é".repeat(MAX_PAYLOAD / 2);
    assert_eq!(big.len(), MAX_PAYLOAD);
    let sent = ["hello".to_string(), "ünïcode 🚀 '\" \\".to_string(), big];
    for m in &sent {
        s.publish(&t, m).unwrap();
    }
    s.publish(&other, "for the other topic").unwrap();
    assert_eq!(wait_for(&got, 3), sent);
    assert_eq!(wait_for(&other_got, 1), ["for the other topic"]);
    assert_eq!(got.lock().unwrap().len(), 3, "nothing of the other topic");

    assert!(matches!(
        s.publish(&t, &"x".repeat(MAX_PAYLOAD + 1)),
        Err(StoreError::InvalidPayload { .. })
    ));
    assert!(matches!(
        s.publish(&t, "nul \0 inside"),
        Err(StoreError::InvalidPayload { .. })
    ));
    for bad in ["", "has space", "semi;colon", "quote\"", &"a".repeat(64)] {
        assert!(
            matches!(s.publish(bad, "x"), Err(StoreError::InvalidTopic { .. })),
            "publish {bad:?}"
        );
        let (sink, _) = recorder();
        assert!(
            matches!(s.subscribe(bad, sink), Err(StoreError::InvalidTopic { .. })),
            "subscribe {bad:?}"
        );
    }
}

/// Dropping a subscription stops its deliveries; the topic's other subscriber goes on.
pub fn pubsub_unsubscribe_stops_delivery(s: &dyn Store) {
    let t = topic();
    // `a` subscribes first, so it would be called before `b` for any message.
    let (a_sink, a_got) = recorder();
    let a = s.subscribe(&t, a_sink).unwrap();
    let (b_sink, b_got) = recorder();
    let b = s.subscribe(&t, b_sink).unwrap();
    s.publish(&t, "one").unwrap();
    assert_eq!(wait_for(&a_got, 1), ["one"]);
    assert_eq!(wait_for(&b_got, 1), ["one"]);
    drop(a);
    s.publish(&t, "two").unwrap();
    assert_eq!(wait_for(&b_got, 2), ["one", "two"]);
    assert_eq!(
        *a_got.lock().unwrap(),
        ["one"],
        "no delivery after unsubscribing"
    );
    // The last subscriber leaving and a new one arriving: the new one gets new messages.
    drop(b);
    let (c_sink, c_got) = recorder();
    let _c = s.subscribe(&t, c_sink).unwrap();
    s.publish(&t, "three").unwrap();
    assert_eq!(wait_for(&c_got, 1), ["three"]);
    assert_eq!(b_got.lock().unwrap().len(), 2);
    // A panicking subscriber does not stop the others.
    let _bad = s
        .subscribe(&t, Box::new(|_| panic!("a subscriber failed")))
        .unwrap();
    s.publish(&t, "four").unwrap();
    assert_eq!(wait_for(&c_got, 2), ["three", "four"]);
}

/// A message published on one store reaches subscribers of another store over the same
/// database (another replica), and its own.
pub fn pubsub_reaches_other_stores(open: &dyn Fn() -> Box<dyn Store>) {
    let (one, two) = (open(), open());
    let t = topic();
    let (sink1, got1) = recorder();
    let _s1 = one.subscribe(&t, sink1).unwrap();
    let (sink2, got2) = recorder();
    let _s2 = two.subscribe(&t, sink2).unwrap();
    one.publish(&t, "from one").unwrap();
    two.publish(&t, "from two").unwrap();
    for got in [&got1, &got2] {
        let mut msgs = wait_for(got, 2);
        msgs.sort();
        assert_eq!(msgs, ["from one", "from two"]);
    }
}
