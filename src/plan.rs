//! Choosing which initiatives to fund under a budget.
//!
//! # What is counted
//!
//! *Spend* is build cost plus run cost, undiscounted, as cash leaves the
//! budget. Risk losses are **not** spend: a budget funds the planned work,
//! while an incident's cost (a duplicate payment, an outage) is booked
//! against operations or contingency when it happens. Losses are not
//! ignored: they lower every portfolio's NPV, raise its probability of a
//! negative NPV (which `--max-loss-probability` limits), and the budget table
//! shows their mean per quarter next to the spend.
//!
//! A portfolio *fits* when the quantile at `confidence` (P90 by default) of
//! its spend in the first `budget_months` months is at most the budget, and,
//! when a limit is given, its probability of a negative NPV is at most that
//! limit. Among fitting portfolios roicast picks the one with the highest
//! mean NPV. A portfolio is a non-empty set of initiatives that holds
//! everything its members depend on, transitively: an initiative is never
//! funded without its dependencies.
//!
//! # One simulation, every portfolio
//!
//! [`InitiativeTrials::simulate`] runs the scenario once and keeps, per trial
//! and initiative, the NPV contribution, the spend in the budget window and
//! the spend of every quarter (plus per quarter the totals of visible benefit
//! and loss). A portfolio's figures in a trial are the sums of its members':
//! the model's set metrics are sums of members, dependencies only gate
//! go-live, and a funded initiative always has its dependencies funded, so
//! each member's cash flows are exactly those of the full simulation. The
//! members' inputs keep the joint distribution (correlations included) they
//! have in the scenario.
//!
//! # Search
//!
//! Up to [`EXHAUSTIVE_LIMIT`] initiatives, every portfolio is considered:
//!
//! 1. A portfolio's mean NPV is the sum of its members' means, exact on all
//!    trials, so the ranking by mean NPV needs no sampling.
//! 2. Whether it fits depends on the distribution of the sum. Every
//!    portfolio is *screened* on one fixed, evenly spaced subsample of the
//!    trials (the same trials for every portfolio): all trials when
//!    portfolios × trials is at most 2²⁵, otherwise at least
//!    [`SCREENING_TRIALS`]. The screen is deliberately lenient: a portfolio
//!    passes unless its subsample misses the budget by more than four
//!    binomial standard errors, so a portfolio that truly fits is screened
//!    out with probability below 1 in 30,000. Sums over members are
//!    updated one initiative at a time along a Gray code.
//! 3. Portfolios that pass are taken in order of mean NPV and evaluated
//!    exactly on every trial until four fit: the chosen one and the next
//!    best three.
//!
//! The efficient frontier shows every portfolio: mean NPV (exact) against
//! P10 NPV; the P10 and the fit are exact for portfolios evaluated on every
//! trial and estimated from the screening subsample for the others.
//!
//! Above [`EXHAUSTIVE_LIMIT`] initiatives (over a million portfolios) the
//! search is a heuristic on every trial: greedy, adding the initiative (with
//! its missing dependencies) that brings the most mean NPV per unit of added
//! spend quantile while the budget still holds; then local search by adding,
//! removing (with dependents) or swapping one initiative, taking the best
//! improving move until none improves (a portfolio breaking the loss limit
//! first moves towards one that keeps it). It finds a good portfolio, not
//! necessarily the best.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::compare::Source;
use crate::engine::{BlockVisitor, RunSettings, simulate_blocks};
use crate::error::Error;
use crate::model::{Model, TileFlows};
use crate::sampling::{InputBlock, block_count};
use crate::scenario::Scenario;
use crate::stats::quantile_sorted;

/// The most initiatives searched exhaustively (2²⁰ portfolios).
pub const EXHAUSTIVE_LIMIT: usize = 20;

/// Trials in the screening subsample when not every trial is used.
pub const SCREENING_TRIALS: usize = 2000;

/// Portfolio-trial evaluations up to which the screen uses every trial.
const FULL_SCREEN_WORK: usize = 1 << 25;

/// Screening margin, in binomial standard errors.
const SCREEN_Z: f64 = 4.0;

/// How many fitting portfolios are reported: the chosen one and the next best three.
pub const RANKED: usize = 4;

/// Months per budget-table period.
pub(crate) const QUARTER_MONTHS: usize = 3;

/// Gray-code ranks per unit of parallel work in the exhaustive screen.
const CHUNK_BITS: usize = 12;

/// What a plan must respect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanSettings {
    /// The budget for build and run spend in the budget window.
    pub budget: f64,
    /// Length of the budget window: months `1..=budget_months`.
    pub budget_months: u32,
    /// The spend quantile that must stay within the budget (0.9: P90).
    pub confidence: f64,
    /// The highest acceptable probability of a negative NPV, if any.
    pub max_loss_probability: Option<f64>,
}

