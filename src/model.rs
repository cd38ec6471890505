//! One trial: the monthly cash flows of every initiative, and the metrics of a set.
//!
//! [`Model::simulate`] turns one trial's drawn inputs into monthly build cost,
//! run cost, risk loss, benefit and visible benefit per initiative, following
//! the rules of `docs/model.md` to the letter: build spread over
//! `max(1, ceil(D))` months, go-live gated by dependencies, a linear ramp,
//! Poisson risk events in live months with per-event cost, benefit pauses,
//! abandonment, and the conflation multipliers for mismatched owners.
//! [`SetMetrics::compute`] then sums a set's members and derives NPV, ROI,
//! payback and the rest.
//!
//! Risk events are generated as a Poisson process in continuous time over the
//! live months (exponential gaps with rate `λ / 12` per month), which gives
//! exactly independent Poisson(`λ / 12`) counts per live month. The first gap
//! comes from a per-trial uniform drawn with the block (`-ln u`); only a trial
//! in which an event happens opens its own event stream, which draws each
//! event's cost and abandonment by inverse CDF and the next gap from
//! `rand_distr`'s standard exponential.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::Exp1;

use crate::dist::QuantileTable;
use crate::sampling::{Sampler, unit_interval};
use crate::scenario::{Kind, Scenario};

/// Month index meaning "never" for payback.
pub const NEVER: u16 = u16::MAX;

/// Monthly cash flows of one initiative in one trial; index `t - 1` is month `t`.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// Benefit booked.
    pub benefit: Vec<f64>,
    /// P&L-visible part of the benefit.
    pub visible: Vec<f64>,
    /// Build, run and risk-loss cost together.
    pub cost: Vec<f64>,
    /// Risk loss alone (also included in `cost`).
    pub loss: Vec<f64>,
    /// Risk events booked.
    pub events: u32,
    /// True when a risk event abandoned the initiative.
    pub abandoned: bool,
    /// Go-live month `g` (live from `g + 1`); may exceed the horizon.
    pub go_live: u64,
}

impl Flows {
    fn reset(&mut self, horizon: usize) {
        for v in [&mut self.benefit, &mut self.visible, &mut self.cost, &mut self.loss] {
            v.clear();
            v.resize(horizon, 0.0);
        }
        self.events = 0;
        self.abandoned = false;
        self.go_live = 0;
    }
}

/// One risk event before booking.
#[derive(Debug, Clone, Copy)]
struct Event {
    month: u64,
    cost: f64,
    abandons: bool,
    pause: u64,
}

/// The model of a scenario, prepared for many trials.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    scenario: &'a Scenario,
    horizon: usize,
    order: Vec<usize>,
    /// Offset of each initiative's first risk in the flat risk list.
    risk_offset: Vec<usize>,
    /// Discount factor of month `t` at index `t - 1`.
    discount: Vec<f64>,
    /// Prepared cost-per-event distribution of each risk, flat.
    event_costs: Vec<QuantileTable>,
}

/// Reusable buffers for one trial.
#[derive(Debug, Clone, Default)]
pub struct TrialFlows {
    /// Flows per initiative, in scenario order.
    pub initiatives: Vec<Flows>,
    events: Vec<Event>,
}

