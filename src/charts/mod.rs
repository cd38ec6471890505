//! Charts for board decks: PNG (1920×1080) and SVG files drawn from a finished run.
//!
//! Every chart is meant to be dropped into a slide unchanged: a headline
//! title computed from the results says what the chart shows ("IT automation
//! pays back by month 3, BPA by month 14 (median)"), a subtitle says how to
//! read it, and a footnote names the scenario and the number of trials (the
//! seed and version are in the run's manifest, not on the slide). Text is large
//! enough to read when projected (titles about 48 px, labels at least 26 px).
//!
//! # Design
//!
//! - **One trait, one file per chart.** A chart implements [`Chart`]: a file
//!   stem and a `draw` function that paints a [`Report`] onto an [`Area`].
//!   [`standard_charts`] lists the charts `roicast run` writes;
//!   [`render_all`] draws each twice, once as PNG and once as SVG, into a
//!   folder. [`render`] draws any [`Figure`]: a chart with its report
//!   ([`OfReport`]), or a chart that holds all it shows and needs no
//!   report, like the charts of `plan`, `compare`, `conflation` and `voi`
//!   ([`EfficientFrontier`], [`NpvDifference`], [`ConflationCostChart`],
//!   [`ValueOfInformationChart`]), whose footnote is a [`style::Footnote`]
//!   built from the scenario and the trials. [`svg_string`] draws a figure
//!   as SVG in memory, for the board pack.
//! - **Drawn once for both formats.** [`Canvas`] is a drawing backend that
//!   holds either plotters' bitmap or its SVG backend, so `draw` is ordinary
//!   code rather than a generic function per backend, and charts can live in
//!   a `Vec<Box<dyn Chart>>`. On the bitmap side it lays out and rasterises
//!   text itself with the bundled font (plotters 0.3.7 spaces letters
//!   unevenly), so PNG text matches the SVG's.
//! - **Data apart from drawing.** What a chart shows (bands, bins, curves,
//!   ranges, label positions) is computed by the plain functions of
//!   [`data`], unit-tested without drawing anything. A chart's `draw` only
//!   maps those numbers to shapes, and its headline comes from a small pure
//!   function tested in the chart's own file.
//! - **One look.** [`style`] holds the Okabe–Ito palette (IT automation
//!   blue, BPA orange, portfolio dark grey, loss vermillion, the same in every
//!   chart), the bundled DejaVu Sans fonts (embedded in the binary and
//!   registered with plotters' `ab_glyph` support, so no system font is ever
//!   needed), money formatting with the scenario's currency, and
//!   [`style::frame`], which draws the title, subtitle, legend and footnote
//!   and hands back the area left for the plot.
//! - **Shared layouts.** [`layout`] draws what several charts have in
//!   common: rows of ranges with a value column, histogram panels stacked
//!   on one money axis, panels of money by month.
//!
//! # Adding a chart
//!
//! 1. Create `src/charts/<name>.rs` with a unit struct implementing
//!    [`Chart`]. Start `draw` with [`style::frame`], then build plotters
//!    charts on the area it returns, using [`style`]'s colours, fonts and
//!    [`style::mesh`] for axes ([`style::MonthAxis`] for months). Draw
//!    labels on `root` at pixel positions from `chart.backend_coord`; keep
//!    them apart with [`data::spread`] or [`data::assign_rows`]; handle an
//!    empty group or a zero-width distribution (say so with
//!    [`style::message`] rather than draw an empty plot).
//! 2. Put any computation worth testing (bins, curves, sorting, headline
//!    text) into [`data`] or a pure function of the new file, with unit tests.
//! 3. Add `mod <name>;` and `pub use`, and one line to [`standard_charts`].
//! 4. Look at the PNG of every test scenario: overlapping or clipped labels
//!    are defects the tests cannot see.
//!
//! The integration tests then render it for every test scenario and check
//! that the PNG decodes at 1920×1080 and the SVG parses.

mod canvas;
mod conflation_cost;
mod convergence;
pub mod data;
mod efficient_frontier;
mod initiatives;
pub mod layout;
mod loss_exceedance;
mod npv_difference;
mod npv_distribution;
mod payback_curve;
mod roi_over_time;
pub mod style;
mod tornado;
mod variance;
mod visible_vs_invisible;
mod voi;

use std::fmt;
use std::path::{Path, PathBuf};

use plotters::backend::{BitMapBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};

pub use canvas::{Canvas, CanvasError};
pub use conflation_cost::ConflationCostChart;
pub use convergence::ConvergenceChart;
pub use efficient_frontier::EfficientFrontier;
pub use initiatives::Initiatives;
pub use loss_exceedance::LossExceedance;
pub use npv_difference::NpvDifference;
pub use npv_distribution::{NpvDistribution, NpvHistogram, npv_histograms};
pub use payback_curve::PaybackCurve;
pub use roi_over_time::RoiOverTime;
pub use tornado::{BARS as TORNADO_BARS, Tornado};
pub use variance::VarianceChart;
pub use visible_vs_invisible::VisibleVsInvisible;
pub use voi::ValueOfInformationChart;

use crate::report::Report;

/// Width of every chart in pixels.
pub const WIDTH: u32 = 1920;
/// Height of every chart in pixels (16:9 with [`WIDTH`]).
pub const HEIGHT: u32 = 1080;

