//! The synthetic lines benchmark of ACAI (Berthelot et al. 2018): how close decoded frames are to
//! real line images, and how evenly the line's angle advances along a path. See [`LinesScore`]
//! for the definitions and [`LinesProtocol`] for the two sets of rules, ACAI's official ones and
//! dotae's original ones.

use std::f64::consts::{PI, TAU};

use dotae_data::unit_to_acai;
use ndarray::{Array2, ArrayView4, ArrayView5, Axis};

use crate::{Distance, MetricsError, NearestNeighbours, check};

/// Under [`LinesProtocol::Dotae`], unwrapped totals at or below this many radians count as "no
/// change of angle". Real angle differences between distinct bank lines are far larger
/// (2π/10 000 ≈ 6e-4 for the ACAI bank); this only absorbs the rounding of summing wrapped steps
/// that cancel.
const ZERO_TOTAL: f64 = 1e-9;

/// Under [`LinesProtocol::Acai`], paths whose unwrapped end angles differ by less than this many
/// radians have no smoothness (`smoothness_score` in ACAI's `lib/eval.py`).
const ACAI_ZERO_TOTAL: f64 = 1e-4;

/// The rules a [`LinesBank`] scores by. Both match each frame to its nearest bank line by cosine
/// distance and score a path's matched angles by `max_t |Δθ_t| / total − 1/(F−1)`; they differ
/// in the value range of the comparison, in how the angles are unwrapped, in when a path's
/// smoothness is undefined and in how the mean treats undefined paths.
///
/// The value range matters most. Line images are mostly background, and under the cosine
/// distance a shared background of −1 makes every two images similar: on 8 pairs of 32 × 32
/// ACAI lines (`crates/dotae-metrics/tests/lines.rs`), the pixel cross-dissolve between the end
/// lines has a Mean Distance of 6.67e-3 under [`LinesProtocol::Acai`] and 7.39e-2, 11 times
/// more, under [`LinesProtocol::Dotae`]. Numbers from the two protocols are not comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinesProtocol {
    /// ACAI's official evaluation, `line_eval` in `lib/eval.py` of github.com/brain-research/acai
    /// (with `closest_line` and `smoothness_score`), for frames and bank given in dotae's range
    /// `[0, 1]`:
    ///
    /// - frames and bank images are mapped to ACAI's range `[−1, 1]` by `2x − 1` before the
    ///   cosine distance (the bank should be `dotae_data::acai_line_bank(size,
    ///   dotae_data::ACAI_BANK_LINES)`, ACAI's 10 000 lines);
    /// - the angles of a path are unwrapped exactly as NumPy's `np.unwrap` does: a step `d` with
    ///   `|d| ≥ π` becomes `mod(d + π, 2π) − π`, except that a step of `+π` stays `+π` and a step
    ///   of exactly `−π` stays `−π`; smaller steps are kept as they are;
    /// - a path's smoothness is undefined when its unwrapped first and last angles differ by
    ///   less than 1e-4 rad;
    /// - the mean smoothness is the sum over the paths where it is defined divided by the
    ///   number of *all* paths (an undefined path counts as 0), and undefined only when it is
    ///   undefined for every path.
    ///
    /// The official code returns both means as `float32`; dotae keeps `f64`.
    Acai,
    /// dotae's original rules, for images in any range (compared as given):
    ///
    /// - frames and bank images are compared as given;
    /// - every step between consecutive angles is wrapped to `(−π, π]` (a step of `−π` becomes
    ///   `+π`);
    /// - a path's smoothness is undefined when the sum of its wrapped steps is at most 1e-9 rad in
    ///   magnitude;
    /// - the mean smoothness is taken over the paths where it is defined only.
    Dotae,
}

impl LinesProtocol {
    /// Smoothness of one path's sequence of angles (radians) under this protocol: `max_t |Δθ_t|
    /// / total − 1/(F−1)` of the unwrapped angles, `total` the absolute net change. Lower is
    /// better (0 for equal steps). `Ok(None)` where the protocol leaves it undefined (no net
    /// change of angle).
    ///
    /// # Errors
    /// [`MetricsError::TooFewFrames`] with fewer than 2 angles, [`MetricsError::NonFinite`] for
    /// a non-finite angle.
    pub fn smoothness(self, angles: &[f64]) -> Result<Option<f64>, MetricsError> {
        check::min_frames("angles", angles.len(), 2)?;
        check::finite_slice("angles", angles)?;
        Ok(self.unchecked_smoothness(angles))
    }

    /// The mean smoothness of paths whose own smoothness is `per_path` (`None` where undefined):
    /// under [`LinesProtocol::Acai`] the sum of the defined ones divided by `per_path.len()`,
    /// under [`LinesProtocol::Dotae`] divided by their number. `None` when none is defined
    /// (`per_path` empty included).
    pub fn mean_smoothness(self, per_path: &[Option<f64>]) -> Option<f64> {
        let defined: Vec<f64> = per_path.iter().flatten().copied().collect();
        if defined.is_empty() {
            return None;
        }
        let sum = defined.iter().sum::<f64>();
        Some(match self {
            Self::Acai => sum / per_path.len() as f64,
            Self::Dotae => sum / defined.len() as f64,
        })
    }

