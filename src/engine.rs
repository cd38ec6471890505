//! Many trials in parallel: blocks of trials through fixed buffers.
//!
//! Trials are cut into fixed blocks of [`BLOCK_TRIALS`](crate::sampling::BLOCK_TRIALS).
//! A block draws its inputs (see [`crate::sampling`]), simulates each trial
//! ([`crate::model`]) and hands the flows to a visitor. Blocks run on rayon's
//! pool in any order, but their outputs are combined strictly in block order,
//! and the monthly sketches hold integer counts, so one seed gives the same
//! bytes for any thread count.
//!
//! [`run`] is the standard visitor: it keeps, per reported set, every trial's
//! metrics (NPV, ROI, payback, ...), every uncertain input's draws, and per
//! set and month the sums and a [`QuantileSketch`] of the cumulative cash flow
//! — never every trial's every month. [`simulate_blocks`] is the general
//! mechanism for any other per-trial collection (budget planning, ...).

use std::sync::Mutex;

use rayon::prelude::*;

use crate::model::{Model, MonthlySet, NEVER, SetMetrics, SetSpec, TrialFlows, reported_sets};
use crate::sampling::{InputBlock, Sampler, block_count, block_trials};
use crate::scenario::Scenario;
use crate::sketch::QuantileSketch;

/// How many trials to run and with which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSettings {
    /// Number of trials.
    pub trials: u64,
    /// Seed of every random stream.
    pub seed: u64,
}

impl RunSettings {
    /// The scenario's own settings.
    pub fn from_scenario(scenario: &Scenario) -> RunSettings {
        RunSettings { trials: scenario.simulation.trials, seed: scenario.simulation.seed }
    }
}

/// What to do with each trial of a block; one state per block.
pub trait BlockVisitor: Sync {
    /// State built up over one block.
    type State: Send;
    /// What a finished block contributes.
    type Output: Send;
    /// Starts block `block`.
    fn start(&self, block: u64) -> Self::State;
    /// Visits trial number `trial`, the `k`-th of its block.
    fn visit(
        &self,
        state: &mut Self::State,
        model: &Model,
        trial: u64,
        inputs: &InputBlock,
        k: usize,
        flows: &TrialFlows,
    );
    /// Finishes a block.
    fn finish(&self, state: Self::State) -> Self::Output;
}

/// Runs a visitor over every trial of the given blocks; outputs come back in block order.
///
/// `progress` is called with the number of trials of each finished block.
pub fn simulate_blocks<V: BlockVisitor>(
    scenario: &Scenario,
    settings: RunSettings,
    blocks: std::ops::Range<u64>,
    visitor: &V,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<V::Output> {
    let sampler = Sampler::new(scenario, settings.seed);
    let model = Model::new(scenario);
    blocks
        .into_par_iter()
        .map_init(
            || (InputBlock::default(), TrialFlows::default()),
            |(inputs, flows), block| {
                sampler.draw_block(block, settings.trials, inputs);
                let mut state = visitor.start(block);
                for (k, trial) in block_trials(block, settings.trials).enumerate() {
                    model.simulate(&sampler, trial, inputs.trial(k), inputs.first_event(k), flows);
                    visitor.visit(&mut state, &model, trial, inputs, k, flows);
                }
                progress(inputs.trials as u64);
                visitor.finish(state)
            },
        )
        .collect()
}

/// Per-trial results of one set.
#[derive(Debug, Clone, Default)]
pub struct SetResults {
    /// Which set this is.
    pub spec: SetSpec,
    /// NPV per trial.
    pub npv: Vec<f64>,
    /// ROI per trial; NaN where undefined (no cost). Reports write it as empty.
    pub roi: Vec<f64>,
    /// P&L-visible ROI per trial; NaN where undefined.
    pub visible_roi: Vec<f64>,
    /// Payback month per trial ([`NEVER`] when it never came).
    pub payback: Vec<u16>,
    /// Discounted payback month per trial ([`NEVER`] when it never came).
    pub discounted_payback: Vec<u16>,
    /// Total risk loss per trial.
    pub loss: Vec<f64>,
    /// Risk events per trial.
    pub events: Vec<u32>,
    /// Whether a member was abandoned, per trial.
    pub abandoned: Vec<bool>,
}

impl Default for SetSpec {
    fn default() -> Self {
        SetSpec { name: String::new(), members: Vec::new(), kind: None }
    }
}

impl SetResults {
    fn push(&mut self, m: &SetMetrics) {
        self.npv.push(m.npv);
        self.roi.push(m.roi().unwrap_or(f64::NAN));
        self.visible_roi.push(m.visible_roi().unwrap_or(f64::NAN));
        self.payback.push(m.payback_month);
        self.discounted_payback.push(m.discounted_payback_month);
        self.loss.push(m.loss);
        self.events.push(m.events);
        self.abandoned.push(m.abandoned);
    }

    fn append(&mut self, mut other: SetResults) {
        self.npv.append(&mut other.npv);
        self.roi.append(&mut other.roi);
        self.visible_roi.append(&mut other.visible_roi);
        self.payback.append(&mut other.payback);
        self.discounted_payback.append(&mut other.discounted_payback);
        self.loss.append(&mut other.loss);
        self.events.append(&mut other.events);
        self.abandoned.append(&mut other.abandoned);
    }

    /// True when trial `k` paid back within `months` (payback 0 counts).
    pub fn paid_back_within(&self, k: usize, months: u16) -> bool {
        self.payback[k] != NEVER && self.payback[k] <= months
    }
}

/// Sums over trials for one set and month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthCell {
    /// Sum of the cumulative net cash flow.
    pub cumulative: f64,
    /// Sum of the benefit.
    pub benefit: f64,
    /// Sum of the visible benefit.
    pub visible: f64,
}

