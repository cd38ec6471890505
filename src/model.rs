//! One tile of trials: the monthly cash flows of every initiative, and the metrics of a set.
//!
//! [`Model::simulate`] turns the drawn inputs of a *tile* of [`LANES`]
//! trials into monthly build cost, run cost, risk loss, benefit and visible
//! benefit per initiative, following the rules of `docs/model.md` to the
//! letter: build spread over `max(1, ceil(D))` months, go-live gated by
//! dependencies, a linear ramp, Poisson risk events in live months with
//! per-event cost, benefit pauses, abandonment, and the conflation
//! multipliers for mismatched owners. [`SetMonths::compute`] then sums each
//! set's members and derives NPV, ROI, payback and the rest.
//!
//! Each month holds one value per trial of the tile ([`Lanes`]), so the
//! month loops (the flows before events, the running sums, the paybacks)
//! run on `wide::f64x8`, every trial of the tile at once; risk events, a
//! few per trial, are then booked trial by trial. Every trial's numbers are
//! the same, operation for operation, as if it were simulated alone.
//!
//! Risk events: over an initiative's `L` live months a risk's events are a
//! Poisson(`L λ / 12`) count, each in a month drawn uniformly from the live
//! ones, which gives exactly independent Poisson(`λ / 12`) counts per live
//! month. Each event abandons with probability `a`, so the first that does,
//! in time order, is the geometric(`a`)-th: one draw per risk and trial, not
//! one per event. The events of a run of trials are drawn risk by risk
//! before those trials are simulated ([`Model::draw_events`]): each risk
//! reads its own stream for the block, trial after trial (the count by
//! inversion, the abandoning event's number, then each event's month and
//! the uniform of its cost, which an inverse CDF turns into money). A risk's
//! cost table is so used hundreds of times in a row, and stays in cache;
//! how the block is cut into runs does not change a draw. Memory stays
//! bounded however high the rates: a trial with hundreds of one risk's
//! events keeps them as one entry per month (more than 256 events), and
//! runs are shortened when a trial's events are many ([`Model::event_run`]).
//!
//! Escalation: an initiative with a run cost or benefit escalation has its
//! factors `(1 + rate)^((t - 1) / 12)` worked out once per month; the month
//! loop multiplies by them, and an initiative without escalation runs the
//! loop without them (the same code as before escalation existed).
//!
//! Actuals ([`crate::scenario::Actuals`]): months `1..=k` of every trial are
//! overwritten with the ledger's amounts once the month loop has run, and
//! risk events are drawn over the live months after `k` only. Each
//! initiative's state at the end of month `k` sets its schedule: a fixed
//! go-live for one live since `live_from`, no more build for one built or
//! abandoned (no live month after `k` for the latter), the rest of a
//! still-building initiative's cost spread over its build months after
//! `k`. A scenario without actuals takes none of these branches.

use std::ops::Range;

use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution as _, Poisson};
use wide::f64x8;

use crate::dist::QuantileTable;
use crate::sampling::{InputBlock, Sampler, below, unit_interval};
use crate::scenario::{Actuals, Kind, Scenario, State, escalation};

/// Payback month meaning "never": the running sum went negative and did not recover.
pub const NEVER: u16 = u16::MAX;

/// Payback month meaning "no payback at all": the set has no cash flow in
/// the horizon (every month's net is 0), so it never spent anything to pay
/// back. Such trials are left out of the payback figures, as an undefined
/// ROI is left out of the ROI figures. Every real month is below it.
pub const NO_CASH_FLOW: u16 = u16::MAX - 1;
// Every month of a horizon is a real payback month, below both markers.
const _: () = assert!(crate::scenario::MAX_HORIZON_MONTHS < NO_CASH_FLOW as u32);

/// Trials simulated side by side, a *tile*: each month of each initiative
/// holds one value per trial of the tile, so the month loops run in SIMD
/// across trials, and the histograms' columns get a tile's values at once.
pub const LANES: usize = 8;

/// One month's values across the trials of a tile; lane `l` is its `l`-th trial.
pub type Lanes = [f64; LANES];
// The month loops run on `wide::f64x8`: one AVX-512 register, two AVX ones.
const _: () = assert!(LANES == 8);

/// Monthly cash flows of one initiative in a tile of trials; index `t - 1`
/// is month `t`, lane `l` the tile's `l`-th trial.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// Benefit booked.
    pub benefit: Vec<Lanes>,
    /// P&L-visible part of the benefit.
    pub visible: Vec<Lanes>,
    /// Build, run and risk-loss cost together.
    pub cost: Vec<Lanes>,
    /// Risk loss alone (also included in `cost`).
    pub loss: Vec<Lanes>,
    /// Total risk loss over the horizon (the sum of `loss`, month by month).
    pub loss_total: Lanes,
    /// Risk events booked.
    pub events: [u32; LANES],
    /// True when a risk event abandoned the initiative.
    pub abandoned: [bool; LANES],
}

impl Flows {
    /// Sizes the months for `horizon` and clears what events add to; every
    /// other value is written for every month.
    fn reset(&mut self, horizon: usize) {
        for v in [&mut self.benefit, &mut self.visible, &mut self.cost] {
            v.resize(horizon, [0.0; LANES]);
        }
        self.loss.clear();
        self.loss.resize(horizon, [0.0; LANES]);
        self.loss_total = [0.0; LANES];
        self.events = [0; LANES];
        self.abandoned = [false; LANES];
    }
}

/// One risk event, or the events of one risk in one month of a trial
/// when that trial has many ([`MAX_LISTED_EVENTS`]), in 16 bytes: a
/// block's events are many. Events happen only in live months, so the
/// month is at most the horizon (600).
#[derive(Debug, Clone, Copy)]
struct Event {
    /// The cost, or the costs of the month's events added in the order drawn.
    cost: f64,
    month: u16,
    /// The trial (of the block) it happens in.
    trial: u16,
    /// How many events it stands for.
    count: u32,
}
// Months and the trials of a block fit in 16 bits.
const _: () = assert!(crate::scenario::MAX_HORIZON_MONTHS <= 1 << 16 && crate::sampling::BLOCK_TRIALS <= 1 << 16);

/// Most events of one risk in one trial kept one by one. A trial with more
/// (a rate of hundreds a year) keeps one entry per month with its events'
/// number and total cost instead, so the events of a run take at most
/// its trials × risks × `max(MAX_LISTED_EVENTS, horizon)` entries however
/// high the rates. The draws are the same either way; only the order in
/// which a month's costs are added changes, so the choice depends on
/// nothing but the trial's own count.
const MAX_LISTED_EVENTS: u64 = 256;

