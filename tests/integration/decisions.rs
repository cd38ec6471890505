//! Budget decisions: value of information (`roicast voi`), plan controls
//! (`--include`, `--exclude`, `[[alternatives]]`, budget windows) and
//! `compare` per initiative.
//!
//! Plans use scenarios with fixed inputs and no discounting, so every
//! figure is arithmetic; the value of information is checked against a
//! direct computation from `trials.parquet` and against inputs that drive
//! the NPV, or do not, by construction.

use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use roicast::engine::RunSettings;
use roicast::plan::{BudgetSpec, Controls, InitiativeTrials, Plan, PlanRequest, WindowSpec, parse_window};
use roicast::scenario::Scenario;
use roicast::voi::{ValueOfInformation, relevant_inputs};

use crate::charts::{check_png, check_svg};
use crate::util::*;

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

// ---------------------------------------------------------------------------
// value of information
// ---------------------------------------------------------------------------

/// `voi` runs the trials of `run`: each initiative's EVPI in `voi.json` is
/// `mean(max(X, 0)) − max(mean(X), 0)` of its NPV column in `trials.parquet`;
/// `voi.csv` holds the same numbers; every EVPPI lies in `[0, EVPI]`.
#[test]
fn evpi_is_the_formula_on_the_trials_of_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = shipped("it-vs-bpa.toml");
    let file = file.to_str().unwrap();
    let (run_out, voi_out) = (dir.path().join("run"), dir.path().join("voi"));
    let common = ["--trials", "3000", "--seed", "11", "--out"];
    run_cli(&[&["run", file, "--no-charts"][..], &common, &[run_out.to_str().unwrap()]].concat());
    let stdout = run_cli(&[&["voi", file][..], &common, &[voi_out.to_str().unwrap()]].concat());
    assert!(stdout.contains("What is worth learning before you fund:"), "{stdout}");
    assert!(stdout.contains("Learning Lead-to-cash's benefit per month before funding it is worth up to"), "{stdout}");

    let frame = ParquetReader::new(fs::File::open(run_out.join("trials.parquet")).unwrap()).finish().unwrap();
    let json = read_json(&voi_out.join("voi.json"));
    assert_eq!((json["trials"].as_u64(), json["seed"].as_u64()), (Some(3000), Some(11)));
    let initiatives = json["initiatives"].as_array().unwrap();
    assert_eq!(initiatives.len(), 7);
    for entry in initiatives {
        let name = entry["initiative"].as_str().unwrap();
        let npv: Vec<f64> = frame.column(&format!("{name}.npv")).unwrap().f64().unwrap().into_no_null_iter().collect();
        let n = npv.len() as f64;
        let direct = npv.iter().map(|x| x.max(0.0)).sum::<f64>() / n - (npv.iter().sum::<f64>() / n).max(0.0);
        let evpi = entry["evpi"].as_f64().unwrap();
        assert!((evpi - direct).abs() <= 1e-9 * direct.abs().max(1.0), "{name}: EVPI {evpi} vs direct {direct}");
        for input in entry["inputs"].as_array().unwrap() {
            let evppi = input["evppi"].as_f64().unwrap();
            assert!((0.0..=evpi).contains(&evppi), "{name} {}: EVPPI {evppi} outside [0, {evpi}]", input["input"]);
        }
    }

    // voi.csv: an EVPI row per initiative (empty input and EVPPI), then its inputs.
    let csv = fs::read_to_string(voi_out.join("voi.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("initiative,input,evppi,evpi"));
    let first = &initiatives[0];
    let fields: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(fields[..3], [first["initiative"].as_str().unwrap(), "", ""]);
    assert_close("EVPI in voi.csv", fields[3].parse().unwrap(), first["evpi"].as_f64().unwrap());
    let fields: Vec<&str> = lines.next().unwrap().split(',').collect();
    let top = &first["inputs"][0];
    assert_eq!(fields[..2], ["Identity and access automation", top["input"].as_str().unwrap()]);
    assert_close("EVPPI in voi.csv", fields[2].parse().unwrap(), top["evppi"].as_f64().unwrap());
    let rows = 1 + initiatives.iter().map(|e| 1 + e["inputs"].as_array().unwrap().len()).sum::<usize>();
    assert_eq!(csv.lines().count(), rows);
    check_png(&voi_out.join("charts/value-of-information.png"));
    check_svg(&voi_out.join("charts/value-of-information.svg"));
}

/// One initiative whose NPV is driven by its benefit by construction (a wide
/// range against narrow ones), with a mean NPV near zero (the hardest case
/// for an input that does not matter), and a P&L visibility that does not
/// enter the NPV at all. At 20,000 trials the benefit ranks first and the
/// visibility's EVPPI stays within two standard errors and below 2% of the EVPI.
#[test]
fn the_input_that_drives_npv_ranks_first_and_one_unrelated_to_it_stays_near_zero() {
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.08

[[initiatives]]
name = "Pilot"
kind = "bpa"
build_cost = { uniform = [64000, 74000] }
build_months = 2
run_cost_per_month = { uniform = [900, 1100] }
benefit_per_month = { uniform = [1000, 11000] }
pnl_visibility = { uniform = [0.2, 0.9] }
ramp_months = { uniform = [1, 3] }
[[initiatives.risks]]
name = "Outage"
events_per_year = 1
cost_per_event = { lognormal = { p10 = 2000, p90 = 40000 } }
"#,
    );
    let results = run(&s, 20_000, 3);
    let voi = ValueOfInformation::of(&s, &results);
    let pilot = &voi.initiatives[0];
    let mean = set(&results, "Pilot").npv.iter().sum::<f64>() / 20_000.0;
    assert!(mean.abs() < 0.1 * pilot.evpi.value, "mean NPV {mean} should be near 0 here");
    assert_eq!(pilot.inputs[0].name, "Pilot.benefit_per_month");
    assert!(pilot.inputs[0].evppi.value > 0.5 * pilot.evpi.value, "{:?}", pilot.inputs[0]);
    let visibility = pilot.inputs.iter().find(|i| i.name == "Pilot.pnl_visibility").unwrap();
    assert!(visibility.evppi.value <= 2.0 * visibility.evppi.se, "{visibility:?}");
    assert!(visibility.evppi.value <= 0.02 * pilot.evpi.value, "{visibility:?} vs EVPI {:?}", pilot.evpi);
    for input in &pilot.inputs {
        assert!((0.0..=pilot.evpi.value).contains(&input.evppi.value), "{input:?}");
    }
}

