//! Scenario files: parse, validate, and describe a portfolio of initiatives.
//!
//! Parsing happens in two steps. `raw` mirrors the TOML with serde and keeps
//! the byte span of every value; this module then checks each value against
//! the rules of the model (domains, references, cycles, correlation
//! consistency) and builds a [`Scenario`] whose invariants the rest of the
//! crate relies on. Every error is a [`ScenarioError`] naming the file, line,
//! column and key, so an analyst can go straight to the mistake.
//!
//! Every input drawn once per trial becomes an [`Input`] in
//! [`Scenario::inputs`], named as correlations name it
//! (`"Initiative.build_cost"`, `"Initiative.Risk.events_per_year"`); the
//! initiatives refer to their inputs by index into that list.
//!
//! ```
//! let text = r#"
//! [simulation]
//! horizon_months = 12
//! discount_rate = 0.1
//! [[initiatives]]
//! name = "Backups"
//! kind = "it"
//! build_cost = { pert = [1000, 2000, 4000] }
//! build_months = 1
//! benefit_per_month = 500
//! "#;
//! let scenario = roicast::scenario::Scenario::parse(text, "example.toml").unwrap();
//! assert_eq!(scenario.initiatives[0].name, "Backups");
//! assert_eq!(scenario.simulation.trials, 10_000);
//! ```

mod actuals;
mod correlation;
mod distribution;
mod document;
pub mod escalation;
pub mod names;
mod raw;
mod warnings;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::calendar::{Calendar, YearMonth, parse_month_name};
use crate::dist::Distribution;
use crate::suggest::did_you_mean;
use crate::units::{FractionRange, check_fraction};
pub use actuals::{
    ActualMonth, Actuals, ActualsTable, COLUMNS as LEDGER_COLUMNS, ITEMS as LEDGER_ITEMS, State, Status, month_cell,
    month_label, parse_month,
};
pub use correlation::{CorrelatedGroup, CorrelationMatrix, normal_score_correlation};
use distribution::Notation;
use names::{TextKind, canonical, escape_invisible};
pub use warnings::ScenarioWarning;

/// The names of the sets every run reports besides its initiatives.
pub const RESERVED_SET_NAMES: [&str; 3] = ["portfolio", "it", "bpa"];

/// Largest horizon accepted, in months (50 years).
pub const MAX_HORIZON_MONTHS: u32 = 600;

/// Largest trial count accepted.
pub const MAX_TRIALS: u64 = 1_000_000_000;

/// A scenario file that does not follow the format or the model's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line of the offending value.
    pub line: usize,
    /// 1-based column of the offending value.
    pub column: usize,
    /// The key at fault, as a path such as `initiatives[2].build_cost`.
    pub key: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    /// `file:line:column: key: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, &self.file, self.line, self.column, &self.key, &self.message)
    }
}

/// Writes `file:line:column: key: message` (no key when it is empty), with
/// any character that could take over a terminal (a mistyped value quoted
/// back) shown as an escape.
fn write_located(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    line: usize,
    column: usize,
    key: &str,
    message: &str,
) -> fmt::Result {
    write!(f, "{}:{line}:{column}: ", escape_invisible(file))?;
    if !key.is_empty() {
        write!(f, "{}: ", escape_invisible(key))?;
    }
    write!(f, "{}", escape_invisible(message))
}

impl std::error::Error for ScenarioError {}

/// What kind of work an initiative is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// IT automation: provisioning, patching, backups, CI/CD.
    It,
    /// Business process automation: invoices, lead-to-cash, onboarding.
    Bpa,
}

impl Kind {
    /// The name used in scenario files and set names.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::It => "it",
            Kind::Bpa => "bpa",
        }
    }

    /// The owner that suits this kind of work.
    pub fn natural_owner(self) -> Owner {
        match self {
            Kind::It => Owner::It,
            Kind::Bpa => Owner::Operations,
        }
    }
}

/// Who runs an initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The IT department.
    It,
    /// Business operations.
    Operations,
}

impl Owner {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::It => "it",
            Owner::Operations => "operations",
        }
    }
}

/// How once-per-trial inputs are sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// Latin hypercube: each input stratified within fixed blocks of trials.
    LatinHypercube,
    /// Independent draws.
    Random,
}

impl Sampling {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Sampling::LatinHypercube => "latin-hypercube",
            Sampling::Random => "random",
        }
    }
}

/// The `[simulation]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Number of trials.
    pub trials: u64,
    /// Months simulated, `H`.
    pub horizon_months: u32,
    /// Seed of every random stream.
    pub seed: u64,
    /// Annual discount rate.
    pub discount_rate: f64,
    /// Sampling method for once-per-trial inputs.
    pub sampling: Sampling,
    /// Annual growth of run cost, for initiatives that do not set their own.
    pub run_cost_escalation: f64,
    /// Annual growth of benefit, for initiatives that do not set their own.
    pub benefit_escalation: f64,
}

/// The `[conflation]` table: what a mismatched owner does to an initiative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conflation {
    /// Multiplies `benefit_per_month`.
    pub benefit_multiplier: f64,
    /// Multiplies every risk's `events_per_year`.
    pub risk_rate_multiplier: f64,
    /// Added to every risk's `abandon_probability` (capped at 1).
    pub extra_abandon_probability: f64,
}

impl Default for Conflation {
    fn default() -> Self {
        Conflation { benefit_multiplier: 0.6, risk_rate_multiplier: 2.0, extra_abandon_probability: 0.1 }
    }
}

/// Which quantity of an initiative an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSlot {
    /// Total build cost.
    BuildCost,
    /// Build time in months.
    BuildMonths,
    /// Run cost per live month.
    RunCostPerMonth,
    /// Benefit per month at full run rate.
    BenefitPerMonth,
    /// Months from go-live to full run rate.
    RampMonths,
    /// Share of the benefit visible on the P&L.
    PnlVisibility,
    /// Events per year of the initiative's risk with this index.
    EventsPerYear(usize),
    /// Abandonment probability per event of the risk with this index.
    AbandonProbability(usize),
}

