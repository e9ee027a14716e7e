//! Resampling images to another size: area averaging where an axis shrinks, bilinear where it
//! grows, as a function on arrays and as the per-axis matrix that the path-energy bridge applies
//! inside the autodiff graph.

use ndarray::{Array3, ArrayView3, Axis};

use crate::DataError;
use crate::error::check_not_empty;

/// Resamples a `(channels, rows, cols)` image to `rows × cols` pixels, each axis on its own:
/// area averaging (a box filter weighted by the exact fractional overlap of pixels) where the
/// axis shrinks, so mass scales by the area ratio and integer factors give
/// block means; bilinear interpolation between pixel centres (half-pixel convention, edges
/// clamped) where it grows. The same size returns a copy.
pub fn resize(
    image: ArrayView3<'_, f64>,
    rows: usize,
    cols: usize,
) -> Result<Array3<f64>, DataError> {
    check_not_empty("target size", rows, cols)?;
    let (channels, in_rows, in_cols) = image.dim();
    if in_rows == 0 || in_cols == 0 {
        return Err(DataError::InvalidArgument {
            what: "image to resize",
            reason: format!("shape {:?} has no pixels", image.dim()),
        });
    }
    let row_weights = axis_weights(in_rows, rows);
    let col_weights = axis_weights(in_cols, cols);
    let mut tall = Array3::zeros((channels, rows, in_cols));
    for (i, weights) in row_weights.iter().enumerate() {
        let mut out = tall.index_axis_mut(Axis(1), i);
        for &(src, w) in weights {
            out.scaled_add(w, &image.index_axis(Axis(1), src));
        }
    }
    let mut resized = Array3::zeros((channels, rows, cols));
    for (j, weights) in col_weights.iter().enumerate() {
        let mut out = resized.index_axis_mut(Axis(2), j);
        for &(src, w) in weights {
            out.scaled_add(w, &tall.index_axis(Axis(2), src));
        }
    }
    Ok(resized)
}

/// The dense `to × from` matrix (row-major) of [`resize`] along one axis: row `k` holds the
/// weights output pixel `k` takes from each input pixel. Where the axis shrinks each row sums
/// to 1 and each column to `to / from`, so a resampled image keeps its mass up to the area
/// ratio; a thin shape is averaged into the coarse pixels rather than sampled past.
pub fn resampling_matrix(from: usize, to: usize) -> Vec<f64> {
    let mut matrix = vec![0.0; to * from];
    for (k, weights) in axis_weights(from, to).iter().enumerate() {
        for &(i, w) in weights {
            matrix[k * from + i] += w;
        }
    }
    matrix
}

/// For each output index along one axis of length `to`, the input indices (of `from`) and
/// weights that produce it.
fn axis_weights(from: usize, to: usize) -> Vec<Vec<(usize, f64)>> {
    use std::cmp::Ordering;
    match to.cmp(&from) {
        Ordering::Equal => (0..to).map(|k| vec![(k, 1.0)]).collect(),
        Ordering::Less => (0..to)
            .map(|k| {
                // Scaled by `to * from`, input pixel i spans [i·to, (i+1)·to) and output pixel k
                // spans [k·from, (k+1)·from): integer overlaps keep integer factors exact.
                let (start, end) = (k * from, (k + 1) * from);
                (start / to..end.div_ceil(to).min(from))
                    .filter_map(|i| {
                        let overlap = end.min((i + 1) * to).saturating_sub(start.max(i * to));
                        (overlap > 0).then(|| (i, overlap as f64 / from as f64))
                    })
                    .collect()
            })
            .collect(),
        Ordering::Greater => (0..to)
            .map(|k| {
                let last = (from - 1) as f64;
                let x = ((k as f64 + 0.5) * from as f64 / to as f64 - 0.5).clamp(0.0, last);
                let left = x.floor() as usize;
                let right = (left + 1).min(from - 1);
                let t = x - left as f64;
                if right == left || t == 0.0 {
                    vec![(left, 1.0)]
                } else {
                    vec![(left, 1.0 - t), (right, t)]
                }
            })
            .collect(),
    }
}
