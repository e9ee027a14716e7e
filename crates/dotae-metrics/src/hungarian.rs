//! Minimum-cost assignment of rows to columns (the linear assignment problem), by the
//! Kuhn–Munkres algorithm with potentials and shortest augmenting paths (the Jonker–Volgenant
//! formulation), in `O(rows² · cols)` time.

use ndarray::ArrayView2;

use crate::{MetricsError, check};

/// The assignment of every row of `cost` (shape `(rows, cols)`, `rows ≤ cols`) to a distinct
/// column that minimises the total cost `Σ_i cost[i, assignment[i]]`; `assignment[i]` is the
/// column of row `i`. Rectangular matrices are allowed as long as no row is left without a
/// column; the columns not chosen are simply unused (transpose the matrix if there are more
/// rows). Among equally cheap assignments one is returned; which one is deterministic but not
/// specified. Costs may be negative, so maximising a score is minimising its negation.
///
/// ```
/// use dotae_metrics::min_cost_assignment;
/// use ndarray::array;
///
/// let cost = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
/// assert_eq!(min_cost_assignment(cost.view())?, vec![1, 0, 2]); // 1 + 2 + 2
/// # Ok::<(), dotae_metrics::MetricsError>(())
/// ```
///
/// # Errors
/// [`MetricsError::InvalidShape`] with more rows than columns, [`MetricsError::NonFinite`] for
/// NaN or infinite costs (against the input `"cost"`), [`MetricsError::Undefined`] if the costs
/// are so large in magnitude that their differences overflow.
pub fn min_cost_assignment(cost: ArrayView2<f64>) -> Result<Vec<usize>, MetricsError> {
    let (n, m) = cost.dim();
    if n > m {
        return Err(MetricsError::InvalidShape {
            input: "cost",
            shape: vec![n, m],
            rule: "a cost matrix needs no more rows than columns (transpose it)",
        });
    }
    check::finite("cost", &cost)?;
    // 1-based as in the classic formulation: index 0 is a virtual column / "no row".
    let mut u = vec![0.0; n + 1]; // row potentials
    let mut v = vec![0.0; m + 1]; // column potentials
    let mut row_of = vec![0usize; m + 1]; // row assigned to each column, 0 for none
    let mut way = vec![0usize; m + 1]; // previous column on the shortest path
    let mut min_reduced = vec![f64::INFINITY; m + 1];
    let mut used = vec![false; m + 1];
    for i in 1..=n {
        row_of[0] = i;
        let mut j0 = 0;
        min_reduced.fill(f64::INFINITY);
        used.fill(false);
        // Grow a shortest-path tree from row i until it reaches a free column.
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0;
            for j in 1..=m {
                if !used[j] {
                    let reduced = cost[[i0 - 1, j - 1]] - u[i0] - v[j];
                    if reduced < min_reduced[j] {
                        min_reduced[j] = reduced;
                        way[j] = j0;
                    }
                    if min_reduced[j] < delta {
                        delta = min_reduced[j];
                        j1 = j;
                    }
                }
            }
            if j1 == 0 {
                // Only possible when reduced costs overflowed to ±∞ or NaN.
                return Err(MetricsError::Undefined {
                    input: "cost",
                    reason: "the costs are too large in magnitude: their differences overflow",
                });
            }
            for j in 0..=m {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_reduced[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        // Flip the assignment along the path back to the virtual column.
        while j0 != 0 {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
        }
    }
    let mut assignment = vec![0; n];
    for j in 1..=m {
        if row_of[j] != 0 {
            assignment[row_of[j] - 1] = j - 1;
        }
    }
    Ok(assignment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn rectangular_and_degenerate_shapes() {
        let wide = array![[5.0, 1.0, 9.0, 0.5], [1.0, 7.0, 0.0, 3.0]];
        assert_eq!(min_cost_assignment(wide.view()), Ok(vec![3, 2]));
        let empty = Array2::<f64>::zeros((0, 3));
        assert_eq!(min_cost_assignment(empty.view()), Ok(vec![]));
        let tall = Array2::<f64>::zeros((3, 2));
        assert!(matches!(
            min_cost_assignment(tall.view()),
            Err(MetricsError::InvalidShape { input: "cost", .. })
        ));
        let bad = array![[0.0, f64::NAN]];
        assert!(matches!(
            min_cost_assignment(bad.view()),
            Err(MetricsError::NonFinite { input: "cost", .. })
        ));
    }

    #[test]
    fn huge_costs_fail_instead_of_looping() {
        let huge = array![[f64::MAX, -f64::MAX], [-f64::MAX, f64::MAX]];
        // Either an answer or an error, never a hang or a panic.
        if let Ok(a) = min_cost_assignment(huge.view()) {
            assert_eq!(a.len(), 2);
        }
    }
}