    /// Smoothness of at least 2 finite angles.
    fn unchecked_smoothness(self, angles: &[f64]) -> Option<f64> {
        match self {
            Self::Acai => acai_smoothness(angles),
            Self::Dotae => dotae_smoothness(angles),
        }
    }
}

/// The ACAI lines scores of a batch of paths.
///
/// Every decoded frame is matched to the nearest image of a bank of true line images by cosine
/// distance ([`Distance::Cosine`]; under [`LinesProtocol::Acai`] in the range `[−1, 1]`) and
/// takes that line's angle.
///
/// - **Mean Distance**: the mean of those cosine distances over all frames of all paths. Lower
///   is better; 0 means every frame is exactly (a multiple of) a bank line.
/// - **Smoothness** of one path: unwrap the frames' angles (the protocol says how), let
///   `total = |θ_{F−1} − θ_0|` of the unwrapped sequence, and take
///   `max_t |Δθ_t| / total − 1/(F−1)`. Lower is better: 0 for a path that advances the angle by
///   equal steps, `1 − 1/(F−1)` for a path that jumps at once. It is undefined when
///   `total` is (about) 0: both endpoints map to lines of the same angle. Such paths are counted
///   in `skipped`; how the mean treats them depends on the protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct LinesScore {
    /// The rules these scores were computed by.
    pub protocol: LinesProtocol,
    /// Mean cosine distance of every frame of every path to its nearest bank line. Lower is
    /// better (0 is perfect).
    pub mean_distance: f64,
    /// Mean smoothness ([`LinesProtocol::mean_smoothness`]): under [`LinesProtocol::Acai`] the
    /// sum over the paths where it is defined divided by the number of all paths, under
    /// [`LinesProtocol::Dotae`] the mean over the paths where it is defined; `None` if it is
    /// defined for none. Lower is better (0 is perfect, `1 − 1/(F−1)` is an abrupt jump).
    pub smoothness: Option<f64>,
    /// Smoothness of each path, `None` for a path whose endpoints map to the same angle.
    pub smoothness_per_path: Vec<Option<f64>>,
    /// Number of paths whose smoothness is undefined (the `None` entries above), under either
    /// protocol.
    pub skipped: usize,
    /// Cosine distance of each frame to its nearest bank line, shape `(P, F)`.
    pub distances: Array2<f64>,
    /// Angle (radians, as given with the bank) of each frame's nearest bank line, shape `(P, F)`.
    pub angles: Array2<f64>,
}

/// A bank of true line images with their angles, prepared once for scoring many batches under
/// one [`LinesProtocol`].
///
/// The ACAI benchmark uses 10 000 lines of 32 × 32 pixels at evenly spaced angles in `[0, 2π)`:
/// `dotae_data::acai_line_bank(32, dotae_data::ACAI_BANK_LINES)` with
/// [`LinesProtocol::Acai`] reproduces its official evaluation.
///
/// ```
/// use dotae_data::{acai_line_bank, acai_line_path};
/// use dotae_metrics::{LinesBank, LinesProtocol};
/// use ndarray::Axis;
///
/// // A small bank of ACAI's lines (the benchmark's has 10 000), and the exact rotation
/// // between two of them.
/// let bank = acai_line_bank(16, 400)?;
/// let lines = LinesBank::with_protocol(bank.images.view(), &bank.angles, LinesProtocol::Acai)?;
/// let path = acai_line_path(16, bank.angles[10], bank.angles[50], 5)?.insert_axis(Axis(0));
/// let score = lines.score(path.view())?;
/// assert!(score.mean_distance < 1e-12);
/// assert!(score.smoothness.unwrap().abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct LinesBank {
    search: NearestNeighbours,
    angles: Vec<f64>,
    protocol: LinesProtocol,
}

impl LinesBank {
    /// Prepares `bank`, shape `(N, channels, rows, cols)`, with `angles[i]` (radians) the angle
    /// of line image `i`, to score by dotae's original rules ([`LinesProtocol::Dotae`]): the
    /// same as [`LinesBank::with_protocol`] with that protocol.
    ///
    /// # Errors
    /// As [`LinesBank::with_protocol`].
    pub fn new(bank: ArrayView4<f64>, angles: &[f64]) -> Result<Self, MetricsError> {
        Self::with_protocol(bank, angles, LinesProtocol::Dotae)
    }

