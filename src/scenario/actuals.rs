//! Actuals: the months that have happened, kept as facts by a re-forecast.
//!
//! A scenario's `[actuals]` table says how far the facts go (`through = k`,
//! a month number or, with a calendar, `"YYYY-MM"`), where the ledger is
//! (`file`, relative to the scenario file) and each initiative's state at
//! the end of month `k` (`[actuals.status]`: `live_from`, `built_in`,
//! `abandoned_in`). Parsing the scenario reads that table
//! ([`ActualsTable`]); the ledger is a separate file the application reads,
//! and [`Scenario::with_actuals`] turns it and the table into the
//! [`Actuals`] the model follows. [`Scenario::plan`] gives back the same
//! scenario without them: the plan the actuals are compared with.
//!
//! # The ledger
//!
//! A CSV file in long format, as ledgers export it: a header naming the
//! columns `month`, `initiative`, `item` and `amount` (in any order, any
//! case), then one row per amount. `item` is one of [`ITEMS`]; `month` is in
//! `1..=k`, or `YYYY-MM` with a calendar; rows with the same month,
//! initiative and item add up, and a missing one is 0. Reading is strict
//! wherever a guess would silently change the numbers:
//!
//! - fields follow RFC 4180 (an amount with a thousands separator must be
//!   quoted, `"1,250"`); a UTF-8 byte-order mark (Excel's) and blank lines
//!   (also Excel's `,,,`) are skipped;
//! - amounts are read by [`parse_money`] (`1250`, `$1,250`, `1.25k`); an
//!   empty amount is 0 (the template leaves them empty);
//! - costs (`build`, `run`, `risk_loss`) may not be negative: a ledger that
//!   writes costs as negative numbers would otherwise turn every cost into
//!   a benefit. A refund is netted into the month's amount;
//! - a benefit may be negative (a reversal, or a dis-benefit, as the model
//!   allows), and a month's `visible_benefit` must lie between 0 and its
//!   `benefit` (it is the part of the benefit that shows on the P&L);
//! - an unknown initiative or item is an error that suggests the name meant.
//!
//! # States after month k
//!
//! Each initiative gets a [`State`]: its status if given; otherwise, if its
//! `start_month` is before `k`, still building (for `k - start_month`
//! months, with the ledger's build spend so far); otherwise planned, and
//! simulated as without actuals. A still-building initiative's build time
//! and build cost are conditioned on the facts (`D > e`, `C >= spent`) by
//! truncating their distributions ([`crate::dist::Distribution::at_least`]),
//! so their streams, strata and correlations keep working; when no
//! probability is left the scenario is rejected, naming the input to
//! re-estimate and why.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use toml::{Spanned, Value};

use super::names::canonical;
use super::{Context, Initiative, Input, Scenario, ScenarioError, raw};
use crate::calendar::{Calendar, YearMonth};
use crate::dist::Distribution;
use crate::suggest::did_you_mean;
use crate::units::parse_money;

/// The items of a ledger row, in the order the template lists them.
pub const ITEMS: [&str; 5] = ["build", "run", "benefit", "visible_benefit", "risk_loss"];

/// The columns of a ledger file, in the order the template writes them.
pub const COLUMNS: [&str; 4] = ["month", "initiative", "item", "amount"];

/// Probability below which a conditioned input is taken to have none left
/// (the bound [`Distribution::new`] holds a truncation to).
const NO_PROBABILITY: f64 = 1e-12;

/// An initiative's status at the end of the last actual month, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    /// Its first live month (go-live `g = live_from - 1`).
    pub live_from: Option<u32>,
    /// The month its build finished; not live yet.
    pub built_in: Option<u32>,
    /// The month it was abandoned: no cash flow after it.
    pub abandoned_in: Option<u32>,
}

/// The `[actuals]` table of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualsTable {
    /// `k`: months `1..=k` have happened.
    pub through: u32,
    /// The ledger file as written, relative to the scenario file.
    pub file: String,
    /// Each initiative's status, in scenario order (`None`: not given).
    pub status: Vec<Option<Status>>,
    /// The scenario file, and the line and column of each initiative's
    /// `build_cost`: the ledger can show more spent than it allows.
    scenario_file: String,
    build_cost_at: Vec<(usize, usize)>,
}