/// The whole drawing surface of one chart, in pixels from the top left.
pub type Area<'a> = DrawingArea<Canvas<'a>, Shift>;

/// Why drawing a chart failed.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawError(pub String);

impl fmt::Display for DrawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DrawError {}

impl From<DrawingAreaErrorKind<CanvasError>> for DrawError {
    fn from(e: DrawingAreaErrorKind<CanvasError>) -> Self {
        DrawError(e.to_string())
    }
}

/// A chart file that could not be written.
#[derive(Debug)]
pub struct ChartError {
    /// The file being written.
    pub file: PathBuf,
    /// Why it failed.
    pub message: String,
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ChartError {}

/// One chart: a file name and a drawing of a report.
pub trait Chart: Sync {
    /// File name without extension, e.g. `roi-over-time`.
    fn file_stem(&self) -> &'static str;
    /// Draws the chart on `root`, a blank [`WIDTH`] × [`HEIGHT`] surface.
    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError>;
}

/// A chart file ready to draw: what [`render`] takes.
///
/// A [`Chart`] becomes one together with its report ([`OfReport`]); a chart
/// that holds everything it shows, such as [`EfficientFrontier`], is one
/// by itself and needs no [`Report`].
pub trait Figure {
    /// File name without extension, e.g. `roi-over-time`.
    fn file_stem(&self) -> &'static str;
    /// Draws the figure on `root`, a blank [`WIDTH`] × [`HEIGHT`] surface.
    fn draw(&self, root: &Area) -> Result<(), DrawError>;
}

/// A [`Chart`] with the report it draws.
#[derive(Clone, Copy)]
pub struct OfReport<'c, 'r, 'a> {
    /// The chart.
    pub chart: &'c dyn Chart,
    /// The report it draws.
    pub report: &'r Report<'a>,
}

impl Figure for OfReport<'_, '_, '_> {
    fn file_stem(&self) -> &'static str {
        self.chart.file_stem()
    }

    fn draw(&self, root: &Area) -> Result<(), DrawError> {
        self.chart.draw(self.report, root)
    }
}

/// The charts every `roicast run` writes, in the order a deck would show them.
pub fn standard_charts() -> Vec<Box<dyn Chart>> {
    vec![
        Box::new(RoiOverTime),
        Box::new(NpvDistribution),
        Box::new(PaybackCurve),
        Box::new(VisibleVsInvisible),
        Box::new(LossExceedance),
        Box::new(Initiatives),
        Box::new(Tornado),
        Box::new(ConvergenceChart),
    ]
}

/// The charts a run with actuals writes besides the standard ones.
pub fn reforecast_charts() -> Vec<Box<dyn Chart>> {
    vec![Box::new(VarianceChart)]
}

/// The two formats each chart is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Raster image for slides and documents.
    Png,
    /// Vector image with editable text.
    Svg,
}

impl Format {
    /// Both formats.
    pub const ALL: [Format; 2] = [Format::Png, Format::Svg];

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Draws one figure in one format to `path`.
pub fn render(figure: &dyn Figure, format: Format, path: &Path) -> Result<(), ChartError> {
    let fail = |message: String| ChartError { file: path.to_path_buf(), message };
    style::register_fonts().map_err(|e| fail(e.to_string()))?;
    let canvas = match format {
        Format::Png => Canvas::Bitmap(BitMapBackend::new(path, (WIDTH, HEIGHT))),
        Format::Svg => Canvas::Svg(SVGBackend::new(path, (WIDTH, HEIGHT))),
    };
    let root = canvas.into_drawing_area();
    figure.draw(&root).map_err(|e| fail(e.0))?;
    root.present().map_err(|e| fail(e.to_string()))
}

/// Draws one figure as an SVG document in memory, as [`render`] writes
/// the `.svg` file (the board pack embeds it).
pub fn svg_string(figure: &dyn Figure) -> Result<String, DrawError> {
    style::register_fonts()?;
    let mut svg = String::new();
    {
        let root = Canvas::Svg(SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT))).into_drawing_area();
        figure.draw(&root)?;
        root.present()?;
    }
    Ok(svg)
}

/// Draws one figure as `<dir>/<stem>.png` and `<dir>/<stem>.svg`.
///
/// Creates `dir` when needed and returns the files written, PNG before SVG.
pub fn render_formats(figure: &dyn Figure, dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    std::fs::create_dir_all(dir).map_err(|e| ChartError { file: dir.to_path_buf(), message: e.to_string() })?;
    let mut written = Vec::new();
    for format in Format::ALL {
        let path = dir.join(format!("{}.{}", figure.file_stem(), format.extension()));
        render(figure, format, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// Draws every [`standard_charts`] chart, and the [`reforecast_charts`] of a
/// run with actuals, as `<dir>/<stem>.png` and `<dir>/<stem>.svg`.
///
/// Creates `dir` when needed and returns the files written, PNG before SVG
/// for each chart.
pub fn render_all(report: &Report, dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = Vec::new();
    let reforecast = if report.reforecast.is_some() { reforecast_charts() } else { Vec::new() };
    for chart in standard_charts().into_iter().chain(reforecast) {
        written.extend(render_formats(&OfReport { chart: chart.as_ref(), report }, dir)?);
    }
    Ok(written)
}
