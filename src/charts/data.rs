//! The numbers behind the charts: bands, bins, curves, ranges and label
//! positions, computed from a run's results apart from any drawing.
//!
//! Everything here is a plain function of plain data, so each is unit-tested
//! on small hand-checked inputs. Charts read per-trial arrays
//! ([`crate::engine::SetResults`]) and monthly rows ([`MonthRow`]); nothing is
//! simulated again.

use crate::calendar::Calendar;
use crate::model::{NEVER, NO_CASH_FLOW};
use crate::report::Report;
use crate::scenario::{Kind, Owner};
use crate::stats::{MonthRow, quantile_sorted};

/// Percentiles of the cumulative net cash flow of a set, month 0 to the horizon.
///
/// Month 0 (before anything happens) is added with every percentile at zero,
/// so the fan opens from the origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    /// Month numbers, 0 to the horizon.
    pub months: Vec<f64>,
    /// 5th percentile by month.
    pub p5: Vec<f64>,
    /// 25th percentile by month.
    pub p25: Vec<f64>,
    /// Median by month.
    pub p50: Vec<f64>,
    /// 75th percentile by month.
    pub p75: Vec<f64>,
    /// 95th percentile by month.
    pub p95: Vec<f64>,
}

/// The fan of a set from its monthly rows.
pub fn fan(rows: &[MonthRow]) -> Fan {
    let column = |f: fn(&MonthRow) -> f64| std::iter::once(0.0).chain(rows.iter().map(f)).collect::<Vec<f64>>();
    Fan {
        months: std::iter::once(0.0).chain(rows.iter().map(|r| f64::from(r.month))).collect(),
        p5: column(|r| r.p5),
        p25: column(|r| r.p25),
        p50: column(|r| r.p50),
        p75: column(|r| r.p75),
        p95: column(|r| r.p95),
    }
}

/// Month ticks for a horizon: multiples of 1, 2, 3, 6, 12, 24 or 60 months,
/// the smallest step that gives at most eight intervals.
pub fn month_ticks(horizon: usize) -> Vec<f64> {
    let step = [1, 2, 3, 6, 12, 24, 60, 120].into_iter().find(|&s| horizon <= 8 * s).unwrap_or(horizon.max(1));
    (0..=horizon).step_by(step).map(|m| m as f64).collect()
}

/// Pixels a date label of a month axis ("Sep 2027") needs, with the gap to the next.
pub const DATE_TICK_SPACE: i32 = 170;

/// Steps between dated ticks, in months: monthly, quarterly, half-yearly,
/// yearly, then every 2, 3, 5, 10, 20 and 50 (fiscal) years.
const DATE_STEPS: [u32; 10] = [1, 3, 6, 12, 24, 36, 60, 120, 240, 600];

/// The ticks of a month axis running from 0 to `horizon`, as positions and
/// labels. Position `x` is the end of month `x`, the start of month `x + 1`.
///
/// Without a calendar: round numbers of months ([`month_ticks`]), labelled
/// with their number. With one: the starts of fiscal quarters, half-years,
/// years or runs of years (every 2, 3, 5, … fiscal years, those whose
/// number divides by 2, 3, 5, …), with the shortest step that leaves at most `fit`
/// labels, each labelled with the month that begins there ("Apr 2027").
pub fn month_axis_ticks(horizon: usize, calendar: Option<&Calendar>, fit: usize) -> Vec<(f64, String)> {
    let Some(calendar) = calendar else {
        return month_ticks(horizon).into_iter().map(|m| (m, format!("{m:.0}"))).collect();
    };
    let starts = |step: u32| -> Vec<u32> {
        (0..=horizon as u32)
            .filter(|&x| {
                let into_year = calendar.months_into_fiscal_year(x + 1);
                if step <= 12 {
                    into_year % step == 0
                } else {
                    into_year == 0 && calendar.fiscal_year(x + 1).rem_euclid(step as i32 / 12) == 0
                }
            })
            .collect()
    };
    let last = DATE_STEPS[DATE_STEPS.len() - 1];
    let ticks = DATE_STEPS.iter().map(|&step| starts(step)).find(|ticks| ticks.len() <= fit.max(1));
    let ticks = ticks.unwrap_or_else(|| starts(last));
    ticks.into_iter().map(|x| (f64::from(x), calendar.date(x + 1).short_label())).collect()
}

