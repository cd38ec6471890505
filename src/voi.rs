//! Value of information: what learning more before funding an initiative is worth.
//!
//! The decision for initiative `i` is to fund it (its own NPV `X`, trial by
//! trial) or not (0). As the contract's section "Value of information" says:
//!
//! - `evpi = mean(max(X, 0)) − max(mean(X), 0)`: what perfect knowledge of
//!   everything uncertain about `i` is worth at most;
//! - `evppi(θ) = mean_θ(max(E[X | θ], 0)) − max(mean(X), 0)` for one of its
//!   uncertain inputs `θ`: what learning `θ` alone is worth.
//!
//! Both are computed from the trials of one run (the same trials as
//! `roicast run` with the same seed): `X` is the initiative's own NPV, `θ`
//! the input's draws. An initiative's *relevant* inputs are its own and
//! those of every initiative it depends on, directly or through others
//! (their build times decide its go-live).
//!
//! # The smoother for `E[X | θ]`
//!
//! Equal-count bins of the trials sorted by `θ`, with cross-fitting
//! ([`evppi`]). The sorted trials are dealt alternately into two halves, so
//! each bin holds trials of both halves over the same range of `θ`. The
//! mean of `X` over one half's trials in a bin decides whether to fund in
//! that bin; the decision is valued on the other half's trials, and the
//! halves are swapped. Per trial `k` this is `Z_k = X_k (d_k − D)`, where
//! `d_k` is the decision of `k`'s bin taken on the other half and `D` the
//! decision without information (`mean(X) > 0`); the estimate is `mean(Z)`.
//!
//! Why not the plain plug-in `mean_bins(max(mean_bin(X), 0))`: a maximum of
//! noisy bin means is biased *upwards* (`E[max(m̂, 0)] ≥ max(m, 0)`), so an
//! input unrelated to `X` would show a positive value of the order of the
//! bin means' noise. With cross-fitting the decision is independent of the
//! trials it is valued on, so for an unrelated input every bin's expected
//! value is `P(fund) × mean(X) ≤ max(mean(X), 0)`: the estimate is at most 0
//! in expectation, and near 0 in fact.
//!
//! **Bias.** What is left is downward, so the estimate is conservative:
//! (1) a bin averages `E[X | θ]` over its range of `θ` (by Jensen's
//! inequality the mean over bins of `max(·, 0)` of bin means is at most the
//! mean over `θ`), which costs little where `E[X | θ]` crosses zero inside
//! one bin only; (2) a decision taken on half a bin's trials is sometimes
//! wrong where `E[X | θ]` is near 0, costing `|E[X | bin]|` there. More bins
//! shrink (1) and grow (2); [`bins_for`] takes `n^(1/3) / 2` (14 bins for
//! 20,000 trials), which keeps both small: at 20,000 trials the estimate
//! is about 3% low for an input explaining a tenth of the NPV's variance
//! and about 11% low for one explaining a hundredth (the unit tests check
//! the bias against closed forms).
//! (3) The estimate is clamped into `[0, evpi]`, as the contract requires;
//! clamping at 0 lifts an estimate that noise pushed below 0, so an input
//! worth nothing reads as 0 or a small fraction of a standard error.
//!
//! **Monte Carlo error.** The standard error printed beside each value is
//! `sd(Z) / √n` of the per-trial terms, the decisions taken as given (for
//! the EVPI, `Z_k = max(X_k, 0) − D X_k`). It is the error of independent
//! trials; with Latin hypercube sampling the true error is usually smaller.
//! A value within [`NOISE_SES`] standard errors of 0 is marked as within
//! the noise.
//!
//! # Words
//!
//! What `roicast voi` prints and its documents show about the figures —
//! an estimate with its error ([`estimate_text`]), an input's label
//! ([`input_label`]) and the one sentence per initiative ([`sentence`]) —
//! is made here once, so the terminal, the workbook, the board pack and
//! the chart say the same thing.

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::compare::Source;
use crate::engine::RunResults;
use crate::format::{money, possessive};
use crate::scenario::Scenario;
use crate::sensitivity::input_parts;

/// A value within this many standard errors of 0 is within the Monte Carlo noise.
pub const NOISE_SES: f64 = 2.0;

/// Inputs with the largest EVPPI reported per initiative in the table and the chart.
pub const TOP_INPUTS: usize = 3;

/// An estimate in money with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// The value.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

