//! The command line: clap definitions, turned into typed options before any work.
//!
//! [`Cli`] describes every command and flag with help and examples;
//! [`Cli::into_command`] turns the parsed arguments into a [`Command`] of typed
//! options that the [`crate::app`] layer executes. Nothing here reads files
//! or runs simulations.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::units::{FractionRange, Written, check_fraction, parse_money, parse_number_or_percent, percent_hint};

const RUN_EXAMPLES: &str = "\
Examples:
  roicast run scenarios/it-vs-bpa.toml
  roicast run scenarios/it-vs-bpa.toml --trials 100000 --seed 42
  roicast run scenarios/conflation.toml --out output/conflation-test --threads 1
  roicast run scenarios/it-vs-bpa.toml --precision 1%   # add trials until mean NPV is known to ±1%
  roicast run plan.toml -q --fail-if 'prob_npv_negative > 10%'   # prints only the conditions that hold";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  roicast validate scenarios/it-vs-bpa.toml
  roicast validate my-portfolio.toml && roicast run my-portfolio.toml";

const INIT_EXAMPLES: &str = "\
Examples:
  roicast init                      # writes scenario.toml
  roicast init budgets/2027.toml
  roicast init scenario.toml --force";

const COMPARE_EXAMPLES: &str = "\
Examples:
  roicast compare scenarios/it-vs-bpa.toml scenarios/conflation.toml
  roicast compare today.toml proposal.toml --trials 50000 --out output/proposal
B is compared with A trial by trial: both run with A's seed and trials (or --seed/--trials),
so initiatives and risks with the same name draw the same random numbers in both.";

const CONFLATION_EXAMPLES: &str = "\
Examples:
  roicast conflation scenarios/conflation.toml
  roicast conflation my-portfolio.toml --trials 50000 --no-charts";

const VOI_EXAMPLES: &str = "\
Examples:
  roicast voi scenarios/it-vs-bpa.toml
  roicast voi my-portfolio.toml --trials 100000 --out output/voi-2027
Runs the same trials as `roicast run` with the same seed; EVPI and EVPPI are in money: the most
that learning more before funding an initiative (a pilot, a study) is worth.";

const PLAN_EXAMPLES: &str = "\
Examples:
  roicast plan scenarios/it-vs-bpa.toml --budget 250k
  roicast plan scenarios/it-vs-bpa.toml --budget 400000 --budget-months 18 --confidence 0.95
  roicast plan scenarios/it-vs-bpa.toml --budget 1.2M --max-loss-probability 0.1
  roicast plan scenarios/it-vs-bpa.toml --budget months:1-12=250k --budget months:13-24=120k
  roicast plan budget-2028.toml --budget FY2028=400k --budget FY2029=300k --include \"Invoice approval\"
Spend is build plus run cost (risk losses are not budget spend); a portfolio fits when, for every
--budget, the --confidence quantile of its spend in that budget's months is within the budget.";

const ACTUALS_TEMPLATE_EXAMPLES: &str = "\
Examples:
  roicast actuals-template scenarios/it-vs-bpa.toml --through 8            # to stdout
  roicast actuals-template scenarios/reforecast.toml --through 2027-08 --out actuals.csv
One row per month, initiative and item (build, run, benefit, visible_benefit, risk_loss), amounts
empty: fill them in, name the file in the scenario's [actuals] table and run the scenario.";

/// Monte Carlo forecasts of the return on IT automation and business process automation.
#[derive(Debug, Parser)]
#[command(
    name = "roicast",
    version,
    about,
    long_about = "roicast simulates automation initiatives month by month — build, ramp-up, run cost, \
benefits and how much of them reaches the P&L, risk events — over many trials, and reports the \
distribution of NPV, ROI and payback for IT automation, BPA and the whole portfolio.",
    after_help = "Start with `roicast init` for a commented scenario, or run scenarios/it-vs-bpa.toml.\n\
Exit codes: 0 success, 2 bad input (scenario or flags), 3 a `run --fail-if` condition held, 1 anything else."
)]
pub struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Simulate a scenario, print a summary and write result files.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Check a scenario file and print what it holds.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Write a commented starter scenario.
    #[command(after_help = INIT_EXAMPLES)]
    Init {
        /// Where to write it.
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Compare scenario B with scenario A, trial by trial (common random numbers).
    #[command(
        after_help = COMPARE_EXAMPLES,
        mut_arg("trials", |a| a.help("Number of trials of both runs (default: scenario A's `trials`, or 10000)")),
        mut_arg("seed", |a| a.help("Seed of every random stream of both runs (default: scenario A's `seed`, or 0)"))
    )]
    Compare(CompareArgs),
    /// Cost the mismatched owners of a scenario: as written against natural owners.
    #[command(after_help = CONFLATION_EXAMPLES)]
    Conflation(ConflationArgs),
    /// Choose the portfolio with the highest mean NPV that fits a budget.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// What learning more before funding each initiative is worth (EVPI and EVPPI).
    #[command(after_help = VOI_EXAMPLES)]
    Voi(VoiArgs),
    /// Write a ledger template (CSV) of a scenario's actual months, to fill in for a re-forecast.
    #[command(after_help = ACTUALS_TEMPLATE_EXAMPLES)]
    ActualsTemplate(ActualsTemplateArgs),
}

