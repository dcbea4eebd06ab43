//! Whatever the data, `render_png` answers with a PNG or a typed error, never a panic.

use chart::{render_png, AlarmState, ChartError, ChartSpec, Series, Threshold};
use proptest::prelude::*;

/// Values a metric must survive: ordinary, huge, tiny, zero, NaN and infinities.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e3..1e3f64,
        1 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::MAX),
        1 => Just(-f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(5e-324),
        1 => Just(0.0),
    ]
}

/// Times near a 3-hour window most of the time, anywhere in `i64` sometimes.
fn time() -> impl Strategy<Value = i64> {
    prop_oneof![4 => 0..4 * 3_600_000i64, 1 => any::<i64>()]
}

fn points() -> impl Strategy<Value = Vec<(i64, f64)>> {
    prop::collection::vec((time(), value()), 0..40)
}

fn threshold() -> impl Strategy<Value = Threshold> {
    prop_oneof![
        value().prop_map(Threshold::Above),
        value().prop_map(Threshold::Below),
        (points(), points()).prop_map(|(lower, upper)| Threshold::Band { lower, upper }),
        Just(Threshold::None),
    ]
}

fn state() -> impl Strategy<Value = AlarmState> {
    prop_oneof![
        Just(AlarmState::Ok),
        Just(AlarmState::Alarm),
        Just(AlarmState::InsufficientData)
    ]
}

fn spec() -> impl Strategy<Value = ChartSpec> {
    (
        ".{0,60}",
        prop::option::of(".{0,20}"),
        prop::collection::vec((".{0,30}", points()), 0..3),
        threshold(),
        (time(), time()),
        prop::option::of((time(), state())),
        prop::option::of((time(), time())),
        (150..500u32, 100..260u32),
    )
        .prop_map(
            |(
                title,
                unit,
                series,
                threshold,
                window,
                state_change,
                evaluation,
                (width, height),
            )| ChartSpec {
                title,
                unit,
                series: series
                    .into_iter()
                    .map(|(label, points)| Series { label, points })
                    .collect(),
                threshold,
                window,
                state_change,
                evaluation,
                width,
                height,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn render_never_panics(spec in spec()) {
        match render_png(&spec) {
            Ok(png) => prop_assert!(png.starts_with(b"\x89PNG\r\n\x1a\n")),
            Err(ChartError::Window { start, end }) => prop_assert!(start >= end),
            Err(ChartError::Size { width, height }) => prop_assert!(width < 200 || height < 120),
            Err(e) => prop_assert!(false, "unexpected error: {e}"),
        }
    }

    #[test]
    fn a_window_that_runs_backwards_is_an_error(start in any::<i64>(), back in 0..i64::MAX) {
        let spec = ChartSpec::new("t", (start, start.saturating_sub(back)));
        prop_assert!(matches!(render_png(&spec), Err(ChartError::Window { .. })), "{:?}", spec.window);
    }
}
