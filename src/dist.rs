//! Probability distributions of uncertain inputs, drawn by inverse CDF.
//!
//! Every uncertain input of a scenario is one of a handful of shapes (fixed,
//! uniform, triangular, PERT, normal, lognormal-from-percentiles), optionally
//! truncated to `[min, max]`. Truncation is *conditional*: a draw comes from
//! the distribution restricted to the range, never from a clamp that piles
//! probability on a bound. It is implemented on the inverse CDF,
//!
//! ```text
//! Q_trunc(u) = Q(F(min) + u · (F(max) − F(min)))
//! ```
//!
//! so that every draw, stratified or correlated, maps one uniform number to
//! one value. The CDFs and inverse CDFs come from `statrs`.
//!
//! ```
//! use roicast::dist::{Distribution, Shape};
//! let pert = Distribution::new(Shape::Pert { min: 1.0, mode: 2.0, max: 6.0 }, None, None).unwrap();
//! assert!((pert.mean() - (1.0 + 4.0 * 2.0 + 6.0) / 6.0).abs() < 1e-12);
//! assert_eq!(pert.quantile(0.0), 1.0);
//! ```

use rayon::prelude::*;
use statrs::distribution::{Beta, Continuous, ContinuousCDF, LogNormal, Normal, Triangular, Uniform};
use statrs::function::gamma::ln_gamma;

/// z-score of the 90th percentile of a standard normal.
const Z90: f64 = 1.281_551_565_544_600_5;
/// z-score of the 95th percentile of a standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// The shape of a distribution before truncation, as a scenario writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Always the same value.
    Fixed(f64),
    /// Uniform on `[lo, hi]`.
    Uniform { lo: f64, hi: f64 },
    /// Triangular with the given minimum, mode and maximum.
    Triangular { min: f64, mode: f64, max: f64 },
    /// PERT: a Beta scaled to `[min, max]` with shape parameters from the mode.
    Pert { min: f64, mode: f64, max: f64 },
    /// Normal with mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// Lognormal given by two symmetric percentiles: `low` at `1 - level`, `high` at `level`.
    LogNormal { low: f64, high: f64, level: PercentileLevel },
}

/// Which symmetric pair of percentiles defines a lognormal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentileLevel {
    /// P10 and P90.
    P10P90,
    /// P5 and P95.
    P5P95,
}

impl PercentileLevel {
    fn z(self) -> f64 {
        match self {
            PercentileLevel::P10P90 => Z90,
            PercentileLevel::P5P95 => Z95,
        }
    }
}

/// The statrs distribution behind a shape, with the affine map PERT needs.
#[derive(Debug, Clone)]
enum Kernel {
    Fixed(f64),
    Uniform(Uniform),
    /// statrs' triangular, with the constants of its inverse CDF worked out
    /// once (the same expressions, so the same values).
    Triangular {
        dist: Triangular,
        min: f64,
        max: f64,
        split: f64,
        low: f64,
        high: f64,
    },
    Pert {
        beta: Beta,
        min: f64,
        range: f64,
    },
    Normal(Normal),
    LogNormal(LogNormal),
}

impl Kernel {
    fn cdf(&self, x: f64) -> f64 {
        match self {
            Kernel::Fixed(v) => {
                if x >= *v {
                    1.0
                } else {
                    0.0
                }
            }
            Kernel::Uniform(d) => d.cdf(x),
            Kernel::Triangular { dist, .. } => dist.cdf(x),
            Kernel::Pert { beta, min, range } => beta.cdf(((x - min) / range).clamp(0.0, 1.0)),
            Kernel::Normal(d) => d.cdf(x),
            Kernel::LogNormal(d) => {
                if x <= 0.0 {
                    0.0
                } else {
                    d.cdf(x)
                }
            }
        }
    }

    /// The density; zero for a fixed value.
    fn pdf(&self, x: f64) -> f64 {
        match self {
            Kernel::Fixed(_) => 0.0,
            Kernel::Uniform(d) => d.pdf(x),
            Kernel::Triangular { dist, .. } => dist.pdf(x),
            Kernel::Pert { beta, min, range } => beta.pdf(((x - min) / range).clamp(0.0, 1.0)) / range,
            Kernel::Normal(d) => d.pdf(x),
            Kernel::LogNormal(d) => {
                if x <= 0.0 {
                    0.0
                } else {
                    d.pdf(x)
                }
            }
        }
    }

    #[inline]
    fn inverse_cdf(&self, p: f64) -> f64 {
        match self {
            Kernel::Fixed(v) => *v,
            Kernel::Uniform(d) => d.inverse_cdf(p),
            // `Triangular::inverse_cdf`, term for term, without its call.
            &Kernel::Triangular { min, max, split, low, high, .. } => {
                if p < split {
                    min + (low * p).sqrt()
                } else {
                    max - (high * (1.0 - p)).sqrt()
                }
            }
            Kernel::Pert { beta, min, range } => min + range * beta_inverse_cdf(beta, p),
            Kernel::Normal(d) => d.inverse_cdf(p),
            Kernel::LogNormal(d) => d.inverse_cdf(p),
        }
    }
}

/// Probability below which (and above `1 -` which) the beta inverse CDF uses
/// its power-law tail instead of statrs' iteration, which can fail there.
const BETA_TAIL: f64 = 1e-8;

