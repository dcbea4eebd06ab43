//! The channels' recent messages and the open sockets viewing them: every message posted or
//! updated is kept here and pushed to each socket that views its channel and may see it.
//!
//! It lets a reload, a second tab or a second user see what was said recently. With a history
//! file ([`Hub::open`]) every change is also appended to it (see [`crate::journal`]) and the
//! file is replayed at start, so the messages, and the buttons on them that the engine still
//! answers to, survive a restart of the server.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use engine::{Block, Message, Outbound, Rich};
use tokio::sync::mpsc;

use crate::journal::{self, Journal, Record};
use crate::protocol::{Entry, ServerFrame};

/// A channel: (workspace, channel id).
pub type Key = (String, String);
/// An open socket.
pub type SocketId = u64;

/// Frames queued per socket before it counts as stuck and is dropped (the page reconnects and
/// gets the history again), so one slow browser cannot grow the server's memory.
const SOCKET_QUEUE: usize = 256;

/// Recent messages per channel and the sockets to push them to.
pub struct Hub {
    limit: usize,
    state: Mutex<State>,
    clock: engine::Clock,
    /// Where what this hub keeps is also sent, for the other replicas' hubs (see
    /// [`crate::sharing`]); `None` in a single process.
    share: std::sync::OnceLock<Share>,
}

/// This replica's side of sharing: ids it makes carry `tag`, what it keeps goes to `out`.
struct Share {
    tag: String,
    out: tokio::sync::mpsc::UnboundedSender<Record>,
}

#[derive(Default)]
struct State {
    rooms: HashMap<Key, VecDeque<Entry>>,
    /// Which channel each kept message is in, so updates (and the sweep's, which name no
    /// channel) find it.
    place: HashMap<String, Key>,
    sockets: HashMap<SocketId, Socket>,
    next_socket: SocketId,
    next_message: u64,
    /// The history file, when there is one.
    journal: Option<Journal>,
}

impl State {
    /// Every kept message as a history record, channel by channel, oldest first.
    fn records(&self) -> Vec<Record> {
        let mut keys: Vec<&Key> = self.rooms.keys().collect();
        keys.sort();
        keys.into_iter()
            .flat_map(|k| {
                self.rooms[k].iter().map(move |e| Record {
                    workspace: k.0.clone(),
                    channel: k.1.clone(),
                    entry: e.clone(),
                })
            })
            .collect()
    }

    /// Appends the change of one kept message to the history file; compacts it when it has
    /// grown enough.
    fn record(&mut self, key: &Key, entry: &Entry) {
        let Some(journal) = self.journal.as_mut() else {
            return;
        };
        let record = Record {
            workspace: key.0.clone(),
            channel: key.1.clone(),
            entry: entry.clone(),
        };
        if journal.append(&record) {
            let records = self.records();
            if let Some(j) = self.journal.as_mut() {
                j.compact(records);
            }
        }
    }

    /// Keeps `entry` as the newest message of the room, dropping the oldest beyond `limit`.
    /// False (and nothing kept) for an unknown channel.
    fn keep(&mut self, limit: usize, key: &Key, entry: Entry) -> bool {
        let Some(room) = self.rooms.get_mut(key) else {
            return false;
        };
        let id = entry.message.id.clone();
        room.push_back(entry);
        let mut evicted = Vec::new();
        while room.len() > limit {
            if let Some(e) = room.pop_front() {
                evicted.push(e.message.id);
            }
        }
        for e in evicted {
            self.place.remove(&e);
        }
        self.place.insert(id, key.clone());
        true
    }
}

/// The number in an id the hub made (`web-u12`, `web-m7`), so ids made after a restart do not
/// repeat those replayed from the history file.
fn hub_number(id: &str) -> Option<u64> {
    let n = id
        .strip_prefix("web-u")
        .or_else(|| id.strip_prefix("web-m"))?;
    // A shared hub's ids end in `-<replica tag>`.
    n.split('-').next()?.parse().ok()
}

struct Socket {
    user: String,
    viewing: Option<Key>,
    tx: mpsc::Sender<String>,
}

