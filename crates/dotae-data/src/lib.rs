//! Images and paths for dotae: PNG and `.npy` input and output, and synthetic images whose
//! optimal-transport geodesics are known.
//!
//! ```
//! use dotae_data::synthetic::{gaussian, translation};
//!
//! // A Gaussian blob moving 8 pixels to the right in 8 steps.
//! let path = translation(8, (16.0, 12.0), (16.0, 20.0), |c| gaussian(32, 32, c, 3.0))?;
//! assert_eq!(path.dim(), (9, 32, 32));
//! # Ok::<(), dotae_data::DataError>(())
//! ```

mod atomic;
mod error;
mod npy_io;
mod png_io;
pub mod synthetic;

pub use atomic::write_atomically;
pub use error::DataError;
pub use npy_io::{read_npy, read_paths_npy, write_npy};
pub use png_io::{read_gray_png, read_png, read_png_frames, write_gray_png, write_png};
