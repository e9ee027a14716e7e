//! Step 1 of Algorithm 1: train the autoencoder with
//! `BCE(x̂, x) + α Σ_pairs J(path) + β Σ_pairs MassLoss(path)`.
//!
//! For a pair `(i, j)` of the batch, the path is `ρ_0 = x_i`, `ρ_t = decode((1 − t/T) z_i +
//! (t/T) z_j)` for `t = 1..T−1`, `ρ_T = x_j`. The reconstructions and every interior frame of
//! every pair are decoded in one batched call; only the (small) energy-grid frames leave the
//! device for the path-energy solver.

use burn::prelude::*;
use dotae_energy::{EnergyError, Grid};

use crate::config_checks::{at_least, at_least_one, non_negative, positive, sigmoid_output};
use crate::pairs::select_pairs;
use crate::{
    Autoencoder, AutoencoderConfig, InterpolationMethod, LineEnds, Losses, MethodConfig,
    MethodCore, ModelError, NoAdversary, Objective, PathEnergyLoss, PathEnergyLossConfig,
    Reconstruction, Schedule, Step, Term, decode_pair_lines,
};

/// Everything that defines a training run; saved next to its checkpoints as JSON.
#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    /// The autoencoder's architecture.
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
    /// Step size of the Adam optimiser; must be positive.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Images per training step; at least 1.
    #[config(default = 64)]
    pub batch_size: usize,
    /// Pairs per batch that enter the regulariser: every pair of the batch when it has at most
    /// this many, otherwise this many drawn at random.
    #[config(default = 9)]
    pub pairs_per_batch: usize,
    /// When set, the regulariser sees exactly these pairs of batch positions in every batch,
    /// instead of pairs drawn at random: the main paper's auxiliary-data experiment (§7.5)
    /// regularises only its two images while reconstructing all of them. Each pair names two
    /// different positions below `batch_size`; the caller orders the data so that the images
    /// meant are there (batches shorter than a pair's positions are refused when trained on).
    #[config(default = "None")]
    pub fixed_pairs: Option<Vec<[usize; 2]>>,
    /// Seeds the weight initialisation, the shuffling and the pair selection.
    #[config(default = 0)]
    pub seed: u64,
}

impl TrainingConfig {
    /// Checks every field that the trainer cannot run with.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.model.validate()?;
        positive("learning_rate", self.learning_rate)?;
        non_negative("alpha", self.alpha)?;
        non_negative("beta", self.beta)?;
        at_least(
            "steps",
            self.steps,
            2,
            "a path has at least one decoded frame",
        )?;
        at_least_one("batch_size", self.batch_size)?;
        if let Some(pairs) = &self.fixed_pairs {
            check_fixed_pairs(pairs, self.batch_size)?;
        }
        if self.regularised() {
            // Without pairs the regulariser never acts: the run would be the plain baseline.
            at_least_one("pairs_per_batch", self.pairs_per_batch)?;
            sigmoid_output("the path energy", self.model.output_activation)?;
        }
        if self.reconstruction == Reconstruction::Bce {
            sigmoid_output("the BCE reconstruction", self.model.output_activation)?;
        }
        let [rows, cols] = self.energy.energy_size;
        // On fewer than 2×2 cells no mass can move, so every path would measure 0.
        at_least(
            "energy.energy_size",
            rows.min(cols),
            2,
            "mass needs at least 2x2 cells to move",
        )
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

impl MethodConfig for TrainingConfig {
    /// `"path-energy"` when α or β is positive, the plain `"baseline"` autoencoder when both
    /// are 0.
    fn name(&self) -> &'static str {
        match self.regularised() {
            true => "path-energy",
            false => "baseline",
        }
    }

    fn check(&self) -> Result<(), ModelError> {
        self.validate()
    }

    fn architecture(&self) -> &AutoencoderConfig {
        &self.model
    }

    fn schedule(&self) -> Schedule {
        Schedule::single(self.seed, self.learning_rate)
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
    /// The terms by name, as [`TrainLog`](crate::TrainLog) reports them.
    pub fn terms(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("loss", self.loss),
            ("reconstruction", self.reconstruction),
            ("energy", self.energy),
            ("mass", self.mass),
        ]
    }
}

/// Algorithm 1's loss, as an [`Objective`]: `"path-energy"` when α or β is positive, the plain
/// `"baseline"` autoencoder when both are 0.
pub struct PathEnergyObjective {
    config: TrainingConfig,
    bridge: Option<PathEnergyLoss>,
}

impl PathEnergyObjective {
    /// The objective with a path energy on `grid` (for obstacles; its size must be the config's
    /// energy grid).
    pub fn with_energy_grid(config: TrainingConfig, grid: Grid) -> Result<Self, ModelError> {
        config.validate()?;
        let bridge = config.energy.init_with_grid(grid)?;
        Ok(Self {
            bridge: Some(bridge).filter(|_| config.alpha > 0.0),
            config,
        })
    }

    /// The regularised pairs of a batch of `batch` images.
    fn pair_count(&self, batch: usize) -> usize {
        match (self.config.regularised(), &self.config.fixed_pairs) {
            (false, _) => 0,
            (true, Some(pairs)) => pairs.len(),
            (true, None) => (batch * batch.saturating_sub(1) / 2).min(self.config.pairs_per_batch),
        }
    }

