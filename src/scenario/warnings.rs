//! Warnings: what a valid scenario holds that is probably not what its author meant.
//!
//! An initiative goes live in month `g = max(s + n, g of each dependency)`
//! with `n = max(1, ceil(D))` build months, and earns only in months after
//! `g`. When `g` cannot come before the end of the horizon `H`, its figures
//! hold build cost at most (or nothing at all), never a benefit: a late
//! `start_month`, a long build or a late dependency is then almost
//! certainly a mistake, yet not an error (a plan may deliberately show work
//! that starts later). Two cases are warned about:
//!
//! - **never**: even the shortest build the distribution allows (its lower
//!   bound) and the earliest go-live of every dependency put `g` at or
//!   after `H`;
//! - **in at least half of the trials**: the median build (and the same
//!   for every dependency) puts `g` at or after `H`. Because `g` only grows
//!   with each build time, one member with a median at or after `H` is
//!   enough for `g` to reach it in half of the trials or more.
//!
//! Each warning points at the cause: `start_month`, `build_months`, or the
//! dependency in `depends_on`.

use std::fmt;
use std::ops::Range;

use toml::Spanned;

use super::{Context, Initiative, Input, raw, write_located};

/// Something valid in a scenario file that is probably not what was meant.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioWarning {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line of the value at the root of it.
    pub line: usize,
    /// 1-based column of that value.
    pub column: usize,
    /// The key of that value, as a path such as `initiatives[2] "Name".start_month`.
    pub key: String,
    /// What is probably wrong, in plain words.
    pub message: String,
}

impl fmt::Display for ScenarioWarning {
    /// `file:line:column: key: message`, like an error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, &self.file, self.line, self.column, &self.key, &self.message)
    }
}

/// The month an initiative goes live, by the rule of the model, for one
/// choice of build length, with what decided it.
#[derive(Debug, Clone, Copy)]
struct GoLive {
    /// The go-live month `g`.
    month: f64,
    /// The dependency whose go-live decided `g`, if one did.
    waits_for: Option<usize>,
}

/// The horizon warnings of validated initiatives (dependencies acyclic).
pub(super) fn horizon_warnings(
    ctx: &Context,
    raw: &raw::RawScenario,
    initiatives: &[Initiative],
    inputs: &[Input],
    horizon_months: u32,
    order: &[usize],
) -> Vec<ScenarioWarning> {
    let horizon = f64::from(horizon_months);
    let build_months = |i: usize, quantile: f64| {
        let months = inputs[initiatives[i].build_months].distribution.quantile(quantile);
        months.ceil().max(1.0)
    };
    let earliest = go_live(initiatives, order, |i| build_months(i, 0.0));
    let median = go_live(initiatives, order, |i| build_months(i, 0.5));
    let mut warnings = Vec::new();
    for (i, init) in initiatives.iter().enumerate() {
        let (go_live, never) = if earliest[i].month >= horizon {
            (earliest[i], true)
        } else if median[i].month >= horizon {
            (median[i], false)
        } else {
            continue;
        };
        let raw_init = raw.initiatives[i].get_ref();
        let whole = raw.initiatives[i].span();
        let key = |k: &str| format!("initiatives[{i}] \"{}\".{k}", init.name);
        let start = init.start_month;
        let first_live = go_live.month + 1.0;
        let only_build = if never { ": only build cost falls in the horizon" } else { "" };
        let (span, key, why): (Range<usize>, String, String) = if let Some(j) = go_live.waits_for {
            let position = init.depends_on.iter().position(|&d| d == j).unwrap_or(0);
            let span = raw_init.depends_on.get(position).map_or(whole, Spanned::span);
            let when = if never { "at the earliest" } else { "or later in at least half of the trials" };
            let dependency = &initiatives[j].name;
            let why = format!(
                "it waits for \"{dependency}\", whose first live month is month {first_live} {when}{only_build}"
            );
            (span, key("depends_on"), why)
        } else if f64::from(start) >= horizon {
            let span = raw_init.start_month.as_ref().map_or(whole, Spanned::span);
            let why = format!("work starts after month {start}, so none of its cash flows falls in the horizon");
            (span, key("start_month"), why)
        } else {
            let months = go_live.month - f64::from(start);
            let build = if never { "its shortest build" } else { "its median build" };
            let after = if start > 0 { format!(" after month {start}") } else { String::new() };
            let why = format!(
                "{build} takes {months} whole months{after}, so its first live month would be month {first_live}{only_build}"
            );
            (raw_init.build_months.span(), key("build_months"), why)
        };
        let when = if never { "" } else { "in at least half of the trials it " };
        let message = format!("{when}cannot go live within the {horizon_months}-month horizon: {why}");
        warnings.push(ctx.warning(span, key, message));
    }
    warnings
}

/// The go-live month of every initiative with `build(i)` whole build months,
/// visiting them in dependency `order`.
fn go_live(initiatives: &[Initiative], order: &[usize], build: impl Fn(usize) -> f64) -> Vec<GoLive> {
    let mut out = vec![GoLive { month: 0.0, waits_for: None }; initiatives.len()];
    for &i in order {
        let init = &initiatives[i];
        let mut best = GoLive { month: f64::from(init.start_month) + build(i), waits_for: None };
        for &j in &init.depends_on {
            if out[j].month > best.month {
                best = GoLive { month: out[j].month, waits_for: Some(j) };
            }
        }
        out[i] = best;
    }
    out
}