impl PlanSettings {
    /// Checks the settings against a scenario; every problem is a bad input.
    pub fn check(&self, scenario: &Scenario) -> Result<(), Error> {
        let horizon = scenario.simulation.horizon_months;
        if !(self.budget.is_finite() && self.budget >= 0.0) {
            return Err(Error::Input(format!("--budget must be a non-negative amount, not {}", self.budget)));
        }
        if self.budget_months == 0 || self.budget_months > horizon {
            return Err(Error::Input(format!(
                "--budget-months {} is outside the scenario's horizon of {horizon} months",
                self.budget_months
            )));
        }
        if !(self.confidence > 0.0 && self.confidence <= 1.0) {
            return Err(Error::Input(format!("--confidence must be in (0, 1], not {}", self.confidence)));
        }
        if let Some(p) = self.max_loss_probability.filter(|p| !(0.0..=1.0).contains(p)) {
            return Err(Error::Input(format!("--max-loss-probability must be in [0, 1], not {p}")));
        }
        Ok(())
    }
}

/// Per-trial, per-initiative results of one simulation: what every portfolio is built from.
#[derive(Debug, Clone)]
pub struct InitiativeTrials {
    trials: usize,
    quarters: usize,
    horizon: usize,
    /// NPV of each initiative's own cash flows, `[initiative][trial]`.
    npv: Vec<Vec<f64>>,
    /// Build and run spend in the budget window, `[initiative][trial]`.
    window_spend: Vec<Vec<f64>>,
    /// Build and run spend per quarter, `[initiative][trial * quarters + quarter]`.
    quarterly_spend: Vec<Vec<f64>>,
    /// Visible benefit per quarter summed over trials, `[initiative][quarter]`.
    visible_total: Vec<Vec<f64>>,
    /// Risk loss per quarter summed over trials, `[initiative][quarter]`.
    loss_total: Vec<Vec<f64>>,
}

/// One block's share of [`InitiativeTrials`].
struct BlockPart {
    npv: Vec<Vec<f64>>,
    window_spend: Vec<Vec<f64>>,
    quarterly_spend: Vec<Vec<f64>>,
    visible_total: Vec<Vec<f64>>,
    loss_total: Vec<Vec<f64>>,
}

/// The visitor that fills [`InitiativeTrials`].
struct Collector {
    initiatives: usize,
    quarters: usize,
    budget_months: usize,
}

impl BlockVisitor for Collector {
    type State = BlockPart;
    type Output = BlockPart;

    fn start(&self, _block: u64) -> BlockPart {
        let per_initiative = |len: usize| vec![vec![0.0; len]; self.initiatives];
        BlockPart {
            npv: per_initiative(0),
            window_spend: per_initiative(0),
            quarterly_spend: per_initiative(0),
            visible_total: per_initiative(self.quarters),
            loss_total: per_initiative(self.quarters),
        }
    }

    fn visit(&self, part: &mut BlockPart, model: &Model, _trial: u64, _: &InputBlock, _: usize, flows: &TileFlows) {
        for l in 0..flows.trials {
            for (i, f) in flows.initiatives.iter().enumerate() {
                let base = part.quarterly_spend[i].len();
                part.quarterly_spend[i].resize(base + self.quarters, 0.0);
                let (mut npv, mut window) = (0.0, 0.0);
                for (t, &discount) in model.discount().iter().enumerate() {
                    npv += (f.benefit[t][l] - f.cost[t][l]) * discount;
                    let spend = f.cost[t][l] - f.loss[t][l];
                    if t < self.budget_months {
                        window += spend;
                    }
                    let q = t / QUARTER_MONTHS;
                    part.quarterly_spend[i][base + q] += spend;
                    part.visible_total[i][q] += f.visible[t][l];
                    part.loss_total[i][q] += f.loss[t][l];
                }
                part.npv[i].push(npv);
                part.window_spend[i].push(window);
            }
        }
    }

    fn finish(&self, part: BlockPart) -> BlockPart {
        part
    }
}

impl InitiativeTrials {
    /// Runs the scenario once and keeps what portfolios are evaluated from.
    ///
    /// `budget_months` is the length of the budget window; `progress` is
    /// called with the trials of each finished block.
    pub fn simulate(
        scenario: &Scenario,
        settings: RunSettings,
        budget_months: u32,
        progress: &(dyn Fn(u64) + Sync),
    ) -> InitiativeTrials {
        let initiatives = scenario.initiatives.len();
        let horizon = scenario.simulation.horizon_months as usize;
        let quarters = horizon.div_ceil(QUARTER_MONTHS);
        let collector = Collector { initiatives, quarters, budget_months: budget_months as usize };
        let parts = simulate_blocks(scenario, settings, 0..block_count(settings.trials), &collector, progress);
        let mut data = InitiativeTrials {
            trials: settings.trials as usize,
            quarters,
            horizon,
            npv: vec![Vec::new(); initiatives],
            window_spend: vec![Vec::new(); initiatives],
            quarterly_spend: vec![Vec::new(); initiatives],
            visible_total: vec![vec![0.0; quarters]; initiatives],
            loss_total: vec![vec![0.0; quarters]; initiatives],
        };
        for part in parts {
            for i in 0..initiatives {
                data.npv[i].extend_from_slice(&part.npv[i]);
                data.window_spend[i].extend_from_slice(&part.window_spend[i]);
                data.quarterly_spend[i].extend_from_slice(&part.quarterly_spend[i]);
                for q in 0..quarters {
                    data.visible_total[i][q] += part.visible_total[i][q];
                    data.loss_total[i][q] += part.loss_total[i][q];
                }
            }
        }
        data
    }

    /// Number of trials.
    pub fn trials(&self) -> usize {
        self.trials
    }

