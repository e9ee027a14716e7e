//! Rank correlation: whether one quantity rises with another, whatever the scale of either.

use crate::{MetricsError, check};

/// Spearman's rank correlation ρ of paired observations `x[i]`, `y[i]`: the Pearson correlation
/// of their ranks, tied values sharing their average rank. 1 when `y` rises with `x`
/// everywhere, −1 when it falls, near 0 without a monotone relation. `Ok(None)` when either
/// list is constant (ρ is undefined).
///
/// # Errors
/// [`MetricsError::LengthMismatch`] unless the lists have one length of at least 2,
/// [`MetricsError::NonFinite`] for a non-finite value.
pub fn spearman(x: &[f64], y: &[f64]) -> Result<Option<f64>, MetricsError> {
    check::length("y", y.len(), x.len(), "one per value of x")?;
    check::length("x", x.len(), x.len().max(2), "at least 2 values")?;
    check::finite_slice("x", x)?;
    check::finite_slice("y", y)?;
    Ok(pearson(&ranks(x), &ranks(y)))
}

/// 1-based ranks with ties averaged.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end share the mean of the ranks start + 1 ..= end.
        let shared = (start + end + 1) as f64 / 2.0;
        for &index in &order[start..end] {
            ranks[index] = shared;
        }
        start = end;
    }
    ranks
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }
}
