//! Visible vs invisible benefit: how much of each group's benefit reaches the P&L.
//!
//! Two panels on one y axis show, month by month, the mean benefit (light
//! area) and the mean P&L-visible part of it (solid area) of IT automation
//! and of BPA. The panel headings and the headline give the visible share of
//! the benefit over the horizon: IT automation's "low-visibility win" (real
//! value, mostly freed staff time, that no cost line shows) stands out
//! against BPA's visible savings.

use plotters::prelude::*;

use super::data::{benefit_curves, padded_range, visible_share};
use super::layout::month_money_axes;
use super::style::{self, Heading, LegendItem, Mark, PORTFOLIO};
use super::{Area, Chart, DrawError};
use crate::report::Report;
use crate::scenario::Kind;
use crate::stats::{MonthRow, monthly_rows};

/// The `visible-vs-invisible` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct VisibleVsInvisible;

/// Opacity of the area of benefit that does not show on the P&L.
const HIDDEN: f64 = 0.22;

/// The headline: the visible share of each group's benefit.
pub fn headline(it: Option<Option<f64>>, bpa: Option<Option<f64>>) -> String {
    let pct = style::share_label;
    match (it, bpa) {
        (Some(Some(a)), Some(Some(b))) if a < 0.5 && a < b => {
            format!("Only {} of IT automation's benefit shows on the P&L (BPA: {})", pct(a), pct(b))
        }
        (Some(Some(a)), Some(Some(b))) => {
            format!("The P&L shows {} of IT automation's benefit and {} of BPA's", pct(a), pct(b))
        }
        (Some(Some(a)), _) => format!("The P&L shows {} of IT automation's benefit", pct(a)),
        (_, Some(Some(b))) => format!("The P&L shows {} of BPA's benefit", pct(b)),
        _ => "No benefit over the horizon".to_string(),
    }
}

/// One panel's content.
struct Panel {
    kind: Kind,
    rows: Option<Vec<MonthRow>>,
}

impl Chart for VisibleVsInvisible {
    fn file_stem(&self) -> &'static str {
        "visible-vs-invisible"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let results = report.results;
        let panels: Vec<Panel> = [Kind::It, Kind::Bpa]
            .into_iter()
            .map(|kind| {
                let index =
                    results.sets.iter().position(|s| s.spec.name == kind.as_str() && !s.spec.members.is_empty());
                Panel { kind, rows: index.map(|i| monthly_rows(results, i)) }
            })
            .collect();
        let share = |p: &Panel| p.rows.as_ref().map(|r| visible_share(r));
        let title = headline(share(&panels[0]), share(&panels[1]));
        let values = panels.iter().filter_map(|p| p.rows.as_ref()).flatten().map(|r| r.benefit_mean);
        let (lo, hi) = padded_range(values, true, 0.0);
        let (lo, hi) = (if lo < 0.0 { lo * 1.1 } else { 0.0 }, hi * 1.1);
        let subtitle = format!(
            "Mean benefit per month ({}) over all trials, and the part of it that shows on the P&L",
            report.scenario.currency
        );
        let legend = [
            LegendItem::new(Mark::Band(PORTFOLIO, 1.0), "shows on the P&L"),
            LegendItem::new(
                Mark::Band(PORTFOLIO, HIDDEN),
                "real benefit the P&L does not show (e.g. staff time freed)",
            ),
        ];
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        for (area, panel) in plot.split_evenly((1, 2)).iter().zip(&panels) {
            draw_panel(report, &area.margin(0, 0, 0, 24), panel, (lo, hi))?;
        }
        Ok(())
    }
}

fn draw_panel(report: &Report, area: &Area, panel: &Panel, (lo, hi): (f64, f64)) -> Result<(), DrawError> {
    let color = style::kind_color(Some(panel.kind));
    let name = style::kind_label(panel.kind);
    let Some(rows) = &panel.rows else {
        let top = style::panel_heading(area, name, color)?;
        return style::message(&area.margin(top, 0, 0, 0), &format!("No {name} initiatives in this scenario"));
    };
    let heading = match visible_share(rows) {
        Some(s) => format!("{name}: {} shows on the P&L", style::share_label(s)),
        None => format!("{name}: no benefit"),
    };
    let top = style::panel_heading(area, &heading, color)?;
    let body = area.margin(top, 0, 0, 0);
    if rows.iter().all(|r| r.benefit_mean == 0.0) {
        return style::message(&body, "No benefit in any trial");
    }
    let mut chart = month_money_axes(&body, rows.len(), (lo, hi), report.scenario)?;
    let (benefit, visible) = benefit_curves(rows);
    chart.draw_series(
        AreaSeries::new(benefit.iter().copied(), 0.0, color.mix(HIDDEN).filled()).border_style(color.stroke_width(3)),
    )?;
    chart.draw_series(
        AreaSeries::new(visible.iter().copied(), 0.0, color.filled()).border_style(color.stroke_width(3)),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_calls_out_the_low_visibility_win() {
        assert_eq!(
            headline(Some(Some(0.17)), Some(Some(0.84))),
            "Only 17% of IT automation's benefit shows on the P&L (BPA: 84%)"
        );
        assert_eq!(
            headline(Some(Some(0.9)), Some(Some(0.8))),
            "The P&L shows 90% of IT automation's benefit and 80% of BPA's"
        );
        assert_eq!(headline(Some(Some(0.2)), None), "The P&L shows 20% of IT automation's benefit");
        assert_eq!(headline(Some(None), Some(None)), "No benefit over the horizon");
    }
}
