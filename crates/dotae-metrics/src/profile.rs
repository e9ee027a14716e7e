//! Whether a path's frames keep the character of its endpoints: their mass, their peak and
//! their sharpness, each measured against what the endpoints show. The main paper argues these
//! with pictures ("15 times higher pixel values", "blurrier"); these scores put numbers on them.
//!
//! A translated image scores 0, 1 and 1 ([`PathProfile`]). A cross-dissolve between shapes that do not overlap
//! keeps mass and sharpness but halves the peak at its middle; a decoder that blurs keeps mass
//! and lowers the sharpness; one that piles mass up raises the peak.

use ndarray::{ArrayView3, ArrayView4, Axis};

use crate::{MetricsError, check};

/// Mass, peak and sharpness of a path's interior frames against its two endpoints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathProfile {
    /// The largest `|m_t − m̂_t| / max(m_0, m_T)` over the interior frames, where `m_t` is a
    /// frame's mass and `m̂_t` the straight line between the endpoints' masses: 0 when mass is
    /// conserved (balanced transport) or changes evenly.
    pub mass_deviation: f64,
    /// The brightest interior value over the endpoints' brightest: 1 for a translation, above 1
    /// where frames pile mass up, below where they fade (a cross-dissolve's middle).
    pub peak_ratio: f64,
    /// The interior frames' mean [`sharpness`] over the endpoints' mean: 1 for a translation,
    /// below 1 for a blur; `None` when the endpoints are flat (no variation to compare with).
    pub sharpness_ratio: Option<f64>,
}

/// The total variation of a `(channels, rows, cols)` frame per unit of its mass,
/// `Σ (|ρ(i+1, j) − ρ(i, j)| + |ρ(i, j+1) − ρ(i, j)|) / Σ ρ` in inverse pixels: a disk of
/// radius `r` and any height scores about `8/(πr)` (its perimeter measured along the axes, `8r`,
/// over its area), and a blur lowers it. A frame without mass scores 0.
///
/// # Errors
/// [`MetricsError::Empty`], [`MetricsError::NonFinite`], or [`MetricsError::InvalidValue`] for
/// a negative value (a density has none).
pub fn sharpness(frame: ArrayView3<f64>) -> Result<f64, MetricsError> {
    check_density("frame", frame.view().into_dyn())?;
    Ok(unchecked_sharpness(frame))
}

/// The [`PathProfile`] of a `(frames, channels, rows, cols)` path of densities.
///
/// # Errors
/// [`MetricsError::TooFewFrames`] below 3 frames (a path needs an interior frame),
/// [`MetricsError::InvalidValue`] for a negative value or an endpoint without mass, and the
/// errors of [`sharpness`].
pub fn path_profile(path: ArrayView4<f64>) -> Result<PathProfile, MetricsError> {
    let frames = path.len_of(Axis(0));
    check::min_frames("path", frames, 3)?;
    check_density("path", path.view().into_dyn())?;
    let masses: Vec<f64> = path.outer_iter().map(|frame| frame.sum()).collect();
    let (first, last) = (masses[0], masses[frames - 1]);
    let end_mass = first.min(last);
    check::value(
        "the lighter endpoint's mass",
        end_mass,
        end_mass > 0.0,
        "> 0: the profile compares frames with their endpoints",
    )?;
    let steps = (frames - 1) as f64;
    let interior = 1..frames - 1;
    let mass_deviation = interior
        .clone()
        .map(|t| {
            let s = t as f64 / steps;
            (masses[t] - ((1.0 - s) * first + s * last)).abs()
        })
        .fold(0.0, f64::max)
        / first.max(last);
    let peak = |t: usize| path.index_axis(Axis(0), t).fold(0.0f64, |a, &v| a.max(v));
    let end_peak = peak(0).max(peak(frames - 1));
    let peak_ratio = interior.clone().map(peak).fold(0.0, f64::max) / end_peak;
    let sharp = |t: usize| unchecked_sharpness(path.index_axis(Axis(0), t));
    let end_sharpness = 0.5 * (sharp(0) + sharp(frames - 1));
    let interior_sharpness = interior.clone().map(sharp).sum::<f64>() / interior.len() as f64;
    Ok(PathProfile {
        mass_deviation,
        peak_ratio,
        sharpness_ratio: (end_sharpness > 0.0).then(|| interior_sharpness / end_sharpness),
    })
}

/// Non-empty, finite and non-negative.
fn check_density(
    input: &'static str,
    values: ndarray::ArrayViewD<f64>,
) -> Result<(), MetricsError> {
    check::non_empty(input, &values)?;
    check::finite(input, &values)?;
    let lowest = values.fold(f64::INFINITY, |a, &v| a.min(v));
    check::value(
        "the lowest value",
        lowest,
        lowest >= 0.0,
        ">= 0: a density has no negative values",
    )
}

fn unchecked_sharpness(frame: ArrayView3<f64>) -> f64 {
    let mass = frame.sum();
    if mass <= 0.0 {
        return 0.0;
    }
    let mut variation = 0.0;
    for channel in frame.outer_iter() {
        for window in channel.windows((2, 1)) {
            variation += (window[[1, 0]] - window[[0, 0]]).abs();
        }
        for window in channel.windows((1, 2)) {
            variation += (window[[0, 1]] - window[[0, 0]]).abs();
        }
    }
    variation / mass
}
