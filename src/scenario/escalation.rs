//! Escalation rates: how run cost and benefit grow (or shrink) from year to year.
//!
//! `run_cost_escalation` and `benefit_escalation` are annual rates, set for
//! the whole scenario under `[simulation]` and overridable per initiative.
//! The model multiplies month `t`'s run cost by `(1 + e)^((t - 1) / 12)` and
//! its benefit (before ramp, pause and visibility) by `(1 + b)^((t - 1) / 12)`
//! ([`factors`]).
//!
//! A rate is a number (`0.03`) or a percent string (`"3%"`). Its domain is
//! `(-100%, 100%]` a year: above −100% so that the growth factor stays
//! positive (deflation, e.g. a licence price that falls, is allowed), and at
//! most 100% a year, beyond which a rate is surely a percentage written as
//! a plain number (`3` for 3%), and over a 50-year horizon would multiply
//! an amount by more than 10^15.

use toml::{Spanned, Value};

use super::{Context, ScenarioError};
use crate::units::{Written, parse_number_or_percent, percent_hint};

/// Reads an escalation rate written as a number or a percent string; the
/// error names `key` and says what is expected.
pub(super) fn rate(ctx: &Context, value: &Spanned<Value>, key: &str) -> Result<f64, ScenarioError> {
    let fail = |message: String| ctx.error(value.span(), key, message);
    let written = match value.get_ref() {
        Value::Integer(n) => Written::Plain(*n as f64),
        Value::Float(x) => Written::Plain(*x),
        Value::String(text) => parse_number_or_percent(text)
            .map_err(|_| fail(format!("must be an annual rate such as 0.03 or \"3%\", got \"{text}\"")))?,
        other => return Err(fail(format!("must be an annual rate such as 0.03 or \"3%\", got {other}"))),
    };
    let rate = written.value();
    match written {
        _ if !rate.is_finite() => Err(fail(format!("must be a finite annual rate, got {rate}"))),
        Written::Plain(x) if x > 1.0 => {
            Err(fail(format!("must be at most 1 (100% a year), got {x}: {}", percent_hint(x))))
        }
        _ if rate > 1.0 => Err(fail(format!("must be at most 100% a year, got {}%", rate * 100.0))),
        _ if rate <= -1.0 => Err(fail(format!(
            "must be above -1 (-100% a year): a cost or benefit cannot fall by all of itself, got {rate}"
        ))),
        _ => Ok(rate),
    }
}

/// The growth factor of each month `t = 1..=horizon` (at index `t - 1`)
/// under an annual rate: `(1 + rate)^((t - 1) / 12)`; exactly 1 for month 1
/// and for a rate of 0.
pub fn factors(rate: f64, horizon: usize) -> Vec<f64> {
    (0..horizon).map(|t| (1.0 + rate).powf(t as f64 / 12.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_compound_once_a_year_in_monthly_steps() {
        let f = factors(0.12, 25);
        assert_eq!((f[0], f[12]), (1.0, 1.12));
        assert!((f[24] - 1.12 * 1.12).abs() < 1e-15 && (f[6] - 1.12f64.sqrt()).abs() < 1e-15);
        assert!(factors(0.0, 600).iter().all(|&x| x == 1.0));
        assert!(factors(-0.5, 13)[12] == 0.5);
    }
}