/// Trials whose risk events are drawn together (risk by risk) before they
/// are simulated, at most: enough that each risk's cost table is used many
/// times in a row, few enough that the events stay in cache until they are
/// booked. A multiple of [`LANES`], so that tiles fill it.
pub const EVENT_RUN: usize = 512;
const _: () = assert!(EVENT_RUN.is_multiple_of(LANES));

/// Entries (16 bytes each) the events of a run of trials are expected to
/// stay within: [`Model::event_run`] shortens runs of trials with many
/// events to fit, never below a tile.
const EVENT_BUDGET: f64 = (1 << 21) as f64;

/// The abandoning month of a risk in a trial where none of its events abandons.
const NO_ABANDONING: u32 = u32::MAX;

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
    /// Trials whose events are drawn together (see [`Model::event_run`]).
    event_run: usize,
    /// [`MAX_LISTED_EVENTS`] (tests list more to compare both ways).
    max_listed_events: u64,
    /// Each initiative's escalation factors of run cost and benefit by
    /// month, `None` when it has none (both rates 0).
    escalation: Vec<Option<Escalation>>,
    /// The facts of a re-forecast, if any.
    actuals: Option<&'a Actuals>,
    /// Per initiative, the last month in which no risk event can happen:
    /// 0 without actuals, `k` with them (the horizon once abandoned).
    no_events_through: Vec<u64>,
}

/// An initiative's escalation factors, month `t` at index `t - 1`.
#[derive(Debug, Clone)]
struct Escalation {
    run_cost: Vec<f64>,
    benefit: Vec<f64>,
}

/// Go-live month of an initiative that never goes live (abandoned before it
/// did, or waiting on one that was): beyond any horizon and any build.
const NEVER_LIVE: u64 = 1 << 60;

/// The flows of a tile of trials, in reusable buffers.
#[derive(Debug, Clone, Default)]
pub struct TileFlows {
    /// Flows per initiative, in scenario order.
    pub initiatives: Vec<Flows>,
    /// Trials in the tile: lanes `0..trials` are real, the rest repeat lane 0.
    pub trials: usize,
    /// Per initiative, the end of each lane's live window: the events of
    /// later months never happen.
    ends: Vec<[u64; LANES]>,
}

/// The risk events of a block of trials, drawn risk by risk, a run of
/// trials at a time (so they stay in cache until the trials are simulated).
#[derive(Debug, Default)]
pub struct BlockEvents {
    /// Go-live month of each initiative, trial-major, for the whole block.
    go_live: Vec<u64>,
    /// Build months of each initiative, `max(1, ⌈D⌉)`, laid out like `go_live`.
    build_months: Vec<u64>,
    /// `e^-mean` of the last Poisson mean drawn with each number of live
    /// months, as (mean, `e^-mean`): a risk whose rate is fixed repeats its
    /// means, and its exponentials are then looked up, not computed again.
    exp_neg_means: Vec<(f64, f64)>,
    /// The block's stream of each risk (flat), read trial after trial.
    streams: Vec<ChaCha8Rng>,
    /// First trial (of the block) of the run of trials drawn.
    first: usize,
    /// Events of each risk, trial by trial (in no particular order within a trial).
    events: Vec<Vec<Event>>,
    /// For each risk, where each trial's events start in `events`, and one past the last.
    starts: Vec<Vec<u32>>,
    /// For each risk, the month of each trial's first event (in time order)
    /// that abandons, or [`NO_ABANDONING`].
    abandoning: Vec<Vec<u32>>,
    /// Events and costs per live month of a trial with many events.
    tally: Vec<(u32, f64)>,
}

impl BlockEvents {
    /// The events of risk `risk` (flat) in trials `trials` of the block, trial after trial.
    fn of(&self, risk: usize, trials: Range<usize>) -> &[Event] {
        let starts = &self.starts[risk];
        &self.events[risk][starts[trials.start - self.first] as usize..starts[trials.end - self.first] as usize]
    }

    /// The month risk `risk` (flat) abandons its initiative in trial `k`, or [`NO_ABANDONING`].
    fn abandoning(&self, risk: usize, k: usize) -> u32 {
        self.abandoning[risk][k - self.first]
    }
}

