//! Many trials in parallel: blocks of trials through fixed buffers.
//!
//! Trials are cut into fixed blocks of [`BLOCK_TRIALS`].
//! A block draws its inputs (see [`crate::sampling`]), simulates its trials
//! a tile of [`LANES`] at a time ([`crate::model`]) and hands each tile's
//! flows to a visitor. Blocks run on rayon's
//! pool in any order, but their outputs are combined strictly in block order,
//! and the monthly histograms hold integer counts, so one seed gives the same
//! bytes for any thread count.
//!
//! [`run`] is the standard visitor: it keeps, per reported set, every trial's
//! metrics (NPV, ROI, payback, ...), every uncertain input's draws (in `f32`),
//! and per set and month the sums and a [`RangeHistogram`] of the cumulative
//! cash flow — never every trial's every month. Blocks run in waves of
//! four; each block leaves its cumulative flows in columns (as 16-bit slots
//! of the histograms' ranges, a tile at a time), and
//! once the wave is done each histogram counts its columns in one go (in
//! parallel across histograms), so there is one copy of the histograms and
//! each is pulled into cache once per wave. [`simulate_blocks`] is the
//! general mechanism for any other per-trial collection (budget planning,
//! ...). `docs/performance.md` has the measurements behind this layout.

use rayon::prelude::*;

use crate::model::{BlockEvents, LANES, Model, SetMetrics, SetMonths, SetSpec, TileFlows, reported_sets};
use crate::pool::Pool;
use crate::sampling::{BLOCK_TRIALS, InputBlock, Sampler, block_count, block_trials};
use crate::scenario::Scenario;
use crate::sketch::{HistogramRange, RangeHistogram, SlotColumns, SlotRanges, TILE};

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
    /// Visits a tile of `flows.trials` trials, numbered from `trial` on,
    /// the block's `first`-th on.
    fn visit(
        &self,
        state: &mut Self::State,
        model: &Model,
        trial: u64,
        inputs: &InputBlock,
        first: usize,
        flows: &TileFlows,
    );
    /// Finishes a block.
    fn finish(&self, state: Self::State) -> Self::Output;
}

// A tile of the model is a tile of the histograms' columns.
const _: () = assert!(LANES == TILE);

/// A scenario's sampler and model, prepared once for any number of blocks.
pub struct Simulator<'a> {
    sampler: Sampler,
    model: Model<'a>,
    /// A block's inputs, events and tile, lent from block to block.
    buffers: Pool<(InputBlock, BlockEvents, TileFlows)>,
}

