//! Escalation, actuals and re-forecasts: the months that happened are kept
//! exactly, the rest is simulated from the facts, and the re-forecast's
//! figures (forward NPV, variance against the plan) follow from the contract.

use std::fs;
use std::path::Path;

use roicast::engine::{BlockVisitor, RunResults, simulate_blocks};
use roicast::model::{Model, SetMetrics, SetMonths, SetSpec, TileFlows, discount_factors, reported_sets};
use roicast::reforecast::{PlanComparison, Reforecast, actual_months};
use roicast::sampling::{InputBlock, block_count};
use roicast::scenario::Scenario;
use roicast::stats::{quantile_sorted, summarize};

use crate::charts::check_png;
use crate::util::*;

/// What one trial's tile holds for a test: each reported set's cumulative
/// net cash flow, and each initiative's benefit and cost, month by month.
#[derive(Debug, Clone)]
struct Trial {
    cumulative: Vec<Vec<f64>>,
    benefit: Vec<Vec<f64>>,
    cost: Vec<Vec<f64>>,
}

/// Collects every trial of a run, in order, as [`Trial`]s.
struct Trials {
    sets: Vec<SetSpec>,
}

impl BlockVisitor for Trials {
    type State = (Vec<Trial>, SetMonths, Vec<SetMetrics>);
    type Output = Vec<Trial>;

    fn start(&self, _block: u64) -> Self::State {
        Default::default()
    }

    fn visit(&self, state: &mut Self::State, model: &Model, _: u64, _: &InputBlock, _: usize, flows: &TileFlows) {
        let (trials, months, metrics) = state;
        months.compute(flows, &self.sets, model.discount(), metrics);
        for l in 0..flows.trials {
            let lane = |rows: &[[f64; 8]]| rows.iter().map(|r| r[l]).collect::<Vec<f64>>();
            trials.push(Trial {
                cumulative: (0..self.sets.len()).map(|s| lane(months.cumulative(s))).collect(),
                benefit: flows.initiatives.iter().map(|f| lane(&f.benefit)).collect(),
                cost: flows.initiatives.iter().map(|f| lane(&f.cost)).collect(),
            });
        }
    }

    fn finish(&self, state: Self::State) -> Vec<Trial> {
        state.0
    }
}

/// Every trial of a run of `s`, as [`Trial`]s.
fn trials(s: &Scenario, trials: u64, seed: u64) -> Vec<Trial> {
    let settings = roicast::engine::RunSettings { trials, seed };
    let visitor = Trials { sets: reported_sets(s) };
    simulate_blocks(s, settings, 0..block_count(trials), &visitor, &|_| {}).concat()
}

/// The scenario `toml` with its actuals ledger `ledger` read.
fn with_ledger(toml: &str, ledger: &str) -> Scenario {
    scenario(toml).with_actuals(ledger, "actuals.csv").unwrap_or_else(|e| panic!("{e}"))
}

/// A run of a scenario with actuals and its re-forecast against its plan.
fn run_reforecast(s: &Scenario, n: u64, seed: u64) -> (RunResults, Reforecast) {
    let comparison = PlanComparison::of(s, &run(&s.plan(), n, seed)).unwrap();
    let results = run(s, n, seed);
    let reforecast = Reforecast::new(s, &results, &summarize(&results), comparison).unwrap();
    (results, reforecast)
}

/// Three initiatives with uncertain inputs and frequent risk events,
/// five months in: A live since month 2, B (started after month 1) still
/// building, C starting after month 10, so planned.
const THREE: &str = r#"
[simulation]
horizon_months = 24
discount_rate = 0.1
seed = 3
[[initiatives]]
name = "A"
kind = "it"
build_cost = { pert = [1000, 2000, 5000] }
build_months = { uniform = [0.5, 2] }
run_cost_per_month = { triangular = [10, 30, 60] }
benefit_per_month = { lognormal = { p10 = 300, p90 = 900 } }
ramp_months = { uniform = [0, 3] }
pnl_visibility = { uniform = [0.1, 0.4] }
[[initiatives.risks]]
name = "Outage"
events_per_year = { uniform = [6, 12] }
cost_per_event = { lognormal = { p10 = 100, p90 = 2000 } }
benefit_pause_months = 1
abandon_probability = 0.05
[[initiatives]]
name = "B"
kind = "bpa"
start_month = 1
depends_on = ["A"]
build_cost = { uniform = [4000, 9000] }
build_months = { uniform = [3, 6] }
run_cost_per_month = 50
benefit_per_month = { normal = { mean = 800, sd = 300 } }
ramp_months = 2
[[initiatives.risks]]
name = "Breakage"
events_per_year = { uniform = [2, 8] }
cost_per_event = { pert = [0, 100, 900] }
benefit_pause_months = 2
abandon_probability = { uniform = [0, 0.3] }
[[initiatives]]
name = "C"
kind = "bpa"
start_month = 10
build_cost = { uniform = [500, 1500] }
build_months = { triangular = [1, 2, 4] }
benefit_per_month = { triangular = [100, 400, 600] }
[[initiatives.risks]]
name = "Breakage"
events_per_year = 4
cost_per_event = { uniform = [0, 500] }
abandon_probability = 0.2
[actuals]
through = 5
file = "actuals.csv"
[actuals.status]
"A" = { live_from = 2 }
"#;

