//! Step 1 of Algorithm 1: train the autoencoder with
//! `BCE(x̂, x) + α Σ_pairs J(path) + β Σ_pairs MassLoss(path)`.
//!
//! For a pair `(i, j)` of the batch, the path is `ρ_0 = x_i`, `ρ_t = decode((1 − t/T) z_i +
//! (t/T) z_j)` for `t = 1..T−1`, `ρ_T = x_j`. The reconstructions and every interior frame of
//! every pair are decoded in one batched call; only the (small) energy-grid frames leave the
//! device for the path-energy solver.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use dotae_energy::{EnergyError, Grid};

use crate::host::host_values;
use crate::interpolation::{mix_pair, path_times};
use crate::method::indices;
use crate::pairs::{SeededRng, select_pairs};
use crate::{
    Autoencoder, AutoencoderConfig, InterpolationMethod, LatentModel, ModelError, PathEnergyLoss,
    PathEnergyLossConfig, Reconstruction, TrainLog, shuffled_order,
};

/// Everything that defines a training run; saved next to its checkpoints as JSON.
#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    #[config(default = "AutoencoderConfig::new()")]
    pub model: AutoencoderConfig,
    /// How paths are measured: energy grid, boundary, variant (balanced or unbalanced τ), ε.
    #[config(default = "PathEnergyLossConfig::default()")]
    pub energy: PathEnergyLossConfig,
    /// Reconstruction loss: binary cross-entropy (the paper's) or mean squared error.
    #[config(default = "Reconstruction::Bce")]
    pub reconstruction: Reconstruction,
    /// Weight α of the path energy; 0 trains a plain autoencoder.
    #[config(default = 1.0)]
    pub alpha: f64,
    /// Weight β of MassLoss.
    #[config(default = 0.0)]
    pub beta: f64,
    /// Time steps T of each path (T − 1 decoded frames).
    #[config(default = 10)]
    pub steps: usize,
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    #[config(default = 64)]
    pub batch_size: usize,
    /// Pairs per batch that enter the regulariser: every pair of the batch when it has at most
    /// this many, otherwise this many drawn at random.
    #[config(default = 9)]
    pub pairs_per_batch: usize,
    /// Seeds the weight initialisation, the shuffling and the pair selection.
    #[config(default = 0)]
    pub seed: u64,
}

impl TrainingConfig {
    /// Checks every field that the trainer cannot run with.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.model.validate()?;
        let invalid =
            |field: &'static str, reason: String| Err(ModelError::InvalidConfig { field, reason });
        for (field, value) in [("alpha", self.alpha), ("beta", self.beta)] {
            if !(value.is_finite() && value >= 0.0) {
                return invalid(
                    field,
                    format!("must be finite and non-negative, got {value}"),
                );
            }
        }
        if self.steps < 2 {
            return invalid(
                "steps",
                format!(
                    "a path needs T >= 2 (at least one decoded frame), got {}",
                    self.steps
                ),
            );
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return invalid(
                "learning_rate",
                format!("must be positive, got {}", self.learning_rate),
            );
        }
        if self.batch_size == 0 {
            return invalid("batch_size", "must be at least 1".into());
        }
        if self.energy.energy_size.contains(&0) {
            return invalid(
                "energy.energy_size",
                format!("must be positive, got {:?}", self.energy.energy_size),
            );
        }
        Ok(())
    }

    /// Checks that `rows × cols` images fit both the network and the energy grid.
    pub fn check_image_size(&self, rows: usize, cols: usize) -> Result<(), ModelError> {
        self.model.check_image_size(rows, cols)?;
        let [er, ec] = self.energy.energy_size;
        if self.regularised() && (er > rows || ec > cols) {
            return Err(ModelError::EnergyGridTooLarge {
                energy_rows: er,
                energy_cols: ec,
                rows,
                cols,
            });
        }
        Ok(())
    }

    fn regularised(&self) -> bool {
        self.alpha > 0.0 || self.beta > 0.0
    }
}

