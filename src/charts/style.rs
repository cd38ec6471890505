//! The look shared by every chart: palette, fonts, text, axes, legend and frame.
//!
//! Colours come from the Okabe–Ito palette, which stays distinguishable with
//! the common forms of colour blindness: IT automation is always [`IT`]
//! (blue), BPA always [`BPA`] (orange), the portfolio [`PORTFOLIO`] (dark
//! grey) and losses [`LOSS`] (vermillion). Text uses DejaVu Sans, bundled in
//! `assets/fonts/` and embedded in the binary, so charts render the same on a
//! machine without any font installed. In the SVG files the text stays text,
//! asking for DejaVu Sans with Verdana (similar widths) or any sans-serif
//! font as fallbacks.
//!
//! [`frame`] lays out every chart the same way: headline title, subtitle,
//! optional legend row, plot, footnote.

use std::sync::OnceLock;

use ab_glyph::FontRef;

use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, DashedPathElement, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, TRANSPARENT, TextStyle, WHITE, register_font};

use super::data::{DATE_TICK_SPACE, month_axis_ticks};
use super::{Area, Canvas, DrawError, HEIGHT, WIDTH};
use crate::calendar::{Calendar, MONTH_NAMES};
use crate::format::{currency_prefix, money};
use crate::report::Report;
use crate::scenario::{Kind, Scenario};

/// IT automation: Okabe–Ito blue.
pub const IT: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Business process automation: Okabe–Ito orange.
pub const BPA: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// The whole portfolio: dark grey.
pub const PORTFOLIO: RGBColor = RGBColor(0x40, 0x40, 0x40);
/// Losses and warnings: Okabe–Ito vermillion.
pub const LOSS: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Main text.
pub const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
/// Secondary text: subtitles, tick labels, footnotes.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
/// Axis lines and reference lines (zero, horizon).
pub const AXIS: RGBColor = RGBColor(0x33, 0x33, 0x33);
/// Light background of every other row in charts with a row per item.
pub const ZEBRA: RGBColor = RGBColor(0xF3, 0xF3, 0xF3);

/// Headline title size (plotters units: about 48 px letters in the PNG and SVG).
pub const TITLE: f64 = 60.0;
/// Smallest title size before a long title is shrunk no further.
pub const TITLE_MIN: f64 = 46.0;
/// Subtitle size.
pub const SUBTITLE: f64 = 34.0;
/// The smallest a subtitle shrinks to before it takes two lines.
const SUBTITLE_MIN: f64 = 30.0;
/// Panel headings.
pub const HEADING: f64 = 38.0;
/// Labels, legend entries and annotations (at least 26 px letters).
pub const LABEL: f64 = 34.0;
/// Axis tick labels.
pub const TICK: f64 = 33.0;
/// The footnote.
pub const FOOTNOTE: f64 = 28.0;
/// Left and right page margin in pixels.
pub const MARGIN: i32 = 64;

/// The font family asked for: the bundled DejaVu Sans in the PNG; in the SVG,
/// the same or a similar sans-serif font of the viewer.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The bundled DejaVu Sans file, bold or regular (embedded in the board pack).
pub fn font_bytes(bold: bool) -> &'static [u8] {
    if bold { BOLD } else { REGULAR }
}

/// Registers the bundled fonts with plotters (once per process).
///
/// They are registered under [`FONT_FAMILY`] and under `sans-serif`, the
/// family plotters falls back to for any text not given a font explicitly.
pub fn register_fonts() -> Result<(), DrawError> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        for family in [FONT_FAMILY, "sans-serif"] {
            for (style, bytes, file) in
                [(FontStyle::Normal, REGULAR, "DejaVuSans.ttf"), (FontStyle::Bold, BOLD, "DejaVuSans-Bold.ttf")]
            {
                register_font(family, style, bytes).map_err(|_| format!("the bundled font {file} is invalid"))?;
            }
        }
        Ok(())
    })
    .clone()
    .map_err(DrawError)
}

/// The bundled DejaVu Sans face, bold or regular, for drawing text directly.
pub fn face(bold: bool) -> &'static FontRef<'static> {
    static FACES: OnceLock<[FontRef<'static>; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        // The files are compiled in; a test checks they parse.
        let parse = |bytes| FontRef::try_from_slice(bytes).expect("bundled font parses");
        [parse(REGULAR), parse(BOLD)]
    });
    &faces[usize::from(bold)]
}

