//! Every report orders its samples: the sensitivity analysis ranks every
//! uncertain input and each analysed set's NPV, the summaries need a few
//! order statistics of each set's NPV and ROIs, the convergence report
//! sorts the portfolio's NPV. At a million trials a comparison sort of
//! floats (`sort_by(f64::total_cmp)`) takes about 27 ms an array on the
//! development machine, and ranking with `sort_unstable` of (key, index)
//! pairs about 30 ms; the radix sorts here take about 9 and 12 ms, and give
//! exactly the same order. Order statistics alone need no full sort
//! ([`Workspace::order_statistics`](crate::rank::Workspace::order_statistics)):
//! a histogram of the keys' highest bits finds the buckets they fall in, and
//! only those are sorted.
//!
//! How: each value maps to a `u64` key that sorts like it (the IEEE-754 bits
//! with the sign folded in). Only the bits that differ between some keys
//! carry order, so the sort looks at the highest 32 of those: a
//! least-significant-digit radix sort, 8 bits a pass, that skips any digit
//! that is the same in every key. Words that agree in all those bits are put
//! in order afterwards by a comparison sort of their (rare, short) runs.
//! Ranking packs each key's highest varying bits and the value's index into
//! one word, so a pass moves eight bytes a value, not sixteen.
//!
//! A [`Workspace`](crate::rank::Workspace) keeps the buffers between
//! samples: sorting or ranking many columns of the same length then
//! allocates, and the kernel zeroes, their memory once.
//!
//! ```
//! use roicast::rank::{doubled_ranks, sorted};
//! let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
//! assert_eq!(bits(&sorted([3.0, -0.0, 0.0, -1.5])), bits(&[-1.5, -0.0, 0.0, 3.0]));
//! // Ranks 1..=4 with the two 20s tied at 2.5, doubled: 2, 5, 5, 8.
//! assert_eq!(doubled_ranks(&[10.0, 20.0, 20.0, 30.0]), vec![2, 5, 5, 8]);
//! ```

/// Bits of the keys that radix passes sort by; ties in them are settled by a comparison sort.
const RADIX_BITS: u32 = 32;

/// Bits per radix pass.
const DIGIT_BITS: u32 = 8;

/// A value that can be ranked: it maps to an integer that sorts like it.
///
/// Implemented for `f64` and `f32`, so a column can be ranked whichever it holds.
pub trait SortKey: Copy {
    /// An integer that sorts like the value, with −0 and +0 equal.
    fn sort_key(self) -> u64;
}

impl SortKey for f64 {
    fn sort_key(self) -> u64 {
        total_key(self + 0.0)
    }
}

impl SortKey for f32 {
    fn sort_key(self) -> u64 {
        let bits = (self + 0.0).to_bits();
        u64::from(if bits >> 31 == 1 { !bits } else { bits | (1 << 31) })
    }
}

/// An integer ordered like `x` under `f64::total_cmp` (so −0 before +0); [`from_total_key`] undoes it.
fn total_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

/// The number whose [`total_key`] is `key`.
fn from_total_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

/// Most passes of a radix sort: [`RADIX_BITS`] in digits of [`DIGIT_BITS`].
const MAX_PASSES: usize = (RADIX_BITS / DIGIT_BITS) as usize;

/// The passes of a radix sort of words by their bits `lo..hi` (at most
/// [`RADIX_BITS`] of them), 8 bits a pass from the lowest, skipping the
/// digits in which no word differs; with the count of each digit's values.
struct Passes {
    shifts: [u32; MAX_PASSES],
    passes: usize,
    counts: [[u32; 1 << DIGIT_BITS]; MAX_PASSES],
}

impl Passes {
    /// The passes for bits `lo..hi` of words that differ only in the bits of `varying`.
    fn new(lo: u32, hi: u32, varying: u64) -> Passes {
        let mut shifts = [0; MAX_PASSES];
        let mut passes = 0;
        for shift in (lo..hi).step_by(DIGIT_BITS as usize).filter(|&shift| digit(varying, shift) != 0) {
            shifts[passes] = shift;
            passes += 1;
        }
        Passes { shifts, passes, counts: [[0; 1 << DIGIT_BITS]; MAX_PASSES] }
    }

