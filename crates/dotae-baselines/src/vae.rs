//! The VAE / β-VAE baseline: the negative ELBO `reconstruction(x̂, x) + β · KL(q(z|x) ‖ N(0, I))`
//! per image, with a diagonal Gaussian posterior of the latent's shape and the
//! reparameterisation `z = μ + σ ε`.
//!
//! The posterior's mean and log-variance come from the shared encoder either through its last
//! convolution at twice the latent channels ([`PosteriorHead::Convolution`]) or, as ACAI's
//! reference `vae.py`, through two dense layers on the flattened code
//! ([`PosteriorHead::Dense`]), which see the whole code at once.
//!
//! β is the textbook one: β = 1 is the VAE (the published VAE rows are β = 1). Both terms are
//! computed as means over their elements — the reconstruction (BCE or MSE) per pixel, the KL
//! per latent element — like every other method's terms here, and the KL mean is weighted by
//! `β · L / P` ([`kl_weight`]) for `P` pixels and `L` latent numbers per image, so the loss is
//! the per-image negative ELBO `P·reconstruction + β·L·KL` divided by `P` (for 32×32 images and
//! a 16×4×4 latent, β = 1 weighs the KL mean by 256/1024 = 0.25).
//!
//! An optional KL warm-up (Sønderby et al. 2016, "How to train deep variational autoencoders")
//! raises β linearly from 0 over the first steps, so the decoder learns to read the code before
//! the KL term prices it; after the warm-up the objective is the ELBO with β again.

use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::*;
use dotae_models::{
    AutoencoderConfig, Decoder, Encoder, LatentModel, Losses, MethodCore, ModelError, NoAdversary,
    Objective, Reconstruction, Step, Term, WeightStream, draw_weights,
};

use crate::common::values_like;
use dotae_models::config_checks::{non_negative, sigmoid_output};

dotae_models::method_config!(VaeConfig, "vae", checks: |config| {
    non_negative("beta", config.beta)?;
    if let PosteriorHead::Dense { image_size: [rows, cols] } = config.posterior {
        config.model.check_image_size(rows, cols)?;
    }
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
    /// Steps over which the KL weight rises linearly from 0 to β (step `s` of a warm-up of `n`
    /// weighs it by `β · min(1, s / n)`); 0, the default, weighs it by β from the first step.
    #[config(default = 0)]
    pub kl_warmup_steps: usize,
    /// Reconstruction loss, a mean per pixel: binary cross-entropy (a Bernoulli decoder) or MSE.
    #[config(default = "Reconstruction::Bce")]
    pub reconstruction: Reconstruction,
    /// Where the posterior's mean and log-variance come from.
    #[config(default = "PosteriorHead::Convolution")]
    pub posterior: PosteriorHead,
    /// Step size of the Adam optimiser; must be positive.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Seeds the weight initialisation, the reparameterisation noise and the shuffling.
    #[config(default = 0)]
    pub seed: u64,
}

/// Where the VAE's posterior mean and log-variance come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PosteriorHead {
    /// The encoder's last convolution, at twice the latent channels: the means, then the
    /// log-variances, each a function of its neighbourhood.
    Convolution,
    /// The shared encoder, then two dense layers from the flattened code to as many means and
    /// log-variances (Glorot-uniform weights, zero biases), as ACAI's `vae.py`. Dense layers
    /// fix the code's size, so the images' `[rows, cols]` are part of the choice: training and
    /// interpolation refuse other sizes (`LatentModel::check_images`).
    Dense {
        /// The `[rows, cols]` of every image the VAE encodes.
        image_size: [usize; 2],
    },
}

impl VaeConfig {
    /// A fresh VAE network on `device`, every weight drawn now from the weight streams of
    /// `seed`: its decoder is the decoder every other method starts from with this seed.
    ///
    /// With [`PosteriorHead::Dense`] the encoder is every other method's for this seed and the
    /// dense layers are drawn from the seed's stream for extra networks.
    pub fn init(&self, device: &Device, seed: u64) -> Result<VaeModel, ModelError> {
        self.validate()?;
        let (encoder_model, dense) = match self.posterior {
            PosteriorHead::Convolution => (
                self.model
                    .clone()
                    .with_latent_channels(2 * self.model.latent_channels),
                None,
            ),
            PosteriorHead::Dense { image_size } => {
                let numbers = self.code_numbers(image_size);
                let dense = draw_weights(device, seed, WeightStream::Adversary, || {
                    Ok::<_, ModelError>(DensePosterior::new(image_size, numbers, device))
                })?;
                (self.model.clone(), Some(dense))
            }
        };
        Ok(VaeModel {
            encoder: draw_weights(device, seed, WeightStream::Encoder, || {
                encoder_model.init_encoder(device)
            })?,
            dense,
            decoder: draw_weights(device, seed, WeightStream::Decoder, || {
                self.model.init_decoder(device)
            })?,
        })
    }