/// The closed outline of the band between two curves over `x`: along `upper`
/// from left to right, back along `lower` from right to left.
pub fn band(x: &[f64], lower: &[f64], upper: &[f64]) -> Vec<(f64, f64)> {
    let forward = x.iter().zip(upper).map(|(&a, &b)| (a, b));
    let back = x.iter().zip(lower).rev().map(|(&a, &b)| (a, b));
    forward.chain(back).collect()
}

/// An axis range that covers the finite `values` (and zero when asked),
/// widened by `pad` times its width on each side. Never empty: a single
/// value gets a range around it.
pub fn padded_range(values: impl IntoIterator<Item = f64>, include_zero: bool, pad: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if include_zero || lo > hi {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(lo.abs()).max(1.0) {
        let half = (lo.abs() * 0.2).max(1.0);
        return (lo - half, hi + half);
    }
    let extra = (hi - lo) * pad;
    (lo - extra, hi + extra)
}

/// The round step nearest to `raw` (on a log scale): 1, 2, 2.5 or 5 times a
/// power of ten.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let mantissa = raw / power;
    let distance = |m: f64| (m.ln() - mantissa.ln()).abs();
    let nice =
        [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().min_by(|a, b| distance(*a).total_cmp(&distance(*b))).unwrap_or(1.0);
    nice * power
}

/// One bar of a histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lower edge (included).
    pub lo: f64,
    /// Upper edge (excluded, except for the last bin).
    pub hi: f64,
    /// Share of all values that fall in the bin.
    pub share: f64,
}

/// Equal-width bins over a range, with the shares of values outside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Width of every bin: a [`nice_step`], so zero is always a bin edge.
    pub width: f64,
    /// The bins, left to right.
    pub bins: Vec<Bin>,
    /// Share of values below the first bin.
    pub below: f64,
    /// Share of values above the last bin.
    pub above: f64,
}

impl Histogram {
    /// The largest bin share (0 when there are no values).
    pub fn max_share(&self) -> f64 {
        self.bins.iter().map(|b| b.share).fold(0.0, f64::max)
    }
}

/// Bins across a histogram's axis (about), for `trials` trials: more
/// trials, finer bins.
pub fn histogram_bins(trials: u64) -> usize {
    ((trials as f64).sqrt() * 0.7).clamp(20.0, 100.0) as usize
}

/// Bins `values` over `range` in about `target_bins` bins of a round width
/// whose edges are multiples of the width. Shares are of all values, so the
/// bins and the two outside shares add up to 1.
pub fn histogram(values: &[f64], range: (f64, f64), target_bins: usize) -> Histogram {
    let width = nice_step((range.1 - range.0) / target_bins.max(1) as f64);
    let start = (range.0 / width).floor() * width;
    let count = (((range.1 - start) / width).ceil() as usize).max(1);
    let end = start + count as f64 * width;
    let mut counts = vec![0usize; count];
    let (mut below, mut above) = (0usize, 0usize);
    for &v in values {
        if v < start {
            below += 1;
        } else if v > end {
            above += 1;
        } else {
            counts[(((v - start) / width).floor() as usize).min(count - 1)] += 1;
        }
    }
    let n = values.len().max(1) as f64;
    Histogram {
        width,
        bins: counts
            .iter()
            .enumerate()
            .map(|(i, &c)| Bin {
                lo: start + i as f64 * width,
                hi: start + (i + 1) as f64 * width,
                share: c as f64 / n,
            })
            .collect(),
        below: below as f64 / n,
        above: above as f64 / n,
    }
}

