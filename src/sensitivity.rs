//! Which assumptions matter: sensitivity of NPV to every uncertain input.
//!
//! Everything here is computed from the run's own trials; no extra
//! simulation is done. For each of the `portfolio`, `it` and `bpa` sets and
//! each input drawn once per trial that can move the set's NPV (fixed
//! inputs are not drawn, so they never appear), three figures describe the
//! input as a driver of the set's NPV:
//!
//! - **rank correlation**: Spearman's correlation between the input's draws
//!   and the set's NPV, ties given their average rank. It measures how
//!   consistently NPV rises (positive) or falls (negative) with the input,
//!   whatever the shape of the relation, and is not distorted by long tails.
//! - **variance share**: `ρ² / Σρ²` over the set's inputs, @RISK's
//!   "contribution to variance". The shares of a set add up to 1. When every
//!   correlation of a set is zero (a set with constant NPV, such as an empty
//!   `it` set) the shares are undefined and reported as empty.
//! - **swing**: mean NPV of the trials in the input's top decile minus the
//!   mean NPV of those in its bottom decile, in money: how much the expected
//!   result moves between a high and a low draw of the input. A trial is in
//!   the bottom decile when its mid-rank position `(rank − ½) / n` is below
//!   0.1 and in the top decile when it is above 0.9, so tied draws always
//!   fall on the same side; an input with no spread has no deciles and a
//!   swing of 0.
//!
//! An input with no spread, or a set whose NPV never changes, gets a
//! correlation of 0, never NaN.
//!
//! **Only inputs that can move a set are its drivers** ([`can_move`]): every
//! input of a member, and the build time of each initiative a member waits
//! for (directly or through others), since it moves the member's go-live;
//! nothing else of such a dependency can reach the member (an abandoned
//! dependency does not change its dependents). An input of any other
//! initiative cannot move the set, and whatever correlation its draws show
//! with the set's NPV in a finite run is noise (or, for an input correlated
//! with one that does move it, a borrowed relation): it is not listed. The
//! portfolio holds every initiative, so every uncertain input is one of its
//! drivers.
//!
//! **Correlated inputs share credit.** Rank correlation is a one-input-at-a-
//! time measure. When two of a set's inputs are correlated in the scenario
//! and only one of them moves NPV, the other still shows a correlation with NPV (about the
//! product of the two correlations), a share of the variance and a swing: its
//! high draws come with high draws of the real driver. The figures then say
//! "this input, together with what moves with it, matters", which is the
//! right answer to "which assumptions should we firm up", but the shares of a
//! correlated group should be read together.
//!
//! Ranking each input is a radix sort of the trials ([`crate::rank`]), done in
//! parallel across inputs with rayon; one pass over an input's ranks then
//! gives its figures for every set. Each input's ranks are dropped as soon as
//! its figures are computed, so memory stays at a few columns per worker.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::engine::{RunResults, SetResults};
use crate::format::{shorten, signed_money};
use crate::pool::Pool;
use crate::rank::{self, Workspace};
use crate::scenario::{InputSlot, Kind, Scenario};

/// The sets whose drivers are analysed, in report order.
pub const ANALYSED_SETS: [&str; 3] = ["portfolio", "it", "bpa"];

/// Longest input name in the terminal table; longer ones are cut with "…".
const LABEL_CHARS: usize = 72;

/// Share of the trials at each end of an input's range that [`Driver::swing`] compares.
pub const SWING_TAIL: f64 = 0.1;

/// One uncertain input as a driver of one set's NPV.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Index into `Scenario::inputs`.
    pub input: usize,
    /// Its name as correlations name it, e.g. `"Invoice approval.build_cost"`.
    pub name: String,
    /// Index of the initiative it belongs to.
    pub initiative: usize,
    /// Kind of that initiative.
    pub kind: Kind,
    /// Spearman rank correlation of the input with the set's NPV, in `[-1, 1]`.
    pub rank_correlation: f64,
    /// `ρ² / Σρ²` over the set's inputs; `None` when every `ρ` of the set is 0.
    pub variance_share: Option<f64>,
    /// Mean NPV of the input's top decile of trials minus its bottom decile, in money.
    pub swing: f64,
}

