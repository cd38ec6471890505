//! Choosing which initiatives to fund under budgets.
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
//! A plan has one or more budget windows ([`windows`]: months 1 to 12 by
//! default, a fiscal year, or any run of months), each a chance constraint:
//! a portfolio *fits* when, in every window, the quantile at `confidence`
//! (P90 by default) of its spend in that window is at most the window's
//! budget, and, when a limit is given, its probability of a negative NPV is
//! at most that limit. Among fitting portfolios roicast picks the one with
//! the highest mean NPV. What a portfolio may hold ([`controls`]): everything
//! its members depend on, transitively (an initiative is never funded
//! without its dependencies), every `--include`d initiative, no
//! `--exclude`d one, at most one member of each `[[alternatives]]` group,
//! and at least one initiative.
//!
//! # One simulation, every portfolio
//!
//! [`InitiativeTrials::simulate`] runs the scenario once and keeps, per trial
//! and initiative, the NPV contribution, the spend in each budget window and
//! the spend of every quarter (plus per month the totals of visible benefit
//! and loss). A portfolio's figures in a trial are the sums of its members':
//! the model's set metrics are sums of members, dependencies only gate
//! go-live, and a funded initiative always has its dependencies funded, so
//! each member's cash flows are exactly those of the full simulation. The
//! members' inputs keep the joint distribution (correlations included) they
//! have in the scenario.
//!
//! # Search
//!
//! The search runs over the *free* initiatives: those neither required (the
//! includes and their dependencies, in every portfolio) nor ruled out. Up
//! to [`EXHAUSTIVE_LIMIT`] free initiatives, every portfolio is considered:
//!
//! 1. A portfolio's mean NPV is the sum of its members' means, exact on all
//!    trials, so the ranking by mean NPV needs no sampling.
//! 2. Whether it fits depends on the distribution of the sums. Every
//!    portfolio is *screened* on one fixed, evenly spaced subsample of the
//!    trials (the same trials for every portfolio): all trials when
//!    portfolios × trials is at most 2²⁵, otherwise at least
//!    [`SCREENING_TRIALS`]. The screen is deliberately lenient: a portfolio
//!    passes unless its subsample misses a budget by more than four
//!    binomial standard errors, so a portfolio that truly fits is screened
//!    out with probability below 1 in 30,000 per window. Sums over members
//!    are updated one initiative at a time along a Gray code.
//! 3. Portfolios that pass are taken in order of mean NPV and evaluated
//!    exactly on every trial until four fit: the chosen one and the next
//!    best three.
//!
//! The efficient frontier shows every portfolio: mean NPV (exact) against
//! P10 NPV; the P10 and the fit are exact for portfolios evaluated on every
//! trial and estimated from the screening subsample for the others.
//!
//! Above [`EXHAUSTIVE_LIMIT`] free initiatives (over a million portfolios)
//! the search is a heuristic on every trial: greedy, from the required
//! initiatives, adding the initiative (with its missing dependencies) that
//! brings the most mean NPV per unit of added spend quantile (each window's
//! spend weighed by how tight its budget is) while the budgets still hold;
//! then local search by adding, removing (with dependents) or swapping one
//! initiative, taking the best improving move until none improves (a
//! portfolio breaking the loss limit first moves towards one that keeps
//! it). It finds a good portfolio, not necessarily the best.

pub mod controls;
pub mod windows;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::calendar::{Period, Periods};
use crate::compare::Source;
use crate::engine::{BlockVisitor, RunSettings, simulate_blocks};
use crate::error::Error;
use crate::format::money;
use crate::model::{Model, TileFlows};
use crate::sampling::{InputBlock, block_count};
use crate::scenario::Scenario;
use crate::stats::quantile_sorted;
use crate::voi::{Estimate, evpi};
pub use controls::{Controls, Space, dependency_closure};
pub use windows::{BudgetSpec, BudgetWindow, WindowSpec, parse_window};

/// The most free initiatives searched exhaustively (2²⁰ portfolios).
pub const EXHAUSTIVE_LIMIT: usize = 20;

/// Trials in the screening subsample when not every trial is used.
pub const SCREENING_TRIALS: usize = 2000;

/// Portfolio-trial evaluations up to which the screen uses every trial.
const FULL_SCREEN_WORK: usize = 1 << 25;

/// Screening margin, in binomial standard errors.
const SCREEN_Z: f64 = 4.0;

/// How many fitting portfolios are reported: the chosen one and the next best three.
pub const RANKED: usize = 4;

/// Gray-code ranks per unit of parallel work in the exhaustive screen.
const CHUNK_BITS: usize = 12;

/// Length of the budget window of a plain `--budget AMOUNT` when `--budget-months` is not given.
pub const DEFAULT_BUDGET_MONTHS: u32 = 12;

/// A plan as the command line asks for it, before a scenario gives its
/// names and windows a meaning ([`PlanRequest::resolve`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// The budgets, each with its window.
    pub budgets: Vec<BudgetSpec>,
    /// Months of a plain `--budget AMOUNT`, when `--budget-months` is given.
    pub budget_months: Option<u32>,
    /// The spend quantile that must stay within each budget (0.9: P90).
    pub confidence: f64,
    /// The highest acceptable probability of a negative NPV, if any.
    pub max_loss_probability: Option<f64>,
    /// Initiatives to fund and not to fund.
    pub controls: Controls,
}

