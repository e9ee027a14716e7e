//! AEAI (Oring, Yakhini & Hel-Or 2021, "Autoencoder image interpolation by shaping the latent
//! space"): an autoencoder whose decoded latent lines must fool a discriminator, map back to
//! their own codes, and move at constant speed.
//!
//! For a pair `(x_i, x_j)` with codes `z_i, z_j`, the line `z(α) = (1 − α) z_i + α z_j` is
//! decoded at the `M + 1` coefficients `α_n = n/M` ([`alpha_grid`]); the ends are the
//! reconstructions `x̂_i`, `x̂_j`. The autoencoder minimises
//!
//! `L_R + λ_A L_A + λ_C L_C + λ_S L_S` per pair, summed over pairs,
//!
//! with the paper's sums: `L_R = ‖x_i − x̂_i‖² + ‖x_j − x̂_j‖²`, and over the `M + 1` grid
//! points `L_A = Σ −log D(x̂(α_n))`, `L_C = Σ ‖z(α_n) − E(D(z(α_n)))‖²` and
//! `L_S = Σ ‖∂x̂/∂α‖²`. The terms are computed as means over their elements, as every other
//! method here computes its terms, and weighted so that the loss is the paper's divided by a
//! constant (Adam does not see a constant factor):
//!
//! - `L_R`: reconstruction of the batch (L2 — the paper's — by default), a mean per pixel;
//! - `L_A = mean −log D(x̂(α_n))` over pairs and all `M + 1` frames ([`aeai_adversarial_loss`]);
//! - `L_C = mean (z(α_n) − E(D(z(α_n))))²` per latent element ([`aeai_cycle_loss`]), gradients
//!   through both sides;
//! - `L_S`: `‖∂x̂/∂α‖²` by finite differences on the grid, `M (x̂(α_{n+1}) − x̂(α_n))`, squared
//!   and averaged over pairs, the `M` intervals and pixels ([`aeai_smoothness`]) — the
//!   Riemann sum of `∫₀¹ ‖∂x̂/∂α‖² dα` per pixel, exactly `mean (x̂(1) − x̂(0))²` for a decoder
//!   linear in α;
//! - weights ([`AeaiConfig::effective_weights`]): dividing the paper's per-pair loss by `2P`
//!   (`P` pixels per image, `L` latent numbers) turns `L_R` into the mean per pixel and the
//!   others into `λ_A (M+1)/(2P)`, `λ_C (M+1) L/(2P)` and `λ_S (M+1)/2` times the means above.
//!
//! The discriminator `D = sigmoid(critic score)` is trained with the standard GAN loss
//! ([`aeai_discriminator_loss`]) on the batch (real) against every decoded frame (fake). Both
//! updates come from the same forward pass, each with its own Adam.
//!
//! Pairs: the unordered pairs of the batch, all of them up to `pairs_per_batch`, otherwise that
//! many drawn at random ([`select_pairs`], as the path-energy trainer does); a batch of one
//! image is paired with itself.

use burn::prelude::*;
use burn::tensor::activation::softplus;
use dotae_models::{
    AutoencoderConfig, LatentModel, LineEnds, Losses, MethodCore, ModelError, OutputActivation,
    Reconstruction, Term, decode_pair_lines, select_pairs,
};

use crate::with_critic::{CriticLoss, CriticStep, WithCritic};
use dotae_models::config_checks::{at_least_one, non_negative, sigmoid_output};

/// Everything that defines an AEAI run.
#[derive(Config, Debug, PartialEq)]
pub struct AeaiConfig {
    /// The autoencoder; the discriminator uses the same encoder architecture.
    #[config(default = "AutoencoderConfig::new()")]
    pub model: AutoencoderConfig,
    /// Weight λ_A of the paper's summed adversarial term (its 1e-2); see
    /// [`AeaiConfig::effective_weights`].
    #[config(default = 1e-2)]
    pub lambda_adversarial: f64,
    /// Weight λ_C of the paper's summed cycle-consistency term (its 1e-2).
    #[config(default = 1e-2)]
    pub lambda_cycle: f64,
    /// Weight λ_S of the paper's summed smoothness term (its 1e-1).
    #[config(default = 1e-1)]
    pub lambda_smooth: f64,
    /// Intervals M of the α grid: the line is decoded at `α = n/M`, `n = 0..=M`.
    #[config(default = 4)]
    pub intervals: usize,
    /// Pairs of each batch that enter the regularisers: all of them up to this many, otherwise
    /// this many drawn at random.
    #[config(default = 32)]
    pub pairs_per_batch: usize,
    /// Reconstruction loss (a mean per pixel); L2 as in the paper.
    #[config(default = "Reconstruction::Mse")]
    pub reconstruction: Reconstruction,
    /// Adam step of the autoencoder.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Adam step of the discriminator.
    #[config(default = 1e-3)]
    pub discriminator_learning_rate: f64,
    /// Seeds the weights, the pair selection and the shuffling.
    #[config(default = 0)]
    pub seed: u64,
}