/// The ledger of [`THREE`]: whole amounts, so every sum is exact.
const THREE_LEDGER: &str = "\u{feff}Month,Initiative,Item,Amount\r
1,A,build,\"$1,800\"\r
2,A,run,30\r
2,A,benefit,250\r
2,A,visible_benefit,50\r
3,A,run,30\r
3,A,benefit,500\r
3,A,benefit,100\r
3,A,visible_benefit,120\r
3,A,risk_loss,700\r
4,A,run,35\r
4,A,benefit,580\r
4,A,visible_benefit,110\r
,,,\r
5,A,run,35\r
5,A,benefit,-20\r
5,A,visible_benefit,0\r
2,B,build,1250\r
3,B,build,1.25k\r
4,B,build,1250\r
5,B,build,1250\r
";

/// The actual net cash flow of each initiative of [`THREE`] by month, by hand.
const THREE_NET: [[f64; 5]; 3] =
    [[-1800.0, 220.0, -130.0, 545.0, -55.0], [0.0, -1250.0, -1250.0, -1250.0, -1250.0], [0.0; 5]];

fn cumsum(net: &[f64]) -> Vec<f64> {
    net.iter().scan(0.0, |sum, x| Some(*sum + x).inspect(|s| *sum = *s)).collect()
}

#[test]
fn every_trial_keeps_the_actual_months_exactly() {
    let s = with_ledger(THREE, THREE_LEDGER);
    let sets = reported_sets(&s);
    let discount = discount_factors(&s);
    let all = trials(&s, 3000, 9);
    // Risk events do happen (after month 5).
    assert!(set(&run(&s, 3000, 9), "A").events.iter().any(|&e| e > 0));
    for spec in &sets {
        let net: Vec<f64> = (0..5).map(|t| spec.members.iter().map(|&m| THREE_NET[m][t]).sum()).collect();
        let expected = cumsum(&net);
        // The variance against the plan reads the same sums.
        assert_eq!(actual_months(s.actuals.as_ref().unwrap(), &spec.members, &discount).0, expected, "{}", spec.name);
        let set = sets.iter().position(|x| x == spec).unwrap();
        for (k, trial) in all.iter().enumerate() {
            assert_eq!(trial.cumulative[set][..5], expected[..], "set {} trial {k}", spec.name);
        }
    }
}

