//! The `roicast` binary end to end: run, validate, init, exit codes, outputs.

use std::fs;
use std::path::Path;

use crate::util::{read_json, roicast};
use polars::prelude::*;

const DEFAULT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/it-vs-bpa.toml");

/// Runs the default scenario into `out` with a small trial count.
fn run_default(out: &Path, extra: &[&str]) -> String {
    run_default_with(out, "3000", extra)
}

/// Runs the default scenario into `out` with `trials` trials.
fn run_default_with(out: &Path, trials: &str, extra: &[&str]) -> String {
    let out = out.to_str().unwrap();
    let mut args = vec!["run", DEFAULT, "--trials", trials, "--out", out];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = roicast(&args);
    assert_eq!(code, 0, "run failed: {stderr}");
    stdout
}

#[test]
fn run_prints_the_summary_and_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("default");
    // More trials than one Parquet row group (65,536).
    let stdout = run_default_with(&out, "70000", &["--no-charts"]);
    let scenario = roicast::scenario::Scenario::parse(&fs::read_to_string(DEFAULT).unwrap(), DEFAULT).unwrap();
    for name in ["portfolio", "it", "bpa"].into_iter().chain(scenario.initiatives.iter().map(|i| i.name.as_str())) {
        assert!(stdout.lines().any(|l| l.starts_with(name)), "no summary row for {name}:\n{stdout}");
    }

    // summary.json has the contract's shape and a manifest.
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["trials"], 70000);
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["horizon_months"], 36);
    assert_eq!(summary["currency"], "USD");
    let sets = summary["sets"].as_object().unwrap();
    assert_eq!(sets.len(), 3 + scenario.initiatives.len());
    for (name, set) in sets {
        for figure in ["npv", "roi", "visible_roi"] {
            for key in ["mean", "sd", "se", "p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
                assert!(set[figure][key].is_number(), "{name}.{figure}.{key}");
            }
        }
        for key in
            ["prob_npv_negative", "expected_shortfall_5", "prob_payback_within_12", "prob_payback_within_horizon"]
        {
            assert!(set[key].is_number(), "{name}.{key}");
        }
        assert!(set["payback_month_p50"].is_number() || set["payback_month_p50"].is_null());
    }
    let manifest = &summary["manifest"];
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["sampling"], "latin-hypercube");
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["roicast_version"].is_string() && manifest["stream_scheme"].is_string());

    // monthly.csv: the contract's columns, one row per set and month.
    let monthly = fs::read_to_string(out.join("monthly.csv")).unwrap();
    let mut lines = monthly.lines();
    assert_eq!(lines.next(), Some("set,month,date,mean,p5,p25,p50,p75,p95,benefit_mean,visible_benefit_mean"));
    assert_eq!(lines.count(), sets.len() * 36);

    // trials.parquet: one row per trial; its columns agree with summary.json.
    let frame = ParquetReader::new(fs::File::open(out.join("trials.parquet")).unwrap()).finish().unwrap();
    assert_eq!(frame.height(), 70000);
    let npv: Vec<f64> = frame.column("portfolio.npv").unwrap().f64().unwrap().into_no_null_iter().collect();
    let mean = npv.iter().sum::<f64>() / npv.len() as f64;
    let reported = summary["sets"]["portfolio"]["npv"]["mean"].as_f64().unwrap();
    assert!((mean - reported).abs() <= 1e-9 * reported.abs(), "{mean} vs {reported}");
    for column in ["trial", "bpa.payback_month", "it.abandoned", "Invoice approval.npv", "Invoice approval.build_cost"]
    {
        assert!(frame.column(column).is_ok(), "missing column {column}");
    }
    assert!(!out.join("charts").exists(), "--no-charts wrote charts");
}

#[test]
fn output_bytes_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run_default(&one, &["--threads", "1", "--no-charts"]);
    run_default(&two, &["--threads", "2", "--no-charts"]);
    for file in ["summary.json", "monthly.csv", "trials.parquet", "sensitivity.csv"] {
        assert!(fs::read(one.join(file)).unwrap() == fs::read(two.join(file)).unwrap(), "{file} differs");
    }
}

#[test]
fn a_failed_run_leaves_the_previous_results_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    run_default(&out, &["--seed", "1"]);
    let previous = fs::read(out.join("summary.json")).unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, fs::read_to_string(DEFAULT).unwrap().replace("horizon_months = 36", "horizon_months = 0")).unwrap();
    let (code, _, stderr) = roicast(&["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.toml:") && stderr.contains("simulation.horizon_months"), "{stderr}");
    assert_eq!(fs::read(out.join("summary.json")).unwrap(), previous);
    assert!(out.join("charts").exists());

    // A successful run replaces the folder whole and leaves no staging folder behind.
    run_default(&out, &["--no-charts"]);
    assert!(!out.join("charts").exists());
    assert!(fs::read(out.join("summary.json")).unwrap() != previous);
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn validate_accepts_good_files_and_rejects_bad_ones_with_exit_code_2() {
    let (code, stdout, _) = roicast(&["validate", DEFAULT]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Invoice approval") && stdout.contains("is valid"), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("typo.toml");
    fs::write(&bad, fs::read_to_string(DEFAULT).unwrap().replacen("build_cost", "buld_cost", 1)).unwrap();
    let (code, _, stderr) = roicast(&["validate", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("typo.toml:") && stderr.contains("buld_cost"), "{stderr}");

    let (code, _, stderr) = roicast(&["validate", "no-such-file.toml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no-such-file.toml"));
}

#[test]
fn init_writes_a_starter_that_validates_and_never_overwrites_silently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans/2027.toml");
    let path = path.to_str().unwrap();
    assert_eq!(roicast(&["init", path]).0, 0);
    assert_eq!(roicast(&["validate", path]).0, 0);
    let (code, _, stderr) = roicast(&["init", path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(roicast(&["init", path, "--force"]).0, 0);
}

#[test]
fn the_starters_commented_calendar_parses_once_uncommented() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dated.toml");
    let path = path.to_str().unwrap();
    assert_eq!(roicast(&["init", path]).0, 0);
    let starter = fs::read_to_string(path).unwrap();
    let mut uncommented = 0;
    let dated: String = starter
        .lines()
        .map(|line| {
            let calendar_line =
                ["# [calendar]", "# start = ", "# fiscal_year_start = "].iter().any(|p| line.starts_with(p));
            uncommented += usize::from(calendar_line);
            if calendar_line { line.trim_start_matches("# ").to_string() + "\n" } else { line.to_string() + "\n" }
        })
        .collect();
    assert_eq!(uncommented, 3, "the starter's [calendar] block changed: {starter}");
    fs::write(path, dated).unwrap();
    let (code, stdout, stderr) = roicast(&["validate", path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("calendar: month 1 is Jan 2027 and month 36 is Dec 2029"), "{stdout}");
    assert!(stdout.contains("(Jan 2027 falls in FY2027 Q1)"), "{stdout}");
}

#[test]
fn every_command_has_help_with_examples() {
    for command in ["run", "validate", "init", "compare", "conflation", "plan"] {
        let (code, stdout, _) = roicast(&[command, "--help"]);
        assert_eq!(code, 0, "{command}");
        assert!(stdout.contains("Examples:"), "{command} --help has no examples");
    }
    let (code, _, _) = roicast(&["run", DEFAULT, "--trials", "0"]);
    assert_eq!(code, 2);
}
