//! `voi.csv`: what learning more before funding each initiative is worth.
//!
//! Columns: `initiative,input,evppi,evpi`. Per initiative, first its EVPI
//! row (`input` and `evppi` empty), then one row per relevant uncertain
//! input, largest EVPPI first; `evpi` repeats the initiative's EVPI on each
//! row, so a share is one division away. `input` is the name correlations
//! use (`"Invoice approval.benefit_per_month"`). See [`crate::voi`] for the
//! definitions; the standard errors are in `voi.json`.

use std::io::Write;

use super::{CsvCells, CsvColumn, ExportError, write_csv};
use crate::voi::ValueOfInformation;

/// Writes `voi.csv`.
pub fn write_voi_csv(voi: &ValueOfInformation, out: &mut dyn Write) -> Result<(), ExportError> {
    let (mut initiative, mut input, mut evppi, mut evpi) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for v in &voi.initiatives {
        initiative.push(v.name.as_str());
        input.push("");
        evppi.push(None);
        evpi.push(Some(v.evpi.value));
        for i in &v.inputs {
            initiative.push(v.name.as_str());
            input.push(i.name.as_str());
            evppi.push(Some(i.evppi.value));
            evpi.push(Some(v.evpi.value));
        }
    }
    let columns = [
        CsvColumn { name: "initiative", cells: CsvCells::Text(initiative) },
        CsvColumn { name: "input", cells: CsvCells::Text(input) },
        CsvColumn { name: "evppi", cells: CsvCells::Numbers(evppi) },
        CsvColumn { name: "evpi", cells: CsvCells::Numbers(evpi) },
    ];
    write_csv(&columns, out)
}
