//! The one way every binary measures a host path with the optimal-transport path energy.
//!
//! [`PathMeasure`] owns the measuring configuration ([`MeasureConfig`]) and the operator built
//! from it, resamples frames (and the obstacle mask) to the measuring grid by one rule, and
//! returns a [`PathMeasurement`] that serialises as it is reported.

use dotae_data::resize;
use dotae_energy::{
    Boundary, EnergyError, Floor, Grid, PathEnergy, PathEnergyConfig, TimeWeights, Variant,
};
use ndarray::{Array2, Array4, ArrayView2, ArrayView4, Axis, CowArray, Ix4};
use serde::{Deserialize, Serialize};

use crate::geodesic::{channel_energies, geodesic_fidelity};
use crate::{GeodesicFidelity, MetricsError};

/// The relative density floor of the default measurement: densities below `1e-6 ×` the frame's
/// mean density over the free cells are raised to it. Raising cells adds at most `1e-6 ×` the
/// frame's mass (every raised cell gains less than the floor, and there are as many cells as the
/// mean counts), so on frames that were calibrated without a floor the default moves the
/// measured mass by at most 1e-6 relative, at any brightness or image size.
pub const DEFAULT_RELATIVE_FLOOR: f64 = 1e-6;

/// How a path is measured: the grid, the energy and the density preparation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureConfig {
    /// Measuring grid `[rows, cols]`. Larger frames are area-summed down to it (see
    /// [`PathMeasure`]); smaller ones are an error.
    pub grid: [usize; 2],
    /// What happens to mass at the grid's border. The default, Neumann, lets no mass leave or
    /// enter through it.
    pub boundary: Boundary,
    /// Balanced or unbalanced transport.
    pub variant: Variant,
    /// Density the face weights of a step are computed from.
    pub time_weights: TimeWeights,
    /// Every frame of every channel is rescaled to this mass before measuring; `None` measures
    /// the frames as given. With `Some(1.0)` (the default), `T·J` estimates W₂² in pixels².
    pub mass: Option<f64>,
    /// Densities below the floor are raised to it before rescaling. Default:
    /// [`Floor::Relative`] with [`DEFAULT_RELATIVE_FLOOR`].
    pub floor: Option<Floor>,
}

impl Default for MeasureConfig {
    fn default() -> Self {
        Self {
            grid: [32, 32],
            boundary: Boundary::Neumann,
            variant: Variant::Balanced,
            time_weights: TimeWeights::Midpoint,
            mass: Some(1.0),
            floor: Some(Floor::Relative(DEFAULT_RELATIVE_FLOOR)),
        }
    }
}

impl MeasureConfig {
    /// The default measurement on a `rows × cols` grid.
    pub fn on_grid(rows: usize, cols: usize) -> Self {
        Self {
            grid: [rows, cols],
            ..Self::default()
        }
    }

    fn energy_config(&self) -> PathEnergyConfig {
        let config = PathEnergyConfig {
            variant: self.variant,
            time_weights: self.time_weights,
            mass: self.mass,
            ..PathEnergyConfig::default()
        };
        config.density_floor(self.floor)
    }
}

/// What a measurement reports for one path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathMeasurement {
    /// Path energy `J = Σ_t J_t`, summed over channels.
    pub energy: f64,
    /// `J_t` of each step `t = 0..T`, summed over channels.
    pub per_step: Vec<f64>,
    /// `J` of each channel.
    pub per_channel: Vec<f64>,
    /// Number of steps `T` (frames − 1).
    pub steps: usize,
    /// `T·J / mass` when frames are rescaled to a standard mass and the energy is balanced, else
    /// `None` (the unbalanced energy lets mass appear and vanish): for unit-mass
    /// frames and distances in pixels, an estimate of the squared Wasserstein-2 distance between
    /// the endpoints (summed over channels) when the path is a geodesic, an upper bound
    /// otherwise. (W₂² scales with the mass, so the division makes it the unit-mass value.)
    pub w2_estimate: Option<f64>,
}

/// Measures host paths `(frames, channels, rows, cols)` with one [`MeasureConfig`].
///
/// Resampling, the one rule: frames larger than the measuring grid are **area-summed** to it —
/// each grid cell receives the exact fractional-overlap share of every frame pixel it covers
/// ([`dotae_data::resize`]'s area averaging times the area ratio) — so every channel keeps its
/// mass exactly and the measurement does not depend on how finely the frames were rendered
/// beyond the grid's resolution. An obstacle mask (at the frames' size) is area-averaged the
/// same way, and a grid cell is a wall when at least half of the area it covers is. Frames are
/// never upsampled: a path smaller than the grid is an error.
///
/// Each channel is its own density (normalised on its own when a mass is set) and the channel
/// energies add, as in [`dotae_energy::channel_paths`].
#[derive(Debug)]
pub struct PathMeasure {
    config: MeasureConfig,
    /// The frame size the obstacle mask was given at; paths must have it.
    mask_size: Option<[usize; 2]>,
    operator: PathEnergy,
}

