//! Summary statistics of a run: the figures `summary.json` and the tables report.
//!
//! Quantiles are type 7 (linear interpolation between order statistics of
//! the sorted sample). Figures that are undefined in a trial (`roi` with no
//! cost, a payback of a set with no cash flow) are left out of that figure's
//! statistics; a figure with no defined value at all is `None`, which every
//! report writes as empty or `null` — never as NaN. A payback that never came
//! counts as later than every month.
//!
//! Statistics of values kept in single precision (ROI and visible ROI, see
//! [`crate::engine::SetResults`]) are rounded to the digits single precision
//! holds ([`Summary::held_in_single_precision`]), so no report shows digits
//! that are rounding noise of `f32`.
//!
//! The mean and standard deviation are summed in trial order. The
//! percentiles need only a few order statistics, so nothing is sorted in
//! full: [`crate::rank::Workspace::order_statistics`] finds them exactly (the
//! values a sort in `f64::total_cmp` order would put there). Payback months
//! are counted instead of sorted.
//!
//! ```
//! use roicast::stats::quantile_sorted;
//! assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
//! assert_eq!(quantile_sorted(&[], 0.5), None);
//! ```

use serde::Serialize;

use crate::engine::{RunResults, SetResults};
use crate::model::{NEVER, NO_CASH_FLOW};
use crate::pool::Pool;
use crate::rank::Workspace;

/// Probability levels of the percentiles every summary reports.
pub const PERCENTILES: [(&str, f64); 7] =
    [("p5", 0.05), ("p10", 0.10), ("p25", 0.25), ("p50", 0.50), ("p75", 0.75), ("p90", 0.90), ("p95", 0.95)];

/// Type-7 quantile of an ascending sample; `None` when it is empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    type7(sorted.len() as u64, q, |rank| sorted[rank as usize])
}

/// The type-7 quantile `q` of `count` values given by their order statistics
/// (0-based rank); `None` when there are none.
pub fn type7(count: u64, q: f64, order_statistic: impl Fn(u64) -> f64) -> Option<f64> {
    if count == 0 {
        return None;
    }
    let (below, weight) = type7_position(count, q);
    let lo = order_statistic(below);
    if weight == 0.0 {
        return Some(lo);
    }
    let hi = order_statistic(below + 1);
    Some(if hi == lo { lo } else { lo + weight * (hi - lo) })
}

/// Where the type-7 quantile `q` of `count > 0` values lies: the rank of the
/// order statistic at or below it, and the weight of the next one (0 when
/// the quantile is that order statistic).
fn type7_position(count: u64, q: f64) -> (u64, f64) {
    let h = (count - 1) as f64 * q.clamp(0.0, 1.0);
    let below = h.floor();
    (below as u64, h - below)
}

