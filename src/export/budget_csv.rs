//! `budget.csv`: the budget table of the portfolio `roicast plan` chose.
//!
//! One row per quarter of the horizon (the last may be shorter). Columns:
//! `quarter,first_month,last_month,spend_mean,spend_p50,spend_p90,visible_benefit_mean,risk_loss_mean`.
//! Spend is build plus run cost; risk losses are shown beside it, not in it
//! (see [`crate::plan`]).

use std::io::Write;

use polars::prelude::*;

use super::ExportError;
use crate::plan::QuarterRow;

/// Writes a budget table as CSV.
pub fn write_budget_csv(rows: &[QuarterRow], out: &mut dyn Write) -> Result<(), ExportError> {
    let whole = |f: fn(&QuarterRow) -> u32| rows.iter().map(f).collect::<Vec<u32>>();
    let money = |f: fn(&QuarterRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("quarter".into(), whole(|r| r.quarter)),
        Column::new("first_month".into(), whole(|r| r.first_month)),
        Column::new("last_month".into(), whole(|r| r.last_month)),
        Column::new("spend_mean".into(), money(|r| r.spend_mean)),
        Column::new("spend_p50".into(), money(|r| r.spend_p50)),
        Column::new("spend_p90".into(), money(|r| r.spend_p90)),
        Column::new("visible_benefit_mean".into(), money(|r| r.visible_benefit_mean)),
        Column::new("risk_loss_mean".into(), money(|r| r.risk_loss_mean)),
    ])?;
    CsvWriter::new(out).include_header(true).finish(&mut frame)?;
    Ok(())
}
