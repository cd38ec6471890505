//! Sampling: rank correlations, Latin hypercube stratification, and the
//! independence of one initiative's draws from edits to another.

use roicast::sampling::BLOCK_TRIALS;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular};

use crate::util::*;

/// Four uncertain inputs in three initiatives, three of them correlated.
fn correlated(sampling: &str) -> String {
    simulation(12, 0.1, sampling)
        + r#"
[[initiatives]]
name = "A"
kind = "bpa"
build_cost = 1000
build_months = 1
benefit_per_month = { lognormal = { p10 = 9000, p90 = 30000 } }

[[initiatives]]
name = "B"
kind = "it"
build_cost = { pert = [60000, 90000, 180000] }
build_months = 2
benefit_per_month = 100

[[initiatives]]
name = "C"
kind = "it"
build_cost = 1000
build_months = 1
run_cost_per_month = { triangular = [1500, 2500, 4000] }
benefit_per_month = { normal = { mean = 500, sd = 100 } }

[[correlations]]
between = ["A.benefit_per_month", "B.build_cost"]
rank_correlation = 0.7

[[correlations]]
between = ["C.run_cost_per_month", "A.benefit_per_month"]
rank_correlation = -0.4

[[correlations]]
between = ["B.build_cost", "C.run_cost_per_month"]
rank_correlation = 0.2
"#
}

/// The marginal of `A.benefit_per_month` in [`correlated`]: P10 9000, P90 30000.
fn a_benefit() -> LogNormal {
    let (mu, sigma) =
        ((9000f64.ln() + 30000f64.ln()) / 2.0, (30000f64.ln() - 9000f64.ln()) / (2.0 * 1.2815515655446004));
    LogNormal::new(mu, sigma).unwrap()
}

/// Spearman's rho in `k` equal batches: the mean of the batch estimates and
/// its standard error from their spread.
fn batched_spearman(x: &[f64], y: &[f64], k: usize) -> (f64, f64) {
    let m = x.len() / k;
    let est: Vec<f64> = (0..k).map(|b| spearman(&x[b * m..(b + 1) * m], &y[b * m..(b + 1) * m])).collect();
    let (mean, sd) = mean_sd(&est);
    (mean, sd / (k as f64).sqrt())
}

#[test]
fn requested_rank_correlations_are_reached_and_marginals_kept() {
    // 25 batches of two blocks each. The batch SE (about 0.002) is small
    // enough to tell a Gaussian copula that converts rank correlation to
    // Pearson (2 sin(pi rho / 6)) from one that does not (a bias near 0.017).
    let batches = 25;
    let n = batches as u64 * 2 * BLOCK_TRIALS;
    // A plain bound on the whole sample as well: under independence the SE of
    // Spearman's rho is 1/sqrt(n - 1), and less for correlated normal scores.
    let tol = 4.0 / ((n - 1) as f64).sqrt();
    for (sampling, seed) in [("latin-hypercube", 101), ("random", 102)] {
        let r = run(&scenario(&correlated(sampling)), n, seed);
        let a = &column(&r, "A.benefit_per_month");
        let b = &column(&r, "B.build_cost");
        let c = &column(&r, "C.run_cost_per_month");
        let d = &column(&r, "C.benefit_per_month");
        for (what, x, y, want) in [
            ("A~B", a, b, 0.7),
            ("A~C", a, c, -0.4),
            ("B~C", b, c, 0.2),
            ("A~D", a, d, 0.0),
            ("B~D", b, d, 0.0),
            ("C~D", c, d, 0.0),
        ] {
            let rho = spearman(x, y);
            assert!((rho - want).abs() <= tol, "{sampling}: Spearman {what} = {rho}, want {want} +- {tol}");
            let (mean, se) = batched_spearman(x, y, batches);
            assert!(
                (mean - want).abs() <= 4.0 * se,
                "{sampling}: batched Spearman {what} = {mean}, want {want} +- 4 x {se}"
            );
        }
        // The marginals are untouched by the copula.
        let ln = a_benefit();
        assert_ks(&format!("{sampling}: A marginal"), a, |x| if x <= 0.0 { 0.0 } else { ln.cdf(x) });
        let beta = Beta::new(1.0 + 4.0 * 30000.0 / 120000.0, 1.0 + 4.0 * 90000.0 / 120000.0).unwrap();
        assert_ks(&format!("{sampling}: B marginal"), b, |x| beta.cdf(((x - 60000.0) / 120000.0).clamp(0.0, 1.0)));
        let tri = Triangular::new(1500.0, 4000.0, 2500.0).unwrap();
        assert_ks(&format!("{sampling}: C marginal"), c, |x| tri.cdf(x));
        let normal = Normal::new(500.0, 100.0).unwrap();
        assert_ks(&format!("{sampling}: D marginal"), d, |x| normal.cdf(x));
    }
}

/// Whether `x` holds exactly one draw in each of its `m = x.len()`
/// equal-probability strata under `cdf`: the k-th smallest probability lies in
/// `[k/m, (k+1)/m]`, give or take `eps`.
///
/// `eps` allows for the library's tabulated inverse CDFs (docs: error below
/// 1e-5 of the P5-P95 spread, i.e. below about 1e-5 in probability for the
/// shapes used here); it is 25 times smaller than one stratum.
fn stratified(x: &[f64], cdf: impl Fn(f64) -> f64, eps: f64) -> bool {
    let m = x.len() as f64;
    let mut p: Vec<f64> = x.iter().map(|&v| cdf(v)).collect();
    p.sort_by(f64::total_cmp);
    p.iter().enumerate().all(|(k, &q)| q >= k as f64 / m - eps && q <= (k + 1) as f64 / m + eps)
}