impl InputSlot {
    /// The key as a scenario file spells it.
    pub fn key(self) -> &'static str {
        match self {
            InputSlot::BuildCost => "build_cost",
            InputSlot::BuildMonths => "build_months",
            InputSlot::RunCostPerMonth => "run_cost_per_month",
            InputSlot::BenefitPerMonth => "benefit_per_month",
            InputSlot::RampMonths => "ramp_months",
            InputSlot::PnlVisibility => "pnl_visibility",
            InputSlot::EventsPerYear(_) => "events_per_year",
            InputSlot::AbandonProbability(_) => "abandon_probability",
        }
    }
}

/// One input drawn once per trial.
#[derive(Debug, Clone)]
pub struct Input {
    /// Its name as correlations use it: `"Initiative.key"` or `"Initiative.Risk.key"`.
    pub name: String,
    /// Index of the initiative it belongs to.
    pub initiative: usize,
    /// Which quantity it is.
    pub slot: InputSlot,
    /// Its distribution.
    pub distribution: Distribution,
}

/// A risk of an initiative.
#[derive(Debug, Clone)]
pub struct Risk {
    /// Its name, unique within the initiative.
    pub name: String,
    /// Index into [`Scenario::inputs`] of `events_per_year`.
    pub events_per_year: usize,
    /// Cost of one event, drawn per event.
    pub cost_per_event: Distribution,
    /// Whole months of paused benefit after an event.
    pub benefit_pause_months: u32,
    /// Index into [`Scenario::inputs`] of `abandon_probability`.
    pub abandon_probability: usize,
}

/// One automation initiative.
#[derive(Debug, Clone)]
pub struct Initiative {
    /// Its unique name.
    pub name: String,
    /// IT automation or BPA.
    pub kind: Kind,
    /// Who runs it.
    pub owner: Owner,
    /// Whole months before work starts.
    pub start_month: u32,
    /// Index into [`Scenario::inputs`] of `build_cost`.
    pub build_cost: usize,
    /// Index into [`Scenario::inputs`] of `build_months`.
    pub build_months: usize,
    /// Index into [`Scenario::inputs`] of `run_cost_per_month`.
    pub run_cost_per_month: usize,
    /// Index into [`Scenario::inputs`] of `benefit_per_month`.
    pub benefit_per_month: usize,
    /// Index into [`Scenario::inputs`] of `ramp_months`.
    pub ramp_months: usize,
    /// Index into [`Scenario::inputs`] of `pnl_visibility`.
    pub pnl_visibility: usize,
    /// Indices of the initiatives that must be live first.
    pub depends_on: Vec<usize>,
    /// Its risks.
    pub risks: Vec<Risk>,
    /// Annual growth of its run cost (its own, or the scenario's).
    pub run_cost_escalation: f64,
    /// Annual growth of its benefit (its own, or the scenario's).
    pub benefit_escalation: f64,
}

impl Initiative {
    /// True when the owner is not the natural owner of the kind.
    pub fn is_mismatched(&self) -> bool {
        self.owner != self.kind.natural_owner()
    }
}

/// A requested rank correlation between two inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// Index into [`Scenario::inputs`].
    pub first: usize,
    /// Index into [`Scenario::inputs`].
    pub second: usize,
    /// Spearman rank correlation in `[-1, 1]`.
    pub rank_correlation: f64,
}

/// Initiatives of which a plan may fund at most one (`[[alternatives]]`),
/// e.g. the same automation from two vendors. Every member is still
/// simulated by `roicast run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternatives {
    /// Its name, if the file gives one.
    pub name: Option<String>,
    /// Indices of the member initiatives, as listed (at least two, none depending on another).
    pub members: Vec<usize>,
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Currency code for reports.
    pub currency: String,
    /// The `[simulation]` table.
    pub simulation: Simulation,
    /// The `[conflation]` table.
    pub conflation: Conflation,
    /// The `[calendar]` table: month 1's date and the fiscal year's first month, if given.
    pub calendar: Option<Calendar>,
    /// The `[actuals]` table, if given: how far the facts go, where the
    /// ledger is and each initiative's status.
    pub actuals_table: Option<ActualsTable>,
    /// The facts a re-forecast follows, once [`Scenario::with_actuals`]
    /// has read the ledger; `None` for a plan.
    pub actuals: Option<Actuals>,
    /// Initiatives in file order; dependencies always point to valid indices
    /// and form no cycle.
    pub initiatives: Vec<Initiative>,
    /// Every input drawn once per trial.
    pub inputs: Vec<Input>,
    /// Requested rank correlations.
    pub correlations: Vec<Correlation>,
    /// The validated correlation structure on the normal-score scale.
    pub correlation_matrix: CorrelationMatrix,
    /// Groups of initiatives of which a plan funds at most one.
    pub alternatives: Vec<Alternatives>,
    /// SHA-256 of the file's bytes, hex.
    pub source_sha256: String,
    /// What the file holds that is valid but probably not meant.
    warnings: Vec<ScenarioWarning>,
    /// The file's text, as read (the workbook's Inputs sheet shows it).
    pub source_text: String,
}

impl Scenario {
    /// Parses and validates a scenario from its text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let ctx = Context { file, text };
        let raw = document::parse(&ctx)?;
        build(raw, &ctx)
    }

    /// What the file holds that is valid but probably not what its author
    /// meant: for now, initiatives that cannot go live within the horizon,
    /// always or in at least half of the trials (docs/scenario-format.md §5).
    pub fn warnings(&self) -> &[ScenarioWarning] {
        &self.warnings
    }

    /// Index of the initiative with this name.
    pub fn initiative_index(&self, name: &str) -> Option<usize> {
        self.initiatives.iter().position(|i| i.name == name)
    }

    /// Index of the input with this name.
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name)
    }

    /// Initiatives ordered so that each comes after everything it depends on.
    pub fn dependency_order(&self) -> Vec<usize> {
        dependency_order(&self.initiatives)
    }

    /// The scenario with every initiative given the natural owner of its kind.
    pub fn with_natural_owners(&self) -> Scenario {
        let mut s = self.clone();
        for initiative in &mut s.initiatives {
            initiative.owner = initiative.kind.natural_owner();
        }
        s
    }
}

