//! The scenario file exactly as TOML spells it, with the position of every value.
//!
//! These types only mirror the file: `deny_unknown_fields` everywhere, so a
//! typo is an error and never silently a default. Distributions stay as raw
//! TOML values here; `super::distribution` reads them with better messages
//! than an untagged serde enum could give.

use serde::Deserialize;
use toml::{Spanned, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub currency: Option<Spanned<String>>,
    pub simulation: Spanned<RawSimulation>,
    pub conflation: Option<RawConflation>,
    pub calendar: Option<Spanned<RawCalendar>>,
    pub actuals: Option<Spanned<RawActuals>>,
    #[serde(default)]
    pub initiatives: Vec<Spanned<RawInitiative>>,
    #[serde(default)]
    pub correlations: Vec<Spanned<RawCorrelation>>,
    #[serde(default)]
    pub alternatives: Vec<Spanned<RawAlternatives>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSimulation {
    pub trials: Option<Spanned<i64>>,
    pub horizon_months: Spanned<i64>,
    pub seed: Option<Spanned<i64>>,
    /// A number or a percentage string (`"9%"`).
    pub discount_rate: Spanned<Value>,
    pub sampling: Option<Spanned<String>>,
    /// An annual rate: a number or a percent string (`"3%"`).
    pub run_cost_escalation: Option<Spanned<Value>>,
    /// An annual rate: a number or a percent string (`"3%"`).
    pub benefit_escalation: Option<Spanned<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConflation {
    pub benefit_multiplier: Option<Spanned<f64>>,
    pub risk_rate_multiplier: Option<Spanned<f64>>,
    /// A number or a percentage string (`"10%"`).
    pub extra_abandon_probability: Option<Spanned<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalendar {
    pub start: Spanned<String>,
    /// A month name (`"April"`) or number (`4`).
    pub fiscal_year_start: Option<Spanned<Value>>,
}

/// The `[actuals]` table: months are a number or, with a calendar, `"YYYY-MM"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawActuals {
    pub through: Spanned<Value>,
    pub file: Spanned<String>,
    /// Initiative name to its status, as written.
    #[serde(default)]
    pub status: std::collections::BTreeMap<Spanned<String>, Spanned<RawStatus>>,
}

/// One initiative's state at the end of the last actual month.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStatus {
    pub live_from: Option<Spanned<Value>>,
    pub built_in: Option<Spanned<Value>>,
    pub abandoned_in: Option<Spanned<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInitiative {
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    pub owner: Option<Spanned<String>>,
    pub start_month: Option<Spanned<i64>>,
    pub build_cost: Spanned<Value>,
    pub build_months: Spanned<Value>,
    pub run_cost_per_month: Option<Spanned<Value>>,
    pub benefit_per_month: Spanned<Value>,
    pub ramp_months: Option<Spanned<Value>>,
    pub pnl_visibility: Option<Spanned<Value>>,
    pub run_cost_escalation: Option<Spanned<Value>>,
    pub benefit_escalation: Option<Spanned<Value>>,
    #[serde(default)]
    pub depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    pub risks: Vec<Spanned<RawRisk>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRisk {
    pub name: Spanned<String>,
    pub events_per_year: Spanned<Value>,
    pub cost_per_event: Spanned<Value>,
    pub benefit_pause_months: Option<Spanned<i64>>,
    pub abandon_probability: Option<Spanned<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCorrelation {
    pub between: Spanned<Vec<Spanned<String>>>,
    pub rank_correlation: Spanned<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlternatives {
    pub name: Option<Spanned<String>>,
    pub members: Spanned<Vec<Spanned<String>>>,
}