/// The loss terms of one optimisation step, as plain numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLog {
    /// 1-based index of the step.
    pub step: usize,
    /// The minimised total `reconstruction + α·energy + β·mass`.
    pub loss: f64,
    /// The reconstruction loss (BCE or MSE, see [`Reconstruction`]) over every pixel of the batch.
    pub reconstruction: f64,
    /// `Σ_pairs J(path)`; 0 when α = 0.
    pub energy: f64,
    /// `Σ_pairs MassLoss(path)`; 0 when β = 0.
    pub mass: f64,
    /// Pairs regularised in this step.
    pub pairs: usize,
}

impl StepLog {
    /// The terms by name, as [`TrainLog`] reports them.
    pub fn terms(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("loss", self.loss),
            ("reconstruction", self.reconstruction),
            ("energy", self.energy),
            ("mass", self.mass),
        ]
    }
}

/// Adam on one autoencoder, step by step; the caller owns the loop, the logging and the files.
pub struct Trainer {
    config: TrainingConfig,
    model: Autoencoder,
    optimizer: ModuleOptimizer,
    bridge: Option<PathEnergyLoss>,
    rng: SeededRng,
    steps_taken: usize,
}

impl Trainer {
    /// A fresh model and optimiser on `device` (an autodiff device), seeded from the config.
    pub fn new(config: TrainingConfig, device: &Device) -> Result<Self, ModelError> {
        let bridge = match config.alpha > 0.0 {
            true => Some(config.energy.init()?),
            false => None,
        };
        Self::build(config, bridge, device)
    }

    /// Like [`Trainer::new`], with a path energy on `grid` (for obstacles; its size must be the
    /// config's energy grid).
    pub fn with_energy_grid(
        config: TrainingConfig,
        grid: Grid,
        device: &Device,
    ) -> Result<Self, ModelError> {
        let bridge = config.energy.init_with_grid(grid)?;
        Self::build(config, Some(bridge), device)
    }

    fn build(
        config: TrainingConfig,
        bridge: Option<PathEnergyLoss>,
        device: &Device,
    ) -> Result<Self, ModelError> {
        config.validate()?;
        device.seed(config.seed);
        let model = config.model.init(device)?;
        Ok(Self {
            optimizer: AdamConfig::new().init(),
            rng: SeededRng::new(config.seed),
            bridge: bridge.filter(|_| config.alpha > 0.0),
            config,
            model,
            steps_taken: 0,
        })
    }

    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// The model after the last successful step.
    pub fn model(&self) -> &Autoencoder {
        &self.model
    }

    pub fn into_model(self) -> Autoencoder {
        self.model
    }

    pub fn steps_taken(&self) -> usize {
        self.steps_taken
    }

    /// The order of the next epoch over `n` images, shuffled by the run's seeded generator
    /// (for [`train_epoch`](crate::train_epoch)).
    pub fn epoch_order(&mut self, n: usize) -> Vec<usize> {
        shuffled_order(n, &mut self.rng)
    }

    /// One Adam step on `batch` `(B, C, H, W)`, values in `[0, 1]`. A loss that is not finite
    /// is an error naming the step, and leaves the model as it was.
    pub fn step(&mut self, batch: Tensor<4>) -> Result<StepLog, ModelError> {
        let [b, _, rows, cols] = batch.dims();
        self.config.check_image_size(rows, cols)?;
        let step = self.steps_taken + 1;
        let pairs = match self.config.regularised() {
            true => select_pairs(b, self.config.pairs_per_batch, &mut self.rng),
            false => Vec::new(),
        };
        let terms = match self.loss(batch, &pairs) {
            Err(error) if decoded_non_finite(&error) => {
                return Err(ModelError::NonFiniteLoss {
                    step,
                    terms: vec![("path energy", f64::NAN)],
                });
            }
            other => other?,
        };
        let values = host_values(Tensor::cat(
            vec![terms.total.clone(), terms.reconstruction, terms.mass],
            0,
        ))?;
        let log = StepLog {
            step,
            loss: values[0],
            reconstruction: values[1],
            energy: terms.energy,
            mass: values[2],
            pairs: pairs.len(),
        };
        if !log.loss.is_finite() {
            return Err(ModelError::NonFiniteLoss {
                step,
                terms: log.terms(),
            });
        }
        let gradients = GradientsParams::from_grads(terms.total.backward(), &self.model);
        self.model = self
            .optimizer
            .step(self.config.learning_rate, self.model.clone(), gradients);
        self.steps_taken = step;
        Ok(log)
    }

