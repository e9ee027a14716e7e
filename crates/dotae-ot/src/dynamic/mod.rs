//! Dynamic optimal transport (Benamou–Brenier) between two images by proximal splitting.
//!
//! The geodesic `ρ(t)`, `t ∈ [0, 1]`, between two images of unit mass minimises the kinetic
//! action `∫₀¹ Σ |m|²/ρ dt` subject to the continuity equation `∂ρ/∂t + ∇·m = 0`, no flux
//! through the image border or into obstacle cells; its minimum is `W₂²` (pixels²). It is
//! discretised on dotae-grid's staggered grid (`T` time steps, cell size 1) and solved by
//! Douglas–Rachford splitting (Papadakis, Peyré & Oudet, *Optimal transport with proximal
//! splitting*, SIAM J. Imaging Sci. 2014): each iteration is a space-time Poisson projection
//! onto the continuity equation (DCT without obstacles, sparse Cholesky per time frequency
//! with them), a pointwise cubic for the kinetic energy and a tridiagonal projection between
//! the staggered and the centred grid.
//!
//! ```
//! use dotae_ot::{geodesic, OtError};
//! use ndarray::Array2;
//!
//! // A 2×2 blob moves 4 pixels to the right on a 8×12 image in 4 steps.
//! let blob = |col: usize| {
//!     Array2::from_shape_fn((8, 12), |(i, j)| {
//!         if (3..5).contains(&i) && (col..col + 2).contains(&j) { 1.0 } else { 0.0 }
//!     })
//! };
//! let path = geodesic(blob(2).view(), blob(6).view(), 4)?;
//! assert_eq!(path.frames.dim(), (5, 8, 12));
//! assert!(path.converged);
//! assert!((path.w2_squared - 16.0).abs() < 1.0);
//! # Ok::<(), OtError>(())
//! ```

mod config;
mod continuity;
mod input;
mod kinetic;
mod output;
mod poisson;
mod splitting;
mod staggered;

pub use config::GeodesicConfig;
pub use input::REGION_MASS_TOLERANCE;
pub use output::Geodesic;

use dotae_grid::{Boundary, Grid};
use ndarray::{ArrayView2, Axis};

use crate::{Observer, OtError, Silent};
use continuity::ContinuityProjection;
use splitting::{Schedule, douglas_rachford, kinetic_action};
use staggered::{SpaceTime, linear_densities};

/// The geodesic from `source` to `target` in `steps` time steps, with the default
/// [`GeodesicConfig`], no obstacles and no flux through the image border.
///
/// Both images are normalised to unit mass. Errors: shapes that differ, an empty, negative,
/// non-finite or massless image, `steps < 1` (all [`OtError`]s naming the input).
pub fn geodesic(
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    steps: usize,
) -> Result<Geodesic, OtError> {
    crate::check::finite("source", &source)?;
    let (rows, cols) = source.dim();
    let grid = Grid::new(rows, cols, Boundary::Neumann)?;
    geodesic_with(
        &grid,
        source,
        target,
        &GeodesicConfig::with_steps(steps),
        &mut Silent,
    )
}

/// The geodesic from `source` to `target` on `grid` (whose obstacles mass must go around),
/// as `config` says, reporting every iteration to `observer`.
///
/// The grid must have [`Boundary::Neumann`] (no flux through the border). Both images are
/// normalised to unit mass and must put none on obstacle cells. Iteration stops when the
/// residual falls below `config.tolerance` (`converged = true`), at `config.max_iterations`,
/// or when the observer breaks; the last two return the current path with
/// `converged = false`.
///
/// Errors, all before any work: a bad configuration ([`OtError::Parameter`]), a grid that is
/// not Neumann, mass on an obstacle cell, or obstacles that separate part of the source's mass
/// from the target's (beyond [`REGION_MASS_TOLERANCE`]) ([`OtError::Infeasible`]), images
/// whose shape is not the grid's ([`OtError::Shape`]), and empty, non-finite, negative or
/// massless images.
pub fn geodesic_with(
    grid: &Grid,
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    config: &GeodesicConfig,
    observer: &mut impl Observer,
) -> Result<Geodesic, OtError> {
    config.validate()?;
    let endpoints = input::endpoints(grid, source, target)?;
    let size = SpaceTime {
        steps: config.steps,
        rows: grid.rows(),
        cols: grid.cols(),
    };
    let initial = linear_densities(size, &endpoints.source, &endpoints.target);
    let mut continuity =
        ContinuityProjection::new(grid, config.steps, endpoints.source, endpoints.target)?;
    let schedule = Schedule {
        step_size: config.step_size,
        relaxation: config.relaxation,
        max_iterations: config.max_iterations,
        tolerance: config.tolerance,
    };
    let outcome = douglas_rachford(size, &mut continuity, initial, schedule, observer);
    let scale = endpoints.scale;
    let w2_squared = kinetic_action(&outcome.point, config.steps) / scale;
    let staggered = outcome.point.staggered;
    debug_assert_eq!(staggered.vertical.len_of(Axis(0)), config.steps);
    Ok(Geodesic {
        frames: staggered.density / scale,
        vertical_momentum: staggered.vertical / scale,
        horizontal_momentum: staggered.horizontal / scale,
        w2_squared,
        iterations: outcome.iterations,
        converged: outcome.converged,
        history: outcome.history,
    })
}

/// Reproducible values uniform in [−0.5, 0.5), for the solver's unit tests (a 64-bit LCG).
#[cfg(test)]
fn test_values(shape: (usize, usize, usize), seed: u64) -> ndarray::Array3<f64> {
    let mut state = seed;
    ndarray::Array3::from_shape_simple_fn(shape, || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    })
}