    /// Counts a word's digits; every word is counted before [`Passes::sort`].
    fn count(&mut self, w: u64) {
        for pass in 0..MAX_PASSES {
            if pass < self.passes {
                self.counts[pass][digit(w, self.shifts[pass])] += 1;
            }
        }
    }

    /// Sorts the counted `words` stably; `spare` is scratch.
    fn sort(mut self, words: &mut Vec<u64>, spare: &mut Vec<u64>) {
        assert!(u32::try_from(words.len()).is_ok(), "cannot sort {} values: at most 2^32 - 1", words.len());
        // Every slot is written before it is read; only a first use pays for zeroing.
        spare.resize(words.len(), 0);
        for (next, &shift) in self.counts.iter_mut().zip(&self.shifts).take(self.passes) {
            let mut total = 0;
            for c in next.iter_mut() {
                (*c, total) = (total, total + *c);
            }
            for &w in words.iter() {
                let slot = &mut next[digit(w, shift)];
                spare[*slot as usize] = w;
                *slot += 1;
            }
            std::mem::swap(words, spare);
        }
    }
}

/// The 8-bit digit of `w` starting at bit `shift`.
fn digit(w: u64, shift: u32) -> usize {
    ((w >> shift) & ((1 << DIGIT_BITS) - 1)) as usize
}

/// The end of the run of words from `start` on that are equal in their bits from `shift` up.
fn run_end(words: &[u64], start: usize, shift: u32) -> usize {
    let high = words[start] >> shift;
    let mut end = start + 1;
    while end < words.len() && words[end] >> shift == high {
        end += 1;
    }
    end
}

/// Bits of the keys whose histogram [`Workspace::order_statistics`] counts.
const SELECT_BITS: u32 = 16;

/// Buffers for sorting and ranking, kept from one sample to the next.
#[derive(Debug, Default)]
pub struct Workspace {
    words: Vec<u64>,
    spare: Vec<u64>,
    sorted: Vec<f64>,
    /// Counts of the keys' highest varying bits, for selection.
    counts: Vec<u32>,
}

impl Workspace {
    /// Fills the words with the values' [`total_key`]s; returns the bits in
    /// which some keys differ.
    fn load_keys(&mut self, values: impl IntoIterator<Item = f64>) -> u64 {
        self.words.clear();
        let (mut any, mut all) = (0, u64::MAX);
        self.words.extend(values.into_iter().map(|x| {
            let key = total_key(x);
            (any, all) = (any | key, all & key);
            key
        }));
        any & !all
    }

    /// The values in ascending `f64::total_cmp` order: bit for bit the array
    /// `sort_by(f64::total_cmp)` gives (NaNs included, −0 before +0). The
    /// slice lives in the workspace until its next use.
    ///
    /// Panics with 2³² values or more.
    pub fn sorted(&mut self, values: impl IntoIterator<Item = f64>) -> &[f64] {
        let varying = self.load_keys(values);
        let words = &mut self.words;
        // Radix passes sort by bits lo..hi: the highest varying ones.
        let hi = u64::BITS - varying.leading_zeros();
        let lo = hi.saturating_sub(RADIX_BITS);
        if varying != 0 {
            let mut passes = Passes::new(lo, hi, varying);
            words.iter().for_each(|&w| passes.count(w));
            passes.sort(words, &mut self.spare);
        }
        if lo > 0 {
            // Words equal in the sorted bits are in order once their run is sorted.
            let mut start = 0;
            while start < words.len() {
                let end = run_end(words, start, lo);
                if end - start > 1 {
                    words[start..end].sort_unstable();
                }
                start = end;
            }
        }
        self.sorted.clear();
        self.sorted.extend(words.iter().map(|&key| from_total_key(key)));
        &self.sorted
    }

