//! Whether a path's measured energy describes a motion of its mass or the density floor.
//!
//! A path along which mass vanishes in one place and reappears in another (a cross-dissolve
//! between shapes that do not overlap) has infinite energy in the continuum: mass must cross
//! cells of zero density. Measured, such cells hold only the floor, and the energy is finite
//! but grows like a power of 1/floor, so the number says which floor was used, not how the path
//! moves. A path that moves its mass barely notices the floor (the default moves it by less than
//! 1e-6). [`FloorCheck`] tells the two apart by measuring again with the floor raised
//! [`FLOOR_CHECK_FACTOR`] times.

use ndarray::ArrayView4;

use crate::{MetricsError, PathMeasure};
use dotae_energy::Floor;

/// The floor of the second measurement is this many times the first one.
pub const FLOOR_CHECK_FACTOR: f64 = 10.0;

/// A path whose energy falls by at least this share when the floor is raised
/// [`FLOOR_CHECK_FACTOR`] times has an energy set by the floor ([`FloorShare::floor_set`]).
/// A dissolve between disjoint shapes falls by 0.9 (its energy goes like 1/floor); a
/// translation by about the floor's share of the mass (1e-5 at the default floor). Decoded
/// paths that move their mass but flicker faintly where the image is dark sit between: the
/// path-energy autoencoder of `quickstart`'s defaults (energy 1.13× the exact path's) fell by
/// 0.098, its plain autoencoder (1.6 million×) by 0.89; halving separates the two kinds with room
/// on both sides.
pub const FLOOR_SET_SHARE: f64 = 0.5;

/// How much of a path's energy the density floor accounts for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloorShare {
    /// The energy under the measure's own floor.
    pub energy: f64,
    /// The energy with the floor raised [`FLOOR_CHECK_FACTOR`] times.
    pub energy_raised_floor: f64,
}

impl FloorShare {
    /// `(energy − energy_raised_floor) / energy`: the share of the energy that raising the floor
    /// removes; 0 for a path without energy.
    pub fn share(&self) -> f64 {
        if self.energy > 0.0 {
            (self.energy - self.energy_raised_floor) / self.energy
        } else {
            0.0
        }
    }

    /// Whether the energy is set by the floor: mass vanishes and reappears along the path
    /// instead of moving, and the energy compares only with energies under the same floor.
    pub fn floor_set(&self) -> bool {
        self.share() >= FLOOR_SET_SHARE
    }
}

/// A second measure, like a [`PathMeasure`] but with its floor raised [`FLOOR_CHECK_FACTOR`]
/// times, that reports each path's [`FloorShare`].
#[derive(Debug)]
pub struct FloorCheck {
    raised: PathMeasure,
}

impl FloorCheck {
    /// The check for paths measured with `measure`; `None` when it has no relative floor to
    /// raise: no floor, an absolute one (raised, it could reach a frame's mean density and
    /// flatten it, which would read as a floor-set energy), or one whose raised value would not
    /// lie below 1.
    ///
    /// # Errors
    /// As [`PathMeasure::new`] (the raised measure analyses the same grid).
    pub fn new(measure: &PathMeasure) -> Result<Option<Self>, MetricsError> {
        let mut config = measure.config().clone();
        config.floor = match config.floor {
            None => return Ok(None),
            Some(Floor::Relative(factor)) if factor * FLOOR_CHECK_FACTOR < 1.0 => {
                Some(Floor::Relative(factor * FLOOR_CHECK_FACTOR))
            }
            _ => return Ok(None),
        };
        Ok(Some(Self {
            raised: measure.with_config(config)?,
        }))
    }

    /// The [`FloorShare`] of `path`, whose energy under the measure's own floor is `energy`.
    ///
    /// # Errors
    /// As [`PathMeasure::measure`].
    pub fn share(
        &self,
        path: ArrayView4<'_, f64>,
        energy: f64,
    ) -> Result<FloorShare, MetricsError> {
        Ok(FloorShare {
            energy,
            energy_raised_floor: self.raised.measure(path)?.energy,
        })
    }
}
