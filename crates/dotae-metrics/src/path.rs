//! Metrics of image paths `(frames, channels, rows, cols)`: similarity of consecutive frames,
//! per-frame error against a reference path, and the mean and spread of such series.

use ndarray::{ArrayView3, ArrayView4, Axis};

use crate::ssim::{SsimEvaluator, check_plane_size};
use crate::{MetricsError, SsimConfig, check};

/// SSIM of frames `t` and `t + 1` for every `t`, with the default [`SsimConfig`]; the result
/// has `frames - 1` entries. A smooth path gives values close to 1 throughout.
///
/// # Errors
/// [`MetricsError::TooFewFrames`] with fewer than 2 frames, otherwise as [`crate::ssim`] for
/// one frame (reported against the input `"path"`).
pub fn adjacent_ssim(path: ArrayView4<f64>) -> Result<Vec<f64>, MetricsError> {
    adjacent_ssim_with(path, &SsimConfig::default())
}

/// [`adjacent_ssim`] with explicit SSIM parameters.
///
/// Validates the whole path before computing anything and allocates the SSIM scratch planes
/// once for all frames.
///
/// # Errors
/// As [`adjacent_ssim`], plus [`MetricsError::InvalidConfig`] for a bad `config`.
pub fn adjacent_ssim_with(
    path: ArrayView4<f64>,
    config: &SsimConfig,
) -> Result<Vec<f64>, MetricsError> {
    config.validate()?;
    let (frames, channels, rows, cols) = path.dim();
    if frames < 2 {
        return Err(MetricsError::TooFewFrames {
            input: "path",
            frames,
            min: 2,
        });
    }
    check_plane_size("path", path.shape(), rows, cols, channels, config)?;
    check::finite("path", &path)?;
    let mut evaluator = SsimEvaluator::new(config, rows, cols);
    let frame = |t| path.index_axis(Axis(0), t);
    Ok((0..frames - 1)
        .map(|t| evaluator.mean_ssim(frame(t), frame(t + 1)))
        .collect())
}

/// Mean and population standard deviation of a series, e.g. of [`adjacent_ssim`] values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MeanStd {
    /// Arithmetic mean.
    pub mean: f64,
    /// Population standard deviation (divides by `n`, not `n - 1`), as `numpy.std` does by
    /// default, so a single value has spread 0.
    pub std: f64,
}

impl MeanStd {
    /// Mean and population standard deviation of `values`, or `None` if it is empty.
    ///
    /// Uses two passes (mean, then squared deviations from it) rather than `E[x²] − E[x]²`,
    /// which cancels catastrophically when the spread is small next to the mean, as it is for
    /// SSIM values near 1. NaN or infinite values propagate into the result.
    pub fn of(values: &[f64]) -> Option<MeanStd> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Some(MeanStd {
            mean,
            std: variance.sqrt(),
        })
    }
}

/// Mean squared error of each frame of `path` against the same frame of `reference`; one value
/// per frame (none for a path of zero frames).
///
/// # Errors
/// [`MetricsError::ShapeMismatch`] if the shapes differ, [`MetricsError::Empty`] if frames
/// exist but hold no pixels, [`MetricsError::NonFinite`] for NaN or infinite values.
pub fn frame_mse(
    path: ArrayView4<f64>,
    reference: ArrayView4<f64>,
) -> Result<Vec<f64>, MetricsError> {
    check::same_shape("path", path.shape(), "reference", reference.shape())?;
    if path.len_of(Axis(0)) > 0 {
        check::non_empty("path", &path)?;
    }
    check::finite("path", &path)?;
    check::finite("reference", &reference)?;
    Ok(path
        .outer_iter()
        .zip(reference.outer_iter())
        .map(|(p, r)| mean_squared_difference(p, r))
        .collect())
}

/// Mean squared error between two images of equal shape `(channels, rows, cols)`.
///
/// # Errors
/// [`MetricsError::ShapeMismatch`] if the shapes differ, [`MetricsError::Empty`] if the images
/// hold no pixels, [`MetricsError::NonFinite`] for NaN or infinite values.
pub fn mse(a: ArrayView3<f64>, b: ArrayView3<f64>) -> Result<f64, MetricsError> {
    check::same_shape("a", a.shape(), "b", b.shape())?;
    check::non_empty("a", &a)?;
    check::finite("a", &a)?;
    check::finite("b", &b)?;
    Ok(mean_squared_difference(a, b))
}

/// Mean of `(a - b)²` over two non-empty images of equal shape.
fn mean_squared_difference(a: ArrayView3<f64>, b: ArrayView3<f64>) -> f64 {
    let sum: f64 = a.iter().zip(b.iter()).map(|(x, y)| (x - y).powi(2)).sum();
    sum / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Array4};

    #[test]
    fn mean_std_is_population() {
        assert_eq!(MeanStd::of(&[]), None);
        assert_eq!(
            MeanStd::of(&[3.0]),
            Some(MeanStd {
                mean: 3.0,
                std: 0.0
            })
        );
        let m = MeanStd::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(m.mean, 2.5);
        assert!((m.std - 1.25f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn mse_of_known_images() {
        let a = Array3::<f64>::zeros((2, 1, 2));
        let b = Array3::from_shape_vec((2, 1, 2), vec![1.0, -1.0, 2.0, 0.0]).unwrap();
        assert_eq!(mse(a.view(), b.view()), Ok(1.5));
        let empty = Array3::<f64>::zeros((0, 4, 4));
        assert_eq!(
            mse(empty.view(), empty.view()),
            Err(MetricsError::Empty {
                input: "a",
                shape: vec![0, 4, 4]
            })
        );
    }

    #[test]
    fn frame_mse_per_frame_and_errors() {
        let p = Array4::from_shape_fn((3, 1, 2, 2), |(t, _, _, _)| t as f64);
        let r = Array4::<f64>::zeros((3, 1, 2, 2));
        assert_eq!(frame_mse(p.view(), r.view()), Ok(vec![0.0, 1.0, 4.0]));
        let short = Array4::<f64>::zeros((2, 1, 2, 2));
        let err = frame_mse(p.view(), short.view()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("[3, 1, 2, 2]") && msg.contains("[2, 1, 2, 2]"),
            "{msg}"
        );
        let none = Array4::<f64>::zeros((0, 1, 2, 2));
        assert_eq!(frame_mse(none.view(), none.view()), Ok(vec![]));
        let hollow = Array4::<f64>::zeros((2, 1, 0, 2));
        assert!(matches!(
            frame_mse(hollow.view(), hollow.view()),
            Err(MetricsError::Empty { input: "path", .. })
        ));
    }

    #[test]
    fn adjacent_ssim_needs_two_frames_of_window_size() {
        let one = Array4::<f64>::zeros((1, 1, 12, 12));
        assert_eq!(
            adjacent_ssim(one.view()),
            Err(MetricsError::TooFewFrames {
                input: "path",
                frames: 1,
                min: 2
            })
        );
        let small = Array4::<f64>::zeros((3, 1, 12, 9));
        assert_eq!(
            adjacent_ssim(small.view()),
            Err(MetricsError::TooSmall {
                input: "path",
                rows: 12,
                cols: 9,
                min: 11
            })
        );
        let mut bad = Array4::<f64>::zeros((3, 1, 12, 12));
        bad[[2, 0, 5, 6]] = f64::NEG_INFINITY;
        assert!(matches!(
            adjacent_ssim(bad.view()),
            Err(MetricsError::NonFinite { input: "path", ref index, .. }) if index == &vec![2, 0, 5, 6]
        ));
    }
}
