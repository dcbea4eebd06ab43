//! The app's two icons, drawn here (no image files to keep in step): a terminal prompt `>_`.
//! The colour icon is the prompt in AWS orange on the accent colour, edge to edge (Teams
//! rounds the corners itself); the outline icon is the same prompt in white on transparent,
//! the only colours Teams allows there. Edges are anti-aliased by coverage: in the outline
//! icon, through alpha only, so every pixel stays white or fully transparent.

use super::ManifestError;

/// The colour icon's width and height, in pixels.
pub const COLOR_ICON_SIZE: u32 = 192;
/// The outline icon's width and height, in pixels.
pub const OUTLINE_ICON_SIZE: u32 = 32;

/// The prompt's colour on the colour icon (AWS orange).
const GLYPH: [u8; 3] = [0xFF, 0x99, 0x00];
/// Samples per pixel side for the coverage of the strokes.
const SUPERSAMPLE: u32 = 4;

/// A point of the unit square, (x, y), y down.
type Point = (f32, f32);

/// A round-ended stroke: from, to, half its width.
type Stroke = (Point, Point, f32);

/// The strokes of `>_` in a unit square: the chevron's two arms and the underscore.
const STROKES: [Stroke; 3] = [
    ((0.24, 0.28), (0.48, 0.50), 0.065),
    ((0.48, 0.50), (0.24, 0.72), 0.065),
    ((0.56, 0.72), (0.78, 0.72), 0.065),
];

/// `color.png`: 192 × 192, RGB, the prompt on `accent` (`#RRGGBB`, as the manifest's
/// accent colour).
pub fn color_icon(accent: &str) -> Result<Vec<u8>, ManifestError> {
    let background =
        parse_hex(accent).ok_or_else(|| ManifestError::AccentColor(accent.to_string()))?;
    let size = COLOR_ICON_SIZE;
    let mut rgb = Vec::with_capacity((size * size * 3) as usize);
    for (x, y) in pixels(size) {
        let c = coverage(x, y, size);
        rgb.extend(background.iter().zip(GLYPH).map(|(&b, g)| blend(b, g, c)));
    }
    chart::encode::png_rgb(&rgb, size, size).map_err(|e| ManifestError::Icon(e.to_string()))
}

/// `outline.png`: 32 × 32, RGBA, the prompt in white on transparent.
pub fn outline_icon() -> Result<Vec<u8>, ManifestError> {
    let size = OUTLINE_ICON_SIZE;
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for (x, y) in pixels(size) {
        let alpha = (coverage(x, y, size) * 255.0).round() as u8;
        // Fully transparent pixels are transparent black, the usual form; the others white.
        let white = if alpha == 0 { 0 } else { 0xFF };
        rgba.extend([white, white, white, alpha]);
    }
    chart::encode::png_rgba(&rgba, size, size).map_err(|e| ManifestError::Icon(e.to_string()))
}

/// Every pixel of a `size` × `size` image, rows top to bottom.
fn pixels(size: u32) -> impl Iterator<Item = (u32, u32)> {
    (0..size).flat_map(move |y| (0..size).map(move |x| (x, y)))
}

/// How much of pixel (`x`, `y`) the strokes cover, 0 to 1.
fn coverage(x: u32, y: u32, size: u32) -> f32 {
    let n = SUPERSAMPLE;
    let mut inside = 0u32;
    for sy in 0..n {
        for sx in 0..n {
            let px = (x as f32 + (sx as f32 + 0.5) / n as f32) / size as f32;
            let py = (y as f32 + (sy as f32 + 0.5) / n as f32) / size as f32;
            if STROKES
                .iter()
                .any(|&(a, b, half)| distance_to_segment((px, py), a, b) <= half)
            {
                inside += 1;
            }
        }
    }
    inside as f32 / (n * n) as f32
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

fn blend(background: u8, glyph: u8, coverage: f32) -> u8 {
    (background as f32 + (glyph as f32 - background as f32) * coverage).round() as u8
}

/// `#RRGGBB` → its three bytes.
fn parse_hex(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `png` as (width, height, colour type, pixels).
    fn decode(bytes: &[u8]) -> (u32, u32, png::ColorType, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, info.color_type, buf)
    }

    #[test]
    fn the_color_icon_is_192_square_with_the_accent_and_the_orange_prompt() {
        let (w, h, color, rgb) = decode(&color_icon("#232F3E").expect("icon"));
        assert_eq!((w, h, color), (192, 192, png::ColorType::Rgb));
        assert_eq!(
            &rgb[..3],
            &[0x23, 0x2F, 0x3E],
            "the corner is the accent colour"
        );
        let orange = rgb.chunks(3).filter(|p| *p == GLYPH).count();
        assert!(
            orange > 192 * 192 / 20,
            "the prompt is drawn: {orange} pixels"
        );
    }

    #[test]
    fn the_outline_icon_is_32_square_white_on_transparent() {
        let (w, h, color, rgba) = decode(&outline_icon().expect("icon"));
        assert_eq!((w, h, color), (32, 32, png::ColorType::Rgba));
        let mut opaque = 0;
        let mut clear = 0;
        for p in rgba.chunks(4) {
            match p {
                [_, _, _, 0] => clear += 1,
                [255, 255, 255, a] => {
                    if *a == 255 {
                        opaque += 1;
                    }
                }
                other => panic!("a pixel neither white nor transparent: {other:?}"),
            }
        }
        assert!(opaque > 32, "the prompt is drawn: {opaque} solid pixels");
        assert!(clear > 32 * 32 / 2, "mostly transparent: {clear}");
    }

    #[test]
    fn icons_are_the_same_bytes_every_time_and_bad_colours_are_refused() {
        assert_eq!(outline_icon(), outline_icon());
        assert_eq!(color_icon("#112233"), color_icon("#112233"));
        for bad in ["232F3E", "#232F3", "#GGGGGG", "#ééé"] {
            assert_eq!(
                color_icon(bad),
                Err(ManifestError::AccentColor(bad.to_string()))
            );
        }
    }
}
