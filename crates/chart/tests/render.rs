//! What a reader relies on, checked in the decoded pixels: the size, where the threshold line
//! is, which side is shaded, where the evaluation band and the state-change marker are, and
//! that the same spec always gives the same bytes.

mod common;

use chart::{palette, render_png, AlarmState, ChartError, ChartSpec, Layout, Series, Threshold};
use common::{decode, pixel, HOUR, MINUTE, NOON};

type Image = (u32, u32, Vec<u8>);

fn render(spec: &ChartSpec) -> Image {
    decode(&render_png(spec).expect("the chart renders"))
}

/// A row of the plot area near `row` that no grid line, axis or tick crosses.
fn clear_row(layout: &Layout, row: i32) -> i32 {
    let grid: Vec<i32> = layout.y_ticks.iter().map(|t| layout.row_of(t.0)).collect();
    (row..layout.bottom)
        .find(|r| !grid.iter().any(|g| (g - r).abs() <= 1))
        .expect("a clear row")
}

/// The columns of the vertical grid lines (the x ticks).
fn grid_cols(layout: &Layout) -> Vec<i32> {
    layout
        .x_ticks
        .ticks
        .iter()
        .map(|t| layout.col_of(t.0))
        .collect()
}

/// A column near `col` that no vertical grid line crosses.
fn clear_col(layout: &Layout, col: i32) -> i32 {
    let grid = grid_cols(layout);
    (col..layout.right)
        .find(|c| *c > layout.left + 1 && !grid.iter().any(|g| (g - c).abs() <= 1))
        .expect("a clear column")
}

fn is_white(p: (u8, u8, u8)) -> bool {
    p == (255, 255, 255)
}

/// Tinted towards the breaching red: red well above green and blue, and light.
fn is_breach_tint(p: (u8, u8, u8)) -> bool {
    p.0 > 240 && p.0 as i32 - p.1 as i32 > 10 && (p.1 as i32 - p.2 as i32).abs() < 6
}

/// Tinted towards the evaluation amber: blue well below green, green below red.
fn is_evaluation_tint(p: (u8, u8, u8)) -> bool {
    p.0 > 240 && p.1 as i32 - p.2 as i32 > 15 && p.0 > p.1
}

#[test]
fn the_png_decodes_at_the_requested_size() {
    for (w, h) in [(800, 300), (400, 200), (1200, 500), (200, 120)] {
        let spec = ChartSpec {
            width: w,
            height: h,
            ..common::alarm()
        };
        let img = render(&spec);
        assert_eq!((img.0, img.1), (w, h));
        assert_eq!(img.2.len(), (w * h * 3) as usize);
    }
}

#[test]
fn the_default_size_is_800_by_300() {
    let spec = ChartSpec::new("t", (0, HOUR));
    assert_eq!((spec.width, spec.height), (800, 300));
    assert_eq!((render(&spec).0, render(&spec).1), (800, 300));
}

