//! Re-forecasts: the actual months against the plan, and the value still to win or lose.
//!
//! A run of a scenario with actuals ([`crate::scenario::Actuals`]) simulates
//! the months after the last actual month `k` only; months `1..=k` are the
//! ledger's, the same in every trial. [`Reforecast::new`] adds, per
//! reported set:
//!
//! - the **forward NPV**, `Σ_{t > k} net(t) / (1 + r_m)^(t - k)`: the value
//!   still to be won or lost, discounted to the end of month `k`, sunk cost
//!   left out. Since months `t <= k` are the same in every trial,
//!   `forward_npv = (npv - PV of the actual months) × (1 + r_m)^k` is an
//!   increasing affine map of the trial's NPV, so its statistics follow from
//!   the NPV's without keeping anything per trial: percentiles, mean,
//!   standard deviation and error map exactly (in exact arithmetic; in
//!   floating point within a few units in the last place of the NPV, far
//!   below a cent of any report), and `forward_npv < 0` exactly when
//!   `npv < PV of the actual months`, a comparison made without rounding.
//!   The PV of the actual months is summed in the order the model sums a
//!   trial's NPV, so a set with nothing after month `k` has a forward NPV of
//!   exactly 0;
//! - the **variance against the plan** in each actual month: the actual
//!   cumulative net cash flow (summed as the model sums it), the plan's
//!   P10, P50 and P90 of it and the actual's percentile in the plan, the
//!   share of plan trials with `cum(t) <= actual`. The plan is the same
//!   scenario without the actuals ([`crate::scenario::Scenario::plan`]), run
//!   with the same seed and trials; its percentiles and shares come from its
//!   monthly histograms ([`crate::sketch::RangeHistogram`]), within one
//!   bin of exact.

use crate::engine::RunResults;
use crate::model::{discount_factors, monthly_rate};
use crate::scenario::{Actuals, Scenario};
use crate::stats::{SetSummary, Summary};

/// The plan's distribution of a set's cumulative net cash flow, month by month.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanBands {
    /// 10th percentile, month `t` at index `t - 1`, over the whole horizon.
    pub p10: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 90th percentile.
    pub p90: Vec<f64>,
}

/// One actual month of one set against the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarianceRow {
    /// The month, `1..=k`.
    pub month: u32,
    /// The actual cumulative net cash flow.
    pub actual_cumulative: f64,
    /// The plan's 10th percentile of it.
    pub plan_p10: f64,
    /// The plan's median.
    pub plan_p50: f64,
    /// The plan's 90th percentile.
    pub plan_p90: f64,
    /// The share of plan trials whose cumulative net cash flow is at most the actual.
    pub percentile: f64,
}

/// What a re-forecast adds for one reported set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetReforecast {
    /// The set's name.
    pub name: String,
    /// Present value (today) of the actual months' net cash flow.
    pub actual_pv: f64,
    /// The forward NPV's statistics (`None` when the run has no trials).
    pub forward_npv: Option<Summary>,
    /// Share of trials whose forward NPV is negative.
    pub prob_forward_npv_negative: f64,
    /// The actual months against the plan, months `1..=k`.
    pub variance: Vec<VarianceRow>,
    /// The plan's bands over the whole horizon.
    pub plan: PlanBands,
}

/// The plan's side of a re-forecast: per set, the plan's bands and the
/// actual months against them. Computed from the plan's run alone, which
/// can then be dropped before the re-forecast's own run is summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanComparison {
    /// One per reported set, in report order: the plan's bands and the variance rows.
    sets: Vec<(PlanBands, Vec<VarianceRow>)>,
}