impl Estimate {
    /// Whether the value is within [`NOISE_SES`] standard errors of 0.
    pub fn within_noise(&self) -> bool {
        self.value <= NOISE_SES * self.se
    }
}

/// Mean and standard error of the mean of per-trial terms.
fn mean_and_se(terms: impl Iterator<Item = f64> + Clone, n: usize) -> Estimate {
    if n == 0 {
        return Estimate::default();
    }
    let count = n as f64;
    let mean = terms.clone().sum::<f64>() / count;
    if n < 2 {
        return Estimate { value: mean, se: 0.0 };
    }
    let variance = terms.map(|z| (z - mean) * (z - mean)).sum::<f64>() / (count - 1.0);
    Estimate { value: mean, se: (variance / count).sqrt() }
}

/// Whether funding is the better decision without more information: `mean(X) > 0`.
fn fund_without_information(npv: &[f64]) -> bool {
    npv.iter().sum::<f64>() > 0.0
}

/// The expected value of perfect information of a fund-or-not decision
/// with per-trial NPVs `npv`: `mean(max(X, 0)) − max(mean(X), 0)`.
///
/// Exactly 0 when every trial is on one side of 0 (no information could
/// change the decision).
pub fn evpi(npv: &[f64]) -> Estimate {
    let fund = fund_without_information(npv);
    // With every trial on one side, both terms add the same numbers in the same order.
    let (positive, total) = npv.iter().fold((0.0, 0.0), |(p, t), &x| (p + x.max(0.0), t + x));
    let n = npv.len().max(1) as f64;
    let value = positive / n - if fund { total / n } else { 0.0 };
    let se = mean_and_se(npv.iter().map(|&x| x.max(0.0) - if fund { x } else { 0.0 }), npv.len()).se;
    Estimate { value, se }
}

/// Bins of the cross-fitted smoother for `n` trials: `n^(1/3) / 2`
/// rounded (14 for 20,000 trials, 50 for a million), at least 2 and at
/// most `n / 20` (each half of a bin holds ten trials or more).
pub fn bins_for(n: usize) -> usize {
    ((0.5 * (n as f64).cbrt()).round() as usize).clamp(2, (n / 20).max(2))
}

/// The expected value of partial perfect information of learning `theta`
/// before the fund-or-not decision on `npv` (trial by trial), with the
/// cross-fitted equal-count bins of the module documentation, clamped
/// into `[0, evpi]`.
pub fn evppi(npv: &[f64], theta: &[f32], bins: usize, evpi: f64) -> Estimate {
    evppi_in_order(npv, &sorted_order(theta), bins, evpi)
}

/// Trial indices sorted by `theta`, ties by index: the radix ranks of
/// [`crate::rank`], then a counting sort by rank (a few times faster than a
/// comparison sort of indices, which reads `theta` out of order).
pub fn sorted_order(theta: &[f32]) -> Vec<u32> {
    let ranks = crate::rank::doubled_ranks(theta);
    // Doubled ranks lie in 2..=2n; `next[r]` is where the next trial of rank `r` goes.
    let mut next = vec![0u32; 2 * theta.len() + 2];
    for &r in &ranks {
        next[r as usize + 1] += 1;
    }
    for r in 1..next.len() {
        next[r] += next[r - 1];
    }
    let mut order = vec![0u32; theta.len()];
    for (k, &r) in ranks.iter().enumerate() {
        order[next[r as usize] as usize] = k as u32;
        next[r as usize] += 1;
    }
    order
}

/// [`evppi`] with the trials already sorted by the input ([`sorted_order`]),
/// so one sort serves every initiative the input is relevant to.
pub fn evppi_in_order(npv: &[f64], order: &[u32], bins: usize, evpi: f64) -> Estimate {
    let n = npv.len().min(order.len());
    if n < 4 || evpi <= 0.0 {
        return Estimate::default();
    }
    let bins = bins.clamp(1, n / 2);
    let fund = fund_without_information(npv);
    // Decision of each trial's bin, taken on the other half's trials.
    let mut decision = vec![false; n];
    for b in 0..bins {
        let start = b * n / bins;
        let rows = &order[start..(b + 1) * n / bins];
        // Half 0 holds even sorted positions, half 1 odd ones.
        let mut sums = [0.0; 2];
        for (offset, &k) in rows.iter().enumerate() {
            sums[(start + offset) % 2] += npv[k as usize];
        }
        for (offset, &k) in rows.iter().enumerate() {
            let other = 1 - (start + offset) % 2;
            decision[k as usize] = sums[other] > 0.0;
        }
    }
    let terms = (0..n).map(|k| npv[k] * (f64::from(u8::from(decision[k])) - f64::from(u8::from(fund))));
    let estimate = mean_and_se(terms, n);
    Estimate { value: estimate.value.clamp(0.0, evpi), se: estimate.se }
}

