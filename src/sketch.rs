//! Bounded-memory percentiles with a stated error, for the monthly table.
//!
//! Holding every trial's cumulative cash flow for every set and month would
//! take `trials × sets × months` numbers. Instead each (set, month) keeps a
//! [`RangeHistogram`]: [`HISTOGRAM_BINS`] equal bins over a range fixed by the
//! run's first block of trials (the pilot), plus two [`QuantileSketch`]es for
//! the far tails outside it. Memory is fixed per set and month, whatever the
//! number of trials.
//!
//! Error: a reported order statistic lies in the same bin as the true one,
//! so it is off by at most one bin width, twice the pilot's P0.5–P99.5
//! spread divided by 8,192; inside a bin values are spread evenly by rank,
//! which in practice keeps the error near a few hundredths of the Monte Carlo
//! standard error of the percentile (the engine's tests check it stays below
//! a tenth at 20,000 trials). Tail values use a log-bucket sketch: a
//! bucket is a value's sign, binary exponent and top [`MANTISSA_BITS`]
//! mantissa bits, so a value is reported within a relative `2⁻¹¹` (values
//! with `|x| <` [`ZERO_BAND`] count as 0).
//!
//! Counts are integers, so merging gives identical results in any order:
//! the thread count cannot change a percentile.
//!
//! ```
//! use roicast::sketch::QuantileSketch;
//! let mut sketch = QuantileSketch::default();
//! for x in 1..=1000 { sketch.insert(x as f64); }
//! let p50 = sketch.quantile(0.5).unwrap();
//! assert!((p50 - 500.5).abs() <= 500.5 * QuantileSketch::RELATIVE_ERROR + 1e-9);
//! ```

use wide::{f32x8, f64x8};

/// Mantissa bits that select a bucket within an octave.
pub const MANTISSA_BITS: u32 = 10;
/// Values closer to zero than this are counted as zero.
pub const ZERO_BAND: f64 = 0.5;

const SHIFT: u32 = 52 - MANTISSA_BITS;

/// Dense counts over a contiguous range of bucket indices (with slack).
#[derive(Debug, Clone, Default)]
struct Side {
    first: u64,
    counts: Vec<u32>,
}

impl Side {
    #[inline]
    fn add(&mut self, index: u64, count: u32) {
        let offset = index.wrapping_sub(self.first);
        if offset < self.counts.len() as u64 {
            self.counts[offset as usize] += count;
        } else {
            self.grow_to(index);
            self.counts[(index - self.first) as usize] += count;
        }
    }

    /// Widens the dense range to hold `index`, with slack so growth is amortised.
    #[cold]
    fn grow_to(&mut self, index: u64) {
        let slack = (self.counts.len() as u64 / 2).max(16);
        if self.counts.is_empty() {
            self.first = index.saturating_sub(slack / 2);
            self.counts.resize(slack as usize, 0);
        } else if index < self.first {
            let new_first = index.saturating_sub(slack);
            let grow = (self.first - new_first) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = new_first;
        } else {
            let new_len = (index - self.first + 1 + slack) as usize;
            self.counts.resize(new_len, 0);
        }
    }

    /// The non-empty buckets as (index, count).
    fn buckets(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(k, &c)| (self.first + k as u64, c))
    }

    fn merge(&mut self, other: &Side) {
        for (index, count) in other.buckets() {
            self.add(index, count);
        }
    }
}