/// The inverse CDF of a beta distribution, safe for every `p` in `[0, 1]`.
///
/// In the far tails the CDF is a power law, `F(x) ≈ x^α / (α B(α, β))` near 0
/// and `1 − F(x) ≈ (1 − x)^β / (β B(α, β))` near 1: its closed-form inverse
/// is the starting point of a few Newton steps on the exact CDF (done on the
/// tail's own side, so tiny probabilities keep their precision).
fn beta_inverse_cdf(beta: &Beta, p: f64) -> f64 {
    let (a, b) = (beta.shape_a(), beta.shape_b());
    let ln_beta = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    if p < BETA_TAIL {
        let mut x = ((p.ln() + a.ln() + ln_beta) / a).exp().min(1.0);
        for _ in 0..4 {
            let density = beta.pdf(x);
            if density > 0.0 {
                x = (x - (beta.cdf(x) - p) / density).clamp(x / 2.0, x * 2.0);
            }
        }
        x
    } else if 1.0 - p < BETA_TAIL {
        let q = 1.0 - p;
        let mut y = ((q.ln() + b.ln() + ln_beta) / b).exp().min(1.0);
        for _ in 0..4 {
            let density = beta.pdf(1.0 - y);
            if density > 0.0 {
                y = (y - (beta.sf(1.0 - y) - q) / density).clamp(y / 2.0, y * 2.0);
            }
        }
        1.0 - y
    } else {
        beta.inverse_cdf(p)
    }
}

/// An uncertain input: a shape, optionally truncated, ready to be drawn.
#[derive(Debug, Clone)]
pub struct Distribution {
    shape: Shape,
    min: Option<f64>,
    max: Option<f64>,
    kernel: Kernel,
    /// CDF of the untruncated shape at the lower truncation bound.
    p_low: f64,
    /// CDF of the untruncated shape at the upper truncation bound.
    p_high: f64,
}

impl Distribution {
    /// True when both have the same shape and truncation, so the same draws.
    fn same_as(&self, other: &Distribution) -> bool {
        (self.shape, self.min, self.max) == (other.shape, other.min, other.max)
    }

    /// A distribution that always gives `value`.
    pub fn fixed(value: f64) -> Distribution {
        Distribution::new(Shape::Fixed(value), None, None).expect("a finite fixed value is valid")
    }

