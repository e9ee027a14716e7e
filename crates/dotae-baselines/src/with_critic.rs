//! ACAI and AEAI train an autoencoder against a critic, each network with its own Adam; they
//! differ only in their configuration and their losses. [`WithCritic`] is the rest, once.

use burn::prelude::*;
use dotae_models::{Autoencoder, Losses, MethodConfig, ModelError, Objective, Step};

use crate::Critic;

/// What one training step of an adversarial method works on; its `adversary` is the critic
/// (ACAI) or the discriminator (AEAI).
pub type CriticStep<'a> = Step<'a, Autoencoder, Critic>;

/// What an adversarial method writes: its configuration (see
/// [`method_config!`](dotae_models::method_config), which names the critic's learning rate) and
/// its losses.
pub trait CriticLoss: MethodConfig {
    /// The autoencoder's loss and the critic's (see [`Losses`]) on the step's batch.
    fn losses(&self, step: CriticStep<'_>) -> Result<Losses, ModelError>;
}

/// The [`Objective`] of an autoencoder trained against a [`Critic`] by the losses of `C`.
pub struct WithCritic<C> {
    config: C,
}

impl<C: CriticLoss> Objective for WithCritic<C> {
    type Config = C;
    type Model = Autoencoder;
    type Adversary = Critic;

    fn from_config(config: C) -> Result<Self, ModelError> {
        Ok(Self { config })
    }

    fn config(&self) -> &C {
        &self.config
    }

    fn init(&self, device: &Device, seed: u64) -> Result<(Autoencoder, Critic), ModelError> {
        Critic::with_autoencoder(self.config.architecture(), device, seed)
    }

    fn losses(&self, step: CriticStep<'_>) -> Result<Losses, ModelError> {
        self.config.losses(step)
    }
}
