//! What makes one interpolation method differ from another: its networks and the loss terms of
//! one step. Everything the methods share — the optimisers, the seeded generator, the epoch
//! order, the step counter, the update — is [`MethodCore`](crate::MethodCore)'s.

use burn::module::Module;
use burn::prelude::*;

use crate::{AutoencoderConfig, LatentModel, MethodConfig, ModelError, SeededRng};

/// One interpolation method, reduced to what it adds: its networks and its losses.
///
/// [`MethodCore<O>`](crate::MethodCore) turns an objective into an
/// [`InterpolationMethod`](crate::InterpolationMethod). Adding a method means a configuration
/// ([`MethodConfig`]) and this trait: building its networks from the shared weight streams
/// ([`draw_weights`](crate::draw_weights)) and computing its loss terms. The name, schedule
/// and architecture come from the configuration.
pub trait Objective: Sized {
    /// Everything that defines a run of the method (a Burn config, so it saves as JSON).
    type Config: MethodConfig;
    /// The networks interpolation uses.
    type Model: Module + LatentModel;
    /// A second network trained against the model with its own optimiser (ACAI's critic,
    /// AEAI's discriminator), or [`NoAdversary`].
    type Adversary: Module;

    /// Builds what the steps need besides the networks (the path-energy solver, for example)
    /// from `config`, which it may assume has passed [`MethodConfig::check`].
    fn from_config(config: Self::Config) -> Result<Self, ModelError>;

    /// The configuration the objective was built from.
    fn config(&self) -> &Self::Config;

    /// Short name for tables, file names and logs, such as `"vae"`.
    fn name(&self) -> &'static str {
        self.config().name()
    }

    /// The seed and learning rates of the run.
    fn schedule(&self) -> Schedule {
        self.config().schedule()
    }

    /// The autoencoder architecture the method trains.
    fn architecture(&self) -> &AutoencoderConfig {
        self.config().architecture()
    }

    /// Fresh networks on `device` (an autodiff device), every weight drawn now from the weight
    /// streams of `seed` (see [`draw_weights`](crate::draw_weights)), so that one seed gives
    /// every method the same autoencoder.
    fn init(
        &self,
        device: &Device,
        seed: u64,
    ) -> Result<(Self::Model, Self::Adversary), ModelError>;

    /// Checks that `batch` `(B, C, H, W)` can be trained on: by default, that the network
    /// accepts it.
    fn check_batch(&self, batch: &Tensor<4>) -> Result<(), ModelError> {
        self.architecture().check_batch(batch)
    }

    /// The loss terms of one training step.
    fn losses(&self, step: Step<'_, Self::Model, Self::Adversary>) -> Result<Losses, ModelError>;
}

/// What one training step works on: the networks before its update, its batch and its draws.
pub struct Step<'a, M, A> {
    /// The model being trained.
    pub model: &'a M,
    /// Its adversary (ACAI's critic, AEAI's discriminator, or [`NoAdversary`]), before this
    /// step's update.
    pub adversary: &'a A,
    /// The batch of images `(B, C, H, W)`.
    pub batch: Tensor<4>,
    /// The run's seeded generator for the step's random draws (pairs, noise, mixing
    /// coefficients).
    pub rng: &'a mut SeededRng,
    /// The step's number, 1-based.
    pub number: usize,
}

/// The seed and learning rates of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// Seeds the weights, the shuffling and every random draw of the steps.
    pub seed: u64,
    /// Adam step of the model.
    pub learning_rate: f64,
    /// Adam step of the adversary, if there is one.
    pub adversary_learning_rate: f64,
}

impl Schedule {
    /// A run seeded with `seed` whose networks all learn at `learning_rate`.
    pub fn single(seed: u64, learning_rate: f64) -> Self {
        Self {
            seed,
            learning_rate,
            adversary_learning_rate: learning_rate,
        }
    }
}

/// The loss terms of one step.
pub struct Losses {
    /// What the model minimises; logged first, as `"loss"`.
    pub model: Tensor<1>,
    /// Further terms, logged in this order after `"loss"`.
    pub terms: Vec<(&'static str, Term)>,
    /// What the adversary minimises, and its name in the log (logged last). Its graph must hold
    /// no weight of the model, and the model's loss no weight of the adversary: both are
    /// minimised from one backward pass.
    pub adversary: Option<(&'static str, Tensor<1>)>,
}

/// A logged loss term: a tensor read back with the others in one transfer, or a value already
/// on the host (the path energy, from the CPU solver).
// A handful live for one step; boxing the tensor would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Term {
    /// A one-element tensor on the device, read back in the step's single transfer.
    Tensor(Tensor<1>),
    /// A value already on the host.
    Value(f64),
}

/// The adversary of a method that has none.
#[derive(Module, Debug)]
pub struct NoAdversary {}
