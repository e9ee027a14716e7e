//! Checks of a dynamic problem's inputs, and their scaling to the solver's units.

use dotae_grid::{Boundary, Grid};
use ndarray::{Array2, ArrayView2};

use crate::OtError;
use crate::check::mass;

/// Largest difference between a region's source and target mass (each input normalised to
/// unit mass) that still counts as balanced: rounding of the normalisation is far below it.
pub const REGION_MASS_TOLERANCE: f64 = 1e-9;

/// The endpoints scaled to mean density 1 over the free cells (the solver's units: its step
/// size then does not depend on the image size), and that scale.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub source: Array2<f64>,
    pub target: Array2<f64>,
    /// Mass of each scaled endpoint: the number of free cells.
    pub scale: f64,
}

/// Checks the grid and the two images and scales them.
pub(crate) fn endpoints(
    grid: &Grid,
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
) -> Result<Endpoints, OtError> {
    if grid.boundary() != Boundary::Neumann {
        return Err(OtError::Infeasible {
            what: "dynamic OT on this grid",
            reason: format!(
                "the grid's boundary is {}, but balanced transport here has no flux through the \
                 image border: build the grid with Boundary::Neumann",
                grid.boundary()
            ),
        });
    }
    let scale = grid.free_cells() as f64;
    let source = scaled(grid, "source", source, scale)?;
    let target = scaled(grid, "target", target, scale)?;
    check_regions(grid, &source, &target, scale)?;
    Ok(Endpoints {
        source,
        target,
        scale,
    })
}

fn scaled(
    grid: &Grid,
    what: &'static str,
    image: ArrayView2<'_, f64>,
    scale: f64,
) -> Result<Array2<f64>, OtError> {
    let (rows, cols) = image.dim();
    if (rows, cols) != (grid.rows(), grid.cols()) {
        return Err(OtError::Shape {
            what,
            found: vec![rows, cols],
            rule: format!(
                "it must match the grid's {} × {} cells",
                grid.rows(),
                grid.cols()
            ),
        });
    }
    let total = mass(what, &image)?;
    let obstacle = grid.obstacle_mask();
    if let Some(((i, j), &value)) = image
        .indexed_iter()
        .find(|(cell, v)| obstacle[*cell] && **v > 0.0)
    {
        return Err(OtError::Infeasible {
            what,
            reason: format!(
                "it has mass {value} on obstacle cell ({i}, {j}): obstacle cells carry no mass"
            ),
        });
    }
    Ok(image.mapv(|v| v * scale / total))
}

/// Mass cannot cross obstacles, so each connected region must hold as much target mass as
/// source mass.
fn check_regions(
    grid: &Grid,
    source: &Array2<f64>,
    target: &Array2<f64>,
    scale: f64,
) -> Result<(), OtError> {
    let (source, target) = (
        source
            .as_slice()
            .expect("freshly allocated, standard order"),
        target
            .as_slice()
            .expect("freshly allocated, standard order"),
    );
    for (r, region) in grid.regions().iter().enumerate() {
        let held = |image: &[f64]| region.cells.iter().map(|&c| image[c]).sum::<f64>() / scale;
        let (from, to) = (held(source), held(target));
        if (from - to).abs() > REGION_MASS_TOLERANCE {
            let first = region.cells[0];
            return Err(OtError::Infeasible {
                what: "transport from source to target",
                reason: format!(
                    "the obstacles cut the grid into {} regions, and region {r} (with cell \
                     ({}, {})) holds {from:e} of the source's mass but {to:e} of the target's: \
                     mass cannot cross obstacles",
                    grid.regions().len(),
                    first / grid.cols(),
                    first % grid.cols(),
                ),
            });
        }
    }
    Ok(())
}
