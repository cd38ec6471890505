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
//! Every CSV file is written by [`write_csv`], which makes its text safe to
//! open in a spreadsheet: names come from scenario files, and a name such as
//! `=HYPERLINK("http://x","click")` would otherwise become a live formula in
//! Excel (CSV injection). As OWASP recommends, every text cell that begins
//! with `=`, `+`, `-`, `@`, a tab or a carriage return — column names
//! included — is prefixed with `'` and quoted ([`csv_text`]); numbers stay
//! numbers, unquoted, a negative one included.
//!
//! The documents for people — `report.xlsx` and `board-pack.pdf` — are
//! written by every command, each from its own results, so they sit behind
//! their own trait, [`Documents`] ([`documents`]): tables of typed cells
//! ([`tables`]) laid out as workbook sheets with native charts ([`xlsx`])
//! and as board-pack pages with the charts' SVG drawings ([`pdf`]).

mod actuals_template;
mod budget_csv;
pub mod documents;
mod monthly_csv;
pub mod pdf;
mod sensitivity_csv;
mod summary_json;
pub mod tables;
mod trials_parquet;
mod variance_csv;
mod voi_csv;
pub mod xlsx;

use std::borrow::Cow;
use std::io::Write;

pub use actuals_template::actuals_template;
pub use budget_csv::write_budget_csv;
pub use documents::{BOARD_PACK, Documents, WORKBOOK};
pub use monthly_csv::MonthlyCsv;
pub use sensitivity_csv::SensitivityCsv;
pub use summary_json::{SummaryJson, set_templates, summary_value};
pub use trials_parquet::{TRIALS_PARQUET, write_trials_parquet};
pub use variance_csv::VarianceCsv;
pub use voi_csv::write_voi_csv;

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

/// One column of a CSV table: its name and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvColumn<'a> {
    /// The column's name, written in the header row (as text).
    pub name: &'a str,
    /// Its cells, one per row.
    pub cells: CsvCells<'a>,
}

/// The cells of a CSV column, all of one type.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvCells<'a> {
    /// Text (names, labels), made safe by [`csv_text`].
    Text(Vec<&'a str>),
    /// Numbers, each the shortest decimal that reads back as the same
    /// `f64`; empty when absent (or not finite).
    Numbers(Vec<Option<f64>>),
    /// Whole numbers (months, quarters).
    Whole(Vec<u64>),
}

impl CsvCells<'_> {
    fn len(&self) -> usize {
        match self {
            CsvCells::Text(cells) => cells.len(),
            CsvCells::Numbers(cells) => cells.len(),
            CsvCells::Whole(cells) => cells.len(),
        }
    }

    /// Appends the cell of row `row` to `line`.
    fn push(&self, row: usize, line: &mut String) {
        use std::fmt::Write as _;
        let _ = match self {
            CsvCells::Text(cells) => write!(line, "{}", csv_text(cells[row])),
            CsvCells::Numbers(cells) => match cells[row] {
                // `{:?}` is the shortest round-trip decimal, with `.0` on whole numbers.
                Some(x) if x.is_finite() => write!(line, "{x:?}"),
                _ => Ok(()),
            },
            CsvCells::Whole(cells) => write!(line, "{}", cells[row]),
        };
    }
}

/// Writes a table as CSV (RFC 4180, `,` between cells, `\n` after each
/// row): a header row of the columns' names, then one row per cell. Every
/// column must have as many cells as the first.
pub fn write_csv(columns: &[CsvColumn], out: &mut dyn Write) -> Result<(), ExportError> {
    let rows = columns.first().map_or(0, |c| c.cells.len());
    if let Some(uneven) = columns.iter().find(|c| c.cells.len() != rows) {
        return Err(
            format!("column `{}` has {} cells where the first has {rows}", uneven.name, uneven.cells.len()).into()
        );
    }
    let header: Vec<Cow<str>> = columns.iter().map(|c| csv_text(c.name)).collect();
    let mut line = header.join(",");
    line.push('\n');
    out.write_all(line.as_bytes())?;
    for row in 0..rows {
        line.clear();
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            column.cells.push(row, &mut line);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Characters that make a spreadsheet read a cell beginning with them as a
/// formula (OWASP's list for CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as a CSV file holds it safely: a text beginning with one of
/// `=`, `+`, `-`, `@`, a tab or a carriage return, which a spreadsheet would
/// read as a formula, is prefixed with `'` and quoted; any text holding a
/// comma, a quote or a line break is quoted, its quotes doubled; any other
/// is written as it is.
///
/// ```
/// use roicast::export::csv_text;
/// assert_eq!(csv_text("Invoice approval"), "Invoice approval");
/// assert_eq!(csv_text("=HYPERLINK(\"http://x\",\"click\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"");
/// assert_eq!(csv_text("-2+3"), "\"'-2+3\"");
/// assert_eq!(csv_text("Lead, to cash"), "\"Lead, to cash\"");
/// ```
pub fn csv_text(text: &str) -> Cow<'_, str> {
    let formula = text.starts_with(FORMULA_STARTS);
    if !formula && !text.contains([',', '"', '\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let prefix = if formula { "'" } else { "" };
    Cow::Owned(format!("\"{prefix}{}\"", text.replace('"', "\"\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_prefixed_and_quoted() {
        for (text, safe) in [
            ("=1+1", "\"'=1+1\""),
            ("+SUM(A1)", "\"'+SUM(A1)\""),
            ("-2+3", "\"'-2+3\""),
            ("@cmd", "\"'@cmd\""),
            ("\tlead", "\"'\tlead\""),
            ("\rlead", "\"'\rlead\""),
            ("=HYPERLINK(\"http://x\",\"click\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
        ] {
            assert_eq!(csv_text(text), safe, "{text:?}");
        }
        // Only the first character counts; other text is quoted only when CSV needs it.
        assert_eq!(csv_text("a=b-c"), "a=b-c");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_text(""), "");
    }

    #[test]
    fn tables_keep_numbers_as_numbers_and_make_text_and_names_safe() {
        let columns = [
            CsvColumn { name: "set", cells: CsvCells::Text(vec!["-2+3", "plain"]) },
            CsvColumn { name: "month", cells: CsvCells::Whole(vec![1, 12]) },
            CsvColumn { name: "=value", cells: CsvCells::Numbers(vec![Some(-1500.25), None]) },
            CsvColumn { name: "share", cells: CsvCells::Numbers(vec![Some(50000.0), Some(f64::NAN)]) },
        ];
        let mut bytes = Vec::new();
        write_csv(&columns, &mut bytes).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "set,month,\"'=value\",share\n\"'-2+3\",1,-1500.25,50000.0\nplain,12,,\n"
        );
        let uneven = [
            CsvColumn { name: "a", cells: CsvCells::Whole(vec![1]) },
            CsvColumn { name: "b", cells: CsvCells::Whole(vec![]) },
        ];
        assert!(write_csv(&uneven, &mut Vec::new()).unwrap_err().to_string().contains("`b`"));
    }
}