/// The file being parsed, for turning byte spans into positions.
struct Context<'a> {
    file: &'a str,
    text: &'a str,
}

impl Context<'_> {
    fn error(&self, span: Range<usize>, key: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        let (line, column) = line_column(self.text, span.start);
        ScenarioError { file: self.file.to_string(), line, column, key: key.into(), message: message.into() }
    }

    fn warning(&self, span: Range<usize>, key: String, message: String) -> ScenarioWarning {
        let (line, column) = line_column(self.text, span.start);
        ScenarioWarning { file: self.file.to_string(), line, column, key, message }
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = document::floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |p| before[p + 1..].chars().count()) + 1;
    (line, column)
}

/// The domain an input's distribution must stay within.
#[derive(Debug, Clone, Copy)]
enum Domain {
    NonNegative,
    /// Events per year: not negative, and at most [`MAX_EVENTS_PER_YEAR`].
    Rate,
    Probability,
    Any,
}

/// Largest magnitude any draw may reach: far beyond any budget, small enough
/// that sums and squares over a run stay finite (no infinity or NaN in a report).
pub const MAX_MAGNITUDE: f64 = 1e100;

/// Largest rate of risk events accepted (about 8,300 a month).
pub const MAX_EVENTS_PER_YEAR: f64 = 1e5;

/// A conflation multiplier that applies to an input of an initiative whose
/// owner is not the natural owner of its kind: the model uses the draw times
/// `factor`, set by the scenario's `key`.
#[derive(Debug, Clone, Copy)]
struct Conflated {
    factor: f64,
    key: &'static str,
}

impl Domain {
    /// How the numbers of an input of this domain may be written.
    fn notation(self) -> Notation {
        match self {
            Domain::Probability => Notation::PlainOrPercent,
            Domain::NonNegative | Domain::Rate | Domain::Any => Notation::Plain,
        }
    }

    /// Checks that `dist` keeps to the domain, and multiplied by `conflated` too when given.
    fn check(self, dist: &Distribution, conflated: Option<Conflated>) -> Result<(), String> {
        if conflated.is_some() {
            // The draws themselves are kept (inputs, trials.parquet), not only their products.
            self.check(dist, None)?;
        }
        let (lo, hi) = dist.support();
        // The most extreme values a draw can actually take, as the model uses them.
        let extreme = dist.quantile(1e-300).abs().max(dist.quantile(1.0 - f64::EPSILON / 2.0).abs());
        let (extreme, multiplied) = match conflated {
            None => (extreme, String::new()),
            Some(Conflated { factor, key }) => {
                let factor_text = if factor >= 1e6 { format!("{factor:e}") } else { format!("{factor}") };
                let text = format!(
                    " once multiplied by {key} = {factor_text} (the initiative's owner is not the natural owner of its kind)"
                );
                (extreme * factor, text)
            }
        };
        // A plain number is what it is; a distribution can be truncated.
        let fixed = dist.fixed_value().is_some();
        let reach = if fixed { "is" } else { "can reach" };
        let fix = |truncate: &str| match (fixed, conflated.is_some()) {
            (false, false) => format!(" (truncate it with {truncate})"),
            (false, true) => format!(" (truncate it with {truncate}, or lower the multiplier)"),
            (true, true) => " (lower it or the multiplier)".to_string(),
            (true, false) => String::new(),
        };
        match self {
            Domain::NonNegative | Domain::Rate if lo < 0.0 && fixed => Err(format!("must not be negative, got {lo}")),
            Domain::NonNegative | Domain::Rate if lo < 0.0 => {
                Err(format!("must not be negative, but its distribution reaches {lo}{}", fix("`min = 0`")))
            }
            Domain::Probability if lo < 0.0 || hi > 1.0 => {
                // Numbers that all read as whole percentages were probably meant as such.
                let advice = if lo >= 0.0 && hi <= 100.0 {
                    " (a share is a fraction: write 20% as 0.2 or \"20%\")".to_string()
                } else {
                    fix("`min`/`max`")
                };
                if fixed {
                    Err(format!("must lie in [0, 1], got {lo}{advice}"))
                } else {
                    Err(format!("must lie in [0, 1], but its distribution spans [{lo}, {hi}]{advice}"))
                }
            }
            Domain::Rate if extreme > MAX_EVENTS_PER_YEAR => Err(format!(
                "{reach} {extreme:e} events a year{multiplied}, more than the {MAX_EVENTS_PER_YEAR:e} roicast accepts{}",
                fix("`max`")
            )),
            _ if extreme.is_nan() || extreme > MAX_MAGNITUDE => Err(format!(
                "{reach} {extreme:e}{multiplied}, beyond the {MAX_MAGNITUDE:e} roicast can add up without overflow{}",
                fix("`min`/`max`")
            )),
            _ => Ok(()),
        }
    }
}

/// A rate or share written as a number (`0.09`) or a percentage string
/// (`"9%"`), checked against its range (see [`check_fraction`]).
fn fraction(
    ctx: &Context,
    value: &Spanned<toml::Value>,
    key: &str,
    range: FractionRange,
) -> Result<f64, ScenarioError> {
    distribution::written_fraction(value.get_ref())
        .and_then(|written| check_fraction(written, range))
        .map_err(|m| ctx.error(value.span(), key, m))
}

