//! `trials.parquet`: one row per trial, built and written with polars.
//!
//! Columns: `trial`; for `portfolio`, `it` and `bpa`: `<set>.npv`, `.roi`,
//! `.visible_roi`, `.payback_month`, `.discounted_payback_month`, `.loss`,
//! `.events`, `.abandoned`; `<initiative>.npv` for each initiative; then
//! every input drawn once per trial under the name correlations use
//! (`"Invoice approval.build_cost"`). Undefined ROI and a payback that never
//! came are null.

use std::io::Write;

use polars::prelude::*;

use super::{Export, ExportError};
use crate::engine::SetResults;
use crate::model::NEVER;
use crate::report::Report;

/// Writes `trials.parquet`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrialsParquet;

fn optional(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|&x| x.is_finite().then_some(x)).collect()
}

fn months(values: &[u16]) -> Vec<Option<u32>> {
    values.iter().map(|&m| (m != NEVER).then_some(u32::from(m))).collect()
}

fn set_columns(set: &SetResults) -> Vec<Column> {
    let name = |field: &str| PlSmallStr::from(format!("{}.{field}", set.spec.name));
    vec![
        Column::new(name("npv"), &set.npv),
        Column::new(name("roi"), optional(&set.roi)),
        Column::new(name("visible_roi"), optional(&set.visible_roi)),
        Column::new(name("payback_month"), months(&set.payback)),
        Column::new(name("discounted_payback_month"), months(&set.discounted_payback)),
        Column::new(name("loss"), &set.loss),
        Column::new(name("events"), &set.events),
        Column::new(name("abandoned"), &set.abandoned),
    ]
}

/// The per-trial table as a polars frame.
pub fn trials_frame(report: &Report) -> PolarsResult<DataFrame> {
    let results = report.results;
    let mut columns = vec![Column::new("trial".into(), (0..results.trials).collect::<Vec<u64>>())];
    for set in results.sets.iter().take(3) {
        columns.extend(set_columns(set));
    }
    for set in results.sets.iter().skip(3) {
        columns.push(Column::new(format!("{}.npv", set.spec.name).into(), &set.npv));
    }
    for input in &results.inputs {
        columns.push(Column::new(input.name.as_str().into(), &input.values));
    }
    DataFrame::new_infer_height(columns)
}

impl Export for TrialsParquet {
    fn file_name(&self) -> &'static str {
        "trials.parquet"
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
        let mut frame = trials_frame(report)?;
        ParquetWriter::new(out).finish(&mut frame)?;
        Ok(())
    }
}
