//! Sensitivity (which inputs drive NPV), Monte Carlo error and
//! `--precision` runs: scenarios built so the answer is known by
//! construction.

use roicast::convergence::{self, Convergence, MeanMethod, PrecisionTarget, mean_interval};
use roicast::engine::{RunResults, RunSettings};
use roicast::sampling::BLOCK_TRIALS;
use roicast::scenario::Sampling;
use roicast::sensitivity::{Sensitivity, SetSensitivity};

use crate::util::*;

/// One BPA initiative whose `driver` input is wide and every other input
/// narrow, plus a small IT initiative with its own noise.
fn dominated_by(build_cost: &str, benefit: &str, extra: &str) -> String {
    format!(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.1

[[initiatives]]
name = "A"
kind = "bpa"
build_cost = {build_cost}
build_months = {{ uniform = [2, 2.5] }}
run_cost_per_month = {{ uniform = [900, 1100] }}
benefit_per_month = {benefit}
ramp_months = {{ uniform = [1, 1.2] }}
{extra}

[[initiatives]]
name = "B"
kind = "it"
build_cost = {{ triangular = [4000, 5000, 8000] }}
build_months = 1
benefit_per_month = {{ uniform = [900, 1100] }}
"#
    )
}

/// A scenario driven by A's benefit, in which A's P&L visibility is
/// uncertain as well (followed by `extra`).
fn benefit_dominated(extra: &str) -> String {
    dominated_by(
        "{ uniform = [95000, 105000] }",
        "{ uniform = [5000, 40000] }",
        &format!("pnl_visibility = {{ uniform = [0, 1] }}\n{extra}"),
    )
}

/// Parses and runs a scenario, and measures what drives its NPV.
fn sensitivity(toml: &str, trials: u64, seed: u64) -> (RunResults, Sensitivity) {
    let s = scenario(toml);
    let r = run(&s, trials, seed);
    let sens = Sensitivity::of(&s, &r);
    (r, sens)
}

fn portfolio(s: &Sensitivity) -> &SetSensitivity {
    s.set("portfolio").expect("portfolio drivers")
}

#[test]
fn a_dominant_benefit_ranks_first_with_positive_sign_and_largest_swing() {
    let (_, sens) = sensitivity(&benefit_dominated(""), 20_000, 1);
    let top = &portfolio(&sens).drivers[0];
    assert_eq!(top.name, "A.benefit_per_month");
    assert!(top.rank_correlation > 0.9, "{top:?}");
    assert!(top.variance_share.unwrap() > 0.8, "{top:?}");
    assert_eq!(portfolio(&sens).top_by_swing(1)[0].name, "A.benefit_per_month");
    // The swing is what the model gives: 21 live months of benefit (18.7
    // after discounting and the short ramp) times the gap between the means
    // of the top and bottom deciles of U(5000, 40000), 0.9 × 35000.
    assert!((top.swing / (18.7 * 31_500.0) - 1.0).abs() < 0.03, "{top:?}");
    // The same input drives the bpa set; the it set only has B's inputs to go by.
    assert_eq!(sens.set("bpa").unwrap().drivers[0].name, "A.benefit_per_month");
    assert!(sens.set("it").unwrap().drivers[0].name.starts_with("B."));
}

#[test]
fn a_dominant_build_cost_ranks_first_with_negative_sign() {
    let (_, sens) =
        sensitivity(&dominated_by("{ uniform = [50000, 500000] }", "{ uniform = [19000, 21000] }", ""), 20_000, 2);
    let drivers = &portfolio(&sens).drivers;
    let top = &drivers[0];
    assert_eq!(top.name, "A.build_cost");
    assert!(top.rank_correlation < -0.9, "{top:?}");
    // Build cost is spread over months 1-3, so the swing is a little less
    // than the 0.9 × 450,000 gap between decile means.
    assert!(top.swing < -0.95 * 405_000.0 && top.swing > -405_000.0, "{top:?}");
    let by_swing = portfolio(&sens).top_by_swing(drivers.len());
    assert_eq!(by_swing[0].name, "A.build_cost");
    assert!(drivers.iter().all(|d| d.swing.abs() <= top.swing.abs()));
    let shares: f64 = drivers.iter().map(|d| d.variance_share.unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-12, "variance shares add up to {shares}");
}

