//! Loss exceedance: the chance that incidents cost more than a given amount.
//!
//! For the portfolio, the IT automation and BPA sets and the few initiatives
//! that lose most on average ([`INITIATIVES`] of them, by mean risk loss),
//! the curve gives the share of trials whose total risk loss over the
//! horizon exceeds x, on a logarithmic money axis starting at the power of
//! ten below the smallest typical loss (so each curve starts near its
//! chance of any loss at all). The legend says how many other initiatives
//! with risks were left out and why, and wraps long names onto two lines.
//! The 1-in-20 level is marked, as the headline quotes it.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{exceedance, log_bounds, log_grid};
use super::style::{self, Heading, INK, MUTED, PORTFOLIO};
use super::{Area, Chart, DrawError, WIDTH};
use crate::format::money;
use crate::report::Report;
use crate::scenario::Kind;
use crate::stats::quantile_sorted;

/// The `loss-exceedance` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct LossExceedance;

/// Points per curve along the log axis.
const POINTS: usize = 160;
/// Grid points between two markers of a curve.
const MARKER_EVERY: usize = 20;
/// Width of the legend column right of the plot.
const LEGEND: i32 = 600;
/// Most initiatives drawn beside the portfolio and the IT and BPA sets.
pub const INITIATIVES: usize = 3;

/// Indices of the initiatives to draw: the `count` largest positive mean
/// losses, largest first (ties in scenario order).
pub fn largest_losses(mean_losses: &[f64], count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..mean_losses.len()).filter(|&i| mean_losses[i] > 0.0).collect();
    order.sort_by(|&a, &b| mean_losses[b].total_cmp(&mean_losses[a]));
    order.truncate(count);
    order
}

/// Marker shapes telling apart initiatives of the same kind (same colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
    Ring,
    Cross,
}

const SHAPES: [Shape; 6] = [Shape::Circle, Shape::Triangle, Shape::Square, Shape::Diamond, Shape::Ring, Shape::Cross];

/// The headline: the incident loss the portfolio exceeds with a 1-in-20 chance.
///
/// `p95` is the 95th percentile of the portfolio's total loss, `any` the
/// share of trials with any loss at all, `risks` whether any initiative has risks.
pub fn headline(p95: f64, any: f64, horizon: u32, currency: &str, risks: bool) -> String {
    if !risks {
        "No risks in this scenario, so no incident losses".to_string()
    } else if any == 0.0 {
        "No incident cost anything in any trial".to_string()
    } else if p95 > 0.0 {
        format!("1 in 20 chance of incident losses above {} in {horizon} months", money(p95, currency))
    } else {
        format!("Incidents cost anything in only {} of trials over {horizon} months", style::share_label(any))
    }
}

/// One drawn curve.
struct Curve<'r> {
    label: String,
    color: RGBColor,
    width: u32,
    shape: Option<Shape>,
    losses: &'r [f64],
}

fn draw_marker(root: &Area, shape: Shape, (x, y): (i32, i32), color: RGBColor) -> Result<(), DrawError> {
    let r = 10;
    match shape {
        Shape::Circle => root.draw(&Circle::new((x, y), r, color.filled()))?,
        Shape::Ring => root.draw(&Circle::new((x, y), r, color.stroke_width(4)))?,
        Shape::Triangle => {
            root.draw(&Polygon::new(vec![(x, y - r - 2), (x - r - 2, y + r), (x + r + 2, y + r)], color.filled()))?
        }
        Shape::Square => {
            root.draw(&Rectangle::new([(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)], color.filled()))?
        }
        Shape::Diamond => root.draw(&Polygon::new(
            vec![(x, y - r - 3), (x + r + 3, y), (x, y + r + 3), (x - r - 3, y)],
            color.filled(),
        ))?,
        Shape::Cross => {
            root.draw(&PathElement::new(vec![(x - r, y - r), (x + r, y + r)], color.stroke_width(4)))?;
            root.draw(&PathElement::new(vec![(x - r, y + r), (x + r, y - r)], color.stroke_width(4)))?;
        }
    }
    Ok(())
}