fn whole_number(ctx: &Context, value: &Spanned<i64>, key: &str, min: i64, max: i64) -> Result<i64, ScenarioError> {
    let v = *value.get_ref();
    if v < min || v > max {
        let range = if max == i64::MAX { format!("at least {min}") } else { format!("between {min} and {max}") };
        return Err(ctx.error(value.span(), key, format!("must be a whole number {range}, got {v}")));
    }
    Ok(v)
}

fn number_in(ctx: &Context, value: &Spanned<f64>, key: &str, lo: f64, hi: f64) -> Result<f64, ScenarioError> {
    let v = *value.get_ref();
    if !(v >= lo && v <= hi && v.is_finite()) {
        let range = if hi == f64::INFINITY { format!("a finite number >= {lo}") } else { format!("in [{lo}, {hi}]") };
        return Err(ctx.error(value.span(), key, format!("must be {range}, got {v}")));
    }
    Ok(v)
}

/// A name, the currency or the description, checked and in canonical form
/// (see [`names`]); an offending character is pointed at where it is written.
fn text_of(ctx: &Context, value: &Spanned<String>, key: &str, kind: TextKind) -> Result<String, ScenarioError> {
    names::check(value.get_ref(), kind).map_err(|problem| {
        let span = value.span();
        let source = ctx.text.get(span.clone()).unwrap_or_default();
        let at = problem.character.and_then(|c| names::locate(source, c)).map_or(span.start, |o| span.start + o);
        ctx.error(at..at, key, problem.message)
    })
}

