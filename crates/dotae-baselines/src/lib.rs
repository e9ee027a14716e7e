//! Baselines for dotae, each an [`InterpolationMethod`](dotae_models::InterpolationMethod) on the
//! architecture of [`AutoencoderConfig`](dotae_models::AutoencoderConfig), so that training
//! loops, interpolation and metrics run them exactly like the path-energy autoencoder:
//!
//! - [`Vae`]: the VAE / β-VAE (Kingma & Welling 2014; Higgins et al. 2017), `"vae"`;
//! - [`Acai`]: adversarially constrained autoencoder interpolation (Berthelot et al. 2019),
//!   `"acai"`;
//! - [`Aeai`]: autoencoder adversarial interpolation (Oring et al. 2021), `"aeai"`.
//!
//! The plain autoencoder baseline is [`Trainer`](dotae_models::Trainer) with α = β = 0.
//!
//! Every loss term is also a pure function on tensors ([`kl_divergence`],
//! [`acai_critic_loss`], [`aeai_smoothness`], …), and every term is a mean over its elements,
//! like the per-pixel reconstruction loss of [`Reconstruction`](dotae_models::Reconstruction).
//! The configurations hold the published weights, on the published losses' scales: each method
//! converts them to weights of its means ([`kl_weight`], [`AeaiConfig::effective_weights`],
//! [`AcaiConfig::published`]), so the loss is the published one up to a constant factor. Errors are
//! [`ModelError`](dotae_models::ModelError)s: a bad configuration names its field, a batch that
//! does not fit the network is an error, and a non-finite loss stops the step before any
//! weight changes.
//!
//! ```
//! use dotae_baselines::{Vae, VaeConfig};
//! use dotae_models::burn::prelude::*;
//! use dotae_models::{AutoencoderConfig, Backend, InterpolationMethod, interpolate_pairs};
//!
//! let device = Backend::Flex.training_device()?;
//! let model = AutoencoderConfig::new().with_width(4).with_blocks(2).with_bottleneck(8);
//! let mut vae = Vae::new(VaeConfig::new().with_model(model).with_beta(0.5), &device)?;
//! let images = Tensor::<4>::ones([2, 1, 16, 16], &device).mul_scalar(0.5);
//! let log = vae.train_step(images.clone())?;
//! assert!(log.loss().is_finite() && log.term("kl").is_some());
//! let [a, b] = [0, 1].map(|i| images.clone().slice([i..i + 1, 0..1, 0..16, 0..16]));
//! let frames = interpolate_pairs(&vae, a, b, 4)?;
//! assert_eq!(frames.dims(), [1, 5, 1, 16, 16]);
//! # Ok::<(), dotae_models::ModelError>(())
//! ```

#![warn(missing_docs)]
mod acai;
mod aeai;
mod common;
mod critic;
mod vae;
mod with_critic;

pub use acai::{
    ACAI_PUBLISHED_LAMBDA, ACAI_PUBLISHED_LEARNING_RATE, Acai, AcaiConfig, AcaiObjective,
    acai_blend, acai_critic_loss, acai_mix, acai_penalty,
};
pub use aeai::{
    Aeai, AeaiConfig, AeaiObjective, AeaiWeights, aeai_adversarial_loss, aeai_cycle_loss,
    aeai_discriminator_loss, aeai_smoothness, alpha_grid,
};
pub use critic::Critic;
pub use vae::{
    DensePosterior, PosteriorHead, Vae, VaeConfig, VaeModel, kl_divergence, kl_weight,
    reparameterize, warmup_share,
};
pub use with_critic::{CriticLoss, CriticStep, WithCritic};
