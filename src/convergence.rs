//! Can the numbers be trusted: Monte Carlo error of portfolio NPV, and runs
//! that stop at a requested precision.
//!
//! Three 95% confidence intervals describe how far the reported figures may
//! be from what infinitely many trials would give:
//!
//! - **Mean NPV: batch means.** With Latin hypercube sampling the trials of a
//!   2,048-trial block are stratified together, so they are not independent
//!   and `sd / √n` overstates the error. Different blocks are independent,
//!   though, so the means of the whole blocks are independent, equally
//!   distributed estimates of the mean: their spread `s_B` gives the standard
//!   error of the overall mean as `s_B · √(B / n)` (`B` = 2,048 trials per
//!   block, `n` trials in all), and the half-width is that times the Student
//!   t quantile with (whole blocks − 1) degrees of freedom. That needs
//!   [`MIN_BATCHES`] whole blocks: with fewer, the spread of a handful of
//!   block means is so uncertain (and the t quantile so large) that the
//!   interval is wider than the plain one. Then, and always with random
//!   sampling, the half-width is `t · sd / √n` with `n − 1` degrees of
//!   freedom: exact for independent trials and a conservative bound for a
//!   Latin hypercube (whose mean is never less precise than that of
//!   independent draws, up to a factor `B / (B − 1)` in variance).
//! - **P10 and P90: order statistics.** A distribution-free interval from the
//!   sorted trials: the interval between the `l`-th and `u`-th smallest NPV
//!   covers the true `p`-quantile with probability `P(l ≤ K < u)` for `K`
//!   binomial(`n`, `p`), whatever the distribution of NPV. roicast picks the
//!   largest `l` with `P(K < l) ≤ 2.5%` and the smallest `u` with
//!   `P(K ≥ u) ≤ 2.5%`, from exact binomial probabilities, so the coverage is
//!   at least 95% with independent trials (and typically more with Latin
//!   hypercube sampling, which spreads the trials more evenly). A bound that
//!   would need a rank outside `1..n` (too few trials) is left empty.
//!
//! [`run_to_precision`] keeps adding whole blocks until the mean's
//! half-width is within a requested share of the mean's absolute value, or a
//! trial limit is reached. Each round is planned from the previous rounds'
//! results only, which the seed fixes, and [`crate::engine::extend`] makes a
//! grown run bit-identical to a run of the final size: the same seed always
//! stops at the same trial count with the same results.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use statrs::function::gamma::ln_gamma;

use crate::engine::{self, RunResults, RunSettings};
use crate::format::{money, percent};
use crate::rank;
use crate::sampling::BLOCK_TRIALS;
use crate::scenario::{Sampling, Scenario};
use crate::stats::quantile_sorted;

/// Confidence level of every interval reported here.
pub const CONFIDENCE: f64 = 0.95;

/// Whole blocks a Latin hypercube run needs before its mean's half-width
/// comes from batch means (40,960 trials); see the module docs.
pub const MIN_BATCHES: usize = 20;

/// How the half-width of a mean was estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeanMethod {
    /// Spread of the means of whole Latin hypercube blocks.
    BatchMeans,
    /// `t · sd / √n`: exact for independent trials, conservative for a Latin
    /// hypercube run of fewer than [`MIN_BATCHES`] blocks.
    IndependentTrials,
}

/// A mean with its 95% confidence half-width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanInterval {
    /// The sample mean (0 without trials).
    pub estimate: f64,
    /// Half-width of the 95% interval; `None` with fewer than two trials.
    pub half_width: Option<f64>,
    /// The half-width as a share of |estimate|; `None` when the estimate is 0.
    pub relative_half_width: Option<f64>,
    /// How the half-width was estimated.
    pub method: MeanMethod,
    /// Number of whole blocks used as batches (batch means only).
    pub batches: Option<u64>,
}

/// A percentile with its distribution-free 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuantileInterval {
    /// Probability level, e.g. 0.1.
    pub level: f64,
    /// The type-7 percentile of the trials (0 without trials).
    pub estimate: f64,
    /// Lower end: an order statistic of the trials; `None` when too few trials.
    pub low: Option<f64>,
    /// Upper end: an order statistic of the trials; `None` when too few trials.
    pub high: Option<f64>,
    /// `(high − low) / 2`, when both ends exist.
    pub half_width: Option<f64>,
}