/// The EVPPI of one uncertain input for one initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct InputValue {
    /// Index into `Scenario::inputs`.
    pub input: usize,
    /// Its name, as correlations name it (`"Invoice approval.benefit_per_month"`).
    pub name: String,
    /// Its EVPPI.
    pub evppi: Estimate,
}

/// What learning more about one initiative is worth.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeValue {
    /// Index into `Scenario::initiatives`.
    pub initiative: usize,
    /// Its name.
    pub name: String,
    /// Mean NPV of its own cash flows.
    pub npv_mean: f64,
    /// Share of trials with a negative NPV.
    pub prob_npv_negative: f64,
    /// Its EVPI.
    pub evpi: Estimate,
    /// Every relevant uncertain input, largest EVPPI first.
    pub inputs: Vec<InputValue>,
}

impl InitiativeValue {
    /// Share of the EVPI an input's EVPPI makes up (0 when the EVPI is 0).
    pub fn share(&self, input: &InputValue) -> f64 {
        if self.evpi.value > 0.0 { input.evppi.value / self.evpi.value } else { 0.0 }
    }

    /// The inputs with the largest EVPPI, at most [`TOP_INPUTS`].
    pub fn top(&self) -> &[InputValue] {
        &self.inputs[..self.inputs.len().min(TOP_INPUTS)]
    }
}

/// Indices into `Scenario::inputs` of the inputs relevant to an initiative:
/// its own and those of every initiative it depends on, transitively.
pub fn relevant_inputs(scenario: &Scenario, initiative: usize) -> Vec<usize> {
    let mut relevant = vec![false; scenario.initiatives.len()];
    let mut stack = vec![initiative];
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut relevant[i], true) {
            stack.extend(scenario.initiatives[i].depends_on.iter().copied());
        }
    }
    (0..scenario.inputs.len()).filter(|&j| relevant[scenario.inputs[j].initiative]).collect()
}

/// The value of information of every initiative of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueOfInformation {
    /// Trials of the run.
    pub trials: u64,
    /// Bins of the smoother.
    pub bins: usize,
    /// One per initiative, in scenario order.
    pub initiatives: Vec<InitiativeValue>,
}

impl ValueOfInformation {
    /// Computes every initiative's EVPI and the EVPPI of each of its relevant
    /// uncertain inputs (those the run drew: fixed inputs carry no information).
    pub fn of(scenario: &Scenario, results: &RunResults) -> ValueOfInformation {
        let n = results.trials as usize;
        let bins = bins_for(n);
        let orders: Vec<Vec<u32>> = results.inputs.par_iter().map(|column| sorted_order(&column.values)).collect();
        let initiatives = scenario
            .initiatives
            .par_iter()
            .enumerate()
            .filter_map(|(i, initiative)| {
                let npv = &results.set(&initiative.name)?.npv;
                let evpi = evpi(npv);
                let relevant = relevant_inputs(scenario, i);
                let mut inputs: Vec<InputValue> = results
                    .inputs
                    .iter()
                    .zip(&orders)
                    .filter(|(column, _)| relevant.contains(&column.input))
                    .map(|(column, order)| InputValue {
                        input: column.input,
                        name: column.name.clone(),
                        evppi: evppi_in_order(npv, order, bins, evpi.value),
                    })
                    .collect();
                inputs.sort_by(|a, b| b.evppi.value.total_cmp(&a.evppi.value).then(a.input.cmp(&b.input)));
                let count = npv.len().max(1) as f64;
                Some(InitiativeValue {
                    initiative: i,
                    name: initiative.name.clone(),
                    npv_mean: npv.iter().sum::<f64>() / count,
                    prob_npv_negative: npv.iter().filter(|&&x| x < 0.0).count() as f64 / count,
                    evpi,
                    inputs,
                })
            })
            .collect();
        ValueOfInformation { trials: results.trials, bins, initiatives }
    }