impl PlanRequest {
    /// The settings of this plan for a scenario; every problem is a bad input.
    pub fn resolve(&self, scenario: &Scenario) -> Result<PlanSettings, Error> {
        if self.budgets.is_empty() {
            return Err(Error::Input("a plan needs at least one --budget".into()));
        }
        if self.budget_months.is_some() && !self.budgets.iter().any(|b| b.window == WindowSpec::FirstMonths) {
            return Err(Error::Input(
                "--budget-months sets the window of a plain --budget AMOUNT, and every --budget here names its own \
                 window"
                    .into(),
            ));
        }
        if !(self.confidence > 0.0 && self.confidence <= 1.0) {
            return Err(Error::Input(format!("--confidence must be in (0, 1], not {}", self.confidence)));
        }
        if let Some(p) = self.max_loss_probability.filter(|p| !(0.0..=1.0).contains(p)) {
            return Err(Error::Input(format!("--max-loss-probability must be in [0, 1], not {p}")));
        }
        let budget_months = self.budget_months.unwrap_or(DEFAULT_BUDGET_MONTHS);
        let mut budgets: Vec<BudgetWindow> = Vec::with_capacity(self.budgets.len());
        for spec in &self.budgets {
            let window = spec.resolve(scenario, budget_months).map_err(Error::Input)?;
            if !(window.amount.is_finite() && window.amount >= 0.0) {
                return Err(Error::Input(format!("--budget must be a non-negative amount, not {}", window.amount)));
            }
            if let Some(twin) =
                budgets.iter().find(|b| (b.first_month, b.last_month) == (window.first_month, window.last_month))
            {
                return Err(Error::Input(format!(
                    "two --budget values cover the same months: {} and {}",
                    twin.describe(),
                    window.describe()
                )));
            }
            budgets.push(window);
        }
        let space = Space::new(scenario, &self.controls).map_err(Error::Input)?;
        Ok(PlanSettings {
            budgets,
            confidence: self.confidence,
            max_loss_probability: self.max_loss_probability,
            space,
        })
    }
}

/// What a plan must respect, resolved against a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    /// The budgets, each for the build and run spend of its months.
    pub budgets: Vec<BudgetWindow>,
    /// The spend quantile that must stay within each budget (0.9: P90).
    pub confidence: f64,
    /// The highest acceptable probability of a negative NPV, if any.
    pub max_loss_probability: Option<f64>,
    /// The portfolios the plan may choose from.
    pub space: Space,
}

impl PlanSettings {
    /// Whether every window's spend quantile is within its budget.
    pub fn within_budgets(&self, spend: &[WindowSpend]) -> bool {
        spend.iter().zip(&self.budgets).all(|(s, b)| s.quantile <= b.amount)
    }

    /// Spend quantiles added up across windows, each as a share of its
    /// budget times the mean budget (for one window, the quantile itself).
    fn weighted_spend(&self, spend: &[WindowSpend]) -> f64 {
        let amounts: Vec<f64> = self.budgets.iter().map(|b| b.amount.max(1.0)).collect();
        let mean = amounts.iter().sum::<f64>() / amounts.len().max(1) as f64;
        spend.iter().zip(&amounts).map(|(s, a)| s.quantile * (mean / a)).sum()
    }

    /// How far the spend misses its budgets: the largest quantile minus budget over windows.
    fn overshoot(&self, spend: &[WindowSpend]) -> f64 {
        spend.iter().zip(&self.budgets).map(|(s, b)| s.quantile - b.amount).fold(f64::NEG_INFINITY, f64::max)
    }

    /// "$60.0k in months 1–12" or "$400k in FY2028 (months 4–15) and $300k in FY2029 (months 16–27)".
    pub fn windows_text(&self, currency: &str) -> String {
        let parts: Vec<String> =
            self.budgets.iter().map(|b| format!("{} in {}", money(b.amount, currency), b.describe())).collect();
        match parts.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// "the $60.0k budget" for one window, "every budget" for several.
    pub fn budget_phrase(&self, currency: &str) -> String {
        match self.budgets.as_slice() {
            [one] => format!("the {} budget", money(one.amount, currency)),
            _ => "every budget".to_string(),
        }
    }
}

/// Per-trial, per-initiative results of one simulation: what every portfolio is built from.
#[derive(Debug, Clone)]
pub struct InitiativeTrials {
    trials: usize,
    /// The quarters of the horizon (fiscal quarters with a calendar).
    quarters: Vec<Period>,
    /// The years of the horizon (fiscal years with a calendar); each holds whole quarters.
    years: Vec<Period>,
    /// The budget windows `(first_month, last_month)` the spend was kept for.
    windows: Vec<(u32, u32)>,
    /// NPV of each initiative's own cash flows, `[initiative][trial]`.
    npv: Vec<Vec<f64>>,
    /// Build and run spend in each budget window, `[window][initiative][trial]`.
    window_spend: Vec<Vec<Vec<f64>>>,
    /// Build and run spend per quarter, `[initiative][trial * quarters + quarter]`.
    quarterly_spend: Vec<Vec<f64>>,
    /// Visible benefit per month summed over trials, `[initiative][month - 1]`.
    visible_total: Vec<Vec<f64>>,
    /// Risk loss per month summed over trials, `[initiative][month - 1]`.
    loss_total: Vec<Vec<f64>>,
}

/// One block's share of [`InitiativeTrials`].
struct BlockPart {
    npv: Vec<Vec<f64>>,
    window_spend: Vec<Vec<Vec<f64>>>,
    quarterly_spend: Vec<Vec<f64>>,
    visible_total: Vec<Vec<f64>>,
    loss_total: Vec<Vec<f64>>,
    /// One trial's spend per month, reused.
    month_spend: Vec<f64>,
}

/// The visitor that fills [`InitiativeTrials`].
struct Collector {
    initiatives: usize,
    horizon: usize,
    /// Quarter index of each month.
    quarter_of: Vec<usize>,
    quarters: usize,
    windows: Vec<(u32, u32)>,
}

impl BlockVisitor for Collector {
    type State = BlockPart;
    type Output = BlockPart;