/// What a precision-targeted run achieved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionOutcome {
    /// Requested half-width as a share of |mean portfolio NPV|, e.g. 0.01.
    pub target: f64,
    /// That share of the final |mean|, in money.
    pub target_half_width: f64,
    /// The final half-width of the mean, in money.
    pub achieved_half_width: Option<f64>,
    /// Trials used.
    pub trials: u64,
    /// The limit the run could not go beyond.
    pub max_trials: u64,
    /// Whether the target was met.
    pub met: bool,
    /// Trials and half-width after each round, in order.
    pub rounds: Vec<Round>,
}

/// One round of a precision-targeted run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Round {
    /// Trials after the round.
    pub trials: u64,
    /// Half-width of the mean after the round.
    pub half_width: Option<f64>,
    /// The half-width the target asked for after the round (share × |mean|).
    pub goal: f64,
}

/// The Monte Carlo error of portfolio NPV, as `summary.json` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convergence {
    /// The set described (`portfolio`).
    pub set: String,
    /// The figure described (`npv`).
    pub figure: String,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Mean NPV.
    pub mean: MeanInterval,
    /// 10th percentile of NPV.
    pub p10: QuantileInterval,
    /// 90th percentile of NPV.
    pub p90: QuantileInterval,
    /// The outcome of `--precision`, when it was requested.
    pub precision: Option<PrecisionOutcome>,
}

/// A precision target: half-width of the mean within `relative` × |mean|.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionTarget {
    /// The share, in (0, 1).
    pub relative: f64,
    /// Never run more trials than this.
    pub max_trials: u64,
}

/// Two-sided critical value of Student's t with `df` degrees of freedom
/// (the normal one beyond 10,000, where they agree to 2·10⁻⁴).
fn t_critical(df: u64) -> f64 {
    let p = 0.5 + CONFIDENCE / 2.0;
    let t = (df <= 10_000).then(|| StudentsT::new(0.0, 1.0, df as f64).ok()).flatten();
    match t {
        Some(t) => t.inverse_cdf(p),
        None => Normal::standard().inverse_cdf(p),
    }
}

/// Mean and sample standard deviation (n − 1) of a slice, summed in order.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

/// The mean of trial results with its 95% half-width (see the module docs).
pub fn mean_interval(values: &[f64], sampling: Sampling) -> MeanInterval {
    let n = values.len();
    let whole_blocks = n / BLOCK_TRIALS as usize;
    let (estimate, half_width, method, batches) = if n == 0 {
        (0.0, None, MeanMethod::IndependentTrials, None)
    } else if sampling == Sampling::LatinHypercube && whole_blocks >= MIN_BATCHES {
        let estimate = values.iter().sum::<f64>() / n as f64;
        let block_means: Vec<f64> = values
            .chunks_exact(BLOCK_TRIALS as usize)
            .map(|block| block.iter().sum::<f64>() / BLOCK_TRIALS as f64)
            .collect();
        let (_, s_b) = mean_sd(&block_means);
        let se = s_b * (BLOCK_TRIALS as f64 / n as f64).sqrt();
        (estimate, Some(t_critical(whole_blocks as u64 - 1) * se), MeanMethod::BatchMeans, Some(whole_blocks as u64))
    } else {
        let (estimate, sd) = mean_sd(values);
        let half_width = (n >= 2).then(|| t_critical(n as u64 - 1) * sd / (n as f64).sqrt());
        (estimate, half_width, MeanMethod::IndependentTrials, None)
    };
    let relative_half_width = half_width.filter(|_| estimate != 0.0).map(|h| h / estimate.abs());
    MeanInterval { estimate, half_width, relative_half_width, method, batches }
}

/// 1-based ranks `(l, u)` of the order statistics bounding a distribution-free
/// 95% interval for the `p`-quantile of `n` independent draws; either is
/// `None` when it would fall outside `1..=n`.
///
/// `l` is the largest rank with `P(K < l) ≤ 2.5%` and `u` the smallest with
/// `P(K ≥ u) ≤ 2.5%`, for `K` binomial(`n`, `p`), computed exactly.
pub fn order_statistic_ranks(n: u64, p: f64) -> (Option<u64>, Option<u64>) {
    if n == 0 || !(p > 0.0 && p < 1.0) {
        return (None, None);
    }
    let tail = (1.0 - CONFIDENCE) / 2.0;
    let pmf = BinomialWindow::new(n, p);
    let mut lower = None;
    let mut upper = None;
    let mut cdf = 0.0;
    for (k, mass) in pmf.iter() {
        // Before adding: cdf = P(K <= k - 1) = P(K < k), so rank l = k qualifies if cdf <= tail.
        if cdf <= tail && k >= 1 {
            lower = Some(k);
        }
        cdf += mass;
        // Now cdf = P(K <= k); rank u = k + 1 qualifies once P(K >= k + 1) = 1 - cdf <= tail.
        if upper.is_none() && 1.0 - cdf <= tail {
            upper = Some(k + 1).filter(|&u| u <= n);
            break;
        }
    }
    (lower, upper)
}