/// The drivers of one set, most important first.
#[derive(Debug, Clone, PartialEq)]
pub struct SetSensitivity {
    /// Name of the set (`portfolio`, `it` or `bpa`).
    pub set: String,
    /// Every uncertain input that can move the set ([`can_move`]), sorted by
    /// decreasing |rank correlation| (equal ones in scenario order).
    pub drivers: Vec<Driver>,
}

/// Whether input `input` of `scenario` can move the NPV of the set with
/// these `members`: it belongs to a member, or it is the build time of an
/// initiative a member waits for, directly or through others.
///
/// ```
/// use roicast::scenario::Scenario;
/// use roicast::sensitivity::can_move;
/// let text = "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n\
///     [[initiatives]]\nname = \"A\"\nkind = \"it\"\nbuild_cost = { uniform = [1, 2] }\n\
///     build_months = { uniform = [1, 2] }\nbenefit_per_month = 5\n\
///     [[initiatives]]\nname = \"B\"\nkind = \"bpa\"\nbuild_cost = 1\nbuild_months = 1\n\
///     benefit_per_month = 5\ndepends_on = [\"A\"]\n";
/// let scenario = Scenario::parse(text, "t.toml").unwrap();
/// let (cost, months) = (scenario.input_index("A.build_cost").unwrap(), scenario.input_index("A.build_months").unwrap());
/// assert!(can_move(&scenario, &[0], cost) && can_move(&scenario, &[0], months));
/// // B waits for A: A's build time moves B's go-live, A's build cost cannot reach B.
/// assert!(can_move(&scenario, &[1], months) && !can_move(&scenario, &[1], cost));
/// ```
pub fn can_move(scenario: &Scenario, members: &[usize], input: usize) -> bool {
    let input = &scenario.inputs[input];
    if members.contains(&input.initiative) {
        return true;
    }
    input.slot == InputSlot::BuildMonths && awaited(scenario, members)[input.initiative]
}

/// Which initiatives the `members` wait for, directly or through others.
fn awaited(scenario: &Scenario, members: &[usize]) -> Vec<bool> {
    let mut awaited = vec![false; scenario.initiatives.len()];
    let mut to_visit: Vec<usize> = members.to_vec();
    while let Some(i) = to_visit.pop() {
        for &d in &scenario.initiatives[i].depends_on {
            if !std::mem::replace(&mut awaited[d], true) {
                to_visit.push(d);
            }
        }
    }
    awaited
}

/// Drivers of every analysed set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sensitivity {
    /// One entry per set of [`ANALYSED_SETS`], in that order.
    pub sets: Vec<SetSensitivity>,
}

/// The ranks of a sample, 1..n, ties given their average rank.
///
/// ```
/// use roicast::sensitivity::average_ranks;
/// assert_eq!(average_ranks(&[10.0, 30.0, 20.0, 30.0]), vec![1.0, 3.5, 2.0, 3.5]);
/// ```
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    rank::doubled_ranks(values).into_iter().map(|twice| f64::from(twice) / 2.0).collect()
}

/// An outcome a sample may drive: its values, their doubled ranks (see
/// [`rank::doubled_ranks`]) and the ranks' [`spread`].
#[derive(Clone, Copy)]
struct Outcome<'a> {
    values: &'a [f64],
    doubled_ranks: &'a [u32],
    spread: f64,
}

/// How one sample drives one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Figures {
    /// Spearman rank correlation; 0 when either has no spread.
    rank_correlation: f64,
    /// Mean outcome over the sample's top decile minus over its bottom decile.
    swing: f64,
}

/// `Σ (rank − mean rank)²` of doubled ranks, in sample order; zero when every value is the same.
fn spread(doubled_ranks: &[u32]) -> f64 {
    let centre = (doubled_ranks.len() as f64 + 1.0) / 2.0;
    doubled_ranks.iter().map(|&r| f64::from(r) / 2.0 - centre).map(|d| d * d).sum()
}