    fn start(&self, _block: u64) -> BlockPart {
        let per_initiative = |len: usize| vec![vec![0.0; len]; self.initiatives];
        BlockPart {
            npv: per_initiative(0),
            window_spend: vec![per_initiative(0); self.windows.len()],
            quarterly_spend: per_initiative(0),
            visible_total: per_initiative(self.horizon),
            loss_total: per_initiative(self.horizon),
            month_spend: vec![0.0; self.horizon],
        }
    }

    fn visit(&self, part: &mut BlockPart, model: &Model, _trial: u64, _: &InputBlock, _: usize, flows: &TileFlows) {
        for l in 0..flows.trials {
            for (i, f) in flows.initiatives.iter().enumerate() {
                let base = part.quarterly_spend[i].len();
                part.quarterly_spend[i].resize(base + self.quarters, 0.0);
                let mut npv = 0.0;
                for (t, &discount) in model.discount().iter().enumerate() {
                    npv += (f.benefit[t][l] - f.cost[t][l]) * discount;
                    let spend = f.cost[t][l] - f.loss[t][l];
                    part.month_spend[t] = spend;
                    part.quarterly_spend[i][base + self.quarter_of[t]] += spend;
                    part.visible_total[i][t] += f.visible[t][l];
                    part.loss_total[i][t] += f.loss[t][l];
                }
                part.npv[i].push(npv);
                for (w, &(first, last)) in self.windows.iter().enumerate() {
                    let spend = part.month_spend[first as usize - 1..last as usize].iter().sum();
                    part.window_spend[w][i].push(spend);
                }
            }
        }
    }

    fn finish(&self, part: BlockPart) -> BlockPart {
        part
    }
}

impl InitiativeTrials {
    /// Runs the scenario once and keeps what portfolios are evaluated from,
    /// with the spend of each of `windows` (all within the horizon).
    ///
    /// `progress` is called with the trials of each finished block.
    pub fn simulate(
        scenario: &Scenario,
        settings: RunSettings,
        windows: &[BudgetWindow],
        progress: &(dyn Fn(u64) + Sync),
    ) -> InitiativeTrials {
        let initiatives = scenario.initiatives.len();
        let horizon = scenario.simulation.horizon_months;
        let periods = Periods { calendar: scenario.calendar, horizon };
        let (quarters, years) = (periods.quarters(), periods.years());
        let quarter_of = (1..=horizon).map(|t| quarters.iter().position(|q| q.contains(t)).unwrap_or(0)).collect();
        let windows: Vec<(u32, u32)> = windows.iter().map(|w| (w.first_month, w.last_month)).collect();
        let collector = Collector {
            initiatives,
            horizon: horizon as usize,
            quarter_of,
            quarters: quarters.len(),
            windows: windows.clone(),
        };
        let parts = simulate_blocks(scenario, settings, 0..block_count(settings.trials), &collector, progress);
        let mut data = InitiativeTrials {
            trials: settings.trials as usize,
            quarters,
            years,
            windows,
            npv: vec![Vec::new(); initiatives],
            window_spend: vec![vec![Vec::new(); initiatives]; collector.windows.len()],
            quarterly_spend: vec![Vec::new(); initiatives],
            visible_total: vec![vec![0.0; horizon as usize]; initiatives],
            loss_total: vec![vec![0.0; horizon as usize]; initiatives],
        };
        for part in parts {
            for i in 0..initiatives {
                data.npv[i].extend_from_slice(&part.npv[i]);
                for (all, block) in data.window_spend.iter_mut().zip(&part.window_spend) {
                    all[i].extend_from_slice(&block[i]);
                }
                data.quarterly_spend[i].extend_from_slice(&part.quarterly_spend[i]);
                for t in 0..horizon as usize {
                    data.visible_total[i][t] += part.visible_total[i][t];
                    data.loss_total[i][t] += part.loss_total[i][t];
                }
            }
        }
        data
    }

    /// Number of trials.
    pub fn trials(&self) -> usize {
        self.trials
    }

    /// The NPV of one initiative's own cash flows, trial by trial.
    pub fn npv(&self, initiative: usize) -> &[f64] {
        &self.npv[initiative]
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
        let q = |sorted: &[f64], p| quantile_sorted(sorted, p).unwrap_or(0.0);
        let mut npv = self.sum_columns(&self.npv, members);
        let npv_mean = npv.iter().sum::<f64>() / n;
        let prob_npv_negative = npv.iter().filter(|&&x| x < 0.0).count() as f64 / n;
        let mut within_all = vec![true; self.trials];
        let spend: Vec<WindowSpend> = settings
            .budgets
            .iter()
            .zip(&self.window_spend)
            .map(|(budget, column)| {
                let mut spend = self.sum_columns(column, members);
                for (within, &s) in within_all.iter_mut().zip(&spend) {
                    *within &= s <= budget.amount;
                }
                let mean = spend.iter().sum::<f64>() / n;
                let prob_within = spend.iter().filter(|&&x| x <= budget.amount).count() as f64 / n;
                spend.sort_unstable_by(f64::total_cmp);
                WindowSpend { mean, quantile: q(&spend, settings.confidence), prob_within }
            })
            .collect();
        npv.sort_unstable_by(f64::total_cmp);
        let fits =
            settings.within_budgets(&spend) && settings.max_loss_probability.is_none_or(|p| prob_npv_negative <= p);
        Evaluation {
            members: members.to_vec(),
            npv_mean,
            npv_p10: q(&npv, 0.10),
            npv_p50: q(&npv, 0.50),
            npv_p90: q(&npv, 0.90),
            prob_npv_negative,
            prob_within_budgets: within_all.iter().filter(|&&w| w).count() as f64 / n,
            spend,
            fits,
        }
    }

