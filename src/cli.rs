//! The command line: clap definitions, turned into typed options before any work.
//!
//! [`Cli`] describes every command and flag with help and examples;
//! [`Cli::into_command`] turns the parsed arguments into a [`Command`] of typed
//! options that the [`crate::app`] layer executes. Nothing here reads files
//! or runs simulations.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const RUN_EXAMPLES: &str = "\
Examples:
  roicast run scenarios/it-vs-bpa.toml
  roicast run scenarios/it-vs-bpa.toml --trials 100000 --seed 42
  roicast run scenarios/conflation.toml --out output/conflation-test --threads 1";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  roicast validate scenarios/it-vs-bpa.toml
  roicast validate my-portfolio.toml && roicast run my-portfolio.toml";

const INIT_EXAMPLES: &str = "\
Examples:
  roicast init                      # writes scenario.toml
  roicast init budgets/2027.toml
  roicast init scenario.toml --force";

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
Exit codes: 0 success, 2 bad input (scenario or flags), 1 anything else."
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
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Number of trials (overrides the scenario's `trials`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_TRIALS))]
    trials: Option<u64>,
    /// Seed of every random stream (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Output folder (default: output/<scenario file stem>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Typed options of `roicast run`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Trials, when overridden.
    pub trials: Option<u64>,
    /// Seed, when overridden.
    pub seed: Option<u64>,
    /// Worker threads, when set.
    pub threads: Option<usize>,
    /// The output folder.
    pub out: PathBuf,
    /// Hide the progress bar.
    pub quiet: bool,
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
}

/// The default output folder of a scenario: `output/<file stem>`.
pub fn default_output_dir(scenario: &std::path::Path) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("output").join(stem)
}

impl Cli {
    /// The typed command.
    pub fn into_command(self) -> Command {
        match self.command {
            CliCommand::Run(args) => Command::Run(RunOptions {
                out: args.out.unwrap_or_else(|| default_output_dir(&args.scenario)),
                scenario: args.scenario,
                trials: args.trials,
                seed: args.seed,
                threads: args.threads.map(usize::from),
                quiet: args.quiet,
            }),
            CliCommand::Validate { scenario } => Command::Validate { scenario },
            CliCommand::Init { path, force } => Command::Init { path, force },
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
        assert!(Cli::try_parse_from(["roicast", "run", "x.toml", "--trials", "0"]).is_err());
    }
}