#[derive(Debug, Args)]
struct ActualsTemplateArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// The last actual month: its number, or "YYYY-MM" with a [calendar]
    /// (default: the scenario's [actuals] through).
    #[arg(long, value_parser = parse_month_arg)]
    through: Option<MonthArg>,
    /// Write the template to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite the --out file if it exists.
    #[arg(long, requires = "out")]
    force: bool,
}

/// A month as written on the command line: its number or a calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthArg {
    /// A month number, 1-based.
    Number(u32),
    /// A calendar month, for a scenario with a `[calendar]`.
    Date(crate::calendar::YearMonth),
}

/// Parses a month number (`8`) or a `YYYY-MM` date.
fn parse_month_arg(text: &str) -> Result<MonthArg, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("months are numbered from 1".to_string()),
        Ok(n) => Ok(MonthArg::Number(n)),
        Err(_) => {
            crate::calendar::YearMonth::parse(text).map(MonthArg::Date).map_err(|e| format!("{e}, or a month number"))
        }
    }
}

/// Simulation flags shared by run, compare, conflation, plan and voi
/// (compare words the help of `--trials` and `--seed` for its two scenarios).
#[derive(Debug, Args)]
struct SimulationArgs {
    /// Number of trials (default: the scenario's `trials`, or 10000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_TRIALS))]
    trials: Option<u64>,
    /// Seed of every random stream (default: the scenario's `seed`, or 0).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Print nothing but errors (and the --fail-if conditions that hold): no tables, no
    /// warnings, no "results written" line, no progress bar. The output files are written as usual.
    #[arg(long, short)]
    quiet: bool,
    /// Memory the run may use, e.g. 8G or 512M (default: what is available now, the
    /// smaller of MemAvailable and the cgroup's limit); a run estimated to need more is
    /// refused before it starts.
    #[arg(long, value_name = "SIZE", value_parser = crate::units::parse_size)]
    max_memory: Option<u64>,
}

/// The flags of the simulating commands that leave files out.
#[derive(Debug, Args)]
struct FileArgs {
    /// Write no charts (by default they go to <out>/charts/ as PNG and SVG).
    #[arg(long)]
    no_charts: bool,
    /// Write neither report.xlsx (for finance) nor board-pack.pdf (for the board).
    #[arg(long)]
    no_reports: bool,
}

impl FileArgs {
    /// The typed output options, writing into `out`.
    fn output(&self, out: PathBuf) -> OutputOptions {
        OutputOptions { out, charts: !self.no_charts, reports: !self.no_reports }
    }
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// Scenario A, the baseline (TOML).
    a: PathBuf,
    /// Scenario B, compared with A (TOML); it must have A's horizon and currency.
    b: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Output folder (default: output/compare-<A file stem>-vs-<B file stem>/).
    #[arg(long, value_name = "FOLDER")]
    out: Option<PathBuf>,
    #[command(flatten)]
    files: FileArgs,
}

#[derive(Debug, Args)]
struct ConflationArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Output folder (default: output/conflation-<scenario file stem>/).
    #[arg(long, value_name = "FOLDER")]
    out: Option<PathBuf>,
    #[command(flatten)]
    files: FileArgs,
}

