//! From TOML text to the raw scenario, with errors a person can act on.
//!
//! The text is parsed into a TOML document that keeps the span of every key
//! and value, recovering past syntax errors. Every key is then checked
//! against the scenario format ([`TOP`]): an unknown key or table is
//! reported at its own line, with the closest known name ("did you mean") or
//! the table it belongs in. Of the first syntax error and the first unknown
//! key, the one earlier in the file is reported: a mistyped `[[initiative]]`
//! followed by `[[initiatives.risks]]` makes the next `[[initiatives]]` a
//! duplicate key, and the typo, not the duplicate, is the mistake. A
//! syntax error on what a person would write but TOML cannot read, an
//! unquoted percentage (`9%`) or amount (`250k`), says how to write it.
//!
//! Only a document with neither is handed to serde ([`raw`](super::raw)),
//! whose errors (a missing key, a value of the wrong type) are worded for
//! people too.

use std::ops::Range;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::{Context, ScenarioError, raw};
use crate::suggest::closest;
use crate::units::{Written, parse_money, parse_number_or_percent, percent_hint};

/// A table of the scenario format: the keys it holds and the tables in it.
pub(super) struct TableFormat {
    /// Its dotted path (`initiatives.risks`), empty for the top of the file.
    path: &'static str,
    /// How the table is written, for messages: `[[initiatives.risks]]`.
    header: &'static str,
    /// Keys holding a value (a distribution is one value).
    keys: &'static [&'static str],
    /// Keys holding a table or an array of tables.
    tables: &'static [&'static TableFormat],
    /// Whether the file holds any number of these tables (`[[…]]`) or one (`[…]`).
    many: bool,
}

impl TableFormat {
    /// The table's own key in its parent: the last part of its path.
    fn key(&self) -> &'static str {
        self.path.rsplit('.').next().unwrap_or(self.path)
    }

    /// Every key this table accepts: values and tables.
    fn names(&self) -> impl Iterator<Item = &'static str> {
        self.keys.iter().copied().chain(self.tables.iter().map(|t| t.key()))
    }

    /// Every table of the format, this one first.
    fn all(&'static self) -> Vec<&'static TableFormat> {
        let mut out = vec![self];
        for table in self.tables {
            out.extend(table.all());
        }
        out
    }
}

static RISK: TableFormat = TableFormat {
    path: "initiatives.risks",
    header: "[[initiatives.risks]]",
    keys: &["name", "events_per_year", "cost_per_event", "benefit_pause_months", "abandon_probability"],
    tables: &[],
    many: true,
};

static INITIATIVE: TableFormat = TableFormat {
    path: "initiatives",
    header: "[[initiatives]]",
    keys: &[
        "name",
        "kind",
        "owner",
        "start_month",
        "build_cost",
        "build_months",
        "run_cost_per_month",
        "benefit_per_month",
        "ramp_months",
        "pnl_visibility",
        "depends_on",
        "run_cost_escalation",
        "benefit_escalation",
    ],
    tables: &[&RISK],
    many: true,
};

static SIMULATION: TableFormat = TableFormat {
    path: "simulation",
    header: "[simulation]",
    keys: &[
        "trials",
        "horizon_months",
        "seed",
        "discount_rate",
        "sampling",
        "run_cost_escalation",
        "benefit_escalation",
    ],
    tables: &[],
    many: false,
};

static CONFLATION: TableFormat = TableFormat {
    path: "conflation",
    header: "[conflation]",
    keys: &["benefit_multiplier", "risk_rate_multiplier", "extra_abandon_probability"],
    tables: &[],
    many: false,
};

static CORRELATION: TableFormat = TableFormat {
    path: "correlations",
    header: "[[correlations]]",
    keys: &["between", "rank_correlation"],
    tables: &[],
    many: true,
};

static CALENDAR: TableFormat = TableFormat {
    path: "calendar",
    header: "[calendar]",
    keys: &["start", "fiscal_year_start"],
    tables: &[],
    many: false,
};

/// `[actuals]`: its `status` table is keyed by initiative names, which
/// the scenario checks against its initiatives (serde, its status keys).
static ACTUALS: TableFormat = TableFormat {
    path: "actuals",
    header: "[actuals]",
    keys: &["through", "file", "status"],
    tables: &[],
    many: false,
};

static ALTERNATIVES: TableFormat = TableFormat {
    path: "alternatives",
    header: "[[alternatives]]",
    keys: &["name", "members"],
    tables: &[],
    many: true,
};

/// The scenario format, from the top of the file. `raw` mirrors it with
/// serde; a test checks that the two agree.
pub(super) static TOP: TableFormat = TableFormat {
    path: "",
    header: "the top of the file, above the first table",
    keys: &["name", "description", "currency"],
    tables: &[&SIMULATION, &CONFLATION, &CALENDAR, &INITIATIVE, &CORRELATION, &ALTERNATIVES, &ACTUALS],
    many: false,
};

