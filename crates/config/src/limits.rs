//! `[limits]`: how many commands a user and a channel may start, and whether Slack calls are
//! paced. A rate is written `"N/<duration>"` (`"20/1m"`, `"100/1h"`, `"5/10s"`; a bare unit
//! such as `"20/min"` means one of it), as a whole number per minute (`20`), or as `"off"`
//! / `0` for no limit.

use std::time::Duration;

use crate::error::Reporter;
use crate::model::{Limits, Rate};
use crate::node::Kind;
use crate::reader::Fields;
use crate::values::parse_duration;

const KEYS: &[&str] = &["commands_per_user", "commands_per_channel", "slack_pacing"];

/// The most a limit may allow in one period: more is no limit at all, and a typo.
const MAX_COUNT: u64 = 1_000_000;

const EXPECTED: &str = "expected a rate such as \"20/1m\" (20 a minute), \"100/1h\" or \"5/10s\", a whole number per minute, or \"off\" (no limit)";

/// `[limits]`: the built-in defaults, overridden by what the file sets.
pub(crate) fn read_limits(r: &mut Reporter, top: &Fields) -> Limits {
    let mut limits = Limits::default();
    let Some(entry) = top.get("limits") else {
        return limits;
    };
    let Some(f) = Fields::new(r, &entry.value, "limits", KEYS) else {
        return limits;
    };
    if let Some(rate) = rate(r, &f, "commands_per_user") {
        limits.commands_per_user = rate;
    }
    if let Some(rate) = rate(r, &f, "commands_per_channel") {
        limits.commands_per_channel = rate;
    }
    if let Some(b) = f.opt_bool(r, "slack_pacing") {
        limits.slack_pacing = b.value;
    }
    limits
}

/// The rate at `key`: `Some(None)` when it is turned off, `None` when absent or wrong
/// (reported).
fn rate(r: &mut Reporter, f: &Fields, key: &str) -> Option<Option<Rate>> {
    let entry = f.get(key)?;
    let parsed = match &entry.value.kind {
        Kind::Integer(n) => per_minute(*n),
        Kind::String(s) => parse_rate(s),
        other => Err(format!("{EXPECTED}; found {}", other.describe())),
    };
    match parsed {
        Ok(rate) => Some(rate),
        Err(m) => {
            r.error(&entry.value.span, &f.key(key), m);
            None
        }
    }
}

fn per_minute(n: i64) -> Result<Option<Rate>, String> {
    match u32::try_from(n) {
        Ok(0) => Ok(None),
        Ok(n) if u64::from(n) <= MAX_COUNT => Ok(Some(Rate::per_minute(n))),
        _ => Err(format!(
            "{n} is out of range; expected 0 (no limit) to {MAX_COUNT} commands per minute"
        )),
    }
}

/// Reads `"20/1m"`, `"20/min"`, `"off"`; `Ok(None)` is no limit.
pub(crate) fn parse_rate(text: &str) -> Result<Option<Rate>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let Some((count, period)) = t.split_once('/') else {
        return Err(format!("`{text}` is not a rate; {EXPECTED}"));
    };
    let count = count.trim();
    if count.is_empty() || !count.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`{text}` does not start with a whole number; {EXPECTED}"
        ));
    }
    let count: u64 = count
        .parse()
        .map_err(|_| format!("`{text}` is too large; {EXPECTED}"))?;
    if count > MAX_COUNT {
        return Err(format!(
            "`{text}` allows more than {MAX_COUNT} per period; write \"off\" for no limit"
        ));
    }
    let period = period.trim();
    let per = match period {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "m" | "min" | "minute" => Duration::from_secs(60),
        "h" | "hour" => Duration::from_secs(3600),
        "d" | "day" => Duration::from_secs(86_400),
        _ => parse_duration(period).map_err(|m| format!("`{text}`: the period: {m}"))?,
    };
    if count == 0 {
        return Ok(None);
    }
    Ok(Some(Rate {
        count: count as u32,
        per,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(count: u32, secs: u64) -> Option<Rate> {
        Some(Rate {
            count,
            per: Duration::from_secs(secs),
        })
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("20/1m"), Ok(rate(20, 60)));
        assert_eq!(parse_rate(" 20 / min "), Ok(rate(20, 60)));
        assert_eq!(parse_rate("100/1h"), Ok(rate(100, 3600)));
        assert_eq!(parse_rate("5/10s"), Ok(rate(5, 10)));
        assert_eq!(parse_rate("3/1h30m"), Ok(rate(3, 5400)));
        assert_eq!(parse_rate("off"), Ok(None));
        assert_eq!(parse_rate("OFF"), Ok(None));
        assert_eq!(parse_rate("0/1m"), Ok(None));
        for bad in [
            "20",
            "/1m",
            "x/1m",
            "-1/1m",
            "20/",
            "20/0m",
            "20/1 week",
            "2000000/1m",
        ] {
            let e = parse_rate(bad).unwrap_err();
            assert!(e.contains(bad.trim()), "{bad}: {e}");
        }
    }

    #[test]
    fn integers_are_per_minute() {
        assert_eq!(per_minute(20), Ok(rate(20, 60)));
        assert_eq!(per_minute(0), Ok(None));
        assert!(per_minute(-1).unwrap_err().contains("out of range"));
        assert!(per_minute(5_000_000_000)
            .unwrap_err()
            .contains("out of range"));
    }

    #[test]
    fn described_as_users_read_them() {
        assert_eq!(Rate::per_minute(20).describe(), "20/min");
        assert_eq!(rate(100, 3600).unwrap().describe(), "100/h");
        assert_eq!(rate(5, 10).unwrap().describe(), "5/10s");
        assert_eq!(rate(5, 300).unwrap().describe(), "5/5min");
        assert_eq!(Rate::per_minute(20).period_words(), "minute");
        assert_eq!(rate(5, 10).unwrap().period_words(), "10s");
    }
}
