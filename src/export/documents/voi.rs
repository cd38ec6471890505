//! The documents of `roicast voi`: the workbook's Summary (one row per
//! initiative, with a native chart of its EVPI against its best input's
//! EVPPI), Value of information (every relevant input of every initiative,
//! with a native bar chart of each decision one input could change), Inputs
//! and Run sheets; the board pack's title page, the value-of-information
//! chart, the sentence per initiative, the table the terminal prints, the
//! key assumptions and the method.
//!
//! Every figure is read from the [`ValueOfInformation`] that `voi.json` and
//! `voi.csv` are written from, so the values are the same; the words come
//! from [`crate::voi`], as the terminal's do.

use std::io::Write;

use super::budget::{Run, pack};
use super::{Documents, WORKBOOK, assumptions_page, inputs_sheet};
use crate::charts::ValueOfInformationChart;
use crate::charts::style::{Footnote, grouped};
use crate::compare::Source;
use crate::export::ExportError;
use crate::export::pdf::{Headline, Page, TablePage, TitlePage};
use crate::export::tables::{Cell, Table, Unit};
use crate::export::xlsx::{Palette, Sheet, SheetChart, write_workbook};
use crate::format::{money, possessive};
use crate::scenario::{Kind, Scenario};
use crate::sensitivity::input_parts;
use crate::voi::{NOISE_SES, ValueOfInformation, decision, estimate_text, input_label, sentence};

/// Decisions whose inputs get a bar chart in the Value of information sheet, at most.
const CHARTED_DECISIONS: usize = 5;
/// Bars of such a chart, at most: the inputs with the largest EVPPI above 0.
const CHARTED_INPUTS: usize = 8;

/// The documents of `roicast voi`.
pub struct VoiDocuments<'a> {
    /// The scenario, its file and seed.
    pub source: Source<'a>,
    /// The value of information of every initiative.
    pub voi: &'a ValueOfInformation,
    /// Date of the run.
    pub date: String,
}

/// "yes" or "no".
fn yes_no(yes: bool) -> Cell {
    Cell::text(if yes { "yes" } else { "no" })
}

/// What EVPI means, in a plain sentence.
const EVPI_MEANS: &str = "EVPI: the most that knowing everything uncertain about an initiative before deciding whether to \
                          fund it is worth; a pilot or study that costs more is not worth running.";

/// What EVPPI means, in a plain sentence.
const EVPPI_MEANS: &str = "EVPPI: what learning one input alone before deciding is worth (an input of the initiative or \
                           of what it depends on).";

/// How precise the figures are: `marked` says how a value within the noise is shown.
fn noise_words(marked: &str) -> String {
    format!(
        "± is one Monte Carlo standard error; a value within {NOISE_SES} standard errors of 0 is within the noise{marked}."
    )
}

/// The table `roicast voi` prints: per initiative its figures and the
/// (at most three) inputs with the largest EVPPI, each on its own row
/// (the name on every row, so a row continued on a new page says whose it
/// is; the figures on the first); estimates as text with their error, in
/// parentheses within the noise.
pub fn top_inputs_table(scenario: &Scenario, voi: &ValueOfInformation) -> Table {
    let currency = &scenario.currency;
    let mut table = Table::new(&[
        "initiative",
        "input (largest EVPPI first)",
        "mean NPV",
        "P(NPV<0)",
        "EVPI",
        "EVPPI",
        "share of EVPI",
    ]);
    for v in &voi.initiatives {
        let top = v.top();
        let first = vec![
            Cell::text(&v.name),
            Cell::text(
                top.first()
                    .map_or_else(|| "(no uncertain input)".into(), |i| input_label(scenario, v.initiative, i.input)),
            ),
            Cell::money(v.npv_mean),
            Cell::share(v.prob_npv_negative),
            Cell::text(estimate_text(v.evpi, currency)),
        ];
        for (k, input) in top.iter().enumerate() {
            let mut row = if k == 0 {
                first.clone()
            } else {
                let label = Cell::text(input_label(scenario, v.initiative, input.input));
                vec![Cell::text(&v.name), label, Cell::text(""), Cell::text(""), Cell::text("")]
            };
            row.push(Cell::text(estimate_text(input.evppi, currency)));
            row.push(if v.evpi.value > 0.0 { Cell::share(v.share(input)) } else { Cell::Empty });
            table.push(row);
        }
        if top.is_empty() {
            let mut row = first;
            row.extend([Cell::text(""), Cell::Empty]);
            table.push(row);
        }
    }
    table
}

