//! What roicast writes and prints, as the people who read it see it: CSV
//! files safe to open in a spreadsheet, payback figures of sets with no cash
//! flow, the digits of the ROI figures, `--quiet`, and `--fail-if` gates
//! checked before the run.

use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::util::{read_json, roicast};

/// Initiatives named like spreadsheet formulas (OWASP's CSV injection
/// examples); `+SUM(A1)` is a BPA run by IT, so it is mismatched, and has a
/// risk named like a formula too.
const FORMULA_NAMES: &str = r#"
[simulation]
horizon_months = 12
discount_rate = 0.1
trials = 600
[[initiatives]]
name = '=HYPERLINK("http://x","click")'
kind = "it"
build_cost = { uniform = [1000, 2000] }
build_months = 1
benefit_per_month = 500
[[initiatives]]
name = "+SUM(A1)"
kind = "bpa"
owner = "it"
build_cost = { uniform = [1000, 2000] }
build_months = 1
benefit_per_month = 500
[[initiatives.risks]]
name = "@cmd"
events_per_year = { uniform = [1, 2] }
cost_per_event = 100
[[initiatives]]
name = "-2+3"
kind = "bpa"
build_cost = { uniform = [1000, 2000] }
build_months = 1
benefit_per_month = 500
[[initiatives]]
name = "@cmd"
kind = "bpa"
build_cost = { uniform = [1000, 2000] }
build_months = 1
benefit_per_month = 500
"#;

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The rows of a CSV text (RFC 4180), each cell with whether it was quoted.
fn csv_rows(text: &str) -> Vec<Vec<(String, bool)>> {
    let (mut rows, mut row, mut cell, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => (in_quotes, quoted) = (true, true),
            (false, ',') => row.push((std::mem::take(&mut cell), std::mem::replace(&mut quoted, false))),
            (false, '\n') => {
                row.push((std::mem::take(&mut cell), std::mem::replace(&mut quoted, false)));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(!in_quotes && cell.is_empty() && row.is_empty(), "the CSV ends inside a row");
    rows
}

/// Every CSV file in a folder (and its subfolders).
fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(csv_files(&path));
        } else if path.extension().is_some_and(|e| e == "csv") {
            files.push(path);
        }
    }
    files
}

/// Checks every cell of a CSV file: a cell a spreadsheet would read as a
/// formula is either a number (unquoted) or text made safe (quoted, with a
/// leading `'`). Returns the file's cells.
fn assert_safe_csv(path: &Path) -> Vec<(String, bool)> {
    let rows = csv_rows(&fs::read_to_string(path).unwrap());
    let width = rows[0].len();
    for (r, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), width, "{}: row {r} has {} cells", path.display(), row.len());
        for (cell, quoted) in row {
            let risky = cell.starts_with(FORMULA_STARTS);
            let what = format!("{}, row {r}: {cell:?} (quoted: {quoted})", path.display());
            if *quoted {
                assert!(!risky, "{what}: a quoted cell that runs as a formula");
            } else if risky {
                assert!(r > 0 && cell.parse::<f64>().is_ok(), "{what}: text that runs as a formula");
            }
        }
    }
    rows.into_iter().flatten().collect()
}

#[test]
fn every_csv_roicast_writes_is_safe_to_open_in_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("formulas.toml");
    fs::write(&a, FORMULA_NAMES).unwrap();
    let b = dir.path().join("formulas-b.toml");
    fs::write(&b, FORMULA_NAMES.replace("benefit_per_month = 500", "benefit_per_month = 650")).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = |name: &str| dir.path().join(name);
    let commands: [(&str, Vec<&str>); 4] = [
        ("run", vec!["run", a]),
        ("plan", vec!["plan", a, "--budget", "1M"]),
        ("compare", vec!["compare", a, b]),
        ("conflation", vec!["conflation", a]),
    ];
    let mut names_seen = Vec::new();
    for (name, args) in commands {
        let folder = out(name);
        let mut args = args.clone();
        args.extend(["--no-charts", "--out", folder.to_str().unwrap()]);
        let (code, stdout, stderr) = roicast(&args);
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
        let files = csv_files(&folder);
        if ["run", "plan"].contains(&name) {
            assert!(!files.is_empty(), "{name} wrote no CSV");
        }
        for file in files {
            let cells = assert_safe_csv(&file);
            names_seen.extend(cells.into_iter().filter(|(c, _)| c.starts_with('\'')).map(|(c, _)| c));
            // Numbers stay numbers: negative ones are not quoted.
            if file.ends_with("monthly.csv") {
                let rows = csv_rows(&fs::read_to_string(&file).unwrap());
                assert!(
                    rows.iter().flatten().any(|(c, quoted)| !quoted && c.starts_with('-') && c.parse::<f64>().is_ok())
                );
            }
        }
    }
    // The names are there, neutralised: as set names, initiatives and inputs.
    for expected in ["'=HYPERLINK(\"http://x\",\"click\")", "'+SUM(A1)", "'-2+3", "'@cmd", "'@cmd.build_cost"] {
        assert!(names_seen.iter().any(|c| c == expected), "no cell {expected:?} in {names_seen:?}");
    }
}

