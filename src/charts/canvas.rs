//! One drawing backend for both output formats, so a chart is drawn by one function.
//!
//! [`Canvas`] wraps plotters' bitmap and SVG backends and forwards every
//! drawing call to the one it holds. Charts are then plain trait objects
//! ([`super::Chart`]) drawing on a `DrawingArea<Canvas, Shift>`, instead of
//! generic functions instantiated once per backend.
//!
//! On the bitmap side, text is rasterised here with `ab_glyph` and the
//! bundled fonts rather than by plotters: plotters 0.3.7 drops each glyph's
//! left side bearing (uneven letter spacing: "automa tion") and puts the
//! baseline half a font size below the anchor whatever the anchor. [`layout`]
//! places glyphs at their advances with kerning, and [`baseline`] puts the
//! letters where the anchor says, as an SVG viewer does with the same text.

use std::fmt;

use ab_glyph::{Font, FontRef, Glyph, ScaleFont, point};
use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle};

use super::style::face;

/// Why a backend could not draw or save.
#[derive(Debug)]
pub struct CanvasError(String);

impl fmt::Display for CanvasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanvasError {}

/// A PNG or SVG drawing surface.
pub enum Canvas<'a> {
    /// Rasterised in memory and saved as PNG on [`DrawingBackend::present`].
    Bitmap(BitMapBackend<'a>),
    /// Written as SVG elements and saved on [`DrawingBackend::present`].
    Svg(SVGBackend<'a>),
}

fn convert<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<CanvasError> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(CanvasError(e.to_string())),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// Forwards a call to whichever backend the canvas holds.
macro_rules! forward {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Canvas::Bitmap($b) => $call.map_err(convert),
            Canvas::Svg($b) => $call.map_err(convert),
        }
    };
}

/// Glyphs of `text` at plotters font size `size` (ab_glyph's pixel scale,
/// as plotters uses it to measure text), placed along a baseline at y = 0
/// from x = 0 with kerning; returns them and the total advance.
pub fn layout(font: &FontRef<'static>, size: f32, text: &str) -> (Vec<Glyph>, f32) {
    let scaled = font.as_scaled(size);
    let mut caret = 0.0;
    let mut previous = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scaled.scale(), point(caret, 0.0)));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, caret)
}

/// Offset from the anchor down to the baseline for a vertical anchor: letter
/// tops at a top anchor, capitals centred on a centre anchor, descenders on
/// a bottom anchor. `em` is the font's em size in pixels.
pub fn baseline(v_pos: VPos, em: f32) -> f32 {
    match v_pos {
        VPos::Top => 0.76 * em,
        VPos::Center => 0.365 * em,
        VPos::Bottom => -0.236 * em,
    }
}

/// Draws text on the bitmap with the bundled fonts (see the module doc).
fn draw_bitmap_text<S: BackendTextStyle>(
    b: &mut BitMapBackend,
    text: &str,
    style: &S,
    pos: BackendCoord,
) -> Result<(), DrawingErrorKind<CanvasError>> {
    let color = style.color();
    if color.alpha == 0.0 {
        return Ok(());
    }
    let font = face(matches!(style.style(), FontStyle::Bold));
    let size = style.size() as f32;
    let (glyphs, width) = layout(font, size, text);
    let em = size * font.units_per_em().unwrap_or(2048.0) / font.height_unscaled();
    let dx = match style.anchor().h_pos {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    }
    .round() as i32;
    let dy = baseline(style.anchor().v_pos, em).round() as i32;
    let transform = style.transform();
    let (w, h) = b.get_size();
    let mut pixels = Vec::new();
    for glyph in glyphs {
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x as i32 + dx, bounds.min.y as i32 + dy);
            outline.draw(|x, y, coverage| {
                let (tx, ty) = transform.transform(x0 + x as i32, y0 + y as i32);
                pixels.push(((pos.0 + tx, pos.1 + ty), coverage));
            });
        }
    }
    for ((x, y), coverage) in pixels {
        if coverage > 0.0 && x >= 0 && y >= 0 && x < w as i32 && y < h as i32 {
            let alpha = color.alpha * f64::from(coverage.min(1.0));
            b.draw_pixel((x, y), BackendColor { alpha, rgb: color.rgb }).map_err(convert)?;
        }
    }
    Ok(())
}

impl DrawingBackend for Canvas<'_> {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Canvas::Bitmap(b) => b.get_size(),
            Canvas::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        match self {
            Canvas::Bitmap(b) => draw_bitmap_text(b, text, style, pos),
            Canvas::Svg(b) => b.draw_text(text, style, pos).map_err(convert),
        }
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        forward!(self, b => b.blit_bitmap(pos, size, src))
    }
}

#[cfg(test)]
mod tests {
    use plotters::style::{FontDesc, FontFamily};

    use super::*;
    use crate::charts::style::{FONT_FAMILY, register_fonts};

    #[test]
    fn layout_measures_text_as_plotters_does() {
        register_fonts().unwrap();
        for (text, bold) in [("IT automation pays back by month 6", false), ("Chance of losing money: 24%", true)] {
            let font_style = if bold { FontStyle::Bold } else { FontStyle::Normal };
            let desc = FontDesc::new(FontFamily::Name(FONT_FAMILY), 40.0, font_style);
            let (w, _) = desc.box_size(text).unwrap();
            let (glyphs, width) = layout(face(bold), 40.0, text);
            assert_eq!(glyphs.len(), text.chars().count());
            assert!((width - w as f32).abs() <= 1.0, "{text}: {width} vs {w}");
            assert!(glyphs.windows(2).all(|g| g[1].position.x > g[0].position.x));
        }
    }

    #[test]
    fn anchors_put_the_baseline_below_top_and_centre_above_bottom() {
        assert!(baseline(VPos::Top, 40.0) > baseline(VPos::Center, 40.0));
        assert!(baseline(VPos::Center, 40.0) > 0.0);
        assert!(baseline(VPos::Bottom, 40.0) < 0.0);
    }
}