/// A sample, given by its doubled ranks, as a driver of `N` outcomes of the same length.
///
/// Every sum is taken in trial order, as separate passes would take it (the
/// rank correlation's numerator and the sample's spread from −0, as
/// `Iterator::sum` does, the decile sums from +0), so the figures are the
/// same bit for bit. One pass over the ranks takes the rank sums, whose
/// dependency chains then overlap, and lists the trials of the two deciles
/// in `deciles` (a buffer kept from sample to sample); a pass over that list
/// sums the outcomes' values, with no branch on the decile to mispredict.
fn drives<const N: usize>(doubled_ranks: &[u32], outcomes: [Outcome; N], deciles: &mut Vec<u32>) -> [Figures; N] {
    let n = doubled_ranks.len();
    let centre = (n as f64 + 1.0) / 2.0;
    let (low_limit, high_limit) = (SWING_TAIL * n as f64, (1.0 - SWING_TAIL) * n as f64);
    // Every outcome has the sample's length (slicing panics otherwise).
    let ranks: [&[u32]; N] = outcomes.map(|o| &o.doubled_ranks[..n]);
    let values: [&[f64]; N] = outcomes.map(|o| &o.values[..n]);
    deciles.resize(n, 0);
    let (mut spread, mut cross, mut listed, mut high_n) = (-0.0, [-0.0; N], 0, 0);
    for (i, &own) in doubled_ranks.iter().enumerate() {
        let d = f64::from(own) / 2.0 - centre;
        spread += d * d;
        for k in 0..N {
            cross[k] += d * (f64::from(ranks[k][i]) / 2.0 - centre);
        }
        // Mid-rank position (rank − ½) against the deciles' limits. The list
        // takes every trial, with its decile in the lowest bit, and keeps it
        // only when it is in one.
        let position = f64::from(own) / 2.0 - 0.5;
        let (is_low, is_high) = (position < low_limit, position > high_limit);
        deciles[listed] = (i as u32) << 1 | u32::from(is_high);
        listed += usize::from(is_low || is_high);
        high_n += usize::from(is_high);
    }
    let low_n = listed - high_n;
    // sums[k] = [bottom decile, top decile] of outcome k.
    let mut sums = [[0.0; 2]; N];
    for &entry in &deciles[..listed] {
        let (i, decile) = ((entry >> 1) as usize, (entry & 1) as usize);
        for k in 0..N {
            sums[k][decile] += values[k][i];
        }
    }
    std::array::from_fn(|k| {
        let outcome_spread = outcomes[k].spread;
        let rank_correlation = if spread <= 0.0 || outcome_spread <= 0.0 {
            0.0
        } else {
            (cross[k] / (spread * outcome_spread).sqrt()).clamp(-1.0, 1.0)
        };
        let [low, high] = sums[k];
        let swing = if low_n == 0 || high_n == 0 { 0.0 } else { high / high_n as f64 - low / low_n as f64 };
        Figures { rank_correlation, swing }
    })
}

/// [`drives`] for any number of outcomes, three at a time.
fn drives_all(doubled_ranks: &[u32], outcomes: &[Outcome], deciles: &mut Vec<u32>) -> Vec<Figures> {
    outcomes
        .chunks(3)
        .flat_map(|chunk| match *chunk {
            [a, b, c] => drives(doubled_ranks, [a, b, c], deciles).to_vec(),
            [a, b] => drives(doubled_ranks, [a, b], deciles).to_vec(),
            [a] => drives(doubled_ranks, [a], deciles).to_vec(),
            _ => unreachable!("chunks of one to three"),
        })
        .collect()
}

/// Spearman rank correlation of two samples of the same length, ties given
/// their average rank; 0 when either sample has no spread.
///
/// ```
/// use roicast::sensitivity::spearman;
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), 1.0);
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]), 0.0);
/// ```
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "spearman needs two samples of the same length");
    let y_ranks = rank::doubled_ranks(y);
    let outcome = Outcome { values: y, doubled_ranks: &y_ranks, spread: spread(&y_ranks) };
    let [figures] = drives(&rank::doubled_ranks(x), [outcome], &mut Default::default());
    figures.rank_correlation
}

