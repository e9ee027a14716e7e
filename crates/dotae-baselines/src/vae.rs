//! The VAE / β-VAE baseline: `reconstruction(x̂, x) + β · KL(q(z|x) ‖ N(0, I))` with a diagonal
//! Gaussian posterior of the latent's shape and the reparameterisation `z = μ + σ ε`.
//!
//! Scale: both terms are means over their elements — the reconstruction (BCE or MSE) per pixel,
//! the KL per latent element — so β weighs "KL per latent number" against "reconstruction per
//! pixel", and the logged values sit on the scale of the other methods' reconstruction losses.
//! The negative ELBO per image is `P·(reconstruction + (L/P)·KL)` for `P` pixels and `L` latent
//! numbers, so β = `L / P` trains the textbook VAE (for 32×32 images and a 16×4×4 latent,
//! β = 256/1024 = 0.25); β = 1 weighs the KL 4× more.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use dotae_models::{
    AutoencoderConfig, Decoder, Encoder, InterpolationMethod, LatentModel, ModelError,
    Reconstruction, SeededRng, TrainLog, shuffled_order,
};

use crate::common::{check_batch, checked_terms, materialize, non_negative, positive, values_like};

/// Everything that defines a VAE run.
#[derive(Config, Debug, PartialEq)]
pub struct VaeConfig {
    /// The architecture; the encoder gets `2 × latent_channels` output channels (mean and
    /// log-variance), the decoder takes `latent_channels`.
    #[config(default = "AutoencoderConfig::new()")]
    pub model: AutoencoderConfig,
    /// Weight β of the KL term (1: the VAE on the per-element scale; see the module docs).
    #[config(default = 1.0)]
    pub beta: f64,
    /// Reconstruction loss, a mean per pixel: binary cross-entropy (a Bernoulli decoder) or MSE.
    #[config(default = "Reconstruction::Bce")]
    pub reconstruction: Reconstruction,
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Seeds the weight initialisation, the reparameterisation noise and the shuffling.
    #[config(default = 0)]
    pub seed: u64,
}

impl VaeConfig {
    /// Checks every field the VAE cannot run with.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.model.validate()?;
        non_negative("beta", self.beta)?;
        positive("learning_rate", self.learning_rate)
    }

    /// A fresh VAE network on `device`, its weights drawn now from the device's generator.
    pub fn init(&self, device: &Device) -> Result<VaeModel, ModelError> {
        self.validate()?;
        let wide = self
            .model
            .clone()
            .with_latent_channels(2 * self.model.latent_channels);
        let model = VaeModel {
            encoder: wide.init(device)?.encoder,
            decoder: self.model.init(device)?.decoder,
        };
        materialize(&model);
        Ok(model)
    }
}

/// The VAE's networks: an encoder to `(mean, log-variance)` stacked along the channels, and the
/// shared decoder.
#[derive(Module, Debug)]
pub struct VaeModel {
    /// Images to `2 × latent_channels` channels: the means, then the log-variances.
    pub encoder: Encoder,
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

/// The reparameterised sample `μ + exp(log_var / 2) · ε` for standard normal `noise` ε of the
/// same shape.
pub fn reparameterize(mean: Tensor<4>, log_var: Tensor<4>, noise: Tensor<4>) -> Tensor<4> {
    mean + log_var.mul_scalar(0.5).exp() * noise
}

/// The VAE / β-VAE as an [`InterpolationMethod`] named `"vae"`, trained by Adam.
///
/// Its log terms: `("loss", reconstruction + β·KL)`, `("reconstruction", ..)`, `("kl", ..)`.
pub struct Vae {
    config: VaeConfig,
    model: VaeModel,
    optimizer: ModuleOptimizer,
    rng: SeededRng,
    steps_taken: usize,
}

impl Vae {
    /// A fresh model and optimiser on `device` (an autodiff device), seeded from the config.
    pub fn new(config: VaeConfig, device: &Device) -> Result<Self, ModelError> {
        config.validate()?;
        device.seed(config.seed);
        let model = config.init(device)?;
        Ok(Self {
            optimizer: AdamConfig::new().init(),
            rng: SeededRng::new(config.seed),
            config,
            model,
            steps_taken: 0,
        })
    }

    pub fn config(&self) -> &VaeConfig {
        &self.config
    }

    /// The networks after the last successful step.
    pub fn model(&self) -> &VaeModel {
        &self.model
    }

    pub fn into_model(self) -> VaeModel {
        self.model
    }

    /// The order of the next epoch over `n` images, shuffled by the run's seeded generator.
    pub fn epoch_order(&mut self, n: usize) -> Vec<usize> {
        shuffled_order(n, &mut self.rng)
    }

    /// Standard normal noise of `shape` from the run's seeded generator (drawn on the host, so
    /// a seed gives the same noise on every backend and whatever else uses the device).
    fn noise(&mut self, like: &Tensor<4>) -> Tensor<4> {
        let shape = like.dims();
        let values = (0..shape.iter().product::<usize>())
            .map(|_| self.rng.normal())
            .collect();
        values_like(values, shape, like)
    }
}

impl LatentModel for Vae {
    fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.model.encode(images)
    }

    fn decode(&self, latents: Tensor<4>) -> Tensor<4> {
        self.model.decode(latents)
    }
}

impl InterpolationMethod for Vae {
    fn name(&self) -> &str {
        "vae"
    }

    fn train_step(&mut self, batch: Tensor<4>) -> Result<TrainLog, ModelError> {
        check_batch(&self.config.model, &batch)?;
        let step = self.steps_taken + 1;
        let (mean, log_var) = self.model.posterior(batch.clone());
        let noise = self.noise(&mean);
        let z = reparameterize(mean.clone(), log_var.clone(), noise);
        let reconstruction = self.config.reconstruction.loss(self.model.decode(z), batch);
        let kl = kl_divergence(mean, log_var);
        let total = reconstruction.clone() + kl.clone().mul_scalar(self.config.beta);
        let terms = checked_terms(
            step,
            vec![
                ("loss", total.clone()),
                ("reconstruction", reconstruction),
                ("kl", kl),
            ],
        )?;
        let gradients = GradientsParams::from_grads(total.backward(), &self.model);
        self.model = self
            .optimizer
            .step(self.config.learning_rate, self.model.clone(), gradients);
        self.steps_taken = step;
        Ok(TrainLog { step, terms })
    }

    fn steps_taken(&self) -> usize {
        self.steps_taken
    }
}