    /// The pairs of batch positions the regulariser sees in a batch of `batch` images.
    fn pairs(
        &self,
        batch: usize,
        rng: &mut crate::SeededRng,
    ) -> Result<Vec<(usize, usize)>, ModelError> {
        match (self.config.regularised(), &self.config.fixed_pairs) {
            (false, _) => Ok(Vec::new()),
            (true, None) => Ok(select_pairs(batch, self.config.pairs_per_batch, rng)),
            (true, Some(pairs)) => {
                check_fixed_pairs(pairs, batch)?;
                Ok(pairs.iter().map(|&[i, j]| (i, j)).collect())
            }
        }
    }
}

impl Objective for PathEnergyObjective {
    type Config = TrainingConfig;
    type Model = Autoencoder;
    type Adversary = NoAdversary;

    fn from_config(config: TrainingConfig) -> Result<Self, ModelError> {
        let bridge = match config.alpha > 0.0 {
            true => Some(config.energy.init()?),
            false => None,
        };
        Ok(Self { config, bridge })
    }

    fn config(&self) -> &TrainingConfig {
        &self.config
    }

    fn init(&self, device: &Device, seed: u64) -> Result<(Autoencoder, NoAdversary), ModelError> {
        Ok((self.config.model.init_seeded(device, seed)?, NoAdversary {}))
    }

    fn check_batch(&self, batch: &Tensor<4>) -> Result<(), ModelError> {
        self.config.model.check_batch(batch)?;
        let [_, _, rows, cols] = batch.dims();
        self.config.check_image_size(rows, cols)
    }

    fn losses(&self, step: Step<'_, Autoencoder, NoAdversary>) -> Result<Losses, ModelError> {
        let Step {
            model,
            batch,
            rng,
            number: step,
            ..
        } = step;
        let pairs = self.pairs(batch.dims()[0], rng)?;
        let terms = |reconstruction: Tensor<1>, energy: f64, mass: Tensor<1>| {
            vec![
                ("reconstruction", Term::Tensor(reconstruction)),
                ("energy", Term::Value(energy)),
                ("mass", Term::Tensor(mass)),
            ]
        };
        let device = batch.device();
        let zero = || Tensor::<1>::zeros([1], &device);
        if pairs.is_empty() {
            let reconstruction = self
                .config
                .reconstruction
                .loss(model.reconstruct(batch.clone()), batch);
            return Ok(Losses {
                model: reconstruction.clone(),
                terms: terms(reconstruction, 0.0, zero()),
                adversary: None,
            });
        }
        let lines = decode_pair_lines(
            model,
            batch.clone(),
            &pairs,
            self.config.steps,
            LineEnds::Data,
        );
        let reconstruction = self
            .config
            .reconstruction
            .loss(lines.reconstructions, batch.clone());
        let mut total = reconstruction.clone();
        let mut energy = 0.0;
        if let Some(bridge) = &self.bridge {
            let path_loss = match bridge.forward(lines.frames.clone()) {
                Err(error) if decoded_non_finite(&error) => {
                    return Err(ModelError::NonFiniteLoss {
                        step,
                        terms: vec![("path energy", f64::NAN)],
                    });
                }
                other => other?,
            };
            energy = path_loss.energy();
            total = total + path_loss.loss.mul_scalar(self.config.alpha);
        }
        let mass = match self.config.beta > 0.0 {
            true => crate::mass_loss(lines.frames),
            false => zero(),
        };
        total = total + mass.clone().mul_scalar(self.config.beta);
        Ok(Losses {
            model: total,
            terms: terms(reconstruction, energy, mass),
            adversary: None,
        })
    }
}

/// Algorithm 1's trainer: Adam on one autoencoder, step by step; the caller owns the loop, the
/// logging and the files.
pub type Trainer = MethodCore<PathEnergyObjective>;

impl MethodCore<PathEnergyObjective> {
    /// Like [`MethodCore::new`], with a path energy on `grid` (for obstacles; its size must be
    /// the config's energy grid).
    pub fn with_energy_grid(
        config: TrainingConfig,
        grid: Grid,
        device: &Device,
    ) -> Result<Self, ModelError> {
        Self::from_objective(PathEnergyObjective::with_energy_grid(config, grid)?, device)
    }

    /// One Adam step on `batch` `(B, C, H, W)`, values in `[0, 1]`, with its terms as named
    /// fields. A loss that is not finite is an error naming the step, and leaves the model as
    /// it was.
    pub fn step(&mut self, batch: Tensor<4>) -> Result<StepLog, ModelError> {
        let pairs = self.objective().pair_count(batch.dims()[0]);
        let log = self.train_step(batch)?;
        let term = |name| log.term(name).unwrap_or(f64::NAN);
        Ok(StepLog {
            step: log.step,
            loss: log.loss(),
            reconstruction: term("reconstruction"),
            energy: term("energy"),
            mass: term("mass"),
            pairs,
        })
    }
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

/// Every fixed pair names two different positions of a batch of `batch` images.
fn check_fixed_pairs(pairs: &[[usize; 2]], batch: usize) -> Result<(), ModelError> {
    for &[i, j] in pairs {
        if i == j || i.max(j) >= batch {
            return Err(ModelError::InvalidConfig {
                field: "fixed_pairs",
                reason: format!(
                    "pair [{i}, {j}] must name two different positions of a batch of {batch} images (0 to {})",
                    batch.saturating_sub(1)
                ),
            });
        }
    }
    Ok(())
}