impl PathMeasure {
    /// A measure for `config`, with optional `obstacles` (`true` = wall) at the size of the
    /// frames that will be measured.
    ///
    /// # Errors
    /// [`MetricsError::Energy`] against `"config"` for an invalid grid size, mass, floor or
    /// tau (the message names the field), [`MetricsError::InvalidShape`] against `"obstacles"`
    /// for a mask smaller than the grid.
    pub fn new(
        config: MeasureConfig,
        obstacles: Option<ArrayView2<'_, bool>>,
    ) -> Result<Self, MetricsError> {
        let [rows, cols] = config.grid;
        let as_config_error = |source: EnergyError| MetricsError::Energy {
            input: "config",
            channel: None,
            source,
        };
        // The plain grid first, so that an empty size is reported as the grid's error.
        let plain = Grid::new(rows, cols, config.boundary)
            .map_err(EnergyError::from)
            .map_err(as_config_error)?;
        let grid = match obstacles {
            None => Ok(plain),
            Some(mask) => {
                let cells = wall_cells(mask, rows, cols)?;
                Grid::with_obstacles(rows, cols, config.boundary, cells.view())
                    .map_err(EnergyError::from)
            }
        }
        .map_err(as_config_error)?;
        let operator = PathEnergy::new(grid, config.energy_config()).map_err(as_config_error)?;
        Ok(Self {
            mask_size: obstacles.map(|mask| [mask.nrows(), mask.ncols()]),
            config,
            operator,
        })
    }

    /// A measure on the same grid and walls with another `config` of the same grid size.
    ///
    /// # Errors
    /// As [`Self::new`]; [`MetricsError::InvalidValue`] for a config of another grid size.
    pub fn with_config(&self, config: MeasureConfig) -> Result<Self, MetricsError> {
        crate::check::value(
            "config.grid",
            (config.grid[0] * config.grid[1]) as f64,
            config.grid == self.config.grid,
            "the same grid size as the measure's",
        )?;
        let operator = PathEnergy::new(self.operator.grid().clone(), config.energy_config())
            .map_err(|source| MetricsError::Energy {
                input: "config",
                channel: None,
                source,
            })?;
        Ok(Self {
            config,
            mask_size: self.mask_size,
            operator,
        })
    }

    /// The configuration it measures with.
    pub fn config(&self) -> &MeasureConfig {
        &self.config
    }

    /// The operator on the measuring grid, for the metrics that take one.
    pub fn operator(&self) -> &PathEnergy {
        &self.operator
    }

    /// Energy, per-step energies and W₂² estimate of `path`, shape
    /// `(frames, channels, rows, cols)`, after resampling its frames to the grid (see the type's
    /// documentation).
    ///
    /// # Errors
    /// As [`crate::path_energy`] against the input `"path"` (a frame without mass is
    /// [`EnergyError::ZeroMass`] naming the frame and channel), and
    /// [`MetricsError::InvalidShape`] for frames smaller than the grid or not of the obstacle
    /// mask's size.
    pub fn measure(&self, path: ArrayView4<'_, f64>) -> Result<PathMeasurement, MetricsError> {
        let on_grid = self.resample("path", path)?;
        let per_channel = channel_energies("path", on_grid.view(), &self.operator)?;
        let steps = path.len_of(Axis(0)) - 1;
        let mut per_step = vec![0.0; steps];
        for channel in &per_channel {
            for (sum, &step) in per_step.iter_mut().zip(&channel.per_step) {
                *sum += step;
            }
        }
        let energy = per_channel.iter().map(|c| c.energy).sum::<f64>();
        Ok(PathMeasurement {
            energy,
            per_step,
            per_channel: per_channel.iter().map(|c| c.energy).collect(),
            steps,
            // The unbalanced energy lets mass appear and vanish: T·J no longer estimates W₂².
            w2_estimate: match self.config.variant {
                Variant::Balanced => self.config.mass.map(|mass| steps as f64 * energy / mass),
                Variant::Unbalanced { .. } => None,
            },
        })
    }

