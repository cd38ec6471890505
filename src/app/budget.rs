//! The budget-planning commands — `compare`, `conflation`, `plan` — and the
//! `--fail-if` gates of `run`: simulate, write the outputs atomically, print
//! the tables.
//!
//! The numbers come from [`crate::compare`], [`crate::plan`] and
//! [`crate::gates`]; this module only renders them as text and files. Every
//! table is built as text first (`*_text` functions) and printed once
//! everything is written, so a failed write never leaves half a report on
//! the terminal; with `--quiet` nothing but errors (and tripped gates) is
//! printed.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::{
    OutputFolder, Progress, chart_error, check_memory, load_scenario, refuse_actuals, run_settings, today,
    with_threads, write_documents, write_file,
};
use crate::charts::style::Footnote;
use crate::charts::{ConflationCostChart, EfficientFrontier, Figure, NpvDifference, render_formats};
use crate::cli::{CompareOptions, ConflationOptions, PlanOptions, SimulationOptions};
use crate::compare::{Comparison, ConflationCost, Difference, PairedSet, Presence, Source, incompatibility};
use crate::error::Error;
use crate::export::documents::{CompareDocuments, ConflationDocuments, PlanDocuments};
use crate::export::{summary_value, write_budget_csv};
use crate::footprint;
use crate::format::{dated_month, money, percent, signed_money};
use crate::gates::{Gate, Reading, TRIPPED_EXIT_CODE, Target};
use crate::plan::{BudgetRow, Evaluation, InitiativeFigures, InitiativeTrials, Plan, PlanSettings, Search, Space};
use crate::report::{Report, text_table};
use crate::scenario::{Kind, Scenario};
use crate::voi::estimate_text;

/// Writes a JSON value, pretty-printed, as `dir/name`.
pub(super) fn write_json(dir: &Path, name: &str, value: &Value) -> Result<(), Error> {
    let path = dir.join(name);
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Output { what: name.to_string(), message: e.to_string() })?;
    text.push('\n');
    fs::write(&path, text).map_err(|e| Error::io("write", &path, e))
}

/// Draws one chart as `<dir>/charts/<stem>.png` and `.svg`, like `roicast run`'s charts.
pub(super) fn write_chart(figure: &dyn Figure, dir: &Path) -> Result<(), Error> {
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
    let a = load_scenario(&options.a, options.simulation.quiet)?;
    let b = load_scenario(&options.b, options.simulation.quiet)?;
    refuse_actuals(&a, &options.a, "compare")?;
    refuse_actuals(&b, &options.b, "compare")?;
    if let Some(why) = incompatibility(&a, &b) {
        // Named by their files: two files often hold scenarios of the same
        // name; the names are added when they tell the scenarios apart.
        let named = |path: &Path, scenario: &Scenario| {
            if a.name == b.name {
                path.display().to_string()
            } else {
                format!("{} (\"{}\")", path.display(), scenario.name)
            }
        };
        let (a_named, b_named) = (named(&options.a, &a), named(&options.b, &b));
        return Err(Error::Input(format!("cannot compare B = {b_named} with A = {a_named}: {why}")));
    }
    let settings = run_settings(&a, &options.simulation);
    let needs = |trials, workers| footprint::paired(&a, &b, trials, workers, options.output.charts);
    check_memory(&options.simulation, "this comparison", settings.trials, needs)?;
    let folder = OutputFolder::prepare(&options.output.out, &[&options.a, &options.b])?;
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
    folder.write(|dir| {
        write_json(dir, "compare.json", &json)?;
        if options.output.charts {
            let footnote = Footnote { scenario: &a, trials: settings.trials };
            write_chart(&NpvDifference { comparison: &comparison, b_name: &b.name, footnote }, dir)?;
        }
        if options.output.reports {
            write_documents(
                &CompareDocuments { a: source_a, b: source_b, comparison: &comparison, date: today() },
                dir,
            )?;
        }
        Ok(())
    })?;
    if !options.simulation.quiet {
        print!("{}", compare_text(&comparison, source_a, source_b, &options.simulation));
        println!("results written to {}/", options.output.out.display());
    }
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
    for set in comparison.sets.iter().chain(&comparison.initiatives) {
        let m = |x: f64| signed_money(x, currency);
        let d = set.npv_difference;
        let difference = |f: &dyn Fn(&Difference) -> String| d.as_ref().map_or("-".into(), f);
        let side = |present: bool, x: f64| if present { money(x, currency) } else { "absent".into() };
        let payback = |source: &Source, present: bool, x: Option<f64>| match present {
            true => dated_month(x, source.scenario.calendar.as_ref()),
            false => "-".into(),
        };
        let (in_a, in_b) = (set.present_in != Presence::B, set.present_in != Presence::A);
        rows.push(vec![
            set.name.clone(),
            side(in_a, set.npv_mean.a),
            side(in_b, set.npv_mean.b),
            difference(&|d| m(d.mean)),
            difference(&|d| format!("[{}, {}]", m(d.ci95_low), m(d.ci95_high))),
            difference(&|d| m(d.p10)),
            difference(&|d| m(d.p50)),
            difference(&|d| m(d.p90)),
            percent(set.prob_b_beats_a),
            arrow_percent(set.prob_npv_negative.a, set.prob_npv_negative.b),
            format!("{} → {}", payback(&a, in_a, set.payback_month_p50.a), payback(&b, in_b, set.payback_month_p50.b)),
        ]);
    }
    out.push_str(&text_table(&rows, 1, &[0, comparison.sets.len()]));
    out.push_str("P(B beats A) counts the trials in which B's NPV is strictly higher.\n");
    if comparison.initiatives.iter().any(|set| set.present_in != Presence::Both) {
        out.push_str(
            "An initiative absent from one scenario counts there as not undertaken (NPV 0), so the initiatives' \
             differences add up to the portfolio's.\n",
        );
    }
    out
}

