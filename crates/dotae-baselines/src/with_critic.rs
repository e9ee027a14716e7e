//! ACAI and AEAI train an autoencoder against a critic, each network with its own Adam; they
//! differ only in their configuration and their losses. [`WithCritic`] is the rest, once.

use burn::prelude::*;
use dotae_models::{
    Autoencoder, AutoencoderConfig, Losses, ModelError, Objective, Schedule, SeededRng,
};

use crate::Critic;

/// The settings of an adversarial method that [`WithCritic`] reads; implemented by
/// [`critic_config!`](crate::critic_config) for a configuration with the fields every one
/// has: `model`, `seed`, `learning_rate` and the critic's learning rate.
pub trait CriticConfig: burn::config::Config + Clone {
    /// Short name for tables, file names and logs.
    const NAME: &'static str;

    /// Checks every field the method cannot run with.
    fn check(&self) -> Result<(), ModelError>;

    /// The autoencoder, whose encoder architecture the critic shares.
    fn architecture(&self) -> &AutoencoderConfig;

    /// The seed, the autoencoder's learning rate and the critic's.
    fn schedule(&self) -> Schedule;
}

/// Implements [`CriticConfig`] for `$config`, named `$name`, whose critic learns at the rate
/// in field `$critic_learning_rate` and which checks itself with its own `validate`.
#[macro_export]
macro_rules! critic_config {
    ($config:ty, $name:literal, $critic_learning_rate:ident) => {
        impl $crate::CriticConfig for $config {
            const NAME: &'static str = $name;

            fn check(&self) -> Result<(), dotae_models::ModelError> {
                self.validate()
            }

            fn architecture(&self) -> &dotae_models::AutoencoderConfig {
                &self.model
            }

            fn schedule(&self) -> dotae_models::Schedule {
                dotae_models::Schedule {
                    seed: self.seed,
                    learning_rate: self.learning_rate,
                    adversary_learning_rate: self.$critic_learning_rate,
                }
            }
        }
    };
}

/// What one training step of an adversarial method works on.
pub struct CriticStep<'a> {
    /// The autoencoder being trained.
    pub model: &'a Autoencoder,
    /// Its critic (ACAI) or discriminator (AEAI), before this step's update.
    pub critic: &'a Critic,
    /// The batch of images `(B, C, H, W)`.
    pub batch: Tensor<4>,
    /// The run's seeded generator for the step's random draws (mixing coefficients, pairs).
    pub rng: &'a mut SeededRng,
}

/// What an adversarial method writes: its losses.
pub trait CriticLoss: CriticConfig {
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
        config.check()?;
        Ok(Self { config })
    }

    fn config(&self) -> &C {
        &self.config
    }

    fn name(&self) -> &'static str {
        C::NAME
    }

    fn schedule(&self) -> Schedule {
        self.config.schedule()
    }

    fn architecture(&self) -> &AutoencoderConfig {
        self.config.architecture()
    }

    fn init(&self, device: &Device, seed: u64) -> Result<(Autoencoder, Critic), ModelError> {
        Critic::with_autoencoder(self.config.architecture(), device, seed)
    }

    fn losses(
        &self,
        (model, critic): (&Autoencoder, &Critic),
        batch: Tensor<4>,
        rng: &mut SeededRng,
        _step: usize,
    ) -> Result<Losses, ModelError> {
        self.config.losses(CriticStep {
            model,
            critic,
            batch,
            rng,
        })
    }
}
