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
    Triangular(Triangular),
    Pert { beta: Beta, min: f64, range: f64 },
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
            Kernel::Triangular(d) => d.cdf(x),
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

    fn inverse_cdf(&self, p: f64) -> f64 {
        match self {
            Kernel::Fixed(v) => *v,
            Kernel::Uniform(d) => d.inverse_cdf(p),
            Kernel::Triangular(d) => d.inverse_cdf(p),
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
                    Kernel::Triangular(Triangular::new(a, b, mode).map_err(|e| e.to_string())?)
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

/// Probability below which (and above `1 -` which) a [`QuantileTable`] calls
/// the exact inverse CDF instead of interpolating.
pub const TABLE_TAIL: f64 = 0.05;
/// Intervals of a [`QuantileTable`] between its tails.
pub const TABLE_INTERVALS: usize = 4096;

/// A distribution's inverse CDF prepared for many draws.
///
/// Shapes whose exact inverse CDF is costly (PERT's inverse incomplete beta,
/// normal and lognormal) are tabulated once at [`TABLE_INTERVALS`] equal
/// steps of probability between [`TABLE_TAIL`] and `1 - TABLE_TAIL` and
/// interpolated linearly (a lognormal on the log scale, where its quantile
/// function is a normal one); the tails, where the quantile function curves
/// fastest, use the exact inverse. The largest error, measured at the middle
/// of every interval when the table is built, is kept in
/// [`QuantileTable::max_error`]: for the shapes roicast accepts it is below
/// 1e-5 of the distribution's P5–P95 spread, more than thirty times below
/// the Monte Carlo error of a median at a million trials (about 4e-4 of that
/// spread for a normal).
/// Cheap shapes (fixed, uniform, triangular) are never tabulated.
#[derive(Debug, Clone)]
pub struct QuantileTable {
    distribution: Distribution,
    /// Quantiles at the table's nodes; their logarithms for a lognormal.
    nodes: Vec<f64>,
    /// True when `nodes` hold logarithms (lognormal: interpolated on the log scale).
    log_scale: bool,
    max_error: f64,
}

impl QuantileTable {
    /// Prepares the inverse CDF of a distribution.
    pub fn new(distribution: &Distribution) -> QuantileTable {
        let tabulate = matches!(distribution.kernel, Kernel::Pert { .. } | Kernel::Normal(_) | Kernel::LogNormal(_));
        let log_scale = matches!(distribution.kernel, Kernel::LogNormal(_));
        let mut table =
            QuantileTable { distribution: distribution.clone(), nodes: Vec::new(), log_scale, max_error: 0.0 };
        if tabulate {
            let step = (1.0 - 2.0 * TABLE_TAIL) / TABLE_INTERVALS as f64;
            table.nodes = (0..=TABLE_INTERVALS)
                .map(|i| distribution.quantile(TABLE_TAIL + i as f64 * step))
                .map(|x| if log_scale { x.ln() } else { x })
                .collect();
            table.max_error = (0..TABLE_INTERVALS)
                .map(|i| {
                    let u = TABLE_TAIL + (i as f64 + 0.5) * step;
                    (table.quantile(u) - distribution.quantile(u)).abs()
                })
                .fold(0.0, f64::max);
        }
        table
    }

    /// The value at cumulative probability `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        if self.nodes.is_empty() || !(TABLE_TAIL..1.0 - TABLE_TAIL).contains(&u) {
            return self.distribution.quantile(u);
        }
        let x = (u - TABLE_TAIL) * (TABLE_INTERVALS as f64 / (1.0 - 2.0 * TABLE_TAIL));
        let i = (x as usize).min(TABLE_INTERVALS - 1);
        let frac = x - i as f64;
        let value = self.nodes[i] + frac * (self.nodes[i + 1] - self.nodes[i]);
        if self.log_scale { value.exp() } else { value }
    }

    /// The largest interpolation error measured when the table was built.
    pub fn max_error(&self) -> f64 {
        self.max_error
    }

    /// The distribution it draws from.
    pub fn distribution(&self) -> &Distribution {
        &self.distribution
    }
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

    #[test]
    fn tables_stay_within_their_stated_error() {
        let shapes = [
            Shape::Pert { min: 60_000.0, mode: 90_000.0, max: 180_000.0 },
            Shape::Pert { min: 0.0, mode: 0.0, max: 1.0 },
            Shape::Normal { mean: 6000.0, sd: 1500.0 },
            Shape::LogNormal { low: 75_000.0, high: 1_500_000.0, level: PercentileLevel::P10P90 },
        ];
        for shape in shapes {
            for (min, max) in [(None, None), (Some(0.0), None)] {
                let d = dist(shape, min, max);
                let table = QuantileTable::new(&d);
                let spread = d.quantile(0.95) - d.quantile(0.05);
                assert!(table.max_error() < 1e-5 * spread, "{shape:?}: {} vs spread {spread}", table.max_error());
                // Between the measured midpoints the error is no larger (checked densely).
                for k in 0..100_000 {
                    let u = (k as f64 + 0.5) / 100_000.0;
                    assert!((table.quantile(u) - d.quantile(u)).abs() <= 1e-5 * spread, "{shape:?} at {u}");
                }
            }
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
    fn degenerate_shapes_are_fixed() {
        let d = dist(Shape::Pert { min: 3.0, mode: 3.0, max: 3.0 }, None, None);
        assert_eq!(d.fixed_value(), Some(3.0));
        assert_eq!(d.quantile(0.3), 3.0);
    }
}
