//! The synthetic lines benchmark of ACAI (Berthelot et al. 2018): how close decoded frames are to
//! real line images, and how evenly the line's angle advances along a path. See [`LinesScore`]
//! for the definitions.

use std::f64::consts::{PI, TAU};

use ndarray::{Array2, ArrayView4, ArrayView5, Axis};

use crate::{Distance, MetricsError, NearestNeighbours, check};

/// Unwrapped totals at or below this many radians count as "no change of angle". Real angle
/// differences between distinct bank lines are far larger (2π/10 000 ≈ 6e-4 for the ACAI bank);
/// this only absorbs the rounding of summing wrapped steps that cancel.
const ZERO_TOTAL: f64 = 1e-9;

/// The ACAI lines scores of a batch of paths.
///
/// Every decoded frame is matched to the nearest image of a bank of true line images by cosine
/// distance ([`Distance::Cosine`]) and takes that line's angle.
///
/// - **Mean Distance**: the mean of those cosine distances over all frames of all paths. Lower
///   is better; 0 means every frame is exactly (a multiple of) a bank line.
/// - **Smoothness** of one path: unwrap the frames' angles (each consecutive difference wrapped
///   to `(−π, π]`), let `total = |θ_{F−1} − θ_0|` of the unwrapped sequence, and take
///   `max_t |Δθ_t| / total − 1/(F−1)`. Lower is better: 0 for a path that advances the angle by
///   equal steps, `1 − 1/(F−1)` for a path that jumps at once. It is undefined when
///   `total` is 0 (both endpoints map to lines of the same angle); such paths are skipped and
///   counted.
#[derive(Debug, Clone, PartialEq)]
pub struct LinesScore {
    /// Mean cosine distance of every frame of every path to its nearest bank line. Lower is
    /// better (0 is perfect).
    pub mean_distance: f64,
    /// Mean smoothness over the paths where it is defined, `None` if it is defined for none.
    /// Lower is better (0 is perfect, `1 − 1/(F−1)` is an abrupt jump).
    pub smoothness: Option<f64>,
    /// Smoothness of each path, `None` for a path whose endpoints map to the same angle.
    pub smoothness_per_path: Vec<Option<f64>>,
    /// Number of paths whose smoothness is undefined (the `None` entries above).
    pub skipped: usize,
    /// Cosine distance of each frame to its nearest bank line, shape `(P, F)`.
    pub distances: Array2<f64>,
    /// Angle (radians, as given with the bank) of each frame's nearest bank line, shape `(P, F)`.
    pub angles: Array2<f64>,
}

/// A bank of true line images with their angles, prepared once for scoring many batches.
///
/// The ACAI benchmark uses 10 000 lines of 32 × 32 pixels at evenly spaced angles in `[0, 2π)`.
#[derive(Debug, Clone)]
pub struct LinesBank {
    search: NearestNeighbours,
    angles: Vec<f64>,
}

impl LinesBank {
    /// Prepares `bank`, shape `(N, channels, rows, cols)`, with `angles[i]` (radians) the angle
    /// of line image `i`.
    ///
    /// # Errors
    /// As [`NearestNeighbours::new`]; [`MetricsError::LengthMismatch`] unless there is one angle
    /// per bank image, [`MetricsError::NonFinite`] for a non-finite angle.
    pub fn new(bank: ArrayView4<f64>, angles: &[f64]) -> Result<Self, MetricsError> {
        check::length(
            "angles",
            angles.len(),
            bank.len_of(Axis(0)),
            "one per image of bank",
        )?;
        check::finite_slice("angles", angles)?;
        Ok(Self {
            search: NearestNeighbours::new(bank, Distance::Cosine)?,
            angles: angles.to_vec(),
        })
    }

