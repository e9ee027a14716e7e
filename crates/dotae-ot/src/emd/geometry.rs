//! Squared 2-Wasserstein distances between point clouds and between images on their pixel
//! grids. The simplex prices a dense matrix of the pairs with mass (measured faster than
//! recomputing the squared distances at every scan); the whole problem's costs, for the
//! potentials of massless pixels and the optimality certificate, are computed on demand.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use super::cost::{DenseCosts, SquaredEuclidean, check_point_sets};
use super::{EmdConfig, ExactTransport, Histograms};
use crate::{OtError, Silent, check};

/// The squared 2-Wasserstein distance `W₂²` between the point clouds `x` (`n × d`) and `y`
/// (`m × d`), rows being points, each point weighing `1/n` (resp. `1/m`): the optimal cost of
/// [`emd`](super::emd) with the squared Euclidean cost, in squared units of the coordinates.
///
/// # Errors
/// [`OtError::Empty`] or [`OtError::NonFinite`] for an empty or non-finite cloud,
/// [`OtError::Shape`] when the dimensions differ, [`OtError::TooLarge`] above
/// [`EMD_MAX_ARCS`](super::EMD_MAX_ARCS) pairs.
pub fn w2_squared_points(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<f64, OtError> {
    check_point_sets(x, y)?;
    let uniform = |n: usize| Array1::from_elem(n, 1.0 / n as f64);
    let (a, b) = (uniform(x.nrows()), uniform(y.nrows()));
    Ok(weighted_points(a.view(), x, b.view(), y)?.cost)
}

/// The squared 2-Wasserstein distance `W₂²` between two images, each normalised to unit mass
/// on its own pixel grid: pixel `(i, j)` sits at the point `(i, j)` (the cell centres, one
/// pixel apart), and the cost is the squared Euclidean distance in pixels². The images may
/// differ in shape. Pixels without mass are left out of the problem, so sparse images solve
/// much faster.
///
/// # Errors
/// [`OtError::Empty`], [`OtError::NonFinite`], [`OtError::Negative`] or [`OtError::ZeroMass`]
/// for a bad image (named `a` or `b`), [`OtError::TooLarge`] when the product of the numbers of
/// pixels with mass exceeds [`EMD_MAX_ARCS`](super::EMD_MAX_ARCS).
pub fn w2_squared_images(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<f64, OtError> {
    let (weights_a, pixels_a) = pixels_with_mass("a", a)?;
    let (weights_b, pixels_b) = pixels_with_mass("b", b)?;
    Ok(weighted_points(
        weights_a.view(),
        pixels_a.view(),
        weights_b.view(),
        pixels_b.view(),
    )?
    .cost)
}

/// The pixels of `image` that carry mass: their share of the image's mass, and their
/// coordinates `(row, column)`.
fn pixels_with_mass(
    what: &'static str,
    image: ArrayView2<f64>,
) -> Result<(Array1<f64>, Array2<f64>), OtError> {
    let mass = check::mass(what, &image)?;
    let pixels: Vec<((usize, usize), f64)> = image
        .indexed_iter()
        .filter(|(_, value)| **value > 0.0)
        .map(|(index, value)| (index, value / mass))
        .collect();
    let weights = pixels.iter().map(|(_, w)| *w).collect();
    let coordinates = Array2::from_shape_fn((pixels.len(), 2), |(k, axis)| {
        let (row, column) = pixels[k].0;
        if axis == 0 { row as f64 } else { column as f64 }
    });
    Ok((weights, coordinates))
}

/// The exact transport between weighted point clouds (rows are points) for the squared
/// Euclidean cost.
fn weighted_points(
    a: ArrayView1<f64>,
    x: ArrayView2<f64>,
    b: ArrayView1<f64>,
    y: ArrayView2<f64>,
) -> Result<ExactTransport, OtError> {
    let config = EmdConfig::default();
    let problem = Histograms::checked(a, b, &config)?;
    let all = |n: usize| (0..n).collect::<Vec<_>>();
    let full = SquaredEuclidean::new(x, &all(x.nrows()), y, &all(y.nrows()));
    let (rows, cols) = problem.kept_shape();
    if problem.sources.is_none() && problem.targets.is_none() {
        let dense = DenseCosts::materialise(&full, rows, cols);
        return problem.solve(&dense, &full, &config, &mut Silent);
    }
    let kept_sources = problem
        .kept_sources()
        .map_or_else(|| all(x.nrows()), <[usize]>::to_vec);
    let kept_targets = problem
        .kept_targets()
        .map_or_else(|| all(y.nrows()), <[usize]>::to_vec);
    let kept = SquaredEuclidean::new(x, &kept_sources, y, &kept_targets);
    let dense = DenseCosts::materialise(&kept, rows, cols);
    problem.solve(&dense, &full, &config, &mut Silent)
}