/// The rows of the plot area sorted by how many pixels of the threshold red they hold.
fn threshold_rows(img: &Image, layout: &Layout) -> Vec<(usize, i32)> {
    let mut rows: Vec<(usize, i32)> = (layout.top..=layout.bottom)
        .map(|y| {
            let n = (layout.left..=layout.right)
                .filter(|x| pixel(img, *x, y) == palette::THRESHOLD)
                .count();
            (n, y)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    rows
}

#[test]
fn the_threshold_line_lies_at_the_row_of_its_value_and_is_dashed() {
    for (threshold, value) in [
        (Threshold::Above(5.0), 5.0),
        (Threshold::Above(2.0), 2.0),
        (Threshold::Below(7.5), 7.5),
    ] {
        let spec = ChartSpec {
            threshold,
            ..common::alarm()
        };
        let layout = Layout::for_spec(&spec).expect("a layout");
        let expected = layout.row_of(value);
        let img = render(&spec);
        let rows = threshold_rows(&img, &layout);
        let (count, row) = rows[0];
        assert!(
            (row - expected).abs() <= 1,
            "line at row {row}, expected {expected}"
        );
        let width = (layout.right - layout.left + 1) as usize;
        // Dashes of 8 with gaps of 5: at most 62 % of the row, less where the series crosses.
        assert!(
            count > width * 35 / 100 && count < width * 75 / 100,
            "{count} of {width} red pixels"
        );
        // No other row comes close: it is one horizontal line.
        assert!(rows[2].0 < count / 4, "{:?}", &rows[..3]);
    }
}

#[test]
fn the_value_to_row_mapping_follows_the_y_range() {
    let layout = Layout::for_spec(&common::alarm()).expect("a layout");
    assert_eq!(layout.row_of(layout.hi), layout.top);
    assert_eq!(layout.row_of(layout.lo), layout.bottom);
    assert!(
        layout.lo <= 0.0 && layout.hi >= 10.5,
        "{}..{}",
        layout.lo,
        layout.hi
    );
    let mid = layout.row_of((layout.lo + layout.hi) / 2.0);
    assert!((mid - (layout.top + layout.bottom) / 2).abs() <= 1);
}

#[test]
fn the_breaching_side_is_shaded_above_for_above_and_below_for_below() {
    // No series, so nothing but the grid crosses the areas sampled.
    let base = ChartSpec {
        series: vec![],
        state_change: None,
        evaluation: None,
        ..common::alarm()
    };
    for above in [true, false] {
        let spec = ChartSpec {
            threshold: if above {
                Threshold::Above(0.3)
            } else {
                Threshold::Below(0.3)
            },
            ..base.clone()
        };
        let layout = Layout::for_spec(&spec).expect("a layout");
        let img = render(&spec);
        let row = layout.row_of(0.3);
        let col = clear_col(&layout, layout.left + 20);
        let over = pixel(&img, col, clear_row(&layout, (layout.top + row) / 2));
        let under = pixel(&img, col, clear_row(&layout, (row + layout.bottom) / 2));
        let (shaded, clear) = if above { (over, under) } else { (under, over) };
        assert!(
            is_breach_tint(shaded),
            "above={above}: breaching side {shaded:?}"
        );
        assert!(is_white(clear), "above={above}: other side {clear:?}");
    }
}

#[test]
fn the_evaluation_band_and_state_change_marker_are_at_their_columns() {
    let (eval_start, eval_end, changed) =
        (NOON - 100 * MINUTE, NOON - 70 * MINUTE, NOON - 40 * MINUTE);
    for state in [
        AlarmState::Alarm,
        AlarmState::Ok,
        AlarmState::InsufficientData,
    ] {
        let spec = ChartSpec {
            series: vec![],
            threshold: Threshold::None,
            evaluation: Some((eval_start, eval_end)),
            state_change: Some((changed, state)),
            ..common::alarm()
        };
        let layout = Layout::for_spec(&spec).expect("a layout");
        let img = render(&spec);
        let row = clear_row(&layout, layout.bottom - 12);
        let grid = grid_cols(&layout);
        let tinted: Vec<i32> = (layout.left + 1..=layout.right)
            .filter(|x| !grid.contains(x) && is_evaluation_tint(pixel(&img, *x, row)))
            .collect();
        let (a, b) = (layout.col_of(eval_start), layout.col_of(eval_end));
        assert!(
            (tinted[0] - a).abs() <= 1,
            "band starts at {}, expected {a}",
            tinted[0]
        );
        let last = tinted[tinted.len() - 1];
        assert!((last - b).abs() <= 1, "band ends at {last}, expected {b}");
        assert_eq!(
            tinted.len() as i32,
            last - tinted[0] + 1
                - grid
                    .iter()
                    .filter(|g| **g > tinted[0] && **g < last)
                    .count() as i32,
            "one band"
        );

        let marker: Vec<i32> = (layout.left..=layout.right)
            .filter(|x| pixel(&img, *x, row) == palette::state(state))
            .collect();
        let c = layout.col_of(changed);
        assert!(
            !marker.is_empty() && marker.iter().all(|x| (x - c).abs() <= 2),
            "{state:?}: marker at {marker:?}, expected {c}"
        );
    }
}

#[test]
fn the_same_spec_gives_the_same_bytes_and_another_spec_other_bytes() {
    let spec = common::alarm();
    let first = render_png(&spec).expect("renders");
    assert_eq!(first, render_png(&spec.clone()).expect("renders"));

    let mut other_value = spec.clone();
    other_value.series[0].points[100].1 += 1.0;
    let mut other_threshold = spec.clone();
    other_threshold.threshold = Threshold::Above(6.0);
    let mut other_title = spec.clone();
    other_title.title.push('!');
    for other in [other_value, other_threshold, other_title] {
        assert_ne!(first, render_png(&other).expect("renders"));
    }
}

#[test]
fn the_png_carries_no_time_stamp_or_text_chunks() {
    let png = render_png(&common::ok()).expect("renders");
    for chunk in [b"tIME", b"tEXt", b"iTXt", b"zTXt"] {
        assert!(
            !png.windows(4).any(|w| w == chunk),
            "{}",
            String::from_utf8_lossy(chunk)
        );
    }
}

#[test]
fn no_data_draws_empty_axes_with_a_message() {
    let spec = common::nodata();
    let layout = Layout::for_spec(&spec).expect("a layout");
    let img = render(&spec);
    let (cx, cy) = (
        (layout.left + layout.right) / 2,
        (layout.top + layout.bottom) / 2,
    );
    // Dark text in the middle of the plot area, and no series colour anywhere in it.
    let dark = (cx - 80..cx + 80)
        .flat_map(|x| (cy - 8..cy + 8).map(move |y| (x, y)))
        .filter(|&(x, y)| pixel(&img, x, y).0 < 160)
        .count();
    assert!(dark > 100, "{dark} dark pixels in the message box");
    let blue = (layout.left..=layout.right)
        .flat_map(|x| (layout.top..=layout.bottom).map(move |y| (x, y)))
        .filter(|&(x, y)| pixel(&img, x, y) == palette::SERIES[0])
        .count();
    assert_eq!(blue, 0);
}

#[test]
fn points_outside_the_window_and_bad_values_are_skipped() {
    let clean = ChartSpec {
        series: vec![Series {
            label: "s".into(),
            points: vec![(NOON - HOUR, 1.0), (NOON - 30 * MINUTE, 3.0)],
        }],
        ..ChartSpec::new("t", (NOON - 2 * HOUR, NOON))
    };
    let mut noisy = clean.clone();
    noisy.series[0].points.extend([
        (NOON - 40 * MINUTE, f64::NAN),
        (NOON - 20 * MINUTE, f64::INFINITY),
        (NOON + HOUR, 1e9),
        (NOON - 5 * HOUR, -1e9),
    ]);
    noisy.series[0].points.reverse();
    assert_eq!(
        render_png(&clean).expect("renders"),
        render_png(&noisy).expect("renders")
    );
}

#[test]
fn a_flat_series_or_single_point_gets_a_range_around_it() {
    for points in [
        vec![(NOON - HOUR, 0.0)],
        vec![(NOON - HOUR, 42.0), (NOON - 50 * MINUTE, 42.0)],
    ] {
        let v = points[0].1;
        let spec = ChartSpec {
            series: vec![Series {
                label: "s".into(),
                points,
            }],
            ..ChartSpec::new("t", (NOON - 2 * HOUR, NOON))
        };
        let layout = Layout::for_spec(&spec).expect("a layout");
        assert!(
            layout.lo < v && v < layout.hi,
            "{v} in {}..{}",
            layout.lo,
            layout.hi
        );
        let row = layout.row_of(v);
        assert!(row > layout.top && row < layout.bottom);
        render(&spec);
    }
}

#[test]
fn the_threshold_is_always_in_the_y_range() {
    let spec = ChartSpec {
        threshold: Threshold::Above(1000.0),
        ..common::alarm()
    };
    let layout = Layout::for_spec(&spec).expect("a layout");
    assert!(layout.hi >= 1000.0 && layout.lo <= 0.0);
}

#[test]
fn a_window_that_does_not_run_forward_or_a_bad_size_is_an_error() {
    let backwards = ChartSpec::new("t", (NOON, NOON - HOUR));
    assert!(matches!(
        render_png(&backwards),
        Err(ChartError::Window { .. })
    ));
    let empty = ChartSpec::new("t", (NOON, NOON));
    assert!(matches!(render_png(&empty), Err(ChartError::Window { .. })));
    for (width, height) in [(0, 300), (800, 0), (199, 300), (800, 5000)] {
        let spec = ChartSpec {
            width,
            height,
            ..common::alarm()
        };
        let err = render_png(&spec).expect_err("out of range");
        assert!(matches!(err, ChartError::Size { .. }));
        assert!(err.to_string().contains("200x120"), "{err}");
    }
}

#[test]
fn a_huge_title_or_label_is_cut_to_fit_quickly() {
    let mut spec = common::alarm();
    spec.title = "AWS/Lambda Errors ".repeat(50_000);
    spec.unit = Some("u".repeat(100_000));
    spec.series[0].label = "x".repeat(100_000);
    let started = std::time::Instant::now();
    let img = render(&spec);
    assert_eq!((img.0, img.1), (800, 300));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
