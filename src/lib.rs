//! dotae: physically plausible image interpolation.
//!
//! An autoencoder is trained so that decoding a straight line between two latent codes
//! follows the optimal-transport geodesic between the images (mass moves) rather than a
//! cross-dissolve (mass fades). This crate re-exports the workspace's member crates:
//!
//! - [`grid`]: the staggered grid, boundaries, obstacles, divergence and face weights;
//! - [`energy`]: the path energy `J(ρ)` and its exact gradient;
//! - [`data`]: image and path I/O and synthetic images with known geodesics;
//! - [`kernels`]: the fast CPU convolution, pooling and upsampling kernels the models train with;
//! - [`models`], [`baselines`], [`metrics`]: the autoencoders, the methods they are compared
//!   with, and the measurements;
//! - [`ot`]: reference optimal-transport solvers (exact, entropic, dynamic);
//! - [`diotm`]: neural optimal-transport maps (OTM, DIOTM) scored against exact OT.
//!
//! ```
//! use dotae::data::synthetic::{disk, translation};
//! use dotae::energy::{PathEnergy, PathEnergyConfig, Request};
//! use dotae::grid::{Boundary, Grid};
//!
//! // A disk moving 8 px in 4 steps, measured at unit mass with a small density floor.
//! let path = translation(4, (16.0, 12.0), (16.0, 20.0), |c| disk(32, 32, c, 4.0))?;
//! let config = PathEnergyConfig::default().normalized(1.0).floor(1e-4);
//! let operator = PathEnergy::new(Grid::new(32, 32, Boundary::Dirichlet)?, config)?;
//! let out = operator.evaluate(path.view(), Request::GRADIENT)?;
//! assert!((out.w2_estimate() - 64.0).abs() < 0.1 * 64.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]
pub use dotae_baselines as baselines;
pub use dotae_data as data;
pub use dotae_diotm as diotm;
pub use dotae_energy as energy;
pub use dotae_grid as grid;
pub use dotae_kernels as kernels;
pub use dotae_metrics as metrics;
pub use dotae_models as models;
pub use dotae_ot as ot;
