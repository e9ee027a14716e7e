//! Fixtures shared by the training tests of every backend.

use burn::prelude::*;
use dotae_models::{AutoencoderConfig, PathEnergyLossConfig, TrainingConfig};

/// Two 16×16 images: a bright square in the top-left and one in the bottom-right corner.
pub fn two_squares(device: &Device) -> Tensor<4> {
    let mut values = vec![0.05f32; 2 * 16 * 16];
    for r in 2..6 {
        for c in 2..6 {
            values[r * 16 + c] = 0.95;
            values[256 + (r + 8) * 16 + (c + 8)] = 0.95;
        }
    }
    Tensor::from_data(TensorData::new(values, [2, 1, 16, 16]), device)
}

/// A small network and energy grid for 16×16 images, so a step takes milliseconds.
pub fn tiny_config() -> TrainingConfig {
    TrainingConfig::new()
        .with_model(
            AutoencoderConfig::new()
                .with_width(4)
                .with_blocks(2)
                .with_bottleneck(16)
                .with_latent_channels(4),
        )
        .with_energy(PathEnergyLossConfig {
            energy_size: [8, 8],
            epsilon: 1e-4,
            ..Default::default()
        })
        .with_alpha(1e-3)
        .with_beta(1e-3)
        .with_steps(4)
        .with_learning_rate(2e-3)
        .with_seed(7)
}
