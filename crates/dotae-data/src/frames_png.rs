//! Contact sheets: paths (or loose images) laid out as a grid of frames in one PNG.

use std::path::Path;

use ndarray::{Array3, ArrayView4, Axis, s};

use crate::{DataError, write_png};

/// Writes paths `(frames, channels, rows, cols)` as one PNG, one path per grid row and its
/// frames left to right, with `padding` white pixels between frames and around the border.
/// Shorter rows end in white. All paths must share `channels` (1: gray, 3: RGB), `rows` and
/// `cols`; values are clamped to `[0, 1]`.
pub fn write_png_grid(
    path: &Path,
    rows: &[ArrayView4<'_, f64>],
    padding: usize,
) -> Result<(), DataError> {
    let Some(first) = rows.first() else {
        return Err(grid_error("there are no rows to lay out".into()));
    };
    let (_, channels, height, width) = first.dim();
    if !matches!(channels, 1 | 3) || height == 0 || width == 0 {
        return Err(grid_error(format!(
            "row 0 has frames of shape {:?}: frames need 1 (gray) or 3 (RGB) channels and at least one pixel",
            (channels, height, width)
        )));
    }
    for (r, row) in rows.iter().enumerate() {
        let (frames, c, h, w) = row.dim();
        if (c, h, w) != (channels, height, width) {
            return Err(grid_error(format!(
                "row {r} has frames of shape {:?}, but row 0 has {:?}: all frames must share one shape",
                (c, h, w),
                (channels, height, width)
            )));
        }
        if frames == 0 {
            return Err(grid_error(format!("row {r} has no frames")));
        }
    }
    let columns = rows.iter().map(|row| row.dim().0).max().unwrap_or(1);
    let canvas_rows = span(rows.len(), height, padding)?;
    let canvas_cols = span(columns, width, padding)?;
    let mut canvas = Array3::from_elem((channels, canvas_rows, canvas_cols), 1.0);
    for (r, row) in rows.iter().enumerate() {
        let top = padding + r * (height + padding);
        for (f, frame) in row.axis_iter(Axis(0)).enumerate() {
            let left = padding + f * (width + padding);
            canvas
                .slice_mut(s![.., top..top + height, left..left + width])
                .zip_mut_with(&frame, |out, &v| *out = v.clamp(0.0, 1.0));
        }
    }
    write_png(path, &canvas)
}

/// Writes images `(count, channels, rows, cols)` as one PNG grid, row-major with `columns`
/// images per grid row (the last row may be shorter), laid out as [`write_png_grid`] does.
pub fn write_png_image_grid(
    path: &Path,
    images: ArrayView4<'_, f64>,
    columns: usize,
    padding: usize,
) -> Result<(), DataError> {
    if columns == 0 {
        return Err(grid_error(
            "0 columns: a grid row holds at least 1 image".into(),
        ));
    }
    let count = images.dim().0;
    let rows: Vec<ArrayView4<'_, f64>> = (0..count)
        .step_by(columns)
        .map(|start| images.slice_move(s![start..(start + columns).min(count), .., .., ..]))
        .collect();
    write_png_grid(path, &rows, padding)
}

/// Pixels taken by `count` cells of `cell` pixels with `padding` between and around them.
fn span(count: usize, cell: usize, padding: usize) -> Result<usize, DataError> {
    // PNG stores each side in 31 bits.
    const PNG_MAX_SIDE: usize = (1 << 31) - 1;
    count
        .checked_mul(cell)
        .and_then(|cells| padding.checked_mul(count + 1)?.checked_add(cells))
        .filter(|&side| side <= PNG_MAX_SIDE)
        .ok_or_else(|| {
            grid_error(format!(
                "{count} cells of {cell} pixels with padding {padding} exceed the PNG size limit of {PNG_MAX_SIDE} pixels per side"
            ))
        })
}

fn grid_error(reason: String) -> DataError {
    DataError::InvalidArgument {
        what: "PNG grid",
        reason,
    }
}
