//! Checkpoints: an autoencoder's weights in Burn's burnpack format, written atomically.

use std::path::Path;

use burn::module::Module;
use burn::prelude::*;

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
    /// `path`; a file of another architecture is an error, not a partial load.
    pub fn load_checkpoint(&self, path: &Path, device: &Device) -> Result<Autoencoder, ModelError> {
        self.init(device)?
            .try_load_file(path)
            .map_err(|e| ModelError::Checkpoint {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
    }
}
