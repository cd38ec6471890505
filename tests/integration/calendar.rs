//! A scenario's `[calendar]` in the outputs: dated months in `monthly.csv`,
//! the Monthly sheet and `summary.json`, and the budget table by fiscal quarter with
//! fiscal-year totals.

use std::path::Path;

use calamine::{Reader, Xlsx, open_workbook};

use crate::util::*;

/// One initiative with fixed amounts, so every budget figure is known by hand:
/// build cost 12,000 over months 1–3 (4,000 a month), then a run cost of 100
/// in every month from 4 on.
const FIXED: &str = r#"
[simulation]
horizon_months = 24
discount_rate = 0.1

[[initiatives]]
name = "Fixed"
kind = "it"
build_cost = 12000
build_months = 3
run_cost_per_month = 100
benefit_per_month = 1000
"#;

/// February 2027 is month 1; fiscal years start in April, so the first
/// fiscal quarter (FY2027 Q4) is cut to February and March.
const FEBRUARY_APRIL: &str = "\n[calendar]\nstart = \"2027-02\"\nfiscal_year_start = \"April\"\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The rows of a CSV file without quoted cells, as fields.
fn csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().map(|line| line.split(',').map(String::from).collect()).collect()
}

#[test]
fn monthly_csv_and_the_monthly_sheet_date_every_month_with_a_calendar() {
    let dir = tempfile::tempdir().unwrap();
    for dated in [true, false] {
        let text = FIXED.to_string() + if dated { FEBRUARY_APRIL } else { "" };
        let file = write(dir.path(), &format!("fixed-{dated}.toml"), &text);
        let out = dir.path().join(format!("out-{dated}"));
        let mut args = vec!["run", &file as &str, "--trials", "200", "--quiet", "--no-charts", "--out"];
        args.push(out.to_str().unwrap());
        if !dated {
            args.push("--no-reports");
        }
        run_cli(&args);
        let rows = csv(&out.join("monthly.csv"));
        assert_eq!(rows[0][..4], ["set", "month", "date", "mean"]);
        assert_eq!(rows.len(), 1 + 4 * 24, "portfolio, it, bpa and the initiative, 24 months each");
        for row in &rows[1..] {
            let month: u32 = row[1].parse().unwrap();
            // Month 1 is February 2027: month m is (m + 1) months into 2027.
            let expected = if dated {
                let since_january = month; // January 2027 is month 0
                format!("{}-{:02}", 2027 + since_january / 12, since_january % 12 + 1)
            } else {
                String::new()
            };
            assert_eq!(row[2], expected, "{row:?}");
        }
        let calendar = &read_json(&out.join("summary.json"))["calendar"];
        match dated {
            true => assert_eq!(*calendar, serde_json::json!({"start": "2027-02", "fiscal_year_start": 4})),
            false => assert!(calendar.is_null()),
        }
        if dated {
            let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
            let sheet = book.worksheet_range("Monthly").unwrap();
            let mut sheet_rows = sheet.rows();
            let header: Vec<String> = sheet_rows.next().unwrap().iter().map(|c| c.to_string()).collect();
            assert_eq!(header[..3], ["set", "month", "date"]);
            let first: Vec<String> = sheet_rows.next().unwrap().iter().map(|c| c.to_string()).collect();
            assert_eq!((first[1].as_str(), first[2].as_str()), ("1", "2027-02"));
        }
    }
}

#[test]
fn the_budget_goes_by_fiscal_quarter_with_fiscal_year_totals() {
    let dir = tempfile::tempdir().unwrap();
    let plan = |calendar: &str, name: &str| {
        let file = write(dir.path(), &format!("{name}.toml"), &(FIXED.to_string() + calendar));
        let out = dir.path().join(name);
        run_cli(&[
            "plan",
            &file,
            "--budget",
            "1M",
            "--trials",
            "200",
            "--quiet",
            "--no-charts",
            "--no-reports",
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    };
    // Per period: label, first and last month, and the spend (the same in every trial).
    let table = |json: &serde_json::Value, key: &str| -> Vec<(String, u64, u64, f64, f64)> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["period"].as_str().unwrap().to_string(),
                    r["first_month"].as_u64().unwrap(),
                    r["last_month"].as_u64().unwrap(),
                    r["spend_mean"].as_f64().unwrap(),
                    r["spend_p90"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let row = |label: &str, first: u64, last: u64, spend: f64| (label.to_string(), first, last, spend, spend);

    let out = plan(FEBRUARY_APRIL, "dated");
    let json = read_json(&out.join("plan.json"));
    let quarters = table(&json, "budget_table");
    assert_eq!(quarters.len(), 9);
    // Feb–Mar 2027: two build months; Apr–Jun: the last build month and two run months.
    assert_eq!(quarters[0], row("FY2027 Q4", 1, 2, 8000.0));
    assert_eq!(quarters[1], row("FY2028 Q1", 3, 5, 4200.0));
    assert_eq!(quarters[8], row("FY2029 Q4", 24, 24, 100.0));
    // Fiscal years: FY2028 is April 2027 to March 2028, months 3 to 14.
    let years = table(&json, "year_table");
    assert_eq!(years, [row("FY2027", 1, 2, 8000.0), row("FY2028", 3, 14, 5100.0), row("FY2029", 15, 24, 1000.0)]);
    // budget.csv: the quarters, then the fiscal years, then the budget window.
    let rows = csv(&out.join("budget.csv"));
    let periods: Vec<String> = rows[1..].iter().map(|r| r[1].clone()).collect();
    assert_eq!(periods[8..12], ["FY2029 Q4", "FY2027", "FY2028", "FY2029"]);
    assert!(periods.len() == 13 && periods[12].starts_with("months 1–"), "{periods:?}");
    let kinds: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!((kinds[8], kinds[9], kinds[11], kinds[12]), ("quarter", "year", "year", "window"));

    // Without a calendar: quarters Q1.. and years of twelve months from month 1.
    let json = read_json(&plan("", "plain").join("plan.json"));
    assert_eq!(table(&json, "budget_table")[0], row("Q1", 1, 3, 12_000.0));
    assert_eq!(table(&json, "year_table"), [row("Year 1", 1, 12, 12_900.0), row("Year 2", 13, 24, 1200.0)]);
}

/// The fixed initiative has −12,000 after its build (months 1–3) and gains
/// 900 a month from month 4, so it pays back in month 3 + 14 = 17: June 2028
/// when month 1 is February 2027.
#[test]
fn compare_dates_the_median_payback_of_each_side_by_its_own_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let dated = write(dir.path(), "dated.toml", &(FIXED.to_string() + FEBRUARY_APRIL));
    let plain = write(dir.path(), "plain.toml", FIXED);
    let out = dir.path().join("out");
    let stdout = run_cli(&[
        "compare",
        &plain,
        &dated,
        "--trials",
        "200",
        "--no-charts",
        "--no-reports",
        "--out",
        out.to_str().unwrap(),
    ]);
    let fixed = stdout.lines().find(|l| l.starts_with("Fixed")).unwrap();
    assert!(fixed.ends_with("17 → 17 (Jun 2028)"), "{fixed}");
}
