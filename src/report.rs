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
use crate::format::{dated_month, money, percent};
use crate::reforecast::{Reforecast, SetReforecast};
use crate::sampling::{BLOCK_TRIALS, STREAM_SCHEME};
use crate::scenario::{Scenario, State, month_label};
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
    /// The actuals' ledger file and SHA-256 of its bytes, in a re-forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuals_file: Option<String>,
    /// SHA-256 of the actuals' ledger file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuals_sha256: Option<String>,
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
    /// Forward NPV and the variance against the plan, in a run with actuals
    /// (set by the caller, who runs the plan).
    pub reforecast: Option<Reforecast>,
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
                actuals_file: scenario.actuals.as_ref().map(|a| a.file.clone()),
                actuals_sha256: scenario.actuals.as_ref().map(|a| a.ledger_sha256.clone()),
            },
            reforecast: None,
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
                if summary.prob_no_cash_flow == 1.0 {
                    "-".into()
                } else {
                    dated_month(summary.payback_month_p50, self.scenario.calendar.as_ref())
                },
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

impl Report<'_> {
    /// What `roicast run` prints after the summary of a run with actuals:
    /// one line per set on where the actuals stand against the plan and
    /// what is still to win, then whether to continue or stop each
    /// initiative. `None` without actuals.
    pub fn reforecast_text(&self) -> Option<String> {
        let reforecast = self.reforecast.as_ref()?;
        let (scenario, currency) = (self.scenario, &self.scenario.currency);
        let calendar = scenario.calendar.as_ref();
        let after = month_label(reforecast.through, calendar);
        let mut out = format!(
            "\nActuals through {after} against the plan (the same scenario without actuals, same seed and trials):\n"
        );
        for (set, results) in reforecast.sets.iter().zip(&self.results.sets) {
            let (Some(row), Some(forward)) = (set.variance.last(), &set.forward_npv) else { continue };
            if results.spec.members.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "  {}: cumulative {} after {after}, {}; forward NPV P50 {}, P(forward NPV < 0) {}",
                set.name,
                money(row.actual_cumulative, currency),
                plan_position(row.actual_cumulative, row.plan_p10, row.plan_p90, row.percentile),
                money(forward.p50, currency),
                percent(set.prob_forward_npv_negative),
            );
        }
        out.push_str(&self.continue_or_stop(reforecast));
        Some(out)
    }

    /// The continue-or-stop table: each initiative's forward NPV, and what
    /// stopping it now saves or forgoes against going on, on average.
    fn continue_or_stop(&self, reforecast: &Reforecast) -> String {
        let scenario = self.scenario;
        let (currency, calendar) = (&scenario.currency, scenario.calendar.as_ref());
        let Some(actuals) = &scenario.actuals else { return String::new() };
        let header =
            ["initiative", "state", "fwd NPV mean", "P10", "P50", "P90", "P(fwd<0)", "stopping now", "verdict"];
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
        let mut notes = Vec::new();
        for (i, init) in scenario.initiatives.iter().enumerate() {
            let Some(SetReforecast { forward_npv: Some(forward), prob_forward_npv_negative, .. }) =
                reforecast.set(&init.name)
            else {
                continue;
            };
            let state = actuals.states[i];
            let verdict = match state {
                State::Abandoned { .. } => "stopped",
                _ if forward.mean > 0.0 => "go on",
                _ => "stop",
            };
            rows.push(vec![
                init.name.clone(),
                state.describe(calendar),
                money(forward.mean, currency),
                money(forward.p10, currency),
                money(forward.p50, currency),
                money(forward.p90, currency),
                percent(*prob_forward_npv_negative),
                match forward.mean {
                    m if m > 0.0 => format!("forgoes {}", money(m, currency)),
                    m if m < 0.0 => format!("saves {}", money(-m, currency)),
                    _ => "changes nothing".to_string(),
                },
                verdict.to_string(),
            ]);
            // Only an initiative not live yet holds back those that wait for its go-live.
            if matches!(state, State::Planned | State::Building { .. } | State::Built { .. }) {
                let waiting: Vec<&str> = scenario
                    .initiatives
                    .iter()
                    .enumerate()
                    .filter(|(d, other)| {
                        other.depends_on.contains(&i)
                            && !matches!(actuals.states[*d], State::Live { .. } | State::Abandoned { .. })
                    })
                    .map(|(_, other)| other.name.as_str())
                    .collect();
                if !waiting.is_empty() {
                    notes.push(format!(
                        "stopping {} would also keep {} from going live (they wait for it)",
                        init.name,
                        waiting.join(", ")
                    ));
                }
            }
        }
        let mut out = format!(
            "\nContinue or stop: forward NPV is the value still to win or lose after {}, discounted to then \
             (sunk cost left out); stopping now is worth 0\n",
            month_label(reforecast.through, calendar)
        );
        out.push_str(&text_table(&rows, 2, &[0]));
        for note in notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }
}

/// Where an actual value sits in the plan's distribution, in words: "at
/// P23 of the plan", "below every plan trial", or "as planned" when the
/// plan was certain of it.
fn plan_position(actual: f64, plan_p10: f64, plan_p90: f64, share: f64) -> String {
    if plan_p10 == plan_p90 && (actual - plan_p10).abs() <= 1e-9 * actual.abs().max(1.0) {
        return "as planned".to_string();
    }
    match share {
        s if s <= 0.0 => "below every plan trial".to_string(),
        s if s >= 1.0 => "above every plan trial".to_string(),
        s => format!("at P{} of the plan", ((s * 100.0).round() as u32).clamp(1, 99)),
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