impl<'a> Model<'a> {
    /// Prepares the model of a scenario.
    pub fn new(scenario: &'a Scenario) -> Model<'a> {
        let horizon = scenario.simulation.horizon_months as usize;
        let monthly = (1.0 + scenario.simulation.discount_rate).powf(1.0 / 12.0) - 1.0;
        let discount = (1..=horizon).map(|t| (1.0 + monthly).powi(-(t as i32))).collect();
        let mut risk_offset = Vec::with_capacity(scenario.initiatives.len());
        let mut offset = 0;
        for initiative in &scenario.initiatives {
            risk_offset.push(offset);
            offset += initiative.risks.len();
        }
        let event_costs = scenario
            .initiatives
            .iter()
            .flat_map(|i| i.risks.iter().map(|r| QuantileTable::new(&r.cost_per_event)))
            .collect();
        Model { scenario, horizon, order: scenario.dependency_order(), risk_offset, discount, event_costs }
    }

    /// Months simulated.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Discount factor of each month, `1 / (1 + r_m)^t` at index `t - 1`.
    pub fn discount(&self) -> &[f64] {
        &self.discount
    }

    /// Simulates trial `trial` with its drawn `inputs` and first-event uniforms.
    pub fn simulate(&self, sampler: &Sampler, trial: u64, inputs: &[f64], first_event: &[f64], out: &mut TrialFlows) {
        let scenario = self.scenario;
        out.initiatives.resize_with(scenario.initiatives.len(), Flows::default);
        let h = self.horizon as u64;
        for &i in &self.order {
            let init = &scenario.initiatives[i];
            let mismatched = init.is_mismatched();
            let conflation = &scenario.conflation;
            let build_cost = inputs[init.build_cost];
            let build_months = inputs[init.build_months].ceil().clamp(1.0, 1e15) as u64;
            let run_cost = inputs[init.run_cost_per_month];
            let mut benefit = inputs[init.benefit_per_month];
            if mismatched {
                benefit *= conflation.benefit_multiplier;
            }
            let ramp = inputs[init.ramp_months];
            let visibility = inputs[init.pnl_visibility];
            let start = u64::from(init.start_month);
            let go_live =
                init.depends_on.iter().map(|&d| out.initiatives[d].go_live).fold(start + build_months, u64::max);

            // Risk events over the live window, in month order.
            let mut events = std::mem::take(&mut out.events);
            events.clear();
            let live_months = h.saturating_sub(go_live) as f64;
            for (r, risk) in init.risks.iter().enumerate() {
                let flat = self.risk_offset[i] + r;
                let mut rate = inputs[risk.events_per_year] / 12.0;
                let mut abandon = inputs[risk.abandon_probability];
                if mismatched {
                    rate *= conflation.risk_rate_multiplier;
                    abandon = (abandon + conflation.extra_abandon_probability).min(1.0);
                }
                if rate <= 0.0 || live_months <= 0.0 {
                    continue;
                }
                let mut time = -first_event[flat].ln() / rate;
                let mut rng: Option<ChaCha8Rng> = None;
                while time <= live_months {
                    let rng = rng.get_or_insert_with(|| sampler.event_stream(flat, trial));
                    events.push(Event {
                        month: go_live + time.ceil().max(1.0) as u64,
                        cost: self.event_costs[flat].quantile(unit_interval(rng)),
                        abandons: unit_interval(rng) < abandon,
                        pause: u64::from(risk.benefit_pause_months),
                    });
                    let gap: f64 = rng.sample(Exp1);
                    time += gap / rate;
                }
            }
            events.sort_by_key(|e| e.month);

            let flows = &mut out.initiatives[i];
            flows.reset(self.horizon);
            flows.go_live = go_live;
            let per_month = build_cost / build_months as f64;
            for t in start + 1..=(start + build_months).min(h) {
                flows.cost[(t - 1) as usize] += per_month;
            }
            let mut pause_end = 0u64;
            let mut next_event = 0;
            for t in go_live + 1..=h {
                let idx = (t - 1) as usize;
                if t > pause_end {
                    let ramp_share = if ramp <= 0.0 { 1.0 } else { ((t - go_live) as f64 / ramp).min(1.0) };
                    flows.benefit[idx] = benefit * ramp_share;
                    flows.visible[idx] = benefit * ramp_share * visibility;
                }
                flows.cost[idx] += run_cost;
                let mut abandoned_now = false;
                while next_event < events.len() && events[next_event].month == t {
                    let e = events[next_event];
                    flows.loss[idx] += e.cost;
                    flows.cost[idx] += e.cost;
                    flows.events += 1;
                    pause_end = pause_end.max(t + e.pause);
                    abandoned_now |= e.abandons;
                    next_event += 1;
                }
                if abandoned_now {
                    flows.abandoned = true;
                    break;
                }
            }
            out.events = events;
        }
    }
}

/// Which initiatives make up a reported set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetSpec {
    /// Name as reported: `portfolio`, `it`, `bpa` or an initiative's name.
    pub name: String,
    /// Indices of the member initiatives.
    pub members: Vec<usize>,
    /// The kind of the members, when they share one.
    pub kind: Option<Kind>,
}