/// The `M + 1` mixing coefficients `n/M`, `n = 0..=M` (M = 0 is treated as 1).
pub fn alpha_grid(intervals: usize) -> Vec<f64> {
    let m = intervals.max(1);
    (0..=m).map(|n| n as f64 / m as f64).collect()
}

/// The autoencoder's adversarial term `mean −log D(x̂)` from the discriminator's logits on the
/// decoded frames, `D = sigmoid(logit)`; computed as `softplus(−logit)`, finite for any logit.
pub fn aeai_adversarial_loss(fake_logits: Tensor<1>) -> Tensor<1> {
    softplus(fake_logits.neg(), 1.0).mean()
}

/// The discriminator's GAN loss `mean −log D(x) + mean −log(1 − D(x̂))` from its logits on real
/// images and on decoded frames.
pub fn aeai_discriminator_loss(real_logits: Tensor<1>, fake_logits: Tensor<1>) -> Tensor<1> {
    softplus(real_logits.neg(), 1.0).mean() + softplus(fake_logits, 1.0).mean()
}

/// The cycle-consistency term: the mean over every element of `(z − E(D(z)))²` for latent codes
/// `latents` and their re-encoded decodings `cycled`, both `(N, c, h, w)`.
pub fn aeai_cycle_loss(latents: Tensor<4>, cycled: Tensor<4>) -> Tensor<1> {
    (latents - cycled).powi_scalar(2).mean()
}

/// The smoothness term of decoded lines `frames` `(P, M + 1, C, H, W)` on the grid `α = n/M`:
/// the mean over pairs, the `M` intervals and pixels of `(M · (x̂(α_{n+1}) − x̂(α_n)))²`, the
/// finite-difference `∫₀¹ (∂x̂/∂α)² dα` per pixel. Zero for a single frame.
pub fn aeai_smoothness(frames: Tensor<5>) -> Tensor<1> {
    let [p, n, c, h, w] = frames.dims();
    if n < 2 {
        return Tensor::zeros([1], (&frames.device(), frames.dtype()));
    }
    let m = (n - 1) as f64;
    let later = frames.clone().slice([0..p, 1..n, 0..c, 0..h, 0..w]);
    let earlier = frames.slice([0..p, 0..n - 1, 0..c, 0..h, 0..w]);
    (later - earlier).mul_scalar(m).powi_scalar(2).mean()
}

/// The weights of AEAI's mean terms against the reconstruction's mean per pixel that make the
/// loss the paper's sum of its per-pair losses, up to a constant factor (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AeaiWeights {
    /// Of the mean adversarial term: `λ_A (M + 1) / (2P)`.
    pub adversarial: f64,
    /// Of the mean cycle term: `λ_C (M + 1) L / (2P)`.
    pub cycle: f64,
    /// Of the mean smoothness term: `λ_S (M + 1) / 2`.
    pub smoothness: f64,
}

impl AeaiConfig {
    /// The weights of the mean terms for images of `pixels` numbers (`C·H·W`) and latent codes
    /// of `latent_numbers` (`c·h·w`), from the paper's λ and the grid's `M + 1` points.
    pub fn effective_weights(&self, pixels: usize, latent_numbers: usize) -> AeaiWeights {
        let points = (self.intervals.max(1) + 1) as f64;
        let per_pair = 2.0 * pixels.max(1) as f64;
        AeaiWeights {
            adversarial: self.lambda_adversarial * points / per_pair,
            cycle: self.lambda_cycle * points * latent_numbers as f64 / per_pair,
            smoothness: self.lambda_smooth * points / 2.0,
        }
    }