    /// Mean NPV of one initiative.
    fn npv_mean(&self, initiative: usize) -> f64 {
        self.npv[initiative].iter().sum::<f64>() / self.trials.max(1) as f64
    }

    /// Per-trial sums over `members` of a per-initiative column.
    fn sum_columns(&self, column: &[Vec<f64>], members: &[usize]) -> Vec<f64> {
        let mut sum = vec![0.0; self.trials];
        for &m in members {
            for (s, x) in sum.iter_mut().zip(&column[m]) {
                *s += x;
            }
        }
        sum
    }

    /// Evaluates a portfolio on every trial.
    pub fn evaluate(&self, members: &[usize], settings: &PlanSettings) -> Evaluation {
        let n = self.trials.max(1) as f64;
        let mut npv = self.sum_columns(&self.npv, members);
        let mut spend = self.sum_columns(&self.window_spend, members);
        let npv_mean = npv.iter().sum::<f64>() / n;
        let spend_mean = spend.iter().sum::<f64>() / n;
        let prob_npv_negative = npv.iter().filter(|&&x| x < 0.0).count() as f64 / n;
        let prob_within_budget = spend.iter().filter(|&&x| x <= settings.budget).count() as f64 / n;
        npv.sort_unstable_by(f64::total_cmp);
        spend.sort_unstable_by(f64::total_cmp);
        let q = |sorted: &[f64], p| quantile_sorted(sorted, p).unwrap_or(0.0);
        let spend_quantile = q(&spend, settings.confidence);
        let fits =
            spend_quantile <= settings.budget && settings.max_loss_probability.is_none_or(|p| prob_npv_negative <= p);
        Evaluation {
            members: members.to_vec(),
            npv_mean,
            npv_p10: q(&npv, 0.10),
            npv_p50: q(&npv, 0.50),
            npv_p90: q(&npv, 0.90),
            prob_npv_negative,
            spend_mean,
            spend_quantile,
            prob_within_budget,
            fits,
        }
    }

    /// The budget table of a portfolio: per quarter of the horizon, the
    /// distribution of its build and run spend, and its mean visible benefit
    /// and risk loss.
    pub fn budget_table(&self, members: &[usize]) -> Vec<QuarterRow> {
        let n = self.trials.max(1) as f64;
        (0..self.quarters)
            .map(|q| {
                let mut spend = vec![0.0; self.trials];
                for &m in members {
                    let column = &self.quarterly_spend[m];
                    for (k, s) in spend.iter_mut().enumerate() {
                        *s += column[k * self.quarters + q];
                    }
                }
                let spend_mean = spend.iter().sum::<f64>() / n;
                spend.sort_unstable_by(f64::total_cmp);
                let total = |column: &[Vec<f64>]| members.iter().map(|&m| column[m][q]).sum::<f64>() / n;
                QuarterRow {
                    quarter: q as u32 + 1,
                    first_month: (q * QUARTER_MONTHS) as u32 + 1,
                    last_month: ((q + 1) * QUARTER_MONTHS).min(self.horizon) as u32,
                    spend_mean,
                    spend_p50: quantile_sorted(&spend, 0.5).unwrap_or(0.0),
                    spend_p90: quantile_sorted(&spend, 0.9).unwrap_or(0.0),
                    visible_benefit_mean: total(&self.visible_total),
                    risk_loss_mean: total(&self.loss_total),
                }
            })
            .collect()
    }
}

/// The figures of one portfolio, on every trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Member initiatives, ascending scenario indices.
    pub members: Vec<usize>,
    /// Mean NPV.
    pub npv_mean: f64,
    /// 10th percentile of NPV.
    pub npv_p10: f64,
    /// Median NPV.
    pub npv_p50: f64,
    /// 90th percentile of NPV.
    pub npv_p90: f64,
    /// Probability that the NPV is negative.
    pub prob_npv_negative: f64,
    /// Mean build and run spend in the budget window.
    pub spend_mean: f64,
    /// The spend's quantile at the plan's confidence.
    pub spend_quantile: f64,
    /// Probability that the spend stays within the budget.
    pub prob_within_budget: f64,
    /// Whether the portfolio meets the budget and the loss limit.
    pub fits: bool,
}

/// One quarter of a budget table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuarterRow {
    /// Quarter number, 1-based.
    pub quarter: u32,
    /// First month of the quarter.
    pub first_month: u32,
    /// Last month of the quarter (the horizon's last month for a short final quarter).
    pub last_month: u32,
    /// Mean build and run spend.
    pub spend_mean: f64,
    /// Median build and run spend.
    pub spend_p50: f64,
    /// 90th percentile of build and run spend.
    pub spend_p90: f64,
    /// Mean P&L-visible benefit.
    pub visible_benefit_mean: f64,
    /// Mean risk loss (not counted as spend).
    pub risk_loss_mean: f64,
}

/// One portfolio on the efficient-frontier chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    /// Mean NPV.
    pub npv_mean: f64,
    /// 10th percentile of NPV.
    pub npv_p10: f64,
    /// Whether it fits the budget (and the loss limit).
    pub fits: bool,
}