/// The reported sets of a scenario: portfolio, it, bpa, then each initiative.
pub fn reported_sets(scenario: &Scenario) -> Vec<SetSpec> {
    let all: Vec<usize> = (0..scenario.initiatives.len()).collect();
    let of_kind = |k: Kind| all.iter().copied().filter(|&i| scenario.initiatives[i].kind == k).collect();
    let mut sets = vec![
        SetSpec { name: "portfolio".into(), members: all.clone(), kind: None },
        SetSpec { name: "it".into(), members: of_kind(Kind::It), kind: Some(Kind::It) },
        SetSpec { name: "bpa".into(), members: of_kind(Kind::Bpa), kind: Some(Kind::Bpa) },
    ];
    sets.extend(scenario.initiatives.iter().enumerate().map(|(i, init)| SetSpec {
        name: init.name.clone(),
        members: vec![i],
        kind: Some(init.kind),
    }));
    sets
}

/// The metrics of one set in one trial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetMetrics {
    /// Net present value.
    pub npv: f64,
    /// Present value of benefit.
    pub pv_benefit: f64,
    /// Present value of visible benefit.
    pub pv_visible: f64,
    /// Present value of build, run and loss.
    pub pv_cost: f64,
    /// First month the cumulative net cash flow recovers to >= 0 (0: never negative; [`NEVER`]: never recovered).
    pub payback_month: u16,
    /// The same on the discounted running sum.
    pub discounted_payback_month: u16,
    /// Total risk loss (undiscounted).
    pub loss: f64,
    /// Risk events booked.
    pub events: u32,
    /// True when any member was abandoned.
    pub abandoned: bool,
}

impl SetMetrics {
    /// ROI, or `None` when there is no cost.
    pub fn roi(&self) -> Option<f64> {
        (self.pv_cost > 0.0).then(|| (self.pv_benefit - self.pv_cost) / self.pv_cost)
    }

    /// P&L-visible ROI, or `None` when there is no cost.
    pub fn visible_roi(&self) -> Option<f64> {
        (self.pv_cost > 0.0).then(|| (self.pv_visible - self.pv_cost) / self.pv_cost)
    }

    /// Sums the members' flows into `monthly` (net, benefit, visible per month)
    /// and computes the set's metrics.
    pub fn compute(model: &Model, flows: &TrialFlows, members: &[usize], monthly: &mut MonthlySet) -> SetMetrics {
        monthly.reset(model.horizon());
        let mut totals = Totals::default();
        for &m in members {
            let f = &flows.initiatives[m];
            monthly.add_flows(f);
            totals.add(&Totals::of(f));
        }
        SetMetrics::from_monthly(model, monthly, totals)
    }

