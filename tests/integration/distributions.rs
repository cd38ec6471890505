//! Distributions: closed-form means, and the sampled marginals of both
//! sampling methods against statrs CDFs (Kolmogorov-Smirnov, alpha = 0.001).

use roicast::dist::{Distribution, PercentileLevel, Shape};
use statrs::distribution::{Beta, Continuous, ContinuousCDF, LogNormal, Normal, Triangular, Uniform};

use crate::util::*;

const Z90: f64 = 1.2815515655446004;
const Z95: f64 = 1.6448536269514722;

/// `(mu, sigma)` of a lognormal from two symmetric percentiles.
fn lognormal_params(a: f64, b: f64, z: f64) -> (f64, f64) {
    ((a.ln() + b.ln()) / 2.0, (b.ln() - a.ln()) / (2.0 * z))
}

fn pert_beta(min: f64, mode: f64, max: f64) -> Beta {
    Beta::new(1.0 + 4.0 * (mode - min) / (max - min), 1.0 + 4.0 * (max - mode) / (max - min)).unwrap()
}

/// CDF of `cdf` conditioned on `[lo, hi]`.
fn truncated(cdf: impl Fn(f64) -> f64, lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let (flo, fhi) = (cdf(lo), cdf(hi));
    move |x| ((cdf(x.clamp(lo, hi)) - flo) / (fhi - flo)).clamp(0.0, 1.0)
}

/// Mean of a normal truncated to `[lo, hi]`, from statrs' standard normal.
fn truncated_normal_mean(mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    let z = Normal::standard();
    let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
    mean + sd * (z.pdf(a) - z.pdf(b)) / (z.cdf(b) - z.cdf(a))
}

/// One test input: its TOML form, its reference CDF, its closed-form mean
/// (when there is one) and its truncation bounds.
struct Case {
    name: &'static str,
    toml: &'static str,
    cdf: Box<dyn Fn(f64) -> f64>,
    mean: Option<f64>,
    bounds: (Option<f64>, Option<f64>),
}

