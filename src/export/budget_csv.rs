//! `budget.csv`: the budget table of the portfolio `roicast plan` chose.
//!
//! One row per quarter of the horizon (the last may be shorter). Columns:
//! `quarter,first_month,last_month,spend_mean,spend_p50,spend_p90,visible_benefit_mean,risk_loss_mean`.
//! Spend is build plus run cost; risk losses are shown beside it, not in it
//! (see [`crate::plan`]).

use std::io::Write;

use super::{CsvCells, CsvColumn, ExportError, write_csv};
use crate::plan::QuarterRow;

/// Writes a budget table as CSV.
pub fn write_budget_csv(rows: &[QuarterRow], out: &mut dyn Write) -> Result<(), ExportError> {
    let whole = |f: fn(&QuarterRow) -> u32| CsvCells::Whole(rows.iter().map(|r| u64::from(f(r))).collect());
    let money = |f: fn(&QuarterRow) -> f64| CsvCells::Numbers(rows.iter().map(|r| Some(f(r))).collect());
    let columns = [
        CsvColumn { name: "quarter", cells: whole(|r| r.quarter) },
        CsvColumn { name: "first_month", cells: whole(|r| r.first_month) },
        CsvColumn { name: "last_month", cells: whole(|r| r.last_month) },
        CsvColumn { name: "spend_mean", cells: money(|r| r.spend_mean) },
        CsvColumn { name: "spend_p50", cells: money(|r| r.spend_p50) },
        CsvColumn { name: "spend_p90", cells: money(|r| r.spend_p90) },
        CsvColumn { name: "visible_benefit_mean", cells: money(|r| r.visible_benefit_mean) },
        CsvColumn { name: "risk_loss_mean", cells: money(|r| r.risk_loss_mean) },
    ];
    write_csv(&columns, out)
}
