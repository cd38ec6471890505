//! `summary.json`: per-set statistics in the shape of the model contract,
//! with a run manifest.
//!
//! Keys follow `docs/model.md` exactly; extra keys (`discounted_payback_month_p50`,
//! `loss_mean`, `kind`, `members`, ...) are additions, never renames. A run
//! with actuals adds, per set, `forward_npv` (the keys of `npv`) and
//! `prob_forward_npv_negative`, and at the top `actuals` (`through`,
//! `through_date`, `file`). An
//! undefined figure is `null`. `convergence` holds the Monte Carlo error of
//! portfolio NPV and the `--precision` outcome ([`crate::convergence`]).

use std::io::Write;

use serde_json::{Map, Value, json};

use super::{Export, ExportError};
use crate::model::{SetSpec, reported_sets};
use crate::report::Report;
use crate::scenario::Scenario;
use crate::stats::SetSummary;

/// Writes `summary.json`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryJson;

/// The summary as a JSON value.
pub fn summary_value(report: &Report) -> Result<Value, ExportError> {
    let scenario = report.scenario;
    let mut sets = Map::new();
    for (summary, set) in report.summaries.iter().zip(&report.results.sets) {
        let mut value = set_entry(summary, &set.spec, scenario)?;
        if let (Value::Object(map), Some(reforecast)) =
            (&mut value, report.reforecast.as_ref().and_then(|r| r.set(&summary.name)))
        {
            map.insert("forward_npv".into(), serde_json::to_value(reforecast.forward_npv)?);
            map.insert("prob_forward_npv_negative".into(), json!(reforecast.prob_forward_npv_negative));
        }
        sets.insert(summary.name.clone(), value);
    }
    let mut summary = json!({
        "scenario": scenario.name,
        "trials": report.results.trials,
        "seed": report.results.seed,
        "horizon_months": scenario.simulation.horizon_months,
        "calendar": scenario.calendar.map(|c| json!({
            "start": c.start.to_string(),
            "fiscal_year_start": c.fiscal_year_start,
        })),
        "currency": scenario.currency,
        "discount_rate": scenario.simulation.discount_rate,
        "sets": sets,
        "convergence": report.convergence,
        "manifest": report.manifest,
    });
    if let (Some(actuals), Value::Object(map)) = (&scenario.actuals, &mut summary) {
        let through = actuals.through;
        map.insert(
            "actuals".into(),
            json!({
                "through": through,
                "through_date": scenario.calendar.map(|c| c.date(through).to_string()),
                "file": actuals.file,
            }),
        );
    }
    Ok(summary)
}

/// The entry of one set under `sets`: its summary, then what it is made of.
fn set_entry(summary: &SetSummary, spec: &SetSpec, scenario: &Scenario) -> Result<Value, ExportError> {
    let mut value = serde_json::to_value(summary)?;
    if let Value::Object(map) = &mut value {
        map.insert("kind".into(), json!(spec.kind.map(|k| k.as_str())));
        let members: Vec<&str> = spec.members.iter().map(|&m| scenario.initiatives[m].name.as_str()).collect();
        map.insert("members".into(), json!(members));
        if let [only] = spec.members[..] {
            let initiative = &scenario.initiatives[only];
            map.insert("owner".into(), json!(initiative.owner.as_str()));
            map.insert("mismatched".into(), json!(initiative.is_mismatched()));
        }
    }
    Ok(value)
}

/// The entry `summary.json` will give each set of a run of `scenario`, in
/// report order, with every figure present ([`SetSummary::template`]): the
/// names and types of its figures, known before any trial is run.
pub fn set_templates(scenario: &Scenario) -> Result<Vec<(String, Value)>, ExportError> {
    reported_sets(scenario)
        .iter()
        .map(|spec| {
            let summary = SetSummary::template(&spec.name);
            let mut entry = set_entry(&summary, spec, scenario)?;
            // A re-forecast adds its forward NPV, with the statistics of `npv`.
            if let (Value::Object(map), Some(_)) = (&mut entry, &scenario.actuals_table) {
                map.insert("forward_npv".into(), serde_json::to_value(summary.npv)?);
                map.insert("prob_forward_npv_negative".into(), json!(0.0));
            }
            Ok((spec.name.clone(), entry))
        })
        .collect()
}

impl Export for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
        serde_json::to_writer_pretty(&mut *out, &summary_value(report)?)?;
        out.write_all(b"\n")?;
        Ok(())
    }
}
