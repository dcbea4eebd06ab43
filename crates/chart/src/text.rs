//! Text, laid out and rasterised with `ab_glyph` straight into the RGB buffer.
//!
//! plotters can draw text with the same crate (its `ab_glyph` feature and `register_font`), but
//! 0.3.7 places each glyph by its ink box rather than its origin, dropping the side bearings:
//! letters then sit unevenly ("Lamb da"). Laying glyphs out ourselves — advance widths, kerning,
//! sub-pixel pen positions — reads properly at the 12 px a phone needs, and keeps plotters out
//! of font handling altogether (its font features would otherwise pull in system fonts).

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};

use crate::palette::Rgb;
use crate::ChartError;

/// A 22 KB subset of DejaVu Sans: Latin-1 and a few signs; `assets/LICENSE` says how it was
/// cut. Embedded so that no system font or fontconfig is needed (containers and CI have none)
/// and text renders the same everywhere, which the golden images need.
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans-subset.ttf");

/// The embedded font, parsed once.
fn font() -> Result<&'static FontRef<'static>, ChartError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
        .ok_or(ChartError::Font)
}

/// Horizontal anchor of a text position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    Left,
    Center,
    Right,
}

/// Vertical anchor: the top of the tallest letters, the middle of the capitals, or the bottom
/// of the descenders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    Top,
    Middle,
    Bottom,
}

/// One piece of text to draw.
#[derive(Debug, Clone)]
pub struct Label {
    pub text: String,
    pub at: (i32, i32),
    /// The em size in pixels.
    pub px: f32,
    pub color: Rgb,
    pub h: HAlign,
    pub v: VAlign,
}

/// The width `text` takes at `px`, in pixels (advances and kerning).
pub fn width(text: &str, px: f32) -> Result<f32, ChartError> {
    let font = font()?;
    let scaled = font.as_scaled(scale(font, px));
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    Ok(w)
}

/// The scale at which one em is `px` pixels (as in CSS): ab_glyph's scale is the height from
/// descent to ascent, which in DejaVu is 1.16 em.
fn scale(font: &FontRef<'static>, px: f32) -> PxScale {
    let per_em = font.units_per_em().unwrap_or(1.0);
    PxScale::from(px * font.height_unscaled() / per_em)
}

/// Draws `label` into `rgb` (`width` × `height`, 3 bytes a pixel), blending the glyphs'
/// coverage over what is there; anything outside the buffer is cut off.
pub fn draw(rgb: &mut [u8], width: u32, height: u32, label: &Label) -> Result<(), ChartError> {
    let font = font()?;
    let sc = scale(font, label.px);
    let scaled = font.as_scaled(sc);
    let w = self::width(&label.text, label.px)?;
    let x0 = match label.h {
        HAlign::Left => label.at.0 as f32,
        HAlign::Center => label.at.0 as f32 - w / 2.0,
        HAlign::Right => label.at.0 as f32 - w,
    };
    let baseline = match label.v {
        VAlign::Top => label.at.1 as f32 + scaled.ascent(),
        // Half the height of a capital (DejaVu's cap height is 0.73 em).
        VAlign::Middle => label.at.1 as f32 + label.px * 0.365,
        VAlign::Bottom => label.at.1 as f32 + scaled.descent(),
    };
    let (r, g, b) = (
        label.color.0 as f32,
        label.color.1 as f32,
        label.color.2 as f32,
    );
    let mut pen = x0;
    let mut prev = None;
    for c in label.text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        prev = Some(id);
        let glyph = id.with_scale_and_position(sc, point(pen, baseline));
        pen += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let x = bounds.min.x as i64 + gx as i64;
            let y = bounds.min.y as i64 + gy as i64;
            if x < 0 || y < 0 || x >= width as i64 || y >= height as i64 {
                return;
            }
            let a = coverage.clamp(0.0, 1.0);
            let i = (y as usize * width as usize + x as usize) * 3;
            if let Some(px) = rgb.get_mut(i..i + 3) {
                for (dst, src) in px.iter_mut().zip([r, g, b]) {
                    *dst = (*dst as f32 * (1.0 - a) + src * a).round() as u8;
                }
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_loads_and_is_small() {
        assert!(font().is_ok());
        assert!(FONT_BYTES.len() < 64 * 1024, "keep the subset small");
    }

    #[test]
    fn wider_text_measures_wider() {
        let short = width("09:00", 12.0).unwrap_or(0.0);
        let long = width("09:00 10:00", 12.0).unwrap_or(0.0);
        assert!(short > 20.0 && long > 2.0 * short, "{short} {long}");
    }

    #[test]
    fn text_is_drawn_where_anchored_and_clipped_at_the_edges() {
        let (w, h) = (60u32, 20u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        let label = Label {
            text: "Hi".into(),
            at: (2, 2),
            px: 14.0,
            color: (0, 0, 0),
            h: HAlign::Left,
            v: VAlign::Top,
        };
        assert!(draw(&mut buf, w, h, &label).is_ok());
        let dark_cols: Vec<usize> = (0..w as usize)
            .filter(|x| (0..h as usize).any(|y| buf[(y * w as usize + x) * 3] < 128))
            .collect();
        assert!(
            dark_cols.first().is_some_and(|x| *x >= 2 && *x <= 4),
            "{dark_cols:?}"
        );
        let off = Label {
            at: (-500, 900),
            ..label
        };
        assert!(draw(&mut buf, w, h, &off).is_ok());
    }
}