fn visible(entry: &Entry, user: &str) -> bool {
    entry.message.only_to.as_deref().is_none_or(|u| u == user)
}

impl Hub {
    /// A hub for these channels, keeping the last `limit` messages of each.
    pub fn new(channels: impl IntoIterator<Item = Key>, limit: usize) -> Hub {
        let state = State {
            rooms: channels.into_iter().map(|k| (k, VecDeque::new())).collect(),
            ..State::default()
        };
        Hub {
            limit: limit.max(1),
            state: Mutex::new(state),
            clock: engine::system_clock(),
            share: std::sync::OnceLock::new(),
        }
    }

    /// From now on, ids this hub makes end in `-tag` (unique among replicas) and every
    /// message it keeps or updates is also sent to `out`. Once only; false if already set.
    pub(crate) fn share_to(
        &self,
        tag: String,
        out: tokio::sync::mpsc::UnboundedSender<Record>,
    ) -> bool {
        self.share.set(Share { tag, out }).is_ok()
    }

    /// A message another replica kept or updated: kept here too and pushed to this replica's
    /// viewers, without being sent on again.
    pub(crate) fn receive(&self, record: Record) {
        let key = (record.workspace, record.channel);
        let mut s = self.lock();
        let id = record.entry.message.id.clone();
        let kept = s
            .rooms
            .get_mut(&key)
            .and_then(|room| room.iter_mut().find(|e| e.message.id == id));
        match kept {
            Some(old) => {
                *old = record.entry.clone();
                s.record(&key, &record.entry);
                let frame = ServerFrame::Update {
                    workspace: &key.0,
                    channel: &key.1,
                    entry: &record.entry,
                };
                push(&mut s, &key, &record.entry, &frame);
            }
            None => self.keep_and_push(&mut s, &key, record.entry),
        }
    }

    /// The suffix of ids this hub makes: empty unless shared.
    fn id_tag(&self) -> String {
        self.share
            .get()
            .map(|sh| format!("-{}", sh.tag))
            .unwrap_or_default()
    }

    /// Sends a kept or updated message to the other replicas, when shared.
    fn send_on(&self, key: &Key, entry: &Entry) {
        if let Some(sh) = self.share.get() {
            let _ = sh.out.send(Record {
                workspace: key.0.clone(),
                channel: key.1.clone(),
                entry: entry.clone(),
            });
        }
    }

    /// Uses another clock for the times messages are first seen.
    #[cfg(test)]
    fn with_clock(mut self, clock: engine::Clock) -> Hub {
        self.clock = clock;
        self
    }

    /// Now, in Unix milliseconds.
    fn now_ms(&self) -> u64 {
        u64::try_from((self.clock)()).unwrap_or(0)
    }

