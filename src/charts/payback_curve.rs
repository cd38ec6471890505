//! Payback curve: the chance of having paid back by each month, IT automation vs BPA.
//!
//! Each curve is the share of trials whose payback month is at or before
//! month m (payback at month 0 counts from month 0), among the trials in
//! which the group has a cash flow at all; a group with none has no curve. Trials that never pay
//! back within the horizon keep a curve below 100%, and the gap is labelled
//! at the end of the horizon. Month 12 is marked, as the headline quotes it.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{paid_back_by_month, spread, steps};
use super::style::{self, AXIS, Heading, INK, MUTED, MonthAxis};
use super::{Area, Chart, DrawError};
use crate::calendar::Calendar;
use crate::report::Report;
use crate::scenario::{Kind, month_label};

/// The `payback-curve` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaybackCurve;

/// Width of the column right of the plot holding the curve labels.
const END_LABELS: i32 = 430;
/// The month the headline quotes (or the horizon when shorter).
const MILESTONE: usize = 12;

/// The headline: each group's share paid back by `month` (its date with a calendar).
pub fn headline(month: usize, groups: &[(&str, f64)], calendar: Option<&Calendar>) -> String {
    let parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, (label, share))| {
            let share = style::share_label(*share);
            if i == 0 { format!("{label} in {share} of trials") } else { format!("{label} in {share}") }
        })
        .collect();
    if parts.is_empty() {
        return "No initiatives to chart".to_string();
    }
    format!("Paid back by {}: {}", month_label(month as u32, calendar), parts.join(", "))
}

