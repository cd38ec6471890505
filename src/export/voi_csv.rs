//! `voi.csv`: what learning more before funding each initiative is worth.
//!
//! Columns: `initiative,input,evppi,evpi`. Per initiative, first its EVPI
//! row (`input` and `evppi` empty), then one row per relevant uncertain
//! input, largest EVPPI first; `evpi` repeats the initiative's EVPI on each
//! row, so a share is one division away. `input` is the name correlations
//! use (`"Invoice approval.benefit_per_month"`). See [`crate::voi`] for the
//! definitions; the standard errors are in `voi.json`.

use std::io::Write;

use polars::prelude::*;

use super::ExportError;
use crate::voi::ValueOfInformation;

/// Writes `voi.csv`.
pub fn write_voi_csv(voi: &ValueOfInformation, out: &mut dyn Write) -> Result<(), ExportError> {
    let (mut initiative, mut input, mut evppi, mut evpi) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for v in &voi.initiatives {
        initiative.push(v.name.as_str());
        input.push(None);
        evppi.push(None);
        evpi.push(v.evpi.value);
        for i in &v.inputs {
            initiative.push(v.name.as_str());
            input.push(Some(i.name.as_str()));
            evppi.push(Some(i.evppi.value));
            evpi.push(v.evpi.value);
        }
    }
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("initiative".into(), initiative),
        Column::new("input".into(), input),
        Column::new("evppi".into(), evppi),
        Column::new("evpi".into(), evpi),
    ])?;
    CsvWriter::new(out).include_header(true).finish(&mut frame)?;
    Ok(())
}