#[test]
fn an_input_without_effect_gets_no_credit() {
    // pnl_visibility changes only the P&L view, never NPV.
    let n = 40_000;
    let (r, sens) = sensitivity(&benefit_dominated(""), n, 3);
    let vis = portfolio(&sens).drivers.iter().find(|d| d.name == "A.pnl_visibility").expect("visibility is drawn");
    assert!(vis.rank_correlation.abs() <= 4.0 / (n as f64).sqrt(), "{vis:?}");
    // Swing: the difference of two means of n/10 trials each, under no effect.
    let (_, sd) = mean_sd(&set(&r, "portfolio").npv);
    let se = sd * (2.0 / (0.1 * n as f64)).sqrt();
    assert!(vis.swing.abs() <= 4.0 * se, "{vis:?}, se {se}");
    // Agrees with the independent implementation in util.
    let reference = spearman(&column(&r, "A.pnl_visibility"), &set(&r, "portfolio").npv);
    assert!((vis.rank_correlation - reference).abs() < 1e-12);
}

#[test]
fn correlated_inputs_share_credit() {
    // Visibility has no effect of its own but moves with the benefit (rank
    // correlation 0.8), so it shows about 0.8 × ρ(benefit, NPV).
    let correlation = r#"
[[correlations]]
between = ["A.benefit_per_month", "A.pnl_visibility"]
rank_correlation = 0.8"#;
    let (r, sens) = sensitivity(&benefit_dominated(correlation), 40_000, 4);
    let drivers = &portfolio(&sens).drivers;
    let find = |name: &str| drivers.iter().find(|d| d.name == name).unwrap();
    let (benefit, vis) = (find("A.benefit_per_month"), find("A.pnl_visibility"));
    assert_eq!(drivers[0].name, "A.benefit_per_month");
    let sampled = spearman(&column(&r, "A.benefit_per_month"), &column(&r, "A.pnl_visibility"));
    let expected = sampled * benefit.rank_correlation;
    assert!((vis.rank_correlation - expected).abs() < 0.03, "{vis:?} vs {expected}");
    assert!(vis.variance_share.unwrap() > 0.3 && vis.swing > 0.5 * benefit.swing, "{vis:?}");
}

#[test]
fn a_set_with_constant_npv_reports_zeros_never_nan() {
    // The it set's only uncertain input is its P&L visibility, which moves
    // visible benefit but not NPV: the set's NPV is always the same.
    let (_, sens) = sensitivity(
        r#"
[simulation]
horizon_months = 12
discount_rate = 0.1
[[initiatives]]
name = "A"
kind = "bpa"
build_cost = { uniform = [1000, 2000] }
build_months = 1
benefit_per_month = 500
[[initiatives]]
name = "B"
kind = "it"
build_cost = 1000
build_months = 1
benefit_per_month = 500
pnl_visibility = { uniform = [0.1, 0.5] }
"#,
        5_000,
        5,
    );
    let it = sens.set("it").unwrap();
    assert_eq!(it.drivers.len(), 1);
    let d = &it.drivers[0];
    assert_eq!(d.name, "B.pnl_visibility");
    assert_eq!((d.rank_correlation, d.variance_share, d.swing), (0.0, None, 0.0));
    assert!(portfolio(&sens).drivers[0].rank_correlation < -0.99);
}