fn build(raw: raw::RawScenario, ctx: &Context) -> Result<Scenario, ScenarioError> {
    let sim = raw.simulation.get_ref();
    let trials = match &sim.trials {
        Some(t) => whole_number(ctx, t, "simulation.trials", 1, MAX_TRIALS as i64)? as u64,
        None => 10_000,
    };
    let horizon_months =
        whole_number(ctx, &sim.horizon_months, "simulation.horizon_months", 1, MAX_HORIZON_MONTHS as i64)? as u32;
    let seed = match &sim.seed {
        Some(s) => whole_number(ctx, s, "simulation.seed", 0, i64::MAX)? as u64,
        None => 0,
    };
    let discount_rate =
        fraction(ctx, &sim.discount_rate, "simulation.discount_rate", FractionRange::AnnualRate { max: 10.0 })?;
    let sampling = match &sim.sampling {
        None => Sampling::LatinHypercube,
        Some(s) => match s.get_ref().as_str() {
            "latin-hypercube" => Sampling::LatinHypercube,
            "random" => Sampling::Random,
            other => {
                return Err(ctx.error(
                    s.span(),
                    "simulation.sampling",
                    format!(
                        "must be \"latin-hypercube\" or \"random\", got \"{other}\"{}",
                        did_you_mean(other, ["latin-hypercube", "random"])
                    ),
                ));
            }
        },
    };
    let escalation = |value: &Option<Spanned<toml::Value>>, key: &str, default: f64| {
        value.as_ref().map_or(Ok(default), |v| escalation::rate(ctx, v, key))
    };
    let run_cost_escalation = escalation(&sim.run_cost_escalation, "simulation.run_cost_escalation", 0.0)?;
    let benefit_escalation = escalation(&sim.benefit_escalation, "simulation.benefit_escalation", 0.0)?;
    let conflation = match &raw.conflation {
        None => Conflation::default(),
        Some(c) => {
            let d = Conflation::default();
            let get = |v: &Option<Spanned<f64>>, key: &str, hi: f64, default: f64| match v {
                Some(v) => number_in(ctx, v, key, 0.0, hi),
                None => Ok(default),
            };
            Conflation {
                benefit_multiplier: get(
                    &c.benefit_multiplier,
                    "conflation.benefit_multiplier",
                    f64::INFINITY,
                    d.benefit_multiplier,
                )?,
                risk_rate_multiplier: get(
                    &c.risk_rate_multiplier,
                    "conflation.risk_rate_multiplier",
                    f64::INFINITY,
                    d.risk_rate_multiplier,
                )?,
                extra_abandon_probability: match &c.extra_abandon_probability {
                    Some(v) => fraction(ctx, v, "conflation.extra_abandon_probability", FractionRange::Share)?,
                    None => d.extra_abandon_probability,
                },
            }
        }
    };
    let calendar = raw.calendar.as_ref().map(|c| calendar(ctx, c)).transpose()?;
    if raw.initiatives.is_empty() {
        return Err(ctx.error(0..0, "initiatives", "the scenario needs at least one [[initiatives]] entry"));
    }

    // Initiative names in canonical form, and the index of each.
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut initiative_names: Vec<String> = Vec::with_capacity(raw.initiatives.len());
    for (i, init) in raw.initiatives.iter().enumerate() {
        let key = format!("initiatives[{i}].name");
        let name = text_of(ctx, &init.get_ref().name, &key, TextKind::Name)?;
        if RESERVED_SET_NAMES.contains(&name.to_lowercase().as_str()) {
            return Err(ctx.error(
                init.get_ref().name.span(),
                key,
                format!("\"{name}\" is reserved for a reported set (portfolio, it, bpa); choose another name"),
            ));
        }
        if names.insert(name.clone(), i).is_some() {
            return Err(ctx.error(init.get_ref().name.span(), key, format!("\"{name}\" is used by two initiatives")));
        }
        initiative_names.push(name);
    }

    let mut inputs: Vec<Input> = Vec::new();
    let mut initiatives = Vec::with_capacity(raw.initiatives.len());
    for (i, spanned) in raw.initiatives.iter().enumerate() {
        let init = spanned.get_ref();
        let name = initiative_names[i].clone();
        let path = |key: &str| format!("initiatives[{i}] \"{name}\".{key}");
        let kind = match init.kind.get_ref().as_str() {
            "it" => Kind::It,
            "bpa" => Kind::Bpa,
            other => {
                return Err(ctx.error(
                    init.kind.span(),
                    path("kind"),
                    format!("must be \"it\" or \"bpa\", got \"{other}\"{}", did_you_mean(other, ["it", "bpa"])),
                ));
            }
        };
        let owner = match init.owner.as_ref().map(|o| (o.get_ref().as_str(), o.span())) {
            None => kind.natural_owner(),
            Some(("it", _)) => Owner::It,
            Some(("operations", _)) => Owner::Operations,
            Some((other, span)) => {
                return Err(ctx.error(
                    span,
                    path("owner"),
                    format!(
                        "must be \"it\" or \"operations\", got \"{other}\"{}",
                        did_you_mean(other, ["it", "operations"])
                    ),
                ));
            }
        };
        let start_month = match &init.start_month {
            Some(s) => whole_number(ctx, s, &path("start_month"), 0, MAX_HORIZON_MONTHS as i64 * 10)? as u32,
            None => 0,
        };
        // A mismatched initiative's benefit and risk rates are multiplied (docs/model.md).
        let mismatched = owner != kind.natural_owner();
        let conflated = |factor, key| mismatched.then_some(Conflated { factor, key });
        let benefit_conflated = conflated(conflation.benefit_multiplier, "conflation.benefit_multiplier");
        let rate_conflated = conflated(conflation.risk_rate_multiplier, "conflation.risk_rate_multiplier");
        let mut add_input = |value: Option<&Spanned<toml::Value>>,
                             default: f64,
                             slot: InputSlot,
                             risk: Option<&str>,
                             domain: Domain,
                             conflated: Option<Conflated>|
         -> Result<usize, ScenarioError> {
            let key = risk.map_or_else(|| slot.key().to_string(), |r| format!("{r}.{}", slot.key()));
            let distribution = match value {
                None => Distribution::fixed(default),
                // A single share is checked as written, for the percentage hint.
                Some(v) if matches!(domain, Domain::Probability) && !v.get_ref().is_table() => {
                    Distribution::fixed(fraction(ctx, v, &path(&key), FractionRange::Share)?)
                }
                Some(v) => {
                    let d = distribution::parse(v.get_ref(), domain.notation())
                        .map_err(|m| ctx.error(v.span(), path(&key), m))?;
                    domain.check(&d, conflated).map_err(|m| ctx.error(v.span(), path(&key), m))?;
                    d
                }
            };
            inputs.push(Input { name: format!("{name}.{key}"), initiative: i, slot, distribution });
            Ok(inputs.len() - 1)
        };
        let build_cost = add_input(Some(&init.build_cost), 0.0, InputSlot::BuildCost, None, Domain::NonNegative, None)?;
        let build_months =
            add_input(Some(&init.build_months), 0.0, InputSlot::BuildMonths, None, Domain::NonNegative, None)?;
        let run_cost_per_month = add_input(
            init.run_cost_per_month.as_ref(),
            0.0,
            InputSlot::RunCostPerMonth,
            None,
            Domain::NonNegative,
            None,
        )?;
        let benefit_per_month = add_input(
            Some(&init.benefit_per_month),
            0.0,
            InputSlot::BenefitPerMonth,
            None,
            Domain::Any,
            benefit_conflated,
        )?;
        let ramp_months =
            add_input(init.ramp_months.as_ref(), 0.0, InputSlot::RampMonths, None, Domain::NonNegative, None)?;
        let pnl_visibility =
            add_input(init.pnl_visibility.as_ref(), 1.0, InputSlot::PnlVisibility, None, Domain::Probability, None)?;
        let mut risks: Vec<Risk> = Vec::with_capacity(init.risks.len());
        for (r, spanned_risk) in init.risks.iter().enumerate() {
            let risk = spanned_risk.get_ref();
            let risk_name = text_of(ctx, &risk.name, &path(&format!("risks[{r}].name")), TextKind::Name)?;
            if risks.iter().any(|other| other.name == risk_name) {
                return Err(ctx.error(
                    risk.name.span(),
                    path(&format!("risks[{r}].name")),
                    format!("\"{risk_name}\" is used by two risks of this initiative"),
                ));
            }
            let events_per_year = add_input(
                Some(&risk.events_per_year),
                0.0,
                InputSlot::EventsPerYear(r),
                Some(&risk_name),
                Domain::Rate,
                rate_conflated,
            )?;
            let abandon_probability = add_input(
                risk.abandon_probability.as_ref(),
                0.0,
                InputSlot::AbandonProbability(r),
                Some(&risk_name),
                Domain::Probability,
                None,
            )?;
            let cost_key = path(&format!("{risk_name}.cost_per_event"));
            let cost_per_event = distribution::parse(risk.cost_per_event.get_ref(), Notation::Plain)
                .map_err(|m| ctx.error(risk.cost_per_event.span(), &cost_key, m))?;
            Domain::NonNegative
                .check(&cost_per_event, None)
                .map_err(|m| ctx.error(risk.cost_per_event.span(), &cost_key, m))?;
            let benefit_pause_months = match &risk.benefit_pause_months {
                Some(p) => whole_number(
                    ctx,
                    p,
                    &path(&format!("{risk_name}.benefit_pause_months")),
                    0,
                    MAX_HORIZON_MONTHS as i64,
                )? as u32,
                None => 0,
            };
            risks.push(Risk {
                name: risk_name,
                events_per_year,
                cost_per_event,
                benefit_pause_months,
                abandon_probability,
            });
        }
        let mut depends_on = Vec::with_capacity(init.depends_on.len());
        for (d, dep) in init.depends_on.iter().enumerate() {
            let key = path(&format!("depends_on[{d}]"));
            let dep_name = canonical(dep.get_ref());
            match names.get(&dep_name) {
                None => {
                    let suggestion = did_you_mean(&dep_name, initiative_names.iter().map(String::as_str));
                    return Err(ctx.error(
                        dep.span(),
                        key,
                        format!("no initiative is named \"{dep_name}\"{suggestion}"),
                    ));
                }
                Some(&j) if j == i => {
                    return Err(ctx.error(dep.span(), key, "an initiative cannot depend on itself"));
                }
                Some(&j) if depends_on.contains(&j) => {
                    return Err(ctx.error(dep.span(), key, format!("\"{dep_name}\" is listed twice")));
                }
                Some(&j) => depends_on.push(j),
            }
        }
        initiatives.push(Initiative {
            run_cost_escalation: escalation(
                &init.run_cost_escalation,
                &path("run_cost_escalation"),
                run_cost_escalation,
            )?,
            benefit_escalation: escalation(&init.benefit_escalation, &path("benefit_escalation"), benefit_escalation)?,
            name,
            kind,
            owner,
            start_month,
            build_cost,
            build_months,
            run_cost_per_month,
            benefit_per_month,
            ramp_months,
            pnl_visibility,
            depends_on,
            risks,
        });
    }
    check_cycles(&initiatives, &raw, ctx)?;
    let warnings =
        warnings::horizon_warnings(ctx, &raw, &initiatives, &inputs, horizon_months, &dependency_order(&initiatives));
    let actuals_table = raw
        .actuals
        .as_ref()
        .map(|table| {
            actuals::table(ctx, table, &raw.initiatives, &initiatives, &inputs, calendar.as_ref(), horizon_months)
        })
        .transpose()?;

    let mut correlations: Vec<Correlation> = Vec::with_capacity(raw.correlations.len());
    let mut spans = Vec::with_capacity(raw.correlations.len());
    for (c, spanned) in raw.correlations.iter().enumerate() {
        let corr = spanned.get_ref();
        let key = format!("correlations[{c}]");
        let between = corr.between.get_ref();
        if between.len() != 2 {
            return Err(ctx.error(
                corr.between.span(),
                format!("{key}.between"),
                format!("must name exactly two inputs, got {}", between.len()),
            ));
        }
        let mut ends = [0usize; 2];
        for (e, end) in between.iter().enumerate() {
            let wanted = canonical(end.get_ref());
            let Some(index) = inputs.iter().position(|inp| inp.name == wanted) else {
                return Err(ctx.error(
                    end.span(),
                    format!("{key}.between"),
                    unknown_input(&wanted, &inputs, &initiatives),
                ));
            };
            if inputs[index].distribution.fixed_value().is_some() {
                return Err(ctx.error(
                    end.span(),
                    format!("{key}.between"),
                    format!("\"{wanted}\" is fixed, so it cannot be correlated"),
                ));
            }
            ends[e] = index;
        }
        if ends[0] == ends[1] {
            return Err(ctx.error(corr.between.span(), format!("{key}.between"), "correlates an input with itself"));
        }
        let rho = number_in(ctx, &corr.rank_correlation, &format!("{key}.rank_correlation"), -1.0, 1.0)?;
        let pair = (ends[0].min(ends[1]), ends[0].max(ends[1]));
        if correlations.iter().any(|c| (c.first.min(c.second), c.first.max(c.second)) == pair) {
            return Err(ctx.error(
                corr.between.span(),
                format!("{key}.between"),
                "this pair is already correlated by an earlier entry",
            ));
        }
        correlations.push(Correlation { first: ends[0], second: ends[1], rank_correlation: rho });
        spans.push(spanned.span());
    }
    let correlation_matrix = CorrelationMatrix::new(&correlations).map_err(|bad| {
        let names: Vec<String> = bad
            .iter()
            .map(|&c| {
                let corr = &correlations[c];
                format!(
                    "{} ~ {} = {}",
                    inputs[corr.first].name, inputs[corr.second].name, corr.rank_correlation
                )
            })
            .collect();
        ctx.error(
            spans[bad[0]].clone(),
            format!("correlations[{}]", bad[0]),
            format!(
                "no valid correlation matrix holds these rank correlations together (unlisted pairs are independent): {}",
                names.join("; ")
            ),
        )
    })?;

    let name = match &raw.name {
        Some(n) => text_of(ctx, n, "name", TextKind::Name)?,
        // The file's stem, made printable: a file name is not checked like a name.
        None => std::path::Path::new(ctx.file).file_stem().map_or_else(
            || "scenario".to_string(),
            |s| canonical(&escape_invisible(&s.to_string_lossy())).chars().take(names::MAX_NAME_CHARS).collect(),
        ),
    };
    let description =
        raw.description.as_ref().map(|d| text_of(ctx, d, "description", TextKind::Description)).transpose()?;
    let currency = match &raw.currency {
        Some(c) => text_of(ctx, c, "currency", TextKind::Currency)?,
        None => "USD".to_string(),
    };
    let alternatives = alternatives(&raw, &initiatives, ctx)?;
    Ok(Scenario {
        name,
        description,
        currency,
        simulation: Simulation {
            trials,
            horizon_months,
            seed,
            discount_rate,
            sampling,
            run_cost_escalation,
            benefit_escalation,
        },
        conflation,
        calendar,
        actuals_table,
        actuals: None,
        initiatives,
        inputs,
        correlations,
        correlation_matrix,
        alternatives,
        source_sha256: hex(&Sha256::digest(ctx.text.as_bytes())),
        warnings,
        source_text: ctx.text.to_string(),
    })
}