/// How the portfolios were searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Every portfolio screened, the best candidates evaluated on every trial.
    Exhaustive {
        /// Trials of the screening subsample (all trials when equal to the run's).
        screening_trials: usize,
        /// Portfolios evaluated on every trial.
        evaluated_on_all_trials: usize,
    },
    /// Greedy then local search, every portfolio evaluated on every trial.
    Heuristic,
}

/// The outcome of a budget plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the plan had to respect.
    pub settings: PlanSettings,
    /// How portfolios were searched.
    pub search: Search,
    /// Portfolios considered (every valid one when exhaustive).
    pub portfolios: usize,
    /// Fitting portfolios, best first: the chosen one and up to three runners-up.
    pub ranked: Vec<Evaluation>,
    /// When nothing fits: the portfolio with the lowest spend quantile.
    pub cheapest: Option<Evaluation>,
    /// The budget table of the chosen portfolio (empty when nothing fits).
    pub budget_table: Vec<QuarterRow>,
    /// Every portfolio considered, for the efficient-frontier chart.
    pub frontier: Vec<FrontierPoint>,
    /// Index into `frontier` of the chosen portfolio.
    pub chosen_point: Option<usize>,
}

impl Plan {
    /// Searches the portfolios of a simulated scenario.
    pub fn search(scenario: &Scenario, data: &InitiativeTrials, settings: PlanSettings) -> Plan {
        let closure = dependency_closure(scenario);
        let (search, evaluated, frontier, chosen_point, portfolios) = if closure.len() <= EXHAUSTIVE_LIMIT {
            exhaustive(data, &closure, &settings)
        } else {
            heuristic(data, &closure, &settings)
        };
        let ranked: Vec<Evaluation> = evaluated.into_iter().filter(|e| e.fits).take(RANKED).collect();
        let cheapest = if ranked.is_empty() { cheapest_portfolio(data, &closure, &settings) } else { None };
        let budget_table = ranked.first().map(|e| data.budget_table(&e.members)).unwrap_or_default();
        Plan { settings, search, portfolios, ranked, cheapest, budget_table, frontier, chosen_point }
    }

    /// The chosen portfolio, when one fits.
    pub fn chosen(&self) -> Option<&Evaluation> {
        self.ranked.first()
    }

    /// `plan.json`: the settings, how the search went, the chosen portfolio
    /// and its runners-up (or the cheapest when nothing fits) and the
    /// chosen portfolio's budget table.
    pub fn to_json(&self, source: Source, data: &InitiativeTrials) -> Value {
        let scenario = source.scenario;
        let portfolio = |e: &Evaluation| e.to_json(scenario, &self.settings);
        let search = match self.search {
            Search::Exhaustive { screening_trials, evaluated_on_all_trials } => json!({
                "method": "exhaustive",
                "portfolios": self.portfolios,
                "screening_trials": screening_trials,
                "evaluated_on_all_trials": evaluated_on_all_trials,
            }),
            Search::Heuristic => json!({
                "method": "greedy then local search",
                "portfolios": self.portfolios,
                "evaluated_on_all_trials": self.portfolios,
            }),
        };
        json!({
            "source": source.to_json(),
            "trials": data.trials,
            "seed": source.seed,
            "horizon_months": scenario.simulation.horizon_months,
            "currency": scenario.currency,
            "settings": {
                "budget": self.settings.budget,
                "budget_months": self.settings.budget_months,
                "confidence": self.settings.confidence,
                "max_loss_probability": self.settings.max_loss_probability,
                "spend": "build plus run cost, undiscounted, in months 1 to budget_months; risk losses are not spend",
            },
            "search": search,
            "fits": self.chosen().is_some(),
            "chosen": self.chosen().map(portfolio),
            "runners_up": self.ranked.iter().skip(1).map(portfolio).collect::<Vec<_>>(),
            "cheapest": self.cheapest.as_ref().map(portfolio),
            "budget_table": self.budget_table,
        })
    }
}

impl Evaluation {
    /// Names of the members, in scenario order.
    pub fn names<'a>(&self, scenario: &'a Scenario) -> Vec<&'a str> {
        self.members.iter().map(|&m| scenario.initiatives[m].name.as_str()).collect()
    }

    fn to_json(&self, scenario: &Scenario, settings: &PlanSettings) -> Value {
        json!({
            "initiatives": self.names(scenario),
            "npv": {"mean": self.npv_mean, "p10": self.npv_p10, "p50": self.npv_p50, "p90": self.npv_p90},
            "prob_npv_negative": self.prob_npv_negative,
            "spend": {"mean": self.spend_mean, "quantile": self.spend_quantile, "level": settings.confidence},
            "prob_within_budget": self.prob_within_budget,
            "fits": self.fits,
        })
    }
}

/// Each initiative with everything it depends on, transitively (ascending indices).
fn dependency_closure(scenario: &Scenario) -> Vec<Vec<usize>> {
    let n = scenario.initiatives.len();
    let mut closure: Vec<Vec<bool>> = vec![vec![false; n]; n];
    for i in scenario.dependency_order() {
        closure[i][i] = true;
        for &d in &scenario.initiatives[i].depends_on {
            let inherited = closure[d].clone();
            for (c, inherit) in closure[i].iter_mut().zip(inherited) {
                *c |= inherit;
            }
        }
    }
    closure.into_iter().map(|row| (0..n).filter(|&j| row[j]).collect()).collect()
}

