//! The shared conformance suite against SQLite: in memory, on a file, and the restart cases
//! on a file.

use store::conformance::Fixture;
use store::{SqliteStore, Store};

mod in_memory {
    store::conformance_tests!(store::SqliteStore::in_memory().expect("in-memory store"));
}

/// A store on a file in a fresh temporary directory (deleted with it), under a directory
/// that does not exist yet so `open` must create it.
struct FileStore {
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl Fixture for FileStore {
    fn store(&self) -> &dyn Store {
        &self.store
    }
}

fn file_store() -> FileStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("nested/dir/chatops.db")).expect("open");
    FileStore { store, _dir: dir }
}

mod on_file {
    store::conformance_tests!(super::file_store());
}

#[test]
fn restart_cases_on_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chatops.db");
    store::conformance::restart_cases(&|| {
        Box::new(SqliteStore::open(&path).expect("reopen")) as Box<dyn Store>
    });
}

#[test]
fn run_all_in_memory() {
    store::conformance::run_all(&|| Box::new(SqliteStore::in_memory().unwrap()));
}
