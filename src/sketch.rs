//! A bounded-memory quantile sketch with a stated error, for monthly percentiles.
//!
//! Holding every trial's cumulative cash flow for every set and month would
//! take `trials × sets × months` numbers. Instead each (set, month) keeps a
//! log-bucketed histogram: a value's bucket is its sign, its binary exponent
//! and the top [`MANTISSA_BITS`] bits of its mantissa, read straight from the
//! IEEE-754 bits. A bucket spans a relative width of at most `2⁻¹⁰`, and a
//! quantile is reported at the middle of its bucket, so the reported value is
//! within a relative error of `2⁻¹¹` (about 0.05%) of the order statistic it
//! stands for. Values with `|x| <` [`ZERO_BAND`] share one bucket reported as
//! 0, an absolute error of at most 0.5 currency units.
//!
//! Counts are integers, so merging sketches gives identical results in any
//! order: the thread count cannot change a percentile.
//!
//! ```
//! use roicast::sketch::QuantileSketch;
//! let mut sketch = QuantileSketch::default();
//! for x in 1..=1000 { sketch.insert(x as f64); }
//! let p50 = sketch.quantile(0.5).unwrap();
//! assert!((p50 - 500.5).abs() <= 500.5 * QuantileSketch::RELATIVE_ERROR + 1e-9);
//! ```

/// Mantissa bits that select a bucket within an octave.
pub const MANTISSA_BITS: u32 = 10;
/// Values closer to zero than this are counted as zero.
pub const ZERO_BAND: f64 = 0.5;

const SHIFT: u32 = 52 - MANTISSA_BITS;

/// Dense counts over a contiguous range of bucket indices.
#[derive(Debug, Clone, Default, PartialEq)]
struct Side {
    first: u64,
    counts: Vec<u32>,
}

impl Side {
    fn add(&mut self, index: u64, count: u32) {
        if self.counts.is_empty() {
            self.first = index;
            self.counts.push(0);
        } else if index < self.first {
            let grow = (self.first - index) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = index;
        } else if index >= self.first + self.counts.len() as u64 {
            self.counts.resize((index - self.first + 1) as usize, 0);
        }
        self.counts[(index - self.first) as usize] += count;
    }

    fn merge(&mut self, other: &Side) {
        for (k, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add(other.first + k as u64, c);
            }
        }
    }
}

/// Log-bucketed histogram of values; see the module docs for its error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuantileSketch {
    negative: Side,
    zero: u64,
    positive: Side,
    count: u64,
}

impl QuantileSketch {
    /// Largest relative error of a reported order statistic (outside the zero band).
    pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

    /// Counts one value. Non-finite values must not be inserted.
    #[inline]
    pub fn insert(&mut self, x: f64) {
        self.count += 1;
        if x.abs() < ZERO_BAND {
            self.zero += 1;
        } else if x > 0.0 {
            self.positive.add(x.to_bits() >> SHIFT, 1);
        } else {
            self.negative.add((-x).to_bits() >> SHIFT, 1);
        }
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds another sketch's counts.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.negative.merge(&other.negative);
        self.positive.merge(&other.positive);
        self.zero += other.zero;
        self.count += other.count;
    }

    /// The middle of a bucket, in value space.
    fn bucket_value(index: u64) -> f64 {
        let low = f64::from_bits(index << SHIFT);
        let high = f64::from_bits((index + 1) << SHIFT);
        0.5 * (low + high)
    }

    /// The value of the order statistic of 0-based rank `rank`.
    fn order_statistic(&self, rank: u64) -> f64 {
        let mut seen = 0u64;
        // Most negative first: the negative side in descending magnitude.
        for (k, &c) in self.negative.counts.iter().enumerate().rev() {
            seen += u64::from(c);
            if rank < seen {
                return -Self::bucket_value(self.negative.first + k as u64);
            }
        }
        seen += self.zero;
        if rank < seen {
            return 0.0;
        }
        for (k, &c) in self.positive.counts.iter().enumerate() {
            seen += u64::from(c);
            if rank < seen {
                return Self::bucket_value(self.positive.first + k as u64);
            }
        }
        Self::bucket_value(self.positive.first + self.positive.counts.len().saturating_sub(1) as u64)
    }

    /// The type-7 quantile `q` in `[0, 1]`, interpolating between the two
    /// order statistics it falls between; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let h = (self.count - 1) as f64 * q.clamp(0.0, 1.0);
        let below = h.floor();
        let lo = self.order_statistic(below as u64);
        if h == below {
            return Some(lo);
        }
        let hi = self.order_statistic(below as u64 + 1);
        Some(lo + (h - below) * (hi - lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    #[test]
    fn quantiles_within_stated_error_of_exact() {
        let mut values: Vec<f64> = (0..20_001).map(|i| ((i as f64) * 0.37).sin() * 1e6 + (i as f64) * 3.0).collect();
        let mut sketch = QuantileSketch::default();
        values.iter().for_each(|&x| sketch.insert(x));
        values.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            let exact = quantile_sorted(&values, q).unwrap();
            let approx = sketch.quantile(q).unwrap();
            let bound = exact.abs() * QuantileSketch::RELATIVE_ERROR + ZERO_BAND;
            assert!((approx - exact).abs() <= bound, "q={q}: {approx} vs {exact}");
        }
    }

    #[test]
    fn merge_is_order_independent() {
        let (mut a, mut b, mut c) = (QuantileSketch::default(), QuantileSketch::default(), QuantileSketch::default());
        (0..500).for_each(|i| a.insert(i as f64 - 250.0));
        (0..500).for_each(|i| b.insert(i as f64 * 1e4));
        let mut ab = a.clone();
        ab.merge(&b);
        c.merge(&b);
        c.merge(&a);
        assert_eq!(ab, c);
    }
}