/// The lowest-spend portfolio: the cheapest initiative without
/// dependencies (spend never falls when an initiative is added, and every
/// portfolio holds one of them).
fn cheapest_portfolio(data: &InitiativeTrials, closure: &[Vec<usize>], settings: &PlanSettings) -> Option<Evaluation> {
    (0..closure.len())
        .filter(|&i| closure[i].len() == 1)
        .map(|i| data.evaluate(&[i], settings))
        .min_by(|a, b| a.spend_quantile.total_cmp(&b.spend_quantile))
}

/// How many of `values` are at most `bound` (counted once, then used for
/// several levels by [`quantile_within`]).
fn count_within(values: &[f64], bound: f64) -> usize {
    values.iter().filter(|&&x| x <= bound).count()
}

/// Whether the type-7 quantile at `level` of `values` is at most `bound`,
/// given `within`, the number of values at most `bound`; no sorting.
///
/// With `h = (n − 1) level` and `j = floor(h)`, the quantile interpolates
/// the `j`-th and `(j+1)`-th smallest values (0-based): both are within the
/// bound when `within ≥ j + 2`, neither when `within ≤ j`. Only when
/// `within = j + 1` are the two values needed: the largest within the bound
/// and the smallest beyond it.
fn quantile_within(values: &[f64], within: usize, level: f64, bound: f64) -> bool {
    let n = values.len();
    if n == 0 {
        return true;
    }
    let h = (n - 1) as f64 * level.clamp(0.0, 1.0);
    let j = h.floor() as usize;
    let frac = h - j as f64;
    if within >= j + 2 || (within == j + 1 && (j + 1 == n || frac == 0.0)) {
        true
    } else if within <= j {
        false
    } else {
        let below = values.iter().copied().filter(|&x| x <= bound).fold(f64::NEG_INFINITY, f64::max);
        let above = values.iter().copied().filter(|&x| x > bound).fold(f64::INFINITY, f64::min);
        below + frac * (above - below) <= bound
    }
}

/// `x` as an integer with the order of [`f64::total_cmp`].
fn ordered_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The inverse of [`ordered_key`].
fn from_ordered_key(key: i64) -> f64 {
    f64::from_bits((key ^ ((((key >> 63) as u64) >> 1) as i64)) as u64)
}

/// The type-7 quantile of `values` at `level`, using `keys` as scratch.
///
/// Works on integer keys with the order of the values (comparing integers
/// is far cheaper than comparing floats in a total order), selects the
/// `(j+1)`-th smallest, and takes the `j`-th as the largest of the `j + 1`
/// keys before it: a short scan for a low level such as P10.
fn quantile_by_selection(values: &[f64], level: f64, keys: &mut Vec<i64>) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    keys.clear();
    keys.extend(values.iter().map(|&x| ordered_key(x)));
    let h = (n - 1) as f64 * level.clamp(0.0, 1.0);
    let j = h.floor() as usize;
    if j + 1 >= n {
        return from_ordered_key(keys.iter().copied().max().unwrap_or(0));
    }
    let (smaller, &mut hi, _) = keys.select_nth_unstable(j + 1);
    let (lo, hi) = (from_ordered_key(smaller.iter().copied().max().unwrap_or(hi)), from_ordered_key(hi));
    if hi == lo { lo } else { lo + (h - j as f64) * (hi - lo) }
}

/// What the screen learns about one portfolio from the subsample.
#[derive(Debug, Clone, Copy)]
struct Screened {
    mask: u32,
    /// Might fit: within the lenient screening margins.
    passes: bool,
    /// Fits on the subsample (the frontier's estimate).
    fits_estimate: bool,
    npv_p10: f64,
}

/// The screening thresholds on a subsample of `m` of `trials` trials.
struct Screen<'a> {
    settings: &'a PlanSettings,
    /// Spend quantile level a candidate must meet on the subsample.
    lenient_confidence: f64,
    /// Loss probability a candidate must not exceed on the subsample.
    lenient_loss: Option<f64>,
}