impl VoiDocuments<'_> {
    fn run(&self) -> Run<'_> {
        Run::of_one(&self.source, self.voi.trials, &self.date)
    }

    /// One row per initiative: its NPV, the decision without more
    /// information, its EVPI and the input most worth learning.
    pub fn summary_table(&self) -> Table {
        let scenario = self.source.scenario;
        let mut table = Table::new(&[
            "initiative",
            "kind",
            "mean NPV",
            "P(NPV<0)",
            "decision without more information",
            "EVPI",
            "EVPI ± (1 se)",
            "EVPI within the noise",
            "input most worth learning",
            "its EVPPI",
            "its EVPPI ± (1 se)",
            "share of EVPI",
            "its EVPPI within the noise",
        ]);
        for v in &self.voi.initiatives {
            let top = v.inputs.first().filter(|i| i.evppi.value > 0.0);
            let none = if v.inputs.is_empty() { "(no uncertain input)" } else { "(none changes the decision alone)" };
            table.push(vec![
                Cell::text(&v.name),
                Cell::text(scenario.initiatives[v.initiative].kind.as_str()),
                Cell::money(v.npv_mean),
                Cell::share(v.prob_npv_negative),
                Cell::text(decision(v)),
                Cell::money(v.evpi.value),
                Cell::money(v.evpi.se),
                yes_no(v.evpi.within_noise()),
                Cell::text(top.map_or_else(|| none.into(), |i| input_label(scenario, v.initiative, i.input))),
                Cell::maybe(top.map(|i| i.evppi.value), Unit::Money),
                Cell::maybe(top.map(|i| i.evppi.se), Unit::Money),
                Cell::maybe(top.map(|i| v.share(i)), Unit::Share),
                top.map_or(Cell::text(""), |i| yes_no(i.evppi.within_noise())),
            ]);
        }
        table
    }

    /// One row per initiative and relevant uncertain input, largest EVPPI
    /// first within each initiative, the initiative's figures on every row
    /// (as in `voi.csv`); and the rows of each initiative.
    pub fn values_table(&self) -> (Table, Vec<std::ops::Range<usize>>) {
        let scenario = self.source.scenario;
        let mut table = Table::new(&[
            "initiative",
            "kind",
            "mean NPV",
            "decision without more information",
            "EVPI",
            "EVPI ± (1 se)",
            "EVPI within the noise",
            "input",
            "name in the scenario",
            "EVPPI",
            "EVPPI ± (1 se)",
            "share of EVPI",
            "EVPPI within the noise",
        ]);
        let mut groups = Vec::new();
        for v in &self.voi.initiatives {
            let lead = vec![
                Cell::text(&v.name),
                Cell::text(scenario.initiatives[v.initiative].kind.as_str()),
                Cell::money(v.npv_mean),
                Cell::text(decision(v)),
                Cell::money(v.evpi.value),
                Cell::money(v.evpi.se),
                yes_no(v.evpi.within_noise()),
            ];
            let start = table.rows.len();
            for input in &v.inputs {
                let mut row = lead.clone();
                row.extend([
                    Cell::text(input_label(scenario, v.initiative, input.input)),
                    Cell::text(&input.name),
                    Cell::money(input.evppi.value),
                    Cell::money(input.evppi.se),
                    Cell::share(v.share(input)),
                    yes_no(input.evppi.within_noise()),
                ]);
                table.push(row);
            }
            if v.inputs.is_empty() {
                let mut row = lead;
                row.extend([
                    Cell::text("(no uncertain input)"),
                    Cell::text(""),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::text(""),
                ]);
                table.push(row);
            }
            groups.push(start..table.rows.len());
        }
        (table, groups)
    }

    /// The board's title page: the input most worth learning, how many
    /// decisions a study could change, the largest EVPI.
    fn title_page(&self) -> TitlePage {
        let scenario = self.source.scenario;
        let currency = &scenario.currency;
        let voi = self.voi;
        let mut figures = vec![match voi.most_valuable_input() {
            Some((v, input)) => {
                let [owner, what] = input_parts(scenario, input.input);
                let before = if v.npv_mean > 0.0 { "funding" } else { "turning down" };
                Headline {
                    label: "Input most worth learning".into(),
                    value: money(input.evppi.value, currency),
                    detail: format!("{} {what}, before {before} {}", possessive(&owner), v.name),
                }
            }
            None => Headline {
                label: "Input most worth learning".into(),
                value: "none".into(),
                detail: "no single input changes a funding decision beyond the Monte Carlo noise".into(),
            },
        }];
        let beyond_noise = voi.initiatives.iter().filter(|v| !v.evpi.within_noise()).count();
        figures.push(Headline {
            label: "Decisions a study could change".into(),
            value: format!("{beyond_noise} of {}", voi.initiatives.len()),
            detail: "initiatives whose EVPI is beyond the Monte Carlo noise".into(),
        });
        if let Some(v) = voi.most_valuable_initiative() {
            figures.push(Headline {
                label: "Largest EVPI".into(),
                value: money(v.evpi.value, currency),
                detail: format!("{}: knowing everything uncertain about it (± {})", v.name, money(v.evpi.se, currency)),
            });
        }
        TitlePage {
            kicker: "Board pack · value of information".into(),
            title: scenario.name.clone(),
            subtitle: format!(
                "{} · the trials of roicast run with seed {} · {}-month horizon",
                self.run().subtitle(),
                self.source.seed,
                scenario.simulation.horizon_months
            ),
            figures,
            sentences: vec![EVPI_MEANS.into(), EVPPI_MEANS.into()],
        }
    }

    /// One row per initiative with the sentence the terminal prints.
    fn sentences_table(&self) -> Table {
        let mut table = Table::new(&["initiative", "what is worth learning before you fund"]);
        for v in &self.voi.initiatives {
            table.push(vec![Cell::text(&v.name), Cell::text(sentence(self.source.scenario, v))]);
        }
        table
    }
}