    /// The input most worth learning before any decision, with the
    /// initiative whose decision it informs: the largest EVPPI beyond the
    /// noise of an initiative whose EVPI is beyond the noise.
    pub fn most_valuable_input(&self) -> Option<(&InitiativeValue, &InputValue)> {
        self.initiatives
            .iter()
            .filter(|v| !v.evpi.within_noise())
            .filter_map(|v| Some((v, v.inputs.first().filter(|i| !i.evppi.within_noise())?)))
            .max_by(|(_, a), (_, b)| a.evppi.value.total_cmp(&b.evppi.value))
    }

    /// The initiative with the largest EVPI beyond the noise.
    pub fn most_valuable_initiative(&self) -> Option<&InitiativeValue> {
        self.initiatives.iter().filter(|v| !v.evpi.within_noise()).max_by(|a, b| a.evpi.value.total_cmp(&b.evpi.value))
    }

    /// `voi.json`: the source, the method and, per initiative, its EVPI and
    /// every relevant input's EVPPI with standard errors.
    pub fn to_json(&self, source: Source) -> Value {
        let scenario = source.scenario;
        let initiatives: Vec<Value> = self
            .initiatives
            .iter()
            .map(|v| {
                let inputs: Vec<Value> = v
                    .inputs
                    .iter()
                    .map(|input| {
                        let [_, what] = input_parts(scenario, input.input);
                        json!({
                            "input": input.name,
                            "of_initiative": scenario.initiatives[scenario.inputs[input.input].initiative].name,
                            "label": what,
                            "evppi": input.evppi.value,
                            "se": input.evppi.se,
                            "share_of_evpi": v.share(input),
                            "within_noise": input.evppi.within_noise(),
                        })
                    })
                    .collect();
                json!({
                    "initiative": v.name,
                    "npv_mean": v.npv_mean,
                    "prob_npv_negative": v.prob_npv_negative,
                    "fund_without_information": v.npv_mean > 0.0,
                    "evpi": v.evpi.value,
                    "evpi_se": v.evpi.se,
                    "evpi_within_noise": v.evpi.within_noise(),
                    "inputs": inputs,
                })
            })
            .collect();
        json!({
            "source": source.to_json(),
            "trials": self.trials,
            "seed": source.seed,
            "horizon_months": scenario.simulation.horizon_months,
            "currency": scenario.currency,
            "decision": "fund the initiative (its own NPV) or not (0)",
            "method": {
                "evpi": "mean(max(NPV, 0)) - max(mean(NPV), 0) over all trials",
                "evppi": "equal-count bins of the trials sorted by the input, cross-fitted: the bin means of one half \
                          of the trials decide, the other half values the decision, and the halves are swapped; \
                          clamped into [0, evpi]",
                "bins": self.bins,
                "se": "standard error of the mean of the per-trial terms, decisions taken as given",
                "within_noise": format!("value at most {NOISE_SES} standard errors"),
            },
            "initiatives": initiatives,
        })
    }
}

// ---------------------------------------------------------------------------
// words: what the terminal, the workbook and the board pack say
// ---------------------------------------------------------------------------

/// An estimate with its standard error, in parentheses when within the noise:
/// `$41.0k ± $1.20k`, `($900 ± $700)`, or `$0` when exactly nothing.
pub fn estimate_text(e: Estimate, currency: &str) -> String {
    if e.value == 0.0 && e.se == 0.0 {
        return money(0.0, currency);
    }
    let text = format!("{} ± {}", money(e.value, currency), money(e.se, currency));
    if e.within_noise() { format!("({text})") } else { text }
}

/// An input's label in a row of `initiative`: `benefit per month` for its
/// own input, `Invoice approval: build months` for a dependency's.
pub fn input_label(scenario: &Scenario, initiative: usize, input: usize) -> String {
    let [owner, what] = input_parts(scenario, input);
    if scenario.inputs[input].initiative == initiative { what } else { format!("{owner}: {what}") }
}

/// "fund it" or "turn it down": the decision without more information.
pub fn decision(value: &InitiativeValue) -> &'static str {
    if value.npv_mean > 0.0 { "fund it" } else { "turn it down" }
}