#[derive(Debug, Args)]
struct PlanArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Budget for build and run spend (repeatable): AMOUNT (250000, 250k, 1.2M or '$250,000':
    /// quote an amount with $ or spaces in the shell) for months 1 to --budget-months;
    /// FY2028=AMOUNT or "FY2028 Q1=AMOUNT" for a fiscal year or quarter of the scenario's
    /// [calendar]; months:13-24=AMOUNT for any months. Each is met at --confidence.
    #[arg(long, required = true, value_name = "[WINDOW=]AMOUNT", value_parser = parse_budget)]
    budget: Vec<crate::plan::BudgetSpec>,
    /// Length in months, from month 1, of the window of a plain --budget AMOUNT [default: 12].
    #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u32).range(1..))]
    budget_months: Option<u32>,
    /// Spend quantile that must stay within each budget, as a fraction or a percentage (0.9 or 90%: P90).
    #[arg(long, value_name = "SHARE", default_value_t = 0.9, value_parser = parse_confidence)]
    confidence: f64,
    /// Highest acceptable probability that the portfolio's NPV is negative, as a fraction or a
    /// percentage (0.1 or 10%; default: no limit).
    #[arg(long, value_name = "SHARE", value_parser = parse_probability)]
    max_loss_probability: Option<f64>,
    /// Fund this initiative, with everything it depends on (repeatable).
    #[arg(long, value_name = "NAME")]
    include: Vec<String>,
    /// Do not fund this initiative, nor anything that depends on it (repeatable).
    #[arg(long, value_name = "NAME")]
    exclude: Vec<String>,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Output folder (default: output/plan-<scenario file stem>/).
    #[arg(long, value_name = "FOLDER")]
    out: Option<PathBuf>,
    #[command(flatten)]
    files: FileArgs,
}

#[derive(Debug, Args)]
struct VoiArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Output folder (default: output/voi-<scenario file stem>/).
    #[arg(long, value_name = "FOLDER")]
    out: Option<PathBuf>,
    #[command(flatten)]
    files: FileArgs,
}

/// Default `--max-trials` of a `--precision` run.
pub const DEFAULT_MAX_TRIALS: u64 = 10_000_000;

/// Parses a share written as a percentage (`1%`, `0.5 %`) or a fraction
/// (`0.01`); it must lie strictly between 0 and 1 (a plain `1` or `5` gets
/// the hint `did you mean 0.01 or "1%"?`).
pub fn parse_share(text: &str) -> Result<f64, String> {
    let written = parse_number_or_percent(text)?;
    match parse_fraction(text)? {
        share if share > 0.0 && share < 1.0 => Ok(share),
        _ if written == Written::Plain(1.0) => {
            Err(format!("must lie strictly between 0 and 1, got 1; {}", percent_hint(1.0)))
        }
        _ => Err(format!("must lie strictly between 0 and 1 (0% and 100%), got `{text}`")),
    }
}

/// Parses a share or a probability written as a fraction (`0.1`) or a
/// percentage (`10%`), in [0, 1]; a plain number above 1 gets the hint
/// `did you mean 0.1 or "10%"?` ([`check_fraction`]).
fn parse_fraction(text: &str) -> Result<f64, String> {
    check_fraction(parse_number_or_percent(text)?, FractionRange::Share)
}

/// Parses a non-negative amount of money as [`parse_money`] reads it
/// (`250000`, `250,000`, `$250,000`, `250k`, `1.2M`).
pub fn parse_amount(text: &str) -> Result<f64, String> {
    match parse_money(text) {
        Ok(x) if x >= 0.0 => Ok(x),
        Ok(_) => Err(format!("`{text}` is negative; an amount here must be 0 or more")),
        Err(e) => Err(e),
    }
}

/// Parses a `--budget`: a plain amount (months 1 to `--budget-months`) or
/// `WINDOW=AMOUNT`, the window as [`crate::plan::parse_window`] reads it.
pub fn parse_budget(text: &str) -> Result<crate::plan::BudgetSpec, String> {
    use crate::plan::{BudgetSpec, WindowSpec, parse_window};
    match text.split_once('=') {
        None => Ok(BudgetSpec { window: WindowSpec::FirstMonths, amount: parse_amount(text)? }),
        Some((window, amount)) => Ok(BudgetSpec {
            window: parse_window(window).map_err(|e| format!("{e}; a budget is AMOUNT or WINDOW=AMOUNT"))?,
            amount: parse_amount(amount.trim())?,
        }),
    }
}

/// Parses a probability in [0, 1], as a fraction (`0.1`) or a percentage (`10%`).
fn parse_probability(text: &str) -> Result<f64, String> {
    parse_fraction(text)
}