    /// A hub whose history is kept in the file at `path` too: the file's messages are
    /// replayed (those of channels no longer served are dropped, unreadable lines skipped with
    /// a warning), the file is rewritten with only the kept ones, and every later post and
    /// update is appended to it.
    pub fn open(
        channels: impl IntoIterator<Item = Key>,
        limit: usize,
        path: &Path,
    ) -> std::io::Result<Hub> {
        let hub = Hub::new(channels, limit);
        let loaded = journal::read(path)?;
        {
            let mut s = hub.lock();
            let mut dropped = 0usize;
            for r in loaded.records {
                let key = (r.workspace, r.channel);
                if let Some(n) = hub_number(&r.entry.message.id) {
                    s.next_message = s.next_message.max(n);
                }
                let State { rooms, place, .. } = &mut *s;
                let kept = place
                    .get(&r.entry.message.id)
                    .filter(|k| **k == key)
                    .and_then(|k| rooms.get_mut(k))
                    .and_then(|room| room.iter_mut().find(|e| e.message.id == r.entry.message.id));
                match kept {
                    Some(old) => *old = r.entry,
                    None => {
                        if !s.keep(hub.limit, &key, r.entry) {
                            dropped += 1;
                        }
                    }
                }
            }
            if dropped > 0 {
                tracing::info!(
                    path = %path.display(),
                    dropped,
                    "web chat history: messages of channels no longer served were dropped"
                );
            }
            let records = s.records();
            s.journal = Some(Journal::create(path, records)?);
        }
        Ok(hub)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change below leaves the state consistent between statements that can panic,
        // so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the channel is one the server serves.
    pub fn knows(&self, key: &Key) -> bool {
        self.lock().rooms.contains_key(key)
    }

    /// Registers a socket of `user`; frames for it arrive on the receiver.
    pub fn connect(&self, user: &str) -> (SocketId, mpsc::Receiver<String>) {
        let (tx, rx) = mpsc::channel(SOCKET_QUEUE);
        let mut s = self.lock();
        s.next_socket += 1;
        let id = s.next_socket;
        s.sockets.insert(
            id,
            Socket {
                user: user.to_string(),
                viewing: None,
                tx,
            },
        );
        (id, rx)
    }

    pub fn disconnect(&self, id: SocketId) {
        self.lock().sockets.remove(&id);
    }

    /// Queues one frame for one socket (answers and errors meant for it alone).
    pub fn tell(&self, id: SocketId, frame: &ServerFrame<'_>) {
        let mut s = self.lock();
        let stuck = s
            .sockets
            .get(&id)
            .is_some_and(|sock| sock.tx.try_send(frame.to_text()).is_err());
        if stuck {
            s.sockets.remove(&id);
        }
    }

    /// Makes the socket view `key` and queues that channel's history for it, in the same
    /// step, so no message falls between the history and the first push.
    pub fn join(&self, id: SocketId, key: &Key) -> bool {
        let mut s = self.lock();
        let State { rooms, sockets, .. } = &mut *s;
        let (Some(room), Some(sock)) = (rooms.get(key), sockets.get_mut(&id)) else {
            return false;
        };
        sock.viewing = Some(key.clone());
        let frame = ServerFrame::History {
            workspace: &key.0,
            channel: &key.1,
            messages: room.iter().filter(|e| visible(e, &sock.user)).collect(),
        };
        if sock.tx.try_send(frame.to_text()).is_err() {
            sockets.remove(&id);
        }
        true
    }

    /// The channel's recent messages `user` may see, oldest first; `None` for an unknown channel.
    pub fn history(&self, key: &Key, user: &str) -> Option<Vec<Entry>> {
        let s = self.lock();
        let room = s.rooms.get(key)?;
        Some(room.iter().filter(|e| visible(e, user)).cloned().collect())
    }

    /// A message kept in the channel that `user` may see.
    pub fn find(&self, key: &Key, message: &str, user: &str) -> Option<Message> {
        let s = self.lock();
        s.rooms
            .get(key)?
            .iter()
            .find(|e| e.message.id == message && visible(e, user))
            .map(|e| e.message.clone())
    }

    /// Keeps and pushes what `user` typed; returns its message id.
    pub fn say(&self, key: &Key, user: &str, thread: Option<String>, text: &str) -> String {
        let mut s = self.lock();
        s.next_message += 1;
        let id = format!("web-u{}{}", s.next_message, self.id_tag());
        let entry = Entry {
            from: Some(user.to_string()),
            at: self.now_ms(),
            message: Message {
                id: id.clone(),
                thread,
                only_to: None,
                // What the user typed is shown exactly as typed: never read as markup.
                blocks: vec![Block::Text {
                    text: Rich::verbatim(text),
                }],
            },
        };
        self.append(&mut s, key, entry);
        id
    }

    /// Keeps and pushes the handler's answer. `origin` is the channel of the event it answers
    /// (`None` for the sweep): posts go there, or else to the channel of the thread they reply
    /// in; updates go wherever the message they name is kept.
    pub fn apply(&self, origin: Option<&Key>, outbound: Vec<Outbound>) {
        let mut s = self.lock();
        for out in outbound {
            match out {
                Outbound::Post(mut message) => {
                    if message.id.is_empty() {
                        s.next_message += 1;
                        message.id = format!("web-m{}{}", s.next_message, self.id_tag());
                    }
                    if s.place.contains_key(&message.id) {
                        let id = message.id.clone();
                        self.replace(&mut s, origin, &id, message);
                        continue;
                    }
                    let key = origin.cloned().or_else(|| {
                        message
                            .thread
                            .as_ref()
                            .and_then(|t| s.place.get(t).cloned())
                    });
                    match key {
                        Some(key) => {
                            let entry = Entry {
                                from: None,
                                at: self.now_ms(),
                                message,
                            };
                            self.append(&mut s, &key, entry);
                        }
                        None => tracing::warn!(
                            message = %message.id,
                            "a message from the sweep names no channel or known thread; not shown"
                        ),
                    }
                }
                Outbound::Update { message, content } => {
                    self.replace(&mut s, origin, &message, content)
                }
            }
        }
    }

    /// Replaces message `id` in place (keeping its author and time), or adds it to `origin`
    /// when it is no longer kept. An update never widens who sees a message shown to one user.
    fn replace(&self, s: &mut State, origin: Option<&Key>, id: &str, mut content: Message) {
        content.id = id.to_string();
        let Some(key) = s.place.get(id).cloned().or_else(|| origin.cloned()) else {
            tracing::warn!(message = %id, "an update names a message no longer kept; not shown");
            return;
        };
        let old = s
            .rooms
            .get_mut(&key)
            .and_then(|room| room.iter_mut().find(|e| e.message.id == id));
        let Some(old) = old else {
            let entry = Entry {
                from: None,
                at: self.now_ms(),
                message: content,
            };
            self.append(s, &key, entry);
            return;
        };
        if content.only_to.is_none() {
            content.only_to = old.message.only_to.clone();
        }
        old.message = content;
        let entry = old.clone();
        self.send_on(&key, &entry);
        s.record(&key, &entry);
        let frame = ServerFrame::Update {
            workspace: &key.0,
            channel: &key.1,
            entry: &entry,
        };
        push(s, &key, &entry, &frame);
    }

    fn append(&self, s: &mut State, key: &Key, entry: Entry) {
        self.send_on(key, &entry);
        self.keep_and_push(s, key, entry);
    }

    fn keep_and_push(&self, s: &mut State, key: &Key, entry: Entry) {
        if !s.keep(self.limit, key, entry.clone()) {
            tracing::warn!(workspace = %key.0, channel = %key.1, "a message for an unknown channel; not shown");
            return;
        }
        s.record(key, &entry);
        let frame = ServerFrame::Post {
            workspace: &key.0,
            channel: &key.1,
            entry: &entry,
        };
        push(s, key, &entry, &frame);
    }
}

/// Queues `frame` on every socket viewing `key` that may see `entry`; drops stuck sockets.
fn push(s: &mut State, key: &Key, entry: &Entry, frame: &ServerFrame<'_>) {
    let text = frame.to_text();
    let mut stuck = Vec::new();
    for (id, sock) in &s.sockets {
        if sock.viewing.as_ref() == Some(key)
            && visible(entry, &sock.user)
            && sock.tx.try_send(text.clone()).is_err()
        {
            stuck.push(*id);
        }
    }
    for id in stuck {
        s.sockets.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: &str) -> Key {
        ("w".into(), c.into())
    }

    fn bot(id: &str, only_to: Option<&str>, text: &str) -> Message {
        let mut m = Message {
            id: id.into(),
            only_to: only_to.map(str::to_string),
            ..Message::default()
        };
        m.text(text);
        m
    }

    fn frames(rx: &mut mpsc::Receiver<String>) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        while let Ok(t) = rx.try_recv() {
            out.push(serde_json::from_str(&t).expect("json frame"));
        }
        out
    }

