//! Paired comparisons of two scenarios, and the cost of conflation.
//!
//! Two scenarios are run with the same seed and the same number of trials.
//! roicast's random streams are keyed by the seed and by the name of each
//! input and risk (see [`crate::sampling`]), so an initiative present in both
//! scenarios under the same name draws the same inputs and the same risk
//! events in trial `k` of both runs: *common random numbers*. The difference
//! `NPV(B) − NPV(A)` of trial `k` is then caused by what differs between the
//! scenarios, not by luck, and its spread is far smaller than that of two
//! independent runs. Comparing a file with itself gives exactly zero in
//! every trial.
//!
//! [`PairedRuns`] holds the two runs; [`PairedSet`] the paired statistics of
//! one reported set. [`Comparison`] is what `roicast compare` reports
//! (portfolio, `it`, `bpa`, and each initiative matched by name; one that
//! only one scenario has counts as no cash flow, NPV 0, in the other);
//! [`ConflationCost`] what `roicast conflation`
//! reports: the scenario as written against the same scenario with every
//! initiative given its natural owner.
//!
//! The 95% confidence interval of the mean difference is `mean ± 1.96 se`
//! with `se = sd / sqrt(n)` of the per-trial differences. With Latin
//! hypercube sampling the true standard error is usually smaller, so the
//! interval is conservative.

use serde::Serialize;
use serde_json::{Value, json};

use crate::engine::{self, RunResults, RunSettings, SetResults};
use crate::error::Error;
use crate::scenario::Scenario;
use crate::stats::{SetSummary, Summary};

/// The normal quantile of a two-sided 95% confidence interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// Two runs of two scenarios under common random numbers, trial by trial.
#[derive(Debug, Clone)]
pub struct PairedRuns {
    /// The run of scenario A.
    pub a: RunResults,
    /// The run of scenario B.
    pub b: RunResults,
}

impl PairedRuns {
    /// Runs `a` and `b` with the same settings (same seed, same trials).
    ///
    /// Both scenarios must share a horizon and a currency: a difference of
    /// NPVs over different horizons or in different money means nothing.
    /// `progress` is called with the trials of each finished block of
    /// either run.
    pub fn run(
        a: &Scenario,
        b: &Scenario,
        settings: RunSettings,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<PairedRuns, Error> {
        if let Some(why) = incompatibility(a, b) {
            return Err(Error::Input(format!("cannot compare scenario B with scenario A: {why}")));
        }
        Ok(PairedRuns { a: engine::run(a, settings, progress), b: engine::run(b, settings, progress) })
    }

    /// Per-trial `NPV(B) − NPV(A)` of the set with this name, when both runs have it.
    pub fn npv_differences(&self, set: &str) -> Option<Vec<f64>> {
        let (a, b) = (self.a.set(set)?, self.b.set(set)?);
        Some(b.npv.iter().zip(&a.npv).map(|(y, x)| y - x).collect())
    }

    /// Paired statistics of the set with this name, when both runs have it.
    pub fn paired_set(&self, set: &str) -> Option<PairedSet> {
        Some(PairedSet::of(self.a.set(set)?, self.b.set(set)?))
    }
}

/// Why scenario `b` cannot be compared with `a` trial by trial, if it
/// cannot: a difference of NPVs over different horizons or in different
/// money means nothing. The caller names the scenarios (by their files).
pub fn incompatibility(a: &Scenario, b: &Scenario) -> Option<String> {
    let (ha, hb) = (a.simulation.horizon_months, b.simulation.horizon_months);
    if ha != hb {
        return Some(format!("A has {ha} months and B {hb} months; both must use the same horizon_months"));
    }
    if a.currency != b.currency {
        return Some(format!("A's currency is {} and B's {}; both must use the same currency", a.currency, b.currency));
    }
    None
}

/// The distribution of a per-trial difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// Mean difference.
    pub mean: f64,
    /// Sample standard deviation of the per-trial differences.
    pub sd: f64,
    /// Standard error of the mean difference.
    pub se: f64,
    /// Lower end of the 95% confidence interval of the mean difference.
    pub ci95_low: f64,
    /// Upper end of the 95% confidence interval of the mean difference.
    pub ci95_high: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Difference {
    /// Summarises per-trial differences; `None` when there are none.
    pub fn of(differences: &[f64]) -> Option<Difference> {
        let s = Summary::of(differences)?;
        Some(Difference {
            mean: s.mean,
            sd: s.sd,
            se: s.se,
            ci95_low: s.mean - Z_95 * s.se,
            ci95_high: s.mean + Z_95 * s.se,
            p10: s.p10,
            p50: s.p50,
            p90: s.p90,
        })
    }
}

/// One figure in run A, in run B, and B minus A.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change<T> {
    /// Value in run A.
    pub a: T,
    /// Value in run B.
    pub b: T,
    /// `b − a`, when both are defined.
    pub change: T,
}