/// Mean, spread and percentiles of one figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Number of trials in which the figure is defined.
    #[serde(skip)]
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1).
    pub sd: f64,
    /// Standard error of the mean, `sd / sqrt(n)`.
    pub se: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Summary {
    /// Summarises the finite values of a sample; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Summary> {
        Summary::of_finite(values.iter().copied(), &mut Workspace::default())
    }

    /// [`Summary::of`], selecting in `workspace`.
    fn of_finite(values: impl Iterator<Item = f64> + Clone, workspace: &mut Workspace) -> Option<Summary> {
        Summary::with_order_statistic(values.filter(|x| x.is_finite()), workspace, None).map(|(summary, _)| summary)
    }

    /// Summarises the finite values of a single-precision sample, to the
    /// digits they hold; `None` when there are none.
    fn of_single_precision(values: &[f32], workspace: &mut Workspace) -> Option<Summary> {
        let summary = Summary::of_finite(values.iter().map(|&x| f64::from(x)), workspace)?;
        Some(summary.held_in_single_precision())
    }

    /// Summarises a sample of finite values (in trial order), finding its
    /// percentiles in `workspace`, with the order statistic at `rank` (when
    /// asked, and below the number of values) found alongside them. The
    /// values are read three times.
    fn with_order_statistic(
        values: impl Iterator<Item = f64> + Clone,
        workspace: &mut Workspace,
        rank: Option<u64>,
    ) -> Option<(Summary, Option<f64>)> {
        let (n, sum) = values.clone().fold((0, -0.0), |(n, sum), x| (n + 1, sum + x));
        if n == 0 {
            return None;
        }
        let rank = rank.filter(|&rank| rank < n as u64);
        let mean = sum / n as f64;
        let sd = if n > 1 {
            (values.clone().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        // The order statistics every percentile needs.
        let mut ranks: Vec<u64> = PERCENTILES
            .iter()
            .flat_map(|&(_, q)| {
                let (below, weight) = type7_position(n as u64, q);
                [Some(below), (weight != 0.0).then_some(below + 1)]
            })
            .flatten()
            .chain(rank)
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        let statistics = workspace.order_statistics(values, &ranks);
        let at = |rank| statistics[ranks.partition_point(|&r| r < rank)];
        let q = |p| type7(n as u64, p, at).unwrap_or(mean);
        let summary = Summary {
            n,
            mean,
            sd,
            se: sd / (n as f64).sqrt(),
            p5: q(0.05),
            p10: q(0.10),
            p25: q(0.25),
            p50: q(0.50),
            p75: q(0.75),
            p90: q(0.90),
            p95: q(0.95),
        };
        Some((summary, rank.map(at)))
    }

    /// The summary of values kept in single precision, rounded to the
    /// decimal digits it holds ([`SINGLE_PRECISION_DIGITS`] significant
    /// digits, see [`round_to_digits_of`]).
    ///
    /// Single precision moves each value `x` by at most `2^-24 |x|`, so a
    /// percentile (an order statistic, or between two neighbours) keeps
    /// seven significant digits of itself. The mean and the standard
    /// deviation move by at most `2^-24` of the values' root mean square,
    /// and the standard error by that over `√n`: each keeps the digits down
    /// to the seventh of that scale. (A mean near zero among large values
    /// so keeps fewer digits of its own.)
    pub fn held_in_single_precision(self) -> Summary {
        let n = self.n as f64;
        let rms = (self.mean * self.mean + self.sd * self.sd * (n - 1.0) / n).sqrt();
        let digits = |x: f64, scale: f64| round_to_digits_of(x, scale, SINGLE_PRECISION_DIGITS);
        let own = |x: f64| digits(x, x.abs());
        Summary {
            n: self.n,
            mean: digits(self.mean, rms),
            sd: digits(self.sd, rms),
            se: digits(self.se, rms / n.sqrt()),
            p5: own(self.p5),
            p10: own(self.p10),
            p25: own(self.p25),
            p50: own(self.p50),
            p75: own(self.p75),
            p90: own(self.p90),
            p95: own(self.p95),
        }
    }

    /// The percentile for a level named in [`PERCENTILES`].
    pub fn percentile(&self, name: &str) -> Option<f64> {
        Some(match name {
            "p5" => self.p5,
            "p10" => self.p10,
            "p25" => self.p25,
            "p50" => self.p50,
            "p75" => self.p75,
            "p90" => self.p90,
            "p95" => self.p95,
            _ => return None,
        })
    }
}

/// Significant decimal digits a single-precision (`f32`) value holds: its
/// rounding error, at most `2^-24` of it, is below one unit of the seventh.
pub const SINGLE_PRECISION_DIGITS: i32 = 7;

/// `x` rounded to the decimal place of the `digits`-th significant digit of
/// `scale` (the nearest `f64` to that decimal, so it prints with those
/// digits alone); `x` itself when it or `scale` is zero or not finite.
///
/// ```
/// use roicast::stats::round_to_digits_of;
/// assert_eq!(round_to_digits_of(4.0503082275390625, 4.05, 7), 4.050308);
/// assert_eq!(round_to_digits_of(0.0012345678, 2.0, 7), 0.001235);
/// assert_eq!(round_to_digits_of(-123456789.0, 123456789.0, 3), -123000000.0);
/// assert_eq!(round_to_digits_of(3e-9, 1.0, 7), 0.0);
/// ```
pub fn round_to_digits_of(x: f64, scale: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() || scale == 0.0 || !scale.is_finite() {
        return x;
    }
    // The exponent of the last digit kept, and how many digits of `x` lie at or above it.
    let last = decimal_exponent(scale) + 1 - digits;
    let kept = decimal_exponent(x) + 1 - last;
    let rounded = if kept > 0 {
        format!("{x:.*e}", (kept - 1) as usize)
    } else if kept == 0 && x.abs() >= 0.5 * 10f64.powi(last) {
        // Below the last digit kept, but half a unit of it or more: one unit.
        format!("{}1e{last}", if x < 0.0 { "-" } else { "" })
    } else {
        return 0.0;
    };
    rounded.parse().unwrap_or(x)
}

/// The exponent of `x`'s leading decimal digit (`x` finite and not zero),
/// read off its exact decimal form: `decimal_exponent(950.0) == 2`.
fn decimal_exponent(x: f64) -> i32 {
    let text = format!("{x:e}");
    text.rsplit_once('e').and_then(|(_, exponent)| exponent.parse().ok()).unwrap_or(0)
}

/// Everything a run reports about one set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetSummary {
    /// Name of the set.
    #[serde(skip)]
    pub name: String,
    /// Net present value.
    pub npv: Option<Summary>,
    /// Return on investment, over trials with a cost, to the digits single
    /// precision holds ([`Summary::held_in_single_precision`]).
    pub roi: Option<Summary>,
    /// P&L-visible return on investment, likewise.
    pub visible_roi: Option<Summary>,
    /// Share of trials with NPV below zero.
    pub prob_npv_negative: f64,
    /// Mean NPV of the `ceil(0.05 n)` worst trials.
    pub expected_shortfall_5: Option<f64>,
    /// Share of the trials with a cash flow that paid back within 12 months
    /// (payback 0 counts); `None` when no trial has a cash flow.
    pub prob_payback_within_12: Option<f64>,
    /// Share of the trials with a cash flow that paid back within the
    /// horizon; `None` when no trial has a cash flow.
    pub prob_payback_within_horizon: Option<f64>,
    /// Median payback month of the trials with a cash flow; `None` when more
    /// than half of them never pay back, or there are none.
    pub payback_month_p50: Option<f64>,
    /// Median discounted payback month, likewise.
    pub discounted_payback_month_p50: Option<f64>,
    /// Mean risk loss over the horizon.
    pub loss_mean: f64,
    /// Mean number of risk events.
    pub events_mean: f64,
    /// Share of trials in which a member was abandoned.
    pub prob_abandoned: f64,
    /// Share of trials in which the ROI is undefined (no cost).
    pub prob_roi_undefined: f64,
    /// Share of trials in which the set has no cash flow at all in the
    /// horizon, left out of the payback figures.
    pub prob_no_cash_flow: f64,
}

