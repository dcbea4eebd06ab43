//! [`store::Measured`] over SQLite passes the same conformance suite: the timing decorator
//! forwards every call unchanged.

mod measured_in_memory {
    store::conformance_tests!(store::Measured::new(std::sync::Arc::new(
        store::SqliteStore::in_memory().expect("in-memory store")
    )));
}
