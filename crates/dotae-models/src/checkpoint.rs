//! Checkpoints: an autoencoder's weights in Burn's burnpack format, written atomically.

use std::path::Path;

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;

use crate::{Autoencoder, AutoencoderConfig, ModelError};

impl Autoencoder {
    /// Writes the weights to `path` (a temporary file renamed into place, so an interrupted
    /// run never leaves a truncated checkpoint).
    pub fn save_checkpoint(&self, path: &Path) -> Result<(), ModelError> {
        save_module(self, path)
    }
}

/// Writes the weights of `module` to `path` through a temporary file renamed into place.
pub(crate) fn save_module<M: Module>(module: &M, path: &Path) -> Result<(), ModelError> {
    let failed = |reason: String| ModelError::Checkpoint {
        path: path.to_path_buf(),
        reason,
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    module
        .clone()
        .save_file(&temporary)
        .map_err(|e| failed(e.to_string()))?;
    std::fs::rename(&temporary, path).map_err(|e| failed(e.to_string()))
}

impl AutoencoderConfig {
    /// Builds the autoencoder of this configuration on `device` with the weights stored at
    /// `path`; a file of another architecture, or one whose tensors are not floating-point,
    /// is an error, not a partial load. The weights are read into memory here: Burn's own file
    /// loading leaves them on disk until first use, so a checkpoint replaced or deleted after
    /// loading would have changed or broken the model.
    pub fn load_checkpoint(&self, path: &Path, device: &Device) -> Result<Autoencoder, ModelError> {
        let failed = |reason: String| ModelError::Checkpoint {
            path: path.to_path_buf(),
            reason,
        };
        let model = self.init(device)?;
        let size = std::fs::metadata(path)
            .map_err(|e| failed(e.to_string()))?
            .len();
        let largest = largest_checkpoint_bytes(model.num_params());
        if size > largest {
            return Err(failed(format!(
                "the file is {size} bytes, more than a checkpoint of this architecture can be \
                 ({largest} bytes: its parameters in f64 and the header)"
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
        // Shared, so the check's copy of the bytes is a reference, not a second buffer.
        let bytes = burn_pack::Bytes::from_bytes_vec(bytes).shared();
        check_floating_point(bytes.clone()).map_err(failed)?;
        // The record's own types, not a cast to the model's: a cast reads each parameter's
        // type, which draws the lazily initialised weights from the device's shared random
        // stream, outside the lock that keeps seeded draws repeatable.
        let record = ModuleRecord::from_bytes(bytes).map_err(|e| failed(e.to_string()))?;
        model
            .try_load_record(record)
            .map_err(|e| failed(e.to_string()))
    }
}

/// The most bytes a checkpoint of `parameters` numbers can take: each in f64, the widest float
/// Burn stores, and a header of at most a mebibyte (names, shapes and ids of a few dozen
/// tensors take a few kilobytes).
fn largest_checkpoint_bytes(parameters: usize) -> u64 {
    (parameters as u64)
        .saturating_mul(8)
        .saturating_add(1 << 20)
}

/// Every tensor of the checkpoint `bytes` holds floating-point numbers, as an autoencoder's
/// parameters do: Burn builds a float parameter from whatever type the file names and panics
/// on an integer, boolean or quantized one, so a corrupted or foreign file is refused here.
fn check_floating_point(bytes: burn_pack::Bytes) -> Result<(), String> {
    let tensors = burn_pack::Reader::from_bytes(bytes)
        .and_then(burn_pack::Reader::into_tensors)
        .map_err(|e| e.to_string())?;
    match tensors.iter().find(|tensor| !tensor.dtype.is_float()) {
        Some(tensor) => Err(format!(
            "tensor '{}' holds {:?}, not floating-point numbers",
            tensor.name, tensor.dtype
        )),
        None => Ok(()),
    }
}