/// One initiative's actual amounts in one month.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ActualMonth {
    /// Build cost.
    pub build: f64,
    /// Run cost.
    pub run: f64,
    /// Benefit.
    pub benefit: f64,
    /// The part of the benefit that shows on the P&L.
    pub visible_benefit: f64,
    /// Cost of risk events.
    pub risk_loss: f64,
}

impl ActualMonth {
    /// Build, run and risk loss together, added in that order (as the model books them).
    pub fn cost(&self) -> f64 {
        self.build + self.run + self.risk_loss
    }

    /// Benefit minus cost, as the model computes a month's net cash flow.
    pub fn net(&self) -> f64 {
        self.benefit - self.cost()
    }

    /// The amount of item `item` (an index into [`ITEMS`]).
    fn item_mut(&mut self, item: usize) -> &mut f64 {
        match item {
            0 => &mut self.build,
            1 => &mut self.run,
            2 => &mut self.benefit,
            3 => &mut self.visible_benefit,
            _ => &mut self.risk_loss,
        }
    }
}

/// What an initiative is doing at the end of the last actual month `k`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    /// No status and `start_month >= k`: simulated exactly as without actuals.
    Planned,
    /// No status and `start_month < k`: building for `elapsed = k - start_month`
    /// months so far, with `spent` (the ledger's build cost) spent.
    Building {
        /// Months of build so far.
        elapsed: u32,
        /// Build cost spent so far.
        spent: f64,
    },
    /// `built_in = month`: built, waiting for its dependencies to go live.
    Built {
        /// The month the build finished.
        month: u32,
    },
    /// `live_from = from`: live from that month on (`g = from - 1`).
    Live {
        /// The first live month.
        from: u32,
    },
    /// `abandoned_in = month`: no cash flow after it. It went live in
    /// `live_from` when given; otherwise it never went live, so its
    /// dependents cannot either.
    Abandoned {
        /// The month it was abandoned.
        month: u32,
        /// Its first live month, when it went live.
        live_from: Option<u32>,
    },
}

impl State {
    /// The state in words, e.g. "live since Mar 2027" or "building (8 months so far)".
    pub fn describe(&self, calendar: Option<&Calendar>) -> String {
        let at = |t: u32| month_label(t, calendar);
        match *self {
            State::Planned => "not started".to_string(),
            State::Building { elapsed, .. } => format!("building ({elapsed} months so far)"),
            State::Built { month } => format!("built in {}, waiting to go live", at(month)),
            State::Live { from } => format!("live since {}", at(from)),
            State::Abandoned { month, .. } => format!("abandoned in {}", at(month)),
        }
    }
}

/// The facts of a re-forecast: what the model follows in months `1..=k`
/// and how each initiative goes on after them.
#[derive(Debug, Clone)]
pub struct Actuals {
    /// `k`, the last actual month.
    pub through: u32,
    /// The ledger file as named to the user.
    pub file: String,
    /// SHA-256 of the ledger's bytes, hex.
    pub ledger_sha256: String,
    /// Each initiative's state at the end of month `k`, in scenario order.
    pub states: Vec<State>,
    /// Each initiative's actual amounts, month `t` at index `t - 1`, `k` months.
    pub months: Vec<Vec<ActualMonth>>,
    /// Things the analyst may want to check (e.g. benefit without visible benefit).
    pub notes: Vec<String>,
    /// The plan's distributions of the inputs conditioned on the facts.
    plan_inputs: Vec<(usize, Distribution)>,
}

impl Actuals {
    /// Initiative `i`'s cumulative net cash flow in months `1..=k`, as the
    /// model's running sums add it up.
    pub fn cumulative(&self, i: usize) -> Vec<f64> {
        let mut cum = 0.0;
        self.months[i]
            .iter()
            .map(|m| {
                cum += m.net();
                cum
            })
            .collect()
    }
}

