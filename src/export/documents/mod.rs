//! The two documents every command writes for people: `report.xlsx` for
//! finance and `board-pack.pdf` for the board.
//!
//! Each command's results implement [`Documents`]: [`RunDocuments`] for
//! `roicast run`, [`PlanDocuments`], [`CompareDocuments`] and
//! [`ConflationDocuments`] for the budget commands, [`VoiDocuments`] for
//! `roicast voi`. A document is described
//! as data — the workbook as [`Sheet`]s, the pack as [`Page`]s — from
//! [`Table`]s built once from the numbers of the command's JSON, then
//! written by [`super::xlsx`] and [`super::pdf`]. The parts the commands
//! share live here: the Inputs sheet (every input as the scenario states it,
//! and the file itself), the key-assumptions page and the method appendix.
//!
//! Everything is summary-level: tables, bins and charts of at most a few
//! hundred rows, never one row per trial, so neither file grows with the
//! number of trials.

mod budget;
mod run;
mod voi;

use std::io::Write;

pub use budget::{CompareDocuments, ConflationDocuments, PlanDocuments};
pub use run::RunDocuments;
pub use voi::{VoiDocuments, top_inputs_table};

use super::ExportError;
use super::pdf::{Page, TablePage};
use super::tables::{Cell, Table, Unit};
use super::xlsx::Sheet;
use crate::calendar::Calendar;
use crate::scenario::{InputSlot, Scenario};

/// File name of the workbook.
pub const WORKBOOK: &str = "report.xlsx";
/// File name of the board pack.
pub const BOARD_PACK: &str = "board-pack.pdf";

/// A command's results as its two documents.
pub trait Documents {
    /// Writes `report.xlsx`.
    fn write_workbook(&self, out: &mut dyn Write) -> Result<(), ExportError>;
    /// Writes `board-pack.pdf`.
    fn write_board_pack(&self, out: &mut dyn Write) -> Result<(), ExportError>;
}

/// The unit of an input's values.
fn slot_unit(slot: InputSlot) -> Unit {
    match slot {
        InputSlot::BuildCost | InputSlot::RunCostPerMonth | InputSlot::BenefitPerMonth => Unit::Money,
        InputSlot::BuildMonths | InputSlot::RampMonths => Unit::Month,
        InputSlot::PnlVisibility | InputSlot::AbandonProbability(_) => Unit::Share,
        InputSlot::EventsPerYear(_) => Unit::Plain,
    }
}

/// The Inputs table: every input and risk of a scenario as the file states
/// it (distribution with its parameters and truncation), its mean, and the
/// rank correlations it takes part in.
pub fn inputs_table(scenario: &Scenario) -> Table {
    let mut table = Table::new(&[
        "initiative",
        "kind",
        "owner",
        "input",
        "as stated",
        "truncated at min",
        "truncated at max",
        "mean",
        "rank correlations",
    ]);
    let correlations = |input: usize| -> String {
        let mut parts = Vec::new();
        for c in &scenario.correlations {
            let other = if c.first == input {
                c.second
            } else if c.second == input {
                c.first
            } else {
                continue;
            };
            parts.push(format!("{} with {}", c.rank_correlation, scenario.inputs[other].name));
        }
        parts.join("; ")
    };
    for (i, init) in scenario.initiatives.iter().enumerate() {
        let lead = |what: String| {
            vec![
                Cell::text(&init.name),
                Cell::text(init.kind.as_str()),
                Cell::text(init.owner.as_str()),
                Cell::text(what),
            ]
        };
        let mut plain = |what: &str, stated: String| {
            let mut row = lead(what.to_string());
            row.extend([Cell::text(stated), Cell::Empty, Cell::Empty, Cell::Empty, Cell::text("")]);
            table.push(row);
        };
        plain("start_month", init.start_month.to_string());
        if !init.depends_on.is_empty() {
            let names: Vec<&str> = init.depends_on.iter().map(|&d| scenario.initiatives[d].name.as_str()).collect();
            plain("depends_on", names.join(", "));
        }
        let inputs = scenario.inputs.iter().enumerate().filter(|(_, input)| input.initiative == i);
        let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
        for (j, input) in inputs {
            let unit = slot_unit(input.slot);
            let what = match input.slot {
                InputSlot::EventsPerYear(r) | InputSlot::AbandonProbability(r) => {
                    format!("risk “{}”: {}", init.risks[r].name, input.slot.key())
                }
                slot => slot.key().to_string(),
            };
            let (min, max) = input.distribution.truncation();
            let mut row = lead(what);
            row.extend([
                Cell::text(input.distribution.to_string()),
                Cell::maybe(min, unit),
                Cell::maybe(max, unit),
                Cell::number(input.distribution.mean(), unit),
                Cell::text(correlations(j)),
            ]);
            let order = match input.slot {
                InputSlot::EventsPerYear(r) | InputSlot::AbandonProbability(r) => 100 + 4 * r,
                _ => 0,
            };
            rows.push((order, row));
        }
        for (r, risk) in init.risks.iter().enumerate() {
            let (min, max) = risk.cost_per_event.truncation();
            let mut row = lead(format!("risk “{}”: cost_per_event", risk.name));
            row.extend([
                Cell::text(risk.cost_per_event.to_string()),
                Cell::maybe(min, Unit::Money),
                Cell::maybe(max, Unit::Money),
                Cell::money(risk.cost_per_event.mean()),
                Cell::text(""),
            ]);
            rows.push((100 + 4 * r, row));
            let mut row = lead(format!("risk “{}”: benefit_pause_months", risk.name));
            row.extend([
                Cell::text(risk.benefit_pause_months.to_string()),
                Cell::Empty,
                Cell::Empty,
                Cell::number(f64::from(risk.benefit_pause_months), Unit::Month),
                Cell::text(""),
            ]);
            rows.push((100 + 4 * r, row));
        }
        // Inputs in file order, then each risk's lines together.
        rows.sort_by_key(|(order, _)| *order);
        for (_, row) in rows {
            table.push(row);
        }
    }
    table
}