/// Median of payback months where [`NEVER`] sorts after every month and
/// [`NO_CASH_FLOW`] is left out.
///
/// Months are small integers, so the order statistics come from a count of
/// each month rather than a sort.
fn payback_median(months: &[u16]) -> Option<f64> {
    let mut counts = vec![0usize; usize::from(u16::MAX) + 1];
    months.iter().for_each(|&m| counts[usize::from(m)] += 1);
    let counted = months.len() - std::mem::take(&mut counts[usize::from(NO_CASH_FLOW)]);
    let order_statistic = |rank: u64| {
        let mut below = 0;
        let month = counts.iter().position(|&c| {
            below += c as u64;
            below > rank
        });
        match month {
            Some(m) if m != usize::from(NEVER) => m as f64,
            _ => f64::INFINITY,
        }
    };
    type7(counted as u64, 0.5, order_statistic).filter(|m| m.is_finite())
}

/// The share of the trials with a cash flow whose payback month is at most
/// `limit` (a month, so neither marker counts); `None` when no trial has a cash flow.
fn share_paid_back_by(months: &[u16], limit: u16) -> Option<f64> {
    let counted = months.iter().filter(|&&m| m != NO_CASH_FLOW).count();
    (counted > 0).then(|| share(months.iter().filter(|&&m| m <= limit).count(), counted))
}

