//! An engine for the tests and benchmarks of every crate built on it (the engine's own, the
//! surfaces', the binary's), so none of them assembles one by hand: a configuration from TOML
//! text, fixed test credentials, the service models loaded once per process, and a clock the
//! test moves. Behind the `testing` feature, never in the release binary.

use crate::{Clock, Engine, Options, Runner};
use command::Catalog;
use config::Config;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use store::Store;

/// The embedded service models, opened once per test process.
pub fn catalog() -> Arc<Catalog> {
    static CAT: OnceLock<Arc<Catalog>> = OnceLock::new();
    CAT.get_or_init(|| Arc::new(Catalog::open(None).expect("the embedded models open")))
        .clone()
}

/// A configuration from TOML text, checked as `chatops serve` checks a file; panics with
/// every problem (a test's configuration is part of the test).
pub fn config(toml: &str) -> Config {
    config::load_str(toml, Path::new("test.toml"), &authz::resolve::ConfigCatalog)
        .unwrap_or_else(|e| panic!("the test configuration does not load:\n{e}"))
}

/// An engine on `toml`, signing with the keys `testing`/`testing` (what moto accepts).
/// Without a `[limits]` section the command limits are off (tests and benchmarks send
/// many commands at a clock that stands still); a test of the limits writes the section.
pub fn engine(toml: &str, store: Arc<dyn Store>, opts: Options) -> Engine {
    let cat = catalog();
    let client = wire::client::Client::with_keys("testing", "testing");
    let runner = Runner::new(cat.models.clone(), client, Duration::from_secs(10));
    let mut cfg = config(toml);
    if !toml.lines().any(|l| l.trim() == "[limits]") {
        cfg.limits.commands_per_user = None;
        cfg.limits.commands_per_channel = None;
    }
    Engine::new(Arc::new(cfg), cat, store, runner, opts)
}

/// A clock that stands still until the test moves it: the clock and its hand (milliseconds
/// since 1970).
pub fn settable_clock(start_ms: i64) -> (Clock, Arc<AtomicI64>) {
    let hand = Arc::new(AtomicI64::new(start_ms));
    let read = hand.clone();
    (Arc::new(move || read.load(Ordering::SeqCst)), hand)
}
