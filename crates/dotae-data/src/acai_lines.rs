//! The lines of ACAI's synthetic benchmark exactly as its official code draws them
//! (Berthelot et al. 2019, github.com/brain-research/acai): the renderer `draw_line` of
//! `lib/data.py`, the 10 000-line evaluation bank that `closest_line` of `lib/eval.py` builds,
//! a seeded training set like `input_lines` of `lib/data.py`, and the exact rotation between
//! two lines.
//!
//! [`acai_line`] returns ACAI's own value range `[−1, 1]` (background −1), which is also the
//! range in which ACAI's `line_eval` compares images; every other function here returns dotae's
//! range `[0, 1]` (mapped by [`acai_to_unit`], `(x + 1)/2`), since dotae's models train on
//! `[0, 1]`. To score decoded frames as ACAI does, use `dotae_metrics::LinesProtocol::Acai`,
//! which maps both the frames and the bank back with [`unit_to_acai`] before the cosine distance.
//!
//! # How ACAI's lines differ from dotae's tent lines ([`crate::lines`])
//!
//! Positions below use corner coordinates: pixel `(row, col)` covers
//! `[row, row + 1] × [col, col + 1]`, so both renderers start at the same point, the image
//! centre `(size/2, size/2)`. Angles follow the same convention in both (0 points to +col, π/2
//! to −row).
//!
//! - **Value range**: `[−1, 1]` with background −1 (ACAI) against `[0, 1]` with background 0
//!   (dotae). Under the cosine distance this matters a great deal: every image shares the large
//!   constant background, so ACAI's distances are far smaller (11× for the cross-dissolve of
//!   two ACAI lines against the same bank, see `dotae_metrics::LinesProtocol`).
//! - **Length**: the far end lies `size/2 − 1` pixels from the centre (15 on 32 × 32) against
//!   `size/2` (16) for dotae; ACAI's tip never reaches the border, dotae's does on the axes.
//! - **Profile and width**: the line is scanned along its major axis (the one it advances on
//!   more; ties, the exact diagonals, scan rows), and each scan row or column holds a box 2
//!   pixels wide *along the minor axis*, anti-aliased only at its two sides: inside pixels are
//!   exactly 1 (in `[0, 1]`). The thickness across the line is therefore `2 cos φ`, φ the angle
//!   to the nearest axis: 2 pixels on the axes, √2 on the diagonals. dotae's tent
//!   `clamp(1 − d, 0, 1)` is the same across the line at every angle.
//! - **Ends**: only the end with the smaller major coordinate is fractional (its first row or
//!   column is weighted by its coverage); the other end's last row always has full weight (the
//!   official branch for a fractional far end can never run). dotae's ends are round.
//! - **Sampling**: the minor position of scan row `y` is taken at `y − ½`, a whole pixel before
//!   the row's centre `y + ½`, so a sloped line is drawn displaced by `|tan φ| ≤ 1` pixel along
//!   the minor axis.
//! - **Mass** (sum of the `[0, 1]` image) is `2 · (⌈y₁⌉ − y₀)`, `[y₀, y₁]` the major extent of
//!   the segment, so it lies in `[2L, 2L + 2)` with `L = (size/2 − 1) · max(|cos θ|, |sin θ|)`.
//!   On 32 × 32 it ranges from 15√2 ≈ 21.21 (θ = 3π/4 and 5π/4) to 30.0 (the axes): a factor
//!   √2 ≈ 1.414, i.e. rotating an ACAI line changes its mass by up to 41 %, where dotae's tent
//!   lines vary by about 4 % (16.53 to 17.16). Measured over 3 600 angles (360 for the tent
//!   lines) by the test `acai_line_mass_varies_by_a_factor_sqrt_two` in
//!   `crates/dotae-data/tests/acai_lines.rs`
//!   (`cargo test -p dotae-data --test acai_lines mass -- --nocapture`).
//! - **Continuity**: ACAI's image jumps with the angle: where the scan axis flips (the
//!   diagonals) and wherever `⌈y₁⌉` crosses an integer (a full row appears at the far end).
//!   dotae's lines are continuous in the angle.
//! - **Sizes**: square images of at least [`ACAI_MIN_SIZE`] pixels; on smaller ones the official
//!   renderer indexes outside the image at some angles.

use std::f64::consts::TAU;

use ndarray::{Array, Array2, Array4, ArrayBase, Axis, Data, Dimension};

use crate::DataError;
use crate::lines::{LineBank, check_angle, check_count, path_angles, uniform_angles};

/// Lines in ACAI's evaluation bank (`closest_line` in `lib/eval.py`).
pub const ACAI_BANK_LINES: usize = 10_000;

/// The smallest image side [`acai_line`] draws: from 10 pixels up, every index the official
/// renderer computes lies inside the image (checked on dense sweeps of angles and sizes by the
/// tests; should it ever not, [`acai_line`] returns an error rather than draw elsewhere).
pub const ACAI_MIN_SIZE: usize = 10;