    /// Checks the parameters and prepares the inverse CDF.
    ///
    /// The error says what is wrong in words a scenario author understands.
    pub fn new(shape: Shape, min: Option<f64>, max: Option<f64>) -> Result<Distribution, String> {
        let finite = |x: f64, what: &str| {
            if x.is_finite() { Ok(()) } else { Err(format!("{what} must be a finite number")) }
        };
        let kernel = match shape {
            Shape::Fixed(v) => {
                finite(v, "the fixed value")?;
                Kernel::Fixed(v)
            }
            Shape::Uniform { lo, hi } => {
                finite(lo, "the uniform's lower end")?;
                finite(hi, "the uniform's upper end")?;
                if lo > hi {
                    return Err(format!("uniform needs lo <= hi, got [{lo}, {hi}]"));
                }
                if lo == hi {
                    Kernel::Fixed(lo)
                } else {
                    Kernel::Uniform(Uniform::new(lo, hi).map_err(|e| e.to_string())?)
                }
            }
            Shape::Triangular { min: a, mode, max: b } | Shape::Pert { min: a, mode, max: b } => {
                let form = if matches!(shape, Shape::Pert { .. }) { "pert" } else { "triangular" };
                finite(a, "min")?;
                finite(mode, "mode")?;
                finite(b, "max")?;
                if !(a <= mode && mode <= b) {
                    return Err(format!("{form} needs min <= mode <= max, got [{a}, {mode}, {b}]"));
                }
                if a == b {
                    Kernel::Fixed(a)
                } else if form == "pert" {
                    let range = b - a;
                    let alpha = 1.0 + 4.0 * (mode - a) / range;
                    let beta = 1.0 + 4.0 * (b - mode) / range;
                    Kernel::Pert { beta: Beta::new(alpha, beta).map_err(|e| e.to_string())?, min: a, range }
                } else {
                    Kernel::Triangular {
                        dist: Triangular::new(a, b, mode).map_err(|e| e.to_string())?,
                        min: a,
                        max: b,
                        split: (mode - a) / (b - a),
                        low: (mode - a) * (b - a),
                        high: (b - a) * (b - mode),
                    }
                }
            }
            Shape::Normal { mean, sd } => {
                finite(mean, "the normal's mean")?;
                finite(sd, "the normal's sd")?;
                if sd < 0.0 {
                    return Err(format!("normal needs sd >= 0, got {sd}"));
                }
                if sd == 0.0 {
                    Kernel::Fixed(mean)
                } else {
                    Kernel::Normal(Normal::new(mean, sd).map_err(|e| e.to_string())?)
                }
            }
            Shape::LogNormal { low, high, level } => {
                let (lo_name, hi_name) = match level {
                    PercentileLevel::P10P90 => ("p10", "p90"),
                    PercentileLevel::P5P95 => ("p5", "p95"),
                };
                finite(low, lo_name)?;
                finite(high, hi_name)?;
                if low <= 0.0 {
                    return Err(format!("lognormal needs {lo_name} > 0, got {low}"));
                }
                if low >= high {
                    return Err(format!(
                        "lognormal needs {lo_name} < {hi_name}, got {lo_name} = {low}, {hi_name} = {high}"
                    ));
                }
                let (mu, sigma) = lognormal_parameters(low, high, level);
                Kernel::LogNormal(LogNormal::new(mu, sigma).map_err(|e| e.to_string())?)
            }
        };
        if let Some(m) = min {
            finite(m, "min")?;
        }
        if let Some(m) = max {
            finite(m, "max")?;
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(format!("truncation needs min <= max, got min = {lo}, max = {hi}"));
        }
        let p_low = min.map_or(0.0, |m| kernel.cdf(m));
        let p_high = max.map_or(1.0, |m| kernel.cdf(m));
        let dist = Distribution { shape, min, max, kernel, p_low, p_high };
        if let Kernel::Fixed(v) = dist.kernel {
            if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                return Err(format!("the value {v} lies outside the truncation range"));
            }
        } else if (dist.p_high - dist.p_low).is_nan() || dist.p_high - dist.p_low <= 1e-12 {
            return Err(format!(
                "the truncation range [{}, {}] holds no probability of this distribution",
                fmt_bound(min, f64::NEG_INFINITY),
                fmt_bound(max, f64::INFINITY)
            ));
        }
        Ok(dist)
    }

    /// The shape as written, before truncation.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The truncation bounds, if any.
    pub fn truncation(&self) -> (Option<f64>, Option<f64>) {
        (self.min, self.max)
    }

    /// `Some(x)` when every draw is `x`.
    pub fn fixed_value(&self) -> Option<f64> {
        match self.kernel {
            Kernel::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// The value at cumulative probability `u` in `[0, 1]` of the truncated distribution.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        if let Kernel::Fixed(v) = self.kernel {
            return v;
        }
        let p = self.p_low + u.clamp(0.0, 1.0) * (self.p_high - self.p_low);
        // Unbounded shapes reach infinity at 0 and 1: stay strictly inside, at
        // the most extreme probabilities a double can hold.
        let p = match self.kernel {
            Kernel::Normal(_) | Kernel::LogNormal(_) => p.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0),
            _ => p.clamp(0.0, 1.0),
        };
        let x = self.kernel.inverse_cdf(p);
        // Rounding in the inverse CDF must not step outside the truncation.
        let x = self.min.map_or(x, |m| x.max(m));
        self.max.map_or(x, |m| x.min(m))
    }

    /// The cumulative distribution function of the truncated distribution.
    pub fn cdf(&self, x: f64) -> f64 {
        if let Kernel::Fixed(v) = self.kernel {
            return if x >= v { 1.0 } else { 0.0 };
        }
        if self.min.is_some_and(|m| x < m) {
            return 0.0;
        }
        if self.max.is_some_and(|m| x >= m) {
            return 1.0;
        }
        ((self.kernel.cdf(x) - self.p_low) / (self.p_high - self.p_low)).clamp(0.0, 1.0)
    }

    /// The probability that a draw is greater than `x` (`strict`) or at least `x`.
    pub fn probability_beyond(&self, x: f64, strict: bool) -> f64 {
        match self.fixed_value() {
            Some(v) => f64::from(u8::from(if strict { v > x } else { v >= x })),
            // Continuous: a single value holds no probability.
            None => 1.0 - self.cdf(x),
        }
    }

    /// The distribution conditioned on draws of at least `x` (a truncation
    /// at `max(min, x)`, the conditional draw of [`Distribution::quantile`]);
    /// an error when no probability is left there.
    pub fn at_least(&self, x: f64) -> Result<Distribution, String> {
        Distribution::new(self.shape, Some(self.min.map_or(x, |m| m.max(x))), self.max)
    }

    /// The density of the truncated distribution at `x` inside its support
    /// (zero for a fixed value).
    fn density(&self, x: f64) -> f64 {
        self.kernel.pdf(x) / (self.p_high - self.p_low)
    }

    /// The smallest and largest values a draw can take (possibly infinite).
    pub fn support(&self) -> (f64, f64) {
        let (lo, hi) = match self.kernel {
            Kernel::Fixed(v) => (v, v),
            Kernel::Normal(_) => (f64::NEG_INFINITY, f64::INFINITY),
            Kernel::LogNormal(_) => (0.0, f64::INFINITY),
            _ => (self.kernel.inverse_cdf(0.0), self.kernel.inverse_cdf(1.0)),
        };
        (self.min.map_or(lo, |m| lo.max(m)), self.max.map_or(hi, |m| hi.min(m)))
    }

    /// The mean of the truncated distribution.
    ///
    /// Closed forms where the shape has one (including the truncated normal);
    /// otherwise the integral of the quantile function over `(0, 1)` by a
    /// 65,536-point midpoint rule on the probability scale.
    pub fn mean(&self) -> f64 {
        let truncated = self.min.is_some() || self.max.is_some();
        match (self.shape, truncated) {
            (_, _) if self.fixed_value().is_some() => self.fixed_value().unwrap_or_default(),
            (Shape::Uniform { lo, hi }, false) => 0.5 * (lo + hi),
            (Shape::Triangular { min, mode, max }, false) => (min + mode + max) / 3.0,
            (Shape::Pert { min, mode, max }, false) => (min + 4.0 * mode + max) / 6.0,
            (Shape::Normal { mean, .. }, false) => mean,
            (Shape::LogNormal { low, high, level }, false) => {
                let (mu, sigma) = lognormal_parameters(low, high, level);
                (mu + 0.5 * sigma * sigma).exp()
            }
            (Shape::Normal { mean, sd }, true) => {
                let std = Normal::standard();
                let a = self.min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
                let b = self.max.map_or(f64::INFINITY, |m| (m - mean) / sd);
                let density = |z: f64| {
                    if z.is_finite() { (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() } else { 0.0 }
                };
                let mass = std.cdf(b) - std.cdf(a);
                mean + sd * (density(a) - density(b)) / mass
            }
            _ => {
                const STEPS: usize = 1 << 16;
                (0..STEPS).map(|i| self.quantile((i as f64 + 0.5) / STEPS as f64)).sum::<f64>() / STEPS as f64
            }
        }
    }
}

/// Probability at which a [`QuantileTable`]'s body ends and its tail tables
/// begin: the body covers `u` in `[TABLE_TAIL, 1 - TABLE_TAIL)`.
pub const TABLE_TAIL: f64 = 0.05;
/// Intervals of a [`QuantileTable`]'s body.
pub const TABLE_INTERVALS: usize = 4096;
/// Probability below which (and above `1 -` which) a [`QuantileTable`] calls
/// the exact inverse CDF instead of interpolating: 2^-14, about 6.1e-5, so
/// 0.012% of draws.
pub const TABLE_FAR_TAIL: f64 = 1.0 / 16384.0;
/// Intervals of a [`QuantileTable`]'s tail tables per octave of the tail
/// probability (from `2^-k` to `2^(1-k)`); a power of two.
pub const TAIL_INTERVALS_PER_OCTAVE: usize = 32;
/// The largest error a [`QuantileTable`] may have anywhere, as a fraction of
/// the distribution's P5–P95 spread.
pub const TABLE_ERROR: f64 = 1e-5;
/// The largest error a [`QuantileTable`]'s tails may have at a percentile, as
/// a fraction of the Monte Carlo standard error of that percentile at a
/// million trials, `sqrt(u (1 - u) / 10^6) / density`.
pub const TAIL_MC_ERROR: f64 = 1e-3;