/// Reads the `[[alternatives]]` groups: each names two or more initiatives,
/// none twice and none depending (directly or not) on another member, which
/// could then never be funded.
fn alternatives(
    raw: &raw::RawScenario,
    initiatives: &[Initiative],
    ctx: &Context,
) -> Result<Vec<Alternatives>, ScenarioError> {
    let depends_on = |from: usize, on: usize| {
        let mut stack = vec![from];
        let mut seen = vec![false; initiatives.len()];
        while let Some(i) = stack.pop() {
            for &d in &initiatives[i].depends_on {
                if d == on {
                    return true;
                }
                if !std::mem::replace(&mut seen[d], true) {
                    stack.push(d);
                }
            }
        }
        false
    };
    let mut groups = Vec::with_capacity(raw.alternatives.len());
    for (g, spanned) in raw.alternatives.iter().enumerate() {
        let group = spanned.get_ref();
        let key = format!("alternatives[{g}].members");
        let name = group
            .name
            .as_ref()
            .map(|n| text_of(ctx, n, &format!("alternatives[{g}].name"), TextKind::Name))
            .transpose()?;
        if group.members.get_ref().len() < 2 {
            return Err(ctx.error(
                group.members.span(),
                key,
                "must name at least two initiatives, of which a plan funds at most one",
            ));
        }
        let mut members: Vec<usize> = Vec::with_capacity(group.members.get_ref().len());
        for member in group.members.get_ref() {
            let wanted = canonical(member.get_ref());
            let wanted = wanted.as_str();
            let Some(index) = initiatives.iter().position(|i| i.name == wanted) else {
                return Err(ctx.error(
                    member.span(),
                    key,
                    format!(
                        "no initiative is named \"{wanted}\"{}",
                        did_you_mean(wanted, initiatives.iter().map(|i| i.name.as_str()))
                    ),
                ));
            };
            if members.contains(&index) {
                return Err(ctx.error(member.span(), key, format!("\"{wanted}\" is listed twice")));
            }
            if let Some(&other) = members.iter().find(|&&m| depends_on(index, m) || depends_on(m, index)) {
                let (dependent, dependency) = if depends_on(index, other) { (index, other) } else { (other, index) };
                return Err(ctx.error(
                    member.span(),
                    key,
                    format!(
                        "\"{}\" depends on \"{}\", so they cannot be alternatives: \"{0}\" could never be funded",
                        initiatives[dependent].name, initiatives[dependency].name
                    ),
                ));
            }
            members.push(index);
        }
        groups.push(Alternatives { name, members });
    }
    Ok(groups)
}