/// The number of significant digits of a JSON number as written.
fn significant_digits(number: &serde_json::Number) -> usize {
    let text = number.to_string();
    let mantissa = text.trim_start_matches('-').split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

#[test]
fn roi_figures_in_summary_json_carry_only_the_digits_single_precision_holds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/it-vs-bpa.toml");
    let (code, _, stderr) = roicast(&["run", file, "--trials", "3000", "--no-charts", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let summary = read_json(&out.join("summary.json"));
    let mut checked = 0;
    for (set, entry) in summary["sets"].as_object().unwrap() {
        for figure in ["roi", "visible_roi"] {
            for (key, value) in entry[figure].as_object().unwrap() {
                let number = value.as_number().unwrap_or_else(|| panic!("{set}.{figure}.{key}: {value}"));
                assert!(significant_digits(number) <= 7, "{set}.{figure}.{key} = {number}: more digits than f32 holds");
                checked += 1;
            }
        }
        // NPV is computed in double precision and keeps its digits.
        assert!(entry["npv"]["mean"].as_number().map(significant_digits).unwrap() > 7, "{set}");
    }
    assert_eq!(checked, summary["sets"].as_object().unwrap().len() * 2 * 10);
}

/// IT automation that starts after the horizon (no cash flow at all) beside
/// a BPA initiative that pays back.
const LATE_IT: &str = r#"
[simulation]
horizon_months = 36
discount_rate = 0.1
trials = 2000
[[initiatives]]
name = "Too late"
kind = "it"
start_month = 40
build_cost = { uniform = [1000, 2000] }
build_months = 2
benefit_per_month = 500
[[initiatives]]
name = "Invoices"
kind = "bpa"
build_cost = { uniform = [5000, 9000] }
build_months = { uniform = [1, 4] }
benefit_per_month = { uniform = [400, 1200] }
"#;

#[test]
fn a_set_with_no_cash_flow_has_no_payback_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late.toml");
    fs::write(&file, LATE_IT).unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = roicast(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--fail-if",
        "it.payback_month_p50 < 100",
    ]);
    // The gate cannot be checked (no payback at all), so it trips.
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.contains("gate TRIPPED it.payback_month_p50 < 100   (it.payback_month_p50 = undefined (null))"));
    let summary = read_json(&out.join("summary.json"));
    for set in ["it", "Too late"] {
        let entry = &summary["sets"][set];
        assert_eq!(entry["prob_no_cash_flow"], 1.0, "{set}");
        for figure in [
            "prob_payback_within_12",
            "prob_payback_within_horizon",
            "payback_month_p50",
            "discounted_payback_month_p50",
        ] {
            assert!(entry[figure].is_null(), "{set}.{figure} = {}", entry[figure]);
        }
    }
    let bpa = &summary["sets"]["bpa"];
    assert_eq!(bpa["prob_no_cash_flow"], 0.0);
    assert!(bpa["prob_payback_within_horizon"].as_f64().unwrap() > 0.5 && bpa["payback_month_p50"].is_number());
    // The portfolio's cash flows are the BPA initiative's: the same paybacks.
    for figure in ["prob_payback_within_12", "payback_month_p50"] {
        assert_eq!(summary["sets"]["portfolio"][figure], bpa[figure], "{figure}");
    }
    // trials.parquet: null paybacks for every trial of the it set, none for bpa.
    let frame = ParquetReader::new(fs::File::open(out.join("trials.parquet")).unwrap()).finish().unwrap();
    for column in ["it.payback_month", "it.discounted_payback_month"] {
        assert_eq!(frame.column(column).unwrap().null_count(), 2000, "{column}");
    }
    assert!(frame.column("bpa.discounted_payback_month").unwrap().null_count() < 2000);
    // The payback curve is drawn, for BPA alone.
    let png = fs::read(out.join("charts/payback-curve.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
    // The table shows no payback for the it set, not "never".
    let it_row = stdout.lines().find(|l| l.starts_with("it ")).unwrap();
    assert!(!it_row.contains("never") && it_row.contains(" - "), "{it_row}");
}

#[test]
fn quiet_prints_nothing_but_errors_and_the_gates_that_trip() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");
    let (a, b) = (format!("{scenarios}it-vs-bpa.toml"), format!("{scenarios}conflation.toml"));
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let common = ["--trials", "1000", "--no-charts", "-q"];
    for (name, args, written) in [
        ("run", vec!["run", &a], "summary.json"),
        ("compare", vec!["compare", &a, &b], "compare.json"),
        ("conflation", vec!["conflation", &b], "conflation.json"),
        ("plan", vec!["plan", &a, "--budget", "200k"], "plan.json"),
    ] {
        let folder = out(name);
        let args = [&args[..], &common, &["--out", &folder]].concat();
        let (code, stdout, stderr) = roicast(&args);
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""), "{name}");
        assert!(Path::new(&folder).join(written).exists(), "{name} wrote no {written}");
    }
    // Gates: one line per gate that trips, nothing for those that pass.
    let gates = ["prob_npv_negative >= 0%", "npv.p10 < -1T", "roi.mean < 1e9"];
    let mut args = vec!["run", &a, "--trials", "1000", "--no-charts", "-q"];
    let folder = out("gates");
    args.extend(["--out", &folder]);
    for gate in &gates {
        args.extend(["--fail-if", gate]);
    }
    let (code, stdout, stderr) = roicast(&args);
    assert_eq!((code, stderr.as_str()), (3, ""), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("gate TRIPPED prob_npv_negative >= 0%   (portfolio.prob_npv_negative = "));
    assert!(lines[1].starts_with("gate TRIPPED roi.mean < 1e9   (portfolio.roi.mean = "));
    // Errors still show.
    let (code, stdout, stderr) = roicast(&["run", "no-such-file.toml", "-q"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("no-such-file.toml"), "{stderr}");
}

