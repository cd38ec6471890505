//! Which assumptions matter: sensitivity of NPV to every uncertain input.
//!
//! Everything here is computed from the run's own trials; no extra
//! simulation is done. For each of the `portfolio`, `it` and `bpa` sets and
//! each input drawn once per trial (fixed inputs are not drawn, so they
//! never appear), three figures describe the input as a driver of the set's
//! NPV:
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
//! **Correlated inputs share credit.** Rank correlation is a one-input-at-a-
//! time measure. When two inputs are correlated in the scenario and only one
//! of them moves NPV, the other still shows a correlation with NPV (about the
//! product of the two correlations), a share of the variance and a swing: its
//! high draws come with high draws of the real driver. The figures then say
//! "this input, together with what moves with it, matters", which is the
//! right answer to "which assumptions should we firm up", but the shares of a
//! correlated group should be read together.
//!
//! Ranking each input is a sort of the trials, done in parallel across inputs
//! with rayon; each input's ranks are dropped as soon as its figures are
//! computed, so memory stays at a few columns per worker.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::engine::{RunResults, SetResults};
use crate::format::{shorten, signed_money};
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
    /// Every uncertain input, sorted by decreasing |rank correlation| (equal
    /// ones in scenario order).
    pub drivers: Vec<Driver>,
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
    let mut order: Vec<(u64, u32)> = values.iter().zip(0u32..).map(|(&v, i)| (sort_key(v), i)).collect();
    order.sort_unstable();
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && order[end].0 == order[start].0 {
            end += 1;
        }
        // Positions start..end (0-based) share ranks start+1..=end.
        let average = (start + end + 1) as f64 / 2.0;
        for &(_, i) in &order[start..end] {
            ranks[i as usize] = average;
        }
        start = end;
    }
    ranks
}

/// An integer that sorts like the number, with −0 and +0 equal: integer
/// keys sort several times faster than floats compared with `total_cmp`.
fn sort_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

/// A sample's average ranks with their centred sum of squares.
struct Ranked {
    ranks: Vec<f64>,
    /// `Σ (rank − mean rank)²`; zero when every value is the same.
    spread: f64,
}

impl Ranked {
    fn of(values: &[f64]) -> Ranked {
        let ranks = average_ranks(values);
        let centre = (ranks.len() as f64 + 1.0) / 2.0;
        let spread = ranks.iter().map(|r| (r - centre) * (r - centre)).sum();
        Ranked { ranks, spread }
    }

    /// Pearson correlation of two rank vectors of the same length; 0 when either has no spread.
    fn correlation(&self, other: &Ranked) -> f64 {
        if self.spread <= 0.0 || other.spread <= 0.0 {
            return 0.0;
        }
        let centre = (self.ranks.len() as f64 + 1.0) / 2.0;
        let cross: f64 = self.ranks.iter().zip(&other.ranks).map(|(a, b)| (a - centre) * (b - centre)).sum();
        (cross / (self.spread * other.spread).sqrt()).clamp(-1.0, 1.0)
    }

    /// Mean of `outcome` over the top decile of these ranks minus over the bottom decile.
    fn swing(&self, outcome: &[f64]) -> f64 {
        let n = self.ranks.len() as f64;
        let (mut low, mut low_n, mut high, mut high_n) = (0.0, 0usize, 0.0, 0usize);
        for (&r, &y) in self.ranks.iter().zip(outcome) {
            let position = r - 0.5;
            if position < SWING_TAIL * n {
                low += y;
                low_n += 1;
            } else if position > (1.0 - SWING_TAIL) * n {
                high += y;
                high_n += 1;
            }
        }
        if low_n == 0 || high_n == 0 { 0.0 } else { high / high_n as f64 - low / low_n as f64 }
    }
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
    Ranked::of(x).correlation(&Ranked::of(y))
}

impl Sensitivity {
    /// The drivers of the `portfolio`, `it` and `bpa` sets of a run.
    pub fn of(scenario: &Scenario, results: &RunResults) -> Sensitivity {
        let sets: Vec<&SetResults> = ANALYSED_SETS.iter().filter_map(|name| results.set(name)).collect();
        let outcomes: Vec<Ranked> = sets.par_iter().map(|set| Ranked::of(&set.npv)).collect();
        // figures[input][set] = (rank correlation, swing)
        let figures: Vec<Vec<(f64, f64)>> = results
            .inputs
            .par_iter()
            .map(|column| {
                let input = Ranked::of(&column.values.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>());
                sets.iter().zip(&outcomes).map(|(set, npv)| (input.correlation(npv), input.swing(&set.npv))).collect()
            })
            .collect();
        let sets = sets
            .iter()
            .enumerate()
            .map(|(s, set)| {
                let total: f64 = figures.iter().map(|f| f[s].0 * f[s].0).sum();
                let mut drivers: Vec<Driver> = results
                    .inputs
                    .iter()
                    .zip(&figures)
                    .map(|(column, f)| {
                        let (rho, swing) = f[s];
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
            return format!("\nWhat drives {} NPV: nothing, every input is fixed.\n", self.set);
        }
        let mut out = format!(
            "\nWhat drives {} NPV (top {} of {} uncertain inputs by share of variance):\n",
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
    use super::*;

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
        assert_eq!(Ranked::of(&x).swing(&y), 0.0);
    }

    #[test]
    fn swing_compares_the_extreme_deciles() {
        // Input 1..=20: bottom decile = trials 1, 2; top decile = trials 19, 20.
        let input: Vec<f64> = (1..=20).map(f64::from).collect();
        let outcome: Vec<f64> = input.iter().map(|x| 10.0 * x).collect();
        let swing = Ranked::of(&input).swing(&outcome);
        assert!((swing - (195.0 - 15.0)).abs() < 1e-12, "{swing}");
    }
}
