//! Reading a distribution from its TOML value.
//!
//! A plain number means a fixed value; otherwise an inline table with exactly
//! one shape key (`fixed`, `uniform`, `triangular`, `pert`, `normal`,
//! `lognormal`) and optional `min`/`max` truncation bounds. Any other key is
//! an error, so `{ pret = [...] }` never passes as something else (and the
//! error offers the closest shape).
//!
//! The numbers of a share or a probability (`pnl_visibility`,
//! `abandon_probability`) may be written as percentages, every one of them
//! (`{ uniform = ["20%", "40%"] }`, `{ fixed = "85%" }`, `max = "90%"`):
//! they are all in the input's own units. Any other input takes plain
//! numbers only, and a percentage or an amount in quotes gets advice.

use toml::Value;

use crate::dist::{Distribution, PercentileLevel, Shape};
use crate::suggest::closest;
use crate::units::{Written, parse_money, parse_number_or_percent};

/// How the numbers of an input may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Notation {
    /// Plain numbers only: costs, months, rates of events.
    Plain,
    /// Plain numbers or percentage strings: shares and probabilities.
    PlainOrPercent,
}

/// A rate or share written as a number (`0.09`) or a string holding a
/// percentage or a number (`"9%"`, `"0.09"`), as it was written.
pub(super) fn written_fraction(value: &Value) -> Result<Written, String> {
    match value {
        Value::Integer(i) => Ok(Written::Plain(*i as f64)),
        Value::Float(f) if f.is_finite() => Ok(Written::Plain(*f)),
        Value::Float(f) => Err(format!("must be a finite number, got {f}")),
        Value::String(s) => parse_number_or_percent(s),
        other => Err(format!("expected a number or a percentage such as \"9%\", got {}", other.type_str())),
    }
}

const SHAPES: [&str; 6] = ["fixed", "uniform", "triangular", "pert", "normal", "lognormal"];

/// Reads a distribution; the error message is meant for the scenario's author.
pub(super) fn parse(value: &Value, notation: Notation) -> Result<Distribution, String> {
    let number = |value: &Value, what: &str| number(value, what, notation);
    let table = match value {
        Value::Integer(_) | Value::Float(_) | Value::String(_) => {
            return Distribution::new(Shape::Fixed(number(value, "value")?), None, None);
        }
        Value::Table(t) => t,
        other => {
            return Err(format!(
                "expected a number or a distribution such as {{ pert = [min, mode, max] }}, got {}",
                other.type_str()
            ));
        }
    };
    for key in table.keys() {
        if !SHAPES.contains(&key.as_str()) && key != "min" && key != "max" {
            let suggestion = closest(key, SHAPES.iter().copied().chain(["min", "max"]))
                .map_or_else(String::new, |near| format!("did you mean `{near}`? "));
            return Err(format!(
                "unknown key `{key}` in a distribution ({suggestion}expected one of {}, and optional min/max)",
                SHAPES.join(", ")
            ));
        }
    }
    let shapes: Vec<&str> = SHAPES.iter().copied().filter(|s| table.contains_key(*s)).collect();
    let form = match shapes.as_slice() {
        [one] => *one,
        [] => return Err(format!("a distribution needs one of {}", SHAPES.join(", "))),
        many => {
            return Err(format!("a distribution takes one shape, got {}", many.join(" and ")));
        }
    };
    let params = &table[form];
    let shape = match form {
        "fixed" => Shape::Fixed(number(params, "fixed")?),
        "uniform" => {
            let [lo, hi] = numbers::<2>(params, "uniform", "[lo, hi]", notation)?;
            Shape::Uniform { lo, hi }
        }
        "triangular" => {
            let [min, mode, max] = numbers::<3>(params, "triangular", "[min, mode, max]", notation)?;
            Shape::Triangular { min, mode, max }
        }
        "pert" => {
            let [min, mode, max] = numbers::<3>(params, "pert", "[min, mode, max]", notation)?;
            Shape::Pert { min, mode, max }
        }
        "normal" => {
            let t = sub_table(params, "normal", &["mean", "sd"])?;
            Shape::Normal { mean: field(t, "normal", "mean", notation)?, sd: field(t, "normal", "sd", notation)? }
        }
        _ => {
            let t = sub_table(params, "lognormal", &["p10", "p90", "p5", "p95"])?;
            let level =
                match (t.contains_key("p10") || t.contains_key("p90"), t.contains_key("p5") || t.contains_key("p95")) {
                    (true, false) => PercentileLevel::P10P90,
                    (false, true) => PercentileLevel::P5P95,
                    _ => return Err("lognormal takes either p10 and p90 or p5 and p95".to_string()),
                };
            let (lo, hi) = match level {
                PercentileLevel::P10P90 => ("p10", "p90"),
                PercentileLevel::P5P95 => ("p5", "p95"),
            };
            Shape::LogNormal {
                low: field(t, "lognormal", lo, notation)?,
                high: field(t, "lognormal", hi, notation)?,
                level,
            }
        }
    };
    let bound = |key: &str| table.get(key).map(|v| number(v, key)).transpose();
    Distribution::new(shape, bound("min")?, bound("max")?)
}

