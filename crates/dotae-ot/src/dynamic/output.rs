//! What the dynamic solver returns.

use ndarray::Array3;

use crate::Progress;

/// A Benamou–Brenier geodesic between two images, from
/// [`geodesic`](crate::geodesic) or [`geodesic_with`](crate::geodesic_with).
///
/// Units: time runs over `[0, 1]` in `T` steps, distances are in pixels (cell size 1), and every
/// frame carries unit mass. The frames and momenta satisfy the discrete continuity equation
/// `T (ρ_{t+1} − ρ_t) + D m_t = 0` exactly (up to rounding) whether or not the solver
/// converged; convergence is about optimality.
#[derive(Debug, Clone, PartialEq)]
pub struct Geodesic {
    /// The frames `ρ_0 … ρ_T`, shape `(T + 1, rows, cols)`: `ρ_0` is the normalised source,
    /// `ρ_T` the normalised target, each frame sums to 1 and is zero on obstacle cells. Inner
    /// frames are not constrained to be non-negative: the kinetic energy only sees the time
    /// averages `(ρ_t + ρ_{t+1})/2` (the staggered discretisation), which are `>= 0` at the
    /// solution. On images without empty regions the frames usually dip by well under 0.1 %
    /// of their peak, but on small grids with few steps they can dip by several per cent (a
    /// 5×4 pair of values in [0.05, 1] with T = 3: −0.0091 in a frame of mean 0.05); where the
    /// images have vacuum (exact zeros) the discrete optimum itself can oscillate in time there
    /// and dip by several per cent of the peak.
    pub frames: Array3<f64>,
    /// Vertical flux `m¹` of each step, shape `(T, rows + 1, cols)`, at the step's time
    /// midpoint: face `(i, j)` lies between cells `(i − 1, j)` and `(i, j)` (dotae-grid's face
    /// layout), positive towards increasing row index, in mass · pixels per unit time. Zero on
    /// the border and on every face touching an obstacle.
    pub vertical_momentum: Array3<f64>,
    /// Horizontal flux `m²` of each step, shape `(T, rows, cols + 1)`: face `(i, j)` lies
    /// between cells `(i, j − 1)` and `(i, j)`, positive towards increasing column index.
    pub horizontal_momentum: Array3<f64>,
    /// The squared Wasserstein-2 distance in pixels², as the kinetic action
    /// `(1/T) Σ_{t, cells} |m̄|² / ρ̄` of the solver's centred variables (momentum and density
    /// averaged to cell centres and time midpoints, after the kinetic proximal step, so it is
    /// finite and `>= 0`). A Gaussian translated by `d` pixels gives `≈ d²`.
    pub w2_squared: f64,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the stopping rule was met (`false` when the iteration limit was reached or the
    /// observer stopped the solver).
    pub converged: bool,
    /// One report per iteration: `residual` is the Douglas–Rachford fixed-point residual
    /// `‖w − z‖ / ‖z‖`, with `z` the kinetic/continuity proximal point of the iterate and `w`
    /// the projection of its reflection onto the interpolation constraint `V = I U`; it is
    /// zero exactly at a solution.
    pub history: Vec<Progress>,
}

impl Geodesic {
    /// Number of time steps `T`.
    pub fn steps(&self) -> usize {
        self.vertical_momentum.len_of(ndarray::Axis(0))
    }
}
