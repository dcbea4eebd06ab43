//! The time axis: round UTC tick times (every 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours,
//! then whole days) and their labels, HH:MM within a day and MM-DD beyond, plus a caption
//! with the date, since HH:MM alone does not say which day an alarm fired.

use chrono::{DateTime, Utc};

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// Steps a reader can count in, in milliseconds, smallest first.
const STEPS: [i64; 11] = [
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    60 * MINUTE,
    120 * MINUTE,
    180 * MINUTE,
    360 * MINUTE,
    720 * MINUTE,
];

/// An HH:MM label needs about this many pixels with room to breathe.
const PIXELS_PER_TICK: u32 = 90;

/// The labelled times of the x axis and the caption naming the date(s).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeTicks {
    /// `(epoch ms, label)`, inside the window, ascending.
    pub ticks: Vec<(i64, String)>,
    /// e.g. `UTC · 2026-12-04`, or `UTC · 2026-12-04 → 2026-12-05` across midnight.
    pub caption: String,
}

/// Ticks for the window `start..=end` (start < end) drawn `pixels` wide.
pub fn time_ticks(start: i64, end: i64, pixels: u32) -> TimeTicks {
    let wanted = (pixels / PIXELS_PER_TICK).max(2) as i128;
    let span = end as i128 - start as i128;
    let step: i128 = match STEPS.iter().find(|s| span / (**s as i128) <= wanted) {
        Some(s) => *s as i128,
        None => {
            // Whole days, in 1-2-5 multiples, so that even a window of ages gets a few ticks.
            let mut days: i128 = 1;
            let mut k = 0;
            while span / (days * DAY as i128) > wanted {
                days = [1, 2, 5][(k + 1) % 3] * 10i128.pow((k as u32 + 1) / 3);
                k += 1;
            }
            days * DAY as i128
        }
    };
    let first = (start as i128).div_euclid(step) * step
        + if (start as i128).rem_euclid(step) == 0 {
            0
        } else {
            step
        };
    // Within a day HH:MM says it all (the caption has the date); across days, midnight ticks
    // name their day so that "12:00" is not ambiguous.
    let multi_day = span > DAY as i128;
    let label = |t: i64| match DateTime::<Utc>::from_timestamp_millis(t) {
        Some(d) if step >= DAY as i128 => d.format("%m-%d").to_string(),
        Some(d) if multi_day && t.rem_euclid(DAY) == 0 => d.format("%m-%d").to_string(),
        Some(d) => d.format("%H:%M").to_string(),
        None => "?".to_string(),
    };
    let ticks = (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= end as i128)
        .take(64)
        .filter_map(|t| i64::try_from(t).ok())
        .map(|t| (t, label(t)))
        .collect();
    TimeTicks {
        ticks,
        caption: caption(start, end),
    }
}

fn caption(start: i64, end: i64) -> String {
    let day = |t: i64| {
        DateTime::<Utc>::from_timestamp_millis(t)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "?".to_string())
    };
    let (a, b) = (day(start), day(end));
    if a == b {
        format!("UTC · {a}")
    } else {
        format!("UTC · {a} → {b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-04T12:00:00Z
    const NOON: i64 = 1_796_385_600_000;

    #[test]
    fn three_hours_get_half_hour_ticks_labelled_hh_mm() {
        let t = time_ticks(NOON - 3 * 60 * MINUTE, NOON, 712);
        let labels: Vec<&str> = t.ticks.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            labels,
            ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"]
        );
        assert_eq!(t.caption, "UTC · 2026-12-04");
    }

    #[test]
    fn ticks_start_at_the_first_round_time_inside_the_window() {
        let t = time_ticks(NOON + 7 * MINUTE, NOON + 67 * MINUTE, 712);
        assert_eq!(t.ticks.first().map(|x| x.1.as_str()), Some("12:10"));
        assert!(t.ticks.iter().all(|x| x.0 >= NOON + 7 * MINUTE));
    }

    #[test]
    fn across_days_midnight_ticks_name_the_day() {
        let t = time_ticks(NOON - 3 * DAY, NOON, 712);
        let labels: Vec<&str> = t.ticks.iter().map(|x| x.1.as_str()).collect();
        assert!(
            labels.contains(&"12-02") && labels.contains(&"12:00"),
            "{labels:?}"
        );
        assert_eq!(t.caption, "UTC · 2026-12-01 → 2026-12-04");
    }

    #[test]
    fn long_and_extreme_windows_stay_bounded() {
        let t = time_ticks(NOON - 30 * DAY, NOON, 712);
        assert!(t.ticks.len() <= 9 && t.ticks.len() >= 2, "{t:?}");
        assert!(t.ticks[0].1.contains('-'));
        let t = time_ticks(i64::MIN, i64::MAX, 712);
        assert!(t.ticks.len() <= 64);
        assert!(t.caption.contains('?'));
    }
}
