//! AEAI (Oring, Yakhini & Hel-Or 2021, "Autoencoder image interpolation by shaping the latent
//! space"): an autoencoder whose decoded latent lines must fool a discriminator, map back to
//! their own codes, and move at constant speed.
//!
//! For a pair `(x_i, x_j)` with codes `z_i, z_j`, the line `z(α) = (1 − α) z_i + α z_j` is
//! decoded at the `M + 1` coefficients `α_n = n/M` ([`alpha_grid`]); the ends are the
//! reconstructions `x̂_i`, `x̂_j`. The autoencoder minimises
//!
//! `L_R + λ_A L_A + λ_C L_C + λ_S L_S`
//!
//! - `L_R`: reconstruction of the batch (L2 — the paper's — by default), a mean per pixel;
//! - `L_A = mean −log D(x̂(α_n))` over pairs and all `M + 1` frames ([`aeai_adversarial_loss`]);
//! - `L_C = mean ‖z(α_n) − E(D(z(α_n)))‖²` per latent element ([`aeai_cycle_loss`]), gradients
//!   through both sides;
//! - `L_S`: `‖∂x̂/∂α‖²` by finite differences on the grid, `M (x̂(α_{n+1}) − x̂(α_n))`, squared
//!   and averaged over pairs, the `M` intervals and pixels ([`aeai_smoothness`]) — the
//!   Riemann sum of `∫₀¹ ‖∂x̂/∂α‖² dα` per pixel, exactly `mean (x̂(1) − x̂(0))²` for a decoder
//!   linear in α. (The paper sums the derivative at the `M + 1` grid points; every term here is
//!   a mean so the weights do not depend on `M` or the batch size.)
//!
//! The discriminator `D = sigmoid(critic score)` is trained with the standard GAN loss
//! ([`aeai_discriminator_loss`]) on the batch (real) against every decoded frame (fake). Both
//! updates come from the same forward pass, each with its own Adam.
//!
//! Pairs: the unordered pairs of the batch, all of them up to `pairs_per_batch`, otherwise that
//! many drawn at random ([`select_pairs`], as the path-energy trainer does); a batch of one
//! image is paired with itself.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::activation::softplus;
use dotae_models::{
    Autoencoder, AutoencoderConfig, InterpolationMethod, LatentModel, ModelError, Reconstruction,
    SeededRng, TrainLog, select_pairs, shuffled_order,
};

use crate::Critic;
use crate::common::{
    at_least_one, check_batch, checked_terms, index_tensor, materialize, non_negative, positive,
    values_like,
};

/// Everything that defines an AEAI run.
#[derive(Config, Debug, PartialEq)]
pub struct AeaiConfig {
    /// The autoencoder; the discriminator uses the same encoder architecture.
    #[config(default = "AutoencoderConfig::new()")]
    pub model: AutoencoderConfig,
    /// Weight λ_A of the adversarial term (the paper's 1e-2).
    #[config(default = 1e-2)]
    pub lambda_adversarial: f64,
    /// Weight λ_C of the cycle-consistency term (the paper's 1e-2).
    #[config(default = 1e-2)]
    pub lambda_cycle: f64,
    /// Weight λ_S of the smoothness term (the paper's 1e-1).
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

impl AeaiConfig {
    /// Checks every field AEAI cannot run with.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.model.validate()?;
        non_negative("lambda_adversarial", self.lambda_adversarial)?;
        non_negative("lambda_cycle", self.lambda_cycle)?;
        non_negative("lambda_smooth", self.lambda_smooth)?;
        at_least_one("intervals", self.intervals)?;
        at_least_one("pairs_per_batch", self.pairs_per_batch)?;
        positive("learning_rate", self.learning_rate)?;
        positive(
            "discriminator_learning_rate",
            self.discriminator_learning_rate,
        )
    }
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

/// AEAI as an [`InterpolationMethod`] named `"aeai"`.
///
/// Its log terms: `("loss", L_R + λ_A L_A + λ_C L_C + λ_S L_S)`, `("reconstruction", ..)`,
/// `("adversarial", ..)`, `("cycle", ..)`, `("smoothness", ..)`, `("discriminator", ..)`.
pub struct Aeai {
    config: AeaiConfig,
    model: Autoencoder,
    discriminator: Critic,
    optimizer: ModuleOptimizer,
    discriminator_optimizer: ModuleOptimizer,
    rng: SeededRng,
    steps_taken: usize,
}

impl Aeai {
    /// A fresh autoencoder, discriminator and their optimisers on `device` (an autodiff
    /// device), seeded from the config.
    pub fn new(config: AeaiConfig, device: &Device) -> Result<Self, ModelError> {
        config.validate()?;
        device.seed(config.seed);
        let model = config.model.init(device)?;
        materialize(&model);
        let discriminator = Critic::init(&config.model, device)?;
        Ok(Self {
            optimizer: AdamConfig::new().init(),
            discriminator_optimizer: AdamConfig::new().init(),
            rng: SeededRng::new(config.seed),
            config,
            model,
            discriminator,
            steps_taken: 0,
        })
    }

    pub fn config(&self) -> &AeaiConfig {
        &self.config
    }

    /// The autoencoder after the last successful step.
    pub fn model(&self) -> &Autoencoder {
        &self.model
    }

    pub fn into_model(self) -> Autoencoder {
        self.model
    }

