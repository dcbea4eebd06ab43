//! The wall clock, read in one place for the whole crate.
//!
//! The surface needs "now" only at its edges: a request's timestamp against the signing
//! window, the store's processed event ids and records, an install state's expiry. The
//! functions that decide take the time as an argument ([`crate::signature::verify`],
//! [`crate::oauth::Installer::install_url`], …), so tests set it; only the HTTP handlers and
//! the records they write ask this module.

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix milliseconds now (0 if the system clock is before 1970).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Unix seconds now (0 if the system clock is before 1970).
pub(crate) fn now_secs() -> i64 {
    now_ms() / 1000
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_and_milliseconds_agree_and_are_after_2020() {
        let ms = super::now_ms();
        let s = super::now_secs();
        assert!(ms > 1_577_836_800_000, "{ms}");
        assert!((s - ms / 1000).abs() <= 1, "{s} vs {ms}");
    }
}
