//! dotae: physically plausible image interpolation.
//!
//! An autoencoder is trained so that decoding a straight line between two latent codes
//! follows the optimal-transport geodesic between the images (mass moves) rather than a
//! cross-dissolve (mass fades). This crate re-exports the workspace's member crates:
//!
//! - [`grid`]: the staggered grid, boundaries, obstacles, divergence and face weights;
//! - [`energy`]: the path energy `J(ρ)` and its exact gradient;
//! - [`data`]: image and path I/O and synthetic images with known geodesics.

pub use dotae_data as data;
pub use dotae_energy as energy;
pub use dotae_grid as grid;
