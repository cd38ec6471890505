//! Gates: conditions on a run's summary figures that make `roicast run` fail.
//!
//! `roicast run --fail-if CONDITION` (repeatable) turns a forecast into a
//! check a pipeline can act on: the run writes its outputs as usual, then
//! exits with [`TRIPPED_EXIT_CODE`] when any condition holds.
//!
//! # Grammar
//!
//! ```text
//! condition := [set "."] figure op threshold
//! set       := name | '"' any text without '"' '"'
//! figure    := name ("." name)*
//! name      := one or more of A-Z a-z 0-9 _ -
//! op        := "<" | "<=" | ">" | ">=" | "==" | "!="
//! threshold := a number (0.1, -250000, 1e6), a percentage (10%) or an
//!              amount of money (-250k, 1.2M, $250,000), optionally in quotes
//! ```
//!
//! Blanks around `op` are optional. A figure is any numeric key of a set's
//! entry in `summary.json`, nested keys joined by dots (`npv.p10`,
//! `prob_npv_negative`, `payback_month_p50`); text fields (`kind`, `owner`)
//! are not figures. The set defaults to `portfolio`; a set whose name has
//! blanks or dots is quoted: `"Invoice approval".npv.mean < 0`. An unquoted
//! first name is read as a figure of the portfolio when the portfolio has
//! such a figure, and as a set otherwise (`it.npv.mean < 0`). Thresholds are
//! read by [`crate::units`]: `10%` is 0.1, `-250k` is −250,000.
//!
//! Conditions are parsed when the command line is ([`Gate::from_str`]), and
//! their sets and figures are checked against the scenario before any
//! simulation ([`Gate::resolve`] with [`GateNames`]): the sets are those the
//! scenario reports, the figures those of the shape `summary.json` gives a
//! set ([`crate::export::set_templates`]), so they match that file exactly
//! and cannot drift from it. A misspelled set or figure is refused at once,
//! with the closest name ([`crate::suggest`]) and the list of those that
//! exist. After the run, a [`Target`] reads its figure from the very value
//! written to `summary.json`.
//!
//! # Missing figures
//!
//! A payback figure that is `null` because more than half the trials never
//! pay back is read as "never", later than every month:
//! `payback_month_p50 > 24` holds. Any other `null` figure (an ROI of a set
//! without cost, a payback of a set with no cash flow in any trial) cannot
//! be checked, and a gate that cannot be checked counts as tripped: a safety
//! check must not pass silently.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::scenario::Scenario;
use crate::suggest::did_you_mean;
use crate::units::{parse_money, parse_number_or_percent};

/// Exit code of `roicast run` when a gate holds.
pub const TRIPPED_EXIT_CODE: i32 = 3;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
}

impl Operator {
    /// Every operator, two-character ones first (so `<=` is not read as `<`).
    const ALL: [Operator; 6] = [
        Operator::LessOrEqual,
        Operator::GreaterOrEqual,
        Operator::Equal,
        Operator::NotEqual,
        Operator::Less,
        Operator::Greater,
    ];

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
        }
    }

    /// Whether `value op threshold` is true.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Operator::Less => value < threshold,
            Operator::LessOrEqual => value <= threshold,
            Operator::Greater => value > threshold,
            Operator::GreaterOrEqual => value >= threshold,
            Operator::Equal => value == threshold,
            Operator::NotEqual => value != threshold,
        }
    }
}

/// One `--fail-if` condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The set named in quotes, when one was.
    pub quoted_set: Option<String>,
    /// The dotted names after the quoted set, or the whole unquoted path.
    pub path: Vec<String>,
    /// The comparison.
    pub operator: Operator,
    /// The number compared with.
    pub threshold: f64,
    /// The threshold as written (`10%`, `-250k`), to show it back.
    pub threshold_text: String,
}

/// The figure a gate names, checked against a scenario: a set it reports
/// and a numeric figure of that set.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The set.
    pub set: String,
    /// The figure's keys within the set's entry (`["npv", "p10"]`).
    pub figure: Vec<String>,
}

