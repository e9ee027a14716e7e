//! Reconstruction losses shared by every method.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

/// Which reconstruction loss an autoencoder minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reconstruction {
    /// [`binary_cross_entropy`], for images in `[0, 1]` (the main paper's choice).
    #[default]
    Bce,
    /// [`mean_squared_error`] (AEAI's L2).
    Mse,
}

impl Reconstruction {
    /// The loss of `predicted` against `target`, both `(N, C, H, W)`, as a one-element tensor.
    pub fn loss(self, predicted: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
        match self {
            Reconstruction::Bce => binary_cross_entropy(predicted, target),
            Reconstruction::Mse => mean_squared_error(predicted, target),
        }
    }
}

/// Mean binary cross-entropy of predictions `x̂` in `[0, 1]` against targets `x` in `[0, 1]`.
/// Predictions are clamped to `[δ, 1 − δ]` (δ = 1e-7) before the logarithms: a sigmoid that
/// saturates to exactly 0 or 1 in f32 would otherwise give `log 0 = −∞` and a NaN gradient
/// (clamping the logarithm instead, as PyTorch does, still multiplies its infinite derivative by 0).
pub fn binary_cross_entropy(predicted: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    const DELTA: f64 = 1e-7;
    let predicted = predicted.clamp(DELTA, 1.0 - DELTA);
    let log_p = predicted.clone().log();
    let log_q = predicted.neg().add_scalar(1.0).log();
    let loss = target.clone() * log_p + target.neg().add_scalar(1.0) * log_q;
    loss.mean().neg()
}

/// Mean of `(x̂ − x)²` over every pixel.
pub fn mean_squared_error(predicted: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    (predicted - target).powi_scalar(2).mean()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu_device;

    fn tensor(values: [f32; 4], device: &Device) -> Tensor<4> {
        Tensor::from_data(TensorData::new(values.to_vec(), [1, 1, 2, 2]), device)
    }

    #[test]
    fn losses_match_hand_computed_values() {
        let device = cpu_device();
        let predicted = tensor([0.5, 0.25, 1.0, 0.0], &device);
        let target = tensor([1.0, 0.0, 1.0, 0.0], &device);
        let value = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap()[0] as f64;
        // MSE: (0.25 + 0.0625 + 0 + 0) / 4.
        let mse = value(Reconstruction::Mse.loss(predicted.clone(), target.clone()));
        assert!((mse - 0.078125).abs() < 1e-7, "{mse}");
        // BCE: (ln 2 + ln(4/3) + 2 · (−ln(1 − 1e-7))) / 4, the saturated pixels clamped.
        let expected = (2f64.ln() + (4.0f64 / 3.0).ln() - 2.0 * (1.0 - 1e-7f64).ln()) / 4.0;
        let bce = value(Reconstruction::Bce.loss(predicted, target));
        assert!((bce - expected).abs() < 1e-6, "{bce} vs {expected}");
    }
}
