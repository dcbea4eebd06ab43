//! Timestamps as the AWS CLI accepts them: ISO 8601 (with or without a zone; UTC assumed
//! when none is given) or seconds since 1970. Normalized to ISO 8601 UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// The ISO 8601 UTC form of a typed timestamp, or `None` when it is not one.
pub fn normalize(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(secs) = t.parse::<f64>() {
        return from_epoch(secs);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(&t.replace(' ', "T")) {
        return Some(format_utc(dt.with_timezone(&Utc)));
    }
    let upper = t.to_ascii_uppercase();
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y%m%dT%H%M%S%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&upper.replace('Z', "+0000"), fmt) {
            return Some(format_utc(dt.with_timezone(&Utc)));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(format_utc(ndt.and_utc()));
        }
    }
    // Written-out dates, as the AWS CLI's date parser also reads them ("May 1 2024").
    for fmt in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%b %d %Y",
        "%B %d %Y",
        "%d %b %Y",
        "%d %B %Y",
        "%b %d, %Y",
        "%B %d, %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some(format_utc(d.and_hms_opt(0, 0, 0)?.and_utc()));
        }
    }
    None
}

/// The ISO 8601 UTC form of seconds since 1970.
pub fn from_epoch(secs: f64) -> Option<String> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round() as u32;
    DateTime::from_timestamp(whole as i64, nanos.min(999_999_999)).map(format_utc)
}

fn format_utc(dt: DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_cli_forms() {
        assert_eq!(
            normalize("2024-05-01T13:00:00Z").unwrap(),
            "2024-05-01T13:00:00Z"
        );
        assert_eq!(
            normalize("2024-05-01T15:00:00+02:00").unwrap(),
            "2024-05-01T13:00:00Z"
        );
        assert_eq!(normalize("2024-05-01").unwrap(), "2024-05-01T00:00:00Z");
        assert_eq!(
            normalize("2024-05-01 13:00:00").unwrap(),
            "2024-05-01T13:00:00Z"
        );
        assert_eq!(normalize("1714568400").unwrap(), "2024-05-01T13:00:00Z");
        assert_eq!(
            normalize("1714568400.5").unwrap(),
            "2024-05-01T13:00:00.500Z"
        );
        assert_eq!(normalize("May 1 2024").unwrap(), "2024-05-01T00:00:00Z");
        assert_eq!(normalize("1 May 2024").unwrap(), "2024-05-01T00:00:00Z");
        assert!(normalize("yesterday").is_none());
        assert!(normalize("2024-13-01").is_none());
        assert!(normalize("NaN").is_none());
    }
}
