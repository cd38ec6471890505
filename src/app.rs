//! Executing commands: the only module that touches files and the terminal.
//!
//! A run reads the scenario ([`read_text_file`]: size-limited, UTF-8 checked),
//! checks its `--fail-if` gates against it, prepares its [`OutputFolder`]
//! (checked, locked and staged before any work), simulates on a rayon pool
//! of the requested size (a fixed number of trials, or rounds until
//! `--precision` is met), writes every export (and, unless `--no-reports`,
//! the workbook and board pack of [`crate::export::documents`]) into the
//! staging folder, swaps
//! it in whole, then prints the summary table, the main drivers of portfolio
//! NPV and its Monte Carlo error (with `--quiet`, only errors and the gates
//! that trip). An error, a signal or a kill at any instant leaves the
//! previous results intact.
//!
//! A scenario with an `[actuals]` table is a re-forecast: its ledger (named
//! relative to the scenario file) is read through the same size-limited
//! reader, and its plan (the scenario without actuals) is run with the same
//! seed and trials to set the actuals against. `plan`, `compare` and
//! `conflation` refuse such a scenario. `actuals-template` writes the
//! ledger an analyst fills in.

mod budget;
mod input_file;
mod output_folder;
mod resources;
mod voi;

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::charts::{self, ChartError};
use crate::cli::{Command, MonthArg, RunOptions, SimulationOptions, TemplateOptions};
use crate::convergence::{self, PrecisionOutcome, PrecisionTarget};
use crate::engine::{self, RunResults, RunSettings};
use crate::error::Error;
use crate::export::documents::RunDocuments;
use crate::export::{
    BOARD_PACK, Documents, ExportError, TRIALS_PARQUET, WORKBOOK, actuals_template, reforecast_exports,
    standard_exports, write_trials_parquet,
};
use crate::footprint;
use crate::format::{self, iso_date, money};
use crate::gates::{Gate, GateNames, Target};
use crate::reforecast::{PlanComparison, Reforecast};
use crate::report::Report;
use crate::scenario::{Scenario, month_label};
pub use input_file::{MAX_INPUT_FILE_BYTES, read_text_file};
pub use output_folder::{MARKER, OutputFolder, stop_on_signals};
use resources::{GrowthLimit, MemoryBudget, check_disk};

/// The commented starter scenario `roicast init` writes.
pub const STARTER_SCENARIO: &str = include_str!("../scenarios/starter.toml");

/// Runs a command; returns the process exit code on success.
pub fn execute(command: Command) -> Result<i32, Error> {
    match command {
        Command::Run(options) => run(&options),
        Command::Validate { scenario } => validate(&scenario),
        Command::Init { path, force } => init(&path, force),
        Command::Compare(options) => budget::compare(&options),
        Command::Conflation(options) => budget::conflation(&options),
        Command::Plan(options) => budget::plan(&options),
        Command::Voi(options) => voi::voi(&options),
        Command::ActualsTemplate(options) => template(&options),
    }
}

/// Reads and validates a scenario file, and prints its warnings on stderr
/// (`warning: file:line:column: …`) unless `quiet`.
pub fn load_scenario(path: &Path, quiet: bool) -> Result<Scenario, Error> {
    let text = read_text_file(path, "scenario")?;
    let scenario = Scenario::parse(&text, &path.display().to_string())?;
    if !quiet {
        for warning in scenario.warnings() {
            eprintln!("warning: {warning}");
        }
    }
    Ok(scenario)
}