    /// A row of a budget table: the distribution of `spend` (per trial) over
    /// months `first..=last`, with the mean visible benefit and risk loss of
    /// `members` in those months.
    fn budget_row(&self, members: &[usize], period: &str, (first, last): (u32, u32), mut spend: Vec<f64>) -> BudgetRow {
        let n = self.trials.max(1) as f64;
        let spend_mean = spend.iter().sum::<f64>() / n;
        spend.sort_unstable_by(f64::total_cmp);
        let months = first as usize - 1..last as usize;
        let total = |column: &[Vec<f64>]| {
            members.iter().map(|&m| column[m][months.clone()].iter().sum::<f64>()).sum::<f64>() / n
        };
        BudgetRow {
            period: period.to_string(),
            first_month: first,
            last_month: last,
            spend_mean,
            spend_p50: quantile_sorted(&spend, 0.5).unwrap_or(0.0),
            spend_p90: quantile_sorted(&spend, 0.9).unwrap_or(0.0),
            visible_benefit_mean: total(&self.visible_total),
            risk_loss_mean: total(&self.loss_total),
            budget: None,
        }
    }

    /// The budget table of a portfolio: per quarter of the horizon (fiscal
    /// quarters with a calendar), the distribution of its build and run
    /// spend, and its mean visible benefit and risk loss.
    pub fn budget_table(&self, members: &[usize]) -> Vec<BudgetRow> {
        self.period_table(members, &self.quarters)
    }

    /// The budget table's totals by year of the horizon (fiscal years with
    /// a calendar, else months 1–12, 13–24, …), as [`Self::budget_table`]
    /// shows quarters: the spend's quantiles are those of each trial's
    /// spend over the whole year.
    pub fn year_table(&self, members: &[usize]) -> Vec<BudgetRow> {
        self.period_table(members, &self.years)
    }

    /// A budget table of `periods`, each made of whole quarters: per trial,
    /// the spend of its quarters added up.
    fn period_table(&self, members: &[usize], periods: &[Period]) -> Vec<BudgetRow> {
        let count = self.quarters.len();
        periods
            .iter()
            .map(|period| {
                let inside: Vec<usize> =
                    (0..count).filter(|&q| period.contains(self.quarters[q].first_month)).collect();
                let mut spend = vec![0.0; self.trials];
                for &m in members {
                    let column = &self.quarterly_spend[m];
                    for (k, s) in spend.iter_mut().enumerate() {
                        for &q in &inside {
                            *s += column[k * count + q];
                        }
                    }
                }
                self.budget_row(members, &period.label, (period.first_month, period.last_month), spend)
            })
            .collect()
    }

    /// The budget table's totals by window: one row per budget window, with
    /// the budget, the spend quantile it is judged on and P(within budget).
    pub fn window_table(&self, members: &[usize], settings: &PlanSettings) -> Vec<BudgetRow> {
        let evaluation = self.evaluate(members, settings);
        settings
            .budgets
            .iter()
            .zip(&self.window_spend)
            .zip(&evaluation.spend)
            .map(|((budget, column), spend)| {
                let mut row = self.budget_row(
                    members,
                    &budget.label,
                    (budget.first_month, budget.last_month),
                    self.sum_columns(column, members),
                );
                row.budget = Some(BudgetCheck {
                    amount: budget.amount,
                    spend_quantile: spend.quantile,
                    level: settings.confidence,
                    prob_within_budget: spend.prob_within,
                });
                row
            })
            .collect()
    }
}

/// A portfolio's spend in one budget window, on every trial.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WindowSpend {
    /// Mean build and run spend in the window.
    pub mean: f64,
    /// The spend's quantile at the plan's confidence.
    pub quantile: f64,
    /// Probability that the spend stays within the window's budget.
    pub prob_within: f64,
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
    /// The spend in each budget window, in the order of the plan's budgets.
    pub spend: Vec<WindowSpend>,
    /// Probability that the spend stays within every budget at once.
    pub prob_within_budgets: f64,
    /// Whether the portfolio meets every budget and the loss limit.
    pub fits: bool,
}

/// A budget window's check in a budget table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BudgetCheck {
    /// The budget.
    pub amount: f64,
    /// The spend quantile at `level`, which must be within the budget.
    pub spend_quantile: f64,
    /// The plan's confidence.
    pub level: f64,
    /// Probability that the spend stays within the budget.
    pub prob_within_budget: f64,
}

/// One period of a budget table: a quarter, a year, or a budget window's total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetRow {
    /// `Q3` or `Year 2`, `FY2028 Q1` or `FY2028` (with a calendar), or a budget window's label.
    pub period: String,
    /// First month of the period.
    pub first_month: u32,
    /// Last month of the period (the horizon's last month for a short final quarter).
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
    /// For a budget window's row: its budget and how the spend meets it.
    pub budget: Option<BudgetCheck>,
}

/// One portfolio on the efficient-frontier chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    /// Mean NPV.
    pub npv_mean: f64,
    /// 10th percentile of NPV.
    pub npv_p10: f64,
    /// Whether it fits the budgets (and the loss limit).
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

