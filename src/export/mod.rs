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

mod actuals_template;
mod budget_csv;
mod monthly_csv;
mod sensitivity_csv;
mod summary_json;
mod trials_parquet;
mod variance_csv;

use std::io::Write;

pub use actuals_template::actuals_template;
pub use budget_csv::write_budget_csv;
pub use monthly_csv::MonthlyCsv;
pub use sensitivity_csv::SensitivityCsv;
pub use summary_json::{SummaryJson, summary_value};
pub use trials_parquet::{TRIALS_PARQUET, write_trials_parquet};
pub use variance_csv::VarianceCsv;

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

/// The exports a run with actuals writes besides the standard ones.
pub fn reforecast_exports() -> Vec<Box<dyn Export>> {
    vec![Box::new(VarianceCsv)]
}
