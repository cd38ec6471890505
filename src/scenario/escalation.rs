//! Escalation rates: how run cost and benefit grow (or shrink) from year to year.
//!
//! `run_cost_escalation` and `benefit_escalation` are annual rates, set for
//! the whole scenario under `[simulation]` and overridable per initiative.
//! The model multiplies month `t`'s run cost by `(1 + e)^((t - 1) / 12)` and
//! its benefit (before ramp, pause and visibility) by `(1 + b)^((t - 1) / 12)`
//! ([`factors`]).
//!
//! A rate is a number (`0.03`) or a percent string (`"3%"`), read like every
//! rate ([`crate::units::check_fraction`], [`RANGE`]). Its domain is
//! `(-100%, 100%]` a year: above −100% so that the growth factor stays
//! positive (deflation, e.g. a licence price that falls, is allowed), and at
//! most 100% a year, since over a 50-year horizon a larger one would
//! multiply an amount by more than 10^15; a plain `3` (meant as 3%) gets the
//! hint `did you mean 0.03 or "3%"?`.

use toml::{Spanned, Value};

use super::{Context, ScenarioError, fraction};
use crate::units::FractionRange;

/// The rates an escalation may take: above -100% a year, at most 100%.
pub const RANGE: FractionRange = FractionRange::AnnualChange { max: 1.0 };

/// Reads an escalation rate written as a number or a percent string; the
/// error names `key` and says what is expected.
pub(super) fn rate(ctx: &Context, value: &Spanned<Value>, key: &str) -> Result<f64, ScenarioError> {
    fraction(ctx, value, key, RANGE)
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