/// The binomial(n, p) probabilities around the mode, as far out as they are
/// not negligible; computed in log space so large `n` does not underflow.
struct BinomialWindow {
    first: u64,
    masses: Vec<f64>,
}

impl BinomialWindow {
    /// Terms smaller than this are left out.
    const NEGLIGIBLE: f64 = 1e-20;

    fn new(n: u64, p: f64) -> BinomialWindow {
        let q = 1.0 - p;
        let mode = (((n + 1) as f64 * p).floor() as u64).min(n);
        let nf = n as f64;
        let ln_mode = ln_gamma(nf + 1.0) - ln_gamma(mode as f64 + 1.0) - ln_gamma((n - mode) as f64 + 1.0)
            + mode as f64 * p.ln()
            + (n - mode) as f64 * q.ln();
        let peak = ln_mode.exp();
        // Downwards: pmf(k - 1) = pmf(k) · k q / ((n - k + 1) p).
        let mut below = Vec::new();
        let (mut k, mut mass) = (mode, peak);
        while k > 0 {
            mass *= k as f64 * q / ((n - k + 1) as f64 * p);
            k -= 1;
            if mass < Self::NEGLIGIBLE {
                break;
            }
            below.push(mass);
        }
        let first = mode - below.len() as u64;
        below.reverse();
        let mut masses = below;
        masses.push(peak);
        // Upwards: pmf(k + 1) = pmf(k) · (n - k) p / ((k + 1) q).
        let (mut k, mut mass) = (mode, peak);
        while k < n {
            mass *= (n - k) as f64 * p / ((k + 1) as f64 * q);
            k += 1;
            if mass < Self::NEGLIGIBLE {
                break;
            }
            masses.push(mass);
        }
        // Normalise away the rounding of the log-space peak.
        let total: f64 = masses.iter().sum();
        masses.iter_mut().for_each(|m| *m /= total);
        BinomialWindow { first, masses }
    }

    /// `(k, P(K = k))` over the window, in increasing `k`.
    fn iter(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        (self.first..).zip(self.masses.iter().copied())
    }
}

/// The `level`-quantile of an ascending sample with its order-statistic interval.
pub fn quantile_interval(sorted: &[f64], level: f64) -> QuantileInterval {
    let (l, u) = order_statistic_ranks(sorted.len() as u64, level);
    let at = |rank: Option<u64>| rank.map(|r| sorted[r as usize - 1]);
    let (low, high) = (at(l), at(u));
    QuantileInterval {
        level,
        estimate: quantile_sorted(sorted, level).unwrap_or(0.0),
        low,
        high,
        half_width: low.zip(high).map(|(lo, hi)| (hi - lo) / 2.0),
    }
}

impl Convergence {
    /// The Monte Carlo error of a run's portfolio NPV.
    pub fn of(results: &RunResults, sampling: Sampling) -> Convergence {
        let npv = portfolio_npv(results);
        let sorted = rank::sorted(npv.iter().copied());
        Convergence {
            set: "portfolio".into(),
            figure: "npv".into(),
            confidence: CONFIDENCE,
            mean: mean_interval(npv, sampling),
            p10: quantile_interval(&sorted, 0.10),
            p90: quantile_interval(&sorted, 0.90),
            precision: None,
        }
    }

