use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong reading or writing images and paths.
#[derive(Debug, Error)]
pub enum DataError {
    /// A file or directory could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or directory that was being read.
        path: PathBuf,
        /// The I/O error the operating system reported.
        #[source]
        source: std::io::Error,
    },

    /// A file could not be written, flushed or renamed into place.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The destination file (its temporary sibling is written first, then renamed).
        path: PathBuf,
        /// The I/O error the operating system reported.
        #[source]
        source: std::io::Error,
    },

    /// A PNG file could not be decoded or encoded.
    #[error("{path} is not a valid PNG image: {reason}")]
    Png {
        /// The PNG file being read or written.
        path: PathBuf,
        /// What the decoder or encoder rejected, in words.
        reason: String,
    },

    /// A well-formed PNG whose content this reader cannot take (colour where one gray density is
    /// read, transparency).
    #[error("{path} is a PNG image that cannot be read here: {reason}")]
    PngContent {
        /// The PNG file being read.
        path: PathBuf,
        /// What its pixels hold that the reader refuses, and what to do.
        reason: String,
    },

    /// Frames could not be encoded as an animated GIF (other than an I/O failure).
    #[error("cannot encode {path} as a GIF: {reason}")]
    Gif {
        /// The GIF file being written.
        path: PathBuf,
        /// The encoder's error message.
        reason: String,
    },

    /// A `.npy` file could not be parsed or written, or its data could not be reshaped.
    #[error("{path} is not a valid .npy array: {reason}")]
    Npy {
        /// The `.npy` file being read or written.
        path: PathBuf,
        /// What went wrong, e.g. an unsupported element type.
        reason: String,
    },

    /// A `.npy` array has the wrong number of axes for what is being read.
    #[error("{path} has shape {shape:?}, but {expected}")]
    Shape {
        /// The `.npy` file that was read.
        path: PathBuf,
        /// The array's actual shape, one length per axis.
        shape: Vec<usize>,
        /// The shapes that would have been accepted, in words.
        expected: &'static str,
    },

    /// Two frame files whose names differ only in how a number is written (`f1.png`,
    /// `f01.png`): they claim one place in the path.
    #[error(
        "{first} and {second} number the same frame (their numbers differ only in leading zeros): rename or remove one"
    )]
    SameFrameNumber {
        /// The first of the two files.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },

    /// A frame file's name holds a number with a sign or a decimal point: frames are ordered
    /// by the whole numbers in their names, which would read `f-2` after `f-1` and `f1.5`
    /// before `f1`.
    #[error(
        "{path}: frames are ordered by the whole numbers in their names, and this name's {what} would be read as text ({example}): name the frames with whole numbers, such as f0.png, f1.png, f2.png"
    )]
    FrameNumberNotWhole {
        /// The frame file.
        path: PathBuf,
        /// What makes its number ambiguous.
        what: &'static str,
        /// How the order would go wrong.
        example: &'static str,
    },

    /// A file read as text is not UTF-8 (a PNG or `.npy` given where text is expected).
    #[error("{path} is not a text file (its bytes are not UTF-8)")]
    NotText {
        /// The file.
        path: PathBuf,
    },

    /// A folder of PNG frames holds an image in another format, which would be left out.
    #[error(
        "{path} is not a PNG: a folder of frames is read from its *.png files, and this frame would be left out of the path; convert it to PNG, or move it out of the folder"
    )]
    FrameNotPng {
        /// The image file that is not a PNG.
        path: PathBuf,
    },

    /// A directory meant to hold a path's frames contains no `*.png` file.
    #[error("{path} holds no PNG frames")]
    NoFrames {
        /// The directory that was searched.
        path: PathBuf,
    },

    /// A frame's size differs from the first frame's, so the frames cannot be stacked.
    #[error(
        "frame {path} is {rows}x{cols}, but the first frame is {first_rows}x{first_cols}: all frames must have one size"
    )]
    FrameSize {
        /// The PNG file of the mismatched frame.
        path: PathBuf,
        /// The mismatched frame's height in pixels.
        rows: usize,
        /// The mismatched frame's width in pixels.
        cols: usize,
        /// The first frame's height in pixels, which every frame must match.
        first_rows: usize,
        /// The first frame's width in pixels, which every frame must match.
        first_cols: usize,
    },

    /// A caller passed a value outside its allowed range (an empty size, too few frames, ...).
    #[error("invalid {what}: {reason}")]
    InvalidArgument {
        /// Which argument was rejected, e.g. `"frame count"`.
        what: &'static str,
        /// The rejected value and the rule it breaks.
        reason: String,
    },

    /// A chart could not be drawn (the plotting library failed, not the caller's input).
    #[error("cannot draw {path}: {reason}")]
    Draw {
        /// The image file being drawn.
        path: PathBuf,
        /// The plotting library's error message.
        reason: String,
    },

    /// A file is not a well-formed IDX file (the format of the MNIST files).
    #[error("{path} is not a valid IDX file: {reason}")]
    Idx {
        /// The IDX file (raw or gzipped) being read.
        path: PathBuf,
        /// What is wrong with its header or contents.
        reason: String,
    },

    /// A data directory contains a required file neither raw nor gzipped.
    #[error("{dir} holds neither {name} nor {name}.gz")]
    MissingFile {
        /// The directory that was searched.
        dir: PathBuf,
        /// The file name looked for, without the `.gz` suffix.
        name: &'static str,
    },

    /// A file declares more data than a reader's documented limit allows (one of the `MAX_*`
    /// constants), so it is refused before that much memory is allocated.
    #[error("{path} is too large: {amount} {what}, over the limit {limit_name} = {limit}")]
    TooLarge {
        /// The file (or, for a path's frames, the directory) being read.
        path: PathBuf,
        /// What is counted, with its unit, e.g. `".npy data bytes"`.
        what: &'static str,
        /// How much the file declares.
        amount: u128,
        /// The limit `amount` exceeds.
        limit: u64,
        /// The name of the public constant holding `limit`, e.g. `"MAX_NPY_BYTES"`.
        limit_name: &'static str,
    },

    /// Well-formed IDX files whose contents do not match MNIST (image size, label count or
    /// label values).
    #[error("{path} does not fit the MNIST data set: {reason}")]
    Mnist {
        /// The images or labels file at fault.
        path: PathBuf,
        /// How its contents differ from MNIST.
        reason: String,
    },

    /// A data directory holds a required file both raw and gzipped: they may be different
    /// versions of the data, and reading either silently could train on the wrong one.
    #[error(
        "{dir} holds both {name} and {name}.gz: they may differ (one could be an older or edited copy), so neither is read; remove or rename one"
    )]
    AmbiguousFile {
        /// The directory that was searched.
        dir: PathBuf,
        /// The file name found, without the `.gz` suffix.
        name: &'static str,
    },
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

/// Refuses `amount` of `what` in `path` when it exceeds `limit`, the constant named
/// `limit_name`.
#[cfg(feature = "files")]
pub(crate) fn check_limit(
    path: &std::path::Path,
    what: &'static str,
    amount: u128,
    limit: u64,
    limit_name: &'static str,
) -> Result<(), DataError> {
    if amount > u128::from(limit) {
        return Err(DataError::TooLarge {
            path: path.to_path_buf(),
            what,
            amount,
            limit,
            limit_name,
        });
    }
    Ok(())
}