/// Monthly results of every set: sums and sketches of the cumulative cash flow.
#[derive(Debug, Clone, Default)]
pub struct MonthlyResults {
    /// Number of sets.
    pub sets: usize,
    /// Months per set.
    pub horizon: usize,
    cells: Vec<MonthCell>,
    sketches: Vec<QuantileSketch>,
}

impl MonthlyResults {
    fn new(sets: usize, horizon: usize) -> MonthlyResults {
        MonthlyResults {
            sets,
            horizon,
            cells: vec![MonthCell::default(); sets * horizon],
            sketches: vec![QuantileSketch::default(); sets * horizon],
        }
    }

    /// Sums of set `set` in month index `t` (month `t + 1`).
    pub fn cell(&self, set: usize, t: usize) -> &MonthCell {
        &self.cells[set * self.horizon + t]
    }

    /// Sketch of the cumulative cash flow of set `set` in month index `t`.
    pub fn sketch(&self, set: usize, t: usize) -> &QuantileSketch {
        &self.sketches[set * self.horizon + t]
    }

    fn add_cells(&mut self, other: &MonthlyResults) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.cumulative += b.cumulative;
            a.benefit += b.benefit;
            a.visible += b.visible;
        }
    }

    fn add_sketches(&mut self, other: &MonthlyResults) {
        for (a, b) in self.sketches.iter_mut().zip(&other.sketches) {
            a.merge(b);
        }
    }
}

/// Draws of one uncertain input, one per trial.
#[derive(Debug, Clone)]
pub struct InputColumn {
    /// Index into `Scenario::inputs`.
    pub input: usize,
    /// Its name, as correlations name it.
    pub name: String,
    /// The value drawn in each trial.
    pub values: Vec<f64>,
}

/// Everything a run keeps: per-trial metrics per set, input draws, monthly sums.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// Trials run.
    pub trials: u64,
    /// Seed used.
    pub seed: u64,
    /// Per-set results, in report order: portfolio, it, bpa, initiatives.
    pub sets: Vec<SetResults>,
    /// Draws of every uncertain input.
    pub inputs: Vec<InputColumn>,
    /// Monthly results per set.
    pub monthly: MonthlyResults,
}

impl RunResults {
    /// The results of the set with this name.
    pub fn set(&self, name: &str) -> Option<&SetResults> {
        self.sets.iter().find(|s| s.spec.name == name)
    }
}

/// What one block contributes to a run.
struct BlockOutput {
    sets: Vec<SetResults>,
    inputs: Vec<Vec<f64>>,
    monthly: MonthlyResults,
}

/// A block in progress: its output, a sketch set on loan from the pool, scratch.
struct BlockState {
    output: BlockOutput,
    sketches: MonthlyResults,
    scratch: MonthlySet,
}

/// The standard collector behind [`run`].
struct Collector {
    specs: Vec<SetSpec>,
    horizon: usize,
    uncertain: Vec<usize>,
    /// Sketches are filled per worker and merged at the end (integer counts: order-free).
    sketch_pool: Mutex<Vec<MonthlyResults>>,
}

impl BlockVisitor for Collector {
    type State = BlockState;
    type Output = BlockOutput;

    fn start(&self, _block: u64) -> BlockState {
        let pooled = self.sketch_pool.lock().ok().and_then(|mut pool| pool.pop());
        BlockState {
            output: BlockOutput {
                sets: self.specs.iter().map(|_| SetResults::default()).collect(),
                inputs: vec![Vec::new(); self.uncertain.len()],
                monthly: MonthlyResults::new(self.specs.len(), self.horizon),
            },
            sketches: pooled.unwrap_or_else(|| MonthlyResults::new(self.specs.len(), self.horizon)),
            scratch: MonthlySet::default(),
        }
    }