    /// Plain-text lines for the terminal, amounts in `currency`.
    pub fn describe(&self, currency: &str) -> String {
        let m = |x: f64| money(x, currency);
        let pm = |h: Option<f64>| h.map_or("n/a".to_string(), |h| format!("±{}", m(h)));
        let method = match (self.mean.method, self.mean.batches) {
            (MeanMethod::BatchMeans, Some(b)) => format!("batch means over {b} blocks"),
            _ => "independent trials".to_string(),
        };
        let relative = self.mean.relative_half_width.map_or(String::new(), |r| format!(", {} of the mean", percent(r)));
        let bounds = |q: &QuantileInterval| {
            let end = |x: Option<f64>| x.map_or("?".to_string(), m);
            format!("{} [{}, {}]", m(q.estimate), end(q.low), end(q.high))
        };
        let mut out = format!(
            "\nMonte Carlo error ({:.0}% intervals): mean portfolio NPV {} {} ({method}{relative}); \
             P10 {}; P90 {}\n",
            100.0 * self.confidence,
            m(self.mean.estimate),
            pm(self.mean.half_width),
            bounds(&self.p10),
            bounds(&self.p90),
        );
        if let Some(p) = &self.precision {
            let verdict = if p.met {
                format!("met with {} trials", p.trials)
            } else {
                format!("NOT met: stopped at the limit of {} trials", p.max_trials)
            };
            out.push_str(&format!(
                "precision target {} of |mean| ({}): {verdict}, achieved {}\n",
                percent(p.target),
                pm(Some(p.target_half_width)),
                pm(p.achieved_half_width),
            ));
        }
        out
    }
}

/// Portfolio NPV per trial (empty when the run has no portfolio set).
fn portfolio_npv(results: &RunResults) -> &[f64] {
    results.set("portfolio").map_or(&[][..], |s| &s.npv)
}

/// `trials` rounded up to whole blocks.
fn whole_blocks(trials: u64) -> u64 {
    trials.div_ceil(BLOCK_TRIALS) * BLOCK_TRIALS
}

/// Trials of the first round: the requested count rounded up to whole
/// blocks (at least one), at most `max_trials`.
pub fn first_round(requested: u64, max_trials: u64) -> u64 {
    whole_blocks(requested.max(1)).min(max_trials)
}

/// Trials after the next round, given `trials` so far with half-width
/// `half_width` against a goal of `goal`.
///
/// The error of a mean shrinks as `1/√n`, so about `n (h / goal)²` trials are
/// needed; the next round aims 10% beyond that, grows by at least an eighth
/// (and a block) and at most doubles (a half-width estimated from few
/// blocks is noisy, so a bigger leap would often overshoot), ends on whole
/// blocks and never passes `max_trials`.
pub fn next_round(trials: u64, half_width: Option<f64>, goal: f64, max_trials: u64) -> u64 {
    let at_least = trials + whole_blocks((trials / 8).max(1));
    let at_most = trials.saturating_mul(2);
    let needed = match half_width {
        Some(h) if goal > 0.0 => 1.1 * trials as f64 * (h / goal).powi(2),
        _ => f64::INFINITY,
    };
    let aimed = if needed >= at_most as f64 { at_most } else { (needed.ceil() as u64).max(at_least) };
    whole_blocks(aimed).min(max_trials)
}

/// Runs a scenario, adding trials in seed-determined rounds until the 95%
/// half-width of mean portfolio NPV is within `target.relative` of its
/// absolute value, or `target.max_trials` is reached.
///
/// `settings.trials` is the requested starting size (see [`first_round`]).
/// `planned` is called with the total of each round before it runs (to
/// lengthen a progress bar); `progress` with the trials of each finished block.
pub fn run_to_precision(
    scenario: &Scenario,
    settings: RunSettings,
    target: PrecisionTarget,
    planned: &dyn Fn(u64),
    progress: &(dyn Fn(u64) + Sync),
) -> (RunResults, PrecisionOutcome) {
    let sampling = scenario.simulation.sampling;
    let mut trials = first_round(settings.trials, target.max_trials);
    planned(trials);
    let mut results = engine::run(scenario, RunSettings { trials, seed: settings.seed }, progress);
    let mut rounds = Vec::new();
    loop {
        let mean = mean_interval(portfolio_npv(&results), sampling);
        let goal = target.relative * mean.estimate.abs();
        rounds.push(Round { trials, half_width: mean.half_width, goal });
        let met = mean.half_width.is_some_and(|h| h <= goal);
        if met || trials >= target.max_trials {
            let outcome = PrecisionOutcome {
                target: target.relative,
                target_half_width: goal,
                achieved_half_width: mean.half_width,
                trials,
                max_trials: target.max_trials,
                met,
                rounds,
            };
            return (results, outcome);
        }
        trials = next_round(trials, mean.half_width, goal, target.max_trials);
        planned(trials);
        engine::extend(scenario, &mut results, trials, progress);
    }
}