// ---------------------------------------------------------------------------
// conflation
// ---------------------------------------------------------------------------

/// `roicast conflation SCENARIO`.
pub(super) fn conflation(options: &ConflationOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario, options.simulation.quiet)?;
    refuse_actuals(&scenario, &options.scenario, "conflation")?;
    if ConflationCost::mismatched(&scenario).is_empty() {
        if options.simulation.quiet {
            return Ok(0);
        }
        println!(
            "Every initiative in \"{}\" has its natural owner (it for IT automation, operations for BPA): \
             there is no conflation to cost.",
            scenario.name
        );
        return Ok(0);
    }
    let settings = run_settings(&scenario, &options.simulation);
    // The scenario under natural owners has the same shape.
    let needs = |trials, workers| footprint::paired(&scenario, &scenario, trials, workers, options.output.charts);
    check_memory(&options.simulation, "this comparison", settings.trials, needs)?;
    let folder = OutputFolder::prepare(&options.output.out, &[&options.scenario])?;
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
    folder.write(|dir| {
        write_json(dir, "conflation.json", &json)?;
        if options.output.charts {
            let footnote = Footnote { scenario: &scenario, trials: settings.trials };
            write_chart(&ConflationCostChart { cost: &cost, footnote }, dir)?;
        }
        if options.output.reports {
            write_documents(&ConflationDocuments { source, cost: &cost, date: today() }, dir)?;
        }
        Ok(())
    })?;
    if !options.simulation.quiet {
        print!("{}", conflation_text(&cost, source));
        println!("results written to {}/", options.output.out.display());
    }
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
    let scenario = load_scenario(&options.scenario, options.simulation.quiet)?;
    refuse_actuals(&scenario, &options.scenario, "plan")?;
    let plan_settings = options.request.resolve(&scenario)?;
    let settings = run_settings(&scenario, &options.simulation);
    let windows = plan_settings.budgets.len();
    let needs = |trials, workers| footprint::plan(&scenario, windows, trials, workers, options.output.charts);
    check_memory(&options.simulation, "this plan", settings.trials, needs)?;
    let folder = OutputFolder::prepare(&options.output.out, &[&options.scenario])?;
    let progress = Progress::new(settings.trials, options.simulation.quiet);
    let advance = |n| progress.advance(n);
    let (data, plan) = with_threads(options.simulation.threads, || {
        let data = InitiativeTrials::simulate(&scenario, settings, &plan_settings.budgets, &advance);
        let plan = Plan::search(&scenario, &data, plan_settings);
        (data, plan)
    })?;
    progress.finish();
    let plan = plan?;
    let file = options.scenario.display().to_string();
    let source = Source { scenario: &scenario, file: &file, seed: settings.seed };
    let json = plan.to_json(source, &data);
    folder.write(|dir| {
        write_json(dir, "plan.json", &json)?;
        if plan.chosen().is_some() {
            write_file(dir, "budget.csv", |out| {
                write_budget_csv(&plan.budget_table, &plan.year_table, &plan.window_table, out)
            })?;
        }
        if options.output.charts {
            let footnote = Footnote { scenario: &scenario, trials: settings.trials };
            write_chart(&EfficientFrontier { plan: &plan, footnote }, dir)?;
        }
        if options.output.reports {
            let trials = data.trials() as u64;
            write_documents(&PlanDocuments { source, plan: &plan, trials, date: today() }, dir)?;
        }
        Ok(())
    })?;
    if !options.simulation.quiet {
        print!("{}", plan_text(&plan, source, data.trials()));
        println!("results written to {}/", options.output.out.display());
    }
    Ok(0)
}