    #[test]
    fn history_is_bounded_and_filtered() {
        let hub = Hub::new([key("c")], 3);
        for i in 0..5 {
            hub.apply(
                Some(&key("c")),
                vec![Outbound::Post(bot(&format!("m{i}"), None, "x"))],
            );
        }
        hub.apply(
            Some(&key("c")),
            vec![Outbound::Post(bot("s", Some("alice"), "secret"))],
        );
        let ids = |u: &str| -> Vec<String> {
            hub.history(&key("c"), u)
                .expect("known")
                .into_iter()
                .map(|e| e.message.id)
                .collect()
        };
        assert_eq!(ids("alice"), ["m3", "m4", "s"]);
        assert_eq!(ids("bob"), ["m3", "m4"]);
        assert!(hub.history(&key("nope"), "bob").is_none());
    }

    #[test]
    fn messages_are_timed_by_the_hubs_clock() {
        let hub = Hub::new([key("c")], 10).with_clock(std::sync::Arc::new(|| 1_767_225_600_000));
        hub.say(&key("c"), "alice", None, "hi");
        hub.apply(Some(&key("c")), vec![Outbound::Post(bot("b", None, "x"))]);
        let at: Vec<u64> = hub
            .history(&key("c"), "alice")
            .expect("known")
            .iter()
            .map(|e| e.at)
            .collect();
        assert_eq!(at, [1_767_225_600_000, 1_767_225_600_000]);
    }