/// The label of month `t`: `Aug 2027` with a calendar, `month 8` without.
pub fn month_label(t: u32, calendar: Option<&Calendar>) -> String {
    calendar.map_or_else(|| format!("month {t}"), |c| c.date(t).short_label())
}

/// How month `t` is written in a ledger: `2027-08` with a calendar, `8` without.
pub fn month_cell(t: u32, calendar: Option<&Calendar>) -> String {
    calendar.map_or_else(|| t.to_string(), |c| c.date(t).to_string())
}

/// Reads a month written as its number (`8`) or, with a calendar, as its
/// date (`2027-08`): the month number, which the caller checks against its
/// range.
pub fn parse_month(text: &str, calendar: Option<&Calendar>) -> Result<i64, String> {
    let text = text.trim();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().map_err(|_| format!("`{text}` is not a month number"));
    }
    match (calendar, YearMonth::parse(text)) {
        (Some(calendar), Ok(date)) => Ok(calendar.month_of(date)),
        (Some(_), Err(e)) => Err(format!("{e}, or a month number")),
        (None, Ok(_)) => Err(format!(
            "`{text}` is a date, but the scenario has no [calendar] to say which month it is: \
             write the month number, or add a [calendar] with `start = \"YYYY-MM\"`"
        )),
        (None, Err(_)) => Err(format!("`{text}` is not a month number")),
    }
}

/// Checks that month number `month` (as [`parse_month`] read `written`) lies
/// in `1..=last`; `last_is` names what ends the range.
fn month_within(
    month: i64,
    written: &str,
    last: u32,
    last_is: &str,
    calendar: Option<&Calendar>,
) -> Result<u32, String> {
    let written = written.trim();
    let shown = if written.contains('-') { format!("{written} (month {month})") } else { format!("month {month}") };
    if month < 1 {
        let first = calendar.map_or_else(String::new, |c| format!(" ({})", c.date(1)));
        return Err(format!("{shown} is before month 1{first}"));
    }
    if month > i64::from(last) {
        return Err(format!("{shown} is after {last_is}, month {last} ({})", month_label(last, calendar)));
    }
    Ok(month as u32)
}

