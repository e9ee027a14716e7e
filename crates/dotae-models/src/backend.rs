//! Choosing where tensors live: burn-flex or burn-ndarray on the CPU, or burn-wgpu with the
//! `wgpu` feature.

use std::fmt;
use std::str::FromStr;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// A compute backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn-flex: pure Rust, CPU, convolutions through GEMM; always available.
    #[default]
    Flex,
    /// burn-ndarray: pure Rust, CPU, always available; burn 0.22 deprecates it and its
    /// convolution backward pass is a direct loop, several times slower than flex.
    Ndarray,
    /// burn-wgpu: the default GPU adapter (Vulkan, Metal or DX12); needs the `wgpu` feature.
    Wgpu,
}

impl Backend {
    /// The inference device of this backend.
    pub fn device(self) -> Result<Device, ModelError> {
        match self {
            Backend::Flex => Ok(cpu_device()),
            Backend::Ndarray => Ok(ndarray_device()),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(not(feature = "wgpu"))]
            Backend::Wgpu => Err(ModelError::BackendUnavailable {
                backend: "wgpu",
                feature: "wgpu",
            }),
        }
    }

    /// The autodiff device of this backend, for training.
    pub fn training_device(self) -> Result<Device, ModelError> {
        Ok(self.device()?.autodiff())
    }

    /// What a user should know before training on this backend, if anything: ndarray's
    /// convolutions train tens of times slower than flex's on a CPU (a `lines --quick` baseline
    /// step: 40 s against under 1 s on 2 cores, probe 13).
    pub fn speed_note(self) -> Option<&'static str> {
        match self {
            Backend::Ndarray => Some(
                "--backend ndarray trains tens of times slower than the default flex on a CPU (a 32x32 step at batch 32: about 40 s against under 1 s on 2 cores): even --quick runs take minutes",
            ),
            Backend::Flex | Backend::Wgpu => None,
        }
    }
}

/// The default CPU device (burn-flex).
pub fn cpu_device() -> Device {
    Device::flex()
}

#[allow(deprecated)] // burn 0.22 deprecates burn-ndarray in favour of burn-flex.
fn ndarray_device() -> Device {
    Device::ndarray()
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Flex => "flex",
            Backend::Ndarray => "ndarray",
            Backend::Wgpu => "wgpu",
        })
    }
}

impl FromStr for Backend {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "flex" | "cpu" => Ok(Backend::Flex),
            "ndarray" => Ok(Backend::Ndarray),
            "wgpu" | "gpu" => Ok(Backend::Wgpu),
            _ => Err(ModelError::InvalidConfig {
                field: "backend",
                reason: format!("unknown backend `{s}`; expected `flex`, `ndarray` or `wgpu`"),
            }),
        }
    }
}
