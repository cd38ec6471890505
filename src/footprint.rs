//! How much memory a command will need, estimated before it starts, and
//! how much disk its per-trial table will take.
//!
//! An estimate adds up what the command holds at its peak, from the layouts
//! of the modules that hold it:
//!
//! - the process itself: the program, its libraries, the chart font and the
//!   threads ([`PROCESS_BASE`], measured);
//! - what the engine keeps per trial: [`SetResults::BYTES_PER_TRIAL`] per
//!   reported set and an `f32` per uncertain input;
//! - what it keeps per set and month, however many the trials: a monthly
//!   histogram of [`HISTOGRAM_BINS`] 32-bit counts and the month's sums;
//! - the blocks in flight: a wave of blocks' per-trial results, monthly sums
//!   and columns of cumulative cash flows (the pilot wave's as `f32`
//!   values, later waves' as 16-bit slots), and per worker a block's inputs
//!   and a tile's monthly flows and running sums;
//! - after the simulation, the larger of the report's working buffers (the
//!   NPV ranks of the analysed sets, and per worker the keys, ranks and
//!   sort buffers of the trials being summarised or ranked) and the charts'
//!   (a sorted copy of two figures per set, [`CHARTS_BASE`] besides).
//!
//! `compare` and `conflation` keep two runs and their per-trial
//! differences; `plan` keeps each initiative's NPV, window spend and
//! quarterly spend per trial (no monthly histograms), and its search's
//! per-trial sums. A `--precision` run holds its
//! final number of trials at the end (results grow in place).
//!
//! The shipped scenarios' measured peaks lie within 12% of these estimates
//! (the integration tests hold them to a factor of 1.5); `docs/scenario-format.md`
//! lists the limits the estimates guard.

use crate::calendar::Periods;
use crate::engine::{PILOT_WAVE, SetResults, WAVE_BLOCKS};
use crate::model::{LANES, reported_sets};
use crate::sampling::BLOCK_TRIALS;
use crate::scenario::Scenario;
use crate::sensitivity::ANALYSED_SETS;
use crate::sketch::HISTOGRAM_BINS;

/// Memory of the process before it holds any trial: the program and its
/// libraries, the chart font, the thread pool (measured: 13 MiB).
pub const PROCESS_BASE: u64 = 13 << 20;

/// Memory the charts need besides their per-trial copies: a 1920×1080 RGB
/// canvas, its PNG encoding and the SVG text (measured: 8 MiB).
pub const CHARTS_BASE: u64 = 8 << 20;

/// Bytes per trial that the report's working buffers take for each worker:
/// the sort keys, their spare buffer and the ranks of the trials at hand.
const REPORT_BYTES_PER_WORKER: u64 = 24;

/// Bytes per trial and set of the charts' sorted copies (two `f64` figures).
const CHART_BYTES_PER_SET: u64 = 16;

/// Bytes per trial of a paired comparison's working buffers: a set's
/// per-trial differences and their sorted copy (both `f64`).
const PAIRED_BYTES: u64 = 16;

/// Bytes per trial and initiative of the budget search's working buffers
/// (a candidate portfolio's per-trial NPV and spend, both `f64`).
const SEARCH_BYTES_PER_INITIATIVE: u64 = 16;

/// The sizes that drive a scenario's memory.
#[derive(Debug, Clone, Copy)]
struct Shape {
    sets: u64,
    initiatives: u64,
    inputs: u64,
    uncertain: u64,
    months: u64,
}

impl Shape {
    fn of(scenario: &Scenario) -> Shape {
        Shape {
            sets: reported_sets(scenario).len() as u64,
            initiatives: scenario.initiatives.len() as u64,
            inputs: scenario.inputs.len() as u64,
            uncertain: scenario.inputs.iter().filter(|i| i.distribution.fixed_value().is_none()).count() as u64,
            months: u64::from(scenario.simulation.horizon_months),
        }
    }