/// Parses the text into the raw scenario, or the first mistake in it.
pub(super) fn parse(ctx: &Context) -> Result<raw::RawScenario, ScenarioError> {
    let (document, syntax_errors) = DeTable::parse_recoverable(ctx.text);
    let mut key_errors = Vec::new();
    check_table(ctx, document.get_ref(), &TOP, "", &mut key_errors);
    let first_key_error = key_errors.into_iter().min_by_key(|e| e.0);
    let first_syntax = syntax_errors.iter().min_by_key(|e| e.span().map_or(0, |s| s.start));
    match (first_key_error, first_syntax) {
        (Some((at, _)), Some(syntax)) if syntax.span().is_some_and(|s| s.start < at) => Err(syntax_error(ctx, syntax)),
        (Some((_, error)), _) => Err(error),
        (None, Some(syntax)) => Err(syntax_error(ctx, syntax)),
        (None, None) => {
            raw::RawScenario::deserialize(toml::de::Deserializer::from(document)).map_err(|e| serde_error(ctx, &e))
        }
    }
}

/// Collects the errors of the keys of `table` (read as `format`, at key
/// path `path`) and of the tables in it, each with its offset in the text:
/// unknown keys and tables, and tables written with the wrong brackets.
fn check_table(
    ctx: &Context,
    table: &DeTable,
    format: &'static TableFormat,
    path: &str,
    key_errors: &mut Vec<(usize, ScenarioError)>,
) {
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let key_path = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        if format.keys.contains(&name) {
            continue;
        }
        let Some(nested) = format.tables.iter().find(|t| t.key() == name) else {
            let span = key.span();
            let message = unknown_key_message(ctx, name, value.get_ref(), span.clone(), format);
            key_errors.push((span.start, ctx.error(span, key_path, message)));
            continue;
        };
        // `[initiatives]` for `[[initiatives]]`, or `[[simulation]]` for `[simulation]`.
        let header = line_before(ctx.text, key.span().start).trim_start();
        let brackets = match value.get_ref() {
            DeValue::Table(_) if nested.many && header.starts_with('[') => {
                Some("with double brackets, one table per entry")
            }
            DeValue::Array(_) if !nested.many && header.starts_with("[[") => {
                Some("with single brackets: the file has one such table")
            }
            _ => None,
        };
        if let Some(how) = brackets {
            let span = key.span();
            key_errors.push((span.start, ctx.error(span, key_path, format!("write {} {how}", nested.header))));
            continue;
        }
        match value.get_ref() {
            DeValue::Table(inner) => check_table(ctx, inner, nested, &key_path, key_errors),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        check_table(ctx, inner, nested, &format!("{key_path}[{i}]"), key_errors);
                    }
                }
            }
            // A value of the wrong type is serde's to report.
            _ => {}
        }
    }
}

/// "unknown key `x` in [simulation] (did you mean `y`?)", or where the key belongs.
fn unknown_key_message(ctx: &Context, name: &str, value: &DeValue, span: Range<usize>, format: &TableFormat) -> String {
    let before = line_before(ctx.text, span.start).trim_start();
    let dotted = if format.path.is_empty() { name.to_string() } else { format!("{}.{name}", format.path) };
    let (what, shown) = if before.starts_with("[[") {
        ("table", format!("[[{dotted}]]"))
    } else if before.starts_with('[') {
        ("table", format!("[{dotted}]"))
    } else if matches!(value, DeValue::Table(_)) {
        ("table", format!("`{name}`"))
    } else {
        ("key", format!("`{name}`"))
    };
    // A header shows where the table is; a key is placed by its table.
    let header = shown.starts_with('[');
    let place = if format.path.is_empty() || header { String::new() } else { format!(" in {}", format.header) };
    let mut message = format!("unknown {what} {shown}{place}");
    if let Some(near) = closest(name, format.names()) {
        let near_shown = match format.tables.iter().find(|t| t.key() == near) {
            Some(table) if what == "table" => table.header.to_string(),
            _ => format!("`{near}`"),
        };
        message.push_str(&format!(" (did you mean {near_shown}?)"));
    } else if let Some(home) = TOP.all().into_iter().find(|t| t.names().any(|n| n == name)) {
        let place = if home.path.is_empty() { "at" } else { "in" };
        message.push_str(&format!("; `{name}` belongs {place} {}", home.header));
        if format.path.starts_with(home.path) && !home.path.is_empty() {
            message.push_str(&format!(
                ": keys after a {} header belong to it, so write `{name}` above the first one",
                format.header
            ));
        }
    } else {
        let known: Vec<&str> = format.names().collect();
        message.push_str(&format!(" (expected one of {})", known.join(", ")));
    }
    message
}

/// A TOML syntax error, with advice for a percentage or an amount written without quotes.
fn syntax_error(ctx: &Context, e: &toml::de::Error) -> ScenarioError {
    let span = e.span().unwrap_or(0..0);
    let key = key_before(ctx.text, span.start);
    let message = e.message().trim();
    let message = match unquoted_value_hint(ctx.text, span.start) {
        Some(hint) => hint,
        None if message == "duplicate key" => {
            let written = ctx.text.get(span.clone()).unwrap_or_default().trim();
            if line_before(ctx.text, span.start).trim_start().starts_with('[') {
                format!("the table `{written}` is already defined above (each [table] is written once)")
            } else {
                format!("duplicate key `{written}`: it is already set above in the same table")
            }
        }
        None => message.to_string(),
    };
    ctx.error(span, key, message)
}

