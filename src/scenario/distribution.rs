//! Reading a distribution from its TOML value.
//!
//! A plain number means a fixed value; otherwise an inline table with exactly
//! one shape key (`fixed`, `uniform`, `triangular`, `pert`, `normal`,
//! `lognormal`) and optional `min`/`max` truncation bounds. Any other key is
//! an error, so `{ pret = [...] }` never passes as something else.

use toml::Value;

use crate::dist::{Distribution, PercentileLevel, Shape};

const SHAPES: [&str; 6] = ["fixed", "uniform", "triangular", "pert", "normal", "lognormal"];

/// Reads a distribution; the error message is meant for the scenario's author.
pub(super) fn parse(value: &Value) -> Result<Distribution, String> {
    let table = match value {
        Value::Integer(_) | Value::Float(_) => {
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
            return Err(format!(
                "unknown key `{key}` in a distribution (expected one of {}, and optional min/max)",
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
            let [lo, hi] = numbers::<2>(params, "uniform", "[lo, hi]")?;
            Shape::Uniform { lo, hi }
        }
        "triangular" => {
            let [min, mode, max] = numbers::<3>(params, "triangular", "[min, mode, max]")?;
            Shape::Triangular { min, mode, max }
        }
        "pert" => {
            let [min, mode, max] = numbers::<3>(params, "pert", "[min, mode, max]")?;
            Shape::Pert { min, mode, max }
        }
        "normal" => {
            let t = sub_table(params, "normal", &["mean", "sd"])?;
            Shape::Normal { mean: field(t, "normal", "mean")?, sd: field(t, "normal", "sd")? }
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
            Shape::LogNormal { low: field(t, "lognormal", lo)?, high: field(t, "lognormal", hi)?, level }
        }
    };
    let bound = |key: &str| table.get(key).map(|v| number(v, key)).transpose();
    Distribution::new(shape, bound("min")?, bound("max")?)
}

fn number(value: &Value, what: &str) -> Result<f64, String> {
    match value {
        Value::Integer(i) => Ok(*i as f64),
        Value::Float(f) if f.is_finite() => Ok(*f),
        Value::Float(f) => Err(format!("{what} must be a finite number, got {f}")),
        other => Err(format!("{what} must be a number, got {}", other.type_str())),
    }
}

fn numbers<const N: usize>(value: &Value, form: &str, layout: &str) -> Result<[f64; N], String> {
    let items = match value {
        Value::Array(a) if a.len() == N => a,
        _ => return Err(format!("{form} takes {N} numbers {layout}")),
    };
    let mut out = [0.0; N];
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = number(item, form)?;
    }
    Ok(out)
}

fn sub_table<'a>(value: &'a Value, form: &str, allowed: &[&str]) -> Result<&'a toml::Table, String> {
    let Value::Table(t) = value else {
        return Err(format!("{form} takes a table such as {{ {} = ... }}", allowed.join(" = ..., ")));
    };
    if let Some(key) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown key `{key}` in {form} (expected {})", allowed.join(", ")));
    }
    Ok(t)
}

fn field(table: &toml::Table, form: &str, key: &str) -> Result<f64, String> {
    match table.get(key) {
        Some(v) => number(v, &format!("{form}.{key}")),
        None => Err(format!("{form} needs `{key}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Distribution, String> {
        let doc: toml::Table = toml::from_str(&format!("x = {s}")).unwrap();
        parse(&doc["x"])
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
        assert!(parse_str("{ pret = [1, 2, 3] }").unwrap_err().contains("unknown key `pret`"));
        assert!(parse_str("{ pert = [1, 2] }").unwrap_err().contains("3 numbers"));
        assert!(parse_str("{ pert = [1, 2, 3], uniform = [1, 2] }").unwrap_err().contains("one shape"));
        assert!(parse_str("{ lognormal = { p10 = 1, p95 = 3 } }").unwrap_err().contains("either"));
        assert!(parse_str("\"ten\"").unwrap_err().contains("string"));
    }
}
