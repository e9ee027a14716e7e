//! Arc costs of a transport problem: a dense matrix, or squared Euclidean distances between
//! points computed when asked (never materialised).

use std::borrow::Cow;
use std::ops::Range;

use ndarray::{Array2, ArrayView2};

use super::check_arc_count;
use crate::{OtError, check};

/// The cost `C_ij` of moving unit mass from source `i` to target `j`, and the pricing scan of
/// the network simplex over part of a row.
pub(super) trait ArcCosts {
    /// `C_ij`.
    fn cost(&self, i: usize, j: usize) -> f64;

    /// The lowest reduced cost `C_ij − u_i − v_j` over the targets `j` in `targets` (not
    /// empty), with its target; `v` holds every target's potential.
    fn cheapest_in_row(&self, i: usize, targets: Range<usize>, u_i: f64, v: &[f64])
    -> (f64, usize);
}

/// A dense row-major cost matrix, borrowed when the caller's is contiguous.
#[derive(Debug, Clone)]
pub(super) struct DenseCosts<'a> {
    values: Cow<'a, [f64]>,
    cols: usize,
}

impl<'a> DenseCosts<'a> {
    /// The costs between the sources `rows` and targets `cols` of `cost` (all of them when
    /// `None`), borrowed when that is the whole of a row-major matrix and copied otherwise.
    pub(super) fn new(
        cost: ArrayView2<'a, f64>,
        rows: Option<&[usize]>,
        cols: Option<&[usize]>,
    ) -> Self {
        if let (None, None, Some(values)) = (rows, cols, cost.to_slice()) {
            return Self {
                values: Cow::Borrowed(values),
                cols: cost.ncols(),
            };
        }
        let all_rows: Vec<usize>;
        let all_cols: Vec<usize>;
        let rows = match rows {
            Some(rows) => rows,
            None => {
                all_rows = (0..cost.nrows()).collect();
                &all_rows
            }
        };
        let cols = match cols {
            Some(cols) => cols,
            None => {
                all_cols = (0..cost.ncols()).collect();
                &all_cols
            }
        };
        let mut values = Vec::with_capacity(rows.len() * cols.len());
        for &i in rows {
            let row = cost.row(i);
            values.extend(cols.iter().map(|&j| row[j]));
        }
        Self {
            values: Cow::Owned(values),
            cols: cols.len(),
        }
    }
}

impl DenseCosts<'static> {
    /// The dense matrix of `costs` over `rows × cols` pairs: pricing reads it faster than it
    /// recomputes implicit costs.
    pub(super) fn materialise(costs: &impl ArcCosts, rows: usize, cols: usize) -> Self {
        let values = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| costs.cost(i, j)))
            .collect();
        Self {
            values: Cow::Owned(values),
            cols,
        }
    }
}

impl ArcCosts for DenseCosts<'_> {
    #[inline]
    fn cost(&self, i: usize, j: usize) -> f64 {
        self.values[i * self.cols + j]
    }

    #[inline]
    fn cheapest_in_row(
        &self,
        i: usize,
        targets: Range<usize>,
        u_i: f64,
        v: &[f64],
    ) -> (f64, usize) {
        let start = targets.start;
        let row = &self.values[i * self.cols..][targets.clone()];
        lowest(
            row.iter().zip(&v[targets]).map(|(c, v_j)| c - u_i - v_j),
            start,
        )
    }
}

/// Squared Euclidean distances between the rows of two point sets of one dimension, computed
/// on demand from the coordinates.
#[derive(Debug, Clone)]
pub(super) struct SquaredEuclidean {
    dim: usize,
    /// Sources, row-major (`rows × dim`).
    sources: Vec<f64>,
    /// Targets, one coordinate after the other (`dim × cols`), so a row scan reads each
    /// coordinate contiguously.
    targets_by_coordinate: Vec<f64>,
    cols: usize,
}