/// One initiative as a plan sees it: its own figures and what learning more about it is worth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitiativeFigures {
    /// Index into `Scenario::initiatives`.
    pub initiative: usize,
    /// Mean NPV of its own cash flows.
    pub npv_mean: f64,
    /// Probability that its NPV is negative.
    pub prob_npv_negative: f64,
    /// Its expected value of perfect information ([`crate::voi`]).
    pub evpi: Estimate,
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
    /// When nothing fits: the portfolio that misses its budgets by least.
    pub cheapest: Option<Evaluation>,
    /// The budget table of the chosen portfolio by quarter (empty when nothing fits).
    pub budget_table: Vec<BudgetRow>,
    /// The chosen portfolio's totals by (fiscal) year (empty when nothing fits).
    pub year_table: Vec<BudgetRow>,
    /// The chosen portfolio's totals by budget window (empty when nothing fits).
    pub window_table: Vec<BudgetRow>,
    /// Every initiative, in scenario order.
    pub initiatives: Vec<InitiativeFigures>,
    /// Every portfolio considered, for the efficient-frontier chart.
    pub frontier: Vec<FrontierPoint>,
    /// Index into `frontier` of the chosen portfolio.
    pub chosen_point: Option<usize>,
}

impl Plan {
    /// Searches the portfolios of a simulated scenario (simulated with the
    /// settings' budget windows: anything else is a programming error and panics).
    ///
    /// When the initiatives that must be funded miss a budget on their own,
    /// no portfolio can meet it (spend only grows as initiatives are added):
    /// that is a bad input, naming the windows it breaks.
    pub fn search(scenario: &Scenario, data: &InitiativeTrials, settings: PlanSettings) -> Result<Plan, Error> {
        let windows: Vec<(u32, u32)> = settings.budgets.iter().map(|w| (w.first_month, w.last_month)).collect();
        assert_eq!(data.windows, windows, "the trials were simulated for other budget windows");
        let space = &settings.space;
        if !space.required.is_empty() {
            let required = data.evaluate(&space.required, &settings);
            if !settings.within_budgets(&required.spend) {
                return Err(Error::Input(infeasible_include(scenario, &settings, &required)));
            }
        }
        let (search, evaluated, frontier, chosen_point, portfolios) =
            if space.free.len() <= EXHAUSTIVE_LIMIT { exhaustive(data, &settings) } else { heuristic(data, &settings) };
        let ranked: Vec<Evaluation> = evaluated.into_iter().filter(|e| e.fits).take(RANKED).collect();
        let cheapest = if ranked.is_empty() { cheapest_portfolio(data, &settings) } else { None };
        let (budget_table, year_table, window_table) = ranked
            .first()
            .map(|e| {
                (data.budget_table(&e.members), data.year_table(&e.members), data.window_table(&e.members, &settings))
            })
            .unwrap_or_default();
        let initiatives = (0..scenario.initiatives.len())
            .map(|i| {
                let npv = data.npv(i);
                InitiativeFigures {
                    initiative: i,
                    npv_mean: data.npv_mean(i),
                    prob_npv_negative: npv.iter().filter(|&&x| x < 0.0).count() as f64 / npv.len().max(1) as f64,
                    evpi: evpi(npv),
                }
            })
            .collect();
        Ok(Plan {
            settings,
            search,
            portfolios,
            ranked,
            cheapest,
            budget_table,
            year_table,
            window_table,
            initiatives,
            frontier,
            chosen_point,
        })
    }

    /// The chosen portfolio, when one fits.
    pub fn chosen(&self) -> Option<&Evaluation> {
        self.ranked.first()
    }

    /// `plan.json`: the settings, how the search went, the chosen portfolio
    /// and its runners-up (or the cheapest when nothing fits), the chosen
    /// portfolio's budget table by quarter, by (fiscal) year and by window, and every
    /// initiative with its EVPI.
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
        let names = |list: &[usize]| list.iter().map(|&i| scenario.initiatives[i].name.as_str()).collect::<Vec<_>>();
        let space = &self.settings.space;
        let funded = self.chosen().map_or(&[][..], |c| &c.members[..]);
        let initiatives: Vec<Value> = self
            .initiatives
            .iter()
            .map(|f| {
                json!({
                    "initiative": scenario.initiatives[f.initiative].name,
                    "funded": funded.contains(&f.initiative),
                    "npv_mean": f.npv_mean,
                    "prob_npv_negative": f.prob_npv_negative,
                    "evpi": f.evpi.value,
                    "evpi_se": f.evpi.se,
                })
            })
            .collect();
        json!({
            "source": source.to_json(),
            "trials": data.trials,
            "seed": source.seed,
            "horizon_months": scenario.simulation.horizon_months,
            "currency": scenario.currency,
            "settings": {
                "budgets": self.settings.budgets.iter().map(|b| json!({
                    "window": b.label,
                    "first_month": b.first_month,
                    "last_month": b.last_month,
                    "budget": b.amount,
                })).collect::<Vec<_>>(),
                "confidence": self.settings.confidence,
                "max_loss_probability": self.settings.max_loss_probability,
                "spend": "build plus run cost, undiscounted, in each budget window's months; risk losses are not spend",
                "include": names(&space.included),
                "exclude": names(&space.excluded),
                "required": names(&space.required),
                "ruled_out": names(&space.forbidden),
                "alternatives": space.groups.iter().map(|g| names(g)).collect::<Vec<_>>(),
            },
            "search": search,
            "fits": self.chosen().is_some(),
            "chosen": self.chosen().map(portfolio),
            "runners_up": self.ranked.iter().skip(1).map(portfolio).collect::<Vec<_>>(),
            "cheapest": self.cheapest.as_ref().map(portfolio),
            "budget_table": self.budget_table,
            "year_table": self.year_table,
            "window_table": self.window_table,
            "initiatives": initiatives,
        })
    }
}