const _: () = assert!(TAIL_INTERVALS_PER_OCTAVE.is_power_of_two() && TAIL_INTERVALS_PER_OCTAVE <= 1 << 20);
/// A tail probability's bits above this one number its interval (counted
/// from [`TABLE_FAR_TAIL`]); the bits below place it inside the interval.
const TAIL_SHIFT: u32 = 52 - TAIL_INTERVALS_PER_OCTAVE.trailing_zeros();
const TAIL_BASE: u64 = TABLE_FAR_TAIL.to_bits();
const TAIL_FRACTION: u64 = (1 << TAIL_SHIFT) - 1;
const EXPONENT: u64 = 0x7ff0_0000_0000_0000;
/// The largest tail probability of an upper-tail draw, `1 - u` for the
/// smallest `u` above the body (a hair above `TABLE_TAIL`: `1 - TABLE_TAIL`
/// is rounded).
const UPPER_TAIL_MAX: f64 = 1.0 - (1.0 - TABLE_TAIL);
/// Nodes of a tail table: up to the end of the interval holding the largest
/// tail probability either tail can be asked for.
const TAIL_NODES: usize = {
    let top = if UPPER_TAIL_MAX > TABLE_TAIL { UPPER_TAIL_MAX } else { TABLE_TAIL };
    ((top.to_bits() - TAIL_BASE) >> TAIL_SHIFT) as usize + 2
};

/// The most a process keeps of tables already built, in bytes of their
/// nodes: 16 MiB, some four hundred tables, more distinct tabulated
/// distributions than any shipped scenario has.
pub const PREPARED_BYTES: usize = 16 << 20;

/// Tables built so far in this process, least recently prepared first.
static PREPARED: std::sync::Mutex<Vec<QuantileTable>> = std::sync::Mutex::new(Vec::new());

/// Keeps `tables` among the prepared ones (moving those already there to the
/// end), then forgets the least recently prepared beyond [`PREPARED_BYTES`].
fn remember(prepared: &mut Vec<QuantileTable>, tables: &[QuantileTable]) {
    prepared.retain(|kept| !tables.iter().any(|t| t.distribution.same_as(&kept.distribution)));
    prepared.extend(tables.iter().filter(|t| !t.exact).cloned());
    let mut bytes: usize = prepared.iter().map(QuantileTable::bytes).sum();
    let mut forget = 0;
    while bytes > PREPARED_BYTES {
        bytes -= prepared[forget].bytes();
        forget += 1;
    }
    prepared.drain(..forget);
}

/// A distribution's inverse CDF prepared for many draws.
///
/// Shapes whose exact inverse CDF is costly (PERT's inverse incomplete beta,
/// normal and lognormal) are tabulated once, in three parts:
///
/// - the *body*, `u` in `[TABLE_TAIL, 1 - TABLE_TAIL)` ([`TABLE_TAIL`] is
///   0.05), at [`TABLE_INTERVALS`] equal steps of probability, interpolated
///   linearly;
/// - the two *tails*, `u` (below) or `1 - u` (above) in
///   `[TABLE_FAR_TAIL, TABLE_TAIL)`, where the quantile function curves
///   fastest (a PERT's is a power law there, as steep as `x ~ u^(1/5)` near
///   its bound). Their grid is uniform on the log scale of the tail
///   probability — [`TAIL_INTERVALS_PER_OCTAVE`] equal steps between
///   consecutive powers of two, each 1/64 to 1/32 of the probability itself,
///   308 intervals a tail — so it follows a power law's curvature, and each
///   interval is a cubic Hermite interpolant on the values and slopes (one
///   over the density) at its ends. The interval and the position in it are
///   bits of the tail probability (its exponent and leading mantissa bits):
///   a tail draw costs no logarithm and no division;
/// - beyond [`TABLE_FAR_TAIL`] (2^-14, 0.012% of draws), the exact inverse.
///
/// A lognormal is interpolated on the log scale (where its quantile function
/// is a normal one). Truncation needs nothing special: the tables are of the
/// truncated distribution's own quantile function of `u`,
/// [`Distribution::quantile`].
///
/// The error is measured against the exact inverse at the middle of every
/// interval, body and tails (where linear and cubic Hermite interpolation
/// err most), when the table is built, and held to two bounds:
///
/// 1. everywhere, below [`TABLE_ERROR`], 1e-5 of the distribution's P5–P95
///    spread: more than thirty times below the Monte Carlo error of a median
///    at a million trials (about 4e-4 of that spread for a normal), a
///    hundred times below that of a P1 or P99 (1.1e-3) and seven hundred
///    times below that of a P0.01 (7.7e-3);
/// 2. in the tails, where the Monte Carlo error of a percentile varies most
///    from shape to shape (a dense tail, like the low end of a PERT whose
///    mode is its minimum or of a wide lognormal, has percentiles known to
///    better than 1e-5 of the spread), also percentile by percentile: below
///    [`TAIL_MC_ERROR`], a thousandth of that percentile's own Monte Carlo
///    standard error at a million trials.
///
/// A part that misses either bound is not tabulated (its draws use the exact
/// inverse), so the bounds hold for every shape; only the speed depends on
/// it. No plausible scenario shape misses them: the tails' errors measure at
/// most 4e-9 of the spread for PERTs (whatever the mode) and normals, 5e-8
/// for a lognormal with P90/P10 = 20 and 3e-6 with 1000, and 2e-6 of the
/// percentiles' Monte Carlo errors (the body's, measured the same way,
/// reach 5e-4 at its ends). Only extreme lognormals (P90/P10 in the
/// thousands) draw their upper tail exactly. The largest error measured is
/// kept in [`QuantileTable::max_error`].
///
/// Cheap shapes (fixed, uniform, triangular) are never tabulated.
///
/// ```
/// use roicast::dist::{Distribution, QuantileTable, Shape, TABLE_ERROR};
/// let pert = Distribution::new(Shape::Pert { min: 0.0, mode: 0.0, max: 1.0 }, None, None).unwrap();
/// let table = QuantileTable::new(&pert);
/// let spread = pert.quantile(0.95) - pert.quantile(0.05);
/// assert!(table.max_error() < TABLE_ERROR * spread);
/// for u in [1e-4, 0.01, 0.5, 0.999] {
///     assert!((table.quantile(u) - pert.quantile(u)).abs() < TABLE_ERROR * spread);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct QuantileTable {
    distribution: Distribution,
    /// The body: quantiles at its nodes, their logarithms for a lognormal;
    /// empty when the body is not tabulated.
    body: Vec<f64>,
    /// The lower tail: the quantile (or its logarithm) and its derivative in
    /// `u` at the tail grid's nodes; empty when not tabulated.
    lower: Vec<[f64; 2]>,
    /// The upper tail: the same as functions of `1 - u`.
    upper: Vec<[f64; 2]>,
    /// True when the tables hold logarithms (lognormal: interpolated on the log scale).
    log_scale: bool,
    /// True when nothing is tabulated (every draw uses the exact inverse).
    exact: bool,
    max_error: f64,
}