impl<'a> Simulator<'a> {
    /// Prepares the streams and the inverse-CDF tables of a scenario under a seed.
    pub fn new(scenario: &'a Scenario, seed: u64) -> Simulator<'a> {
        Simulator { sampler: Sampler::new(scenario, seed), model: Model::new(scenario), buffers: Pool::default() }
    }

    /// Runs a visitor over every trial of the given blocks of a run of
    /// `trials`; outputs come back in block order.
    ///
    /// `progress` is called with the number of trials of each finished block.
    pub fn blocks<V: BlockVisitor>(
        &self,
        trials: u64,
        blocks: std::ops::Range<u64>,
        visitor: &V,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Vec<V::Output> {
        let (sampler, model) = (&self.sampler, &self.model);
        blocks
            .into_par_iter()
            .map(|block| {
                self.buffers.with(|(inputs, events, flows)| {
                    sampler.draw_block(block, trials, inputs);
                    model.start_events(sampler, block, inputs, events);
                    let mut state = visitor.start(block);
                    let first = block * BLOCK_TRIALS;
                    let event_run = model.event_run();
                    for run in (0..inputs.trials).step_by(event_run) {
                        let run = run..(run + event_run).min(inputs.trials);
                        model.draw_events(inputs, run.clone(), events);
                        for k in run.clone().step_by(LANES) {
                            model.simulate(inputs, events, k, LANES.min(run.end - k), flows);
                            visitor.visit(&mut state, model, first + k as u64, inputs, k, flows);
                        }
                    }
                    progress(inputs.trials as u64);
                    visitor.finish(state)
                })
            })
            .collect()
    }
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
    Simulator::new(scenario, settings.seed).blocks(settings.trials, blocks, visitor, progress)
}

/// Per-trial results of one set.
#[derive(Debug, Clone, Default)]
pub struct SetResults {
    /// Which set this is.
    pub spec: SetSpec,
    /// NPV per trial.
    pub npv: Vec<f64>,
    /// ROI per trial; NaN where undefined (no cost). Reports write it as
    /// empty. Kept in single precision (seven significant digits of a
    /// ratio, far finer than its Monte Carlo error) to save a tenth of a
    /// large run's memory; the model computes it in `f64`.
    pub roi: Vec<f32>,
    /// P&L-visible ROI per trial, like `roi`; NaN where undefined.
    pub visible_roi: Vec<f32>,
    /// Payback month per trial ([`NEVER`](crate::model::NEVER) when it never came,
    /// [`NO_CASH_FLOW`](crate::model::NO_CASH_FLOW) when the set had no cash flow).
    pub payback: Vec<u16>,
    /// Discounted payback month per trial, marked like `payback`.
    pub discounted_payback: Vec<u16>,
    /// Total risk loss per trial.
    pub loss: Vec<f64>,
    /// Risk events per trial.
    pub events: Vec<u32>,
    /// Whether a member was abandoned, per trial.
    pub abandoned: Vec<bool>,
}

impl SetResults {
    /// Bytes one trial takes in a set's results: NPV and loss in `f64`, the
    /// two ROIs in `f32`, the two paybacks in `u16`, events in `u32`, and
    /// abandoned.
    pub const BYTES_PER_TRIAL: usize =
        2 * size_of::<f64>() + 2 * size_of::<f32>() + 2 * size_of::<u16>() + size_of::<u32>() + size_of::<bool>();

    fn with_capacity(trials: usize) -> SetResults {
        let mut results = SetResults::default();
        results.reserve_exact(trials);
        results
    }

    /// Appends the metrics of consecutive trials, a column at a time.
    fn extend(&mut self, metrics: &[SetMetrics]) {
        self.npv.extend(metrics.iter().map(|m| m.npv));
        self.roi.extend(metrics.iter().map(|m| m.roi().map_or(f32::NAN, |r| r as f32)));
        self.visible_roi.extend(metrics.iter().map(|m| m.visible_roi().map_or(f32::NAN, |r| r as f32)));
        self.payback.extend(metrics.iter().map(|m| m.payback_month));
        self.discounted_payback.extend(metrics.iter().map(|m| m.discounted_payback_month));
        self.loss.extend(metrics.iter().map(|m| m.loss));
        self.events.extend(metrics.iter().map(|m| m.events));
        self.abandoned.extend(metrics.iter().map(|m| m.abandoned));
    }

    /// Makes room for exactly `additional` more trials, so a long run never
    /// reallocates (and briefly doubles) its largest vectors.
    fn reserve_exact(&mut self, additional: usize) {
        self.npv.reserve_exact(additional);
        self.roi.reserve_exact(additional);
        self.visible_roi.reserve_exact(additional);
        self.payback.reserve_exact(additional);
        self.discounted_payback.reserve_exact(additional);
        self.loss.reserve_exact(additional);
        self.events.reserve_exact(additional);
        self.abandoned.reserve_exact(additional);
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

/// Monthly results of every set: sums, and histograms of the cumulative cash flow.
#[derive(Debug, Clone, Default)]
pub struct MonthlyResults {
    /// Number of sets.
    pub sets: usize,
    /// Months per set.
    pub horizon: usize,
    /// Sums per set and month: each set's are its members' sums, added in member order.
    cells: Vec<MonthCell>,
    /// Sums per initiative and month, added up block by block.
    initiative_cells: Vec<MonthCell>,
    /// The member initiatives of each set.
    members: Vec<Vec<usize>>,
    /// One per set and month once the pilot block has set their ranges.
    histograms: Vec<RangeHistogram>,
}

impl MonthlyResults {
    fn new(specs: &[SetSpec], initiatives: usize, horizon: usize) -> MonthlyResults {
        MonthlyResults {
            sets: specs.len(),
            horizon,
            cells: vec![MonthCell::default(); specs.len() * horizon],
            initiative_cells: vec![MonthCell::default(); initiatives * horizon],
            members: specs.iter().map(|spec| spec.members.clone()).collect(),
            histograms: Vec::new(),
        }
    }

    /// Sums of set `set` in month index `t` (month `t + 1`).
    pub fn cell(&self, set: usize, t: usize) -> &MonthCell {
        &self.cells[set * self.horizon + t]
    }

    /// Histogram of the cumulative cash flow of set `set` in month index `t`.
    pub fn histogram(&self, set: usize, t: usize) -> &RangeHistogram {
        &self.histograms[set * self.horizon + t]
    }

    /// Adds a block's sums, initiative-major: cumulative net cash flow, benefit, visible benefit.
    fn add_sums(&mut self, [cumulative, benefit, visible]: &[Vec<f64>; 3]) {
        for (c, cell) in self.initiative_cells.iter_mut().enumerate() {
            cell.cumulative += cumulative[c];
            cell.benefit += benefit[c];
            cell.visible += visible[c];
        }
    }

    /// Sets every set's sums to the sum of its members' (sums are linear, so
    /// no trial needs to add them up per set).
    fn sum_members(&mut self) {
        let h = self.horizon;
        for (cells, members) in self.cells.chunks_exact_mut(h).zip(&self.members) {
            for (t, cell) in cells.iter_mut().enumerate() {
                *cell = MonthCell::default();
                for &m in members {
                    let member = &self.initiative_cells[m * h + t];
                    cell.cumulative += member.cumulative;
                    cell.benefit += member.benefit;
                    cell.visible += member.visible;
                }
            }
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
    /// The value drawn in each trial, stored in single precision (seven
    /// significant digits, far finer than any input is known) to halve the
    /// memory a large run needs; the model itself used the full draw.
    pub values: Vec<f32>,
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
    inputs: Vec<Vec<f32>>,
    /// Sums over the block's trials per initiative and month,
    /// initiative-major: cumulative net cash flow, benefit and visible benefit.
    sums: [Vec<f64>; 3],
    /// Trials in the block.
    trials: usize,
    /// Cumulative cash flows of the block, column per set and month.
    columns: Columns,
}

/// A block's cumulative cash flows, a column per set and month (set-major).
enum Columns {
    /// The pilot's values, from which the histograms take their ranges:
    /// `values[(set * horizon + t) * trials + k]`.
    Values(Vec<f32>),
    /// Every later block's, as slots of those ranges (half the memory of
    /// the values, and no arithmetic left for the histograms to do).
    Slots(SlotColumns),
}

impl BlockOutput {
    /// The pilot's cumulative cash flows of histogram `cell`, one per trial.
    fn values(&self, cell: usize) -> &[f32] {
        match &self.columns {
            Columns::Values(values) => &values[cell * self.trials..(cell + 1) * self.trials],
            Columns::Slots(_) => &[],
        }
    }

    /// A later block's slots.
    fn slots(&self) -> Option<&SlotColumns> {
        match &self.columns {
            Columns::Values(_) => None,
            Columns::Slots(slots) => Some(slots),
        }
    }
}

/// A worker's reusable buffers, lent to one block at a time.
#[derive(Default)]
struct Workspace {
    /// Monthly sums of every set in the tile at hand.
    months: SetMonths,
    /// Metrics of every set in the tile at hand, `[set * LANES + lane]`.
    metrics: Vec<SetMetrics>,
}

/// A block in progress: its output and a workspace on loan.
struct BlockState {
    output: BlockOutput,
    work: Workspace,
}

/// The standard collector behind [`run`].
///
/// Cumulative cash flows are written per block into columns, one per set
/// and month (as slots of the histograms' ranges once the pilot has set
/// them); once a wave of blocks is done, each histogram counts its
/// columns from every block of the wave in one go, so it stays in cache
/// while it is filled, and no worker needs a copy of every histogram.
struct Collector {
    specs: Vec<SetSpec>,
    initiatives: usize,
    horizon: usize,
    uncertain: Vec<usize>,
    trials: u64,
    /// Reusable workspaces, one per worker in use.
    workspaces: Pool<Workspace>,
    /// The histograms' ranges, set by the pilot block (empty before).
    ranges: SlotRanges,
    /// Column buffers of absorbed blocks, for reuse.
    columns: Pool<SlotColumns>,
}

impl BlockVisitor for Collector {
    type State = BlockState;
    type Output = BlockOutput;

    fn start(&self, block: u64) -> BlockState {
        let trials = block_trials(block, self.trials).count();
        let cells = self.specs.len() * self.horizon;
        let work = self.workspaces.take();
        let columns = if self.ranges.is_empty() {
            Columns::Values(vec![0.0; cells * trials])
        } else {
            let mut slots = self.columns.take();
            slots.reset(cells, trials);
            Columns::Slots(slots)
        };
        BlockState {
            output: BlockOutput {
                sets: self.specs.iter().map(|_| SetResults::with_capacity(trials)).collect(),
                inputs: vec![Vec::with_capacity(trials); self.uncertain.len()],
                sums: std::array::from_fn(|_| vec![0.0; self.initiatives * self.horizon]),
                trials,
                columns,
            },
            work,
        }
    }

    fn visit(
        &self,
        state: &mut BlockState,
        model: &Model,
        _trial: u64,
        inputs: &InputBlock,
        first: usize,
        flows: &TileFlows,
    ) {
        let (h, used) = (self.horizon, flows.trials);
        let work = &mut state.work;
        let output = &mut state.output;
        work.months.compute(flows, &self.specs, model.discount(), &mut work.metrics);
        for (set, metrics) in output.sets.iter_mut().zip(work.metrics.chunks_exact(LANES)) {
            set.extend(&metrics[..used]);
        }
        for s in 0..self.specs.len() {
            let cells = s * h..(s + 1) * h;
            let months = work.months.cumulative(s);
            match &mut output.columns {
                Columns::Values(column) => {
                    for (cell, lanes) in cells.zip(months) {
                        let values = lanes.map(|v| v as f32);
                        column[cell * output.trials + first..][..used].copy_from_slice(&values[..used]);
                    }
                }
                Columns::Slots(slots) => {
                    for (cell, lanes) in cells.zip(months) {
                        slots.write(cell, first, lanes, used, &self.ranges);
                    }
                }
            }
        }
        // Sums trial by trial, in trial order, as if the trials came one at a time.
        let [cumulative_sum, benefit_sum, visible_sum] = &mut output.sums;
        for (i, f) in flows.initiatives.iter().enumerate() {
            let months = i * h..(i + 1) * h;
            let sums = [
                (&mut cumulative_sum[months.clone()], work.months.initiative_cumulative(i)),
                (&mut benefit_sum[months.clone()], &f.benefit[..]),
                (&mut visible_sum[months], &f.visible[..]),
            ];
            for (sums, lanes) in sums {
                for (sum, lanes) in sums.iter_mut().zip(lanes) {
                    *sum = lanes[..used].iter().fold(*sum, |s, v| s + v);
                }
            }
        }
        // The block's draws are all known at its first tile: take each
        // input's column in one copy.
        if first == 0 {
            for (column, &j) in output.inputs.iter_mut().zip(&self.uncertain) {
                column.extend(inputs.column(j).iter().map(|&v| v as f32));
            }
        }
    }

    fn finish(&self, state: BlockState) -> BlockOutput {
        let (work, mut output) = (state.work, state.output);
        if let Columns::Slots(slots) = &mut output.columns {
            slots.finish();
        }
        self.workspaces.give(work);
        output
    }
}

/// Blocks simulated together before their outputs join the results: each
/// holds its columns of cumulative cash flows (sets × months × 2,048 slots
/// of 16 bits) until the wave is counted into the histograms. Four keep a
/// million-trial run under 1 GiB; eight were no faster once counting a
/// column became only increments.
pub(crate) const WAVE_BLOCKS: u64 = 4;

/// Blocks of the first wave: the pilot, whose values set every histogram's
/// range, and the next one beside it, so that a second core does not wait
/// for the pilot. Both keep their values (not slots), which the histograms
/// count exactly as they would the slots.
pub(crate) const PILOT_WAVE: u64 = 2;

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
        monthly: MonthlyResults::new(&specs, scenario.initiatives.len(), scenario.simulation.horizon_months as usize),
        sets: specs.into_iter().map(|spec| SetResults { spec, ..SetResults::default() }).collect(),
    };
    extend(scenario, &mut results, settings.trials, progress);
    results
}

/// Adds trials to a run until it holds `trials`, as if it had been run with
/// that many from the start: the result is bit for bit the same.
///
/// The first block is the pilot: it sets the range of every monthly
/// histogram, while the block after it runs beside it. The run must so far
/// hold whole blocks (a multiple of [`BLOCK_TRIALS`]), since the last,
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
    let mut collector = Collector {
        specs: results.sets.iter().map(|s| s.spec.clone()).collect(),
        initiatives: scenario.initiatives.len(),
        horizon: results.monthly.horizon,
        uncertain: results.inputs.iter().map(|c| c.input).collect(),
        trials,
        workspaces: Pool::default(),
        ranges: SlotRanges::default(),
        columns: Pool::default(),
    };
    let additional = (trials - results.trials) as usize;
    results.sets.iter_mut().for_each(|set| set.reserve_exact(additional));
    results.inputs.iter_mut().for_each(|input| input.values.reserve_exact(additional));
    let simulator = Simulator::new(scenario, results.seed);
    let last = block_count(trials);
    let mut first = done;
    if done == 0 {
        // The pilot sets the ranges; the block after it runs beside it.
        let pilot = simulator.blocks(trials, 0..PILOT_WAVE.min(last), &collector, progress);
        let cells = results.monthly.sets * results.monthly.horizon;
        results.monthly.histograms = (0..cells)
            .into_par_iter()
            .map(|c| RangeHistogram::new(HistogramRange::around(pilot[0].values(c))))
            .collect();
        first = pilot.len() as u64;
        results.absorb_wave(pilot, &collector);
    }
    collector.ranges = SlotRanges::of(&results.monthly.histograms);
    // Blocks run in waves, each absorbed before the next starts, so at most
    // one wave's outputs exist beside the results.
    for wave_start in (first..last).step_by(WAVE_BLOCKS as usize) {
        let wave = wave_start..(wave_start + WAVE_BLOCKS).min(last);
        let outputs = simulator.blocks(trials, wave, &collector, progress);
        results.absorb_wave(outputs, &collector);
    }
    results.monthly.sum_members();
    results.trials = trials;
}

impl RunResults {
    /// Counts a wave of blocks into the monthly histograms (in parallel, a
    /// histogram at a time), then appends their outputs in block order.
    fn absorb_wave(&mut self, outputs: Vec<BlockOutput>, collector: &Collector) {
        self.monthly.histograms.par_iter_mut().enumerate().for_each(|(cell, histogram)| {
            histogram.insert_columns(outputs.iter().map(|output| output.values(cell)));
            histogram.insert_slots(cell, outputs.iter().filter_map(BlockOutput::slots));
        });
        for mut output in outputs {
            let columns = std::mem::replace(&mut output.columns, Columns::Values(Vec::new()));
            if let Columns::Slots(slots) = columns {
                collector.columns.give(slots);
            }
            self.absorb(output);
        }
    }

    /// Appends one block's output (blocks must come in order), its columns
    /// in parallel: copying them into fresh memory is mostly page faults,
    /// which one thread alone would take while the others wait.
    fn absorb(&mut self, output: BlockOutput) {
        let (sets, inputs) = (&mut self.sets, &mut self.inputs);
        rayon::join(
            || sets.par_iter_mut().zip(output.sets).for_each(|(set, part)| set.append(part)),
            || inputs.par_iter_mut().zip(output.inputs).for_each(|(column, mut part)| column.values.append(&mut part)),
        );
        self.monthly.add_sums(&output.sums);
    }
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
            assert_eq!(whole.monthly.histogram(0, t), grown.monthly.histogram(0, t));
        }
    }

    /// Collects one set's cumulative cash flow in one month, for every trial.
    struct CumulativeOf {
        set: SetSpec,
        month: usize,
    }

    impl BlockVisitor for CumulativeOf {
        type State = (Vec<f64>, SetMonths);
        type Output = Vec<f64>;
        fn start(&self, _block: u64) -> Self::State {
            (Vec::new(), SetMonths::default())
        }
        fn visit(&self, state: &mut Self::State, model: &Model, _: u64, _: &InputBlock, _: usize, flows: &TileFlows) {
            SetMetrics::compute(model, flows, &self.set, &mut state.1);
            state.0.extend_from_slice(&state.1.cumulative(0)[self.month][..flows.trials]);
        }
        fn finish(&self, state: Self::State) -> Vec<f64> {
            state.0
        }
    }

    #[test]
    fn monthly_percentiles_are_far_within_monte_carlo_error_of_exact_ones() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/it-vs-bpa.toml")).unwrap();
        let scenario = Scenario::parse(&text, "it-vs-bpa.toml").unwrap();
        // 20,003 trials: the last block ends in a partial tile of rows.
        let settings = RunSettings { trials: 20_003, seed: 11 };
        let results = run(&scenario, settings, &|_| {});
        let n = settings.trials as f64;
        for (set, month) in [(0, 5), (0, 20), (0, 35), (2, 12), (5, 30)] {
            let visitor = CumulativeOf { set: results.sets[set].spec.clone(), month };
            let mut exact: Vec<f64> =
                simulate_blocks(&scenario, settings, 0..block_count(settings.trials), &visitor, &|_| {}).concat();
            exact.sort_by(f64::total_cmp);
            let histogram = results.monthly.histogram(set, month);
            for p in [0.05, 0.25, 0.5, 0.75, 0.95] {
                let truth = crate::stats::quantile_sorted(&exact, p).unwrap();
                let estimate = histogram.quantile(p).unwrap();
                // Monte Carlo standard error of a sample quantile, sqrt(p(1-p)/n) / density,
                // with the density read off the sample itself.
                let spread = crate::stats::quantile_sorted(&exact, p + 0.02).unwrap()
                    - crate::stats::quantile_sorted(&exact, p - 0.02).unwrap();
                let standard_error = (p * (1.0 - p) / n).sqrt() * spread / 0.04;
                let error = (estimate - truth).abs();
                assert!(error <= histogram.range().width, "set {set} month {month} p{p}: beyond one bin");
                assert!(error <= 0.1 * standard_error, "set {set} month {month} p{p}: {error} vs SE {standard_error}");
            }
        }
    }
}
