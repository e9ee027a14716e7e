//! The ACAI critic and the AEAI discriminator: the encoder of DESIGN.md followed by the mean of
//! its latent, one number per image.

use burn::prelude::*;
use dotae_models::{AutoencoderConfig, Encoder, ModelError};

use crate::common::materialize;

/// An image `(N, C, H, W)` to one score per image `(N)`: the shared [`Encoder`] architecture
/// (same widths, blocks, bottleneck and latent channels as the autoencoder) followed by the mean
/// of the latent code over its channels and pixels, as in ACAI's reference implementation.
///
/// ACAI reads the score as the regressed mixing coefficient α; AEAI reads it as the logit of
/// `D(x) ∈ [0, 1]`, `D = sigmoid(score)`. Averaging rather than a dense layer keeps the critic
/// independent of the image size.
#[derive(Module, Debug)]
pub struct Critic {
    encoder: Encoder,
}

impl Critic {
    /// A freshly initialised critic with the encoder of `model`, its weights drawn now from the
    /// device's generator.
    pub fn init(model: &AutoencoderConfig, device: &Device) -> Result<Self, ModelError> {
        let critic = Self {
            encoder: model.init(device)?.encoder,
        };
        materialize(&critic);
        Ok(critic)
    }

    /// One score per image of `images` `(N, C, H, W)`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<1> {
        let latent = self.encoder.forward(images);
        let [n, c, h, w] = latent.dims();
        latent.reshape([n, c * h * w]).mean_dim(1).reshape([n])
    }
}