/// Every trial in the money: no information can change the decision to fund.
#[test]
fn an_initiative_in_the_money_in_every_trial_has_evpi_zero() {
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.1

[[initiatives]]
name = "Sure thing"
kind = "it"
build_cost = { uniform = [1000, 5000] }
build_months = { uniform = [1, 3] }
benefit_per_month = { uniform = [2000, 4000] }
"#,
    );
    let results = run(&s, 4000, 1);
    assert!(set(&results, "Sure thing").npv.iter().all(|&x| x > 0.0));
    let voi = ValueOfInformation::of(&s, &results);
    let sure = &voi.initiatives[0];
    assert_eq!(sure.evpi.value, 0.0);
    assert!(sure.inputs.iter().all(|i| i.evppi.value == 0.0), "{:?}", sure.inputs);

    let dir = tempfile::tempdir().unwrap();
    let sure_file = write(
        dir.path(),
        "sure-thing.toml",
        "[simulation]\nhorizon_months = 24\ndiscount_rate = 0.1\n[[initiatives]]\nname = \"Sure thing\"\nkind = \"it\"\n\
         build_cost = { uniform = [1000, 5000] }\nbuild_months = 1\nbenefit_per_month = 3000\n",
    );
    let out = dir.path().join("out");
    let stdout = run_cli(&[
        "voi",
        sure_file.to_str().unwrap(),
        "--trials",
        "500",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        stdout.contains("Sure thing: its NPV is positive in every trial, so no information could change"),
        "{stdout}"
    );
}

