//! `trials.parquet`: one row per trial, built and written with polars.
//!
//! Columns: `trial`; for `portfolio`, `it` and `bpa`: `<set>.npv`, `.roi`,
//! `.visible_roi`, `.payback_month`, `.discounted_payback_month`, `.loss`,
//! `.events`, `.abandoned`; `<initiative>.npv` for each initiative; then
//! every input drawn once per trial under the name correlations use
//! (`"Invoice approval.build_cost"`). ROIs and inputs are in single
//! precision, as the run keeps them. Undefined ROI and a payback that never
//! came are null. The file is written in row groups of 16,384 trials,
//! Snappy-compressed, with null counts but no min/max statistics.
//!
//! It reads the trials alone, none of the report's statistics, so it is not
//! an [`super::Export`] of a finished report: `roicast run` writes it on one
//! thread while the statistics are computed on the others.

use std::io::Write;
use std::ops::Range;

use polars::prelude::*;

use super::ExportError;
use crate::engine::{RunResults, SetResults};
use crate::model::NEVER;

/// Name of the per-trial table in the output folder.
pub const TRIALS_PARQUET: &str = "trials.parquet";

fn optional(values: &[f32]) -> Vec<Option<f32>> {
    values.iter().map(|&x| x.is_finite().then_some(x)).collect()
}

fn months(values: &[u16]) -> Vec<Option<u32>> {
    values.iter().map(|&m| (m != NEVER).then_some(u32::from(m))).collect()
}

/// Rows per row group: each group is built and written on its own, so
/// writing never holds a second copy of every trial.
const ROWS_PER_GROUP: usize = 16_384;

fn set_columns(set: &SetResults, rows: Range<usize>) -> Vec<Column> {
    let name = |field: &str| PlSmallStr::from(format!("{}.{field}", set.spec.name));
    vec![
        Column::new(name("npv"), &set.npv[rows.clone()]),
        Column::new(name("roi"), optional(&set.roi[rows.clone()])),
        Column::new(name("visible_roi"), optional(&set.visible_roi[rows.clone()])),
        Column::new(name("payback_month"), months(&set.payback[rows.clone()])),
        Column::new(name("discounted_payback_month"), months(&set.discounted_payback[rows.clone()])),
        Column::new(name("loss"), &set.loss[rows.clone()]),
        Column::new(name("events"), &set.events[rows.clone()]),
        Column::new(name("abandoned"), &set.abandoned[rows]),
    ]
}

/// Trials `rows` of the per-trial table as a polars frame.
fn trials_frame(results: &RunResults, rows: Range<usize>) -> PolarsResult<DataFrame> {
    let mut columns = vec![Column::new("trial".into(), (rows.start as u64..rows.end as u64).collect::<Vec<u64>>())];
    for set in results.sets.iter().take(3) {
        columns.extend(set_columns(set, rows.clone()));
    }
    for set in results.sets.iter().skip(3) {
        columns.push(Column::new(format!("{}.npv", set.spec.name).into(), &set.npv[rows.clone()]));
    }
    for input in &results.inputs {
        columns.push(Column::new(input.name.as_str().into(), &input.values[rows.clone()]));
    }
    DataFrame::new_infer_height(columns)
}

/// Writes the trials of a run as [`TRIALS_PARQUET`].
pub fn write_trials_parquet(results: &RunResults, out: &mut dyn Write) -> Result<(), ExportError> {
    let trials = results.trials as usize;
    let first = trials_frame(results, 0..trials.min(ROWS_PER_GROUP))?;
    // Snappy: random draws hardly compress, and it writes twice as fast as
    // zstd. Null counts but no min/max statistics: they would let a reader
    // skip row groups by value, which random trials never allow, and took a
    // quarter of the writing time.
    let statistics =
        StatisticsOptions { min_value: false, max_value: false, null_count: true, ..StatisticsOptions::empty() };
    let mut writer = ParquetWriter::new(out)
        .with_compression(ParquetCompression::Snappy)
        .with_statistics(statistics)
        .batched(first.schema())?;
    writer.write_batch(&first)?;
    for start in (ROWS_PER_GROUP..trials).step_by(ROWS_PER_GROUP) {
        writer.write_batch(&trials_frame(results, start..(start + ROWS_PER_GROUP).min(trials))?)?;
    }
    writer.finish()?;
    Ok(())
}
