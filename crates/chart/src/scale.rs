//! Where things go: the plot area in pixels, the y range and its ticks, and the pure mappings
//! from a value to a pixel row and from a time to a pixel column.
//!
//! The drawing code and the tests use the same [`Layout`], so a test can compute the row where
//! the threshold line must be and look for it in the decoded PNG.

use crate::ticks::{self, TimeTicks};
use crate::{ChartError, ChartSpec, Threshold};

/// Margins around the plot area, in pixels: room for the title and unit above, the y labels
/// on the left, the x labels, the date and the legend below.
const MARGIN_LEFT: i32 = 60;
const MARGIN_RIGHT: i32 = 24;
const MARGIN_TOP: i32 = 46;
const MARGIN_BOTTOM: i32 = 50;

/// Aim for a y tick every this many pixels (5 on the default 300 px chart), and at least 3.
const PIXELS_PER_Y_TICK: i32 = 40;

/// The geometry of one chart. Pixel coordinates are `(column, row)` from the top-left corner;
/// the plot area is `left..=right` × `top..=bottom`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub left: i32,
    pub right: i32,
    pub top: i32,
    pub bottom: i32,
    /// The window, epoch ms: `start` is at column `left`, `end` at column `right`.
    pub start: i64,
    pub end: i64,
    /// The y range: `lo` is at row `bottom`, `hi` at row `top`.
    pub lo: f64,
    pub hi: f64,
    /// Values where the y axis has a labelled tick, from `lo` up, with their labels.
    pub y_ticks: Vec<(f64, String)>,
    /// Times where the x axis has a labelled tick, and the date caption.
    pub x_ticks: TimeTicks,
}

impl Layout {
    /// The layout [`crate::render_png`] uses for `spec`: checks the window and the size, and
    /// picks a y range that holds every finite point in the window and the threshold.
    pub fn for_spec(spec: &ChartSpec) -> Result<Layout, ChartError> {
        let (start, end) = spec.window;
        if start >= end {
            return Err(ChartError::Window { start, end });
        }
        let (min_w, min_h) = ChartSpec::MIN_SIZE;
        let (max_w, max_h) = ChartSpec::MAX_SIZE;
        if !(min_w..=max_w).contains(&spec.width) || !(min_h..=max_h).contains(&spec.height) {
            return Err(ChartError::Size {
                width: spec.width,
                height: spec.height,
            });
        }
        let bottom = spec.height as i32 - 1 - MARGIN_BOTTOM;
        let wanted = ((bottom - MARGIN_TOP) / PIXELS_PER_Y_TICK).clamp(3, 8);
        let (lo, hi, y_ticks) = y_range(values_in_window(spec), wanted as f64);
        let (left, right) = (MARGIN_LEFT, spec.width as i32 - 1 - MARGIN_RIGHT);
        Ok(Layout {
            left,
            right,
            top: MARGIN_TOP,
            bottom,
            start,
            end,
            lo,
            hi,
            y_ticks,
            x_ticks: ticks::time_ticks(start, end, (right - left) as u32),
        })
    }

    /// The pixel row of `value`, clamped to the plot area.
    pub fn row_of(&self, value: f64) -> i32 {
        value_to_row(value, self.lo, self.hi, self.top, self.bottom)
    }

    /// The pixel column of time `t` (epoch ms), clamped to the plot area.
    pub fn col_of(&self, t: i64) -> i32 {
        time_to_col(t, self.start, self.end, self.left, self.right)
    }
}

/// The row of `value` on an axis where `lo` is at row `bottom` and `hi` at row `top`, rounded
/// to the nearest pixel and clamped to `top..=bottom`. Works on halves so that a range from
/// `-f64::MAX` to `f64::MAX` does not overflow; a NaN goes to `bottom`.
pub fn value_to_row(value: f64, lo: f64, hi: f64, top: i32, bottom: i32) -> i32 {
    let span = hi / 2.0 - lo / 2.0;
    let frac = if span > 0.0 {
        (hi / 2.0 - value / 2.0) / span
    } else {
        0.5
    };
    if frac.is_nan() {
        return bottom;
    }
    let row = top as f64 + frac * (bottom - top) as f64;
    row.round().clamp(top as f64, bottom as f64) as i32
}