impl PartialEq for Side {
    /// Equal when they hold the same counts, whatever their slack.
    fn eq(&self, other: &Side) -> bool {
        self.buckets().eq(other.buckets())
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
    pub(crate) fn order_statistic(&self, rank: u64) -> f64 {
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
        crate::stats::type7(self.count, q, |rank| self.order_statistic(rank))
    }

    /// How many values are at most `x`, each taken as its bucket's middle
    /// (as [`QuantileSketch::quantile`] reports it).
    fn count_at_most(&self, x: f64) -> u64 {
        let negative = self.negative.buckets().filter(|&(index, _)| -Self::bucket_value(index) <= x);
        let positive = self.positive.buckets().filter(|&(index, _)| Self::bucket_value(index) <= x);
        let zero = if x >= 0.0 { self.zero } else { 0 };
        negative.chain(positive).map(|(_, count)| u64::from(count)).sum::<u64>() + zero
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
    fn slot_columns_count_exactly_what_the_values_count() {
        // Two columns with values inside, below and above their ranges, and
        // a partial tile at the end (21 rows).
        let values: Vec<[f32; 2]> =
            (0..21).map(|i| [(i as f32 - 3.0) * 10.0, if i % 4 == 0 { 1e9 } else { -(i as f32) }]).collect();
        let ranges = [
            HistogramRange { low: 0.0, width: 100.0 / HISTOGRAM_BINS as f64 },
            HistogramRange { low: -15.0, width: 15.0 / HISTOGRAM_BINS as f64 },
        ];
        let mut by_value = ranges.map(RangeHistogram::new);
        for (c, histogram) in by_value.iter_mut().enumerate() {
            histogram.insert_all(&values.iter().map(|row| row[c]).collect::<Vec<f32>>());
        }
        let mut by_slot = ranges.map(RangeHistogram::new);
        let slot_ranges = SlotRanges::of(&by_slot);
        let mut columns = SlotColumns::default();
        columns.reset(2, values.len());
        for first in (0..values.len()).step_by(TILE) {
            let used = (values.len() - first).min(TILE);
            for c in [0, 1] {
                // Unused lanes hold a value that would show if it were counted.
                let tile: [f64; TILE] =
                    std::array::from_fn(|l| if l < used { f64::from(values[first + l][c]) } else { 1e30 });
                columns.write(c, first, &tile, used, &slot_ranges);
            }
        }
        columns.finish();
        for (c, histogram) in by_slot.iter_mut().enumerate() {
            histogram.insert_slots(c, [&columns]);
        }
        assert_eq!(by_slot, by_value);
        assert!(by_value[0].below.count() == 3 && by_value[1].above.count() == 6, "both tails are exercised");
    }

    #[test]
    fn shares_at_most_a_value_count_bins_and_tails() {
        // 1..=1000 inside the range, ten values far below it and ten far above.
        let mut histogram = RangeHistogram::new(HistogramRange { low: 0.0, width: 1000.0 / HISTOGRAM_BINS as f64 });
        let values: Vec<f32> =
            (1..=1000).map(|v| v as f32).chain((1..=10).map(|v| -1e6 * v as f32)).chain([5e6; 10]).collect();
        histogram.insert_all(&values);
        let n = values.len() as f64;
        for x in [-5e6, 0.5, 100.0, 250.5, 999.0, 2e6] {
            let exact = values.iter().filter(|&&v| f64::from(v) <= x).count() as f64 / n;
            let share = histogram.share_at_most(x).unwrap();
            // Within one bin's count (at most one value here).
            assert!((share - exact).abs() <= 1.0 / n, "{x}: {share} vs {exact}");
        }
        assert_eq!(histogram.share_at_most(-2e7), Some(0.0));
        assert_eq!(histogram.share_at_most(5e6), Some(1.0));
        assert_eq!(RangeHistogram::new(histogram.range()).share_at_most(1.0), None);
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

/// Bins of a [`RangeHistogram`] between its lower and upper edge.
pub const HISTOGRAM_BINS: usize = 8192;

/// The slot ([`HistogramRange::slot`]) of values above a histogram's range.
pub const OUTSIDE_ABOVE: usize = HISTOGRAM_BINS + 1;

/// The slot of value `v` in a range starting at `low` with `scale` bins per
/// unit (one over the bin width); see [`HistogramRange::slot`].
#[inline(always)]
fn slot_at(v: f32, low: f64, scale: f64) -> u16 {
    let position = slot_positions(f64x8::splat(f64::from(v)), low, scale).to_array()[0];
    // SAFETY: the position is a number in [0, OUTSIDE_ABOVE], so it
    // converts exactly to its floor; the checked `as` conversion costs four
    // times the rest of this function.
    unsafe { position.to_int_unchecked::<u16>() }
}

/// Where eight values fall in a range starting at `low` with `scale` bins
/// per unit: `(v - low) * scale + 1`, held to `[0, OUTSIDE_ABOVE]` (NaN to
/// 0). Its floor is the value's slot: 0 below the range, [`OUTSIDE_ABOVE`]
/// above it.
#[inline(always)]
fn slot_positions(values: f64x8, low: f64, scale: f64) -> f64x8 {
    let (zero, last) = (f64x8::ZERO, f64x8::splat(OUTSIDE_ABOVE as f64));
    let position = (values - f64x8::splat(low)) * f64x8::splat(scale) + f64x8::ONE;
    // Comparisons, so that NaN becomes 0 too.
    let position = position.simd_ge(zero).select(position, zero);
    position.simd_le(last).select(position, last)
}

/// A tile's values rounded to single precision, and those widened back:
/// one conversion each way in SIMD where the processor has AVX-512 (the
/// compiler would otherwise convert in pieces through memory).
#[inline(always)]
fn single_precision(values: &[f64; TILE]) -> ([f32; TILE], [f64; TILE]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx512f"))]
    {
        use std::arch::x86_64::{
            _mm256_storeu_ps, _mm512_cvtpd_ps, _mm512_cvtps_pd, _mm512_loadu_pd, _mm512_storeu_pd,
        };
        let (mut rounded, mut widened) = ([0.0; TILE], [0.0; TILE]);
        // SAFETY: the target has AVX-512F (checked at compile time), and
        // every pointer is to an array of eight lanes of its type.
        unsafe {
            let single = _mm512_cvtpd_ps(_mm512_loadu_pd(values.as_ptr()));
            _mm256_storeu_ps(rounded.as_mut_ptr(), single);
            _mm512_storeu_pd(widened.as_mut_ptr(), _mm512_cvtps_pd(single));
        }
        (rounded, widened)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx512f")))]
    {
        let rounded = values.map(|v| v as f32);
        (rounded, rounded.map(f64::from))
    }
}

/// The fixed range of a [`RangeHistogram`], set from a pilot sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramRange {
    /// Lower edge of the first bin.
    pub low: f64,
    /// Width of one bin.
    pub width: f64,
}

impl HistogramRange {
    /// The slot of value `v`: 0 below the range, bin `b` in slot `b + 1`,
    /// [`OUTSIDE_ABOVE`] above the range.
    #[inline(always)]
    pub fn slot(&self, v: f32) -> u16 {
        slot_at(v, self.low, 1.0 / self.width)
    }

    /// A range around the body of a pilot sample: its 0.5th to 99.5th
    /// percentile, widened by half that spread on each side (twice the spread
    /// in all), cut into [`HISTOGRAM_BINS`] bins. Heavy tails beyond it go to
    /// the histogram's tail sketches and cannot stretch the bins.
    pub fn around(pilot: &[f32]) -> HistogramRange {
        let mut sorted: Vec<f64> = pilot.iter().map(|&x| f64::from(x)).filter(|x| x.is_finite()).collect();
        if sorted.is_empty() {
            return HistogramRange { low: -1.0, width: 2.0 / HISTOGRAM_BINS as f64 };
        }
        sorted.sort_by(f64::total_cmp);
        let low = crate::stats::quantile_sorted(&sorted, 0.005).unwrap_or(sorted[0]);
        let high = crate::stats::quantile_sorted(&sorted, 0.995).unwrap_or(sorted[sorted.len() - 1]);
        let span = (high - low).max(1e-9 * low.abs().max(high.abs())).max(1e-6);
        HistogramRange { low: low - 0.5 * span, width: 2.0 * span / HISTOGRAM_BINS as f64 }
    }
}

/// A linear histogram over a fixed range, with exact extremes and
/// [`QuantileSketch`]es for whatever falls outside the range.
///
/// This is what the monthly percentiles are made of. Values inside the
/// range land in one of [`HISTOGRAM_BINS`] equal bins; a quantile is read by
/// interpolating linearly inside the bin that holds its rank, so the reported
/// value is within one bin width (twice the pilot's P0.5–P99.5 spread / 8192)
/// of the order statistic it stands for; in practice much closer, since the
/// values inside a bin are spread evenly by rank. Values outside the range —
/// the far tails, beyond the extremes of the percentiles reported — go to
/// log-bucket sketches with relative error 2⁻¹¹.
/// Results are clamped to the exact minimum and maximum seen, so a point mass
/// is reported exactly. Counts are integers: merging is order-free.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeHistogram {
    range: HistogramRange,
    bins: Vec<u32>,
    below: QuantileSketch,
    above: QuantileSketch,
    min: f64,
    max: f64,
    count: u64,
}

impl RangeHistogram {
    /// An empty histogram over `range`.
    pub fn new(range: HistogramRange) -> RangeHistogram {
        RangeHistogram {
            range,
            bins: vec![0; HISTOGRAM_BINS],
            below: QuantileSketch::default(),
            above: QuantileSketch::default(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            count: 0,
        }
    }

    /// Counts every value of a column.
    pub fn insert_all(&mut self, values: &[f32]) {
        self.insert_columns([values]);
    }

    /// Counts every value of several columns.
    ///
    /// Two extra local bins (see `count_locally`) count the
    /// values below and above the range, so the counting loop has no branch;
    /// only a column with such values is read again, for them alone.
    pub fn insert_columns<'a>(&mut self, columns: impl IntoIterator<Item = &'a [f32]>) {
        self.count_locally(columns, Self::count_values);
    }

    /// Feeds `columns` to `count` in runs of at most 65,535 values, with
    /// 16-bit bins to count them in: the bins sit on the stack (16 KiB, half
    /// the first-level cache, where the full bins would fill all of it and
    /// evict the columns being read) and are added into the histogram's
    /// whenever another run could overflow them, and at the end if any
    /// value was counted. Slot 0
    /// and [`OUTSIDE_ABOVE`] of the local bins count values outside the range.
    fn count_locally<'a, T: 'a>(
        &mut self,
        columns: impl IntoIterator<Item = &'a [T]>,
        mut count: impl FnMut(&mut Self, &'a [T], &mut [u16; HISTOGRAM_BINS + 2]),
    ) {
        const LOCAL_LIMIT: usize = u16::MAX as usize;
        let mut local = [0u16; HISTOGRAM_BINS + 2];
        let mut pending = 0;
        for column in columns {
            for values in column.chunks(LOCAL_LIMIT) {
                if pending + values.len() > LOCAL_LIMIT {
                    self.add_local(&mut local);
                    pending = 0;
                }
                count(self, values, &mut local);
                pending += values.len();
            }
        }
        // Nothing counted, nothing to add: a wave's other kind of column
        // (values in the first wave, slots after it) must not sweep the bins.
        if pending > 0 {
            self.add_local(&mut local);
        }
    }

    /// Moves 16-bit counts into the bins, leaving them zero.
    fn add_local(&mut self, local: &mut [u16; HISTOGRAM_BINS + 2]) {
        for (bin, count) in self.bins.iter_mut().zip(local[1..].iter_mut()) {
            *bin += u32::from(std::mem::take(count));
        }
        local[0] = 0;
        local[HISTOGRAM_BINS + 1] = 0;
    }

    /// Counts a value outside the range (slot 0 or [`OUTSIDE_ABOVE`]) in
    /// its tail sketch; does nothing for a value inside.
    fn insert_outside(&mut self, v: f32) {
        match usize::from(self.range.slot(v)) {
            0 => self.below.insert(f64::from(v)),
            OUTSIDE_ABOVE => self.above.insert(f64::from(v)),
            _ => {}
        }
    }

    /// Counts column `cell` of several blocks of [`SlotColumns`], whose
    /// slots were taken with this histogram's range.
    pub fn insert_slots<'a, B>(&mut self, cell: usize, blocks: B)
    where
        B: IntoIterator<Item = &'a SlotColumns>,
        B::IntoIter: Clone,
    {
        let blocks = blocks.into_iter();
        self.count_locally(blocks.clone().map(|block| block.column(cell)), |histogram, slots, local| {
            for &slot in slots {
                local[usize::from(slot).min(OUTSIDE_ABOVE)] += 1;
            }
            histogram.count += slots.len() as u64;
        });
        for block in blocks {
            self.min = block.low[cell].iter().fold(self.min, |min, &v| min.min(f64::from(v)));
            self.max = block.high[cell].iter().fold(self.max, |max, &v| max.max(f64::from(v)));
            for &v in block.outside(cell) {
                self.insert_outside(v);
            }
        }
    }

    /// Counts at most 65,535 values into `local` (bins, offset by one past
    /// the count of values below the range) and the tail sketches.
    fn count_values(&mut self, values: &[f32], local: &mut [u16; HISTOGRAM_BINS + 2]) {
        // The extremes in eight lanes first: one running minimum would make
        // every value wait for the comparison before it.
        const LANES: usize = 8;
        let (mut low_lanes, mut high_lanes) = ([f32::INFINITY; LANES], [f32::NEG_INFINITY; LANES]);
        let chunks = values.chunks_exact(LANES);
        for &v in chunks.remainder() {
            low_lanes[0] = low_lanes[0].min(v);
            high_lanes[0] = high_lanes[0].max(v);
        }
        for chunk in chunks {
            for l in 0..LANES {
                low_lanes[l] = low_lanes[l].min(chunk[l]);
                high_lanes[l] = high_lanes[l].max(chunk[l]);
            }
        }
        let low_seen = low_lanes.into_iter().fold(f32::INFINITY, f32::min);
        let high_seen = high_lanes.into_iter().fold(f32::NEG_INFINITY, f32::max);
        self.min = self.min.min(f64::from(low_seen));
        self.max = self.max.max(f64::from(high_seen));
        let outside = (local[0], local[HISTOGRAM_BINS + 1]);
        // Slots in batches (a loop the compiler turns into SIMD), then the counts.
        const BATCH: usize = 64;
        let mut slots = [0u16; BATCH];
        for batch in values.chunks(BATCH) {
            for (slot, &v) in slots.iter_mut().zip(batch) {
                *slot = self.range.slot(v);
            }
            for &slot in &slots[..batch.len()] {
                local[usize::from(slot).min(OUTSIDE_ABOVE)] += 1;
            }
        }
        if (local[0], local[HISTOGRAM_BINS + 1]) != outside {
            for &v in values {
                self.insert_outside(v);
            }
        }
        self.count += values.len() as u64;
    }

    /// Adds another histogram over the same range.
    pub fn merge(&mut self, other: &RangeHistogram) {
        debug_assert_eq!(self.range, other.range, "histograms over different ranges");
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.below.merge(&other.below);
        self.above.merge(&other.above);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.count += other.count;
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The range of its bins.
    pub fn range(&self) -> HistogramRange {
        self.range
    }

    /// The value of the order statistic of 0-based rank `rank`.
    fn order_statistic(&self, rank: u64) -> f64 {
        let below = self.below.count();
        if rank < below {
            return self.below.order_statistic(rank);
        }
        let mut seen = below;
        for (bin, &count) in self.bins.iter().enumerate() {
            let count = u64::from(count);
            if rank < seen + count {
                let within = (rank - seen) as f64 + 0.5;
                return self.range.low + (bin as f64 + within / count as f64) * self.range.width;
            }
            seen += count;
        }
        self.above.order_statistic(rank - seen)
    }

    /// The type-7 quantile `q` in `[0, 1]`; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        crate::stats::type7(self.count, q, |rank| self.order_statistic(rank))
            .map(|value| value.clamp(self.min, self.max))
    }

    /// The share of the values that are at most `x` (rounded to single
    /// precision, as the values were); `None` when empty. Values inside a
    /// bin count as spread evenly over it, as for [`RangeHistogram::quantile`],
    /// so the share is off by at most one bin's count; below the least value
    /// it is exactly 0, from the greatest on exactly 1.
    pub fn share_at_most(&self, x: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let x = f64::from(x as f32);
        if x >= self.max {
            return Some(1.0);
        }
        if x < self.min {
            return Some(0.0);
        }
        let position = (x - self.range.low) / self.range.width;
        let mut at_most = self.below.count_at_most(x) as f64;
        if position >= 0.0 {
            let whole = (position.floor() as usize).min(HISTOGRAM_BINS);
            at_most += self.bins[..whole].iter().map(|&c| f64::from(c)).sum::<f64>();
            match self.bins.get(whole) {
                Some(&count) => at_most += f64::from(count) * (position - whole as f64),
                None => at_most += self.above.count_at_most(x) as f64,
            }
        }
        Some((at_most / self.count as f64).clamp(0.0, 1.0))
    }
}

/// The ranges of many histograms, one per column of [`SlotColumns`], looked
/// up by column as a tile of its values is turned into slots.
#[derive(Debug, Clone, Default)]
pub struct SlotRanges {
    low: Vec<f64>,
    /// One over the bin width, as [`HistogramRange::slot`] computes it.
    scale: Vec<f64>,
}

impl SlotRanges {
    /// The ranges of these histograms, in order.
    pub fn of<'a>(histograms: impl IntoIterator<Item = &'a RangeHistogram>) -> SlotRanges {
        let (low, scale) = histograms.into_iter().map(|h| (h.range.low, 1.0 / h.range.width)).unzip();
        SlotRanges { low, scale }
    }

    /// True when there are none (before the pilot block has set them).
    pub fn is_empty(&self) -> bool {
        self.low.is_empty()
    }
}

/// Values of a column that [`SlotColumns::write`] takes at once (the
/// trials of a tile).
pub const TILE: usize = 8;

/// A block's values for many histograms, a column each, kept as slots
/// ([`HistogramRange::slot`], two bytes a value instead of four), with what
/// the slots leave out: each column's extremes and its values outside the range.
///
/// Values arrive a column and a tile of trials at a time
/// ([`SlotColumns::write`]), as the model computes them.
#[derive(Debug, Clone, Default)]
pub struct SlotColumns {
    /// Values per column.
    trials: usize,
    /// The slots, column after column.
    slots: Vec<u16>,
    /// Smallest value of each column in each lane of a tile (so that a
    /// tile updates them in SIMD).
    low: Vec<[f32; TILE]>,
    /// Largest value of each column in each lane of a tile.
    high: Vec<[f32; TILE]>,
    /// Values outside their column's range, as (column, value), sorted by
    /// column once the block is complete.
    outside: Vec<(u32, f32)>,
}

impl SlotColumns {
    /// Empties it for `columns` columns of `trials` values each (every
    /// value must then be written: the slots left from before are not cleared).
    pub fn reset(&mut self, columns: usize, trials: usize) {
        self.trials = trials;
        self.slots.resize(columns * trials, 0);
        self.low.clear();
        self.low.resize(columns, [f32::INFINITY; TILE]);
        self.high.clear();
        self.high.resize(columns, [f32::NEG_INFINITY; TILE]);
        self.outside.clear();
    }

    /// Writes the slots of the first `used` of a tile's `values` (as the
    /// model computes them, kept in single precision like every value the
    /// histograms count) into column `c`, as its values `first..first +
    /// used`, keeping the column's extremes and the values outside its range.
    #[inline]
    pub fn write(&mut self, c: usize, first: usize, values: &[f64; TILE], used: usize, ranges: &SlotRanges) {
        // The whole tile in SIMD registers, the unused lanes repeating the
        // first value (which changes neither extreme).
        let values = if used == TILE { *values } else { std::array::from_fn(|l| values[if l < used { l } else { 0 }]) };
        let (rounded, widened) = single_precision(&values);
        let v = f32x8::new(rounded);
        let (low, high) = (f32x8::new(self.low[c]), f32x8::new(self.high[c]));
        self.low[c] = v.simd_lt(low).select(v, low).to_array();
        self.high[c] = v.simd_gt(high).select(v, high).to_array();
        let position = slot_positions(f64x8::new(widened), ranges.low[c], ranges.scale[c]);
        // Slot 0 (below) and the last slot (above) are the values outside.
        let outside = position.simd_lt(f64x8::ONE) | position.simd_ge(f64x8::splat(OUTSIDE_ABOVE as f64));
        // In [0, OUTSIDE_ABOVE]: the truncation is the floor, and exact in 16 bits.
        let slots = position.fast_trunc_int().to_array().map(|slot| slot as u16);
        let column = &mut self.slots[c * self.trials + first..];
        // A whole tile as one store; a partial one (a block's last) slot by slot.
        if used == TILE {
            column[..TILE].copy_from_slice(&slots);
        } else {
            column[..used].copy_from_slice(&slots[..used]);
        }
        if outside.any() {
            let outside = outside.to_bitmask();
            for (l, &value) in rounded[..used].iter().enumerate() {
                if outside & (1 << l) != 0 {
                    self.outside.push((c as u32, value));
                }
            }
        }
    }

    /// Sorts the values outside the ranges by column; call once every value is written.
    pub fn finish(&mut self) {
        self.outside.sort_unstable_by_key(|&(c, _)| c);
    }

    /// The slots of column `c`.
    fn column(&self, c: usize) -> &[u16] {
        &self.slots[c * self.trials..(c + 1) * self.trials]
    }

    /// The values of column `c` outside its range.
    fn outside(&self, c: usize) -> impl Iterator<Item = &f32> {
        let c = c as u32;
        let start = self.outside.partition_point(|&(column, _)| column < c);
        self.outside[start..].iter().take_while(move |&&(column, _)| column == c).map(|(_, v)| v)
    }
}