/// A month of the `[actuals]` table: a whole number, or a `"YYYY-MM"` string with a calendar.
fn table_month(
    ctx: &Context,
    value: &Spanned<Value>,
    key: &str,
    last: u32,
    last_is: &str,
    calendar: Option<&Calendar>,
) -> Result<u32, ScenarioError> {
    let fail = |message: String| ctx.error(value.span(), key, message);
    let written = match value.get_ref() {
        Value::Integer(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => return Err(fail(format!("must be a month number or a \"YYYY-MM\" date, got {other}"))),
    };
    let month = parse_month(&written, calendar).map_err(fail)?;
    month_within(month, &written, last, last_is, calendar).map_err(fail)
}

/// Reads the `[actuals]` table: `through` within the horizon, a status per
/// named initiative with its months within `through`, and for each
/// initiative still building, a build time that can still exceed what it
/// has taken so far.
pub(super) fn table(
    ctx: &Context,
    raw: &Spanned<raw::RawActuals>,
    raw_initiatives: &[Spanned<raw::RawInitiative>],
    initiatives: &[Initiative],
    inputs: &[Input],
    calendar: Option<&Calendar>,
    horizon: u32,
) -> Result<ActualsTable, ScenarioError> {
    let table = raw.get_ref();
    let through = table_month(ctx, &table.through, "actuals.through", horizon, "the horizon", calendar)?;
    let file = table.file.get_ref().trim();
    if file.is_empty() {
        return Err(ctx.error(table.file.span(), "actuals.file", "must name the ledger file (CSV)"));
    }
    let mut status = vec![None; initiatives.len()];
    let mut entries: Vec<_> = table.status.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    for (name, value) in entries {
        let wanted = canonical(name.get_ref());
        let wanted = wanted.as_str();
        let Some(i) = initiatives.iter().position(|init| init.name == wanted) else {
            let names = initiatives.iter().map(|init| init.name.as_str());
            return Err(ctx.error(
                name.span(),
                "actuals.status",
                format!("no initiative is named \"{wanted}\"{}", did_you_mean(wanted, names)),
            ));
        };
        let status_key = format!("actuals.status.\"{wanted}\"");
        let key = |field: &str| format!("{status_key}.{field}");
        let raw_status = value.get_ref();
        let month = |field: &str, value: &Option<Spanned<Value>>| {
            value
                .as_ref()
                .map(|v| table_month(ctx, v, &key(field), through, "`through`, the last actual month", calendar))
                .transpose()
        };
        let read = Status {
            live_from: month("live_from", &raw_status.live_from)?,
            built_in: month("built_in", &raw_status.built_in)?,
            abandoned_in: month("abandoned_in", &raw_status.abandoned_in)?,
        };
        let fail = |message: &str| Err(ctx.error(value.span(), status_key.as_str(), message));
        match read {
            Status { live_from: None, built_in: None, abandoned_in: None } => {
                return fail("give live_from, built_in or abandoned_in");
            }
            Status { live_from: Some(_), built_in: Some(_), .. } => {
                return fail("give live_from or built_in, not both: a live initiative is built");
            }
            Status { live_from: Some(from), abandoned_in: Some(end), .. }
            | Status { built_in: Some(from), abandoned_in: Some(end), .. }
                if end < from =>
            {
                return fail("abandoned_in comes before the month it went live or was built");
            }
            _ => {}
        }
        status[i] = Some(read);
    }
    for (i, init) in initiatives.iter().enumerate() {
        let Some(elapsed) = through.checked_sub(init.start_month).filter(|&e| e > 0 && status[i].is_none()) else {
            continue;
        };
        let build_months = &inputs[init.build_months].distribution;
        if build_months.probability_beyond(f64::from(elapsed), true) <= NO_PROBABILITY {
            let value = &raw_initiatives[i].get_ref().build_months;
            return Err(ctx.error(
                value.span(),
                format!("initiatives[{i}] \"{}\".build_months", init.name),
                format!(
                    "has no status in [actuals.status], so it is still building at the end of {} \
                     ({elapsed} months after start_month {}), but its build time ({build_months}) cannot \
                     exceed {elapsed} months: the estimate is already broken. Give its status (live_from, \
                     built_in or abandoned_in) if the build is done, or re-estimate build_months",
                    month_label(through, calendar),
                    init.start_month
                ),
            ));
        }
    }
    let build_cost_at = raw_initiatives
        .iter()
        .map(|init| super::line_column(ctx.text, init.get_ref().build_cost.span().start))
        .collect();
    Ok(ActualsTable { through, file: file.to_string(), status, scenario_file: ctx.file.to_string(), build_cost_at })
}

/// A ledger read from its CSV text.
struct Ledger {
    months: Vec<Vec<ActualMonth>>,
    notes: Vec<String>,
}

/// The fields of one CSV line (RFC 4180 quoting, no line break inside a
/// field), each with its 1-based column; unquoted fields are trimmed.
fn csv_fields(line: &str) -> Result<Vec<(usize, String)>, (usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut fields = Vec::new();
    let mut at = 0;
    loop {
        while at < chars.len() && chars[at] == ' ' {
            at += 1;
        }
        let column = at + 1;
        let mut field = String::new();
        if chars.get(at) == Some(&'"') {
            at += 1;
            loop {
                match chars.get(at) {
                    None => return Err((column, "a quoted field is not closed on this line".to_string())),
                    Some('"') if chars.get(at + 1) == Some(&'"') => {
                        field.push('"');
                        at += 2;
                    }
                    Some('"') => {
                        at += 1;
                        break;
                    }
                    Some(&c) => {
                        field.push(c);
                        at += 1;
                    }
                }
            }
            while at < chars.len() && chars[at] == ' ' {
                at += 1;
            }
            if at < chars.len() && chars[at] != ',' {
                return Err((at + 1, "unexpected text after a quoted field (quote the whole field)".to_string()));
            }
        } else {
            while at < chars.len() && chars[at] != ',' {
                field.push(chars[at]);
                at += 1;
            }
            field = field.trim().to_string();
        }
        fields.push((column, field));
        if at >= chars.len() {
            return Ok(fields);
        }
        at += 1; // the comma
    }
}

/// Reads the ledger `text` of `file` for a scenario whose `[actuals]` table is `table`.
fn read_ledger(text: &str, file: &str, scenario: &Scenario, table: &ActualsTable) -> Result<Ledger, ScenarioError> {
    let error = |line: usize, column: usize, key: &str, message: String| ScenarioError {
        file: file.to_string(),
        line,
        column,
        key: key.to_string(),
        message,
    };
    let calendar = scenario.calendar.as_ref();
    let k = table.through as usize;
    let mut months = vec![vec![ActualMonth::default(); k]; scenario.initiatives.len()];
    // The line and amount column of the last row of each (initiative, month, item).
    let mut last_row: HashMap<(usize, usize, usize), (usize, usize)> = HashMap::new();
    let mut columns: Option<[usize; 4]> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let line_number = n + 1;
        let fields = csv_fields(line).map_err(|(column, m)| error(line_number, column, "", m))?;
        if fields.iter().all(|(_, f)| f.is_empty()) {
            continue;
        }
        let Some(columns) = columns else {
            columns = Some(header(&fields).map_err(|(column, m)| error(line_number, column, "header", m))?);
            continue;
        };
        if fields.len() != COLUMNS.len() {
            let column = fields.get(COLUMNS.len()).map_or(line.chars().count() + 1, |f| f.0);
            return Err(error(
                line_number,
                column,
                "",
                format!(
                    "has {} fields, the header {} (quote an amount written with commas: \"1,250\")",
                    fields.len(),
                    COLUMNS.len()
                ),
            ));
        }
        let [month_at, initiative_at, item_at, amount_at] = columns.map(|c| &fields[c]);
        let month = parse_month(&month_at.1, calendar)
            .and_then(|m| month_within(m, &month_at.1, table.through, "`through`, the last actual month", calendar))
            .map_err(|m| error(line_number, month_at.0, "month", m))?;
        let name = ledger_name(&initiative_at.1);
        let name = name.as_str();
        let Some(i) = scenario.initiative_index(name) else {
            let names = scenario.initiatives.iter().map(|init| init.name.as_str());
            return Err(error(
                line_number,
                initiative_at.0,
                "initiative",
                format!("no initiative is named \"{name}\"{}", did_you_mean(name, names)),
            ));
        };
        let item_name = item_at.1.to_lowercase();
        let Some(item) = ITEMS.iter().position(|&it| it == item_name) else {
            return Err(error(
                line_number,
                item_at.0,
                "item",
                format!(
                    "\"{}\" is not an item{}: use one of {}",
                    item_at.1,
                    did_you_mean(&item_at.1, ITEMS),
                    ITEMS.join(", ")
                ),
            ));
        };
        let amount = if amount_at.1.is_empty() {
            0.0
        } else {
            parse_money(&amount_at.1).map_err(|m| error(line_number, amount_at.0, "amount", m))?
        };
        if amount < 0.0 && ["build", "run", "risk_loss"].contains(&ITEMS[item]) {
            return Err(error(
                line_number,
                amount_at.0,
                "amount",
                format!(
                    "{} is a cost and cannot be negative, got {}: write costs as positive amounts, and net a \
                     refund into its month's amount",
                    ITEMS[item], amount_at.1
                ),
            ));
        }
        *months[i][month as usize - 1].item_mut(item) += amount;
        last_row.insert((i, month as usize, item), (line_number, amount_at.0));
    }
    if columns.is_none() {
        return Err(error(1, 1, "header", format!("the file is empty: it needs the header {}", COLUMNS.join(","))));
    }
    // Visible benefit is the part of the benefit that shows on the P&L.
    let mut keys: Vec<_> = last_row.keys().filter(|key| key.2 == 3).copied().collect();
    keys.sort_unstable();
    for (i, t, _) in keys {
        let m = months[i][t - 1];
        if !(m.benefit.min(0.0) <= m.visible_benefit && m.visible_benefit <= m.benefit.max(0.0)) {
            let (line, column) = last_row[&(i, t, 3)];
            return Err(error(
                line,
                column,
                "visible_benefit",
                format!(
                    "\"{}\" shows a visible benefit of {} in {} against a benefit of {}: the visible benefit is \
                     the part of the benefit that shows on the P&L, so it lies between 0 and the benefit",
                    scenario.initiatives[i].name,
                    m.visible_benefit,
                    month_label(t as u32, calendar),
                    m.benefit
                ),
            ));
        }
    }
    let notes = (0..scenario.initiatives.len())
        .filter(|&i| {
            let has = |item: usize| last_row.keys().any(|key| key.0 == i && key.2 == item);
            months[i].iter().any(|m| m.benefit != 0.0) && !has(3)
        })
        .map(|i| {
            format!(
                "{file} gives \"{}\" a benefit but no visible_benefit: its visible benefit in the actual months is 0",
                scenario.initiatives[i].name
            )
        })
        .collect();
    Ok(Ledger { months, notes })
}