/// An initiative's relevant inputs are its own and those of what it depends
/// on, directly or not; nothing else.
#[test]
fn relevant_inputs_follow_dependencies() {
    let s = scenario(include_str!("../../scenarios/it-vs-bpa.toml"));
    let lead = s.initiative_index("Lead-to-cash").unwrap();
    let owners: Vec<&str> =
        relevant_inputs(&s, lead).iter().map(|&j| s.initiatives[s.inputs[j].initiative].name.as_str()).collect();
    for needed in ["Lead-to-cash", "Invoice approval", "Identity and access automation"] {
        assert!(owners.contains(&needed), "{needed} missing from {owners:?}");
    }
    assert!(!owners.contains(&"Backup verification") && !owners.contains(&"Customer onboarding"), "{owners:?}");
}

#[test]
fn voi_outputs_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let file = shipped("it-vs-bpa.toml");
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        run_cli(&[
            "voi",
            file.to_str().unwrap(),
            "--trials",
            "2500",
            "--threads",
            threads,
            "--no-charts",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    for name in ["voi.json", "voi.csv"] {
        let read = |threads: &str| fs::read(dir.path().join(threads).join(name)).unwrap();
        assert!(read("1") == read("2"), "{name} differs between 1 and 2 threads");
    }
}

// ---------------------------------------------------------------------------
// plan controls
// ---------------------------------------------------------------------------

/// A budget as `--budget` takes it: `months:13-24=30000` or a plain `60000`.
fn budget(text: &str) -> BudgetSpec {
    match text.split_once('=') {
        Some((window, amount)) => BudgetSpec { window: parse_window(window).unwrap(), amount: amount.parse().unwrap() },
        None => BudgetSpec { window: WindowSpec::FirstMonths, amount: text.parse().unwrap() },
    }
}

fn request(budgets: &[&str], include: &[&str], exclude: &[&str]) -> PlanRequest {
    PlanRequest {
        budgets: budgets.iter().map(|b| budget(b)).collect(),
        budget_months: None,
        confidence: 0.9,
        max_loss_probability: None,
        controls: Controls {
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        },
    }
}

fn plan(s: &Scenario, request: PlanRequest) -> Result<Plan, roicast::error::Error> {
    let settings = request.resolve(s)?;
    let data = InitiativeTrials::simulate(s, RunSettings { trials: 200, seed: 5 }, &settings.budgets, &|_| {});
    Plan::search(s, &data, settings)
}

fn chosen(s: &Scenario, plan: &Plan) -> Vec<String> {
    plan.chosen().map_or_else(Vec::new, |c| c.names(s).iter().map(|n| n.to_string()).collect())
}

/// At 90k the best portfolio is Base + App1 + App2 + Small (70k, NPV 102.5k);
/// one that must hold Big can add only Small (80k, 69.5k) or Base (90k, 48k).
#[test]
fn include_makes_every_portfolio_hold_an_initiative() {
    let s = scenario(HAND_PLAN);
    let free = plan(&s, request(&["90000"], &[], &[])).unwrap();
    assert_eq!(chosen(&s, &free), ["Base", "App1", "App2", "Small"]);
    let with_big = plan(&s, request(&["90000"], &["Big"], &[])).unwrap();
    assert_eq!(chosen(&s, &with_big), ["Big", "Small"]);
    assert_close("NPV", with_big.ranked[0].npv_mean, 69_500.0);
    assert!(with_big.ranked.iter().all(|e| e.members.contains(&0)), "every ranked portfolio holds Big");
    // Including App2 brings App1 and Base with it.
    let with_app2 = plan(&s, request(&["60000"], &["App2"], &[])).unwrap();
    assert!(with_app2.ranked.iter().all(|e| e.members.starts_with(&[1, 2, 3])), "{:?}", with_app2.ranked);
}

/// Excluding App1 rules out App2 too; at 60k, Big alone (55k) is then best.
#[test]
fn exclude_keeps_an_initiative_and_its_dependents_out() {
    let s = scenario(HAND_PLAN);
    let p = plan(&s, request(&["60000"], &[], &["App1"])).unwrap();
    assert_eq!(chosen(&s, &p), ["Big"]);
    assert!(p.ranked.iter().all(|e| !e.members.contains(&2) && !e.members.contains(&3)), "{:?}", p.ranked);
    assert_eq!(p.settings.space.forbidden, vec![2, 3]);
}

/// With 130k everything fits (NPV 157.5k); with Big and Small as
/// alternatives the best is Big with Base, App1 and App2 (110k, 143k). `run`
/// still simulates both, its portfolio holds both, and it says so.
#[test]
fn alternatives_fund_at_most_one_member_and_run_still_simulates_every_one() {
    let s = scenario(HAND_PLAN);
    assert_eq!(chosen(&s, &plan(&s, request(&["130000"], &[], &[])).unwrap()).len(), 5);
    let text = format!("{HAND_PLAN}\n[[alternatives]]\nname = \"Big or small\"\nmembers = [\"Big\", \"Small\"]\n");
    let alternatives = scenario(&text);
    let p = plan(&alternatives, request(&["130000"], &[], &[])).unwrap();
    assert_eq!(chosen(&alternatives, &p), ["Big", "Base", "App1", "App2"]);
    assert_close("NPV", p.ranked[0].npv_mean, 143_000.0);
    for e in &p.ranked {
        assert!(!(e.members.contains(&0) && e.members.contains(&4)), "both alternatives in {:?}", e.members);
    }
    // Including one member rules the other out.
    let p = plan(&alternatives, request(&["130000"], &["Small"], &[])).unwrap();
    assert_eq!(chosen(&alternatives, &p), ["Base", "App1", "App2", "Small"]);
    assert!(plan(&alternatives, request(&["1000000"], &["Small", "Big"], &[])).is_err());

    let results = run(&alternatives, 10, 1);
    let portfolio = set(&results, "portfolio");
    let all: f64 = ["Big", "Base", "App1", "App2", "Small"].iter().map(|n| set(&results, n).npv[0]).sum();
    assert_close("portfolio holds every initiative as written", portfolio.npv[0], all);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "alternatives.toml", &text);
    let out = dir.path().join("run");
    let stdout = run_cli(&["run", file.to_str().unwrap(), "--no-charts", "--out", out.to_str().unwrap()]);
    assert!(
        stdout.contains("note: Big and Small are alternatives (at most one will be funded)")
            && stdout.contains("the portfolio and it figures count all of them"),
        "{stdout}"
    );
}