    /// The order statistics of the values at `ranks` (0-based, counted in
    /// ascending order; each below the number of values), in the order of
    /// `ranks`: the values [`Workspace::sorted`] would hold there, bit for
    /// bit, without sorting them all. A histogram of the keys' highest 16
    /// varying bits tells in which of its buckets each rank falls; only the
    /// values of those buckets are then sorted (a few thousandths of a
    /// sample spread over many buckets).
    ///
    /// Panics when a rank is not below the number of values.
    pub fn order_statistics(&mut self, values: impl IntoIterator<Item = f64>, ranks: &[u64]) -> Vec<f64> {
        let varying = self.load_keys(values);
        let words = &mut self.words;
        let n = words.len() as u64;
        assert!(u32::try_from(n).is_ok(), "cannot select among {n} values: at most 2^32 - 1");
        assert!(ranks.iter().all(|&rank| rank < n), "an order statistic beyond the {n} values");
        // Bits above the highest varying one are the same in every key, so
        // the buckets of the next ones are in key order.
        let lo = (u64::BITS - varying.leading_zeros()).saturating_sub(SELECT_BITS);
        let bucket = |w: u64| ((w >> lo) & ((1 << SELECT_BITS) - 1)) as usize;
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(1 << SELECT_BITS, 0);
        words.iter().for_each(|&w| counts[bucket(w)] += 1);
        // Each bucket's first rank; then the buckets the ranks fall in.
        let mut first = 0;
        for count in counts.iter_mut() {
            (*count, first) = (first, first + *count);
        }
        let bucket_of = |rank: u64| counts.partition_point(|&start| u64::from(start) <= rank) - 1;
        let mut wanted: Vec<usize> = ranks.iter().map(|&rank| bucket_of(rank)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut marked = vec![0u64; (1 << SELECT_BITS) / 64];
        wanted.iter().for_each(|&b| marked[b / 64] |= 1 << (b % 64));
        // The wanted buckets' words, sorted: their buckets one after another.
        let spare = &mut self.spare;
        spare.clear();
        spare.extend(words.iter().copied().filter(|&w| marked[bucket(w) / 64] >> (bucket(w) % 64) & 1 == 1));
        spare.sort_unstable();
        ranks
            .iter()
            .map(|&rank| {
                let b = bucket_of(rank);
                let before: u64 = wanted.iter().take_while(|&&w| w < b).map(|&w| bucket_size(counts, w, n)).sum();
                from_total_key(spare[(before + rank - u64::from(counts[b])) as usize])
            })
            .collect()
    }

    /// Twice the average rank of each value, into `ranks` in the values'
    /// order: ranks run 1..=n in ascending [`SortKey`] order and tied values
    /// share the mean of their ranks (doubled, a half rank stays an integer).
    ///
    /// Panics with 2³¹ values or more.
    pub fn doubled_ranks<K: SortKey>(&mut self, values: &[K], ranks: &mut Vec<u32>) {
        let n = values.len();
        assert!(n < 1 << 31, "cannot rank {n} values: at most 2^31 - 1");
        // Every rank is written below; only a first use pays for zeroing.
        ranks.resize(n, 0);
        let (any, all) = values.iter().map(|v| v.sort_key()).fold((0, u64::MAX), |(any, all), k| (any | k, all & k));
        let varying = any & !all;
        if varying == 0 {
            // All equal (or none): every value has the mean rank (n + 1) / 2.
            ranks.fill(n as u32 + 1);
            return;
        }
        // A word is the key's highest varying bits above the value's index.
        let index_bits = u32::BITS - (n as u32 - 1).leading_zeros();
        let index_mask = (1u64 << index_bits) - 1;
        let hi = u64::BITS - varying.leading_zeros();
        let width = hi.min(u64::BITS - index_bits);
        let lo = hi - width;
        let window = |key: u64| (key >> lo) & (u64::MAX >> (u64::BITS - width));
        let top = index_bits + width;
        let radix_from = top.saturating_sub(RADIX_BITS).max(index_bits);
        let mut passes = Passes::new(radix_from, top, window(varying) << index_bits);
        let words = &mut self.words;
        words.clear();
        words.extend(values.iter().zip(0u64..).map(|(v, i)| {
            let w = window(v.sort_key()) << index_bits | i;
            passes.count(w);
            w
        }));
        passes.sort(words, &mut self.spare);
        // Twice the mean of ranks first + 1 ..= last.
        let doubled = |first: usize, last: usize| (first + last + 1) as u32;
        let mut start = 0;
        while start < n {
            let end = run_end(words, start, radix_from);
            if end - start == 1 {
                ranks[(words[start] & index_mask) as usize] = doubled(start, end);
                start = end;
                continue;
            }
            // Equal in the sorted bits: order by the rest of the words, then
            // find the values tied in all the bits the words hold.
            let run = &mut words[start..end];
            run.sort_unstable();
            let mut first = 0;
            while first < run.len() {
                let last = run_end(run, first, index_bits);
                let tied = &run[first..last];
                if lo == 0 || tied.len() == 1 {
                    let rank = doubled(start + first, start + last);
                    tied.iter().for_each(|&w| ranks[(w & index_mask) as usize] = rank);
                } else {
                    // The words leave out the lowest bits of the keys: order by the whole keys.
                    let mut keyed: Vec<(u64, usize)> = tied
                        .iter()
                        .map(|&w| {
                            let i = (w & index_mask) as usize;
                            (values[i].sort_key(), i)
                        })
                        .collect();
                    keyed.sort_unstable();
                    let mut a = 0;
                    while a < keyed.len() {
                        let b = a + keyed[a..].iter().take_while(|k| k.0 == keyed[a].0).count();
                        let rank = doubled(start + first + a, start + first + b);
                        keyed[a..b].iter().for_each(|&(_, i)| ranks[i] = rank);
                        a = b;
                    }
                }
                first = last;
            }
            start = end;
        }
    }
}

/// The number of values in bucket `b` of a histogram turned into first ranks, out of `n` values.
fn bucket_size(first_ranks: &[u32], b: usize, n: u64) -> u64 {
    first_ranks.get(b + 1).map_or(n, |&next| u64::from(next)) - u64::from(first_ranks[b])
}

/// The values in ascending `f64::total_cmp` order (see [`Workspace::sorted`]); panics with 2³² values or more.
pub fn sorted(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut workspace = Workspace::default();
    workspace.sorted(values);
    workspace.sorted
}

/// Twice the average rank of each value, in the values' order (see [`Workspace::doubled_ranks`]).
pub fn doubled_ranks<K: SortKey>(values: &[K]) -> Vec<u32> {
    let mut ranks = Vec::new();
    Workspace::default().doubled_ranks(values, &mut ranks);
    ranks
}

#[cfg(test)]
mod tests {
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The ranks the way a plain sort gives them (the former implementation).
    fn reference_doubled_ranks<K: SortKey>(values: &[K]) -> Vec<u32> {
        let mut order: Vec<(u64, u32)> = values.iter().zip(0u32..).map(|(v, i)| (v.sort_key(), i)).collect();
        order.sort_unstable();
        let mut ranks = vec![0; values.len()];
        let mut start = 0;
        while start < order.len() {
            let end = start + order[start..].iter().take_while(|o| o.0 == order[start].0).count();
            for &(_, i) in &order[start..end] {
                ranks[i as usize] = (start + end + 1) as u32;
            }
            start = end;
        }
        ranks
    }

