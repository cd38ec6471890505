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
//! exactly independent Poisson(`λ / 12`) counts per live month. The events
//! of a run of trials are drawn risk by risk before those trials are
//! simulated ([`Model::draw_events`]): each risk reads its own stream for the
//! block, trial after trial, with the gaps from `rand_distr`'s standard
//! exponential and each event's cost (by inverse CDF) and abandonment from
//! uniforms. A risk's cost table is so used hundreds of times in a row, and
//! stays in cache; how the block is cut into runs does not change a draw.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::Exp1;
use rayon::prelude::*;

use crate::dist::QuantileTable;
use crate::sampling::{InputBlock, Sampler, unit_interval};
use crate::scenario::{Kind, MAX_HORIZON_MONTHS, Scenario};

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
    /// Total risk loss over the horizon (the sum of `loss`, month by month).
    pub loss_total: f64,
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
        self.loss_total = 0.0;
        self.events = 0;
        self.abandoned = false;
        self.go_live = 0;
    }
}

/// One risk event before booking, in 16 bytes: a block's events are many.
/// Events happen only in live months, so the month is at most the horizon
/// (600), and a pause is at most that too.
#[derive(Debug, Clone, Copy)]
struct Event {
    cost: f64,
    month: u32,
    pause: u16,
    abandons: bool,
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

/// The risk events of a block of trials, drawn risk by risk, a run of
/// trials at a time (so they stay in cache until the trials are simulated).
#[derive(Debug, Default)]
pub struct BlockEvents {
    /// Go-live month of each initiative, trial-major, for the whole block.
    go_live: Vec<u64>,
    /// The block's stream of each risk (flat), read trial after trial.
    streams: Vec<ChaCha8Rng>,
    /// First trial (of the block) of the run of trials drawn.
    first: usize,
    /// Events of each risk, trial by trial, in time order within a trial.
    events: Vec<Vec<Event>>,
    /// For each risk, where each trial's events start in `events`, and one past the last.
    starts: Vec<Vec<u32>>,
}

impl BlockEvents {
    /// The events of risk `risk` (flat) in trial `k` of the block.
    fn of(&self, risk: usize, k: usize) -> &[Event] {
        let starts = &self.starts[risk];
        &self.events[risk][starts[k - self.first] as usize..starts[k - self.first + 1] as usize]
    }
}

/// An initiative's schedule in one trial, from its drawn inputs.
struct Schedule {
    start: u64,
    build_months: u64,
    go_live: u64,
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
        let risks: Vec<_> = scenario.initiatives.iter().flat_map(|i| &i.risks).collect();
        // Tables take milliseconds each to build: build them side by side.
        let event_costs = risks.par_iter().map(|r| QuantileTable::new(&r.cost_per_event)).collect();
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

    /// Initiative `i`'s schedule in a trial with `inputs`, given the go-live
    /// months of the initiatives before it in dependency order.
    fn schedule(&self, i: usize, inputs: &[f64], go_live: &[u64]) -> Schedule {
        let init = &self.scenario.initiatives[i];
        let start = u64::from(init.start_month);
        let build_months = inputs[init.build_months].ceil().clamp(1.0, 1e15) as u64;
        let go_live = init.depends_on.iter().map(|&d| go_live[d]).fold(start + build_months, u64::max);
        Schedule { start, build_months, go_live }
    }

    /// Prepares the events of block `block`, whose inputs are `inputs`:
    /// every trial's go-live months and every risk's stream for the block.
    pub fn start_events(&self, sampler: &Sampler, block: u64, inputs: &InputBlock, out: &mut BlockEvents) {
        let n = self.scenario.initiatives.len();
        out.go_live.resize(inputs.trials * n, 0);
        for (k, go_live) in out.go_live.chunks_exact_mut(n).enumerate() {
            for &i in &self.order {
                go_live[i] = self.schedule(i, inputs.trial(k), go_live).go_live;
            }
        }
        out.streams.clear();
        out.streams.extend((0..self.event_costs.len()).map(|r| sampler.event_stream(r, block)));
    }

