//! One seed fixes every number of a run, whatever the number of threads and
//! however the trials fall into blocks.

use roicast::engine::RunResults;
use roicast::scenario::Scenario;
use roicast::stats::{SetSummary, monthly_rows};

use crate::util::*;

fn busy(sampling: &str) -> Scenario {
    scenario(&format!(
        r#"
[simulation]
horizon_months = 30
discount_rate = 0.08
sampling = "{sampling}"

[[initiatives]]
name = "Alpha"
kind = "it"
build_cost = {{ pert = [1000, 2000, 5000] }}
build_months = {{ uniform = [0.5, 4] }}
run_cost_per_month = {{ triangular = [10, 20, 40] }}
benefit_per_month = {{ lognormal = {{ p10 = 300, p90 = 900 }} }}
ramp_months = {{ uniform = [0, 3] }}
pnl_visibility = {{ uniform = [0.1, 0.4] }}
[[initiatives.risks]]
name = "Outage"
events_per_year = {{ pert = [0.5, 2, 6] }}
cost_per_event = {{ lognormal = {{ p10 = 100, p90 = 2000 }} }}
benefit_pause_months = 1
abandon_probability = 0.1

[[initiatives]]
name = "Beta"
kind = "bpa"
owner = "it"
start_month = 2
build_cost = {{ normal = {{ mean = 3000, sd = 1500 }}, min = 0 }}
build_months = {{ pert = [2, 3, 6] }}
benefit_per_month = {{ normal = {{ mean = 800, sd = 300 }} }}
depends_on = ["Alpha"]
[[initiatives.risks]]
name = "Breakage"
events_per_year = {{ uniform = [1, 4] }}
cost_per_event = {{ pert = [0, 100, 900] }}
benefit_pause_months = 2
abandon_probability = {{ uniform = [0, 0.3] }}

[[correlations]]
between = ["Alpha.benefit_per_month", "Beta.benefit_per_month"]
rank_correlation = 0.6

[[correlations]]
between = ["Beta.Breakage.events_per_year", "Alpha.build_cost"]
rank_correlation = -0.3
"#
    ))
}

fn in_pool(threads: usize, s: &Scenario, trials: u64, seed: u64) -> RunResults {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| run(s, trials, seed))
}

fn bits(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

/// Asserts two runs are identical, bit for bit.
fn assert_identical(a: &RunResults, b: &RunResults, what: &str) {
    assert_eq!(a.sets.len(), b.sets.len());
    for (i, (x, y)) in a.sets.iter().zip(&b.sets).enumerate() {
        let name = &x.spec.name;
        assert_eq!(bits(&x.npv), bits(&y.npv), "{what}: npv of {name}");
        assert_eq!(bits(&x.roi), bits(&y.roi), "{what}: roi of {name}");
        assert_eq!(bits(&x.visible_roi), bits(&y.visible_roi), "{what}: visible roi of {name}");
        assert_eq!(bits(&x.loss), bits(&y.loss), "{what}: loss of {name}");
        assert_eq!(x.payback, y.payback, "{what}: payback of {name}");
        assert_eq!(x.discounted_payback, y.discounted_payback, "{what}: discounted payback of {name}");
        assert_eq!(x.events, y.events, "{what}: events of {name}");
        assert_eq!(x.abandoned, y.abandoned, "{what}: abandoned of {name}");
        let (ra, rb) = (monthly_rows(a, i), monthly_rows(b, i));
        assert_eq!(ra.len(), rb.len());
        for (p, q) in ra.iter().zip(&rb) {
            let fa = [p.mean, p.p5, p.p25, p.p50, p.p75, p.p95, p.benefit_mean, p.visible_benefit_mean];
            let fb = [q.mean, q.p5, q.p25, q.p50, q.p75, q.p95, q.benefit_mean, q.visible_benefit_mean];
            assert_eq!(bits(&fa), bits(&fb), "{what}: monthly row {} of {name}", p.month);
        }
        let (sa, sb) = (SetSummary::of(x), SetSummary::of(y));
        assert_eq!(format!("{sa:?}"), format!("{sb:?}"), "{what}: summary of {name}");
    }
    assert_eq!(a.inputs.len(), b.inputs.len());
    for (x, y) in a.inputs.iter().zip(&b.inputs) {
        assert_eq!(x.name, y.name);
        assert_eq!(bits(&x.values), bits(&y.values), "{what}: input {}", x.name);
    }
}

#[test]
fn same_seed_gives_identical_results_on_one_two_and_four_threads() {
    for sampling in ["latin-hypercube", "random"] {
        let s = busy(sampling);
        let one = in_pool(1, &s, 5000, 42);
        assert!(set(&one, "portfolio").events.iter().any(|&e| e > 0), "the fixture must have risk events");
        assert_identical(&one, &in_pool(2, &s, 5000, 42), &format!("{sampling}, 1 vs 2 threads"));
        assert_identical(&one, &in_pool(4, &s, 5000, 42), &format!("{sampling}, 1 vs 4 threads"));
        // And twice on the same pool.
        assert_identical(&one, &in_pool(1, &s, 5000, 42), &format!("{sampling}, rerun"));
    }
}

#[test]
fn different_seeds_give_different_results() {
    let s = busy("latin-hypercube");
    let (a, b) = (run(&s, 3000, 1), run(&s, 3000, 2));
    for (x, y) in a.sets.iter().zip(&b.sets) {
        let same = x.npv.iter().zip(&y.npv).filter(|(p, q)| p == q).count();
        assert!(same < 10, "{}: {same} of 3000 npv identical across seeds", x.spec.name);
    }
    for (x, y) in a.inputs.iter().zip(&b.inputs) {
        assert_ne!(bits(&x.values), bits(&y.values), "{}", x.name);
    }
}

#[test]
fn trial_counts_that_are_not_whole_blocks_work() {
    let s = busy("latin-hypercube");
    for trials in [1, 7, 2047, 2049, 5000] {
        let r = run(&s, trials, 9);
        assert_eq!(r.trials, trials);
        for set in &r.sets {
            assert_eq!(set.npv.len() as u64, trials, "{}", set.spec.name);
            assert_eq!(set.payback.len() as u64, trials, "{}", set.spec.name);
            assert!(set.npv.iter().all(|x| x.is_finite()));
        }
        for c in &r.inputs {
            assert_eq!(c.values.len() as u64, trials, "{}", c.name);
        }
        let rows = monthly_rows(&r, set_index(&r, "portfolio"));
        assert_eq!(rows.len(), 30);
        assert!(rows.iter().all(|row| row.mean.is_finite() && row.p50.is_finite() && row.benefit_mean.is_finite()));
    }
    // Blocks do not depend on the total: the first two blocks of a 5000-trial
    // run are a 4096-trial run (which is what lets a run grow by whole blocks).
    let (long, short) = (run(&s, 5000, 9), run(&s, 4096, 9));
    for (x, y) in long.sets.iter().zip(&short.sets) {
        assert_eq!(bits(&x.npv[..4096]), bits(&y.npv), "{}", x.spec.name);
    }
    for (x, y) in long.inputs.iter().zip(&short.inputs) {
        assert_eq!(bits(&x.values[..4096]), bits(&y.values), "{}", x.name);
    }
}