#[test]
fn forward_npv_of_a_deterministic_case_matches_a_hand_computation() {
    let toml = r#"
[simulation]
horizon_months = 6
discount_rate = 0.12
[[initiatives]]
name = "A"
kind = "it"
build_cost = 1200
build_months = 1
run_cost_per_month = 100
benefit_per_month = 1000
[actuals]
through = 3
file = "a.csv"
[actuals.status]
"A" = { live_from = 2 }
"#;
    let ledger =
        "month,initiative,item,amount\n1,A,build,1500\n2,A,run,100\n2,A,benefit,700\n3,A,run,120\n3,A,benefit,950\n";
    let s = with_ledger(toml, ledger);
    let (results, reforecast) = run_reforecast(&s, 16, 1);
    let r_m = 1.12f64.powf(1.0 / 12.0) - 1.0;
    // Months 4 to 6 are live at the full 1,000 less 100 of run cost.
    let forward: f64 = (1..=3).map(|u| 900.0 / (1.0 + r_m).powi(u)).sum();
    let actual_pv = -1500.0 / (1.0 + r_m) + 600.0 / (1.0 + r_m).powi(2) + 830.0 / (1.0 + r_m).powi(3);
    let npv = actual_pv + forward / (1.0 + r_m).powi(3);
    assert_close("npv", results.sets[0].npv[0], npv);
    for set in ["portfolio", "A"] {
        let f = reforecast.set(set).unwrap();
        let summary = f.forward_npv.unwrap();
        for (what, got) in [("mean", summary.mean), ("p5", summary.p5), ("p50", summary.p50), ("p95", summary.p95)] {
            assert_close(what, got, forward);
        }
        assert!(summary.sd.abs() < 1e-9, "{}", summary.sd);
        assert_close("actual pv", f.actual_pv, actual_pv);
        assert_eq!(f.prob_forward_npv_negative, 0.0);
    }
    // Without the benefit, going on loses the run cost: forward NPV is negative in every trial.
    let s = with_ledger(&toml.replace("benefit_per_month = 1000", "benefit_per_month = 0"), ledger);
    let (_, reforecast) = run_reforecast(&s, 16, 1);
    let f = reforecast.set("A").unwrap();
    assert_close("loss", f.forward_npv.unwrap().p50, -forward / 9.0);
    assert_eq!(f.prob_forward_npv_negative, 1.0);
}

#[test]
fn forward_npv_statistics_match_a_direct_computation_trial_by_trial() {
    let s = with_ledger(THREE, THREE_LEDGER);
    let (n, k) = (4000, 5);
    let (results, reforecast) = run_reforecast(&s, n, 21);
    let discount = discount_factors(&s);
    let all = trials(&s, n, 21);
    for spec in reported_sets(&s) {
        // Σ_{t > k} net(t) / (1 + r_m)^(t - k), from the trial's own months.
        let mut direct: Vec<f64> = all
            .iter()
            .map(|trial| {
                (k..discount.len())
                    .map(|t| {
                        let net: f64 = spec.members.iter().map(|&m| trial.benefit[m][t] - trial.cost[m][t]).sum();
                        net * discount[t] / discount[k - 1]
                    })
                    .sum()
            })
            .collect();
        let negative = direct.iter().filter(|&&x| x < 0.0).count();
        direct.sort_by(f64::total_cmp);
        let f = reforecast.set(&spec.name).unwrap();
        let summary = f.forward_npv.unwrap();
        let (mean, sd) = mean_sd(&direct);
        let scale = sd.max(mean.abs()).max(1.0);
        let near = |what: &str, got: f64, want: f64| {
            assert!((got - want).abs() <= 1e-9 * scale, "{} {what}: {got} vs {want}", spec.name);
        };
        near("mean", summary.mean, mean);
        near("sd", summary.sd, sd);
        for (q, got) in [(0.05, summary.p5), (0.25, summary.p25), (0.5, summary.p50), (0.9, summary.p90)] {
            near(&format!("p{q}"), got, quantile_sorted(&direct, q).unwrap());
        }
        assert_eq!(f.prob_forward_npv_negative, negative as f64 / n as f64, "{}", spec.name);
        assert!(negative > 0 || spec.name == "C", "{}: no trial loses money after month {k}", spec.name);
    }
    assert_eq!(results.trials, n);
}

#[test]
fn a_still_building_initiative_draws_its_build_conditioned_on_the_facts() {
    let toml = r#"
[simulation]
horizon_months = 30
discount_rate = 0.1
seed = 5
sampling = "random"
[[initiatives]]
name = "Slow"
kind = "bpa"
build_cost = { uniform = [100000, 300000] }
build_months = { uniform = [2, 10] }
benefit_per_month = 5000
[actuals]
through = 4
file = "a.csv"
"#;
    let ledger = "month,initiative,item,amount\n1,Slow,build,37500\n2,Slow,build,37500\n3,Slow,build,37500\n4,Slow,build,37500\n";
    let s = with_ledger(toml, ledger);
    let n = 20_000;
    let results = run(&s, n, 5);
    let all = trials(&s, n, 5);
    let (months, costs) = (column(&results, "Slow.build_months"), column(&results, "Slow.build_cost"));
    for (k, trial) in all.iter().enumerate() {
        // Never finished by month 4: month 5 still builds, and nothing is live yet.
        assert!(trial.cost[0][4] > 0.0 && trial.benefit[0][4] == 0.0, "trial {k} finished by month 4");
        // The build after month 4 spends the rest of its total, which is never below the 150,000 spent.
        let total = 150_000.0 + trial.cost[0][4..].iter().sum::<f64>();
        assert!(total >= 150_000.0 && (total - costs[k]).abs() <= 1e-6 * total, "trial {k}: {total} vs {}", costs[k]);
        // It goes live when its last build month ends: the build and its months agree.
        let build_months = trial.cost[0].iter().rposition(|&c| c > 0.0).unwrap() + 1;
        assert_eq!(build_months as f64, months[k].ceil().max(5.0), "trial {k}");
    }
    // D ~ uniform [2, 10] given D > 4; C ~ uniform [100k, 300k] given C >= 150k.
    assert_ks("build months given D > 4", &months, |x| ((x - 4.0) / 6.0).clamp(0.0, 1.0));
    assert_ks("build cost given C >= spent", &costs, |x| ((x - 150_000.0) / 150_000.0).clamp(0.0, 1.0));
}