/// A and D build in month 1 (40k, 20k); B and C in month 13 (30k, 15k). No
/// discounting, horizon 36: NPVs A 100k, D 32.5k, B 85k, C 31k. A budget of
/// 60k for months 1–12 and 30k for months 13–24 funds A, D and B; B and C
/// together (45k) break the second window.
const STAGED: &str = r#"
[simulation]
trials = 200
horizon_months = 36
seed = 5
discount_rate = 0.0
[calendar]
start = "2027-01"

[[initiatives]]
name = "A"
kind = "it"
build_cost = 40000
build_months = 1
benefit_per_month = 4000

[[initiatives]]
name = "B"
kind = "bpa"
start_month = 12
build_cost = 30000
build_months = 1
benefit_per_month = 5000

[[initiatives]]
name = "C"
kind = "bpa"
start_month = 12
build_cost = 15000
build_months = 1
benefit_per_month = 2000

[[initiatives]]
name = "D"
kind = "it"
build_cost = 20000
build_months = 1
benefit_per_month = 1500
"#;

#[test]
fn every_budget_window_is_a_constraint_of_its_own() {
    let s = scenario(STAGED);
    for (budgets, labels) in [
        (["months:1-12=60000", "months:13-24=30000"], ["months 1–12", "months 13–24"]),
        (["FY2027=60000", "FY2028=30000"], ["FY2027", "FY2028"]),
    ] {
        let p = plan(&s, request(&budgets, &[], &[])).unwrap();
        assert_eq!(chosen(&s, &p), ["A", "B", "D"], "{budgets:?}");
        assert_close("NPV", p.ranked[0].npv_mean, 217_500.0);
        let spends: Vec<f64> = p.ranked[0].spend.iter().map(|w| w.quantile).collect();
        assert_eq!(spends, [60_000.0, 30_000.0]);
        assert!(p.ranked.iter().all(|e| e.spend.iter().all(|w| w.prob_within == 1.0)));
        // The budget table totals by window.
        let windows: Vec<(String, u32, u32, f64)> =
            p.window_table.iter().map(|r| (r.period.clone(), r.first_month, r.last_month, r.spend_mean)).collect();
        assert_eq!(windows, [(labels[0].into(), 1, 12, 60_000.0), (labels[1].into(), 13, 24, 30_000.0)]);
        assert_eq!(p.window_table[1].budget.unwrap().amount, 30_000.0);
    }
    // One dollar less in the second window and B no longer fits: C takes its place.
    let p = plan(&s, request(&["months:1-12=60000", "months:13-24=29999"], &[], &[])).unwrap();
    assert_eq!(chosen(&s, &p), ["A", "C", "D"]);
    // A budget on the first window only would fund B and C as well.
    let p = plan(&s, request(&["60000"], &[], &[])).unwrap();
    assert_eq!(chosen(&s, &p), ["A", "B", "C", "D"]);
    // The quarters of a calendar's fiscal years.
    assert_eq!(p.budget_table[0].period, "FY2027 Q1");
    assert_eq!(p.budget_table[4].period, "FY2028 Q1");
}