/// The colour of a kind; the portfolio colour when there is none.
pub fn kind_color(kind: Option<Kind>) -> RGBColor {
    match kind {
        Some(Kind::It) => IT,
        Some(Kind::Bpa) => BPA,
        None => PORTFOLIO,
    }
}

/// The name of a kind for people: "IT automation" or "BPA".
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::It => "IT automation",
        Kind::Bpa => "BPA",
    }
}

/// Regular text of a size and colour, anchored at its top left.
pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Normal),
        color: color.to_backend_color(),
        pos: Pos::new(HPos::Left, VPos::Top),
    }
}

/// Bold text of a size and colour, anchored at its top left.
pub fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    TextStyle { font: FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Bold), ..text(size, color) }
}

/// The same style with another anchor.
pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Width of a text in pixels.
pub fn text_width(root: &Area, s: &str, style: &TextStyle) -> Result<i32, DrawError> {
    Ok(root.estimate_text_size(s, style)?.0 as i32)
}

/// The largest size, from `largest` down to `smallest` in steps of one
/// point, at which `s` in muted text fits `width` pixels; `smallest` when
/// none does.
pub fn muted_size_to_fit(root: &Area, s: &str, largest: f64, smallest: f64, width: i32) -> Result<f64, DrawError> {
    let mut size = largest;
    while size > smallest && text_width(root, s, &text(size, MUTED))? > width {
        size -= 1.0;
    }
    Ok(size)
}

/// A label cut with "…" to fit `width` pixels: the longest prefix that
/// fits, found by binary search (a prefix's width grows with its length), so
/// a label of `n` characters takes `O(log n)` measurements of `O(n)` each.
pub fn fit_text(root: &Area, s: &str, style: &TextStyle, width: i32) -> Result<String, DrawError> {
    if text_width(root, s, style)? <= width {
        return Ok(s.to_string());
    }
    // The byte offset where each prefix of 1, 2, … characters ends (all but the whole label).
    let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
    let cut = |n: usize| format!("{}…", s[..ends[n - 1]].trim_end());
    let n = longest_fitting(ends.len(), |n| Ok(text_width(root, &cut(n), style)? <= width))?;
    Ok(if n == 0 { "…".to_string() } else { cut(n) })
}

