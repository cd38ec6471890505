//! Variance: where each set's actual cumulative cash flow stands in the plan.
//!
//! Drawn for runs with actuals only. One row per set (the portfolio, IT
//! automation and BPA, then each initiative): a bar over the plan's P10 to
//! P90 of the cumulative net cash flow at the end of the last actual month
//! (the same scenario without actuals, same seed and trials), in the colour
//! of its kind, and a dot at the actual; the actual's percentile in the plan
//! is written at the right. The headline says how far the portfolio is from
//! the plan's median.

use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::layout::{RangeBar, RangeLayout, range_rows};
use super::style::{self, BPA, Heading, INK, IT, LegendItem, Mark, PORTFOLIO};
use super::{Area, Chart, DrawError};
use crate::format::money;
use crate::reforecast::VarianceRow;
use crate::report::Report;
use crate::scenario::{Kind, month_label};

/// The `variance` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct VarianceChart;

/// Width of the column of percentiles right of the plot.
const VALUES: i32 = 230;

/// Where an actual stands in the plan, briefly: "P13", "below all",
/// "above all", or "as planned" when the plan was certain of it.
pub fn position_label(row: &VarianceRow) -> String {
    let certain = row.plan_p10 == row.plan_p90;
    match row.percentile {
        _ if certain && (row.actual_cumulative - row.plan_p50).abs() <= 1e-9 * row.plan_p50.abs().max(1.0) => {
            "as planned".to_string()
        }
        s if s <= 0.0 => "below all".to_string(),
        s if s >= 1.0 => "above all".to_string(),
        s => format!("P{}", ((s * 100.0).round() as u32).clamp(1, 99)),
    }
}

/// The headline: how far the portfolio's actual is from the plan's median
/// after `when`, and its percentile.
pub fn headline(row: &VarianceRow, when: &str, currency: &str) -> String {
    let gap = row.actual_cumulative - row.plan_p50;
    let side = if gap < 0.0 { "behind" } else { "ahead of" };
    format!(
        "The portfolio is {} {side} the plan's median after {when} ({} of the plan)",
        money(gap.abs(), currency),
        position_label(row)
    )
}

impl Chart for VarianceChart {
    fn file_stem(&self) -> &'static str {
        "variance"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let currency = &report.scenario.currency;
        let Some(reforecast) = &report.reforecast else {
            let plot = style::frame(root, report, &Heading { title: "No actuals", subtitle: "", legend: &[] })?;
            return style::message(&plot, "This run has no actuals to compare with its plan");
        };
        let when = month_label(reforecast.through, report.scenario.calendar.as_ref());
        // Sets with members, with their display name, kind and last actual month.
        let rows: Vec<(String, Option<Kind>, VarianceRow)> = reforecast
            .sets
            .iter()
            .zip(&report.results.sets)
            .filter(|(_, results)| !results.spec.members.is_empty())
            .filter_map(|(set, results)| {
                let spec = &results.spec;
                let name = match (spec.name.as_str(), spec.kind) {
                    ("portfolio", _) => "Portfolio".to_string(),
                    ("it" | "bpa", Some(kind)) => format!("All {}", style::kind_label(kind)),
                    _ => spec.name.clone(),
                };
                Some((name, spec.kind, *set.variance.last()?))
            })
            .collect();
        let title =
            rows.first().map_or_else(|| "No sets to chart".to_string(), |(_, _, row)| headline(row, &when, currency));
        let subtitle = format!(
            "Cumulative net cash flow at the end of {when} ({currency}): the bar holds 8 in 10 trials of the plan \
             (P10 to P90), the dot marks the actual"
        );
        let legend = [
            LegendItem::new(Mark::Range(PORTFOLIO), "portfolio"),
            LegendItem::new(Mark::Range(IT), "IT automation"),
            LegendItem::new(Mark::Range(BPA), "BPA"),
            LegendItem::new(Mark::Dot(INK), "actual"),
        ];
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        if rows.is_empty() {
            return style::message(&plot, "No initiatives in this scenario");
        }
        let name_style = style::anchored(style::text(style::LABEL, INK), HPos::Right, VPos::Center);
        let max_names = (plot.dim_in_pixel().0 as i32) * 2 / 5;
        let mut names_width = 0;
        for (name, _, _) in &rows {
            names_width = names_width.max(style::text_width(root, name, &name_style)?.min(max_names));
        }
        let values = rows.iter().flat_map(|(_, _, r)| [r.plan_p10, r.plan_p90, r.actual_cumulative]);
        let layout = RangeLayout {
            names: names_width + 28,
            values: VALUES,
            x_range: padded_range(values, true, 0.05),
            x_desc: format!("Cumulative net cash flow at the end of {when} ({currency})"),
            values_heading: "in the plan",
            currency,
        };
        let bars: Vec<Option<RangeBar>> = rows
            .iter()
            .map(|(_, kind, row)| {
                Some(RangeBar {
                    low: row.plan_p10,
                    dot: row.actual_cumulative,
                    high: row.plan_p90,
                    mean: None,
                    color: style::kind_color(*kind),
                    value: position_label(row),
                })
            })
            .collect();
        range_rows(root, &plot, &layout, &bars, |i, (label_x, py)| {
            let name = style::fit_text(root, &rows[i].0, &name_style, max_names)?;
            root.draw_text(&name, &name_style, (label_x, py))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(actual: f64, p10: f64, p50: f64, p90: f64, percentile: f64) -> VarianceRow {
        VarianceRow { month: 8, actual_cumulative: actual, plan_p10: p10, plan_p50: p50, plan_p90: p90, percentile }
    }

    #[test]
    fn positions_read_as_percentiles_or_words() {
        assert_eq!(position_label(&row(-5.0, -10.0, 0.0, 10.0, 0.234)), "P23");
        assert_eq!(position_label(&row(-5.0, -10.0, 0.0, 10.0, 0.001)), "P1");
        assert_eq!(position_label(&row(-50.0, -10.0, 0.0, 10.0, 0.0)), "below all");
        assert_eq!(position_label(&row(50.0, -10.0, 0.0, 10.0, 1.0)), "above all");
        assert_eq!(position_label(&row(0.0, 0.0, 0.0, 0.0, 1.0)), "as planned");
    }

    #[test]
    fn headline_says_behind_or_ahead() {
        let when = "Aug 2027";
        assert_eq!(
            headline(&row(-347_000.0, -364_000.0, -261_000.0, -176_000.0, 0.134), when, "USD"),
            "The portfolio is $86.0k behind the plan's median after Aug 2027 (P13 of the plan)"
        );
        assert_eq!(
            headline(&row(20_000.0, -10_000.0, 5_000.0, 30_000.0, 0.8), "month 8", "EUR"),
            "The portfolio is €15.0k ahead of the plan's median after month 8 (P80 of the plan)"
        );
    }
}
