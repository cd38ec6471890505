//! `trials.parquet`: one row per trial, built and written with polars.
//!
//! Columns: `trial`; for `portfolio`, `it` and `bpa`: `<set>.npv`, `.roi`,
//! `.visible_roi`, `.payback_month`, `.discounted_payback_month`, `.loss`,
//! `.events`, `.abandoned`; `<initiative>.npv` for each initiative; then
//! every input drawn once per trial under the name correlations use
//! (`"Invoice approval.build_cost"`). ROIs and inputs are in single
//! precision, as the run keeps them. Undefined ROI, a payback that never
//! came and the paybacks of a set with no cash flow are null. The file is written in row groups of 16,384 trials,
//! Snappy-compressed, with null counts but no min/max statistics.
//!
//! It reads the trials alone, none of the report's statistics, so it is not
//! an [`super::Export`] of a finished report: `roicast run` writes it on one
//! thread while the statistics are computed on the others.

use std::io::Write;
use std::ops::Range;

use polars::prelude::*;
use polars_parquet::write::{
    Encoding, FileWriter, Version, WriteOptions, get_dtype_encoding, row_group_iter, to_parquet_schema,
};

use super::ExportError;
use crate::engine::{RunResults, SetResults};
use crate::model::{NEVER, NO_CASH_FLOW};

/// Name of the per-trial table in the output folder.
pub const TRIALS_PARQUET: &str = "trials.parquet";

fn optional(values: &[f32]) -> Vec<Option<f32>> {
    values.iter().map(|&x| x.is_finite().then_some(x)).collect()
}

fn months(values: &[u16]) -> Vec<Option<u32>> {
    values.iter().map(|&m| (m != NEVER && m != NO_CASH_FLOW).then_some(u32::from(m))).collect()
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

/// How each column is encoded: plain for floats, whose random draws never
/// repeat enough for a dictionary (polars' own writer would hash every
/// value of every row group to find that out, 2–3% of a large run's CPU),
/// and polars' choice for the rest (small integers make good dictionaries,
/// and it picks them without hashing).
fn encodings(schema: &ArrowSchema) -> Vec<Vec<Encoding>> {
    schema
        .iter_values()
        .map(|field| match field.dtype {
            ArrowDataType::Float32 | ArrowDataType::Float64 => vec![Encoding::Plain],
            ref dtype => get_dtype_encoding(dtype),
        })
        .collect()
}

/// Writes the trials of a run as [`TRIALS_PARQUET`].
pub fn write_trials_parquet(results: &RunResults, out: &mut dyn Write) -> Result<(), ExportError> {
    let trials = results.trials as usize;
    let first = trials_frame(results, 0..trials.min(ROWS_PER_GROUP))?;
    let schema = first.schema().to_arrow(CompatLevel::newest());
    let (fields, encodings) = (to_parquet_schema(&schema)?.fields().to_vec(), encodings(&schema));
    // Snappy: random draws hardly compress, and it writes twice as fast as
    // zstd. Null counts but no min/max statistics: they would let a reader
    // skip row groups by value, which random trials never allow, and took a
    // quarter of the writing time.
    let options = WriteOptions {
        statistics: StatisticsOptions {
            min_value: false,
            max_value: false,
            null_count: true,
            ..StatisticsOptions::empty()
        },
        compression: ParquetCompression::Snappy.into(),
        version: Version::V1,
        data_page_size: None,
    };
    let mut writer = FileWriter::try_new(out, schema, options)?;
    let mut write = |frame: &DataFrame| -> PolarsResult<()> {
        // A frame of slices is one chunk: one record batch, one row group.
        for batch in frame.iter_chunks(CompatLevel::newest(), false) {
            let rows = batch.len() as u64;
            writer.write(rows, row_group_iter(batch, encodings.clone().into(), fields.clone(), options))?;
        }
        Ok(())
    };
    write(&first)?;
    for start in (ROWS_PER_GROUP..trials).step_by(ROWS_PER_GROUP) {
        write(&trials_frame(results, start..(start + ROWS_PER_GROUP).min(trials))?)?;
    }
    // The footer, with the arrow schema in its metadata, as polars writes it.
    writer.end(None)?;
    Ok(())
}
