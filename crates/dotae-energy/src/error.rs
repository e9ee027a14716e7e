use dotae_grid::GridError;
use thiserror::Error;

/// Everything that can go wrong when evaluating a path energy.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EnergyError {
    #[error(transparent)]
    Grid(#[from] GridError),

    /// A path needs a start and an end frame.
    #[error("a path needs at least 2 frames, got {frames}")]
    TooFewFrames { frames: usize },

    /// The path's frames do not have the operator's grid size.
    #[error("path frames are {rows}x{cols}, but the operator's grid is {grid_rows}x{grid_cols}")]
    FrameSize {
        rows: usize,
        cols: usize,
        grid_rows: usize,
        grid_cols: usize,
    },

    /// NaN or infinity in a frame.
    #[error("frame {frame} has a non-finite value ({value}) at row {row}, column {col}")]
    NonFinite {
        frame: usize,
        row: usize,
        col: usize,
        value: f64,
    },

    /// Densities must be non-negative.
    #[error(
        "frame {frame} has a negative density ({value}) at row {row}, column {col}: densities must be >= 0"
    )]
    Negative {
        frame: usize,
        row: usize,
        col: usize,
        value: f64,
    },

    /// A frame without mass on the free cells.
    #[error("frame {frame} has zero mass on the free cells: every frame must carry some mass")]
    ZeroMass { frame: usize },

    /// The unbalanced variant's source weight must be a positive number.
    #[error("tau = {tau} is not allowed: the unbalanced source weight must be finite and > 0")]
    InvalidTau { tau: f64 },

    /// The standard mass for normalisation must be a positive number.
    #[error("mass = {mass} is not allowed: the standard frame mass must be finite and > 0")]
    InvalidMass { mass: f64 },

    /// The density floor must be a positive number.
    #[error("floor = {floor} is not allowed: the density floor must be finite and > 0")]
    InvalidFloor { floor: f64 },

    /// The relative density floor must be a positive number.
    #[error(
        "relative_floor = {factor} is not allowed: the relative density floor (a factor of each frame's mean density) must be finite and > 0"
    )]
    InvalidRelativeFloor { factor: f64 },

    /// An absolute and a relative floor were both set.
    #[error(
        "floor = {floor} and relative_floor = {factor} are both set: a measurement uses one density floor, absolute or relative"
    )]
    ConflictingFloors { floor: f64, factor: f64 },

    /// The mass-conservation tolerance must be a non-negative number.
    #[error("mass tolerance = {tolerance} is not allowed: it must be finite and >= 0")]
    InvalidTolerance { tolerance: f64 },

    /// A balanced step on a region without Dirichlet border (Neumann, periodic, or enclosed by
    /// obstacles) must carry as much mass in as out.
    #[error(
        "step {step} does not conserve mass on region {region} ({cells} cells): the frames differ by {imbalance:e} \
         of a mass of {mass:e}, above the relative tolerance {tolerance:e}; with a {boundary} boundary the balanced \
         energy needs equal mass per region (normalise the frames, or use the unbalanced variant)"
    )]
    MassNotConserved {
        step: usize,
        region: usize,
        cells: usize,
        imbalance: f64,
        mass: f64,
        tolerance: f64,
        boundary: dotae_grid::Boundary,
    },

    /// The step's system has a zero pivot: mass would have to cross cells of zero density.
    #[error(
        "the linear system of step {step} is not positive definite: the density is zero on cells that mass \
         would have to cross (raise the frames to a small positive floor)"
    )]
    NotPositiveDefinite { step: usize },

    /// faer failed to analyse the sparsity pattern.
    #[error("symbolic Cholesky analysis failed: {reason}")]
    Symbolic { reason: String },

    /// A broken invariant inside dotae-energy: a bug, please report it.
    #[error("internal error in dotae-energy (please report): {reason}")]
    Internal { reason: String },

    /// An error in one path of a batch.
    #[error("path {path}: {source}")]
    InPath {
        path: usize,
        #[source]
        source: Box<EnergyError>,
    },
}
