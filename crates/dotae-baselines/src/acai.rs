//! ACAI (Berthelot, Raffel, Roy & Goodfellow 2019): a critic regresses the mixing coefficient
//! of decoded latent mixes, and the autoencoder is penalised until its mixes look like α = 0,
//! i.e. like reconstructions of real data.
//!
//! For a batch `x` with codes `z`, each image is paired with the batch reversed (image `i` with
//! image `B − 1 − i`, as in the reference implementation) and mixed with its own `α_i` drawn
//! uniformly in `[0, 1/2]`: `x̂_α = decode(α z + (1 − α) z_rev)`. With critic `d`:
//!
//! - critic loss `mean((d(x̂_α) − α)²) + mean(d(γ x + (1 − γ) x̂)²)` with `x̂` the
//!   reconstructions, which teaches the critic that blends of real images and reconstructions
//!   are α = 0;
//! - autoencoder loss `reconstruction(x̂, x) + λ · mean(d(x̂_α)²)`.
//!
//! One step updates both from the same forward pass (the critic's and the autoencoder's losses
//! both see the critic before its update), each with its own Adam.

use burn::prelude::*;
use dotae_models::{
    AutoencoderConfig, LatentModel, Losses, MethodCore, ModelError, OutputActivation,
    Reconstruction, Term,
};

use crate::common::values_like;
use crate::with_critic::{CriticLoss, CriticStep, WithCritic};
use dotae_models::config_checks::{non_negative, sigmoid_output, unit_interval};

/// Everything that defines an ACAI run.
#[derive(Config, Debug, PartialEq)]
pub struct AcaiConfig {
    /// The autoencoder; the critic uses the same encoder architecture.
    #[config(default = "AutoencoderConfig::new()")]
    pub model: AutoencoderConfig,
    /// Weight λ of the critic's penalty on decoded mixes in the autoencoder's loss, against the
    /// reconstruction loss as this crate computes it (a mean per pixel on images in `[0, 1]`).
    /// The reference implementation's λ = 0.5 weighs MSE on images in `[−1, 1]`, which is 4× the
    /// MSE on `[0, 1]`: [`AcaiConfig::published`] converts it.
    #[config(default = 0.5)]
    pub lambda: f64,
    /// Blend γ of real images into reconstructions that the critic must score 0, in `[0, 1]`.
    #[config(default = 0.2)]
    pub gamma: f64,
    /// Reconstruction loss (a mean per pixel). BCE like the other methods here; the reference
    /// ACAI used MSE.
    #[config(default = "Reconstruction::Bce")]
    pub reconstruction: Reconstruction,
    /// Adam step of the autoencoder.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Adam step of the critic.
    #[config(default = 1e-3)]
    pub critic_learning_rate: f64,
    /// Seeds the weights, the mixing coefficients and the shuffling.
    #[config(default = 0)]
    pub seed: u64,
}

/// The reference implementation's weight λ of the critic penalty, against MSE on `[−1, 1]`.
pub const ACAI_PUBLISHED_LAMBDA: f64 = 0.5;

/// The reference implementation's Adam step (autoencoder and critic alike).
pub const ACAI_PUBLISHED_LEARNING_RATE: f64 = 1e-4;

impl AcaiConfig {
    /// The reference implementation's loss and decoder: MSE reconstruction of the decoder's
    /// linear output (no sigmoid), γ = 0.2, and its λ = 0.5 on `[−1, 1]` images expressed on
    /// this crate's `[0, 1]` scale (`0.5 / 4`; mapping `x ↦ 2x − 1` multiplies every squared
    /// pixel error by 4, and Adam is blind to the common factor). The learning rates stay those
    /// of `self`: the reference's is [`ACAI_PUBLISHED_LEARNING_RATE`].
    pub fn published(self) -> Self {
        let model = self
            .model
            .clone()
            .with_output_activation(OutputActivation::Linear);
        self.with_model(model)
            .with_reconstruction(Reconstruction::Mse)
            .with_lambda(ACAI_PUBLISHED_LAMBDA / 4.0)
            .with_gamma(0.2)
    }
}

