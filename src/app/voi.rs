//! `roicast voi`: simulate the trials of `roicast run`, value what learning
//! more before funding each initiative is worth, write the outputs
//! (`voi.json`, `voi.csv`, the chart, `report.xlsx` and `board-pack.pdf`)
//! atomically and print the table and one sentence per initiative.
//!
//! The figures and their words come from [`crate::voi`], the table from
//! [`top_inputs_table`] (the board pack shows the same one); this module
//! only prints them and writes the files. The text is built first and printed once everything is
//! written.

use std::fmt::Write as _;

use super::budget::{write_chart, write_json};
use super::{
    OutputFolder, Progress, check_memory, load_scenario, run_settings, today, with_threads, write_documents, write_file,
};
use crate::charts::ValueOfInformationChart;
use crate::charts::style::Footnote;
use crate::cli::VoiOptions;
use crate::compare::Source;
use crate::engine;
use crate::error::Error;
use crate::export::documents::{VoiDocuments, top_inputs_table};
use crate::export::write_voi_csv;
use crate::footprint;
use crate::report::text_table;
use crate::voi::{NOISE_SES, ValueOfInformation, sentence};

/// `roicast voi SCENARIO`.
pub(super) fn voi(options: &VoiOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario, options.simulation.quiet)?;
    let settings = run_settings(&scenario, &options.simulation);
    // The trials of `run`, ranked input by input as the sensitivity analysis ranks them.
    let needs = |trials, workers| footprint::run(&scenario, trials, workers, options.output.charts);
    check_memory(&options.simulation, "this analysis", settings.trials, needs)?;
    let folder = OutputFolder::prepare(&options.output.out, &[&options.scenario])?;
    let progress = Progress::new(settings.trials, options.simulation.quiet);
    let voi = with_threads(options.simulation.threads, || {
        let results = engine::run(&scenario, settings, &|n| progress.advance(n));
        ValueOfInformation::of(&scenario, &results)
    })?;
    progress.finish();
    let file = options.scenario.display().to_string();
    let source = Source { scenario: &scenario, file: &file, seed: settings.seed };
    let json = voi.to_json(source);
    folder.write(|dir| {
        write_json(dir, "voi.json", &json)?;
        write_file(dir, "voi.csv", |out| write_voi_csv(&voi, out))?;
        if options.output.charts {
            let footnote = Footnote { scenario: &scenario, trials: settings.trials };
            write_chart(&ValueOfInformationChart { voi: &voi, footnote }, dir)?;
        }
        if options.output.reports {
            write_documents(&VoiDocuments { source, voi: &voi, date: today() }, dir)?;
        }
        Ok(())
    })?;
    if !options.simulation.quiet {
        print!("{}", voi_text(&voi, source));
        println!("results written to {}/", options.output.out.display());
    }
    Ok(0)
}

/// What `roicast voi` prints: the table of EVPI and top EVPPIs, then one sentence per initiative.
fn voi_text(voi: &ValueOfInformation, source: Source) -> String {
    let scenario = source.scenario;
    let currency = &scenario.currency;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Value of information in \"{}\" ({}), {} trials, seed {} (the trials of `roicast run`)",
        scenario.name, source.file, voi.trials, source.seed
    );
    let _ = writeln!(
        out,
        "Decision: fund an initiative (its own NPV) or not. EVPI: what knowing everything uncertain about it before \
         deciding is worth at most.\nEVPPI: what learning one input alone is worth (its own inputs and those of what \
         it depends on; E[NPV | input] from {} cross-fitted bins).\n± is one Monte Carlo standard error; values in \
         parentheses are within {NOISE_SES} standard errors of 0 (noise).",
        voi.bins
    );
    let table = top_inputs_table(scenario, voi);
    let mut rows = vec![table.headers.clone()];
    // Each initiative's name on its first row only, with a rule above it.
    let mut rules = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let mut cells: Vec<String> = row.iter().map(|cell| cell.display(currency)).collect();
        if r > 0 && table.rows[r - 1][0] == row[0] {
            cells[0].clear();
        } else {
            rules.push(rows.len() - 1);
        }
        rows.push(cells);
    }
    out.push('\n');
    out.push_str(&text_table(&rows, 2, &rules));
    let _ = writeln!(out, "\nWhat is worth learning before you fund:");
    for value in &voi.initiatives {
        let _ = writeln!(out, "- {}", sentence(scenario, value));
    }
    out
}