/// The Inputs sheet: [`inputs_table`], then the scenario file's text, line by line.
pub fn inputs_sheet(scenario: &Scenario, name: &str, file: &str) -> Sheet {
    let mut sheet = Sheet::new(name, inputs_table(scenario));
    sheet.notes.push(format!("The scenario file {file} (SHA-256 {}):", scenario.source_sha256));
    sheet.notes.extend(scenario.source_text.lines().map(str::to_string));
    sheet
}

/// The key assumptions of a scenario for the board: one row per initiative.
pub fn assumptions_page(scenario: &Scenario) -> Page<'static> {
    let mut table = Table::new(&[
        "initiative",
        "kind",
        "owner",
        "build cost",
        "build months",
        "benefit per month",
        "P&L-visible",
        "risks",
    ]);
    for init in &scenario.initiatives {
        let mean = |j: usize| scenario.inputs[j].distribution.mean();
        let owner = if init.is_mismatched() {
            format!("{} (not natural)", init.owner.as_str())
        } else {
            init.owner.as_str().to_string()
        };
        let risks: Vec<&str> = init.risks.iter().map(|r| r.name.as_str()).collect();
        table.push(vec![
            Cell::text(&init.name),
            Cell::text(init.kind.as_str()),
            Cell::text(owner),
            Cell::money(mean(init.build_cost)),
            Cell::number(mean(init.build_months), Unit::Month),
            Cell::money(mean(init.benefit_per_month)),
            Cell::share(mean(init.pnl_visibility)),
            Cell::text(if risks.is_empty() { "none".to_string() } else { risks.join(", ") }),
        ]);
    }
    let sim = &scenario.simulation;
    let c = &scenario.conflation;
    Page::Table(TablePage {
        title: "Key assumptions".into(),
        subtitle: format!(
            "Means of each initiative's uncertain inputs; {} months{} at a discount rate of {}% a year",
            sim.horizon_months,
            horizon_dates(scenario),
            (sim.discount_rate * 1000.0).round() / 10.0
        ),
        table,
        notes: vec![
            "Every input is a distribution; the workbook's Inputs sheet states each one as the scenario file does."
                .into(),
            format!(
                "A mismatched owner (BPA run by IT, IT automation run by operations) multiplies benefit by {}, \
                 risk events by {} and adds {} to each event's abandon probability.",
                c.benefit_multiplier, c.risk_rate_multiplier, c.extra_abandon_probability
            ),
        ],
    })
}

/// The columns of a table that a board page shows, by heading, in that order.
fn board_columns(table: &Table, headers: &[&str]) -> Table {
    table.select(&headers.iter().filter_map(|h| table.column(h)).collect::<Vec<_>>())
}

/// A workbook sheet name: at most 31 characters, without `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// The horizon's first and last month with a calendar, " (Feb 2027 to Jan
/// 2030)", to follow a number of months; empty without one.
pub fn horizon_dates(scenario: &Scenario) -> String {
    let horizon = scenario.simulation.horizon_months;
    scenario
        .calendar
        .map_or_else(String::new, |c| format!(" ({} to {})", c.date(1).short_label(), c.date(horizon).short_label()))
}

/// The calendar paragraph of a method page: the dates the months stand
/// for, or that months are counted from the start without a `[calendar]`.
pub fn calendar_words(calendar: Option<&Calendar>, horizon: u32) -> String {
    match calendar {
        Some(calendar) => {
            let mut words = calendar.describe(horizon);
            words[..1].make_ascii_uppercase();
            format!("{words}. Quarters are fiscal quarters, and chart axes show dates.")
        }
        None => format!(
            "Months are counted 1 to {horizon} from the start of the plan (the scenario has no [calendar]); \
             quarter k is months 3k−2 to 3k."
        ),
    }
}