impl<'a> Model<'a> {
    /// Prepares the model of a scenario.
    pub fn new(scenario: &'a Scenario) -> Model<'a> {
        let horizon = scenario.simulation.horizon_months as usize;
        let discount = discount_factors(scenario);
        let mut risk_offset = Vec::with_capacity(scenario.initiatives.len());
        let mut offset = 0;
        for initiative in &scenario.initiatives {
            risk_offset.push(offset);
            offset += initiative.risks.len();
        }
        let risks = scenario.initiatives.iter().flat_map(|i| &i.risks);
        let event_costs = QuantileTable::prepare(risks.map(|r| &r.cost_per_event));
        let event_run = event_run(scenario);
        let escalation = scenario
            .initiatives
            .iter()
            .map(|init| {
                let (run_cost, benefit) = (init.run_cost_escalation, init.benefit_escalation);
                (run_cost != 0.0 || benefit != 0.0).then(|| Escalation {
                    run_cost: escalation::factors(run_cost, horizon),
                    benefit: escalation::factors(benefit, horizon),
                })
            })
            .collect();
        let actuals = scenario.actuals.as_ref();
        let no_events_through = match actuals {
            None => vec![0; scenario.initiatives.len()],
            Some(actuals) => actuals
                .states
                .iter()
                .map(|state| match state {
                    State::Abandoned { .. } => horizon as u64,
                    _ => u64::from(actuals.through),
                })
                .collect(),
        };
        Model {
            scenario,
            horizon,
            order: scenario.dependency_order(),
            risk_offset,
            discount,
            event_costs,
            event_run,
            max_listed_events: MAX_LISTED_EVENTS,
            escalation,
            actuals,
            no_events_through,
        }
    }

    /// Trials whose risk events are drawn together, risk by risk, before
    /// they are simulated: [`EVENT_RUN`], fewer when a trial's events are
    /// many, so that a run's events stay within about two million entries
    /// (32 MB); always a whole number of tiles. How trials are cut into
    /// runs changes no draw.
    pub fn event_run(&self) -> usize {
        self.event_run
    }

    /// Discount factor of each month, `1 / (1 + r_m)^t` at index `t - 1`.
    pub fn discount(&self) -> &[f64] {
        &self.discount
    }

    /// Initiative `i`'s build months, `max(1, ⌈D⌉)`, in trial `k` of a block with `inputs`.
    fn build_months(&self, i: usize, inputs: &InputBlock, k: usize) -> u64 {
        inputs.value(self.scenario.initiatives[i].build_months, k).ceil().clamp(1.0, 1e15) as u64
    }

    /// Prepares the events of block `block`, whose inputs are `inputs`:
    /// every trial's go-live months and every risk's stream for the block.
    pub fn start_events(&self, sampler: &Sampler, block: u64, inputs: &InputBlock, out: &mut BlockEvents) {
        let n = self.scenario.initiatives.len();
        out.go_live.resize(inputs.trials * n, 0);
        out.build_months.resize(inputs.trials * n, 0);
        let trials = out.go_live.chunks_exact_mut(n).zip(out.build_months.chunks_exact_mut(n));
        for (k, (go_live, build_months)) in trials.enumerate() {
            // Dependencies first: an initiative goes live when its build is
            // done and all of them are live.
            for &i in &self.order {
                let init = &self.scenario.initiatives[i];
                build_months[i] = self.build_months(i, inputs, k);
                let built = match self.actuals.map(|a| a.states[i]) {
                    None | Some(State::Planned) => u64::from(init.start_month) + build_months[i],
                    // Its build time is conditioned on `D > elapsed`; this
                    // only guards a draw rounded onto the bound.
                    Some(State::Building { elapsed, .. }) => {
                        build_months[i] = build_months[i].max(u64::from(elapsed) + 1);
                        u64::from(init.start_month) + build_months[i]
                    }
                    Some(State::Built { month }) => u64::from(month),
                    Some(State::Live { from } | State::Abandoned { live_from: Some(from), .. }) => {
                        go_live[i] = u64::from(from) - 1;
                        continue;
                    }
                    Some(State::Abandoned { live_from: None, .. }) => {
                        go_live[i] = NEVER_LIVE;
                        continue;
                    }
                };
                go_live[i] = init.depends_on.iter().map(|&d| go_live[d]).fold(built, u64::max);
            }
        }
        out.streams.clear();
        out.streams.extend((0..self.event_costs.len()).map(|r| sampler.event_stream(r, block)));
    }

    /// Draws the risk events of trials `trials` of the block prepared by
    /// [`Model::start_events`] (runs of trials must come in order): each
    /// risk from its own stream, trial after trial.
    pub fn draw_events(&self, inputs: &InputBlock, trials: Range<usize>, out: &mut BlockEvents) {
        let scenario = self.scenario;
        let n = scenario.initiatives.len();
        let h = self.horizon as u64;
        let risks = self.event_costs.len();
        out.first = trials.start;
        out.events.resize_with(risks, Vec::new);
        out.starts.resize_with(risks, Vec::new);
        out.abandoning.resize_with(risks, Vec::new);
        for (i, init) in scenario.initiatives.iter().enumerate() {
            let conflation = init.is_mismatched().then_some(&scenario.conflation);
            for (r, risk) in init.risks.iter().enumerate() {
                let flat = self.risk_offset[i] + r;
                let (events, starts, rng) = (&mut out.events[flat], &mut out.starts[flat], &mut out.streams[flat]);
                let abandoning_months = &mut out.abandoning[flat];
                let exp_neg_means = &mut out.exp_neg_means;
                exp_neg_means.clear();
                exp_neg_means.resize(self.horizon + 1, (f64::NAN, 0.0));
                events.clear();
                starts.clear();
                starts.push(0);
                abandoning_months.clear();
                // Events before this one have their costs in money.
                let mut priced = 0;
                let costs = &self.event_costs[flat];
                let (rates, abandons) = (inputs.column(risk.events_per_year), inputs.column(risk.abandon_probability));
                for k in trials.clone() {
                    let (mut rate, mut abandon) = (rates[k] / 12.0, abandons[k]);
                    if let Some(c) = conflation {
                        rate *= c.risk_rate_multiplier;
                        abandon = (abandon + c.extra_abandon_probability).min(1.0);
                    }
                    // Events happen after go-live, and after the actual months.
                    let go_live = out.go_live[k * n + i].max(self.no_events_through[i]);
                    let live_months = h.saturating_sub(go_live);
                    let count = if rate > 0.0 && live_months > 0 {
                        let mean = rate * live_months as f64;
                        let (last_mean, exp_neg_mean) = &mut exp_neg_means[live_months as usize];
                        if *last_mean != mean {
                            (*last_mean, *exp_neg_mean) = (mean, (-mean).exp());
                        }
                        poisson(rng, mean, *exp_neg_mean)
                    } else {
                        0
                    };
                    let mut abandoning_month = NO_ABANDONING;
                    let trial = k as u16;
                    // The first event (in time order) that abandons, if one does.
                    let abandoning = if count > 0 && abandon > 0.0 { first_success(rng, abandon, count) } else { None };
                    if count > self.max_listed_events {
                        price(costs, &mut events[priced..]);
                        let tally = &mut out.tally;
                        tally.clear();
                        tally.resize(live_months as usize, (0, 0.0));
                        for _ in 0..count {
                            let (in_month, total) = &mut tally[below(rng, live_months) as usize];
                            *in_month += 1;
                            *total += costs.quantile(unit_interval(rng));
                        }
                        // The abandoning event is the nth in time order: in
                        // the month where the running count reaches n.
                        let mut so_far = 0;
                        for (month, &(in_month, total)) in (go_live + 1..).zip(tally.iter()).filter(|(_, t)| t.0 > 0) {
                            let month = month as u16;
                            events.push(Event { cost: total, month, trial, count: in_month });
                            so_far += u64::from(in_month);
                            if abandoning.is_some_and(|nth| nth <= so_far) && abandoning_month == NO_ABANDONING {
                                abandoning_month = u32::from(month);
                            }
                        }
                        priced = events.len();
                    } else if count > 0 {
                        let from = events.len();
                        for _ in 0..count {
                            events.push(Event {
                                month: (go_live + 1 + below(rng, live_months)) as u16,
                                // The cost's uniform for now: see below.
                                cost: unit_interval(rng),
                                trial,
                                count: 1,
                            });
                        }
                        if let Some(abandoning) = abandoning {
                            // The events' order in time is their months'; events in
                            // one month all happen, so which of them abandons does not matter.
                            let drawn = &mut events[from..];
                            let nth = (abandoning - 1) as usize;
                            drawn.select_nth_unstable_by_key(nth, |e| e.month);
                            abandoning_month = u32::from(drawn[nth].month);
                        }
                    }
                    starts.push(events.len() as u32);
                    abandoning_months.push(abandoning_month);
                }
                price(costs, &mut events[priced..]);
            }
        }
    }

    /// The end of initiative `i`'s live window in trial `k` of the block,
    /// and whether a risk event abandoned it: the earliest event that
    /// abandons ends the window after its month, and events of later months
    /// never happen.
    fn live_end(&self, i: usize, k: usize, events: &BlockEvents) -> (u64, bool) {
        let first = self.risk_offset[i];
        let abandoning = (first..first + self.scenario.initiatives[i].risks.len())
            .map(|r| events.abandoning(r, k))
            .min()
            .unwrap_or(NO_ABANDONING);
        let h = self.horizon as u64;
        if abandoning == NO_ABANDONING { (h, false) } else { (u64::from(abandoning).min(h), true) }
    }

    /// Simulates the tile of `trials` (at most [`LANES`]) trials of a block
    /// from its `first`-th, with their drawn `inputs` and the block's
    /// `events`. Lanes past `trials` repeat the tile's first trial.
    pub fn simulate(
        &self,
        inputs: &InputBlock,
        events: &BlockEvents,
        first: usize,
        trials: usize,
        out: &mut TileFlows,
    ) {
        let scenario = self.scenario;
        let n = scenario.initiatives.len();
        out.initiatives.resize_with(n, Flows::default);
        out.trials = trials;
        let h = self.horizon as u64;
        let trial = |l: usize| if l < trials { first + l } else { first };
        out.ends.clear();
        for (i, init) in scenario.initiatives.iter().enumerate() {
            let flows = &mut out.initiatives[i];
            flows.reset(self.horizon);
            let start = u64::from(init.start_month);
            let state = self.actuals.map(|actuals| (actuals.states[i], u64::from(actuals.through)));
            // A build still going on at the end of the actual months spends
            // the rest of its cost from then on.
            let build_from = match state {
                Some((State::Building { .. }, through)) => through,
                _ => start,
            };
            // Each lane's schedule and rates.
            let mut lane = TileLanes::default();
            let mut ends = [0; LANES];
            for (l, end) in ends.iter_mut().enumerate() {
                let k = trial(l);
                let input = |j| inputs.value(j, k);
                let (build_months, go_live) = (events.build_months[k * n + i], events.go_live[k * n + i]);
                let mut benefit = input(init.benefit_per_month);
                if init.is_mismatched() {
                    benefit *= scenario.conflation.benefit_multiplier;
                }
                let ramp = input(init.ramp_months);
                (*end, flows.abandoned[l]) = match state {
                    // No cash flow after the actual months (which hold its abandonment).
                    Some((State::Abandoned { .. }, through)) => (through, true),
                    _ => self.live_end(i, k, events),
                };
                let end = *end;
                lane.build_per_month[l] = match state {
                    None | Some((State::Planned, _)) => input(init.build_cost) / build_months as f64,
                    Some((State::Building { elapsed, spent }, _)) => {
                        (input(init.build_cost) - spent) / (build_months - u64::from(elapsed)) as f64
                    }
                    Some(_) => 0.0,
                };
                lane.build_end[l] = (start + build_months).min(h) as f64;
                lane.run_cost[l] = input(init.run_cost_per_month);
                lane.benefit[l] = benefit;
                lane.visibility[l] = input(init.pnl_visibility);
                lane.ramp[l] = ramp;
                // Live months are indices t in [go_live, end); those with
                // t - go_live < ceil(R) - 1 ramp up, the rest run at full rate.
                lane.live_from[l] = go_live.min(end) as f64;
                lane.live_end[l] = end as f64;
                lane.ramp_end[l] = if ramp <= 0.0 { 0.0 } else { go_live.min(end) as f64 + ramp.ceil() - 1.0 };
            }
            let ramping = lane.ramp_end.iter().fold(0.0, |a: f64, &b| a.max(b)).min(self.horizon as f64) as usize;
            let (from, rest) = (build_from as f64, ramping..self.horizon);
            let rows = (&mut flows.benefit[..], &mut flows.visible[..], &mut flows.cost[..]);
            match &self.escalation[i] {
                None => {
                    lane.fill::<false>(from, 0..ramping, true, (&mut *rows.0, &mut *rows.1, &mut *rows.2), (&[], &[]));
                    lane.fill::<false>(from, rest, false, rows, (&[], &[]));
                }
                Some(e) => {
                    let factors = (&e.run_cost[..], &e.benefit[..]);
                    lane.fill::<true>(from, 0..ramping, true, (&mut *rows.0, &mut *rows.1, &mut *rows.2), factors);
                    lane.fill::<true>(from, rest, false, rows, factors);
                }
            }
            if let Some(actuals) = self.actuals {
                overwrite_actual_months(flows, &actuals.months[i]);
            }
            out.ends.push(ends);
        }
        // Then each event's loss and the pauses (benefit zeroed in the months
        // after an event), once every initiative's months are written: a
        // value read right after the SIMD store that wrote it would wait for
        // that store. A risk's events of the tile's trials are one run, in
        // trial order; each lane gets its own in the order drawn, risk after
        // risk, as if its trial were simulated alone.
        for (i, (flows, ends)) in out.initiatives.iter_mut().zip(&out.ends).enumerate() {
            let risks = &scenario.initiatives[i].risks;
            for (r, risk) in risks.iter().enumerate() {
                let pause = u64::from(risk.benefit_pause_months);
                for e in events.of(self.risk_offset[i] + r, first..first + trials) {
                    let lane = e.trial as usize - first;
                    book(flows, ends, lane, e, pause);
                    // The unused lanes repeat the first trial, events too.
                    if lane == 0 {
                        (trials..LANES).for_each(|l| book(flows, ends, l, e, pause));
                    }
                }
            }
            let actual_loss = self.actuals.is_some_and(|a| a.months[i].iter().any(|m| m.risk_loss != 0.0));
            if actual_loss || flows.events.iter().any(|&count| count > 0) {
                flows.loss_total =
                    flows.loss.iter().fold(f64x8::ZERO, |total, month| total + f64x8::new(*month)).to_array();
            }
        }
    }
}

/// The monthly discount rate `r_m = (1 + r)^(1/12) - 1` of a scenario.
pub fn monthly_rate(scenario: &Scenario) -> f64 {
    (1.0 + scenario.simulation.discount_rate).powf(1.0 / 12.0) - 1.0
}

/// The discount factor of each month of a scenario's horizon, `1 / (1 + r_m)^t` at index `t - 1`.
pub fn discount_factors(scenario: &Scenario) -> Vec<f64> {
    let monthly = monthly_rate(scenario);
    (1..=scenario.simulation.horizon_months as i32).map(|t| (1.0 + monthly).powi(-t)).collect()
}

/// Writes the actual amounts of months `1..=k` (`months`) into every lane
/// of an initiative's flows: facts, the same in every trial.
fn overwrite_actual_months(flows: &mut Flows, months: &[crate::scenario::ActualMonth]) {
    for (t, month) in months.iter().enumerate() {
        flows.benefit[t] = [month.benefit; LANES];
        flows.visible[t] = [month.visible_benefit; LANES];
        flows.cost[t] = [month.cost(); LANES];
        flows.loss[t] = [month.risk_loss; LANES];
    }
}

/// Turns the uniforms drawn for events' costs into money. In a loop of
/// their own, the table look-ups, independent of each other, overlap their
/// cache misses, where between stream draws each would wait alone.
fn price(costs: &QuantileTable, events: &mut [Event]) {
    for event in events {
        event.cost = costs.quantile(event.cost);
    }
}

/// Books risk event `e` in lane `l` of an initiative's `flows` — its cost
/// in its month, and no benefit for `pause` months after it — unless it
/// falls after the lane's live window, which ends at `ends[l]`.
#[inline(always)]
fn book(flows: &mut Flows, ends: &[u64; LANES], l: usize, e: &Event, pause: u64) {
    let end = ends[l];
    if u64::from(e.month) > end {
        return;
    }
    let idx = (e.month - 1) as usize;
    flows.loss[idx][l] += e.cost;
    flows.cost[idx][l] += e.cost;
    flows.events[l] += e.count;
    for t in e.month as usize..(u64::from(e.month) + pause).min(end) as usize {
        flows.benefit[t][l] = 0.0;
        flows.visible[t][l] = 0.0;
    }
}

/// The [`Model::event_run`] of a scenario. A risk's entries in a trial are
/// bounded by its count at the P99 of its rate over the whole horizon plus
/// six standard deviations, and by `max(MAX_LISTED_EVENTS, horizon)`.
fn event_run(scenario: &Scenario) -> usize {
    let horizon = scenario.simulation.horizon_months;
    let most_entries = MAX_LISTED_EVENTS.max(u64::from(horizon)) as f64;
    let per_trial: f64 = scenario
        .initiatives
        .iter()
        .flat_map(|init| {
            let multiplier = if init.is_mismatched() { scenario.conflation.risk_rate_multiplier } else { 1.0 };
            init.risks.iter().map(move |risk| {
                let rate = scenario.inputs[risk.events_per_year].distribution.quantile(0.99) * multiplier;
                let mean = rate * f64::from(horizon) / 12.0;
                (mean + 6.0 * mean.sqrt() + 8.0).min(most_entries)
            })
        })
        .sum();
    let trials = (EVENT_BUDGET / per_trial.max(1.0)) as usize;
    (trials / LANES * LANES).clamp(LANES, EVENT_RUN)
}

/// One initiative's schedule and rates in each lane of a tile, as numbers
/// the month loop compares and multiplies in SIMD (months are small whole
/// numbers, exact in `f64`).
#[derive(Debug, Default)]
struct TileLanes {
    build_per_month: Lanes,
    /// Index one past the last build month (month `start + ⌈D⌉`, capped at the horizon).
    build_end: Lanes,
    run_cost: Lanes,
    benefit: Lanes,
    visibility: Lanes,
    ramp: Lanes,
    /// Index of the first live month (the go-live month `g`).
    live_from: Lanes,
    /// Index one past the last live month.
    live_end: Lanes,
    /// Index one past the last month that ramps up.
    ramp_end: Lanes,
}

impl TileLanes {
    /// Writes the benefit, visible benefit and cost before events of month
    /// indices `months` into `(benefit, visible, cost)`: build cost over
    /// indices `[start, build_end)`, run cost and benefit over the live
    /// months, the benefit ramping up where `ramping` (false only where no
    /// lane ramps any more). With `ESCALATE`, each month's run cost and
    /// benefit (before the ramp) are multiplied by its factors in
    /// `(run_cost, benefit)`, indexed by month index; without, they are
    /// not read. (The rows are separate slices so that the compiler knows
    /// them apart, and runs the lanes in SIMD.)
    #[inline(always)]
    fn fill<const ESCALATE: bool>(
        &self,
        start: f64,
        months: Range<usize>,
        ramping: bool,
        rows: (&mut [Lanes], &mut [Lanes], &mut [Lanes]),
        factors: (&[f64], &[f64]),
    ) {
        let from = months.start;
        let (benefits, visibles, costs) =
            (&mut rows.0[months.clone()], &mut rows.1[months.clone()], &mut rows.2[months]);
        let [build_per_month, build_end, run_cost, benefit, visibility, ramp, live_from, live_end, ramp_end] = [
            self.build_per_month,
            self.build_end,
            self.run_cost,
            self.benefit,
            self.visibility,
            self.ramp,
            self.live_from,
            self.live_end,
            self.ramp_end,
        ]
        .map(f64x8::new);
        let (zero, one, start) = (f64x8::ZERO, f64x8::ONE, f64x8::splat(start));
        for (t, ((benefit_row, visible_row), cost_row)) in benefits.iter_mut().zip(visibles).zip(costs).enumerate() {
            let at = f64x8::splat((from + t) as f64);
            let live = at.simd_ge(live_from) & at.simd_lt(live_end);
            let build = (at.simd_ge(start) & at.simd_lt(build_end)).select(build_per_month, zero);
            let (run_cost, benefit) = if ESCALATE {
                (run_cost * f64x8::splat(factors.0[from + t]), benefit * f64x8::splat(factors.1[from + t]))
            } else {
                (run_cost, benefit)
            };
            *cost_row = ((zero + build) + live.select(run_cost, zero)).to_array();
            let rate = if ramping {
                let share = (at - live_from + one) / ramp;
                at.simd_lt(ramp_end).select(benefit * share.simd_lt(one).select(share, one), benefit)
            } else {
                benefit
            };
            *benefit_row = live.select(rate, zero).to_array();
            *visible_row = live.select(rate * visibility, zero).to_array();
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
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SetMetrics {
    /// Net present value.
    pub npv: f64,
    /// Present value of benefit.
    pub pv_benefit: f64,
    /// Present value of visible benefit.
    pub pv_visible: f64,
    /// Present value of build, run and loss.
    pub pv_cost: f64,
    /// First month the cumulative net cash flow recovers to >= 0 (0: never
    /// negative; [`NEVER`]: never recovered; [`NO_CASH_FLOW`]: no cash flow at all).
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

    /// Computes the metrics of one set in a tile, lane by lane, leaving its
    /// running sums in `months` (as set 0), exactly as a run computes them.
    pub fn compute(model: &Model, flows: &TileFlows, set: &SetSpec, months: &mut SetMonths) -> [SetMetrics; LANES] {
        let mut metrics = Vec::with_capacity(LANES);
        months.compute(flows, std::slice::from_ref(set), model.discount(), &mut metrics);
        std::array::from_fn(|l| metrics[l])
    }

    /// The sum of two sets' metrics (in this order), paybacks aside.
    fn plus(&self, other: &SetMetrics) -> SetMetrics {
        SetMetrics {
            npv: self.npv + other.npv,
            pv_benefit: self.pv_benefit + other.pv_benefit,
            pv_visible: self.pv_visible + other.pv_visible,
            pv_cost: self.pv_cost + other.pv_cost,
            loss: self.loss + other.loss,
            events: self.events + other.events,
            abandoned: self.abandoned | other.abandoned,
            ..*self
        }
    }
}

/// The payback month of each lane's running sum, month `t` at index
/// `t - 1`: the first month it is `>= 0` after it was negative; 0 when it
/// never was negative but was positive, [`NEVER`] when it never recovered,
/// and [`NO_CASH_FLOW`] when it is 0 in every month (no cash flow at all).
pub fn payback_months(running: &[Lanes]) -> [u16; LANES] {
    // All lanes at once, as numbers: the index of the first negative value
    // and of the first value >= 0 after it, each the least index that
    // qualifies (`NOT_YET` while none has), and the largest value.
    const NOT_YET: f64 = f64::INFINITY;
    let (zero, not_yet) = (f64x8::ZERO, f64x8::splat(NOT_YET));
    // Neither operand is ever NaN (indices, infinity and sums of finite
    // flows): the plain minimum and maximum are exact.
    let least = |a: f64x8, b: f64x8| a.fast_min(b);
    let (mut negative, mut recovered, mut highest) = (not_yet, not_yet, zero);
    for (t, values) in running.iter().enumerate() {
        let (at, values) = (f64x8::splat(t as f64), f64x8::new(*values));
        negative = least(negative, values.simd_lt(zero).select(at, not_yet));
        recovered = least(recovered, (values.simd_ge(zero) & negative.simd_lt(at)).select(at, not_yet));
        highest = highest.fast_max(values);
    }
    let (negative, recovered, highest) = (negative.to_array(), recovered.to_array(), highest.to_array());
    std::array::from_fn(|l| match (negative[l] < NOT_YET, recovered[l] < NOT_YET) {
        // Never negative: paid back from the start, unless never positive either.
        (false, _) if highest[l] > 0.0 => 0,
        (false, _) => NO_CASH_FLOW,
        (true, false) => NEVER,
        (true, true) => recovered[l] as u16 + 1,
    })
}

/// The running sums of every reported set in a tile of trials, a lane per trial.
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
    /// Cumulative net cash flow, a row per initiative, then a row per set
    /// of other than one member.
    cumulative: Vec<Lanes>,
    /// The same rows for the discounted running sum.
    discounted: Vec<Lanes>,
    /// The row of each set.
    rows: Vec<usize>,
    /// Metrics of each initiative on its own, `[i * LANES + l]`.
    initiatives: Vec<SetMetrics>,
}

impl SetMonths {
    /// Computes the metrics of `sets` in a tile into `out` (cleared first),
    /// `out[set * LANES + l]` for lane `l`, and keeps their running sums;
    /// `discount` is [`Model::discount`].
    pub fn compute(&mut self, flows: &TileFlows, sets: &[SetSpec], discount: &[f64], out: &mut Vec<SetMetrics>) {
        let h = discount.len();
        self.horizon = h;
        let initiatives = flows.initiatives.len();
        let groups = sets.iter().filter(|s| s.members.len() != 1).count();
        for rows in [&mut self.cumulative, &mut self.discounted] {
            rows.resize((initiatives + groups) * h, [0.0; LANES]);
        }
        self.initiatives.clear();
        for (i, f) in flows.initiatives.iter().enumerate() {
            self.initiative(f, i, discount);
        }
        let (cumulative, group_cumulative) = self.cumulative.split_at_mut(initiatives * h);
        let (discounted, group_discounted) = self.discounted.split_at_mut(initiatives * h);
        let mut groups = group_cumulative.chunks_exact_mut(h).zip(group_discounted.chunks_exact_mut(h));
        self.rows.clear();
        out.clear();
        let mut group_row = initiatives;
        for spec in sets {
            if let [only] = spec.members[..] {
                self.rows.push(only);
                out.extend_from_slice(&self.initiatives[only * LANES..][..LANES]);
                continue;
            }
            self.rows.push(group_row);
            group_row += 1;
            let Some((running, running_discounted)) = groups.next() else { unreachable!("a row per group") };
            sum_rows(running, cumulative, &spec.members);
            sum_rows(running_discounted, discounted, &spec.members);
            let mut metrics = [SetMetrics::default(); LANES];
            for &m in &spec.members {
                for (sum, member) in metrics.iter_mut().zip(&self.initiatives[m * LANES..][..LANES]) {
                    *sum = sum.plus(member);
                }
            }
            let (payback, discounted_payback) = (payback_months(running), payback_months(running_discounted));
            for (l, m) in metrics.iter_mut().enumerate() {
                m.payback_month = payback[l];
                m.discounted_payback_month = discounted_payback[l];
            }
            out.extend_from_slice(&metrics);
        }
    }

    /// Sums initiative `i`'s flows month by month, every lane at once: its
    /// rows and its metrics.
    fn initiative(&mut self, flows: &Flows, i: usize, discount: &[f64]) {
        let h = discount.len();
        let cumulative = &mut self.cumulative[i * h..(i + 1) * h];
        let discounted = &mut self.discounted[i * h..(i + 1) * h];
        let [npv, pv_benefit, pv_visible, pv_cost] = running_sums(flows, discount, cumulative, discounted);
        let (payback, discounted_payback) = (payback_months(cumulative), payback_months(discounted));
        self.initiatives.extend((0..LANES).map(|l| SetMetrics {
            npv: npv[l],
            pv_benefit: pv_benefit[l],
            pv_visible: pv_visible[l],
            pv_cost: pv_cost[l],
            payback_month: payback[l],
            discounted_payback_month: discounted_payback[l],
            loss: flows.loss_total[l],
            events: flows.events[l],
            abandoned: flows.abandoned[l],
        }));
    }

    /// The cumulative net cash flow of set `set`, month by month.
    pub fn cumulative(&self, set: usize) -> &[Lanes] {
        self.initiative_cumulative(self.rows[set])
    }

    /// The cumulative net cash flow of initiative `i` on its own, month by month.
    pub fn initiative_cumulative(&self, i: usize) -> &[Lanes] {
        &self.cumulative[i * self.horizon..][..self.horizon]
    }
}

/// One initiative's running sums in every lane: the cumulative and the
/// discounted cumulative net cash flow of each month into `cumulative` and
/// `discounted`, and its NPV and present values of benefit, visible benefit
/// and cost. (A function of its own, so that the compiler knows the rows
/// written apart from the flows read, and runs the lanes in SIMD.)
fn running_sums(flows: &Flows, discount: &[f64], cumulative: &mut [Lanes], discounted: &mut [Lanes]) -> [Lanes; 4] {
    let (mut cum, mut npv) = (f64x8::ZERO, f64x8::ZERO);
    let (mut pv_benefit, mut pv_visible, mut pv_cost) = (f64x8::ZERO, f64x8::ZERO, f64x8::ZERO);
    let months = flows.benefit.iter().zip(&flows.visible).zip(&flows.cost).zip(discount);
    for ((((b, v), c), &d), (cum_row, npv_row)) in months.zip(cumulative.iter_mut().zip(discounted)) {
        let (b, v, c, d) = (f64x8::new(*b), f64x8::new(*v), f64x8::new(*c), f64x8::splat(d));
        let net = b - c;
        cum += net;
        npv += net * d;
        pv_benefit += b * d;
        pv_visible += v * d;
        pv_cost += c * d;
        *cum_row = cum.to_array();
        *npv_row = npv.to_array();
    }
    [npv, pv_benefit, pv_visible, pv_cost].map(f64x8::to_array)
}

/// Writes into `sum` (one month a row) the sum of the `members`' rows of
/// `rows` (`sum.len()` months each), month by month, from 0 and in member
/// order, every lane.
fn sum_rows(sum: &mut [Lanes], rows: &[Lanes], members: &[usize]) {
    let h = sum.len();
    for (t, out) in sum.iter_mut().enumerate() {
        let total = members.iter().fold(f64x8::ZERO, |total, &m| total + f64x8::new(rows[m * h + t]));
        *out = total.to_array();
    }
}

/// Means below this draw a Poisson count by inversion (one uniform, about
/// `mean` steps); larger ones use `rand_distr`'s rejection method.
const INVERSION_MEAN: f64 = 30.0;

/// A Poisson count with mean `mean > 0`, whose `e^-mean` is `exp_neg_mean`.
fn poisson(rng: &mut ChaCha8Rng, mean: f64, exp_neg_mean: f64) -> u64 {
    if mean >= INVERSION_MEAN {
        // At most `MAX_LAMBDA` (1.8e19), far beyond any count a run could hold.
        let mean = mean.min(Poisson::<f64>::MAX_LAMBDA);
        return Poisson::new(mean).map_or(u64::MAX, |poisson| poisson.sample(rng) as u64);
    }
    // The least k whose cumulative probability reaches the uniform. (Past
    // the table every probability has long rounded to zero.)
    let u = unit_interval(rng);
    let mut probability = exp_neg_mean;
    let (mut cumulative, mut k) = (probability, 0);
    while u > cumulative && probability > 0.0 && k + 1 < RECIPROCALS.len() {
        k += 1;
        probability *= mean * RECIPROCALS[k];
        cumulative += probability;
    }
    k as u64
}

/// `1 / k` at index `k`: the inversion's steps multiply by it, which is
/// quicker than a division. Below the inversion's largest mean, a step's
/// probability underflows to zero long before the table's end.
const RECIPROCALS: [f64; 1024] = {
    let mut reciprocals = [0.0; 1024];
    let mut k = 1;
    while k < reciprocals.len() {
        reciprocals[k] = 1.0 / k as f64;
        k += 1;
    }
    reciprocals
};

/// The number of the first success among `count` independent trials that
/// each succeed with probability `p` in `(0, 1]`, if one does: geometric on
/// 1, 2, … from one uniform, without its logarithm when no trial succeeds.
fn first_success(rng: &mut ChaCha8Rng, p: f64, count: u64) -> Option<u64> {
    if p >= 1.0 {
        return (count >= 1).then_some(1);
    }
    // P(more than k trials) = (1 - p)^k = P(u <= (1 - p)^k).
    let u = unit_interval(rng);
    if let Ok(count) = i32::try_from(count)
        && u <= (1.0 - p).powi(count)
    {
        return None;
    }
    let first = 1 + (u.ln() / (-p).ln_1p()) as u64;
    (first <= count).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payback_rule() {
        // Seven running sums side by side, one per lane (the last lane stays at 0).
        let sums: [&[f64]; 7] = [
            &[1.0, 2.0],
            &[-1.0, 0.0, 1.0],
            &[-1.0, -0.5],
            &[-1.0, 1.0, -1.0],
            &[0.0, -1.0, -2.0, 3.0],
            &[0.0, 5.0, 0.0],
            &[-0.0, 0.0],
        ];
        let rows: Vec<Lanes> =
            (0..4).map(|t| std::array::from_fn(|l| sums.get(l).map_or(0.0, |s| s[t.min(s.len() - 1)]))).collect();
        let months = payback_months(&rows);
        assert_eq!(months, [0, 2, NEVER, 2, 4, 0, NO_CASH_FLOW, NO_CASH_FLOW]);
    }

    fn test_stream() -> ChaCha8Rng {
        crate::sampling::stream(&[7; 32], 0)
    }

    #[test]
    fn poisson_counts_follow_the_poisson_law_on_both_sides_of_the_inversion_limit() {
        use statrs::distribution::{Discrete, Poisson as Reference};
        const DRAWS: usize = 200_000;
        let mut rng = test_stream();
        for mean in [0.02, 0.7, 4.0, INVERSION_MEAN - 0.01, INVERSION_MEAN, 250.0] {
            let counts: Vec<u64> = (0..DRAWS).map(|_| poisson(&mut rng, mean, (-mean).exp())).collect();
            // Mean and variance within four standard errors (a Poisson's
            // variance is its mean; its fourth central moment is mean(1 + 3 mean)).
            let n = DRAWS as f64;
            let sample_mean = counts.iter().sum::<u64>() as f64 / n;
            let variance = counts.iter().map(|&c| (c as f64 - sample_mean).powi(2)).sum::<f64>() / (n - 1.0);
            assert!((sample_mean - mean).abs() < 4.0 * (mean / n).sqrt(), "mean {mean}: {sample_mean}");
            let variance_se = ((mean * (1.0 + 3.0 * mean) - mean * mean) / n).sqrt();
            assert!((variance - mean).abs() < 4.0 * variance_se, "mean {mean}: variance {variance}");
            // Each probability of the counts around the mean, within four standard errors.
            let reference = Reference::new(mean).unwrap();
            let centre = mean.floor() as u64;
            for k in centre.saturating_sub(3)..=centre + 3 {
                let p = reference.pmf(k);
                let share = counts.iter().filter(|&&c| c == k).count() as f64 / n;
                assert!(
                    (share - p).abs() < 4.0 * (p * (1.0 - p) / n).sqrt() + 1e-9,
                    "mean {mean}, P({k}): {share} vs {p}"
                );
            }
        }
    }

    /// Every initiative's flows in every tile of a block of `trials` trials
    /// (a multiple of [`LANES`]) of `scenario`, simulated with `model`, their
    /// events drawn in runs of `run` trials (a multiple of [`LANES`]), the last maybe shorter.
    fn tiles(scenario: &Scenario, model: &Model, trials: usize, run: usize) -> Vec<Vec<Flows>> {
        let sampler = Sampler::new(scenario, scenario.simulation.seed);
        let (mut inputs, mut events, mut flows) = Default::default();
        sampler.draw_block(0, trials as u64, &mut inputs);
        model.start_events(&sampler, 0, &inputs, &mut events);
        let mut tiles = Vec::new();
        for first in (0..trials).step_by(run) {
            let run = first..(first + run).min(trials);
            model.draw_events(&inputs, run.clone(), &mut events);
            for first in run.step_by(LANES) {
                model.simulate(&inputs, &events, first, LANES, &mut flows);
                tiles.push(flows.initiatives.clone());
            }
        }
        tiles
    }

    #[test]
    fn cutting_a_block_into_runs_of_trials_changes_no_draw() {
        let scenario = Scenario::parse(include_str!("../scenarios/conflation.toml"), "conflation.toml").unwrap();
        let model = Model::new(&scenario);
        let whole = tiles(&scenario, &model, 512, 512);
        assert!(whole.iter().flatten().any(|flows| flows.abandoned.contains(&true)));
        for run in [LANES, 72, 256] {
            let cut = tiles(&scenario, &model, 512, run);
            for (a, b) in whole.iter().flatten().zip(cut.iter().flatten()) {
                let same = (a.events, a.abandoned, &a.cost, &a.benefit) == (b.events, b.abandoned, &b.cost, &b.benefit);
                assert!(same, "runs of {run} trials: {:?} events vs {:?}", b.events, a.events);
            }
        }
    }

    #[test]
    fn many_events_tallied_by_month_book_what_listing_them_books() {
        // About 700 events per trial (above MAX_LISTED_EVENTS), six a
        // month; the first that abandons comes in three trials of four,
        // often as the last of its month.
        let text = "[simulation]\nhorizon_months = 120\nseed = 5\ndiscount_rate = 0.1\n\
            [[initiatives]]\nname = \"A\"\nkind = \"bpa\"\nbuild_cost = 1000\nbuild_months = { uniform = [1, 4] }\n\
            benefit_per_month = 500\nramp_months = 3\n[[initiatives.risks]]\nname = \"R\"\n\
            events_per_year = { uniform = [60, 90] }\ncost_per_event = { lognormal = { p10 = 1, p90 = 30 } }\n\
            benefit_pause_months = 2\nabandon_probability = 0.002\n";
        let scenario = Scenario::parse(text, "t.toml").unwrap();
        let tallied = Model::new(&scenario);
        let listed = Model { max_listed_events: u64::MAX, ..tallied.clone() };
        let trials = 256;
        let (a, b) = (tiles(&scenario, &tallied, trials, trials), tiles(&scenario, &listed, trials, trials));
        let mut abandoned = 0;
        for (a, b) in a.iter().flatten().zip(b.iter().flatten()) {
            // Every trial draws more than MAX_LISTED_EVENTS; those not
            // abandoned book them all.
            let kept = a.events.iter().zip(a.abandoned).filter(|(_, abandoned)| !abandoned);
            assert!(kept.clone().all(|(&n, _)| u64::from(n) > MAX_LISTED_EVENTS), "{:?}", a.events);
            assert_eq!((a.events, a.abandoned), (b.events, b.abandoned));
            abandoned += a.abandoned.iter().filter(|&&x| x).count();
            // Pauses and abandonment zero the same benefits; costs differ
            // only in the order a month's costs are added.
            assert_eq!((&a.benefit, &a.visible), (&b.benefit, &b.visible));
            for (x, y) in [(&a.cost, &b.cost), (&a.loss, &b.loss)] {
                let months = x.iter().flatten().zip(y.iter().flatten());
                assert!(months.clone().any(|(x, _)| *x > 100.0));
                months.for_each(|(x, y)| assert!((x - y).abs() <= 1e-12 * y.abs(), "{x} vs {y}"));
            }
        }
        assert!((trials / 2..trials * 9 / 10).contains(&abandoned), "{abandoned} of {trials} abandoned");
    }

    #[test]
    fn first_successes_are_geometric() {
        const DRAWS: usize = 200_000;
        let mut rng = test_stream();
        assert!((0..100).all(|_| first_success(&mut rng, 1.0, 1) == Some(1)));
        for p in [0.05, 0.3, 0.9] {
            let n = DRAWS as f64;
            // Unbounded: P(G = k) = (1 - p)^(k - 1) p, mean 1 / p, variance (1 - p) / p².
            let draws: Vec<u64> = (0..DRAWS).map(|_| first_success(&mut rng, p, u64::MAX).unwrap()).collect();
            assert!(draws.iter().all(|&g| g >= 1));
            for k in 1..=3 {
                let expected = (1.0 - p).powi(k - 1) * p;
                let share = draws.iter().filter(|&&g| g == k as u64).count() as f64 / n;
                let se = (expected * (1.0 - expected) / n).sqrt();
                assert!((share - expected).abs() < 4.0 * se, "p {p}, P({k}): {share} vs {expected}");
            }
            let mean = draws.iter().sum::<u64>() as f64 / n;
            let se = ((1.0 - p) / (p * p) / n).sqrt();
            assert!((mean - 1.0 / p).abs() < 4.0 * se, "p {p}: mean {mean}");
            // Among three trials: none succeeds with probability (1 - p)^3,
            // and the first success is at 1, 2 or 3 as above.
            let draws: Vec<Option<u64>> = (0..DRAWS).map(|_| first_success(&mut rng, p, 3)).collect();
            for (outcome, expected) in [(None, (1.0 - p).powi(3)), (Some(1), p), (Some(3), (1.0 - p).powi(2) * p)] {
                let share = draws.iter().filter(|&&g| g == outcome).count() as f64 / n;
                let se = (expected * (1.0 - expected) / n).sqrt();
                assert!((share - expected).abs() < 4.0 * se, "p {p}, {outcome:?}: {share} vs {expected}");
            }
        }
    }
}