    /// The decoder this crate uses for AEAI's L2 loss, whose paper leaves the decoder open:
    /// ACAI's linear output (MSE on the raw output, clipped to `[0, 1]` when used). Through a
    /// sigmoid, the L2 gradient of a pixel saturated dark vanishes, and on ACAI's lines every
    /// pixel went dark within an epoch and stayed there (docs/experiments.md).
    pub fn published(self) -> Self {
        let model = self
            .model
            .clone()
            .with_output_activation(OutputActivation::Linear);
        self.with_model(model)
            .with_reconstruction(Reconstruction::Mse)
    }
}

dotae_models::method_config!(AeaiConfig, "aeai", adversary: discriminator_learning_rate, checks: |config| {
    non_negative("lambda_adversarial", config.lambda_adversarial)?;
    non_negative("lambda_cycle", config.lambda_cycle)?;
    non_negative("lambda_smooth", config.lambda_smooth)?;
    at_least_one("intervals", config.intervals)?;
    at_least_one("pairs_per_batch", config.pairs_per_batch)?;
    if config.reconstruction == Reconstruction::Bce {
        sigmoid_output("the BCE reconstruction", config.model.output_activation)?;
    }
    Ok(())
});

/// AEAI's losses: the autoencoder against the discriminator (see the module documentation).
impl CriticLoss for AeaiConfig {
    fn losses(&self, step: CriticStep<'_>) -> Result<Losses, ModelError> {
        let (model, discriminator, batch, rng) = (step.model, step.adversary, step.batch, step.rng);
        let [b, c, h, w] = batch.dims();
        let mut pairs = select_pairs(b, self.pairs_per_batch, rng);
        if pairs.is_empty() {
            pairs.push((0, 0));
        }
        let m = self.intervals.max(1);
        let lines = decode_pair_lines(model, batch.clone(), &pairs, m, LineEnds::Reconstructions);
        let frames = flatten_lines(lines.frames.clone());

        // The discriminator's loss on detached frames: its graph holds only its own weights.
        let logits =
            discriminator.forward(Tensor::cat(vec![batch.clone(), frames.clone().detach()], 0));
        let fakes = pairs.len() * (m + 1);
        let discriminator_loss =
            aeai_discriminator_loss(logits.clone().narrow(0, 0, b), logits.narrow(0, b, fakes));

        // The autoencoder's loss, through a copy of the discriminator that records no gradients.
        let adversarial =
            aeai_adversarial_loss(discriminator.clone().no_grad().forward(frames.clone()));
        let line_latents = flatten_lines(lines.line_latents);
        let [_, lc, lh, lw] = line_latents.dims();
        let latent_numbers = lc * lh * lw;
        let cycle = aeai_cycle_loss(line_latents, model.encode(frames));
        let smoothness = aeai_smoothness(lines.frames);
        let reconstruction = self.reconstruction.loss(lines.reconstructions, batch);
        let weights = self.effective_weights(c * h * w, latent_numbers);
        let total = reconstruction.clone()
            + adversarial.clone().mul_scalar(weights.adversarial)
            + cycle.clone().mul_scalar(weights.cycle)
            + smoothness.clone().mul_scalar(weights.smoothness);
        Ok(Losses {
            model: total,
            terms: vec![
                ("reconstruction", Term::Tensor(reconstruction)),
                ("adversarial", Term::Tensor(adversarial)),
                ("cycle", Term::Tensor(cycle)),
                ("smoothness", Term::Tensor(smoothness)),
            ],
            adversary: Some(("discriminator", discriminator_loss)),
        })
    }
}

/// `(P, K, c, h, w)` to `(P·K, c, h, w)`.
fn flatten_lines(lines: Tensor<5>) -> Tensor<4> {
    let [p, k, c, h, w] = lines.dims();
    lines.reshape([p * k, c, h, w])
}

/// AEAI as an [`InterpolationMethod`](dotae_models::InterpolationMethod) named `"aeai"`; its
/// discriminator is [`MethodCore::adversary`].
pub type Aeai = MethodCore<AeaiObjective>;

/// AEAI's [`Objective`](dotae_models::Objective).
pub type AeaiObjective = WithCritic<AeaiConfig>;