/// The largest `n` in `0..=max` for which `fits(n)` holds, when it holds for
/// every `n` up to some point and for none beyond (0 is taken to fit without
/// asking): a binary search, calling `fits` at most `⌈log2(max + 1)⌉` times.
fn longest_fitting(max: usize, mut fits: impl FnMut(usize) -> Result<bool, DrawError>) -> Result<usize, DrawError> {
    // `low` fits; everything above `high` does not.
    let (mut low, mut high) = (0, max);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if fits(middle)? {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    Ok(low)
}

/// Money for an axis tick: [`money`] without trailing zeros ("$50k", "$1.5M"),
/// with cents for the fractional ticks of a tiny range ("$0.5").
pub fn money_tick(x: f64, currency: &str) -> String {
    let x = if x.abs() < 1e-6 { 0.0 } else { x };
    if x.abs() < 999.5 && (x - x.round()).abs() > 1e-6 {
        let digits = format!("{:.2}", x.abs());
        let sign = if x < 0.0 { "-" } else { "" };
        return format!("{sign}{}{}", currency_prefix(currency), digits.trim_end_matches('0'));
    }
    let s = money(x, currency);
    let Some(dot) = s.find('.') else { return s };
    let end = s[dot + 1..].find(|c: char| !c.is_ascii_digit()).map_or(s.len(), |i| dot + 1 + i);
    let decimals = s[dot + 1..end].trim_end_matches('0');
    if decimals.is_empty() {
        format!("{}{}", &s[..dot], &s[end..])
    } else {
        format!("{}.{decimals}{}", &s[..dot], &s[end..])
    }
}

/// A share as a whole percentage for an axis tick ("40%").
pub fn percent_tick(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A share as a percentage for a label: whole numbers from 10% to 99%, one
/// decimal outside that, and never rounded to 0% or 100% unless it is exactly that.
pub fn share_label(share: f64) -> String {
    let p = share * 100.0;
    if p <= 0.0 || p >= 100.0 {
        format!("{:.0}%", p.clamp(0.0, 100.0))
    } else if p < 0.05 {
        "<0.1%".to_string()
    } else if p > 99.95 {
        ">99.9%".to_string()
    } else if (9.95..99.0).contains(&p) {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A count with thousands separators ("20,000").
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the footnote of every chart names: the scenario and how many
/// trials the chart comes from.
///
/// The technical details of a run (seed, version, discount rate) are not on
/// the charts a board sees: they are in `summary.json`'s manifest, the
/// workbook's Run sheet and the board pack's appendix. A [`Report`] gives
/// the footnote of a run's charts (`Footnote::from(&report)`); a chart
/// drawn from other results, such as a plan's, builds it from the scenario
/// and the trials, without a [`Report`].
#[derive(Debug, Clone, Copy)]
pub struct Footnote<'a> {
    /// The scenario run.
    pub scenario: &'a Scenario,
    /// Trials run.
    pub trials: u64,
}

impl Footnote<'_> {
    /// The footnote's text: "scenario · 20,000 trials".
    pub fn text(&self) -> String {
        format!("{} · {} trials", self.scenario.name, grouped(self.trials))
    }
}

impl<'a> From<&Report<'a>> for Footnote<'a> {
    fn from(report: &Report<'a>) -> Footnote<'a> {
        Footnote { scenario: report.scenario, trials: report.results.trials }
    }
}

/// Splits a text into at most two lines that each pass `fits`, breaking at a
/// space (after "; " or ", " when possible); `None` when no split fits.
pub fn two_lines(s: &str, fits: impl Fn(&str) -> bool) -> Option<[String; 2]> {
    let breaks: Vec<usize> = s.match_indices(' ').map(|(i, _)| i).collect();
    let cost = |&i: &usize| {
        let (a, b) = (s[..i].trim_end(), s[i..].trim_start());
        let punctuated = a.ends_with(';') || a.ends_with(',') || a.ends_with(':');
        (a.chars().count().max(b.chars().count()), !punctuated)
    };
    let mut candidates: Vec<usize> =
        breaks.into_iter().filter(|&i| fits(s[..i].trim_end()) && fits(s[i..].trim_start())).collect();
    // Prefer a break after punctuation when it is not much less even.
    candidates.sort_by_key(|i| {
        let (longest, plain) = cost(i);
        (longest + if plain { 12 } else { 0 }, longest)
    });
    candidates.first().map(|&i| [s[..i].trim_end().to_string(), s[i..].trim_start().to_string()])
}

/// Smallest size at which a title is kept on one line rather than split.
const TITLE_ONE_LINE: f64 = 52.0;

/// Lines and size of a title fitted into `width` pixels: one line at
/// [`TITLE`], shrinking to [`TITLE_ONE_LINE`] if that makes it fit; else two
/// lines, shrinking towards [`TITLE_MIN`].
fn fit_title(root: &Area, title: &str, width: i32) -> Result<(Vec<String>, f64), DrawError> {
    let mut size = TITLE;
    while size >= TITLE_ONE_LINE {
        if text_width(root, title, &bold(size, INK))? <= width {
            return Ok((vec![title.to_string()], size));
        }
        size -= 2.0;
    }
    let mut size = TITLE;
    while size >= TITLE_MIN {
        let style = bold(size, INK);
        let fits = |s: &str| root.estimate_text_size(s, &style).is_ok_and(|(w, _)| w as i32 <= width);
        if let Some(lines) = two_lines(title, fits) {
            return Ok((lines.to_vec(), size));
        }
        size -= 2.0;
    }
    Ok((vec![title.to_string()], TITLE_MIN))
}

/// What a legend entry shows next to its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// A line of a colour and width.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled band of a colour at an opacity.
    Band(RGBColor, f64),
    /// A median marker: a white dot ringed in a colour.
    Dot(RGBColor),
    /// A thick range bar.
    Range(RGBColor),
    /// A symbol (e.g. "⚠") in a colour.
    Symbol(&'static str, RGBColor),
    /// The tick that marks a mean ([`super::layout::draw_tick`]).
    Tick,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// What is drawn before the label.
    pub mark: Mark,
    /// The label.
    pub label: String,
}

impl LegendItem {
    /// A legend entry.
    pub fn new(mark: Mark, label: impl Into<String>) -> LegendItem {
        LegendItem { mark, label: label.into() }
    }
}

/// Width in pixels of a legend mark.
pub const MARK_WIDTH: i32 = 48;

/// Draws a legend mark with its left edge at `x`, centred on `y`.
pub fn draw_mark(root: &Area, mark: Mark, x: i32, y: i32) -> Result<(), DrawError> {
    let w = MARK_WIDTH;
    match mark {
        Mark::Line(c, width) => root.draw(&PathElement::new(vec![(x, y), (x + w, y)], c.stroke_width(width)))?,
        Mark::Dashed(c) => {
            root.draw(&DashedPathElement::new(vec![(x, y), (x + w, y)], 10, 6, c.stroke_width(3)))?;
        }
        Mark::Band(c, opacity) => {
            root.draw(&Rectangle::new([(x, y - 13), (x + w, y + 13)], c.mix(opacity).filled()))?
        }
        Mark::Dot(c) => ringed_dot(root, (x + w / 2, y), 11, WHITE, c, 4)?,
        Mark::Range(c) => root.draw(&Rectangle::new([(x, y - 8), (x + w, y + 8)], c.filled()))?,
        Mark::Symbol(s, c) => {
            root.draw_text(s, &anchored(bold(LABEL, c), HPos::Center, VPos::Center), (x + w / 2, y))?;
        }
        Mark::Tick => super::layout::draw_tick(root, (x + w / 2, y), 14)?,
    }
    Ok(())
}

/// Draws a dot of `radius` pixels centred on `center`, filled with `fill`
/// and ringed in `ring` `ring_width` pixels wide.
pub fn ringed_dot(
    area: &Area,
    center: (i32, i32),
    radius: i32,
    fill: RGBColor,
    ring: RGBColor,
    ring_width: u32,
) -> Result<(), DrawError> {
    area.draw(&Circle::new(center, radius, fill.filled()))?;
    area.draw(&Circle::new(center, radius, ring.stroke_width(ring_width)))?;
    Ok(())
}

/// Draws legend entries in a row starting at `(x, y)` (vertical centre);
/// returns the x after the last entry.
pub fn draw_legend(root: &Area, items: &[LegendItem], x: i32, y: i32) -> Result<i32, DrawError> {
    let style = anchored(text(LABEL, INK), HPos::Left, VPos::Center);
    let mut x = x;
    for item in items {
        draw_mark(root, item.mark, x, y)?;
        root.draw_text(&item.label, &style, (x + MARK_WIDTH + 12, y))?;
        x += MARK_WIDTH + 12 + text_width(root, &item.label, &style)? + 44;
    }
    Ok(x)
}

/// The text above and below a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading<'t> {
    /// The headline: what the chart shows, from the data.
    pub title: &'t str,
    /// How to read it.
    pub subtitle: &'t str,
    /// A legend row under the subtitle (may be empty).
    pub legend: &'t [LegendItem],
}

/// Space kept free at the bottom for the footnote.
const FOOT_SPACE: i32 = 64;

/// Draws the white page, title, subtitle, legend and footnote; returns the
/// area left for the plot (inside the page margins).
///
/// `footnote` is a [`Footnote`] or the [`Report`] the chart draws.
pub fn frame<'a, 'f>(
    root: &Area<'a>,
    footnote: impl Into<Footnote<'f>>,
    heading: &Heading,
) -> Result<Area<'a>, DrawError> {
    root.fill(&WHITE)?;
    let width = WIDTH as i32 - 2 * MARGIN;
    let (lines, size) = fit_title(root, heading.title, width)?;
    let mut y = 34;
    for line in &lines {
        root.draw_text(line, &bold(size, INK), (MARGIN, y))?;
        y += (size * 1.08) as i32;
    }
    y += 8;
    let sub = muted_size_to_fit(root, heading.subtitle, SUBTITLE, SUBTITLE_MIN, width)?;
    // Too long for one line even at the smallest size: two lines.
    let style = text(sub, MUTED);
    let fits = |s: &str| root.estimate_text_size(s, &style).is_ok_and(|(w, _)| w as i32 <= width);
    let one_line = || vec![heading.subtitle.to_string()];
    let lines = match fits(heading.subtitle) {
        true => one_line(),
        false => two_lines(heading.subtitle, fits).map_or_else(one_line, Vec::from),
    };
    let line_height = (sub * 1.15) as i32;
    for (i, line) in lines.iter().enumerate() {
        root.draw_text(line, &style, (MARGIN, y + i as i32 * line_height))?;
    }
    y += 52 + (lines.len() as i32 - 1) * line_height;
    if !heading.legend.is_empty() {
        draw_legend(root, heading.legend, MARGIN, y + 16)?;
        y += 52;
    }
    root.draw_text(
        &footnote.into().text(),
        &anchored(text(FOOTNOTE, MUTED), HPos::Left, VPos::Bottom),
        (MARGIN, HEIGHT as i32 - 22),
    )?;
    Ok(root.margin(y + 12, FOOT_SPACE, MARGIN, MARGIN))
}