/// The range holding the middle of several samples: from the smallest
/// `tail` quantile to the largest `1 - tail` quantile, with zero, padded by
/// 4% on each side. Empty samples are ignored.
pub fn central_range(samples: &[&[f64]], tail: f64) -> (f64, f64) {
    let mut ends = Vec::new();
    for sample in samples.iter().filter(|s| !s.is_empty()) {
        let mut sorted: Vec<f64> = sample.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        ends.extend(quantile_sorted(&sorted, tail));
        ends.extend(quantile_sorted(&sorted, 1.0 - tail));
    }
    padded_range(ends, true, 0.04)
}

/// Share of the trials with a cash flow that have paid back by each month 0
/// to `horizon` (index = month); `None` when no trial has a cash flow. A
/// payback of month 0 counts from month 0; [`NEVER`] never counts, so the
/// last share is below 1 when some trials never pay back; trials with
/// [`NO_CASH_FLOW`] are left out, as in the summary's payback figures.
pub fn paid_back_by_month(payback: &[u16], horizon: usize) -> Option<Vec<f64>> {
    let mut counts = vec![0usize; horizon + 1];
    let mut with_cash_flow = 0;
    for &m in payback.iter().filter(|&&m| m != NO_CASH_FLOW) {
        with_cash_flow += 1;
        if m != NEVER && usize::from(m) <= horizon {
            counts[usize::from(m)] += 1;
        }
    }
    if with_cash_flow == 0 {
        return None;
    }
    let mut total = 0;
    let shares = counts
        .iter()
        .map(|&c| {
            total += c;
            total as f64 / with_cash_flow as f64
        })
        .collect();
    Some(shares)
}

/// Corner points of a step curve holding `values[m]` from month `m` to `m + 1`
/// (the last value is a single point at the last month).
pub fn steps(values: &[f64]) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(2 * values.len());
    for (m, &v) in values.iter().enumerate() {
        points.push((m as f64, v));
        if m + 1 < values.len() {
            points.push(((m + 1) as f64, v));
        }
    }
    points
}

/// The points of a curve, `(x, y)`, left to right.
pub type Points = Vec<(f64, f64)>;

/// Mean monthly benefit and mean P&L-visible benefit as curves from month 0
/// (zero) to the horizon.
pub fn benefit_curves(rows: &[MonthRow]) -> (Points, Points) {
    let curve = |f: fn(&MonthRow) -> f64| {
        std::iter::once((0.0, 0.0)).chain(rows.iter().map(|r| (f64::from(r.month), f(r)))).collect::<Vec<_>>()
    };
    (curve(|r| r.benefit_mean), curve(|r| r.visible_benefit_mean))
}

/// Share of the total benefit over the horizon that shows on the P&L
/// (undiscounted); `None` when there is no positive benefit to share.
pub fn visible_share(rows: &[MonthRow]) -> Option<f64> {
    let benefit: f64 = rows.iter().map(|r| r.benefit_mean).sum();
    let visible: f64 = rows.iter().map(|r| r.visible_benefit_mean).sum();
    (benefit > 0.0).then(|| (visible / benefit).clamp(0.0, 1.0))
}

/// The smallest round number (1, 2 or 5 times a power of ten) at or above a positive `x`.
pub fn nice_ceil(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|&v| v >= x * (1.0 - 1e-12)).unwrap_or(10.0 * power)
}

/// Bounds of a logarithmic loss axis: from the power of ten at or below the
/// smallest 1st percentile of a sample's positive losses to the round number
/// at or above the largest 99.9th percentile (a single extreme trial does not
/// stretch the axis). `None` when no loss is positive.
///
/// One sample's losses are copied at a time: a pooled copy of every curve's
/// would hold several per-trial columns at once, beside the run's own.
pub fn log_bounds(samples: &[&[f64]]) -> Option<(f64, f64)> {
    let (p1, p999) = samples
        .iter()
        .filter_map(|sample| {
            let mut positive: Vec<f64> = sample.iter().copied().filter(|&v| v > 0.0).collect();
            positive.sort_by(f64::total_cmp);
            Some((quantile_sorted(&positive, 0.01)?, quantile_sorted(&positive, 0.999)?))
        })
        .reduce(|(lo, hi), (p1, p999)| (lo.min(p1), hi.max(p999)))?;
    let lo = 10f64.powf(p1.log10().floor());
    let hi = nice_ceil(p999);
    Some((lo, if hi > lo { hi } else { lo * 10.0 }))
}

