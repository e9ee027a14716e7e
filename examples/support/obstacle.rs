//! The `--obstacle` mask: a PNG of the images' size whose pixels brighter than 0.5 are walls
//! that no mass crosses.

use std::error::Error;
use std::path::Path;

use dotae::data::{png_size, read_gray_png};
use dotae::grid::{Boundary, Grid, Region};
use ndarray::{Array2, ArrayView2};

/// The mask in `file` for `what` (the frames, the images) of `rows × cols`.
pub fn read_obstacle_mask(
    file: &Path,
    rows: usize,
    cols: usize,
    what: &str,
) -> Result<Array2<bool>, Box<dyn Error>> {
    // The size is checked from the header first: a huge mask is refused before it is decoded.
    let declared = png_size(file).map_err(|e| format!("--obstacle: {e}"))?;
    if declared != (rows, cols) {
        return Err(format!(
            "--obstacle {} is {}x{}, but the {what} are {rows}x{cols}: the mask must have their size",
            file.display(),
            declared.0,
            declared.1
        )
        .into());
    }
    let mask = read_gray_png(file).map_err(|e| format!("--obstacle: {e}"))?;
    if mask.dim() != (rows, cols) {
        return Err(format!(
            "--obstacle {} is {}x{}, but the {what} are {rows}x{cols}: the mask must have their size",
            file.display(),
            mask.nrows(),
            mask.ncols()
        )
        .into());
    }
    let walls = mask.mapv(|v| v > WALL_ABOVE);
    // A mask without walls would change nothing, and the run would report it as used.
    if !walls.iter().any(|&w| w) {
        let brightest = mask.fold(0.0f64, |a, &v| a.max(v));
        return Err(format!(
            "--obstacle {} has no wall: its walls are the pixels brighter than {WALL_ABOVE}, and its brightest is {brightest:.3}; draw the walls in white",
            file.display()
        )
        .into());
    }
    Ok(walls)
}

/// Mask pixels brighter than this are walls.
const WALL_ABOVE: f64 = 0.5;

/// `error` of a run with `--obstacle file`, when there is one, prefixed with the flag and the
/// rule that walls most often break: measured paths need equal mass on each side of a wall.
pub fn with_obstacle_hint(error: Box<dyn Error>, obstacle: Option<&Path>) -> Box<dyn Error> {
    match obstacle {
        Some(file) => format!(
            "with --obstacle {}: {error}. A region the obstacle walls off must hold the same mass in every frame (mass cannot cross a wall)",
            file.display()
        )
        .into(),
        None => error,
    }
}

/// [`read_obstacle_mask`] of `file` for `images` (each of the mask's size), with every region
/// it walls off completely (`boundary` gives no way out) where no image holds mass sealed into
/// it, and a warning on stderr naming the file when it sealed any. Mass never enters such a
/// pocket, but a decoded or solved frame leaves a trace there that the balanced measure, which
/// needs equal mass per region in every frame, refuses. When no region holds mass the mask is
/// returned unsealed, for the mass checks to refuse.
#[allow(dead_code)] // path_energy measures the frames it is given and seals nothing
pub fn read_sealed_obstacle_mask(
    file: &Path,
    boundary: Boundary,
    images: &[ArrayView2<'_, f64>],
) -> Result<Array2<bool>, Box<dyn Error>> {
    let (rows, cols) = images[0].dim();
    let mut mask = read_obstacle_mask(file, rows, cols, "images")?;
    let grid = Grid::with_obstacles(rows, cols, boundary, mask.view())
        .map_err(|e| format!("--obstacle {}: {e}", file.display()))?;
    let holds_mass = |region: &Region| {
        region
            .cells
            .iter()
            .any(|&c| images.iter().any(|image| image[(c / cols, c % cols)] > 0.0))
    };
    let empty: Vec<&Region> = grid
        .regions()
        .iter()
        .filter(|region| !region.anchored && !holds_mass(region))
        .collect();
    if empty.is_empty() || empty.len() == grid.regions().len() {
        return Ok(mask);
    }
    let mut cells = 0;
    for region in &empty {
        for &c in &region.cells {
            mask[(c / cols, c % cols)] = true;
        }
        cells += region.cells.len();
    }
    crate::support::print_to_stderr(&format!(
        "warning: --obstacle {} encloses {} pocket(s) of {cells} pixel(s) where no image holds mass; they are treated as obstacle (no mass can reach them)",
        file.display(),
        empty.len()
    ));
    Ok(mask)
}