    /// [`geodesic_fidelity`] of `path` against `reference`, both resampled as [`Self::measure`]
    /// does.
    ///
    /// # Errors
    /// As [`Self::measure`] and [`geodesic_fidelity`].
    pub fn fidelity(
        &self,
        path: ArrayView4<'_, f64>,
        reference: ArrayView4<'_, f64>,
    ) -> Result<GeodesicFidelity, MetricsError> {
        crate::check::same_shape("path", path.shape(), "reference", reference.shape())?;
        let path_on_grid = self.resample("path", path)?;
        let reference_on_grid = self.resample("reference", reference)?;
        let mut fidelity = geodesic_fidelity(
            path_on_grid.view(),
            reference_on_grid.view(),
            &self.operator,
        )?;
        // The frame errors compare the frames as given, not their resampled copies.
        fidelity.frame_mse =
            crate::MeanStd::of(&crate::frame_mse(path, reference)?).unwrap_or(fidelity.frame_mse);
        Ok(fidelity)
    }

    /// The path on the measuring grid: itself when it already has the grid's size.
    fn resample<'a>(
        &self,
        input: &'static str,
        path: ArrayView4<'a, f64>,
    ) -> Result<CowArray<'a, f64, Ix4>, MetricsError> {
        let (frames, channels, rows, cols) = path.dim();
        let [grid_rows, grid_cols] = self.config.grid;
        if let Some(mask) = self.mask_size
            && mask != [rows, cols]
        {
            return Err(MetricsError::InvalidShape {
                input,
                shape: path.shape().to_vec(),
                rule: "its frames must have the size of the obstacle mask the measure was built with",
            });
        }
        if [rows, cols] == self.config.grid {
            return Ok(CowArray::from(path));
        }
        if rows < grid_rows || cols < grid_cols {
            return Err(MetricsError::InvalidShape {
                input,
                shape: path.shape().to_vec(),
                rule: "its frames must be at least as large as the measuring grid (they are \
                       area-summed down to it, never upsampled)",
            });
        }
        crate::check::min_frames(input, frames, 2)?;
        crate::check::finite(input, &path)?;
        let area_ratio = (rows * cols) as f64 / (grid_rows * grid_cols) as f64;
        let mut out = Array4::zeros((frames, channels, grid_rows, grid_cols));
        for (frame, mut target) in path.outer_iter().zip(out.outer_iter_mut()) {
            let averaged = resize(frame, grid_rows, grid_cols).map_err(|_| resample_bug(input))?;
            target.assign(&(averaged * area_ratio));
        }
        Ok(CowArray::from(out))
    }
}

/// Measures one path with `config` (see [`PathMeasure`] for the resampling rule). Binaries that
/// measure many paths build a [`PathMeasure`] once instead, which analyses the grid once.
///
/// # Errors
/// As [`PathMeasure::new`] and [`PathMeasure::measure`].
pub fn measure_path(
    path: ArrayView4<'_, f64>,
    config: &MeasureConfig,
    obstacles: Option<ArrayView2<'_, bool>>,
) -> Result<PathMeasurement, MetricsError> {
    PathMeasure::new(config.clone(), obstacles)?.measure(path)
}

/// The walls of a `rows × cols` grid from a mask at frame size: area-averaged, a cell is a wall
/// when at least half of the area it covers is.
///
/// # Errors
/// [`MetricsError::InvalidShape`] against `"obstacles"` if the mask is smaller than the grid.
pub fn wall_cells(
    mask: ArrayView2<'_, bool>,
    rows: usize,
    cols: usize,
) -> Result<Array2<bool>, MetricsError> {
    if mask.nrows() < rows || mask.ncols() < cols {
        return Err(MetricsError::InvalidShape {
            input: "obstacles",
            shape: mask.shape().to_vec(),
            rule: "the obstacle mask must be at least as large as the measuring grid",
        });
    }
    if mask.dim() == (rows, cols) {
        return Ok(mask.to_owned());
    }
    let coverage = mask
        .mapv(|wall| if wall { 1.0 } else { 0.0 })
        .insert_axis(Axis(0));
    let averaged = resize(coverage.view(), rows, cols).map_err(|_| resample_bug("obstacles"))?;
    Ok(averaged.index_axis(Axis(0), 0).mapv(|v| v >= 0.5))
}

/// `resize` fails only for empty sizes, which the callers have excluded.
fn resample_bug(input: &'static str) -> MetricsError {
    MetricsError::Undefined {
        input,
        reason: "resampling to the measuring grid failed for a non-empty size (a bug in dotae-metrics)",
    }
}
