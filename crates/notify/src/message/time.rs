//! Timestamps as AWS writes them: alarm messages use `2025-03-01T10:05:37.912+0000`
//! (not RFC 3339), EventBridge uses RFC 3339 `Z`, Health uses RFC 2822 and SSM
//! Automation `Nov 29, 2024 7:43:25 PM`. They are shown in one UTC form; text that is
//! none of these is shown as it came.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// The instant a timestamp names, in any of the forms above.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%b %d, %Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    None
}

/// An instant as shown in messages: `2025-03-01 10:05:37 UTC`.
pub fn show(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A timestamp as shown in messages, or the text itself when it is no known form.
pub fn show_text(s: &str) -> String {
    parse(s).map(show).unwrap_or_else(|| s.trim().to_string())
}

/// Unix milliseconds as shown in messages (`None` when out of range).
pub fn show_ms(ms: i64) -> Option<String> {
    Utc.timestamp_millis_opt(ms).single().map(show)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aws_form_reads_to_the_same_instant() {
        let want = "2025-03-01 10:05:37 UTC";
        for s in [
            "2025-03-01T10:05:37.912+0000",
            "2025-03-01T10:05:37+0000",
            "2025-03-01T10:05:37.912Z",
            "2025-03-01T10:05:37Z",
            "2025-03-01T11:05:37+01:00",
            "Sat, 01 Mar 2025 10:05:37 GMT",
            "Mar 01, 2025 10:05:37 AM",
        ] {
            assert_eq!(show_text(s), want, "{s}");
        }
        assert_eq!(show_text("yesterday"), "yesterday");
        assert_eq!(show_ms(0).as_deref(), Some("1970-01-01 00:00:00 UTC"));
        assert_eq!(show_ms(i64::MAX), None);
    }
}