/// The last payback month there can be: any horizon's last month.
const LAST_MONTH: u16 = NO_CASH_FLOW - 1;

fn share(n: usize, total: usize) -> f64 {
    if total == 0 { 0.0 } else { n as f64 / total as f64 }
}

impl SetSummary {
    /// A summary of set `name` with every figure present, each 0: the shape
    /// `summary.json` gives a set, known before any trial is run (which
    /// figures a `--fail-if` gate may name).
    pub fn template(name: &str) -> SetSummary {
        let zero = Summary {
            n: 0,
            mean: 0.0,
            sd: 0.0,
            se: 0.0,
            p5: 0.0,
            p10: 0.0,
            p25: 0.0,
            p50: 0.0,
            p75: 0.0,
            p90: 0.0,
            p95: 0.0,
        };
        SetSummary {
            name: name.to_string(),
            npv: Some(zero),
            roi: Some(zero),
            visible_roi: Some(zero),
            prob_npv_negative: 0.0,
            expected_shortfall_5: Some(0.0),
            prob_payback_within_12: Some(0.0),
            prob_payback_within_horizon: Some(0.0),
            payback_month_p50: Some(0.0),
            discounted_payback_month_p50: Some(0.0),
            loss_mean: 0.0,
            events_mean: 0.0,
            prob_abandoned: 0.0,
            prob_roi_undefined: 0.0,
            prob_no_cash_flow: 0.0,
        }
    }

    /// Summarises one set's per-trial results.
    pub fn of(set: &SetResults) -> SetSummary {
        SetSummary::of_using(set, &mut Workspace::default())
    }

    /// [`SetSummary::of`], selecting in `workspace`.
    fn of_using(set: &SetResults, workspace: &mut Workspace) -> SetSummary {
        let n = set.npv.len();
        // The worst 5% of the trials end at the order statistic `tail - 1`.
        let tail = n.div_ceil(20);
        let (npv, tail_end) =
            Summary::with_order_statistic(set.npv.iter().copied(), workspace, tail.checked_sub(1).map(|r| r as u64))
                .map_or((None, None), |(summary, end)| (Some(summary), end));
        // The trials below the tail's end, then as many equal to it as fill the tail.
        let expected_shortfall_5 = tail_end.map(|end| {
            let (below, sum) = set.npv.iter().filter(|&&x| x < end).fold((0, -0.0), |(k, sum), &x| (k + 1, sum + x));
            (sum + (tail - below) as f64 * end) / tail as f64
        });
        SetSummary {
            name: set.spec.name.clone(),
            npv,
            roi: Summary::of_single_precision(&set.roi, workspace),
            visible_roi: Summary::of_single_precision(&set.visible_roi, workspace),
            prob_npv_negative: share(set.npv.iter().filter(|&&x| x < 0.0).count(), n),
            expected_shortfall_5,
            prob_payback_within_12: share_paid_back_by(&set.payback, 12),
            prob_payback_within_horizon: share_paid_back_by(&set.payback, LAST_MONTH),
            payback_month_p50: payback_median(&set.payback),
            discounted_payback_month_p50: payback_median(&set.discounted_payback),
            loss_mean: if n == 0 { 0.0 } else { set.loss.iter().sum::<f64>() / n as f64 },
            events_mean: if n == 0 { 0.0 } else { set.events.iter().map(|&e| f64::from(e)).sum::<f64>() / n as f64 },
            prob_abandoned: share(set.abandoned.iter().filter(|&&a| a).count(), n),
            prob_roi_undefined: share(set.roi.iter().filter(|x| !x.is_finite()).count(), n),
            prob_no_cash_flow: share(set.payback.iter().filter(|&&m| m == NO_CASH_FLOW).count(), n),
        }
    }
}

/// Summaries of every set of a run, in report order.
///
/// Sets are summarised in parallel; the [`Workspace`]s they select in go
/// from set to set.
pub fn summarize(results: &RunResults) -> Vec<SetSummary> {
    use rayon::prelude::*;
    let workspaces: Pool<Workspace> = Pool::default();
    results.sets.par_iter().map(|set| workspaces.with(|workspace| SetSummary::of_using(set, workspace))).collect()
}

