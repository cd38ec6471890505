//! Result files: one format per file, behind one small trait.
//!
//! Each format implements [`Export`]: a file name and a function that writes
//! a [`Report`] to any writer. Adding a format is one file here and one line
//! in [`standard_exports`]. The per-trial table is the exception: it reads
//! the trials alone ([`write_trials_parquet`]), so that it can be written
//! while a report's statistics are still being computed. Exports never open
//! files themselves; the caller decides where the bytes go (the app writes
//! them into a temporary folder that replaces the output folder only once
//! everything is written).
//!
//! The documents for people — `report.xlsx` and `board-pack.pdf` — are
//! written by every command, each from its own results, so they sit behind
//! their own trait, [`Documents`] ([`documents`]): tables of typed cells
//! ([`tables`]) laid out as workbook sheets with native charts ([`xlsx`])
//! and as board-pack pages with the charts' SVG drawings ([`pdf`]).

mod budget_csv;
pub mod documents;
mod monthly_csv;
pub mod pdf;
mod sensitivity_csv;
mod summary_json;
pub mod tables;
mod trials_parquet;
pub mod xlsx;

use std::io::Write;

pub use budget_csv::write_budget_csv;
pub use documents::{BOARD_PACK, Documents, WORKBOOK};
pub use monthly_csv::MonthlyCsv;
pub use sensitivity_csv::SensitivityCsv;
pub use summary_json::{SummaryJson, summary_value};
pub use trials_parquet::{TRIALS_PARQUET, write_trials_parquet};

use crate::report::Report;

/// An error while producing an export.
pub type ExportError = Box<dyn std::error::Error + Send + Sync>;

/// One output format.
pub trait Export {
    /// Name of the file inside the output folder.
    fn file_name(&self) -> &'static str;
    /// Writes the report in this format.
    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError>;
}

/// The exports of its report every `roicast run` writes (beside [`TRIALS_PARQUET`]).
pub fn standard_exports() -> Vec<Box<dyn Export>> {
    vec![Box::new(SummaryJson), Box::new(MonthlyCsv), Box::new(SensitivityCsv)]
}