    /// Draws the risk events of trials `trials` of the block prepared by
    /// [`Model::start_events`] (runs of trials must come in order): each
    /// risk from its own stream, trial after trial.
    pub fn draw_events(&self, inputs: &InputBlock, trials: std::ops::Range<usize>, out: &mut BlockEvents) {
        let scenario = self.scenario;
        let n = scenario.initiatives.len();
        let h = self.horizon as u64;
        let risks = self.event_costs.len();
        out.first = trials.start;
        out.events.resize_with(risks, Vec::new);
        out.starts.resize_with(risks, Vec::new);
        for (i, init) in scenario.initiatives.iter().enumerate() {
            let conflation = init.is_mismatched().then_some(&scenario.conflation);
            for (r, risk) in init.risks.iter().enumerate() {
                let flat = self.risk_offset[i] + r;
                let (events, starts, rng) = (&mut out.events[flat], &mut out.starts[flat], &mut out.streams[flat]);
                events.clear();
                starts.clear();
                starts.push(0);
                let costs = &self.event_costs[flat];
                let pause = risk.benefit_pause_months.min(MAX_HORIZON_MONTHS) as u16;
                for k in trials.clone() {
                    let values = inputs.trial(k);
                    let (mut rate, mut abandon) =
                        (values[risk.events_per_year] / 12.0, values[risk.abandon_probability]);
                    if let Some(c) = conflation {
                        rate *= c.risk_rate_multiplier;
                        abandon = (abandon + c.extra_abandon_probability).min(1.0);
                    }
                    let go_live = out.go_live[k * n + i];
                    let live_months = h.saturating_sub(go_live) as f64;
                    if rate > 0.0 && live_months > 0.0 {
                        let mut time = rng.sample::<f64, _>(Exp1) / rate;
                        while time <= live_months {
                            events.push(Event {
                                month: (go_live + time.ceil().max(1.0) as u64) as u32,
                                cost: costs.quantile(unit_interval(rng)),
                                abandons: unit_interval(rng) < abandon,
                                pause,
                            });
                            time += rng.sample::<f64, _>(Exp1) / rate;
                        }
                    }
                    starts.push(events.len() as u32);
                }
            }
        }
    }

