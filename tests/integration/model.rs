//! The model of one trial, checked against an independent hand implementation
//! of docs/model.md for fixed inputs, and against closed forms for risk events
//! and the conflation multipliers.

use roicast::engine::{RunResults, SetResults};
use roicast::model::{NEVER, NO_CASH_FLOW};
use roicast::stats::{SetSummary, monthly_rows};

use crate::util::*;

// ---------------------------------------------------------------------------
// An independent, deliberately plain implementation of the rules.
// ---------------------------------------------------------------------------

/// A risk event placed by hand.
#[derive(Debug, Clone, Copy)]
struct Ev {
    month: usize,
    cost: f64,
    pause: usize,
    abandons: bool,
}

/// One initiative with every input fixed (after conflation).
#[derive(Debug, Clone)]
struct Hand {
    start: usize,
    build_cost: f64,
    build_months: f64,
    run: f64,
    benefit: f64,
    ramp: f64,
    vis: f64,
    deps: Vec<usize>,
    events: Vec<Ev>,
}

impl Hand {
    /// An initiative with the three keys a scenario requires; the others as
    /// a scenario leaves them: no start month, run cost, ramp, dependency or
    /// event, and fully visible in the P&L.
    fn new(build_cost: f64, build_months: f64, benefit: f64) -> Hand {
        Hand {
            start: 0,
            build_cost,
            build_months,
            run: 0.0,
            benefit,
            ramp: 0.0,
            vis: 1.0,
            deps: vec![],
            events: vec![],
        }
    }
}

#[derive(Debug, Clone)]
struct HandFlows {
    benefit: Vec<f64>,
    visible: Vec<f64>,
    /// build + run + loss
    cost: Vec<f64>,
    loss: f64,
    events: u32,
    abandoned: bool,
}

fn go_live(inits: &[Hand], i: usize) -> usize {
    let n = (inits[i].build_months.ceil() as usize).max(1);
    inits[i].deps.iter().map(|&d| go_live(inits, d)).fold(inits[i].start + n, usize::max)
}

fn hand_flows(inits: &[Hand], h: usize) -> Vec<HandFlows> {
    (0..inits.len())
        .map(|i| {
            let x = &inits[i];
            let n = (x.build_months.ceil() as usize).max(1);
            let g = go_live(inits, i);
            let mut f = HandFlows {
                benefit: vec![0.0; h],
                visible: vec![0.0; h],
                cost: vec![0.0; h],
                loss: 0.0,
                events: 0,
                abandoned: false,
            };
            let mut abandoned_in: Option<usize> = None;
            for t in 1..=h {
                if t > x.start && t <= x.start + n {
                    f.cost[t - 1] += x.build_cost / n as f64;
                }
                let dead = abandoned_in.is_some_and(|a| t > a);
                if t > g && !dead {
                    let paused = x.events.iter().any(|e| e.month < t && t <= e.month + e.pause);
                    let share = if x.ramp <= 0.0 { 1.0 } else { ((t - g) as f64 / x.ramp).min(1.0) };
                    let b = if paused { 0.0 } else { x.benefit * share };
                    f.benefit[t - 1] = b;
                    f.visible[t - 1] = b * x.vis;
                    f.cost[t - 1] += x.run;
                    for e in x.events.iter().filter(|e| e.month == t) {
                        f.cost[t - 1] += e.cost;
                        f.loss += e.cost;
                        f.events += 1;
                        if e.abandons {
                            abandoned_in = Some(t);
                            f.abandoned = true;
                        }
                    }
                }
            }
            f
        })
        .collect()
}

#[derive(Debug, Clone)]
struct HandMetrics {
    npv: f64,
    pv_cost: f64,
    pv_benefit: f64,
    roi: Option<f64>,
    visible_roi: Option<f64>,
    payback: u16,
    discounted_payback: u16,
    cum: Vec<f64>,
    benefit: Vec<f64>,
    visible: Vec<f64>,
    loss: f64,
    events: u32,
    abandoned: bool,
}

fn payback_of(running: &[f64]) -> u16 {
    if running.iter().all(|&x| x == 0.0) {
        return NO_CASH_FLOW;
    }
    let mut was_negative = false;
    for (i, &x) in running.iter().enumerate() {
        if x < 0.0 {
            was_negative = true;
        } else if was_negative {
            return (i + 1) as u16;
        }
    }
    if was_negative { NEVER } else { 0 }
}

