//! The measuring flags every binary that scores paths shares (`#[command(flatten)]`), turned
//! into the one [`MeasureConfig`] of dotae-metrics.

use clap::Args;
use dotae::energy::{Boundary, Floor, TimeWeights, Variant};
use dotae::metrics::{DEFAULT_RELATIVE_FLOOR, MeasureConfig};

/// How paths are measured (see docs/metrics.md, "One way to measure").
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Boundary of the measuring grid: neumann (no mass crosses the border), dirichlet (mass may
    /// leave and re-enter through it) or periodic.
    #[arg(long, default_value_t = Boundary::Neumann)]
    pub boundary: Boundary,
    /// Face weights from the midpoint of each step or from its first frame (explicit).
    #[arg(long, default_value = "midpoint")]
    pub time_weights: TimeWeights,
    /// Measure the unbalanced energy (mass may also appear or vanish) with this source weight τ.
    #[arg(long)]
    pub tau: Option<f64>,
    /// Mass every frame of every channel is rescaled to before measuring (1 makes T·J an
    /// estimate of W₂² in pixels²).
    #[arg(long, default_value_t = 1.0)]
    pub mass: f64,
    /// Measure the frames as given, without rescaling them to --mass.
    #[arg(long)]
    pub no_normalize: bool,
    /// Relative density floor: densities of a frame below FLOOR × its mean density are raised
    /// to it, so that mass never crosses empty cells. It adds at most FLOOR × the frame's mass;
    /// the default 1e-6 moves a calibrated measurement by less than 1e-6. A frame without mass
    /// is an error.
    #[arg(long, default_value_t = DEFAULT_RELATIVE_FLOOR, conflicts_with = "absolute_floor")]
    pub floor: f64,
    /// Absolute density floor instead (in the frames' units, the training's ε): densities below
    /// it are raised to it, whatever the frame's brightness.
    #[arg(long)]
    pub absolute_floor: Option<f64>,
}

impl MeasureArgs {
    /// The measurement on a `rows × cols` grid.
    pub fn config(&self, rows: usize, cols: usize) -> MeasureConfig {
        MeasureConfig {
            grid: [rows, cols],
            boundary: self.boundary,
            variant: match self.tau {
                Some(tau) => Variant::Unbalanced { tau },
                None => Variant::Balanced,
            },
            time_weights: self.time_weights,
            mass: (!self.no_normalize).then_some(self.mass),
            floor: Some(match self.absolute_floor {
                Some(value) => Floor::Absolute(value),
                None => Floor::Relative(self.floor),
            }),
        }
    }
}