/// The position of each column in a ledger's header row.
fn header(fields: &[(usize, String)]) -> Result<[usize; 4], (usize, String)> {
    let mut at = [usize::MAX; 4];
    for (position, (column, name)) in fields.iter().enumerate() {
        let lower = name.to_lowercase();
        let Some(c) = COLUMNS.iter().position(|&wanted| wanted == lower) else {
            return Err((
                *column,
                format!(
                    "\"{name}\" is not a column{}: the header is {}",
                    did_you_mean(name, COLUMNS),
                    COLUMNS.join(",")
                ),
            ));
        };
        if at[c] != usize::MAX {
            return Err((*column, format!("the column \"{lower}\" is named twice")));
        }
        at[c] = position;
    }
    match COLUMNS.iter().zip(at).find(|(_, position)| *position == usize::MAX) {
        Some((missing, _)) => Err((1, format!("the header has no column \"{missing}\": it is {}", COLUMNS.join(",")))),
        None => Ok(at),
    }
}

impl Scenario {
    /// The scenario as a re-forecast: its `[actuals]` table with the ledger
    /// `text` of `file` (as named to the user). Still-building initiatives'
    /// build time and cost are conditioned on the facts. An error names the
    /// ledger's line and column, or the scenario's input whose estimate the
    /// facts have already broken.
    pub fn with_actuals(&self, text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.plan();
        let Some(table) = &self.actuals_table else {
            return Err(ScenarioError {
                file: file.to_string(),
                line: 0,
                column: 0,
                key: "actuals".to_string(),
                message: "the scenario has no [actuals] table".to_string(),
            });
        };
        let ledger = read_ledger(text, file, self, table)?;
        let k = table.through;
        let mut plan_inputs = Vec::new();
        let mut states = Vec::with_capacity(self.initiatives.len());
        for (i, init) in self.initiatives.iter().enumerate() {
            let state = match table.status[i] {
                Some(Status { abandoned_in: Some(month), live_from, .. }) => State::Abandoned { month, live_from },
                Some(Status { live_from: Some(from), .. }) => State::Live { from },
                Some(Status { built_in: Some(month), .. }) => State::Built { month },
                _ if init.start_month >= k => State::Planned,
                _ => State::Building {
                    elapsed: k - init.start_month,
                    spent: ledger.months[i].iter().fold(0.0, |sum, m| sum + m.build),
                },
            };
            if let State::Building { elapsed, spent } = state {
                let cost = &self.inputs[init.build_cost].distribution;
                if cost.probability_beyond(spent, false) <= NO_PROBABILITY {
                    let (line, column) = table.build_cost_at[i];
                    return Err(ScenarioError {
                        file: table.scenario_file.clone(),
                        line,
                        column,
                        key: format!("initiatives[{i}] \"{}\".build_cost", init.name),
                        message: format!(
                            "{file} shows {spent} spent on the build by the end of {} and the build is not done \
                             (no status in [actuals.status]), but the build cost ({cost}) cannot reach that: the \
                             estimate is already broken. Re-estimate build_cost (the total, spent or still to \
                             spend), or give its status if the build is done",
                            month_label(k, self.calendar.as_ref())
                        ),
                    });
                }
                let conditioned = [(init.build_months, f64::from(elapsed)), (init.build_cost, spent)];
                for (j, at_least) in conditioned {
                    let plan = &self.inputs[j].distribution;
                    // Checked above and when the table was read: probability is left.
                    let given = plan.at_least(at_least).map_err(|message| ScenarioError {
                        file: table.scenario_file.clone(),
                        line: 0,
                        column: 0,
                        key: self.inputs[j].name.clone(),
                        message,
                    })?;
                    plan_inputs.push((j, plan.clone()));
                    scenario.inputs[j].distribution = given;
                }
            }
            states.push(state);
        }
        scenario.actuals = Some(Actuals {
            through: k,
            file: file.to_string(),
            ledger_sha256: super::hex(&Sha256::digest(text.as_bytes())),
            states,
            months: ledger.months,
            notes: ledger.notes,
            plan_inputs,
        });
        Ok(scenario)
    }

