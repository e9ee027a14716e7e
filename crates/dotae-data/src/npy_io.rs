//! Paths as `.npy` arrays (f32 or f64).

use std::path::Path;

use ndarray::{Array4, ArrayD, IxDyn};
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
    let array = read_npy(path)?;
    let shape = array.shape().to_vec();
    let shape4 = match *shape.as_slice() {
        [frames, rows, cols] => [1, frames, rows, cols],
        [paths, frames, rows, cols] => [paths, frames, rows, cols],
        _ => {
            return Err(DataError::Shape {
                path: path.to_path_buf(),
                shape,
                expected: "a path must be (frames, H, W) or (paths, frames, H, W)",
            });
        }
    };
    array
        .into_shape_with_order(IxDyn(&shape4))
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
