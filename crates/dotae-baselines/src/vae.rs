//! The VAE / β-VAE baseline: the negative ELBO `reconstruction(x̂, x) + β · KL(q(z|x) ‖ N(0, I))`
//! per image, with a diagonal Gaussian posterior of the latent's shape and the
//! reparameterisation `z = μ + σ ε`.
//!
//! β is the textbook one: β = 1 is the VAE (the published VAE rows are β = 1). Both terms are
//! computed as means over their elements — the reconstruction (BCE or MSE) per pixel, the KL
//! per latent element — like every other method's terms here, and the KL mean is weighted by
//! `β · L / P` ([`kl_weight`]) for `P` pixels and `L` latent numbers per image, so the loss is
//! the per-image negative ELBO `P·reconstruction + β·L·KL` divided by `P` (for 32×32 images and
//! a 16×4×4 latent, β = 1 weighs the KL mean by 256/1024 = 0.25).

use burn::prelude::*;
use dotae_models::{
    AutoencoderConfig, Decoder, Encoder, LatentModel, Losses, MethodCore, ModelError, NoAdversary,
    Objective, Reconstruction, Step, Term, WeightStream, draw_weights,
};

use crate::common::values_like;
use dotae_models::config_checks::{non_negative, sigmoid_output};

dotae_models::method_config!(VaeConfig, "vae", checks: |config| {
    non_negative("beta", config.beta)?;
    sigmoid_output("the VAE", config.model.output_activation)
});

/// Everything that defines a VAE run.
#[derive(Config, Debug, PartialEq)]
pub struct VaeConfig {
    /// The architecture; the encoder gets `2 × latent_channels` output channels (mean and
    /// log-variance), the decoder takes `latent_channels`.
    #[config(default = "AutoencoderConfig::new()")]
    pub model: AutoencoderConfig,
    /// Weight β of the KL term of the per-image ELBO: 1 is the VAE, larger is a β-VAE (see the
    /// module docs and [`kl_weight`]).
    #[config(default = 1.0)]
    pub beta: f64,
    /// Reconstruction loss, a mean per pixel: binary cross-entropy (a Bernoulli decoder) or MSE.
    #[config(default = "Reconstruction::Bce")]
    pub reconstruction: Reconstruction,
    /// Step size of the Adam optimiser; must be positive.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Seeds the weight initialisation, the reparameterisation noise and the shuffling.
    #[config(default = 0)]
    pub seed: u64,
}

impl VaeConfig {
    /// A fresh VAE network on `device`, every weight drawn now from the weight streams of
    /// `seed`: its decoder is the decoder every other method starts from with this seed.
    pub fn init(&self, device: &Device, seed: u64) -> Result<VaeModel, ModelError> {
        self.validate()?;
        let wide = self
            .model
            .clone()
            .with_latent_channels(2 * self.model.latent_channels);
        Ok(VaeModel {
            encoder: draw_weights(device, seed, WeightStream::Encoder, || {
                wide.init_encoder(device)
            })?,
            decoder: draw_weights(device, seed, WeightStream::Decoder, || {
                self.model.init_decoder(device)
            })?,
        })
    }
}

/// The VAE's networks: an encoder to `(mean, log-variance)` stacked along the channels, and the
/// shared decoder.
#[derive(Module, Debug)]
pub struct VaeModel {
    /// Images to `2 × latent_channels` channels: the means, then the log-variances.
    pub encoder: Encoder,
    /// Latents of `latent_channels` channels back to images; initialised like every other
    /// method's decoder for the same seed.
    pub decoder: Decoder,
}

impl VaeModel {
    /// The posterior's mean and log-variance `(N, c, h, w)` each, for images `(N, C, H, W)`.
    pub fn posterior(&self, images: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let stacked = self.encoder.forward(images);
        let [n, c2, h, w] = stacked.dims();
        let c = c2 / 2;
        let mean = stacked.clone().slice([0..n, 0..c, 0..h, 0..w]);
        let log_var = stacked.slice([0..n, c..c2, 0..h, 0..w]);
        (mean, log_var)
    }
}

