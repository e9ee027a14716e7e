//! Quality metrics for dotae images and paths: SSIM of Wang et al. 2004 computed exactly as
//! scikit-image computes it, mean squared error, the similarity of consecutive path frames, and
//! the mean and spread of a series of such values.
//!
//! Images are `ndarray` views of shape `(channels, rows, cols)`; paths add a leading frame axis,
//! `(frames, channels, rows, cols)`. Invalid input is reported as a [`MetricsError`], never a
//! panic.
//!
//! ```
//! use dotae_metrics::{mse, ssim};
//! use ndarray::Array3;
//!
//! // A diagonal ramp and a dimmed, offset copy of it, one channel of 16 x 16 pixels.
//! let a = Array3::from_shape_fn((1, 16, 16), |(_, r, c)| (r + c) as f64 / 30.0);
//! let b = a.mapv(|v| 0.8 * v + 0.1);
//!
//! assert!((ssim(a.view(), a.view())? - 1.0).abs() < 1e-12);
//! let s = ssim(a.view(), b.view())?;
//! assert!(s > 0.5 && s < 1.0);
//! assert!(mse(a.view(), b.view())? > 0.0);
//! # Ok::<(), dotae_metrics::MetricsError>(())
//! ```

#![warn(missing_docs)]

mod check;
mod error;
mod path;
mod ssim;

pub use error::MetricsError;
pub use path::{MeanStd, adjacent_ssim, adjacent_ssim_with, frame_mse, mse};
pub use ssim::{SsimConfig, ssim, ssim_with};