impl Chart for PaybackCurve {
    fn file_stem(&self) -> &'static str {
        "payback-curve"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let horizon = report.scenario.simulation.horizon_months as usize;
        let milestone = MILESTONE.min(horizon);
        let curves: Vec<(Kind, Vec<f64>)> = [Kind::It, Kind::Bpa]
            .into_iter()
            .filter_map(|kind| {
                let set = report.results.set(kind.as_str()).filter(|s| !s.spec.members.is_empty())?;
                Some((kind, paid_back_by_month(&set.payback, horizon)?))
            })
            .collect();
        let quoted: Vec<(&str, f64)> = curves.iter().map(|(k, s)| (style::kind_label(*k), s[milestone])).collect();
        // Initiatives, but none with a cash flow in any trial: nothing pays back.
        let no_cash_flow = curves.is_empty() && !report.scenario.initiatives.is_empty();
        let title = if no_cash_flow {
            "No payback to chart: nothing has a cash flow within the horizon".to_string()
        } else {
            headline(milestone, &quoted, report.scenario.calendar.as_ref())
        };
        let subtitle = format!(
            "Share of trials with a cash flow whose cumulative net cash flow is back to zero or above; the gap to \
             100% has not paid back within the {horizon}-month horizon"
        );
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &[] })?;
        if curves.is_empty() {
            let why = if no_cash_flow {
                "No initiative has a cash flow within the horizon"
            } else {
                "No initiatives in this scenario"
            };
            return style::message(&plot, why);
        }
        let x_end = horizon as f64 * 1.02 + 0.3;
        const Y_LABELS: i32 = 110;
        let width = plot.dim_in_pixel().0 as i32 - Y_LABELS - END_LABELS;
        let axis = MonthAxis::new(x_end, horizon, report.scenario.calendar, width);
        let description = axis.description();
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(90)
            .y_label_area_size(Y_LABELS)
            .margin_right(END_LABELS)
            .margin_top(10)
            .build_cartesian_2d(axis, 0.0..1.04)?;
        let y_fmt = |v: &f64| style::percent_tick(*v);
        style::mesh(&mut chart)
            .x_desc(description)
            .y_desc("Paid back (share of trials)")
            .y_labels(6)
            .y_label_formatter(&y_fmt)
            .disable_x_mesh()
            .draw()?;
        let h = horizon as f64;
        if milestone < horizon {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(milestone as f64, 0.0), (milestone as f64, 1.04)],
                6,
                6,
                MUTED.stroke_width(2),
            )))?;
        }
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(h, 0.0), (h, 1.04)],
            14,
            8,
            AXIS.stroke_width(3),
        )))?;
        for (kind, shares) in &curves {
            chart.draw_series(LineSeries::new(steps(shares), style::kind_color(Some(*kind)).stroke_width(6)))?;
        }

        // Values at the milestone, below and right of each dot (a curve never
        // falls, so its own line stays above the label), or above and left of
        // it when the dot is too close to the bottom.
        if milestone < horizon {
            let (x, bottom) = chart.backend_coord(&(milestone as f64, 0.0));
            let top = chart.backend_coord(&(0.0, 1.04)).1;
            let dots: Vec<f64> =
                curves.iter().map(|(_, s)| f64::from(chart.backend_coord(&(0.0, s[milestone])).1)).collect();
            let below: Vec<bool> = dots.iter().map(|&y| y + 56.0 <= f64::from(bottom)).collect();
            let mut label_ys = vec![0.0; dots.len()];
            for side in [true, false] {
                let members: Vec<usize> = (0..dots.len()).filter(|&i| below[i] == side).collect();
                let wanted: Vec<f64> = members.iter().map(|&i| dots[i] + if side { 30.0 } else { -30.0 }).collect();
                let placed = spread(&wanted, 44.0, f64::from(top) + 22.0, f64::from(bottom) - 26.0);
                for (&i, y) in members.iter().zip(placed) {
                    label_ys[i] = y;
                }
            }
            for (i, (kind, shares)) in curves.iter().enumerate() {
                let color = style::kind_color(Some(*kind));
                let y = dots[i] as i32;
                style::ringed_dot(root, (x, y), 11, color, WHITE, 3)?;
                let text = style::share_label(shares[milestone]);
                let anchor = if below[i] { HPos::Left } else { HPos::Right };
                let label = style::anchored(style::bold(style::LABEL, color), anchor, VPos::Center);
                let width = style::text_width(root, &text, &label)?;
                let (lx, ly) = (if below[i] { x + 16 } else { x - 16 }, label_ys[i] as i32);
                let (a, b) = if below[i] { (lx - 4, lx + width + 6) } else { (lx - width - 6, lx + 4) };
                root.draw(&Rectangle::new([(a, ly - 20), (b, ly + 20)], WHITE.filled()))?;
                root.draw_text(&text, &label, (lx, ly))?;
            }
        }

        // End labels right of the horizon, spread so they never overlap.
        let (hx, bottom) = chart.backend_coord(&(h, 0.0));
        let (_, top) = chart.backend_coord(&(h, 1.04));
        let ys: Vec<f64> = curves.iter().map(|(_, s)| f64::from(chart.backend_coord(&(h, s[horizon])).1)).collect();
        let placed = spread(&ys, 90.0, f64::from(top) + 24.0, f64::from(bottom) - 120.0);
        let x = chart.backend_coord(&(x_end, 0.0)).0 + 24;
        for ((kind, shares), &y) in curves.iter().zip(&placed) {
            let y = y as i32;
            let color = style::kind_color(Some(*kind));
            let last = shares[horizon];
            root.draw_text(
                &format!("{} {}", style::kind_label(*kind), style::share_label(last)),
                &style::anchored(style::bold(style::LABEL, color), HPos::Left, VPos::Bottom),
                (x, y + 4),
            )?;
            let note = if last >= 1.0 {
                "all trials pay back".to_string()
            } else {
                format!("{} not within {horizon} months", style::share_label(1.0 - last))
            };
            root.draw_text(
                &note,
                &style::anchored(style::text(style::LABEL, MUTED), HPos::Left, VPos::Top),
                (x, y + 8),
            )?;
        }
        root.draw_text(
            &format!("horizon: {}", month_label(horizon as u32, report.scenario.calendar.as_ref())),
            &style::anchored(style::text(style::LABEL, INK), HPos::Left, VPos::Bottom),
            (hx + 16, bottom - 12),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_quotes_the_milestone_for_each_group() {
        assert_eq!(
            headline(12, &[("IT automation", 0.97), ("BPA", 0.214)], None),
            "Paid back by month 12: IT automation in 97% of trials, BPA in 21%"
        );
        assert_eq!(headline(6, &[("BPA", 0.0)], None), "Paid back by month 6: BPA in 0% of trials");
        assert_eq!(headline(12, &[], None), "No initiatives to chart");
        let calendar = Calendar::new(crate::calendar::YearMonth::parse("2027-04").unwrap(), 4);
        assert_eq!(headline(12, &[("BPA", 0.5)], Some(&calendar)), "Paid back by Mar 2028: BPA in 50% of trials");
    }
}