/// "P90" for 0.9, "P97.5" for 0.975.
fn quantile_label(level: f64) -> String {
    let percent = format!("{:.2}", level * 100.0);
    format!("P{}", percent.trim_end_matches('0').trim_end_matches('.'))
}

/// What a plan must respect, in one sentence.
fn constraint_text(settings: &PlanSettings, currency: &str) -> String {
    let level = quantile_label(settings.confidence);
    let mut text = match settings.budgets.as_slice() {
        [one] => format!(
            "budget {} for build and run spend in {} at {level} (risk losses are not budget spend)",
            money(one.amount, currency),
            one.describe()
        ),
        _ => format!(
            "budgets for build and run spend at {level}, each on its own (risk losses are not budget spend): {}",
            settings.windows_text(currency)
        ),
    };
    if let Some(p) = settings.max_loss_probability {
        let _ = write!(text, ", P(NPV<0) at most {}", percent(p));
    }
    text
}

/// What the plan must and must not fund, one line each; empty without controls.
fn controls_text(space: &Space, scenario: &Scenario) -> String {
    let name = |i: usize| scenario.initiatives[i].name.as_str();
    let names = |list: &[usize]| list.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", ");
    let mut out = String::new();
    if !space.included.is_empty() {
        let dependencies: Vec<usize> = space.required.iter().copied().filter(|i| !space.included.contains(i)).collect();
        let with = match (dependencies.is_empty(), space.included.len()) {
            (true, _) => String::new(),
            (false, 1) => format!(" (with what it depends on: {})", names(&dependencies)),
            (false, _) => format!(" (with what they depend on: {})", names(&dependencies)),
        };
        let _ = writeln!(out, "must fund: {}{with}", names(&space.included));
    }
    if !space.forbidden.is_empty() {
        let reasons: Vec<String> = space
            .forbidden
            .iter()
            .map(|&i| {
                let why = if space.excluded.contains(&i) {
                    "--exclude".to_string()
                } else if let Some(&x) = space.closure[i].iter().find(|d| space.excluded.contains(d)) {
                    format!("needs {}", name(x))
                } else {
                    "an alternative to what must be funded".to_string()
                };
                format!("{} ({why})", name(i))
            })
            .collect();
        let _ = writeln!(out, "cannot fund: {}", reasons.join(", "));
    }
    for group in &space.groups {
        let _ = writeln!(out, "alternatives, at most one funded: {}", names(group));
    }
    out
}

