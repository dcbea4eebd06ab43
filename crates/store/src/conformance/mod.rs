//! The behaviour every [`Store`] backend must have, as code: SQLite runs it today and
//! PostgreSQL must pass it unchanged.
//!
//! Each case takes a fresh, empty store (some call `expire_due`, which acts on every row).
//! Cases panic on failure, like tests. In a backend's test file:
//!
//! ```ignore
//! store::conformance_tests!(my_backend::Store::fresh_for_test().unwrap());
//! ```
//!
//! expands to one `#[test]` per case. The durability cases ([`restart_cases`]) and the
//! several-replica cases ([`several_stores_cases`]) need to open the same database more
//! than once, so they take an opener instead.

mod pending;
mod pubsub;
mod races;
mod records;
mod work;

pub use pending::*;
pub use pubsub::*;
pub use races::*;
pub use records::*;
pub use work::*;

use crate::types::{NewPending, UnixMillis, Waiting};
use crate::Store;
use serde_json::json;

/// A base time well after the epoch, so "expired" is never confused with zero.
pub const T0: UnixMillis = 1_800_000_000_000;
/// The engine's default lifetime of a pending command: ten minutes.
pub const LIFETIME: UnixMillis = 10 * 60 * 1000;

/// One conformance case over one store.
pub type Case = fn(&dyn Store);

/// Every case that needs only one store, by name.
pub const CASES: &[(&str, Case)] = &[
    ("pending_create_get_list", pending_create_get_list),
    (
        "pending_update_fills_parameters",
        pending_update_fills_parameters,
    ),
    ("claim_once_sequential", claim_once_sequential),
    ("claim_once_concurrently", claim_once_concurrently),
    ("claim_after_expiry", claim_after_expiry),
    ("cancel_rules", cancel_rules),
    ("cancel_vs_run_race", cancel_vs_run_race),
    ("expire_due_returns_each_once", expire_due_returns_each_once),
    ("prune_pending_keeps_live", prune_pending_keeps_live),
    ("call_json_round_trips", call_json_round_trips),
    ("channel_state_rules", channel_state_rules),
    ("user_roles_rules", user_roles_rules),
    ("alias_crud", alias_crud),
    ("audit_filters_and_order", audit_filters_and_order),
    ("event_ids_idempotent", event_ids_idempotent),
    ("event_ids_concurrent", event_ids_concurrent),
    ("event_ids_forget", event_ids_forget),
    ("surface_records_rules", surface_records_rules),
    ("surface_records_take", surface_records_take),
    ("surface_records_delete", surface_records_delete),
    ("installations_rules", installations_rules),
    ("lease_rules", lease_rules),
    ("lease_exclusive_under_race", lease_exclusive_under_race),
    ("inbox_rules", inbox_rules),
    ("inbox_claims_never_shared", inbox_claims_never_shared),
    ("inbox_held_by_its_receiver", inbox_held_by_its_receiver),
    (
        "inbox_claims_only_the_kind_asked",
        inbox_claims_only_the_kind_asked,
    ),
    ("pubsub_delivers", pubsub_delivers),
    (
        "pubsub_unsubscribe_stops_delivery",
        pubsub_unsubscribe_stops_delivery,
    ),
];

/// Runs every single-store case on `store` in turn (a quick check; the macro gives one test
/// per case, each on a fresh store, which is what CI should use).
pub fn run_all(make: &dyn Fn() -> Box<dyn Store>) {
    for (name, case) in CASES {
        let store = make();
        eprintln!("store conformance: {name}");
        case(store.as_ref());
    }
}

/// Cases that close and reopen the same database. `open` must return a new store over the
/// same underlying data each time (a file, a PostgreSQL database).
pub fn restart_cases(open: &dyn Fn() -> Box<dyn Store>) {
    restart_keeps_pending_claimable_once(open);
    reopen_keeps_everything(open);
    surface_records_survive_reopen(open);
    installations_survive_reopen(open);
}

/// Cases that need several stores over the same data at once (replicas on one database,
/// processes on one file). `open` must return a new store over the same data each time.
pub fn several_stores_cases(open: &dyn Fn() -> Box<dyn Store>) {
    several_stores_claim_exactly_once(open);
    pubsub_reaches_other_stores(open);
}

/// A unique workspace name, so cases never see each other's rows even on a shared database.
pub fn unique_workspace() -> String {
    format!("W{}", crate::new_pending_id().expect("random id"))
}

/// A pending command for `user` in `workspace`/C1, waiting as `waiting`, created at `now`.
pub fn sample_pending(
    workspace: &str,
    user: &str,
    waiting: Waiting,
    now: UnixMillis,
) -> NewPending {
    NewPending {
        workspace: workspace.to_string(),
        channel: "C1".to_string(),
        thread: Some("1712345678.000100".to_string()),
        user: user.to_string(),
        command_text: "lambda invoke --function-name f1".to_string(),
        call: json!({"service": "lambda", "operation": "Invoke",
                     "params": {"FunctionName": "f1"}}),
        waiting,
        message_id: None,
        account: Some("111111111111".to_string()),
        region: Some("eu-west-1".to_string()),
        role: None,
        created_at: now,
        expires_at: now + LIFETIME,
    }
}

/// What the macro's expression produces: a store, or a value owning one plus whatever must
/// live as long as it (a temporary directory, a throwaway PostgreSQL schema).
pub trait Fixture {
    fn store(&self) -> &dyn Store;
}

impl<T: Store> Fixture for T {
    fn store(&self) -> &dyn Store {
        self
    }
}

/// One `#[test]` per conformance case. `$make` is evaluated once per test and must produce a
/// [`Fixture`] over a fresh, empty store (any [`Store`] is one).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@cases $make;
            pending_create_get_list, pending_update_fills_parameters, claim_once_sequential,
            claim_once_concurrently, claim_after_expiry, cancel_rules, cancel_vs_run_race,
            expire_due_returns_each_once, prune_pending_keeps_live, call_json_round_trips,
            channel_state_rules, user_roles_rules, alias_crud, audit_filters_and_order,
            event_ids_idempotent, event_ids_concurrent, event_ids_forget, surface_records_rules,
            surface_records_take, surface_records_delete, installations_rules, lease_rules, lease_exclusive_under_race,
            inbox_rules, inbox_claims_never_shared, inbox_held_by_its_receiver,
            inbox_claims_only_the_kind_asked, pubsub_delivers,
            pubsub_unsubscribe_stops_delivery);
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let fixture = $make;
                $crate::conformance::$case($crate::conformance::Fixture::store(&fixture));
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    /// The macro's list and `CASES` must name the same cases, or a backend silently skips one.
    #[test]
    fn macro_and_case_list_agree() {
        let src = include_str!("mod.rs");
        let start = src.find("@cases $make;").expect("macro arm");
        let body = &src[start + "@cases $make;".len()..];
        let body = &body[..body.find(");").expect("end of list")];
        let in_macro: Vec<&str> = body
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let listed: Vec<&str> = super::CASES.iter().map(|(n, _)| *n).collect();
        assert_eq!(in_macro, listed);
    }
}
