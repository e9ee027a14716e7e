//! The AEAI pole-and-shadow scene (Oring et al. 2021), rendered analytically: a vertical pole
//! at the centre of a flat plane, seen from directly above and lit by a distant light at
//! elevation θ and azimuth φ. The paper renders it in Unity; here the scene is drawn in closed
//! form, so ground-truth frames exist for every light direction.
//!
//! Geometry, in units of `u = size / 32` pixels (so the scene looks the same at every
//! resolution): the pole is a cylinder of radius `1.25 u` and height `12 u` standing at the
//! centre `((size − 1)/2, (size − 1)/2)` (row, col). Seen from above it is a disk. Its shadow
//! is the union of the disks its cross-sections cast: a capsule (a bar with round ends) of the
//! pole's radius from the centre to `12 u / tan θ` pixels away from the light, in direction
//! `φ + 180°`. Azimuths are measured counter-clockwise on screen: 0° is a light to the right
//! (+col), 90° a light above (−row). For the default grid (θ ≥ 45°) the shadow reaches at
//! most `13.25 u + 1/2` pixels from the centre, inside the image for every `size ≥ 16`;
//! lights below about 41° cast shadows that leave the image and are cut at its border.
//!
//! Gray levels: the plane is [`PLANE_LEVEL`], the shadow [`SHADOW_LEVEL`], the top of the pole
//! [`POLE_LEVEL`]; none depends on the light, so the scene changes only through the shadow's
//! shape. Edges are anti-aliased by the clamped signed distance `clamp(1/2 − sd, 0, 1)`, so
//! images are continuous in (θ, φ).

use ndarray::{Array2, Array4, ArrayViewMut2, Axis};

use crate::DataError;
use crate::lines::wrap_signed;

/// Gray level of the lit plane.
pub const PLANE_LEVEL: f64 = 0.5;
/// Gray level of the plane in the pole's shadow.
pub const SHADOW_LEVEL: f64 = 0.2;
/// Gray level of the pole's top, seen from above.
pub const POLE_LEVEL: f64 = 1.0;

/// The smallest image side [`render_pole`] accepts.
pub const MIN_POLE_SIZE: usize = 16;

// In units of size / 32 pixels.
const POLE_RADIUS: f64 = 1.25;
const POLE_HEIGHT: f64 = 12.0;

/// A light direction, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoleParams {
    /// Angle of the light above the horizon, in `(0, 90)`.
    pub elevation_deg: f64,
    /// Direction of the light around the pole: 0 is to the right, 90 above.
    pub azimuth_deg: f64,
}

impl PoleParams {
    /// The light `alpha` of the way to `other`: the elevation linearly, the azimuth along the
    /// shorter arc (350° to 10° passes 0°). The result's azimuth is in `[0, 360)`.
    pub fn lerp(&self, other: &PoleParams, alpha: f64) -> PoleParams {
        let arc = wrap_signed(other.azimuth_deg - self.azimuth_deg, 360.0);
        PoleParams {
            elevation_deg: self.elevation_deg + alpha * (other.elevation_deg - self.elevation_deg),
            azimuth_deg: normal_azimuth(self.azimuth_deg + alpha * arc),
        }
    }

    /// Euclidean distance in degrees, the azimuth difference taken the short way round (in
    /// `[0, 180]`): the parameter-space distance of the AEAI retrieval metric.
    pub fn distance(&self, other: &PoleParams) -> f64 {
        let arc = wrap_signed(other.azimuth_deg - self.azimuth_deg, 360.0).abs();
        (other.elevation_deg - self.elevation_deg).hypot(arc)
    }
}

/// Every combination of the listed elevations and azimuths, in degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct PoleGrid {
    /// Light elevations, each in `(0, 90)`.
    pub elevations_deg: Vec<f64>,
    /// Light azimuths, any finite values.
    pub azimuths_deg: Vec<f64>,
}

impl Default for PoleGrid {
    /// The paper's 576 scenes: θ = 45, 50, …, 80 (8 values) × φ = 0, 5, …, 355 (72 values).
    fn default() -> Self {
        Self {
            elevations_deg: (0..8).map(|k| 45.0 + 5.0 * k as f64).collect(),
            azimuths_deg: (0..72).map(|k| 5.0 * k as f64).collect(),
        }
    }
}

impl PoleGrid {
    /// The grid's lights, elevation-major: all azimuths of the first elevation, then of the
    /// second, and so on.
    pub fn params(&self) -> Vec<PoleParams> {
        self.elevations_deg
            .iter()
            .flat_map(|&elevation_deg| {
                self.azimuths_deg
                    .iter()
                    .map(move |&azimuth_deg| PoleParams {
                        elevation_deg,
                        azimuth_deg,
                    })
            })
            .collect()
    }
}

/// Pole scenes with the light each was rendered under.
#[derive(Debug, Clone, PartialEq)]
pub struct PoleDataset {
    /// `(N, 1, size, size)`, values in `[0, 1]`.
    pub images: Array4<f64>,
    /// `params[k]` is the light of `images[k]`, in the order of [`PoleGrid::params`].
    pub params: Vec<PoleParams>,
}

