//! The shared conformance suite against PostgreSQL: every case on a fresh throwaway schema
//! with a pool of several connections (so the race cases race in the database, not on a
//! mutex), the restart cases, and the races again through a pool smaller than the number of
//! racing threads.

mod support;

use store::{PostgresOptions, Store};

mod conformance {
    store::conformance_tests!(super::support::fixture());
}

#[test]
fn restart_cases() {
    let schema = support::Schema::new();
    store::conformance::restart_cases(&|| Box::new(schema.open()) as Box<dyn Store>);
}

/// 16 threads pressing Run through 2 connections: callers wait for a free connection, and
/// exactly one press still wins each command.
#[test]
fn races_through_a_small_pool() {
    let schema = support::Schema::new();
    let s = schema.open_with(&PostgresOptions {
        pool_size: 2,
        ..PostgresOptions::default()
    });
    store::conformance::claim_once_concurrently(&s);
    store::conformance::cancel_vs_run_race(&s);
    store::conformance::event_ids_concurrent(&s);
    store::conformance::surface_records_take(&s);
    assert!(s.open_connections() <= 2, "{}", s.open_connections());
}

/// Four stores (four replicas) on one schema, each with its own pool: the guarantees come
/// from the database.
#[test]
fn several_stores_cases() {
    let schema = support::Schema::new();
    store::conformance::several_stores_cases(&|| Box::new(schema.open()) as Box<dyn Store>);
}
