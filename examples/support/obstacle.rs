//! The `--obstacle` mask: a PNG of the images' size whose pixels brighter than 0.5 are walls
//! that no mass crosses.

use std::error::Error;
use std::path::Path;

use dotae::data::read_gray_png;
use ndarray::Array2;

/// The mask in `file` for `what` (the frames, the images) of `rows × cols`.
pub fn read_obstacle_mask(
    file: &Path,
    rows: usize,
    cols: usize,
    what: &str,
) -> Result<Array2<bool>, Box<dyn Error>> {
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