#[test]
fn impossible_plans_are_bad_input_with_the_reason() {
    let s = scenario(STAGED);
    let err = |r: PlanRequest| plan(&s, r).err().map(|e| e.to_string()).unwrap_or_default();
    // An include that misses a window on its own, named with its spend.
    let message = err(request(&["months:1-12=60000", "months:13-24=20000"], &["B"], &[]));
    assert!(
        message.contains("cannot meet the budget on their own")
            && message.contains("in months 13–24 their P90 spend is $30.0k, over the $20.0k budget"),
        "{message}"
    );
    // An unknown name, with the name it probably meant.
    let message = err(request(&["60000"], &["d"], &[]));
    assert!(message.contains("--include \"d\"") && message.contains("did you mean \"D\""), "{message}");
    let message = err(request(&["60000"], &[], &["Bee"]));
    assert!(message.contains("did you mean \"B\""), "{message}");
    // Windows outside the horizon (36 months, to 2029-12).
    assert!(err(request(&["FY2030=1"], &[], &[])).contains("outside the scenario's horizon"));
    assert!(err(request(&["months:30-40=1"], &[], &[])).contains("past the scenario's horizon"));
    assert!(err(request(&["1", "months:1-12=2"], &[], &[])).contains("same months"));

    // From the command line: exit code 2, nothing written.
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "staged.toml", STAGED);
    let out = dir.path().join("never");
    for args in [
        &["--budget", "months:1-12=60000", "--budget", "months:13-24=20000", "--include", "B"][..],
        &["--budget", "60k", "--exclude", "Dd"][..],
        &["--budget", "FY2031=100k"][..],
        &["--budget", "FY2028=100k", "--budget-months", "6"][..],
    ] {
        let command = [&["plan", file.to_str().unwrap(), "-q", "--out", out.to_str().unwrap()][..], args].concat();
        let (code, _, stderr) = roicast(&command);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} wrote outputs");
    }
}

