//! A finished run, ready for every output: results, summaries and manifest.
//!
//! [`Report`] gathers what the exports and the terminal table read, so each
//! output is a pure function of it. [`Report::summary_table`] renders the
//! table `roicast run` prints; it returns text and never touches the
//! terminal itself.

use std::fmt::Write as _;

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
                // No cash flow in any trial: no payback to speak of, not "never".
                if summary.prob_no_cash_flow == 1.0 { "-".into() } else { month(summary.payback_month_p50) },
                ratio(&summary.roi),
                ratio(&summary.visible_roi),
            ]);
        }
        let mut out = format!(
            "{} — {} trials, seed {}, horizon {} months, {}\n",
            self.scenario.name,
            self.results.trials,
            self.results.seed,
            self.scenario.simulation.horizon_months,
            self.scenario.simulation.sampling.as_str()
        );
        // Rules under the header and under the portfolio, IT and BPA rows, above the initiatives.
        out.push_str(&text_table(&rows, 1, &[0, 3]));
        out.push_str("payback: median month the cumulative net cash flow turns non-negative; ROI = (PV benefit - PV cost) / PV cost\n");
        out
    }
}

/// Lays out rows as a plain-text table: the first `text_columns` columns
/// left-aligned, the others right-aligned, two spaces between columns, and
/// a rule under each row whose index is in `rules_after` (the header is row 0).
pub fn text_table(rows: &[Vec<String>], text_columns: usize, rules_after: &[usize]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                // Padding is written out: a format width is limited to
                // 65,535, and a cell can be wider.
                let padding = " ".repeat(widths[c] - cell.chars().count());
                if c < text_columns { format!("{cell}{padding}") } else { format!("{padding}{cell}") }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if rules_after.contains(&r) {
            let _ = writeln!(out, "{}", "-".repeat(widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_names_left_and_figures_right_with_rules() {
        let rows: Vec<Vec<String>> = [["set", "mean"], ["portfolio", "$1.2M"], ["it", "$50k"]]
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(
            text_table(&rows, 1, &[0]),
            "set         mean\n----------------\nportfolio  $1.2M\nit          $50k\n"
        );
        assert_eq!(
            text_table(&rows, 2, &[0, 1]),
            "set        mean\n----------------\nportfolio  $1.2M\n----------------\nit         $50k\n"
        );
    }

    #[test]
    fn cells_wider_than_a_format_width_are_laid_out() {
        let long = "x".repeat(70_000);
        let rows = vec![vec!["set".to_string(), "mean".to_string()], vec![long.clone(), "$1".to_string()]];
        let table = text_table(&rows, 1, &[0]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0].len(), 70_000 + 2 + 4);
        assert_eq!(lines[2], format!("{long}    $1"));
    }
}
