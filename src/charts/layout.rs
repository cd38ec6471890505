//! Plot layouts that several charts share, in the [`style`] look.
//!
//! - [`range_rows`]: one row per item, a bar over a range with a ringed dot
//!   and a value column at the right ([`super::Initiatives`],
//!   [`super::ConflationCostChart`]).
//! - [`stacked_panels`], [`histogram_axes`] and [`draw_histogram`]: panels
//!   stacked on one money axis, each with a histogram
//!   ([`super::NpvDistribution`], [`super::NpvDifference`]).
//! - [`month_money_axes`]: a panel of money by month
//!   ([`super::RoiOverTime`], [`super::VisibleVsInvisible`]).
//!
//! Each chart still computes what it shows and draws its own labels; these
//! functions only draw what the charts have in common.

use plotters::chart::ChartContext;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::Histogram;
use super::style::{self, AXIS, INK, LOSS, MUTED, MonthAxis, ZEBRA};
use super::{Area, Canvas, DrawError, WIDTH};
use crate::scenario::Scenario;

/// A plotters chart on a [`super::Canvas`] with plain `f64` axes.
pub type Plot<'a, 'b> = ChartContext<'a, Canvas<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// One row of [`range_rows`].
#[derive(Debug, Clone, PartialEq)]
pub struct RangeBar {
    /// Left end of the bar (e.g. P10).
    pub low: f64,
    /// Where the dot sits (e.g. the median or the mean).
    pub dot: f64,
    /// Right end of the bar (e.g. P90).
    pub high: f64,
    /// Where a tick marks the mean, when the dot marks something else.
    pub mean: Option<f64>,
    /// Colour of the bar.
    pub color: RGBColor,
    /// Text in the value column.
    pub value: String,
}

/// Where [`range_rows`] draws, and what its axis says.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeLayout<'t> {
    /// Pixels left of the plot, for the row names.
    pub names: i32,
    /// Pixels right of the plot, for the value column.
    pub values: i32,
    /// The money range of the x axis.
    pub x_range: (f64, f64),
    /// Description of the x axis.
    pub x_desc: String,
    /// Heading of the value column, above its right edge.
    pub values_heading: &'t str,
    /// Currency of the x axis ticks.
    pub currency: &'t str,
}

/// Height in pixels of each of `rows` rows that [`range_rows`] draws on `plot`.
pub fn range_row_height(plot: &Area, rows: usize) -> i32 {
    (plot.dim_in_pixel().1 as i32 - 140) / rows as i32
}

/// Draws one row per entry of `rows`, top to bottom, on `plot`: every
/// other row on a zebra stripe, a money x axis, a dashed zero line when the
/// range spans zero, and for each row a bar from `low` to `high` (at least
/// as wide as the dot, so a fixed value still shows its colour), a ringed
/// dot at `dot`, a tick at `mean` (when given) and the value right-aligned
/// in the column right of the plot.
/// A `None` row stays empty.
///
/// `label(i, (x, y))` draws the name of row `i`, right-aligned at `x` and
/// centred on `y` (pixels of `root`), after its bar and before its value.
pub fn range_rows(
    root: &Area,
    plot: &Area,
    layout: &RangeLayout,
    rows: &[Option<RangeBar>],
    mut label: impl FnMut(usize, (i32, i32)) -> Result<(), DrawError>,
) -> Result<(), DrawError> {
    let n = rows.len();
    let (lo, hi) = layout.x_range;
    let mut chart = ChartBuilder::on(plot)
        .x_label_area_size(90)
        .margin_left(layout.names)
        .margin_right(layout.values)
        .margin_top(50)
        .build_cartesian_2d(lo..hi, 0.0..n as f64)?;
    let center = |i: usize| n as f64 - i as f64 - 0.5;
    chart.draw_series(
        (0..n)
            .filter(|i| i % 2 == 1)
            .map(|i| Rectangle::new([(lo, center(i) - 0.5), (hi, center(i) + 0.5)], ZEBRA.filled())),
    )?;
    let x_fmt = |v: &f64| style::money_tick(*v, layout.currency);
    style::mesh(&mut chart)
        .disable_y_mesh()
        .disable_y_axis()
        .x_labels(8)
        .x_desc(layout.x_desc.as_str())
        .x_label_formatter(&x_fmt)
        .draw()?;
    if lo < 0.0 && hi > 0.0 {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, 0.0), (0.0, n as f64)],
            12,
            8,
            AXIS.stroke_width(3),
        )))?;
    }
    let half = (range_row_height(plot, n) / 5).clamp(4, 14);
    let (plot_left, _) = chart.backend_coord(&(lo, 0.0));
    let (plot_right, plot_top) = chart.backend_coord(&(hi, n as f64));
    root.draw_text(
        layout.values_heading,
        &style::anchored(style::text(style::LABEL, MUTED), HPos::Right, VPos::Bottom),
        (WIDTH as i32 - style::MARGIN, plot_top - 8),
    )?;
    let value_style = style::anchored(style::bold(style::LABEL, INK), HPos::Right, VPos::Center);
    for (i, bar) in rows.iter().enumerate() {
        let Some(bar) = bar else { continue };
        let y = center(i);
        let (x, py) = chart.backend_coord(&(bar.dot, y));
        let (x_low, x_high) = (chart.backend_coord(&(bar.low, y)).0, chart.backend_coord(&(bar.high, y)).0);
        let (x_low, x_high) = if x_high - x_low < 40 { (x - 20, x + 20) } else { (x_low, x_high) };
        root.draw(&Rectangle::new([(x_low, py - half), (x_high, py + half)], bar.color.filled()))?;
        if let Some(mean) = bar.mean {
            let (mx, _) = chart.backend_coord(&(mean, y));
            draw_tick(root, (mx, py), half + 12)?;
        }
        style::ringed_dot(root, (x, py), 13, WHITE, INK, 4)?;
        label(i, (plot_left - 24, py))?;
        root.draw_text(&bar.value, &value_style, (plot_right + layout.values, py))?;
    }
    Ok(())
}