fn cases() -> Vec<Case> {
    let (mu10, s10) = lognormal_params(9000.0, 30000.0, Z90);
    let (mu5, s5) = lognormal_params(5.0, 50.0, Z95);
    let (mut_, st) = lognormal_params(20000.0, 400000.0, Z90);
    let uni = Uniform::new(-50.0, 150.0).unwrap();
    let tri = Triangular::new(100.0, 900.0, 250.0).unwrap();
    let pert = pert_beta(100.0, 250.0, 900.0);
    let normal = Normal::new(500.0, 120.0).unwrap();
    let ln10 = LogNormal::new(mu10, s10).unwrap();
    let ln5 = LogNormal::new(mu5, s5).unwrap();
    let tn = Normal::new(100.0, 200.0).unwrap();
    let tln = LogNormal::new(mut_, st).unwrap();
    let tpert = pert_beta(0.0, 10.0, 100.0);
    let half = Normal::new(0.0, 1.0).unwrap();
    vec![
        Case {
            name: "Uniform",
            toml: "{ uniform = [-50, 150] }",
            cdf: Box::new(move |x| uni.cdf(x)),
            mean: Some(50.0),
            bounds: (None, None),
        },
        Case {
            name: "Triangular",
            toml: "{ triangular = [100, 250, 900] }",
            cdf: Box::new(move |x| tri.cdf(x)),
            mean: Some((100.0 + 250.0 + 900.0) / 3.0),
            bounds: (None, None),
        },
        Case {
            name: "Pert",
            toml: "{ pert = [100, 250, 900] }",
            cdf: Box::new(move |x| pert.cdf(((x - 100.0) / 800.0).clamp(0.0, 1.0))),
            mean: Some((100.0 + 4.0 * 250.0 + 900.0) / 6.0),
            bounds: (None, None),
        },
        Case {
            name: "Normal",
            toml: "{ normal = { mean = 500, sd = 120 } }",
            cdf: Box::new(move |x| normal.cdf(x)),
            mean: Some(500.0),
            bounds: (None, None),
        },
        Case {
            name: "Lognormal p10",
            toml: "{ lognormal = { p10 = 9000, p90 = 30000 } }",
            cdf: Box::new(move |x| if x <= 0.0 { 0.0 } else { ln10.cdf(x) }),
            mean: Some((mu10 + s10 * s10 / 2.0).exp()),
            bounds: (None, None),
        },
        Case {
            name: "Lognormal p5",
            toml: "{ lognormal = { p5 = 5, p95 = 50 } }",
            cdf: Box::new(move |x| if x <= 0.0 { 0.0 } else { ln5.cdf(x) }),
            mean: Some((mu5 + s5 * s5 / 2.0).exp()),
            bounds: (None, None),
        },
        Case {
            name: "Truncated normal",
            toml: "{ normal = { mean = 100, sd = 200 }, min = 0, max = 300 }",
            cdf: Box::new(truncated(move |x| tn.cdf(x), 0.0, 300.0)),
            mean: Some(truncated_normal_mean(100.0, 200.0, 0.0, 300.0)),
            bounds: (Some(0.0), Some(300.0)),
        },
        Case {
            name: "Half normal",
            toml: "{ normal = { mean = 0, sd = 1 }, min = 0.5 }",
            cdf: Box::new(truncated(move |x| half.cdf(x), 0.5, f64::INFINITY)),
            mean: Some(truncated_normal_mean(0.0, 1.0, 0.5, f64::INFINITY)),
            bounds: (Some(0.5), None),
        },
        Case {
            name: "Truncated lognormal",
            toml: "{ lognormal = { p10 = 20000, p90 = 400000 }, max = 300000 }",
            cdf: Box::new(truncated(move |x| if x <= 0.0 { 0.0 } else { tln.cdf(x) }, 0.0, 300000.0)),
            mean: None,
            bounds: (None, Some(300000.0)),
        },
        Case {
            name: "Truncated pert",
            toml: "{ pert = [0, 10, 100], min = 5, max = 50 }",
            cdf: Box::new(truncated(move |x| tpert.cdf((x / 100.0).clamp(0.0, 1.0)), 5.0, 50.0)),
            mean: None,
            bounds: (Some(5.0), Some(50.0)),
        },
    ]
}

/// One initiative per case, the case's distribution as its benefit_per_month.
fn scenario_text(sampling: &str) -> String {
    let mut text = simulation(3, 0.1, sampling);
    for c in cases() {
        text += &format!(
            "\n[[initiatives]]\nname = \"{}\"\nkind = \"bpa\"\nbuild_cost = 0\nbuild_months = 1\nbenefit_per_month = {}\n",
            c.name, c.toml
        );
    }
    text
}

const TRIALS: u64 = 10_000;

fn sampled(sampling: &str, seed: u64) -> roicast::engine::RunResults {
    run(&scenario(&scenario_text(sampling)), TRIALS, seed)
}

/// Samples every case with Latin hypercube and random sampling (seeds in
/// that order) and calls `check` with the method, the case and its draws.
fn check_draws(seeds: [u64; 2], check: impl Fn(&str, &Case, &[f64])) {
    for (sampling, seed) in ["latin-hypercube", "random"].into_iter().zip(seeds) {
        let r = sampled(sampling, seed);
        for c in cases() {
            check(sampling, &c, &column(&r, &format!("{}.benefit_per_month", c.name)));
        }
    }
}