impl Sensitivity {
    /// The drivers of the `portfolio`, `it` and `bpa` sets of a run.
    pub fn of(scenario: &Scenario, results: &RunResults) -> Sensitivity {
        let sets: Vec<&SetResults> = ANALYSED_SETS.iter().filter_map(|name| results.set(name)).collect();
        let ranks: Vec<Vec<u32>> = sets.par_iter().map(|set| rank::doubled_ranks(&set.npv)).collect();
        let outcomes: Vec<Outcome> = sets
            .iter()
            .zip(&ranks)
            .map(|(set, ranks)| Outcome { values: &set.npv, doubled_ranks: ranks, spread: spread(ranks) })
            .collect();
        // moves[input][set]: whether the input can move the set.
        let moves: Vec<Vec<bool>> = results
            .inputs
            .iter()
            .map(|column| sets.iter().map(|set| can_move(scenario, &set.spec.members, column.input)).collect())
            .collect();
        // figures[input][set], for the sets the input can move; the buffers go from input to input.
        let buffers: Pool<(Workspace, Vec<u32>, Vec<_>)> = Pool::default();
        let figures: Vec<Vec<Option<Figures>>> = results
            .inputs
            .par_iter()
            .zip(&moves)
            .map(|(column, moves)| {
                let moved: Vec<Outcome> = outcomes.iter().zip(moves).filter(|(_, m)| **m).map(|(o, _)| *o).collect();
                let mut found = buffers
                    .with(|(workspace, ranks, deciles)| {
                        workspace.doubled_ranks(&column.values, ranks);
                        drives_all(ranks, &moved, deciles)
                    })
                    .into_iter();
                moves.iter().map(|&m| if m { found.next() } else { None }).collect()
            })
            .collect();
        let sets = sets
            .iter()
            .enumerate()
            .map(|(s, set)| {
                let drivers_of_set = || results.inputs.iter().zip(&figures).filter_map(|(c, f)| Some((c, f[s]?)));
                let total: f64 = drivers_of_set().map(|(_, f)| f.rank_correlation * f.rank_correlation).sum();
                let mut drivers: Vec<Driver> = drivers_of_set()
                    .map(|(column, Figures { rank_correlation: rho, swing })| {
                        let initiative = scenario.inputs[column.input].initiative;
                        Driver {
                            input: column.input,
                            name: column.name.clone(),
                            initiative,
                            kind: scenario.initiatives[initiative].kind,
                            rank_correlation: rho,
                            variance_share: (total > 0.0).then(|| rho * rho / total),
                            swing,
                        }
                    })
                    .collect();
                drivers.sort_by(|a, b| {
                    b.rank_correlation.abs().total_cmp(&a.rank_correlation.abs()).then(a.input.cmp(&b.input))
                });
                SetSensitivity { set: set.spec.name.clone(), drivers }
            })
            .collect();
        Sensitivity { sets }
    }

    /// The drivers of the set with this name.
    pub fn set(&self, name: &str) -> Option<&SetSensitivity> {
        self.sets.iter().find(|s| s.set == name)
    }
}

impl SetSensitivity {
    /// The `count` drivers with the largest |swing| (ties in importance order), largest first.
    pub fn top_by_swing(&self, count: usize) -> Vec<&Driver> {
        let mut drivers: Vec<&Driver> = self.drivers.iter().collect();
        drivers.sort_by(|a, b| b.swing.abs().total_cmp(&a.swing.abs()));
        drivers.truncate(count);
        drivers
    }

    /// A plain-text table of the `count` most important drivers, as `roicast run` prints it.
    pub fn table(&self, scenario: &Scenario, count: usize) -> String {
        if self.drivers.is_empty() {
            return format!("\nWhat drives {} NPV: nothing, every input that can move it is fixed.\n", self.set);
        }
        let mut out = format!(
            "\nWhat drives {} NPV (top {} of the {} uncertain inputs that can move it, by share of variance):\n",
            self.set,
            count.min(self.drivers.len()),
            self.drivers.len()
        );
        let mut rows = vec![["input".to_string(), "kind".into(), "rank corr".into(), "share".into(), "swing".into()]];
        for d in self.drivers.iter().take(count) {
            rows.push([
                short_label(scenario, d.input),
                d.kind.as_str().into(),
                format!("{:+.2}", d.rank_correlation),
                d.variance_share.map_or("-".into(), |s| format!("{:.1}%", 100.0 * s)),
                signed_money(d.swing, &scenario.currency),
            ]);
        }
        let widths: Vec<usize> = (0..5).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, &w))| if c == 0 { format!("{cell:<w$}") } else { format!("{cell:>w$}") })
                .collect();
            let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
        }
        out.push_str(
            "  share: rank correlation squared, as a share of the total; swing: mean NPV when the input is in its \
             top 10% minus its bottom 10%\n",
        );
        out
    }
}