/// `n` points spaced evenly on a log scale from `lo` to `hi` (both included).
pub fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let n = n.max(2);
    let (a, b) = (lo.ln(), hi.ln());
    (0..n).map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp()).collect()
}

/// For each `x` of an ascending `grid`, the share of trials whose loss
/// exceeds `x`; counted without a copy of the losses.
pub fn exceedance(losses: &[f64], grid: &[f64]) -> Vec<f64> {
    // above[k]: the losses exceeding exactly the first k grid points.
    let mut above = vec![0usize; grid.len() + 1];
    for &loss in losses {
        above[grid.partition_point(|&x| x < loss)] += 1;
    }
    let n = losses.len().max(1) as f64;
    let mut exceeding = losses.len() - above[0];
    above[1..]
        .iter()
        .map(|&just_these| {
            let share = exceeding as f64 / n;
            exceeding -= just_these;
            share
        })
        .collect()
}

/// One initiative's NPV range for the initiatives chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRow {
    /// Initiative name.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// Its owner.
    pub owner: Owner,
    /// True when the owner is not the natural owner of the kind.
    pub mismatched: bool,
    /// 10th percentile of NPV.
    pub p10: f64,
    /// Median NPV.
    pub p50: f64,
    /// 90th percentile of NPV.
    pub p90: f64,
    /// Mean NPV.
    pub mean: f64,
}

/// One row per initiative, highest median NPV first (ties keep scenario order).
pub fn initiative_rows(report: &Report) -> Vec<RangeRow> {
    let mut rows: Vec<RangeRow> = report
        .scenario
        .initiatives
        .iter()
        .filter_map(|init| {
            let npv = report.summary(&init.name)?.npv?;
            Some(RangeRow {
                name: init.name.clone(),
                kind: init.kind,
                owner: init.owner,
                mismatched: init.is_mismatched(),
                p10: npv.p10,
                p50: npv.p50,
                p90: npv.p90,
                mean: npv.mean,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.p50.total_cmp(&a.p50));
    rows
}

/// Moves label positions (e.g. pixel rows) apart so that neighbours are at
/// least `gap` apart, staying within `[lo, hi]` where possible and keeping
/// their order; each label moves as little as this simple push allows.
pub fn spread(positions: &[f64], gap: f64, lo: f64, hi: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]));
    let mut placed: Vec<f64> = order.iter().map(|&i| positions[i].clamp(lo, hi)).collect();
    for k in 1..placed.len() {
        placed[k] = placed[k].max(placed[k - 1] + gap);
    }
    if let Some(last) = placed.last_mut() {
        *last = last.min(hi);
    }
    for k in (0..placed.len().saturating_sub(1)).rev() {
        placed[k] = placed[k].min(placed[k + 1] - gap);
    }
    if let Some(first) = placed.first_mut() {
        *first = first.max(lo);
    }
    let mut out = vec![0.0; positions.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = placed[k];
    }
    out
}

