//! Executing commands: the only module that touches files and the terminal.
//!
//! A run reads the scenario, simulates it on a rayon pool of the requested
//! size (a fixed number of trials, or rounds until `--precision` is met),
//! prints the summary table, the main drivers of portfolio NPV and its Monte
//! Carlo error, and writes every export (and, unless `--no-reports`, the
//! workbook and board pack of [`crate::export::documents`]) into a temporary
//! folder beside the output folder. Only when everything is written does the
//! temporary folder replace the output folder, so an error or a kill
//! mid-run leaves the previous results intact.

mod budget;

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::charts::{self, ChartError};
use crate::cli::{Command, RunOptions, SimulationOptions};
use crate::convergence::{self, PrecisionOutcome, PrecisionTarget};
use crate::engine::{self, RunResults, RunSettings};
use crate::error::Error;
use crate::export::documents::RunDocuments;
use crate::export::{
    BOARD_PACK, Documents, ExportError, TRIALS_PARQUET, WORKBOOK, standard_exports, write_trials_parquet,
};
use crate::format::{iso_date, money};
use crate::report::Report;
use crate::scenario::Scenario;

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
    }
}

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, Error> {
    let text =
        fs::read_to_string(path).map_err(|e| Error::Input(format!("cannot read scenario {}: {e}", path.display())))?;
    Ok(Scenario::parse(&text, &path.display().to_string())?)
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

/// A scenario's run settings with the command line's overrides.
fn run_settings(scenario: &Scenario, options: &SimulationOptions) -> RunSettings {
    let own = RunSettings::from_scenario(scenario);
    RunSettings { trials: options.trials.unwrap_or(own.trials), seed: options.seed.unwrap_or(own.seed) }
}

fn run(options: &RunOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario)?;
    let settings = run_settings(&scenario, &options.simulation);
    let progress = Progress::new(settings.trials, options.simulation.quiet);
    let (results, precision) =
        with_threads(options.simulation.threads, || simulate(&scenario, settings, options, &progress))?;
    progress.finish();
    release_freed_memory();
    let (terminal, gate_readings, releasing) = write_folder_atomically(&options.out, |dir| {
        // The per-trial table reads the trials alone: it is written (on one
        // thread) while the report's statistics are computed (on the others).
        let (mut report, trials) = rayon::join(
            || Report::new(&scenario, &results, &options.scenario.display().to_string()),
            || write_file(dir, TRIALS_PARQUET, |out| write_trials_parquet(&results, out)),
        );
        trials?;
        report.convergence.precision = precision;
        let gate_readings = budget::read_gates(&options.fail_if, &report)?;
        write_exports(&report, dir)?;
        if options.charts {
            write_charts(&report, dir)?;
        }
        if options.reports {
            write_documents(&RunDocuments { report: &report, date: today() }, dir)?;
        }
        let terminal = terminal_report(&report, &scenario);
        drop(report);
        // The trials' memory (about 0.9 GB for a million trials of twelve
        // initiatives) goes back to the system on another thread while the
        // folder is put in place and the previous one removed.
        Ok((terminal, gate_readings, std::thread::spawn(move || drop(results))))
    })?;
    let _ = releasing.join();
    print!("{terminal}");
    println!("results written to {}/", options.out.display());
    Ok(budget::report_gates(&options.fail_if, &gate_readings))
}

/// What `roicast run` prints: the summary table, the portfolio's top five
/// drivers and the Monte Carlo error.
fn terminal_report(report: &Report, scenario: &Scenario) -> String {
    let mut text = report.summary_table();
    if let Some(portfolio) = report.sensitivity.set("portfolio") {
        text.push_str(&portfolio.table(scenario, 5));
    }
    text.push_str(&report.convergence.describe(&scenario.currency));
    text
}

/// The trials of `roicast run`: a fixed number, or rounds until `--precision` is met.
fn simulate(
    scenario: &Scenario,
    settings: RunSettings,
    options: &RunOptions,
    progress: &Progress,
) -> (RunResults, Option<PrecisionOutcome>) {
    let advance = |n| progress.advance(n);
    match options.precision {
        None => (engine::run(scenario, settings, &advance), None),
        Some(relative) => {
            let target = PrecisionTarget { relative, max_trials: options.max_trials };
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
    for export in standard_exports() {
        write_file(dir, export.file_name(), |out| export.write(report, out))?;
    }
    Ok(())
}

/// Writes file `name` in `dir` with `write`.
fn write_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportError>,
) -> Result<(), Error> {
    let path = dir.join(name);
    let file = fs::File::create(&path).map_err(|e| Error::io("create", &path, e))?;
    let mut out = BufWriter::new(file);
    write(&mut out).map_err(|e| Error::Output { what: name.to_string(), message: e.to_string() })?;
    out.flush().map_err(|e| Error::io("write", &path, e))
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

/// Fills a fresh temporary folder beside `dir` with `fill`, then puts it in
/// place of `dir` and returns what `fill` returned. On any error `dir` is
/// left as it was.
pub fn write_folder_atomically<T>(dir: &Path, fill: impl FnOnce(&Path) -> Result<T, Error>) -> Result<T, Error> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io("create folder", &parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".roicast-staging-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a temporary folder in", &parent, e))?;
    let filled = fill(staging.path())?;
    let retired = parent.join(format!(".roicast-retired-{}", std::process::id()));
    let had_previous = dir.exists();
    if had_previous {
        fs::rename(dir, &retired).map_err(|e| Error::io("move aside", dir, e))?;
    }
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, dir) {
        if had_previous {
            let _ = fs::rename(&retired, dir);
        }
        let _ = fs::remove_dir_all(&staged);
        return Err(Error::io("move results into", dir, e));
    }
    if had_previous {
        fs::remove_dir_all(&retired).map_err(|e| Error::io("remove the previous results in", &retired, e))?;
    }
    Ok(filled)
}

fn validate(path: &Path) -> Result<i32, Error> {
    let scenario = load_scenario(path)?;
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
    let uncertain = scenario.inputs.iter().filter(|i| i.distribution.fixed_value().is_none()).count();
    let _ = writeln!(
        out,
        "\n{} initiatives, {uncertain} uncertain inputs drawn once per trial.",
        scenario.initiatives.len()
    );
    out
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
