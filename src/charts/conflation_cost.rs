//! Conflation cost: what each mismatched owner costs, and all of them together.
//!
//! Drawn by `roicast conflation`. One row per mismatched initiative and a
//! last row for the whole portfolio: a bar from P10 to P90 of the NPV lost
//! per trial (NPV with the natural owner minus NPV as written, under common
//! random numbers), in the colour of the initiative's kind (dark grey for
//! the total), a dot at the mean, and the mean written at the right with the
//! change in the chance of losing money.

use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::layout::{RangeBar, RangeLayout, range_rows};
use super::style::{self, BPA, Footnote, Heading, INK, IT, LegendItem, Mark, PORTFOLIO};
use super::{Area, DrawError, Figure};
use crate::compare::{ConflationCost, PairedSet};
use crate::format::money;

/// The `conflation-cost` chart.
#[derive(Debug, Clone, Copy)]
pub struct ConflationCostChart<'c> {
    /// The paired runs and their statistics.
    pub cost: &'c ConflationCost,
    /// The scenario as written and the paired run's trials and seed.
    pub footnote: Footnote<'c>,
}

/// Width of the column of means right of the plot.
const VALUES: i32 = 420;

/// The headline: the mean NPV the mismatches cost, and how many there are.
pub fn headline(mean_lost: f64, mismatched: usize, currency: &str) -> String {
    let owners = if mismatched == 1 {
        "A mismatched owner costs".to_string()
    } else {
        format!("{mismatched} mismatched owners cost")
    };
    if mean_lost >= 0.0 {
        format!("{owners} {} of NPV on average", money(mean_lost, currency))
    } else {
        format!("{owners} nothing: NPV is {} higher on average as written", money(-mean_lost, currency))
    }
}

/// One row of the chart.
struct Row<'p> {
    name: String,
    color: RGBColor,
    set: &'p PairedSet,
}

impl Figure for ConflationCostChart<'_> {
    fn file_stem(&self) -> &'static str {
        "conflation-cost"
    }

    fn draw(&self, root: &Area) -> Result<(), DrawError> {
        let scenario = self.footnote.scenario;
        let currency = &scenario.currency;
        let mut rows: Vec<Row> = self
            .cost
            .initiatives
            .iter()
            .map(|set| {
                let kind = scenario.initiative_index(&set.name).map(|i| scenario.initiatives[i].kind);
                Row { name: set.name.clone(), color: style::kind_color(kind), set }
            })
            .collect();
        rows.push(Row { name: "All mismatches (portfolio)".into(), color: PORTFOLIO, set: &self.cost.total });
        let mean = |set: &PairedSet| set.npv_difference.map_or(0.0, |d| d.mean);
        let title = headline(mean(&self.cost.total), self.cost.initiatives.len(), currency);
        let subtitle = "NPV lost per trial (natural owner minus as written, same random numbers): \
                        the bar holds 8 trials in 10 (P10 to P90), the dot marks the mean";
        let legend = [
            LegendItem::new(Mark::Range(IT), "IT automation"),
            LegendItem::new(Mark::Range(BPA), "BPA"),
            LegendItem::new(Mark::Range(PORTFOLIO), "portfolio"),
            LegendItem::new(Mark::Dot(INK), "mean"),
        ];
        let plot = style::frame(root, self.footnote, &Heading { title: &title, subtitle, legend: &legend })?;
        let name_style = style::anchored(style::text(style::LABEL, INK), HPos::Right, VPos::Center);
        let max_names = (plot.dim_in_pixel().0 as i32) * 2 / 5;
        let mut names_width = 0;
        for row in &rows {
            names_width = names_width.max(style::text_width(root, &row.name, &name_style)?.min(max_names));
        }
        let layout = RangeLayout {
            names: names_width + 28,
            values: VALUES,
            x_range: padded_range(
                rows.iter().filter_map(|r| r.set.npv_difference).flat_map(|d| [d.p10, d.p90, d.mean]),
                true,
                0.05,
            ),
            x_desc: format!("NPV lost per trial ({currency})"),
            values_heading: "mean lost · P(NPV<0) natural → as written",
            currency,
        };
        let bars: Vec<Option<RangeBar>> = rows
            .iter()
            .map(|row| {
                let d = row.set.npv_difference?;
                let negative = &row.set.prob_npv_negative;
                let value = format!(
                    "{} · {} → {}",
                    money(d.mean, currency),
                    style::share_label(negative.b),
                    style::share_label(negative.a)
                );
                Some(RangeBar { low: d.p10, dot: d.mean, high: d.p90, mean: None, color: row.color, value })
            })
            .collect();
        range_rows(root, &plot, &layout, &bars, |i, at| {
            let name = style::fit_text(root, &rows[i].name, &name_style, max_names)?;
            root.draw_text(&name, &name_style, at)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_counts_the_mismatches() {
        assert_eq!(headline(369_000.0, 2, "USD"), "2 mismatched owners cost $369k of NPV on average");
        assert_eq!(headline(12_500.0, 1, "GBP"), "A mismatched owner costs £12.5k of NPV on average");
        assert_eq!(
            headline(-1_000.0, 1, "USD"),
            "A mismatched owner costs nothing: NPV is $1.00k higher on average as written"
        );
    }
}
