//! Scenarios that must be rejected, with the file, line, column and key of
//! the mistake; and every shipped scenario must parse.

use roicast::scenario::Scenario;

const SIM: &str = "[simulation]\nhorizon_months = 24\ndiscount_rate = 0.1\n";

/// A valid initiative with `name`, whose lines can be overridden by `extra`
/// (appended inside the same table).
fn init(name: &str, extra: &str) -> String {
    format!(
        "\n[[initiatives]]\nname = \"{name}\"\nkind = \"it\"\nbuild_cost = 1000\nbuild_months = 2\nbenefit_per_month = 100\n{extra}"
    )
}

/// A valid initiative without the keys listed in `omit`, plus `extra`.
fn init_with(name: &str, kind: &str, omit: &[&str], extra: &str) -> String {
    let mut s = format!("\n[[initiatives]]\nname = \"{name}\"\nkind = \"{kind}\"\n");
    for (k, v) in [("build_cost", "1000"), ("build_months", "2"), ("benefit_per_month", "100")] {
        if !omit.contains(&k) {
            s += &format!("{k} = {v}\n");
        }
    }
    s + extra
}

/// A risk, whose lines can be overridden by `extra`.
fn risk(extra: &str) -> String {
    format!("\n[[initiatives.risks]]\nname = \"R\"\nevents_per_year = 1\ncost_per_event = 100\n{extra}")
}

/// A valid scenario whose initiative A has `line` as well, marked as the
/// offending line.
fn with_line(line: &str) -> String {
    SIM.to_string() + &init("A", &format!("{line}{M}\n"))
}

/// A valid scenario whose initiative A has a risk with `line` as well, marked
/// as the offending line.
fn with_risk_line(line: &str) -> String {
    SIM.to_string() + &init("A", &risk(&format!("{line}{M}\n")))
}

const THREE_UNCERTAIN: &str = r#"
[[initiatives]]
name = "A"
kind = "it"
build_cost = { pert = [1, 2, 3] }
build_months = { uniform = [1, 2] }
benefit_per_month = { normal = { mean = 100, sd = 10 } }
run_cost_per_month = 5
"#;

fn corr(a: &str, b: &str, rho: &str) -> String {
    format!("\n[[correlations]]\nbetween = [\"{a}\", \"{b}\"]   # <-\nrank_correlation = {rho}\n")
}

/// Marks the offending line.
const M: &str = "   # <-";

