//! The ledger template `roicast actuals-template` writes for an analyst to fill in.
//!
//! One row per month `1..=k`, initiative and item, in that order, with the
//! header and the names the ledger reader expects
//! ([`crate::scenario::Scenario::with_actuals`]): months as `YYYY-MM` with a
//! `[calendar]`, as numbers without; amounts left empty (an empty amount
//! reads as 0). Names are written by [`csv_text`], safe to open in a
//! spreadsheet; the reader takes them back.

use super::csv_text;
use crate::scenario::{LEDGER_COLUMNS, LEDGER_ITEMS, Scenario, month_cell};

/// The ledger template of `scenario` for months `1..=through`.
pub fn actuals_template(scenario: &Scenario, through: u32) -> String {
    let mut out = LEDGER_COLUMNS.join(",");
    out.push('\n');
    for t in 1..=through {
        let month = month_cell(t, scenario.calendar.as_ref());
        for init in &scenario.initiatives {
            let name = csv_text(&init.name);
            for item in LEDGER_ITEMS {
                out.push_str(&format!("{month},{name},{item},\n"));
            }
        }
    }
    out
}
