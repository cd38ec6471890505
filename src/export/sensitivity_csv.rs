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

use polars::prelude::*;

use super::{Export, ExportError};
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
            rho.push(d.rank_correlation);
            share.push(d.variance_share);
            swing.push(d.swing);
        }
        let mut frame = DataFrame::new_infer_height(vec![
            Column::new("set".into(), set),
            Column::new("input".into(), input),
            Column::new("initiative".into(), initiative),
            Column::new("kind".into(), kind),
            Column::new("rank_correlation".into(), rho),
            Column::new("variance_share".into(), share),
            Column::new("swing".into(), swing),
        ])?;
        CsvWriter::new(out).include_header(true).finish(&mut frame)?;
        Ok(())
    }
}