/// What every portfolio of a search respects: "dependencies, includes and alternatives".
fn rules_text(space: &Space) -> String {
    let rules: Vec<&str> = [
        Some("dependencies"),
        (!space.included.is_empty()).then_some("includes"),
        (!space.excluded.is_empty()).then_some("excludes"),
        (!space.groups.is_empty()).then_some("alternatives"),
    ]
    .into_iter()
    .flatten()
    .collect();
    match rules.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => rules.concat(),
    }
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
    out.push_str(&controls_text(&settings.space, scenario));
    let _ = match plan.search {
        Search::Exhaustive { screening_trials, .. } if screening_trials == trials => writeln!(
            out,
            "search: all {} portfolios that respect {}, each evaluated on all {trials} trials",
            plan.portfolios,
            rules_text(&settings.space)
        ),
        Search::Exhaustive { screening_trials, evaluated_on_all_trials } => writeln!(
            out,
            "search: all {} portfolios that respect {}, screened on an evenly spaced subsample of \
             {screening_trials} trials; the {evaluated_on_all_trials} best candidates re-evaluated on all {trials} trials",
            plan.portfolios,
            rules_text(&settings.space)
        ),
        Search::Heuristic => writeln!(
            out,
            "search: {} initiatives to choose from are too many to try every portfolio; greedy then local search \
             evaluated {} portfolios on all {trials} trials (a good portfolio, not necessarily the best)",
            settings.space.free.len(),
            plan.portfolios
        ),
    };
    let Some(chosen) = plan.chosen() else {
        let _ = writeln!(out, "\nNo portfolio fits the {}.", constraint_text(settings, currency));
        if let Some(cheapest) = &plan.cheapest {
            let spends: Vec<String> = settings
                .budgets
                .iter()
                .zip(&cheapest.spend)
                .map(|(b, s)| format!("{} in {}", money(s.quantile, currency), b.describe()))
                .collect();
            let _ = writeln!(
                out,
                "The cheapest portfolio is {} with {level} spend {} (P(NPV<0) {}).",
                cheapest.names(scenario).join(" + "),
                spends.join(", "),
                percent(cheapest.prob_npv_negative)
            );
        }
        out.push_str(&initiatives_text(plan, scenario, &[]));
        return out;
    };
    let _ = writeln!(out, "\nFund: {}", chosen.names(scenario).join(", "));
    if chosen.npv_mean < 0.0 {
        let _ = writeln!(out, "note: its mean NPV is negative; in expectation, funding nothing would be better.");
    }
    let mut rows = vec![["rank", "portfolio", "mean NPV", "P10 NPV", "P(NPV<0)"].map(String::from).to_vec()];
    match settings.budgets.as_slice() {
        [_] => rows[0].extend([format!("{level} spend"), "P(within budget)".into()]),
        windows => {
            for w in windows {
                rows[0].extend([format!("{level} spend {}", w.label), format!("P(within {})", w.label)]);
            }
            rows[0].push("P(within all)".into());
        }
    }
    for (rank, e) in plan.ranked.iter().enumerate() {
        rows.push(portfolio_row(rank, e, scenario, settings.budgets.len() > 1));
    }
    out.push('\n');
    out.push_str(&text_table(&rows, 2, &[0]));
    out.push_str(&initiatives_text(plan, scenario, &chosen.members));
    let _ = writeln!(
        out,
        "\nBudget table of the chosen portfolio: build and run spend per quarter, with mean risk losses beside it"
    );
    out.push_str(&period_table("quarter", &plan.budget_table, currency));
    let year = crate::calendar::year_word(scenario.calendar.as_ref());
    let _ = writeln!(out, "\nTotals by {year}: each trial's spend over the whole {year}");
    out.push_str(&period_table(year, &plan.year_table, currency));
    let _ = writeln!(out, "\nTotals by budget window: the chosen portfolio against each budget");
    let mut rows = vec![["window", "months", "budget", "mean spend"].map(String::from).to_vec()];
    rows[0].extend([
        format!("{level} spend"),
        "P(within budget)".into(),
        "mean visible benefit".into(),
        "mean risk loss".into(),
    ]);
    for r in &plan.window_table {
        let Some(check) = &r.budget else { continue };
        rows.push(vec![
            r.period.clone(),
            format!("{}–{}", r.first_month, r.last_month),
            money(check.amount, currency),
            money(r.spend_mean, currency),
            money(check.spend_quantile, currency),
            percent(check.prob_within_budget),
            money(r.visible_benefit_mean, currency),
            money(r.risk_loss_mean, currency),
        ]);
    }
    out.push_str(&text_table(&rows, 2, &[0]));
    out
}

/// A budget table's rows of quarters or years as text, the period's kind heading its first column.
fn period_table(kind: &str, table: &[BudgetRow], currency: &str) -> String {
    let mut rows = vec![
        [kind, "months", "mean spend", "P50 spend", "P90 spend", "mean visible benefit", "mean risk loss"]
            .map(String::from)
            .to_vec(),
    ];
    rows.extend(table.iter().map(|r| {
        vec![
            r.period.clone(),
            format!("{}–{}", r.first_month, r.last_month),
            money(r.spend_mean, currency),
            money(r.spend_p50, currency),
            money(r.spend_p90, currency),
            money(r.visible_benefit_mean, currency),
            money(r.risk_loss_mean, currency),
        ]
    }));
    text_table(&rows, 2, &[0])
}