/// An input for people, in two parts: its initiative's name and what it is
/// (`"build cost"`, or `"events per year of “Outage”"` for a risk's input).
pub fn input_parts(scenario: &Scenario, input: usize) -> [String; 2] {
    let input = &scenario.inputs[input];
    let initiative = &scenario.initiatives[input.initiative];
    let key = input.slot.key().replace('_', " ");
    let what = match input.slot {
        InputSlot::EventsPerYear(r) | InputSlot::AbandonProbability(r) => {
            format!("{key} of “{}”", initiative.risks[r].name)
        }
        _ => key,
    };
    [initiative.name.clone(), what]
}

/// [`input_label`] in at most [`LABEL_CHARS`] characters: a long
/// initiative name is cut first (down to 16 characters), so rows of one
/// initiative stay told apart by what they are.
fn short_label(scenario: &Scenario, input: usize) -> String {
    let [initiative, what] = input_parts(scenario, input);
    let room = LABEL_CHARS.saturating_sub(what.chars().count() + 2).max(16);
    shorten(&format!("{}: {what}", shorten(&initiative, room)), LABEL_CHARS)
}

/// An input's name for people on one line: `"Invoice approval: build cost"`.
pub fn input_label(scenario: &Scenario, input: usize) -> String {
    let [initiative, what] = input_parts(scenario, input);
    format!("{initiative}: {what}")
}

#[cfg(test)]
mod tests {
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    use super::*;
    use crate::rank::SortKey;

    /// `x` as a driver of `y`.
    fn figures(x: &[f64], y: &[f64]) -> Figures {
        let ranks = rank::doubled_ranks(y);
        let outcome = Outcome { values: y, doubled_ranks: &ranks, spread: spread(&ranks) };
        drives_all(&rank::doubled_ranks(x), &[outcome], &mut Default::default())[0]
    }

    /// Average ranks from a plain sort (the former implementation).
    fn reference_ranks(values: &[f64]) -> Vec<f64> {
        let mut order: Vec<(u64, u32)> = values.iter().zip(0u32..).map(|(v, i)| (v.sort_key(), i)).collect();
        order.sort_unstable();
        let mut ranks = vec![0.0; values.len()];
        let mut start = 0;
        while start < order.len() {
            let end = start + order[start..].iter().take_while(|o| o.0 == order[start].0).count();
            for &(_, i) in &order[start..end] {
                ranks[i as usize] = (start + end + 1) as f64 / 2.0;
            }
            start = end;
        }
        ranks
    }

