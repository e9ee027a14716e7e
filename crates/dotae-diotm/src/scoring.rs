//! Table 1's two scores, against the exact discrete OT of dotae-ot on test samples of equal
//! size (so the optimal plan is an assignment): W₂ between the generated and the target points,
//! and the L2 distance between the learned map and the exact map.

use dotae_ot::{emd, squared_euclidean_cost, w2_squared_points};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::DiotmError;
use crate::neural_map::check_points;

/// How well a map transports test points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapScores {
    /// `W₂` (not squared) between the mapped test points and the target test points.
    pub w2: f64,
    /// `(1/N · Σ |T(xᵢ) − T*(xᵢ)|²)^½`, with `T*` the exact discrete OT map between the source
    /// and target test points.
    pub l2: f64,
}

/// The exact OT map between equally many source and target test points, against which
/// learned maps are scored.
#[derive(Debug, Clone)]
pub struct ExactMap {
    target: ndarray::Array2<f64>,
    assignment: Vec<usize>,
}

impl ExactMap {
    /// Solves the assignment between `source` and `target` (`(N, 2)` each) exactly.
    pub fn new(
        source: ArrayView2<'_, f64>,
        target: ArrayView2<'_, f64>,
    ) -> Result<Self, DiotmError> {
        check_points(source, "source test points")?;
        check_points(target, "target test points")?;
        if source.nrows() != target.nrows() {
            return Err(DiotmError::Shape {
                what: "target test points",
                actual: target.shape().to_vec(),
                expected: format!("as many points as the source's {}", source.nrows()),
            });
        }
        Ok(Self {
            target: target.to_owned(),
            assignment: exact_assignment(source, target)?,
        })
    }

    /// `σ` with `xᵢ ↦ y_σ(i)` the exact OT map.
    pub fn assignment(&self) -> &[usize] {
        &self.assignment
    }

    /// The scores of `mapped`, the learned map's images of the source test points in order.
    pub fn score(&self, mapped: ArrayView2<'_, f64>) -> Result<MapScores, DiotmError> {
        check_points(mapped, "mapped points")?;
        if mapped.nrows() != self.assignment.len() {
            return Err(DiotmError::Shape {
                what: "mapped points",
                actual: mapped.shape().to_vec(),
                expected: format!("one per source test point ({})", self.assignment.len()),
            });
        }
        let w2 = w2_squared_points(mapped, self.target.view())?
            .max(0.0)
            .sqrt();
        let squared: f64 = mapped
            .rows()
            .into_iter()
            .zip(&self.assignment)
            .map(|(point, &j)| {
                let exact = self.target.row(j);
                (&point - &exact).mapv(|d| d * d).sum()
            })
            .sum();
        Ok(MapScores {
            w2,
            l2: (squared / mapped.nrows() as f64).sqrt(),
        })
    }
}

/// The optimal assignment `σ` between equally many points `x` and `y` for the squared Euclidean
/// cost: the network simplex's vertex of the Birkhoff polytope, read as a permutation.
pub fn exact_assignment(
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
) -> Result<Vec<usize>, DiotmError> {
    let n = x.nrows();
    if y.nrows() != n {
        return Err(DiotmError::Shape {
            what: "y",
            actual: y.shape().to_vec(),
            expected: format!("as many points as x's {n}"),
        });
    }
    let uniform = Array1::from_elem(n, 1.0 / n as f64);
    let cost = squared_euclidean_cost(x, y)?;
    let plan = emd(uniform.view(), uniform.view(), cost.view())?.plan;
    // A vertex carries mass 1/n on one pair per row; its other basic pairs carry none.
    let mut best = vec![(usize::MAX, 0.0f64); n];
    for entry in plan {
        if entry.mass > best[entry.source].1 {
            best[entry.source] = (entry.target, entry.mass);
        }
    }
    let mut used = vec![false; n];
    for &(j, mass) in &best {
        if j == usize::MAX || used[j] || mass < 0.5 / n as f64 {
            return Err(DiotmError::NotAnAssignment);
        }
        used[j] = true;
    }
    Ok(best.into_iter().map(|(j, _)| j).collect())
}