/// Draws a panel heading in a colour at the top left of `area`; returns its height.
pub fn panel_heading(area: &DrawingArea<Canvas, Shift>, s: &str, color: RGBColor) -> Result<i32, DrawError> {
    area.draw_text(s, &bold(HEADING, color), (0, 0))?;
    Ok(56)
}

/// Writes a muted message in the middle of an area (an empty panel, a chart with nothing to show).
pub fn message(area: &DrawingArea<Canvas, Shift>, s: &str) -> Result<(), DrawError> {
    let (w, h) = area.dim_in_pixel();
    area.draw_text(s, &anchored(text(LABEL, MUTED), HPos::Center, VPos::Center), (w as i32 / 2, h as i32 / 2))?;
    Ok(())
}

/// Starts the axes of a chart in the shared style (ticks, grid, axis lines);
/// the caller adds formatters, descriptions and draws.
pub fn mesh<'a, 'b, 'c, X, Y>(
    chart: &'b mut ChartContext<'a, Canvas<'c>, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, Canvas<'c>>
where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = chart.configure_mesh();
    mesh.label_style(text(TICK, MUTED))
        .axis_desc_style(text(LABEL, INK))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(2))
        .set_all_tick_mark_size(8);
    mesh
}

/// A month axis from 0 to `end`, ticked by [`month_axis_ticks`]: round
/// numbers of months, or with a calendar the dates that start fiscal
/// quarters or years ("Apr 2027"), as many as fit its width. It labels its
/// own ticks, so charts set no x label formatter.
pub struct MonthAxis {
    inner: RangedCoordf64,
    ticks: Vec<(f64, String)>,
    calendar: Option<Calendar>,
}