    /// The figures as separate passes over `f64` ranks compute them (the former implementation).
    fn reference_figures(x: &[f64], y: &[f64]) -> Figures {
        let (rx, ry) = (reference_ranks(x), reference_ranks(y));
        let centre = (x.len() as f64 + 1.0) / 2.0;
        let spread = |r: &[f64]| -> f64 { r.iter().map(|r| (r - centre) * (r - centre)).sum() };
        let (sx, sy) = (spread(&rx), spread(&ry));
        let rank_correlation = if sx <= 0.0 || sy <= 0.0 {
            0.0
        } else {
            let cross: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - centre) * (b - centre)).sum();
            (cross / (sx * sy).sqrt()).clamp(-1.0, 1.0)
        };
        let n = x.len() as f64;
        let (mut low, mut low_n, mut high, mut high_n) = (0.0, 0usize, 0.0, 0usize);
        for (&r, &v) in rx.iter().zip(y) {
            let position = r - 0.5;
            if position < SWING_TAIL * n {
                low += v;
                low_n += 1;
            } else if position > (1.0 - SWING_TAIL) * n {
                high += v;
                high_n += 1;
            }
        }
        let swing = if low_n == 0 || high_n == 0 { 0.0 } else { high / high_n as f64 - low / low_n as f64 };
        Figures { rank_correlation, swing }
    }

    #[test]
    fn one_pass_gives_the_figures_of_separate_passes_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in [1, 2, 10, 999, 200_000] {
            let x: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
            let ties: Vec<f64> = x.iter().map(|v| (v * 7.0).floor()).collect();
            let y: Vec<f64> = x.iter().map(|v| 1e6 * (v - 0.4) + 3e5 * rng.random::<f64>()).collect();
            let z: Vec<f64> = (0..n).map(|_| -1e7 * rng.random::<f64>().powi(5)).collect();
            let zeros = vec![0.0; n];
            // Infinite, NaN and negative-zero outcomes in the middle and the deciles.
            let odd: Vec<f64> = (0..n).map(|i| [f64::INFINITY, -0.0, f64::NAN, 1.0, -2.5][i % 5]).collect();
            let outcomes = [&y, &z, &ties, &zeros, &odd, &y];
            let ranks: Vec<Vec<u32>> = outcomes.iter().map(|o| rank::doubled_ranks(o)).collect();
            let given: Vec<Outcome> = outcomes
                .iter()
                .zip(&ranks)
                .map(|(o, r)| Outcome { values: o, doubled_ranks: r, spread: spread(r) })
                .collect();
            let mut deciles = Default::default();
            for input in [&x, &ties, &z] {
                let ranks = rank::doubled_ranks(input);
                // Six outcomes: two passes over three.
                let all = drives_all(&ranks, &given, &mut deciles);
                assert_eq!(all.len(), 6);
                for (figures, outcome) in all.iter().zip(outcomes) {
                    let expected = reference_figures(input, outcome);
                    assert_eq!(figures.rank_correlation.to_bits(), expected.rank_correlation.to_bits(), "n = {n}");
                    assert_eq!(figures.swing.to_bits(), expected.swing.to_bits(), "n = {n}");
                }
            }
        }
    }

    #[test]
    fn spearman_with_ties_matches_reference_values() {
        // Average ranks [1, 2.5, 2.5, 4, 6, 6, 6, 8] and [2, 1, 4, 3, 7, 5.5, 5.5, 8];
        // their Pearson correlation, computed independently (Python's
        // statistics.correlation), is 0.9015094183.
        let x = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 5.0];
        let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 5.0, 7.0];
        assert_eq!(average_ranks(&x), vec![1.0, 2.5, 2.5, 4.0, 6.0, 6.0, 6.0, 8.0]);
        assert!((spearman(&x, &y) - 0.901_509_418_3).abs() < 1e-9, "{}", spearman(&x, &y));
        // Ties on both sides: a balanced 2x2 layout is uncorrelated; a mirrored one is -1.
        assert_eq!(spearman(&[1.0, 1.0, 2.0, 2.0], &[1.0, 2.0, 1.0, 2.0]), 0.0);
        assert!((spearman(&[3.0, 1.0, 2.0, 2.0], &[1.0, 3.0, 2.0, 2.0]) + 1.0).abs() < 1e-12);
        assert_eq!(average_ranks(&[2.0, 2.0, 2.0]), vec![2.0, 2.0, 2.0]);
        assert_eq!(average_ranks(&[-1.5, 0.0, -0.0, -1e300, 3.0]), vec![2.0, 3.5, 3.5, 1.0, 5.0]);
    }

    #[test]
    fn constant_samples_give_zero_never_nan() {
        let x = [4.0; 10];
        let y: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(spearman(&x, &y), 0.0);
        assert_eq!(spearman(&y, &x), 0.0);
        assert_eq!(figures(&x, &y), Figures { rank_correlation: 0.0, swing: 0.0 });
    }

    #[test]
    fn swing_compares_the_extreme_deciles() {
        // Input 1..=20: bottom decile = trials 1, 2; top decile = trials 19, 20.
        let input: Vec<f64> = (1..=20).map(f64::from).collect();
        let outcome: Vec<f64> = input.iter().map(|x| 10.0 * x).collect();
        let swing = figures(&input, &outcome).swing;
        assert!((swing - (195.0 - 15.0)).abs() < 1e-12, "{swing}");
    }
}
