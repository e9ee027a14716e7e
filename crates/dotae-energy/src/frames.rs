//! Checking a path and preparing its frames: obstacle cells zeroed, optional rescaling to a
//! standard mass, and the chain rule of that rescaling.

use dotae_grid::Grid;
use ndarray::ArrayView3;

use crate::EnergyError;

/// A validated path, copied to one contiguous `f64` buffer of `frames × cells`.
pub(crate) struct PreparedPath {
    pub(crate) frames: usize,
    pub(crate) values: Vec<f64>,
    /// Mass of each raw frame on the free cells, when frames were rescaled.
    pub(crate) raw_mass: Option<Vec<f64>>,
    /// Cells (of all frames) that were raised to the floor: their gradient is zero.
    pub(crate) floored: Vec<bool>,
}

pub(crate) fn prepare(
    grid: &Grid,
    path: ArrayView3<'_, f64>,
    mass: Option<f64>,
    floor: Option<f64>,
) -> Result<PreparedPath, EnergyError> {
    let (frames, rows, cols) = path.dim();
    if frames < 2 {
        return Err(EnergyError::TooFewFrames { frames });
    }
    if (rows, cols) != (grid.rows(), grid.cols()) {
        return Err(EnergyError::FrameSize {
            rows,
            cols,
            grid_rows: grid.rows(),
            grid_cols: grid.cols(),
        });
    }
    let cells = grid.cells();
    let obstacle = grid.obstacle_flags();
    let mut values = Vec::with_capacity(frames * cells);
    let mut masses = Vec::with_capacity(frames);
    let mut floored = Vec::new();
    for (t, frame) in path.outer_iter().enumerate() {
        let mut total = 0.0;
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
            let mut kept = if obstacle[i * cols + j] { 0.0 } else { value };
            if let Some(floor) = floor {
                let raised = !obstacle[i * cols + j] && value < floor;
                if raised {
                    kept = floor;
                }
                floored.push(raised);
            }
            total += kept;
            values.push(kept);
        }
        // With a floor every free cell holds at least ε, so an empty frame is still a density.
        if total <= 0.0 {
            return Err(EnergyError::ZeroMass { frame: t });
        }
        masses.push(total);
    }
    let raw_mass = mass.map(|target| {
        for (frame, &total) in values.chunks_exact_mut(cells).zip(&masses) {
            let scale = target / total;
            frame.iter_mut().for_each(|v| *v *= scale);
        }
        masses
    });
    Ok(PreparedPath {
        frames,
        values,
        raw_mass,
        floored,
    })
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
