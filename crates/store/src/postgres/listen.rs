//! Publish/subscribe on PostgreSQL: `pg_notify` on publish (through the pool), and one
//! listener thread per store with a connection of its own that `LISTEN`s to every
//! subscribed topic and calls the subscribers.
//!
//! The thread starts with the first subscription (a store that never subscribes holds no
//! extra connection) and stops when the store is dropped. When its connection dies (server
//! restart, terminated backend) it reconnects with backoff (0.1 s doubling to 5 s) and
//! `LISTEN`s to every topic again; messages published meanwhile are lost (live updates
//! only). Topics are database-wide: two deployments sharing a database must not share
//! topic names.

use crate::pubsub::{Sink, Subscription, Topics};
use crate::{Result, StoreError};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, NoTls};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one wait for notifications lasts before the thread looks at requests and the
/// stop flag again: also how long a new subscription may take to start listening.
const POLL: Duration = Duration::from_millis(50);
/// How often an idle connection is checked with a round trip (a dead peer sends nothing).
const CHECK_EVERY: Duration = Duration::from_secs(5);
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// Most notifications handled before looking at requests again.
const BATCH: usize = 256;

enum Request {
    /// Start listening to a topic; answered once the `LISTEN` is in effect.
    Listen(String, SyncSender<()>),
    /// Stop listening, unless it got a subscriber again meanwhile.
    Unlisten(String),
}

/// The store's side: its subscribers and the way to the thread.
pub(crate) struct Listener {
    config: Config,
    /// How long `subscribe` waits for the `LISTEN` (the connect timeout).
    wait: Duration,
    topics: Arc<Topics>,
    stop: Arc<AtomicBool>,
    requests: Mutex<Option<Sender<Request>>>,
}

/// `"topic"`: a quoted identifier. Topics are checked to hold no quote, but doubling any
/// keeps it safe regardless.
fn quoted(topic: &str) -> String {
    format!("\"{}\"", topic.replace('"', "\"\""))
}

impl Listener {
    pub(crate) fn new(config: Config, wait: Duration) -> Listener {
        Listener {
            config,
            wait,
            topics: Arc::default(),
            stop: Arc::default(),
            requests: Mutex::new(None),
        }
    }

    /// The channel to the thread, starting the thread on first use.
    fn sender(&self) -> Result<Sender<Request>> {
        let mut slot = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = slot.as_ref() {
            return Ok(tx.clone());
        }
        let (tx, rx) = channel();
        let worker = Worker {
            config: self.config.clone(),
            topics: Arc::clone(&self.topics),
            stop: Arc::clone(&self.stop),
            requests: rx,
            waiting: Vec::new(),
        };
        std::thread::Builder::new()
            .name("chatops-pg-listen".into())
            .spawn(move || worker.run())
            .map_err(|e| StoreError::backend("subscribe", e))?;
        *slot = Some(tx.clone());
        Ok(tx)
    }

    pub(crate) fn subscribe(&self, topic: &str, sink: Sink) -> Result<Subscription> {
        let tx = self.sender()?;
        let (id, first) = self.topics.add(topic, sink);
        let unlisten = {
            let tx = tx.clone();
            move |topic: String| {
                // Best effort: a stopped thread listens to nothing anyway.
                let _ = tx.send(Request::Unlisten(topic));
            }
        };
        let subscription = Topics::subscription(&self.topics, topic, id, unlisten);
        if first {
            let (ack_tx, ack_rx) = sync_channel(1);
            let sent = tx.send(Request::Listen(topic.to_string(), ack_tx));
            if sent.is_err() || ack_rx.recv_timeout(self.wait).is_err() {
                // Dropping the subscription removes the sink again.
                drop(subscription);
                return Err(StoreError::Unavailable {
                    op: "subscribe",
                    source: format!(
                        "the listener connection did not start listening to `{topic}` within \
                         {:?}",
                        self.wait
                    )
                    .into(),
                });
            }
        }
        Ok(subscription)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // The thread sees it within one poll and closes its connection on its own thread.
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The thread's side.
struct Worker {
    config: Config,
    topics: Arc<Topics>,
    stop: Arc<AtomicBool>,
    requests: Receiver<Request>,
    /// `Listen` requests to answer once connected and listening.
    waiting: Vec<SyncSender<()>>,
}

impl Worker {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn run(mut self) {
        let mut backoff = BACKOFF_MIN;
        while !self.stopped() {
            let Some(mut client) = self.connect() else {
                self.take_requests(None);
                // Sleep in short steps so a dropped store stops the thread promptly.
                let until = Instant::now() + backoff;
                while Instant::now() < until && !self.stopped() {
                    std::thread::sleep(POLL.min(until - Instant::now()));
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            };
            backoff = BACKOFF_MIN;
            self.serve(&mut client);
            // `client` is dropped here, on this plain thread.
        }
    }

    /// A new connection listening to every subscribed topic, or `None`.
    fn connect(&mut self) -> Option<Client> {
        let mut client = self.config.connect(NoTls).ok()?;
        for topic in self.topics.topics() {
            client
                .batch_execute(&format!("LISTEN {}", quoted(&topic)))
                .ok()?;
        }
        for ack in self.waiting.drain(..) {
            let _ = ack.send(());
        }
        Some(client)
    }

    /// Handles requests: with a connection, `LISTEN`/`UNLISTEN` now; without one, the
    /// `Listen` waits for the reconnection (which listens to every topic). False if the
    /// connection failed.
    fn take_requests(&mut self, mut client: Option<&mut Client>) -> bool {
        while let Ok(request) = self.requests.try_recv() {
            match request {
                Request::Listen(topic, ack) => {
                    let Some(c) = client.as_deref_mut() else {
                        self.waiting.push(ack);
                        continue;
                    };
                    if !self.topics.has(&topic) {
                        let _ = ack.send(());
                        continue;
                    }
                    if c.batch_execute(&format!("LISTEN {}", quoted(&topic)))
                        .is_err()
                    {
                        self.waiting.push(ack);
                        return false;
                    }
                    let _ = ack.send(());
                }
                Request::Unlisten(topic) => {
                    let Some(c) = client.as_deref_mut() else {
                        continue;
                    };
                    if !self.topics.has(&topic)
                        && c.batch_execute(&format!("UNLISTEN {}", quoted(&topic)))
                            .is_err()
                    {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Delivers notifications until the connection fails or the store is dropped.
    fn serve(&mut self, client: &mut Client) {
        let mut checked = Instant::now();
        while !self.stopped() {
            if !self.take_requests(Some(client)) {
                return;
            }
            let started = Instant::now();
            let mut got = 0;
            {
                let mut notes = client.notifications();
                let mut iter = notes.timeout_iter(POLL);
                while got < BATCH {
                    match iter.next() {
                        Ok(Some(n)) => {
                            got += 1;
                            self.topics.deliver(n.channel(), n.payload());
                        }
                        Ok(None) => break,
                        // The server ended the session (terminated, shutting down).
                        Err(_) => return,
                    }
                }
            }
            // A wait that ended early with nothing, or a long quiet spell: make sure the
            // connection is alive (a closed one ends waits at once without an error).
            let early = got == 0 && started.elapsed() < POLL / 2;
            if early || checked.elapsed() >= CHECK_EVERY {
                if client.is_valid(BACKOFF_MAX).is_err() {
                    return;
                }
                checked = Instant::now();
            }
        }
    }
}