impl PlanComparison {
    /// Compares the actuals of `scenario` with `plan`, the run of
    /// `scenario.plan()` with the seed and trials of the re-forecast. `None`
    /// without actuals.
    pub fn of(scenario: &Scenario, plan: &RunResults) -> Option<PlanComparison> {
        let actuals = scenario.actuals.as_ref()?;
        let discount = discount_factors(scenario);
        let monthly = &plan.monthly;
        let sets = plan
            .sets
            .iter()
            .enumerate()
            .map(|(s, set)| {
                let band =
                    |q: f64| (0..monthly.horizon).map(move |t| monthly.histogram(s, t).quantile(q).unwrap_or(0.0));
                let bands = PlanBands { p10: band(0.1).collect(), p50: band(0.5).collect(), p90: band(0.9).collect() };
                let (cumulative, _) = actual_months(actuals, &set.spec.members, &discount);
                let variance = cumulative
                    .iter()
                    .enumerate()
                    .map(|(t, &actual)| VarianceRow {
                        month: t as u32 + 1,
                        actual_cumulative: actual,
                        plan_p10: bands.p10[t],
                        plan_p50: bands.p50[t],
                        plan_p90: bands.p90[t],
                        percentile: monthly.histogram(s, t).share_at_most(actual).unwrap_or(0.0),
                    })
                    .collect();
                (bands, variance)
            })
            .collect();
        Some(PlanComparison { sets })
    }
}

/// The re-forecast of a run with actuals.
#[derive(Debug, Clone, PartialEq)]
pub struct Reforecast {
    /// `k`, the last actual month.
    pub through: u32,
    /// One per reported set, in report order.
    pub sets: Vec<SetReforecast>,
}

impl Reforecast {
    /// The re-forecast of `results`, a run of `scenario` (with actuals)
    /// whose sets are summarised by `summaries`, set against the plan by
    /// `plan`. `None` without actuals.
    pub fn new(
        scenario: &Scenario,
        results: &RunResults,
        summaries: &[SetSummary],
        plan: PlanComparison,
    ) -> Option<Reforecast> {
        let actuals = scenario.actuals.as_ref()?;
        let discount = discount_factors(scenario);
        let growth = (1.0 + monthly_rate(scenario)).powi(actuals.through as i32);
        let sets = results
            .sets
            .iter()
            .zip(summaries)
            .zip(plan.sets)
            .map(|((set, summary), (bands, variance))| {
                let (_, actual_pv) = actual_months(actuals, &set.spec.members, &discount);
                let forward = |x: f64| (x - actual_pv) * growth;
                let forward_npv = summary.npv.map(|npv| Summary {
                    n: npv.n,
                    mean: forward(npv.mean),
                    sd: npv.sd * growth,
                    se: npv.se * growth,
                    p5: forward(npv.p5),
                    p10: forward(npv.p10),
                    p25: forward(npv.p25),
                    p50: forward(npv.p50),
                    p75: forward(npv.p75),
                    p90: forward(npv.p90),
                    p95: forward(npv.p95),
                });
                // forward < 0 exactly when npv < actual_pv: no rounding in the comparison.
                let negative = set.npv.iter().filter(|&&x| x < actual_pv).count();
                SetReforecast {
                    name: set.spec.name.clone(),
                    actual_pv,
                    forward_npv,
                    prob_forward_npv_negative: negative as f64 / set.npv.len().max(1) as f64,
                    variance,
                    plan: bands,
                }
            })
            .collect();
        Some(Reforecast { through: actuals.through, sets })
    }

    /// The re-forecast of the set with this name.
    pub fn set(&self, name: &str) -> Option<&SetReforecast> {
        self.sets.iter().find(|s| s.name == name)
    }
}

/// The actual cumulative net cash flow of the set of `members` in months
/// `1..=k`, and the present value of its actual months, each added up as
/// the model adds a trial's: month by month per initiative, then the
/// members in order.
pub fn actual_months(actuals: &Actuals, members: &[usize], discount: &[f64]) -> (Vec<f64>, f64) {
    let k = actuals.through as usize;
    let mut cumulative = vec![0.0; k];
    let mut pv = 0.0;
    for &m in members {
        let mut member_pv = 0.0;
        for (t, (sum, c)) in cumulative.iter_mut().zip(actuals.cumulative(m)).enumerate() {
            *sum += c;
            member_pv += actuals.months[m][t].net() * discount[t];
        }
        pv += member_pv;
    }
    (cumulative, pv)
}
