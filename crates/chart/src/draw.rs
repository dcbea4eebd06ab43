//! Paints a [`ChartSpec`] onto an RGB buffer with plotters, in pixel coordinates taken from the
//! [`Layout`], so that what the tests compute with the layout is exactly where things are drawn.
//!
//! Back to front: grid, evaluation band, breaching shade or anomaly band, axes, threshold,
//! series, state-change marker, then the text.

use std::collections::BTreeMap;

use plotters::backend::BitMapBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::style::{Color, RGBColor};

use crate::palette::{self, Rgb};
use crate::scale::format_value;
use crate::text::{self, HAlign as HPos, Label, VAlign as VPos};
use crate::{AlarmState, ChartError, ChartSpec, Layout, Threshold};

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Text sizes in pixels (em): 14 px labels are the smallest that stay readable when a chat client
/// shows an 800 px image at phone width.
const LABEL_PX: f32 = 14.0;
const TITLE_PX: f32 = 19.0;
const NOTE_PX: f32 = 18.0;
/// No chart line holds more characters than this, even at 4096 px wide.
const MAX_TEXT_CHARS: usize = 400;
/// A dash and the gap after it, for the threshold line.
const DASH: i32 = 8;
const GAP: i32 = 5;

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Draws the chart and returns its pixels, 3 bytes each, rows top to bottom: shapes with
/// plotters first, then the text on top.
pub fn draw(spec: &ChartSpec, layout: &Layout) -> Result<Vec<u8>, ChartError> {
    let mut buf = vec![255u8; spec.width as usize * spec.height as usize * 3];
    let labels = {
        let root =
            BitMapBackend::with_buffer(&mut buf, (spec.width, spec.height)).into_drawing_area();
        let mut painter = Painter {
            area: &root,
            layout,
            labels: Vec::new(),
            threshold_label: None,
        };
        painter.paint(spec)?;
        root.present().map_err(draw_err)?;
        painter.labels
    };
    for label in &labels {
        text::draw(&mut buf, spec.width, spec.height, label)?;
    }
    Ok(buf)
}

struct Painter<'p, 'a> {
    area: &'p Area<'a>,
    layout: &'p Layout,
    /// Text to draw once the shapes are done.
    labels: Vec<Label>,
    /// Where the threshold's label is, `(x0, y0, x1, y1)`, for the marker's label to avoid.
    threshold_label: Option<(i32, i32, i32, i32)>,
}

impl Painter<'_, '_> {
    fn paint(&mut self, spec: &ChartSpec) -> Result<(), ChartError> {
        let l = self.layout;
        self.grid()?;
        if let Some((a, b)) = spec.evaluation {
            let (a, b) = (a.min(b), a.max(b));
            if b >= l.start && a <= l.end {
                let (x0, x1) = (l.col_of(a), l.col_of(b));
                self.fill(
                    x0,
                    l.top,
                    x1.max(x0 + 1),
                    l.bottom + 1,
                    rgb(palette::EVALUATION).mix(palette::EVALUATION_ALPHA),
                )?;
            }
        }
        match &spec.threshold {
            Threshold::Above(v) if v.is_finite() => {
                let row = l.row_of(*v);
                self.fill(
                    l.left,
                    l.top,
                    l.right + 1,
                    row,
                    rgb(palette::BREACH).mix(palette::BREACH_ALPHA),
                )?;
            }
            Threshold::Below(v) if v.is_finite() => {
                let row = l.row_of(*v);
                self.fill(
                    l.left,
                    row + 2,
                    l.right + 1,
                    l.bottom + 1,
                    rgb(palette::BREACH).mix(palette::BREACH_ALPHA),
                )?;
            }
            Threshold::Band { lower, upper } => self.band(spec, lower, upper)?,
            _ => {}
        }
        self.axes()?;
        self.threshold(&spec.threshold)?;
        let drawn = self.series(spec)?;
        if let Some((t, state)) = spec.state_change {
            if t >= l.start && t <= l.end {
                self.marker(t, state)?;
            }
        }
        self.labels(spec)?;
        if !drawn {
            self.no_data()?;
        }
        Ok(())
    }