/// Interpolation mixes posterior means.
impl LatentModel for VaeModel {
    fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.posterior(images).0
    }

    fn decode(&self, latents: Tensor<4>) -> Tensor<4> {
        self.decoder.forward(latents)
    }
}

/// `KL(N(μ, σ²) ‖ N(0, 1))` averaged over every element: the mean of
/// `(μ² + σ² − 1 − log σ²) / 2` with `log σ² = log_var`.
pub fn kl_divergence(mean: Tensor<4>, log_var: Tensor<4>) -> Tensor<1> {
    let terms = mean.powi_scalar(2) + log_var.clone().exp() - log_var;
    terms.sub_scalar(1.0).mul_scalar(0.5).mean()
}

/// The weight of the KL mean per latent element against the reconstruction mean per pixel that
/// makes `reconstruction + weight · KL` the per-image ELBO with weight β divided by the pixel
/// count: `β · latent_numbers / pixels`.
pub fn kl_weight(beta: f64, latent_numbers: usize, pixels: usize) -> f64 {
    beta * latent_numbers as f64 / pixels.max(1) as f64
}

/// The reparameterised sample `μ + exp(log_var / 2) · ε` for standard normal `noise` ε of the
/// same shape.
pub fn reparameterize(mean: Tensor<4>, log_var: Tensor<4>, noise: Tensor<4>) -> Tensor<4> {
    mean + log_var.mul_scalar(0.5).exp() * noise
}

/// The VAE / β-VAE loss: `reconstruction + kl_weight · KL` of a reparameterised sample, with
/// standard normal noise drawn on the host from the run's seeded generator (so a seed gives the
/// same noise on every backend). The VAE needs nothing besides its configuration, so the
/// configuration is its [`Objective`].
///
/// Its log terms: `("loss", reconstruction + kl_weight·KL)`, `("reconstruction", ..)`, `("kl", ..)`.
impl Objective for VaeConfig {
    type Config = Self;
    type Model = VaeModel;
    type Adversary = NoAdversary;

    fn from_config(config: Self) -> Result<Self, ModelError> {
        Ok(config)
    }

    fn config(&self) -> &Self {
        self
    }

    fn init(&self, device: &Device, seed: u64) -> Result<(VaeModel, NoAdversary), ModelError> {
        Ok((VaeConfig::init(self, device, seed)?, NoAdversary {}))
    }

    fn losses(&self, step: Step<'_, VaeModel, NoAdversary>) -> Result<Losses, ModelError> {
        let Step {
            model, batch, rng, ..
        } = step;
        let batch_shape = batch.dims();
        let (mean, log_var) = model.posterior(batch.clone());
        let shape = mean.dims();
        let noise = (0..shape.iter().product::<usize>())
            .map(|_| rng.normal())
            .collect();
        let noise = values_like(noise, shape, &mean);
        let z = reparameterize(mean.clone(), log_var.clone(), noise);
        let reconstruction = self.reconstruction.loss(model.decode(z), batch);
        let kl = kl_divergence(mean, log_var);
        let [_, c, h, w] = shape;
        let [_, channels, rows, cols] = batch_shape;
        let weight = kl_weight(self.beta, c * h * w, channels * rows * cols);
        Ok(Losses {
            model: reconstruction.clone() + kl.clone().mul_scalar(weight),
            terms: vec![
                ("reconstruction", Term::Tensor(reconstruction)),
                ("kl", Term::Tensor(kl)),
            ],
            adversary: None,
        })
    }
}

/// The VAE / β-VAE as an [`InterpolationMethod`](dotae_models::InterpolationMethod) named
/// `"vae"`, trained by Adam.
pub type Vae = MethodCore<VaeConfig>;
