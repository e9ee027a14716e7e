use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong reading or writing images and paths.
#[derive(Debug, Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} is not a valid PNG image: {reason}")]
    Png { path: PathBuf, reason: String },

    #[error("cannot encode {path} as a GIF: {reason}")]
    Gif { path: PathBuf, reason: String },

    #[error("{path} is not a valid .npy array: {reason}")]
    Npy { path: PathBuf, reason: String },

    #[error("{path} has shape {shape:?}, but {expected}")]
    Shape {
        path: PathBuf,
        shape: Vec<usize>,
        expected: &'static str,
    },

    #[error("{path} holds no PNG frames")]
    NoFrames { path: PathBuf },

    #[error(
        "frame {path} is {rows}x{cols}, but the first frame is {first_rows}x{first_cols}: all frames must have one size"
    )]
    FrameSize {
        path: PathBuf,
        rows: usize,
        cols: usize,
        first_rows: usize,
        first_cols: usize,
    },

    #[error("invalid {what}: {reason}")]
    InvalidArgument { what: &'static str, reason: String },

    #[error("{path} is not a valid IDX file: {reason}")]
    Idx { path: PathBuf, reason: String },

    #[error("{dir} holds neither {name} nor {name}.gz")]
    MissingFile { dir: PathBuf, name: &'static str },

    #[error("{path} does not fit the MNIST data set: {reason}")]
    Mnist { path: PathBuf, reason: String },
}

/// An image size needs at least one row and one column; `what` names the size in the error.
pub(crate) fn check_not_empty(
    what: &'static str,
    rows: usize,
    cols: usize,
) -> Result<(), DataError> {
    if rows == 0 || cols == 0 {
        return Err(DataError::InvalidArgument {
            what,
            reason: format!("{rows}x{cols} is empty: both sides must be at least 1"),
        });
    }
    Ok(())
}
