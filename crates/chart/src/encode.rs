//! PNG encoding with fixed settings: 8 bits a channel, no ancillary chunks (no time stamp, no
//! text), so that the same pixels always give the same bytes.

use crate::ChartError;

/// Encodes `rgb` (`width` × `height` pixels, 3 bytes each, rows top to bottom).
pub fn png_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    encode(rgb, width, height, png::ColorType::Rgb)
}

/// Encodes `rgba` (`width` × `height` pixels, 4 bytes each, straight alpha, rows top to
/// bottom): for images with transparent parts, such as the Teams app's outline icon.
pub fn png_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    encode(rgba, width, height, png::ColorType::Rgba)
}

fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    color: png::ColorType,
) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(32 * 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are mostly flat colour: a filter chosen per row and balanced deflate give
    // small files quickly (see benches/render.rs).
    encoder.set_compression(png::Compression::Balanced);
    encoder.set_filter(png::Filter::Adaptive);
    let err = |e: png::EncodingError| ChartError::Encode(e.to_string());
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(pixels).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}
