//! NPV difference: how scenario B's NPV differs from scenario A's, trial by trial.
//!
//! Drawn by `roicast compare`. One panel per compared set (portfolio, IT
//! automation, BPA) on a shared money axis: a histogram of the per-trial
//! difference `NPV(B) − NPV(A)` under common random numbers, the side where
//! B does worse shaded, a solid line at the mean difference and the share of
//! trials in which B beats A. A set with no initiatives in either scenario
//! is left out.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{central_range, histogram, histogram_bins};
use super::layout::{draw_histogram, histogram_axes, stacked_panels};
use super::style::{self, AXIS, Footnote, Heading, INK, LOSS, LegendItem, MUTED, Mark};
use super::{Area, DrawError, Figure, WIDTH};
use crate::compare::Comparison;
use crate::format::money;
use crate::scenario::Kind;

/// The `npv-difference` chart of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct NpvDifference<'c> {
    /// The comparison to draw.
    pub comparison: &'c Comparison,
    /// Scenario B's name, for the subtitle.
    pub b_name: &'c str,
    /// Scenario A and the paired run's trials and seed.
    pub footnote: Footnote<'c>,
}

/// Width of the column with the set names.
const NAMES: i32 = 300;
/// Height of the money axis under the last panel.
const AXIS_HEIGHT: i32 = 90;

/// The headline from the portfolio's mean difference and the share of trials B wins.
pub fn headline(mean: f64, prob_b_beats_a: f64, identical: bool, currency: &str) -> String {
    if identical {
        return "A and B give the same portfolio NPV in every trial".to_string();
    }
    let wins = format!("B beats A in {} of trials", style::share_label(prob_b_beats_a));
    if mean >= 0.0 {
        format!("B adds {} to mean portfolio NPV; {wins}", money(mean, currency))
    } else {
        format!("B lowers mean portfolio NPV by {}; {wins}", money(-mean, currency))
    }
}

/// One panel: a set and its per-trial differences.
struct Panel {
    label: &'static str,
    color: RGBColor,
    differences: Vec<f64>,
    mean: f64,
    prob_b_beats_a: f64,
}

impl Figure for NpvDifference<'_> {
    fn file_stem(&self) -> &'static str {
        "npv-difference"
    }

    fn draw(&self, root: &Area) -> Result<(), DrawError> {
        let footnote = self.footnote;
        let currency = &footnote.scenario.currency;
        let runs = &self.comparison.runs;
        let panels: Vec<Panel> = self
            .comparison
            .sets
            .iter()
            .filter_map(|set| {
                let kind = match set.name.as_str() {
                    "it" => Some(Kind::It),
                    "bpa" => Some(Kind::Bpa),
                    _ => None,
                };
                let empty = |r: &crate::engine::RunResults| r.set(&set.name).is_none_or(|s| s.spec.members.is_empty());
                if kind.is_some() && empty(&runs.a) && empty(&runs.b) {
                    return None;
                }
                Some(Panel {
                    label: kind.map_or("Portfolio", style::kind_label),
                    color: style::kind_color(kind),
                    differences: runs.npv_differences(&set.name)?,
                    mean: set.npv_difference.map_or(0.0, |d| d.mean),
                    prob_b_beats_a: set.prob_b_beats_a,
                })
            })
            .collect();
        let Some(portfolio) = panels.first() else {
            let plot =
                style::frame(root, footnote, &Heading { title: "Nothing to compare", subtitle: "", legend: &[] })?;
            return style::message(&plot, "No trials");
        };
        let identical = panels.iter().all(|p| p.differences.iter().all(|&d| d == 0.0));
        let title = headline(portfolio.mean, portfolio.prob_b_beats_a, identical, currency);
        let subtitle = style::fit_text(
            root,
            &format!(
                "NPV(B) − NPV(A) in each of {} trials, same random numbers in both; B: {}, A: {}",
                style::grouped(footnote.trials),
                self.b_name,
                footnote.scenario.name
            ),
            &style::text(style::SUBTITLE, MUTED),
            WIDTH as i32 - 2 * style::MARGIN,
        )?;
        let legend = [
            LegendItem::new(Mark::Band(LOSS, 0.12), "B worse than A"),
            LegendItem::new(Mark::Line(INK, 4), "mean difference"),
        ];
        let plot = style::frame(root, footnote, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        if identical {
            return style::message(&plot, "The two scenarios give identical results in every trial");
        }
        let samples: Vec<&[f64]> = panels.iter().map(|p| p.differences.as_slice()).collect();
        let range = central_range(&samples, 0.01);
        let bins = histogram_bins(footnote.trials);
        let areas = stacked_panels(&plot, panels.len(), AXIS_HEIGHT);
        for (i, (panel, area)) in panels.iter().zip(&areas).enumerate() {
            draw_panel(root, area, panel, range, bins, i + 1 == panels.len(), currency)?;
        }
        Ok(())
    }
}

fn draw_panel(
    root: &Area,
    area: &Area,
    panel: &Panel,
    range: (f64, f64),
    bins: usize,
    last: bool,
    currency: &str,
) -> Result<(), DrawError> {
    area.draw_text(panel.label, &style::bold(style::HEADING, panel.color), (0, 12))?;
    let note = style::anchored(style::text(style::LABEL, MUTED), HPos::Left, VPos::Top);
    area.draw_text(&format!("B beats A in {}", style::share_label(panel.prob_b_beats_a)), &note, (0, 62))?;
    let hist = histogram(&panel.differences, range, bins);
    let (lo, hi) = (hist.bins.first().map_or(range.0, |b| b.lo), hist.bins.last().map_or(range.1, |b| b.hi));
    let body = area.margin(6, 0, NAMES, 16);
    let (axis, x_desc) = if last { (AXIS_HEIGHT, Some(format!("NPV(B) − NPV(A) ({currency})"))) } else { (0, None) };
    let mut chart = histogram_axes(&body, (lo, hi), axis, x_desc, currency)?;
    draw_histogram(&mut chart, &hist, (lo, hi), panel.color, 0.12, 0.78)?;
    if lo < 0.0 && hi > 0.0 {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, 0.0), (0.0, 1.0)],
            10,
            6,
            AXIS.stroke_width(2),
        )))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(panel.mean, 0.0), (panel.mean, 0.9)],
        INK.stroke_width(4),
    )))?;
    let (x, y) = chart.backend_coord(&(panel.mean, 0.9));
    let (right, _) = chart.backend_coord(&(hi, 0.0));
    let label = format!("mean {}", money(panel.mean, currency));
    let label_style = style::bold(style::LABEL, INK);
    let width = style::text_width(root, &label, &label_style)?;
    let start = if x + 12 + width <= right { x + 12 } else { x - 12 - width };
    root.draw(&Rectangle::new([(start - 6, y - 22), (start + width + 6, y + 22)], WHITE.filled()))?;
    root.draw_text(&label, &style::anchored(label_style, HPos::Left, VPos::Center), (start, y))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_says_which_way_and_how_often() {
        assert_eq!(
            headline(-369_000.0, 0.016, false, "USD"),
            "B lowers mean portfolio NPV by $369k; B beats A in 1.6% of trials"
        );
        assert_eq!(
            headline(52_300.0, 0.71, false, "EUR"),
            "B adds €52.3k to mean portfolio NPV; B beats A in 71% of trials"
        );
        assert_eq!(headline(0.0, 0.0, true, "USD"), "A and B give the same portfolio NPV in every trial");
    }
}
