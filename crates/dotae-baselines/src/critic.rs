//! The ACAI critic and the AEAI discriminator: the encoder of docs/design.md followed by the mean of
//! its latent, one number per image.

use burn::prelude::*;
use dotae_models::{
    Autoencoder, AutoencoderConfig, Encoder, ModelError, WeightStream, draw_weights,
};

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
    /// A freshly initialised critic with the encoder of `model`, its weights drawn now from
    /// the adversary stream of `seed` ([`draw_weights`]).
    pub fn init(model: &AutoencoderConfig, device: &Device, seed: u64) -> Result<Self, ModelError> {
        draw_weights(device, seed, WeightStream::Adversary, || {
            Ok(Self {
                encoder: model.init_encoder(device)?,
            })
        })
    }

    /// The autoencoder of `model` every method starts from with `seed`, and a critic with its
    /// encoder architecture: the networks of an adversarial method.
    pub fn with_autoencoder(
        model: &AutoencoderConfig,
        device: &Device,
        seed: u64,
    ) -> Result<(Autoencoder, Self), ModelError> {
        let autoencoder = model.init_seeded(device, seed)?;
        Ok((autoencoder, Self::init(model, device, seed)?))
    }

    /// One score per image of `images` `(N, C, H, W)`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<1> {
        let latent = self.encoder.forward(images);
        let [n, c, h, w] = latent.dims();
        latent.reshape([n, c * h * w]).mean_dim(1).reshape([n])
    }
}