    /// Fills the half-open pixel rectangle `x0..x1` × `y0..y1`.
    fn fill<C: Color>(
        &self,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        color: C,
    ) -> Result<(), ChartError> {
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        // plotters fills rectangles from the first corner up to, not including, the second.
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))
            .map_err(draw_err)
    }

    /// Queues text to draw after the shapes.
    fn text(
        &mut self,
        s: &str,
        at: (i32, i32),
        px: f32,
        color: Rgb,
        h: HPos,
        v: VPos,
    ) -> Result<(), ChartError> {
        self.labels.push(Label {
            text: s.to_string(),
            at,
            px,
            color,
            h,
            v,
        });
        Ok(())
    }

    fn text_width(&self, s: &str, px: f32) -> Result<i32, ChartError> {
        Ok(text::width(s, px)?.ceil() as i32)
    }

    /// Cuts `s` with an ellipsis until it fits in `max` pixels. Only the first
    /// [`MAX_TEXT_CHARS`] characters are considered, so a huge title costs no more than a long
    /// one (each step measures the whole string).
    fn fit(&self, s: &str, px: f32, max: i32) -> Result<String, ChartError> {
        let mut chars: Vec<char> = s
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_TEXT_CHARS)
            .collect();
        if s.chars()
            .filter(|c| !c.is_control())
            .nth(MAX_TEXT_CHARS)
            .is_some()
        {
            chars.push('…');
        }
        let mut out: String = chars.iter().collect();
        while !chars.is_empty() && self.text_width(&out, px)? > max {
            chars.pop();
            out = chars.iter().collect::<String>() + "…";
        }
        Ok(out)
    }

    /// "No datapoints in this window" on a white card in the middle of the empty axes, so that
    /// it reads even where the threshold line passes behind it.
    fn no_data(&mut self) -> Result<(), ChartError> {
        let l = self.layout;
        let message = "No datapoints in this window";
        let (cx, cy) = ((l.left + l.right) / 2, (l.top + l.bottom) / 2);
        let half = self.text_width(message, NOTE_PX)? / 2 + 12;
        self.fill(
            cx - half - 1,
            cy - 17,
            cx + half + 1,
            cy + 17,
            rgb(palette::GRID),
        )?;
        self.fill(cx - half, cy - 16, cx + half, cy + 16, rgb((255, 255, 255)))?;
        self.text(
            message,
            (cx, cy),
            NOTE_PX,
            palette::MUTED,
            HPos::Center,
            VPos::Middle,
        )
    }

    fn grid(&self) -> Result<(), ChartError> {
        let l = self.layout;
        for (v, _) in &l.y_ticks {
            let row = l.row_of(*v);
            self.fill(l.left, row, l.right + 1, row + 1, rgb(palette::GRID))?;
        }
        for (t, _) in &l.x_ticks.ticks {
            let col = l.col_of(*t);
            self.fill(col, l.top, col + 1, l.bottom + 1, rgb(palette::GRID))?;
        }
        Ok(())
    }

    fn axes(&self) -> Result<(), ChartError> {
        let l = self.layout;
        let axis = rgb(palette::AXIS);
        self.fill(l.left, l.top, l.left + 1, l.bottom + 1, axis)?;
        self.fill(l.left, l.bottom, l.right + 1, l.bottom + 1, axis)?;
        for (t, _) in &l.x_ticks.ticks {
            let col = l.col_of(*t);
            self.fill(col, l.bottom, col + 1, l.bottom + 5, axis)?;
        }
        for (v, _) in &l.y_ticks {
            let row = l.row_of(*v);
            self.fill(l.left - 4, row, l.left, row + 1, axis)?;
        }
        Ok(())
    }

    /// The anomaly band: a grey polygon along the upper edge and back along the lower one.
    fn band(
        &self,
        spec: &ChartSpec,
        lower: &[(i64, f64)],
        upper: &[(i64, f64)],
    ) -> Result<(), ChartError> {
        let lower = self.pixels(spec, lower);
        let upper = self.pixels(spec, upper);
        if lower.is_empty() || upper.is_empty() {
            return Ok(());
        }
        let outline: Vec<(i32, i32)> = upper
            .iter()
            .copied()
            .chain(lower.iter().rev().copied())
            .collect();
        self.area
            .draw(&Polygon::new(
                outline,
                rgb(palette::BAND).mix(palette::BAND_ALPHA).filled(),
            ))
            .map_err(draw_err)?;
        for edge in [upper, lower] {
            self.area
                .draw(&PathElement::new(edge, rgb(palette::BAND_EDGE)))
                .map_err(draw_err)?;
        }
        Ok(())
    }

    /// The finite points inside the window, in time order, as pixels.
    fn pixels(&self, spec: &ChartSpec, points: &[(i64, f64)]) -> Vec<(i32, i32)> {
        clean(points, spec.window)
            .into_iter()
            .map(|(t, v)| (self.layout.col_of(t), self.layout.row_of(v)))
            .collect()
    }

    /// The red dashed line, two pixels thick, starting at row `row_of(threshold)`, and its label
    /// at the right end on the breaching side.
    fn threshold(&mut self, threshold: &Threshold) -> Result<(), ChartError> {
        let l = self.layout;
        let (v, above) = match threshold {
            Threshold::Above(v) if v.is_finite() => (*v, true),
            Threshold::Below(v) if v.is_finite() => (*v, false),
            _ => return Ok(()),
        };
        let row = l.row_of(v);
        let mut x = l.left + 1;
        while x <= l.right {
            self.fill(
                x,
                row,
                (x + DASH).min(l.right + 1),
                row + 2,
                rgb(palette::THRESHOLD),
            )?;
            x += DASH + GAP;
        }
        let value = format_value(v, (v.abs() * 1e-4).max(1e-4));
        // On the breaching side, unless that would leave the plot area.
        let room = LABEL_PX as i32 + 6;
        let label_above = if above {
            row - room >= l.top
        } else {
            row + room > l.bottom
        };
        let label = format!("{} {value}", if above { ">" } else { "<" });
        let (anchor, y) = if label_above {
            (VPos::Bottom, row - 3)
        } else {
            (VPos::Top, row + 5)
        };
        let (x1, w) = (l.right - 4, self.text_width(&label, LABEL_PX)?);
        let h = (LABEL_PX * 1.2) as i32;
        let (y0, y1) = if label_above { (y - h, y) } else { (y, y + h) };
        self.threshold_label = Some((x1 - w, y0, x1, y1));
        self.text(
            &label,
            (l.right - 4, y),
            LABEL_PX,
            palette::THRESHOLD,
            HPos::Right,
            anchor,
        )
    }

    /// Each series as a line through its points, points drawn; breaching points in red.
    /// Returns whether any point was drawn.
    fn series(&self, spec: &ChartSpec) -> Result<bool, ChartError> {
        let band_edges = match &spec.threshold {
            Threshold::Band { lower, upper } => Some((to_map(lower), to_map(upper))),
            _ => None,
        };
        let breaching = |t: i64, v: f64| match &spec.threshold {
            Threshold::Above(th) => v > *th,
            Threshold::Below(th) => v < *th,
            Threshold::Band { .. } => band_edges.as_ref().is_some_and(|(lo, hi)| {
                lo.get(&t).is_some_and(|lo| v < *lo) || hi.get(&t).is_some_and(|hi| v > *hi)
            }),
            Threshold::None => false,
        };
        let mut drawn = false;
        for (i, series) in spec.series.iter().enumerate() {
            let color = rgb(palette::SERIES[i % palette::SERIES.len()]);
            let points = clean(&series.points, spec.window);
            let pixels: Vec<(i32, i32)> = points
                .iter()
                .map(|&(t, v)| (self.layout.col_of(t), self.layout.row_of(v)))
                .collect();
            if pixels.len() > 1 {
                self.area
                    .draw(&PathElement::new(pixels.clone(), color.stroke_width(2)))
                    .map_err(draw_err)?;
            }
            for (&(t, v), &px) in points.iter().zip(&pixels) {
                if breaching(t, v) {
                    self.area
                        .draw(&Circle::new(px, 3, rgb(palette::BREACH_POINT).filled()))
                        .map_err(draw_err)?;
                } else {
                    self.area
                        .draw(&Circle::new(px, 2, color.filled()))
                        .map_err(draw_err)?;
                }
            }
            drawn |= !pixels.is_empty();
        }
        Ok(drawn)
    }

    /// A vertical line at the state change, two pixels wide from `col_of(t)`, named by state.
    fn marker(&mut self, t: i64, state: AlarmState) -> Result<(), ChartError> {
        let l = self.layout;
        let color = palette::state(state);
        let col = l.col_of(t);
        self.fill(col, l.top, col + 2, l.bottom, rgb(color))?;
        let name = state.as_str();
        let w = self.text_width(name, LABEL_PX)?;
        // Right of the line where it fits, else left of it; below the threshold's label if
        // they would meet.
        let (x, h, x0) = if col + 6 + w <= l.right {
            (col + 6, HPos::Left, col + 6)
        } else {
            (col - 4, HPos::Right, col - 4 - w)
        };
        let mut y = l.top + 3;
        let height = (LABEL_PX * 1.2) as i32;
        if let Some((tx0, ty0, tx1, ty1)) = self.threshold_label {
            if x0 < tx1 && x0 + w > tx0 && y < ty1 && y + height > ty0 {
                y = ty1 + 4;
            }
        }
        // A light card under the label: the series is often highest right where an alarm
        // fires, and the label must stay readable over it.
        self.fill(
            x0 - 2,
            y - 1,
            x0 + w + 2,
            y + height,
            rgb((255, 255, 255)).mix(0.85),
        )?;
        self.text(name, (x, y), LABEL_PX, color, h, VPos::Top)
    }

    fn labels(&mut self, spec: &ChartSpec) -> Result<(), ChartError> {
        let l = self.layout;
        let width = spec.width as i32;
        let height = spec.height as i32;
        let title = self.fit(&spec.title, TITLE_PX, width - 16)?;
        self.text(
            &title,
            (width / 2, 5),
            TITLE_PX,
            palette::TEXT,
            HPos::Center,
            VPos::Top,
        )?;
        if let Some(unit) = &spec.unit {
            let unit = self.fit(unit, LABEL_PX, width / 2)?;
            self.text(
                &unit,
                (8, l.top - 8),
                LABEL_PX,
                palette::MUTED,
                HPos::Left,
                VPos::Bottom,
            )?;
        }
        for (v, label) in &l.y_ticks {
            self.text(
                label,
                (l.left - 7, l.row_of(*v)),
                LABEL_PX,
                palette::TEXT,
                HPos::Right,
                VPos::Middle,
            )?;
        }
        for (t, label) in &l.x_ticks.ticks {
            self.text(
                label,
                (l.col_of(*t), l.bottom + 6),
                LABEL_PX,
                palette::TEXT,
                HPos::Center,
                VPos::Top,
            )?;
        }
        let caption = &l.x_ticks.caption;
        self.text(
            caption,
            (8, height - 5),
            LABEL_PX,
            palette::MUTED,
            HPos::Left,
            VPos::Bottom,
        )?;
        let min_x = 16 + self.text_width(caption, LABEL_PX)? + 24;
        self.legend(spec, min_x)
    }

    /// Series names, right-aligned on the bottom line, as far left as `min_x`.
    fn legend(&mut self, spec: &ChartSpec, min_x: i32) -> Result<(), ChartError> {
        let y = spec.height as i32 - 5;
        let mut x = self.layout.right;
        for (i, series) in spec.series.iter().enumerate().rev() {
            if series.label.is_empty() {
                continue;
            }
            let label = self.fit(&series.label, LABEL_PX, 240)?;
            let w = self.text_width(&label, LABEL_PX)?;
            if x - w - 22 < min_x {
                break;
            }
            let color = palette::SERIES[i % palette::SERIES.len()];
            self.text(
                &label,
                (x, y),
                LABEL_PX,
                palette::TEXT,
                HPos::Right,
                VPos::Bottom,
            )?;
            x -= w + 6;
            let mid = y - 6;
            self.fill(x - 16, mid - 1, x, mid + 2, rgb(color))?;
            x -= 16 + 18;
        }
        Ok(())
    }
}

/// Finite points inside the window, sorted by time (CloudWatch returns newest first).
fn clean(points: &[(i64, f64)], (start, end): (i64, i64)) -> Vec<(i64, f64)> {
    let mut out: Vec<(i64, f64)> = points
        .iter()
        .copied()
        .filter(|&(t, v)| t >= start && t <= end && v.is_finite())
        .collect();
    out.sort_by_key(|p| p.0);
    out
}

fn to_map(points: &[(i64, f64)]) -> BTreeMap<i64, f64> {
    points.iter().copied().filter(|p| p.1.is_finite()).collect()
}
