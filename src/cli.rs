//! The command line: clap definitions, turned into typed options before any work.
//!
//! [`Cli`] describes every command and flag with help and examples;
//! [`Cli::into_command`] turns the parsed arguments into a [`Command`] of typed
//! options that the [`crate::app`] layer executes. Nothing here reads files
//! or runs simulations.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::units::{Written, parse_money, parse_number_or_percent};

const RUN_EXAMPLES: &str = "\
Examples:
  roicast run scenarios/it-vs-bpa.toml
  roicast run scenarios/it-vs-bpa.toml --trials 100000 --seed 42
  roicast run scenarios/conflation.toml --out output/conflation-test --threads 1
  roicast run scenarios/it-vs-bpa.toml --precision 1%   # add trials until mean NPV is known to ±1%";

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

const PLAN_EXAMPLES: &str = "\
Examples:
  roicast plan scenarios/it-vs-bpa.toml --budget 250k
  roicast plan scenarios/it-vs-bpa.toml --budget 400000 --budget-months 18 --confidence 0.95
  roicast plan scenarios/it-vs-bpa.toml --budget 1.2M --max-loss-probability 0.1
Spend is build plus run cost (risk losses are not budget spend); a portfolio fits when the
--confidence quantile of its spend in the first --budget-months months is within --budget.";

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
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Cost the mismatched owners of a scenario: as written against natural owners.
    #[command(after_help = CONFLATION_EXAMPLES)]
    Conflation(ConflationArgs),
    /// Choose the portfolio with the highest mean NPV that fits a budget.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
}

/// Simulation flags shared by run, compare, conflation and plan.
#[derive(Debug, Args)]
struct SimulationArgs {
    /// Number of trials (overrides the scenario's `trials`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_TRIALS))]
    trials: Option<u64>,
    /// Seed of every random stream (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Output flags shared by compare, conflation and plan.
#[derive(Debug, Args)]
struct OutputArgs {
    /// Output folder (default: output/compare-<A stem>-vs-<B stem>/,
    /// output/conflation-<stem>/ or output/plan-<stem>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write no charts.
    #[arg(long)]
    no_charts: bool,
    /// Write neither report.xlsx nor board-pack.pdf.
    #[arg(long)]
    no_reports: bool,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// Scenario A, the baseline (TOML).
    a: PathBuf,
    /// Scenario B, compared with A (TOML); it must have A's horizon and currency.
    b: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct ConflationArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PlanArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Budget for build and run spend in the budget window, e.g. 250000, 250k or 1.2M.
    #[arg(long, value_parser = parse_amount)]
    budget: f64,
    /// Length of the budget window in months, counted from month 1.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..))]
    budget_months: u32,
    /// Spend quantile that must stay within the budget (0.9: P90).
    #[arg(long, default_value_t = 0.9, value_parser = parse_confidence)]
    confidence: f64,
    /// Highest acceptable probability that the portfolio's NPV is negative.
    #[arg(long, value_parser = parse_probability)]
    max_loss_probability: Option<f64>,
    #[command(flatten)]
    simulation: SimulationArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Default `--max-trials` of a `--precision` run.
pub const DEFAULT_MAX_TRIALS: u64 = 10_000_000;

/// Parses a share written as a percentage (`1%`, `0.5 %`) or a fraction
/// (`0.01`); it must lie strictly between 0 and 1.
pub fn parse_share(text: &str) -> Result<f64, String> {
    match parse_number_or_percent(text).map(Written::value) {
        Ok(share) if share > 0.0 && share < 1.0 => Ok(share),
        Ok(_) => Err(format!("`{text}` is not a share strictly between 0 and 1 (write 1% or 0.01)")),
        Err(_) => Err(format!("`{text}` is not a share (write 1% or 0.01)")),
    }
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

/// Parses a probability in [0, 1], as a fraction (`0.1`) or a percentage (`10%`).
fn parse_probability(text: &str) -> Result<f64, String> {
    match parse_number_or_percent(text).map(Written::value) {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a probability in [0, 1] (write 0.1 or 10%)")),
    }
}

/// Parses a confidence level in (0, 1], as a fraction (`0.9`) or a percentage (`90%`).
fn parse_confidence(text: &str) -> Result<f64, String> {
    match parse_probability(text) {
        Ok(p) if p > 0.0 => Ok(p),
        _ => Err(format!("`{text}` is not a confidence level in (0, 1], e.g. 0.9 or 90%")),
    }
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Output folder (default: output/<scenario file stem>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Add trials until the 95% half-width of mean portfolio NPV is within this share of it
    /// ("1%" or "0.01"); --trials then sets the first round.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    precision: Option<f64>,
    /// With --precision: never run more trials than this.
    #[arg(long, requires = "precision", default_value_t = DEFAULT_MAX_TRIALS,
          value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_TRIALS))]
    max_trials: u64,
    /// Exit with code 3 when CONDITION holds for the run's summary figures
    /// (repeatable), e.g. "prob_npv_negative > 0.1", "it.npv.p10 < 0" or
    /// '"Invoice approval".npv.mean < 0'; see docs/budget-planning.md.
    #[arg(long = "fail-if", value_name = "CONDITION", value_parser = clap::value_parser!(crate::gates::Gate))]
    fail_if: Vec<crate::gates::Gate>,
    /// Write no charts (by default every chart goes to <out>/charts/ as PNG and SVG).
    #[arg(long)]
    no_charts: bool,
    /// Write neither report.xlsx (for finance) nor board-pack.pdf (for the board).
    #[arg(long)]
    no_reports: bool,
}

/// Typed options of `roicast run`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder.
    pub out: PathBuf,
    /// Half-width target for mean portfolio NPV, as a share of it (`--precision`).
    pub precision: Option<f64>,
    /// Trial limit of a `--precision` run.
    pub max_trials: u64,
    /// Conditions on the summary that make the run exit with code 3.
    pub fail_if: Vec<crate::gates::Gate>,
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
    /// Hide the progress bar.
    pub quiet: bool,
}

