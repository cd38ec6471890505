//! Random streams, Latin hypercube sampling and rank correlation.
//!
//! # Streams
//!
//! Every uncertain input and every risk owns a ChaCha8 generator whose key is
//! `SHA-256("roicast/stream/v1" ‖ seed ‖ name)`, where the name is the one
//! correlations use (`"Invoice approval.build_cost"`) or, for a risk,
//! `"Initiative.Risk"`. Trials are processed in fixed blocks of
//! [`BLOCK_TRIALS`]; block `b` of an input reads ChaCha stream `b` of its key.
//! The events of a risk in block `b` read stream `2⁶³ + b` of the risk's key,
//! trial after trial. Nothing depends on which thread runs a block, and editing,
//! adding or removing one initiative leaves every other initiative's draws
//! unchanged — the property paired comparisons rely on.
//!
//! # Latin hypercube
//!
//! With `sampling = "latin-hypercube"` each input is stratified within each
//! block: trial `k` of a block of `m` gets `u = (π(k) + v) / m`, with `π` a
//! random permutation and `v` uniform, both from the input's stream. Every
//! input is drawn by inverse CDF, so stratification works for every shape.
//!
//! # Correlation
//!
//! Correlated inputs go through a Gaussian copula: their uniforms become
//! normal scores, are mixed by the Cholesky factor of their group, and are
//! mapped back with the normal CDF. Marginals stay exact; the rank
//! correlation is exactly the requested one in expectation. The first input
//! of a group keeps its stratification, the others keep their distribution.

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use sha2::{Digest, Sha256};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::dist::QuantileTable;
use crate::scenario::{Sampling, Scenario};

/// Trials per block: the unit of stratification, of parallel work and of
/// `--precision` growth.
pub const BLOCK_TRIALS: u64 = 2048;

/// First ChaCha stream id used for the risk events of a block.
const EVENT_STREAM_BASE: u64 = 1 << 63;

/// Name of the stream scheme, recorded in run manifests.
pub const STREAM_SCHEME: &str = "ChaCha8 per input and per risk, key = SHA-256(\"roicast/stream/v1\" | seed | name); \
stream b for block b of 2048 trials; stream 2^63 + b for the events of block b, trial after trial \
(Poisson count over the live months, first abandoning event, then each event's month and cost)";

/// The key of a named stream under a seed.
pub fn stream_key(seed: u64, name: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"roicast/stream/v1");
    hasher.update(seed.to_le_bytes());
    hasher.update(name.as_bytes());
    hasher.finalize().into()
}