/// The scene under one light, `(size, size)`. `size` must be at least [`MIN_POLE_SIZE`], the
/// elevation in `(0, 90)` degrees and the azimuth finite.
pub fn render_pole(size: usize, params: PoleParams) -> Result<Array2<f64>, DataError> {
    check_size(size)?;
    check_params(params)?;
    let mut image = Array2::zeros((size, size));
    draw_scene(image.view_mut(), params);
    Ok(image)
}

/// Every scene of `grid`, `(N, 1, size, size)` with `N` = elevations × azimuths.
pub fn pole_dataset(size: usize, grid: &PoleGrid) -> Result<PoleDataset, DataError> {
    let params = grid.params();
    if params.is_empty() {
        return Err(DataError::InvalidArgument {
            what: "pole grid",
            reason: format!(
                "{} elevations x {} azimuths is empty: both lists need at least one value",
                grid.elevations_deg.len(),
                grid.azimuths_deg.len()
            ),
        });
    }
    let images = render_all(size, &params)?;
    Ok(PoleDataset { images, params })
}

/// The ground-truth interpolation from the light `from` to the light `to`: `frames` scenes at
/// `α = k / (frames − 1)` of [`PoleParams::lerp`], `(frames, 1, size, size)`, with their
/// lights. `frames` must be at least 2; the first and last lights are `from` and `to` with
/// their azimuths brought into `[0, 360)`.
pub fn pole_path(
    size: usize,
    from: PoleParams,
    to: PoleParams,
    frames: usize,
) -> Result<(Array4<f64>, Vec<PoleParams>), DataError> {
    if frames < 2 {
        return Err(DataError::InvalidArgument {
            what: "frame count",
            reason: format!("{frames}: a path needs at least 2 frames (both endpoints)"),
        });
    }
    check_params(from)?;
    check_params(to)?;
    let last = frames - 1;
    let params: Vec<PoleParams> = (0..frames)
        .map(|k| {
            // Rounding in the lerp would leave the last light a hair off `to`; pin it, so the
            // last frame is exactly the target scene.
            if k == last {
                to.lerp(&to, 0.0)
            } else {
                from.lerp(&to, k as f64 / last as f64)
            }
        })
        .collect();
    let images = render_all(size, &params)?;
    Ok((images, params))
}

fn render_all(size: usize, params: &[PoleParams]) -> Result<Array4<f64>, DataError> {
    check_size(size)?;
    for &p in params {
        check_params(p)?;
    }
    let mut images = Array4::zeros((params.len(), 1, size, size));
    for (mut image, &p) in images.outer_iter_mut().zip(params) {
        draw_scene(image.index_axis_mut(Axis(0), 0), p);
    }
    Ok(images)
}

// The caller has checked the size and the light.
fn draw_scene(mut image: ArrayViewMut2<'_, f64>, params: PoleParams) {
    let size = image.nrows();
    let unit = size as f64 / 32.0;
    let centre = (size as f64 - 1.0) / 2.0;
    let radius = POLE_RADIUS * unit;
    let length = POLE_HEIGHT * unit / params.elevation_deg.to_radians().tan();
    // Away from the light, in (row, col) with rows growing downwards.
    let away = (params.azimuth_deg + 180.0).to_radians();
    let (dr, dc) = (-away.sin(), away.cos());
    let coverage = |signed_distance: f64| (0.5 - signed_distance).clamp(0.0, 1.0);
    for ((i, j), pixel) in image.indexed_iter_mut() {
        let (pr, pc) = (i as f64 - centre, j as f64 - centre);
        let along = (pr * dr + pc * dc).clamp(0.0, length);
        let shadow = coverage((pr - along * dr).hypot(pc - along * dc) - radius);
        let pole = coverage(pr.hypot(pc) - radius);
        let ground = PLANE_LEVEL + (SHADOW_LEVEL - PLANE_LEVEL) * shadow;
        *pixel = ground + (POLE_LEVEL - ground) * pole;
    }
}

fn normal_azimuth(azimuth_deg: f64) -> f64 {
    let turned = azimuth_deg.rem_euclid(360.0);
    // rem_euclid of a tiny negative number rounds up to 360 itself.
    if turned >= 360.0 { 0.0 } else { turned }
}

fn check_size(size: usize) -> Result<(), DataError> {
    if size < MIN_POLE_SIZE {
        return Err(DataError::InvalidArgument {
            what: "pole image size",
            reason: format!("{size}: must be at least {MIN_POLE_SIZE} pixels"),
        });
    }
    Ok(())
}

fn check_params(params: PoleParams) -> Result<(), DataError> {
    let PoleParams {
        elevation_deg,
        azimuth_deg,
    } = params;
    if !(elevation_deg > 0.0 && elevation_deg < 90.0) {
        return Err(DataError::InvalidArgument {
            what: "light elevation",
            reason: format!(
                "{elevation_deg:?} degrees: must be strictly between 0 and 90 (a light on the \
                 horizon casts an endless shadow, one overhead none)"
            ),
        });
    }
    if !azimuth_deg.is_finite() {
        return Err(DataError::InvalidArgument {
            what: "light azimuth",
            reason: format!("{azimuth_deg} degrees: must be finite"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azimuths_normalise_into_one_turn() {
        assert_eq!(normal_azimuth(-1e-15), 0.0);
        assert_eq!(normal_azimuth(370.0), 10.0);
        assert_eq!(normal_azimuth(-90.0), 270.0);
    }
}