#[test]
fn plan_command_shows_every_window_and_every_initiatives_evpi() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "staged.toml", STAGED);
    let out = dir.path().join("plan");
    let stdout = run_cli(&[
        "plan",
        file.to_str().unwrap(),
        "--budget",
        "FY2027=60k",
        "--budget",
        "FY2028=$30,000",
        "--exclude",
        "C",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stdout.contains("P(within FY2027)") && stdout.contains("P(within FY2028)"), "{stdout}");
    assert!(stdout.contains("cannot fund: C (--exclude)") && stdout.contains("EVPI"), "{stdout}");
    let json = read_json(&out.join("plan.json"));
    assert_eq!(json["chosen"]["initiatives"], serde_json::json!(["A", "B", "D"]));
    assert_eq!(json["chosen"]["spend"][1]["window"], "FY2028");
    assert_eq!(json["settings"]["exclude"], serde_json::json!(["C"]));
    // Fixed inputs: nothing is uncertain, so nothing is worth learning.
    assert!(json["initiatives"].as_array().unwrap().iter().all(|i| i["evpi"].as_f64() == Some(0.0)));
    let csv = fs::read_to_string(out.join("budget.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with("window,FY2028,13,24,30000.0,") && l.ends_with(",30000.0,30000.0,1.0")),
        "{csv}"
    );
    check_png(&out.join("charts/efficient-frontier.png"));
}

// ---------------------------------------------------------------------------
// alternatives in the scenario file
// ---------------------------------------------------------------------------

#[test]
fn alternatives_that_make_no_sense_are_rejected_with_their_line() {
    let with =
        |alternatives: &str| Scenario::parse(&format!("{HAND_PLAN}\n[[alternatives]]\n{alternatives}\n"), "hand.toml");
    let line = HAND_PLAN.lines().count() + 3;
    let err = with("members = [\"Big\", \"Smal\"]").unwrap_err();
    assert!(err.line == line && err.message.contains("did you mean \"Small\""), "{err}");
    let err = with("members = [\"Big\"]").unwrap_err();
    assert!(err.message.contains("at least two"), "{err}");
    let err = with("members = [\"Big\", \"Big\"]").unwrap_err();
    assert!(err.message.contains("listed twice"), "{err}");
    let err = with("members = [\"Base\", \"App2\"]").unwrap_err();
    assert!(err.message.contains("\"App2\" depends on \"Base\""), "{err}");
    let err = with("members = [\"Big\", \"Small\"]\nmembres = []").unwrap_err();
    assert!(err.message.contains("unknown key") && err.message.contains("did you mean `members`"), "{err}");
    assert_eq!(with("members = [\"Big\", \"Small\"]").unwrap().alternatives[0].members, vec![0, 4]);
}

// ---------------------------------------------------------------------------
// compare per initiative
// ---------------------------------------------------------------------------

/// B renames one initiative: per initiative, the others differ by nothing,
/// the old name counts as dropped (−its NPV), the new one as added, and the
/// initiatives' differences add up to the portfolio's.
#[test]
fn compare_reports_every_initiative_and_ones_present_in_only_one_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let a = shipped("it-vs-bpa.toml");
    let text = fs::read_to_string(&a).unwrap();
    let b = write(dir.path(), "renamed.toml", &text.replace("\"Backup verification\"", "\"Backup checks\""));
    let out = dir.path().join("cmp");
    let stdout = run_cli(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--trials",
        "1500",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stdout.contains("absent") && stdout.contains("not undertaken"), "{stdout}");
    let json = read_json(&out.join("compare.json"));
    let sets = &json["sets"];
    let mean = |name: &str| sets[name]["npv_difference"]["mean"].as_f64().unwrap();
    assert_eq!(sets["Backup verification"]["present_in"], "a");
    assert_eq!(sets["Backup checks"]["present_in"], "b");
    assert_eq!(sets["Lead-to-cash"]["present_in"], "both");
    assert_eq!(mean("Lead-to-cash"), 0.0);
    assert_close(
        "dropped",
        mean("Backup verification"),
        -sets["Backup verification"]["npv_mean"]["a"].as_f64().unwrap(),
    );
    assert_eq!(sets["Backup verification"]["npv_mean"]["b"].as_f64(), Some(0.0));
    assert!(sets["Backup checks"]["payback_month_p50"]["a"].is_null());
    let names: Vec<&str> = json["initiatives"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(names.len(), 8);
    let total: f64 = names.iter().map(|n| mean(n)).sum();
    assert!(
        (total - mean("portfolio")).abs() <= 1e-6 * mean("portfolio").abs().max(1.0),
        "{total} vs {}",
        mean("portfolio")
    );
}
