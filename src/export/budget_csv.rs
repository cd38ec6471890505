//! `budget.csv`: the budget table of the portfolio `roicast plan` chose.
//!
//! One row per quarter of the horizon (fiscal quarters with a `[calendar]`;
//! the first and last may be shorter), then one row per budget window with
//! its total. Columns:
//! `period,first_month,last_month,spend_mean,spend_p50,spend_p90,visible_benefit_mean,risk_loss_mean,budget,spend_quantile,prob_within_budget`;
//! the last three are filled on the windows' rows only (`spend_quantile` is
//! the quantile at the plan's confidence the budget is judged on). Spend is
//! build plus run cost; risk losses are shown beside it, not in it (see
//! [`crate::plan`]).

use std::io::Write;

use polars::prelude::*;

use super::ExportError;
use crate::plan::{BudgetCheck, BudgetRow};

/// Writes a budget table, its quarters then its windows, as CSV.
pub fn write_budget_csv(quarters: &[BudgetRow], windows: &[BudgetRow], out: &mut dyn Write) -> Result<(), ExportError> {
    let rows: Vec<&BudgetRow> = quarters.iter().chain(windows).collect();
    let whole = |f: fn(&BudgetRow) -> u32| rows.iter().map(|&r| f(r)).collect::<Vec<u32>>();
    let money = |f: fn(&BudgetRow) -> f64| rows.iter().map(|&r| f(r)).collect::<Vec<f64>>();
    let check =
        |f: fn(&BudgetCheck) -> f64| rows.iter().map(|r| r.budget.as_ref().map(f)).collect::<Vec<Option<f64>>>();
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("period".into(), rows.iter().map(|r| r.period.as_str()).collect::<Vec<&str>>()),
        Column::new("first_month".into(), whole(|r| r.first_month)),
        Column::new("last_month".into(), whole(|r| r.last_month)),
        Column::new("spend_mean".into(), money(|r| r.spend_mean)),
        Column::new("spend_p50".into(), money(|r| r.spend_p50)),
        Column::new("spend_p90".into(), money(|r| r.spend_p90)),
        Column::new("visible_benefit_mean".into(), money(|r| r.visible_benefit_mean)),
        Column::new("risk_loss_mean".into(), money(|r| r.risk_loss_mean)),
        Column::new("budget".into(), check(|c| c.amount)),
        Column::new("spend_quantile".into(), check(|c| c.spend_quantile)),
        Column::new("prob_within_budget".into(), check(|c| c.prob_within_budget)),
    ])?;
    CsvWriter::new(out).include_header(true).finish(&mut frame)?;
    Ok(())
}