    /// The metrics of a set whose monthly net, benefit, visible benefit and
    /// cost are summed in `monthly`; fills in its cumulative cash flow.
    pub fn from_monthly(model: &Model, monthly: &mut MonthlySet, totals: Totals) -> SetMetrics {
        let mut metrics = SetMetrics {
            npv: 0.0,
            pv_benefit: 0.0,
            pv_visible: 0.0,
            pv_cost: 0.0,
            payback_month: 0,
            discounted_payback_month: 0,
            loss: totals.loss,
            events: totals.events,
            abandoned: totals.abandoned,
        };
        let mut cum = 0.0;
        let mut payback = Payback::default();
        let mut discounted = Payback::default();
        for (t, &d) in model.discount().iter().enumerate() {
            cum += monthly.net[t];
            monthly.cumulative[t] = cum;
            metrics.npv += monthly.net[t] * d;
            metrics.pv_benefit += monthly.benefit[t] * d;
            metrics.pv_visible += monthly.visible[t] * d;
            metrics.pv_cost += monthly.cost[t] * d;
            payback.step(t + 1, cum);
            discounted.step(t + 1, metrics.npv);
        }
        metrics.payback_month = payback.month();
        metrics.discounted_payback_month = discounted.month();
        metrics
    }
}

/// Risk totals of a set over the horizon.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// Risk loss.
    pub loss: f64,
    /// Risk events.
    pub events: u32,
    /// Whether any member was abandoned.
    pub abandoned: bool,
}

impl Totals {
    /// The totals of one initiative's flows.
    pub fn of(flows: &Flows) -> Totals {
        Totals { loss: flows.loss.iter().sum(), events: flows.events, abandoned: flows.abandoned }
    }

    /// Adds another set's totals.
    pub fn add(&mut self, other: &Totals) {
        self.loss += other.loss;
        self.events += other.events;
        self.abandoned |= other.abandoned;
    }
}

/// Tracks the payback rule over a running sum.
#[derive(Debug, Default)]
struct Payback {
    went_negative: bool,
    recovered: Option<usize>,
}

impl Payback {
    fn step(&mut self, month: usize, running: f64) {
        if self.recovered.is_some() {
            return;
        }
        if running < 0.0 {
            self.went_negative = true;
        } else if self.went_negative {
            self.recovered = Some(month);
        }
    }

    fn month(&self) -> u16 {
        match (self.went_negative, self.recovered) {
            (false, _) => 0,
            (true, Some(m)) => m as u16,
            (true, None) => NEVER,
        }
    }
}

/// One set's monthly sums in one trial.
#[derive(Debug, Clone, Default)]
pub struct MonthlySet {
    /// Net cash flow per month.
    pub net: Vec<f64>,
    /// Cumulative net cash flow per month.
    pub cumulative: Vec<f64>,
    /// Benefit per month.
    pub benefit: Vec<f64>,
    /// Visible benefit per month.
    pub visible: Vec<f64>,
    /// Cost per month (build, run and loss).
    pub cost: Vec<f64>,
}

impl MonthlySet {
    /// Adds one initiative's flows.
    pub fn add_flows(&mut self, f: &Flows) {
        for t in 0..self.net.len() {
            self.net[t] += f.benefit[t] - f.cost[t];
            self.benefit[t] += f.benefit[t];
            self.visible[t] += f.visible[t];
            self.cost[t] += f.cost[t];
        }
    }

    /// Adds another set's net, benefit, visible benefit and cost.
    pub fn add(&mut self, other: &MonthlySet) {
        for t in 0..self.net.len() {
            self.net[t] += other.net[t];
            self.benefit[t] += other.benefit[t];
            self.visible[t] += other.visible[t];
            self.cost[t] += other.cost[t];
        }
    }

    /// Zeroes every month of a horizon.
    pub fn reset(&mut self, horizon: usize) {
        for v in [&mut self.net, &mut self.cumulative, &mut self.benefit, &mut self.visible, &mut self.cost] {
            v.clear();
            v.resize(horizon, 0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payback_rule() {
        let months = |series: &[f64]| {
            let mut p = Payback::default();
            series.iter().enumerate().for_each(|(t, &x)| p.step(t + 1, x));
            p.month()
        };
        assert_eq!(months(&[1.0, 2.0]), 0);
        assert_eq!(months(&[-1.0, 0.0, 1.0]), 2);
        assert_eq!(months(&[-1.0, -0.5]), NEVER);
        assert_eq!(months(&[-1.0, 1.0, -1.0]), 2);
    }
}