/// Width of ACAI's line along its minor axis, in pixels (`w=2.` in `draw_line`).
const WIDTH: f64 = 2.0;

/// ACAI's line at `angle` (radians) on a `size × size` image, in ACAI's range `[−1, 1]`
/// (background −1): `draw_line(angle, size, size)` of ACAI's `lib/data.py`, computed with the
/// same floating-point operations in the same order, so it matches the official image to
/// rounding (bit for bit on the reference angles). See the [module docs](self) for how it
/// differs from dotae's [`crate::lines::line_image`]; [`acai_to_unit`] maps it to `[0, 1]`.
///
/// # Errors
/// [`DataError::InvalidArgument`] for a `size` below [`ACAI_MIN_SIZE`] or a non-finite `angle`.
pub fn acai_line(size: usize, angle: f64) -> Result<Array2<f64>, DataError> {
    check_size(size)?;
    check_angle("ACAI line angle", angle)?;
    render(size, angle)
}

/// [`acai_line`] mapped to dotae's range `[0, 1]` (background 0) by [`acai_to_unit`].
///
/// # Errors
/// As [`acai_line`].
pub fn acai_line_image(size: usize, angle: f64) -> Result<Array2<f64>, DataError> {
    Ok(acai_to_unit(&acai_line(size, angle)?))
}

/// Maps ACAI's range `[−1, 1]` to dotae's `[0, 1]`: `(x + 1) / 2` for every value.
pub fn acai_to_unit<S, D>(values: &ArrayBase<S, D>) -> Array<f64, D>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    values.mapv(|x| (x + 1.0) / 2.0)
}

/// Maps dotae's range `[0, 1]` to ACAI's `[−1, 1]`: `2x − 1` for every value, the inverse of
/// [`acai_to_unit`] (up to rounding).
pub fn unit_to_acai<S, D>(values: &ArrayBase<S, D>) -> Array<f64, D>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    values.mapv(|x| 2.0 * x - 1.0)
}

/// The angles of ACAI's evaluation bank of `count` lines: NumPy's
/// `linspace(0, 2π − 2π/count, count)` as `closest_line` in `lib/eval.py` builds it with
/// `count` = [`ACAI_BANK_LINES`], reproduced bit for bit (`k · step` with
/// `step = (2π − 2π/count) / (count − 1)`, the last angle exactly `2π − 2π/count`). Empty for
/// `count` 0, `[0]` for `count` 1.
pub fn acai_bank_angles(count: usize) -> Vec<f64> {
    let stop = TAU - TAU / count as f64;
    if count < 2 {
        return vec![0.0; count];
    }
    let step = stop / (count - 1) as f64;
    (0..count)
        .map(|k| {
            if k == count - 1 {
                stop
            } else {
                k as f64 * step
            }
        })
        .collect()
}

/// ACAI's evaluation bank: `count` lines at [`acai_bank_angles`]`(count)`, in `[0, 1]`. ACAI
/// scores with `count` = [`ACAI_BANK_LINES`].
///
/// # Errors
/// [`DataError::InvalidArgument`] for a `size` below [`ACAI_MIN_SIZE`] or a `count` of 0.
pub fn acai_line_bank(size: usize, count: usize) -> Result<LineBank, DataError> {
    check_size(size)?;
    check_count(count)?;
    bank(size, acai_bank_angles(count))
}

/// `count` ACAI lines at angles drawn uniformly from `[0, 2π)` by [`crate::SeededRng`] seeded
/// with `seed`, in `[0, 1]`: a training set like ACAI's `input_lines` (which draws its angles
/// with Python's `random`), and a drop-in for [`crate::lines::random_lines`] (the same angles
/// for the same seed).
///
/// # Errors
/// [`DataError::InvalidArgument`] for a `size` below [`ACAI_MIN_SIZE`] or a `count` of 0.
pub fn random_acai_lines(size: usize, count: usize, seed: u64) -> Result<LineBank, DataError> {
    check_size(size)?;
    check_count(count)?;
    bank(size, uniform_angles(count, seed))
}

/// The perfect interpolation between ACAI's lines at `from` and `to`: `frames` ACAI lines at
/// angles evenly spaced along the shorter arc ([`crate::lines::shortest_arc`]), shape
/// `(frames, 1, size, size)`, values in `[0, 1]`. The angles are those of
/// [`crate::lines::line_path`]; the first and last frames are exactly
/// `acai_line_image(size, from)` and `acai_line_image(size, to)`.
///
/// # Errors
/// [`DataError::InvalidArgument`] for a non-finite angle, fewer than 2 `frames` or a `size`
/// below [`ACAI_MIN_SIZE`].
pub fn acai_line_path(
    size: usize,
    from: f64,
    to: f64,
    frames: usize,
) -> Result<Array4<f64>, DataError> {
    let angles = path_angles(from, to, frames)?;
    check_size(size)?;
    Ok(bank(size, angles)?.images)
}

