//! `budget.csv`: the budget table of the portfolio `roicast plan` chose.
//!
//! One row per quarter of the horizon (fiscal quarters with a `[calendar]`;
//! the first and last may be shorter), then one row per year with its total
//! (fiscal years `FY2028` with a calendar, else `Year 1`, `Year 2`, …), then
//! one row per budget window with its total; `kind` says which (`quarter`,
//! `year`, `window`: a fiscal year and a budget window may share a name).
//! Columns:
//! `kind,period,first_month,last_month,spend_mean,spend_p50,spend_p90,visible_benefit_mean,risk_loss_mean,budget,spend_quantile,prob_within_budget`;
//! the last three are filled on the windows' rows only (`spend_quantile` is
//! the quantile at the plan's confidence the budget is judged on). Spend is
//! build plus run cost; risk losses are shown beside it, not in it (see
//! [`crate::plan`]).

use std::io::Write;

use super::{CsvCells, CsvColumn, ExportError, write_csv};
use crate::plan::{BudgetCheck, BudgetRow};

/// Writes a budget table, its quarters, years then windows, as CSV.
pub fn write_budget_csv(
    quarters: &[BudgetRow],
    years: &[BudgetRow],
    windows: &[BudgetRow],
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let rows: Vec<&BudgetRow> = quarters.iter().chain(years).chain(windows).collect();
    let kinds = [("quarter", quarters.len()), ("year", years.len()), ("window", windows.len())];
    let kind: Vec<&str> = kinds.iter().flat_map(|&(kind, n)| std::iter::repeat_n(kind, n)).collect();
    let whole = |f: fn(&BudgetRow) -> u32| CsvCells::Whole(rows.iter().map(|&r| u64::from(f(r))).collect());
    let money = |f: fn(&BudgetRow) -> f64| CsvCells::Numbers(rows.iter().map(|&r| Some(f(r))).collect());
    let check = |f: fn(&BudgetCheck) -> f64| CsvCells::Numbers(rows.iter().map(|r| r.budget.as_ref().map(f)).collect());
    let columns = [
        CsvColumn { name: "kind", cells: CsvCells::Text(kind) },
        CsvColumn { name: "period", cells: CsvCells::Text(rows.iter().map(|r| r.period.as_str()).collect()) },
        CsvColumn { name: "first_month", cells: whole(|r| r.first_month) },
        CsvColumn { name: "last_month", cells: whole(|r| r.last_month) },
        CsvColumn { name: "spend_mean", cells: money(|r| r.spend_mean) },
        CsvColumn { name: "spend_p50", cells: money(|r| r.spend_p50) },
        CsvColumn { name: "spend_p90", cells: money(|r| r.spend_p90) },
        CsvColumn { name: "visible_benefit_mean", cells: money(|r| r.visible_benefit_mean) },
        CsvColumn { name: "risk_loss_mean", cells: money(|r| r.risk_loss_mean) },
        CsvColumn { name: "budget", cells: check(|c| c.amount) },
        CsvColumn { name: "spend_quantile", cells: check(|c| c.spend_quantile) },
        CsvColumn { name: "prob_within_budget", cells: check(|c| c.prob_within_budget) },
    ];
    write_csv(&columns, out)
}
