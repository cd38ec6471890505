//! `variance.csv`: in a run with actuals, each set's actual months against the plan.
//!
//! Columns: `set,month,date,actual_cum,plan_p10,plan_p50,plan_p90,percentile`,
//! one row per set and actual month `1..=k`. `date` is the month's
//! `YYYY-MM` with a `[calendar]`, empty without; `actual_cum` is the actual
//! cumulative net cash flow, the plan columns the plan's percentiles of it
//! (the same scenario without actuals, same seed and trials) and
//! `percentile` the share of plan trials at or below the actual, in `[0, 1]`
//! ([`crate::reforecast`]). Written by [`write_csv`], so names are safe to
//! open in a spreadsheet.

use std::io::Write;

use super::{CsvCells, CsvColumn, Export, ExportError, write_csv};
use crate::report::Report;

/// Writes `variance.csv` (only for a run with actuals).
#[derive(Debug, Clone, Copy, Default)]
pub struct VarianceCsv;

impl Export for VarianceCsv {
    fn file_name(&self) -> &'static str {
        "variance.csv"
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
        let sets = report.reforecast.as_ref().map_or(&[][..], |r| &r.sets[..]);
        let rows: Vec<_> = sets.iter().flat_map(|set| set.variance.iter().map(move |row| (set, row))).collect();
        let calendar = report.scenario.calendar;
        let dates: Vec<String> =
            rows.iter().map(|(_, row)| calendar.map_or_else(String::new, |c| c.date(row.month).to_string())).collect();
        let number = |f: fn(&crate::reforecast::VarianceRow) -> f64| {
            CsvCells::Numbers(rows.iter().map(|(_, row)| Some(f(row))).collect())
        };
        let columns = [
            CsvColumn { name: "set", cells: CsvCells::Text(rows.iter().map(|(set, _)| set.name.as_str()).collect()) },
            CsvColumn {
                name: "month",
                cells: CsvCells::Whole(rows.iter().map(|(_, row)| u64::from(row.month)).collect()),
            },
            CsvColumn { name: "date", cells: CsvCells::Text(dates.iter().map(String::as_str).collect()) },
            CsvColumn { name: "actual_cum", cells: number(|row| row.actual_cumulative) },
            CsvColumn { name: "plan_p10", cells: number(|row| row.plan_p10) },
            CsvColumn { name: "plan_p50", cells: number(|row| row.plan_p50) },
            CsvColumn { name: "plan_p90", cells: number(|row| row.plan_p90) },
            CsvColumn { name: "percentile", cells: number(|row| row.percentile) },
        ];
        write_csv(&columns, out)
    }
}
