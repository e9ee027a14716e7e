//! The `--obstacle` mask: a PNG of the images' size whose pixels brighter than 0.5 are walls
//! that no mass crosses.

use std::error::Error;
use std::path::Path;

use dotae::data::{png_size, read_gray_png};
use ndarray::Array2;

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
    Ok(mask.mapv(|v| v > 0.5))
}

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
