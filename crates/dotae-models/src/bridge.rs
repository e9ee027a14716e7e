//! The path-energy loss bridge: decoded frames in Burn, `J` and `∂J/∂ρ` from dotae-energy.
//!
//! A batch of paths `(P, T + 1, C, H, W)` is area-averaged down to the energy grid inside the
//! autodiff graph (every pixel's mass reaches the coarse grid, so a thin shape is not sampled
//! past), copied to the host, and measured by [`PathEnergy`] with the density
//! floor ε and the standard mass of the config (its closed-form gradient includes the
//! threshold, the rescaling and the obstacle cells, which get none). Back on the device, the
//! surrogate `⟨ρ, stop_grad(∂J/∂ρ)⟩` shifted to the value of `J` has exactly `∂J/∂ρ` as its
//! gradient, so backpropagation carries the closed form through downsampling and decoding.
//! Every channel of a colour path is its own density; their energies add.

use burn::prelude::*;
use dotae_data::resampling_matrix;
use dotae_energy::{Boundary, Grid, PathEnergy, PathEnergyConfig, Request, TimeWeights, Variant};
use ndarray::{ArrayView5, s};
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::host::host_values;

/// How decoded paths are measured.
///
/// The default — every method and experiment uses it unless told otherwise — is a no-flux
/// (Neumann) border with ε = 1e-3. docs/design.md's Dirichlet border with the paper's ε = 1e-5
/// lets a network cheat: mass leaves through the border near one corner and re-enters near the
/// other, and the energy ratio to the exact path falls to about 0.3 (docs/method.md, "Why
/// Neumann and ε = 1e-3").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathEnergyLossConfig {
    /// Energy grid `(rows, cols)`; frames are area-averaged down to it
    /// ([`dotae_data::resampling_matrix`]).
    pub energy_size: [usize; 2],
    /// Border condition of the grid built by [`init`](Self::init); a grid passed to
    /// [`init_with_grid`](Self::init_with_grid) brings its own.
    pub boundary: Boundary,
    /// Balanced or unbalanced transport.
    pub variant: Variant,
    /// Density the face weights of each time step are computed from.
    pub time_weights: TimeWeights,
    /// Densities below ε are raised to ε before measuring (the paper uses 1e-5; see the type's
    /// documentation for the default).
    pub epsilon: f64,
    /// Every frame is rescaled to this mass before measuring.
    pub mass: f64,
}

impl Default for PathEnergyLossConfig {
    fn default() -> Self {
        Self {
            energy_size: [32, 32],
            boundary: Boundary::Neumann,
            variant: Variant::Balanced,
            time_weights: TimeWeights::Midpoint,
            epsilon: 1e-3,
            mass: 1.0,
        }
    }
}

/// The loss term of a batch of paths.
#[derive(Debug, Clone)]
pub struct PathLoss {
    /// A scalar whose value is `Σ J` and whose gradient is `∂(Σ J)/∂(paths)`.
    pub loss: Tensor<1>,
    /// `J` of each path (channels added).
    pub per_path: Vec<f64>,
}

impl PathLoss {
    /// `Σ J` over the batch, on the host.
    pub fn energy(&self) -> f64 {
        self.per_path.iter().sum()
    }
}

/// The bridge from decoded paths to the path energy.
#[derive(Debug)]
pub struct PathEnergyLoss {
    operator: PathEnergy,
    config: PathEnergyLossConfig,
}

impl PathEnergyLossConfig {
    /// The bridge on a plain grid of `energy_size`.
    pub fn init(&self) -> Result<PathEnergyLoss, ModelError> {
        let [rows, cols] = self.energy_size;
        self.init_with_grid(
            Grid::new(rows, cols, self.boundary).map_err(dotae_energy::EnergyError::from)?,
        )
    }

