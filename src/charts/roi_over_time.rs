//! Fan chart: cumulative net cash flow by month, IT automation beside BPA.
//!
//! Each panel shows the median of the cumulative net cash flow and the
//! bands holding the middle half (P25–P75) and nine in ten (P5–P95) of the
//! trials, month by month, on the same y axis, with the zero line and the
//! median payback month marked. The headline states both median paybacks.
//! In a run with actuals, months up to the last actual one are the same in
//! every trial: the actual path is drawn as a solid dark line through it,
//! and the re-forecast's median and bands from it on.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{Fan, band, fan, padded_range};
use super::layout::month_money_axes;
use super::style::{self, AXIS, Heading, INK, LegendItem, Mark, PORTFOLIO};
use super::{Area, Chart, DrawError};
use crate::calendar::Calendar;
use crate::format::dated_month;
use crate::report::Report;
use crate::scenario::Kind;
use crate::scenario::month_label;
use crate::stats::monthly_rows;

/// The `roi-over-time` fan chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoiOverTime;

/// Opacity of the P5–P95 band.
const OUTER: f64 = 0.16;
/// Opacity of the P25–P75 band.
const INNER: f64 = 0.38;
/// Width of the actual path: thicker than the median's, to tell them apart.
const ACTUAL_WIDTH: u32 = 8;

/// When a median payback month `m` (> 0) is reached: "month 14", or its date with a calendar ("Feb 2028").
fn by(m: f64, calendar: Option<&Calendar>) -> String {
    month_label(m.ceil() as u32, calendar)
}

/// How one group's median payback reads in a headline.
fn payback_phrase(median: Option<f64>, horizon: u32, calendar: Option<&Calendar>) -> String {
    match median {
        Some(m) if m <= 0.0 => "is cash-positive from the start".to_string(),
        Some(m) => format!("pays back by {}", by(m, calendar)),
        None => format!("does not pay back within {horizon} months"),
    }
}

/// The headline: median payback of each group that has initiatives, as
/// month numbers or, with a calendar, dates.
pub fn headline(
    it: Option<Option<f64>>,
    bpa: Option<Option<f64>>,
    horizon: u32,
    calendar: Option<&Calendar>,
) -> String {
    match (it, bpa) {
        (Some(None), Some(None)) => {
            format!("Neither IT automation nor BPA pays back within {horizon} months (median)")
        }
        (Some(Some(a)), Some(Some(b))) if a > 0.0 && b > 0.0 => {
            format!("IT automation pays back by {}, BPA by {} (median)", by(a, calendar), by(b, calendar))
        }
        (Some(a), Some(b)) => {
            format!(
                "IT automation {}; BPA {} (median)",
                payback_phrase(a, horizon, calendar),
                payback_phrase(b, horizon, calendar)
            )
        }
        (Some(a), None) => format!("IT automation {} (median)", payback_phrase(a, horizon, calendar)),
        (None, Some(b)) => format!("BPA {} (median)", payback_phrase(b, horizon, calendar)),
        (None, None) => "No initiatives to chart".to_string(),
    }
}

/// One panel's content.
struct Panel {
    kind: Kind,
    members: usize,
    fan: Option<Fan>,
    payback: Option<f64>,
}

impl Chart for RoiOverTime {
    fn file_stem(&self) -> &'static str {
        "roi-over-time"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let results = report.results;
        let horizon = report.scenario.simulation.horizon_months;
        let panels: Vec<Panel> = [Kind::It, Kind::Bpa]
            .into_iter()
            .map(|kind| {
                let index = results.sets.iter().position(|s| s.spec.name == kind.as_str());
                let members = index.map_or(0, |i| results.sets[i].spec.members.len());
                Panel {
                    kind,
                    members,
                    fan: index.filter(|_| members > 0).map(|i| fan(&monthly_rows(results, i))),
                    payback: report.summary(kind.as_str()).and_then(|s| s.payback_month_p50),
                }
            })
            .collect();
        let present = |p: &Panel| (p.members > 0).then_some(p.payback);
        let title = headline(present(&panels[0]), present(&panels[1]), horizon, report.scenario.calendar.as_ref());
        let values = panels.iter().filter_map(|p| p.fan.as_ref()).flat_map(|f| f.p5.iter().chain(&f.p95).copied());
        let (lo, hi) = padded_range(values, true, 0.06);
        let hi = hi + 0.10 * (hi - lo);
        let subtitle = format!(
            "Cumulative net cash flow since month 0 ({}, undiscounted): benefits minus build, run and incident costs",
            report.scenario.currency
        );
        let through = report.scenario.actuals.as_ref().map(|a| a.through as usize);
        // With the actual path in the legend too, the bands' labels are shortened to fit.
        let (mut legend, trials) = (Vec::new(), if through.is_some() { "" } else { " of trials" });
        if let Some(k) = through {
            let label = format!("actual to {}", month_label(k as u32, report.scenario.calendar.as_ref()));
            legend.push(LegendItem::new(Mark::Line(INK, ACTUAL_WIDTH), label));
        }
        legend.extend([
            LegendItem::new(Mark::Line(PORTFOLIO, 5), "median"),
            LegendItem::new(Mark::Band(PORTFOLIO, INNER), format!("middle half{trials} (P25–P75)")),
            LegendItem::new(
                Mark::Band(PORTFOLIO, OUTER),
                format!("9 in 10{} (P5–P95)", trials.trim_start_matches(" of")),
            ),
            LegendItem::new(Mark::Dashed(AXIS), "break-even"),
        ]);
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        let halves = plot.split_evenly((1, 2));
        for (area, panel) in halves.iter().zip(&panels) {
            draw_panel(report, root, &area.margin(0, 0, 0, 24), panel, (lo, hi), through.unwrap_or(0))?;
        }
        Ok(())
    }
}