#[test]
fn a_set_lists_only_the_inputs_that_can_move_it() {
    // Alpha is the only IT initiative; Beta and Gamma are BPA, and Gamma
    // waits for Alpha's go-live.
    let s = scenario(&format!("{}{BUSY_INITIATIVES}", simulation(24, 0.1, "latin-hypercube")));
    let r = run(&s, 4_000, 12);
    let sens = Sensitivity::of(&s, &r);
    let names = |set: &str| {
        let mut names: Vec<String> = sens.set(set).unwrap().drivers.iter().map(|d| d.name.clone()).collect();
        names.sort();
        names
    };
    let of = |prefixes: &[&str]| {
        let mut names: Vec<String> = r
            .inputs
            .iter()
            .map(|c| c.name.clone())
            .filter(|name| prefixes.iter().any(|p| name.starts_with(p)))
            .collect();
        names.sort();
        names
    };
    // it: Alpha's inputs alone, none of the BPA initiatives'.
    assert_eq!(names("it"), of(&["Alpha."]));
    // bpa: Beta's and Gamma's, and Alpha's build time, which moves Gamma's
    // go-live; no other input of Alpha can reach Gamma.
    let mut bpa = [of(&["Beta.", "Gamma."]), vec!["Alpha.build_months".to_string()]].concat();
    bpa.sort();
    assert_eq!(names("bpa"), bpa);
    // portfolio: every uncertain input.
    assert_eq!(names("portfolio"), of(&[""]));
    // A set's variance shares add up to 1 over its own inputs.
    for set in ["it", "bpa", "portfolio"] {
        let total: f64 = sens.set(set).unwrap().drivers.iter().filter_map(|d| d.variance_share).sum();
        assert!((total - 1.0).abs() < 1e-9, "{set}: {total}");
    }
}

/// A portfolio whose NPV spread is wide relative to its mean, so a 1%
/// target needs several rounds.
const NOISY: &str = r#"
[simulation]
horizon_months = 24
discount_rate = 0.1
trials = 4096
[[initiatives]]
name = "A"
kind = "bpa"
build_cost = { lognormal = { p10 = 20000, p90 = 200000 } }
build_months = { uniform = [1, 4] }
benefit_per_month = { normal = { mean = 9000, sd = 4000 }, min = 0 }
[[initiatives.risks]]
name = "Incident"
events_per_year = 1
cost_per_event = { lognormal = { p10 = 5000, p90 = 80000 } }
"#;

#[test]
fn precision_runs_stop_once_the_target_is_met_and_reproduce() {
    let s = scenario(NOISY);
    let settings = RunSettings { trials: 4096, seed: 9 };
    let target = PrecisionTarget { relative: 0.01, max_trials: 2_000_000 };
    let go = || convergence::run_to_precision(&s, settings, target, &|_| {}, &|_| {});
    let (results, outcome) = go();
    assert!(outcome.met, "{outcome:?}");
    assert!(outcome.rounds.len() >= 2, "the target should need more than the first round: {outcome:?}");
    let achieved = outcome.achieved_half_width.unwrap();
    assert!(achieved <= outcome.target_half_width, "{outcome:?}");
    assert_eq!(results.trials, outcome.trials);
    // Every earlier round fell short, every round is whole blocks (the last
    // may only be cut by max_trials), and the trials only grow.
    let (last, earlier) = outcome.rounds.split_last().unwrap();
    assert!(earlier.iter().all(|r| r.half_width.unwrap() > r.goal), "{outcome:?}");
    assert!(last.half_width.unwrap() <= last.goal);
    assert!(outcome.rounds.iter().all(|r| r.trials % BLOCK_TRIALS == 0));
    assert!(outcome.rounds.windows(2).all(|w| w[0].trials < w[1].trials));
    // The recorded half-width is the one of the results handed back.
    let mean = mean_interval(&set(&results, "portfolio").npv, Sampling::LatinHypercube);
    assert_eq!(mean.half_width, Some(achieved));
    // Same seed: same stopping point and identical results, equal to a plain
    // run of that many trials.
    let (again, outcome_again) = go();
    assert_eq!(outcome, outcome_again);
    assert_eq!(set(&results, "portfolio").npv, set(&again, "portfolio").npv);
    let plain = run(&s, outcome.trials, 9);
    assert_eq!(set(&results, "portfolio").npv, set(&plain, "portfolio").npv);
    assert_eq!(results.inputs[0].values, plain.inputs[0].values);
}

