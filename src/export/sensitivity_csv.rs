//! `sensitivity.csv`: which uncertain inputs drive the NPV of the portfolio,
//! `it` and `bpa` sets.
//!
//! Columns: `set,input,initiative,kind,rank_correlation,variance_share,swing`,
//! one row per set and uncertain input that can move it
//! ([`crate::sensitivity::can_move`]), each set's rows most important first
//! (by |rank correlation|). `input` is the name correlations use
//! (`"Invoice approval.build_cost"`); `variance_share` is empty when a set's
//! NPV does not vary. See [`crate::sensitivity`] for the definitions.

use std::io::Write;

use super::{CsvCells, CsvColumn, Export, ExportError, write_csv};
use crate::report::Report;

/// Writes `sensitivity.csv`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SensitivityCsv;

impl Export for SensitivityCsv {
    fn file_name(&self) -> &'static str {
        "sensitivity.csv"
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = report.scenario;
        let rows = report.sensitivity.sets.iter().flat_map(|s| s.drivers.iter().map(move |d| (s.set.as_str(), d)));
        let (mut set, mut input, mut initiative, mut kind) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut rho, mut share, mut swing) = (Vec::new(), Vec::new(), Vec::new());
        for (name, d) in rows {
            set.push(name);
            input.push(d.name.as_str());
            initiative.push(scenario.initiatives[d.initiative].name.as_str());
            kind.push(d.kind.as_str());
            rho.push(Some(d.rank_correlation));
            share.push(d.variance_share);
            swing.push(Some(d.swing));
        }
        let columns = [
            CsvColumn { name: "set", cells: CsvCells::Text(set) },
            CsvColumn { name: "input", cells: CsvCells::Text(input) },
            CsvColumn { name: "initiative", cells: CsvCells::Text(initiative) },
            CsvColumn { name: "kind", cells: CsvCells::Text(kind) },
            CsvColumn { name: "rank_correlation", cells: CsvCells::Numbers(rho) },
            CsvColumn { name: "variance_share", cells: CsvCells::Numbers(share) },
            CsvColumn { name: "swing", cells: CsvCells::Numbers(swing) },
        ];
        write_csv(&columns, out)
    }
}
