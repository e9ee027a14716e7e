//! Checking a path and preparing its frames: obstacle cells zeroed, optional rescaling to a
//! standard mass, and the chain rule of that rescaling.

use dotae_grid::Grid;
use ndarray::{ArrayView2, ArrayView3};

use crate::{EnergyError, Floor};

/// A validated path, copied to one contiguous `f64` buffer of `frames × cells`.
pub(crate) struct PreparedPath {
    pub(crate) frames: usize,
    pub(crate) values: Vec<f64>,
    /// Mass of each raw frame on the free cells, when frames were rescaled.
    pub(crate) raw_mass: Option<Vec<f64>>,
    /// Cells (of all frames) that were raised to the floor: their gradient is zero.
    pub(crate) floored: Vec<bool>,
    /// `factor / free cells` of a relative floor: how the floor of a frame grows with its mass.
    pub(crate) floor_slope: Option<f64>,
}

pub(crate) fn prepare(
    grid: &Grid,
    path: ArrayView3<'_, f64>,
    mass: Option<f64>,
    floor: Option<Floor>,
) -> Result<PreparedPath, EnergyError> {
    let (frames, rows, cols) = path.dim();
    if frames < 2 {
        return Err(EnergyError::TooFewFrames { frames });
    }
    check_frame_size(grid, rows, cols)?;
    let cells = grid.cells();
    let obstacle = grid.obstacle_flags();
    let free = obstacle.iter().filter(|&&blocked| !blocked).count();
    let mut values = Vec::with_capacity(frames * cells);
    let mut masses = Vec::with_capacity(frames);
    let mut floored = Vec::new();
    for (t, frame) in path.outer_iter().enumerate() {
        let raw = checked_free_mass(t, frame, obstacle)?;
        let threshold = match floor {
            None => None,
            Some(Floor::Absolute(value)) => Some(value),
            // A frame without mass has a zero relative floor and stays an error below.
            Some(Floor::Relative(factor)) => Some(factor * raw / free.max(1) as f64),
        };
        let mut total = 0.0;
        for ((i, j), &value) in frame.indexed_iter() {
            let blocked = obstacle[i * cols + j];
            let mut kept = if blocked { 0.0 } else { value };
            if let Some(threshold) = threshold {
                let raised = !blocked && value < threshold;
                if raised {
                    kept = threshold;
                }
                floored.push(raised);
            }
            total += kept;
            values.push(kept);
        }
        // With an absolute floor every free cell holds at least ε, so an empty frame is still a
        // density.
        if total <= 0.0 {
            return Err(EnergyError::ZeroMass { frame: t });
        }
        masses.push(total);
    }
    let raw_mass = match mass {
        None => None,
        Some(target) => {
            for (t, (frame, &total)) in values.chunks_exact_mut(cells).zip(&masses).enumerate() {
                let scale = target / total;
                if !scale.is_finite() {
                    return Err(EnergyError::MassTooSmall {
                        frame: t,
                        mass: total,
                        target,
                    });
                }
                frame.iter_mut().for_each(|v| *v *= scale);
            }
            Some(masses)
        }
    };
    let floor_slope = match floor {
        Some(Floor::Relative(factor)) => Some(factor / free.max(1) as f64),
        _ => None,
    };
    Ok(PreparedPath {
        frames,
        values,
        raw_mass,
        floored,
        floor_slope,
    })
}

/// Checks every value of frame `t` and returns its mass on the free cells.
fn checked_free_mass(
    t: usize,
    frame: ArrayView2<'_, f64>,
    obstacle: &[bool],
) -> Result<f64, EnergyError> {
    let cols = frame.ncols();
    let mut mass = 0.0;
    for ((i, j), &value) in frame.indexed_iter() {
        if !value.is_finite() {
            return Err(EnergyError::NonFinite {
                frame: t,
                row: i,
                col: j,
                value,
            });
        }
        if value < 0.0 {
            return Err(EnergyError::Negative {
                frame: t,
                row: i,
                col: j,
                value,
            });
        }
        if !obstacle[i * cols + j] {
            mass += value;
        }
    }
    if !mass.is_finite() {
        return Err(EnergyError::MassOverflow { frame: t });
    }
    Ok(mass)
}

/// Chain rule of the floor for one frame: raised cells get no gradient of their own, and with
/// a relative floor `ε = slope · Σ_free ρ` every free cell also moves the raised cells' value,
/// so it receives `slope ·` the sum of their gradients.
pub(crate) fn floor_adjoint(
    grad: &mut [f64],
    floored: &[bool],
    slope: Option<f64>,
    obstacle: &[bool],
) {
    let mut through_floor = 0.0;
    for (g, &raised) in grad.iter_mut().zip(floored) {
        if raised {
            through_floor += *g;
            *g = 0.0;
        }
    }
    if let Some(slope) = slope {
        for (g, &blocked) in grad.iter_mut().zip(obstacle) {
            if !blocked {
                *g += slope * through_floor;
            }
        }
    }
}

/// Chain rule of `ρ' = M ρ / Σρ` for one frame: `g ← (M/S)(g' − ⟨g', ρ'⟩/M)`, where `ρ'` is the
/// rescaled frame and `S` the raw mass. Obstacle cells carry no gradient.
pub(crate) fn rescale_adjoint(
    grad: &mut [f64],
    rescaled: &[f64],
    target: f64,
    raw_mass: f64,
    obstacle: &[bool],
) {
    let projection: f64 = grad.iter().zip(rescaled).map(|(g, r)| g * r).sum::<f64>() / target;
    let scale = target / raw_mass;
    for (g, &blocked) in grad.iter_mut().zip(obstacle) {
        *g = if blocked {
            0.0
        } else {
            scale * (*g - projection)
        };
    }
}

/// The mass of `frame` on the obstacle cells of `grid`, which measuring discards (obstacle
/// cells hold no density). Data entering a measurement with obstacles should have none: a
/// caller can refuse frames for which this is positive, naming the mass that would be lost.
///
/// # Errors
/// [`EnergyError::FrameSize`] if `frame` does not have the grid's size.
pub fn mass_on_obstacles(grid: &Grid, frame: ArrayView2<'_, f64>) -> Result<f64, EnergyError> {
    let (rows, cols) = frame.dim();
    check_frame_size(grid, rows, cols)?;
    Ok(frame
        .iter()
        .zip(grid.obstacle_flags())
        .filter(|&(_, &blocked)| blocked)
        .map(|(&value, _)| value)
        .sum())
}

/// Frames of `rows × cols` must have the grid's size.
fn check_frame_size(grid: &Grid, rows: usize, cols: usize) -> Result<(), EnergyError> {
    if (rows, cols) != (grid.rows(), grid.cols()) {
        return Err(EnergyError::FrameSize {
            rows,
            cols,
            grid_rows: grid.rows(),
            grid_cols: grid.cols(),
        });
    }
    Ok(())
}
