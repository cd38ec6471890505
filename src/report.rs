//! A finished run, ready for every output: results, summaries and manifest.
//!
//! [`Report`] gathers what the exports and the terminal table read, so each
//! output is a pure function of it. [`Report::summary_table`] renders the
//! table `roicast run` prints; it returns text and never touches the
//! terminal itself.

use serde::Serialize;

use crate::convergence::Convergence;
use crate::engine::RunResults;
use crate::format::{money, month, percent};
use crate::sampling::{BLOCK_TRIALS, STREAM_SCHEME};
use crate::scenario::Scenario;
use crate::sensitivity::Sensitivity;
use crate::stats::{SetSummary, summarize};

/// How a run was made: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// Version of roicast that made the run.
    pub roicast_version: String,
    /// The scenario file as named on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Trials run.
    pub trials: u64,
    /// `latin-hypercube` or `random`.
    pub sampling: String,
    /// Trials per block (unit of stratification and parallel work).
    pub block_trials: u64,
    /// How random streams are keyed; independent of the thread count.
    pub stream_scheme: String,
}

/// A finished run with everything derived from it.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The scenario run.
    pub scenario: &'a Scenario,
    /// Per-trial and monthly results.
    pub results: &'a RunResults,
    /// One summary per set, in report order.
    pub summaries: Vec<SetSummary>,
    /// Which inputs drive the NPV of the portfolio, `it` and `bpa` sets.
    pub sensitivity: Sensitivity,
    /// Monte Carlo error of portfolio NPV (and the `--precision` outcome, set by the caller).
    pub convergence: Convergence,
    /// How the run was made.
    pub manifest: Manifest,
}

impl<'a> Report<'a> {
    /// Summarises a run of `scenario` read from `scenario_file`.
    pub fn new(scenario: &'a Scenario, results: &'a RunResults, scenario_file: &str) -> Report<'a> {
        Report {
            scenario,
            results,
            summaries: summarize(results),
            sensitivity: Sensitivity::of(scenario, results),
            convergence: Convergence::of(results, scenario.simulation.sampling),
            manifest: Manifest {
                roicast_version: env!("CARGO_PKG_VERSION").to_string(),
                scenario_file: scenario_file.to_string(),
                scenario_sha256: scenario.source_sha256.clone(),
                seed: results.seed,
                trials: results.trials,
                sampling: scenario.simulation.sampling.as_str().to_string(),
                block_trials: BLOCK_TRIALS,
                stream_scheme: STREAM_SCHEME.to_string(),
            },
        }
    }

    /// The summary of the set with this name.
    pub fn summary(&self, name: &str) -> Option<&SetSummary> {
        self.summaries.iter().find(|s| s.name == name)
    }

    /// The summary table `roicast run` prints.
    pub fn summary_table(&self) -> String {
        let currency = &self.scenario.currency;
        let header =
            ["set", "mean NPV", "P10 NPV", "P50 NPV", "P90 NPV", "P(NPV<0)", "payback", "mean ROI", "visible ROI"];
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
        for (summary, set) in self.summaries.iter().zip(&self.results.sets) {
            let npv = |f: fn(&crate::stats::Summary) -> f64| {
                summary.npv.as_ref().map_or("-".into(), |s| money(f(s), currency))
            };
            let ratio = |s: &Option<crate::stats::Summary>| s.as_ref().map_or("-".into(), |s| format!("{:.2}", s.mean));
            let mut name = summary.name.clone();
            if let Some(kind) = set.spec.kind.filter(|_| set.spec.members.len() == 1) {
                name = format!("{name} ({})", kind.as_str());
            }
            if set.spec.members.is_empty() {
                name = format!("{name} (none)");
            }
            rows.push(vec![
                name,
                npv(|s| s.mean),
                npv(|s| s.p10),
                npv(|s| s.p50),
                npv(|s| s.p90),
                percent(summary.prob_npv_negative),
                month(summary.payback_month_p50),
                ratio(&summary.roi),
                ratio(&summary.visible_roi),
            ]);
        }
        let widths: Vec<usize> =
            (0..header.len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
        let mut out = format!(
            "{} — {} trials, seed {}, horizon {} months, {}\n",
            self.scenario.name,
            self.results.trials,
            self.results.seed,
            self.scenario.simulation.horizon_months,
            self.scenario.simulation.sampling.as_str()
        );
        for (r, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = widths[c] - cell.chars().count();
                    if c == 0 { format!("{cell}{}", " ".repeat(pad)) } else { format!("{}{cell}", " ".repeat(pad)) }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
            if r == 0 || r == 3 {
                out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
                out.push('\n');
            }
        }
        out.push_str("payback: median month the cumulative net cash flow turns non-negative; ROI = (PV benefit - PV cost) / PV cost\n");
        out
    }
}
