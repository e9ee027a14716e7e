//! Fast CPU training kernels for dotae's networks.
//!
//! burn-flex runs a 3×3 convolution's forward pass through a general im2col and matrix product,
//! and falls back to burn's generic compositions for every gradient; a LeakyReLU under autodiff
//! is several full-tensor passes each way. This crate gives the layers dotae's models use one
//! fused kernel each — convolution, bias and activation — with a hand-written backward pass,
//! multi-threaded over the batch, and plugs them into burn through its backend-extension
//! mechanism. Models keep burn-nn's modules (and so their checkpoints); only their forward
//! methods call [`conv2d_activated`] instead of `Conv2d::forward`.
//!
//! The neural-OT networks get the same for their dense layers: [`linear`] (product and bias,
//! rows in parallel blocks), [`linear_adjoint`] (the product with the transposed weight that
//! carries a gradient back to a layer's input, itself differentiable), [`silu()`] and
//! [`silu_slope`].
//!
//! The numeric kernels underneath ([`conv3x3`], [`dense`], [`resample`], [`mod@silu`]) work on
//! plain slices in f32 or f64 and can be used without burn.

#![warn(missing_docs)]
mod activation;
pub mod conv3x3;
pub mod dense;
mod direct;
mod direct_conv;
mod element;
mod extension;
mod im2col;
mod layer;
pub mod matmul;
pub mod resample;
mod scratch;
pub mod silu;

pub use activation::{Activation, flush_subnormals};
pub use element::Element;
pub use extension::KernelBackend;
pub use layer::{
    avg_pool2d, conv2d_activated, linear, linear_adjoint, runs_fused, silu, silu_slope,
    upsample_nearest2d,
};
