//! Images and paths for dotae: PNG and `.npy` input and output, resampling, synthetic images
//! whose optimal-transport geodesics are known (and the paper's embedded problems), and
//! outputs for people: PNG contact sheets, animated GIFs, line plots and scatter plots.
//!
//! ```
//! use dotae_data::synthetic::{gaussian, translation};
//!
//! // A Gaussian blob moving 8 pixels to the right in 8 steps.
//! let path = translation(8, (16.0, 12.0), (16.0, 20.0), |c| gaussian(32, 32, c, 3.0))?;
//! assert_eq!(path.dim(), (9, 32, 32));
//! # Ok::<(), dotae_data::DataError>(())
//! ```

#![warn(missing_docs)]
pub mod acai_lines;
mod atomic;
mod embedded;
mod error;
#[cfg(feature = "files")]
mod frames_png;
#[cfg(feature = "files")]
mod gif_io;
pub mod lines;
#[cfg(feature = "files")]
mod mnist;
#[cfg(feature = "files")]
mod npy_io;
#[cfg(feature = "files")]
mod open;
#[cfg(feature = "files")]
pub use open::read_text;
#[cfg(feature = "files")]
mod plot;
#[cfg(feature = "files")]
mod png_io;
pub mod pole;
#[cfg(feature = "files")]
mod read_image;
mod resample;
mod rng;
#[cfg(feature = "files")]
mod scatter;
pub mod synthetic;

pub use acai_lines::{
    ACAI_BANK_LINES, ACAI_MIN_SIZE, acai_bank_angles, acai_line, acai_line_bank, acai_line_image,
    acai_line_path, acai_to_unit, random_acai_lines, unit_to_acai,
};
pub use atomic::write_atomically;
pub use embedded::{DiskProblem, one_to_two_disks};
pub use error::DataError;
#[cfg(feature = "files")]
pub use frames_png::{write_png_grid, write_png_image_grid};
#[cfg(feature = "files")]
pub use gif_io::write_gif;
#[cfg(feature = "files")]
pub use mnist::{
    MAX_IDX_BYTES, MAX_MNIST_VALUES, MNIST_SIDE, Mnist, load_mnist, read_idx_images,
    read_idx_labels,
};
#[cfg(feature = "files")]
pub use npy_io::{
    MAX_NPY_BYTES, MAX_NPY_HEADER_BYTES, npy_shape, read_image_paths_npy,
    read_image_paths_npy_within, read_npy, read_npy_within, read_paths_npy, read_paths_npy_within,
    write_npy,
};
#[cfg(feature = "files")]
pub use plot::{Series, write_line_plot, write_line_plot_from};
#[cfg(feature = "files")]
pub use png_io::{
    GRAY_WITHIN, MAX_PNG_SAMPLES, png_frame_files, png_size, read_density_png, read_gray_png,
    read_png, read_png_frames, write_gray_png, write_png,
};
#[cfg(feature = "files")]
pub use read_image::{Channels, read_image};
pub use resample::{resampling_matrix, resize};
pub use rng::SeededRng;
#[cfg(feature = "files")]
pub use scatter::{Cloud, ScatterPanel, write_scatter_panels};
