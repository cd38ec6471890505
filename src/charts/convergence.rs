//! Convergence: how the mean portfolio NPV settles as trials accumulate.
//!
//! The running mean of portfolio NPV in trial order, at about 200 points
//! spaced evenly on a logarithmic trial axis over the last two decades of
//! trials (from 1% of them, and from at least 100), with its 95% band
//! `mean ± 1.96 · sd / √n` ([`crate::convergence::running_mean`]; the band
//! treats trials as independent, which is conservative for Latin hypercube
//! sampling). A dashed line marks the final mean. After a `--precision` run
//! the target is drawn around it and each round's end is marked on the
//! trial axis. The headline quotes the final mean with its batch-means
//! half-width ([`crate::convergence`]).

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{band, padded_range};
use super::style::{self, AXIS, Heading, LOSS, LegendItem, MUTED, Mark, PORTFOLIO};
use super::{Area, Chart, DrawError};
use crate::convergence::{Convergence, running_mean};
use crate::format::{money, percent};
use crate::report::Report;

/// The `convergence` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConvergenceChart;

/// Points along the trial axis.
const POINTS: usize = 200;
/// Decades of trials the axis spans, ending at all trials...
const DECADES: u32 = 2;
/// ...but starting at no fewer trials than this (fewer say nothing).
const FROM_AT_LEAST: u64 = 100;
/// Opacity of the 95% band.
const BAND: f64 = 0.22;

/// The headline: the final mean with its precision, and the outcome of a precision target.
pub fn headline(convergence: &Convergence, trials: u64, currency: &str) -> String {
    let mean = &convergence.mean;
    let estimate = money(mean.estimate, currency);
    let Some(half) = mean.half_width else {
        return format!("Mean portfolio NPV is {estimate} after {}", trials_phrase(trials));
    };
    let within = format!("{estimate} ± {}", money(half, currency));
    match &convergence.precision {
        Some(p) if p.met => format!(
            "Mean portfolio NPV {within}: the {} precision target is met after {}",
            percent(p.target),
            trials_phrase(trials)
        ),
        Some(p) => format!(
            "Mean portfolio NPV {within}: the {} precision target is not met within {}",
            percent(p.target),
            trials_phrase(p.max_trials)
        ),
        None => {
            let share = mean.relative_half_width.map_or(String::new(), |r| format!("±{}, ", percent(r)));
            format!("Mean portfolio NPV: {within} ({share}95% confidence) after {}", trials_phrase(trials))
        }
    }
}

/// "1 trial", "20,000 trials".
fn trials_phrase(n: u64) -> String {
    if n == 1 { "1 trial".to_string() } else { format!("{} trials", style::grouped(n)) }
}

/// A trial count for the log axis: "100", "1k", "10k", "1M", "2.5M".
fn trials_tick(x: f64) -> String {
    if x >= 1e6 {
        format!("{}M", round_short(x / 1e6))
    } else if x >= 1e3 {
        format!("{}k", round_short(x / 1e3))
    } else {
        format!("{x:.0}")
    }
}

/// Ticks of a log axis from `lo` to `hi`: 1, 2 and 5 times powers of ten
/// (only the powers of ten when that would make more than ten ticks).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let within = |steps: &[f64]| -> Vec<f64> {
        let first = lo.log10().floor() as i32;
        let last = hi.log10().ceil() as i32;
        (first..=last)
            .flat_map(|k| steps.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|&x| x >= lo * (1.0 - 1e-9) && x <= hi * (1.0 + 1e-9))
            .collect()
    };
    let ticks = within(&[1.0, 2.0, 5.0]);
    if ticks.len() > 10 { within(&[1.0]) } else { ticks }
}

/// A short number: no decimals from 10, else at most one ("2.5", "20").
fn round_short(x: f64) -> String {
    if x >= 10.0 || (x - x.round()).abs() < 0.05 { format!("{x:.0}") } else { format!("{x:.1}") }
}