/// A uniform number in the open interval `(0, 1)` from 52 random bits
/// (midpoints of a 2⁻⁵² grid, so neither 0 nor 1 can come out).
#[inline]
pub fn unit_interval(rng: &mut impl Rng) -> f64 {
    ((rng.next_u64() >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// A uniform integer in `0..bound` (multiply-shift; bias below `bound / 2⁶⁴`).
#[inline]
pub fn below(rng: &mut impl Rng, bound: u64) -> u64 {
    ((rng.next_u64() as u128 * bound as u128) >> 64) as u64
}

/// Number of blocks for a trial count.
pub fn block_count(trials: u64) -> u64 {
    trials.div_ceil(BLOCK_TRIALS)
}

/// The trials of block `block`, as a range of trial indices.
pub fn block_trials(block: u64, trials: u64) -> std::ops::Range<u64> {
    let start = block * BLOCK_TRIALS;
    start..(start + BLOCK_TRIALS).min(trials)
}

/// The generator of a named stream at a stream id.
pub fn stream(key: &[u8; 32], id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(*key);
    rng.set_stream(id);
    rng
}

/// Draws the once-per-trial inputs of a scenario, block by block.
#[derive(Debug, Clone)]
pub struct Sampler {
    sampling: Sampling,
    /// One key per input; `None` for fixed inputs.
    input_keys: Vec<Option<[u8; 32]>>,
    /// Fixed values, or the distribution to draw from.
    inputs: Vec<QuantileTable>,
    /// One key per risk, in initiative then risk order.
    risk_keys: Vec<[u8; 32]>,
    groups: Vec<crate::scenario::CorrelatedGroup>,
    /// Whether each input belongs to a correlated group.
    correlated: Vec<bool>,
}

/// The inputs of one block of trials, input-major: `values[j * trials + k]`
/// is input `j` in trial `k`. The sampler writes each input's draws in one
/// stretch, the eight trials of a tile find an input's values side by side,
/// and a run keeps each input's column as it is.
#[derive(Debug, Clone, Default)]
pub struct InputBlock {
    /// Number of trials in the block.
    pub trials: usize,
    values: Vec<f64>,
    uniforms: Vec<f64>,
    permutation: Vec<u32>,
    /// The trials of the block in the order of their strata.
    by_stratum: Vec<u32>,
}

impl InputBlock {
    /// Input `j` in trial `k` of the block.
    #[inline]
    pub fn value(&self, j: usize, k: usize) -> f64 {
        self.values[j * self.trials + k]
    }

    /// The draws of input `j` in every trial of the block, one after another.
    pub fn column(&self, j: usize) -> &[f64] {
        &self.values[j * self.trials..(j + 1) * self.trials]
    }
}

impl Sampler {
    /// Prepares the streams of a scenario under a seed.
    pub fn new(scenario: &Scenario, seed: u64) -> Sampler {
        let input_keys = scenario
            .inputs
            .iter()
            .map(|input| input.distribution.fixed_value().is_none().then(|| stream_key(seed, &input.name)))
            .collect();
        let risk_keys = scenario
            .initiatives
            .iter()
            .flat_map(|i| i.risks.iter().map(move |r| stream_key(seed, &format!("{}.{}", i.name, r.name))))
            .collect();
        Sampler {
            sampling: scenario.simulation.sampling,
            input_keys,
            inputs: QuantileTable::prepare(scenario.inputs.iter().map(|i| &i.distribution)),
            risk_keys,
            groups: scenario.correlation_matrix.groups.clone(),
            correlated: (0..scenario.inputs.len())
                .map(|j| scenario.correlation_matrix.groups.iter().any(|g| g.inputs.contains(&j)))
                .collect(),
        }
    }

    /// The generator for the events of risk `r` in block `block`.
    pub fn event_stream(&self, r: usize, block: u64) -> ChaCha8Rng {
        stream(&self.risk_keys[r], EVENT_STREAM_BASE + block)
    }

    /// Uniforms of one input for one block, stratified or not.
    fn uniforms(&self, key: &[u8; 32], block: u64, m: usize, out: &mut Vec<f64>, permutation: &mut Vec<u32>) {
        let mut rng = stream(key, block);
        out.clear();
        match self.sampling {
            Sampling::Random => out.extend((0..m).map(|_| unit_interval(&mut rng))),
            Sampling::LatinHypercube => {
                permutation.clear();
                permutation.extend(0..m as u32);
                for i in (1..m).rev() {
                    let j = below(&mut rng, i as u64 + 1) as usize;
                    permutation.swap(i, j);
                }
                let scale = 1.0 / m as f64;
                out.extend(permutation.iter().map(|&p| (p as f64 + unit_interval(&mut rng)) * scale));
            }
        }
    }

    /// Draws every input of every trial of block `block` into `out`.
    pub fn draw_block(&self, block: u64, trials: u64, out: &mut InputBlock) {
        let range = block_trials(block, trials);
        let m = (range.end - range.start) as usize;
        let n = self.inputs.len();
        out.trials = m;
        out.values.resize(n * m, 0.0);
        let mut uniforms = std::mem::take(&mut out.uniforms);
        uniforms.resize(n * m, 0.5);
        let mut column = Vec::with_capacity(m);
        let mut drawn = vec![false; n];
        // Uniforms, input-major.
        for (j, key) in self.input_keys.iter().enumerate() {
            if let Some(key) = key {
                self.uniforms(key, block, m, &mut column, &mut out.permutation);
                uniforms[j * m..(j + 1) * m].copy_from_slice(&column);
                if self.sampling == Sampling::LatinHypercube && !self.correlated[j] {
                    // A stratified input keeps its uniforms: draw it now, stratum
                    // after stratum, so that the inverse-CDF table is read in
                    // order instead of at random (the same values, in cache).
                    out.by_stratum.resize(m, 0);
                    for (k, &stratum) in out.permutation.iter().enumerate() {
                        out.by_stratum[stratum as usize] = k as u32;
                    }
                    let (dist, values) = (&self.inputs[j], &mut out.values[j * m..(j + 1) * m]);
                    for &k in &out.by_stratum {
                        values[k as usize] = dist.quantile(column[k as usize]);
                    }
                    drawn[j] = true;
                }
            }
        }
        // Gaussian copula for correlated groups.
        let normal = Normal::standard();
        let mut scores = Vec::new();
        for group in &self.groups {
            for k in 0..m {
                scores.clear();
                scores.extend(group.inputs.iter().map(|&j| normal.inverse_cdf(uniforms[j * m + k])));
                group.correlate(&mut scores);
                for (&j, &z) in group.inputs.iter().zip(&scores) {
                    // Keep the uniform strictly inside (0, 1) for unbounded inverse CDFs.
                    uniforms[j * m + k] = normal.cdf(z).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
                }
            }
        }
        for (j, dist) in self.inputs.iter().enumerate().filter(|&(j, _)| !drawn[j]) {
            let values = &mut out.values[j * m..(j + 1) * m];
            match dist.distribution().fixed_value() {
                Some(v) => values.fill(v),
                None => {
                    for (value, &u) in values.iter_mut().zip(&uniforms[j * m..(j + 1) * m]) {
                        *value = dist.quantile(u);
                    }
                }
            }
        }
        out.uniforms = uniforms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_depend_on_seed_and_name_only() {
        assert_eq!(stream_key(7, "a.build_cost"), stream_key(7, "a.build_cost"));
        assert_ne!(stream_key(7, "a.build_cost"), stream_key(8, "a.build_cost"));
        assert_ne!(stream_key(7, "a.build_cost"), stream_key(7, "b.build_cost"));
    }

    #[test]
    fn blocks_cover_the_trials_once() {
        let trials = 5000;
        let covered: u64 = (0..block_count(trials)).map(|b| block_trials(b, trials).count() as u64).sum();
        assert_eq!(covered, trials);
        assert_eq!(block_trials(2, trials), 4096..5000);
    }

    #[test]
    fn unit_interval_is_open() {
        struct Edge(u64);
        impl rand::TryRng for Edge {
            type Error = std::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(self.0 as u32)
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(self.0)
            }
            fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
                Ok(())
            }
        }
        assert!(unit_interval(&mut Edge(0)) > 0.0);
        assert!(unit_interval(&mut Edge(u64::MAX)) < 1.0);
    }
}
