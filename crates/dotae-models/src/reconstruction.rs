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
///
/// Predictions are clamped to `[δ, 1 − 2⁻²⁴]` with δ = 10⁻³⁷, only so that a sigmoid rounded to
/// exactly 0 or 1 in f32 gives a finite logarithm. The floor is that low on purpose: the clamp
/// passes no gradient, and a floor at the customary 10⁻⁷ stops every pixel whose logit is below
/// −16, so a decoder that pushed a lit pixel that far down could never bring it back (every
/// frame black; docs/experiments.md). Above the floor the gradient through the sigmoid is the
/// textbook `x̂ − x` per logit; the largest f32 below 1 is the ceiling.
pub fn binary_cross_entropy(predicted: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    let predicted = predicted.clamp(BCE_FLOOR, BCE_CEILING);
    let log_p = predicted.clone().log();
    let log_q = predicted.neg().add_scalar(1.0).log();
    let loss = target.clone() * log_p + target.neg().add_scalar(1.0) * log_q;
    loss.mean().neg()
}

/// The smallest prediction [`binary_cross_entropy`] takes as it is (a normal f32, with room for
/// `1/x̂` below `f32::MAX`).
pub const BCE_FLOOR: f64 = 1e-37;

/// The largest prediction [`binary_cross_entropy`] takes as it is: the largest f32 below 1.
pub const BCE_CEILING: f64 = 1.0 - f32::EPSILON as f64 / 2.0;

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
        // BCE: (ln 2 + ln(4/3) + 2 · (−ln(1 − 2⁻²⁴))) / 4, the saturated pixels clamped.
        let expected = (2f64.ln() + (4.0f64 / 3.0).ln() - 2.0 * BCE_CEILING.ln()) / 4.0;
        let bce = value(Reconstruction::Bce.loss(predicted, target));
        assert!((bce - expected).abs() < 1e-6, "{bce} vs {expected}");
    }

    proptest::proptest! {
        /// Through the decoder's sigmoid `x̂ = σ(z)` (its backward pass multiplies by
        /// `x̂ (1 − x̂)`), the BCE gradient per logit is `(x̂ − x) / N` for every logit from −80
        /// to 15: a dark pixel that should be lit is always pulled back up.
        #[test]
        fn bce_gradient_per_logit_is_prediction_minus_target(
            logits in proptest::array::uniform4(-80.0f32..15.0),
            targets in proptest::array::uniform4(0.0f32..=1.0),
        ) {
            let device = cpu_device().autodiff();
            let sigmoid = |z: f32| (1.0 + (-z).exp()).recip();
            let predicted = tensor(logits.map(sigmoid), &device).require_grad();
            let loss = binary_cross_entropy(predicted.clone(), tensor(targets, &device));
            let gradients = loss.backward();
            let per_prediction: Vec<f32> =
                predicted.grad(&gradients).unwrap().into_data().try_to_vec().unwrap();
            for i in 0..4 {
                let p = sigmoid(logits[i]);
                let per_logit = per_prediction[i] as f64 * p as f64 * (1.0 - p as f64);
                let expected = (p as f64 - targets[i] as f64) / 4.0;
                proptest::prop_assert!(
                    (per_logit - expected).abs() <= 1e-5 * expected.abs() + 1e-7,
                    "logit {}, target {}: {} vs {}", logits[i], targets[i], per_logit, expected
                );
            }
        }
    }
}