    /// The discriminator (its logit) after the last successful step.
    pub fn discriminator(&self) -> &Critic {
        &self.discriminator
    }

    /// The order of the next epoch over `n` images, shuffled by the run's seeded generator.
    pub fn epoch_order(&mut self, n: usize) -> Vec<usize> {
        shuffled_order(n, &mut self.rng)
    }
}

impl LatentModel for Aeai {
    fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.model.encode(images)
    }

    fn decode(&self, latents: Tensor<4>) -> Tensor<4> {
        self.model.decode(latents)
    }
}

/// `(1 − α) a + α b` for every `α` of `alphas`, for a batch of pairs `(P, …)`: `(P, K, …)`.
fn mix_lines(a: Tensor<4>, b: Tensor<4>, alphas: &[f64]) -> Tensor<5> {
    let k = alphas.len();
    let alphas: Tensor<5> = values_like(alphas.to_vec(), [1, k, 1, 1, 1], &a);
    let a: Tensor<5> = a.unsqueeze_dim(1);
    let b: Tensor<5> = b.unsqueeze_dim(1);
    a.clone() + (b - a) * alphas
}

/// `(P, K, c, h, w)` to `(P·K, c, h, w)`.
fn flatten_lines(lines: Tensor<5>) -> Tensor<4> {
    let [p, k, c, h, w] = lines.dims();
    lines.reshape([p * k, c, h, w])
}

impl InterpolationMethod for Aeai {
    fn name(&self) -> &str {
        "aeai"
    }

    fn train_step(&mut self, batch: Tensor<4>) -> Result<TrainLog, ModelError> {
        check_batch(&self.config.model, &batch)?;
        let step = self.steps_taken + 1;
        let [b, c, rows, cols] = batch.dims();
        let device = batch.device();
        let mut pairs = select_pairs(b, self.config.pairs_per_batch, &mut self.rng);
        if pairs.is_empty() {
            pairs.push((0, 0));
        }
        let p = pairs.len();
        let sources = index_tensor(&pairs.iter().map(|q| q.0).collect::<Vec<_>>(), &device);
        let targets = index_tensor(&pairs.iter().map(|q| q.1).collect::<Vec<_>>(), &device);
        let grid = alpha_grid(self.config.intervals);
        let m = grid.len() - 1;
        let interior = &grid[1..m];

        // Reconstructions and the interior frames of every line in one decoder call.
        let z = self.model.encode(batch.clone());
        let [_, zc, zh, zw] = z.dims();
        let z_sources = z.clone().select(0, sources.clone());
        let z_targets = z.clone().select(0, targets.clone());
        let latent_lines = mix_lines(z_sources, z_targets, &grid);
        let mut codes = vec![z];
        if !interior.is_empty() {
            let inner = latent_lines
                .clone()
                .slice([0..p, 1..m, 0..zc, 0..zh, 0..zw]);
            codes.push(flatten_lines(inner));
        }
        let decoded = self.model.decode(Tensor::cat(codes, 0));
        let total_rows = decoded.dims()[0];
        let reconstructions = decoded.clone().slice([0..b, 0..c, 0..rows, 0..cols]);
        let mut frames = vec![
            reconstructions
                .clone()
                .select(0, sources)
                .unsqueeze_dim::<5>(1),
        ];
        if !interior.is_empty() {
            let inner = decoded.slice([b..total_rows, 0..c, 0..rows, 0..cols]);
            frames.push(inner.reshape([p, m - 1, c, rows, cols]));
        }
        frames.push(reconstructions.clone().select(0, targets).unsqueeze_dim(1));
        let frames = Tensor::cat(frames, 1);
        let flat_frames = flatten_lines(frames.clone());

        // The discriminator's loss on detached frames: its graph holds only its own weights.
        let logits = self.discriminator.forward(Tensor::cat(
            vec![batch.clone(), flat_frames.clone().detach()],
            0,
        ));
        let n_fake = p * (m + 1);
        let discriminator_loss =
            aeai_discriminator_loss(logits.clone().narrow(0, 0, b), logits.narrow(0, b, n_fake));

        // The autoencoder's loss, through a copy of the discriminator that records no gradients.
        let frozen = self.discriminator.clone().no_grad();
        let adversarial = aeai_adversarial_loss(frozen.forward(flat_frames.clone()));
        let cycle = aeai_cycle_loss(flatten_lines(latent_lines), self.model.encode(flat_frames));
        let smoothness = aeai_smoothness(frames);
        let reconstruction = self.config.reconstruction.loss(reconstructions, batch);
        let total = reconstruction.clone()
            + adversarial
                .clone()
                .mul_scalar(self.config.lambda_adversarial)
            + cycle.clone().mul_scalar(self.config.lambda_cycle)
            + smoothness.clone().mul_scalar(self.config.lambda_smooth);

        let terms = checked_terms(
            step,
            vec![
                ("loss", total.clone()),
                ("reconstruction", reconstruction),
                ("adversarial", adversarial),
                ("cycle", cycle),
                ("smoothness", smoothness),
                ("discriminator", discriminator_loss.clone()),
            ],
        )?;
        let discriminator_gradients =
            GradientsParams::from_grads(discriminator_loss.backward(), &self.discriminator);
        let gradients = GradientsParams::from_grads(total.backward(), &self.model);
        self.discriminator = self.discriminator_optimizer.step(
            self.config.discriminator_learning_rate,
            self.discriminator.clone(),
            discriminator_gradients,
        );
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
