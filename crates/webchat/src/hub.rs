//! The channels' recent messages and the open sockets viewing them: every message posted or
//! updated is kept here and pushed to each socket that views its channel and may see it.
//!
//! History lives in memory only (the engine keeps what must survive a restart); it lets a
//! reload, a second tab or a second user see what was said recently.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use engine::{Block, Message, Outbound};
use tokio::sync::mpsc;

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
}

struct Socket {
    user: String,
    viewing: Option<Key>,
    tx: mpsc::Sender<String>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
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
        }
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
        let id = format!("web-u{}", s.next_message);
        let entry = Entry {
            from: Some(user.to_string()),
            at: now_ms(),
            message: Message {
                id: id.clone(),
                thread,
                only_to: None,
                blocks: vec![Block::Text {
                    text: text.to_string(),
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
                        message.id = format!("web-m{}", s.next_message);
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
                                at: now_ms(),
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
                at: now_ms(),
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
        let frame = ServerFrame::Update {
            workspace: &key.0,
            channel: &key.1,
            entry: &entry,
        };
        push(s, &key, &entry, &frame);
    }

    fn append(&self, s: &mut State, key: &Key, entry: Entry) {
        let Some(room) = s.rooms.get_mut(key) else {
            tracing::warn!(workspace = %key.0, channel = %key.1, "a message for an unknown channel; not shown");
            return;
        };
        room.push_back(entry.clone());
        let mut evicted = Vec::new();
        while room.len() > self.limit {
            if let Some(e) = room.pop_front() {
                evicted.push(e.message.id);
            }
        }
        for id in evicted {
            s.place.remove(&id);
        }
        s.place.insert(entry.message.id.clone(), key.clone());
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
}
