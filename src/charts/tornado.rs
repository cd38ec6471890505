//! Tornado: the ten inputs that move portfolio NPV most.
//!
//! One row per input, largest |swing| at the top: a bar from zero to the
//! input's swing (mean portfolio NPV in the trials where the input is in its
//! top 10%, minus where it is in its bottom 10%; see
//! [`crate::sensitivity`]), coloured by the kind of the input's initiative.
//! Bars to the right are inputs whose high values raise NPV, to the left
//! those whose high values lower it. Each row is labelled with the
//! initiative and, under it, the quantity; the swing is written at the end
//! of its bar. Nothing is simulated again: the figures come from the run's
//! own trials.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::style::{self, AXIS, BPA, Heading, INK, IT, LegendItem, MUTED, Mark, ZEBRA};
use super::{Area, Chart, DrawError};
use crate::format::{shorten, signed_money};
use crate::report::Report;
use crate::sensitivity::{Driver, input_parts};

/// The `tornado` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tornado;

/// Inputs shown.
pub const BARS: usize = 10;
/// Pixels kept beside a bar's end for its value.
const VALUE_SPACE: i32 = 190;
/// Longest initiative name, and longest quantity, quoted in the headline.
pub const HEADLINE_PART: usize = 32;

/// The headline: the input with the largest swing, or why there is none.
///
/// `top` is that input's two-line label and swing; `inputs` how many
/// uncertain inputs the scenario has. Long names are cut to
/// [`HEADLINE_PART`] characters each so the headline fits two lines.
pub fn headline(top: Option<(&[String; 2], f64)>, inputs: usize, currency: &str) -> String {
    match top {
        _ if inputs == 0 => "Every input is fixed: no assumption moves portfolio NPV".to_string(),
        Some(([initiative, what], swing)) if swing != 0.0 => format!(
            "{}'s {} moves portfolio NPV most: {} from its lowest to its highest tenth",
            shorten(initiative, HEADLINE_PART),
            shorten(what, HEADLINE_PART),
            signed_money(swing, currency)
        ),
        _ => "No uncertain input moves portfolio NPV".to_string(),
    }
}

/// The x range: zero and every swing, with room beside the bars for their
/// values, given the plot's width in pixels.
fn x_range(drivers: &[&Driver], plot_width: i32) -> (f64, f64) {
    let (lo, hi) = padded_range(drivers.iter().map(|d| d.swing), true, 0.0);
    let room = f64::from(VALUE_SPACE) / f64::from((plot_width - 2 * VALUE_SPACE).max(VALUE_SPACE));
    let extra = (hi - lo) * room;
    let left = if drivers.iter().any(|d| d.swing < 0.0) { extra } else { 0.0 };
    let right = if drivers.iter().any(|d| d.swing > 0.0) { extra } else { 0.0 };
    (lo - left, hi + right)
}

