//! A pairing QR code as the phone scans it: SVG for the console, PNG for anything else.

use image::{ImageFormat, Luma};
use qrcode::QrCode;
use qrcode::render::svg;

/// The codes WhatsApp sends are about 200 characters; anything far longer is not one.
pub const MAX_CODE_LEN: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the pairing code cannot be drawn as a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    #[error("the QR image cannot be written: {0}")]
    Image(#[from] image::ImageError),
    #[error("the pairing code is longer than {MAX_CODE_LEN} characters")]
    TooLong,
}

fn code(text: &str) -> Result<QrCode, QrError> {
    if text.len() > MAX_CODE_LEN {
        return Err(QrError::TooLong);
    }
    Ok(QrCode::new(text.as_bytes())?)
}

/// An SVG drawing (crisp at any size, no script), at least 264 px wide with its quiet zone.
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<svg::Color<'_>>()
        .min_dimensions(264, 264)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// A PNG image, at least 264 px wide with its quiet zone.
pub fn png(text: &str) -> Result<Vec<u8>, QrError> {
    let image = code(text)?
        .render::<Luma<u8>>()
        .min_dimensions(264, 264)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code of the shape WhatsApp sends: ref, noise key, identity key, ADV secret.
    const CODE: &str = "2@Xa0e6XhQ1b7Jt0uQ2k9vY3pQ+Lr4mN8sT1wZ5cV7bD9fG2hJ4kL6nP8qR0tU2wY4aC6eE8gI0kM2oQ4sU6wA==,\
        8Bq3H0pJ0c1vY5mT4wR2xN6zK9aF7dG1sL3hV5jB8eQ=,Y2kP0wR4tU6yA8cE0gI2kM4oQ6sU8wA0cE2gI4kM6oQ=,\
        r7XoC2Ba8m9d3xKQfZ1pLw5sTn0yU4vH6jG2eR8cA1k=";

    fn decode(image: &image::GrayImage) -> String {
        let mut prepared = rqrr::PreparedImage::prepare(image.clone());
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the image");
        grids[0].decode().unwrap().1
    }

    /// Draws the SVG the way a browser would: its rectangles, black on white.
    fn rasterise(svg: &str) -> image::GrayImage {
        let number = |key: &str| -> u32 {
            let start = svg.find(key).unwrap() + key.len();
            svg[start..].split('"').next().unwrap().parse().unwrap()
        };
        let (width, height) = (number("width=\""), number("height=\""));
        let mut image = image::GrayImage::from_pixel(width, height, Luma([255]));
        let path = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        // Each module is `M{left} {top}h{width}v{height}H{left}V{top}`.
        for part in path.split('M').filter(|p| !p.is_empty()) {
            let (left, rest) = part.split_once(' ').unwrap();
            let (top, rest) = rest.split_once('h').unwrap();
            let (w, rest) = rest.split_once('v').unwrap();
            let (h, _) = rest.split_once('H').unwrap();
            let [left, top, w, h]: [u32; 4] = [left, top, w, h].map(|n| n.parse().unwrap());
            for y in top..top + h {
                for x in left..left + w {
                    image.put_pixel(x, y, Luma([0]));
                }
            }
        }
        image
    }

    #[test]
    fn png_and_svg_decode_back_to_the_code() {
        let png = png(CODE).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let image = image::load_from_memory(&png).unwrap().to_luma8();
        assert!(image.width() >= 264);
        assert_eq!(decode(&image), CODE);

        let svg = svg(CODE).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && !svg.contains("<script"));
        assert_eq!(decode(&rasterise(&svg)), CODE);
    }

    #[test]
    fn a_code_too_long_is_refused() {
        assert!(matches!(
            svg(&"x".repeat(MAX_CODE_LEN + 1)),
            Err(QrError::TooLong)
        ));
    }
}