/// Parses a confidence level in (0, 1], as a fraction (`0.9`) or a percentage (`90%`).
fn parse_confidence(text: &str) -> Result<f64, String> {
    match parse_fraction(text)? {
        0.0 => Err(format!("must be above 0, e.g. 0.9 or 90%, got `{text}`")),
        p => Ok(p),
    }
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Output folder (default: output/<scenario file stem>/).
    #[arg(long, value_name = "FOLDER")]
    out: Option<PathBuf>,
    /// Add trials until the 95% half-width of mean portfolio NPV is within this share of it
    /// ("1%" or "0.01"); --trials then sets the first round.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    precision: Option<f64>,
    /// With --precision: never run more trials than this.
    #[arg(long, value_name = "N", requires = "precision", default_value_t = DEFAULT_MAX_TRIALS,
          value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_TRIALS))]
    max_trials: u64,
    /// Exit with code 3 when CONDITION holds for the run's summary figures
    /// (repeatable), e.g. "prob_npv_negative > 10%", "it.npv.p10 < -250k" or
    /// '"Invoice approval".npv.mean < 0'; sets and figures are checked before the
    /// simulation; see docs/budget-planning.md.
    #[arg(long = "fail-if", value_name = "CONDITION", value_parser = clap::value_parser!(crate::gates::Gate))]
    fail_if: Vec<crate::gates::Gate>,
    #[command(flatten)]
    files: FileArgs,
}

/// Typed options of `roicast run`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder and which files go into it.
    pub output: OutputOptions,
    /// Half-width target for mean portfolio NPV, as a share of it (`--precision`).
    pub precision: Option<f64>,
    /// Trial limit of a `--precision` run.
    pub max_trials: u64,
    /// Conditions on the summary that make the run exit with code 3.
    pub fail_if: Vec<crate::gates::Gate>,
}

/// Where a command writes its results, and which files it writes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Write the charts into `<out>/charts/` (off with `--no-charts`).
    pub charts: bool,
    /// Write `report.xlsx` and `board-pack.pdf` (off with `--no-reports`).
    pub reports: bool,
}

/// Typed simulation options shared by run, compare, conflation and plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimulationOptions {
    /// Trials, when overridden.
    pub trials: Option<u64>,
    /// Seed, when overridden.
    pub seed: Option<u64>,
    /// Worker threads, when set.
    pub threads: Option<usize>,
    /// Print nothing but errors and the gates that trip (`--quiet`).
    pub quiet: bool,
    /// Memory the run may use, in bytes, when set (`--max-memory`).
    pub max_memory: Option<u64>,
}

impl From<SimulationArgs> for SimulationOptions {
    fn from(args: SimulationArgs) -> Self {
        SimulationOptions {
            trials: args.trials,
            seed: args.seed,
            threads: args.threads.map(usize::from),
            quiet: args.quiet,
            max_memory: args.max_memory,
        }
    }
}

/// Typed options of `roicast compare`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Scenario A, the baseline.
    pub a: PathBuf,
    /// Scenario B.
    pub b: PathBuf,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder and which files go into it.
    pub output: OutputOptions,
}

/// Typed options of `roicast conflation`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflationOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder and which files go into it.
    pub output: OutputOptions,
}

/// Typed options of `roicast plan`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Budgets and their windows, confidence, loss limit, includes and excludes.
    pub request: crate::plan::PlanRequest,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder and which files go into it.
    pub output: OutputOptions,
}

/// Typed options of `roicast voi`.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder and which files go into it.
    pub output: OutputOptions,
}

/// Typed options of `roicast actuals-template`.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The last actual month, when given.
    pub through: Option<MonthArg>,
    /// The file to write, or stdout.
    pub out: Option<PathBuf>,
    /// Overwrite `out` if it exists.
    pub force: bool,
}

/// A command with its typed options.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `roicast run`.
    Run(RunOptions),
    /// `roicast validate`.
    Validate {
        /// The scenario file.
        scenario: PathBuf,
    },
    /// `roicast init`.
    Init {
        /// Where to write the starter scenario.
        path: PathBuf,
        /// Overwrite an existing file.
        force: bool,
    },
    /// `roicast compare`.
    Compare(CompareOptions),
    /// `roicast conflation`.
    Conflation(ConflationOptions),
    /// `roicast plan`.
    Plan(PlanOptions),
    /// `roicast voi`.
    Voi(VoiOptions),
    /// `roicast actuals-template`.
    ActualsTemplate(TemplateOptions),
}