    /// Samples that exercise every path: long and short, signed, heavy
    /// tails, many ties, values equal in their high bits, NaN and infinities.
    fn samples() -> Vec<Vec<f64>> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut out: Vec<Vec<f64>> = vec![
            vec![],
            vec![1.0],
            vec![2.0; 5],
            vec![0.0, -0.0, 0.0, -0.0],
            vec![f64::NAN, 1.0, f64::INFINITY, -f64::INFINITY, -f64::NAN, 0.0, -0.0, f64::MIN_POSITIVE, -1e-310],
        ];
        for n in [2, 3, 17, 1000, 100_000] {
            out.push((0..n).map(|_| 1000.0 + 4000.0 * rng.random::<f64>()).collect());
            out.push(
                (0..n).map(|_| 1e6 * (rng.random::<f64>() - 0.3) * (1.0 + 9.0 * rng.random::<f64>().powi(8))).collect(),
            );
            out.push((0..n).map(|_| (12.0 * rng.random::<f64>()).exp()).collect());
            out.push((0..n).map(|_| f64::from(rng.random_range(0..5u8)) - 2.0).collect());
            // Both signs, and keys equal but for their lowest bits: ties on the bits a word holds.
            out.push(
                (0..n)
                    .map(|_| {
                        let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                        sign * (1.0 + f64::from(rng.random_range(0..64u8)) * f64::EPSILON)
                    })
                    .collect(),
            );
            out.push((0..n).map(|_| if rng.random::<f64>() < 0.3 { 0.0 } else { rng.random::<f64>() - 0.5 }).collect());
        }
        out
    }

