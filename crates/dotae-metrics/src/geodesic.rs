//! Geodesic fidelity: how close a path comes to the optimal-transport geodesic, measured with
//! the dynamic path energy `J` of [`dotae_energy::PathEnergy`].
//!
//! For frames of unit mass and distances in pixels, `T·J(path) ≥ W₂²(first, last)` with
//! equality exactly for the geodesic (constant-speed displacement interpolation), up to
//! discretisation. Hence `T·J / W₂²` is 1 for the geodesic and larger for any other path, and
//! the energy of a path against that of the true geodesic between the same endpoints is a
//! ratio that is 1 at best.
//!
//! Images with several channels are measured channel by channel: each channel of the path is a
//! density path of its own (normalised on its own when the operator rescales frames to a
//! standard mass), and their energies add, as in [`dotae_energy::channel_paths`].

use dotae_energy::{EnergyError, PathEnergy, PathEnergyOutput, Request, channel_paths};
use ndarray::{ArrayView2, ArrayView3, ArrayView4, Axis};

use crate::{MeanStd, MetricsError, check, frame_mse};

/// How close a path is to a reference geodesic between the same endpoints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeodesicFidelity {
    /// Path energy `J` of the path, summed over channels.
    pub energy: f64,
    /// Path energy `J` of the reference, summed over channels.
    pub reference_energy: f64,
    /// `energy / reference_energy`. When the reference is the geodesic, at least 1 up to
    /// discretisation; closer to 1 is better.
    pub energy_ratio: f64,
    /// Mean squared error of each frame against the reference frame (endpoints included, raw
    /// values as given, not rescaled), mean and population standard deviation over frames.
    /// Lower is better; 0 for the reference itself.
    pub frame_mse: MeanStd,
}

/// The path energy `J` of `path`, shape `(frames, channels, rows, cols)`, summed over its
/// channels. Frames must be non-negative densities on
/// the operator's grid; whether they are rescaled to a standard mass or raised to a floor is the
/// operator's configuration.
///
/// Images with several channels are measured channel by channel: each channel of the path is a
/// density path of its own (normalised on its own when the operator rescales frames to a
/// standard mass), and their energies add, as in [`dotae_energy::channel_paths`].
///
/// For frames of unit mass and distances in pixels, `T·J(path) ≥ W₂²(first, last)` with
/// equality exactly for the geodesic (constant-speed displacement interpolation), up to
/// discretisation; lower energy between the same endpoints is therefore closer to optimal.
///
/// # Errors
/// [`MetricsError::TooFewFrames`] with fewer than 2 frames, [`MetricsError::Empty`] without
/// channels or pixels, [`MetricsError::NonFinite`] for NaN or infinite values, and
/// [`MetricsError::Energy`] for what the operator rejects (wrong grid size, negative values, a
/// frame without mass, ...), all against the input `"path"`.
pub fn path_energy(path: ArrayView4<f64>, operator: &PathEnergy) -> Result<f64, MetricsError> {
    named_path_energy("path", path, operator)
}

fn named_path_energy(
    input: &'static str,
    path: ArrayView4<f64>,
    operator: &PathEnergy,
) -> Result<f64, MetricsError> {
    let outputs = channel_energies(input, path, operator)?;
    Ok(outputs.iter().map(|o| o.energy).sum())
}

/// The energy output of each channel of `path`, checked and reported against `input`: the one
/// place where a host path meets the operator.
pub(crate) fn channel_energies(
    input: &'static str,
    path: ArrayView4<f64>,
    operator: &PathEnergy,
) -> Result<Vec<PathEnergyOutput>, MetricsError> {
    check::min_frames(input, path.len_of(Axis(0)), 2)?;
    check::non_empty(input, &path)?;
    check::finite(input, &path)?;
    operator
        .evaluate_many(&channel_paths(path), Request::ENERGY)
        .map_err(|error| match error {
            EnergyError::InPath { path, source } => MetricsError::Energy {
                input,
                channel: Some(path),
                source: *source,
            },
            source => MetricsError::Energy {
                input,
                channel: None,
                source,
            },
        })
}

/// Compares `path` with `reference` (typically the true geodesic between the same endpoints),
/// both of shape `(frames, channels, rows, cols)`.
///
/// # Errors
/// [`MetricsError::ShapeMismatch`] if the shapes differ, [`MetricsError::Undefined`] if the
/// reference has zero energy (it moves no mass, so no ratio exists), otherwise as
/// [`path_energy`] against the inputs `"path"` and `"reference"`.
pub fn geodesic_fidelity(
    path: ArrayView4<f64>,
    reference: ArrayView4<f64>,
    operator: &PathEnergy,
) -> Result<GeodesicFidelity, MetricsError> {
    check::same_shape("path", path.shape(), "reference", reference.shape())?;
    let energy = named_path_energy("path", path, operator)?;
    let reference_energy = named_path_energy("reference", reference, operator)?;
    if reference_energy <= 0.0 {
        return Err(MetricsError::Undefined {
            input: "reference",
            reason: "its path energy is 0 (it moves no mass), so the energy ratio is undefined",
        });
    }
    let errors = frame_mse(path, reference)?;
    Ok(GeodesicFidelity {
        energy,
        reference_energy,
        energy_ratio: energy / reference_energy,
        // At least 2 frames were checked above, so the series is not empty.
        frame_mse: MeanStd::of(&errors).unwrap_or(MeanStd {
            mean: f64::NAN,
            std: f64::NAN,
        }),
    })
}

/// `T·J(path) / W₂²` with `T = frames − 1`: for an operator that rescales frames to unit mass
/// and `w2_squared` the squared Wasserstein-2 distance between the endpoints in pixels² (summed
/// over channels), 1 for the geodesic and larger for any other path; closer to 1 is better.
///
/// # Errors
/// [`MetricsError::InvalidValue`] unless `w2_squared` is finite and > 0, otherwise as
/// [`path_energy`].
pub fn w2_energy_ratio(
    path: ArrayView4<f64>,
    operator: &PathEnergy,
    w2_squared: f64,
) -> Result<f64, MetricsError> {
    check::value(
        "w2_squared",
        w2_squared,
        w2_squared.is_finite() && w2_squared > 0.0,
        "finite and > 0",
    )?;
    let steps = path.len_of(Axis(0)).saturating_sub(1) as f64;
    Ok(steps * path_energy(path, operator)? / w2_squared)
}

/// A lower bound of `W₂²(first, last)` in pixels², summed over channels: the squared distance
/// between the two frames' centres of mass, each channel a density of unit mass (by Jensen's
/// inequality no plan moves the mean by less). A channel without mass in either frame adds 0.
/// Frames are `(channels, rows, cols)`.
///
/// # Errors
/// [`MetricsError::ShapeMismatch`] when the frames' shapes differ.
pub fn w2_lower_bound(first: ArrayView3<f64>, last: ArrayView3<f64>) -> Result<f64, MetricsError> {
    check::same_shape("first", first.shape(), "last", last.shape())?;
    let centre = |channel: ArrayView2<f64>| {
        let (mut mass, mut row, mut col) = (0.0, 0.0, 0.0);
        for ((i, j), &v) in channel.indexed_iter() {
            mass += v;
            row += v * i as f64;
            col += v * j as f64;
        }
        (mass > 0.0).then(|| (row / mass, col / mass))
    };
    Ok(first
        .outer_iter()
        .zip(last.outer_iter())
        .filter_map(|(a, b)| {
            let ((ra, ca), (rb, cb)) = (centre(a)?, centre(b)?);
            Some((ra - rb).powi(2) + (ca - cb).powi(2))
        })
        .sum())
}