/// The error for included initiatives that miss a budget on their own.
fn infeasible_include(scenario: &Scenario, settings: &PlanSettings, required: &Evaluation) -> String {
    let currency = &scenario.currency;
    let space = &settings.space;
    let name = |i: &usize| format!("\"{}\"", scenario.initiatives[*i].name);
    let named: Vec<String> = space.included.iter().map(name).collect();
    let dependencies: Vec<String> = space.required.iter().filter(|i| !space.included.contains(i)).map(name).collect();
    let with = match (dependencies.is_empty(), named.len()) {
        (true, _) => String::new(),
        (false, 1) => format!(" with what it depends on ({})", dependencies.join(", ")),
        (false, _) => format!(" with what they depend on ({})", dependencies.join(", ")),
    };
    let level = format!("P{}", (settings.confidence * 1000.0).round() / 10.0);
    let broken: Vec<String> = settings
        .budgets
        .iter()
        .zip(&required.spend)
        .filter(|(b, s)| s.quantile > b.amount)
        .map(|(b, s)| {
            format!(
                "in {} their {level} spend is {}, over the {} budget",
                b.describe(),
                money(s.quantile, currency),
                money(b.amount, currency)
            )
        })
        .collect();
    format!(
        "the initiatives to --include ({}){with} cannot meet the budget on their own: {}",
        named.join(", "),
        broken.join("; ")
    )
}

impl Evaluation {
    /// Names of the members, in scenario order.
    pub fn names<'a>(&self, scenario: &'a Scenario) -> Vec<&'a str> {
        self.members.iter().map(|&m| scenario.initiatives[m].name.as_str()).collect()
    }

    fn to_json(&self, scenario: &Scenario, settings: &PlanSettings) -> Value {
        let spend: Vec<Value> = settings
            .budgets
            .iter()
            .zip(&self.spend)
            .map(|(b, s)| {
                json!({
                    "window": b.label,
                    "budget": b.amount,
                    "mean": s.mean,
                    "quantile": s.quantile,
                    "level": settings.confidence,
                    "prob_within_budget": s.prob_within,
                })
            })
            .collect();
        json!({
            "initiatives": self.names(scenario),
            "npv": {"mean": self.npv_mean, "p10": self.npv_p10, "p50": self.npv_p50, "p90": self.npv_p90},
            "prob_npv_negative": self.prob_npv_negative,
            "spend": spend,
            "prob_within_every_budget": self.prob_within_budgets,
            "fits": self.fits,
        })
    }
}

/// When nothing fits, the portfolio that misses its budgets by least: the
/// required initiatives alone, or (with none) the free initiative without
/// dependencies whose spend quantiles overshoot least (spend never falls
/// when an initiative is added, and every portfolio holds one of them).
fn cheapest_portfolio(data: &InitiativeTrials, settings: &PlanSettings) -> Option<Evaluation> {
    let space = &settings.space;
    if !space.required.is_empty() {
        return Some(data.evaluate(&space.required, settings));
    }
    space
        .free
        .iter()
        .filter(|&&i| space.closure[i].len() == 1)
        .map(|&i| data.evaluate(&[i], settings))
        .min_by(|a, b| settings.overshoot(&a.spend).total_cmp(&settings.overshoot(&b.spend)))
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
    /// The free initiatives it holds, a bit per position in `Space::free`.
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

    /// Judges a portfolio from its per-trial NPV and its spend in each window on the subsample.
    fn judge(&self, mask: u32, npv: &[f64], spend: &[Vec<f64>], keys: &mut Vec<i64>) -> Screened {
        let m = npv.len().max(1) as f64;
        let negative = npv.iter().filter(|&&x| x < 0.0).count() as f64 / m;
        let (mut passes, mut fits_estimate) = (true, true);
        for (budget, spend) in self.settings.budgets.iter().zip(spend) {
            let within = count_within(spend, budget.amount);
            passes &= quantile_within(spend, within, self.lenient_confidence, budget.amount);
            fits_estimate &= quantile_within(spend, within, self.settings.confidence, budget.amount);
        }
        passes &= self.lenient_loss.is_none_or(|p| negative <= p);
        fits_estimate &= self.settings.max_loss_probability.is_none_or(|p| negative <= p);
        Screened { mask, passes, fits_estimate, npv_p10: quantile_by_selection(npv, 0.10, keys) }
    }
}

/// The set bits of `mask`, lowest first.
fn members_of(mask: u32) -> Vec<usize> {
    (0..32).filter(|&i| mask & (1 << i) != 0).collect()
}

/// What a search returns: method, evaluated portfolios best first, frontier,
/// the chosen point and the number of portfolios considered.
type SearchOutcome = (Search, Vec<Evaluation>, Vec<FrontierPoint>, Option<usize>, usize);