/// A gate's figure as read from a summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The set the figure belongs to.
    pub set: String,
    /// The figure's dotted name within the set.
    pub figure: String,
    /// Its value; `None` when it is `null` and cannot be read as a number.
    pub value: Option<f64>,
}

/// What gates can name in a run of a scenario: each set it reports, with the
/// entry `summary.json` will give it (every figure present).
#[derive(Debug, Clone, PartialEq)]
pub struct GateNames {
    sets: Vec<(String, Value)>,
}

impl GateNames {
    /// The sets and figures of a run of `scenario`, known before any trial.
    pub fn of(scenario: &Scenario) -> Result<GateNames, String> {
        let sets = crate::export::set_templates(scenario).map_err(|e| e.to_string())?;
        Ok(GateNames { sets })
    }

    /// The entry of the set with this name.
    fn entry(&self, set: &str) -> Option<&Value> {
        self.sets.iter().find(|(name, _)| name == set).map(|(_, entry)| entry)
    }

    /// The sets' names, in report order.
    fn set_names(&self) -> impl Iterator<Item = &str> + Clone {
        self.sets.iter().map(|(name, _)| name.as_str())
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set) = &self.quoted_set {
            write!(f, "\"{set}\".")?;
        }
        write!(f, "{} {} {}", self.path.join("."), self.operator.as_str(), self.threshold_text)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

const GRAMMAR_HINT: &str = "expected `[set.]figure OP threshold`, e.g. `prob_npv_negative > 10%`, `it.npv.p10 < -250k` \
or `\"Invoice approval\".npv.mean < 0`, with OP one of < <= > >= == !=";

/// Reads a threshold: a number, a percentage or an amount of money, in
/// quotes or not.
fn parse_threshold(text: &str) -> Option<f64> {
    let unquoted = ['\'', '"'].iter().find_map(|&q| text.strip_prefix(q)?.strip_suffix(q)).unwrap_or(text);
    parse_number_or_percent(unquoted).map(|written| written.value()).or_else(|_| parse_money(unquoted)).ok()
}

impl FromStr for Gate {
    type Err = String;