/// `(label, toml, expected substring of key, expected substring of message)`.
type Case = (&'static str, String, &'static str, &'static str);

/// Scenarios with one mistake each. A line ending in `# <-` is the line the
/// error must point at.
fn catalogue() -> Vec<Case> {
    vec![
        (
            "pert min > mode",
            with_line("run_cost_per_month = { pert = [5, 1, 9] }"),
            "run_cost_per_month",
            "min <= mode <= max",
        ),
        (
            "lognormal p10 >= p90",
            with_line("ramp_months = { lognormal = { p10 = 3, p90 = 3 } }"),
            "ramp_months",
            "p10 < p90",
        ),
        (
            "lognormal p5 > p95",
            with_line("ramp_months = { lognormal = { p5 = 4, p95 = 3 } }"),
            "ramp_months",
            "p5 < p95",
        ),
        ("pnl_visibility 1.3", with_line("pnl_visibility = 1.3"), "pnl_visibility", "[0, 1]"),
        (
            "uniform visibility above 1",
            with_line("pnl_visibility = { uniform = [0.5, 1.2] }"),
            "pnl_visibility",
            "[0, 1]",
        ),
        ("abandon_probability 1.3", with_risk_line("abandon_probability = 1.3"), "abandon_probability", "[0, 1]"),
        (
            "normal build cost without min",
            SIM.to_string()
                + &init_with(
                    "A",
                    "it",
                    &["build_cost"],
                    &format!("build_cost = {{ normal = {{ mean = 5000, sd = 1000 }} }}{M}\n"),
                ),
            "build_cost",
            "negative",
        ),
        (
            "normal cost_per_event without min",
            SIM.to_string()
                + &init(
                    "A",
                    &risk("").replace(
                        "cost_per_event = 100",
                        &format!("cost_per_event = {{ normal = {{ mean = 5000, sd = 1000 }} }}{M}"),
                    ),
                ),
            "cost_per_event",
            "negative",
        ),
        ("negative fixed cost", with_line("run_cost_per_month = -5"), "run_cost_per_month", "negative"),
        (
            "negative events_per_year",
            SIM.to_string()
                + &init(
                    "A",
                    &risk("").replace("events_per_year = 1", &format!("events_per_year = {{ uniform = [-1, 2] }}{M}")),
                ),
            "events_per_year",
            "negative",
        ),
        ("depends on unknown", with_line("depends_on = [\"Nobody\"]"), "depends_on", "Nobody"),
        (
            "dependency cycle",
            with_line("depends_on = [\"B\"]") + &init("B", "depends_on = [\"A\"]\n"),
            "depends_on",
            "cycle",
        ),
        ("self dependency", with_line("depends_on = [\"A\"]"), "depends_on", "itself"),
        (
            "impossible correlations",
            // The error points at the first entry involved (its table header).
            SIM.to_string()
                + THREE_UNCERTAIN
                + &corr("A.build_cost", "A.build_months", "0.9")
                    .replace(M, "")
                    .replace("[[correlations]]", &format!("[[correlations]]{M}"))
                + &corr("A.build_months", "A.benefit_per_month", "0.9").replace(M, ""),
            "correlations",
            "no valid correlation matrix",
        ),
        (
            "correlation of a fixed input",
            SIM.to_string() + THREE_UNCERTAIN + &corr("A.build_cost", "A.run_cost_per_month", "0.5"),
            "correlations[0]",
            "fixed",
        ),
        (
            "correlation with itself",
            SIM.to_string() + THREE_UNCERTAIN + &corr("A.build_cost", "A.build_cost", "0.5"),
            "correlations[0]",
            "itself",
        ),
        (
            "same pair twice",
            SIM.to_string()
                + THREE_UNCERTAIN
                + &corr("A.build_cost", "A.build_months", "0.5").replace(M, "")
                + &corr("A.build_months", "A.build_cost", "0.3"),
            "correlations[1]",
            "already",
        ),
        (
            "unknown input in correlation",
            SIM.to_string() + THREE_UNCERTAIN + &corr("A.build_cost", "A.bild_months", "0.5"),
            "correlations[0]",
            "A.bild_months",
        ),
        (
            "rank correlation above 1",
            SIM.to_string()
                + THREE_UNCERTAIN
                + &format!(
                    "\n[[correlations]]\nbetween = [\"A.build_cost\", \"A.build_months\"]\nrank_correlation = 1.5{M}\n"
                ),
            "rank_correlation",
            "[-1, 1]",
        ),
        ("reserved name portfolio", SIM.to_string() + &init(&format!("portfolio\"{M}\n#\""), ""), "name", "reserved"),
        ("reserved name IT", SIM.to_string() + &init(&format!("IT\"{M}\n#\""), ""), "name", "reserved"),
        ("reserved name bpa", SIM.to_string() + &init(&format!("bpa\"{M}\n#\""), ""), "name", "reserved"),
        (
            "trials = 0",
            format!("[simulation]\ntrials = 0{M}\nhorizon_months = 24\ndiscount_rate = 0.1\n") + &init("A", ""),
            "trials",
            "between 1 and",
        ),
        (
            "horizon_months = 0",
            format!("[simulation]\nhorizon_months = 0{M}\ndiscount_rate = 0.1\n") + &init("A", ""),
            "horizon_months",
            "1",
        ),
        (
            "discount_rate = -0.1",
            format!("[simulation]\nhorizon_months = 24\ndiscount_rate = -0.1{M}\n") + &init("A", ""),
            "discount_rate",
            "-0.1",
        ),
        (
            "sampling = sobol",
            format!("[simulation]\nhorizon_months = 24\ndiscount_rate = 0.1\nsampling = \"sobol\"{M}\n")
                + &init("A", ""),
            "sampling",
            "sobol",
        ),
        (
            "missing benefit_per_month",
            // Points at the table that lacks it.
            SIM.to_string()
                + &init_with("A", "it", &["benefit_per_month"], "")
                    .replace("[[initiatives]]", &format!("[[initiatives]]{M}")),
            "benefit_per_month",
            "missing",
        ),
        (
            "missing horizon_months",
            "[simulation]\ndiscount_rate = 0.1\n".to_string() + &init("A", ""),
            "horizon_months",
            "missing",
        ),
        (
            "typo buld_cost",
            SIM.to_string() + &init_with("A", "it", &["build_cost"], &format!("buld_cost = 1000{M}\n")),
            "buld_cost",
            "unknown",
        ),
        ("unknown key in a distribution", with_line("ramp_months = { uniform = [1, 2], mn = 0 }"), "ramp_months", "mn"),
        (
            "unknown key in a normal",
            with_line("ramp_months = { normal = { mean = 1, sdev = 2 }, min = 0 }"),
            "ramp_months",
            "sdev",
        ),
        (
            "unknown table [simulaton]",
            format!("[simulaton]{M}\nhorizon_months = 24\ndiscount_rate = 0.1\n") + &init("A", ""),
            "simulaton",
            "unknown",
        ),
        ("unknown key in a risk", with_risk_line("pause_months = 2"), "pause_months", "unknown"),
        ("kind rpa", SIM.to_string() + &init_with("A", "rpa", &[], ""), "kind", "rpa"),
        ("owner finance", with_line("owner = \"finance\""), "owner", "finance"),
        (
            "duplicate names",
            SIM.to_string() + &init("A", "") + &init(&format!("A\"{M}\n#\""), ""),
            "name",
            "two initiatives",
        ),
        ("start_month = -1", with_line("start_month = -1"), "start_month", "-1"),
        (
            "truncation with no probability",
            with_line("ramp_months = { uniform = [1, 2], min = 3 }"),
            "ramp_months",
            "no probability",
        ),
        ("uniform lo > hi", with_line("ramp_months = { uniform = [2, 1] }"), "ramp_months", "lo <= hi"),
        ("no initiatives", SIM.to_string(), "initiatives", ""),
        ("empty file", String::new(), "simulation", "missing"),
    ]
}

/// Asserts that every case is rejected as described; returns the number of
/// cases whose line was checked.
fn assert_rejected(cases: Vec<Case>) -> usize {
    let n = cases.len();
    let mut failures = Vec::new();
    let mut lines_checked = 0;
    for (label, text, key, message) in cases {
        let err = match Scenario::parse(&text, "bad.toml") {
            Ok(_) => {
                failures.push(format!("{label}: accepted\n{text}"));
                continue;
            }
            Err(e) => e,
        };
        let shown = err.to_string();
        let mut problems = Vec::new();
        if err.file != "bad.toml" {
            problems.push(format!("file {:?}", err.file));
        }
        if !err.key.contains(key) {
            problems.push(format!("key {:?} does not contain {key:?}", err.key));
        }
        if !err.message.contains(message) {
            problems.push(format!("message does not contain {message:?}"));
        }
        if !shown.starts_with(&format!("bad.toml:{}:{}: ", err.line, err.column)) {
            problems.push("Display does not start with file:line:col".to_string());
        }
        if let Some(i) = text.lines().position(|l| l.ends_with("# <-")) {
            lines_checked += 1;
            if err.line != i + 1 {
                problems.push(format!("line {}, want {}", err.line, i + 1));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{label}: {}\n    error: {shown}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} of {n} cases wrong:\n{}", failures.len(), failures.join("\n"));
    lines_checked
}

#[test]
fn bad_scenarios_are_rejected_with_file_line_and_key() {
    let lines_checked = assert_rejected(catalogue());
    assert!(lines_checked >= 25, "only {lines_checked} cases check the line");
}

/// Values of the wrong TOML type: rejected by serde, and the error must still
/// name the key, like every other error.
fn wrong_types() -> Vec<Case> {
    vec![
        ("benefit_pause_months = 1.5", with_risk_line("benefit_pause_months = 1.5"), "benefit_pause_months", ""),
        (
            "horizon_months = 24.5",
            format!("[simulation]\nhorizon_months = 24.5{M}\ndiscount_rate = 0.1\n") + &init("A", ""),
            "horizon_months",
            "",
        ),
        ("start_month = 1.5", with_line("start_month = 1.5"), "start_month", ""),
        (
            "depends_on not a list",
            SIM.to_string() + &init("B", "") + &init("A", &format!("depends_on = \"B\"{M}\n")),
            "depends_on",
            "",
        ),
        (
            "kind not a string",
            SIM.to_string() + &init_with("A", "it", &[], "").replace("kind = \"it\"", &format!("kind = 3{M}")),
            "kind",
            "",
        ),
    ]
}

#[test]
fn values_of_the_wrong_type_name_their_key() {
    let n = wrong_types().len();
    assert_eq!(assert_rejected(wrong_types()), n, "every case checks its line");
}

#[test]
fn the_catalogue_differs_from_a_valid_scenario_only_in_its_mistake() {
    // The building blocks themselves parse, so each case fails for its own reason.
    let ok = |t: &str| Scenario::parse(t, "ok.toml").unwrap_or_else(|e| panic!("{e}\n{t}"));
    ok(&(SIM.to_string() + &init("A", "")));
    ok(&(SIM.to_string() + THREE_UNCERTAIN + &corr("A.build_cost", "A.build_months", "0.9")));
    ok(&(SIM.to_string() + &init("A", "") + &init("B", "depends_on = [\"A\"]\n")));
    ok(&(SIM.to_string() + &init("A", &risk("benefit_pause_months = 2\n"))));
    // Integers are accepted where a float is expected.
    ok(&("[simulation]\nhorizon_months = 24\ndiscount_rate = 0\n[conflation]\nbenefit_multiplier = 1\n".to_string()
        + THREE_UNCERTAIN
        + &corr("A.build_cost", "A.build_months", "1")));
}

#[test]
fn every_shipped_scenario_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("scenarios/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = Scenario::parse(&text, &path.display().to_string()) {
                failures.push(e.to_string());
            }
            checked += 1;
        }
    }
    assert!(checked >= 1, "no scenario found in {}", dir.display());
    assert!(failures.is_empty(), "shipped scenarios that do not parse:\n{}", failures.join("\n"));
}