impl Chart for LossExceedance {
    fn file_stem(&self) -> &'static str {
        "loss-exceedance"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let scenario = report.scenario;
        let horizon = scenario.simulation.horizon_months;
        let currency = &scenario.currency;
        let portfolio = report.results.set("portfolio").map_or(&[][..], |s| &s.loss[..]);
        let p95 = {
            let mut sorted = portfolio.to_vec();
            sorted.sort_by(f64::total_cmp);
            quantile_sorted(&sorted, 0.95).unwrap_or(0.0)
        };
        let any = portfolio.iter().filter(|&&l| l > 0.0).count() as f64 / portfolio.len().max(1) as f64;
        let has_risks = scenario.initiatives.iter().any(|i| !i.risks.is_empty());
        let title = headline(p95, any, horizon, currency, has_risks);

        let mut curves =
            vec![Curve { label: "Portfolio".to_string(), color: PORTFOLIO, width: 6, shape: None, losses: portfolio }];
        for kind in [Kind::It, Kind::Bpa] {
            let Some(set) = report.results.set(kind.as_str()).filter(|s| !s.spec.members.is_empty()) else { continue };
            if set.loss.iter().any(|&l| l > 0.0) {
                curves.push(Curve {
                    label: format!("All {}", style::kind_label(kind)),
                    color: style::kind_color(Some(kind)),
                    width: 5,
                    shape: None,
                    losses: &set.loss,
                });
            }
        }
        let with_risks: Vec<(&str, Kind, &[f64])> = scenario
            .initiatives
            .iter()
            .filter(|i| !i.risks.is_empty())
            .filter_map(|i| Some((i.name.as_str(), i.kind, &report.results.set(&i.name)?.loss[..])))
            .collect();
        let means: Vec<f64> =
            with_risks.iter().map(|(_, _, l)| l.iter().sum::<f64>() / l.len().max(1) as f64).collect();
        let drawn = largest_losses(&means, INITIATIVES);
        for (k, &i) in drawn.iter().enumerate() {
            let (name, kind, losses) = with_risks[i];
            curves.push(Curve {
                label: name.to_string(),
                color: style::kind_color(Some(kind)),
                width: 3,
                shape: Some(SHAPES[k % SHAPES.len()]),
                losses,
            });
        }
        let left_out = with_risks.len() - drawn.len();
        let subtitle = format!(
            "Chance that risk events cost more than the amount shown over {horizon} months ({currency}, log scale)"
        );
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &[] })?;
        let samples: Vec<&[f64]> = curves.iter().map(|c| c.losses).collect();
        let Some((lo, hi)) = log_bounds(&samples) else {
            let reason = if !has_risks {
                "No initiative has risks: there are no incident losses to chart"
            } else {
                "No risk event happened in any trial: there are no incident losses to chart"
            };
            return style::message(&plot, reason);
        };
        let grid = log_grid(lo, hi, POINTS);
        let shares: Vec<Vec<f64>> = curves.iter().map(|c| exceedance(c.losses, &grid)).collect();
        let top = shares.iter().flat_map(|s| s.first().copied()).fold(0.0, f64::max);
        let y_max = (top * 1.1).clamp(0.1, 1.04);

        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(90)
            .y_label_area_size(110)
            .margin_right(LEGEND)
            .margin_top(10)
            .build_cartesian_2d((lo..hi).log_scale(), 0.0..y_max)?;
        let x_fmt = |v: &f64| style::money_tick(*v, currency);
        let y_fmt = |v: &f64| style::percent_tick(*v);
        style::mesh(&mut chart)
            .x_desc(format!("Total risk loss over {horizon} months (log scale)"))
            .y_desc("Chance of a larger loss")
            .x_labels(10)
            .y_labels(6)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()?;
        if y_max > 0.05 {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(lo, 0.05), (hi, 0.05)],
                10,
                8,
                MUTED.stroke_width(2),
            )))?;
            let (x, y) = chart.backend_coord(&(lo, 0.05));
            root.draw_text(
                "1 in 20",
                &style::anchored(style::text(style::LABEL, MUTED), HPos::Left, VPos::Bottom),
                (x + 12, y - 8),
            )?;
        }
        // Initiatives first, the portfolio on top.
        for (curve, share) in curves.iter().zip(&shares).rev() {
            let end = share.iter().position(|&p| p == 0.0).map_or(share.len(), |i| i + 1);
            let points: Vec<(f64, f64)> = grid.iter().copied().zip(share.iter().copied()).take(end).collect();
            chart.draw_series(LineSeries::new(points.iter().copied(), curve.color.stroke_width(curve.width)))?;
            if let Some(shape) = curve.shape {
                let offset = (curve.label.len() * 7) % MARKER_EVERY;
                for &(x, p) in points.iter().skip(offset).step_by(MARKER_EVERY).filter(|(_, p)| *p >= 0.005) {
                    draw_marker(root, shape, chart.backend_coord(&(x, p)), curve.color)?;
                }
            }
        }
        if p95 > lo {
            let (x, y) = chart.backend_coord(&(p95, 0.05));
            style::ringed_dot(root, (x, y), 12, INK, WHITE, 3)?;
            let text = money(p95, currency);
            let style = style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Bottom);
            let width = style::text_width(root, &text, &style)?;
            root.draw(&Rectangle::new([(x + 10, y - 54), (x + 22 + width, y - 14)], WHITE.filled()))?;
            root.draw_text(&text, &style, (x + 16, y - 16))?;
        }

        // Legend column: the sets, then the initiatives drawn, then what was left out.
        let (right, plot_top) = chart.backend_coord(&(hi, y_max));
        let x = right + 40;
        let text_x = x + style::MARK_WIDTH + 16;
        let max_width = WIDTH as i32 - style::MARGIN - text_x;
        let label_style = style::anchored(style::text(style::LABEL, INK), HPos::Left, VPos::Center);
        let fits = |s: &str| style::text_width(root, s, &label_style).is_ok_and(|w| w <= max_width);
        let line = 40;
        let mut y = plot_top + 16;
        for (i, curve) in curves.iter().enumerate() {
            if curve.shape.is_some() && curves[i - 1].shape.is_none() {
                y += line / 2;
                let heading = style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Center);
                root.draw_text("Largest mean losses", &heading, (x, y))?;
                y += line;
            }
            root.draw(&PathElement::new(
                vec![(x, y), (x + style::MARK_WIDTH, y)],
                curve.color.stroke_width(curve.width),
            ))?;
            if let Some(shape) = curve.shape {
                draw_marker(root, shape, (x + style::MARK_WIDTH / 2, y), curve.color)?;
            }
            let lines = if fits(&curve.label) {
                vec![curve.label.clone()]
            } else if let Some(two) = style::two_lines(&curve.label, fits) {
                two.to_vec()
            } else {
                vec![style::fit_text(root, &curve.label, &label_style, max_width)?]
            };
            for text in &lines {
                root.draw_text(text, &label_style, (text_x, y))?;
                y += line;
            }
        }
        if left_out > 0 {
            y += line / 2;
            let note_style = style::anchored(style::text(style::LABEL, MUTED), HPos::Left, VPos::Center);
            let others =
                if left_out == 1 { "1 other initiative".to_string() } else { format!("{left_out} other initiatives") };
            for text in [format!("Not drawn: {others}"), "with risks, whose mean".into(), "losses are smaller".into()] {
                root.draw_text(&text, &note_style, (x, y))?;
                y += line - 4;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_initiatives_drawn_lose_most_on_average() {
        assert_eq!(largest_losses(&[5.0, 0.0, 9.0, 7.0, 1.0], 3), vec![2, 3, 0]);
        assert_eq!(largest_losses(&[0.0, 2.0], 3), vec![1]);
        assert!(largest_losses(&[], 3).is_empty());
    }

    #[test]
    fn headline_quotes_the_one_in_twenty_loss() {
        assert_eq!(
            headline(452_000.0, 0.9, 36, "USD", true),
            "1 in 20 chance of incident losses above $452k in 36 months"
        );
        assert_eq!(
            headline(0.0, 0.03, 24, "EUR", true),
            "Incidents cost anything in only 3.0% of trials over 24 months"
        );
        assert_eq!(headline(0.0, 0.0, 24, "EUR", true), "No incident cost anything in any trial");
        assert_eq!(headline(0.0, 0.0, 24, "EUR", false), "No risks in this scenario, so no incident losses");
    }
}