/// Reads the `[calendar]` table.
fn calendar(ctx: &Context, raw: &Spanned<raw::RawCalendar>) -> Result<Calendar, ScenarioError> {
    let raw = raw.get_ref();
    let start = YearMonth::parse(raw.start.get_ref()).map_err(|m| ctx.error(raw.start.span(), "calendar.start", m))?;
    let fiscal_year_start = match &raw.fiscal_year_start {
        None => 1,
        Some(value) => {
            let month = match value.get_ref() {
                toml::Value::String(name) => parse_month_name(name),
                toml::Value::Integer(number) => parse_month_name(&number.to_string()),
                other => Err(format!("must be a month name such as \"April\" or its number, got {other}")),
            };
            month.map_err(|m| ctx.error(value.span(), "calendar.fiscal_year_start", m))?
        }
    };
    Ok(Calendar::new(start, fiscal_year_start))
}

/// Initiatives (without a dependency cycle) ordered so that each comes
/// after everything it depends on.
fn dependency_order(initiatives: &[Initiative]) -> Vec<usize> {
    let mut order = Vec::with_capacity(initiatives.len());
    let mut placed = vec![false; initiatives.len()];
    fn visit(i: usize, initiatives: &[Initiative], placed: &mut [bool], order: &mut Vec<usize>) {
        if placed[i] {
            return;
        }
        placed[i] = true;
        for &d in &initiatives[i].depends_on {
            visit(d, initiatives, placed, order);
        }
        order.push(i);
    }
    for i in 0..initiatives.len() {
        visit(i, initiatives, &mut placed, &mut order);
    }
    order
}

/// Why a correlation's `between` names no input: the closest input name, or
/// why a risk's `cost_per_event` cannot be correlated.
fn unknown_input(wanted: &str, inputs: &[Input], initiatives: &[Initiative]) -> String {
    let per_event = initiatives
        .iter()
        .any(|init| init.risks.iter().any(|risk| wanted == format!("{}.{}.cost_per_event", init.name, risk.name)));
    if per_event {
        return format!("\"{wanted}\" is drawn afresh for every event, not once per trial, so it cannot be correlated");
    }
    let suggestion = did_you_mean(wanted, inputs.iter().map(|input| input.name.as_str()));
    format!(
        "no input is named \"{wanted}\"{suggestion} (inputs are named \"Initiative.input\" or \"Initiative.Risk.events_per_year\")"
    )
}

