//! The budget-planning commands — `compare`, `conflation`, `plan` — and the
//! `--fail-if` gates of `run`: simulate, write the outputs atomically, print
//! the tables.
//!
//! The numbers come from [`crate::compare`], [`crate::plan`] and
//! [`crate::gates`]; this module only renders them as text and files. Every
//! table is built as text first (`*_text` functions) and printed once
//! everything is written, so a failed write never leaves half a report on
//! the terminal.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::{
    Progress, chart_error, load_scenario, run_settings, today, with_threads, write_documents, write_folder_atomically,
};
use crate::charts::style::Footnote;
use crate::charts::{ConflationCostChart, EfficientFrontier, Figure, NpvDifference, render_formats};
use crate::cli::{CompareOptions, ConflationOptions, PlanOptions, SimulationOptions};
use crate::compare::{Comparison, ConflationCost, Difference, PairedSet, Source};
use crate::error::Error;
use crate::export::documents::{CompareDocuments, ConflationDocuments, PlanDocuments};
use crate::export::{summary_value, write_budget_csv};
use crate::format::{money, month, percent, signed_money};
use crate::gates::{Gate, Reading, TRIPPED_EXIT_CODE};
use crate::plan::{Evaluation, InitiativeTrials, Plan, PlanSettings, Search};
use crate::report::{Report, text_table};
use crate::scenario::Scenario;

/// Writes a JSON value, pretty-printed, as `dir/name`.
fn write_json(dir: &Path, name: &str, value: &Value) -> Result<(), Error> {
    let path = dir.join(name);
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Output { what: name.to_string(), message: e.to_string() })?;
    text.push('\n');
    fs::write(&path, text).map_err(|e| Error::io("write", &path, e))
}

/// Draws one chart as `<dir>/charts/<stem>.png` and `.svg`, like `roicast run`'s charts.
fn write_chart(figure: &dyn Figure, dir: &Path) -> Result<(), Error> {
    let folder = dir.join("charts");
    fs::create_dir_all(&folder).map_err(|e| Error::io("create folder", &folder, e))?;
    render_formats(figure, &folder).map(|_| ()).map_err(|e| chart_error(dir, e))
}

/// "12.0% → 15.5%".
fn arrow_percent(a: f64, b: f64) -> String {
    format!("{} → {}", percent(a), percent(b))
}

// ---------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------

/// `roicast compare A B`.
pub(super) fn compare(options: &CompareOptions) -> Result<i32, Error> {
    let a = load_scenario(&options.a)?;
    let b = load_scenario(&options.b)?;
    let settings = run_settings(&a, &options.simulation);
    let progress = Progress::new(2 * settings.trials, options.simulation.quiet);
    let comparison =
        with_threads(options.simulation.threads, || Comparison::run(&a, &b, settings, &|n| progress.advance(n)))??;
    progress.finish();
    let (file_a, file_b) = (options.a.display().to_string(), options.b.display().to_string());
    let source_a = Source { scenario: &a, file: &file_a, seed: settings.seed };
    let source_b = Source { scenario: &b, file: &file_b, seed: settings.seed };
    let json = comparison
        .to_json(source_a, source_b)
        .map_err(|e| Error::Output { what: "compare.json".into(), message: e.to_string() })?;
    write_folder_atomically(&options.out, |dir| {
        write_json(dir, "compare.json", &json)?;
        if options.charts {
            let footnote = Footnote { scenario: &a, trials: settings.trials };
            write_chart(&NpvDifference { comparison: &comparison, b_name: &b.name, footnote }, dir)?;
        }
        if options.reports {
            write_documents(
                &CompareDocuments { a: source_a, b: source_b, comparison: &comparison, date: today() },
                dir,
            )?;
        }
        Ok(())
    })?;
    print!("{}", compare_text(&comparison, source_a, source_b, &options.simulation));
    println!("results written to {}/", options.out.display());
    Ok(0)
}

