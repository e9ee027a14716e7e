//! Reference optimal-transport solvers in pure Rust, with ndarray in and out: the ground truth
//! that dotae's interpolations are judged against, and a crate of its own.
//!
//! - **Exact** discrete OT by the network simplex: plan, cost and dual potentials.
//! - **Entropic** OT: log-domain Sinkhorn (balanced and unbalanced) and convolutional
//!   Wasserstein barycentres of images.
//! - **Dynamic** OT (Benamou–Brenier) by proximal splitting on dotae-grid's staggered grid,
//!   with obstacles: the geodesic frames themselves.
//!
//! Inputs are checked before any work (negative or non-finite mass, mismatched shapes, zero
//! mass are [`OtError`]s); solvers never print.

#![warn(missing_docs)]
mod check;
mod dynamic;
mod emd;
mod entropic;
mod error;
mod progress;

pub use dynamic::{Geodesic, GeodesicConfig, REGION_MASS_TOLERANCE, geodesic, geodesic_with};
pub use emd::{
    EMD_MAX_ARCS, EMD_PRICING_TOLERANCE, EmdConfig, ExactTransport, OptimalityCertificate,
    PlanEntry, emd, emd_with, squared_euclidean_cost, w2_squared_images, w2_squared_points,
};
pub use entropic::{
    Barycentre, BarycentreConfig, EntropicTransport, SinkhornConfig, convolutional_barycentre,
    convolutional_barycentre_with, sinkhorn, sinkhorn_unbalanced, sinkhorn_unbalanced_with,
    sinkhorn_with,
};
pub use error::OtError;
pub use progress::{Observer, Progress, Silent};