/// Draws the tick that marks a mean: a black bar `reach` pixels above and below `(x, y)`, edged in white.
pub fn draw_tick(root: &Area, (x, y): (i32, i32), reach: i32) -> Result<(), DrawError> {
    root.draw(&Rectangle::new([(x - 5, y - reach - 2), (x + 5, y + reach + 2)], WHITE.filled()))?;
    root.draw(&Rectangle::new([(x - 3, y - reach), (x + 3, y + reach)], INK.filled()))?;
    Ok(())
}

/// Splits `plot` into `count` panels stacked top to bottom, all as tall but
/// the last, which also holds the shared x axis (`axis` pixels) under it.
pub fn stacked_panels<'a>(plot: &Area<'a>, count: usize, axis: i32) -> Vec<Area<'a>> {
    let (w, h) = plot.dim_in_pixel();
    let height = (h as i32 - axis) / count.max(1) as i32;
    (0..count)
        .map(|i| {
            let last = i + 1 == count;
            plot.clone().shrink((0, i as i32 * height), (w, (height + if last { axis } else { 0 }) as u32))
        })
        .collect()
}

/// The axes of a histogram panel on `body`: money from `lo` to `hi` across
/// (ticks and labels only in `axis` pixels under the panel, none when 0,
/// described by `x_desc`), and 0 to 1 up with no axis.
pub fn histogram_axes<'a, 'b>(
    body: &'a Area<'b>,
    (lo, hi): (f64, f64),
    axis: i32,
    x_desc: Option<String>,
    currency: &str,
) -> Result<Plot<'a, 'b>, DrawError> {
    let mut chart = ChartBuilder::on(body).x_label_area_size(axis).build_cartesian_2d(lo..hi, 0.0..1.0)?;
    let x_fmt = |v: &f64| style::money_tick(*v, currency);
    let mut mesh = style::mesh(&mut chart);
    mesh.disable_y_mesh().disable_y_axis().x_labels(8).x_label_formatter(&x_fmt);
    if let Some(desc) = x_desc {
        mesh.x_desc(desc);
    }
    mesh.draw()?;
    Ok(chart)
}

/// Draws a histogram on axes from [`histogram_axes`]: the side below zero
/// shaded in the loss colour at `loss_opacity`, the bars in `color` with the
/// tallest reaching `top` (a share of the panel's height), and the baseline.
pub fn draw_histogram(
    chart: &mut Plot,
    hist: &Histogram,
    (lo, hi): (f64, f64),
    color: RGBColor,
    loss_opacity: f64,
    top: f64,
) -> Result<(), DrawError> {
    if lo < 0.0 {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(lo, 0.0), (hi.min(0.0), 1.0)],
            LOSS.mix(loss_opacity).filled(),
        )))?;
    }
    let max_share = hist.max_share().max(f64::MIN_POSITIVE);
    chart.draw_series(
        hist.bins
            .iter()
            .filter(|b| b.share > 0.0)
            .map(|b| Rectangle::new([(b.lo, 0.0), (b.hi, b.share / max_share * top)], color.filled())),
    )?;
    chart.draw_series(std::iter::once(PathElement::new(vec![(lo, 0.0), (hi, 0.0)], AXIS.stroke_width(2))))?;
    Ok(())
}

/// The axes of a money-by-month panel on `body`: months 0 to `horizon`
/// across (a [`MonthAxis`], dated with a calendar), money from `lo` to `hi` up.
pub fn month_money_axes<'a, 'b>(
    body: &'a Area<'b>,
    horizon: usize,
    (lo, hi): (f64, f64),
    scenario: &Scenario,
) -> Result<ChartContext<'a, Canvas<'b>, Cartesian2d<MonthAxis, RangedCoordf64>>, DrawError> {
    const Y_LABELS: i32 = 140;
    let width = body.dim_in_pixel().0 as i32 - Y_LABELS;
    let axis = MonthAxis::new(horizon as f64, horizon, scenario.calendar, width);
    let description = axis.description();
    let mut chart =
        ChartBuilder::on(body).x_label_area_size(90).y_label_area_size(Y_LABELS).build_cartesian_2d(axis, lo..hi)?;
    let y_fmt = |v: &f64| style::money_tick(*v, &scenario.currency);
    style::mesh(&mut chart).x_desc(description).y_labels(8).y_label_formatter(&y_fmt).disable_x_mesh().draw()?;
    Ok(chart)
}