/// Reads the actuals ledger at `path`: the one place a ledger file is read.
/// Reads and validates a scenario and, when it has an `[actuals]` table,
/// its ledger (named relative to the scenario file, read like the scenario
/// through [`read_text_file`]): the scenario a run simulates. Its warnings
/// and the ledger's notes go to stderr unless `quiet`.
pub fn load_with_actuals(path: &Path, quiet: bool) -> Result<Scenario, Error> {
    let scenario = load_scenario(path, quiet)?;
    let Some(table) = &scenario.actuals_table else { return Ok(scenario) };
    let ledger = path.parent().unwrap_or(Path::new("")).join(&table.file);
    let text = read_text_file(&ledger, "the actuals ledger").map_err(|e| {
        Error::Input(format!("{e} (`file = \"{}\"` in [actuals] of {}, relative to it)", table.file, path.display()))
    })?;
    let scenario = scenario.with_actuals(&text, &ledger.display().to_string())?;
    if !quiet {
        print_notes(&scenario);
    }
    Ok(scenario)
}

/// Refuses a scenario with actuals for `command`, which works on plans.
fn refuse_actuals(scenario: &Scenario, path: &Path, command: &str) -> Result<(), Error> {
    match scenario.actuals_table {
        Some(_) => Err(Error::Input(format!(
            "{} has an [actuals] table: `roicast {command}` weighs plans, not re-forecasts. Run it on the scenario \
             without [actuals] (the plan), or use `roicast run` for the re-forecast",
            path.display()
        ))),
        None => Ok(()),
    }
}

/// Runs `work` on a rayon pool of `threads` workers (all cores when `None`).
pub fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Output { what: "the thread pool".into(), message: e.to_string() })?;
    Ok(pool.install(work))
}

/// A progress bar on stderr that appears only once a run has taken a second,
/// and never when stderr is not a terminal or `quiet` is set.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    quiet: bool,
}

