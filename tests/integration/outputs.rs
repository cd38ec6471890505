//! What roicast writes, as the people who open it see it: CSV files safe to
//! open in a spreadsheet, payback figures of sets with no cash flow, and the
//! digits of the ROI figures.

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