    /// Simulates trial `k` of a block with its drawn `inputs` and the block's `events`.
    pub fn simulate(&self, inputs: &[f64], events: &BlockEvents, k: usize, out: &mut TrialFlows) {
        let scenario = self.scenario;
        let n = scenario.initiatives.len();
        out.initiatives.resize_with(n, Flows::default);
        let h = self.horizon as u64;
        let go_lives = &events.go_live[k * n..(k + 1) * n];
        for &i in &self.order {
            let init = &scenario.initiatives[i];
            let Schedule { start, build_months, go_live } = self.schedule(i, inputs, go_lives);
            let build_cost = inputs[init.build_cost];
            let run_cost = inputs[init.run_cost_per_month];
            let mut benefit = inputs[init.benefit_per_month];
            if init.is_mismatched() {
                benefit *= scenario.conflation.benefit_multiplier;
            }
            let ramp = inputs[init.ramp_months];
            let visibility = inputs[init.pnl_visibility];

            // The risks' events over the live window, in month order.
            let mut booking = std::mem::take(&mut out.events);
            booking.clear();
            for r in 0..init.risks.len() {
                booking.extend_from_slice(events.of(self.risk_offset[i] + r, k));
            }
            booking.sort_by_key(|e| e.month);
            // The first event that abandons ends the live window after its month;
            // events after it never happen.
            let end = booking.iter().find(|e| e.abandons).map_or(h, |e| u64::from(e.month).min(h));
            let booked = booking.iter().take_while(|e| u64::from(e.month) <= end).count();

            let flows = &mut out.initiatives[i];
            flows.reset(self.horizon);
            flows.go_live = go_live;
            flows.abandoned = booking[..booked].iter().any(|e| e.abandons);
            let per_month = build_cost / build_months as f64;
            for t in start + 1..=(start + build_months).min(h) {
                flows.cost[(t - 1) as usize] += per_month;
            }
            // Live months at the ramp's run rate, then each event's loss, then
            // the pauses (benefit zeroed in the months after an event).
            let live = go_live.min(end) as usize..end as usize;
            let (booked_benefit, seen) = (&mut flows.benefit[live.clone()], &mut flows.visible[live.clone()]);
            let spent = &mut flows.cost[live];
            // Months `x = t - g` with x < R ramp up (x / R < 1); from then on the
            // share is exactly 1, so no division is needed.
            let ramping = if ramp <= 0.0 { 0 } else { (ramp.ceil() - 1.0).min(booked_benefit.len() as f64) as usize };
            for (x, (b, v)) in booked_benefit.iter_mut().zip(seen.iter_mut()).enumerate() {
                *b = if x < ramping { benefit * ((x + 1) as f64 / ramp).min(1.0) } else { benefit };
                *v = *b * visibility;
            }
            for c in spent.iter_mut() {
                *c += run_cost;
            }
            let mut month_loss = (0, 0.0);
            for e in &booking[..booked] {
                let idx = (e.month - 1) as usize;
                flows.loss[idx] += e.cost;
                flows.cost[idx] += e.cost;
                if e.month != month_loss.0 {
                    flows.loss_total += month_loss.1;
                    month_loss = (e.month, 0.0);
                }
                month_loss.1 += e.cost;
                let paused = e.month as usize..(u64::from(e.month) + u64::from(e.pause)).min(end) as usize;
                flows.benefit[paused.clone()].fill(0.0);
                flows.visible[paused].fill(0.0);
            }
            flows.loss_total += month_loss.1;
            flows.events = booked as u32;
            out.events = booking;
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

    /// Computes the metrics of one set, leaving its running sums in `months`
    /// (as set 0), exactly as a run computes them.
    pub fn compute(model: &Model, flows: &TrialFlows, set: &SetSpec, months: &mut SetMonths) -> SetMetrics {
        let mut metrics = Vec::with_capacity(1);
        months.compute(flows, std::slice::from_ref(set), model.discount(), &mut metrics);
        metrics[0]
    }
}

/// The payback month of a running sum, month `t` at index `t - 1`: the
/// first month it is `>= 0` after it was negative; 0 when it never was
/// negative, [`NEVER`] when it never recovered.
pub fn payback_month(running: &[f64]) -> u16 {
    match running.iter().position(|&x| x < 0.0) {
        None => 0,
        Some(first) => running[first + 1..].iter().position(|&x| x >= 0.0).map_or(NEVER, |p| (first + 2 + p) as u16),
    }
}

/// Initiatives whose running sums [`SetMonths::compute`] takes side by side:
/// four independent chains of additions keep the processor busy where one
/// would wait on each addition.
const INTERLEAVED: usize = 4;

/// The running sums of every reported set in one trial.
///
/// Each initiative's cumulative and discounted cumulative net cash flow is
/// summed month by month once, with its present values; a set of one
/// initiative is that initiative, and a larger set (`it`, `bpa`,
/// `portfolio`) adds its members' running sums and present values in member
/// order. So a set is always exactly the sum of its members, whatever the
/// thread count, and no set sums its members' months twice.
#[derive(Debug, Clone, Default)]
pub struct SetMonths {
    horizon: usize,
    /// Cumulative net cash flow, a row per initiative (padded to groups of
    /// [`INTERLEAVED`]), then a row per set of other than one member.
    cumulative: Vec<f64>,
    /// The same rows for the discounted running sum.
    discounted: Vec<f64>,
    /// The row of each set.
    rows: Vec<usize>,
    /// Metrics of each initiative on its own.
    initiatives: Vec<SetMetrics>,
    /// A month of nothing, standing in for the padding initiatives.
    zeros: Vec<f64>,
}

impl SetMonths {
    /// Computes the metrics of `sets` in one trial into `out` (cleared
    /// first) and keeps their running sums; `discount` is [`Model::discount`].
    pub fn compute(&mut self, flows: &TrialFlows, sets: &[SetSpec], discount: &[f64], out: &mut Vec<SetMetrics>) {
        let h = discount.len();
        self.horizon = h;
        let initiatives = flows.initiatives.len();
        let padded = initiatives.next_multiple_of(INTERLEAVED);
        let groups = sets.iter().filter(|s| s.members.len() != 1).count();
        for rows in [&mut self.cumulative, &mut self.discounted] {
            rows.resize((padded + groups) * h, 0.0);
        }
        self.zeros.resize(h, 0.0);
        self.initiatives.clear();
        for first in (0..initiatives).step_by(INTERLEAVED) {
            self.initiative_lanes(&flows.initiatives[first..(first + INTERLEAVED).min(initiatives)], first, discount);
        }
        let (cumulative, group_cumulative) = self.cumulative.split_at_mut(padded * h);
        let (discounted, group_discounted) = self.discounted.split_at_mut(padded * h);
        let mut groups = group_cumulative.chunks_exact_mut(h).zip(group_discounted.chunks_exact_mut(h));
        self.rows.clear();
        out.clear();
        let mut group_row = padded;
        for spec in sets {
            if let [only] = spec.members[..] {
                self.rows.push(only);
                out.push(self.initiatives[only]);
                continue;
            }
            self.rows.push(group_row);
            group_row += 1;
            let Some((running, running_discounted)) = groups.next() else { unreachable!("a row per group") };
            running.fill(0.0);
            running_discounted.fill(0.0);
            let mut metrics = SetMetrics {
                npv: 0.0,
                pv_benefit: 0.0,
                pv_visible: 0.0,
                pv_cost: 0.0,
                payback_month: 0,
                discounted_payback_month: 0,
                loss: 0.0,
                events: 0,
                abandoned: false,
            };
            for &m in &spec.members {
                for (sum, x) in running.iter_mut().zip(&cumulative[m * h..(m + 1) * h]) {
                    *sum += x;
                }
                for (sum, x) in running_discounted.iter_mut().zip(&discounted[m * h..(m + 1) * h]) {
                    *sum += x;
                }
                let member = &self.initiatives[m];
                metrics.npv += member.npv;
                metrics.pv_benefit += member.pv_benefit;
                metrics.pv_visible += member.pv_visible;
                metrics.pv_cost += member.pv_cost;
                metrics.loss += member.loss;
                metrics.events += member.events;
                metrics.abandoned |= member.abandoned;
            }
            metrics.payback_month = payback_month(running);
            metrics.discounted_payback_month = payback_month(running_discounted);
            out.push(metrics);
        }
    }

    /// Sums up to [`INTERLEAVED`] initiatives, starting at initiative
    /// `first`, side by side: their rows and their metrics.
    fn initiative_lanes(&mut self, flows: &[Flows], first: usize, discount: &[f64]) {
        const N: usize = INTERLEAVED;
        let h = discount.len();
        let zeros = &self.zeros[..h];
        // Each lane's months as slices of one length: no bounds checks in the loop.
        let lane = |l: usize, series: fn(&Flows) -> &Vec<f64>| flows.get(l).map_or(zeros, |f| &series(f)[..h]);
        let benefit: [&[f64]; N] = std::array::from_fn(|l| lane(l, |f| &f.benefit));
        let visible: [&[f64]; N] = std::array::from_fn(|l| lane(l, |f| &f.visible));
        let cost: [&[f64]; N] = std::array::from_fn(|l| lane(l, |f| &f.cost));
        let rows = first * h..(first + N) * h;
        let mut cumulative = self.cumulative[rows.clone()].chunks_exact_mut(h);
        let cumulative: [&mut [f64]; N] = std::array::from_fn(|_| cumulative.next().unwrap_or_default());
        let mut discounted = self.discounted[rows].chunks_exact_mut(h);
        let discounted: [&mut [f64]; N] = std::array::from_fn(|_| discounted.next().unwrap_or_default());
        let (mut cum, mut npv) = ([0.0; N], [0.0; N]);
        let mut pv = [[0.0; N]; 3];
        // Small loops over the lanes, one step each, unroll into registers.
        for (t, &d) in discount.iter().enumerate() {
            let net: [f64; N] = std::array::from_fn(|l| benefit[l][t] - cost[l][t]);
            for l in 0..N {
                cum[l] += net[l];
            }
            for l in 0..N {
                cumulative[l][t] = cum[l];
            }
            for l in 0..N {
                npv[l] += net[l] * d;
            }
            for l in 0..N {
                discounted[l][t] = npv[l];
            }
            for l in 0..N {
                pv[0][l] += benefit[l][t] * d;
            }
            for l in 0..N {
                pv[1][l] += visible[l][t] * d;
            }
            for l in 0..N {
                pv[2][l] += cost[l][t] * d;
            }
        }
        for (l, f) in flows.iter().enumerate() {
            self.initiatives.push(SetMetrics {
                npv: npv[l],
                pv_benefit: pv[0][l],
                pv_visible: pv[1][l],
                pv_cost: pv[2][l],
                payback_month: payback_month(cumulative[l]),
                discounted_payback_month: payback_month(discounted[l]),
                loss: f.loss_total,
                events: f.events,
                abandoned: f.abandoned,
            });
        }
    }

    /// The cumulative net cash flow of set `set`, month by month.
    pub fn cumulative(&self, set: usize) -> &[f64] {
        self.initiative_cumulative(self.rows[set])
    }

    /// The cumulative net cash flow of initiative `i` on its own, month by month.
    pub fn initiative_cumulative(&self, i: usize) -> &[f64] {
        &self.cumulative[i * self.horizon..][..self.horizon]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payback_rule() {
        assert_eq!(payback_month(&[1.0, 2.0]), 0);
        assert_eq!(payback_month(&[-1.0, 0.0, 1.0]), 2);
        assert_eq!(payback_month(&[-1.0, -0.5]), NEVER);
        assert_eq!(payback_month(&[-1.0, 1.0, -1.0]), 2);
        assert_eq!(payback_month(&[0.0, -1.0, -2.0, 3.0]), 4);
    }
}
