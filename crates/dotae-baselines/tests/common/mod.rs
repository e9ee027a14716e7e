//! Tiny problems shared by the integration tests.

#![allow(dead_code)]

use burn::prelude::*;
use dotae_baselines::{AcaiConfig, AeaiConfig, VaeConfig};
use dotae_models::{AutoencoderConfig, burn};

/// Four 16×16 images: a bright square in each corner.
pub fn four_squares(device: &Device) -> Tensor<4> {
    let mut values = vec![0.05f32; 4 * 16 * 16];
    for (image, (r0, c0)) in [(2, 2), (2, 10), (10, 2), (10, 10)].into_iter().enumerate() {
        for r in r0..r0 + 4 {
            for c in c0..c0 + 4 {
                values[image * 256 + r * 16 + c] = 0.95;
            }
        }
    }
    Tensor::from_data(TensorData::new(values, [4, 1, 16, 16]), device)
}

pub fn tiny_model() -> AutoencoderConfig {
    AutoencoderConfig::new()
        .with_width(4)
        .with_blocks(2)
        .with_bottleneck(16)
        .with_latent_channels(4)
}

pub fn tiny_vae() -> VaeConfig {
    VaeConfig::new()
        .with_model(tiny_model())
        .with_beta(0.1)
        .with_learning_rate(2e-3)
        .with_seed(7)
}

pub fn tiny_acai() -> AcaiConfig {
    AcaiConfig::new()
        .with_model(tiny_model())
        .with_learning_rate(2e-3)
        .with_critic_learning_rate(2e-3)
        .with_seed(7)
}

pub fn tiny_aeai() -> AeaiConfig {
    AeaiConfig::new()
        .with_model(tiny_model())
        .with_learning_rate(2e-3)
        .with_discriminator_learning_rate(2e-3)
        .with_seed(7)
}

/// The single value of a one-element tensor.
pub fn value(tensor: Tensor<1>) -> f64 {
    values(tensor)[0]
}

/// The values of a tensor, row-major.
pub fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f64> {
    tensor.into_data().try_into_vec_as::<f64>().unwrap()
}