/// The column of time `t` on an axis where `start` is at column `left` and `end` at `right`,
/// rounded and clamped. 128-bit differences: any two `i64` times are allowed.
pub fn time_to_col(t: i64, start: i64, end: i64, left: i32, right: i32) -> i32 {
    let span = end as i128 - start as i128;
    if span <= 0 {
        return left;
    }
    let frac = (t as i128 - start as i128) as f64 / span as f64;
    let col = left as f64 + frac * (right - left) as f64;
    col.round().clamp(left as f64, right as f64) as i32
}

/// Every finite value the chart will draw: the series' and the band's points inside the window,
/// and the threshold (always in range, so the line is always visible).
fn values_in_window(spec: &ChartSpec) -> Vec<f64> {
    let (start, end) = spec.window;
    let in_window = |&&(t, v): &&(i64, f64)| t >= start && t <= end && v.is_finite();
    let mut values: Vec<f64> = spec
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter(in_window).map(|p| p.1))
        .collect();
    match &spec.threshold {
        Threshold::Above(v) | Threshold::Below(v) if v.is_finite() => values.push(*v),
        Threshold::Band { lower, upper } => {
            values.extend(lower.iter().chain(upper).filter(in_window).map(|p| p.1))
        }
        _ => {}
    }
    values
}

/// A y range that holds `values`, with round tick values at its ends where the numbers allow,
/// about `wanted` ticks apart. An empty input gives 0..1; a flat one (a single point, a
/// constant series) is widened so that the line sits in the middle instead of on an edge.
pub fn y_range(values: Vec<f64>, wanted: f64) -> (f64, f64, Vec<(f64, String)>) {
    let mut min = f64::INFINITY;
    let mut max = f64::NEG_INFINITY;
    for v in values.into_iter().filter(|v| v.is_finite()) {
        min = min.min(v);
        max = max.max(v);
    }
    if min > max {
        (min, max) = (0.0, 1.0);
    }
    if max - min <= max.abs().max(min.abs()) * 1e-12 {
        // Flat: widen by 10 % of the value, or by 1 around zero (a series of zeros is common:
        // no errors). Halves keep ±f64::MAX finite.
        let pad = (max.abs() * 0.1).max(1.0);
        (min, max) = (min - pad / 2.0 - pad / 2.0, max + pad / 2.0 + pad / 2.0);
        if !min.is_finite() || !max.is_finite() {
            (min, max) = (min.max(-f64::MAX), max.min(f64::MAX));
        }
    }
    // Zero is where most metrics start (counts, latencies): keep it in view when the data is
    // all positive and not far from it.
    if min > 0.0 && min < max * 0.5 {
        min = 0.0;
    }
    if let Some((lo, hi, step)) = nice_range(min, max, wanted) {
        let n = ((hi - lo) / step).round() as i64;
        let ticks = (0..=n)
            .map(|i| {
                let v = lo + step * i as f64;
                (v, format_value(v, step))
            })
            .collect();
        return (lo, hi, ticks);
    }
    // Numbers too large or too small for round steps: label the ends and the middle.
    let mid = min / 2.0 + max / 2.0;
    let step = max / 2.0 - min / 2.0;
    let ticks = [min, mid, max]
        .into_iter()
        .map(|v| (v, format_value(v, step)))
        .collect();
    (min, max, ticks)
}

/// Extends `min..max` to multiples of a round step (1, 2, 2.5 or 5 × 10ⁿ) giving about
/// `wanted` steps. `None` when the span is not a normal finite number.
fn nice_range(min: f64, max: f64, wanted: f64) -> Option<(f64, f64, f64)> {
    let span = max - min;
    if !span.is_finite() || !span.is_normal() {
        return None;
    }
    let raw = span / wanted.max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)?;
    let lo = (min / step).floor() * step;
    let hi = (max / step).ceil() * step;
    let n = (hi - lo) / step;
    if !step.is_normal() || !lo.is_finite() || !hi.is_finite() || !(1.0..=20.0).contains(&n) {
        return None;
    }
    Some((lo, hi, step))
}