impl<'a> Screen<'a> {
    fn new(settings: &'a PlanSettings, m: usize, trials: usize) -> Screen<'a> {
        let margin = |p: f64| {
            if m >= trials { 0.0 } else { SCREEN_Z * (p * (1.0 - p)).max(1.0 / m as f64).sqrt() / (m as f64).sqrt() }
        };
        Screen {
            settings,
            lenient_confidence: (settings.confidence - margin(settings.confidence)).max(0.0),
            lenient_loss: settings.max_loss_probability.map(|p| p + margin(p)),
        }
    }

    fn judge(&self, mask: u32, npv: &[f64], spend: &[f64], keys: &mut Vec<i64>) -> Screened {
        let m = npv.len().max(1) as f64;
        let negative = npv.iter().filter(|&&x| x < 0.0).count() as f64 / m;
        let budget = self.settings.budget;
        let within = count_within(spend, budget);
        let passes = quantile_within(spend, within, self.lenient_confidence, budget)
            && self.lenient_loss.is_none_or(|p| negative <= p);
        let fits_estimate = quantile_within(spend, within, self.settings.confidence, budget)
            && self.settings.max_loss_probability.is_none_or(|p| negative <= p);
        Screened { mask, passes, fits_estimate, npv_p10: quantile_by_selection(npv, 0.10, keys) }
    }
}

fn members_of(mask: u32) -> Vec<usize> {
    (0..32).filter(|&i| mask & (1 << i) != 0).collect()
}

/// What a search returns: method, evaluated portfolios best first, frontier,
/// the chosen point and the number of portfolios considered.
type SearchOutcome = (Search, Vec<Evaluation>, Vec<FrontierPoint>, Option<usize>, usize);

/// Every portfolio: screened on a subsample, candidates evaluated on every trial.
fn exhaustive(data: &InitiativeTrials, closure: &[Vec<usize>], settings: &PlanSettings) -> SearchOutcome {
    let n = closure.len();
    let closure_mask: Vec<u32> = closure.iter().map(|c| c.iter().fold(0, |m, &i| m | (1 << i))).collect();
    let closed = |mask: u32| (0..n).all(|i| mask & (1 << i) == 0 || closure_mask[i] & !mask == 0);
    let portfolios = (1u32..1 << n).filter(|&mask| closed(mask)).count();
    let trials = data.trials;
    let m = if portfolios.saturating_mul(trials) <= FULL_SCREEN_WORK {
        trials
    } else {
        (FULL_SCREEN_WORK / portfolios.max(1)).max(SCREENING_TRIALS).min(trials)
    };
    let sample: Vec<usize> = (0..m).map(|j| j * trials / m).collect();
    let column = |source: &Vec<f64>| -> Vec<f64> { sample.iter().map(|&k| source[k]).collect() };
    let npv: Vec<Vec<f64>> = data.npv.iter().map(column).collect();
    let spend: Vec<Vec<f64>> = data.window_spend.iter().map(column).collect();
    let screen = Screen::new(settings, m, trials);

    let chunk_bits = CHUNK_BITS.min(n);
    let screened: Vec<Screened> = (0u32..1 << (n - chunk_bits))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let first = chunk << chunk_bits;
            let mut mask = first ^ (first >> 1);
            let mut npv_sum = vec![0.0; m];
            let mut spend_sum = vec![0.0; m];
            for i in members_of(mask) {
                add(&mut npv_sum, &npv[i], 1.0);
                add(&mut spend_sum, &spend[i], 1.0);
            }
            let mut keys = Vec::with_capacity(m);
            let mut out = Vec::new();
            for rank in first..first + (1 << chunk_bits) {
                if rank > first {
                    let bit = rank.trailing_zeros() as usize;
                    mask ^= 1 << bit;
                    let sign = if mask & (1 << bit) != 0 { 1.0 } else { -1.0 };
                    add(&mut npv_sum, &npv[bit], sign);
                    add(&mut spend_sum, &spend[bit], sign);
                }
                if mask != 0 && closed(mask) {
                    out.push(screen.judge(mask, &npv_sum, &spend_sum, &mut keys));
                }
            }
            out
        })
        .collect();

    let means: Vec<f64> = (0..n).map(|i| data.npv_mean(i)).collect();
    let mean_of = |mask: u32| members_of(mask).iter().map(|&i| means[i]).sum::<f64>();
    let mut frontier: Vec<FrontierPoint> = screened
        .iter()
        .map(|s| FrontierPoint { npv_mean: mean_of(s.mask), npv_p10: s.npv_p10, fits: s.fits_estimate })
        .collect();
    let mut order: Vec<usize> = (0..screened.len()).filter(|&p| screened[p].passes).collect();
    order.sort_by(|&x, &y| {
        frontier[y].npv_mean.total_cmp(&frontier[x].npv_mean).then(screened[x].mask.cmp(&screened[y].mask))
    });
    let mut evaluated = Vec::new();
    let mut chosen_point = None;
    let mut fitting = 0;
    for p in order {
        let evaluation = data.evaluate(&members_of(screened[p].mask), settings);
        frontier[p].npv_p10 = evaluation.npv_p10;
        frontier[p].fits = evaluation.fits;
        if evaluation.fits {
            chosen_point = chosen_point.or(Some(p));
            fitting += 1;
        }
        evaluated.push(evaluation);
        if fitting == RANKED {
            break;
        }
    }
    let search = Search::Exhaustive { screening_trials: m, evaluated_on_all_trials: evaluated.len() };
    (search, evaluated, frontier, chosen_point, portfolios)
}

/// `sum += sign * column`, element by element.
fn add(sum: &mut [f64], column: &[f64], sign: f64) {
    for (s, x) in sum.iter_mut().zip(column) {
        *s += sign * x;
    }
}