/// A bank of ACAI lines in `[0, 1]` at `angles`, for a checked `size` and finite angles.
fn bank(size: usize, angles: Vec<f64>) -> Result<LineBank, DataError> {
    let mut images = Array4::zeros((angles.len(), 1, size, size));
    for (mut image, &angle) in images.outer_iter_mut().zip(&angles) {
        let line = render(size, angle)?;
        image
            .index_axis_mut(Axis(0), 0)
            .zip_mut_with(&line, |out, &x| *out = (x + 1.0) / 2.0);
    }
    Ok(LineBank { images, angles })
}

fn check_size(size: usize) -> Result<(), DataError> {
    if size < ACAI_MIN_SIZE {
        return Err(DataError::InvalidArgument {
            what: "ACAI line image size",
            reason: format!(
                "{size}: must be at least {ACAI_MIN_SIZE} pixels (ACAI's renderer draws outside \
                 smaller images)"
            ),
        });
    }
    Ok(())
}

/// ACAI's `draw_line(angle, size, size)` (`lib/data.py`), values in `[−1, 1]`, for a checked
/// `size` and a finite `angle`. Every quantity is computed as the official code computes it
/// (same operations, same order; Python's `int` of a non-negative value is `trunc`), so that
/// the result matches it to rounding.
fn render(size: usize, angle: f64) -> Result<Array2<f64>, DataError> {
    let n = size as f64;
    // (x, y) = (col, row) coordinates of the centre and of the far end.
    let (mut x0, mut y0) = (n * 0.5, n * 0.5);
    let mut x1 = x0 + (x0 - 1.0) * (-angle).cos();
    let mut y1 = y0 + (y0 - 1.0) * (-angle).sin();
    // Scan along the major axis: `y` becomes the major coordinate, `x` the minor one.
    let flip = (y0 - y1).abs() < (x0 - x1).abs();
    if flip {
        std::mem::swap(&mut x0, &mut y0);
        std::mem::swap(&mut x1, &mut y1);
    }
    if y1 < y0 {
        std::mem::swap(&mut x0, &mut x1);
        std::mem::swap(&mut y0, &mut y1);
    }
    let (x0, x1) = (x0 - WIDTH / 2.0, x1 - WIDTH / 2.0);
    let dx = x1 - x0;
    let dy = y1 - y0;
    let ds = if dy != 0.0 { dx / dy } else { 0.0 };
    let (first_full, last_full) = (y0.ceil(), y1.trunc());

    let mut m = Array2::<f64>::zeros((size, size));
    let outside = |place: String| DataError::InvalidArgument {
        what: "ACAI line image size",
        reason: format!(
            "{size}: at angle {angle} the official renderer would write {place}, outside the \
             image"
        ),
    };
    // `(major, minor)` to `(row, col)`: rows are the major axis unless the axes were flipped.
    let mut add = |major: i64, minor: i64, value: f64| -> Result<(), DataError> {
        let (row, col) = if flip { (minor, major) } else { (major, minor) };
        let index = usize::try_from(row)
            .ok()
            .zip(usize::try_from(col).ok())
            .filter(|&(r, c)| r < size && c < size)
            .ok_or_else(|| outside(format!("pixel ({row}, {col})")))?;
        m[index] += value;
        Ok(())
    };
    for y in (y0.trunc() as i64)..(y1.ceil() as i64) {
        let yf = y as f64;
        let weight = if yf < first_full {
            first_full - y0
        } else if yf > last_full {
            // Kept as the official code has it, although the scan stops before this row.
            y1 - last_full
        } else {
            1.0
        };
        let xs = x0 + (yf - y0 - 0.5) * ds;
        let xe = xs + WIDTH;
        if xs < 0.0 {
            // Python's int() would truncate towards 0 here, and write one pixel twice.
            return Err(outside(format!("a box from minor coordinate {xs}")));
        }
        let (xi0, xi1) = (xs.ceil(), xe.trunc());
        if xi0 != xi1 {
            for x in (xi0 as i64)..(xi1 as i64) {
                add(y, x, 2.0 * weight)?;
            }
        }
        if xi0 != xs {
            add(y, xs.trunc() as i64, 2.0 * (weight * (xi0 - xs)))?;
        }
        if xi1 != xe {
            add(y, xi1 as i64, 2.0 * (weight * (xe - xi1)))?;
        }
    }
    m.mapv_inplace(|v| (v - 1.0).clamp(-1.0, 1.0));
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_bank_angles_are_reproduced() {
        let angles = acai_bank_angles(ACAI_BANK_LINES);
        assert_eq!(angles.len(), ACAI_BANK_LINES);
        assert_eq!(angles[0], 0.0);
        assert_eq!(angles[5000], std::f64::consts::PI);
        assert_eq!(acai_bank_angles(1), vec![0.0]);
        assert!(acai_bank_angles(0).is_empty());
    }
}