    /// Parses a condition; the error says what is wrong and shows the grammar.
    fn from_str(text: &str) -> Result<Gate, String> {
        let fail = |what: String| Err(format!("bad condition `{text}`: {what}; {GRAMMAR_HINT}"));
        let mut rest = text.trim();
        let mut quoted_set = None;
        if let Some(after_quote) = rest.strip_prefix('"') {
            let Some(end) = after_quote.find('"') else {
                return fail("the quoted set name has no closing quote".into());
            };
            let name = &after_quote[..end];
            if name.is_empty() {
                return fail("the quoted set name is empty".into());
            }
            quoted_set = Some(name.to_string());
            let Some(after_set) = after_quote[end + 1..].strip_prefix('.') else {
                return fail("a quoted set name must be followed by `.` and a figure".into());
            };
            rest = after_set;
        }
        let path_end = rest.find(|c: char| !(is_name_char(c) || c == '.')).unwrap_or(rest.len());
        let (path_text, after_path) = rest.split_at(path_end);
        if path_text.is_empty() {
            return fail("no figure name".into());
        }
        let path: Vec<String> = path_text.split('.').map(str::to_string).collect();
        if path.iter().any(String::is_empty) {
            return fail(format!("`{path_text}` has an empty name between dots"));
        }
        let after_path = after_path.trim_start();
        let Some(operator) = Operator::ALL.into_iter().find(|op| after_path.starts_with(op.as_str())) else {
            return fail(if after_path.is_empty() {
                "no operator".into()
            } else {
                format!("`{after_path}` does not start with an operator")
            });
        };
        let threshold_text = after_path[operator.as_str().len()..].trim();
        if threshold_text.is_empty() {
            return fail("no threshold after the operator".into());
        }
        let Some(threshold) = parse_threshold(threshold_text) else {
            return fail(format!(
                "`{threshold_text}` is not a number, a percentage (10%) or an amount of money (-250k, $250,000)"
            ));
        };
        Ok(Gate { quoted_set, path, operator, threshold, threshold_text: threshold_text.to_string() })
    }
}

impl Gate {
    /// Checks the gate's set and figure against what a run of the scenario
    /// will report; the error names what is unknown, the closest name, and
    /// what exists.
    pub fn resolve(&self, names: &GateNames) -> Result<Target, String> {
        let (set, figure): (&str, &[String]) = match &self.quoted_set {
            Some(set) => (set, &self.path),
            None => {
                // A first name that is not a figure of the portfolio names a
                // set: one that exists, or, followed by a figure, a misspelled one.
                let first = self.path[0].as_str();
                let portfolio_has = |key: &str| names.entry("portfolio").is_some_and(|p| p.get(key).is_some());
                let names_set = self.path.len() > 1
                    && !portfolio_has(first)
                    && (names.entry(first).is_some() || portfolio_has(&self.path[1]));
                if names_set { (first, &self.path[1..]) } else { ("portfolio", &self.path) }
            }
        };
        let Some(entry) = names.entry(set) else {
            let sets: Vec<String> = names.set_names().map(|k| format!("\"{k}\"")).collect();
            return Err(format!(
                "`{self}`: no set named \"{set}\"{}; the sets are {}",
                did_you_mean(set, names.set_names()),
                sets.join(", ")
            ));
        };
        let figures = numeric_figures(entry);
        let figure_name = figure.join(".");
        let listed = || listing(&figures);
        let mut value = entry;
        for key in figure {
            value = match value.get(key) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "`{self}`: set \"{set}\" has no figure `{figure_name}`{}; its figures are {}",
                        did_you_mean(&figure_name, figures.iter().map(String::as_str)),
                        listed()
                    ));
                }
            };
        }
        match value {
            Value::Number(_) => Ok(Target { set: set.to_string(), figure: figure.to_vec() }),
            Value::Object(_) => {
                let within: Vec<&str> =
                    figures.iter().map(String::as_str).filter(|f| f.starts_with(&format!("{figure_name}."))).collect();
                Err(format!("`{self}`: `{figure_name}` of set \"{set}\" is a group; name one of {}", within.join(", ")))
            }
            _ => Err(format!(
                "`{self}`: `{figure_name}` of set \"{set}\" is not a numeric figure (gates compare numbers); \
                 its figures are {}",
                listed()
            )),
        }
    }

    /// Whether the gate trips on a reading: the condition holds, or the
    /// figure is undefined and cannot be checked.
    pub fn trips(&self, reading: &Reading) -> bool {
        reading.value.is_none_or(|v| self.operator.holds(v, self.threshold))
    }
}

impl Target {
    /// Reads the figure from a `summary.json` value. A `null` payback month
    /// of a set that has a cash flow in some trial is "never" (infinity); any
    /// other `null`, or a figure missing, is undefined (`None`).
    pub fn read(&self, summary: &Value) -> Reading {
        let entry = summary.get("sets").and_then(|sets| sets.get(&self.set));
        let value = entry.and_then(|entry| self.figure.iter().try_fold(entry, |value, key| value.get(key)));
        let has_cash_flow =
            entry.and_then(|e| e.get("prob_no_cash_flow")).and_then(Value::as_f64).is_some_and(|p| p < 1.0);
        let is_payback_month = self.figure.last().is_some_and(|k| k.contains("payback_month"));
        let value = match value {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::Null) if is_payback_month && has_cash_flow => Some(f64::INFINITY),
            _ => None,
        };
        Reading { set: self.set.clone(), figure: self.figure.join("."), value }
    }
}

