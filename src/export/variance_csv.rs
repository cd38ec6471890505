//! `variance.csv`: in a run with actuals, each set's actual months against the plan.
//!
//! Columns: `set,month,date,actual_cum,plan_p10,plan_p50,plan_p90,percentile`,
//! one row per set and actual month `1..=k`. `date` is the month's
//! `YYYY-MM` with a `[calendar]`, empty without; `actual_cum` is the actual
//! cumulative net cash flow, the plan columns the plan's percentiles of it
//! (the same scenario without actuals, same seed and trials) and
//! `percentile` the share of plan trials at or below the actual, in `[0, 1]`
//! ([`crate::reforecast`]). Text cells go through [`text_cell`], the one
//! place that quotes them.

use std::borrow::Cow;
use std::io::Write;

use super::{Export, ExportError};
use crate::report::Report;

/// Writes `variance.csv` (only for a run with actuals).
#[derive(Debug, Clone, Copy, Default)]
pub struct VarianceCsv;

/// A text cell of a CSV file: quoted (with inner quotes doubled) when it
/// holds a comma, a quote or a line break, as RFC 4180 asks.
pub(super) fn text_cell(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

impl Export for VarianceCsv {
    fn file_name(&self) -> &'static str {
        "variance.csv"
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
        writeln!(out, "set,month,date,actual_cum,plan_p10,plan_p50,plan_p90,percentile")?;
        let Some(reforecast) = &report.reforecast else { return Ok(()) };
        let calendar = report.scenario.calendar;
        for set in &reforecast.sets {
            for row in &set.variance {
                let date = calendar.map_or_else(String::new, |c| c.date(row.month).to_string());
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    text_cell(&set.name),
                    row.month,
                    text_cell(&date),
                    row.actual_cumulative,
                    row.plan_p10,
                    row.plan_p50,
                    row.plan_p90,
                    row.percentile
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_are_quoted_only_when_they_must_be() {
        assert_eq!(text_cell("Invoice approval"), "Invoice approval");
        assert_eq!(text_cell("Billing, EMEA"), "\"Billing, EMEA\"");
        assert_eq!(text_cell("The \"big\" one"), "\"The \"\"big\"\" one\"");
    }
}
