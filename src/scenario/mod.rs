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

mod correlation;
mod distribution;
mod raw;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::dist::Distribution;
pub use correlation::{CorrelatedGroup, CorrelationMatrix, normal_score_correlation};

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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)
    }
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
    /// Initiatives in file order; dependencies always point to valid indices
    /// and form no cycle.
    pub initiatives: Vec<Initiative>,
    /// Every input drawn once per trial.
    pub inputs: Vec<Input>,
    /// Requested rank correlations.
    pub correlations: Vec<Correlation>,
    /// The validated correlation structure on the normal-score scale.
    pub correlation_matrix: CorrelationMatrix,
    /// SHA-256 of the file's bytes, hex.
    pub source_sha256: String,
    /// The file's text, as read (the workbook's Inputs sheet shows it).
    pub source_text: String,
}

impl Scenario {
    /// Parses and validates a scenario from its text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let ctx = Context { file, text };
        let raw: raw::RawScenario = toml::from_str(text).map_err(|e| ctx.toml_error(&e))?;
        build(raw, &ctx)
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
        let mut order = Vec::with_capacity(self.initiatives.len());
        let mut placed = vec![false; self.initiatives.len()];
        fn visit(i: usize, s: &Scenario, placed: &mut [bool], order: &mut Vec<usize>) {
            if placed[i] {
                return;
            }
            placed[i] = true;
            for &d in &s.initiatives[i].depends_on {
                visit(d, s, placed, order);
            }
            order.push(i);
        }
        for i in 0..self.initiatives.len() {
            visit(i, self, &mut placed, &mut order);
        }
        order
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

    fn toml_error(&self, e: &toml::de::Error) -> ScenarioError {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().replace("expected i64", "expected a whole number");
        // serde names the key in backticks for unknown and missing fields;
        // for a value of the wrong type, the key is the one written before it.
        let key = match message.split('`').nth(1).filter(|_| message.contains("field")) {
            Some(field) => field.to_string(),
            None => self.key_before(span.start),
        };
        self.error(span, key, message)
    }

    /// The key of the `key = value` pair whose value starts at `offset`, if any.
    fn key_before(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let line_start = self.text[..offset].rfind('\n').map_or(0, |p| p + 1);
        let before = &self.text[line_start..offset];
        let Some(eq) = before.rfind('=') else { return String::new() };
        let key = before[..eq].trim_end();
        let key = key.rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',').next().unwrap_or("");
        key.trim_matches('"').to_string()
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
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
            Domain::Probability if (lo < 0.0 || hi > 1.0) && fixed => Err(format!("must lie in [0, 1], got {lo}")),
            Domain::Probability if lo < 0.0 || hi > 1.0 => {
                Err(format!("must lie in [0, 1], but its distribution spans [{lo}, {hi}]{}", fix("`min`/`max`")))
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

fn name_of(ctx: &Context, value: &Spanned<String>, key: &str) -> Result<String, ScenarioError> {
    let name = value.get_ref().trim();
    if name.is_empty() {
        return Err(ctx.error(value.span(), key, "must not be empty"));
    }
    Ok(name.to_string())
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
    let discount_rate = number_in(ctx, &sim.discount_rate, "simulation.discount_rate", 0.0, 10.0)?;
    let sampling = match &sim.sampling {
        None => Sampling::LatinHypercube,
        Some(s) => match s.get_ref().as_str() {
            "latin-hypercube" => Sampling::LatinHypercube,
            "random" => Sampling::Random,
            other => {
                return Err(ctx.error(
                    s.span(),
                    "simulation.sampling",
                    format!("must be \"latin-hypercube\" or \"random\", got \"{other}\""),
                ));
            }
        },
    };
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
                extra_abandon_probability: get(
                    &c.extra_abandon_probability,
                    "conflation.extra_abandon_probability",
                    1.0,
                    d.extra_abandon_probability,
                )?,
            }
        }
    };
    if raw.initiatives.is_empty() {
        return Err(ctx.error(0..0, "initiatives", "the scenario needs at least one [[initiatives]] entry"));
    }

    let mut names: HashMap<String, usize> = HashMap::new();
    for (i, init) in raw.initiatives.iter().enumerate() {
        let key = format!("initiatives[{i}].name");
        let name = name_of(ctx, &init.get_ref().name, &key)?;
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
    }

    let mut inputs: Vec<Input> = Vec::new();
    let mut initiatives = Vec::with_capacity(raw.initiatives.len());
    for (i, spanned) in raw.initiatives.iter().enumerate() {
        let init = spanned.get_ref();
        let name = init.name.get_ref().trim().to_string();
        let path = |key: &str| format!("initiatives[{i}] \"{name}\".{key}");
        let kind = match init.kind.get_ref().as_str() {
            "it" => Kind::It,
            "bpa" => Kind::Bpa,
            other => {
                return Err(ctx.error(
                    init.kind.span(),
                    path("kind"),
                    format!("must be \"it\" or \"bpa\", got \"{other}\""),
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
                    format!("must be \"it\" or \"operations\", got \"{other}\""),
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
                Some(v) => {
                    let d = distribution::parse(v.get_ref()).map_err(|m| ctx.error(v.span(), path(&key), m))?;
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
            let risk_name = name_of(ctx, &risk.name, &path(&format!("risks[{r}].name")))?;
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
            let cost_per_event = distribution::parse(risk.cost_per_event.get_ref())
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
            let dep_name = dep.get_ref().trim();
            match names.get(dep_name) {
                None => {
                    return Err(ctx.error(dep.span(), key, format!("no initiative is named \"{dep_name}\"")));
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
            let wanted = end.get_ref().trim();
            let Some(index) = inputs.iter().position(|inp| inp.name == wanted) else {
                return Err(ctx.error(
                    end.span(),
                    format!("{key}.between"),
                    format!(
                        "no input is named \"{wanted}\" (use \"Initiative.input\" or \"Initiative.Risk.events_per_year\")"
                    ),
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
        Some(n) => name_of(ctx, n, "name")?,
        None => std::path::Path::new(ctx.file)
            .file_stem()
            .map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned()),
    };
    let currency = match &raw.currency {
        Some(c) => name_of(ctx, c, "currency")?,
        None => "USD".to_string(),
    };
    Ok(Scenario {
        name,
        description: raw.description.clone(),
        currency,
        simulation: Simulation { trials, horizon_months, seed, discount_rate, sampling },
        conflation,
        initiatives,
        inputs,
        correlations,
        correlation_matrix,
        source_sha256: hex(&Sha256::digest(ctx.text.as_bytes())),
        source_text: ctx.text.to_string(),
    })
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
    fn line_and_column_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }
}