/// One number of a distribution, `what` naming it in errors.
fn number(value: &Value, what: &str, notation: Notation) -> Result<f64, String> {
    match (value, notation) {
        (Value::String(s), Notation::Plain) => Err(match (parse_number_or_percent(s), parse_money(s)) {
            (Ok(Written::Percent(_)), _) => {
                format!("{what} must be a plain number: only a share or a probability may be a percentage, got \"{s}\"")
            }
            (_, Ok(amount)) => format!("{what} must be a number, not a string: write {amount} without quotes"),
            _ => format!("{what} must be a number, got string \"{s}\""),
        }),
        (Value::String(s), Notation::PlainOrPercent) => parse_number_or_percent(s)
            .map(Written::value)
            .map_err(|_| format!("{what} must be a number or a percentage such as \"20%\", got \"{s}\"")),
        (Value::Integer(i), _) => Ok(*i as f64),
        (Value::Float(f), _) if f.is_finite() => Ok(*f),
        (Value::Float(f), _) => Err(format!("{what} must be a finite number, got {f}")),
        (other, _) => Err(format!("{what} must be a number, got {}", other.type_str())),
    }
}

fn numbers<const N: usize>(value: &Value, form: &str, layout: &str, notation: Notation) -> Result<[f64; N], String> {
    let items = match value {
        Value::Array(a) if a.len() == N => a,
        _ => return Err(format!("{form} takes {N} numbers {layout}")),
    };
    let mut out = [0.0; N];
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = number(item, form, notation)?;
    }
    Ok(out)
}

fn sub_table<'a>(value: &'a Value, form: &str, allowed: &[&str]) -> Result<&'a toml::Table, String> {
    let Value::Table(t) = value else {
        return Err(format!("{form} takes a table such as {{ {} = ... }}", allowed.join(" = ..., ")));
    };
    if let Some(key) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        let suggestion =
            closest(key, allowed.iter().copied()).map_or_else(String::new, |near| format!("did you mean `{near}`? "));
        return Err(format!("unknown key `{key}` in {form} ({suggestion}expected {})", allowed.join(", ")));
    }
    Ok(t)
}

fn field(table: &toml::Table, form: &str, key: &str, notation: Notation) -> Result<f64, String> {
    match table.get(key) {
        Some(v) => number(v, &format!("{form}.{key}"), notation),
        None => Err(format!("{form} needs `{key}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(s: &str, notation: Notation) -> Result<Distribution, String> {
        let doc: toml::Table = toml::from_str(&format!("x = {s}")).unwrap();
        parse(&doc["x"], notation)
    }

    fn parse_str(s: &str) -> Result<Distribution, String> {
        parse_in(s, Notation::Plain)
    }

    #[test]
    fn shares_may_be_written_as_percentages_throughout() {
        let share = |s: &str| parse_in(s, Notation::PlainOrPercent);
        assert_eq!(share("\"85%\"").unwrap().fixed_value(), Some(0.85));
        assert_eq!(share("{ fixed = \"85%\" }").unwrap().fixed_value(), Some(0.85));
        let d = share("{ uniform = [\"20%\", 0.4], max = \"35%\" }").unwrap();
        assert!(matches!(d.shape(), Shape::Uniform { lo, hi } if (lo - 0.2).abs() < 1e-15 && hi == 0.4));
        assert_eq!(d.support(), (0.2, 0.35));
        assert!(share("{ normal = { mean = \"50%\", sd = \"10%\" }, min = 0, max = 1 }").is_ok());
        assert!(share("\"lots\"").unwrap_err().contains("percentage"));
        // Costs and months take plain numbers, with advice for what was meant.
        assert!(parse_str("\"85%\"").unwrap_err().contains("only a share or a probability"));
        assert!(parse_str("{ pert = [\"60k\", 90000, 180000] }").unwrap_err().contains("write 60000 without quotes"));
    }

    #[test]
    fn reads_every_form() {
        assert_eq!(parse_str("5").unwrap().fixed_value(), Some(5.0));
        assert_eq!(parse_str("{ fixed = 2.5 }").unwrap().fixed_value(), Some(2.5));
        assert!(matches!(parse_str("{ uniform = [1, 2] }").unwrap().shape(), Shape::Uniform { .. }));
        assert!(matches!(parse_str("{ triangular = [1, 2, 3] }").unwrap().shape(), Shape::Triangular { .. }));
        assert!(matches!(parse_str("{ pert = [1, 2, 3], max = 2.5 }").unwrap().shape(), Shape::Pert { .. }));
        assert!(matches!(
            parse_str("{ normal = { mean = 1, sd = 2 }, min = 0 }").unwrap().shape(),
            Shape::Normal { .. }
        ));
        let d = parse_str("{ lognormal = { p5 = 1, p95 = 9 } }").unwrap();
        assert!(matches!(d.shape(), Shape::LogNormal { level: PercentileLevel::P5P95, .. }));
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        let err = parse_str("{ pret = [1, 2, 3] }").unwrap_err();
        assert!(err.contains("unknown key `pret`") && err.contains("did you mean `pert`?"), "{err}");
        assert!(parse_str("{ normal = { mean = 1, sdev = 2 } }").unwrap_err().contains("did you mean `sd`?"));
        assert!(parse_str("{ pert = [1, 2] }").unwrap_err().contains("3 numbers"));
        assert!(parse_str("{ pert = [1, 2, 3], uniform = [1, 2] }").unwrap_err().contains("one shape"));
        assert!(parse_str("{ lognormal = { p10 = 1, p95 = 3 } }").unwrap_err().contains("either"));
        assert!(parse_str("\"ten\"").unwrap_err().contains("string"));
    }
}
