//! NPV difference: how scenario B's NPV differs from scenario A's, trial by trial.
//!
//! Drawn by `roicast compare`. One row per compared set (portfolio, IT
//! automation, BPA) on a shared money axis: a bar over the middle 8 trials
//! in 10 of the per-trial difference `NPV(B) − NPV(A)` under common random
//! numbers (P10 to P90), a dot at its median and a tick at its mean, and
//! beside the set's name the shares of trials in which B does better, the
//! same, or worse. Quantiles and shares stay readable where a histogram
//! would not: when every difference is exactly zero (a bar centred on zero,
//! "same in 100%") or when nearly all of them sit in one spike. A set with
//! no initiatives in either scenario is left out.

use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::layout::{RangeBar, RangeLayout, range_rows};
use super::style::{self, Footnote, Heading, INK, LegendItem, MUTED, Mark};
use super::{Area, DrawError, Figure, WIDTH};
use crate::compare::{Comparison, PairedSet};
use crate::format::signed_money;
use crate::scenario::Kind;

/// The `npv-difference` chart of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct NpvDifference<'c> {
    /// The comparison to draw.
    pub comparison: &'c Comparison,
    /// Scenario B's name, for the line above the rows.
    pub b_name: &'c str,
    /// Scenario A and the paired run's trials.
    pub footnote: Footnote<'c>,
}

/// Width of the value column right of the plot.
const VALUES: i32 = 260;

/// The headline from the portfolio's mean difference and the share of trials B wins.
pub fn headline(mean: f64, prob_b_beats_a: f64, identical: bool, currency: &str) -> String {
    if identical {
        return "A and B give the same portfolio NPV in every trial".to_string();
    }
    let wins = format!("B beats A in {} of trials", style::share_label(prob_b_beats_a));
    if mean >= 0.0 {
        format!("B adds {} to mean portfolio NPV; {wins}", crate::format::money(mean, currency))
    } else {
        format!("B lowers mean portfolio NPV by {}; {wins}", crate::format::money(-mean, currency))
    }
}

/// "better 71% · same 2% · worse 27%": the shares of trials in which B's NPV
/// is higher, equal and lower.
pub fn shares(set: &PairedSet) -> String {
    let worse = (1.0 - set.prob_b_beats_a - set.prob_tie).max(0.0);
    format!(
        "better {} · same {} · worse {}",
        style::share_label(set.prob_b_beats_a),
        style::share_label(set.prob_tie),
        style::share_label(worse)
    )
}

impl Figure for NpvDifference<'_> {
    fn file_stem(&self) -> &'static str {
        "npv-difference"
    }

    fn draw(&self, root: &Area) -> Result<(), DrawError> {
        let footnote = self.footnote;
        let a_name = &footnote.scenario.name;
        let currency = &footnote.scenario.currency;
        let runs = &self.comparison.runs;
        let rows: Vec<(&PairedSet, Option<Kind>)> = self
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
                (kind.is_none() || !(empty(&runs.a) && empty(&runs.b))).then_some((set, kind))
            })
            .collect();
        let identical = rows.iter().all(|(set, _)| set.prob_tie >= 1.0);
        let title = match rows.first() {
            Some((portfolio, _)) => headline(
                portfolio.npv_difference.map_or(0.0, |d| d.mean),
                portfolio.prob_b_beats_a,
                identical,
                currency,
            ),
            None => "Nothing to compare".to_string(),
        };
        let subtitle = "NPV(B) − NPV(A) in each trial, on the same random numbers; bar: the middle 8 trials in 10";
        let legend = [
            LegendItem::new(Mark::Range(style::PORTFOLIO), "P10 to P90"),
            LegendItem::new(Mark::Dot(INK), "median"),
            LegendItem::new(Mark::Tick, "mean"),
        ];
        let plot = style::frame(root, footnote, &Heading { title: &title, subtitle, legend: &legend })?;
        // Which scenario is which, shrunk to fit one line.
        let names = format!("B: {}   against   A: {a_name}", self.b_name);
        let width = WIDTH as i32 - 2 * style::MARGIN;
        let size = style::muted_size_to_fit(root, &names, style::LABEL, 24.0, width)?;
        let names = style::fit_text(root, &names, &style::text(size, MUTED), width)?;
        plot.draw_text(&names, &style::text(size, MUTED), (0, 0))?;
        if rows.is_empty() {
            return style::message(&plot, "No trials");
        }
        let share_style = style::anchored(style::text(style::LABEL, MUTED), HPos::Right, VPos::Top);
        let mut names_width = 0;
        for (set, _) in &rows {
            names_width = names_width.max(style::text_width(root, &shares(set), &share_style)?);
        }
        let ends = rows.iter().filter_map(|(set, _)| set.npv_difference).flat_map(|d| [d.p10, d.p90, d.mean]);
        let layout = RangeLayout {
            names: names_width + 28,
            values: VALUES,
            x_range: padded_range(ends, true, 0.05),
            x_desc: format!("NPV(B) − NPV(A) ({currency})"),
            values_heading: "mean B − A",
            currency,
        };
        let bars: Vec<Option<RangeBar>> = rows
            .iter()
            .map(|(set, kind)| {
                let d = set.npv_difference?;
                Some(RangeBar {
                    low: d.p10,
                    dot: d.p50,
                    high: d.p90,
                    mean: Some(d.mean),
                    color: style::kind_color(*kind),
                    value: if set.prob_tie >= 1.0 { "none".into() } else { signed_money(d.mean, currency) },
                })
            })
            .collect();
        let body = plot.margin(48, 0, 0, 0);
        range_rows(root, &body, &layout, &bars, |i, (x, y)| {
            let (set, kind) = rows[i];
            let label = kind.map_or("Portfolio", style::kind_label);
            let label_style =
                style::anchored(style::bold(style::LABEL, style::kind_color(kind)), HPos::Right, VPos::Bottom);
            root.draw_text(label, &label_style, (x, y - 2))?;
            root.draw_text(&shares(set), &share_style, (x, y + 2))?;
            Ok(())
        })
    }
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

    #[test]
    fn shares_add_up_to_every_trial() {
        use crate::compare::{Change, Presence};
        let set = PairedSet {
            name: "portfolio".into(),
            present_in: Presence::Both,
            npv_mean: Change { a: 0.0, b: 0.0, change: 0.0 },
            npv_difference: None,
            prob_b_beats_a: 0.05,
            prob_tie: 0.93,
            prob_npv_negative: Change { a: 0.0, b: 0.0, change: 0.0 },
            payback_month_p50: Change { a: None, b: None, change: None },
            prob_abandoned: Change { a: 0.0, b: 0.0, change: 0.0 },
        };
        assert_eq!(shares(&set), "better 5.0% · same 93% · worse 2.0%");
    }
}
