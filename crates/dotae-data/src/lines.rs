//! The ACAI lines benchmark (Berthelot et al. 2019): anti-aliased line segments of one length
//! from the image centre. A line image is fixed by its angle alone, so the perfect
//! interpolation between two lines is known: rotate along the shorter arc.
//!
//! Angles are in radians, measured counter-clockwise on screen: 0 points right (+col), π/2
//! points up (−row).

use std::f64::consts::TAU;

use ndarray::{Array2, Array4, ArrayViewMut2, Axis};

use crate::{DataError, SeededRng};

/// Frames per interpolation in the benchmark protocol, endpoints included.
pub const LINE_FRAMES: usize = 16;

/// Line images with the angle each was drawn at.
#[derive(Debug, Clone, PartialEq)]
pub struct LineBank {
    /// `(count, 1, size, size)`, values in `[0, 1]`.
    pub images: Array4<f64>,
    /// `angles[k]` is the angle of `images[k]`, in radians.
    pub angles: Vec<f64>,
}

/// A line of length `size / 2` from the centre `((size − 1)/2, (size − 1)/2)` (row, col) in
/// direction `angle`, with values in `[0, 1]`. The stroke is the tent `clamp(1 − d, 0, 1)` of
/// the distance `d` to the segment, averaged over each pixel's area (4×4 sub-samples), so the
/// image is continuous in the angle. Sampling the tent at pixel centres alone would give a
/// diagonal line about 12 % more mass than an axis-aligned one; the area average keeps the
/// mass within about 2.5 % of constant, so rotating a line nearly conserves its mass. At
/// angles near 0, π/2, π and 3π/2 the tip reaches the image border and its round end (about
/// 1.5 % of the mass) is cut off.
///
/// `size` must be at least 4 and `angle` finite.
pub fn line_image(size: usize, angle: f64) -> Result<Array2<f64>, DataError> {
    check_size(size)?;
    check_angle("line angle", angle)?;
    let mut image = Array2::zeros((size, size));
    draw_line(image.view_mut(), angle);
    Ok(image)
}

/// `count` lines at the evenly spaced angles `k · 2π / count`, `k = 0..count`: the reference
/// set that decoded frames are matched against.
pub fn line_bank(size: usize, count: usize) -> Result<LineBank, DataError> {
    let angles = (0..count).map(|k| k as f64 * TAU / count as f64).collect();
    bank(size, count, angles)
}

/// `count` lines at angles drawn uniformly from `[0, 2π)` by [`SeededRng`]: a training set.
pub fn random_lines(size: usize, count: usize, seed: u64) -> Result<LineBank, DataError> {
    bank(size, count, uniform_angles(count, seed))
}

/// `count` angles drawn uniformly from `[0, 2π)` by [`SeededRng`] seeded with `seed`.
pub(crate) fn uniform_angles(count: usize, seed: u64) -> Vec<f64> {
    let mut rng = SeededRng::new(seed);
    (0..count).map(|_| TAU * rng.uniform()).collect()
}

/// `count` pairs of angles `(from, to)`, each drawn uniformly from `[0, 2π)`: the endpoints of
/// the benchmark's interpolations.
pub fn line_pairs(count: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = SeededRng::new(seed);
    (0..count)
        .map(|_| (TAU * rng.uniform(), TAU * rng.uniform()))
        .collect()
}

/// The signed rotation from `from` to `to` along the shorter arc, in `(−π, π]`; a half turn is
/// taken counter-clockwise (+π). NaN when either angle is not finite.
pub fn shortest_arc(from: f64, to: f64) -> f64 {
    wrap_signed(to - from, TAU)
}

/// The perfect interpolation between the lines at `from` and `to`: `frames` true lines at
/// angles evenly spaced along the shorter arc, `(frames, 1, size, size)`. The first and last
/// frames are exactly `line_image(size, from)` and `line_image(size, to)`; `frames` must be at
/// least 2.
pub fn line_path(size: usize, from: f64, to: f64, frames: usize) -> Result<Array4<f64>, DataError> {
    Ok(bank(size, frames, path_angles(from, to, frames)?)?.images)
}

/// The angles of [`line_path`]: `frames` angles evenly spaced along the shorter arc from `from`
/// to `to`, the last exactly `to`.
pub(crate) fn path_angles(from: f64, to: f64, frames: usize) -> Result<Vec<f64>, DataError> {
    check_angle("path start angle", from)?;
    check_angle("path end angle", to)?;
    if frames < 2 {
        return Err(DataError::InvalidArgument {
            what: "frame count",
            reason: format!("{frames}: a path needs at least 2 frames (both endpoints)"),
        });
    }
    let arc = shortest_arc(from, to);
    let last = frames - 1;
    Ok((0..frames)
        // `from + arc` can differ from `to` by a whole turn and by rounding; the last frame
        // is drawn at `to` itself so that it matches the target image bit for bit.
        .map(|k| {
            if k == last {
                to
            } else {
                from + arc * k as f64 / last as f64
            }
        })
        .collect())
}