/// The metrics of the set made of the initiatives `idx` of `flows`.
fn hand_metrics(flows: &[HandFlows], idx: &[usize], annual_rate: f64) -> HandMetrics {
    let members: Vec<&HandFlows> = idx.iter().map(|&i| &flows[i]).collect();
    let h = flows[0].benefit.len();
    let rm = (1.0 + annual_rate).powf(1.0 / 12.0) - 1.0;
    let (mut npv, mut pv_cost, mut pv_benefit, mut pv_visible) = (0.0, 0.0, 0.0, 0.0);
    let (mut cum, mut disc_cum) = (Vec::new(), Vec::new());
    let (mut benefit, mut visible) = (vec![0.0; h], vec![0.0; h]);
    let mut running = 0.0;
    for t in 1..=h {
        let b: f64 = members.iter().map(|f| f.benefit[t - 1]).sum();
        let v: f64 = members.iter().map(|f| f.visible[t - 1]).sum();
        let c: f64 = members.iter().map(|f| f.cost[t - 1]).sum();
        benefit[t - 1] = b;
        visible[t - 1] = v;
        let d = 1.0 / (1.0 + rm).powi(t as i32);
        running += b - c;
        cum.push(running);
        npv += (b - c) * d;
        disc_cum.push(npv);
        pv_cost += c * d;
        pv_benefit += b * d;
        pv_visible += v * d;
    }
    let roi = (pv_cost > 0.0).then(|| (pv_benefit - pv_cost) / pv_cost);
    let visible_roi = (pv_cost > 0.0).then(|| (pv_visible - pv_cost) / pv_cost);
    HandMetrics {
        npv,
        pv_cost,
        pv_benefit,
        roi,
        visible_roi,
        payback: payback_of(&cum),
        discounted_payback: payback_of(&disc_cum),
        cum,
        benefit,
        visible,
        loss: members.iter().map(|f| f.loss).sum(),
        events: members.iter().map(|f| f.events).sum(),
        abandoned: members.iter().any(|f| f.abandoned),
    }
}

/// An ROI as the run keeps it (in `f32`) against a hand-computed one.
fn assert_ratio(what: &str, got: f32, want: Option<f64>) {
    match want {
        None => assert!(got.is_nan(), "{what}: got {got}, want undefined (NaN)"),
        // Rounding to single precision (24 significant bits) moves a value by
        // at most 2^-24 of it, 6e-8; a model error would be far larger.
        Some(w) => assert!((f64::from(got) - w).abs() <= 6e-8 * w.abs() + 1e-300, "{what}: got {got}, want {w}"),
    }
}

/// Every trial of `set` in `results` has the hand NPV, ROIs and paybacks.
fn check_returns(results: &RunResults, name: &str, want: &HandMetrics) {
    let s = set(results, name);
    assert_eq!(s.npv.len() as u64, results.trials);
    for k in 0..s.npv.len() {
        assert_close(&format!("{name} npv, trial {k}"), s.npv[k], want.npv);
        assert_ratio(&format!("{name} roi, trial {k}"), s.roi[k], want.roi);
        assert_ratio(&format!("{name} visible_roi, trial {k}"), s.visible_roi[k], want.visible_roi);
        assert_eq!(s.payback[k], want.payback, "{name} payback, trial {k}");
        assert_eq!(s.discounted_payback[k], want.discounted_payback, "{name} discounted payback, trial {k}");
    }
}

/// Every trial of `set` in `results` equals the hand metrics.
fn check_set(results: &RunResults, name: &str, want: &HandMetrics) {
    check_returns(results, name, want);
    let s = set(results, name);
    for k in 0..s.npv.len() {
        assert_close(&format!("{name} loss, trial {k}"), s.loss[k], want.loss);
        assert_eq!(s.events[k], want.events, "{name} events, trial {k}");
        assert_eq!(s.abandoned[k], want.abandoned, "{name} abandoned, trial {k}");
    }
}

