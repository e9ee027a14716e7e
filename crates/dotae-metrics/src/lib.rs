//! Quality metrics for dotae images, paths and representations:
//!
//! - image and path quality: SSIM of Wang et al. 2004 computed exactly as scikit-image computes
//!   it, mean squared error, the similarity of consecutive path frames, and the mean and spread
//!   of a series of such values;
//! - nearest-neighbour retrieval in a bank of images ([`NearestNeighbours`]), and on it the ACAI
//!   lines benchmark ([`LinesBank`]) and the AEAI interpolation metrics ([`AeaiDataset`]);
//! - representation quality: a linear probe ([`linear_probe`]) and k-means clustering accuracy
//!   ([`kmeans`], [`clustering_accuracy`], [`min_cost_assignment`]);
//! - what a path keeps of its endpoints: mass, peak and sharpness ([`path_profile`]);
//! - geodesic fidelity under the optimal-transport path energy ([`geodesic_fidelity`],
//!   [`w2_energy_ratio`]), and the one way binaries measure a path with it ([`PathMeasure`],
//!   [`measure_path`]: resampling, density floor, normalisation and the W₂² estimate), and
//!   whether a path's energy is set by the density floor rather than by a motion
//!   ([`FloorCheck`]).
//!
//! Every metric reads the same layouts, so every method is scored by one code path: one image is
//! an `ndarray` view of shape `(channels, rows, cols)`; one path adds a leading frame axis,
//! `(frames, channels, rows, cols)`; a batch of paths another, `(paths, frames, channels, rows,
//! cols)`; a bank or data set of images is `(images, channels, rows, cols)`; features are
//! `(rows, features)`. All values are `f64`. Invalid input is reported as a [`MetricsError`]
//! naming the input and the rule it broke, never a panic.
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

mod aeai;
mod blank;
mod check;
mod error;
mod floor;
mod geodesic;
mod hungarian;
mod kmeans;
mod lines;
mod measure;
mod path;
mod probe;
mod profile;
mod rank;
mod retrieval;
mod ssim;
mod summary;

pub use aeai::{ALPHA_GRID_POINTS, AeaiDataset, AeaiScore, aeai_score};
pub use blank::{
    BLANK_BELOW, MISSED_ENDS_ABOVE, STILL_BELOW, first_blank_frame, paths_missing_their_ends,
    still_paths,
};
pub use error::MetricsError;
pub use floor::{FLOOR_CHECK_FACTOR, FLOOR_SET_SHARE, FloorCheck, FloorShare};
pub use geodesic::{
    GeodesicFidelity, geodesic_fidelity, path_energy, w2_energy_ratio, w2_lower_bound,
};
pub use hungarian::min_cost_assignment;
pub use kmeans::{KMeans, KMeansConfig, clustering_accuracy, kmeans};
pub use lines::{LinesBank, LinesProtocol, LinesScore, angle_smoothness, lines_score};
pub use measure::{
    DEFAULT_RELATIVE_FLOOR, MeasureConfig, PathMeasure, PathMeasurement, measure_path, wall_cells,
};
pub use path::{MeanStd, adjacent_ssim, adjacent_ssim_with, frame_mse, mse};
pub use probe::{ProbeConfig, ProbeResult, linear_probe};
pub use profile::{PathProfile, path_profile, sharpness};
pub use rank::spearman;
pub use retrieval::{Distance, Nearest, NearestNeighbours};
pub use ssim::{SsimConfig, ssim, ssim_with};
pub use summary::{Quartiles, Summary};