    /// The numbers `c·h·w` of the code of one image of `[rows, cols]`.
    fn code_numbers(&self, [rows, cols]: [usize; 2]) -> usize {
        self.model.latent_shape(rows, cols).iter().product()
    }
}

/// Two dense layers from a flattened code to the posterior's means and log-variances.
#[derive(Module, Debug)]
pub struct DensePosterior {
    mean: Linear,
    log_var: Linear,
    /// The `[rows, cols]` of the images whose codes the layers take.
    #[module(skip)]
    image_size: [usize; 2],
}

impl DensePosterior {
    fn new(image_size: [usize; 2], numbers: usize, device: &Device) -> Self {
        let layer = || {
            let mut layer = LinearConfig::new(numbers, numbers)
                .with_initializer(Initializer::XavierUniform { gain: 1.0 })
                .init(device);
            // Zero, as TensorFlow's dense layers start theirs.
            layer.bias = Some(burn::module::Param::from_tensor(Tensor::zeros(
                [numbers],
                device,
            )));
            layer
        };
        Self {
            mean: layer(),
            log_var: layer(),
            image_size,
        }
    }

    /// The means and log-variances of `code` `(N, c, h, w)`, each of its shape.
    fn forward(&self, code: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let shape = code.dims();
        let [n, c, h, w] = shape;
        let flat = code.reshape([n, c * h * w]);
        let mean = dotae_kernels::linear(&self.mean, flat.clone()).reshape(shape);
        let log_var = dotae_kernels::linear(&self.log_var, flat).reshape(shape);
        (mean, log_var)
    }
}

/// The VAE's networks: an encoder to the posterior's means and log-variances (stacked along
/// the channels, or through dense layers), and the shared decoder.
#[derive(Module, Debug)]
pub struct VaeModel {
    /// Images to `2 × latent_channels` channels, the means then the log-variances; to
    /// `latent_channels` where dense layers follow.
    pub encoder: Encoder,
    /// The dense layers of [`PosteriorHead::Dense`], `None` for the convolution's split.
    pub dense: Option<DensePosterior>,
    /// Latents of `latent_channels` channels back to images; initialised like every other
    /// method's decoder for the same seed.
    pub decoder: Decoder,
}

impl VaeModel {
    /// The posterior's mean and log-variance `(N, c, h, w)` each, for images `(N, C, H, W)`.
    pub fn posterior(&self, images: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let stacked = self.encoder.forward(images);
        if let Some(dense) = &self.dense {
            return dense.forward(stacked);
        }
        let [n, c2, h, w] = stacked.dims();
        let c = c2 / 2;
        let mean = stacked.clone().slice([0..n, 0..c, 0..h, 0..w]);
        let log_var = stacked.slice([0..n, c..c2, 0..h, 0..w]);
        (mean, log_var)
    }
}

/// Checks that `images`, the shape of `what`, are of the `[rows, cols]` a dense posterior was
/// built for.
fn check_dense_size(
    what: &'static str,
    images: &Tensor<4>,
    image_size: [usize; 2],
) -> Result<(), ModelError> {
    let dims = images.dims();
    let [_, c, rows, cols] = dims;
    if [rows, cols] == image_size {
        return Ok(());
    }
    Err(ModelError::Shape {
        what,
        actual: dims.to_vec(),
        expected: format!(
            "(N, {c}, {}, {}): the image size the VAE's dense posterior was built for",
            image_size[0], image_size[1]
        ),
    })
}

/// Interpolation mixes posterior means.
impl LatentModel for VaeModel {
    fn check_images(&self, what: &'static str, images: &Tensor<4>) -> Result<(), ModelError> {
        self.encoder.check_images(what, images)?;
        match &self.dense {
            Some(dense) => check_dense_size(what, images, dense.image_size),
            None => Ok(()),
        }
    }

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

/// The share of β that step `step` (1-based) of a KL warm-up over `warmup_steps` steps applies:
/// `min(1, step / warmup_steps)`, and 1 without a warm-up.
pub fn warmup_share(step: usize, warmup_steps: usize) -> f64 {
    match warmup_steps {
        0 => 1.0,
        n => (step as f64 / n as f64).min(1.0),
    }
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

    fn check_batch(&self, batch: &Tensor<4>) -> Result<(), ModelError> {
        self.architecture().check_batch(batch)?;
        match self.posterior {
            PosteriorHead::Dense { image_size } => {
                check_dense_size("training batch", batch, image_size)
            }
            PosteriorHead::Convolution => Ok(()),
        }
    }

    fn losses(&self, step: Step<'_, VaeModel, NoAdversary>) -> Result<Losses, ModelError> {
        let Step {
            model,
            batch,
            rng,
            number,
            ..
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
        let beta = self.beta * warmup_share(number, self.kl_warmup_steps);
        let weight = kl_weight(beta, c * h * w, channels * rows * cols);
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