/// A tick label: as many decimals as the step needs, thousands as k/M/G, and scientific
/// notation where neither reads well.
pub fn format_value(v: f64, step: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs().max(step.abs());
    if !(1e-4..1e15).contains(&a) {
        return format!("{v:.2e}");
    }
    let (scaled, scaled_step, suffix) = if a >= 1e12 {
        (v / 1e12, step / 1e12, "T")
    } else if a >= 1e9 {
        (v / 1e9, step / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, step / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, step / 1e3, "k")
    } else {
        (v, step, "")
    };
    let decimals = if scaled_step >= 1.0 || scaled_step <= 0.0 {
        0
    } else {
        ((-scaled_step.log10()).ceil() as usize).min(6)
    };
    let mut s = format!("{scaled:.decimals$}");
    if s.contains('.') {
        // 2.50 reads better as 2.5 when the step is 0.25 and this tick is 2.5.
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s + suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_run_from_hi_at_top_to_lo_at_bottom() {
        assert_eq!(value_to_row(10.0, 0.0, 10.0, 40, 240), 40);
        assert_eq!(value_to_row(0.0, 0.0, 10.0, 40, 240), 240);
        assert_eq!(value_to_row(5.0, 0.0, 10.0, 40, 240), 140);
        assert_eq!(value_to_row(99.0, 0.0, 10.0, 40, 240), 40, "clamped");
        assert_eq!(value_to_row(f64::NAN, 0.0, 10.0, 40, 240), 240);
        assert_eq!(value_to_row(0.0, -f64::MAX, f64::MAX, 0, 100), 50);
    }

    #[test]
    fn columns_run_from_start_to_end() {
        assert_eq!(time_to_col(0, 0, 1000, 10, 110), 10);
        assert_eq!(time_to_col(500, 0, 1000, 10, 110), 60);
        assert_eq!(time_to_col(1000, 0, 1000, 10, 110), 110);
        assert_eq!(time_to_col(i64::MIN, i64::MIN, i64::MAX, 0, 100), 0);
        assert_eq!(time_to_col(i64::MAX, i64::MIN, i64::MAX, 0, 100), 100);
    }

    #[test]
    fn y_range_is_round_and_holds_the_values() {
        let (lo, hi, ticks) = y_range(vec![0.0, 3.0, 7.2], 5.0);
        assert_eq!((lo, hi), (0.0, 8.0));
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "2", "4", "6", "8"]);
    }

    #[test]
    fn flat_and_empty_series_get_a_usable_range() {
        let (lo, hi, _) = y_range(vec![], 5.0);
        assert_eq!((lo, hi), (0.0, 1.0));
        let (lo, hi, _) = y_range(vec![0.0, 0.0], 5.0);
        assert!(lo < 0.0 && hi > 0.0);
        let (lo, hi, _) = y_range(vec![250.0], 5.0);
        assert!(lo < 250.0 && hi > 250.0, "{lo}..{hi}");
        let (lo, hi, t) = y_range(vec![f64::MAX, -f64::MAX], 5.0);
        assert!(lo.is_finite() && hi.is_finite() && t.len() == 3);
        let (lo, hi, _) = y_range(vec![1e-310, 2e-310], 5.0);
        assert!(lo < hi);
    }

    #[test]
    fn labels_read_well() {
        assert_eq!(format_value(2.5, 0.5), "2.5");
        assert_eq!(format_value(0.25, 0.05), "0.25");
        assert_eq!(format_value(15000.0, 5000.0), "15k");
        assert_eq!(format_value(2_500_000.0, 500_000.0), "2.5M");
        assert_eq!(format_value(1e20, 1e19), "1.00e20");
    }
}
