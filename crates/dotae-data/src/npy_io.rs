//! Paths as `.npy` arrays (f32 or f64).

use std::path::Path;

use ndarray::{Array4, Array5, ArrayD, Dimension, IxDyn};
use ndarray_npy::{ReadNpyError, ReadNpyExt, WriteNpyExt};

use crate::{DataError, write_atomically};

/// Reads an array of any shape from an `.npy` file of `f64` or `f32` values, as `f64`.
pub fn read_npy(path: &Path) -> Result<ArrayD<f64>, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |e: ReadNpyError| DataError::Npy {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    match ArrayD::<f64>::read_npy(&bytes[..]) {
        Ok(array) => Ok(array),
        Err(ReadNpyError::WrongDescriptor(_)) => ArrayD::<f32>::read_npy(&bytes[..])
            .map(|a| a.mapv(f64::from))
            .map_err(|e| match e {
                ReadNpyError::WrongDescriptor(d) => DataError::Npy {
                    path: path.to_path_buf(),
                    reason: format!("element type {d:?} is not supported: use float32 or float64"),
                },
                other => invalid(other),
            }),
        Err(e) => Err(invalid(e)),
    }
}

/// Reads density paths: shape `(T + 1, H, W)` (one path) or `(P, T + 1, H, W)`, returned as
/// `(P, T + 1, H, W)`.
pub fn read_paths_npy(path: &Path) -> Result<Array4<f64>, DataError> {
    read_with_path_axis(
        path,
        3,
        "a density path must be (frames, H, W) or (paths, frames, H, W)",
    )
}

/// Reads image paths, as every dotae method writes them: shape `(T + 1, C, H, W)` (one path) or
/// `(P, T + 1, C, H, W)`, returned as `(P, T + 1, C, H, W)`.
pub fn read_image_paths_npy(path: &Path) -> Result<Array5<f64>, DataError> {
    read_with_path_axis(
        path,
        4,
        "an image path must be (frames, C, H, W) or (paths, frames, C, H, W)",
    )
}

/// Reads an array of `single` axes (one path) or `single + 1` axes (a batch of paths) and
/// returns it with the leading path axis.
fn read_with_path_axis<D: Dimension>(
    path: &Path,
    single: usize,
    expected: &'static str,
) -> Result<ndarray::Array<f64, D>, DataError> {
    let array = read_npy(path)?;
    let shape = array.shape().to_vec();
    let batched = if shape.len() == single {
        [&[1], &shape[..]].concat()
    } else if shape.len() == single + 1 {
        shape.clone()
    } else {
        return Err(DataError::Shape {
            path: path.to_path_buf(),
            shape,
            expected,
        });
    };
    array
        .into_shape_with_order(IxDyn(&batched))
        .and_then(|a| a.into_dimensionality())
        .map_err(|e| DataError::Npy {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

/// Writes any `f64` array as `.npy`, atomically.
pub fn write_npy<A: WriteNpyExt>(path: &Path, array: &A) -> Result<(), DataError> {
    write_atomically(path, |w| {
        array.write_npy(w).map_err(|e| DataError::Npy {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    })
}
