//! The staggered grid of dynamic optimal transport on images.
//!
//! An `rows × cols` image is a density on *cells*; mass moves across *faces*. Vertical flux
//! `m¹` lives on faces `(i, j)`, `i = 0..=rows`, between cells `(i-1, j)` and `(i, j)`;
//! horizontal flux `m²` on faces `(i, j)`, `j = 0..=cols`, between cells `(i, j-1)` and
//! `(i, j)`. The divergence is
//! `(∇·m)_{i,j} = m¹_{i+1,j} − m¹_{i,j} + m²_{i,j+1} − m²_{i,j}` (docs/design.md, normative).
//!
//! This crate builds the grid once per size, [`Boundary`] condition and obstacle mask and
//! provides the small operators the path energy is made of: the divergence `D` (also as a faer
//! sparse matrix) and its transpose, face weights from cell densities, time weights for a
//! step, and the adjoints that carry face-level gradients back to cells.
//!
//! ```
//! use dotae_grid::{Boundary, Grid};
//!
//! let grid = Grid::new(4, 5, Boundary::Neumann)?;
//! // Neumann removes the border faces: 3·5 vertical + 4·4 horizontal interior faces remain.
//! assert_eq!(grid.faces().len(), 31);
//! // One connected region, not anchored to a Dirichlet border: mass is conserved.
//! assert_eq!(grid.regions().len(), 1);
//! assert!(!grid.regions()[0].anchored);
//!
//! // Face weights of a uniform density are that density.
//! let density = vec![0.25; grid.cells()];
//! let mut u = vec![0.0; grid.faces().len()];
//! grid.face_weights(&density, &mut u)?;
//! assert!(u.iter().all(|&w| (w - 0.25).abs() < 1e-15));
//! # Ok::<(), dotae_grid::GridError>(())
//! ```

#![warn(missing_docs)]
mod boundary;
mod divergence;
mod error;
mod face;
mod grid;
mod regions;
mod weights;

pub use boundary::Boundary;
pub use error::GridError;
pub use face::{Face, FaceLayout};
pub use grid::Grid;
pub use regions::Region;
pub use weights::TimeWeights;
