//! The chart's colours, public so that tests can look for them in the decoded pixels.
//! Opaque colours are drawn exactly; the `*_ALPHA` ones are blended over what is beneath.

use crate::AlarmState;

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// The threshold line and its label: a red used for nothing else, so a test can find the line.
pub const THRESHOLD: Rgb = (222, 45, 38);
/// The breaching side of the threshold, lightly.
pub const BREACH: Rgb = (222, 45, 38);
pub const BREACH_ALPHA: f64 = 0.10;
/// Data points on the breaching side.
pub const BREACH_POINT: Rgb = (200, 30, 30);
/// The evaluation period: amber, so that it reads apart from the red breaching shade.
pub const EVALUATION: Rgb = (255, 170, 50);
pub const EVALUATION_ALPHA: f64 = 0.22;
/// The anomaly band and its edges.
pub const BAND: Rgb = (120, 120, 120);
pub const BAND_ALPHA: f64 = 0.22;
pub const BAND_EDGE: Rgb = (150, 150, 150);
/// Series colours in order (the first is CloudWatch-console blue).
pub const SERIES: [Rgb; 5] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (148, 103, 189),
    (140, 86, 75),
];
pub const GRID: Rgb = (232, 232, 232);
pub const AXIS: Rgb = (120, 120, 120);
pub const TEXT: Rgb = (40, 40, 40);
pub const MUTED: Rgb = (105, 105, 105);

/// The state-change marker's colour: red for ALARM, green for OK, grey otherwise.
pub fn state(state: AlarmState) -> Rgb {
    match state {
        AlarmState::Alarm => (214, 39, 40),
        AlarmState::Ok => (30, 150, 60),
        AlarmState::InsufficientData => (110, 110, 110),
    }
}