impl QuantileTable {
    /// Prepares the inverse CDF of each distribution, building one table per
    /// distinct distribution (in parallel) and copying it for the repeats:
    /// scenarios often give many inputs the same distribution.
    ///
    /// A table is a pure function of its distribution, so tables built
    /// earlier in the process are reused (see [`PREPARED_BYTES`]): a process
    /// that runs several scenarios sharing distributions (`compare`, the
    /// tests) builds each table once.
    pub fn prepare<'d>(distributions: impl IntoIterator<Item = &'d Distribution>) -> Vec<QuantileTable> {
        let all: Vec<&Distribution> = distributions.into_iter().collect();
        let mut distinct: Vec<&Distribution> = Vec::new();
        let which: Vec<usize> = all
            .iter()
            .map(|&d| {
                distinct.iter().position(|&seen| seen.same_as(d)).unwrap_or_else(|| {
                    distinct.push(d);
                    distinct.len() - 1
                })
            })
            .collect();
        // The lock is not held while tables are built: building runs on the
        // thread pool, whose tasks may prepare tables of their own.
        let prepared = || PREPARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let earlier: Vec<Option<QuantileTable>> = {
            let prepared = prepared();
            distinct.iter().map(|&d| prepared.iter().find(|t| t.distribution.same_as(d)).cloned()).collect()
        };
        let tables: Vec<QuantileTable> = distinct
            .par_iter()
            .zip(earlier)
            .map(|(&d, earlier)| earlier.unwrap_or_else(|| QuantileTable::new(d)))
            .collect();
        remember(&mut prepared(), &tables);
        which.into_iter().map(|t| tables[t].clone()).collect()
    }

    /// Prepares the inverse CDF of a distribution.
    pub fn new(distribution: &Distribution) -> QuantileTable {
        let tabulate = matches!(distribution.kernel, Kernel::Pert { .. } | Kernel::Normal(_) | Kernel::LogNormal(_));
        let log_scale = matches!(distribution.kernel, Kernel::LogNormal(_));
        let mut table = QuantileTable {
            distribution: distribution.clone(),
            body: Vec::new(),
            lower: Vec::new(),
            upper: Vec::new(),
            log_scale,
            exact: true,
            max_error: 0.0,
        };
        if !tabulate {
            return table;
        }
        let spread = distribution.quantile(1.0 - TABLE_TAIL) - distribution.quantile(TABLE_TAIL);
        let bound = TABLE_ERROR * spread;

        let step = (1.0 - 2.0 * TABLE_TAIL) / TABLE_INTERVALS as f64;
        table.body =
            (0..=TABLE_INTERVALS).map(|i| table.scaled(distribution.quantile(TABLE_TAIL + i as f64 * step))).collect();
        let body_error = (0..TABLE_INTERVALS)
            .map(|i| {
                let u = TABLE_TAIL + (i as f64 + 0.5) * step;
                error(table.unscaled(table.body_value(u)), distribution.quantile(u))
            })
            .fold(0.0, f64::max);
        if body_error <= bound {
            table.max_error = body_error;
        } else {
            table.body = Vec::new();
        }

        for upper in [false, true] {
            // Tail probability w to u: the upper tail is tabulated in 1 - u, which
            // is exact for every node and midpoint (their few mantissa bits all
            // lie above 2^-53).
            let at = |w: f64| if upper { 1.0 - w } else { w };
            let nodes: Vec<[f64; 2]> = (0..TAIL_NODES as u64)
                .map(|i| {
                    let w = f64::from_bits(TAIL_BASE + (i << TAIL_SHIFT));
                    let x = distribution.quantile(at(w));
                    let slope = 1.0 / distribution.density(x);
                    let slope = if log_scale { slope / x } else { slope };
                    [table.scaled(x), if upper { -slope } else { slope }]
                })
                .collect();
            let mut tail_error = 0.0;
            let fits = (0..TAIL_NODES as u64 - 1).all(|i| {
                let w = 0.5
                    * (f64::from_bits(TAIL_BASE + (i << TAIL_SHIFT))
                        + f64::from_bits(TAIL_BASE + ((i + 1) << TAIL_SHIFT)));
                let exact = distribution.quantile(at(w));
                let e = error(table.unscaled(tail_value(&nodes, w)), exact);
                let monte_carlo = (w * (1.0 - w) / 1e6).sqrt() / distribution.density(exact);
                tail_error = f64::max(tail_error, e);
                e <= bound && e <= TAIL_MC_ERROR * monte_carlo
            });
            if fits {
                table.max_error = table.max_error.max(tail_error);
                if upper {
                    table.upper = nodes;
                } else {
                    table.lower = nodes;
                }
            }
        }
        table.exact = table.body.is_empty() && table.lower.is_empty() && table.upper.is_empty();
        table
    }

    /// The value at cumulative probability `u`.
    #[inline(always)]
    pub fn quantile(&self, u: f64) -> f64 {
        // Which parts exist is the same for every draw (the branches on it are
        // predicted); the body, holding 90% of the draws, comes first.
        if self.exact {
            return self.distribution.quantile(u);
        }
        let y = if !self.body.is_empty() && (TABLE_TAIL..1.0 - TABLE_TAIL).contains(&u) {
            self.body_value(u)
        } else if !self.lower.is_empty() && (TABLE_FAR_TAIL..TABLE_TAIL).contains(&u) {
            tail_value(&self.lower, u)
        } else if !self.upper.is_empty() && (TABLE_FAR_TAIL..=UPPER_TAIL_MAX).contains(&(1.0 - u)) {
            tail_value(&self.upper, 1.0 - u)
        } else {
            return self.distribution.quantile(u);
        };
        self.unscaled(y)
    }

    /// Bytes held by the table's nodes.
    fn bytes(&self) -> usize {
        std::mem::size_of_val(self.body.as_slice())
            + std::mem::size_of_val(self.lower.as_slice())
            + std::mem::size_of_val(self.upper.as_slice())
    }

    /// The largest interpolation error measured when the table was built
    /// (zero when nothing is tabulated); below [`TABLE_ERROR`] times the
    /// P5–P95 spread.
    pub fn max_error(&self) -> f64 {
        self.max_error
    }

    /// The distribution it draws from.
    pub fn distribution(&self) -> &Distribution {
        &self.distribution
    }

    /// The body's interpolated value (a logarithm for a lognormal) at `u` in
    /// `[TABLE_TAIL, 1 - TABLE_TAIL)`.
    #[inline]
    fn body_value(&self, u: f64) -> f64 {
        let x = (u - TABLE_TAIL) * (TABLE_INTERVALS as f64 / (1.0 - 2.0 * TABLE_TAIL));
        let i = (x as usize).min(TABLE_INTERVALS - 1);
        let frac = x - i as f64;
        self.body[i] + frac * (self.body[i + 1] - self.body[i])
    }

    fn scaled(&self, x: f64) -> f64 {
        if self.log_scale { x.ln() } else { x }
    }

    #[inline]
    fn unscaled(&self, y: f64) -> f64 {
        if self.log_scale { y.exp() } else { y }
    }
}