/// Rejects a dependency cycle, naming the initiatives in it.
fn check_cycles(initiatives: &[Initiative], raw: &raw::RawScenario, ctx: &Context) -> Result<(), ScenarioError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(i: usize, inits: &[Initiative], marks: &mut [Mark], stack: &mut Vec<usize>) -> Option<Vec<usize>> {
        match marks[i] {
            Mark::Done => return None,
            Mark::Open => {
                let from = stack.iter().position(|&s| s == i).unwrap_or(0);
                return Some(stack[from..].to_vec());
            }
            Mark::New => {}
        }
        marks[i] = Mark::Open;
        stack.push(i);
        for &d in &inits[i].depends_on {
            if let Some(cycle) = visit(d, inits, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks[i] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; initiatives.len()];
    for i in 0..initiatives.len() {
        if let Some(cycle) = visit(i, initiatives, &mut marks, &mut Vec::new()) {
            let first = cycle[0];
            let mut names: Vec<&str> = cycle.iter().map(|&c| initiatives[c].name.as_str()).collect();
            names.push(&initiatives[first].name);
            let raw_init = raw.initiatives[first].get_ref();
            let span = raw_init.depends_on.first().map_or(raw.initiatives[first].span(), |d| d.span());
            return Err(ctx.error(
                span,
                format!("initiatives[{first}] \"{}\".depends_on", initiatives[first].name),
                format!("dependency cycle: {}", names.join(" -> ")),
            ));
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(build_cost: &str, events_per_year: &str) -> Result<Scenario, ScenarioError> {
        let text = format!(
            "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n[[initiatives]]\nname = \"A\"\nkind = \"it\"\n\
             build_cost = {build_cost}\nbuild_months = 1\nbenefit_per_month = 10\n[[initiatives.risks]]\n\
             name = \"R\"\nevents_per_year = {events_per_year}\ncost_per_event = 5\n"
        );
        Scenario::parse(&text, "t.toml")
    }

    #[test]
    fn inputs_that_could_overflow_a_report_are_rejected() {
        assert!(parse_with("{ lognormal = { p10 = 1, p90 = 1e12 } }", "1").is_ok());
        // A plain number is named as it is; a distribution is told how to truncate.
        let err = parse_with("1e308", "1").unwrap_err();
        assert!(err.key.ends_with("build_cost") && err.message.contains("is 1e308"), "{err}");
        assert!(err.message.contains("overflow") && !err.message.contains("truncate"), "{err}");
        let err = parse_with("{ normal = { mean = 1e99, sd = 1e100 }, min = 0 }", "1").unwrap_err();
        assert!(err.message.contains("overflow") && err.message.contains("truncate it with"), "{err}");
        assert_eq!(parse_with("-5", "1").unwrap_err().message, "must not be negative, got -5");
        let err = parse_with("100", "2e5").unwrap_err();
        assert!(err.key.ends_with("R.events_per_year") && err.message.contains("events a year"), "{err}");
        assert!(parse_with("100", "{ lognormal = { p10 = 1, p90 = 100 }, max = 1e5 }").is_ok());
    }

    #[test]
    fn a_mismatched_initiatives_rates_are_bounded_after_the_conflation_multiplier() {
        let with_owner = |owner: &str| {
            let text = format!(
                "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n[conflation]\nrisk_rate_multiplier = 3\n\
                 [[initiatives]]\nname = \"A\"\nkind = \"it\"\nowner = \"{owner}\"\nbuild_cost = 1\nbuild_months = 1\n\
                 benefit_per_month = 10\n[[initiatives.risks]]\nname = \"R\"\nevents_per_year = 4e4\ncost_per_event = 5\n"
            );
            Scenario::parse(&text, "t.toml")
        };
        assert!(with_owner("it").is_ok());
        let err = with_owner("operations").unwrap_err();
        assert!(err.key.ends_with("R.events_per_year") && err.line == 15, "{err}");
        assert!(
            err.message.contains("1.2e5 events a year") && err.message.contains("risk_rate_multiplier = 3"),
            "{err}"
        );
    }

    #[test]
    fn conflation_multipliers_cannot_take_a_report_past_its_limits() {
        let with = |conflation: &str, owner: &str, benefit: &str| {
            let text = format!(
                "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n[conflation]\n{conflation}\n\
                 [[initiatives]]\nname = \"A\"\nkind = \"bpa\"\nowner = \"{owner}\"\nbuild_cost = 1\nbuild_months = 1\n\
                 benefit_per_month = {benefit}\n"
            );
            Scenario::parse(&text, "t.toml")
        };
        // Infinity is no multiplier (0 × ∞ would be NaN), for any initiative.
        let err = with("benefit_multiplier = inf", "operations", "1e60").unwrap_err();
        assert!(err.key == "conflation.benefit_multiplier" && err.message.contains("finite"), "{err}");
        // 1e60 × 1e50 is past what a report can add up, only for the wrong owner.
        assert!(with("benefit_multiplier = 1e50", "operations", "1e60").is_ok());
        let err = with("benefit_multiplier = 1e50", "it", "1e60").unwrap_err();
        assert!(err.key.ends_with("benefit_per_month") && err.line == 12, "{err}");
        assert!(err.message.contains("1e110") && err.message.contains("conflation.benefit_multiplier = 1e50"), "{err}");
        // A multiplier of 0 does not let a draw itself past the limit: the draws are kept too.
        assert!(with("benefit_multiplier = 0", "it", "1e60").unwrap().initiatives[0].is_mismatched());
        let err = with("benefit_multiplier = 0", "it", "1e200").unwrap_err();
        assert!(err.message.contains("1e200") && !err.message.contains("multiplied"), "{err}");
    }

    #[test]
    fn a_calendar_is_read_with_its_fiscal_year() {
        let with = |calendar: &str| {
            let text = format!(
                "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n{calendar}\n[[initiatives]]\nname = \"A\"\n\
                 kind = \"it\"\nbuild_cost = 1\nbuild_months = 1\nbenefit_per_month = 10\n"
            );
            Scenario::parse(&text, "t.toml")
        };
        assert_eq!(with("").unwrap().calendar, None);
        let calendar = with("[calendar]\nstart = \"2027-01\"\nfiscal_year_start = \"April\"").unwrap().calendar;
        assert_eq!(calendar, Some(Calendar::new(YearMonth { year: 2027, month: 1 }, 4)));
        let calendar = with("[calendar]\nstart = \"2026-07\"\nfiscal_year_start = 7").unwrap().calendar.unwrap();
        assert_eq!(calendar.fiscal_quarter_label(1), "FY2027 Q1");
        assert_eq!(with("[calendar]\nstart = \"2027-01\"").unwrap().calendar.unwrap().fiscal_year_start, 1);
        let err = with("[calendar]\nstart = \"2027-1\"").unwrap_err();
        assert!(err.key == "calendar.start" && err.line == 5 && err.message.contains("YYYY-MM"), "{err}");
        let err = with("[calendar]\nstart = \"2027-01\"\nfiscal_year_start = \"Aprl\"").unwrap_err();
        assert!(err.key == "calendar.fiscal_year_start" && err.message.contains("did you mean \"April\""), "{err}");
        let err = with("[calendar]\nstart = \"2027-01\"\nfiscal_year_start = 13").unwrap_err();
        assert!(err.line == 6 && err.message.contains("1 to 12"), "{err}");
    }

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }
}