impl Progress {
    /// A bar for `total` trials.
    pub fn new(total: u64, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} trials  {per_sec:0}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress { bar, started: Instant::now(), quiet }
    }

    /// Counts finished trials (called once per block, from any thread).
    pub fn advance(&self, trials: u64) {
        self.bar.inc(trials);
        if !self.quiet && self.bar.is_hidden() && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Sets the number of trials the run will have in all (grows in `--precision` runs).
    pub fn set_length(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The worker threads a command will use: `--threads`, or every core.
fn workers(options: &SimulationOptions) -> usize {
    options.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Refuses `trials` trials of a command (`what`: "this plan") whose memory
/// estimate `needs(trials, workers)` exceeds the budget `options` allow.
fn check_memory(
    options: &SimulationOptions,
    what: &str,
    trials: u64,
    needs: impl Fn(u64, usize) -> u64,
) -> Result<(), Error> {
    let workers = workers(options);
    MemoryBudget::new(options.max_memory).check(what, trials, &|trials| needs(trials, workers))
}

/// A scenario's run settings with the command line's overrides.
fn run_settings(scenario: &Scenario, options: &SimulationOptions) -> RunSettings {
    let own = RunSettings::from_scenario(scenario);
    RunSettings { trials: options.trials.unwrap_or(own.trials), seed: options.seed.unwrap_or(own.seed) }
}

/// Prints the notes on a scenario's actuals (things the analyst may want to check).
fn print_notes(scenario: &Scenario) {
    for note in scenario.actuals.iter().flat_map(|actuals| &actuals.notes) {
        eprintln!("note: {note}");
    }
}

fn run(options: &RunOptions) -> Result<i32, Error> {
    let scenario = load_with_actuals(&options.scenario, options.simulation.quiet)?;
    let gate_targets = check_gates(&options.fail_if, &scenario)?;
    let settings = run_settings(&scenario, &options.simulation);
    let (folder, growth) = prepare_run(options, &scenario, settings)?;
    let target = options.precision.map(|relative| PrecisionTarget { relative, max_trials: growth.trials });
    let threads = options.simulation.threads;
    // A re-forecast also runs its plan, with the same seed and trials:
    // first when the trials are known, so that the two runs' results are
    // never held at once.
    let runs = if scenario.actuals.is_some() { 2 } else { 1 };
    let progress = Progress::new(settings.trials * runs, options.simulation.quiet);
    let mut comparison = None;
    if scenario.actuals.is_some() && target.is_none() {
        comparison = with_threads(threads, || compare_with_plan(&scenario, settings, &progress))?;
    }
    let (results, precision) = with_threads(threads, || simulate(&scenario, settings, target, &progress))?;
    if scenario.actuals.is_some() && comparison.is_none() {
        progress.set_length(results.trials * 2);
        let settings = RunSettings { trials: results.trials, seed: results.seed };
        comparison = with_threads(threads, || compare_with_plan(&scenario, settings, &progress))?;
    }
    progress.finish();
    release_freed_memory();
    let (terminal, gate_readings, releasing) = folder.write(|dir| {
        // The per-trial table reads the trials alone: it is written (on one
        // thread) while the report's statistics are computed (on the others).
        let (mut report, trials) = rayon::join(
            || Report::new(&scenario, &results, &options.scenario.display().to_string()),
            || write_file(dir, TRIALS_PARQUET, |out| write_trials_parquet(&results, out)),
        );
        trials?;
        report.convergence.precision = precision;
        report.reforecast = comparison.and_then(|plan| Reforecast::new(&scenario, &results, &report.summaries, plan));
        let gate_readings = budget::read_gates(&gate_targets, &report)?;
        write_exports(&report, dir)?;
        if options.output.charts {
            write_charts(&report, dir)?;
        }
        if options.output.reports {
            write_documents(&RunDocuments { report: &report, date: today() }, dir)?;
        }
        let mut terminal = terminal_report(&report, &scenario);
        terminal.extend(report.convergence.precision.as_ref().and_then(|outcome| growth.note(outcome)));
        drop(report);
        // The trials' memory (about 0.9 GB for a million trials of twelve
        // initiatives) goes back to the system on another thread while the
        // folder is put in place and the previous one removed.
        Ok((terminal, gate_readings, std::thread::spawn(move || drop(results))))
    })?;
    let _ = releasing.join();
    let quiet = options.simulation.quiet;
    if !quiet {
        print!("{terminal}");
        println!("results written to {}/", options.output.out.display());
    }
    Ok(budget::report_gates(&options.fail_if, &gate_readings, quiet))
}

/// Checks every `--fail-if` gate's set and figure against what a run of
/// `scenario` reports, before anything is simulated: an unknown name is bad input.
fn check_gates(gates: &[Gate], scenario: &Scenario) -> Result<Vec<Target>, Error> {
    if gates.is_empty() {
        return Ok(Vec::new());
    }
    let names = GateNames::of(scenario).map_err(|message| Error::Output { what: "the gates".into(), message })?;
    gates.iter().map(|g| g.resolve(&names).map_err(|e| Error::Input(format!("--fail-if {e}")))).collect()
}

/// Everything a run checks before its first trial: the memory its first
/// round needs, its output folder (prepared), the disk its
/// `trials.parquet` needs; and how far `--precision` may grow.
fn prepare_run(
    options: &RunOptions,
    scenario: &Scenario,
    settings: RunSettings,
) -> Result<(OutputFolder, GrowthLimit), Error> {
    let workers = workers(&options.simulation);
    let needs = |trials| footprint::run(scenario, trials, workers, options.output.charts);
    let parquet = |trials| footprint::trials_parquet(scenario, trials);
    let budget = MemoryBudget::new(options.simulation.max_memory);
    let first = match options.precision {
        Some(_) => convergence::first_round(settings.trials, options.max_trials),
        None => settings.trials,
    };
    let what = format!("this run (which writes a trials.parquet of about {})", format::bytes(parquet(first)));
    budget.check(&what, first, &needs)?;
    let folder = OutputFolder::prepare(&options.output.out, &[&options.scenario])?;
    check_disk(folder.staging(), first, parquet(first))?;
    let growth = GrowthLimit::new(options.max_trials, &budget, &needs, folder.staging(), &parquet);
    Ok((folder, growth))
}

/// Runs the plan of a scenario with actuals (the scenario without them)
/// and sets the actuals against it; the plan's results are dropped.
fn compare_with_plan(scenario: &Scenario, settings: RunSettings, progress: &Progress) -> Option<PlanComparison> {
    let plan = engine::run(&scenario.plan(), settings, &|n| progress.advance(n));
    PlanComparison::of(scenario, &plan)
}

/// What `roicast run` prints: the summary table, the portfolio's top five
/// drivers and the Monte Carlo error.
fn terminal_report(report: &Report, scenario: &Scenario) -> String {
    let mut text = report.summary_table();
    text.push_str(&budget::alternatives_note(scenario));
    if let Some(reforecast) = report.reforecast_text() {
        text.push_str(&reforecast);
    }
    if let Some(portfolio) = report.sensitivity.set("portfolio") {
        text.push_str(&portfolio.table(scenario, 5));
    }
    text.push_str(&report.convergence.describe(&scenario.currency));
    text
}

/// The trials of `roicast run`: a fixed number, or rounds until a precision target is met.
fn simulate(
    scenario: &Scenario,
    settings: RunSettings,
    target: Option<PrecisionTarget>,
    progress: &Progress,
) -> (RunResults, Option<PrecisionOutcome>) {
    let advance = |n| progress.advance(n);
    match target {
        None => (engine::run(scenario, settings, &advance), None),
        Some(target) => {
            let planned = |total| progress.set_length(total);
            let (results, outcome) = convergence::run_to_precision(scenario, settings, target, &planned, &advance);
            (results, Some(outcome))
        }
    }
}

/// Hands the memory the simulation has freed back to the system before the
/// report allocates its own: glibc keeps freed memory in each thread's
/// arena, where it would still count towards the run's peak (about 25 MB of
/// a million-trial run).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns the allocator's free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Writes every standard export of a report into `dir` (all but [`TRIALS_PARQUET`]).
pub fn write_exports(report: &Report, dir: &Path) -> Result<(), Error> {
    let reforecast = if report.reforecast.is_some() { reforecast_exports() } else { Vec::new() };
    for export in standard_exports().into_iter().chain(reforecast) {
        write_file(dir, export.file_name(), |out| export.write(report, out))?;
    }
    Ok(())
}

/// Writes file `name` in `dir` with `write`, and flushes it to disk.
fn write_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportError>,
) -> Result<(), Error> {
    let path = dir.join(name);
    let file = fs::File::create(&path).map_err(|e| Error::io("create", &path, e))?;
    let mut out = BufWriter::new(file);
    write(&mut out).map_err(|e| Error::Output { what: name.to_string(), message: e.to_string() })?;
    // Flushed to disk now, while other work goes on (`trials.parquet` is
    // written beside the statistics), rather than all at the swap.
    let file = out.into_inner().map_err(|e| Error::io("write", &path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io("flush to disk", &path, e))
}

/// Today's date (UTC), for the documents of a run.
fn today() -> String {
    iso_date(SystemTime::now())
}

/// Writes a command's `report.xlsx` and `board-pack.pdf` into `dir`.
pub fn write_documents(documents: &dyn Documents, dir: &Path) -> Result<(), Error> {
    write_file(dir, WORKBOOK, |out| documents.write_workbook(out))?;
    write_file(dir, BOARD_PACK, |out| documents.write_board_pack(out))
}

/// Draws every standard chart of a report into `<dir>/charts/` (PNG and SVG).
pub fn write_charts(report: &Report, dir: &Path) -> Result<(), Error> {
    charts::render_all(report, &dir.join("charts")).map(|_| ()).map_err(|e| chart_error(dir, e))
}

/// A chart that could not be written into the output folder `dir`, named
/// by its path inside it.
fn chart_error(dir: &Path, e: ChartError) -> Error {
    Error::Output {
        what: format!("chart {}", e.file.strip_prefix(dir).unwrap_or(&e.file).display()),
        message: e.message,
    }
}

fn validate(path: &Path) -> Result<i32, Error> {
    let scenario = load_with_actuals(path, false)?;
    print!("{}", describe(&scenario));
    println!("{} is valid.", path.display());
    Ok(0)
}

/// A plain-text description of what a scenario holds.
pub fn describe(scenario: &Scenario) -> String {
    use std::fmt::Write as _;
    let sim = &scenario.simulation;
    let c = &scenario.currency;
    let mut out = String::new();
    let _ = writeln!(out, "{}", scenario.name);
    if let Some(d) = &scenario.description {
        let _ = writeln!(out, "  {}", d.trim());
    }
    let _ = writeln!(
        out,
        "simulation: {} trials, seed {}, {} months, discount rate {:.1}% a year, {} sampling, currency {c}",
        sim.trials,
        sim.seed,
        sim.horizon_months,
        sim.discount_rate * 100.0,
        sim.sampling.as_str()
    );
    if let Some(calendar) = &scenario.calendar {
        let _ = writeln!(out, "calendar: {}", calendar.describe(sim.horizon_months));
    }
    if let Some(actuals) = &scenario.actuals {
        let _ = writeln!(
            out,
            "actuals: months 1 to {} (through {}) from {}; initiatives still building have their build time and \
             cost conditioned on what they have taken so far",
            actuals.through,
            month_label(actuals.through, scenario.calendar.as_ref()),
            actuals.file
        );
    }
    let conf = &scenario.conflation;
    let _ = writeln!(
        out,
        "conflation: benefit x{}, risk rate x{}, abandon +{}",
        conf.benefit_multiplier, conf.risk_rate_multiplier, conf.extra_abandon_probability
    );
    for init in &scenario.initiatives {
        let mean = |j: usize| scenario.inputs[j].distribution.mean();
        let flag = if init.is_mismatched() { "  MISMATCHED OWNER" } else { "" };
        let _ = writeln!(out, "\n[{}] {} — owner {}{flag}", init.kind.as_str(), init.name, init.owner.as_str());
        if init.start_month > 0 {
            let _ = writeln!(out, "  starts after month {}", init.start_month);
        }
        if !init.depends_on.is_empty() {
            let deps: Vec<&str> = init.depends_on.iter().map(|&d| scenario.initiatives[d].name.as_str()).collect();
            let _ = writeln!(out, "  depends on: {}", deps.join(", "));
        }
        if init.run_cost_escalation != 0.0 || init.benefit_escalation != 0.0 {
            let _ = writeln!(
                out,
                "  escalation a year: run cost {:+.1}%, benefit {:+.1}%",
                init.run_cost_escalation * 100.0,
                init.benefit_escalation * 100.0
            );
        }
        if let Some(actuals) = &scenario.actuals {
            let i = scenario.initiative_index(&init.name).unwrap_or_default();
            let total = |f: fn(&crate::scenario::ActualMonth) -> f64| money(actuals.months[i].iter().map(f).sum(), c);
            let _ = writeln!(
                out,
                "  actually {}: build {}, run {}, benefit {} (visible {}), risk loss {}",
                actuals.states[i].describe(scenario.calendar.as_ref()),
                total(|m| m.build),
                total(|m| m.run),
                total(|m| m.benefit),
                total(|m| m.visible_benefit),
                total(|m| m.risk_loss)
            );
        }
        for &j in &[
            init.build_cost,
            init.build_months,
            init.run_cost_per_month,
            init.benefit_per_month,
            init.ramp_months,
            init.pnl_visibility,
        ] {
            let input = &scenario.inputs[j];
            let _ =
                writeln!(out, "  {:<20} {:<40} mean {:.4}", input.slot.key(), input.distribution.to_string(), mean(j));
        }
        for risk in &init.risks {
            let _ = writeln!(
                out,
                "  risk \"{}\": {} events/year, cost per event {} (mean {}), pause {} months, abandon {}",
                risk.name,
                scenario.inputs[risk.events_per_year].distribution,
                risk.cost_per_event,
                money(risk.cost_per_event.mean(), c),
                risk.benefit_pause_months,
                scenario.inputs[risk.abandon_probability].distribution
            );
        }
    }
    if !scenario.correlations.is_empty() {
        let _ = writeln!(out, "\ncorrelations:");
        for corr in &scenario.correlations {
            let _ = writeln!(
                out,
                "  {} ~ {}: {}",
                scenario.inputs[corr.first].name, scenario.inputs[corr.second].name, corr.rank_correlation
            );
        }
    }
    for group in &scenario.alternatives {
        let members: Vec<&str> = group.members.iter().map(|&m| scenario.initiatives[m].name.as_str()).collect();
        let name = group.name.as_ref().map_or_else(String::new, |n| format!(" \"{n}\""));
        let _ = writeln!(out, "\nalternatives{name}, a plan funds at most one: {}", members.join(" | "));
    }
    let uncertain = scenario.inputs.iter().filter(|i| i.distribution.fixed_value().is_none()).count();
    let _ = writeln!(
        out,
        "\n{} initiatives, {uncertain} uncertain inputs drawn once per trial.",
        scenario.initiatives.len()
    );
    out
}

/// `roicast actuals-template`: the ledger template of a scenario's actual
/// months, to stdout or a new file.
fn template(options: &TemplateOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario, false)?;
    let horizon = scenario.simulation.horizon_months;
    let through = match (options.through, &scenario.actuals_table) {
        (Some(MonthArg::Number(n)), _) => i64::from(n),
        (Some(MonthArg::Date(date)), _) => match &scenario.calendar {
            Some(calendar) => calendar.month_of(date),
            None => {
                return Err(Error::Input(format!(
                    "--through {date} is a date, but {} has no [calendar]: give the month number",
                    options.scenario.display()
                )));
            }
        },
        (None, Some(table)) => i64::from(table.through),
        (None, None) => {
            return Err(Error::Input("give the last actual month with --through (a number, or YYYY-MM)".to_string()));
        }
    };
    if !(1..=i64::from(horizon)).contains(&through) {
        return Err(Error::Input(format!(
            "--through is month {through}, outside the scenario's months 1 to {horizon}"
        )));
    }
    let through = through as u32;
    let text = actuals_template(&scenario, through);
    let Some(path) = &options.out else {
        print!("{text}");
        return Ok(0);
    };
    if path.exists() && !options.force {
        return Err(Error::Input(format!("{} already exists (use --force to overwrite it)", path.display())));
    }
    fs::write(path, &text).map_err(|e| Error::io("write", path, e))?;
    let calendar = scenario.calendar.as_ref();
    let written = crate::scenario::month_cell(through, calendar);
    let written = if calendar.is_some() { format!("\"{written}\"") } else { written };
    println!(
        "wrote {}: months 1 to {through} ({}) of {} initiatives, one row per item, amounts empty.\n\
         Fill in the amounts (costs positive; an empty amount is 0), then add to {}:\n\n\
         [actuals]\nthrough = {written}\nfile = \"{}\"  # relative to the scenario file\n\
         [actuals.status]  # each initiative that is live, built or abandoned by then, e.g.\n\
         # \"{}\" = {{ live_from = {written} }}",
        path.display(),
        month_label(through, calendar),
        scenario.initiatives.len(),
        options.scenario.display(),
        path.display(),
        scenario.initiatives[0].name
    );
    Ok(0)
}

fn init(path: &Path, force: bool) -> Result<i32, Error> {
    if path.exists() && !force {
        return Err(Error::Input(format!("{} already exists (use --force to overwrite it)", path.display())));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
    }
    fs::write(path, STARTER_SCENARIO).map_err(|e| Error::io("write", path, e))?;
    println!("wrote {}; check it with `roicast validate {0}` and run it with `roicast run {0}`", path.display());
    Ok(0)
}
