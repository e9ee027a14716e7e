//! The two embedded test problems: a disk translated between opposite corners, whose
//! optimal-transport geodesic is known exactly, and one disk splitting into two.

use ndarray::{Array3, Array4, Axis};

use crate::DataError;
use crate::synthetic::{Point, disk, translation};

/// A disk of value 1 translated from one centre to another on a square image: the exact
/// geodesic is the disk drawn at linearly moving centres. Disks are anti-aliased with sub-pixel
/// centres ([`disk`]), so every frame of the path is exact.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskProblem {
    /// Side length of the square images, in pixels.
    pub size: usize,
    /// Disk radius in pixels.
    pub radius: f64,
    /// Centre of the source disk, `(row, col)`.
    pub from: Point,
    /// Centre of the target disk, `(row, col)`.
    pub to: Point,
}

impl DiskProblem {
    /// The paper's problem: a disk of radius `size · 5/32` whose centre is `radius + size/16`
    /// pixels from the top-left corner, moving to the mirrored position at the bottom-right
    /// corner. For `size = 32`: radius 5, centre (7, 7) to (24, 24).
    pub fn corner_to_corner(size: usize) -> Self {
        let radius = size as f64 * 5.0 / 32.0;
        let near = radius + size as f64 / 16.0;
        // Pixel centres run from 0 to size − 1, so the mirror of `near` is `size − 1 − near`.
        let far = size as f64 - 1.0 - near;
        Self {
            size,
            radius,
            from: (near, near),
            to: (far, far),
        }
    }

    /// The source image, `(1, size, size)`.
    pub fn source(&self) -> Result<Array3<f64>, DataError> {
        self.draw(self.from)
    }

    /// The target image, `(1, size, size)`.
    pub fn target(&self) -> Result<Array3<f64>, DataError> {
        self.draw(self.to)
    }

    /// The exact geodesic sampled at `steps + 1` evenly spaced times, `(steps + 1, 1, size,
    /// size)`; its first and last frames are [`source`](Self::source) and
    /// [`target`](Self::target).
    pub fn exact_path(&self, steps: usize) -> Result<Array4<f64>, DataError> {
        self.check_centres()?;
        let frames = translation(steps, self.from, self.to, |c| {
            disk(self.size, self.size, c, self.radius)
        })?;
        Ok(frames.insert_axis(Axis(1)))
    }

    fn draw(&self, centre: Point) -> Result<Array3<f64>, DataError> {
        self.check_centres()?;
        Ok(disk(self.size, self.size, centre, self.radius)?.insert_axis(Axis(0)))
    }

    // `disk` checks the size and radius; a non-finite centre would silently give NaN pixels.
    fn check_centres(&self) -> Result<(), DataError> {
        for (name, (r, c)) in [("from", self.from), ("to", self.to)] {
            if !(r.is_finite() && c.is_finite()) {
                return Err(DataError::InvalidArgument {
                    what: "disk centre",
                    reason: format!("{name} = ({r}, {c}) must be finite"),
                });
            }
        }
        Ok(())
    }
}

/// The paper's splitting problem on `(1, size, size)` images: the source is one centred disk
/// of radius `size · 6/32`; the target is two disks of radius `size · 6/32 / √2` (half the
/// area each, so the total mass matches) in the top-left and bottom-right corners, each
/// `radius + size/16` pixels from its corner. `size` must be at least 8.
pub fn one_to_two_disks(size: usize) -> Result<(Array3<f64>, Array3<f64>), DataError> {
    if size < 8 {
        return Err(DataError::InvalidArgument {
            what: "image size",
            reason: format!("{size} is too small for two separated disks: use at least 8"),
        });
    }
    let side = size as f64;
    let large = side * 6.0 / 32.0;
    let small = large / std::f64::consts::SQRT_2;
    let middle = (side - 1.0) / 2.0;
    let source = disk(size, size, (middle, middle), large)?;
    let near = small + side / 16.0;
    let far = side - 1.0 - near;
    let target = disk(size, size, (near, near), small)? + disk(size, size, (far, far), small)?;
    Ok((source.insert_axis(Axis(0)), target.insert_axis(Axis(0))))
}