#[test]
fn gates_are_checked_against_the_scenario_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/it-vs-bpa.toml");
    // An output folder that cannot be created: a run that got as far as
    // writing would fail on it (exit 1). The gates fail first, with exit 2.
    let blocker = dir.path().join("a-file");
    fs::write(&blocker, "not a folder").unwrap();
    let out = blocker.join("out");
    for (gate, message) in [
        ("kind == 1", "`kind` of set \"portfolio\" is not a numeric figure"),
        ("\"Invoice approval\".owner != 0", "`owner` of set \"Invoice approval\" is not a numeric figure"),
        ("npv.p11 < -250k", "has no figure `npv.p11` (did you mean \"npv.p10\"?)"),
        ("prob_npv_negativ > 10%", "(did you mean \"prob_npv_negative\"?)"),
        ("\"Invoice aproval\".npv.mean < 0", "no set named \"Invoice aproval\" (did you mean \"Invoice approval\"?)"),
        ("bpaa.npv.p10 < '$250,000'", "no set named \"bpaa\" (did you mean \"bpa\"?)"),
    ] {
        let (code, stdout, stderr) =
            roicast(&["run", file, "--trials", "2000", "--out", out.to_str().unwrap(), "--fail-if", gate]);
        assert_eq!(code, 2, "{gate}: {stdout}{stderr}");
        assert!(stderr.contains(message), "{gate}: {stderr}");
        assert!(stdout.is_empty(), "{gate}: {stdout}");
    }
}

#[test]
fn gate_thresholds_take_percentages_and_money() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/it-vs-bpa.toml");
    let out = dir.path().join("out");
    let gates = ["prob_npv_negative > 1%", "prob_npv_negative > 99%", "npv.p10 < '$1,000,000,000'", "npv.p10 < -1.5M"];
    let mut args = vec!["run", file, "--trials", "3000", "--no-charts", "--out", out.to_str().unwrap()];
    for gate in gates {
        args.extend(["--fail-if", gate]);
    }
    let (code, stdout, stderr) = roicast(&args);
    let summary = read_json(&out.join("summary.json"));
    let share = summary["sets"]["portfolio"]["prob_npv_negative"].as_f64().unwrap();
    let p10 = summary["sets"]["portfolio"]["npv"]["p10"].as_f64().unwrap();
    // The default scenario's portfolio: a few percent of losing trials, P10 between 0 and $1B.
    assert!(share > 0.01 && share < 0.99 && p10 > -1.5e6 && p10 < 1e9, "{share} {p10}");
    assert_eq!(code, 3, "{stderr}");
    for (gate, trips) in gates.iter().zip([true, false, true, false]) {
        let line = stdout.lines().find(|l| l.contains(gate)).unwrap_or_else(|| panic!("{gate}: {stdout}"));
        assert_eq!(line.starts_with("gate TRIPPED"), trips, "{line}");
    }
}