/// The default output folder of a scenario: `output/<file stem>`.
pub fn default_output_dir(scenario: &std::path::Path) -> PathBuf {
    PathBuf::from("output").join(file_stem(scenario))
}

/// A scenario file's stem, or `scenario` when it has none.
fn file_stem(path: &std::path::Path) -> String {
    path.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned())
}

impl Cli {
    /// The typed command.
    pub fn into_command(self) -> Command {
        match self.command {
            CliCommand::Run(args) => Command::Run(RunOptions {
                output: args.files.output(args.out.unwrap_or_else(|| default_output_dir(&args.scenario))),
                scenario: args.scenario,
                simulation: args.simulation.into(),
                precision: args.precision,
                max_trials: args.max_trials,
                fail_if: args.fail_if,
            }),
            CliCommand::Validate { scenario } => Command::Validate { scenario },
            CliCommand::Init { path, force } => Command::Init { path, force },
            CliCommand::Compare(args) => Command::Compare(CompareOptions {
                output: args.files.output(args.out.unwrap_or_else(|| {
                    PathBuf::from("output").join(format!("compare-{}-vs-{}", file_stem(&args.a), file_stem(&args.b)))
                })),
                a: args.a,
                b: args.b,
                simulation: args.simulation.into(),
            }),
            CliCommand::Conflation(args) => Command::Conflation(ConflationOptions {
                output: args.files.output(args.out.unwrap_or_else(|| {
                    PathBuf::from("output").join(format!("conflation-{}", file_stem(&args.scenario)))
                })),
                scenario: args.scenario,
                simulation: args.simulation.into(),
            }),
            CliCommand::Plan(args) => {
                Command::Plan(PlanOptions {
                    output: args.files.output(args.out.unwrap_or_else(|| {
                        PathBuf::from("output").join(format!("plan-{}", file_stem(&args.scenario)))
                    })),
                    request: crate::plan::PlanRequest {
                        budgets: args.budget,
                        budget_months: args.budget_months,
                        confidence: args.confidence,
                        max_loss_probability: args.max_loss_probability,
                        controls: crate::plan::Controls { include: args.include, exclude: args.exclude },
                    },
                    scenario: args.scenario,
                    simulation: args.simulation.into(),
                })
            }
            CliCommand::Voi(args) => Command::Voi(VoiOptions {
                output: args.files.output(
                    args.out
                        .unwrap_or_else(|| PathBuf::from("output").join(format!("voi-{}", file_stem(&args.scenario)))),
                ),
                scenario: args.scenario,
                simulation: args.simulation.into(),
            }),
            CliCommand::ActualsTemplate(args) => Command::ActualsTemplate(TemplateOptions {
                scenario: args.scenario,
                through: args.through,
                out: args.out,
                force: args.force,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn run_defaults_to_output_folder_by_stem() {
        let cli = Cli::try_parse_from(["roicast", "run", "scenarios/it-vs-bpa.toml"]).unwrap();
        let Command::Run(options) = cli.into_command() else { panic!("not a run") };
        assert_eq!(options.output.out, PathBuf::from("output/it-vs-bpa"));
        assert!(options.output.charts);
        assert!(Cli::try_parse_from(["roicast", "run", "x.toml", "--trials", "0"]).is_err());
        assert!(options.output.reports);
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "--no-charts", "--no-reports"]).unwrap();
        let Command::Run(options) = cli.into_command() else { panic!("not a run") };
        assert!(!options.output.charts && !options.output.reports);
    }

    #[test]
    fn run_takes_the_shared_simulation_flags() {
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "--trials", "500", "--seed", "3", "--threads", "2"]);
        let Command::Run(options) = cli.unwrap().into_command() else { panic!("not a run") };
        let expected =
            SimulationOptions { trials: Some(500), seed: Some(3), threads: Some(2), quiet: false, max_memory: None };
        assert_eq!(options.simulation, expected);
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "-q", "--max-memory", "1.5G"]).unwrap();
        let Command::Run(options) = cli.into_command() else { panic!("not a run") };
        let expected =
            SimulationOptions { trials: None, seed: None, threads: None, quiet: true, max_memory: Some(3 << 29) };
        assert_eq!(options.simulation, expected);
        assert!(Cli::try_parse_from(["roicast", "plan", "x.toml", "--budget", "1", "--max-memory", "lots"]).is_err());
        assert!(Cli::try_parse_from(["roicast", "run", "x.toml", "--threads", "0"]).is_err());
    }

    #[test]
    fn precision_accepts_percent_or_fraction() {
        assert_eq!(parse_share("1%"), Ok(0.01));
        assert_eq!(parse_share(" 0.5 % "), Ok(0.005));
        assert_eq!(parse_share("0.01"), Ok(0.01));
        assert!(parse_share("1").is_err() && parse_share("0%").is_err() && parse_share("abc").is_err());
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "--precision", "2%", "--max-trials", "50000"]);
        let Command::Run(options) = cli.unwrap().into_command() else { panic!("not a run") };
        assert_eq!((options.precision, options.max_trials), (Some(0.02), 50_000));
        assert!(Cli::try_parse_from(["roicast", "run", "x.toml", "--max-trials", "5"]).is_err());
    }

    #[test]
    fn budget_commands_default_their_output_folders() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(Cli::into_command);
        let Ok(Command::Compare(c)) = parse(&["roicast", "compare", "s/a.toml", "s/b.toml"]) else { panic!() };
        assert_eq!((c.output.out, c.output.charts), (PathBuf::from("output/compare-a-vs-b"), true));
        let Ok(Command::Conflation(c)) = parse(&["roicast", "conflation", "x.toml", "--no-charts"]) else { panic!() };
        assert_eq!(
            (c.output.out, c.output.charts, c.output.reports),
            (PathBuf::from("output/conflation-x"), false, true)
        );
        let Ok(Command::Plan(p)) = parse(&["roicast", "plan", "x.toml", "--budget", "1", "--no-reports"]) else {
            panic!()
        };
        assert!(p.output.charts && !p.output.reports);
        let Ok(Command::Plan(p)) = parse(&["roicast", "plan", "x.toml", "--budget", "1.5M"]) else { panic!() };
        assert_eq!(p.output.out, PathBuf::from("output/plan-x"));
        let budget = crate::plan::BudgetSpec { window: crate::plan::WindowSpec::FirstMonths, amount: 1.5e6 };
        assert_eq!((p.request.budgets, p.request.budget_months, p.request.confidence), (vec![budget], None, 0.9));
        assert!(parse(&["roicast", "plan", "x.toml", "--budget", "-5"]).is_err());
        assert!(parse(&["roicast", "plan", "x.toml", "--budget", "5", "--confidence", "0"]).is_err());
        let Ok(Command::Run(r)) = parse(&["roicast", "run", "x.toml", "--fail-if", "npv.p10 < 0"]) else { panic!() };
        assert_eq!(r.fail_if.len(), 1);
        assert!(parse(&["roicast", "run", "x.toml", "--fail-if", "npv.p10 <"]).is_err());
    }

    #[test]
    fn amounts_accept_suffixes_separators_and_symbols() {
        assert_eq!(parse_amount("250k"), Ok(250_000.0));
        assert_eq!(parse_amount("1,200,000"), Ok(1_200_000.0));
        assert_eq!(parse_amount("$250,000"), Ok(250_000.0));
        assert_eq!(parse_amount("90_000"), Ok(90_000.0));
        assert_eq!(parse_amount("2B"), Ok(2e9));
        assert!(parse_amount("k").is_err());
        assert!(parse_amount("lots").is_err());
        assert!(parse_amount("-5k").unwrap_err().contains("negative"));
    }

    #[test]
    fn budgets_take_a_window_or_the_first_months() {
        use crate::plan::{BudgetSpec, WindowSpec};
        assert_eq!(parse_budget("400k"), Ok(BudgetSpec { window: WindowSpec::FirstMonths, amount: 400_000.0 }));
        let fiscal = BudgetSpec { window: WindowSpec::Fiscal { year: 2028, quarter: Some(1) }, amount: 3e5 };
        assert_eq!(parse_budget("FY2028 Q1 = $300,000"), Ok(fiscal));
        let months = BudgetSpec { window: WindowSpec::Months { first: 13, last: 24 }, amount: 1.2e6 };
        assert_eq!(parse_budget("months:13-24=1.2M"), Ok(months));
        assert!(parse_budget("FY2028=-5").unwrap_err().contains("negative"));
        assert!(parse_budget("next year=5").unwrap_err().contains("WINDOW=AMOUNT"));
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(Cli::into_command);
        let Ok(Command::Plan(p)) = parse(&[
            "roicast",
            "plan",
            "x.toml",
            "--budget",
            "FY2028=1",
            "--budget",
            "2",
            "--include",
            "A",
            "--include",
            "B",
            "--exclude",
            "C",
        ]) else {
            panic!()
        };
        assert_eq!(p.request.budgets.len(), 2);
        assert_eq!(
            (p.request.controls.include, p.request.controls.exclude),
            (vec!["A".into(), "B".into()], vec!["C".into()])
        );
        assert!(parse(&["roicast", "plan", "x.toml"]).is_err(), "a budget is required");
        let Ok(Command::Voi(v)) = parse(&["roicast", "voi", "s/x.toml", "--trials", "500"]) else { panic!() };
        assert_eq!(
            (v.output.out, v.output.charts, v.simulation.trials),
            (PathBuf::from("output/voi-x"), true, Some(500))
        );
    }

    #[test]
    fn each_command_shows_its_own_defaults() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        let mut help = |name: &str| cli.find_subcommand_mut(name).map(|c| c.render_help().to_string()).unwrap();
        let defaults = [
            ("run", "output/<scenario file stem>/"),
            ("compare", "output/compare-<A file stem>-vs-<B file stem>/"),
            ("conflation", "output/conflation-<scenario file stem>/"),
            ("plan", "output/plan-<scenario file stem>/"),
            ("voi", "output/voi-<scenario file stem>/"),
        ];
        for (command, own) in defaults {
            let text = help(command);
            assert!(text.contains(own), "{command} --help lacks {own}:\n{text}");
            for (other, theirs) in defaults.iter().filter(|(c, _)| *c != command) {
                assert!(!text.contains(theirs), "{command} --help shows the default of {other}:\n{text}");
            }
        }
        let compare = help("compare");
        assert!(compare.contains("scenario A's `trials`") && compare.contains("scenario A's `seed`"), "{compare}");
        let plan = help("plan");
        assert!(plan.contains("90%") && plan.contains("10%") && plan.contains("'$250,000'"), "{plan}");
    }

    #[test]
    fn a_whole_percentage_on_a_flag_gets_a_hint() {
        assert!(parse_confidence("95").unwrap_err().contains("did you mean 0.95 or \"95%\"?"));
        assert!(parse_probability("10").unwrap_err().contains("did you mean 0.1 or \"10%\"?"));
        assert!(parse_share("1").unwrap_err().contains("did you mean 0.01 or \"1%\"?"));
        assert!(parse_share("5").unwrap_err().contains("did you mean 0.05 or \"5%\"?"));
        assert_eq!(parse_probability("1"), Ok(1.0));
        assert_eq!(parse_confidence("100%"), Ok(1.0));
    }

    #[test]
    fn actuals_template_takes_a_month_number_or_date() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(Cli::into_command);
        let Ok(Command::ActualsTemplate(t)) = parse(&["roicast", "actuals-template", "x.toml", "--through", "8"])
        else {
            panic!()
        };
        assert_eq!((t.through, t.out, t.force), (Some(MonthArg::Number(8)), None, false));
        let args = ["roicast", "actuals-template", "x.toml", "--through", "2027-08", "--out", "a.csv", "--force"];
        let Ok(Command::ActualsTemplate(t)) = parse(&args) else { panic!() };
        let august = crate::calendar::YearMonth { year: 2027, month: 8 };
        assert_eq!((t.through, t.out, t.force), (Some(MonthArg::Date(august)), Some(PathBuf::from("a.csv")), true));
        assert!(parse(&["roicast", "actuals-template", "x.toml", "--through", "0"]).is_err());
        assert!(parse(&["roicast", "actuals-template", "x.toml", "--through", "Aug"]).is_err());
        assert!(parse(&["roicast", "actuals-template", "x.toml", "--force"]).is_err());
    }

    #[test]
    fn probabilities_and_confidence_take_percentages() {
        assert_eq!(parse_probability("10%"), Ok(0.1));
        assert_eq!(parse_confidence("90%"), Ok(0.9));
        assert_eq!(parse_confidence("0.95"), Ok(0.95));
        assert!(parse_confidence("0%").is_err() && parse_probability("110%").is_err());
    }
}
