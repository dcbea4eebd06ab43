//! Delivery rules on a real SQLite store and a recording poster: once per channel, retried
//! when a post failed, taken over when a delivery died mid-post, threads per alarm with the
//! fold window, custom threads with their summary, mutes, the rate limit's summary, and
//! messages of no known format.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::{Message, Place, PostError, PostFuture, Poster};
use notify::deliver::{Delivery, Incoming, Notifier, CLAIM_LEASE_MS};
use serde_json::json;
use store::{SqliteStore, Store};

const T0: i64 = 1_800_000_000_000;
const MIN: i64 = 60_000;

#[derive(Debug, Clone, PartialEq)]
enum Call {
    Post(Message),
    Update(Message),
}

/// Records what was posted and updated; can be told to fail or to hang.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(Place, Call)>>,
    fail: AtomicBool,
    hang: AtomicBool,
}

impl Recorder {
    fn posts(&self) -> Vec<Message> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(_, c)| match c {
                Call::Post(m) => Some(m.clone()),
                Call::Update(_) => None,
            })
            .collect()
    }

    fn updates(&self) -> Vec<Message> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(_, c)| match c {
                Call::Update(m) => Some(m.clone()),
                Call::Post(_) => None,
            })
            .collect()
    }

    async fn act(&self, place: &Place, call: Call) -> Result<(), PostError> {
        if self.hang.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        if self.fail.load(Ordering::SeqCst) {
            return Err(PostError("channel_not_found".into()));
        }
        self.calls.lock().unwrap().push((place.clone(), call));
        Ok(())
    }
}

impl Poster for Recorder {
    fn post<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(self.act(place, Call::Post(message)))
    }
    fn update<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(self.act(place, Call::Update(message)))
    }
}

struct Fixture {
    store: Arc<dyn Store>,
    poster: Arc<Recorder>,
    hand: Arc<AtomicI64>,
    notifier: Notifier,
}

fn fixture(settings: config::NotifySettings) -> Fixture {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let poster = Arc::new(Recorder::default());
    let (clock, hand) = engine::testing::settable_clock(T0);
    let notifier = Notifier::new(store.clone(), poster.clone(), &settings, clock);
    Fixture {
        store,
        poster,
        hand,
        notifier,
    }
}

fn unlimited() -> config::NotifySettings {
    config::NotifySettings {
        rate_per_minute: 0,
        ..Default::default()
    }
}

fn place(c: &str) -> Place {
    Place {
        workspace: "w".into(),
        channel: c.into(),
    }
}

fn incoming(id: &str, message: String) -> Incoming {
    Incoming {
        message_id: id.into(),
        topic_arn: Some("arn:aws:sns:us-east-1:123456789012:t".into()),
        subject: None,
        message,
    }
}