    /// Bytes the engine keeps per trial.
    fn per_trial(self) -> u64 {
        self.sets * SetResults::BYTES_PER_TRIAL as u64 + self.uncertain * size_of::<f32>() as u64
    }

    /// Bytes kept per set and month whatever the trials: a histogram's bins
    /// and the month's sums (three `f64`, also per initiative).
    fn monthly(self) -> u64 {
        let sums = 3 * size_of::<f64>() as u64;
        self.sets * self.months * (HISTOGRAM_BINS as u64 * size_of::<u32>() as u64 + sums)
            + self.initiatives * self.months * sums
    }

    /// Bytes of a worker's buffers: a block's inputs (values and uniforms,
    /// `f64`), a tile's four monthly flows per initiative and two running
    /// sums per initiative and set.
    fn worker(self, trials: u64) -> u64 {
        let block = trials.clamp(1, BLOCK_TRIALS);
        let tile = LANES as u64 * size_of::<f64>() as u64 * self.months;
        2 * self.inputs * block * size_of::<f64>() as u64
            + tile * (4 * self.initiatives + 2 * (self.initiatives + self.sets))
    }

    /// Bytes of a run's blocks in flight (a wave of them) and its workers'
    /// buffers.
    fn in_flight(self, trials: u64, workers: u64) -> u64 {
        let block = trials.clamp(1, BLOCK_TRIALS);
        let cells = self.sets * self.months;
        // Per block: its trials' results, its monthly sums per initiative.
        let block_results = block * self.per_trial() + 3 * self.initiatives * self.months * 8;
        let pilot = PILOT_WAVE * (block_results + cells * block * size_of::<f32>() as u64);
        let wave = WAVE_BLOCKS * (block_results + cells * block * size_of::<u16>() as u64);
        pilot.max(wave) + workers * self.worker(trials)
    }

    /// Bytes of one run: kept results, monthly results, blocks in flight.
    fn simulation(self, trials: u64, workers: u64) -> u64 {
        trials * self.per_trial() + self.monthly() + self.in_flight(trials, workers)
    }
}

/// Memory `roicast run` needs for `trials` trials of `scenario` on
/// `workers` threads, with or without charts.
pub fn run(scenario: &Scenario, trials: u64, workers: usize, charts: bool) -> u64 {
    let shape = Shape::of(scenario);
    let workers = workers as u64;
    let report = trials * (ANALYSED_SETS.len() as u64 * size_of::<u32>() as u64 + workers * REPORT_BYTES_PER_WORKER);
    let charts = if charts { CHARTS_BASE + trials * shape.sets * CHART_BYTES_PER_SET } else { 0 };
    PROCESS_BASE + shape.simulation(trials, workers) + report.max(charts)
}

/// Memory `roicast compare` (or `conflation`, with `b` the scenario under
/// natural owners) needs: both runs, then their per-trial differences.
pub fn paired(a: &Scenario, b: &Scenario, trials: u64, workers: usize, charts: bool) -> u64 {
    let (a, b, workers) = (Shape::of(a), Shape::of(b), workers as u64);
    let kept = |s: Shape| trials * s.per_trial() + s.monthly();
    let in_flight = a.in_flight(trials, workers).max(b.in_flight(trials, workers));
    let charts = if charts { CHARTS_BASE } else { 0 };
    PROCESS_BASE + kept(a) + kept(b) + in_flight + trials * PAIRED_BYTES + charts
}

/// Memory `roicast plan` needs with `windows` budget windows: each
/// initiative's NPV, window spend and quarterly spend per trial, and the
/// search's per-trial sums.
pub fn plan(scenario: &Scenario, windows: usize, trials: u64, workers: usize, charts: bool) -> u64 {
    let shape = Shape::of(scenario);
    let periods = Periods { calendar: scenario.calendar, horizon: scenario.simulation.horizon_months };
    let quarters = periods.quarters().len() as u64;
    let per_trial = shape.initiatives * (1 + windows as u64 + quarters) * size_of::<f64>() as u64;
    let search = (shape.initiatives + 2) * SEARCH_BYTES_PER_INITIATIVE;
    let charts = if charts { CHARTS_BASE } else { 0 };
    PROCESS_BASE + trials * (per_trial + search) + workers as u64 * shape.worker(trials) + charts
}