impl Documents for VoiDocuments<'_> {
    fn write_workbook(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = self.source.scenario;
        let currency = &scenario.currency;
        let mut summary = Sheet::new("Summary", self.summary_table());
        if !self.voi.initiatives.is_empty() {
            summary.charts.push(SheetChart::Grouped {
                title: "EVPI and the EVPPI of the input most worth learning".into(),
                rows: 0..self.voi.initiatives.len(),
                x: 0,
                columns: vec![5, 9],
                line: None,
                axis: currency.clone(),
            });
        }
        summary.notes.push(format!(
            "Scenario “{}” ({}): {} trials, seed {} — the trials of roicast run with the same seed. Decision: fund \
             an initiative (its own NPV) or not.",
            scenario.name,
            self.source.file,
            grouped(self.voi.trials),
            self.source.seed
        ));
        summary.notes.extend([EVPI_MEANS.into(), EVPPI_MEANS.into(), noise_words(" (\"yes\" in its column)")]);
        summary.notes.push(String::new());
        summary.notes.push("What is worth learning before you fund:".into());
        summary.notes.extend(self.voi.initiatives.iter().map(|v| format!("- {}", sentence(scenario, v))));

        let (table, groups) = self.values_table();
        let mut values = Sheet::new("Value of information", table);
        // A bar chart of the inputs worth something to each decision that one
        // input could change (beyond the noise), largest EVPI first.
        let mut charted: Vec<_> = self
            .voi
            .initiatives
            .iter()
            .zip(groups)
            .filter(|(v, _)| !v.evpi.within_noise() && v.inputs.first().is_some_and(|i| !i.evppi.within_noise()))
            .collect();
        charted.sort_by(|(a, _), (b, _)| b.evpi.value.total_cmp(&a.evpi.value));
        for (v, rows) in charted.into_iter().take(CHARTED_DECISIONS) {
            let worth = v.inputs.iter().take(CHARTED_INPUTS).filter(|i| i.evppi.value > 0.0).count();
            let palette = match scenario.initiatives[v.initiative].kind {
                Kind::It => Palette::It,
                Kind::Bpa => Palette::Bpa,
            };
            values.charts.push(SheetChart::Bars {
                title: format!("{}: EVPPI by input", v.name),
                rows: rows.start..rows.start + worth,
                x: 7,
                y: 9,
                palette,
                axis: format!("EVPPI ({currency}); EVPI {}", money(v.evpi.value, currency)),
            });
        }
        values.notes.push(
            "Per initiative its EVPI, then every uncertain input of it and of what it depends on, largest EVPPI \
             first; the initiative's figures repeat on each of its rows, as in voi.csv."
                .into(),
        );
        let run = self.run().table(vec![
            ("bins of the EVPPI smoother".into(), Cell::count(self.voi.bins as u64)),
            ("within the noise".into(), Cell::text(format!("at most {NOISE_SES} standard errors from 0"))),
        ]);
        let sheets = vec![summary, values, inputs_sheet(scenario, "Inputs", self.source.file), Sheet::new("Run", run)];
        write_workbook(&sheets, currency, &format!("{} — roicast voi {WORKBOOK}", scenario.name), out)
    }

    fn write_board_pack(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = self.source.scenario;
        let currency = &scenario.currency;
        let footnote = Footnote { scenario, trials: self.voi.trials };
        let pages = vec![
            Page::Title(self.title_page()),
            Page::Chart(Box::new(ValueOfInformationChart { voi: self.voi, footnote })),
            Page::Table(TablePage {
                title: "What is worth learning before you fund".into(),
                subtitle: "One sentence per initiative: the study worth paying for, if any, and its ceiling".into(),
                table: self.sentences_table(),
                notes: Vec::new(),
            }),
            Page::Table(TablePage {
                title: "Value of information, initiative by initiative".into(),
                subtitle: "EVPI of each initiative and the EVPPI of its inputs most worth learning".into(),
                table: top_inputs_table(scenario, self.voi),
                notes: vec![noise_words(", and shown in parentheses")],
            }),
            assumptions_page(scenario),
            Page::Text(self.run().appendix(vec![
                (
                    "Method".into(),
                    format!(
                        "The decision on each initiative is to fund it (its own NPV, trial by trial) or not. EVPI \
                         = mean(max(NPV, 0)) − max(mean(NPV), 0) over the {} trials of roicast run with the same \
                         seed. EVPPI of an input: the trials sorted by it are cut into {} bins of equal count; \
                         half the trials in a bin decide, the other half value the decision, then the halves swap, \
                         so an input unrelated to the NPV is worth about 0; the estimate is clamped into [0, EVPI] \
                         and errs low.",
                        grouped(self.voi.trials),
                        self.voi.bins
                    ),
                ),
                (
                    "Monte Carlo error".into(),
                    format!(
                        "{} The error is that of independent trials; with Latin hypercube sampling the true error \
                         is usually smaller.",
                        noise_words("")
                    ),
                ),
                (
                    "Where the numbers are".into(),
                    "voi.json (with standard errors) and voi.csv beside this file; report.xlsx holds every input's \
                     EVPPI with the scenario's inputs."
                        .into(),
                ),
            ])),
        ];
        pack(&scenario.name, currency, &scenario.name, pages, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::voi::{Estimate, InitiativeValue, InputValue};

    /// "Fixed" has no uncertain input; "Pilot" has two, the first worth
    /// something, the second nothing.
    fn documents_of(scenario: &Scenario, pilot_evppi: [f64; 2]) -> (Source<'_>, ValueOfInformation) {
        let input = |name: &str, value: f64| {
            let k = scenario.input_index(name).unwrap();
            InputValue { input: k, name: name.into(), evppi: Estimate { value, se: 10.0 } }
        };
        let fixed = InitiativeValue {
            initiative: 0,
            name: "Fixed".into(),
            npv_mean: 500.0,
            prob_npv_negative: 0.0,
            evpi: Estimate::default(),
            inputs: Vec::new(),
        };
        let pilot = InitiativeValue {
            initiative: 1,
            name: "Pilot".into(),
            npv_mean: -300.0,
            prob_npv_negative: 0.6,
            evpi: Estimate { value: 900.0, se: 40.0 },
            inputs: vec![input("Pilot.benefit_per_month", pilot_evppi[0]), input("Pilot.build_cost", pilot_evppi[1])],
        };
        let voi = ValueOfInformation { trials: 1_000, bins: 5, initiatives: vec![fixed, pilot] };
        (Source { scenario, file: "t.toml", seed: 3 }, voi)
    }

    fn scenario() -> Scenario {
        Scenario::parse(
            "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n\
             [[initiatives]]\nname = \"Fixed\"\nkind = \"it\"\nbuild_cost = 100\nbuild_months = 1\nbenefit_per_month = 60\n\
             [[initiatives]]\nname = \"Pilot\"\nkind = \"bpa\"\nbuild_cost = { uniform = [1000, 3000] }\nbuild_months = 1\n\
             benefit_per_month = { uniform = [0, 300] }\n",
            "t.toml",
        )
        .unwrap()
    }

    #[test]
    fn every_initiative_has_its_rows_and_an_input_worth_nothing_is_not_called_worth_learning() {
        let scenario = scenario();
        let (source, voi) = documents_of(&scenario, [400.0, 0.0]);
        let documents = VoiDocuments { source, voi: &voi, date: "2027-01-01".into() };
        let (values, groups) = documents.values_table();
        assert_eq!(groups, vec![0..1, 1..3]);
        assert_eq!(values.rows[0][7], Cell::text("(no uncertain input)"));
        assert_eq!(values.rows[1][9], Cell::money(400.0));
        assert_eq!(values.rows[1][3], Cell::text("turn it down"));
        let summary = documents.summary_table();
        assert_eq!(summary.rows[0][8], Cell::text("(no uncertain input)"));
        assert_eq!(summary.rows[1][9], Cell::money(400.0));
        // When no input is worth anything on its own, none is named as most worth learning.
        let (source, nothing) = documents_of(&scenario, [0.0, 0.0]);
        let documents = VoiDocuments { source, voi: &nothing, date: "2027-01-01".into() };
        let summary = documents.summary_table();
        assert_eq!(summary.rows[1][8], Cell::text("(none changes the decision alone)"));
        assert_eq!(summary.rows[1][9], Cell::Empty);
        // The printed table names the initiative on each of its rows; figures only on the first.
        let top = top_inputs_table(&scenario, &voi);
        let names: Vec<&Cell> = top.rows.iter().map(|r| &r[0]).collect();
        assert_eq!(names, [&Cell::text("Fixed"), &Cell::text("Pilot"), &Cell::text("Pilot")]);
        assert_eq!((&top.rows[2][2], &top.rows[2][5]), (&Cell::text(""), &Cell::text("($0 ± $10)")));
        assert_eq!(top.rows[0][6], Cell::Empty, "no share of an EVPI of 0");
    }

    #[test]
    fn both_documents_are_written() {
        let scenario = scenario();
        let (source, voi) = documents_of(&scenario, [400.0, 0.0]);
        let documents = VoiDocuments { source, voi: &voi, date: "2027-01-01".into() };
        let (mut workbook, mut pack) = (Vec::new(), Vec::new());
        documents.write_workbook(&mut workbook).unwrap();
        documents.write_board_pack(&mut pack).unwrap();
        assert!(workbook.starts_with(b"PK") && pack.starts_with(b"%PDF"));
    }
}