    /// The bridge on a grid with obstacles; the grid must have `energy_size`.
    pub fn init_with_grid(&self, grid: Grid) -> Result<PathEnergyLoss, ModelError> {
        if [grid.rows(), grid.cols()] != self.energy_size {
            return Err(ModelError::Shape {
                what: "energy grid",
                actual: vec![grid.rows(), grid.cols()],
                expected: format!("{:?} (the config's energy_size)", self.energy_size),
            });
        }
        let energy = PathEnergyConfig {
            variant: self.variant,
            time_weights: self.time_weights,
            mass: Some(self.mass),
            floor: Some(self.epsilon),
            ..Default::default()
        };
        Ok(PathEnergyLoss {
            operator: PathEnergy::new(grid, energy)?,
            config: self.clone(),
        })
    }
}

impl PathEnergyLoss {
    /// The configuration the bridge was built from.
    pub fn config(&self) -> &PathEnergyLossConfig {
        &self.config
    }

    /// The operator that measures the downsampled paths on the host.
    pub fn operator(&self) -> &PathEnergy {
        &self.operator
    }

    /// `Σ_p J(path_p)` of paths `(P, T + 1, C, H, W)`, differentiable with respect to the paths.
    pub fn forward(&self, paths: Tensor<5>) -> Result<PathLoss, ModelError> {
        let [p, frames, channels, rows, cols] = paths.dims();
        let [er, ec] = self.config.energy_size;
        if er > rows || ec > cols {
            return Err(ModelError::EnergyGridTooLarge {
                energy_rows: er,
                energy_cols: ec,
                rows,
                cols,
            });
        }
        let flat = paths.reshape([p * frames, channels, rows, cols]);
        let small = if (er, ec) == (rows, cols) {
            flat
        } else {
            // Area averaging as two constant matrices, `R_rows · x · R_colsᵀ`: matmul is
            // differentiable on every backend, Burn's pooling at fractional factors is not.
            let device = flat.device();
            let dtype = flat.dtype();
            let along_rows = Tensor::<4>::from_data(
                TensorData::new(resampling_matrix(rows, er), [1, 1, er, rows]),
                (&device, dtype),
            );
            let along_cols = Tensor::<4>::from_data(
                TensorData::new(resampling_matrix(cols, ec), [1, 1, ec, cols]),
                (&device, dtype),
            );
            along_rows.matmul(flat).matmul(along_cols.swap_dims(2, 3))
        };
        let host = host_values(small.clone().detach())?;
        let shape = (p, frames, channels, er, ec);
        let view = ArrayView5::from_shape(shape, &host).map_err(|e| ModelError::TensorData {
            reason: e.to_string(),
        })?;
        let paths_of_channels: Vec<_> = (0..p)
            .flat_map(|i| (0..channels).map(move |c| (i, c)))
            .map(|(i, c)| view.slice_move(s![i, .., c, .., ..]))
            .collect();
        let outputs = self
            .operator
            .evaluate_many(&paths_of_channels, Request::GRADIENT)?;

        let mut gradient = vec![0.0f64; host.len()];
        let mut per_path = vec![0.0; p];
        for (k, out) in outputs.iter().enumerate() {
            let (i, c) = (k / channels, k % channels);
            per_path[i] += out.energy;
            if let Some(g) = &out.gradient {
                for ((t, r, q), &value) in g.indexed_iter() {
                    gradient[(((i * frames + t) * channels + c) * er + r) * ec + q] = value;
                }
            }
        }
        let surrogate_value: f64 = host.iter().zip(&gradient).map(|(x, g)| x * g).sum();
        let energy: f64 = per_path.iter().sum();
        let device = small.device();
        let dtype = small.dtype();
        let gradient = Tensor::<4>::from_data(
            TensorData::new(gradient, [p * frames, channels, er, ec]),
            (&device, dtype),
        );
        let loss = (small * gradient)
            .sum()
            .add_scalar(energy - surrogate_value);
        Ok(PathLoss { loss, per_path })
    }
}