impl Chart for Tornado {
    fn file_stem(&self) -> &'static str {
        "tornado"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let scenario = report.scenario;
        let currency = &scenario.currency;
        let portfolio = report.sensitivity.set("portfolio");
        let drivers = portfolio.map_or_else(Vec::new, |p| p.top_by_swing(BARS));
        let total = portfolio.map_or(0, |p| p.drivers.len());
        let labels: Vec<[String; 2]> = drivers.iter().map(|d| input_parts(scenario, d.input)).collect();
        let title = headline(labels.first().zip(drivers.first()).map(|(l, d)| (l, d.swing)), total, currency);
        let shown = if total == 0 {
            "this scenario has no uncertain inputs".to_string()
        } else if drivers.len() == total {
            format!("all {total} uncertain inputs")
        } else {
            format!("the {} largest of {total} uncertain inputs", drivers.len())
        };
        let subtitle =
            format!("Mean portfolio NPV when the input is in its highest 10% of trials minus its lowest 10%; {shown}");
        let legend = [LegendItem::new(Mark::Range(IT), "IT automation"), LegendItem::new(Mark::Range(BPA), "BPA")];
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        if drivers.is_empty() || drivers[0].swing == 0.0 {
            return style::message(&plot, "Nothing to rank: give some inputs a range instead of a single value");
        }
        let w = plot.dim_in_pixel().0;
        let n = drivers.len();
        let first_style = style::anchored(style::text(style::LABEL, INK), HPos::Right, VPos::Center);
        let second_style = style::anchored(style::text(style::TICK - 3.0, MUTED), HPos::Right, VPos::Center);
        let max_names = w as i32 * 9 / 20;
        let mut names_width = 0;
        for [first, second] in &labels {
            names_width = names_width.max(style::text_width(root, first, &first_style)?).max(style::text_width(
                root,
                second,
                &second_style,
            )?);
        }
        let names_width = names_width.min(max_names) + 28;
        let (lo, hi) = x_range(&drivers, w as i32 - names_width);

        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(84)
            .margin_left(names_width)
            .margin_right(8)
            .margin_top(42)
            .build_cartesian_2d(lo..hi, 0.0..n as f64)?;
        let x_fmt = |v: &f64| style::money_tick(*v, currency);
        style::mesh(&mut chart)
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(8)
            .x_desc(format!("Swing in portfolio NPV ({currency})"))
            .x_label_formatter(&x_fmt)
            .draw()?;
        let center = |i: usize| n as f64 - i as f64 - 0.5;
        let (zero_x, plot_top) = chart.backend_coord(&(0.0, n as f64));
        let (plot_left, _) = chart.backend_coord(&(lo, 0.0));
        let (plot_right, _) = chart.backend_coord(&(hi, 0.0));
        // Zebra rows run under the labels too, so a label reads with its bar.
        for i in (0..n).filter(|i| i % 2 == 1) {
            let (_, top) = chart.backend_coord(&(lo, center(i) + 0.5));
            let (_, bottom) = chart.backend_coord(&(lo, center(i) - 0.5));
            root.draw(&Rectangle::new([(plot_left - names_width, top), (plot_right, bottom)], ZEBRA.filled()))?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], AXIS.stroke_width(3))))?;

        // Which way is up, above the plot beside the zero line.
        let hint = style::text(style::TICK, MUTED);
        let raise = "high values help →";
        if drivers.iter().any(|d| d.swing > 0.0) && style::text_width(root, raise, &hint)? < plot_right - zero_x - 12 {
            root.draw_text(
                raise,
                &style::anchored(hint.clone(), HPos::Left, VPos::Bottom),
                (zero_x + 12, plot_top - 8),
            )?;
        }
        let lower = "← high values hurt";
        if drivers.iter().any(|d| d.swing < 0.0) && style::text_width(root, lower, &hint)? < zero_x - plot_left - 12 {
            root.draw_text(lower, &style::anchored(hint, HPos::Right, VPos::Bottom), (zero_x - 12, plot_top - 8))?;
        }

        let half = 0.3;
        let value_style = style::bold(style::LABEL, INK);
        for (i, (driver, [first, second])) in drivers.iter().zip(&labels).enumerate() {
            let y = center(i);
            let color = style::kind_color(Some(driver.kind));
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - half), (driver.swing, y + half)],
                color.filled(),
            )))?;
            let (end_x, py) = chart.backend_coord(&(driver.swing, y));
            let value = signed_money(driver.swing, currency);
            if driver.swing >= 0.0 {
                root.draw_text(
                    &value,
                    &style::anchored(value_style.clone(), HPos::Left, VPos::Center),
                    (end_x + 12, py),
                )?;
            } else {
                root.draw_text(
                    &value,
                    &style::anchored(value_style.clone(), HPos::Right, VPos::Center),
                    (end_x - 12, py),
                )?;
            }
            let label_x = plot_left - 24;
            let first = style::fit_text(root, first, &first_style, max_names)?;
            let second = style::fit_text(root, second, &second_style, max_names)?;
            root.draw_text(&first, &first_style, (label_x, py - 15))?;
            root.draw_text(&second, &second_style, (label_x, py + 16))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_names_the_biggest_swing_with_its_sign() {
        let label = ["Lead-to-cash".to_string(), "benefit per month".to_string()];
        assert_eq!(
            headline(Some((&label, 938_000.0)), 47, "USD"),
            "Lead-to-cash's benefit per month moves portfolio NPV most: +$938k from its lowest to its highest tenth"
        );
        let cost = ["A".to_string(), "build cost".to_string()];
        assert_eq!(
            headline(Some((&cost, -1_250_000.0)), 3, "EUR"),
            "A's build cost moves portfolio NPV most: -€1.25M from its lowest to its highest tenth"
        );
        assert_eq!(headline(None, 0, "USD"), "Every input is fixed: no assumption moves portfolio NPV");
        let long = ["Enterprise-wide automated reconciliation".to_string(), "benefit per month".to_string()];
        assert_eq!(
            headline(Some((&long, 1e5)), 2, "USD"),
            "Enterprise-wide automated recon…'s benefit per month moves portfolio NPV most: +$100k from its \
             lowest to its highest tenth"
        );
        assert_eq!(headline(Some((&cost, 0.0)), 2, "USD"), "No uncertain input moves portfolio NPV");
    }

    #[test]
    fn rows_leave_room_for_values_on_the_sides_with_bars() {
        let driver = |swing: f64| Driver {
            input: 0,
            name: String::new(),
            initiative: 0,
            kind: crate::scenario::Kind::It,
            rank_correlation: 0.0,
            variance_share: None,
            swing,
        };
        let (a, b) = (driver(100.0), driver(-50.0));
        let (lo, hi) = x_range(&[&a], 1000);
        assert_eq!(lo, 0.0);
        assert!((hi - (100.0 + 100.0 * 190.0 / 620.0)).abs() < 1e-9);
        let (lo, hi) = x_range(&[&a, &b], 1000);
        assert!(lo < -50.0 && hi > 100.0);
    }
}