impl Chart for ConvergenceChart {
    fn file_stem(&self) -> &'static str {
        "convergence"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let currency = &report.scenario.currency;
        let convergence = &report.convergence;
        let npv = report.results.set("portfolio").map_or(&[][..], |s| &s.npv[..]);
        let from = (npv.len() as u64 / 10u64.pow(DECADES)).max(FROM_AT_LEAST);
        let points = running_mean(npv, from, POINTS);
        let title = headline(convergence, report.results.trials, currency);
        let method = match convergence.mean.batches {
            Some(b) => format!("batch means over {b} blocks"),
            None => "independent trials".to_string(),
        };
        let subtitle = format!(
            "Running mean of portfolio NPV with its 95% band (± 1.96 sd/√n) as trials accumulate; \
             headline ± from {method}"
        );
        let mut legend = vec![
            LegendItem::new(Mark::Line(PORTFOLIO, 5), "running mean"),
            LegendItem::new(Mark::Band(PORTFOLIO, BAND), "95% band"),
            LegendItem::new(Mark::Dashed(AXIS), "final mean"),
        ];
        let target = convergence.precision.as_ref().map(|p| p.target_half_width).filter(|t| *t > 0.0);
        if let Some(p) = convergence.precision.as_ref().filter(|_| target.is_some()) {
            legend.push(LegendItem::new(Mark::Dashed(LOSS), format!("±{} target", percent(p.target))));
        }
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            return style::message(&plot, "No trials to chart");
        };
        if first.trials == last.trials {
            return style::message(&plot, "Too few trials to show how the mean settles");
        }
        let final_mean = last.mean;
        let values = points
            .iter()
            .flat_map(|p| [p.mean - p.half_width, p.mean + p.half_width])
            .chain(target.into_iter().flat_map(|t| [final_mean - t, final_mean + t]));
        let (lo, hi) = padded_range(values, false, 0.05);
        let (x0, x1) = (first.trials as f64, last.trials as f64);

        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(90)
            .y_label_area_size(150)
            .margin_right(40)
            .margin_top(10)
            .build_cartesian_2d((x0..x1).log_scale().with_key_points(log_ticks(x0, x1)), lo..hi)?;
        let x_fmt = |v: &f64| trials_tick(*v);
        let y_fmt = |v: &f64| style::money_tick(*v, currency);
        style::mesh(&mut chart)
            .x_desc("Trials (log scale)")
            .y_desc(format!("Mean portfolio NPV ({currency})"))
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()?;

        let x: Vec<f64> = points.iter().map(|p| p.trials as f64).collect();
        let lower: Vec<f64> = points.iter().map(|p| p.mean - p.half_width).collect();
        let upper: Vec<f64> = points.iter().map(|p| p.mean + p.half_width).collect();
        chart.draw_series(std::iter::once(Polygon::new(band(&x, &lower, &upper), PORTFOLIO.mix(BAND).filled())))?;
        if let Some(t) = target {
            for level in [final_mean - t, final_mean + t] {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(x0, level), (x1, level)],
                    12,
                    8,
                    LOSS.stroke_width(3),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x0, final_mean), (x1, final_mean)],
            12,
            8,
            AXIS.stroke_width(3),
        )))?;
        chart.draw_series(LineSeries::new(
            x.iter().copied().zip(points.iter().map(|p| p.mean)),
            PORTFOLIO.stroke_width(5),
        ))?;

        // The end of each precision round, on the trial axis.
        if let Some(p) = &convergence.precision {
            let style = style::anchored(style::text(style::TICK, MUTED), HPos::Right, VPos::Bottom);
            let (mut free_from, _) = chart.backend_coord(&(x0, lo));
            for (i, round) in p.rounds.iter().enumerate().filter(|(_, r)| (r.trials as f64) > x0) {
                let (px, bottom) = chart.backend_coord(&(round.trials as f64, lo));
                let (_, top) = chart.backend_coord(&(round.trials as f64, hi));
                root.draw(&DashedPathElement::new(vec![(px, top), (px, bottom)], 6, 6, MUTED.stroke_width(2)))?;
                // Label a round only where it does not run into the previous label.
                let label = format!("round {}", i + 1);
                let width = style::text_width(root, &label, &style)?;
                if px - 8 - width > free_from {
                    root.draw_text(&label, &style, (px - 8, bottom - 8))?;
                    free_from = px + 8;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convergence::{MeanInterval, MeanMethod, PrecisionOutcome, QuantileInterval};

    fn convergence(half_width: Option<f64>, precision: Option<PrecisionOutcome>) -> Convergence {
        let q = QuantileInterval { level: 0.1, estimate: 0.0, low: None, high: None, half_width: None };
        Convergence {
            set: "portfolio".into(),
            figure: "npv".into(),
            confidence: 0.95,
            mean: MeanInterval {
                estimate: 880_000.0,
                half_width,
                relative_half_width: half_width.map(|h| h / 880_000.0),
                method: MeanMethod::BatchMeans,
                batches: Some(9),
            },
            p10: q,
            p90: q,
            precision,
        }
    }

    #[test]
    fn headline_quotes_the_mean_and_the_target() {
        assert_eq!(
            headline(&convergence(Some(15_900.0), None), 20_000, "USD"),
            "Mean portfolio NPV: $880k ± $15.9k (±1.8%, 95% confidence) after 20,000 trials"
        );
        let outcome = |met| PrecisionOutcome {
            target: 0.01,
            target_half_width: 8_800.0,
            achieved_half_width: Some(8_000.0),
            trials: 40_960,
            max_trials: 100_000,
            met,
            rounds: Vec::new(),
        };
        assert_eq!(
            headline(&convergence(Some(8_000.0), Some(outcome(true))), 40_960, "USD"),
            "Mean portfolio NPV $880k ± $8.00k: the 1.0% precision target is met after 40,960 trials"
        );
        assert_eq!(
            headline(&convergence(Some(8_000.0), Some(outcome(false))), 100_000, "USD"),
            "Mean portfolio NPV $880k ± $8.00k: the 1.0% precision target is not met within 100,000 trials"
        );
        assert_eq!(headline(&convergence(None, None), 1, "USD"), "Mean portfolio NPV is $880k after 1 trial");
    }

    #[test]
    fn log_ticks_step_one_two_five() {
        assert_eq!(log_ticks(200.0, 20_000.0), [200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4]);
        assert_eq!(log_ticks(100.0, 1e7), [1e2, 1e3, 1e4, 1e5, 1e6, 1e7]);
    }

    #[test]
    fn trial_ticks_are_short() {
        let got: Vec<String> = [100.0, 1_000.0, 2_500.0, 20_000.0, 1_000_000.0, 2_500_000.0].map(trials_tick).to_vec();
        assert_eq!(got, ["100", "1k", "2.5k", "20k", "1M", "2.5M"]);
    }
}