/// Draws one panel; months `0..=actual` (none when 0) are actual, the same in every trial.
fn draw_panel(
    report: &Report,
    root: &Area,
    area: &Area,
    panel: &Panel,
    (lo, hi): (f64, f64),
    actual: usize,
) -> Result<(), DrawError> {
    let color = style::kind_color(Some(panel.kind));
    let plural = if panel.members == 1 { "" } else { "s" };
    let name = style::kind_label(panel.kind);
    let top = style::panel_heading(area, &format!("{name} · {} initiative{plural}", panel.members), color)?;
    let body = area.margin(top, 0, 0, 0);
    let Some(f) = &panel.fan else {
        return style::message(&body, &format!("No {name} initiatives in this scenario"));
    };
    let horizon = f.months.len() - 1;
    let mut chart = month_money_axes(&body, horizon, (lo, hi), report.scenario)?;
    // The re-forecast from the last actual month on (all of it without actuals).
    let (months, k) = (&f.months[actual..], actual);
    chart
        .draw_series(std::iter::once(Polygon::new(band(months, &f.p5[k..], &f.p95[k..]), color.mix(OUTER).filled())))?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(months, &f.p25[k..], &f.p75[k..]),
        color.mix(INNER).filled(),
    )))?;
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, 0.0), (horizon as f64, 0.0)],
        14,
        8,
        AXIS.stroke_width(3),
    )))?;
    chart
        .draw_series(LineSeries::new(months.iter().copied().zip(f.p50[k..].iter().copied()), color.stroke_width(5)))?;
    if actual > 0 {
        let path = f.months[..=k].iter().copied().zip(f.p50[..=k].iter().copied());
        chart.draw_series(LineSeries::new(path, INK.stroke_width(ACTUAL_WIDTH)))?;
    }
    if let Some(m) = panel.payback.filter(|&m| m > 0.0) {
        let m = m.ceil();
        let (x, y0) = chart.backend_coord(&(m, 0.0));
        let (_, y_top) = chart.backend_coord(&(m, hi));
        root.draw(&DashedPathElement::new(vec![(x, y_top), (x, y0)], 6, 6, INK.stroke_width(2)))?;
        style::ringed_dot(root, (x, y0), 11, color, WHITE, 3)?;
        let style = style::text(style::LABEL, INK);
        let (left, right) = (chart.backend_coord(&(0.0, 0.0)).0, chart.backend_coord(&(horizon as f64, 0.0)).0);
        let when = format!("month {}", dated_month(Some(m), report.scenario.calendar.as_ref()));
        let choices = [vec![format!("median payback: {when}")], vec!["median payback".to_string(), when]];
        let mut placed = None;
        for lines in &choices {
            let mut width = 0;
            for line in lines {
                width = width.max(style::text_width(root, line, &style)?);
            }
            if x + 12 + width <= right {
                placed = Some((lines, HPos::Left, x + 12));
            } else if x - 12 - width >= left {
                placed = Some((lines, HPos::Right, x - 12));
            }
            if placed.is_some() {
                break;
            }
        }
        let (lines, anchor, lx) = placed.unwrap_or_else(|| {
            if right - x >= x - left { (&choices[1], HPos::Left, x + 12) } else { (&choices[1], HPos::Right, x - 12) }
        });
        for (i, line) in lines.iter().enumerate() {
            root.draw_text(line, &style::anchored(style.clone(), anchor, VPos::Top), (lx, y_top + 8 + 40 * i as i32))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_names_both_paybacks() {
        assert_eq!(
            headline(Some(Some(3.0)), Some(Some(14.0)), 36, None),
            "IT automation pays back by month 3, BPA by month 14 (median)"
        );
        assert_eq!(
            headline(Some(Some(2.5)), Some(Some(13.5)), 36, None),
            "IT automation pays back by month 3, BPA by month 14 (median)"
        );
    }

    #[test]
    fn headline_handles_never_immediate_and_missing_groups() {
        assert_eq!(
            headline(Some(Some(3.0)), Some(None), 24, None),
            "IT automation pays back by month 3; BPA does not pay back within 24 months (median)"
        );
        assert_eq!(
            headline(Some(Some(0.0)), Some(Some(9.0)), 24, None),
            "IT automation is cash-positive from the start; BPA pays back by month 9 (median)"
        );
        assert_eq!(headline(Some(Some(4.0)), None, 24, None), "IT automation pays back by month 4 (median)");
        assert_eq!(
            headline(Some(None), Some(None), 12, None),
            "Neither IT automation nor BPA pays back within 12 months (median)"
        );
        assert_eq!(headline(None, Some(None), 12, None), "BPA does not pay back within 12 months (median)");
    }

    #[test]
    fn with_a_calendar_the_headline_gives_dates() {
        let calendar = Calendar::new(crate::calendar::YearMonth::parse("2027-01").unwrap(), 4);
        assert_eq!(
            headline(Some(Some(2.5)), Some(Some(14.0)), 36, Some(&calendar)),
            "IT automation pays back by Mar 2027, BPA by Feb 2028 (median)"
        );
        assert_eq!(
            headline(Some(Some(0.0)), Some(None), 24, Some(&calendar)),
            "IT automation is cash-positive from the start; BPA does not pay back within 24 months (median)"
        );
    }
}
