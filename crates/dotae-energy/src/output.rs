use ndarray::Array3;

/// What an evaluation computes beyond the energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Request {
    /// `∂J/∂ρ_t` for every frame, endpoints included.
    pub gradient: bool,
    /// Momentum and source fields of every step, with the solve residuals.
    pub flow: bool,
}

impl Request {
    /// Only the energy and its per-step parts.
    pub const ENERGY: Request = Request {
        gradient: false,
        flow: false,
    };
    /// Energy and gradient: what training needs.
    pub const GRADIENT: Request = Request {
        gradient: true,
        flow: false,
    };
    /// Everything, for plotting and checking.
    pub const ALL: Request = Request {
        gradient: true,
        flow: true,
    };
}

/// The energy of one path and what was requested with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathEnergyOutput {
    /// `J = Σ_t J_t`.
    pub energy: f64,
    /// `J_t` for `t = 0..T`.
    pub per_step: Vec<f64>,
    /// `∂J/∂ρ_t`, shape `(T + 1, rows, cols)`, with respect to the frames as given (before any
    /// rescaling to a standard mass).
    pub gradient: Option<Array3<f64>>,
    /// The optimal flow of every step.
    pub flow: Option<Flow>,
}

impl PathEnergyOutput {
    /// Number of steps `T`.
    pub fn steps(&self) -> usize {
        self.per_step.len()
    }

    /// `T · J`: for frames of unit mass and distances in pixels, an estimate of the squared
    /// Wasserstein-2 distance between the endpoints when the path is a geodesic, and an upper
    /// bound of it otherwise.
    pub fn w2_estimate(&self) -> f64 {
        self.steps() as f64 * self.energy
    }
}

/// The minimising flow of each step, in the units of a step (mass moved from `ρ_t` to `ρ_{t+1}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// Vertical flux `m¹`, shape `(T, rows + 1, cols)`; face `(i, j)` lies between cells
    /// `(i − 1, j)` and `(i, j)`, positive towards lower row index. Zero on removed faces.
    pub vertical: Array3<f64>,
    /// Horizontal flux `m²`, shape `(T, rows, cols + 1)`; positive towards lower column index.
    pub horizontal: Array3<f64>,
    /// Mass created in each cell during each step, shape `(T, rows, cols)`; zero for the
    /// balanced variant.
    pub source: Array3<f64>,
    /// Relative residual `‖D m − ζ − (ρ_t − ρ_{t+1})‖ / ‖ρ_t − ρ_{t+1}‖` of each step.
    pub residual: Vec<f64>,
}