/// The monthly rows of a fixed scenario equal the hand cumulative cash flow.
fn check_monthly(results: &RunResults, name: &str, want: &HandMetrics) {
    let rows = monthly_rows(results, set_index(results, name));
    assert_eq!(rows.len(), want.cum.len());
    for (t, row) in rows.iter().enumerate() {
        assert_eq!(row.month as usize, t + 1);
        assert_close(&format!("{name} mean cum({})", t + 1), row.mean, want.cum[t]);
        assert_close(&format!("{name} mean benefit({})", t + 1), row.benefit_mean, want.benefit[t]);
        assert_close(&format!("{name} mean visible benefit({})", t + 1), row.visible_benefit_mean, want.visible[t]);
        // Every trial has the same cum(t), so every percentile is cum(t): the
        // monthly histograms clamp to the exact extremes, and even their log-bucket
        // tails are within 2^-11 relative (docs/model.md, decision h).
        let tol = want.cum[t].abs() * 2f64.powi(-11) + 0.01;
        for (p, q) in [("p5", row.p5), ("p25", row.p25), ("p50", row.p50), ("p75", row.p75), ("p95", row.p95)] {
            assert!((q - want.cum[t]).abs() <= tol, "{name} {p} of cum({}) = {q}, want {}", t + 1, want.cum[t]);
        }
    }
}

/// The number of risk events of each trial.
fn event_counts(s: &SetResults) -> Vec<f64> {
    s.events.iter().map(|&e| f64::from(e)).collect()
}

/// Asserts that the mean of Poisson counts is within 4 standard errors,
/// `sqrt(mu / n)`, of `mu`.
fn assert_poisson_mean(what: &str, events: &[f64], mu: f64) {
    let n = events.len() as f64;
    let mean = events.iter().sum::<f64>() / n;
    let se = (mu / n).sqrt();
    assert!((mean - mu).abs() <= 4.0 * se, "{what}: mean {mean}, want {mu} +- 4 x {se}");
}

// ---------------------------------------------------------------------------
// Fixed inputs: exact agreement with the hand implementation.
// ---------------------------------------------------------------------------

#[test]
fn hand_model_reproduces_the_worked_example_of_the_docs() {
    // docs/model.md section 11; guards the test oracle itself.
    let it = Hand { run: 500.0, ramp: 2.0, vis: 0.2, ..Hand::new(12000.0, 1.5, 6000.0) };
    let f = hand_flows(std::slice::from_ref(&it), 6);
    let m = hand_metrics(&f, &[0], 0.10);
    assert!((m.npv - 6441.08).abs() < 0.005, "{}", m.npv);
    assert!((m.pv_cost - 13787.83).abs() < 0.005, "{}", m.pv_cost);
    assert!((m.pv_benefit - 20228.91).abs() < 0.005, "{}", m.pv_benefit);
    assert!((m.roi.unwrap() - 0.467).abs() < 0.0005);
    assert!((m.visible_roi.unwrap() + 0.707).abs() < 0.0005);
    assert_eq!((m.payback, m.discounted_payback), (5, 5));

    let with_event = Hand { events: vec![Ev { month: 4, cost: 3000.0, pause: 1, abandons: false }], ..it.clone() };
    let f = hand_flows(&[with_event], 6);
    let m = hand_metrics(&f, &[0], 0.10);
    assert_eq!(m.cum, vec![-6000.0, -12000.0, -9500.0, -7000.0, -7500.0, -2000.0]);
    assert!((m.npv + 2231.51).abs() < 0.005, "{}", m.npv);
    assert!((m.roi.unwrap() + 0.134).abs() < 0.0005);
    assert_eq!(m.payback, NEVER);

    // And the library agrees on the event-free part.
    let s = scenario(
        r#"
[simulation]
horizon_months = 6
discount_rate = 0.10
[[initiatives]]
name = "Example"
kind = "it"
build_cost = 12000
build_months = 1.5
run_cost_per_month = 500
benefit_per_month = 6000
ramp_months = 2
pnl_visibility = 0.2
"#,
    );
    let r = run(&s, 3, 1);
    let f = hand_flows(&[it], 6);
    check_set(&r, "Example", &hand_metrics(&f, &[0], 0.10));
}

const TWO_FIXED: &str = r#"
[simulation]
horizon_months = 24
discount_rate = 0.10
sampling = "random"

# Listed first although it depends on the next one.
[[initiatives]]
name = "Invoices"
kind = "bpa"
build_cost = { fixed = 12000 }
build_months = 1
run_cost_per_month = 500
benefit_per_month = 4000
pnl_visibility = 0.9
depends_on = ["Platform"]

[[initiatives.risks]]
name = "Outage"
events_per_year = 0
cost_per_event = 50000
benefit_pause_months = 3
abandon_probability = 0.5

[[initiatives]]
name = "Platform"
kind = "it"
start_month = 1
build_cost = 30000
build_months = 2.5
run_cost_per_month = 800
benefit_per_month = 9000
ramp_months = 2.5
pnl_visibility = 0.3
"#;