#[test]
fn precision_reports_an_unmet_target_at_the_trial_limit() {
    let s = scenario(NOISY);
    let target = PrecisionTarget { relative: 0.0001, max_trials: 5 * BLOCK_TRIALS + 100 };
    let (results, outcome) =
        convergence::run_to_precision(&s, RunSettings { trials: 10, seed: 1 }, target, &|_| {}, &|_| {});
    assert!(!outcome.met);
    assert_eq!(results.trials, 5 * BLOCK_TRIALS + 100);
    assert_eq!(outcome.trials, results.trials);
    assert_eq!(outcome.rounds[0].trials, BLOCK_TRIALS, "first round: the request in whole blocks");
}

#[test]
fn convergence_reports_intervals_around_the_estimates() {
    let s = scenario(NOISY);
    // Fewer than MIN_BATCHES whole blocks: the independent-trials interval.
    let r = run(&s, 20_000, 6);
    let c = Convergence::of(&r, Sampling::LatinHypercube);
    let (mean, sd) = mean_sd(&set(&r, "portfolio").npv);
    assert_close("mean", c.mean.estimate, mean);
    assert_eq!((c.mean.method, c.mean.batches), (MeanMethod::IndependentTrials, None));
    assert!((c.mean.half_width.unwrap() / (1.96 * sd / 20_000f64.sqrt()) - 1.0).abs() < 1e-3);
    // Enough blocks: batch means over the 21 whole ones. Latin hypercube
    // strata make the blocks' means vary less than independent trials'
    // would: here the interval is about half the plain one (0.36–0.75 of it
    // over seeds 1–40), and 21 batches estimate it to about ±16%.
    let r = run(&s, 45_000, 6);
    let c = Convergence::of(&r, Sampling::LatinHypercube);
    let (_, sd) = mean_sd(&set(&r, "portfolio").npv);
    assert_eq!((c.mean.method, c.mean.batches), (MeanMethod::BatchMeans, Some(21)));
    let iid = 1.96 * sd / 45_000f64.sqrt();
    assert!(c.mean.half_width.unwrap() < 0.9 * iid && c.mean.half_width.unwrap() > 0.25 * iid, "{:?} vs {iid}", c.mean);
    for q in [c.p10, c.p90] {
        let (lo, hi) = (q.low.unwrap(), q.high.unwrap());
        assert!(lo < q.estimate && q.estimate < hi, "{q:?}");
        assert_close("half-width", q.half_width.unwrap(), (hi - lo) / 2.0);
    }
}

#[test]
fn run_writes_sensitivity_and_convergence_and_prints_drivers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario_file = dir.path().join("noisy.toml");
    std::fs::write(&scenario_file, NOISY).unwrap();
    let stdout =
        run_cli(&["run", scenario_file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--precision", "2%"]);
    assert!(stdout.contains("What drives portfolio NPV"), "{stdout}");
    assert!(stdout.contains("precision target 2.0%"), "{stdout}");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let precision = &summary["convergence"]["precision"];
    assert_eq!(precision["met"], true, "{precision}");
    assert_eq!(precision["target"], 0.02);
    assert_eq!(precision["trials"], summary["trials"]);
    assert!(precision["achieved_half_width"].as_f64().unwrap() <= precision["target_half_width"].as_f64().unwrap());
    assert!(summary["convergence"]["mean"]["half_width"].is_number());
    assert!(summary["convergence"]["p10"]["low"].is_number());

    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("set,input,initiative,kind,rank_correlation,variance_share,swing"));
    // The uncertain inputs (build cost, build months and benefit of A) for
    // the portfolio and the bpa set; the it set is empty, nothing moves it.
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2 * 3, "{csv}");
    assert!(!rows.iter().any(|r| r.starts_with("it,")), "{csv}");
    assert!(rows.iter().any(|r| r.starts_with("portfolio,A.build_cost,A,bpa,-")), "{csv}");
    assert!(!csv.contains("NaN"), "{csv}");
}
