//! Budget planning: paired comparisons, the cost of conflation, choosing a
//! portfolio under a budget, and `run --fail-if` gates.
//!
//! Closed forms come from scenarios with fixed inputs (one trial tells the
//! whole story); statistical checks use tolerances computed from the
//! Monte Carlo error of the run itself.

use std::path::{Path, PathBuf};

use roicast::compare::{ConflationCost, PairedRuns};
use roicast::engine::RunSettings;
use roicast::error::Error;
use roicast::plan::{BudgetSpec, Controls, InitiativeTrials, Plan, PlanRequest, WindowSpec};
use roicast::scenario::Scenario;

use crate::charts::{check_png, check_svg};
use crate::util::*;

const IT_VS_BPA: &str = include_str!("../../scenarios/it-vs-bpa.toml");
const CONFLATION: &str = include_str!("../../scenarios/conflation.toml");

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

/// Runs the binary; returns (exit code, stdout, stderr).
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn settings(trials: u64, seed: u64) -> RunSettings {
    RunSettings { trials, seed }
}

// ---------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero_in_every_trial() {
    let s = scenario(IT_VS_BPA);
    let runs = PairedRuns::run(&s, &s, settings(3000, 7), &|_| {}).unwrap();
    for set in &runs.a.sets {
        let differences = runs.npv_differences(&set.spec.name).unwrap();
        assert_eq!(differences.len(), 3000);
        assert!(differences.iter().all(|&d| d == 0.0), "{}: a trial differs", set.spec.name);
        let paired = runs.paired_set(&set.spec.name).unwrap();
        let d = paired.npv_difference.unwrap();
        assert_eq!((d.mean, d.sd, d.p10, d.p90, d.ci95_low, d.ci95_high), (0.0, 0.0, 0.0, 0.0, 0.0, 0.0));
        assert_eq!((paired.prob_b_beats_a, paired.prob_tie), (0.0, 1.0));
        assert_eq!(paired.prob_npv_negative.change, 0.0);
    }
}

/// B raises one initiative's benefit by 10%. Paired, the per-trial
/// difference only carries that change; two independent runs (different
/// seeds) carry the whole spread of both portfolios.
#[test]
fn paired_differences_spread_far_less_than_independent_runs() {
    let original = "benefit_per_month = { lognormal = { p10 = 12000, p90 = 30000 } }";
    assert!(IT_VS_BPA.contains(original));
    let a = scenario(IT_VS_BPA);
    let b = scenario(&IT_VS_BPA.replace(original, "benefit_per_month = { lognormal = { p10 = 13200, p90 = 33000 } }"));
    let n = 4000;
    let paired = PairedRuns::run(&a, &b, settings(n, 3), &|_| {}).unwrap().npv_differences("portfolio").unwrap();
    let a_alone = run(&a, n, 3);
    let b_alone = run(&b, n, 4);
    let independent: Vec<f64> =
        set(&b_alone, "portfolio").npv.iter().zip(&set(&a_alone, "portfolio").npv).map(|(y, x)| y - x).collect();
    let (paired_mean, paired_sd) = mean_sd(&paired);
    let (independent_mean, independent_sd) = mean_sd(&independent);
    assert!(paired_sd < 0.2 * independent_sd, "paired sd {paired_sd} vs independent sd {independent_sd}");
    assert!(paired_mean > 0.0 && paired.iter().all(|&d| d >= -1e-6), "more benefit never lowers NPV here");
    // Both estimate the same mean difference.
    let se = (paired_sd.powi(2) + independent_sd.powi(2)).sqrt() / (n as f64).sqrt();
    assert!((paired_mean - independent_mean).abs() < 4.0 * se, "{paired_mean} vs {independent_mean} (se {se})");
}

