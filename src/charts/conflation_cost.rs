//! Conflation cost: what each mismatched owner costs, and all of them together.
//!
//! Drawn by `roicast conflation`. One row per mismatched initiative and a
//! last row for the whole portfolio: a bar from P10 to P90 of the NPV lost
//! per trial (NPV with the natural owner minus NPV as written, under common
//! random numbers), in the colour of the initiative's kind (dark grey for
//! the total), a dot at the mean, and the mean written at the right with the
//! change in the chance of losing money.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::style::{self, AXIS, BPA, Heading, INK, IT, LegendItem, MUTED, Mark, PORTFOLIO};
use super::{Area, Chart, DrawError, WIDTH};
use crate::compare::{ConflationCost, PairedSet};
use crate::format::money;
use crate::report::Report;

/// The `conflation-cost` chart; the report is the run of the scenario as written.
#[derive(Debug, Clone, Copy)]
pub struct ConflationCostChart<'c> {
    /// The paired runs and their statistics.
    pub cost: &'c ConflationCost,
}

/// Width of the column of means right of the plot.
const VALUES: i32 = 420;
/// Light background of every other row.
const ZEBRA: RGBColor = RGBColor(0xF3, 0xF3, 0xF3);

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

impl Chart for ConflationCostChart<'_> {
    fn file_stem(&self) -> &'static str {
        "conflation-cost"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let scenario = report.scenario;
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
        let plot = style::frame(root, report, &Heading { title: &title, subtitle, legend: &legend })?;
        let (w, h) = plot.dim_in_pixel();
        let n = rows.len();
        let name_style = style::anchored(style::text(style::LABEL, INK), HPos::Right, VPos::Center);
        let max_names = (w as i32) * 2 / 5;
        let mut names_width = 0;
        for row in &rows {
            names_width = names_width.max(style::text_width(root, &row.name, &name_style)?.min(max_names));
        }
        let (lo, hi) = padded_range(
            rows.iter().filter_map(|r| r.set.npv_difference).flat_map(|d| [d.p10, d.p90, d.mean]),
            true,
            0.05,
        );
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(90)
            .margin_left(names_width + 28)
            .margin_right(VALUES)
            .margin_top(50)
            .build_cartesian_2d(lo..hi, 0.0..n as f64)?;
        let center = |i: usize| n as f64 - i as f64 - 0.5;
        chart.draw_series(
            (0..n)
                .filter(|i| i % 2 == 1)
                .map(|i| Rectangle::new([(lo, center(i) - 0.5), (hi, center(i) + 0.5)], ZEBRA.filled())),
        )?;
        let x_fmt = |v: &f64| style::money_tick(*v, currency);
        style::mesh(&mut chart)
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(8)
            .x_desc(format!("NPV lost per trial ({currency})"))
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
        let row_px = (h as i32 - 140) / n as i32;
        let half = (row_px / 5).clamp(4, 14);
        let (plot_left, _) = chart.backend_coord(&(lo, 0.0));
        let (plot_right, plot_top) = chart.backend_coord(&(hi, n as f64));
        root.draw_text(
            "mean lost · P(NPV<0) natural → as written",
            &style::anchored(style::text(style::LABEL, MUTED), HPos::Right, VPos::Bottom),
            (WIDTH as i32 - style::MARGIN, plot_top - 8),
        )?;
        for (i, row) in rows.iter().enumerate() {
            let Some(d) = row.set.npv_difference else { continue };
            let y = center(i);
            let (x, py) = chart.backend_coord(&(d.mean, y));
            let (x10, x90) = (chart.backend_coord(&(d.p10, y)).0, chart.backend_coord(&(d.p90, y)).0);
            let (x10, x90) = if x90 - x10 < 40 { (x - 20, x + 20) } else { (x10, x90) };
            root.draw(&Rectangle::new([(x10, py - half), (x90, py + half)], row.color.filled()))?;
            root.draw(&Circle::new((x, py), 13, WHITE.filled()))?;
            root.draw(&Circle::new((x, py), 13, INK.stroke_width(4)))?;
            let name = style::fit_text(root, &row.name, &name_style, max_names)?;
            root.draw_text(&name, &name_style, (plot_left - 24, py))?;
            let negative = &row.set.prob_npv_negative;
            let value = format!(
                "{} · {} → {}",
                money(d.mean, currency),
                style::share_label(negative.b),
                style::share_label(negative.a)
            );
            root.draw_text(
                &value,
                &style::anchored(style::bold(style::LABEL, INK), HPos::Right, VPos::Center),
                (plot_right + VALUES, py),
            )?;
        }
        Ok(())
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
