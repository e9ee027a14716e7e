//! Reading PNGs straight into a given channel layout and size.

use std::path::Path;

use ndarray::{Array3, Axis};

use crate::error::check_not_empty;
use crate::{DataError, read_png, resize};

/// The channel layout [`read_image`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels {
    /// One channel: the mean of the file's colour channels.
    Gray,
    /// Three channels; a gray file has its one channel repeated.
    Rgb,
}

/// Reads a PNG as `(channels, rows, cols)` in `[0, 1]` with the requested channel layout,
/// resized to `size = [rows, cols]` when given (see [`resize`](crate::resize)). A colour PNG read as gray must
/// be gray in every pixel ([`read_density_png`](crate::read_density_png)); a gray one read as
/// RGB repeats its channel.
pub fn read_image(
    path: &Path,
    channels: Channels,
    size: Option<[usize; 2]>,
) -> Result<Array3<f64>, DataError> {
    // Reject a bad size before touching the file, so the error is about the argument.
    if let Some([rows, cols]) = size {
        check_not_empty("target size", rows, cols)?;
    }
    let image = read_png(path)?;
    let image = match (channels, image.dim().0) {
        (Channels::Gray, 1) | (Channels::Rgb, 3) => image,
        (Channels::Gray, _) => crate::png_io::gray_channel(path, image)?.insert_axis(Axis(0)),
        (Channels::Rgb, _) => {
            let (_, rows, cols) = image.dim();
            let gray = image.index_axis(Axis(0), 0);
            Array3::from_shape_fn((3, rows, cols), |(_, i, j)| gray[[i, j]])
        }
    };
    match size {
        Some([rows, cols]) if [rows, cols] != [image.dim().1, image.dim().2] => {
            resize(image.view(), rows, cols)
        }
        _ => Ok(image),
    }
}