/// A tail table's interpolated value at tail probability `w` in
/// `[TABLE_FAR_TAIL, UPPER_TAIL_MAX]`: the cubic Hermite interpolant on the
/// interval holding `w`, whose index and position are bits of `w`.
#[inline]
fn tail_value(nodes: &[[f64; 2]], w: f64) -> f64 {
    let bits = w.to_bits();
    let offset = bits - TAIL_BASE;
    let i = (offset >> TAIL_SHIFT) as usize;
    let t = (offset & TAIL_FRACTION) as f64 * (1.0 / (1u64 << TAIL_SHIFT) as f64);
    // The interval's width: the power of two at or below w, over the intervals per octave.
    let width = f64::from_bits(bits & EXPONENT) * (1.0 / TAIL_INTERVALS_PER_OCTAVE as f64);
    let ([y0, m0], [y1, m1]) = (nodes[i], nodes[i + 1]);
    let (a, b, d) = (m0 * width, m1 * width, y1 - y0);
    y0 + t * (a + t * ((3.0 * d - 2.0 * a - b) + t * (a + b - 2.0 * d)))
}

/// The absolute difference of an interpolated and an exact value, infinite
/// when either is not a number (so that it fails every bound).
fn error(interpolated: f64, exact: f64) -> f64 {
    let e = (interpolated - exact).abs();
    if e.is_nan() { f64::INFINITY } else { e }
}

impl std::fmt::Display for Distribution {
    /// The distribution as a scenario file would write it, e.g. `pert [1, 2, 6] max 5`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.shape {
            Shape::Fixed(v) => write!(f, "{v}")?,
            Shape::Uniform { lo, hi } => write!(f, "uniform [{lo}, {hi}]")?,
            Shape::Triangular { min, mode, max } => write!(f, "triangular [{min}, {mode}, {max}]")?,
            Shape::Pert { min, mode, max } => write!(f, "pert [{min}, {mode}, {max}]")?,
            Shape::Normal { mean, sd } => write!(f, "normal mean {mean} sd {sd}")?,
            Shape::LogNormal { low, high, level: PercentileLevel::P10P90 } => {
                write!(f, "lognormal p10 {low} p90 {high}")?
            }
            Shape::LogNormal { low, high, level: PercentileLevel::P5P95 } => {
                write!(f, "lognormal p5 {low} p95 {high}")?
            }
        }
        if let Some(m) = self.min {
            write!(f, " min {m}")?;
        }
        if let Some(m) = self.max {
            write!(f, " max {m}")?;
        }
        Ok(())
    }
}

fn fmt_bound(bound: Option<f64>, default: f64) -> String {
    format!("{}", bound.unwrap_or(default))
}