impl MonthAxis {
    /// An axis from month 0 to `end` (which may run past `horizon` to leave
    /// room), ticked up to `horizon`, about `width` pixels wide.
    pub fn new(end: f64, horizon: usize, calendar: Option<Calendar>, width: i32) -> MonthAxis {
        let fit = (width / DATE_TICK_SPACE).max(1) as usize;
        MonthAxis { inner: (0.0..end).into(), ticks: month_axis_ticks(horizon, calendar.as_ref(), fit), calendar }
    }

    /// The axis title: "Month", or with a calendar when fiscal years start.
    pub fn description(&self) -> String {
        match self.calendar {
            Some(c) if c.fiscal_year_start != 1 => {
                format!("Month (fiscal years start in {})", MONTH_NAMES[usize::from(c.fiscal_year_start) - 1])
            }
            _ => "Month".to_string(),
        }
    }
}

impl Ranged for MonthAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.max_num_points() == 0 { Vec::new() } else { self.ticks.iter().map(|(x, _)| *x).collect() }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

impl ValueFormatter<f64> for MonthAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks.iter().find(|(x, _)| x == value).map_or_else(|| format!("{value:.0}"), |(_, label)| label.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_fitting_prefix_takes_a_logarithmic_number_of_measurements() {
        for (max, threshold) in [(100_000, 12_345), (100_000, 0), (100_000, 100_000), (1, 0), (1, 1), (0, 0), (7, 3)] {
            let mut calls = 0;
            let found = longest_fitting(max, |n| {
                calls += 1;
                Ok(n <= threshold)
            })
            .unwrap();
            assert_eq!(found, threshold);
            let bound = (usize::BITS - max.leading_zeros()) as usize; // ⌈log2(max + 1)⌉
            assert!(calls <= bound, "{calls} calls for {max}");
        }
    }

    #[test]
    fn labels_are_cut_to_the_longest_prefix_that_fits() {
        use plotters::drawing::IntoDrawingArea;
        register_fonts().unwrap();
        let mut svg = String::new();
        let root =
            Canvas::Svg(plotters::backend::SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT))).into_drawing_area();
        let style = text(LABEL, INK);
        let fits = |s: &str, width: i32| text_width(&root, s, &style).unwrap() <= width;
        let medium = "Identity and access automation, phase two ".repeat(20);
        for (label, width) in
            [("Invoice approval", 1000), ("Invoice approval", 150), ("Invoice approval", 5), (medium.as_str(), 400)]
        {
            let fitted = fit_text(&root, label, &style, width).unwrap();
            // What the one-character-at-a-time search gives: the longest prefix that fits.
            let chars: Vec<char> = label.chars().collect();
            let linear = if fits(label, width) {
                label.to_string()
            } else {
                (1..chars.len())
                    .rev()
                    .map(|n| format!("{}…", chars[..n].iter().collect::<String>().trim_end()))
                    .find(|cut| fits(cut, width))
                    .unwrap_or_else(|| "…".to_string())
            };
            assert_eq!(fitted, linear, "{width}");
        }
        // A label of 100,000 characters: the cut fits, one character more would not.
        let long = "x".repeat(100_000);
        let fitted = fit_text(&root, &long, &style, 400).unwrap();
        let kept = fitted.chars().count() - 1;
        assert!(kept > 0 && fits(&fitted, 400), "{fitted}");
        assert!(!fits(&format!("{}…", &long[..kept + 1]), 400));
    }

    #[test]
    fn money_ticks_drop_trailing_zeros() {
        assert_eq!(money_tick(50_000.0, "USD"), "$50k");
        assert_eq!(money_tick(1_500_000.0, "USD"), "$1.5M");
        assert_eq!(money_tick(1_000.0, "USD"), "$1k");
        assert_eq!(money_tick(-45_600.0, "EUR"), "-€45.6k");
        assert_eq!(money_tick(-1e-7, "USD"), "$0");
        assert_eq!(money_tick(950.0, "CHF"), "CHF 950");
        assert_eq!(money_tick(2.25e6, "GBP"), "£2.25M");
        assert_eq!(money_tick(0.5, "USD"), "$0.5");
        assert_eq!(money_tick(-0.25, "USD"), "-$0.25");
        assert_eq!(money_tick(3e-9, "USD"), "$0");
    }

    #[test]
    fn shares_and_counts_read_naturally() {
        assert_eq!(percent_tick(0.4), "40%");
        assert_eq!(share_label(0.021), "2.1%");
        assert_eq!(share_label(0.237), "24%");
        assert_eq!(share_label(0.0), "0%");
        assert_eq!(share_label(1.0), "100%");
        assert_eq!(share_label(0.998), "99.8%");
        assert_eq!(share_label(0.9999), ">99.9%");
        assert_eq!(share_label(0.0002), "<0.1%");
        assert_eq!(share_label(0.9948), "99.5%");
        assert_eq!(share_label(0.985), "98%");
        assert_eq!(grouped(20_000), "20,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn titles_break_after_punctuation_when_they_must() {
        let fits = |s: &str| s.chars().count() <= 50;
        let title = "Lead-to-cash leads with a median NPV of $512k; 3 of 7 lose money in 1 trial in 10";
        let [a, b] = two_lines(title, fits).unwrap();
        assert_eq!(a, "Lead-to-cash leads with a median NPV of $512k;");
        assert_eq!(b, "3 of 7 lose money in 1 trial in 10");
        let [a, b] = two_lines("one two three four five six seven", |s: &str| s.len() <= 20).unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("one two three four", "five six seven"));
        assert!(two_lines("a-very-long-word-that-cannot-break-anywhere-at-all-nope", fits).is_none());
    }

    #[test]
    fn bundled_fonts_register_and_cover_the_symbols_charts_use() {
        use ab_glyph::Font;
        register_fonts().unwrap();
        for bold in [false, true] {
            for c in "⚠€£¥₹–·×≥→Aa0".chars() {
                assert_ne!(face(bold).glyph_id(c).0, 0, "no glyph for {c:?} (bold: {bold})");
            }
        }
    }

    #[test]
    fn kinds_keep_their_colours() {
        assert_eq!(kind_color(Some(Kind::It)), IT);
        assert_eq!(kind_color(Some(Kind::Bpa)), BPA);
        assert_eq!(kind_color(None), PORTFOLIO);
    }
}