/// Figures for people, a group's on one entry:
/// `npv.{mean, sd}, prob_npv_negative`.
fn listing(figures: &[String]) -> String {
    let mut entries: Vec<(String, Vec<&str>)> = Vec::new();
    for figure in figures {
        match figure.split_once('.') {
            Some((group, key)) => match entries.last_mut() {
                Some((last, keys)) if last == group && !keys.is_empty() => keys.push(key),
                _ => entries.push((group.to_string(), vec![key])),
            },
            None => entries.push((figure.clone(), Vec::new())),
        }
    }
    let entries: Vec<String> = entries
        .into_iter()
        .map(|(group, keys)| if keys.is_empty() { group } else { format!("{group}.{{{}}}", keys.join(", ")) })
        .collect();
    entries.join(", ")
}

/// The dotted names of every numeric leaf under a set's entry.
fn numeric_figures(entry: &Value) -> Vec<String> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    walk(&name, v, out);
                }
            }
            Value::Number(_) => out.push(prefix.to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", entry, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gate(text: &str) -> Gate {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_the_documented_forms() {
        let g = gate("prob_npv_negative > 0.1");
        assert_eq!(
            (g.quoted_set, g.path, g.operator, g.threshold),
            (None, vec!["prob_npv_negative".into()], Operator::Greater, 0.1)
        );
        let g = gate("it.npv.p10<=-5e3");
        assert_eq!((g.path.len(), g.operator, g.threshold), (3, Operator::LessOrEqual, -5000.0));
        let g = gate(" \"Invoice approval\".npv.mean != 0 ");
        assert_eq!(g.quoted_set.as_deref(), Some("Invoice approval"));
        assert_eq!(g.path, vec!["npv", "mean"]);
        assert_eq!(g.to_string(), "\"Invoice approval\".npv.mean != 0");
    }

    #[test]
    fn thresholds_take_percentages_and_money() {
        for (text, threshold) in [
            ("prob_npv_negative > 10%", 0.1),
            ("prob_npv_negative > 12.5 %", 0.125),
            ("npv.p10 < -250k", -250_000.0),
            ("npv.p10 < '$250,000'", 250_000.0),
            ("npv.p10 < \"-$1.2M\"", -1_200_000.0),
            ("npv.mean >= 1,500", 1500.0),
        ] {
            assert_eq!(gate(text).threshold, threshold, "{text}");
        }
        // Shown back as written.
        assert_eq!(gate("npv.p10 < -250k").to_string(), "npv.p10 < -250k");
    }

    #[test]
    fn rejects_bad_grammar() {
        for bad in [
            "",
            "npv.mean",
            "npv.mean <",
            "npv.mean < abc",
            "npv..mean < 0",
            "< 3",
            "npv.mean = 3",
            "\"Invoice approval.npv.mean < 0",
            "\"Invoice approval\" npv.mean < 0",
            "npv.mean < inf",
            "npv.mean < 1 2",
            "npv.mean < 1,5",
            "npv.mean < '5",
        ] {
            let err = bad.parse::<Gate>().expect_err(bad);
            assert!(err.contains("expected `[set.]figure OP threshold`"), "{err}");
        }
    }

    fn names() -> GateNames {
        let text = "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n\
            [[initiatives]]\nname = \"Invoice approval\"\nkind = \"bpa\"\nbuild_cost = 1\nbuild_months = 1\n\
            benefit_per_month = 5\n";
        GateNames::of(&Scenario::parse(text, "t.toml").unwrap()).unwrap()
    }

    fn resolve(text: &str) -> Result<Target, String> {
        gate(text).resolve(&names())
    }

    fn target(set: &str, figure: &str) -> Target {
        Target { set: set.into(), figure: figure.split('.').map(String::from).collect() }
    }

    #[test]
    fn gates_name_the_sets_and_numeric_figures_of_summary_json() {
        assert_eq!(resolve("npv.p10 < 0"), Ok(target("portfolio", "npv.p10")));
        assert_eq!(resolve("it.npv.mean < 0"), Ok(target("it", "npv.mean")));
        assert_eq!(resolve("\"Invoice approval\".roi.p50 < 0"), Ok(target("Invoice approval", "roi.p50")));
        assert_eq!(resolve("prob_no_cash_flow > 0"), Ok(target("portfolio", "prob_no_cash_flow")));
        assert_eq!(resolve("bpa.payback_month_p50 > 24"), Ok(target("bpa", "payback_month_p50")));
    }

    #[test]
    fn text_fields_and_groups_are_not_figures() {
        for text in ["kind == 1", "members == 1", "\"Invoice approval\".owner == 1", "it.mismatched == 0"] {
            let err = resolve(text).expect_err(text);
            assert!(err.contains("not a numeric figure") || err.contains("has no figure"), "{err}");
            assert!(err.contains("npv.{mean, sd, se, p5,") && err.contains("prob_npv_negative"), "{err}");
            assert!(!err.contains(", kind") && !err.contains(", members"), "{err}");
        }
        assert!(resolve("kind == 1").unwrap_err().contains("`kind` of set \"portfolio\" is not a numeric figure"));
        let err = resolve("npv < 0").unwrap_err();
        assert!(err.contains("is a group; name one of npv.mean, npv.sd"), "{err}");
    }

    #[test]
    fn misspelled_sets_and_figures_get_the_closest_name() {
        let err = resolve("npv.p11 < 0").unwrap_err();
        assert!(err.contains("has no figure `npv.p11` (did you mean \"npv.p10\"?)"), "{err}");
        let err = resolve("prob_npv_negativ > 10%").unwrap_err();
        assert!(err.contains("(did you mean \"prob_npv_negative\"?)"), "{err}");
        let err = resolve("\"Invoce approval\".npv.mean < 0").unwrap_err();
        assert!(err.contains("no set named \"Invoce approval\" (did you mean \"Invoice approval\"?)"), "{err}");
        assert!(err.contains("the sets are \"portfolio\", \"it\", \"bpa\", \"Invoice approval\""), "{err}");
        let err = resolve("bpaa.npv.mean < 0").unwrap_err();
        assert!(err.contains("no set named \"bpaa\" (did you mean \"bpa\"?)"), "{err}");
        // Nothing close: no suggestion, but the list.
        let err = resolve("\"Payroll\".npv.mean < 0").unwrap_err();
        assert!(!err.contains("did you mean") && err.contains("the sets are"), "{err}");
    }

    #[test]
    fn reads_figures_from_the_summary() {
        let summary = json!({"sets": {
            "portfolio": {"npv": {"mean": 5.0, "p10": -1.0}, "prob_npv_negative": 0.2, "payback_month_p50": null,
                          "prob_no_cash_flow": 0.0, "roi": null},
            "it": {"payback_month_p50": null, "prob_payback_within_12": null, "prob_no_cash_flow": 1.0},
        }});
        let read = |set: &str, figure: &str| target(set, figure).read(&summary).value;
        assert_eq!(read("portfolio", "npv.p10"), Some(-1.0));
        // Never paid back by more than half the trials: never, later than any month.
        assert_eq!(read("portfolio", "payback_month_p50"), Some(f64::INFINITY));
        // No ROI, or no cash flow in any trial: undefined.
        assert_eq!(read("portfolio", "roi.mean"), None);
        assert_eq!(read("it", "payback_month_p50"), None);
        assert_eq!(read("it", "prob_payback_within_12"), None);
        let g = gate("prob_npv_negative > 0.1");
        assert!(g.trips(&target("portfolio", "prob_npv_negative").read(&summary)));
        let g = gate("roi.mean < 0");
        assert!(g.trips(&target("portfolio", "roi.mean").read(&summary)), "an undefined figure trips");
        let g = gate("payback_month_p50 < 12");
        assert!(!g.trips(&target("portfolio", "payback_month_p50").read(&summary)));
        assert!(g.trips(&target("it", "payback_month_p50").read(&summary)), "no cash flow cannot be checked");
    }
}
