//! NPV distribution: histograms of IT automation, BPA and the portfolio on one x axis.
//!
//! Three stacked panels share the money axis, so their positions and
//! spreads compare at a glance. The loss side (NPV below zero) is shaded
//! and carries the share of trials that lose money; lines mark P10, the
//! median and P90. The axis covers the middle 98% (P1 to P99) of every group's trials
//! and always leaves room for the loss side.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{Histogram, assign_rows, central_range, histogram, histogram_bins};
use super::layout::{draw_histogram, histogram_axes, stacked_panels};
use super::style::{self, Heading, INK, LOSS};
use super::{Area, Chart, DrawError};
use crate::format::money;
use crate::report::Report;
use crate::scenario::Kind;

/// The `npv-distribution` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct NpvDistribution;

/// Smallest share of the axis width given to the loss side.
const LOSS_SIDE: f64 = 0.25;

/// Height of a row of labels in pixels.
const ROW: i32 = 42;
/// Width of the column with the group names.
const NAMES: i32 = 320;
/// Height of the money axis under the last panel.
const AXIS_HEIGHT: i32 = 90;

/// One panel: a group of initiatives and its NPV sample.
struct Group<'r> {
    kind: Option<Kind>,
    label: &'static str,
    color: RGBColor,
    npv: &'r [f64],
    p10: f64,
    p50: f64,
    p90: f64,
    loss: f64,
}

/// The headline: each group's chance of losing money.
pub fn headline(groups: &[(&str, f64)]) -> String {
    let parts: Vec<String> =
        groups.iter().map(|(label, share)| format!("{label} {}", style::share_label(*share))).collect();
    format!("Chance of losing money: {}", parts.join(", "))
}

/// Widens `(lo, hi)` to the left so that at least [`LOSS_SIDE`] of it lies below zero.
pub fn with_loss_side((lo, hi): (f64, f64)) -> (f64, f64) {
    if hi <= 0.0 { (lo, hi) } else { (lo.min(-hi * LOSS_SIDE / (1.0 - LOSS_SIDE)), hi) }
}

/// The groups drawn, in panel order: IT automation, BPA, portfolio (those with initiatives).
fn groups<'r>(report: &'r Report) -> Vec<Group<'r>> {
    [("it", Some(Kind::It)), ("bpa", Some(Kind::Bpa)), ("portfolio", None)]
        .into_iter()
        .filter_map(|(name, kind)| {
            let set = report.results.set(name).filter(|s| !s.spec.members.is_empty())?;
            let summary = report.summary(name)?;
            let npv = summary.npv?;
            Some(Group {
                kind,
                label: kind.map_or("portfolio", style::kind_label),
                color: style::kind_color(kind),
                npv: &set.npv,
                p10: npv.p10,
                p50: npv.p50,
                p90: npv.p90,
                loss: summary.prob_npv_negative,
            })
        })
        .collect()
}

/// The groups' histograms on common bins: over the middle 98% of every
/// group, with room for the loss side, finer with more trials.
fn histograms(report: &Report, groups: &[Group]) -> Vec<Histogram> {
    let samples: Vec<&[f64]> = groups.iter().map(|g| g.npv).collect();
    let range = with_loss_side(central_range(&samples, 0.01));
    let bins = histogram_bins(report.results.trials);
    samples.iter().map(|s| histogram(s, range, bins)).collect()
}

/// The histogram of one group's NPV, as the chart draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct NpvHistogram {
    /// `Some(kind)` for IT automation or BPA, `None` for the portfolio.
    pub kind: Option<Kind>,
    /// Its bins, common to every group of the run.
    pub histogram: Histogram,
}

/// The histograms the `npv-distribution` chart draws (the workbook tabulates them).
pub fn npv_histograms(report: &Report) -> Vec<NpvHistogram> {
    let groups = groups(report);
    let hists = histograms(report, &groups);
    groups.iter().zip(hists).map(|(g, histogram)| NpvHistogram { kind: g.kind, histogram }).collect()
}

impl Chart for NpvDistribution {
    fn file_stem(&self) -> &'static str {
        "npv-distribution"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let groups = groups(report);
        let title = headline(&groups.iter().map(|g| (g.label, g.loss)).collect::<Vec<_>>());
        let hists = histograms(report, &groups);
        let outside = hists.iter().map(|h| h.below + h.above).fold(0.0, f64::max);
        let sim = &report.scenario.simulation;
        let mut subtitle = format!(
            "NPV over {} months at {}% a year; bar height: share of the {} trials",
            sim.horizon_months,
            (sim.discount_rate * 1000.0).round() / 10.0,
            style::grouped(report.results.trials)
        );
        if outside > 0.0 {
            subtitle.push_str(&format!("; {} beyond the axis", style::share_label(outside)));
        }
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &[] })?;
        let panels = stacked_panels(&plot, groups.len(), AXIS_HEIGHT);
        for (i, ((group, hist), area)) in groups.iter().zip(&hists).zip(&panels).enumerate() {
            draw_group(report, root, area, group, hist, i + 1 == groups.len())?;
        }
        if groups.is_empty() {
            style::message(&plot, "No initiatives in this scenario")?;
        }
        Ok(())
    }
}