/// `delta` wrapped into `(−period/2, period/2]`.
pub(crate) fn wrap_signed(delta: f64, period: f64) -> f64 {
    let turned = delta.rem_euclid(period);
    if turned > period / 2.0 {
        turned - period
    } else {
        turned
    }
}

fn bank(size: usize, count: usize, angles: Vec<f64>) -> Result<LineBank, DataError> {
    check_size(size)?;
    check_count(count)?;
    let mut images = Array4::zeros((count, 1, size, size));
    for (mut image, &angle) in images.outer_iter_mut().zip(&angles) {
        draw_line(image.index_axis_mut(Axis(0), 0), angle);
    }
    Ok(LineBank { images, angles })
}

// Sub-samples per pixel side: the tent is averaged over the pixel's area.
const SUBSAMPLES: usize = 4;

// Draws into a zeroed square image; the caller has checked the size and the angle.
fn draw_line(mut image: ArrayViewMut2<'_, f64>, angle: f64) {
    let size = image.nrows();
    let centre = (size as f64 - 1.0) / 2.0;
    let length = size as f64 / 2.0;
    // Unit direction in (row, col): rows grow downwards, so "up" is −row.
    let (dr, dc) = (-angle.sin(), angle.cos());
    let distance = |r: f64, c: f64| {
        let along = (r * dr + c * dc).clamp(0.0, length);
        let (er, ec) = (r - along * dr, c - along * dc);
        (er * er + ec * ec).sqrt()
    };
    let offsets: [f64; SUBSAMPLES] =
        std::array::from_fn(|k| (k as f64 + 0.5) / SUBSAMPLES as f64 - 0.5);
    // Sub-samples lie at most this far from their pixel centre, so a pixel whose centre is
    // further than 1 + reach from the segment is dark.
    let reach = offsets.last().copied().unwrap_or(0.0) * std::f64::consts::SQRT_2;
    // Visiting only the segment's bounding box, and skipping dark pixels before
    // sub-sampling, keeps a 10 000-line bank cheap.
    let (tip_r, tip_c) = (centre + length * dr, centre + length * dc);
    let span = |a: f64, b: f64| {
        let low = (a.min(b) - 1.5).ceil().max(0.0) as usize;
        let high = ((a.max(b) + 1.5).floor().max(0.0) as usize).min(size - 1);
        low..=high
    };
    for i in span(centre, tip_r) {
        for j in span(centre, tip_c) {
            let (pr, pc) = (i as f64 - centre, j as f64 - centre);
            if distance(pr, pc) >= 1.0 + reach {
                continue;
            }
            let sum: f64 = offsets
                .iter()
                .flat_map(|&u| offsets.iter().map(move |&v| (u, v)))
                .map(|(u, v)| (1.0 - distance(pr + u, pc + v)).max(0.0))
                .sum();
            if let Some(pixel) = image.get_mut((i, j)) {
                *pixel = sum / (SUBSAMPLES * SUBSAMPLES) as f64;
            }
        }
    }
}

/// Rejects a bank of no lines.
pub(crate) fn check_count(count: usize) -> Result<(), DataError> {
    if count == 0 {
        return Err(DataError::InvalidArgument {
            what: "line count",
            reason: "0: a bank needs at least one line".into(),
        });
    }
    Ok(())
}

fn check_size(size: usize) -> Result<(), DataError> {
    if size < 4 {
        return Err(DataError::InvalidArgument {
            what: "line image size",
            reason: format!("{size}: must be at least 4 pixels"),
        });
    }
    Ok(())
}

/// Rejects a non-finite angle, naming it `what`.
pub(crate) fn check_angle(what: &'static str, angle: f64) -> Result<(), DataError> {
    if !angle.is_finite() {
        return Err(DataError::InvalidArgument {
            what,
            reason: format!("{angle} must be finite"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;

    #[test]
    fn wrap_signed_keeps_the_half_open_interval() {
        assert_eq!(wrap_signed(PI, TAU), PI);
        assert_eq!(wrap_signed(-PI, TAU), PI);
        assert!((wrap_signed(3.0 * PI / 2.0, TAU) + PI / 2.0).abs() < 1e-12);
        assert_eq!(wrap_signed(190.0, 360.0), -170.0);
        assert_eq!(wrap_signed(-720.0, 360.0), 0.0);
    }
}
