//! Entropic optimal transport: log-domain Sinkhorn (balanced, and unbalanced with KL marginal
//! penalties) on a dense cost matrix, and convolutional Wasserstein barycentres of images, where
//! the Gibbs kernel is applied as two 1-D Gaussian blurs and never formed as a dense matrix.
//!
//! Conventions follow [POT](https://pythonot.github.io) so results can be compared like for
//! like: [`sinkhorn`] matches `ot.sinkhorn2(..., method="sinkhorn_log")`,
//! [`sinkhorn_unbalanced`] matches `ot.unbalanced.sinkhorn_unbalanced(..., reg_type="kl")`,
//! and [`convolutional_barycentre`] matches `ot.bregman.convolutional_barycenter2d`.

mod barycentre;
mod gibbs;
mod log_sum_exp;
mod sinkhorn;
mod unbalanced;

pub use barycentre::{
    Barycentre, BarycentreConfig, convolutional_barycentre, convolutional_barycentre_with,
};
pub use sinkhorn::{EntropicTransport, SinkhornConfig, sinkhorn, sinkhorn_with};
pub use unbalanced::{sinkhorn_unbalanced, sinkhorn_unbalanced_with};