/// Greedy then local search over portfolios, each evaluated on every trial.
fn heuristic(data: &InitiativeTrials, closure: &[Vec<usize>], settings: &PlanSettings) -> SearchOutcome {
    let n = closure.len();
    let mut seen: BTreeMap<Vec<usize>, Evaluation> = BTreeMap::new();
    let mut evaluate_all = |candidates: Vec<Vec<usize>>| -> Vec<Evaluation> {
        let fresh: Vec<Vec<usize>> = candidates.iter().filter(|c| !seen.contains_key(*c)).cloned().collect();
        let results: Vec<Evaluation> = fresh.par_iter().map(|c| data.evaluate(c, settings)).collect();
        for e in results {
            seen.insert(e.members.clone(), e);
        }
        candidates.iter().map(|c| seen[c].clone()).collect()
    };
    let union = |set: &[usize], extra: &[usize]| -> Vec<usize> {
        let mut members: Vec<usize> = set.iter().chain(extra).copied().collect();
        members.sort_unstable();
        members.dedup();
        members
    };
    let within_budget = |e: &Evaluation| e.spend_quantile <= settings.budget;

    // Greedy: most mean NPV per unit of added spend quantile, within the budget.
    let mut current: Option<Evaluation> = None;
    loop {
        let base = current.as_ref().map_or(&[][..], |c| &c.members[..]);
        let candidates: Vec<Vec<usize>> =
            (0..n).filter(|i| !base.contains(i)).map(|i| union(base, &closure[i])).collect();
        let (base_mean, base_spend) = current.as_ref().map_or((0.0, 0.0), |c| (c.npv_mean, c.spend_quantile));
        let evaluated = evaluate_all(candidates);
        let best = evaluated
            .iter()
            .filter(|e| within_budget(e) && e.npv_mean > base_mean)
            .map(|e| ((e.npv_mean - base_mean) / (e.spend_quantile - base_spend).max(1.0), e))
            .max_by(|(a, x), (b, y)| a.total_cmp(b).then(y.members.cmp(&x.members)));
        match best {
            Some((_, e)) => current = Some(e.clone()),
            None => {
                // When no initiative adds value on its own, start from the best one within the budget.
                if current.is_none() {
                    current = evaluated
                        .into_iter()
                        .filter(within_budget)
                        .max_by(|a, b| a.npv_mean.total_cmp(&b.npv_mean).then(b.members.cmp(&a.members)));
                }
                break;
            }
        }
    }

    // Local search: best improving add, remove or swap; keeping the loss limit comes first.
    let better = |a: &Evaluation, b: &Evaluation| (a.fits, a.npv_mean) > (b.fits, b.npv_mean);
    while let Some(c) = current.clone() {
        let dependents =
            |i: usize| -> Vec<usize> { c.members.iter().copied().filter(|&j| closure[j].contains(&i)).collect() };
        let removals: Vec<Vec<usize>> = c
            .members
            .iter()
            .map(|&i| c.members.iter().copied().filter(|j| !dependents(i).contains(j)).collect())
            .collect();
        let mut candidates: Vec<Vec<usize>> = Vec::new();
        for reduced in std::iter::once(c.members.clone()).chain(removals) {
            if reduced != c.members && !reduced.is_empty() {
                candidates.push(reduced.clone());
            }
            candidates.extend((0..n).filter(|i| !reduced.contains(i)).map(|i| union(&reduced, &closure[i])));
        }
        candidates.sort();
        candidates.dedup();
        let best = evaluate_all(candidates)
            .into_iter()
            .filter(within_budget)
            .reduce(|x, y| if better(&y, &x) { y } else { x });
        match best {
            Some(e) if better(&e, &c) => current = Some(e),
            _ => break,
        }
    }

    // The best fitting portfolio met on the way is the answer (the local
    // optimum, unless a greedy step passed a better one).
    let mut evaluated: Vec<Evaluation> = seen.into_values().collect();
    evaluated.sort_by(|a, b| b.npv_mean.total_cmp(&a.npv_mean).then(a.members.cmp(&b.members)));
    let frontier: Vec<FrontierPoint> =
        evaluated.iter().map(|e| FrontierPoint { npv_mean: e.npv_mean, npv_p10: e.npv_p10, fits: e.fits }).collect();
    let chosen_point = evaluated.iter().position(|e| e.fits);
    let portfolios = evaluated.len();
    (Search::Heuristic, evaluated, frontier, chosen_point, portfolios)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_shortcuts_match_sorting() {
        let values = [5.0, -1.5, 9.0, 3.0, 7.0, -0.0, 7.0, 2.0, -8.0];
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        for level in [0.0, 0.1, 0.5, 0.9, 0.95, 1.0] {
            let q = quantile_sorted(&sorted, level).unwrap();
            for bound in [-9.0, -1.0, 0.0, 2.5, 3.0, q - 1e-9, q, q + 1e-9, 7.0, 8.9, 9.0, 10.0] {
                let within = quantile_within(&values, count_within(&values, bound), level, bound);
                assert_eq!(within, q <= bound, "level {level} bound {bound} q {q}");
            }
            assert_eq!(quantile_by_selection(&values, level, &mut Vec::new()), q);
        }
    }

    /// Eight initiatives with chains of dependencies: the heuristic used
    /// above [`EXHAUSTIVE_LIMIT`] finds the exhaustive search's best
    /// portfolio at several budgets, with and without a loss limit, also when
    /// every initiative destroys value.
    #[test]
    fn heuristic_agrees_with_exhaustive_search() {
        // Benefits at full scale, and at a twentieth: then every initiative destroys value.
        for benefit_divisor in [1, 20] {
            heuristic_agrees_at(benefit_divisor);
        }
    }

    fn heuristic_agrees_at(benefit_divisor: usize) {
        let mut text =
            String::from("[simulation]\ntrials = 3000\nhorizon_months = 36\nseed = 11\ndiscount_rate = 0.1\n");
        for i in 0..8 {
            let depends = if i % 3 == 2 { format!("depends_on = [\"I{}\"]\n", i - 1) } else { String::new() };
            text += &format!(
                "[[initiatives]]\nname = \"I{i}\"\nkind = \"{}\"\n{depends}\
                 build_cost = {{ pert = [{lo}, {mode}, {hi}] }}\nbuild_months = {{ uniform = [1, 5] }}\n\
                 run_cost_per_month = 800\nbenefit_per_month = {{ lognormal = {{ p10 = {b10}, p90 = {b90} }} }}\n\
                 [[initiatives.risks]]\nname = \"Outage\"\nevents_per_year = 0.4\n\
                 cost_per_event = {{ lognormal = {{ p10 = 5000, p90 = 90000 }} }}\n",
                if i % 2 == 0 { "it" } else { "bpa" },
                lo = 30_000 + 9_000 * i,
                mode = 50_000 + 11_000 * i,
                hi = 90_000 + 20_000 * i,
                b10 = (2_000 + 700 * ((i * 5) % 8)) / benefit_divisor,
                b90 = (9_000 + 1_500 * ((i * 3) % 8)) / benefit_divisor,
            );
        }
        let scenario = Scenario::parse(&text, "heuristic.toml").unwrap();
        let closure = dependency_closure(&scenario);
        let data = InitiativeTrials::simulate(&scenario, RunSettings { trials: 3000, seed: 11 }, 12, &|_| {});
        for budget in [60_000.0, 150_000.0, 300_000.0, 600_000.0] {
            for max_loss_probability in [None, Some(0.05)] {
                let settings = PlanSettings { budget, budget_months: 12, confidence: 0.9, max_loss_probability };
                let best = |outcome: SearchOutcome| outcome.1.into_iter().find(|e| e.fits).map(|e| e.members);
                assert_eq!(
                    best(heuristic(&data, &closure, &settings)),
                    best(exhaustive(&data, &closure, &settings)),
                    "benefit / {benefit_divisor}, budget {budget}, loss limit {max_loss_probability:?}"
                );
            }
        }
    }

    /// With 14 initiatives and 6,000 trials the screen works on a subsample;
    /// its best four fitting portfolios are those found by evaluating every
    /// portfolio on every trial in order of mean NPV until four fit.
    #[test]
    fn screening_on_a_subsample_loses_no_fitting_portfolio() {
        let mut text = String::from("[simulation]\nhorizon_months = 24\ndiscount_rate = 0.1\n");
        for i in 0..14 {
            text += &format!(
                "[[initiatives]]\nname = \"I{i}\"\nkind = \"it\"\nbuild_cost = {{ uniform = [{lo}, {hi}] }}\n\
                 build_months = {{ uniform = [1, 8] }}\nrun_cost_per_month = 300\n\
                 benefit_per_month = {{ normal = {{ mean = {b}, sd = 2500 }} }}\n",
                lo = 10_000 + 3_000 * i,
                hi = 30_000 + 3_000 * i + 5_000 * ((i * 7) % 11),
                b = 1_000 + 400 * ((i * 5) % 13),
            );
        }
        let scenario = Scenario::parse(&text, "screen.toml").unwrap();
        let closure = dependency_closure(&scenario);
        let data = InitiativeTrials::simulate(&scenario, RunSettings { trials: 6000, seed: 3 }, 12, &|_| {});
        let means: Vec<f64> = (0..14).map(|i| data.npv_mean(i)).collect();
        let mut all: Vec<u32> = (1..1 << 14).collect();
        let mean_of = |mask: u32| members_of(mask).iter().map(|&i| means[i]).sum::<f64>();
        all.sort_by(|&x, &y| mean_of(y).total_cmp(&mean_of(x)).then(x.cmp(&y)));
        for (budget, max_loss_probability) in [(150_000.0, None), (250_000.0, Some(0.2)), (400_000.0, None)] {
            let settings = PlanSettings { budget, budget_months: 12, confidence: 0.9, max_loss_probability };
            let (search, evaluated, ..) = exhaustive(&data, &closure, &settings);
            assert!(matches!(search, Search::Exhaustive { screening_trials, .. } if screening_trials < 6000));
            let screened: Vec<Vec<usize>> = evaluated.into_iter().filter(|e| e.fits).map(|e| e.members).collect();
            let brute: Vec<Vec<usize>> = all
                .iter()
                .map(|&mask| data.evaluate(&members_of(mask), &settings))
                .filter(|e| e.fits)
                .take(RANKED)
                .map(|e| e.members)
                .collect();
            assert_eq!(screened, brute, "budget {budget}");
            assert_eq!(screened.len(), RANKED);
        }
    }

    #[test]
    fn dependency_closure_is_transitive() {
        let text = "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n".to_string()
            + &["A", "B", "C"]
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let depends =
                        if i > 0 { format!("depends_on = [\"{}\"]\n", ["A", "B"][i - 1]) } else { String::new() };
                    format!(
                        "[[initiatives]]\nname = \"{name}\"\nkind = \"it\"\n{depends}build_cost = 1\nbuild_months = 1\n\
                         benefit_per_month = 1\n"
                    )
                })
                .collect::<String>();
        let scenario = Scenario::parse(&text, "closure.toml").unwrap();
        assert_eq!(dependency_closure(&scenario), vec![vec![0], vec![0, 1], vec![0, 1, 2]]);
    }
}