#[test]
fn scenarios_with_different_horizons_cannot_be_compared() {
    let a = scenario(IT_VS_BPA);
    let b = scenario(&IT_VS_BPA.replace("horizon_months = 36", "horizon_months = 48"));
    let Err(Error::Input(message)) = PairedRuns::run(&a, &b, settings(10, 1), &|_| {}) else {
        panic!("expected a bad-input error")
    };
    assert!(message.contains("same horizon_months"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    let longer = write(dir.path(), "longer.toml", &IT_VS_BPA.replace("horizon_months = 36", "horizon_months = 48"));
    let (code, _, stderr) =
        roicast(&["compare", shipped("it-vs-bpa.toml").to_str().unwrap(), longer.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("36 months") && stderr.contains("48 months"), "{stderr}");
}

#[test]
fn compare_writes_its_json_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let (a, b) = (shipped("it-vs-bpa.toml"), shipped("conflation.toml"));
    let (code, stdout, stderr) = roicast(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--trials",
        "1500",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("P(B beats A)"), "{stdout}");
    let json = read_json(&out.join("compare.json"));
    assert_eq!((json["trials"].as_u64(), json["seed"].as_u64()), (Some(1500), Some(7)));
    for name in ["portfolio", "it", "bpa"] {
        let set = &json["sets"][name];
        let mean = set["npv_difference"]["mean"].as_f64().unwrap();
        let (a_mean, b_mean) = (set["npv_mean"]["a"].as_f64().unwrap(), set["npv_mean"]["b"].as_f64().unwrap());
        assert_close(name, mean, b_mean - a_mean);
        assert!(mean < 0.0, "{name}: swapping owners should cost money");
        let (low, high) =
            (set["npv_difference"]["ci95_low"].as_f64().unwrap(), set["npv_difference"]["ci95_high"].as_f64().unwrap());
        assert!(low < mean && mean < high);
    }
    check_png(&out.join("charts/npv-difference.png"));
    check_svg(&out.join("charts/npv-difference.svg"));
}

// ---------------------------------------------------------------------------
// conflation
// ---------------------------------------------------------------------------

/// Fixed inputs, no risks: a mismatched owner only scales the benefit, so the
/// NPV lost is exactly `(1 − benefit_multiplier) × PV of the benefits`.
#[test]
fn conflation_cost_matches_the_closed_form() {
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.08

[conflation]
benefit_multiplier = 0.7

[[initiatives]]
name = "Invoice bot run by IT"
kind = "bpa"
owner = "it"
start_month = 2
build_cost = 40000
build_months = 2.5
run_cost_per_month = 600
benefit_per_month = 9000
ramp_months = 4
pnl_visibility = 0.8

[[initiatives]]
name = "Patching"
kind = "it"
build_cost = 10000
build_months = 1
benefit_per_month = 3000
"#,
    );
    let cost = ConflationCost::run(&s, settings(50, 1), &|_| {}).unwrap().expect("one mismatch");
    assert_eq!(cost.mismatched, vec!["Invoice bot run by IT".to_string()]);
    // Build months 3..5, go-live g = 5; ramp over 4 months from month 6.
    let monthly = 1.08f64.powf(1.0 / 12.0) - 1.0;
    let pv_benefit: f64 = (6..=24).map(|t| 9000.0 * ((t - 5) as f64 / 4.0).min(1.0) / (1.0 + monthly).powi(t)).sum();
    let expected = (1.0 - 0.7) * pv_benefit;
    for name in ["Invoice bot run by IT", "portfolio"] {
        for (k, d) in cost.runs.npv_differences(name).unwrap().iter().enumerate() {
            assert_close(&format!("{name}, trial {k}"), *d, expected);
        }
    }
    let lost = cost.initiatives[0].npv_difference.unwrap();
    assert_close("mean NPV lost", lost.mean, expected);
    assert_eq!(cost.initiatives[0].prob_b_beats_a, 1.0);
    assert_eq!(cost.runs.npv_differences("Patching").unwrap().iter().filter(|&&d| d != 0.0).count(), 0);
}

/// The shipped conflation scenario: both swapped owners cost NPV, the total
/// is their sum trial by trial (the other initiatives draw identical numbers),
/// and each mismatch raises the chance of abandonment.
#[test]
fn conflation_scenario_costs_money_and_the_total_is_the_sum_of_its_parts() {
    let s = scenario(CONFLATION);
    let cost = ConflationCost::run(&s, settings(4000, 7), &|_| {}).unwrap().unwrap();
    assert_eq!(cost.mismatched, vec!["Server provisioning".to_string(), "Customer onboarding".to_string()]);
    for set in cost.initiatives.iter().chain([&cost.total]) {
        let lost = set.npv_difference.unwrap();
        assert!(lost.ci95_low > 0.0, "{}: NPV lost {} (CI from {})", set.name, lost.mean, lost.ci95_low);
        assert!(set.prob_abandoned.a > set.prob_abandoned.b, "{}: abandonment should rise", set.name);
        assert!(set.prob_npv_negative.a >= set.prob_npv_negative.b, "{}", set.name);
    }
    let parts: Vec<Vec<f64>> = cost.mismatched.iter().map(|n| cost.runs.npv_differences(n).unwrap()).collect();
    for (k, total) in cost.runs.npv_differences("portfolio").unwrap().iter().enumerate() {
        assert!((total - (parts[0][k] + parts[1][k])).abs() <= 1e-6 * (1.0 + total.abs()), "trial {k}");
    }
    // Unchanged initiatives are unchanged in every trial.
    for name in ["Identity and access automation", "Invoice approval", "Lead-to-cash"] {
        assert!(cost.runs.npv_differences(name).unwrap().iter().all(|&d| d == 0.0), "{name}");
    }
}

#[test]
fn conflation_command_reports_or_says_there_is_nothing_to_cost() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("conf");
    let file = shipped("conflation.toml");
    let (code, stdout, stderr) =
        roicast(&["conflation", file.to_str().unwrap(), "--trials", "1000", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Customer onboarding (bpa)") && stdout.contains("total (portfolio)"), "{stdout}");
    let json = read_json(&out.join("conflation.json"));
    let total = json["total"]["npv_lost"]["mean"].as_f64().unwrap();
    let parts: f64 = ["Server provisioning", "Customer onboarding"]
        .iter()
        .map(|n| json["initiatives"][n]["npv_lost"]["mean"].as_f64().unwrap())
        .sum();
    assert!((total - parts).abs() <= 1e-6 * total.abs() && total > 0.0, "{total} vs {parts}");
    assert_eq!(json["initiatives"]["Customer onboarding"]["natural_owner"], "operations");
    check_png(&out.join("charts/conflation-cost.png"));
    check_svg(&out.join("charts/conflation-cost.svg"));

    let clean = dir.path().join("clean");
    let file = shipped("it-vs-bpa.toml");
    let (code, stdout, _) = roicast(&["conflation", file.to_str().unwrap(), "--out", clean.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("natural owner"), "{stdout}");
    assert!(!clean.exists(), "nothing to write when nothing is mismatched");
}

// ---------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------

fn plan(s: &Scenario, trials: u64, request: PlanRequest) -> Plan {
    let settings = request.resolve(s).unwrap();
    let data = InitiativeTrials::simulate(s, RunSettings { trials, seed: 5 }, &settings.budgets, &|_| {});
    Plan::search(s, &data, settings).unwrap()
}

fn budget(amount: f64) -> PlanRequest {
    PlanRequest {
        budgets: vec![BudgetSpec { window: WindowSpec::FirstMonths, amount }],
        budget_months: None,
        confidence: 0.9,
        max_loss_probability: None,
        controls: Controls::default(),
    }
}

fn names(s: &Scenario, members: &[usize]) -> Vec<String> {
    members.iter().map(|&m| s.initiatives[m].name.clone()).collect()
}

#[test]
fn plan_finds_the_hand_worked_best_portfolio_and_its_runners_up() {
    let s = scenario(HAND_PLAN);
    let p = plan(&s, 300, budget(60_000.0));
    let ranked: Vec<(Vec<String>, f64, f64)> =
        p.ranked.iter().map(|e| (names(&s, &e.members), e.npv_mean, e.spend[0].quantile)).collect();
    let expected = [
        (vec!["Base", "App1", "App2"], 88_000.0, 50_000.0),
        (vec!["Base", "App1", "Small"], 66_500.0, 60_000.0),
        (vec!["Big"], 55_000.0, 60_000.0),
        (vec!["Base", "App1"], 52_000.0, 40_000.0),
    ];
    assert_eq!(ranked.len(), expected.len(), "{ranked:?}");
    for ((got, npv, spend), (want, want_npv, want_spend)) in ranked.iter().zip(&expected) {
        assert_eq!(got, want);
        assert_close(&format!("{want:?} NPV"), *npv, *want_npv);
        assert_close(&format!("{want:?} spend"), *spend, *want_spend);
    }
    assert!(p.ranked.iter().all(|e| e.fits && e.prob_npv_negative == 0.0 && e.spend[0].prob_within == 1.0));
    // 5 initiatives with a chain Base <- App1 <- App2: 4 choices for the chain x 4 for Big and Small, minus the empty one.
    assert_eq!(p.portfolios, 15);

    // The budget table of the chosen portfolio: all builds in quarter 1, then benefits only.
    assert_eq!(p.budget_table.len(), 8);
    let q1 = &p.budget_table[0];
    assert_eq!((q1.first_month, q1.last_month), (1, 3));
    for x in [q1.spend_mean, q1.spend_p50, q1.spend_p90] {
        assert_close("Q1 spend", x, 50_000.0);
    }
    assert_close("Q1 visible benefit", q1.visible_benefit_mean, 2.0 * 6_000.0);
    for q in &p.budget_table[1..] {
        assert_eq!((q.spend_p50, q.spend_p90, q.risk_loss_mean), (0.0, 0.0, 0.0));
        assert_close("visible benefit", q.visible_benefit_mean, 3.0 * 6_000.0);
    }
}

#[test]
fn the_loss_limit_and_the_budget_window_change_the_answer() {
    let s = scenario(HAND_PLAN);
    // Counting only months 1..12 or all 24 months makes no difference without run costs.
    let p = plan(&s, 300, PlanRequest { budget_months: Some(24), ..budget(60_000.0) });
    assert_eq!(names(&s, &p.chosen().unwrap().members), ["Base", "App1", "App2"]);
    // A 45k budget leaves Base + App1 (40k, 52k) as the best.
    let p = plan(&s, 300, budget(45_000.0));
    assert_eq!(names(&s, &p.chosen().unwrap().members), ["Base", "App1"]);
    // Base alone loses money in every trial: with no loss allowed it never appears.
    let p = plan(&s, 300, PlanRequest { max_loss_probability: Some(0.0), ..budget(30_000.0) });
    assert_eq!(names(&s, &p.chosen().unwrap().members), ["Small"]);
    assert!(p.ranked.iter().all(|e| e.members != [1]), "Base alone has a negative NPV");
}

#[test]
fn a_budget_no_portfolio_meets_names_the_cheapest() {
    let s = scenario(HAND_PLAN);
    let p = plan(&s, 300, budget(19_999.0));
    assert!(p.chosen().is_none() && p.budget_table.is_empty());
    let cheapest = p.cheapest.as_ref().unwrap();
    assert_eq!(names(&s, &cheapest.members), ["Small"]);
    assert_close("cheapest spend", cheapest.spend[0].quantile, 20_000.0);
    assert!(!cheapest.fits);
}

/// An uncertain build cost, uniform on [0, 100k] and all spent in month 1:
/// its P90 is 90k, its P80 80k. A budget of 85k fits at 80% confidence, not
/// at 90%, and holds in about 85% of trials.
#[test]
fn fitting_is_judged_on_the_spend_quantile_at_the_confidence_level() {
    let s = scenario(
        r#"
[simulation]
horizon_months = 12
discount_rate = 0.1

[[initiatives]]
name = "Uncertain build"
kind = "it"
build_cost = { uniform = [0, 100000] }
build_months = 1
benefit_per_month = 20000
"#,
    );
    let n = 4000;
    let strict = plan(&s, n, budget(85_000.0));
    assert!(strict.chosen().is_none());
    let cheapest = strict.cheapest.as_ref().unwrap();
    assert!((cheapest.spend[0].quantile - 90_000.0).abs() < 2_000.0, "P90 {}", cheapest.spend[0].quantile);
    let lenient = plan(&s, n, PlanRequest { confidence: 0.8, ..budget(85_000.0) });
    let chosen = lenient.chosen().expect("fits at P80");
    assert!((chosen.spend[0].quantile - 80_000.0).abs() < 2_000.0, "P80 {}", chosen.spend[0].quantile);
    let within = (chosen.spend[0].prob_within * n as f64).round() as usize;
    assert_share_near("P(spend within budget)", within, n as usize, 0.85, 4.0);
}

#[test]
fn every_portfolio_plan_reports_holds_its_dependencies() {
    let s = scenario(IT_VS_BPA);
    let p = plan(&s, 2000, budget(300_000.0));
    assert!(!p.ranked.is_empty());
    for e in &p.ranked {
        for &m in &e.members {
            for d in &s.initiatives[m].depends_on {
                assert!(
                    e.members.contains(d),
                    "{:?} funds {} without {}",
                    names(&s, &e.members),
                    s.initiatives[m].name,
                    s.initiatives[*d].name
                );
            }
        }
    }
    let best = p.chosen().unwrap();
    assert!(p.ranked.windows(2).all(|w| w[0].npv_mean >= w[1].npv_mean));
    assert!(best.spend[0].quantile <= 300_000.0);
    assert_eq!(p.frontier.len(), p.portfolios);
}

#[test]
fn plan_command_writes_plan_json_budget_csv_and_the_frontier() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "hand.toml", HAND_PLAN);
    let out = dir.path().join("plan");
    let (code, stdout, stderr) =
        roicast(&["plan", file.to_str().unwrap(), "--budget", "60k", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Fund: Base, App1, App2"), "{stdout}");
    let json = read_json(&out.join("plan.json"));
    assert_eq!(json["fits"], true);
    assert_eq!(json["chosen"]["initiatives"], serde_json::json!(["Base", "App1", "App2"]));
    assert_eq!(json["runners_up"].as_array().unwrap().len(), 3);
    assert_eq!(json["settings"]["budgets"][0]["budget"].as_f64(), Some(60_000.0));
    let csv = std::fs::read_to_string(out.join("budget.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "kind,period,first_month,last_month,spend_mean,spend_p50,spend_p90,visible_benefit_mean,risk_loss_mean,\
             budget,spend_quantile,prob_within_budget"
        )
    );
    assert_eq!(lines.next(), Some("quarter,Q1,1,3,50000.0,50000.0,50000.0,12000.0,0.0,,,"));
    // Seven more quarters, the two years' totals (the first the same as the
    // window's, with no budget), then the budget window's total.
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len(), 10);
    assert_eq!(rest[7], "year,Year 1,1,12,50000.0,50000.0,50000.0,66000.0,0.0,,,");
    assert!(rest[8].starts_with("year,Year 2,13,24,"), "{}", rest[8]);
    assert_eq!(rest[9], "window,months 1–12,1,12,50000.0,50000.0,50000.0,66000.0,0.0,60000.0,50000.0,1.0");
    check_png(&out.join("charts/efficient-frontier.png"));
    check_svg(&out.join("charts/efficient-frontier.svg"));

    // Nothing fits: said plainly, the cheapest named, exit 0, no budget table.
    let none = dir.path().join("none");
    let (code, stdout, stderr) =
        roicast(&["plan", file.to_str().unwrap(), "--budget", "5000", "--no-charts", "--out", none.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("No portfolio fits") && stdout.contains("The cheapest portfolio is Small"), "{stdout}");
    let json = read_json(&none.join("plan.json"));
    assert_eq!((json["fits"].as_bool(), json["chosen"].is_null()), (Some(false), true));
    assert_eq!(json["cheapest"]["initiatives"], serde_json::json!(["Small"]));
    assert!(!none.join("budget.csv").exists() && !none.join("charts").exists());

    // A budget window beyond the horizon is bad input.
    let (code, _, stderr) = roicast(&["plan", file.to_str().unwrap(), "--budget", "1M", "--budget-months", "30"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("horizon"), "{stderr}");
}

#[test]
fn budget_outputs_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (shipped("it-vs-bpa.toml"), shipped("conflation.toml"));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    for threads in ["1", "2"] {
        let out = |name: &str| dir.path().join(format!("{name}-{threads}"));
        let common = ["--trials", "2500", "--threads", threads, "--no-charts", "-q", "--out"];
        let compare = out("compare");
        let plan = out("plan");
        for args in [
            [&["compare", a, b][..], &common, &[compare.to_str().unwrap()]].concat(),
            [&["plan", a, "--budget", "220k"][..], &common, &[plan.to_str().unwrap()]].concat(),
        ] {
            let (code, _, stderr) = roicast(&args);
            assert_eq!(code, 0, "{stderr}");
        }
    }
    for file in ["compare-{}/compare.json", "plan-{}/plan.json", "plan-{}/budget.csv"] {
        let read = |threads: &str| std::fs::read(dir.path().join(file.replace("{}", threads))).unwrap();
        assert!(read("1") == read("2"), "{file} differs between 1 and 2 threads");
    }
}

// ---------------------------------------------------------------------------
// run --fail-if
// ---------------------------------------------------------------------------

#[test]
fn gates_trip_with_exit_code_3_after_writing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let file = shipped("quickstart.toml");
    let gate_run = |name: &str, gates: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec!["run", file.to_str().unwrap(), "--trials", "500", "--no-charts", "--out"];
        args.push(out.to_str().unwrap());
        for gate in gates {
            args.extend(["--fail-if", gate]);
        }
        let (code, stdout, stderr) = roicast(&args);
        (code, stdout, stderr, out)
    };

    let (code, stdout, stderr, out) = gate_run("pass", &["prob_npv_negative > 1", "it.npv.p50 < -1e12"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.matches("gate ok").count(), 2, "{stdout}");
    assert!(out.join("summary.json").exists());

    let (code, stdout, stderr, out) =
        gate_run("trip", &["prob_npv_negative >= 0", "\"Invoice approval\".npv.mean < 1e15", "npv.p10 == 12345.678"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert_eq!(stdout.matches("gate TRIPPED").count(), 2, "{stdout}");
    assert!(stderr.contains("2 of 3"), "{stderr}");
    // The outputs are written, and the values printed are those of summary.json.
    let summary = read_json(&out.join("summary.json"));
    let share = summary["sets"]["portfolio"]["prob_npv_negative"].as_f64().unwrap();
    assert!(stdout.contains(&format!("(portfolio.prob_npv_negative = {share})")), "{stdout}");
    let mean = summary["sets"]["Invoice approval"]["npv"]["mean"].as_f64().unwrap();
    assert!(stdout.contains(&format!("(Invoice approval.npv.mean = {mean})")), "{stdout}");
}

#[test]
fn bad_gates_are_bad_input() {
    let file = shipped("quickstart.toml");
    let file = file.to_str().unwrap();
    // Bad grammar: refused before any simulation.
    for bad in ["npv.mean <", "npv.mean ~ 3", "\"Invoice approval.npv.mean < 0", "< 0.1"] {
        let (code, _, stderr) = roicast(&["run", file, "--trials", "100", "--fail-if", bad]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("expected `[set.]figure OP threshold`"), "{bad}: {stderr}");
    }
    // Unknown names: refused before any output is written, with what exists.
    let dir = tempfile::tempdir().unwrap();
    for (bad, hint) in [("npv.p11 < 0", "npv.p10"), ("\"Nobody\".npv.mean < 0", "\"Patch management\"")] {
        let out = dir.path().join("never");
        let (code, _, stderr) = roicast(&[
            "run",
            file,
            "--trials",
            "100",
            "--no-charts",
            "-q",
            "--fail-if",
            bad,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains(hint), "{bad}: {stderr}");
        assert!(!out.exists());
    }
}
