//! The part every method shares: the model and its adversary, their Adam optimisers, the seeded
//! generator, the epoch order, the step counter and the update. A method is an
//! [`Objective`]; `MethodCore<O>` makes it an [`InterpolationMethod`].

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::host::host_values;
use crate::objective::{Losses, Step, Term};
use crate::{
    InterpolationMethod, LatentModel, MethodConfig, ModelError, Objective, SeededRng, TrainLog,
    shuffled_order,
};

/// Separates the steps' random draws from the epoch orders of the same seed.
const STEP_STREAM: u64 = 0x5DEE_CE66_D1CE_5EED;

/// A method's networks and optimisers, step by step; the caller owns the loop, the logging and
/// the files.
pub struct MethodCore<O: Objective> {
    objective: O,
    model: O::Model,
    adversary: O::Adversary,
    optimizer: ModuleOptimizer,
    adversary_optimizer: ModuleOptimizer,
    /// Draws of the steps: pairs, noise, mixing coefficients.
    rng: SeededRng,
    /// The epoch orders, on their own stream so that every method with one seed sees the data
    /// in the same order, whatever its steps draw.
    order_rng: SeededRng,
    steps_taken: usize,
}

impl<O: Objective> MethodCore<O> {
    /// A fresh model (and adversary) with their optimisers on `device` (an autodiff device),
    /// seeded from the config.
    pub fn new(config: O::Config, device: &Device) -> Result<Self, ModelError> {
        config.check()?;
        Self::from_checked(O::from_config(config)?, device)
    }

    /// Like [`MethodCore::new`], for an objective built by other means (a path energy on a
    /// grid with obstacles, for example).
    pub fn from_objective(objective: O, device: &Device) -> Result<Self, ModelError> {
        objective.config().check()?;
        Self::from_checked(objective, device)
    }

    /// The networks and optimisers of an objective whose configuration has been checked.
    fn from_checked(objective: O, device: &Device) -> Result<Self, ModelError> {
        let seed = objective.schedule().seed;
        let (model, adversary) = objective.init(device, seed)?;
        Ok(Self {
            objective,
            model,
            adversary,
            optimizer: AdamConfig::new().init(),
            adversary_optimizer: AdamConfig::new().init(),
            rng: SeededRng::new(seed ^ STEP_STREAM),
            order_rng: SeededRng::new(seed),
            steps_taken: 0,
        })
    }

    /// The objective's configuration.
    pub fn config(&self) -> &O::Config {
        self.objective.config()
    }

    /// The method's objective: its losses and schedule.
    pub fn objective(&self) -> &O {
        &self.objective
    }

    /// The model after the last successful step.
    pub fn model(&self) -> &O::Model {
        &self.model
    }

    /// The model after the last successful step, dropping the optimisers and the adversary.
    pub fn into_model(self) -> O::Model {
        self.model
    }

    /// The adversary after the last successful step.
    pub fn adversary(&self) -> &O::Adversary {
        &self.adversary
    }

    /// Reads every logged term back in one transfer; a non-finite one is the error of `step`.
    fn log(&self, step: usize, losses: &Losses) -> Result<TrainLog, ModelError> {
        let mut names = vec!["loss"];
        let mut tensors = vec![losses.model.clone()];
        for (name, term) in &losses.terms {
            names.push(name);
            if let Term::Tensor(t) = term {
                tensors.push(t.clone());
            }
        }
        if let Some((name, t)) = &losses.adversary {
            names.push(name);
            tensors.push(t.clone());
        }
        let mut read = host_values(Tensor::cat(tensors, 0))?.into_iter();
        let mut values = vec![read.next()];
        values.extend(losses.terms.iter().map(|(_, term)| match term {
            Term::Tensor(_) => read.next(),
            Term::Value(v) => Some(*v),
        }));
        values.extend(losses.adversary.iter().map(|_| read.next()));
        let terms: Vec<(&'static str, f64)> = names
            .into_iter()
            .zip(values.into_iter().map(|v| v.unwrap_or(f64::NAN)))
            .collect();
        if terms.iter().any(|(_, v)| !v.is_finite()) {
            return Err(ModelError::NonFiniteLoss { step, terms });
        }
        Ok(TrainLog { step, terms })
    }
}

/// A trained method encodes and decodes for inference: through a snapshot of its networks
/// without gradient tracking (burn's `Module::valid`), on inputs moved off the autodiff
/// backend. A forward pass of the tracked networks would register an autodiff graph that
/// nothing consumes, and evaluation holds on to such graphs: `mnist` grew by about 9 MB per
/// decoded test path before (docs/reliability.md).
impl<O: Objective> LatentModel for MethodCore<O> {
    fn check_images(&self, what: &'static str, images: &Tensor<4>) -> Result<(), ModelError> {
        self.model.check_images(what, images)
    }

    fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.model.valid().encode(images.without_autodiff())
    }

    fn decode(&self, latents: Tensor<4>) -> Tensor<4> {
        self.model.valid().decode(latents.without_autodiff())
    }
}

impl<O: Objective> InterpolationMethod for MethodCore<O> {
    fn name(&self) -> &str {
        self.objective.name()
    }

    fn train_step(&mut self, batch: Tensor<4>) -> Result<TrainLog, ModelError> {
        self.objective.check_batch(&batch)?;
        let step = self.steps_taken + 1;
        let losses = self.objective.losses(Step {
            model: &self.model,
            adversary: &self.adversary,
            batch,
            rng: &mut self.rng,
            number: step,
        })?;
        let log = self.log(step, &losses)?;
        // The two losses share no weight, so one backward pass of their sum gives each network
        // exactly the gradient of its own loss.
        let total = match losses.adversary {
            Some((_, adversary)) => losses.model + adversary,
            None => losses.model,
        };
        let mut gradients = total.backward();
        let model_gradients = GradientsParams::from_module(&mut gradients, &self.model);
        let adversary_gradients = GradientsParams::from_module(&mut gradients, &self.adversary);
        let schedule = self.objective.schedule();
        self.adversary = self.adversary_optimizer.step(
            schedule.adversary_learning_rate,
            self.adversary.clone(),
            adversary_gradients,
        );
        self.model =
            self.optimizer
                .step(schedule.learning_rate, self.model.clone(), model_gradients);
        self.steps_taken = step;
        Ok(log)
    }

    fn steps_taken(&self) -> usize {
        self.steps_taken
    }

    fn config_json(&self) -> String {
        burn::config::config_to_json(self.objective.config())
    }

    fn save_checkpoint(&self, path: &std::path::Path) -> Result<(), ModelError> {
        crate::checkpoint::save_module(&self.model, path)
    }

    fn epoch_order(&mut self, n: usize) -> Vec<usize> {
        shuffled_order(n, &mut self.order_rng)
    }
}