fn two_fixed_by_hand() -> Vec<HandFlows> {
    let invoices = Hand { run: 500.0, vis: 0.9, deps: vec![1], ..Hand::new(12000.0, 1.0, 4000.0) };
    let platform = Hand { start: 1, run: 800.0, ramp: 2.5, vis: 0.3, ..Hand::new(30000.0, 2.5, 9000.0) };
    hand_flows(&[invoices, platform], 24)
}

#[test]
fn fixed_inputs_give_the_hand_computed_metrics_for_every_set() {
    let s = scenario(TWO_FIXED);
    let r = run(&s, 50, 3);
    let f = two_fixed_by_hand();
    // Sanity of the fixture: it goes negative and pays back inside the horizon.
    let portfolio = hand_metrics(&f, &[0, 1], 0.10);
    assert!(portfolio.payback > 5 && portfolio.payback < 24);
    assert!(portfolio.discounted_payback >= portfolio.payback && portfolio.discounted_payback < 24);
    check_set(&r, "portfolio", &portfolio);
    check_set(&r, "bpa", &hand_metrics(&f, &[0], 0.10));
    check_set(&r, "Invoices", &hand_metrics(&f, &[0], 0.10));
    check_set(&r, "it", &hand_metrics(&f, &[1], 0.10));
    check_set(&r, "Platform", &hand_metrics(&f, &[1], 0.10));
    let summary = SetSummary::of(set(&r, "portfolio"));
    assert_eq!(summary.payback_month_p50, Some(f64::from(portfolio.payback)));
    assert_eq!(summary.discounted_payback_month_p50, Some(f64::from(portfolio.discounted_payback)));
    assert_eq!(summary.prob_payback_within_horizon, Some(1.0));
    assert_eq!(summary.prob_payback_within_12, Some(if portfolio.payback <= 12 { 1.0 } else { 0.0 }));
    assert!(r.inputs.is_empty(), "no input is uncertain, so no input column");
}

#[test]
fn monthly_means_of_a_fixed_scenario_are_the_hand_cumulative_cash_flow() {
    let s = scenario(TWO_FIXED);
    let r = run(&s, 37, 11);
    let f = two_fixed_by_hand();
    check_monthly(&r, "portfolio", &hand_metrics(&f, &[0, 1], 0.10));
    check_monthly(&r, "it", &hand_metrics(&f, &[1], 0.10));
    check_monthly(&r, "Invoices", &hand_metrics(&f, &[0], 0.10));
}

#[test]
fn payback_edge_cases_and_undefined_roi() {
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.05

[[initiatives]]
name = "Free win"          # no cost at all: never negative, ROI undefined
kind = "bpa"
build_cost = 0
build_months = 0
benefit_per_month = 100

[[initiatives]]
name = "Money pit"         # never recovers
kind = "it"
build_cost = 50000
build_months = 1
run_cost_per_month = 200
benefit_per_month = 100

[[initiatives]]
name = "Break even"        # cum reaches exactly 0 in month 3
kind = "it"
build_cost = 1000
build_months = 1
benefit_per_month = 500

[[initiatives]]
name = "Too late"          # starts after the horizon
kind = "bpa"
start_month = 30
build_cost = 1000
build_months = 1
benefit_per_month = 500

[[initiatives]]
name = "Waits forever"     # its dependency goes live after the horizon
kind = "bpa"
build_cost = 2000
build_months = 2
benefit_per_month = 1000
depends_on = ["Too late"]
"#,
    );
    let r = run(&s, 20, 5);
    let hand = [
        Hand::new(0.0, 0.0, 100.0),
        Hand { run: 200.0, ..Hand::new(50000.0, 1.0, 100.0) },
        Hand::new(1000.0, 1.0, 500.0),
        Hand { start: 30, ..Hand::new(1000.0, 1.0, 500.0) },
        Hand { deps: vec![3], ..Hand::new(2000.0, 2.0, 1000.0) },
    ];
    let f = hand_flows(&hand, 24);
    let names = ["Free win", "Money pit", "Break even", "Too late", "Waits forever"];
    for (i, name) in names.iter().enumerate() {
        check_set(&r, name, &hand_metrics(&f, &[i], 0.05));
    }
    check_set(&r, "portfolio", &hand_metrics(&f, &[0, 1, 2, 3, 4], 0.05));

    let free = set(&r, "Free win");
    assert!(free.payback.iter().all(|&p| p == 0), "never negative gives payback 0");
    assert!(free.roi.iter().all(|x| x.is_nan()) && free.visible_roi.iter().all(|x| x.is_nan()));
    let sum = SetSummary::of(free);
    assert!(sum.roi.is_none() && sum.visible_roi.is_none(), "undefined ROI is reported as empty");
    assert_eq!(sum.prob_roi_undefined, 1.0);
    assert_eq!(sum.payback_month_p50, Some(0.0));
    assert_eq!(sum.prob_payback_within_12, Some(1.0), "payback 0 counts as within 12 months");

    let pit = set(&r, "Money pit");
    assert!(pit.payback.iter().all(|&p| p == NEVER) && pit.discounted_payback.iter().all(|&p| p == NEVER));
    let sum = SetSummary::of(pit);
    assert_eq!(sum.payback_month_p50, None);
    assert_eq!(sum.discounted_payback_month_p50, None);
    assert_eq!(sum.prob_payback_within_horizon, Some(0.0));
    assert!(sum.roi.is_some());

    assert!(set(&r, "Break even").payback.iter().all(|&p| p == 3), "cum(t) = 0 counts as paid back");
    // Too late: nothing inside the horizon, so no payback either.
    let late = set(&r, "Too late");
    assert!(late.npv.iter().all(|&x| x == 0.0) && late.roi.iter().all(|x| x.is_nan()));
    assert!(late.payback.iter().chain(&late.discounted_payback).all(|&p| p == NO_CASH_FLOW));
    let sum = SetSummary::of(late);
    assert_eq!(sum.prob_no_cash_flow, 1.0);
    let paybacks = [sum.prob_payback_within_12, sum.prob_payback_within_horizon, sum.payback_month_p50];
    assert_eq!(paybacks, [None; 3], "no trial left: the payback figures are null");
    assert_eq!(sum.discounted_payback_month_p50, None);
    // Waits forever: only its build cost.
    let rm = 1.05f64.powf(1.0 / 12.0) - 1.0;
    let build_only = -1000.0 / (1.0 + rm) - 1000.0 / (1.0 + rm).powi(2);
    assert_close("Waits forever npv", set(&r, "Waits forever").npv[0], build_only);
}