impl Change<f64> {
    fn new(a: f64, b: f64) -> Change<f64> {
        Change { a, b, change: b - a }
    }
}

impl Change<Option<f64>> {
    fn new_optional(a: Option<f64>, b: Option<f64>) -> Change<Option<f64>> {
        Change { a, b, change: a.zip(b).map(|(a, b)| b - a) }
    }
}

/// Which of the two runs have a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Both runs.
    Both,
    /// Only run A (B does not undertake the initiative).
    A,
    /// Only run B (A does not undertake the initiative).
    B,
}

/// Paired statistics of one reported set in two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedSet {
    /// Name of the set.
    #[serde(skip)]
    pub name: String,
    /// Which runs have it; a set absent from a run counts there as no cash
    /// flow at all: NPV 0, never negative, never abandoned, no payback.
    pub present_in: Presence,
    /// Mean NPV in A and B.
    pub npv_mean: Change<f64>,
    /// Distribution of `NPV(B) − NPV(A)` over trials; `None` with no trials.
    pub npv_difference: Option<Difference>,
    /// Share of trials with `NPV(B) > NPV(A)` (a tie is not a win).
    pub prob_b_beats_a: f64,
    /// Share of trials with `NPV(B) = NPV(A)` exactly.
    pub prob_tie: f64,
    /// Probability that NPV is negative.
    pub prob_npv_negative: Change<f64>,
    /// Median payback month (`None`: more than half the trials never pay back).
    pub payback_month_p50: Change<Option<f64>>,
    /// Probability that a member is abandoned.
    pub prob_abandoned: Change<f64>,
}

impl PairedSet {
    /// Compares the same set in two runs of equal length, trial by trial.
    pub fn of(a: &SetResults, b: &SetResults) -> PairedSet {
        PairedSet::of_either(Some(a), Some(b)).unwrap_or_else(|| unreachable!("both runs have the set"))
    }

    /// Compares a set that one run may lack (an initiative only one
    /// scenario undertakes): the missing side is no cash flow at all, NPV 0
    /// in every trial. `None` when neither run has it.
    pub fn of_either(a: Option<&SetResults>, b: Option<&SetResults>) -> Option<PairedSet> {
        let (name, present_in) = match (a, b) {
            (Some(a), Some(_)) => (a.spec.name.clone(), Presence::Both),
            (Some(a), None) => (a.spec.name.clone(), Presence::A),
            (None, Some(b)) => (b.spec.name.clone(), Presence::B),
            (None, None) => return None,
        };
        let (sa, sb) = (a.map(SetSummary::of), b.map(SetSummary::of));
        let npv = |side: Option<&SetResults>, k: usize| side.map_or(0.0, |s| s.npv[k]);
        let trials = a.or(b).map_or(0, |s| s.npv.len());
        let differences: Vec<f64> = (0..trials).map(|k| npv(b, k) - npv(a, k)).collect();
        let n = differences.len().max(1) as f64;
        let share = |keep: fn(f64) -> bool| differences.iter().filter(|&&d| keep(d)).count() as f64 / n;
        let mean = |s: &Option<SetSummary>| s.as_ref().and_then(|s| s.npv).map_or(0.0, |npv| npv.mean);
        let figure = |s: &Option<SetSummary>, f: fn(&SetSummary) -> f64| s.as_ref().map_or(0.0, f);
        let payback = |s: &Option<SetSummary>| s.as_ref().and_then(|s| s.payback_month_p50);
        Some(PairedSet {
            name,
            present_in,
            npv_mean: Change::new(mean(&sa), mean(&sb)),
            npv_difference: Difference::of(&differences),
            prob_b_beats_a: share(|d| d > 0.0),
            prob_tie: share(|d| d == 0.0),
            prob_npv_negative: Change::new(figure(&sa, |s| s.prob_npv_negative), figure(&sb, |s| s.prob_npv_negative)),
            payback_month_p50: Change::new_optional(payback(&sa), payback(&sb)),
            prob_abandoned: Change::new(figure(&sa, |s| s.prob_abandoned), figure(&sb, |s| s.prob_abandoned)),
        })
    }
}