/// serde's error about the document's shape: a missing key, a value of the wrong type.
fn serde_error(ctx: &Context, e: &toml::de::Error) -> ScenarioError {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().replace("expected i64", "expected a whole number");
    // serde names the key in backticks for missing fields; for a value of
    // the wrong type, the key is the one written before it.
    let key = match message.split('`').nth(1).filter(|_| message.contains("field")) {
        Some(field) => field.to_string(),
        None => key_before(ctx.text, span.start),
    };
    ctx.error(span, key, message)
}

/// The key of the `key = value` pair whose value starts at `offset`, if any.
fn key_before(text: &str, offset: usize) -> String {
    let before = line_before(text, offset);
    let Some(eq) = before.rfind('=') else { return String::new() };
    let key = before[..eq].trim_end();
    let key = key.rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',').next().unwrap_or("");
    key.trim_matches('"').to_string()
}

/// The text of the line of `offset`, up to `offset`.
fn line_before(text: &str, offset: usize) -> &str {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    &text[line_start..offset]
}

/// The largest char boundary of `text` at or before `offset`.
pub(super) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// What to write instead of a value TOML cannot read at `offset` that a
/// person would write: `9%` (a percentage) or `250k`, `$250,000` (an amount).
fn unquoted_value_hint(text: &str, offset: usize) -> Option<String> {
    let rest = &text[floor_char_boundary(text, offset)..];
    let line = rest.split(['\n', '#']).next().unwrap_or("").trim();
    // A value in an array or an inline table ends at the next separator.
    let item = line.split([',', ']', '}']).next().unwrap_or("").trim();
    [line, item].into_iter().filter(|v| !v.is_empty()).find_map(|value| {
        if let Ok(Written::Percent(_)) = parse_number_or_percent(value) {
            let number = value.trim_end_matches('%').trim_end();
            let whole: f64 = number.parse().ok()?;
            Some(format!("a percentage must be in quotes in TOML: {}", percent_hint(whole)))
        } else {
            let amount = parse_money(value).ok()?;
            Some(format!("`{value}` is not a TOML number: write amounts as plain numbers, e.g. {amount}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the format is one `raw` accepts, and the other way round:
    /// serde's "expected one of" list for an unknown key of each table is the
    /// format's list.
    #[test]
    fn the_format_is_what_serde_reads() {
        let minimal = "[simulation]\nhorizon_months = 1\ndiscount_rate = 0\n\
                       [[initiatives]]\nname = \"A\"\nkind = \"it\"\nbuild_cost = 1\nbuild_months = 1\n\
                       benefit_per_month = 1\n[[initiatives.risks]]\nname = \"R\"\nevents_per_year = 1\n\
                       cost_per_event = 1\n[[correlations]]\nbetween = []\nrank_correlation = 0\n[conflation]\n\
                       [calendar]\nstart = \"2027-01\"\n[[alternatives]]\nmembers = []\n\
                       [actuals]\nthrough = 1\nfile = \"a.csv\"\n";
        for table in TOP.all() {
            // An unknown key at the end of the table's own section.
            let header = table.header;
            let text = if table.path.is_empty() {
                format!("zz_unknown = 1\n{minimal}")
            } else {
                minimal.replacen(&format!("{header}\n"), &format!("{header}\nzz_unknown = 1\n"), 1)
            };
            let err = toml::from_str::<raw::RawScenario>(&text).err().unwrap_or_else(|| panic!("{header}: accepted"));
            // serde lists them in backticks after "expected" ("one of `a`, `b`" or "`a` or `b`").
            let after = err.message().split("expected").nth(1).unwrap_or("");
            let mut listed: Vec<&str> = after.split('`').skip(1).step_by(2).collect();
            let mut expected: Vec<&str> = table.names().collect();
            listed.sort_unstable();
            expected.sort_unstable();
            assert_eq!(listed, expected, "{header}: {}", err.message());
        }
    }

    #[test]
    fn values_people_write_get_advice() {
        assert_eq!(
            unquoted_value_hint("discount_rate = 9%\n", 16).as_deref(),
            Some("a percentage must be in quotes in TOML: did you mean 0.09 or \"9%\"?")
        );
        assert!(unquoted_value_hint("x = { uniform = [20%, 40%] }", 17).unwrap().contains("0.2 or \"20%\""));
        assert!(unquoted_value_hint("build_cost = $250,000 # note", 13).unwrap().contains("250000"));
        assert!(unquoted_value_hint("build_cost = [60k, 90k]", 14).unwrap().contains("60000"));
        assert_eq!(unquoted_value_hint("kind = it", 7), None);
    }
}