#[test]
fn an_actual_path_equal_to_the_plans_median_sits_near_p50() {
    let toml = r#"
[simulation]
horizon_months = 24
discount_rate = 0.1
seed = 8
[[initiatives]]
name = "X"
kind = "bpa"
build_cost = { pert = [60000, 90000, 180000] }
build_months = { uniform = [4, 8] }
run_cost_per_month = 2000
benefit_per_month = { lognormal = { p10 = 12000, p90 = 30000 } }
[actuals]
through = 3
file = "a.csv"
"#;
    let n = 20_000;
    let plan = run(&scenario(toml).plan(), n, 8);
    let median: Vec<f64> = (0..3).map(|t| plan.monthly.histogram(0, t).quantile(0.5).unwrap()).collect();
    let mut ledger = String::from("month,initiative,item,amount\n");
    for t in 0..3 {
        let before = if t == 0 { 0.0 } else { median[t - 1] };
        ledger.push_str(&format!("{},X,build,{}\n", t + 1, before - median[t]));
    }
    let (_, reforecast) = run_reforecast(&with_ledger(toml, &ledger), n, 8);
    for row in &reforecast.set("X").unwrap().variance {
        // The same trials as the plan's median: only the histogram's bins
        // (8,192 over the plan's range) and the ledger's rounding of the
        // median to its written digits stand between the share and one half.
        assert!((row.percentile - 0.5).abs() < 0.01, "month {}: at P{}", row.month, row.percentile * 100.0);
        assert!(row.plan_p10 < row.actual_cumulative && row.actual_cumulative < row.plan_p90);
    }
}

#[test]
fn escalation_matches_a_hand_computation() {
    let toml = r#"
[simulation]
horizon_months = 30
discount_rate = 0.1
run_cost_escalation = "6%"
benefit_escalation = 0.03
[[initiatives]]
name = "A"
kind = "it"
build_cost = 1200
build_months = 1
run_cost_per_month = 200
benefit_per_month = 1000
ramp_months = 3
benefit_escalation = "-2%"
[[initiatives]]
name = "B"
kind = "bpa"
build_cost = 1200
build_months = 1
run_cost_per_month = 200
benefit_per_month = 1000
run_cost_escalation = 0
"#;
    let s = scenario(toml);
    let trial = &trials(&s, 8, 0)[0];
    let r_m = 1.1f64.powf(1.0 / 12.0) - 1.0;
    let grow = |rate: f64, t: usize| (1.0 + rate).powf((t as f64 - 1.0) / 12.0);
    let mut npv = [0.0, 0.0];
    for t in 1..=30 {
        // Both go live after month 1; A ramps up over 3 months.
        let a_benefit = if t == 1 { 0.0 } else { 1000.0 * grow(-0.02, t) * ((t as f64 - 1.0) / 3.0).min(1.0) };
        let b_benefit = if t == 1 { 0.0 } else { 1000.0 * grow(0.03, t) };
        let a_cost = if t == 1 { 1200.0 } else { 200.0 * grow(0.06, t) };
        let b_cost = if t == 1 { 1200.0 } else { 200.0 };
        for (i, (benefit, cost)) in [(a_benefit, a_cost), (b_benefit, b_cost)].into_iter().enumerate() {
            assert_close(&format!("benefit {i} month {t}"), trial.benefit[i][t - 1], benefit);
            assert_close(&format!("cost {i} month {t}"), trial.cost[i][t - 1], cost);
            npv[i] += (benefit - cost) / (1.0 + r_m).powi(t as i32);
        }
    }
    let results = run(&s, 8, 0);
    assert_close("npv A", set(&results, "A").npv[0], npv[0]);
    assert_close("npv B", set(&results, "B").npv[0], npv[1]);

    // A rate of 0 multiplies by exactly 1: B's benefit without benefit
    // escalation (but with its run cost escalated) is the same, bit for bit,
    // as with no escalation at all.
    let none = scenario(&toml.replace("run_cost_escalation = \"6%\"\nbenefit_escalation = 0.03\n", ""));
    let run_cost_only = scenario(&toml.replace("benefit_escalation = 0.03\n", "").replace(
        "run_cost_per_month = 200\nbenefit_per_month = 1000\nrun_cost_escalation = 0",
        "run_cost_per_month = 200\nbenefit_per_month = 1000\nrun_cost_escalation = 0.05",
    ));
    assert_eq!(run_cost_only.initiatives[1].run_cost_escalation, 0.05);
    let (none, run_cost_only) = (&trials(&none, 8, 0)[0], &trials(&run_cost_only, 8, 0)[0]);
    assert_eq!(bits(&none.benefit[1]), bits(&run_cost_only.benefit[1]));
    assert_ne!(none.cost[1][5], run_cost_only.cost[1][5]);
}