/// The sets `roicast compare` reports.
pub const COMPARED_SETS: [&str; 3] = ["portfolio", "it", "bpa"];

/// A scenario file as a report names it: what was run, from where, with which seed.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The file it was read from, as given on the command line.
    pub file: &'a str,
    /// The seed it was run with.
    pub seed: u64,
}

impl Source<'_> {
    /// The scenario's name, file, hash and the settings that shape its results.
    pub fn to_json(self) -> Value {
        json!({
            "scenario": self.scenario.name,
            "file": self.file,
            "sha256": self.scenario.source_sha256,
            "seed": self.seed,
            "discount_rate": self.scenario.simulation.discount_rate,
            "sampling": self.scenario.simulation.sampling.as_str(),
        })
    }
}

/// What `roicast compare A B` reports: B against A for portfolio, `it`,
/// `bpa` and each initiative.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The two runs.
    pub runs: PairedRuns,
    /// Paired statistics for each of [`COMPARED_SETS`].
    pub sets: Vec<PairedSet>,
    /// Paired statistics per initiative, matched by name: A's in A's order,
    /// then those only B has. One that only one scenario has counts as NPV 0
    /// in the other, so the initiatives' differences add up to the
    /// portfolio's, trial by trial.
    pub initiatives: Vec<PairedSet>,
}

impl Comparison {
    /// Runs both scenarios under common random numbers and compares them.
    pub fn run(
        a: &Scenario,
        b: &Scenario,
        settings: RunSettings,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Comparison, Error> {
        let runs = PairedRuns::run(a, b, settings, progress)?;
        let sets = COMPARED_SETS.iter().filter_map(|name| runs.paired_set(name)).collect();
        let names = a.initiatives.iter().chain(b.initiatives.iter().filter(|i| a.initiative_index(&i.name).is_none()));
        let initiatives =
            names.filter_map(|i| PairedSet::of_either(runs.a.set(&i.name), runs.b.set(&i.name))).collect();
        Ok(Comparison { runs, sets, initiatives })
    }

    /// `compare.json`: both sources, the run settings and every compared
    /// set, the initiatives' among them under their names.
    pub fn to_json(&self, a: Source, b: Source) -> Result<Value, serde_json::Error> {
        let mut sets = serde_json::Map::new();
        for set in self.sets.iter().chain(&self.initiatives) {
            sets.insert(set.name.clone(), serde_json::to_value(set)?);
        }
        Ok(json!({
            "a": a.to_json(),
            "b": b.to_json(),
            "trials": self.runs.a.trials,
            "seed": self.runs.a.seed,
            "horizon_months": a.scenario.simulation.horizon_months,
            "currency": a.scenario.currency,
            "difference": "B minus A, trial by trial, under common random numbers",
            "absent": "an initiative only one scenario has counts as NPV 0 in the other (not undertaken)",
            "initiatives": self.initiatives.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            "sets": sets,
        }))
    }
}

/// What mismatched owners cost: one scenario as written (run A) against the
/// same scenario with every initiative given its natural owner (run B).
#[derive(Debug, Clone)]
pub struct ConflationCost {
    /// A: as written; B: natural owners.
    pub runs: PairedRuns,
    /// Names of the mismatched initiatives, in file order.
    pub mismatched: Vec<String>,
    /// The whole portfolio: the total cost of every mismatch.
    pub total: PairedSet,
    /// One per mismatched initiative, in file order.
    pub initiatives: Vec<PairedSet>,
}

impl ConflationCost {
    /// Names of the initiatives whose owner is not the natural owner of their kind.
    pub fn mismatched(scenario: &Scenario) -> Vec<String> {
        scenario.initiatives.iter().filter(|i| i.is_mismatched()).map(|i| i.name.clone()).collect()
    }