/// The table `roicast compare` prints.
fn compare_text(comparison: &Comparison, a: Source, b: Source, overrides: &SimulationOptions) -> String {
    let currency = &a.scenario.currency;
    let mut out = String::new();
    let _ =
        writeln!(out, "Compare B \"{}\" ({})\n   with A \"{}\" ({})", b.scenario.name, b.file, a.scenario.name, a.file);
    let _ = writeln!(
        out,
        "{} trials each, seed {}, common random numbers: B − A is NPV(B) − NPV(A) trial by trial",
        comparison.runs.a.trials, a.seed
    );
    let ignored: Vec<String> = [
        (overrides.seed.is_none() && b.scenario.simulation.seed != a.seed)
            .then(|| format!("seed {}", b.scenario.simulation.seed)),
        (overrides.trials.is_none() && b.scenario.simulation.trials != comparison.runs.a.trials)
            .then(|| format!("trials {}", b.scenario.simulation.trials)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !ignored.is_empty() {
        let _ = writeln!(out, "note: B's own {} not used; both scenarios run with A's settings", ignored.join(" and "));
    }
    let mut rows = vec![
        [
            "set",
            "mean NPV A",
            "mean NPV B",
            "mean B−A",
            "95% CI of mean B−A",
            "P10 B−A",
            "P50 B−A",
            "P90 B−A",
            "P(B beats A)",
            "P(NPV<0) A → B",
            "median payback A → B",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for set in &comparison.sets {
        let m = |x: f64| signed_money(x, currency);
        let d = set.npv_difference;
        let difference = |f: &dyn Fn(&Difference) -> String| d.as_ref().map_or("-".into(), f);
        rows.push(vec![
            set.name.clone(),
            money(set.npv_mean.a, currency),
            money(set.npv_mean.b, currency),
            difference(&|d| m(d.mean)),
            difference(&|d| format!("[{}, {}]", m(d.ci95_low), m(d.ci95_high))),
            difference(&|d| m(d.p10)),
            difference(&|d| m(d.p50)),
            difference(&|d| m(d.p90)),
            percent(set.prob_b_beats_a),
            arrow_percent(set.prob_npv_negative.a, set.prob_npv_negative.b),
            format!("{} → {}", month(set.payback_month_p50.a), month(set.payback_month_p50.b)),
        ]);
    }
    out.push_str(&text_table(&rows, 1, &[0]));
    out.push_str("P(B beats A) counts the trials in which B's NPV is strictly higher.\n");
    out
}

// ---------------------------------------------------------------------------
// conflation
// ---------------------------------------------------------------------------

/// `roicast conflation SCENARIO`.
pub(super) fn conflation(options: &ConflationOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario)?;
    if ConflationCost::mismatched(&scenario).is_empty() {
        println!(
            "Every initiative in \"{}\" has its natural owner (it for IT automation, operations for BPA): \
             there is no conflation to cost.",
            scenario.name
        );
        return Ok(0);
    }
    let settings = run_settings(&scenario, &options.simulation);
    let progress = Progress::new(2 * settings.trials, options.simulation.quiet);
    let cost = with_threads(options.simulation.threads, || {
        ConflationCost::run(&scenario, settings, &|n| progress.advance(n))
    })??
    .ok_or_else(|| Error::Output { what: "conflation.json".into(), message: "no mismatched initiative".into() })?;
    progress.finish();
    let file = options.scenario.display().to_string();
    let source = Source { scenario: &scenario, file: &file, seed: settings.seed };
    let json =
        cost.to_json(source).map_err(|e| Error::Output { what: "conflation.json".into(), message: e.to_string() })?;
    write_folder_atomically(&options.out, |dir| {
        write_json(dir, "conflation.json", &json)?;
        if options.charts {
            let footnote = Footnote { scenario: &scenario, trials: settings.trials };
            write_chart(&ConflationCostChart { cost: &cost, footnote }, dir)?;
        }
        if options.reports {
            write_documents(&ConflationDocuments { source, cost: &cost, date: today() }, dir)?;
        }
        Ok(())
    })?;
    print!("{}", conflation_text(&cost, source));
    println!("results written to {}/", options.out.display());
    Ok(0)
}

/// The table `roicast conflation` prints.
fn conflation_text(cost: &ConflationCost, source: Source) -> String {
    let scenario = source.scenario;
    let currency = &scenario.currency;
    let c = &scenario.conflation;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cost of conflation in \"{}\" ({}): as written against every initiative with its natural owner",
        scenario.name, source.file
    );
    let _ = writeln!(
        out,
        "{} trials, seed {}, common random numbers; NPV lost = NPV with natural owners − NPV as written, trial by trial",
        cost.runs.a.trials, source.seed
    );
    let _ = writeln!(
        out,
        "mismatched owner: benefit ×{}, risk events ×{}, abandon probability +{}",
        c.benefit_multiplier, c.risk_rate_multiplier, c.extra_abandon_probability
    );
    let mut rows = vec![
        [
            "initiative",
            "owner → natural",
            "mean NPV lost",
            "95% CI",
            "P10 lost",
            "P90 lost",
            "P(NPV<0) natural → written",
            "P(abandoned) natural → written",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let row = |label: String, owners: String, set: &PairedSet| {
        let m = |x: f64| money(x, currency);
        let lost = |f: &dyn Fn(&Difference) -> String| set.npv_difference.as_ref().map_or("-".into(), f);
        vec![
            label,
            owners,
            lost(&|d| m(d.mean)),
            lost(&|d| format!("[{}, {}]", m(d.ci95_low), m(d.ci95_high))),
            lost(&|d| m(d.p10)),
            lost(&|d| m(d.p90)),
            arrow_percent(set.prob_npv_negative.b, set.prob_npv_negative.a),
            arrow_percent(set.prob_abandoned.b, set.prob_abandoned.a),
        ]
    };
    for set in &cost.initiatives {
        let Some(init) = scenario.initiative_index(&set.name).map(|i| &scenario.initiatives[i]) else { continue };
        let owners = format!("{} → {}", init.owner.as_str(), init.kind.natural_owner().as_str());
        rows.push(row(format!("{} ({})", set.name, init.kind.as_str()), owners, set));
    }
    rows.push(row("total (portfolio)".into(), String::new(), &cost.total));
    out.push_str(&text_table(&rows, 2, &[0]));
    out.push_str("A positive NPV lost is what the mismatch costs; P10/P90 are of the per-trial loss.\n");
    out
}

// ---------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------

/// `roicast plan SCENARIO --budget AMOUNT`.
pub(super) fn plan(options: &PlanOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario)?;
    options.settings.check(&scenario)?;
    let settings = run_settings(&scenario, &options.simulation);
    let progress = Progress::new(settings.trials, options.simulation.quiet);
    let advance = |n| progress.advance(n);
    let (data, plan) = with_threads(options.simulation.threads, || {
        let data = InitiativeTrials::simulate(&scenario, settings, options.settings.budget_months, &advance);
        let plan = Plan::search(&scenario, &data, options.settings);
        (data, plan)
    })?;
    progress.finish();
    let file = options.scenario.display().to_string();
    let source = Source { scenario: &scenario, file: &file, seed: settings.seed };
    let json = plan.to_json(source, &data);
    write_folder_atomically(&options.out, |dir| {
        write_json(dir, "plan.json", &json)?;
        if plan.chosen().is_some() {
            let path = dir.join("budget.csv");
            let mut bytes = Vec::new();
            write_budget_csv(&plan.budget_table, &mut bytes)
                .map_err(|e| Error::Output { what: "budget.csv".into(), message: e.to_string() })?;
            fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
        }
        if options.charts {
            let footnote = Footnote { scenario: &scenario, trials: settings.trials };
            write_chart(&EfficientFrontier { plan: &plan, footnote }, dir)?;
        }
        if options.reports {
            let trials = data.trials() as u64;
            write_documents(&PlanDocuments { source, plan: &plan, trials, date: today() }, dir)?;
        }
        Ok(())
    })?;
    print!("{}", plan_text(&plan, source, data.trials()));
    println!("results written to {}/", options.out.display());
    Ok(0)
}

/// "P90" for 0.9, "P97.5" for 0.975.
fn quantile_label(level: f64) -> String {
    let percent = format!("{:.2}", level * 100.0);
    format!("P{}", percent.trim_end_matches('0').trim_end_matches('.'))
}

/// What a plan must respect, in one sentence.
fn constraint_text(settings: &PlanSettings, currency: &str) -> String {
    let mut text = format!(
        "budget {} for build and run spend in months 1–{} at {} (risk losses are not budget spend)",
        money(settings.budget, currency),
        settings.budget_months,
        quantile_label(settings.confidence)
    );
    if let Some(p) = settings.max_loss_probability {
        let _ = write!(text, ", P(NPV<0) at most {}", percent(p));
    }
    text
}

/// The text `roicast plan` prints.
fn plan_text(plan: &Plan, source: Source, trials: usize) -> String {
    let scenario = source.scenario;
    let currency = &scenario.currency;
    let settings = &plan.settings;
    let level = quantile_label(settings.confidence);
    let mut out = String::new();
    let _ =
        writeln!(out, "Budget plan for \"{}\" ({}), {trials} trials, seed {}", scenario.name, source.file, source.seed);
    let _ = writeln!(out, "{}", constraint_text(settings, currency));
    let _ = match plan.search {
        Search::Exhaustive { screening_trials, .. } if screening_trials == trials => writeln!(
            out,
            "search: all {} portfolios that respect dependencies, each evaluated on all {trials} trials",
            plan.portfolios
        ),
        Search::Exhaustive { screening_trials, evaluated_on_all_trials } => writeln!(
            out,
            "search: all {} portfolios that respect dependencies, screened on an evenly spaced subsample of \
             {screening_trials} trials; the {evaluated_on_all_trials} best candidates re-evaluated on all {trials} trials",
            plan.portfolios
        ),
        Search::Heuristic => writeln!(
            out,
            "search: {} initiatives are too many to try every portfolio; greedy then local search evaluated {} \
             portfolios on all {trials} trials (a good portfolio, not necessarily the best)",
            scenario.initiatives.len(),
            plan.portfolios
        ),
    };
    let Some(chosen) = plan.chosen() else {
        let _ = writeln!(out, "\nNo portfolio fits the {}.", constraint_text(settings, currency));
        if let Some(cheapest) = &plan.cheapest {
            let _ = writeln!(
                out,
                "The cheapest portfolio is {} with {level} spend {} in months 1–{} (P(NPV<0) {}).",
                cheapest.names(scenario).join(" + "),
                money(cheapest.spend_quantile, currency),
                settings.budget_months,
                percent(cheapest.prob_npv_negative)
            );
        }
        return out;
    };
    let _ = writeln!(out, "\nFund: {}", chosen.names(scenario).join(", "));
    if chosen.npv_mean < 0.0 {
        let _ = writeln!(out, "note: its mean NPV is negative; in expectation, funding nothing would be better.");
    }
    let mut rows = vec![["rank", "portfolio", "mean NPV", "P10 NPV", "P(NPV<0)"].map(String::from).to_vec()];
    rows[0].extend([format!("{level} spend"), "P(within budget)".into()]);
    for (rank, e) in plan.ranked.iter().enumerate() {
        rows.push(portfolio_row(rank, e, scenario));
    }
    out.push('\n');
    out.push_str(&text_table(&rows, 2, &[0]));
    let _ = writeln!(
        out,
        "\nBudget table of the chosen portfolio: build and run spend per quarter, with mean risk losses beside it"
    );
    let mut rows = vec![
        ["quarter", "months", "mean spend", "P50 spend", "P90 spend", "mean visible benefit", "mean risk loss"]
            .map(String::from)
            .to_vec(),
    ];
    for q in &plan.budget_table {
        rows.push(vec![
            format!("Q{}", q.quarter),
            format!("{}–{}", q.first_month, q.last_month),
            money(q.spend_mean, currency),
            money(q.spend_p50, currency),
            money(q.spend_p90, currency),
            money(q.visible_benefit_mean, currency),
            money(q.risk_loss_mean, currency),
        ]);
    }
    out.push_str(&text_table(&rows, 2, &[0]));
    out
}

/// One ranked portfolio as a table row.
fn portfolio_row(rank: usize, e: &Evaluation, scenario: &Scenario) -> Vec<String> {
    let currency = &scenario.currency;
    vec![
        if rank == 0 { "1 (chosen)".into() } else { (rank + 1).to_string() },
        e.names(scenario).join(" + "),
        money(e.npv_mean, currency),
        money(e.npv_p10, currency),
        percent(e.prob_npv_negative),
        money(e.spend_quantile, currency),
        percent(e.prob_within_budget),
    ]
}

// ---------------------------------------------------------------------------
// run --fail-if
// ---------------------------------------------------------------------------

/// Reads every gate's figure from a run's summary; an unknown set or figure
/// is a bad input, reported before any output is written.
pub(super) fn read_gates(gates: &[Gate], report: &Report) -> Result<Vec<Reading>, Error> {
    if gates.is_empty() {
        return Ok(Vec::new());
    }
    let summary =
        summary_value(report).map_err(|e| Error::Output { what: "summary.json".into(), message: e.to_string() })?;
    gates.iter().map(|g| g.read(&summary).map_err(|e| Error::Input(format!("--fail-if {e}")))).collect()
}

/// Prints each gate's verdict; returns the exit code: [`TRIPPED_EXIT_CODE`]
/// when any gate trips, 0 otherwise.
pub(super) fn report_gates(gates: &[Gate], readings: &[Reading]) -> i32 {
    let mut tripped = 0;
    for (gate, reading) in gates.iter().zip(readings) {
        let trips = gate.trips(reading);
        tripped += usize::from(trips);
        let value = match reading.value {
            Some(v) if v.is_infinite() => "never (null)".to_string(),
            Some(v) => v.to_string(),
            None => "undefined (null)".to_string(),
        };
        let verdict = if trips { "TRIPPED" } else { "ok     " };
        println!("gate {verdict} {gate}   ({}.{} = {value})", reading.set, reading.figure);
    }
    if tripped > 0 {
        eprintln!("roicast: {tripped} of {} --fail-if conditions hold (exit code {TRIPPED_EXIT_CODE})", gates.len());
        TRIPPED_EXIT_CODE
    } else {
        0
    }
}
