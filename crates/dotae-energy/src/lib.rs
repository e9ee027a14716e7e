//! The dynamic optimal-transport path energy of an image sequence, and its exact gradient.
//!
//! For a path of frames `ρ_0 … ρ_T` on a staggered [`Grid`], each step costs
//! the kinetic energy of the cheapest flow carrying `ρ_t` to `ρ_{t+1}`:
//! `J_t = b_tᵀ A_t⁻¹ b_t` with `b_t = ρ_t − ρ_{t+1}` and `A_t = D diag(u_t) Dᵀ`, where `u_t` are
//! face averages of the step density (Benamou–Brenier with the momentum eliminated). The
//! unbalanced variant adds `diag(ρ̄_t/τ)`; obstacles are a property of the grid. `J = Σ_t J_t`
//! and, for frames of unit mass, `T·J` estimates the squared Wasserstein-2 distance in pixels².
//!
//! [`PathEnergy`] analyses the sparsity pattern once per grid (faer sparse Cholesky, AMD
//! ordering, simplicial factor) and then solves every step of every path in parallel with
//! rayon, reusing its scratch space. The gradient with respect to every frame, endpoints
//! included, comes from the closed form `∂J_t/∂b_t = 2 y_t`, `∂J_t/∂u_f = −(Dᵀ y_t)_f²`,
//! `∂J_t/∂(ρ̄_t/τ)_c = −y_c²`, with `y_t = A_t⁻¹ b_t`.
//!
//! ```
//! use dotae_energy::PathEnergy;
//! use ndarray::Array3;
//!
//! // A single bright pixel moving 3 pixels to the right in 3 steps.
//! let mut path = Array3::<f64>::from_elem((4, 8, 8), 1e-3);
//! for t in 0..4 {
//!     path[[t, 4, 2 + t]] = 1.0;
//! }
//! let operator = PathEnergy::unit_mass(8, 8)?;
//! let out = operator.evaluate(path.view(), dotae_energy::Request::GRADIENT)?;
//! assert_eq!(out.per_step.len(), 3);
//! assert!(out.energy > 0.0);
//! assert_eq!(out.gradient.map(|g| g.dim()), Some((4, 8, 8)));
//! # Ok::<(), dotae_energy::EnergyError>(())
//! ```

#![warn(missing_docs)]
mod cholesky;
mod config;
mod error;
mod frames;
mod operator;
mod output;
mod step;
mod system;
mod workspace;

pub use config::{Floor, PathEnergyConfig, Variant};
pub use dotae_grid::{Boundary, Grid, GridError, TimeWeights};
pub use error::EnergyError;
pub use frames::mass_on_obstacles;
pub use operator::{PathEnergy, channel_paths};
pub use output::{Flow, PathEnergyOutput, Request};