/// The one sentence that says what is worth learning about an initiative.
pub fn sentence(scenario: &Scenario, value: &InitiativeValue) -> String {
    let currency = &scenario.currency;
    let name = &value.name;
    if value.evpi.value == 0.0 {
        let side = if value.npv_mean > 0.0 {
            "positive"
        } else if value.npv_mean < 0.0 {
            "negative"
        } else {
            "zero"
        };
        return format!(
            "{name}: its NPV is {side} in every trial, so no information could change the decision; \
             learning more is worth nothing."
        );
    }
    if value.evpi.within_noise() {
        return format!(
            "{name}: everything uncertain about it is worth {} to learn, within the Monte Carlo noise: \
             no study before deciding is worth paying for.",
            estimate_text(value.evpi, currency)
        );
    }
    let decision = if value.npv_mean > 0.0 { "funding it" } else { "turning it down" };
    match value.inputs.first().filter(|top| !top.evppi.within_noise()) {
        Some(top) => {
            let [owner, what] = input_parts(scenario, top.input);
            format!(
                "Learning {} {what} before {decision} is worth up to {}; a pilot that costs more is not worth \
                 running{}.",
                possessive(&owner),
                money(top.evppi.value, currency),
                if scenario.inputs[top.input].initiative == value.initiative {
                    String::new()
                } else {
                    format!(" (it decides when {name} can go live)")
                }
            )
        }
        None => format!(
            "{name}: knowing everything uncertain about it before {decision} is worth up to {}, but no single \
             input is worth learning on its own (none changes the decision by itself beyond the Monte Carlo noise).",
            money(value.evpi.value, currency)
        ),
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, StandardNormal};

    use super::*;

    fn normal(rng: &mut ChaCha8Rng) -> f64 {
        StandardNormal.sample(rng)
    }

    /// `X = a (θ − c) + σ ε` with `θ` uniform on [0, 1].
    fn linear(n: usize, a: f64, c: f64, sigma: f64, seed: u64) -> (Vec<f64>, Vec<f32>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let theta: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let npv = theta.iter().map(|&t| a * (t - c) + sigma * normal(&mut rng)).collect();
        (npv, theta.iter().map(|&t| t as f32).collect())
    }

    #[test]
    fn evpi_is_the_formula_and_zero_when_every_trial_agrees() {
        let npv = [-3.0, 1.0, 4.0, -1.0];
        // mean(max(X, 0)) = 5/4; mean = 1/4 > 0.
        assert_eq!(evpi(&npv).value, 1.25 - 0.25);
        let npv = [-3.0, 1.0, -4.0, -1.0];
        assert_eq!(evpi(&npv).value, 0.25);
        assert_eq!(evpi(&[1.0, 0.1, 3.7, 1e9]), Estimate { value: 0.0, se: 0.0 });
        assert_eq!(evpi(&[-1.0, -0.1, -3.7]), Estimate { value: 0.0, se: 0.0 });
    }

    /// The plug-in estimate without cross-fitting: `mean(max(bin mean, 0))`
    /// over equal-count bins, the estimator whose upward bias cross-fitting removes.
    fn plug_in(npv: &[f64], theta: &[f32], bins: usize) -> f64 {
        let n = npv.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| theta[a].total_cmp(&theta[b]));
        let value: f64 = (0..bins)
            .map(|b| {
                let rows = &order[b * n / bins..(b + 1) * n / bins];
                rows.iter().map(|&k| npv[k]).sum::<f64>().max(0.0)
            })
            .sum();
        value / n as f64 - (npv.iter().sum::<f64>() / n as f64).max(0.0)
    }

    /// An input that has nothing to do with the NPV is worth about nothing:
    /// within its noise in every run, and on average a small fraction of a
    /// standard error, where the plug-in estimate is biased well above that.
    #[test]
    fn an_unrelated_input_is_worth_nearly_nothing() {
        let n = 20_000;
        let bins = bins_for(n);
        let (mut cross_fitted, mut naive, mut ses) = (0.0, 0.0, 0.0);
        let runs = 20;
        for seed in 0..runs {
            // Mean NPV 0: the hardest case, where every bin's decision is a coin toss.
            let (npv, _) = linear(n, 1.0, 0.5, 1.0, seed);
            let (_, unrelated) = linear(n, 1.0, 0.5, 1.0, seed + 1000);
            let e = evpi(&npv).value;
            let v = evppi(&npv, &unrelated, bins, e);
            assert!(v.value <= 3.0 * v.se, "seed {seed}: {} with se {}", v.value, v.se);
            cross_fitted += v.value;
            naive += plug_in(&npv, &unrelated, bins);
            ses += v.se;
        }
        let (cross_fitted, naive, se) = (cross_fitted / runs as f64, naive / runs as f64, ses / runs as f64);
        assert!(cross_fitted < 0.5 * se, "cross-fitted mean {cross_fitted}, se {se}");
        assert!(naive > 1.3 * se && naive > 4.0 * cross_fitted, "plug-in mean {naive} vs {cross_fitted}, se {se}");
    }

    /// `X = θ − c + σ ε`, `θ` uniform: `E[X | θ] = θ − c`, so the EVPPI of `θ` is
    /// `(1 − c)² / 2 − max(1/2 − c, 0)`. The estimate is below it by a few
    /// percent at most (the downward bias of the module documentation), and
    /// its standard error matches the spread of independent replicates.
    #[test]
    fn evppi_of_a_driving_input_matches_the_closed_form_and_its_error() {
        let n = 20_000;
        let bins = bins_for(n);
        for (c, sigma) in [(0.5, 0.3), (0.8, 0.3), (0.8, 1.0)] {
            let truth = (1.0 - c) * (1.0 - c) / 2.0 - f64::max(0.5 - c, 0.0);
            let runs = 30;
            let estimates: Vec<Estimate> = (0..runs)
                .map(|seed| {
                    let (npv, theta) = linear(n, 1.0, c, sigma, seed);
                    let v = evppi(&npv, &theta, bins, evpi(&npv).value);
                    assert!(v.value > truth - 4.0 * v.se - 0.06 * truth, "c {c} σ {sigma}: {v:?} vs {truth}");
                    v
                })
                .collect();
            let mean = estimates.iter().map(|e| e.value).sum::<f64>() / runs as f64;
            let sd = (estimates.iter().map(|e| (e.value - mean).powi(2)).sum::<f64>() / (runs - 1) as f64).sqrt();
            let se = estimates.iter().map(|e| e.se).sum::<f64>() / runs as f64;
            // Conservative: at most a hair above the truth (the baseline's own noise), a few percent below.
            let mean_se = sd / (runs as f64).sqrt();
            assert!(mean <= truth + 3.0 * mean_se, "c {c} σ {sigma}: mean {mean} above {truth}");
            assert!(mean >= 0.94 * truth - 3.0 * mean_se, "c {c} σ {sigma}: mean {mean} far below {truth}");
            // The printed error describes the spread of replicates (conservatively near mean NPV 0).
            assert!(sd <= 1.4 * se && sd >= 0.5 * se, "c {c} σ {sigma}: replicate sd {sd} vs se {se}");
        }
    }

    #[test]
    fn evppi_stays_within_zero_and_the_evpi() {
        let (npv, theta) = linear(4_000, 1.0, 0.5, 0.01, 1);
        let e = evpi(&npv);
        // With almost no noise, θ is nearly everything there is to know.
        let v = evppi(&npv, &theta, bins_for(4_000), e.value);
        assert!(v.value <= e.value && v.value > 0.9 * e.value, "{v:?} vs {e:?}");
        // A clamp at a lower EVPI is respected, and nothing is worth anything when the EVPI is 0.
        assert_eq!(evppi(&npv, &theta, 10, 0.5 * e.value).value, 0.5 * e.value);
        assert_eq!(evppi(&npv, &theta, 10, 0.0), Estimate::default());
    }

    #[test]
    fn trials_are_ordered_by_the_input_then_by_index() {
        let theta = [3.0f32, -1.0, 3.0, 0.5, -1.0, 7.0, -0.0, 0.0];
        let mut expected: Vec<u32> = (0..theta.len() as u32).collect();
        expected.sort_by(|&a, &b| (theta[a as usize] + 0.0).total_cmp(&(theta[b as usize] + 0.0)).then(a.cmp(&b)));
        assert_eq!(sorted_order(&theta), expected);
        let (_, long) = linear(5_000, 1.0, 0.5, 1.0, 9);
        let order = sorted_order(&long);
        assert!(order.windows(2).all(|w| (long[w[0] as usize], w[0]) < (long[w[1] as usize], w[1])));
    }

    #[test]
    fn bins_grow_as_the_cube_root_of_the_trials() {
        assert_eq!(bins_for(20_000), 14);
        assert_eq!(bins_for(1_000_000), 50);
        assert_eq!(bins_for(2_000), 6);
        assert_eq!(bins_for(100), 2);
        assert_eq!(bins_for(10), 2);
    }
}
