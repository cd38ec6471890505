//! `monthly.csv`: per set and month, the distribution of the cumulative net
//! cash flow and the mean benefit.
//!
//! Columns: `set,month,date,mean,p5,p25,p50,p75,p95,benefit_mean,visible_benefit_mean`;
//! `date` is the month as `YYYY-MM` with a `[calendar]`, empty without one
//! (as in `variance.csv`), so the columns never depend on the scenario.
//! Percentiles come from the run's bounded-memory monthly histograms (error
//! within one bin width, see [`crate::sketch::RangeHistogram`]).

use std::io::Write;

use super::{CsvCells, CsvColumn, Export, ExportError, write_csv};
use crate::report::Report;
use crate::stats::monthly_rows;

/// Writes `monthly.csv`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonthlyCsv;

impl Export for MonthlyCsv {
    fn file_name(&self) -> &'static str {
        "monthly.csv"
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
        let mut set = Vec::new();
        let mut month = Vec::new();
        let mut date = Vec::new();
        let calendar = report.scenario.calendar;
        let mut values: [Vec<Option<f64>>; 8] = Default::default();
        for (s, spec) in report.results.sets.iter().enumerate() {
            for row in monthly_rows(report.results, s) {
                set.push(spec.spec.name.as_str());
                month.push(u64::from(row.month));
                date.push(calendar.map_or_else(String::new, |c| c.date(row.month).to_string()));
                let fields =
                    [row.mean, row.p5, row.p25, row.p50, row.p75, row.p95, row.benefit_mean, row.visible_benefit_mean];
                for (column, v) in values.iter_mut().zip(fields) {
                    column.push(Some(v));
                }
            }
        }
        let names = ["mean", "p5", "p25", "p50", "p75", "p95", "benefit_mean", "visible_benefit_mean"];
        let mut columns = vec![
            CsvColumn { name: "set", cells: CsvCells::Text(set) },
            CsvColumn { name: "month", cells: CsvCells::Whole(month) },
            CsvColumn { name: "date", cells: CsvCells::Text(date.iter().map(String::as_str).collect()) },
        ];
        columns.extend(names.iter().zip(values).map(|(name, v)| CsvColumn { name, cells: CsvCells::Numbers(v) }));
        write_csv(&columns, out)
    }
}
