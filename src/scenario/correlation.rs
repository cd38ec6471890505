//! Rank correlations as a Gaussian copula, checked for consistency.
//!
//! A requested Spearman correlation `ρs` between two inputs is imposed on
//! their normal scores with the Pearson correlation `ρ = 2 sin(π ρs / 6)`,
//! which is exactly the Pearson correlation whose bivariate normal has rank
//! correlation `ρs`. Inputs linked by correlations form groups (connected
//! components); pairs inside a group that the scenario does not list are
//! independent (0), as in @RISK. Each group's matrix must be positive
//! semi-definite: a Cholesky factorisation either succeeds, or the scenario is
//! rejected, naming the correlations of the group. Nothing is silently
//! "repaired".

use super::Correlation;

/// Tolerance for a zero pivot in the Cholesky factorisation.
const PIVOT_TOLERANCE: f64 = 1e-10;

/// Correlated inputs, grouped, with the Cholesky factor of each group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorrelationMatrix {
    /// Groups of inputs linked by correlations.
    pub groups: Vec<CorrelatedGroup>,
}

/// Inputs that are correlated with each other, directly or through others.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelatedGroup {
    /// Indices into `Scenario::inputs`, in Cholesky order.
    pub inputs: Vec<usize>,
    /// Lower-triangular Cholesky factor of the normal-score correlation matrix,
    /// row-major, `inputs.len()²` entries.
    pub cholesky: Vec<f64>,
}

impl CorrelatedGroup {
    /// Mixes independent standard normal scores into correlated ones, in place.
    pub fn correlate(&self, scores: &mut [f64]) {
        let n = self.inputs.len();
        for row in (0..n).rev() {
            let l = &self.cholesky[row * n..row * n + row + 1];
            scores[row] = l.iter().zip(&scores[..=row]).map(|(a, b)| a * b).sum();
        }
    }
}

/// The Pearson correlation of normal scores that gives rank correlation `rho_s`.
pub fn normal_score_correlation(rho_s: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rho_s / 6.0).sin()
}

impl CorrelationMatrix {
    /// Groups the correlations and factorises each group.
    ///
    /// On failure, returns the indices of the correlations of the group that
    /// no valid correlation matrix can hold.
    pub fn new(correlations: &[Correlation]) -> Result<CorrelationMatrix, Vec<usize>> {
        let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new(); // (inputs, correlations)
        for (c, corr) in correlations.iter().enumerate() {
            let find = |groups: &[(Vec<usize>, Vec<usize>)], x: usize| groups.iter().position(|g| g.0.contains(&x));
            let (ga, gb) = (find(&groups, corr.first), find(&groups, corr.second));
            let target = match (ga, gb) {
                (None, None) => {
                    groups.push((vec![corr.first, corr.second], vec![]));
                    groups.len() - 1
                }
                (Some(g), None) => {
                    groups[g].0.push(corr.second);
                    g
                }
                (None, Some(g)) => {
                    groups[g].0.push(corr.first);
                    g
                }
                (Some(a), Some(b)) if a == b => a,
                (Some(a), Some(b)) => {
                    let (keep, gone) = (a.min(b), a.max(b));
                    let merged = groups.remove(gone);
                    groups[keep].0.extend(merged.0);
                    groups[keep].1.extend(merged.1);
                    keep
                }
            };
            groups[target].1.push(c);
        }
        let mut out = Vec::with_capacity(groups.len());
        for (mut inputs, mut corrs) in groups {
            inputs.sort_unstable();
            corrs.sort_unstable();
            let n = inputs.len();
            let mut matrix = vec![0.0; n * n];
            for i in 0..n {
                matrix[i * n + i] = 1.0;
            }
            for &c in &corrs {
                let corr = &correlations[c];
                let a = inputs.iter().position(|&x| x == corr.first).unwrap_or_default();
                let b = inputs.iter().position(|&x| x == corr.second).unwrap_or_default();
                let rho = normal_score_correlation(corr.rank_correlation);
                matrix[a * n + b] = rho;
                matrix[b * n + a] = rho;
            }
            let cholesky = cholesky(&matrix, n).ok_or_else(|| corrs.clone())?;
            out.push(CorrelatedGroup { inputs, cholesky });
        }
        Ok(CorrelationMatrix { groups: out })
    }
}

/// Cholesky factor of a positive semi-definite matrix, or `None` when it is not.
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let d = a[j * n + j] - (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum::<f64>();
        if d < -PIVOT_TOLERANCE {
            return None;
        }
        let pivot = d.max(0.0).sqrt();
        l[j * n + j] = pivot;
        for i in j + 1..n {
            let v = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if pivot <= PIVOT_TOLERANCE.sqrt() {
                // A degenerate direction: consistent only if nothing else loads on it.
                if v.abs() > 1e-6 {
                    return None;
                }
                l[i * n + j] = 0.0;
            } else {
                l[i * n + j] = v / pivot;
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corr(first: usize, second: usize, rho: f64) -> Correlation {
        Correlation { first, second, rank_correlation: rho }
    }

    #[test]
    fn rank_one_maps_to_pearson_one() {
        assert!((normal_score_correlation(1.0) - 1.0).abs() < 1e-15);
        assert_eq!(normal_score_correlation(0.0), 0.0);
    }

    #[test]
    fn groups_linked_inputs() {
        let m = CorrelationMatrix::new(&[corr(0, 1, 0.5), corr(4, 5, 0.2), corr(1, 2, -0.3)]).unwrap();
        assert_eq!(m.groups.len(), 2);
        assert_eq!(m.groups[0].inputs, vec![0, 1, 2]);
    }

    #[test]
    fn rejects_impossible_sets() {
        // A~B strongly, B~C strongly, but A~C independent: not positive semi-definite.
        let err = CorrelationMatrix::new(&[corr(0, 1, 0.9), corr(1, 2, 0.9)]).unwrap_err();
        assert_eq!(err, vec![0, 1]);
        assert!(CorrelationMatrix::new(&[corr(0, 1, 0.9), corr(1, 2, 0.9), corr(0, 2, 0.8)]).is_ok());
    }

    #[test]
    fn factor_reproduces_the_matrix() {
        let m = CorrelationMatrix::new(&[corr(0, 1, 0.5), corr(1, 2, 0.3), corr(0, 2, 0.1)]).unwrap();
        let g = &m.groups[0];
        let n = 3;
        let rho01: f64 = (0..n).map(|k| g.cholesky[k] * g.cholesky[n + k]).sum();
        assert!((rho01 - normal_score_correlation(0.5)).abs() < 1e-12);
    }
}