#[test]
fn escalation_rates_are_read_as_numbers_or_percentages_within_their_domain() {
    let with = |line: &str| {
        Scenario::parse(
            &format!(
                "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n{line}\n[[initiatives]]\nname = \"A\"\n\
                 kind = \"it\"\nbuild_cost = 1\nbuild_months = 1\nbenefit_per_month = 10\n"
            ),
            "e.toml",
        )
    };
    let s = with("benefit_escalation = \"2.5%\"").unwrap();
    assert_eq!((s.initiatives[0].benefit_escalation, s.initiatives[0].run_cost_escalation), (0.025, 0.0));
    assert_eq!(with("run_cost_escalation = -0.05").unwrap().initiatives[0].run_cost_escalation, -0.05);
    let err = with("run_cost_escalation = 3").unwrap_err();
    assert!(err.line == 4 && err.key == "simulation.run_cost_escalation", "{err}");
    assert!(err.message.contains("did you mean 0.03 or \"3%\"?"), "{err}");
    let err = with("benefit_escalation = \"-100%\"").unwrap_err();
    assert!(err.message.contains("above -1"), "{err}");
    let err = with("benefit_escalation = \"three\"").unwrap_err();
    assert!(err.message.contains("is not a number or a percentage"), "{err}");
}

#[test]
fn initiatives_without_actuals_draw_the_plans_inputs_so_the_variance_is_paired() {
    let s = with_ledger(THREE, THREE_LEDGER);
    let (plan, actual) = (run(&s.plan(), 5000, 4), run(&s, 5000, 4));
    // C starts after month 10 and depends on nothing: the same trials in both.
    assert_eq!(bits(&set(&plan, "C").npv), bits(&set(&actual, "C").npv));
    assert_eq!(set(&plan, "C").events, set(&actual, "C").events);
    // Every input is drawn from its own stream as in the plan; only B's
    // build, conditioned on the facts, maps the same uniforms to other values.
    for (a, b) in plan.inputs.iter().zip(&actual.inputs) {
        assert_eq!(a.name, b.name);
        if a.name == "B.build_months" || a.name == "B.build_cost" {
            assert!(a.values.iter().zip(&b.values).all(|(x, y)| y >= x), "{} is conditioned upwards", a.name);
            // The same uniforms, mapped in the same order: sorted by the
            // plan's draw, the conditioned draws never decrease.
            let mut pairs: Vec<(f32, f32)> = a.values.iter().copied().zip(b.values.iter().copied()).collect();
            pairs.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
            assert!(pairs.windows(2).all(|w| w[0].1 <= w[1].1), "{} keeps the order of its draws", a.name);
        } else {
            assert_eq!(bits(&a.values), bits(&b.values), "{}", a.name);
        }
    }
}

/// Writes `files` (name, text) into a fresh folder and returns it.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// [`THREE`] with its ledger in a folder, each edited by `edit`; the exit
/// code and standard error of `roicast validate` on it.
fn validate_edited(edit_toml: impl Fn(&str) -> String, edit_ledger: impl Fn(&str) -> String) -> (i32, String) {
    let ledger = edit_ledger(THREE_LEDGER);
    let dir = folder(&[("s.toml", &edit_toml(THREE)), ("actuals.csv", &ledger)]);
    let (code, _, stderr) = roicast(&["validate", dir.path().join("s.toml").to_str().unwrap()]);
    (code, stderr)
}