/// `(mu, sigma)` of the lognormal whose symmetric percentiles are `low` and `high`.
pub fn lognormal_parameters(low: f64, high: f64, level: PercentileLevel) -> (f64, f64) {
    let (ln_lo, ln_hi) = (low.ln(), high.ln());
    (0.5 * (ln_lo + ln_hi), (ln_hi - ln_lo) / (2.0 * level.z()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(shape: Shape, min: Option<f64>, max: Option<f64>) -> Distribution {
        Distribution::new(shape, min, max).unwrap()
    }

    #[test]
    fn lognormal_hits_its_percentiles() {
        let d = dist(Shape::LogNormal { low: 9000.0, high: 30000.0, level: PercentileLevel::P10P90 }, None, None);
        assert!((d.quantile(0.1) - 9000.0).abs() < 1e-6);
        assert!((d.quantile(0.9) - 30000.0).abs() < 1e-6);
        let d = dist(Shape::LogNormal { low: 5.0, high: 50.0, level: PercentileLevel::P5P95 }, None, None);
        assert!((d.quantile(0.05) - 5.0).abs() < 1e-9);
        assert!((d.quantile(0.95) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn truncation_is_conditional_not_a_clamp() {
        let d = dist(Shape::Normal { mean: 0.0, sd: 1.0 }, Some(0.0), None);
        // Half-normal: median at the 75th percentile of the standard normal.
        assert!((d.quantile(0.5) - 0.674_489_750_196_081_7).abs() < 1e-9);
        assert_eq!(d.cdf(-0.1), 0.0);
        assert!((d.cdf(0.674_489_750_196_081_7) - 0.5).abs() < 1e-9);
        // Mean of a half-normal is sqrt(2/pi).
        assert!((d.mean() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn truncated_mean_by_integration_matches_closed_form_of_uniform() {
        // A uniform truncated to a sub-range is uniform on it.
        let d = dist(Shape::Uniform { lo: 0.0, hi: 10.0 }, Some(2.0), Some(4.0));
        assert!((d.mean() - 3.0).abs() < 1e-9);
        assert_eq!(d.support(), (2.0, 4.0));
    }

    #[test]
    fn bad_parameters_are_explained() {
        let err = Distribution::new(Shape::Pert { min: 5.0, mode: 1.0, max: 9.0 }, None, None).unwrap_err();
        assert!(err.contains("min <= mode <= max"), "{err}");
        let err =
            Distribution::new(Shape::LogNormal { low: 30.0, high: 30.0, level: PercentileLevel::P10P90 }, None, None)
                .unwrap_err();
        assert!(err.contains("p10 < p90"), "{err}");
        let err = Distribution::new(Shape::Uniform { lo: 0.0, hi: 1.0 }, Some(2.0), Some(3.0)).unwrap_err();
        assert!(err.contains("no probability"), "{err}");
    }

    /// PERTs of every skew (mode at the minimum, 1% above it, central, at the
    /// maximum), normals, and lognormals up to P90/P10 = 1000, each plain and
    /// truncated in several ways.
    fn table_cases() -> Vec<Distribution> {
        let lognormal = |low: f64, high: f64| Shape::LogNormal { low, high, level: PercentileLevel::P10P90 };
        type Cuts = Vec<(Option<f64>, Option<f64>)>;
        let cases: Vec<(Shape, Cuts)> = vec![
            (
                Shape::Pert { min: 60_000.0, mode: 90_000.0, max: 180_000.0 },
                vec![(None, None), (Some(0.0), None), (Some(70_000.0), Some(150_000.0))],
            ),
            (
                Shape::Normal { mean: 6000.0, sd: 1500.0 },
                vec![
                    (None, None),
                    (Some(0.0), None),
                    (Some(6000.0), None),
                    (Some(3000.0), Some(9000.0)),
                    (None, Some(1000.0)),
                ],
            ),
            (lognormal(9000.0, 30_000.0), vec![(None, None), (Some(0.0), None), (Some(9000.0), Some(60_000.0))]),
            (lognormal(75_000.0, 1_500_000.0), vec![(None, None), (Some(100_000.0), None), (None, Some(3e6))]),
            (lognormal(1.0, 1000.0), vec![(None, None), (Some(1.0), None)]),
            (Shape::LogNormal { low: 50_000.0, high: 2e6, level: PercentileLevel::P5P95 }, vec![(None, Some(5e6))]),
        ];
        let mut out = Vec::new();
        for (shape, cuts) in cases {
            out.extend(cuts.into_iter().map(|(min, max)| dist(shape, min, max)));
        }
        for mode in [0.0, 0.01, 0.3, 0.5, 0.99, 1.0] {
            for (min, max) in [(None, None), (Some(0.05), None), (None, Some(0.9)), (Some(0.2), Some(0.8))] {
                out.push(dist(Shape::Pert { min: 0.0, mode, max: 1.0 }, min, max));
            }
        }
        out
    }

    #[test]
    fn prepared_tables_follow_their_own_distribution() {
        let pert = Distribution::new(Shape::Pert { min: 1.0, mode: 2.0, max: 9.0 }, None, None).unwrap();
        let wider = Distribution::new(Shape::Pert { min: 1.0, mode: 2.0, max: 10.0 }, None, None).unwrap();
        let truncated = Distribution::new(Shape::Pert { min: 1.0, mode: 2.0, max: 9.0 }, None, Some(8.0)).unwrap();
        let inputs = [&pert, &wider, &pert, &truncated];
        // The second time, the tables come from those the first one kept.
        for _ in 0..2 {
            let tables = QuantileTable::prepare(inputs);
            assert_eq!(tables.len(), inputs.len());
            for (table, distribution) in tables.iter().zip(inputs) {
                let alone = QuantileTable::new(distribution);
                for u in [1e-5, 0.01, 0.3, 0.97, 0.99999] {
                    assert_eq!(table.quantile(u).to_bits(), alone.quantile(u).to_bits(), "u = {u}");
                }
            }
        }
    }

    #[test]
    fn tables_kept_for_later_stay_within_their_budget() {
        let table = |sd: f64| QuantileTable::new(&dist(Shape::Normal { mean: 0.0, sd }, None, None));
        let size = table(1.0).bytes();
        let fit = PREPARED_BYTES / size;
        let mut prepared = Vec::new();
        for sd in 1..=fit + 5 {
            remember(&mut prepared, &[table(sd as f64)]);
        }
        assert_eq!(prepared.len(), fit);
        // The oldest were forgotten; preparing one again moves it to the end.
        let newest = |p: &[QuantileTable]| p.last().unwrap().distribution.clone();
        assert!(prepared[0].distribution.same_as(&table(6.0).distribution));
        remember(&mut prepared, &[table(6.0)]);
        assert_eq!(prepared.len(), fit);
        assert!(newest(&prepared).same_as(&table(6.0).distribution));
        assert!(prepared[0].distribution.same_as(&table(7.0).distribution));
    }

    #[test]
    fn tables_stay_within_their_stated_error() {
        for d in table_cases() {
            let table = QuantileTable::new(&d);
            let spread = d.quantile(0.95) - d.quantile(0.05);
            let bound = TABLE_ERROR * spread;
            // None of these needs the exact inverse outside the far tails.
            assert!(!table.body.is_empty() && !table.lower.is_empty() && !table.upper.is_empty(), "{d}");
            assert!(table.max_error() < bound, "{d}: {} vs spread {spread}", table.max_error());
            // Between the measured midpoints the error is no larger (checked densely)...
            for k in 0..100_000 {
                let u = (k as f64 + 0.5) / 100_000.0;
                assert!((table.quantile(u) - d.quantile(u)).abs() <= bound, "{d} at {u}");
            }
            // ... in the tails too, where it also stays far below the Monte Carlo
            // error of each percentile at a million trials.
            let (a, b) = (TABLE_FAR_TAIL.ln(), TABLE_TAIL.ln());
            for k in 0..=20_000 {
                let w = (a + (b - a) * k as f64 / 20_000.0).exp();
                for u in [w, 1.0 - w] {
                    let exact = d.quantile(u);
                    let e = (table.quantile(u) - exact).abs();
                    let monte_carlo = (w * (1.0 - w) / 1e6).sqrt() / d.density(exact);
                    assert!(e <= bound && e <= TAIL_MC_ERROR * monte_carlo, "{d} at {u}: {e} vs {monte_carlo}");
                }
            }
            // Beyond the tail tables, and at the edges of each part.
            for u in [0.0, 1e-9, TABLE_FAR_TAIL.next_down(), (1.0 - TABLE_FAR_TAIL).next_up(), 1.0 - 1e-9, 1.0] {
                assert_eq!(table.quantile(u), d.quantile(u), "{d} at {u}");
            }
            for u in
                [TABLE_FAR_TAIL, TABLE_TAIL.next_down(), TABLE_TAIL, 0.95f64.next_down(), 0.95, 1.0 - TABLE_FAR_TAIL]
            {
                assert!((table.quantile(u) - d.quantile(u)).abs() <= bound, "{d} at {u}");
            }
        }
    }

    #[test]
    fn tails_that_miss_the_bounds_use_the_exact_inverse() {
        // P90/P10 = 10^6: the upper tail reaches 10^4 spreads, where a relative
        // error of 1e-9 is more than 1e-5 of the spread.
        let d = dist(Shape::LogNormal { low: 1.0, high: 1e6, level: PercentileLevel::P10P90 }, None, None);
        let table = QuantileTable::new(&d);
        assert!(table.upper.is_empty() && !table.lower.is_empty() && !table.body.is_empty());
        for u in [0.95, 0.99, 0.9999] {
            assert_eq!(table.quantile(u), d.quantile(u));
        }
        assert!(table.max_error() < TABLE_ERROR * (d.quantile(0.95) - d.quantile(0.05)));
        // Cheap shapes are exact everywhere.
        let d = dist(Shape::Triangular { min: 1.0, mode: 2.0, max: 6.0 }, None, None);
        let table = QuantileTable::new(&d);
        assert_eq!(table.max_error(), 0.0);
        for u in [0.001, 0.3, 0.99] {
            assert_eq!(table.quantile(u), d.quantile(u));
        }
    }

    #[test]
    fn pert_quantiles_are_safe_and_continuous_in_the_far_tails() {
        for (mode, max) in [(0.0, 1.0), (0.2, 1.0), (0.5, 1.0), (1.0, 1.0), (3.0, 9.0)] {
            let d = dist(Shape::Pert { min: 0.0, mode, max }, None, None);
            let mut previous = 0.0;
            for k in (1..=300).rev() {
                let x = d.quantile(10f64.powi(-k));
                assert!(x.is_finite() && x >= previous, "mode {mode}: p = 1e-{k} gives {x}");
                previous = x;
            }
            // Across the switch to statrs' iteration the quantile hardly moves (statrs
            // itself is accurate to about 1e-8 of the range there).
            let (below, above) = (d.quantile(BETA_TAIL * 0.999_999), d.quantile(BETA_TAIL * 1.000_001));
            assert!((above - below).abs() < 1e-7 * max, "mode {mode}: {below} vs {above}");
            let (below, above) = (d.quantile(1.0 - BETA_TAIL * 1.000_001), d.quantile(1.0 - BETA_TAIL * 0.999_999));
            assert!((above - below).abs() < 1e-7 * max, "mode {mode}: {below} vs {above}");
            assert!(d.quantile(1.0 - f64::EPSILON / 2.0) <= max);
        }
    }

    #[test]
    fn conditioning_on_a_lower_bound_truncates_and_says_when_nothing_is_left() {
        let d = dist(Shape::Uniform { lo: 2.0, hi: 10.0 }, None, Some(8.0));
        assert!((d.probability_beyond(4.0, true) - 4.0 / 6.0).abs() < 1e-15);
        let given = d.at_least(4.0).unwrap();
        assert_eq!(given.support(), (4.0, 8.0));
        assert!((given.quantile(0.5) - 6.0).abs() < 1e-12);
        // An existing higher bound stays.
        assert_eq!(dist(Shape::Uniform { lo: 2.0, hi: 10.0 }, Some(5.0), None).at_least(4.0).unwrap().support().0, 5.0);
        assert!(d.at_least(8.5).is_err() && d.at_least(7.999_999_999_999).is_err());
        assert_eq!(d.probability_beyond(8.0, false), 0.0);
        // A fixed value: strictly beyond it, nothing; at least it, everything.
        let fixed = Distribution::fixed(5.0);
        assert_eq!((fixed.probability_beyond(5.0, true), fixed.probability_beyond(5.0, false)), (0.0, 1.0));
        assert_eq!(fixed.at_least(5.0).unwrap().quantile(0.3), 5.0);
        assert!(fixed.at_least(6.0).is_err());
    }

    #[test]
    fn degenerate_shapes_are_fixed() {
        let d = dist(Shape::Pert { min: 3.0, mode: 3.0, max: 3.0 }, None, None);
        assert_eq!(d.fixed_value(), Some(3.0));
        assert_eq!(d.quantile(0.3), 3.0);
    }
}