#[test]
fn distribution_mean_matches_closed_forms() {
    let d = |shape, min, max| Distribution::new(shape, min, max).unwrap().mean();
    assert_close(
        "pert",
        d(Shape::Pert { min: 100.0, mode: 250.0, max: 900.0 }, None, None),
        (100.0 + 1000.0 + 900.0) / 6.0,
    );
    assert_close("triangular", d(Shape::Triangular { min: 100.0, mode: 250.0, max: 900.0 }, None, None), 1250.0 / 3.0);
    assert_close("uniform", d(Shape::Uniform { lo: -50.0, hi: 150.0 }, None, None), 50.0);
    for (lo, hi) in [(0.0, 300.0), (-1e300, 50.0), (150.0, f64::INFINITY)] {
        let (min, max) = (Some(lo).filter(|x| *x > -1e300), Some(hi).filter(|x| x.is_finite()));
        assert_close(
            &format!("truncated normal [{lo}, {hi}]"),
            d(Shape::Normal { mean: 100.0, sd: 200.0 }, min, max),
            truncated_normal_mean(100.0, 200.0, lo, hi),
        );
    }
    let (mu, sigma) = lognormal_params(9000.0, 30000.0, Z90);
    let ln = Shape::LogNormal { low: 9000.0, high: 30000.0, level: PercentileLevel::P10P90 };
    assert_close("lognormal p10/p90", d(ln, None, None), (mu + sigma * sigma / 2.0).exp());
    let (mu, sigma) = lognormal_params(5.0, 50.0, Z95);
    let ln = Shape::LogNormal { low: 5.0, high: 50.0, level: PercentileLevel::P5P95 };
    assert_close("lognormal p5/p95", d(ln, None, None), (mu + sigma * sigma / 2.0).exp());
    let ln = Distribution::new(ln, None, None).unwrap();
    assert!((ln.quantile(0.05) - 5.0).abs() < 1e-9 && (ln.quantile(0.95) - 50.0).abs() < 1e-9);

    // A truncated PERT has no closed form: compare with Simpson's rule on the
    // statrs Beta density.
    let beta = pert_beta(0.0, 10.0, 100.0);
    let (a, b, steps) = (0.05, 0.5, 20_000);
    let h = (b - a) / steps as f64;
    let simpson = |f: &dyn Fn(f64) -> f64| {
        (0..=steps)
            .map(|i| {
                let w = if i == 0 || i == steps {
                    1.0
                } else if i % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                w * f(a + i as f64 * h)
            })
            .sum::<f64>()
            * h
            / 3.0
    };
    let mass = beta.cdf(b) - beta.cdf(a);
    let want = 100.0 * simpson(&|y| y * beta.pdf(y)) / mass;
    let got = d(Shape::Pert { min: 0.0, mode: 10.0, max: 100.0 }, Some(5.0), Some(50.0));
    assert!((got - want).abs() < 1e-6 * want, "truncated pert mean {got}, want {want}");
}

#[test]
fn sampled_means_match_closed_forms_for_both_sampling_methods() {
    check_draws([17, 18], |sampling, c, x| {
        assert_eq!(x.len() as u64, TRIALS);
        if let Some(mean) = c.mean {
            assert_mean_near(&format!("{sampling}: {}", c.name), x, mean, 4.0);
        }
    });
}

#[test]
fn sampled_marginals_pass_kolmogorov_smirnov_for_both_sampling_methods() {
    check_draws([27, 28], |sampling, c, x| assert_ks(&format!("{sampling}: {}", c.name), x, &c.cdf));
}

#[test]
fn the_ks_check_can_tell_similar_shapes_apart() {
    // Guards the power of the test above: a PERT sample must fail against
    // the triangular CDF with the same parameters.
    let r = sampled("random", 28);
    let x = &column(&r, "Pert.benefit_per_month");
    let tri = Triangular::new(100.0, 900.0, 250.0).unwrap();
    assert!(ks_statistic(x, |v| tri.cdf(v)) > ks_critical(x.len()));
}

#[test]
fn truncation_conditions_and_never_clamps() {
    check_draws([37, 38], |sampling, c, x| {
        let (lo, hi) = (c.bounds.0.unwrap_or(f64::NEG_INFINITY), c.bounds.1.unwrap_or(f64::INFINITY));
        assert!(x.iter().all(|&v| v >= lo && v <= hi), "{sampling}: {} outside [{lo}, {hi}]", c.name);
        let at = x.iter().filter(|&&v| v == lo || v == hi).count();
        assert_eq!(at, 0, "{sampling}: {} has {at} draws exactly at its min or max", c.name);
    });
}
