//! One seed fixes every number of a run, whatever the number of threads and
//! however the trials fall into blocks.

use roicast::engine::RunResults;
use roicast::scenario::Scenario;
use roicast::stats::{SetSummary, monthly_rows};

use crate::util::*;

/// The busy initiatives, with rank correlations across initiatives and
/// between a risk rate and a cost.
fn busy(sampling: &str) -> Scenario {
    let correlations = r#"
[[correlations]]
between = ["Alpha.benefit_per_month", "Beta.benefit_per_month"]
rank_correlation = 0.6

[[correlations]]
between = ["Gamma.Breakage.events_per_year", "Alpha.build_cost"]
rank_correlation = -0.3
"#;
    scenario(&(simulation(30, 0.08, sampling) + BUSY_INITIATIVES + correlations))
}

fn in_pool(threads: usize, s: &Scenario, trials: u64, seed: u64) -> RunResults {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| run(s, trials, seed))
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
        // Two and four threads, and once more on one.
        for (threads, what) in [(2, "1 vs 2 threads"), (4, "1 vs 4 threads"), (1, "rerun")] {
            assert_identical(&one, &in_pool(threads, &s, 5000, 42), &format!("{sampling}, {what}"));
        }
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