/// Bytes of `trials.parquet` for `trials` trials of `scenario`: per trial,
/// the portfolio, `it` and `bpa` sets' metrics as the engine keeps them,
/// every initiative's NPV (`f64`) and every uncertain input (`f32`); random
/// figures barely compress.
pub fn trials_parquet(scenario: &Scenario, trials: u64) -> u64 {
    let shape = Shape::of(scenario);
    let per_trial = ANALYSED_SETS.len() as u64 * SetResults::BYTES_PER_TRIAL as u64
        + shape.initiatives * size_of::<f64>() as u64
        + shape.uncertain * size_of::<f32>() as u64;
    trials * per_trial
}

/// The most trials, at most `limit`, for which `needs(trials)` stays within
/// `budget`; 0 when not even one fits. `needs` must grow with the trials
/// (and stay within `u64` up to `limit`, as the estimates here do up to
/// [`crate::scenario::MAX_TRIALS`]).
pub fn most_trials(budget: u64, limit: u64, needs: impl Fn(u64) -> u64) -> u64 {
    let (mut fits, mut too_many) = (0, limit.saturating_add(1));
    while too_many - fits > 1 {
        let middle = fits + (too_many - fits) / 2;
        if needs(middle) <= budget {
            fits = middle;
        } else {
            too_many = middle;
        }
    }
    fits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(initiatives: usize, months: u32) -> Scenario {
        let mut text = format!("[simulation]\nhorizon_months = {months}\ndiscount_rate = 0.1\n");
        for i in 0..initiatives {
            text += &format!(
                "[[initiatives]]\nname = \"I{i}\"\nkind = \"{}\"\nbuild_cost = {{ uniform = [1, 2] }}\n\
                 build_months = 2\nbenefit_per_month = {{ uniform = [1, 2] }}\n",
                if i % 2 == 0 { "it" } else { "bpa" }
            );
        }
        Scenario::parse(&text, "t.toml").unwrap()
    }

    #[test]
    fn a_run_grows_by_its_per_trial_results_and_the_report_buffers() {
        let s = scenario(4, 24);
        // 7 sets × 33 bytes + 8 inputs × 4 bytes kept; 3 × 4 + 2 × 24 of report buffers.
        let per_trial = 7 * 33 + 8 * 4 + 3 * 4 + 2 * REPORT_BYTES_PER_WORKER;
        let (a, b) = (run(&s, 1_000_000, 2, false), run(&s, 2_000_000, 2, false));
        assert_eq!(b - a, 1_000_000 * per_trial);
        // Charts need more than the report here: their copies replace its buffers.
        assert_eq!(run(&s, 2_000_000, 2, true) - b, CHARTS_BASE + 2_000_000 * (7 * 16 - 3 * 4 - 48));
    }

    #[test]
    fn months_and_initiatives_cost_memory_even_with_few_trials() {
        // The probe's 10,000 initiatives over 120 months at 200 trials: the
        // histograms alone are 10,003 × 120 × 32 KiB, more than 36 GiB.
        let many = scenario(10_000, 120);
        assert!(run(&many, 200, 2, false) > 36 << 30);
        assert!(run(&scenario(2, 12), 200, 2, false) < 40 << 20);
    }

    #[test]
    fn the_most_trials_that_fit_is_the_largest_count_within_the_budget() {
        let needs = |trials: u64| 1000 + 10 * trials;
        assert_eq!(most_trials(1000 + 10 * 777, 1 << 40, needs), 777);
        assert_eq!(most_trials(1000 + 10 * 777 + 9, 500, needs), 500);
        assert_eq!(most_trials(999, 500, needs), 0);
    }
}