    #[test]
    fn pushes_reach_viewers_who_may_see() {
        let hub = Hub::new([key("c"), key("d")], 10);
        let (a, mut ra) = hub.connect("alice");
        let (b, mut rb) = hub.connect("bob");
        let (_, mut idle) = hub.connect("carol");
        assert!(hub.join(a, &key("c")));
        assert!(hub.join(b, &key("c")));
        assert!(!hub.join(b, &key("nope")));
        hub.say(&key("c"), "alice", None, "hi");
        hub.apply(
            Some(&key("c")),
            vec![
                Outbound::Post(bot("p", Some("alice"), "only alice")),
                Outbound::Post(bot("q", None, "all")),
            ],
        );
        let fa = frames(&mut ra);
        let fb = frames(&mut rb);
        assert_eq!(
            fa.iter().map(|f| &f["type"]).collect::<Vec<_>>(),
            ["history", "post", "post", "post"]
        );
        assert_eq!(
            fb.iter().map(|f| &f["type"]).collect::<Vec<_>>(),
            ["history", "post", "post"]
        );
        assert_eq!(fb[1]["from"], "alice");
        assert_eq!(fb[2]["message"]["id"], "q");
        assert!(frames(&mut idle).is_empty());
    }

    #[test]
    fn updates_replace_in_place_and_sweeps_find_the_channel() {
        let hub = Hub::new([key("c"), key("d")], 10);
        hub.apply(
            Some(&key("d")),
            vec![Outbound::Post(bot("m", None, "Run?"))],
        );
        let (a, mut ra) = hub.connect("alice");
        hub.join(a, &key("d"));
        hub.apply(
            None,
            vec![Outbound::Update {
                message: "m".into(),
                content: bot("", None, "expired"),
            }],
        );
        let f = frames(&mut ra);
        assert_eq!(f[1]["type"], "update");
        assert_eq!(f[1]["message"]["id"], "m");
        assert_eq!(f[1]["channel"], "d");
        let h = hub.history(&key("d"), "alice").expect("known");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].message.plain(), "expired");
        // An update of an only-to message stays only-to.
        hub.apply(
            Some(&key("d")),
            vec![Outbound::Post(bot("o", Some("alice"), "x"))],
        );
        hub.apply(
            Some(&key("d")),
            vec![Outbound::Update {
                message: "o".into(),
                content: bot("", None, "y"),
            }],
        );
        assert_eq!(hub.history(&key("d"), "bob").expect("known").len(), 1);
    }

    /// A fresh path for a history file in the system's temporary directory.
    fn temp_path(name: &str) -> std::path::PathBuf {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "webchat-hub-{}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
            (engine::system_clock())()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join(name)
    }

    fn lines(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .expect("read")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect()
    }

    fn run_button(id: &str) -> Message {
        Message {
            id: id.into(),
            thread: None,
            only_to: None,
            blocks: vec![Block::Buttons {
                buttons: vec![engine::Button {
                    label: "Run".into(),
                    action: "run".into(),
                    value: "p1".into(),
                    style: engine::Style::Primary,
                    confirm: None,
                }],
            }],
        }
    }

    #[test]
    fn history_file_is_replayed_after_a_restart() {
        let path = temp_path("h.jsonl");
        {
            let hub = Hub::open([key("c"), key("d")], 10, &path).expect("open");
            let said = hub.say(&key("c"), "alice", None, "sqs create-queue");
            assert_eq!(said, "web-u1");
            hub.apply(Some(&key("c")), vec![Outbound::Post(run_button("confirm"))]);
            hub.apply(
                Some(&key("c")),
                vec![Outbound::Post(bot("", Some("alice"), "only alice"))],
            );
            hub.apply(
                Some(&key("d")),
                vec![Outbound::Post(bot("other", None, "d"))],
            );
            hub.apply(
                Some(&key("d")),
                vec![Outbound::Update {
                    message: "other".into(),
                    content: bot("", None, "d, updated"),
                }],
            );
            // Dropped without closing anything, as a killed server would be.
            std::mem::forget(hub);
        }
        assert_eq!(lines(&path).len(), 5, "one line per post and update");

        let hub = Hub::open([key("c"), key("d")], 10, &path).expect("reopen");
        let c = hub.history(&key("c"), "alice").expect("known");
        assert_eq!(
            c.iter().map(|e| e.message.id.as_str()).collect::<Vec<_>>(),
            ["web-u1", "confirm", "web-m2"]
        );
        assert_eq!(c[0].from.as_deref(), Some("alice"));
        assert_eq!(hub.history(&key("c"), "bob").expect("known").len(), 2);
        let d = hub.history(&key("d"), "bob").expect("known");
        assert_eq!(d.len(), 1, "the update replaced the post");
        assert_eq!(d[0].message.plain(), "d, updated");
        // The replayed buttons can be checked and pressed as before the restart.
        let shown = hub.find(&key("c"), "confirm", "bob").expect("replayed");
        assert!(crate::controls::check_action(&shown, "run", "p1").is_ok());
        // New ids do not repeat replayed ones.
        assert_eq!(hub.say(&key("c"), "bob", None, "hi"), "web-u3");
        // Updates after the restart find the replayed message and are kept too.
        hub.apply(
            None,
            vec![Outbound::Update {
                message: "confirm".into(),
                content: bot("", None, "Run by bob"),
            }],
        );
        drop(hub);
        let hub = Hub::open([key("c")], 10, &path).expect("reopen without d");
        let c = hub.history(&key("c"), "alice").expect("known");
        assert_eq!(c[1].message.plain(), "Run by bob");
        assert!(hub.find(&key("c"), "confirm", "bob").is_some());
        assert!(
            lines(&path).iter().all(|l| l["channel"] == "c"),
            "the channel no longer served was dropped from the file"
        );
        assert_eq!(
            lines(&path).len(),
            4,
            "rewritten with the kept messages only"
        );
    }

    /// Earlier versions kept text as a string in the engine's dialect: such a file still
    /// loads, its text read as spans.
    #[test]
    fn history_written_with_string_text_still_loads() {
        let path = temp_path("h.jsonl");
        {
            let hub = Hub::open([key("c")], 10, &path).expect("open");
            hub.apply(Some(&key("c")), vec![Outbound::Post(bot("old", None, "x"))]);
        }
        let mut line = lines(&path).remove(0);
        line["entry"]["message"]["blocks"][0]["text"] =
            serde_json::json!("<@U1> ran `a *b*` as *ops*");
        std::fs::write(&path, format!("{line}\n")).expect("write");
        let hub = Hub::open([key("c")], 10, &path).expect("reopen");
        let c = hub.history(&key("c"), "alice").expect("known");
        assert_eq!(
            c[0].message.blocks,
            vec![Block::Text {
                text: Rich(vec![
                    engine::Span::Mention("U1".into()),
                    engine::Span::Plain(" ran ".into()),
                    engine::Span::Code("a *b*".into()),
                    engine::Span::Plain(" as ".into()),
                    engine::Span::Strong("ops".into()),
                ])
            }]
        );
        // What the user typed is kept as typed, never read as markup.
        hub.say(&key("c"), "alice", None, "a `b` <@U1>");
        let c = hub.history(&key("c"), "alice").expect("known");
        assert_eq!(
            serde_json::to_value(&c[1].message.blocks).expect("json"),
            serde_json::json!([{"type": "text", "text": [{"type": "plain", "text": "a `b` <@U1>"}]}])
        );
    }

    #[test]
    fn history_file_is_compacted_to_the_kept_messages() {
        let path = temp_path("h.jsonl");
        let hub = Hub::open([key("c"), key("d")], 3, &path).expect("open");
        hub.apply(
            Some(&key("d")),
            vec![Outbound::Post(bot("keep-d", None, "d"))],
        );
        let posts = journal::COMPACT_LINES + 10;
        for i in 0..posts {
            hub.apply(
                Some(&key("c")),
                vec![Outbound::Post(bot(&format!("m{i}"), None, "x"))],
            );
        }
        let n = lines(&path).len();
        assert!(
            n < journal::COMPACT_LINES,
            "compacted: {n} lines after {posts} posts"
        );
        drop(hub);
        let hub = Hub::open([key("c"), key("d")], 3, &path).expect("reopen");
        let ids = |k: &Key| -> Vec<String> {
            hub.history(k, "alice")
                .expect("known")
                .into_iter()
                .map(|e| e.message.id)
                .collect()
        };
        let last = |i: usize| format!("m{}", posts - 3 + i);
        assert_eq!(ids(&key("c")), [last(0), last(1), last(2)]);
        assert_eq!(ids(&key("d")), ["keep-d"]);
        assert_eq!(lines(&path).len(), 4, "the last 3 of c and the one of d");
    }

    /// Collects the WARN events' messages, for checking what was logged.
    #[derive(Default, Clone)]
    struct Warnings(std::sync::Arc<Mutex<Vec<String>>>);

    impl tracing::Subscriber for Warnings {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            struct Text(String);
            impl tracing::field::Visit for Text {
                fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
                    self.0.push_str(&format!("{}={:?} ", f.name(), v));
                }
            }
            if *event.metadata().level() == tracing::Level::WARN {
                let mut t = Text(String::new());
                event.record(&mut t);
                self.0.lock().expect("lock").push(t.0);
            }
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn a_corrupt_line_is_skipped_with_a_warning() {
        let path = temp_path("h.jsonl");
        {
            let hub = Hub::open([key("c")], 10, &path).expect("open");
            hub.apply(Some(&key("c")), vec![Outbound::Post(bot("a", None, "one"))]);
        }
        // A line that is not JSON, one that is JSON but not a record, and a record cut off
        // halfway (as a write interrupted by a power loss would leave it).
        let good = std::fs::read_to_string(&path).expect("read");
        let mut text = good.clone();
        text.push_str("not json at all\n{\"workspace\":\"w\"}\n");
        text.push_str(&good.replace("\"a\"", "\"b\"").replace("one", "two"));
        text.push_str(&good[..good.len() / 2]);
        std::fs::write(&path, text).expect("write");

        let warnings = Warnings::default();
        let hub = tracing::subscriber::with_default(warnings.clone(), || {
            Hub::open([key("c")], 10, &path).expect("a corrupt line is not fatal")
        });
        let ids: Vec<String> = hub
            .history(&key("c"), "alice")
            .expect("known")
            .into_iter()
            .map(|e| e.message.id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let logged = warnings.0.lock().expect("lock").clone();
        assert_eq!(logged.len(), 3, "{logged:?}");
        assert!(
            logged
                .iter()
                .all(|w| w.contains("skipping an unreadable line")),
            "{logged:?}"
        );
        assert!(logged[0].contains("line=2"), "{logged:?}");
        // The file was rewritten without them, and new lines start on a line of their own.
        hub.apply(
            Some(&key("c")),
            vec![Outbound::Post(bot("c", None, "three"))],
        );
        assert_eq!(
            lines(&path)
                .iter()
                .map(|l| l["entry"]["message"]["id"]
                    .as_str()
                    .unwrap_or("")
                    .to_string())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn an_unreadable_history_file_is_an_error() {
        let path = temp_path("dir.jsonl");
        std::fs::create_dir_all(&path).expect("a directory where the file should be");
        assert!(Hub::open([key("c")], 10, &path).is_err());
    }
}