#[test]
fn trials_without_a_cash_flow_are_left_out_of_the_payback_figures() {
    // Rider costs nothing to build and has a cash flow only once live, which
    // waits for Gate: when Gate's build ends in month 12 or later (D > 11,
    // probability 13/23), Rider has no cash flow at all. Live, its net is
    // B - 150 each month: it pays back at once (month 0) when B > 150 and
    // never when B < 150, each with probability 1/2.
    let s = scenario(
        r#"
[simulation]
horizon_months = 12
discount_rate = 0.1
[[initiatives]]
name = "Gate"
kind = "it"
build_cost = 1000
build_months = { uniform = [1, 24] }
benefit_per_month = 500
[[initiatives]]
name = "Rider"
kind = "bpa"
build_cost = 0
build_months = 1
run_cost_per_month = 150
benefit_per_month = { uniform = [0, 300] }
depends_on = ["Gate"]
"#,
    );
    let n = 20_000;
    let r = run(&s, n, 11);
    let rider = set(&r, "bpa");
    let none = rider.payback.iter().filter(|&&p| p == NO_CASH_FLOW).count();
    assert_share_near("trials without a cash flow", none, n as usize, 13.0 / 23.0, 4.0);
    // Rider costs something in every live month: the trials without a cash
    // flow are exactly those with no cost (undefined ROI) and an NPV of 0.
    for k in 0..n as usize {
        let no_cash_flow = rider.payback[k] == NO_CASH_FLOW;
        assert_eq!(no_cash_flow, rider.npv[k] == 0.0 && rider.roi[k].is_nan(), "trial {k}");
        assert_eq!(rider.discounted_payback[k] == NO_CASH_FLOW, no_cash_flow, "trial {k}");
    }
    let sum = SetSummary::of(rider);
    assert_eq!(sum.prob_no_cash_flow, none as f64 / n as f64);
    // The shares are over the trials with a cash flow: about 1/2, where
    // counting the others as paid back at month 0 would give about 0.78.
    let counted = n as usize - none;
    let paid = rider.payback.iter().filter(|&&p| p == 0).count();
    assert_eq!(sum.prob_payback_within_12, Some(paid as f64 / counted as f64));
    assert_eq!(sum.prob_payback_within_horizon, sum.prob_payback_within_12);
    assert_share_near("paid back among trials with a cash flow", paid, counted, 0.5, 4.0);
    // The median of the trials with a cash flow: month 0 when more than half
    // of them pay back at once, otherwise never (null).
    assert_eq!(sum.payback_month_p50, (2 * paid > counted).then_some(0.0));
}