/// Puts labels, given as pixel intervals `(start, end)`, into rows: each goes
/// into the first row (0 = top) where it keeps `gap` pixels from every label
/// already there. Labels are placed in the order given.
pub fn assign_rows(intervals: &[(f64, f64)], gap: f64) -> Vec<usize> {
    let mut rows: Vec<Vec<(f64, f64)>> = Vec::new();
    intervals
        .iter()
        .map(|&(a, b)| {
            let free = |row: &Vec<(f64, f64)>| row.iter().all(|&(c, d)| b + gap <= c || d + gap <= a);
            let r = rows.iter().position(free).unwrap_or(rows.len());
            if r == rows.len() {
                rows.push(Vec::new());
            }
            rows[r].push((a, b));
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(month: u32, p: [f64; 5], benefit: f64, visible: f64) -> MonthRow {
        MonthRow {
            month,
            mean: p[2],
            p5: p[0],
            p25: p[1],
            p50: p[2],
            p75: p[3],
            p95: p[4],
            benefit_mean: benefit,
            visible_benefit_mean: visible,
        }
    }

    #[test]
    fn histogram_bins_get_finer_with_more_trials() {
        assert_eq!(histogram_bins(100), 20);
        assert_eq!(histogram_bins(2_000), 31);
        assert_eq!(histogram_bins(20_000), 98);
        assert_eq!(histogram_bins(1_000_000), 100);
    }

    #[test]
    fn fan_opens_from_zero_at_month_zero() {
        let rows = [row(1, [-5.0, -4.0, -3.0, -2.0, -1.0], 0.0, 0.0), row(2, [1.0, 2.0, 3.0, 4.0, 5.0], 0.0, 0.0)];
        let f = fan(&rows);
        assert_eq!(f.months, vec![0.0, 1.0, 2.0]);
        assert_eq!(f.p5, vec![0.0, -5.0, 1.0]);
        assert_eq!(f.p50, vec![0.0, -3.0, 3.0]);
        assert_eq!(f.p95, vec![0.0, -1.0, 5.0]);
    }

    #[test]
    fn month_ticks_are_round_numbers_of_months() {
        assert_eq!(month_ticks(36), vec![0.0, 6.0, 12.0, 18.0, 24.0, 30.0, 36.0]);
        assert_eq!(month_ticks(6), (0..=6).map(f64::from).collect::<Vec<_>>());
        assert_eq!(month_ticks(12), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
        assert_eq!(month_ticks(60).len(), 6);
        assert_eq!(month_ticks(1), vec![0.0, 1.0]);
    }

    #[test]
    fn dated_month_ticks_sit_at_fiscal_period_starts_and_fit() {
        use crate::calendar::YearMonth;
        let labels = |ticks: Vec<(f64, String)>| ticks.into_iter().map(|(x, l)| format!("{x}:{l}")).collect::<Vec<_>>();
        // Without a calendar: the round numbers of months, as before.
        assert_eq!(labels(month_axis_ticks(12, None, 3)), ["0:0", "2:2", "4:4", "6:6", "8:8", "10:10", "12:12"]);
        // January 2027, fiscal years from April: 12 months fit quarterly ticks at fiscal quarter starts.
        let april = Calendar::new(YearMonth::parse("2027-01").unwrap(), 4);
        assert_eq!(
            labels(month_axis_ticks(12, Some(&april), 6)),
            ["0:Jan 2027", "3:Apr 2027", "6:Jul 2027", "9:Oct 2027", "12:Jan 2028"]
        );
        // Too many quarters for the room: half-years, then fiscal years.
        assert_eq!(labels(month_axis_ticks(12, Some(&april), 3)), ["3:Apr 2027", "9:Oct 2027"]);
        assert_eq!(labels(month_axis_ticks(36, Some(&april), 4)), ["3:Apr 2027", "15:Apr 2028", "27:Apr 2029"]);
        // Ten years in little room: every second fiscal year (even-numbered: FY2028 starts April 2027).
        assert_eq!(
            labels(month_axis_ticks(120, Some(&april), 5)),
            ["3:Apr 2027", "27:Apr 2029", "51:Apr 2031", "75:Apr 2033", "99:Apr 2035"]
        );
        // Ten years in less room: every third fiscal year (FY2028, FY2031, …).
        assert_eq!(
            labels(month_axis_ticks(120, Some(&april), 4)),
            ["3:Apr 2027", "39:Apr 2030", "75:Apr 2033", "111:Apr 2036"]
        );
        // Every horizon and room gets ticks that fit, at most `fit` of them, when any step allows.
        for horizon in [1, 2, 12, 36, 120, 600] {
            for fit in 1..12 {
                let ticks = month_axis_ticks(horizon, Some(&april), fit);
                assert!(ticks.len() <= fit, "{horizon} months, {fit} labels: {ticks:?}");
                assert!(ticks.iter().all(|(x, _)| (0.0..=horizon as f64).contains(x)));
            }
        }
        // A short horizon still gets monthly ticks.
        assert_eq!(labels(month_axis_ticks(2, Some(&april), 4)), ["0:Jan 2027", "1:Feb 2027", "2:Mar 2027"]);
    }

    #[test]
    fn band_goes_out_along_the_top_and_back_along_the_bottom() {
        let b = band(&[0.0, 1.0, 2.0], &[0.0, -1.0, -2.0], &[0.0, 1.0, 2.0]);
        assert_eq!(b, vec![(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (2.0, -2.0), (1.0, -1.0), (0.0, 0.0)]);
    }

    #[test]
    fn ranges_are_padded_include_zero_and_never_empty() {
        assert_eq!(padded_range([10.0, 20.0], false, 0.1), (9.0, 21.0));
        assert_eq!(padded_range([10.0, 20.0], true, 0.0), (0.0, 20.0));
        assert_eq!(padded_range([5.0, 5.0], false, 0.1), (4.0, 6.0));
        assert_eq!(padded_range([1000.0], false, 0.1), (800.0, 1200.0));
        assert_eq!(padded_range([0.0, 0.0], true, 0.1), (-1.0, 1.0));
        assert_eq!(padded_range([], true, 0.1), (-1.0, 1.0));
        assert_eq!(padded_range([f64::NAN, 3.0, 1.0], false, 0.0), (1.0, 3.0));
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.7), 0.5);
        assert_eq!(nice_step(1.7), 2.0);
        assert_eq!(nice_step(2.2), 2.0);
        assert_eq!(nice_step(3.0), 2.5);
        assert_eq!(nice_step(8.0), 10.0);
        assert_eq!(nice_step(56_000.0), 50_000.0);
        assert_eq!(nice_step(23_000.0), 25_000.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn histogram_bins_align_to_zero_and_shares_add_up() {
        let values = [-15.0, -5.0, 0.0, 4.0, 9.99, 10.0, 35.0, 100.0];
        let h = histogram(&values, (-10.0, 30.0), 4);
        assert_eq!(h.width, 10.0);
        let edges: Vec<f64> = h.bins.iter().map(|b| b.lo).collect();
        assert_eq!(edges, vec![-10.0, 0.0, 10.0, 20.0]);
        let shares: Vec<f64> = h.bins.iter().map(|b| b.share * 8.0).collect();
        assert_eq!(shares, vec![1.0, 3.0, 1.0, 0.0]);
        assert_eq!(h.below * 8.0, 1.0);
        assert_eq!(h.above * 8.0, 2.0);
        let total: f64 = h.bins.iter().map(|b| b.share).sum::<f64>() + h.below + h.above;
        assert!((total - 1.0).abs() < 1e-12);
        assert_eq!(h.max_share(), 3.0 / 8.0);
    }

    #[test]
    fn histogram_of_a_constant_puts_everything_in_one_bin() {
        let values = vec![250.0; 100];
        let h = histogram(&values, padded_range([250.0], true, 0.05), 50);
        assert_eq!(h.bins.iter().filter(|b| b.share > 0.0).count(), 1);
        assert_eq!(h.max_share(), 1.0);
        assert_eq!(h.below + h.above, 0.0);
    }

    #[test]
    fn central_range_covers_the_middle_of_every_sample() {
        let a: Vec<f64> = (0..=100).map(f64::from).collect();
        let b: Vec<f64> = (0..=100).map(|v| f64::from(v) - 200.0).collect();
        let (lo, hi) = central_range(&[&a, &b, &[]], 0.05);
        assert!(lo < -195.0 && lo > -210.0, "{lo}");
        assert!(hi > 95.0 && hi < 110.0, "{hi}");
        assert_eq!(central_range(&[&[]], 0.05), (-1.0, 1.0));
    }

    #[test]
    fn payback_shares_count_month_zero_and_never_stays_below_one() {
        let payback = [0, 2, 2, 5, NEVER];
        let s = paid_back_by_month(&payback, 4).unwrap();
        assert_eq!(s, vec![0.2, 0.2, 0.6, 0.6, 0.6]);
        let s = paid_back_by_month(&payback, 6).unwrap();
        assert_eq!(s[6], 0.8);
        // Trials without a cash flow are left out of the shares.
        let s = paid_back_by_month(&[NO_CASH_FLOW, 0, 2, NO_CASH_FLOW, 2, 5, NEVER], 6).unwrap();
        assert_eq!(s, vec![0.2, 0.2, 0.6, 0.6, 0.6, 0.8, 0.8]);
        assert_eq!(paid_back_by_month(&[NO_CASH_FLOW; 3], 2), None);
        assert_eq!(paid_back_by_month(&[], 2), None);
    }

    #[test]
    fn step_curve_holds_each_value_for_a_month() {
        assert_eq!(steps(&[0.1, 0.5, 0.7]), vec![(0.0, 0.1), (1.0, 0.1), (1.0, 0.5), (2.0, 0.5), (2.0, 0.7)]);
        assert!(steps(&[]).is_empty());
    }

    #[test]
    fn visible_share_is_of_the_total_benefit() {
        let rows = [row(1, [0.0; 5], 100.0, 10.0), row(2, [0.0; 5], 300.0, 70.0)];
        assert_eq!(visible_share(&rows), Some(0.2));
        let (benefit, visible) = benefit_curves(&rows);
        assert_eq!(benefit, vec![(0.0, 0.0), (1.0, 100.0), (2.0, 300.0)]);
        assert_eq!(visible, vec![(0.0, 0.0), (1.0, 10.0), (2.0, 70.0)]);
        assert_eq!(visible_share(&[row(1, [0.0; 5], 0.0, 0.0)]), None);
    }

    #[test]
    fn log_bounds_run_from_a_power_of_ten_to_a_round_number() {
        let a = [0.0, 0.0, 2_000.0, 30_000.0];
        let b = [0.0, 450_000.0];
        assert_eq!(log_bounds(&[&a, &b]), Some((1_000.0, 500_000.0)));
        assert_eq!(log_bounds(&[&[0.0, 0.0]]), None);
        assert_eq!(log_bounds(&[&[5_000.0]]), Some((1_000.0, 5_000.0)));
        assert_eq!(log_bounds(&[&[1_000.0]]), Some((1_000.0, 10_000.0)));
        assert_eq!(nice_ceil(1_730_000.0), 2_000_000.0);
        assert_eq!(nice_ceil(2_000.0), 2_000.0);
        assert_eq!(nice_ceil(6_000.0), 10_000.0);
        let g = log_grid(10.0, 1000.0, 3);
        assert!((g[1] - 100.0).abs() < 1e-9 && (g[2] - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn exceedance_counts_strictly_greater_losses() {
        let losses = [0.0, 0.0, 10.0, 100.0];
        assert_eq!(exceedance(&losses, &[0.0, 5.0, 10.0, 50.0, 100.0]), vec![0.5, 0.5, 0.25, 0.25, 0.0]);
        assert_eq!(exceedance(&losses, &[-1.0, 200.0]), vec![1.0, 0.0]);
    }

    #[test]
    fn labels_take_the_first_free_row() {
        let rows = assign_rows(&[(0.0, 100.0), (200.0, 300.0), (90.0, 210.0), (150.0, 195.0), (305.0, 400.0)], 10.0);
        assert_eq!(rows, vec![0, 0, 1, 2, 1]);
        assert!(assign_rows(&[], 5.0).is_empty());
    }

    #[test]
    fn spread_keeps_order_and_gaps_within_bounds() {
        assert_eq!(spread(&[10.0, 12.0, 50.0], 5.0, 0.0, 100.0), vec![10.0, 15.0, 50.0]);
        assert_eq!(spread(&[99.0, 98.0], 10.0, 0.0, 100.0), vec![100.0, 90.0]);
        assert_eq!(spread(&[0.0, 0.0], 10.0, 0.0, 100.0), vec![0.0, 10.0]);
        assert_eq!(spread(&[], 10.0, 0.0, 100.0), Vec::<f64>::new());
    }
}
