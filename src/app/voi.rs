//! `roicast voi`: simulate the trials of `roicast run`, value what learning
//! more before funding each initiative is worth, write the outputs
//! atomically and print the table and one sentence per initiative.
//!
//! The figures come from [`crate::voi`]; this module only renders them as
//! text and files. The text is built first and printed once everything is
//! written.

use std::fmt::Write as _;

use super::budget::{write_chart, write_json};
use super::{OutputFolder, Progress, check_memory, load_scenario, run_settings, with_threads, write_file};
use crate::charts::ValueOfInformationChart;
use crate::charts::style::Footnote;
use crate::cli::VoiOptions;
use crate::compare::Source;
use crate::engine;
use crate::error::Error;
use crate::export::write_voi_csv;
use crate::footprint;
use crate::format::{money, percent, possessive};
use crate::report::text_table;
use crate::scenario::Scenario;
use crate::sensitivity::input_parts;
use crate::voi::{Estimate, InitiativeValue, InputValue, NOISE_SES, ValueOfInformation};

/// `roicast voi SCENARIO`.
pub(super) fn voi(options: &VoiOptions) -> Result<i32, Error> {
    let scenario = load_scenario(&options.scenario, options.simulation.quiet)?;
    let settings = run_settings(&scenario, &options.simulation);
    // The trials of `run`, ranked input by input as the sensitivity analysis ranks them.
    let needs = |trials, workers| footprint::run(&scenario, trials, workers, options.charts);
    check_memory(&options.simulation, "this analysis", settings.trials, needs)?;
    let folder = OutputFolder::prepare(&options.out, &[&options.scenario])?;
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
        if options.charts {
            let footnote = Footnote { scenario: &scenario, trials: settings.trials };
            write_chart(&ValueOfInformationChart { voi: &voi, footnote }, dir)?;
        }
        Ok(())
    })?;
    if !options.simulation.quiet {
        print!("{}", voi_text(&voi, source));
        println!("results written to {}/", options.out.display());
    }
    Ok(0)
}

/// An estimate with its standard error, in parentheses when within the noise:
/// `$41.0k ± $1.20k`, `($900 ± $700)`, or `$0` when exactly nothing.
pub(super) fn estimate_text(e: Estimate, currency: &str) -> String {
    if e.value == 0.0 && e.se == 0.0 {
        return money(0.0, currency);
    }
    let text = format!("{} ± {}", money(e.value, currency), money(e.se, currency));
    if e.within_noise() { format!("({text})") } else { text }
}

/// An input's label in a row of `initiative`: `benefit per month` for its
/// own input, `Invoice approval: build months` for a dependency's.
fn input_label(scenario: &Scenario, initiative: usize, input: &InputValue) -> String {
    let [owner, what] = input_parts(scenario, input.input);
    if scenario.inputs[input.input].initiative == initiative { what } else { format!("{owner}: {what}") }
}

/// The one sentence that says what is worth learning about an initiative.
pub(super) fn sentence(scenario: &Scenario, value: &InitiativeValue) -> String {
    let currency = &scenario.currency;
    let name = &value.name;
    if value.evpi.value == 0.0 {
        let side = if value.npv_mean > 0.0 {
            "positive"
        } else if value.npv_mean < 0.0 {
            "negative"
        } else {
            "zero"
        };
        return format!(
            "{name}: its NPV is {side} in every trial, so no information could change the decision; \
             learning more is worth nothing."
        );
    }
    if value.evpi.within_noise() {
        return format!(
            "{name}: everything uncertain about it is worth {} to learn, within the Monte Carlo noise: \
             no study before deciding is worth paying for.",
            estimate_text(value.evpi, currency)
        );
    }
    let decision = if value.npv_mean > 0.0 { "funding it" } else { "turning it down" };
    match value.inputs.first().filter(|top| !top.evppi.within_noise()) {
        Some(top) => {
            let [owner, what] = input_parts(scenario, top.input);
            format!(
                "Learning {} {what} before {decision} is worth up to {}; a pilot that costs more is not worth \
                 running{}.",
                possessive(&owner),
                money(top.evppi.value, currency),
                if scenario.inputs[top.input].initiative == value.initiative {
                    String::new()
                } else {
                    format!(" (it decides when {name} can go live)")
                }
            )
        }
        None => format!(
            "{name}: knowing everything uncertain about it before {decision} is worth up to {}, but no single \
             input is worth learning on its own (none changes the decision by itself beyond the Monte Carlo noise).",
            money(value.evpi.value, currency)
        ),
    }
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
    let mut rows = vec![
        ["initiative", "input (largest EVPPI first)", "mean NPV", "P(NPV<0)", "EVPI", "EVPPI", "share of EVPI"]
            .map(String::from)
            .to_vec(),
    ];
    let mut rules = vec![0];
    for value in &voi.initiatives {
        let top = value.top();
        let first = vec![
            value.name.clone(),
            top.first().map_or_else(|| "(no uncertain input)".into(), |i| input_label(scenario, value.initiative, i)),
            money(value.npv_mean, currency),
            percent(value.prob_npv_negative),
            estimate_text(value.evpi, currency),
        ];
        for (k, input) in top.iter().enumerate() {
            let mut row = if k == 0 {
                first.clone()
            } else {
                vec![
                    String::new(),
                    input_label(scenario, value.initiative, input),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            };
            row.push(estimate_text(input.evppi, currency));
            row.push(if value.evpi.value > 0.0 { percent(value.share(input)) } else { "-".into() });
            rows.push(row);
        }
        if top.is_empty() {
            rows.push(first);
        }
        rules.push(rows.len() - 1);
    }
    out.push('\n');
    out.push_str(&text_table(&rows, 2, &rules[..rules.len() - 1]));
    let _ = writeln!(out, "\nWhat is worth learning before you fund:");
    for value in &voi.initiatives {
        let _ = writeln!(out, "- {}", sentence(scenario, value));
    }
    out
}