dotae_models::method_config!(AcaiConfig, "acai", adversary: critic_learning_rate, checks: |config| {
    non_negative("lambda", config.lambda)?;
    unit_interval("gamma", config.gamma)?;
    if config.reconstruction == Reconstruction::Bce {
        sigmoid_output("the BCE reconstruction", config.model.output_activation)?;
    }
    Ok(())
});

/// `γ x + (1 − γ) x̂`: the blends of images and their reconstructions that the critic scores 0.
pub fn acai_blend(images: Tensor<4>, reconstructions: Tensor<4>, gamma: f64) -> Tensor<4> {
    images.mul_scalar(gamma) + reconstructions.mul_scalar(1.0 - gamma)
}

/// Latent mixes `α_i z_i + (1 − α_i) z_{B−1−i}` of codes `z` `(B, c, h, w)` with the batch
/// reversed, for coefficients `alphas` `(B)`.
pub fn acai_mix(latents: Tensor<4>, alphas: Tensor<1>) -> Tensor<4> {
    let reversed = latents.clone().flip([0]);
    let alphas: Tensor<4> = alphas.reshape([-1, 1, 1, 1]);
    reversed.clone() + (latents - reversed) * alphas
}

/// The critic's loss `mean((d(x̂_α) − α)²) + mean(d(blend)²)` from its scores on the decoded
/// mixes `(B)`, their coefficients `(B)` and its scores on the γ-blends `(N)`.
pub fn acai_critic_loss(on_mixes: Tensor<1>, alphas: Tensor<1>, on_blends: Tensor<1>) -> Tensor<1> {
    (on_mixes - alphas).powi_scalar(2).mean() + on_blends.powi_scalar(2).mean()
}

/// The autoencoder's penalty `mean(d(x̂_α)²)`: the critic should see no mixing at all.
pub fn acai_penalty(on_mixes: Tensor<1>) -> Tensor<1> {
    on_mixes.powi_scalar(2).mean()
}

/// ACAI's losses: the autoencoder against the critic (see the module documentation).
impl CriticLoss for AcaiConfig {
    fn losses(&self, step: CriticStep<'_>) -> Result<Losses, ModelError> {
        let (model, critic, batch, rng) = (step.model, step.adversary, step.batch, step.rng);
        let [b, c, rows, cols] = batch.dims();
        let alphas: Vec<f64> = (0..b).map(|_| 0.5 * rng.uniform()).collect();
        let alphas = values_like(alphas, [b], &batch);

        // The autoencoder's forward pass: reconstructions and mixes in one decoder call.
        let z = model.encode(batch.clone());
        let mixes = acai_mix(z.clone(), alphas.clone());
        // The decoder's output as trained: with ACAI's linear output, not clipped.
        let decoded = model.decoder.forward(Tensor::cat(vec![z, mixes], 0));
        let reconstructions = decoded.clone().slice([0..b, 0..c, 0..rows, 0..cols]);
        let decoded_mixes = decoded.slice([b..2 * b, 0..c, 0..rows, 0..cols]);

        // The critic's loss, on detached images: its graph holds only the critic's weights.
        let blends = acai_blend(batch.clone(), reconstructions.clone().detach(), self.gamma);
        let scores = critic.forward(Tensor::cat(vec![decoded_mixes.clone().detach(), blends], 0));
        let critic_loss = acai_critic_loss(
            scores.clone().narrow(0, 0, b),
            alphas,
            scores.narrow(0, b, b),
        );

        // The autoencoder's loss, through a copy of the critic that records no gradients.
        let penalty = acai_penalty(critic.clone().no_grad().forward(decoded_mixes));
        let reconstruction = self.reconstruction.loss(reconstructions, batch);
        Ok(Losses {
            model: reconstruction.clone() + penalty.clone().mul_scalar(self.lambda),
            terms: vec![
                ("reconstruction", Term::Tensor(reconstruction)),
                ("critic_penalty", Term::Tensor(penalty)),
            ],
            adversary: Some(("critic", critic_loss)),
        })
    }
}

/// ACAI as an [`InterpolationMethod`](dotae_models::InterpolationMethod) named `"acai"`; its
/// critic is [`MethodCore::adversary`].
pub type Acai = MethodCore<AcaiObjective>;

/// ACAI's [`Objective`](dotae_models::Objective).
pub type AcaiObjective = WithCritic<AcaiConfig>;