/// The running mean of a figure at one point along the trials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunningMean {
    /// Trials counted so far.
    pub trials: u64,
    /// Mean of those trials.
    pub mean: f64,
    /// `1.96 · sd / √trials` (independent-trials band; 0 for a single trial).
    pub half_width: f64,
}

/// The running mean of `values`, in trial order, at about `points`
/// checkpoints spaced evenly on a log scale from `from` trials
/// (or all of them, if fewer) to all trials.
pub fn running_mean(values: &[f64], from: u64, points: usize) -> Vec<RunningMean> {
    let n = values.len() as u64;
    if n == 0 || points == 0 {
        return Vec::new();
    }
    let first = from.clamp(1, n);
    let steps = points.max(2) - 1;
    let ratio = (n as f64 / first as f64).ln() / steps as f64;
    let mut checkpoints: Vec<u64> =
        (0..=steps).map(|i| ((first as f64 * (ratio * i as f64).exp()).round() as u64).clamp(first, n)).collect();
    checkpoints.push(n);
    checkpoints.dedup();
    let z = Normal::standard().inverse_cdf(0.5 + CONFIDENCE / 2.0);
    let (mut count, mut mean, mut m2) = (0u64, 0.0, 0.0);
    let mut out = Vec::with_capacity(checkpoints.len());
    let mut next = checkpoints.iter().peekable();
    for &x in values {
        count += 1;
        let delta = x - mean;
        mean += delta / count as f64;
        m2 += delta * (x - mean);
        if next.peek() == Some(&&count) {
            next.next();
            let sd = if count > 1 { (m2 / (count - 1) as f64).sqrt() } else { 0.0 };
            out.push(RunningMean { trials: count, mean, half_width: z * sd / (count as f64).sqrt() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    use super::*;

    #[test]
    fn order_statistic_ranks_match_reference_values() {
        // n = 100, p = 0.1: P(K <= 4) = 0.0237 <= 2.5% < P(K <= 5) = 0.0576, so l = 5;
        // P(K <= 15) = 0.9601 < 97.5% <= P(K <= 16) = 0.9794, so u = 17.
        assert_eq!(order_statistic_ranks(100, 0.1), (Some(5), Some(17)));
        // The mirror image for p = 0.9.
        assert_eq!(order_statistic_ranks(100, 0.9), (Some(84), Some(96)));
        // Too few trials for a lower bound on P10: P(K = 0) = 0.9^20 = 0.12 > 2.5%.
        assert_eq!(order_statistic_ranks(20, 0.1).0, None);
        // Large n: close to the normal approximation n p ± 1.96 √(n p q).
        let (l, u) = order_statistic_ranks(10_000_000, 0.1);
        let (l, u) = (l.unwrap() as f64, u.unwrap() as f64);
        let half = 1.959_964 * (1e7f64 * 0.09).sqrt();
        assert!((l - (1e6 - half)).abs() < 3.0 && (u - (1e6 + half)).abs() < 3.0, "{l} {u}");
    }

    #[test]
    fn intervals_cover_the_truth_at_the_stated_rate() {
        // Independent standard exponential draws: mean 1, P10 = -ln 0.9, P90 = ln 10.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let replications = 1000;
        let n = MIN_BATCHES * BLOCK_TRIALS as usize;
        let (mut batch_hits, mut plain_hits, mut p10_hits, mut p90_hits) = (0, 0, 0, 0);
        let covers_mean = |m: MeanInterval| usize::from((m.estimate - 1.0).abs() <= m.half_width.unwrap());
        for _ in 0..replications {
            let mut x: Vec<f64> = (0..n).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect();
            let batch = mean_interval(&x, Sampling::LatinHypercube);
            assert_eq!(batch.method, MeanMethod::BatchMeans);
            batch_hits += covers_mean(batch);
            plain_hits += covers_mean(mean_interval(&x, Sampling::Random));
            x.sort_by(f64::total_cmp);
            let covers =
                |q: QuantileInterval, truth: f64| usize::from(q.low.unwrap() <= truth && truth <= q.high.unwrap());
            p10_hits += covers(quantile_interval(&x, 0.1), -(0.9f64).ln());
            p90_hits += covers(quantile_interval(&x, 0.9), 10f64.ln());
        }
        // Binomial standard error of a 95% rate over 1000 replications: 0.69%; allow 4 of them.
        let tolerance = 4.0 * (0.95f64 * 0.05 / replications as f64).sqrt();
        let rate = |hits: usize| hits as f64 / replications as f64;
        for (what, hits) in [("p10", p10_hits), ("p90", p90_hits)] {
            assert!(rate(hits) >= 0.95 - tolerance, "{what}: coverage {}", rate(hits));
        }
        for (what, hits) in [("batch means", batch_hits), ("independent trials", plain_hits)] {
            assert!((rate(hits) - 0.95).abs() <= tolerance, "{what}: coverage {}", rate(hits));
        }
    }

    #[test]
    fn batch_means_match_a_hand_computation() {
        // Twenty whole blocks, alternately all 1 and all 3, then a partial
        // block of 2s: block means 1, 3, 1, ..., so s_B = √(20 / 19); with
        // n = 41,460, se = s_B · √(2048 / n) and t(0.975; 19) = 2.093024.
        let mut x = Vec::new();
        for b in 0..20 {
            x.extend(vec![if b % 2 == 0 { 1.0 } else { 3.0 }; BLOCK_TRIALS as usize]);
        }
        x.extend(vec![2.0; 500]);
        let m = mean_interval(&x, Sampling::LatinHypercube);
        assert_eq!((m.method, m.batches), (MeanMethod::BatchMeans, Some(20)));
        let expected = 2.093_024 * (20.0f64 / 19.0).sqrt() * (2048.0f64 / 41_460.0).sqrt();
        assert!((m.half_width.unwrap() - expected).abs() < 1e-6, "{m:?}");
        // Random sampling, or fewer blocks: t · sd / √n.
        let random = mean_interval(&x, Sampling::Random);
        assert_eq!((random.method, random.batches), (MeanMethod::IndependentTrials, None));
        let few = mean_interval(&x[..4096], Sampling::LatinHypercube);
        let expected = t_critical(4095) * 1.0 * (4096.0f64 / 4095.0).sqrt() / 64.0;
        assert_eq!(few.method, MeanMethod::IndependentTrials);
        assert!((few.half_width.unwrap() - expected).abs() < 1e-9, "{few:?}");
        assert_eq!(mean_interval(&[5.0], Sampling::Random).half_width, None);
        // Published t tables: t(0.975; 9) = 2.262157, t(0.975; 10000) = 1.960201.
        assert!((t_critical(9) - 2.262_157).abs() < 1e-6);
        assert!((t_critical(10_000) - 1.960_201).abs() < 1e-5);
        assert!((t_critical(10_001) - 1.959_964).abs() < 1e-6);
    }

    #[test]
    fn rounds_grow_in_whole_blocks_within_bounds() {
        let b = BLOCK_TRIALS;
        assert_eq!(first_round(20_000, 1_000_000), 10 * b);
        assert_eq!(first_round(10, 1_000_000), b);
        assert_eq!(first_round(20_000, 5_000), 5_000);
        // Half-width 1.2 times the goal: 1.1 × 1.44 = 1.584 times the trials, in whole blocks.
        assert_eq!(next_round(10 * b, Some(1.2), 1.0, u64::MAX), 16 * b);
        // Half-width twice the goal: four times the trials would be needed, capped at double.
        assert_eq!(next_round(10 * b, Some(2.0), 1.0, u64::MAX), 20 * b);
        // Nearly there: at least an eighth more, in whole blocks.
        assert_eq!(next_round(16 * b, Some(1.001), 1.0, u64::MAX), 18 * b);
        // Unknown half-width or a zero goal: the largest step; never past the limit.
        assert_eq!(next_round(10 * b, None, 1.0, u64::MAX), 20 * b);
        assert_eq!(next_round(10 * b, Some(1.0), 0.0, 30_000), 30_000);
    }

    #[test]
    fn running_mean_checkpoints_are_log_spaced_and_end_at_n() {
        let x: Vec<f64> = (1..=10_000).map(f64::from).collect();
        let points = running_mean(&x, 100, 50);
        assert_eq!(points.first().map(|p| p.trials), Some(100));
        assert_eq!(points.last().map(|p| p.trials), Some(10_000));
        assert!(points.len() >= 45 && points.len() <= 51);
        let last = points.last().unwrap();
        assert!((last.mean - 5000.5).abs() < 1e-9);
        assert!(points.windows(2).all(|w| w[0].trials < w[1].trials));
    }
}