#[track_caller]
fn assert_bad(outcome: (i32, String), wanted: &[&str]) {
    let (code, stderr) = outcome;
    assert_eq!(code, 2, "{stderr}");
    for w in wanted {
        assert!(stderr.contains(w), "{w:?} not in: {stderr}");
    }
}

#[test]
fn bad_actuals_are_rejected_naming_the_file_the_line_and_the_culprit() {
    let same = |s: &str| s.to_string();
    assert_eq!(validate_edited(same, same), (0, String::new()));
    // Not an error, but worth a note: a benefit without any visible benefit counts none.
    let (code, stderr) =
        validate_edited(same, |l| l.lines().filter(|r| !r.contains("A,visible")).collect::<Vec<_>>().join("\n"));
    assert_eq!(code, 0);
    assert!(stderr.contains("note: ") && stderr.contains("\"A\" a benefit but no visible_benefit"), "{stderr}");
    // An unknown initiative or item, with the name it probably meant.
    assert_bad(
        validate_edited(same, |l| l.replace("3,B,build", "3,Bb,build")),
        &["actuals.csv:19:3: initiative:", "\"Bb\"", "did you mean \"B\"?"],
    );
    assert_bad(
        validate_edited(same, |l| l.replace("4,A,run", "4,A,runn")),
        &["actuals.csv:11:5: item:", "did you mean \"run\"?"],
    );
    // A month after `through`, in the ledger or in a status.
    assert_bad(
        validate_edited(same, |l| l.replace("5,B,build", "6,B,build")),
        &["actuals.csv:21:1: month:", "month 6 is after"],
    );
    assert_bad(
        validate_edited(|t| t.replace("{ live_from = 2 }", "{ live_from = 7 }"), same),
        &["s.toml:53:", "actuals.status.\"A\".live_from", "month 7 is after"],
    );
    // A negative cost.
    assert_bad(
        validate_edited(same, |l| l.replace("2,A,run,30", "2,A,run,-30")),
        &["actuals.csv:3:9: amount:", "cannot be negative"],
    );
    // A status for an initiative the scenario does not have.
    assert_bad(
        validate_edited(|t| t.replace("\"A\" = {", "\"D\" = {"), same),
        &["s.toml:53:1: actuals.status:", "no initiative is named \"D\""],
    );
    // A build whose conditioned distribution has no probability left: time, then cost.
    assert_bad(
        validate_edited(
            |t| t.replace("build_months = { uniform = [3, 6] }", "build_months = { uniform = [3, 4] }"),
            same,
        ),
        &["s.toml:27:", "\"B\".build_months", "still building", "cannot exceed 4 months", "re-estimate build_months"],
    );
    assert_bad(
        validate_edited(same, |l| l.replace("5,B,build,1250", "5,B,build,\"6,000\"")),
        &["s.toml:26:", "\"B\".build_cost", "9750 spent", "Re-estimate build_cost"],
    );
    // A missing ledger.
    let dir = folder(&[("s.toml", THREE)]);
    let out = dir.path().join("out");
    let (code, _, stderr) =
        roicast(&["run", dir.path().join("s.toml").to_str().unwrap(), "--quiet", "--out", out.to_str().unwrap()]);
    assert_bad((code, stderr), &["cannot read the actuals ledger", "actuals.csv", "file = \"actuals.csv\""]);
    // Visible benefit above the benefit, a date without a calendar, a bad header.
    assert_bad(
        validate_edited(same, |l| l.replace("visible_benefit,120", "visible_benefit,620")),
        &["actuals.csv:9:21: visible_benefit:", "between 0 and the benefit"],
    );
    assert_bad(
        validate_edited(same, |l| l.replace("1,A,build", "2027-01,A,build")),
        &["actuals.csv:2:1: month:", "no [calendar]"],
    );
    assert_bad(
        validate_edited(same, |l| l.replace("Amount", "Amout")),
        &["actuals.csv:1:", "did you mean \"amount\"?"],
    );
    assert_bad(validate_edited(same, |l| l.replace("\"$1,800\"", "$1,800")), &["actuals.csv:2:", "has 5 fields"]);
}