fn draw_group(
    report: &Report,
    root: &Area,
    area: &Area,
    group: &Group,
    hist: &Histogram,
    last: bool,
) -> Result<(), DrawError> {
    let currency = &report.scenario.currency;
    let name = if group.label == "portfolio" { "Portfolio" } else { group.label };
    area.draw_text(name, &style::bold(style::HEADING, group.color), (0, 12))?;
    let (lo, hi) = (hist.bins.first().map_or(-1.0, |b| b.lo), hist.bins.last().map_or(1.0, |b| b.hi));
    let body = area.margin(6, 0, NAMES, 16);
    let mut chart = histogram_axes(&body, (lo, hi), if last { AXIS_HEIGHT } else { 0 }, None, currency)?;

    // Labels first: their rows decide how tall the bars may be.
    let (top, bottom) = (chart.backend_coord(&(lo, 1.0)).1, chart.backend_coord(&(lo, 0.0)).1);
    let (left, right) = (chart.backend_coord(&(lo, 0.0)).0, chart.backend_coord(&(hi, 0.0)).0);
    let loss_text = if group.loss == 0.0 {
        "no trial loses money".to_string()
    } else {
        format!("loss in {} of trials", style::share_label(group.loss))
    };
    let loss_style = style::bold(style::LABEL, LOSS);
    let tag_style = style::text(style::LABEL, INK);
    let x = |v: f64| chart.backend_coord(&(v, 0.0)).0;
    // (text, style, line position or none, left edge of the text)
    let mut tags: Vec<(String, &TextStyle, Option<i32>, i32)> = Vec::new();
    let mut place = |text: String, style, line: Option<i32>, side: HPos| -> Result<(), DrawError> {
        let width = style::text_width(root, &text, style)?;
        let start = match (line, side) {
            (None, _) => left + 12,
            (Some(at), HPos::Center) => (at - width / 2).clamp(left, (right - width).max(left)),
            (Some(at), HPos::Right) if at - 12 - width >= left => at - 12 - width,
            (Some(at), HPos::Left) if at + 12 + width > right && at - 12 - width >= left => at - 12 - width,
            (Some(at), _) => at + 12,
        };
        tags.push((text, style, line, start));
        Ok(())
    };
    place(loss_text, &loss_style, None, HPos::Left)?;
    if group.p90 - group.p10 <= 1e-9 * group.p50.abs().max(1.0) {
        place(format!("every trial {}", money(group.p50, currency)), &tag_style, Some(x(group.p50)), HPos::Center)?;
    } else {
        place(format!("median {}", money(group.p50, currency)), &tag_style, Some(x(group.p50)), HPos::Center)?;
        place(format!("P10 {}", money(group.p10, currency)), &tag_style, Some(x(group.p10)), HPos::Right)?;
        place(format!("P90 {}", money(group.p90, currency)), &tag_style, Some(x(group.p90)), HPos::Left)?;
    }
    let mut intervals = Vec::new();
    for (text, style, _, start) in &tags {
        intervals.push((f64::from(*start), f64::from(start + style::text_width(root, text, style)?)));
    }
    let rows = assign_rows(&intervals, 18.0);
    let used = rows.iter().max().map_or(0, |r| r + 1) as i32;
    let bar_top = (1.0 - f64::from(used * ROW + 12) / f64::from((bottom - top).max(1))).max(0.2);

    draw_histogram(&mut chart, hist, (lo, hi), group.color, 0.10, bar_top)?;
    if lo < 0.0 && hi > 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, 1.0)], LOSS.stroke_width(2))))?;
    }
    let row_top = |row: usize| top + 4 + row as i32 * ROW;
    // Lines first, then each label on a white patch, so a line never runs through a label.
    for (k, ((_, _, line, _), &row)) in tags.iter().zip(&rows).enumerate() {
        if let Some(px) = line {
            let end = row_top(row) + ROW / 2;
            if k == 1 {
                root.draw(&PathElement::new(vec![(*px, bottom), (*px, end)], INK.stroke_width(3)))?;
            } else {
                root.draw(&DashedPathElement::new(vec![(*px, bottom), (*px, end)], 8, 6, INK.stroke_width(2)))?;
            }
        }
    }
    for ((text, style, line, start), (&row, &(a, b))) in tags.iter().zip(rows.iter().zip(&intervals)) {
        let y = row_top(row);
        if line.is_some() {
            root.draw(&Rectangle::new([(a as i32 - 6, y - 2), (b as i32 + 6, y + ROW - 6)], WHITE.filled()))?;
        }
        root.draw_text(text, &style::anchored((*style).clone(), HPos::Left, VPos::Top), (*start, y + 2))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_lists_each_groups_chance_of_loss() {
        assert_eq!(
            headline(&[("IT automation", 0.021), ("BPA", 0.24), ("portfolio", 0.053)]),
            "Chance of losing money: IT automation 2.1%, BPA 24%, portfolio 5.3%"
        );
    }

    #[test]
    fn loss_side_gets_a_quarter_of_the_axis_at_least() {
        let (lo, hi) = with_loss_side((100.0, 400.0));
        assert!((lo - -400.0 / 3.0).abs() < 1e-9 && hi == 400.0);
        assert_eq!(with_loss_side((-500.0, 400.0)), (-500.0, 400.0));
        assert_eq!(with_loss_side((-500.0, -100.0)), (-500.0, -100.0));
    }
}