    #[test]
    fn sorted_matches_the_std_sort_bit_for_bit() {
        for sample in samples() {
            let mut expected = sample.clone();
            expected.sort_by(f64::total_cmp);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&sorted(sample.iter().copied())), bits(&expected), "{:?}", &sample[..sample.len().min(8)]);
        }
    }

    #[test]
    fn order_statistics_are_those_of_the_std_sort_bit_for_bit() {
        let mut workspace = Workspace::default();
        for sample in samples().into_iter().filter(|s| !s.is_empty()) {
            let mut expected = sample.clone();
            expected.sort_by(f64::total_cmp);
            let n = sample.len() as u64;
            // Both ends, the middle, a repeated rank and ranks out of order.
            let ranks = [n - 1, 0, n / 2, n / 2, n / 20, n - 1 - n / 7];
            let got = workspace.order_statistics(sample.iter().copied(), &ranks);
            for (&rank, value) in ranks.iter().zip(got) {
                assert_eq!(value.to_bits(), expected[rank as usize].to_bits(), "rank {rank} of {n}");
            }
        }
    }

    #[test]
    fn ranks_match_a_plain_sort() {
        for sample in samples() {
            assert_eq!(
                doubled_ranks(&sample),
                reference_doubled_ranks(&sample),
                "{:?}",
                &sample[..sample.len().min(8)]
            );
            let single: Vec<f32> = sample.iter().map(|&x| x as f32).collect();
            assert_eq!(doubled_ranks(&single), reference_doubled_ranks(&single));
        }
    }

    #[test]
    fn a_workspace_gives_the_same_results_from_sample_to_sample() {
        let (mut workspace, mut ranks) = (Workspace::default(), vec![9; 3]);
        // Longest first, then shorter and longer ones: buffers shrink and grow.
        let mut all = samples();
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        all.extend(samples());
        for sample in &all {
            workspace.doubled_ranks(sample, &mut ranks);
            assert_eq!(ranks, reference_doubled_ranks(sample));
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(workspace.sorted(sample.iter().copied())), bits(&sorted(sample.iter().copied())));
        }
    }

    #[test]
    fn ranks_average_ties_and_treat_zeros_alike() {
        assert_eq!(doubled_ranks(&[-1.5, 0.0, -0.0, -1e300, 3.0]), vec![4, 7, 7, 2, 10]);
        assert_eq!(doubled_ranks(&[2.0f32, 2.0, 2.0]), vec![4, 4, 4]);
        assert_eq!(doubled_ranks::<f64>(&[]), Vec::<u32>::new());
        // Keys that differ only below the bits a word holds beside the index.
        assert_eq!(doubled_ranks(&[1.0, 1.0 + f64::EPSILON, 1.0, -3.0]), vec![5, 8, 5, 2]);
    }
}