#[test]
fn abandonment_and_pauses_follow_the_rules_when_events_are_certain() {
    // 1200 events a year = 100 a month: every live month has at least one event
    // (probability of a month without one: e^-100). Event costs are 0, so every
    // trial is determined.
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.10

[[initiatives]]
name = "Quit"
kind = "it"
build_cost = 2000
build_months = 2
run_cost_per_month = 300
benefit_per_month = 1000
ramp_months = 2
pnl_visibility = 0.5
[[initiatives.risks]]
name = "Fatal"
events_per_year = 1200
cost_per_event = 0
abandon_probability = 1

[[initiatives]]
name = "Child"           # depends on an initiative that is abandoned at once
kind = "it"
build_cost = 900
build_months = 1
run_cost_per_month = 100
benefit_per_month = 700
depends_on = ["Quit"]

[[initiatives]]
name = "Paused"
kind = "bpa"
start_month = 3
build_cost = 3000
build_months = 1.2
run_cost_per_month = 250
benefit_per_month = 2000
ramp_months = 4
[[initiatives.risks]]
name = "Hiccup"
events_per_year = 1200
cost_per_event = 0
benefit_pause_months = 2
"#,
    );
    let r = run(&s, 40, 9);
    let quit = Hand {
        run: 300.0,
        ramp: 2.0,
        vis: 0.5,
        events: vec![Ev { month: 3, cost: 0.0, pause: 0, abandons: true }],
        ..Hand::new(2000.0, 2.0, 1000.0)
    };
    let child = Hand { run: 100.0, deps: vec![0], ..Hand::new(900.0, 1.0, 700.0) };
    // Paused: live from month 3 + 2 = 5; an event in every live month.
    let paused = Hand {
        start: 3,
        run: 250.0,
        ramp: 4.0,
        events: (6..=24).map(|t| Ev { month: t, cost: 0.0, pause: 2, abandons: false }).collect(),
        ..Hand::new(3000.0, 1.2, 2000.0)
    };
    let f = hand_flows(&[quit, child, paused], 24);
    let sets = [("Quit", vec![0]), ("Child", vec![1]), ("Paused", vec![2]), ("portfolio", vec![0, 1, 2])];
    for (name, idx) in &sets {
        check_returns(&r, name, &hand_metrics(&f, idx, 0.10));
    }
    assert!(set(&r, "Quit").abandoned.iter().all(|&a| a));
    assert!(set(&r, "Quit").events.iter().all(|&e| e >= 1));
    assert!(set(&r, "portfolio").abandoned.iter().all(|&a| a), "portfolio: any member abandoned");
    assert!(set(&r, "Child").abandoned.iter().all(|&a| !a));
    assert!(set(&r, "Paused").abandoned.iter().all(|&a| !a));
    // About 100 events in each of the 19 live months (6..=24) of Paused: Poisson, mean 1900.
    assert_poisson_mean("Paused events", &event_counts(set(&r, "Paused")), 1900.0);
}

// ---------------------------------------------------------------------------
// Risk events: closed forms.
// ---------------------------------------------------------------------------