impl From<SimulationArgs> for SimulationOptions {
    fn from(args: SimulationArgs) -> Self {
        SimulationOptions {
            trials: args.trials,
            seed: args.seed,
            threads: args.threads.map(usize::from),
            quiet: args.quiet,
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
    /// The output folder.
    pub out: PathBuf,
    /// Whether to write charts.
    pub charts: bool,
    /// Whether to write `report.xlsx` and `board-pack.pdf`.
    pub reports: bool,
}

/// Typed options of `roicast conflation`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflationOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder.
    pub out: PathBuf,
    /// Whether to write charts.
    pub charts: bool,
    /// Whether to write `report.xlsx` and `board-pack.pdf`.
    pub reports: bool,
}

/// Typed options of `roicast plan`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Budget, window, confidence and loss limit.
    pub settings: crate::plan::PlanSettings,
    /// Trials, seed, threads.
    pub simulation: SimulationOptions,
    /// The output folder.
    pub out: PathBuf,
    /// Whether to write charts.
    pub charts: bool,
    /// Whether to write `report.xlsx` and `board-pack.pdf`.
    pub reports: bool,
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
                out: args.out.unwrap_or_else(|| default_output_dir(&args.scenario)),
                scenario: args.scenario,
                simulation: args.simulation.into(),
                precision: args.precision,
                max_trials: args.max_trials,
                fail_if: args.fail_if,
                charts: !args.no_charts,
                reports: !args.no_reports,
            }),
            CliCommand::Validate { scenario } => Command::Validate { scenario },
            CliCommand::Init { path, force } => Command::Init { path, force },
            CliCommand::Compare(args) => Command::Compare(CompareOptions {
                out: args.output.out.unwrap_or_else(|| {
                    PathBuf::from("output").join(format!("compare-{}-vs-{}", file_stem(&args.a), file_stem(&args.b)))
                }),
                charts: !args.output.no_charts,
                reports: !args.output.no_reports,
                a: args.a,
                b: args.b,
                simulation: args.simulation.into(),
            }),
            CliCommand::Conflation(args) => Command::Conflation(ConflationOptions {
                out: args.output.out.unwrap_or_else(|| {
                    PathBuf::from("output").join(format!("conflation-{}", file_stem(&args.scenario)))
                }),
                charts: !args.output.no_charts,
                reports: !args.output.no_reports,
                scenario: args.scenario,
                simulation: args.simulation.into(),
            }),
            CliCommand::Plan(args) => Command::Plan(PlanOptions {
                out: args
                    .output
                    .out
                    .unwrap_or_else(|| PathBuf::from("output").join(format!("plan-{}", file_stem(&args.scenario)))),
                charts: !args.output.no_charts,
                reports: !args.output.no_reports,
                settings: crate::plan::PlanSettings {
                    budget: args.budget,
                    budget_months: args.budget_months,
                    confidence: args.confidence,
                    max_loss_probability: args.max_loss_probability,
                },
                scenario: args.scenario,
                simulation: args.simulation.into(),
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
        assert_eq!(options.out, PathBuf::from("output/it-vs-bpa"));
        assert!(options.charts);
        assert!(Cli::try_parse_from(["roicast", "run", "x.toml", "--trials", "0"]).is_err());
        assert!(options.reports);
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "--no-charts", "--no-reports"]).unwrap();
        let Command::Run(options) = cli.into_command() else { panic!("not a run") };
        assert!(!options.charts && !options.reports);
    }

    #[test]
    fn run_takes_the_shared_simulation_flags() {
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "--trials", "500", "--seed", "3", "--threads", "2"]);
        let Command::Run(options) = cli.unwrap().into_command() else { panic!("not a run") };
        let expected = SimulationOptions { trials: Some(500), seed: Some(3), threads: Some(2), quiet: false };
        assert_eq!(options.simulation, expected);
        let cli = Cli::try_parse_from(["roicast", "run", "x.toml", "-q"]).unwrap();
        let Command::Run(options) = cli.into_command() else { panic!("not a run") };
        assert_eq!(options.simulation, SimulationOptions { trials: None, seed: None, threads: None, quiet: true });
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
        assert_eq!((c.out, c.charts), (PathBuf::from("output/compare-a-vs-b"), true));
        let Ok(Command::Conflation(c)) = parse(&["roicast", "conflation", "x.toml", "--no-charts"]) else { panic!() };
        assert_eq!((c.out, c.charts, c.reports), (PathBuf::from("output/conflation-x"), false, true));
        let Ok(Command::Plan(p)) = parse(&["roicast", "plan", "x.toml", "--budget", "1", "--no-reports"]) else {
            panic!()
        };
        assert!(p.charts && !p.reports);
        let Ok(Command::Plan(p)) = parse(&["roicast", "plan", "x.toml", "--budget", "1.5M"]) else { panic!() };
        assert_eq!(p.out, PathBuf::from("output/plan-x"));
        assert_eq!((p.settings.budget, p.settings.budget_months, p.settings.confidence), (1.5e6, 12, 0.9));
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
    fn probabilities_and_confidence_take_percentages() {
        assert_eq!(parse_probability("10%"), Ok(0.1));
        assert_eq!(parse_confidence("90%"), Ok(0.9));
        assert_eq!(parse_confidence("0.95"), Ok(0.95));
        assert!(parse_confidence("0%").is_err() && parse_probability("110%").is_err());
    }
}