    fn visit(
        &self,
        state: &mut BlockState,
        model: &Model,
        _trial: u64,
        inputs: &InputBlock,
        k: usize,
        flows: &TrialFlows,
    ) {
        let h = self.horizon;
        for (s, spec) in self.specs.iter().enumerate() {
            let metrics = SetMetrics::compute(model, flows, &spec.members, &mut state.scratch);
            state.output.sets[s].push(&metrics);
            let cells = &mut state.output.monthly.cells[s * h..(s + 1) * h];
            let sketches = &mut state.sketches.sketches[s * h..(s + 1) * h];
            for (t, (cell, sketch)) in cells.iter_mut().zip(sketches).enumerate() {
                cell.cumulative += state.scratch.cumulative[t];
                cell.benefit += state.scratch.benefit[t];
                cell.visible += state.scratch.visible[t];
                sketch.insert(state.scratch.cumulative[t]);
            }
        }
        let values = inputs.trial(k);
        for (column, &j) in state.output.inputs.iter_mut().zip(&self.uncertain) {
            column.push(values[j]);
        }
    }

    fn finish(&self, state: BlockState) -> BlockOutput {
        if let Ok(mut pool) = self.sketch_pool.lock() {
            pool.push(state.sketches);
        }
        state.output
    }
}

/// Runs a scenario and keeps its standard results.
///
/// `progress` is called with the trials of each finished block.
pub fn run(scenario: &Scenario, settings: RunSettings, progress: &(dyn Fn(u64) + Sync)) -> RunResults {
    let specs = reported_sets(scenario);
    let uncertain = (0..scenario.inputs.len()).filter(|&j| scenario.inputs[j].distribution.fixed_value().is_none());
    let mut results = RunResults {
        trials: 0,
        seed: settings.seed,
        inputs: uncertain
            .map(|j| InputColumn { input: j, name: scenario.inputs[j].name.clone(), values: Vec::new() })
            .collect(),
        monthly: MonthlyResults::new(specs.len(), scenario.simulation.horizon_months as usize),
        sets: specs.into_iter().map(|spec| SetResults { spec, ..SetResults::default() }).collect(),
    };
    extend(scenario, &mut results, settings.trials, progress);
    results
}

/// Adds trials to a run until it holds `trials`, as if it had been run with
/// that many from the start: the result is bit for bit the same.
///
/// The run must so far hold whole blocks (a multiple of
/// [`BLOCK_TRIALS`](crate::sampling::BLOCK_TRIALS)), since the last,
/// partial block of a run is stratified on its own; `trials` may end
/// anywhere.
pub fn extend(scenario: &Scenario, results: &mut RunResults, trials: u64, progress: &(dyn Fn(u64) + Sync)) {
    let done = block_count(results.trials);
    assert!(
        results.trials == done * crate::sampling::BLOCK_TRIALS,
        "a run can only be extended from a whole number of blocks"
    );
    if trials <= results.trials {
        return;
    }
    let collector = Collector {
        specs: results.sets.iter().map(|s| s.spec.clone()).collect(),
        horizon: results.monthly.horizon,
        uncertain: results.inputs.iter().map(|c| c.input).collect(),
        sketch_pool: Mutex::new(Vec::new()),
    };
    let settings = RunSettings { trials, seed: results.seed };
    let outputs = simulate_blocks(scenario, settings, done..block_count(trials), &collector, progress);
    for output in outputs {
        for (set, part) in results.sets.iter_mut().zip(output.sets) {
            set.append(part);
        }
        for (column, mut part) in results.inputs.iter_mut().zip(output.inputs) {
            column.values.append(&mut part);
        }
        results.monthly.add_cells(&output.monthly);
    }
    for sketches in collector.sketch_pool.into_inner().unwrap_or_default() {
        results.monthly.add_sketches(&sketches);
    }
    results.trials = trials;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::BLOCK_TRIALS;

    #[test]
    fn extending_a_run_equals_running_it_whole() {
        let text = r#"
[simulation]
horizon_months = 12
discount_rate = 0.1
[[initiatives]]
name = "A"
kind = "bpa"
build_cost = { pert = [1000, 2000, 5000] }
build_months = { uniform = [1, 3] }
benefit_per_month = { lognormal = { p10 = 300, p90 = 900 } }
[[initiatives.risks]]
name = "R"
events_per_year = 2
cost_per_event = { triangular = [10, 100, 1000] }
abandon_probability = 0.1
"#;
        let scenario = Scenario::parse(text, "t.toml").unwrap();
        let total = 2 * BLOCK_TRIALS + 100;
        let whole = run(&scenario, RunSettings { trials: total, seed: 3 }, &|_| {});
        let mut grown = run(&scenario, RunSettings { trials: BLOCK_TRIALS, seed: 3 }, &|_| {});
        extend(&scenario, &mut grown, total, &|_| {});
        assert_eq!(whole.trials, grown.trials);
        for (a, b) in whole.sets.iter().zip(&grown.sets) {
            assert_eq!(a.npv, b.npv);
            assert_eq!(a.events, b.events);
        }
        for t in 0..12 {
            assert_eq!(whole.monthly.cell(0, t), grown.monthly.cell(0, t));
            assert_eq!(whole.monthly.sketch(0, t), grown.monthly.sketch(0, t));
        }
    }
}