#[test]
fn expected_events_and_loss_follow_the_poisson_closed_form() {
    // App goes live when Core does: g = 5, live months L = 24 - 5 = 19.
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.10

[[initiatives]]
name = "Core"
kind = "it"
build_cost = 1000
build_months = 5
benefit_per_month = 100

[[initiatives]]
name = "App"
kind = "bpa"
build_cost = 1000
build_months = 0.4
benefit_per_month = 100
depends_on = ["Core"]
[[initiatives.risks]]
name = "Fixed cost"
events_per_year = 2.4
cost_per_event = 1000

[[initiatives]]
name = "App2"
kind = "bpa"
start_month = 2
build_cost = 1000
build_months = 3
benefit_per_month = 100
[[initiatives.risks]]
name = "Uniform cost"
events_per_year = 2.4
cost_per_event = { uniform = [0, 2000] }
"#,
    );
    let n = 20_000;
    let r = run(&s, n, 21);
    let mu = 2.4 * 19.0 / 12.0;
    let app = set(&r, "App");
    let events = event_counts(app);
    assert_poisson_mean("App events", &events, mu);
    let (_, sd) = mean_sd(&events);
    // Poisson: variance = mean. SE of a sample variance = sqrt((mu4 - sigma^4)/n)
    // with mu4 = mu + 3 mu^2 for a Poisson.
    let var_se = ((mu + 2.0 * mu * mu) / n as f64).sqrt();
    assert!((sd * sd - mu).abs() <= 4.0 * var_se, "variance of events {}, want {mu}", sd * sd);
    // Fixed cost: loss = cost x events in every trial.
    for k in 0..app.loss.len() {
        assert_close("loss = 1000 x events", app.loss[k], 1000.0 * f64::from(app.events[k]));
    }
    assert!(set(&r, "Core").events.iter().all(|&e| e == 0));

    // App2: live months 24 - (2 + 3) = 19 as well; cost drawn per event, mean 1000.
    let app2 = set(&r, "App2");
    assert_mean_near("App2 events", &event_counts(app2), mu, 4.0);
    assert_mean_near("App2 loss", &app2.loss, 1000.0 * mu, 4.0);
    // Each event draws its own cost: given exactly one event, loss ~ U(0, 2000);
    // given exactly two, loss is the sum of two uniforms (triangular on [0, 4000]),
    // not twice one draw (uniform on [0, 4000]).
    let with =
        |k: u32| -> Vec<f64> { (0..n as usize).filter(|&i| app2.events[i] == k).map(|i| app2.loss[i]).collect() };
    assert_ks("loss given one event", &with(1), |x| (x / 2000.0).clamp(0.0, 1.0));
    let tri = |x: f64| {
        let x = x.clamp(0.0, 4000.0);
        if x <= 2000.0 { x * x / (2.0 * 2000.0 * 2000.0) } else { 1.0 - (4000.0 - x).powi(2) / (2.0 * 2000.0 * 2000.0) }
    };
    assert_ks("loss given two events", &with(2), tri);
    // Portfolio events add up.
    let p = set(&r, "portfolio");
    for k in 0..p.events.len() {
        assert_eq!(p.events[k], app.events[k] + app2.events[k]);
    }
}

// ---------------------------------------------------------------------------
// Conflation.
// ---------------------------------------------------------------------------

#[test]
fn conflation_multiplies_the_benefit_of_mismatched_initiatives_exactly() {
    let mut text = String::from(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.10

[conflation]
benefit_multiplier = 0.45
risk_rate_multiplier = 3
extra_abandon_probability = 0.2
"#,
    );
    for (name, kind, owner) in [
        ("BPA ops", "bpa", "operations"),
        ("BPA it", "bpa", "it"),
        ("IT it", "it", "it"),
        ("IT ops", "it", "operations"),
    ] {
        text += &format!(
            r#"
[[initiatives]]
name = "{name}"
kind = "{kind}"
owner = "{owner}"
start_month = 1
build_cost = 20000
build_months = 2
run_cost_per_month = 300
benefit_per_month = 3000
ramp_months = 3
pnl_visibility = 0.4
"#
        );
    }
    let s = scenario(&text);
    assert_eq!(s.initiatives.iter().map(|i| i.is_mismatched()).collect::<Vec<_>>(), [false, true, false, true]);
    let r = run(&s, 10, 1);
    let hand = |benefit: f64| Hand { start: 1, run: 300.0, ramp: 3.0, vis: 0.4, ..Hand::new(20000.0, 2.0, benefit) };
    let f = hand_flows(&[hand(3000.0), hand(3000.0 * 0.45), hand(3000.0), hand(3000.0 * 0.45)], 24);
    check_set(&r, "BPA ops", &hand_metrics(&f, &[0], 0.10));
    check_set(&r, "BPA it", &hand_metrics(&f, &[1], 0.10));
    check_set(&r, "IT it", &hand_metrics(&f, &[2], 0.10));
    check_set(&r, "IT ops", &hand_metrics(&f, &[3], 0.10));
    // Sets by kind, whoever owns them.
    check_set(&r, "bpa", &hand_metrics(&f, &[0, 1], 0.10));
    check_set(&r, "it", &hand_metrics(&f, &[2, 3], 0.10));
    // The NPV lost is (1 - m) times the PV of the benefit.
    let matched = hand_metrics(&f, &[0], 0.10);
    let lost = set(&r, "BPA ops").npv[0] - set(&r, "BPA it").npv[0];
    assert_close("NPV lost to conflation", lost, 0.55 * matched.pv_benefit);
}