/// The initiatives table of a plan, largest mean NPV first: funded or not,
/// and what learning more about each is worth (its EVPI).
fn initiatives_text(plan: &Plan, scenario: &Scenario, funded: &[usize]) -> String {
    let currency = &scenario.currency;
    let space = &plan.settings.space;
    let mut order: Vec<&InitiativeFigures> = plan.initiatives.iter().collect();
    order.sort_by(|a, b| b.npv_mean.total_cmp(&a.npv_mean).then(a.initiative.cmp(&b.initiative)));
    let mut rows = vec![["initiative", "funded", "mean NPV", "P(NPV<0)", "EVPI"].map(String::from).to_vec()];
    for f in order {
        let i = f.initiative;
        let status = match (funded.contains(&i), space.included.contains(&i), space.forbidden.contains(&i)) {
            (true, true, _) => "yes (--include)",
            (true, false, _) => "yes",
            (false, _, true) => "no (cannot)",
            (false, _, false) => "no",
        };
        rows.push(vec![
            scenario.initiatives[i].name.clone(),
            status.into(),
            money(f.npv_mean, currency),
            percent(f.prob_npv_negative),
            estimate_text(f.evpi, currency),
        ]);
    }
    let mut out = String::from(
        "\nInitiatives, each on its own NPV. EVPI: the most that knowing everything uncertain about it before \
         deciding is worth (± one standard error; `roicast voi` says which input to learn)\n",
    );
    out.push_str(&text_table(&rows, 2, &[0]));
    out
}

/// One ranked portfolio as a table row; with several windows, each window's
/// spend quantile and P(within budget), then P(within every budget).
fn portfolio_row(rank: usize, e: &Evaluation, scenario: &Scenario, several: bool) -> Vec<String> {
    let currency = &scenario.currency;
    let mut row = vec![
        if rank == 0 { "1 (chosen)".into() } else { (rank + 1).to_string() },
        e.names(scenario).join(" + "),
        money(e.npv_mean, currency),
        money(e.npv_p10, currency),
        percent(e.prob_npv_negative),
    ];
    for s in &e.spend {
        row.extend([money(s.quantile, currency), percent(s.prob_within)]);
    }
    if several {
        row.push(percent(e.prob_within_budgets));
    }
    row
}

/// The note `roicast run` prints under its summary when the scenario has
/// `[[alternatives]]`: `run` simulates every initiative as written, so the
/// portfolio (and an `it` or `bpa` set holding two members of a group)
/// counts alternatives of which only one will be funded. Empty otherwise.
pub(super) fn alternatives_note(scenario: &Scenario) -> String {
    let mut out = String::new();
    for group in &scenario.alternatives {
        let members: Vec<&str> = group.members.iter().map(|&m| scenario.initiatives[m].name.as_str()).collect();
        let mut sets = vec!["portfolio"];
        for kind in [Kind::It, Kind::Bpa] {
            if group.members.iter().filter(|&&m| scenario.initiatives[m].kind == kind).count() > 1 {
                sets.push(kind.as_str());
            }
        }
        let _ = writeln!(
            out,
            "note: {} are alternatives (at most one will be funded), but run simulates every initiative as written: \
             the {} figures count all of them. `roicast plan` chooses between them.",
            members.join(" and "),
            sets.join(" and ")
        );
    }
    out
}

// ---------------------------------------------------------------------------
// run --fail-if
// ---------------------------------------------------------------------------

/// Reads every gate's figure from a run's summary (the targets were checked
/// against the scenario before the run).
pub(super) fn read_gates(targets: &[Target], report: &Report) -> Result<Vec<Reading>, Error> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let summary =
        summary_value(report).map_err(|e| Error::Output { what: "summary.json".into(), message: e.to_string() })?;
    Ok(targets.iter().map(|t| t.read(&summary)).collect())
}

/// Prints each gate's verdict — with `quiet`, only the gates that trip —
/// and returns the exit code: [`TRIPPED_EXIT_CODE`] when any gate trips, 0
/// otherwise.
pub(super) fn report_gates(gates: &[Gate], readings: &[Reading], quiet: bool) -> i32 {
    let mut tripped = 0;
    for (gate, reading) in gates.iter().zip(readings) {
        let trips = gate.trips(reading);
        tripped += usize::from(trips);
        if quiet && !trips {
            continue;
        }
        let value = match reading.value {
            Some(v) if v.is_infinite() => "never (null)".to_string(),
            Some(v) => v.to_string(),
            None => "undefined (null)".to_string(),
        };
        let verdict = if trips { "TRIPPED" } else { "ok     " };
        println!("gate {verdict} {gate}   ({}.{} = {value})", reading.set, reading.figure);
    }
    if tripped > 0 && !quiet {
        eprintln!("roicast: {tripped} of {} --fail-if conditions hold (exit code {TRIPPED_EXIT_CODE})", gates.len());
    }
    if tripped > 0 { TRIPPED_EXIT_CODE } else { 0 }
}