#[test]
fn plan_compare_and_conflation_refuse_a_scenario_with_actuals() {
    let dir = folder(&[("s.toml", THREE), ("actuals.csv", THREE_LEDGER)]);
    let path = dir.path().join("s.toml");
    let path = path.to_str().unwrap();
    for args in [vec!["plan", path, "--budget", "10k"], vec!["conflation", path], vec!["compare", path, path]] {
        let (code, _, stderr) = roicast(&args);
        assert_bad((code, stderr.clone()), &["has an [actuals] table", &format!("roicast {}", args[0])]);
    }
}

#[test]
fn the_ledger_template_reads_back_and_never_overwrites_silently() {
    let toml = format!("{THREE}\n[calendar]\nstart = \"2027-01\"\n").replace("through = 5", "through = \"2027-05\"");
    let dir = folder(&[("s.toml", &toml)]);
    let path = dir.path().join("s.toml");
    let stdout = run_cli(&["actuals-template", path.to_str().unwrap(), "--through", "2027-04"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 4 * 3 * 5, "{stdout}");
    assert_eq!(
        (lines[0], lines[1], lines[60]),
        ("month,initiative,item,amount", "2027-01,A,build,", "2027-04,C,risk_loss,")
    );
    // Filled in with nothing, it is a valid ledger of zeros.
    let template = run_cli(&["actuals-template", path.to_str().unwrap()]);
    let s = scenario(&toml).with_actuals(&template, "t.csv").unwrap();
    assert!(s.actuals.unwrap().months.iter().flatten().all(|m| m.net() == 0.0));
    // Into a file, once.
    let out = dir.path().join("actuals.csv");
    let out = out.to_str().unwrap();
    let stdout = run_cli(&["actuals-template", path.to_str().unwrap(), "--through", "5", "--out", out]);
    assert!(stdout.contains("[actuals]") && stdout.contains("through = \"2027-05\""), "{stdout}");
    let (code, _, stderr) = roicast(&["actuals-template", path.to_str().unwrap(), "--through", "5", "--out", out]);
    assert_bad((code, stderr), &["already exists", "--force"]);
    run_cli(&["actuals-template", path.to_str().unwrap(), "--through", "5", "--out", out, "--force"]);
    let (code, _, stderr) = roicast(&["actuals-template", path.to_str().unwrap(), "--through", "25"]);
    assert_bad((code, stderr), &["outside the scenario's months 1 to 24"]);
}

#[test]
fn the_shipped_reforecast_runs_with_every_output_the_same_for_any_thread_count() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reforecast.toml");
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let run_with = |out: &Path, threads: &str, charts: &[&str]| {
        let mut args = vec!["run", scenario, "--trials", "3000", "--threads", threads];
        args.extend(["--out", out.to_str().unwrap()]);
        args.extend(charts);
        run_cli(&args)
    };
    let stdout = run_with(&one, "1", &[]);
    run_with(&two, "2", &["--no-charts"]);
    for file in ["summary.json", "monthly.csv", "variance.csv", "trials.parquet", "sensitivity.csv"] {
        assert!(fs::read(one.join(file)).unwrap() == fs::read(two.join(file)).unwrap(), "{file} differs");
    }
    for line in ["Actuals through Aug 2027", "  portfolio: cumulative -$347k after Aug 2027, at P", "Continue or stop"]
    {
        assert!(stdout.contains(line), "{line:?} not in:\n{stdout}");
    }
    let building = |l: &&str| l.starts_with("Customer onboarding ") && l.contains("building (5 months so far)");
    assert!(stdout.lines().any(|l| building(&l)), "{stdout}");
    let summary = read_json(&one.join("summary.json"));
    assert_eq!(summary["actuals"]["through_date"], "2027-08");
    let sets = summary["sets"].as_object().unwrap();
    for (name, set) in sets {
        assert!(set["forward_npv"]["p50"].is_number() && set["prob_forward_npv_negative"].is_number(), "{name}");
    }
    let variance = fs::read_to_string(one.join("variance.csv")).unwrap();
    let rows: Vec<&str> = variance.lines().collect();
    assert_eq!(rows[0], "set,month,date,actual_cum,plan_p10,plan_p50,plan_p90,percentile");
    assert_eq!(rows.len(), 1 + sets.len() * 8);
    assert!(rows[8].starts_with("portfolio,8,2027-08,-346630.0,"), "{}", rows[8]);
    for chart in ["variance", "roi-over-time"] {
        check_png(&one.join("charts").join(format!("{chart}.png")));
    }
}