    /// Prepares `bank`, shape `(N, channels, rows, cols)`, with `angles[i]` (radians) the angle
    /// of line image `i`, to score by `protocol`. Under [`LinesProtocol::Acai`] the bank is
    /// taken in dotae's range `[0, 1]` and mapped to `[−1, 1]` (`2x − 1`) here.
    ///
    /// # Errors
    /// As [`NearestNeighbours::new`]; [`MetricsError::LengthMismatch`] unless there is one angle
    /// per bank image, [`MetricsError::NonFinite`] for a non-finite angle.
    pub fn with_protocol(
        bank: ArrayView4<f64>,
        angles: &[f64],
        protocol: LinesProtocol,
    ) -> Result<Self, MetricsError> {
        check::length(
            "angles",
            angles.len(),
            bank.len_of(Axis(0)),
            "one per image of bank",
        )?;
        check::finite_slice("angles", angles)?;
        let search = match protocol {
            LinesProtocol::Acai => {
                NearestNeighbours::new(unit_to_acai(&bank).view(), Distance::Cosine)?
            }
            LinesProtocol::Dotae => NearestNeighbours::new(bank, Distance::Cosine)?,
        };
        Ok(Self {
            search,
            angles: angles.to_vec(),
            protocol,
        })
    }

    /// The rules this bank scores by.
    pub fn protocol(&self) -> LinesProtocol {
        self.protocol
    }

    /// Scores `paths`, shape `(P, F, channels, rows, cols)` with the bank's image shape (under
    /// [`LinesProtocol::Acai`] in dotae's range `[0, 1]`; they are mapped to `[−1, 1]` here).
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
        let found = match self.protocol {
            LinesProtocol::Acai => self.search.nearest_in_paths(unit_to_acai(&paths).view())?,
            LinesProtocol::Dotae => self.search.nearest_in_paths(paths)?,
        };
        let distances = Array2::from_shape_fn((p, f), |(i, t)| found[i][t].distance);
        let angles = Array2::from_shape_fn((p, f), |(i, t)| self.angles[found[i][t].index]);
        let smoothness_per_path: Vec<Option<f64>> = angles
            .outer_iter()
            .map(|a| self.protocol.unchecked_smoothness(&a.to_vec()))
            .collect();
        Ok(LinesScore {
            protocol: self.protocol,
            mean_distance: distances.mean().unwrap_or(f64::NAN),
            smoothness: self.protocol.mean_smoothness(&smoothness_per_path),
            skipped: smoothness_per_path.iter().filter(|s| s.is_none()).count(),
            smoothness_per_path,
            distances,
            angles,
        })
    }
}

/// [`LinesBank::new`] and [`LinesBank::score`] in one call, for a bank used once, by dotae's
/// original rules ([`LinesProtocol::Dotae`]; [`LinesBank::with_protocol`] chooses).
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

/// Smoothness of one path's sequence of angles (radians) by dotae's original rules
/// ([`LinesProtocol::Dotae`]; [`LinesProtocol::smoothness`] chooses): `max_t |Δθ_t| / total −
/// 1/(F−1)` with the steps wrapped to `(−π, π]` and `total` the absolute net change of the
/// unwrapped angle. Lower is better (0 for equal steps). `Ok(None)` when the net change is 0
/// (at most 1e-9 rad), where the ratio is undefined.
///
/// # Errors
/// [`MetricsError::TooFewFrames`] with fewer than 2 angles, [`MetricsError::NonFinite`] for a
/// non-finite angle.
pub fn angle_smoothness(angles: &[f64]) -> Result<Option<f64>, MetricsError> {
    LinesProtocol::Dotae.smoothness(angles)
}

/// dotae's smoothness of at least 2 finite angles.
fn dotae_smoothness(angles: &[f64]) -> Option<f64> {
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

/// ACAI's smoothness of at least 2 finite angles: `smoothness_score` of ACAI's `lib/eval.py`
/// for one path, with the same operations in the same order.
fn acai_smoothness(angles: &[f64]) -> Option<f64> {
    let unwrapped = numpy_unwrap(angles);
    let total = (unwrapped.first()? - unwrapped.last()?).abs();
    if total < ACAI_ZERO_TOTAL {
        return None;
    }
    let largest = unwrapped
        .windows(2)
        .map(|w| (w[1] - w[0]).abs() / total)
        .fold(f64::NEG_INFINITY, f64::max);
    Some(largest - 1.0 / (angles.len() - 1) as f64)
}

/// NumPy's `np.unwrap(angles)` with its defaults (`discont = π`, `period = 2π`): each step `d`
/// with `|d| ≥ π` is replaced by `mod(d + π, 2π) − π`, which is then set to `+π` where it came
/// out as `−π` from a positive `d` (so a step of exactly −π stays −π and one of +π stays +π);
/// the corrections are accumulated in order and added to the angles.
fn numpy_unwrap(angles: &[f64]) -> Vec<f64> {
    let mut unwrapped = Vec::with_capacity(angles.len());
    unwrapped.extend(angles.first().copied());
    let mut correction = 0.0;
    for w in angles.windows(2) {
        let step = w[1] - w[0];
        // NumPy's float `mod` by a positive period is `rem_euclid` (up to the sign of a zero).
        let mut wrapped = (step + PI).rem_euclid(TAU) - PI;
        if wrapped == -PI && step > 0.0 {
            wrapped = PI;
        }
        // Steps below π in magnitude are kept as they are.
        if step.abs() >= PI {
            correction += wrapped - step;
        }
        unwrapped.push(w[1] + correction);
    }
    unwrapped
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