    /// Runs the scenario as written and with natural owners, paired; `None`
    /// when no initiative is mismatched (there is nothing to cost).
    pub fn run(
        scenario: &Scenario,
        settings: RunSettings,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Option<ConflationCost>, Error> {
        let mismatched = ConflationCost::mismatched(scenario);
        if mismatched.is_empty() {
            return Ok(None);
        }
        let runs = PairedRuns::run(scenario, &scenario.with_natural_owners(), settings, progress)?;
        let paired = |name: &str| {
            runs.paired_set(name).ok_or_else(|| Error::Output {
                what: "the conflation report".into(),
                message: format!("the run has no set named \"{name}\""),
            })
        };
        let total = paired("portfolio")?;
        let initiatives = mismatched.iter().map(|name| paired(name)).collect::<Result<_, _>>()?;
        Ok(Some(ConflationCost { runs, mismatched, total, initiatives }))
    }

    /// `conflation.json`: per mismatched initiative and in total, the NPV
    /// lost to the mismatch and what it adds to the probabilities of a
    /// negative NPV and of abandonment.
    pub fn to_json(&self, source: Source) -> Result<Value, serde_json::Error> {
        let scenario = source.scenario;
        let entry = |set: &PairedSet| -> Result<Value, serde_json::Error> {
            let mut value = json!({
                "npv_lost": set.npv_difference,
                "prob_cost_positive": set.prob_b_beats_a,
                "npv_mean_as_written": set.npv_mean.a,
                "npv_mean_natural_owners": set.npv_mean.b,
                "prob_npv_negative_as_written": set.prob_npv_negative.a,
                "prob_npv_negative_natural_owners": set.prob_npv_negative.b,
                "prob_npv_negative_increase": -set.prob_npv_negative.change,
                "prob_abandoned_as_written": set.prob_abandoned.a,
                "prob_abandoned_natural_owners": set.prob_abandoned.b,
                "prob_abandoned_increase": -set.prob_abandoned.change,
                "payback_month_p50_as_written": set.payback_month_p50.a,
                "payback_month_p50_natural_owners": set.payback_month_p50.b,
            });
            if let Some(init) = scenario.initiative_index(&set.name).map(|i| &scenario.initiatives[i])
                && let Value::Object(map) = &mut value
            {
                map.insert("kind".into(), json!(init.kind.as_str()));
                map.insert("owner".into(), json!(init.owner.as_str()));
                map.insert("natural_owner".into(), json!(init.kind.natural_owner().as_str()));
            }
            Ok(value)
        };
        let mut initiatives = serde_json::Map::new();
        for set in &self.initiatives {
            initiatives.insert(set.name.clone(), entry(set)?);
        }
        let conflation = &scenario.conflation;
        Ok(json!({
            "source": source.to_json(),
            "trials": self.runs.a.trials,
            "seed": self.runs.a.seed,
            "horizon_months": scenario.simulation.horizon_months,
            "currency": scenario.currency,
            "conflation": {
                "benefit_multiplier": conflation.benefit_multiplier,
                "risk_rate_multiplier": conflation.risk_rate_multiplier,
                "extra_abandon_probability": conflation.extra_abandon_probability,
            },
            "npv_lost": "NPV with natural owners minus NPV as written, trial by trial, under common random numbers",
            "mismatched": self.mismatched,
            "total": entry(&self.total)?,
            "initiatives": initiatives,
        }))
    }
}