impl SquaredEuclidean {
    /// The costs between the chosen rows of `x` (sources) and of `y` (targets).
    pub(super) fn new(
        x: ArrayView2<f64>,
        rows: &[usize],
        y: ArrayView2<f64>,
        cols: &[usize],
    ) -> Self {
        let dim = x.ncols();
        let sources = rows.iter().flat_map(|&i| x.row(i).to_vec()).collect();
        let mut targets_by_coordinate = Vec::with_capacity(dim * cols.len());
        for k in 0..dim {
            targets_by_coordinate.extend(cols.iter().map(|&j| y[[j, k]]));
        }
        Self {
            dim,
            sources,
            targets_by_coordinate,
            cols: cols.len(),
        }
    }
}

impl ArcCosts for SquaredEuclidean {
    #[inline]
    fn cost(&self, i: usize, j: usize) -> f64 {
        let source = &self.sources[i * self.dim..(i + 1) * self.dim];
        if let [s0, s1] = *source {
            let (d0, d1) = (
                s0 - self.targets_by_coordinate[j],
                s1 - self.targets_by_coordinate[self.cols + j],
            );
            return d0 * d0 + d1 * d1;
        }
        source
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let d = s - self.targets_by_coordinate[k * self.cols + j];
                d * d
            })
            .sum()
    }

    #[inline]
    fn cheapest_in_row(
        &self,
        i: usize,
        targets: Range<usize>,
        u_i: f64,
        v: &[f64],
    ) -> (f64, usize) {
        let source = &self.sources[i * self.dim..(i + 1) * self.dim];
        let start = targets.start;
        match *source {
            [s0, s1] => {
                let t0 = &self.targets_by_coordinate[targets.clone()];
                let t1 = &self.targets_by_coordinate[self.cols..][targets.clone()];
                let reduced = t0.iter().zip(t1).zip(&v[targets]).map(|((a, b), v_j)| {
                    let (d0, d1) = (s0 - a, s1 - b);
                    d0 * d0 + d1 * d1 - u_i - v_j
                });
                lowest(reduced, start)
            }
            _ => lowest(targets.clone().map(|j| self.cost(i, j) - u_i - v[j]), start),
        }
    }
}

/// The lowest value of `values` and its index, counting from `start`; the first one on ties.
#[inline]
fn lowest(values: impl Iterator<Item = f64>, start: usize) -> (f64, usize) {
    let mut best = (f64::INFINITY, start);
    for (k, value) in values.enumerate() {
        if value < best.0 {
            best = (value, start + k);
        }
    }
    best
}

/// The squared Euclidean distances `‖x_i − y_j‖²` between the rows of `x` (`n × d`) and of
/// `y` (`m × d`), as a dense `n × m` matrix (the cost of [`w2_squared_points`]).
///
/// Computed from the differences (not from `‖x‖² + ‖y‖² − 2⟨x, y⟩`), so it is exact to
/// rounding even for nearby points and never negative.
///
/// # Errors
/// [`OtError::Empty`] or [`OtError::NonFinite`] for an empty or non-finite point set,
/// [`OtError::Shape`] when the points have different dimensions, and [`OtError::TooLarge`]
/// above [`EMD_MAX_ARCS`](crate::EMD_MAX_ARCS) entries.
///
/// [`w2_squared_points`]: crate::w2_squared_points
pub fn squared_euclidean_cost(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
) -> Result<Array2<f64>, OtError> {
    check_point_sets(x, y)?;
    Ok(Array2::from_shape_fn((x.nrows(), y.nrows()), |(i, j)| {
        x.row(i)
            .iter()
            .zip(y.row(j))
            .map(|(a, b)| (a - b) * (a - b))
            .sum()
    }))
}

/// Checks two point sets (rows are points): non-empty, finite, of one dimension, and with at
/// most [`EMD_MAX_ARCS`](crate::EMD_MAX_ARCS) pairs.
pub(super) fn check_point_sets(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<(), OtError> {
    check::finite("x", &x)?;
    check::finite("y", &y)?;
    if x.ncols() != y.ncols() {
        return Err(OtError::Shape {
            what: "y",
            found: y.shape().to_vec(),
            rule: format!("its points need the dimension of x's ({})", x.ncols()),
        });
    }
    check_arc_count("point pairs of x and y", x.nrows(), y.nrows())
}
