//! Gates: conditions on a run's summary figures that make `roicast run` fail.
//!
//! `roicast run --fail-if CONDITION` (repeatable) turns a forecast into a
//! check a pipeline can act on: the run writes its outputs as usual, then
//! exits with [`TRIPPED_EXIT_CODE`] when any condition holds.
//!
//! # Grammar
//!
//! ```text
//! condition := [set "."] figure op number
//! set       := name | '"' any text without '"' '"'
//! figure    := name ("." name)*
//! name      := one or more of A-Z a-z 0-9 _ -
//! op        := "<" | "<=" | ">" | ">=" | "==" | "!="
//! number    := a decimal number, e.g. 0.1, -250000, 1e6
//! ```
//!
//! Blanks around `op` are optional. A figure is any numeric key of a set's
//! entry in `summary.json`, nested keys joined by dots (`npv.p10`,
//! `prob_npv_negative`, `payback_month_p50`). The set defaults to
//! `portfolio`; a set whose name has blanks or dots is quoted:
//! `"Invoice approval".npv.mean < 0`. An unquoted first name is read as a
//! figure of the portfolio when the portfolio has such a figure, and as a set
//! otherwise (`it.npv.mean < 0`).
//!
//! Conditions are parsed when the command line is ([`Gate::from_str`]), so a
//! malformed one stops roicast before any simulation. Names are looked up
//! in the run's `summary.json` value ([`Gate::read`]), so they match that
//! file exactly.
//!
//! # Missing figures
//!
//! A payback figure that is `null` (more than half the trials never pay back)
//! is read as "never", later than every month: `payback_month_p50 > 24`
//! holds. Any other `null` figure (an ROI of a set without cost) cannot be
//! checked, and a gate that cannot be checked counts as tripped: a safety
//! check must not pass silently.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

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

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set) = &self.quoted_set {
            write!(f, "\"{set}\".")?;
        }
        write!(f, "{} {} {}", self.path.join("."), self.operator.as_str(), self.threshold)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

const GRAMMAR_HINT: &str = "expected `[set.]figure OP number`, e.g. `prob_npv_negative > 0.1`, `it.npv.p10 < 0` or \
`\"Invoice approval\".npv.mean < 0`, with OP one of < <= > >= == !=";

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
        let number = after_path[operator.as_str().len()..].trim();
        if number.is_empty() {
            return fail("no number after the operator".into());
        }
        let threshold = match number.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => return fail(format!("`{number}` is not a number")),
        };
        Ok(Gate { quoted_set, path, operator, threshold })
    }
}

impl Gate {
    /// Reads the gate's figure from a `summary.json` value; the error names
    /// what is unknown and lists what is available.
    pub fn read(&self, summary: &Value) -> Result<Reading, String> {
        let sets = summary.get("sets").and_then(Value::as_object).ok_or("the summary has no sets")?;
        let (set, figure): (&str, &[String]) = match &self.quoted_set {
            Some(set) => (set, &self.path),
            None => {
                let first = self.path[0].as_str();
                let portfolio_has = sets.get("portfolio").is_some_and(|p| p.get(first).is_some());
                if portfolio_has || self.path.len() == 1 || !sets.contains_key(first) {
                    ("portfolio", &self.path)
                } else {
                    (first, &self.path[1..])
                }
            }
        };
        let Some(entry) = sets.get(set) else {
            let names: Vec<String> = sets.keys().map(|k| format!("\"{k}\"")).collect();
            return Err(format!("`{self}`: no set named \"{set}\"; the sets are {}", names.join(", ")));
        };
        let figure_name = figure.join(".");
        let mut value = entry;
        for (depth, key) in figure.iter().enumerate() {
            value = match value.get(key) {
                Some(v) => v,
                // An undefined group (`"roi": null`) still has the figure's name.
                None if value.is_null() && depth > 0 => break,
                None => {
                    return Err(format!(
                        "`{self}`: set \"{set}\" has no figure `{figure_name}`; its numeric figures are {}",
                        numeric_figures(entry).join(", ")
                    ));
                }
            };
        }
        let value = match value {
            Value::Number(n) => n.as_f64(),
            Value::Null if figure.last().is_some_and(|k| k.contains("payback_month")) => Some(f64::INFINITY),
            Value::Null => None,
            _ => {
                return Err(format!(
                    "`{self}`: `{figure_name}` of set \"{set}\" is not a number; its numeric figures are {}",
                    numeric_figures(entry).join(", ")
                ));
            }
        };
        Ok(Reading { set: set.to_string(), figure: figure_name, value })
    }

    /// Whether the gate trips on a reading: the condition holds, or the
    /// figure is undefined and cannot be checked.
    pub fn trips(&self, reading: &Reading) -> bool {
        reading.value.is_none_or(|v| self.operator.holds(v, self.threshold))
    }
}

/// The dotted names of every numeric (or `null`) leaf under a set's entry.
fn numeric_figures(entry: &Value) -> Vec<String> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    walk(&name, v, out);
                }
            }
            Value::Number(_) | Value::Null => out.push(prefix.to_string()),
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
        ] {
            let err = bad.parse::<Gate>().expect_err(bad);
            assert!(err.contains("expected `[set.]figure OP number`"), "{err}");
        }
    }

    #[test]
    fn reads_figures_like_summary_json_names_them() {
        let summary = json!({"sets": {
            "portfolio": {"npv": {"mean": 5.0, "p10": -1.0}, "prob_npv_negative": 0.2, "payback_month_p50": null,
                          "roi": null, "kind": null},
            "it": {"npv": {"mean": -3.0}},
            "Invoice approval": {"npv": {"mean": 7.0}, "owner": "operations"},
        }});
        let read = |t: &str| gate(t).read(&summary);
        assert_eq!(read("npv.p10 < 0").unwrap().value, Some(-1.0));
        assert_eq!(read("it.npv.mean < 0").unwrap().set, "it");
        assert_eq!(read("\"Invoice approval\".npv.mean < 0").unwrap().value, Some(7.0));
        assert_eq!(read("payback_month_p50 > 24").unwrap().value, Some(f64::INFINITY));
        assert_eq!(read("roi.mean < 0").unwrap().value, None);
        assert!(read("npv.p11 < 0").unwrap_err().contains("npv.p10"));
        assert!(read("\"Nope\".npv.mean < 0").unwrap_err().contains("no set named \"Nope\""));
        assert!(read("\"Invoice approval\".owner < 0").unwrap_err().contains("not a number"));
        let g = gate("prob_npv_negative > 0.1");
        assert!(g.trips(&g.read(&summary).unwrap()));
        let g = gate("roi.mean < 0");
        assert!(g.trips(&g.read(&summary).unwrap()), "an undefined figure trips");
        let g = gate("payback_month_p50 < 12");
        assert!(!g.trips(&g.read(&summary).unwrap()));
    }
}
