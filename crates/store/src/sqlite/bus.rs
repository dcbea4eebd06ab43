//! Publish/subscribe for SQLite: in-process fan-out. SQLite serves one process, so every
//! store handle on the same file in this process shares one set of subscribers (a
//! process-wide registry keyed by the file's canonical path); an in-memory store has its
//! own. Another process on the same file (the command-line tool) does not see these
//! messages: replicas that must talk use PostgreSQL.

use crate::pubsub::Topics;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

fn registry() -> &'static Mutex<HashMap<PathBuf, Weak<Topics>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<PathBuf, Weak<Topics>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// The subscribers of the database at `path` (shared by every handle on it in this
/// process), or a private set for an in-memory store.
pub(super) fn for_path(path: Option<&Path>) -> Arc<Topics> {
    let Some(path) = path else {
        return Arc::default();
    };
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut map = registry().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(topics) = map.get(&key).and_then(Weak::upgrade) {
        return topics;
    }
    // Forget files whose stores are all gone.
    map.retain(|_, w| w.strong_count() > 0);
    let topics = Arc::new(Topics::default());
    map.insert(key, Arc::downgrade(&topics));
    topics
}