    /// The plan: the same scenario without the actuals [`Scenario::with_actuals`] added.
    pub fn plan(&self) -> Scenario {
        let mut plan = self.clone();
        if let Some(actuals) = plan.actuals.take() {
            for (j, distribution) in actuals.plan_inputs {
                plan.inputs[j].distribution = distribution;
            }
        }
        plan
    }
}

/// An initiative's name as a ledger cell holds it, in canonical form. A
/// leading `'` before `=`, `+`, `-` or `@` is not part of the name: CSV files
/// roicast writes (the template among them) put it there so that a
/// spreadsheet shows such a name as text instead of running it as a formula.
fn ledger_name(cell: &str) -> String {
    let cell = cell.trim();
    match cell.strip_prefix('\'') {
        Some(name) if name.starts_with(['=', '+', '-', '@']) => canonical(name),
        _ => canonical(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_follow_rfc_4180_quoting() {
        let fields = |line: &str| csv_fields(line).map(|f| f.into_iter().map(|(_, s)| s).collect::<Vec<_>>());
        assert_eq!(
            fields(" 3 , Invoice approval,build, \"$1,250\" ").unwrap(),
            ["3", "Invoice approval", "build", "$1,250"]
        );
        assert_eq!(fields("\"He said \"\"hi\"\"\",x").unwrap(), ["He said \"hi\"", "x"]);
        assert_eq!(fields(",,,").unwrap(), ["", "", "", ""]);
        assert_eq!(csv_fields("1,\"open").unwrap_err().0, 3);
        assert_eq!(csv_fields("1,\"a\"b,c").unwrap_err().0, 6);
        assert_eq!(csv_fields("a,bb,c").unwrap().iter().map(|f| f.0).collect::<Vec<_>>(), [1, 3, 6]);
    }

    #[test]
    fn months_are_numbers_or_dates_with_a_calendar() {
        let calendar = Calendar::new(YearMonth { year: 2027, month: 1 }, 4);
        assert_eq!(parse_month("8", None), Ok(8));
        assert_eq!(parse_month("2027-08", Some(&calendar)), Ok(8));
        assert_eq!(parse_month(" 3 ", Some(&calendar)), Ok(3));
        assert!(parse_month("2027-08", None).unwrap_err().contains("no [calendar]"));
        assert!(parse_month("Aug 2027", Some(&calendar)).unwrap_err().contains("YYYY-MM"));
        assert!(parse_month("-2", None).is_err());
        let err = month_within(9, "2027-09", 8, "`through`", Some(&calendar)).unwrap_err();
        assert_eq!(err, "2027-09 (month 9) is after `through`, month 8 (Aug 2027)");
        let err = month_within(0, "2026-12", 8, "`through`", Some(&calendar)).unwrap_err();
        assert_eq!(err, "2026-12 (month 0) is before month 1 (2027-01)");
    }
}