    /// Scores `paths`, shape `(P, F, channels, rows, cols)` with the bank's image shape.
    ///
    /// # Errors
    /// [`MetricsError::Empty`] without any path, [`MetricsError::TooFewFrames`] with fewer than
    /// 2 frames per path, otherwise as [`NearestNeighbours::nearest_in_paths`].
    pub fn score(&self, paths: ArrayView5<f64>) -> Result<LinesScore, MetricsError> {
        let (p, f) = (paths.len_of(Axis(0)), paths.len_of(Axis(1)));
        if p == 0 {
            return Err(MetricsError::Empty {
                input: "paths",
                shape: paths.shape().to_vec(),
            });
        }
        check::min_frames("paths", f, 2)?;
        let found = self.search.nearest_in_paths(paths)?;
        let distances = Array2::from_shape_fn((p, f), |(i, t)| found[i][t].distance);
        let angles = Array2::from_shape_fn((p, f), |(i, t)| self.angles[found[i][t].index]);
        let smoothness_per_path: Vec<Option<f64>> = angles
            .outer_iter()
            .map(|a| unchecked_smoothness(a.iter().copied()))
            .collect();
        let defined: Vec<f64> = smoothness_per_path.iter().flatten().copied().collect();
        Ok(LinesScore {
            mean_distance: distances.mean().unwrap_or(f64::NAN),
            smoothness: (!defined.is_empty())
                .then(|| defined.iter().sum::<f64>() / defined.len() as f64),
            skipped: p - defined.len(),
            smoothness_per_path,
            distances,
            angles,
        })
    }
}

/// [`LinesBank::new`] and [`LinesBank::score`] in one call, for a bank used once.
///
/// # Errors
/// As those two functions.
pub fn lines_score(
    paths: ArrayView5<f64>,
    bank: ArrayView4<f64>,
    angles: &[f64],
) -> Result<LinesScore, MetricsError> {
    LinesBank::new(bank, angles)?.score(paths)
}

/// ACAI smoothness of one path's sequence of angles (radians): `max_t |Δθ_t| / total −
/// 1/(F−1)` with the steps wrapped to `(−π, π]` and `total` the absolute net change of the
/// unwrapped angle. Lower is better (0 for equal steps). `Ok(None)` when the net change is 0
/// (at most 1e-9 rad), where the ratio is undefined.
///
/// # Errors
/// [`MetricsError::TooFewFrames`] with fewer than 2 angles, [`MetricsError::NonFinite`] for a
/// non-finite angle.
pub fn angle_smoothness(angles: &[f64]) -> Result<Option<f64>, MetricsError> {
    check::min_frames("angles", angles.len(), 2)?;
    check::finite_slice("angles", angles)?;
    Ok(unchecked_smoothness(angles.iter().copied()))
}

/// Smoothness of at least 2 finite angles.
fn unchecked_smoothness(angles: impl Iterator<Item = f64>) -> Option<f64> {
    let angles: Vec<f64> = angles.collect();
    let steps: Vec<f64> = angles.windows(2).map(|w| wrap(w[1] - w[0])).collect();
    let total = steps.iter().sum::<f64>().abs();
    if total <= ZERO_TOTAL {
        return None;
    }
    let largest = steps.iter().map(|s| s.abs()).fold(0.0, f64::max);
    Some(largest / total - 1.0 / steps.len() as f64)
}

/// `angle` wrapped to `(−π, π]`.
fn wrap(angle: f64) -> f64 {
    let r = angle.rem_euclid(TAU);
    if r > PI { r - TAU } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_is_half_open() {
        assert_eq!(wrap(0.0), 0.0);
        assert_eq!(wrap(PI), PI);
        assert!((wrap(-PI) - PI).abs() < 1e-15);
        assert!((wrap(3.0 * PI / 2.0) + PI / 2.0).abs() < 1e-15);
        assert!((wrap(-0.25) + 0.25).abs() < 1e-15);
    }

    #[test]
    fn smoothness_of_known_sequences() {
        let even: Vec<f64> = (0..5).map(|t| 0.1 * t as f64).collect();
        assert!(angle_smoothness(&even).unwrap().unwrap().abs() < 1e-12);
        let jump = [0.0, 0.0, 0.0, 1.0];
        let s = angle_smoothness(&jump).unwrap().unwrap();
        assert!((s - (1.0 - 1.0 / 3.0)).abs() < 1e-12);
        assert_eq!(angle_smoothness(&[0.3, 0.7, 0.3]), Ok(None));
        assert!(matches!(
            angle_smoothness(&[1.0]),
            Err(MetricsError::TooFewFrames {
                input: "angles",
                ..
            })
        ));
    }
}
