//! CloudWatch metric charts as PNG.
//!
//! A pure library: a metric series and the facts of an alarm (threshold or anomaly band,
//! evaluation period, state change) go in, the bytes of a PNG come out. Nothing is read from
//! the system — the only font is embedded (`assets/`) — so the same [`ChartSpec`] gives the same
//! bytes on every machine, which is what lets the golden images under `tests/golden/` be
//! compared byte for byte.
//!
//! Drawing is done with `plotters` on an in-memory RGB buffer; the PNG is encoded with fixed
//! settings and no metadata (no time stamp), see [`encode`].

mod draw;
pub mod encode;
pub mod palette;
pub mod scale;
mod text;
mod ticks;

pub use scale::Layout;

/// One metric time series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Shown in the legend, e.g. `FunctionName=checkout`.
    pub label: String,
    /// `(epoch milliseconds UTC, value)`. Any order; non-finite values and points outside the
    /// window are skipped rather than refused, since CloudWatch data is what it is.
    pub points: Vec<(i64, f64)>,
}

/// What counts as breaching, drawn as a line (or band) with the breaching side shaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Threshold {
    /// Breaching when the value is above (`>` or `>=`) this threshold; the area above is shaded.
    Above(f64),
    /// Breaching when the value is below (`<` or `<=`) this threshold; the area below is shaded.
    Below(f64),
    /// An anomaly-detection band: breaching outside it. Drawn as a grey filled band between the
    /// two edges, each a `(epoch ms, value)` series like [`Series::points`].
    Band {
        lower: Vec<(i64, f64)>,
        upper: Vec<(i64, f64)>,
    },
    /// No threshold (a plain metric chart).
    #[default]
    None,
}

/// The state an alarm changed into; it picks the colour of the state-change marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    /// Reads CloudWatch's `StateValue` (`OK`, `ALARM`, `INSUFFICIENT_DATA`); `None` for
    /// anything else, so the caller decides what an unknown state means.
    pub fn from_state_value(value: &str) -> Option<Self> {
        match value {
            "OK" => Some(AlarmState::Ok),
            "ALARM" => Some(AlarmState::Alarm),
            "INSUFFICIENT_DATA" => Some(AlarmState::InsufficientData),
            _ => None,
        }
    }

    /// The name CloudWatch uses (`StateValue`), written beside the marker.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// Everything a chart shows. Times are epoch milliseconds, drawn in UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// e.g. `AWS/Lambda Errors (Sum, 60 s)`.
    pub title: String,
    /// The y axis unit, e.g. `Count` or `Milliseconds`.
    pub unit: Option<String>,
    /// Usually one; more are drawn in distinct colours with a legend.
    pub series: Vec<Series>,
    pub threshold: Threshold,
    /// `(start, end)`, epoch ms UTC; `start` must be before `end`.
    pub window: (i64, i64),
    /// A vertical marker at the time the alarm changed state, coloured by the new state.
    pub state_change: Option<(i64, AlarmState)>,
    /// `(start, end)` of the evaluation period, shaded as a light vertical band.
    pub evaluation: Option<(i64, i64)>,
    /// Pixels; see [`ChartSpec::DEFAULT_WIDTH`] and the limits in [`ChartError::Size`].
    pub width: u32,
    pub height: u32,
}

impl ChartSpec {
    /// 800×300 stays legible on a phone, where chat apps show images about 400 points wide
    /// at 2× density.
    pub const DEFAULT_WIDTH: u32 = 800;
    pub const DEFAULT_HEIGHT: u32 = 300;
    /// Smaller than this leaves no room for the axes' labels.
    pub const MIN_SIZE: (u32, u32) = (200, 120);
    /// Larger than this is never needed in chat and would let a caller ask for a huge buffer.
    pub const MAX_SIZE: (u32, u32) = (4096, 4096);

    /// A spec with the default size, no threshold and no alarm facts.
    pub fn new(title: impl Into<String>, window: (i64, i64)) -> Self {
        ChartSpec {
            title: title.into(),
            unit: None,
            series: Vec::new(),
            threshold: Threshold::None,
            window,
            state_change: None,
            evaluation: None,
            width: Self::DEFAULT_WIDTH,
            height: Self::DEFAULT_HEIGHT,
        }
    }
}

/// Why a chart could not be drawn. Bad data points never cause one (they are skipped); only
/// a spec that cannot describe any chart, or a failure inside the drawing or encoding, does.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the chart window must start before it ends, got start {start} ms and end {end} ms")]
    Window { start: i64, end: i64 },
    #[error(
        "the chart size {width}x{height} is out of range: expected {}x{} to {}x{} pixels",
        ChartSpec::MIN_SIZE.0, ChartSpec::MIN_SIZE.1, ChartSpec::MAX_SIZE.0, ChartSpec::MAX_SIZE.1
    )]
    Size { width: u32, height: u32 },
    #[error("the embedded chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(String),
}

/// Draws the chart and encodes it as a PNG.
///
/// Deterministic: the same spec gives the same bytes. Never panics; a window that does not
/// start before it ends or a size out of range is an error, and bad data points are skipped.
///
/// ```
/// use chart::{render_png, AlarmState, ChartSpec, Series, Threshold};
///
/// let end = 1_796_385_600_000; // 2026-12-04T12:00Z
/// let points = (0..180).map(|i| (end - (180 - i) * 60_000, (i % 7) as f64)).collect();
/// let spec = ChartSpec {
///     unit: Some("Count".into()),
///     series: vec![Series { label: "FunctionName=checkout".into(), points }],
///     threshold: Threshold::Above(5.0),
///     state_change: Some((end - 600_000, AlarmState::Alarm)),
///     ..ChartSpec::new("AWS/Lambda Errors (Sum, 60 s)", (end - 3 * 3_600_000, end))
/// };
/// let png = render_png(&spec)?;
/// assert!(png.starts_with(b"\x89PNG"));
/// # Ok::<(), chart::ChartError>(())
/// ```
pub fn render_png(spec: &ChartSpec) -> Result<Vec<u8>, ChartError> {
    let layout = Layout::for_spec(spec)?;
    let rgb = draw::draw(spec, &layout)?;
    encode::png_rgb(&rgb, spec.width, spec.height)
}

#[cfg(test)]
mod tests {
    use super::AlarmState;

    #[test]
    fn state_values_round_trip() {
        for s in [
            AlarmState::Ok,
            AlarmState::Alarm,
            AlarmState::InsufficientData,
        ] {
            assert_eq!(AlarmState::from_state_value(s.as_str()), Some(s));
        }
        assert_eq!(AlarmState::from_state_value("alarm"), None);
    }
}
