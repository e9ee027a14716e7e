use dotae_grid::GridError;
use thiserror::Error;

/// Everything that can go wrong when evaluating a path energy.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EnergyError {
    /// The grid could not be built.
    #[error(transparent)]
    Grid(#[from] GridError),

    /// A path needs a start and an end frame.
    #[error("a path needs at least 2 frames, got {frames}")]
    TooFewFrames {
        /// The number of frames the path has.
        frames: usize,
    },

    /// The path's frames do not have the operator's grid size.
    #[error("path frames are {rows}x{cols}, but the operator's grid is {grid_rows}x{grid_cols}")]
    FrameSize {
        /// The frames' height in cells.
        rows: usize,
        /// The frames' width in cells.
        cols: usize,
        /// The grid's height, which the frames must match.
        grid_rows: usize,
        /// The grid's width, which the frames must match.
        grid_cols: usize,
    },

    /// NaN or infinity in a frame.
    #[error("frame {frame} has a non-finite value ({value}) at row {row}, column {col}")]
    NonFinite {
        /// The frame's index in the path.
        frame: usize,
        /// The row of the first non-finite cell found.
        row: usize,
        /// The column of the first non-finite cell found.
        col: usize,
        /// The non-finite value found there.
        value: f64,
    },

    /// Densities must be non-negative.
    #[error(
        "frame {frame} has a negative density ({value:?}) at row {row}, column {col}: densities must be >= 0"
    )]
    Negative {
        /// The frame's index in the path.
        frame: usize,
        /// The row of the first negative cell found.
        row: usize,
        /// The column of the first negative cell found.
        col: usize,
        /// The negative density found there.
        value: f64,
    },

    /// A frame without mass on the free cells.
    #[error("frame {frame} has zero mass on the free cells: every frame must carry some mass")]
    ZeroMass {
        /// The frame's index in the path.
        frame: usize,
    },

    /// A frame whose values are finite but add up beyond the largest `f64`.
    #[error(
        "frame {frame}'s values are too large to add up (their sum overflows f64): scale the frames down"
    )]
    MassOverflow {
        /// The frame's index in the path.
        frame: usize,
    },

    /// A frame so light that rescaling it to the standard mass overflows `f64`.
    #[error(
        "frame {frame} has mass {mass:?} on the free cells: rescaling it to mass {target:?} needs a factor beyond the largest f64, so scale the frames up"
    )]
    MassTooSmall {
        /// The frame's index in the path.
        frame: usize,
        /// Its mass on the free cells, after the floor.
        mass: f64,
        /// The standard mass it was to be rescaled to.
        target: f64,
    },

    /// The unbalanced variant's source weight must be a positive number.
    #[error("tau = {tau} is not allowed: the unbalanced source weight must be finite and > 0")]
    InvalidTau {
        /// The rejected source weight.
        tau: f64,
    },

    /// The standard mass for normalisation must be a positive number.
    #[error("mass = {mass} is not allowed: the standard frame mass must be finite and > 0")]
    InvalidMass {
        /// The rejected target mass per frame.
        mass: f64,
    },

    /// The density floor must be a positive number.
    #[error("floor = {floor} is not allowed: the density floor must be finite and > 0")]
    InvalidFloor {
        /// The rejected density floor.
        floor: f64,
    },

    /// The relative density floor must lie strictly between 0 and 1: at 1 or above it raises
    /// every cell to at least the frame's mean density, which flattens the frame.
    #[error(
        "relative_floor = {factor} is not allowed: the relative density floor (a factor of each frame's mean density) must lie in (0, 1); at 1 or above every frame is flattened to its mean"
    )]
    InvalidRelativeFloor {
        /// The factor given.
        factor: f64,
    },

    /// An absolute and a relative floor were both set.
    #[error(
        "floor = {floor} and relative_floor = {factor} are both set: a measurement uses one density floor, absolute or relative"
    )]
    ConflictingFloors {
        /// The absolute floor, in density units.
        floor: f64,
        /// The relative floor, a factor of each frame's mean density.
        factor: f64,
    },

    /// The mass-conservation tolerance must be a non-negative number.
    #[error("mass tolerance = {tolerance} is not allowed: it must be finite and >= 0")]
    InvalidTolerance {
        /// The rejected relative tolerance.
        tolerance: f64,
    },

    /// A balanced step on a region without Dirichlet border (Neumann, periodic, or enclosed by
    /// obstacles) must carry as much mass in as out.
    #[error(
        "step {step} does not conserve mass on region {region} ({cells} cells): the frames differ by {imbalance:e} \
         of a mass of {mass:e}, above the relative tolerance {tolerance:e}; with a {boundary} boundary the balanced \
         energy needs equal mass per region in every frame (frames of equal mass in each region, or the unbalanced variant)"
    )]
    MassNotConserved {
        /// The step's index: it goes from frame `step` to frame `step + 1`.
        step: usize,
        /// The region's index in [`Grid::regions`](dotae_grid::Grid::regions).
        region: usize,
        /// The number of free cells in the region.
        cells: usize,
        /// The start frame's mass on the region minus the end frame's.
        imbalance: f64,
        /// The mean of the two frames' masses on the region, which scales the tolerance.
        mass: f64,
        /// The relative tolerance the imbalance exceeded.
        tolerance: f64,
        /// The grid's boundary, named in the message because it is why mass must be conserved.
        boundary: dotae_grid::Boundary,
    },

    /// The step's system has a zero pivot: mass would have to cross cells of zero density.
    #[error(
        "the linear system of step {step} is not positive definite: the density is zero on cells that mass \
         would have to cross (raise the frames to a small positive floor)"
    )]
    NotPositiveDefinite {
        /// The step's index: it goes from frame `step` to frame `step + 1`.
        step: usize,
    },

    /// faer failed to analyse the sparsity pattern.
    #[error("symbolic Cholesky analysis failed: {reason}")]
    Symbolic {
        /// What faer (or the check of its result) reported.
        reason: String,
    },

    /// A broken invariant inside dotae-energy: a bug, please report it.
    #[error("internal error in dotae-energy (please report): {reason}")]
    Internal {
        /// Which invariant broke, and how.
        reason: String,
    },

    /// An error in one path of a batch.
    #[error("path {path}: {source}")]
    InPath {
        /// The path's index in the batch.
        path: usize,
        /// The error that path raised.
        #[source]
        source: Box<EnergyError>,
    },
}

impl EnergyError {
    /// The frame of the path the error is about: the frame itself, or a step's first frame
    /// (step `t` goes from frame `t` to `t + 1`). `None` for errors about no one frame.
    pub fn frame(&self) -> Option<usize> {
        match self {
            Self::NonFinite { frame, .. }
            | Self::Negative { frame, .. }
            | Self::ZeroMass { frame }
            | Self::MassOverflow { frame }
            | Self::MassTooSmall { frame, .. } => Some(*frame),
            Self::MassNotConserved { step, .. } | Self::NotPositiveDefinite { step } => Some(*step),
            Self::InPath { source, .. } => source.frame(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_of_an_error_is_found_through_its_path() {
        let zero = EnergyError::ZeroMass { frame: 3 };
        assert_eq!(zero.frame(), Some(3));
        let in_path = EnergyError::InPath {
            path: 1,
            source: Box::new(EnergyError::NotPositiveDefinite { step: 5 }),
        };
        assert_eq!(in_path.frame(), Some(5));
        let tau = EnergyError::InvalidTau { tau: -1.0 };
        assert_eq!(tau.frame(), None);
    }
}