/// Twin initiatives, one matched and one mismatched, each with one risk.
fn twins(conflation: &str, events_per_year: f64, abandon: f64) -> String {
    let mut text = format!("[simulation]\nhorizon_months = 24\ndiscount_rate = 0.10\n\n[conflation]\n{conflation}\n");
    for (name, owner) in [("Matched", "operations"), ("Mismatched", "it")] {
        text += &format!(
            r#"
[[initiatives]]
name = "{name}"
kind = "bpa"
owner = "{owner}"
build_cost = 1000
build_months = 2
benefit_per_month = 500
[[initiatives.risks]]
name = "Incident"
events_per_year = {events_per_year}
cost_per_event = 100
abandon_probability = {abandon}
"#
        );
    }
    text
}

#[test]
fn conflation_multiplies_the_risk_rate() {
    // Live months L = 24 - 2 = 22; no abandonment.
    let s = scenario(&twins("risk_rate_multiplier = 2.5\nextra_abandon_probability = 0", 1.2, 0.0));
    let n = 20_000;
    let r = run(&s, n, 4);
    for (name, mult) in [("Matched", 1.0), ("Mismatched", 2.5)] {
        assert_poisson_mean(&format!("{name} events"), &event_counts(set(&r, name)), 1.2 * mult * 22.0 / 12.0);
        assert!(set(&r, name).abandoned.iter().all(|&a| !a));
    }
}

#[test]
fn conflation_adds_to_the_abandon_probability() {
    // Abandoning events are a thinned Poisson process of rate lambda * a / 12 a
    // month, so P(abandoned within L live months) = 1 - exp(-lambda a L / 12).
    let n = 20_000;
    let s = scenario(&twins("risk_rate_multiplier = 2\nextra_abandon_probability = 0.2", 1.2, 0.1));
    let r = run(&s, n, 8);
    for (name, lambda, a) in [("Matched", 1.2, 0.1), ("Mismatched", 2.4, 0.3)] {
        let p = 1.0 - (-lambda * a * 22.0 / 12.0f64).exp();
        let hits = set(&r, name).abandoned.iter().filter(|&&x| x).count();
        assert_share_near(&format!("{name} P(abandoned)"), hits, n as usize, p, 4.0);
    }
    // a + extra is capped at 1: the first event abandons.
    let s = scenario(&twins("risk_rate_multiplier = 2\nextra_abandon_probability = 0.2", 1.2, 0.9));
    let r = run(&s, n, 8);
    let mis = set(&r, "Mismatched");
    let p = 1.0 - (-2.4 * 22.0 / 12.0f64).exp();
    let hits = mis.abandoned.iter().filter(|&&x| x).count();
    assert_share_near("Mismatched with a + extra > 1", hits, n as usize, p, 4.0);
    for k in 0..n as usize {
        assert_eq!(mis.abandoned[k], mis.events[k] >= 1, "trial {k}: with a' = 1 any event abandons");
    }
}

#[test]
fn benefit_pauses_follow_the_closed_form() {
    // Live from month 2 (g = 1). A live month t keeps its benefit unless an
    // event fell in one of the P = 2 months before it (inside the live window):
    // P(benefit in t) = exp(-lambda/12 * min(P, t - g - 1)). The ramp clock keeps
    // running through pauses, so E[benefit(t)] = B min(1, (t - g)/R) P(benefit in t).
    let s = scenario(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.10

[[initiatives]]
name = "Pausy"
kind = "it"
build_cost = 0
build_months = 1
benefit_per_month = 1000
ramp_months = 4
pnl_visibility = 0.25
[[initiatives.risks]]
name = "Hiccup"
events_per_year = 6
cost_per_event = 0
benefit_pause_months = 2
"#,
    );
    let n = 20_000;
    let r = run(&s, n, 13);
    let rows = monthly_rows(&r, set_index(&r, "Pausy"));
    for t in 2..=24usize {
        let k = 2.min(t - 2) as f64;
        let p = (-0.5 * k).exp();
        let full = 1000.0 * ((t - 1) as f64 / 4.0).min(1.0);
        let got = rows[t - 1].benefit_mean;
        let se = full * (p * (1.0 - p) / n as f64).sqrt();
        // 4.5 SE: 23 months are checked.
        assert!(
            (got - full * p).abs() <= 4.5 * se + 1e-9 * full,
            "month {t}: mean benefit {got}, want {} +- 4.5 x {se}",
            full * p
        );
        assert_close(&format!("visible benefit, month {t}"), rows[t - 1].visible_benefit_mean, 0.25 * got);
    }
    assert_eq!(rows[0].benefit_mean, 0.0, "no benefit in the build month");
}