    fn loss(&self, batch: Tensor<4>, pairs: &[(usize, usize)]) -> Result<LossTerms, ModelError> {
        let device = batch.device();
        let [b, c, rows, cols] = batch.dims();
        let z = self.model.encode(batch.clone());
        let zero = || Tensor::<1>::zeros([1], &device);
        if pairs.is_empty() {
            let reconstruction = self.config.reconstruction.loss(self.model.decode(z), batch);
            return Ok(LossTerms {
                total: reconstruction.clone(),
                reconstruction,
                mass: zero(),
                energy: 0.0,
            });
        }
        let sources = indices(
            &pairs.iter().map(|p| p.0 as i64).collect::<Vec<_>>(),
            &device,
        );
        let targets = indices(
            &pairs.iter().map(|p| p.1 as i64).collect::<Vec<_>>(),
            &device,
        );
        let steps = self.config.steps;
        let weights = path_times(1..steps, steps);
        let mixed = mix_pair(
            z.clone().select(0, sources.clone()),
            z.clone().select(0, targets.clone()),
            &weights,
        );
        let decoded = self.model.decode(Tensor::cat(vec![z, mixed], 0));
        let total_rows = decoded.dims()[0];
        let reconstruction = self.config.reconstruction.loss(
            decoded.clone().slice([0..b, 0..c, 0..rows, 0..cols]),
            batch.clone(),
        );
        let p = pairs.len();
        let interior = decoded
            .slice([b..total_rows, 0..c, 0..rows, 0..cols])
            .reshape([p, steps - 1, c, rows, cols]);
        let paths = Tensor::cat(
            vec![
                batch.clone().select(0, sources).unsqueeze_dim(1),
                interior,
                batch.select(0, targets).unsqueeze_dim(1),
            ],
            1,
        );
        let mut total = reconstruction.clone();
        let mut energy = 0.0;
        if let Some(bridge) = &self.bridge {
            let path_loss = bridge.forward(paths.clone())?;
            energy = path_loss.energy();
            total = total + path_loss.loss.mul_scalar(self.config.alpha);
        }
        let mass = match self.config.beta > 0.0 {
            true => crate::mass_loss(paths),
            false => zero(),
        };
        total = total + mass.clone().mul_scalar(self.config.beta);
        Ok(LossTerms {
            total,
            reconstruction,
            mass,
            energy,
        })
    }
}

struct LossTerms {
    total: Tensor<1>,
    reconstruction: Tensor<1>,
    mass: Tensor<1>,
    energy: f64,
}

/// Whether the path-energy solver refused a decoded frame because it held NaN or ±∞: the
/// model itself has diverged.
fn decoded_non_finite(error: &ModelError) -> bool {
    let ModelError::Energy(energy) = error else {
        return false;
    };
    let mut energy = energy;
    loop {
        match energy {
            EnergyError::NonFinite { .. } => return true,
            EnergyError::InPath { source, .. } => energy = source.as_ref(),
            _ => return false,
        }
    }
}

impl LatentModel for Trainer {
    fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.model.encode(images)
    }

    fn decode(&self, latents: Tensor<4>) -> Tensor<4> {
        self.model.decode(latents)
    }
}

/// Algorithm 1 as an [`InterpolationMethod`]: `"path-energy"` when α or β is positive, the
/// plain `"baseline"` autoencoder when both are 0.
impl InterpolationMethod for Trainer {
    fn name(&self) -> &str {
        match self.config.regularised() {
            true => "path-energy",
            false => "baseline",
        }
    }

    fn train_step(&mut self, batch: Tensor<4>) -> Result<TrainLog, ModelError> {
        let log = self.step(batch)?;
        Ok(TrainLog {
            step: log.step,
            terms: log.terms(),
        })
    }

    fn steps_taken(&self) -> usize {
        self.steps_taken
    }
}