/// Every portfolio: screened on a subsample, candidates evaluated on every trial.
///
/// Portfolios are the required initiatives plus a subset of the free ones,
/// a bit per free initiative; a subset is valid when it holds the free
/// dependencies of its members and at most one member of each
/// alternatives group (required and ruled-out initiatives are settled by
/// [`Space`]).
fn exhaustive(data: &InitiativeTrials, settings: &PlanSettings) -> SearchOutcome {
    let space = &settings.space;
    let free = &space.free;
    let n = free.len();
    let bit = |i: usize| free.iter().position(|&f| f == i).map_or(0, |p| 1u32 << p);
    let needs: Vec<u32> = free.iter().map(|&i| space.closure[i].iter().fold(0, |m, &d| m | bit(d))).collect();
    let groups: Vec<u32> = space.groups.iter().map(|g| g.iter().fold(0, |m, &i| m | bit(i))).collect();
    let nothing_required = space.required.is_empty();
    let valid = |mask: u32| {
        (mask != 0 || !nothing_required)
            && (0..n).all(|p| mask & (1 << p) == 0 || needs[p] & !mask == 0)
            && groups.iter().all(|g| (mask & g).count_ones() <= 1)
    };
    let portfolios = (0u32..1 << n).filter(|&mask| valid(mask)).count();
    let trials = data.trials;
    let m = if portfolios.saturating_mul(trials) <= FULL_SCREEN_WORK {
        trials
    } else {
        (FULL_SCREEN_WORK / portfolios.max(1)).max(SCREENING_TRIALS).min(trials)
    };
    let sample: Vec<usize> = (0..m).map(|j| j * trials / m).collect();
    let column = |source: &Vec<f64>| -> Vec<f64> { sample.iter().map(|&k| source[k]).collect() };
    let npv: Vec<Vec<f64>> = data.npv.iter().map(column).collect();
    let spend: Vec<Vec<Vec<f64>>> = data.window_spend.iter().map(|w| w.iter().map(column).collect()).collect();
    let screen = Screen::new(settings, m, trials);

    let chunk_bits = CHUNK_BITS.min(n);
    let screened: Vec<Screened> = (0u32..1 << (n - chunk_bits))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let first = chunk << chunk_bits;
            let mut mask = first ^ (first >> 1);
            let mut npv_sum = vec![0.0; m];
            let mut spend_sum = vec![vec![0.0; m]; spend.len()];
            let start: Vec<usize> =
                space.required.iter().copied().chain(members_of(mask).iter().map(|&p| free[p])).collect();
            for i in start {
                add(&mut npv_sum, &npv[i], 1.0);
                for (sum, window) in spend_sum.iter_mut().zip(&spend) {
                    add(sum, &window[i], 1.0);
                }
            }
            let mut keys = Vec::with_capacity(m);
            let mut out = Vec::new();
            for rank in first..first + (1 << chunk_bits) {
                if rank > first {
                    let flip = rank.trailing_zeros() as usize;
                    mask ^= 1 << flip;
                    let sign = if mask & (1 << flip) != 0 { 1.0 } else { -1.0 };
                    add(&mut npv_sum, &npv[free[flip]], sign);
                    for (sum, window) in spend_sum.iter_mut().zip(&spend) {
                        add(sum, &window[free[flip]], sign);
                    }
                }
                if valid(mask) {
                    out.push(screen.judge(mask, &npv_sum, &spend_sum, &mut keys));
                }
            }
            out
        })
        .collect();

    let required_mean: f64 = space.required.iter().map(|&i| data.npv_mean(i)).sum();
    let means: Vec<f64> = free.iter().map(|&i| data.npv_mean(i)).collect();
    let mean_of = |mask: u32| required_mean + members_of(mask).iter().map(|&p| means[p]).sum::<f64>();
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
        let evaluation = data.evaluate(&space.members(screened[p].mask), settings);
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
fn heuristic(data: &InitiativeTrials, settings: &PlanSettings) -> SearchOutcome {
    let space = &settings.space;
    let closure = &space.closure;
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
    // Every free initiative not yet in `base`, added with its dependencies, where that makes a portfolio.
    let additions = |base: &[usize]| -> Vec<Vec<usize>> {
        space
            .free
            .iter()
            .filter(|i| !base.contains(i))
            .map(|&i| union(base, &closure[i]))
            .filter(|c| space.allows(c))
            .collect()
    };
    let within_budget = |e: &Evaluation| settings.within_budgets(&e.spend);

    // Greedy, from the required initiatives: most mean NPV per unit of added (weighted) spend quantile.
    let mut current: Option<Evaluation> =
        (!space.required.is_empty()).then(|| evaluate_all(vec![space.required.clone()]).remove(0));
    loop {
        let base = current.as_ref().map_or(&[][..], |c| &c.members[..]);
        let candidates = additions(base);
        let (base_mean, base_spend) =
            current.as_ref().map_or((0.0, 0.0), |c| (c.npv_mean, settings.weighted_spend(&c.spend)));
        let evaluated = evaluate_all(candidates);
        let best = evaluated
            .iter()
            .filter(|e| within_budget(e) && e.npv_mean > base_mean)
            .map(|e| ((e.npv_mean - base_mean) / (settings.weighted_spend(&e.spend) - base_spend).max(1.0), e))
            .max_by(|(a, x), (b, y)| a.total_cmp(b).then(y.members.cmp(&x.members)));
        match best {
            Some((_, e)) => current = Some(e.clone()),
            None => {
                // When no initiative adds value on its own, start from the best one within the budgets.
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
            .filter(|i| !space.required.contains(i))
            .map(|&i| c.members.iter().copied().filter(|j| !dependents(i).contains(j)).collect())
            .collect();
        let mut candidates: Vec<Vec<usize>> = Vec::new();
        for reduced in std::iter::once(c.members.clone()).chain(removals) {
            if reduced != c.members && space.allows(&reduced) {
                candidates.push(reduced.clone());
            }
            candidates.extend(additions(&reduced));
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

    fn settings_for(
        s: &Scenario,
        budgets: &[&str],
        max_loss_probability: Option<f64>,
        controls: Controls,
    ) -> PlanSettings {
        PlanRequest {
            budgets: budgets.iter().map(|b| budget(b)).collect(),
            budget_months: None,
            confidence: 0.9,
            max_loss_probability,
            controls,
        }
        .resolve(s)
        .unwrap()
    }

    /// `months:13-36=60k` or a plain `300k`.
    fn budget(text: &str) -> BudgetSpec {
        let amount = |a: &str| crate::units::parse_money(a).unwrap();
        match text.split_once('=') {
            Some((w, a)) => BudgetSpec { window: parse_window(w).unwrap(), amount: amount(a) },
            None => BudgetSpec { window: WindowSpec::FirstMonths, amount: amount(text) },
        }
    }

    fn simulate(s: &Scenario, settings: &PlanSettings, trials: u64, seed: u64) -> InitiativeTrials {
        InitiativeTrials::simulate(s, RunSettings { trials, seed }, &settings.budgets, &|_| {})
    }

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

    /// Eight initiatives with chains of dependencies (`I2` needs `I1`, `I5`
    /// needs `I4`); benefits divided by `benefit_divisor`; with `extra`
    /// appended (alternatives).
    fn eight(benefit_divisor: usize, extra: &str) -> Scenario {
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
        Scenario::parse(&(text + extra), "eight.toml").unwrap()
    }

    /// The heuristic used above [`EXHAUSTIVE_LIMIT`] free initiatives finds
    /// the exhaustive search's best portfolio at several budgets, with and
    /// without a loss limit, also when every initiative destroys value.
    #[test]
    fn heuristic_agrees_with_exhaustive_search() {
        // Benefits at full scale, and at a twentieth: then every initiative destroys value.
        for benefit_divisor in [1, 20] {
            let scenario = eight(benefit_divisor, "");
            for budget in ["60k", "150k", "300k", "600k"] {
                for max_loss_probability in [None, Some(0.05)] {
                    let settings = settings_for(&scenario, &[budget], max_loss_probability, Controls::default());
                    let data = simulate(&scenario, &settings, 3000, 11);
                    let best = |outcome: SearchOutcome| outcome.1.into_iter().find(|e| e.fits).map(|e| e.members);
                    assert_eq!(
                        best(heuristic(&data, &settings)),
                        best(exhaustive(&data, &settings)),
                        "benefit / {benefit_divisor}, budget {budget}, loss limit {max_loss_probability:?}"
                    );
                }
            }
        }
    }

    /// With includes, excludes, alternatives and two budget windows, the
    /// exhaustive search's four best fitting portfolios are exactly those of
    /// a brute force over every subset of initiatives that the controls
    /// allow, each evaluated on every trial; and the heuristic finds the best.
    #[test]
    fn controls_and_windows_keep_the_exhaustive_search_exact() {
        let scenario =
            eight(1, "[[alternatives]]\nmembers = [\"I3\", \"I6\"]\n[[alternatives]]\nmembers = [\"I0\", \"I7\"]\n");
        let controls = |include: &[&str], exclude: &[&str]| Controls {
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        };
        for (budgets, include, exclude) in [
            (&["300k"][..], &[][..], &[][..]),
            (&["200k", "months:13-36=60k"][..], &[][..], &[][..]),
            (&["400k", "months:13-36=80k"][..], &["I2"][..], &["I4"][..]),
            (&["months:1-6=250k", "months:7-12=150k"][..], &["I6"][..], &[][..]),
        ] {
            let settings = settings_for(&scenario, budgets, None, controls(include, exclude));
            let data = simulate(&scenario, &settings, 3000, 11);
            let mut brute: Vec<Evaluation> = (1u32..1 << 8)
                .map(members_of)
                .filter(|m| settings.space.allows(m))
                .map(|m| data.evaluate(&m, &settings))
                .collect();
            brute.sort_by(|a, b| b.npv_mean.total_cmp(&a.npv_mean));
            let brute: Vec<Vec<usize>> = brute.into_iter().filter(|e| e.fits).take(RANKED).map(|e| e.members).collect();
            let (_, evaluated, ..) = exhaustive(&data, &settings);
            let found: Vec<Vec<usize>> = evaluated.into_iter().filter(|e| e.fits).map(|e| e.members).collect();
            assert_eq!(found, brute, "{budgets:?}, include {include:?}, exclude {exclude:?}");
            assert!(!found.is_empty(), "{budgets:?}: something should fit");
            for members in &found {
                assert!(settings.space.required.iter().all(|r| members.contains(r)));
                assert!(!members.contains(&3) || !members.contains(&6), "alternatives I3, I6 both funded");
            }
            let (_, heuristic, ..) = heuristic(&data, &settings);
            assert_eq!(heuristic.into_iter().find(|e| e.fits).map(|e| e.members).as_ref(), found.first());
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
        for (budget, max_loss_probability) in [("150k", None), ("250k", Some(0.2)), ("400k", None)] {
            let settings = settings_for(&scenario, &[budget], max_loss_probability, Controls::default());
            let data = simulate(&scenario, &settings, 6000, 3);
            let means: Vec<f64> = (0..14).map(|i| data.npv_mean(i)).collect();
            let mut all: Vec<u32> = (1..1 << 14).collect();
            let mean_of = |mask: u32| members_of(mask).iter().map(|&i| means[i]).sum::<f64>();
            all.sort_by(|&x, &y| mean_of(y).total_cmp(&mean_of(x)).then(x.cmp(&y)));
            let (search, evaluated, ..) = exhaustive(&data, &settings);
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
}