/// Exact for shapes drawn by their exact inverse CDF (uniform, triangular).
const EXACT: f64 = 1e-12;
/// For tabulated shapes (normal, lognormal, PERT).
const TABULATED: f64 = 2e-5;

fn one_input(sampling: &str) -> String {
    simulation(6, 0.1, sampling)
        + r#"
[[initiatives]]
name = "S"
kind = "it"
build_cost = { triangular = [1000, 1500, 4000] }
build_months = 1
benefit_per_month = { normal = { mean = 0, sd = 1 }, min = -1 }
"#
}

#[test]
fn latin_hypercube_puts_one_draw_in_each_stratum_of_a_block() {
    let tri = Triangular::new(1000.0, 4000.0, 1500.0).unwrap();
    let normal = Normal::standard();
    let trunc = |x: f64| (normal.cdf(x) - normal.cdf(-1.0)) / (1.0 - normal.cdf(-1.0));
    assert_eq!(BLOCK_TRIALS, 2048);

    let r = run(&scenario(&one_input("latin-hypercube")), BLOCK_TRIALS, 5);
    assert!(stratified(&column(&r, "S.build_cost"), |x| tri.cdf(x), EXACT), "LHS: build_cost not stratified");
    assert!(stratified(&column(&r, "S.benefit_per_month"), trunc, TABULATED), "LHS: truncated input not stratified");

    // With random sampling, 2048 draws fill all 2048 strata with probability
    // 2048!/2048^2048, i.e. never.
    let r = run(&scenario(&one_input("random")), BLOCK_TRIALS, 5);
    assert!(!stratified(&column(&r, "S.build_cost"), |x| tri.cdf(x), TABULATED), "random sampling looks stratified");

    // In a correlated group the first input (in Cholesky order) keeps its
    // exact stratification (docs/model.md, decision b).
    let r = run(&scenario(&correlated("latin-hypercube")), BLOCK_TRIALS, 7);
    let ln = a_benefit();
    assert!(
        stratified(&column(&r, "A.benefit_per_month"), |x| ln.cdf(x), TABULATED),
        "LHS: first correlated input lost its stratification"
    );

    // 5000 trials = blocks of 2048, 2048 and 904: each is stratified on its own.
    let r = run(&scenario(&one_input("latin-hypercube")), 5000, 6);
    let x = &column(&r, "S.build_cost");
    assert_eq!(x.len(), 5000);
    for (start, end) in [(0, 2048), (2048, 4096), (4096, 5000)] {
        assert!(stratified(&x[start..end], |v| tri.cdf(v), EXACT), "block {start}..{end} is not stratified");
    }
    assert!(!stratified(&x[..4096], |v| tri.cdf(v), TABULATED), "two blocks are not one stratification");
}

#[test]
fn editing_one_initiative_leaves_the_others_draws_unchanged() {
    let header = "[simulation]\nhorizon_months = 24\ndiscount_rate = 0.1\nseed = 3\n";
    let base = scenario(&(header.to_string() + BUSY_INITIATIVES));
    let edited_beta = BUSY_INITIATIVES.replace(BETA_BUILD_COST, "build_cost = { triangular = [100, 7000, 20000] }");
    let edited = scenario(&(header.to_string() + &edited_beta));
    // A new initiative, listed first so that every other input moves in
    // `Scenario::inputs`.
    let delta = "\n[[initiatives]]\nname = \"Delta\"\nkind = \"it\"\nbuild_cost = { uniform = [1, 2] }\nbuild_months = 1\nbenefit_per_month = { uniform = [1, 2] }\n";
    let added = scenario(&(header.to_string() + delta + BUSY_INITIATIVES));
    let n = 5000;
    let r0 = run(&base, n, 3);
    for other in [&edited, &added] {
        let r1 = run(other, n, 3);
        let mut compared = 0;
        for c0 in &r0.inputs {
            if c0.name == "Beta.build_cost" {
                continue;
            }
            assert_eq!(
                bits(&c0.values),
                bits(&column(&r1, &c0.name)),
                "{}: draws changed by an edit elsewhere",
                c0.name
            );
            compared += 1;
        }
        assert!(compared >= 10);
        // Alpha and Gamma (which depends on Alpha, not on Beta) are unchanged,
        // risk events included.
        for name in ["Alpha", "Gamma"] {
            let (a, b) = (set(&r0, name), set(&r1, name));
            assert_eq!(bits(&a.npv), bits(&b.npv), "{name}: npv changed");
            assert_eq!(a.events, b.events, "{name}: events changed");
            assert_eq!(bits(&a.loss), bits(&b.loss), "{name}: loss changed");
        }
        assert!(set(&r0, "Gamma").events.iter().any(|&e| e > 0), "the fixture must have events");
    }
    // And the edit did change Beta.
    let r1 = run(&edited, n, 3);
    assert_ne!(set(&r0, "Beta").npv, set(&r1, "Beta").npv);
}