/// One month of one set in the monthly table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthRow {
    /// Month number, 1-based.
    pub month: u32,
    /// Mean cumulative net cash flow.
    pub mean: f64,
    /// 5th percentile of the cumulative net cash flow (from the monthly histogram).
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean benefit of the month.
    pub benefit_mean: f64,
    /// Mean P&L-visible benefit of the month.
    pub visible_benefit_mean: f64,
}

/// The monthly rows of set `set`.
pub fn monthly_rows(results: &RunResults, set: usize) -> Vec<MonthRow> {
    let monthly = &results.monthly;
    let n = results.trials.max(1) as f64;
    (0..monthly.horizon)
        .map(|t| {
            let cell = monthly.cell(set, t);
            let q = |p| monthly.histogram(set, t).quantile(p).unwrap_or(0.0);
            MonthRow {
                month: t as u32 + 1,
                mean: cell.cumulative / n,
                p5: q(0.05),
                p25: q(0.25),
                p50: q(0.50),
                p75: q(0.75),
                p95: q(0.95),
                benefit_mean: cell.benefit / n,
                visible_benefit_mean: cell.visible / n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The summary of an ascending sample of finite values, summed in sorted order.
    fn reference(sorted: &[f64]) -> Option<Summary> {
        let n = sorted.len();
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (sorted.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let q = |p| quantile_sorted(sorted, p);
        Some(Summary {
            n,
            mean,
            sd,
            se: sd / (n as f64).sqrt(),
            p5: q(0.05)?,
            p10: q(0.10)?,
            p25: q(0.25)?,
            p50: q(0.50)?,
            p75: q(0.75)?,
            p90: q(0.90)?,
            p95: q(0.95)?,
        })
    }

    /// A set summary from full comparison sorts, its sums in sorted order.
    fn reference_summary(set: &SetResults) -> SetSummary {
        let sorted = |values: &[f64]| {
            let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
            sorted.sort_by(f64::total_cmp);
            sorted
        };
        let widened = |values: &[f32]| values.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
        let median = |months: &[u16]| {
            let mut sorted: Vec<f64> = months
                .iter()
                .filter(|&&m| m != NO_CASH_FLOW)
                .map(|&m| if m == NEVER { f64::INFINITY } else { f64::from(m) })
                .collect();
            sorted.sort_by(f64::total_cmp);
            quantile_sorted(&sorted, 0.5).filter(|m| m.is_finite())
        };
        let n = set.npv.len();
        let npv_sorted = sorted(&set.npv);
        let tail = n.div_ceil(20);
        let with_cash_flow: Vec<u16> = set.payback.iter().copied().filter(|&m| m != NO_CASH_FLOW).collect();
        let paid_by = |limit: u16| {
            let paid = with_cash_flow.iter().filter(|&&m| m != NEVER && m <= limit).count();
            (!with_cash_flow.is_empty()).then(|| share(paid, with_cash_flow.len()))
        };
        SetSummary {
            name: set.spec.name.clone(),
            npv: reference(&npv_sorted),
            roi: reference(&sorted(&widened(&set.roi))).map(Summary::held_in_single_precision),
            visible_roi: reference(&sorted(&widened(&set.visible_roi))).map(Summary::held_in_single_precision),
            prob_npv_negative: share(set.npv.iter().filter(|&&x| x < 0.0).count(), n),
            expected_shortfall_5: (tail > 0).then(|| npv_sorted[..tail].iter().sum::<f64>() / tail as f64),
            prob_payback_within_12: paid_by(12),
            prob_payback_within_horizon: paid_by(600),
            payback_month_p50: median(&set.payback),
            discounted_payback_month_p50: median(&set.discounted_payback),
            loss_mean: if n == 0 { 0.0 } else { set.loss.iter().sum::<f64>() / n as f64 },
            events_mean: if n == 0 { 0.0 } else { set.events.iter().map(|&e| f64::from(e)).sum::<f64>() / n as f64 },
            prob_abandoned: share(set.abandoned.iter().filter(|&&a| a).count(), n),
            prob_roi_undefined: share(set.roi.iter().filter(|x| !x.is_finite()).count(), n),
            prob_no_cash_flow: share(n - with_cash_flow.len(), n),
        }
    }

    #[test]
    fn summaries_match_full_sorts() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut workspace = Workspace::default();
        for n in [0, 1, 2, 3, 20, 21, 999, 100_000] {
            let month = |rng: &mut ChaCha8Rng| match rng.random::<f64>() {
                u if u < 0.3 => NEVER,
                u if u < 0.4 => NO_CASH_FLOW,
                _ => rng.random_range(0..60u16),
            };
            let set = SetResults {
                npv: (0..n)
                    .map(|i| match i % 7 {
                        0 => -0.0,
                        1 => 0.0,
                        _ => 1e6 * (rng.random::<f64>() - 0.3) * (1.0 + 9.0 * rng.random::<f64>().powi(6)),
                    })
                    .collect(),
                roi: (0..n).map(|i| if i % 5 == 0 { f32::NAN } else { 3.0 * rng.random::<f32>() - 1.0 }).collect(),
                visible_roi: (0..n).map(|_| (rng.random::<f32>() * 8.0).floor() / 4.0).collect(),
                payback: (0..n).map(|_| month(&mut rng)).collect(),
                discounted_payback: (0..n).map(|_| if n > 2 { NEVER } else { month(&mut rng) }).collect(),
                loss: (0..n).map(|_| rng.random::<f64>() * 1e5).collect(),
                events: (0..n).map(|_| rng.random_range(0..4u32)).collect(),
                abandoned: (0..n).map(|_| rng.random::<bool>()).collect(),
                ..SetResults::default()
            };
            let expected = serde_json::to_value(reference_summary(&set)).unwrap();
            assert_agree(&serde_json::to_value(SetSummary::of(&set)).unwrap(), &expected, &format!("n = {n}"));
            // Again in a workspace that has summarised other sets.
            assert_agree(
                &serde_json::to_value(SetSummary::of_using(&set, &mut workspace)).unwrap(),
                &expected,
                "again",
            );
        }
    }

    /// Percentiles, shares and counts agree bit for bit; means, standard
    /// deviations and the expected shortfall, summed in another order, to
    /// within 1e-12 of their size.
    fn assert_agree(got: &serde_json::Value, expected: &serde_json::Value, context: &str) {
        use serde_json::Value;
        match (got, expected) {
            (Value::Object(got), Value::Object(expected)) => {
                assert_eq!(got.len(), expected.len(), "{context}");
                for (key, value) in expected {
                    let context = format!("{context}.{key}");
                    match (&got[key], value) {
                        (Value::Number(a), Value::Number(b))
                            if ["mean", "sd", "se", "expected_shortfall_5"].contains(&key.as_str()) =>
                        {
                            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
                            assert!((a - b).abs() <= 1e-12 * b.abs(), "{context}: {a} vs {b}");
                        }
                        (a, b) => assert_agree(a, b, &context),
                    }
                }
            }
            _ => assert_eq!(got, expected, "{context}"),
        }
    }

    #[test]
    fn rounding_keeps_the_digits_of_a_scale() {
        // Seven significant digits of itself.
        assert_eq!(round_to_digits_of(0.52701156437397, 0.52701156437397, 7), 0.5270116);
        assert_eq!(round_to_digits_of(-0.7603987038135529, 0.76, 7), -0.7603987);
        assert_eq!(round_to_digits_of(9.99999996, 9.99999996, 7), 10.0);
        assert_eq!(round_to_digits_of(1234567891.0, 1234567891.0, 7), 1234568000.0);
        // Digits down to the seventh of a larger scale.
        assert_eq!(round_to_digits_of(0.012087367478946492, 1.7, 7), 0.012087);
        assert_eq!(round_to_digits_of(6e-7, 1.0, 7), 1e-6);
        assert_eq!(round_to_digits_of(-4e-7, 1.0, 7), 0.0);
        assert_eq!(round_to_digits_of(-5e-7, 1.0, 7), -1e-6);
        // Nothing to round.
        assert_eq!(round_to_digits_of(0.0, 1.0, 7), 0.0);
        assert_eq!(round_to_digits_of(0.25, 0.0, 7), 0.25);
        for x in [0.1234567890123, -98765.4321987, 3.0e-12] {
            let text = serde_json::to_string(&round_to_digits_of(x, x.abs(), 7)).unwrap();
            let digits = text.trim_start_matches(['-', '0', '.']).chars().filter(char::is_ascii_digit).count();
            assert!(digits <= 7, "{x}: {text}");
        }
    }

    #[test]
    fn single_precision_statistics_keep_only_the_digits_they_hold() {
        let values: Vec<f32> = (0..1001).map(|i| 1.0 + i as f32 / 3.0).collect();
        let exact = Summary::of(&values.iter().map(|&x| f64::from(x)).collect::<Vec<_>>()).unwrap();
        let held = Summary::of_single_precision(&values, &mut Workspace::default()).unwrap();
        // Rounding moves each figure by at most half a unit of its last digit kept.
        let rms = (values.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / 1001.0).sqrt();
        let unit = |scale: f64| 10f64.powi(scale.log10().floor() as i32 - 6);
        for (got, raw, scale) in [
            (held.mean, exact.mean, rms),
            (held.sd, exact.sd, rms),
            (held.se, exact.se, rms / 1001f64.sqrt()),
            (held.p10, exact.p10, exact.p10),
            (held.p50, exact.p50, exact.p50),
            (held.p95, exact.p95, exact.p95),
        ] {
            assert!((got - raw).abs() <= 0.5 * unit(scale) * (1.0 + 1e-9), "{got} vs {raw}");
            assert!(got != raw, "{raw} has digits single precision does not hold");
        }
        // A mean near zero among values near ±1 keeps the digits of their size, not its own.
        let values = [1.000_000_1_f32, -1.0];
        let held = Summary::of_single_precision(&values, &mut Workspace::default()).unwrap();
        assert_eq!(held.mean, 0.0);
    }

    #[test]
    fn type_7_matches_reference_values() {
        // R: quantile(c(1, 3, 4, 10), c(.1, .25, .9), type = 7) = 1.6, 2.5, 8.2
        let x = [1.0, 3.0, 4.0, 10.0];
        assert!((quantile_sorted(&x, 0.1).unwrap() - 1.6).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.25).unwrap() - 2.5).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.9).unwrap() - 8.2).abs() < 1e-12);
        assert_eq!(quantile_sorted(&x, 1.0), Some(10.0));
    }

    #[test]
    fn summary_uses_sample_sd_and_skips_undefined() {
        let s = Summary::of(&[1.0, f64::NAN, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.n, 4);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((s.se - s.sd / 2.0).abs() < 1e-12);
        assert!(Summary::of(&[f64::NAN]).is_none());
    }

    #[test]
    fn payback_median_treats_never_as_latest_and_leaves_out_no_cash_flow() {
        assert_eq!(payback_median(&[3, 5, NEVER]), Some(5.0));
        assert_eq!(payback_median(&[3, NEVER, NEVER]), None);
        assert_eq!(payback_median(&[4, 3, NEVER, 0]), Some(3.5));
        assert_eq!(payback_median(&[]), None);
        assert_eq!(payback_median(&[NO_CASH_FLOW, 3, NO_CASH_FLOW, 5, NEVER]), Some(5.0));
        assert_eq!(payback_median(&[NO_CASH_FLOW, 2, NO_CASH_FLOW, NO_CASH_FLOW]), Some(2.0));
        assert_eq!(payback_median(&[NO_CASH_FLOW; 3]), None);
    }

    #[test]
    fn payback_shares_count_only_trials_with_a_cash_flow() {
        let months = [0, 12, 13, NEVER, NO_CASH_FLOW, NO_CASH_FLOW];
        assert_eq!(share_paid_back_by(&months, 12), Some(0.5));
        assert_eq!(share_paid_back_by(&months, LAST_MONTH), Some(0.75));
        assert_eq!(share_paid_back_by(&[NO_CASH_FLOW; 4], 12), None);
        assert_eq!(share_paid_back_by(&[], 12), None);
    }
}