fn alarm(state: &str) -> String {
    json!({"AlarmName": "orders-api-errors", "AWSAccountId": "123456789012",
           "NewStateValue": state, "NewStateReason": format!("now {state}"),
           "StateChangeTime": "2026-12-04T10:05:37.912+0000", "Region": "US East (N. Virginia)",
           "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-api-errors",
           "OldStateValue": "OK",
           "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "SUM",
                       "Dimensions": [{"name": "FunctionName", "value": "orders-api"}],
                       "Period": 60, "EvaluationPeriods": 1,
                       "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0.0}})
    .to_string()
}

fn custom(title: &str, thread: Option<&str>, summary: Option<&str>) -> String {
    json!({"version": "1.0", "source": "custom", "id": format!("id-{title}"),
           "content": {"title": title, "description": format!("about {title}")},
           "metadata": {"threadId": thread, "summary": summary}})
    .to_string()
}

#[tokio::test]
async fn each_channel_gets_a_message_once() {
    let f = fixture(unlimited());
    let places = [place("C1"), place("C2")];
    let m = incoming("m1", custom("deploy", None, None));
    let first = f.notifier.deliver_to(&m, &places).await;
    assert!(first.complete());
    assert!(first
        .channels
        .iter()
        .all(|(_, d)| matches!(d, Delivery::Posted { .. })));
    let again = f.notifier.deliver_to(&m, &places).await;
    assert!(again.complete(), "a retry is acknowledged");
    assert!(again
        .channels
        .iter()
        .all(|(_, d)| *d == Delivery::Duplicate));
    assert_eq!(f.poster.posts().len(), 2);
    // The payload's own id de-duplicates too: the same custom notification republished.
    let republished = f
        .notifier
        .deliver_to(&incoming("m2", custom("deploy", None, None)), &places)
        .await;
    assert!(republished
        .channels
        .iter()
        .all(|(_, d)| *d == Delivery::Duplicate));
    assert_eq!(f.poster.posts().len(), 2);
}

#[tokio::test]
async fn a_failed_post_is_retried_by_the_next_delivery() {
    let f = fixture(unlimited());
    let m = incoming("m1", custom("deploy", None, None));
    f.poster.fail.store(true, Ordering::SeqCst);
    let r = f.notifier.deliver_to(&m, &[place("C1")]).await;
    assert!(!r.complete(), "not acknowledged: {r:?}");
    assert!(matches!(r.channels[0].1, Delivery::Failed(_)));
    f.poster.fail.store(false, Ordering::SeqCst);
    let r = f.notifier.deliver_to(&m, &[place("C1")]).await;
    assert!(r.complete());
    assert!(matches!(r.channels[0].1, Delivery::Posted { .. }), "{r:?}");
    assert_eq!(f.poster.posts().len(), 1);
}

#[tokio::test]
async fn a_delivery_that_died_mid_post_is_taken_over_after_its_lease() {
    let f = Arc::new(fixture(unlimited()));
    let m = incoming("m1", custom("deploy", None, None));
    f.poster.hang.store(true, Ordering::SeqCst);
    let task = {
        let (f, m) = (f.clone(), m.clone());
        tokio::spawn(async move { f.notifier.deliver_to(&m, &[place("C1")]).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    task.abort();
    let _ = task.await;
    f.poster.hang.store(false, Ordering::SeqCst);
    // Within the lease: the other delivery may still post; not acknowledged.
    f.hand.fetch_add(CLAIM_LEASE_MS / 2, Ordering::SeqCst);
    let r = f.notifier.deliver_to(&m, &[place("C1")]).await;
    assert_eq!(r.channels[0].1, Delivery::Busy);
    assert!(!r.complete());
    assert!(f.poster.posts().is_empty());
    // After it: taken over and posted, once.
    f.hand.fetch_add(CLAIM_LEASE_MS, Ordering::SeqCst);
    let r = f.notifier.deliver_to(&m, &[place("C1")]).await;
    assert!(matches!(r.channels[0].1, Delivery::Posted { .. }), "{r:?}");
    let r = f.notifier.deliver_to(&m, &[place("C1")]).await;
    assert_eq!(r.channels[0].1, Delivery::Duplicate);
    assert_eq!(f.poster.posts().len(), 1);
}

#[tokio::test]
async fn alarm_state_changes_go_into_the_thread_and_update_its_first_message() {
    let f = fixture(unlimited());
    let c1 = [place("C1")];
    let r = f
        .notifier
        .deliver_to(&incoming("a1", alarm("ALARM")), &c1)
        .await;
    let Delivery::Posted { id: root } = r.channels[0].1.clone() else {
        panic!("{r:?}")
    };
    f.hand.fetch_add(10 * MIN, Ordering::SeqCst);
    let r = f
        .notifier
        .deliver_to(&incoming("a2", alarm("OK")), &c1)
        .await;
    assert!(
        matches!(&r.channels[0].1, Delivery::InThread { root: r2, .. } if *r2 == root),
        "{r:?}"
    );
    let posts = f.poster.posts();
    assert_eq!(posts[1].thread.as_deref(), Some(root.as_str()));
    let updates = f.poster.updates();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].id, root);
    assert!(updates[0].plain().contains("OK"), "{}", updates[0].plain());
    assert!(
        updates[0].plain().contains("1 update"),
        "{}",
        updates[0].plain()
    );
    // Flapping back within the fold window: folded into the thread.
    f.hand.fetch_add(2 * MIN, Ordering::SeqCst);
    let r = f
        .notifier
        .deliver_to(&incoming("a3", alarm("ALARM")), &c1)
        .await;
    assert!(
        matches!(r.channels[0].1, Delivery::InThread { .. }),
        "{r:?}"
    );
    f.hand.fetch_add(MIN, Ordering::SeqCst);
    let r = f
        .notifier
        .deliver_to(&incoming("a4", alarm("OK")), &c1)
        .await;
    assert!(
        matches!(r.channels[0].1, Delivery::InThread { .. }),
        "{r:?}"
    );
    assert!(f.poster.updates()[2].plain().contains("3 updates"));
    // Resolved and quiet for longer than the window: a new incident, a new message.
    f.hand.fetch_add(30 * MIN, Ordering::SeqCst);
    let r = f
        .notifier
        .deliver_to(&incoming("a5", alarm("ALARM")), &c1)
        .await;
    assert!(matches!(r.channels[0].1, Delivery::Posted { .. }), "{r:?}");
    // Threads are per channel.
    let r = f
        .notifier
        .deliver_to(&incoming("a6", alarm("OK")), &[place("C2")])
        .await;
    assert!(matches!(r.channels[0].1, Delivery::Posted { .. }), "{r:?}");
}

#[tokio::test]
async fn custom_threads_show_their_summary_on_the_first_message() {
    let f = fixture(unlimited());
    let c1 = [place("C1")];
    f.notifier
        .deliver_to(
            &incoming("c1", custom("step 1", Some("deploy-42"), Some("Deploy 42"))),
            &c1,
        )
        .await;
    let r = f
        .notifier
        .deliver_to(
            &incoming("c2", custom("step 2", Some("deploy-42"), Some("Deploy 42"))),
            &c1,
        )
        .await;
    assert!(
        matches!(r.channels[0].1, Delivery::InThread { .. }),
        "{r:?}"
    );
    let root = &f.poster.posts()[0];
    assert!(root.plain().starts_with("*Deploy 42*"), "{}", root.plain());
    let update = &f.poster.updates()[0];
    assert!(
        update.plain().starts_with("*Deploy 42*"),
        "{}",
        update.plain()
    );
    assert!(update.plain().contains("step 2"));
}

#[tokio::test]
async fn muted_names_are_not_posted() {
    let f = fixture(unlimited());
    engine::mutes::mute(
        &store::AsyncStore::new(f.store.clone()),
        &place("C1"),
        "orders-*",
        Duration::from_secs(3600),
        "U1",
        T0,
    )
    .await
    .unwrap();
    let r = f
        .notifier
        .deliver_to(&incoming("a1", alarm("ALARM")), &[place("C1"), place("C2")])
        .await;
    assert_eq!(
        r.channels[0].1,
        Delivery::Muted {
            pattern: "orders-*".into()
        }
    );
    assert!(matches!(r.channels[1].1, Delivery::Posted { .. }));
    assert!(r.complete());
    // After the mute expires it is posted again.
    f.hand.fetch_add(3_600_001, Ordering::SeqCst);
    let r = f
        .notifier
        .deliver_to(&incoming("a2", alarm("ALARM")), &[place("C1")])
        .await;
    assert!(matches!(r.channels[0].1, Delivery::Posted { .. }), "{r:?}");
}

#[tokio::test]
async fn a_flood_is_summarised() {
    let f = fixture(config::NotifySettings {
        rate_per_minute: 2,
        ..Default::default()
    });
    for n in 0..7 {
        f.notifier
            .deliver_to(
                &incoming(&format!("m{n}"), custom(&format!("n{n}"), None, None)),
                &[place("C1")],
            )
            .await;
    }
    assert_eq!(f.poster.posts().len(), 2);
    f.notifier.flush().await;
    assert_eq!(f.poster.posts().len(), 2, "no token yet");
    f.hand.fetch_add(30_000, Ordering::SeqCst);
    f.notifier.flush().await;
    let posts = f.poster.posts();
    assert_eq!(posts.len(), 3);
    let summary = posts[2].plain();
    assert!(summary.contains("5 more notifications"), "{summary}");
    assert!(
        summary.contains("n2") && summary.contains("n6"),
        "{summary}"
    );
}

#[tokio::test]
async fn messages_of_no_known_format_are_shown_or_dropped_as_configured() {
    let f = fixture(unlimited());
    let r = f
        .notifier
        .deliver_to(&incoming("u1", "{\"hello\": 1}".into()), &[place("C1")])
        .await;
    assert!(r.unsupported.is_some());
    assert!(matches!(r.channels[0].1, Delivery::Posted { .. }));
    assert_eq!(f.notifier.stats.unsupported.load(Ordering::Relaxed), 1);
    let f = fixture(config::NotifySettings {
        show_unsupported: false,
        ..unlimited()
    });
    let r = f
        .notifier
        .deliver_to(&incoming("u1", "plain words".into()), &[place("C1")])
        .await;
    assert_eq!(r.channels[0].1, Delivery::Dropped);
    assert!(f.poster.posts().is_empty());
}
