//! What the comparison experiments (`mnist`, `lines`, `pole`) share: the flags and budgets,
//! building each method on the same architecture, seed and schedule with its published
//! hyper-parameters, training it through the shared interface with a learning curve, decoding
//! the same test paths, the scores every benchmark reports, and the files every run writes.
//! Nothing here looks at which method it holds.

use std::error::Error;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;
use dotae::baselines::{
    ACAI_PUBLISHED_LEARNING_RATE, Acai, AcaiConfig, Aeai, AeaiConfig, PosteriorHead, Vae, VaeConfig,
};
use dotae::data::synthetic::cross_dissolve_pairs;
use dotae::data::{
    DataError, Series, write_atomically, write_line_plot, write_line_plot_from, write_npy,
    write_png_grid,
};
use dotae::energy::Variant;
use dotae::metrics::{
    FloorCheck, MISSED_ENDS_ABOVE, MeanStd, MeasureConfig, PathMeasure, Summary, adjacent_ssim,
    first_blank_frame, paths_missing_their_ends, still_paths,
};
use dotae::models::burn::prelude::*;
use dotae::models::{
    AutoencoderConfig, Backend, InterpolationMethod, PathEnergyLossConfig, TrainLog, Trainer,
    TrainingConfig, WeightInit, from_array, interpolate_pairs, to_array, train_epoch,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array4, Array5, ArrayView4, ArrayView5, Axis, Ix5, s};
use serde::Serialize;

// The experiments' own helpers, declared here so each experiment binary names only this module.
#[path = "interrupt.rs"]
pub mod interrupt;
#[path = "limits.rs"]
pub mod limits;
#[path = "output.rs"]
mod output;
#[path = "pace.rs"]
mod pace;

use limits::{
    LEARNING_RATE, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_TEST_PAIRS, MAX_TRAINED_PAIRS,
    check_loss_weight, check_range, check_real,
};
use output::Output;

/// A method on the command line; `all` expands to every method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodName {
    All,
    Baseline,
    Vae,
    Acai,
    Aeai,
    PathEnergy,
}

impl MethodName {
    const EVERY: [MethodName; 5] = [
        MethodName::Baseline,
        MethodName::Vae,
        MethodName::Acai,
        MethodName::Aeai,
        MethodName::PathEnergy,
    ];
}

/// The methods named, `all` expanded, each once, in the order given.
pub fn selected(names: &[MethodName]) -> Vec<MethodName> {
    let mut chosen: Vec<MethodName> = Vec::new();
    for &name in names {
        let expanded: &[MethodName] = match name {
            MethodName::All => &MethodName::EVERY,
            _ => std::slice::from_ref(&name),
        };
        for &m in expanded {
            if !chosen.contains(&m) {
                chosen.push(m);
            }
        }
    }
    chosen
}

/// What a run of a benchmark trains on and for how long, the same for every method. Each
/// benchmark has a full budget (chosen from measured learning curves, docs/experiments.md) and
/// a quick one that takes seconds, for CI.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Budget {
    pub train_size: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub test_pairs: usize,
}

impl Budget {
    /// A full budget of `epochs` over `train_size` images in batches of `batch_size` at
    /// `learning_rate`, scored on 100 test pairs.
    pub const fn full(
        train_size: usize,
        epochs: usize,
        batch_size: usize,
        learning_rate: f64,
    ) -> Self {
        Self {
            train_size,
            epochs,
            batch_size,
            learning_rate,
            test_pairs: 100,
        }
    }
}

/// Interpolation pairs per batch for the path energy and AEAI: the main paper's 9.
const DEFAULT_PAIRS: usize = 9;

/// Every benchmark's quick budget: one epoch over 64 images, 4 test pairs.
pub const QUICK: Budget = Budget {
    train_size: 64,
    epochs: 1,
    batch_size: 32,
    learning_rate: 1e-3,
    test_pairs: 4,
};

/// The path energy's settings on a benchmark: weight α, time steps T of the regularised paths,
/// and τ of the unbalanced variant (balanced when `None`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Regulariser {
    pub alpha: f64,
    pub steps: usize,
    pub tau: Option<f64>,
}

impl Regulariser {
    /// Weight `alpha`, `steps` time steps, balanced (`tau` `None`) or unbalanced.
    pub const fn new(alpha: f64, steps: usize, tau: Option<f64>) -> Self {
        Self { alpha, steps, tau }
    }
}

/// Seconds per training step of each method on a benchmark's full budget (its table in
/// docs/experiments.md): the methods' relative paces, from which the first steps of one method
/// estimate how long the others will train (probe 18, M10: at the baseline's pace alone, a run
/// of five methods was estimated at 50 s and ran past 90).
#[derive(Debug, Clone, Copy)]
pub struct Paces {
    pub baseline: f64,
    pub vae: f64,
    pub acai: f64,
    pub aeai: f64,
    pub path_energy: f64,
}

impl Paces {
    /// The measured seconds per step of `method`.
    fn of(&self, method: MethodName) -> f64 {
        match method {
            MethodName::Baseline | MethodName::All => self.baseline,
            MethodName::Vae => self.vae,
            MethodName::Acai => self.acai,
            MethodName::Aeai => self.aeai,
            MethodName::PathEnergy => self.path_energy,
        }
    }
}

/// The flags every comparison shares. Budget flags left out take the benchmark's values.
#[derive(clap::Args, Debug)]
pub struct CommonArgs {
    /// Methods to train; `all` runs every one.
    #[arg(long, value_enum, num_args = 1.., default_values_t = [MethodName::All])]
    pub method: Vec<MethodName>,
    /// The benchmark's quick budget (seconds; what CI runs) instead of its full one.
    #[arg(long)]
    pub quick: bool,
    /// Training images (at most as many as the data set holds).
    #[arg(long)]
    pub train_size: Option<usize>,
    /// Passes over the training images.
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Adam step of every network of every method. Left out, ACAI keeps its published 1e-4
    /// and the others take the benchmark's rate.
    #[arg(long, allow_hyphen_values = true)]
    pub learning_rate: Option<f64>,
    /// Test pairs interpolated by every method.
    #[arg(long)]
    pub test_pairs: Option<usize>,
    /// Weight α of the path energy (0 trains the plain autoencoder).
    #[arg(long, allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// Weight β of the VAE's KL term in its per-image ELBO: 1 (the default) is the VAE, larger
    /// a β-VAE, smaller keeps more of each image in its code.
    #[arg(long, allow_hyphen_values = true)]
    pub beta: Option<f64>,
    /// Epochs over which the VAE's KL weight rises linearly from 0 to β, a KL warm-up
    /// (Sønderby et al. 2016); the default 0 weighs the KL term by β from the first step.
    #[arg(long, value_name = "EPOCHS")]
    pub kl_warmup: Option<usize>,
    /// Where the VAE's posterior means and log-variances come from: convolution (the encoder's
    /// last convolution at twice the latent channels; the default) or dense (two dense layers
    /// on the flattened code, as ACAI's vae.py).
    #[arg(long, value_enum)]
    pub vae_posterior: Option<VaePosterior>,
    /// AEAI's weights λ_A,λ_C,λ_S of its summed adversarial, cycle and smoothness terms
    /// (the paper's 1e-2,1e-2,1e-1, the default); a 0 leaves a term out, as the paper's ablation
    /// does.
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        value_name = "λ_A,λ_C,λ_S"
    )]
    pub aeai_weights: Option<Vec<f64>>,
    /// Interpolation pairs per batch for the path energy and AEAI (the paper: 9 of a batch of
    /// 256). (Default: 9.)
    #[arg(long)]
    pub pairs: Option<usize>,
    /// Weight initialisation: he (the default; keeps activations' scale through the network)
    /// or torch (PyTorch's default, as in the papers' code).
    #[arg(long, value_enum, default_value_t = Init::He)]
    pub init: Init,
    /// Where ACAI's and AEAI's linear decoder outputs start: drawn (the last convolution's
    /// bias as the initialisation draws it, near 0; the default) or data-mean (the training
    /// images' mean value, as the others' sigmoid starts at ½).
    #[arg(long, value_enum, default_value_t = OutputStart::Drawn)]
    pub output_start: OutputStart,
    #[arg(long, default_value = "flex")]
    pub backend: Backend,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Where the VAE's posterior comes from (`--vae-posterior`; [`PosteriorHead`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VaePosterior {
    Convolution,
    Dense,
}

/// Where a linear decoder output starts (`--output-start`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputStart {
    /// The last convolution's bias as drawn.
    Drawn,
    /// The training images' mean value.
    DataMean,
}

/// [`WeightInit`] on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Init {
    He,
    Torch,
}

impl CommonArgs {
    /// The budget of these flags on a benchmark whose full budget is `full` and whose data set
    /// holds `available` training images.
    pub fn budget(&self, full: Budget, available: usize) -> Result<Budget, Box<dyn Error>> {
        let base = if self.quick { QUICK } else { full };
        let train_size = self.train_size.unwrap_or(base.train_size.min(available));
        let budget = Budget {
            train_size,
            epochs: self.epochs.unwrap_or(base.epochs),
            // A default batch larger than a given --train-size is cut to it (probe 23: the error
            // had named a --batch-size the user never gave).
            batch_size: self
                .batch_size
                .unwrap_or(base.batch_size.min(train_size.max(1))),
            learning_rate: self.learning_rate.unwrap_or(base.learning_rate),
            test_pairs: self.test_pairs.unwrap_or(base.test_pairs),
        };
        check_range("--train-size", budget.train_size, 1, available)
            .map_err(|e| format!("{e} (the training images the data set holds)"))?;
        check_range("--epochs", budget.epochs, 1, MAX_EPOCHS)?;
        check_range(
            "--batch-size",
            budget.batch_size,
            1,
            MAX_BATCH_SIZE.min(budget.train_size),
        )
        .map_err(|e| format!("{e} (--train-size, and {MAX_BATCH_SIZE} to bound memory)"))?;
        check_range("--test-pairs", budget.test_pairs, 1, MAX_TEST_PAIRS)?;
        self.check_pairs(budget.batch_size)
            .map_err(|e| match self.batch_size {
                // Said only where the default was cut (probe 31: "its default 32 is cut to
                // --train-size 64").
                None if budget.batch_size < base.batch_size => format!(
                    "{e} (--batch-size was not given: its default {} is cut to --train-size {})",
                    base.batch_size, budget.train_size
                )
                .into(),
                _ => e,
            })?;
        check_real("--learning-rate", budget.learning_rate, &LEARNING_RATE)?;
        self.check_weight(
            "--alpha",
            self.alpha,
            MethodName::PathEnergy,
            "the path energy",
        )?;
        self.check_weight("--beta", self.beta, MethodName::Vae, "the VAE's KL term")?;
        if let Some(warmup) = self.kl_warmup {
            check_range("--kl-warmup", warmup, 0, budget.epochs)
                .map_err(|e| format!("{e} (--epochs: after the warm-up the VAE trains at β)"))?;
            self.needs_method(MethodName::Vae, || {
                format!("--kl-warmup {warmup} warms up the VAE's KL term")
            })?;
        }
        if self.vae_posterior.is_some() {
            self.needs_method(MethodName::Vae, || {
                "--vae-posterior sets where the VAE's posterior comes from".into()
            })?;
        }
        // Probe 26: both accepted settings that change nothing.
        let methods = selected(&self.method);
        if self.alpha == Some(0.0)
            && methods.contains(&MethodName::PathEnergy)
            && methods.contains(&MethodName::Baseline)
        {
            return Err("--alpha 0 trains the path energy as the plain autoencoder, which --method baseline trains already: the run would train it twice under one name; drop one of them".into());
        }
        if self.output_start != OutputStart::Drawn
            && !methods.contains(&MethodName::Acai)
            && !methods.contains(&MethodName::Aeai)
        {
            return Err("--output-start sets where ACAI's and AEAI's linear decoder outputs start, but --method includes neither: it would change nothing".into());
        }
        if let Some(weights) = &self.aeai_weights
            && weights.len() != AEAI_TERMS.len()
        {
            return Err(format!(
                "--aeai-weights takes three weights, λ_A,λ_C,λ_S (the paper's: 1e-2,1e-2,1e-1), but {} were given",
                weights.len()
            )
            .into());
        }
        for (&weight, term) in self.aeai_weights.iter().flatten().zip(AEAI_TERMS) {
            self.check_weight("--aeai-weights", Some(weight), MethodName::Aeai, term)?;
        }
        if let Some(weights) = &self.aeai_weights
            && weights.iter().all(|&w| w == 0.0)
        {
            return Err(
                "--aeai-weights 0,0,0 switches off every AEAI term: what trains is an autoencoder with AEAI's loss alone, not AEAI (for the plain autoencoder, --method baseline; to ablate, leave at least one term on)"
                    .into(),
            );
        }
        Ok(budget)
    }

    /// A loss weight `flag` given as `value`: within the bounds of [`check_loss_weight`], and
    /// only with the method whose term (`weighs`) it weighs among those to train.
    fn check_weight(
        &self,
        flag: &str,
        value: Option<f64>,
        method: MethodName,
        weighs: &str,
    ) -> Result<(), Box<dyn Error>> {
        let Some(value) = value else {
            return Ok(());
        };
        check_loss_weight(flag, value)?;
        self.needs_method(method, || format!("{flag} {value:e} weighs {weighs}"))
    }

    /// A setting that acts only on `method`, refused when `--method` leaves it out; `given`
    /// says what the setting does, for the message.
    fn needs_method(
        &self,
        method: MethodName,
        given: impl FnOnce() -> String,
    ) -> Result<(), Box<dyn Error>> {
        if selected(&self.method).contains(&method) {
            return Ok(());
        }
        let name = method
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string());
        Err(format!(
            "{}, but --method does not include {name}: it would change nothing",
            given()
        )
        .into())
    }

    /// `--pairs` is for the methods that regularise pairs of a batch, and a batch of
    /// `batch_size` must hold that many.
    fn check_pairs(&self, batch_size: usize) -> Result<(), Box<dyn Error>> {
        let methods = selected(&self.method);
        // At α = 0 the path energy is the plain autoencoder, which takes no pairs.
        let path_energy = methods.contains(&MethodName::PathEnergy) && self.alpha != Some(0.0);
        if !path_energy && !methods.contains(&MethodName::Aeai) {
            let why = if methods.contains(&MethodName::PathEnergy) {
                "--alpha 0 trains the path-energy method as the plain autoencoder and --method does not include aeai"
            } else {
                "--method includes neither"
            };
            return match self.pairs {
                Some(pairs) => Err(format!(
                    "--pairs {pairs} sets the pairs of a batch that the path energy and AEAI regularise, but {why}: it would change nothing"
                )
                .into()),
                None => Ok(()),
            };
        }
        if batch_size < 2 {
            return Err(format!(
                "--batch-size {batch_size} holds no pair of images, but the path energy and AEAI regularise pairs of a batch: use at least 2"
            )
            .into());
        }
        let batch_pairs = batch_size * (batch_size - 1) / 2;
        check_range("--pairs", self.pairs(batch_size), 1, batch_pairs.min(MAX_TRAINED_PAIRS)).map_err(|e| {
            format!("{e} (the pairs of one batch of --batch-size {batch_size}, and {MAX_TRAINED_PAIRS} to bound memory: each pair's line is decoded and differentiated)").into()
        })
    }

    /// `--pairs`, or its default.
    /// `--pairs`, or the default cut to the pairs a batch of `batch_size` holds.
    fn pairs(&self, batch_size: usize) -> usize {
        let batch_pairs = batch_size * batch_size.saturating_sub(1) / 2;
        self.pairs.unwrap_or(DEFAULT_PAIRS.min(batch_pairs.max(1)))
    }

    /// The schedule of these flags: `budget`, the benchmark's architecture `model`, and its
    /// path-energy settings `regulariser` with α replaced by `--alpha` when given.
    pub fn schedule(
        &self,
        budget: Budget,
        model: AutoencoderConfig,
        regulariser: Regulariser,
        paces: Paces,
    ) -> Schedule {
        let init = match self.init {
            Init::He => WeightInit::He,
            Init::Torch => WeightInit::Torch,
        };
        Schedule {
            model: model.with_init(init),
            budget,
            seed: self.seed,
            pairs: self.pairs(budget.batch_size),
            acai_learning_rate: self.learning_rate.unwrap_or(ACAI_PUBLISHED_LEARNING_RATE),
            output_start: self.output_start,
            vae_beta: self.beta.unwrap_or(VAE_BETA),
            vae_kl_warmup_epochs: self.kl_warmup.unwrap_or(0),
            vae_posterior: self.vae_posterior.unwrap_or(VaePosterior::Convolution),
            aeai_weights: match self.aeai_weights.as_deref() {
                Some(&[adversarial, cycle, smoothness]) => Some([adversarial, cycle, smoothness]),
                _ => None,
            },
            regulariser: Regulariser {
                alpha: self.alpha.unwrap_or(regulariser.alpha),
                ..regulariser
            },
            paces,
        }
    }
}

/// Everything every method of a run shares.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub model: AutoencoderConfig,
    #[serde(flatten)]
    pub budget: Budget,
    pub seed: u64,
    /// Interpolation pairs per batch that a regulariser sees, the path energy's and AEAI's.
    pub pairs: usize,
    /// ACAI's Adam step (autoencoder and critic): its published rate unless `--learning-rate`
    /// sets every method's.
    pub acai_learning_rate: f64,
    /// Where ACAI's and AEAI's linear outputs start.
    pub output_start: OutputStart,
    /// The VAE's β: 1, the VAE, unless `--beta` is given.
    pub vae_beta: f64,
    /// Epochs of the VAE's KL warm-up (`--kl-warmup`; 0, none, unless given).
    pub vae_kl_warmup_epochs: usize,
    /// Where the VAE's posterior comes from (`--vae-posterior`).
    pub vae_posterior: VaePosterior,
    /// AEAI's λ_A, λ_C, λ_S from `--aeai-weights`; left out, the paper's (`AeaiConfig`'s
    /// defaults; each method's `config.json` holds the ones it trained with).
    pub aeai_weights: Option<[f64; 3]>,
    pub regulariser: Regulariser,
    /// The benchmark's measured paces, for the long-run note only.
    #[serde(skip)]
    pub paces: Paces,
}

/// What each of `--aeai-weights` weighs, in order.
const AEAI_TERMS: [&str; 3] = [
    "AEAI's adversarial term",
    "AEAI's cycle term",
    "AEAI's smoothness term",
];

/// The VAE's β in every experiment: the textbook VAE, as in the published rows.
pub const VAE_BETA: f64 = 1.0;

/// The named method with its published hyper-parameters (docs/experiments.md lists them next
/// to the references), freshly initialised on `device` (an autodiff device); `data_mean` is
/// the training images' mean value and `image_size` their `[rows, cols]`.
pub fn build(
    name: MethodName,
    schedule: &Schedule,
    data_mean: f64,
    image_size: [usize; 2],
    device: &Device,
) -> Result<Box<dyn InterpolationMethod>, Box<dyn Error>> {
    let s = schedule;
    let linear_model = match s.output_start {
        OutputStart::Drawn => s.model.clone(),
        OutputStart::DataMean => s.model.clone().with_output_bias(Some(data_mean)),
    };
    let rate = s.budget.learning_rate;
    let plain = TrainingConfig::new()
        .with_model(s.model.clone())
        .with_learning_rate(rate)
        .with_batch_size(s.budget.batch_size)
        .with_seed(s.seed)
        .with_alpha(0.0)
        .with_beta(0.0);
    Ok(match name {
        MethodName::Baseline | MethodName::All => Box::new(Trainer::new(plain, device)?),
        MethodName::PathEnergy => Box::new(Trainer::new(regularised(plain, s), device)?),
        MethodName::Vae => Box::new(Vae::new(
            VaeConfig::new()
                .with_model(s.model.clone())
                .with_beta(s.vae_beta)
                .with_kl_warmup_steps(
                    s.vae_kl_warmup_epochs * s.budget.train_size.div_ceil(s.budget.batch_size),
                )
                .with_posterior(match s.vae_posterior {
                    VaePosterior::Convolution => PosteriorHead::Convolution,
                    VaePosterior::Dense => PosteriorHead::Dense { image_size },
                })
                .with_learning_rate(rate)
                .with_seed(s.seed),
            device,
        )?),
        // ACAI keeps its published learning rate unless one is given for all, and its published
        // loss and linear decoder output on the shared architecture (docs/experiments.md).
        MethodName::Acai => Box::new(Acai::new(
            AcaiConfig::new()
                .with_model(linear_model)
                .published()
                .with_learning_rate(s.acai_learning_rate)
                .with_critic_learning_rate(s.acai_learning_rate)
                .with_seed(s.seed),
            device,
        )?),
        // AEAI's L2 loss on ACAI's linear decoder output (its paper gives no decoder).
        MethodName::Aeai => {
            let mut config = AeaiConfig::new()
                .with_model(linear_model)
                .published()
                .with_pairs_per_batch(s.pairs)
                .with_learning_rate(rate)
                .with_discriminator_learning_rate(rate)
                .with_seed(s.seed);
            if let Some([adversarial, cycle, smoothness]) = s.aeai_weights {
                config = config
                    .with_lambda_adversarial(adversarial)
                    .with_lambda_cycle(cycle)
                    .with_lambda_smooth(smoothness);
            }
            Box::new(Aeai::new(config, device)?)
        }
    })
}

/// The plain autoencoder's configuration `plain` with the schedule's path energy.
fn regularised(plain: TrainingConfig, schedule: &Schedule) -> TrainingConfig {
    let r = schedule.regulariser;
    let variant = match r.tau {
        Some(tau) => Variant::Unbalanced { tau },
        None => Variant::Balanced,
    };
    plain
        .with_alpha(r.alpha)
        .with_steps(r.steps)
        .with_pairs_per_batch(schedule.pairs)
        .with_energy(PathEnergyLossConfig {
            variant,
            ..PathEnergyLossConfig::default()
        })
}

/// The test interpolations every method decodes: from `sources[p]` to `targets[p]` in
/// `frames` frames, and the exact interpolations where the benchmark knows them.
pub struct TestPaths {
    pub sources: Array4<f64>,
    pub targets: Array4<f64>,
    /// Frames per path, endpoints included.
    pub frames: usize,
    /// `(P, frames, C, H, W)`, the ground truth of each test path.
    pub exact: Option<Array5<f64>>,
}

impl TestPaths {
    /// The test paths of a benchmark that knows them, `(P, frames, C, H, W)`: their first and
    /// last frames are the test images.
    // Each example compiles this module on its own, and `mnist` has no exact paths.
    #[allow(dead_code)]
    pub fn from_exact(exact: Array5<f64>) -> Self {
        let frames = exact.len_of(Axis(1));
        Self {
            sources: exact.index_axis(Axis(1), 0).to_owned(),
            targets: exact.index_axis(Axis(1), frames - 1).to_owned(),
            frames,
            exact: Some(exact),
        }
    }

    /// The cross-dissolve between every pair of test images, `(P, frames, C, H, W)`.
    pub fn dissolve(&self) -> Result<Array5<f64>, DataError> {
        cross_dissolve_pairs(self.sources.view(), self.targets.view(), self.frames - 1)
    }
}

/// The path energy of each path, under the default measurement (unit mass, Neumann border);
/// `None` for a path with a blank frame (nothing to move), which a collapsed decoder produces.
fn energies(
    paths: ArrayView5<f64>,
    measure: &PathMeasure,
) -> Result<Vec<Option<f64>>, Box<dyn Error>> {
    paths
        .outer_iter()
        .map(|path| {
            // Measuring 100 paths takes a minute or more: a signal stops it between two paths
            // (probe 20: one during scoring was acted on 100 s later).
            interrupt::check("measuring the test paths")?;
            match first_blank_frame(path) {
                Some(_) => Ok(None),
                None => Ok(Some(measure.measure(path)?.energy)),
            }
        })
        .collect()
}

/// What every benchmark measures of every method's decoded test paths.
#[derive(Debug, Serialize)]
pub struct PathScores {
    /// MSE of the paths' first and last frames (the reconstructions) against the test images.
    pub reconstruction_mse: f64,
    /// Each path's mean adjacent-frame SSIM: mean and spread over paths.
    pub adjacent_ssim: MeanStd,
    /// Geodesic fidelity: J(decoded path) / J(cross-dissolve of the same test images), per
    /// path: mean, spread and quartiles (a few paths far costlier than their dissolve carry
    /// the mean; the median is the typical path's). Below 1: the decoded path moves mass more
    /// cheaply than a fade. `None` when no decoded path could be measured.
    pub energy_vs_dissolve: Option<Summary>,
    /// J(decoded path) / J(exact path) where the benchmark has one. 1 is the true motion.
    pub energy_vs_exact: Option<Summary>,
    /// Decoded paths left out of the energy ratios: a frame of theirs is blank.
    pub blank_paths: usize,
    /// Decoded paths whose frames never change (a collapsed decoder's): their energy 0 and
    /// SSIM 1 are in the scores, and the run warns about them.
    pub still_paths: usize,
    /// Decoded paths whose ends lie nearer other images than the test images they should join
    /// (`dotae_metrics::paths_missing_their_ends`; an untrained decoder's): their energy ratios
    /// compare a path between other images, and the run warns about them.
    pub missed_ends_paths: usize,
    /// Measured decoded paths whose energy the density floor sets, not a motion
    /// (`dotae_metrics::FloorCheck`: a 10× floor removes half of it or more; mass vanishes in
    /// one place and reappears in another): their energy ratios measure the floor, and the run
    /// warns about them, as `evaluate` does.
    pub floor_set_paths: usize,
}

/// The references every method's paths are measured against, computed once.
struct Yardstick {
    measure: PathMeasure,
    floor_check: Option<FloorCheck>,
    dissolve: Vec<Option<f64>>,
    exact: Option<Vec<Option<f64>>>,
}

impl Yardstick {
    fn new(test: &TestPaths) -> Result<Self, Box<dyn Error>> {
        let (_, _, rows, cols) = test.sources.dim();
        let measure = PathMeasure::new(MeasureConfig::on_grid(rows, cols), None)?;
        let dissolve = energies(test.dissolve()?.view(), &measure)?;
        let exact = match &test.exact {
            Some(paths) => Some(energies(paths.view(), &measure)?),
            None => None,
        };
        Ok(Self {
            floor_check: FloorCheck::new(&measure)?,
            measure,
            dissolve,
            exact,
        })
    }

    /// How many of `paths`, measured at `energies`, have an energy set by the floor.
    fn floor_set_paths(
        &self,
        paths: ArrayView5<f64>,
        energies: &[Option<f64>],
    ) -> Result<usize, Box<dyn Error>> {
        let Some(check) = &self.floor_check else {
            return Ok(0);
        };
        let mut count = 0;
        for (path, energy) in paths.outer_iter().zip(energies) {
            interrupt::check("checking the test paths' density floor")?;
            if let Some(energy) = *energy
                && check.share(path, energy)?.floor_set()
            {
                count += 1;
            }
        }
        Ok(count)
    }

    fn score(
        &self,
        paths: ArrayView5<f64>,
        test: &TestPaths,
    ) -> Result<PathScores, Box<dyn Error>> {
        let reconstruction_mse = endpoint_mse(paths, test);
        let mut ssim = Vec::new();
        for path in paths.outer_iter() {
            let pairs = adjacent_ssim(path)?;
            ssim.push(pairs.iter().sum::<f64>() / pairs.len() as f64);
        }
        let decoded = energies(paths, &self.measure)?;
        let ratios = |reference: &[Option<f64>]| -> Option<Summary> {
            let measured: Vec<f64> = decoded
                .iter()
                .zip(reference)
                .filter_map(|(d, r)| Some((*d)? / (*r)?))
                .collect();
            Summary::of(&measured)
        };
        Ok(PathScores {
            reconstruction_mse,
            adjacent_ssim: MeanStd::of(&ssim).ok_or("no test paths")?,
            energy_vs_dissolve: ratios(&self.dissolve),
            energy_vs_exact: self.exact.as_deref().and_then(ratios),
            blank_paths: decoded.iter().filter(|d| d.is_none()).count(),
            still_paths: still_paths(paths).len(),
            missed_ends_paths: paths_missing_their_ends(
                paths,
                test.sources.view(),
                test.targets.view(),
            )?
            .len(),
            floor_set_paths: self.floor_set_paths(paths, &decoded)?,
        })
    }
}

/// One method's row of a comparison: its training cost, learning curve and scores.
#[derive(Debug, Serialize)]
pub struct MethodRow<S> {
    pub method: String,
    pub steps: usize,
    pub train_seconds: f64,
    pub seconds_per_step: f64,
    /// Test reconstruction MSE after each epoch (index 0: before training).
    pub test_mse_per_epoch: Vec<f64>,
    pub paths: PathScores,
    #[serde(flatten)]
    pub scores: S,
}

/// One run of a comparison: its flags, schedule, output directory and device.
pub struct Experiment<'a> {
    pub common: &'a CommonArgs,
    pub schedule: Schedule,
    /// Where the files go: staged, and moved to `--out` by [`Experiment::finish`].
    output: Output,
    /// The staging directory of `output`.
    out: PathBuf,
    /// `--out`, for messages.
    published: &'a Path,
    pub device: Device,
    pub started: Instant,
}

/// Pairs drawn in the combined picture, each as its exact path (if any) and one row per method.
const SHOWN: usize = 4;

impl<'a> Experiment<'a> {
    /// A run whose files appear in `out` when it finishes, and nowhere if it fails.
    pub fn new(
        common: &'a CommonArgs,
        schedule: Schedule,
        out: &'a Path,
    ) -> Result<Self, Box<dyn Error>> {
        let device = common.backend.training_device()?;
        if let Some(note) = common.backend.speed_note() {
            crate::support::print_to_stderr(&format!("note: {note}"));
        }
        interrupt::install()?;
        let output = Output::stage(out)?;
        Ok(Self {
            out: output.dir().to_path_buf(),
            output,
            published: out,
            device,
            common,
            schedule,
            started: Instant::now(),
        })
    }

    /// Writes `value` as `name` among the run's files.
    // Only `pole` has a file of its own to add; `lines` and `mnist` include this module too.
    #[allow(dead_code)]
    pub fn write_json(&self, name: &str, value: &impl Serialize) -> Result<(), Box<dyn Error>> {
        Ok(write_text(
            &self.out.join(name),
            &serde_json::to_string_pretty(value)?,
        )?)
    }

    /// Builds each selected method, trains it on `images` with a learning curve on the test
    /// endpoints, saves it (`<method>/model.bpk`, `<method>/config.json`, `<method>/loss.png`),
    /// decodes the test paths (`<method>/paths.npy`, `<method>/interpolations.png`),
    /// scores them ([`PathScores`] and the benchmark's own `evaluate`), and draws
    /// `interpolations.png` (the first pairs: exact path, then one row per method) and
    /// `learning_curves.png`.
    pub fn compare<S: Serialize>(
        &self,
        images: &Array4<f64>,
        test: &TestPaths,
        mut evaluate: impl FnMut(&dyn InterpolationMethod, ArrayView5<f64>) -> Result<S, Box<dyn Error>>,
    ) -> Result<Vec<MethodRow<S>>, Box<dyn Error>> {
        let (pairs, _, rows, cols) = test.sources.dim();
        let image_size = [rows, cols];
        limits::check_path_values(
            "--test-pairs and the frames per path",
            pairs,
            test.frames,
            rows.max(cols),
        )?;
        announce_long_scoring(test);
        let data_mean = images.mean().unwrap_or(0.0);
        let images: Tensor<4> = from_array(images.view().into_dyn(), &self.device)?;
        let yardstick = Yardstick::new(test)?;
        if let Some(exact) = &test.exact {
            write_npy(&self.out.join("exact.npy"), exact)?;
        }
        let mut picture: Vec<Vec<Array4<f64>>> = (0..test.sources.len_of(Axis(0)).min(SHOWN))
            .map(|p| {
                test.exact
                    .iter()
                    .map(|e| e.index_axis(Axis(0), p).to_owned())
                    .collect()
            })
            .collect();
        let mut rows = Vec::new();
        for name in selected(&self.common.method) {
            let mut method = build(name, &self.schedule, data_mean, image_size, &self.device)?;
            let dir = self.out.join(method.name());
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let clock = Instant::now();
            let trained = self.train(name, method.as_mut(), &images, test);
            let train_seconds = clock.elapsed().as_secs_f64();
            // The model after its last good step: the run's result, or what a failure keeps.
            method.save_checkpoint(&dir.join("model.bpk"))?;
            write_text(&dir.join("config.json"), &method.config_json())?;
            let (logs, curve) = trained.map_err(|e| self.output.fail_keeping_checkpoints(e))?;
            write_losses(&dir.join("loss.png"), method.name(), &logs)?;
            let paths = decode_paths(method.as_ref(), test, &self.device)?;
            write_npy(&dir.join("paths.npy"), &paths)?;
            let own: Vec<ArrayView4<f64>> = paths.outer_iter().take(SHOWN).collect();
            write_png_grid(&dir.join("interpolations.png"), &own, 1)?;
            for (rows, path) in picture.iter_mut().zip(paths.outer_iter()) {
                rows.push(path.to_owned());
            }
            let steps = method.steps_taken();
            let row = MethodRow {
                method: method.name().to_string(),
                steps,
                train_seconds,
                seconds_per_step: train_seconds / steps.max(1) as f64,
                test_mse_per_epoch: curve,
                paths: yardstick
                    .score(paths.view(), test)
                    .map_err(|e| self.output.fail_keeping_checkpoints(e))?,
                scores: evaluate(method.as_ref(), paths.view())
                    .map_err(|e| self.output.fail_keeping_checkpoints(e))?,
            };
            let total = paths.len_of(Axis(0));
            let warn = |count: usize, what: String| {
                if count > 0 {
                    crate::support::print_to_stderr(&format!(
                        "warning: {}: {count} of {total} decoded test paths {what}",
                        row.method
                    ));
                }
            };
            warn(
                row.paths.still_paths,
                "do not move (a collapsed decoder): their scores are a still picture's".into(),
            );
            warn(
                row.paths.missed_ends_paths,
                format!(
                    "end farther from their test images than {MISSED_ENDS_ABOVE} of the squared distance between them (reconstruction MSE {:.2e}; an undertrained decoder): their energy ratios compare paths between other images",
                    row.paths.reconstruction_mse
                ),
            );
            warn(
                row.paths.floor_set_paths,
                "have an energy set by the density floor, not by a motion (mass vanishes in one place and reappears in another): their energy ratios measure the floor".into(),
            );
            // Each method's row as soon as it is known, for watching a long run's staging folder.
            write_text(&dir.join("row.json"), &serde_json::to_string_pretty(&row)?)?;
            rows.push(row);
            // A signal during decoding or scoring stops the run here, as one during training.
            if interrupt::requested() {
                let stopped = format!("interrupted by a signal after scoring {}", method.name());
                return Err(self.output.fail_keeping_checkpoints(stopped.into()));
            }
        }
        let views: Vec<ArrayView4<f64>> = picture.iter().flatten().map(|p| p.view()).collect();
        write_png_grid(&self.out.join("interpolations.png"), &views, 1)?;
        write_curves(&self.out.join("learning_curves.png"), &rows)?;
        Ok(rows)
    }

    /// The budget's epochs over `images` in the method's own epoch orders (the same for every
    /// method with one seed), with a progress bar; returns every step's log and the test
    /// reconstruction MSE before training and after each epoch.
    fn train(
        &self,
        name: MethodName,
        method: &mut dyn InterpolationMethod,
        images: &Tensor<4>,
        test: &TestPaths,
    ) -> Result<(Vec<TrainLog>, Vec<f64>), Box<dyn Error>> {
        let count = images.dims()[0];
        let epochs = self.schedule.budget.epochs;
        let bar = ProgressBar::new(epochs as u64).with_prefix(method.name().to_string());
        bar.set_style(ProgressStyle::with_template(
            "{prefix:>12} [{bar:30}] {pos}/{len} epochs {elapsed_precise} {msg}",
        )?);
        let mut logs = Vec::new();
        let mut curve = vec![test_mse(method, test, &self.device)?];
        let total_steps = epochs * count.div_ceil(self.schedule.budget.batch_size);
        let methods = selected(&self.common.method);
        let position = methods.iter().position(|&m| m == name).unwrap_or(0);
        let paces = self.schedule.paces;
        let mut pace = Pace::new(
            method.name(),
            total_steps,
            methods[position..]
                .iter()
                .map(|&m| paces.of(m) / paces.of(name))
                .sum(),
            methods.len() - position,
            scoring_seconds(test),
        );
        for epoch in 1..=epochs {
            let order = method.epoch_order(count);
            logs.extend(train_epoch(
                method,
                images,
                &order,
                self.schedule.budget.batch_size,
                |log| {
                    bar.set_message(format!("step {} loss {:.4}", log.step, log.loss()));
                    if let Some(warning) = pace.step() {
                        bar.suspend(|| crate::support::print_to_stderr(&warning));
                    }
                    match interrupt::requested() {
                        true => ControlFlow::Break(()),
                        false => ControlFlow::Continue(()),
                    }
                },
            )?);
            if interrupt::requested() {
                bar.abandon();
                return Err(format!(
                    "{} training interrupted by a signal in epoch {epoch}, after step {}",
                    method.name(),
                    method.steps_taken()
                )
                .into());
            }
            curve.push(test_mse(method, test, &self.device)?);
            bar.inc(1);
        }
        bar.finish();
        Ok((logs, curve))
    }

    /// Writes `results.json` (the data set's description `data`, the schedule, one row per
    /// method) and `results.md` (`table`), each atomically, and prints the table.
    pub fn finish<D: Serialize, S: Serialize>(
        self,
        data: D,
        methods: &[MethodRow<S>],
        table: &str,
    ) -> Result<(), Box<dyn Error>> {
        let report = Report {
            data,
            schedule: &self.schedule,
            backend: self.common.backend.to_string(),
            seconds_total: self.started.elapsed().as_secs_f64(),
            methods,
        };
        let json = serde_json::to_string_pretty(&report)?;
        write_text(&self.out.join("results.json"), &json)?;
        write_text(&self.out.join("results.md"), table)?;
        if let Err(stopped) = interrupt::check("writing the results") {
            return Err(self.output.fail_keeping_checkpoints(stopped));
        }
        self.output.publish()?;
        crate::support::print(table)?;
        crate::support::print(&format!("wrote {}", self.published.display()))?;
        Ok(())
    }
}

/// Writes `text` to `path` atomically.
fn write_text(path: &Path, text: &str) -> Result<(), DataError> {
    write_atomically(path, |file| {
        file.write_all(text.as_bytes())
            .map_err(|source| DataError::Write {
                path: path.to_path_buf(),
                source,
            })
    })
}

/// `results.json` of a comparison.
#[derive(Debug, Serialize)]
struct Report<'a, D, S> {
    #[serde(flatten)]
    data: D,
    schedule: &'a Schedule,
    backend: String,
    seconds_total: f64,
    methods: &'a [MethodRow<S>],
}

/// The test endpoints' reconstruction MSE: a learning curve that is cheap to take every epoch.
fn test_mse(
    method: &dyn InterpolationMethod,
    test: &TestPaths,
    device: &Device,
) -> Result<f64, Box<dyn Error>> {
    let ends = decode(method, &test.sources, &test.targets, 1, device)?;
    Ok(endpoint_mse(ends.view(), test))
}

/// MSE of the first and last frames of `paths` (the reconstructions) against the test images.
fn endpoint_mse(paths: ArrayView5<f64>, test: &TestPaths) -> f64 {
    let last = paths.len_of(Axis(1)) - 1;
    let ends = [
        (paths.index_axis(Axis(1), 0), &test.sources),
        (paths.index_axis(Axis(1), last), &test.targets),
    ];
    let squared: f64 = ends
        .iter()
        .map(|(a, b)| (a - *b).mapv(|d| d * d).sum())
        .sum();
    squared / (2 * test.sources.len()) as f64
}

/// Decoding and scoring one method's test paths took about this long per pixel of every frame:
/// `mnist --quick --method baseline --frames 130 --test-pairs 500`, 500 paths of 131 frames of
/// 32×32, ran for 124 s (docs/reliability.md), 1.85e-6 s per pixel.
const SECONDS_PER_SCORED_PIXEL: f64 = 1.85e-6;

/// Says, before any training, how long each method's test paths will take to decode and score
/// when that is over a minute: at the bounds of `--test-pairs` and `--frames` it is minutes per
/// method, after a training of seconds (probe 12, M13).
fn announce_long_scoring(test: &TestPaths) {
    let (pairs, frames) = (test.sources.len_of(Axis(0)), test.frames);
    let estimate = scoring_seconds(test);
    // Each part alone may stay under a minute while together they pass it (probe 22): the
    // pace note adds this estimate to the training's.
    if estimate > LONG_TRAINING_SECONDS {
        crate::support::print_to_stderr(&format!(
            "note: decoding and scoring {pairs} test paths of {frames} frames will take about {:.1} min per method after its training (fewer --test-pairs or --frames shorten it)",
            estimate / 60.0
        ));
    }
}

/// Seconds to decode and score one method's `test` paths ([`SECONDS_PER_SCORED_PIXEL`]).
fn scoring_seconds(test: &TestPaths) -> f64 {
    let (pairs, _, rows, cols) = test.sources.dim();
    (pairs * test.frames * rows * cols) as f64 * SECONDS_PER_SCORED_PIXEL
}

/// A method's training that will run past [`LONG_TRAINING_SECONDS`] says so once its first
/// steps have set the pace, and so does a run whose remaining methods will (probe 11, F4; probe
/// 18, M10): a full budget takes minutes per method, and nothing else tells a user whose
/// terminal shows no progress bar.
struct Pace {
    method: String,
    total_steps: usize,
    /// This method and the ones after it, each weighed by its measured pace relative to this
    /// one's ([`Paces`]): their trainings take this many times this one's.
    remaining_weight: f64,
    /// How many methods that weight counts.
    remaining: usize,
    /// Seconds to decode and score each method's test paths after its training.
    scoring: f64,
    steps: usize,
    started: Instant,
    gate: pace::PaceGate,
}

/// Training longer than this is announced.
const LONG_TRAINING_SECONDS: f64 = 60.0;

/// Steps timed before the pace is trusted (the first pays for warm-up).
const PACED_STEPS: usize = 5;

impl Pace {
    fn new(
        method: &str,
        total_steps: usize,
        remaining_weight: f64,
        remaining: usize,
        scoring: f64,
    ) -> Self {
        Self {
            method: method.to_string(),
            total_steps,
            remaining_weight,
            remaining,
            scoring,
            steps: 0,
            started: Instant::now(),
            gate: pace::PaceGate::new(PACED_STEPS),
        }
    }

    /// Counts one step; after the first few, the note if the training, or the run's remaining
    /// trainings, will be long.
    fn step(&mut self) -> Option<String> {
        self.steps += 1;
        let per_step = self.gate.judge(
            self.steps,
            self.total_steps,
            self.started.elapsed().as_secs_f64(),
        )?;
        let estimate = per_step * self.total_steps as f64;
        let run_estimate = estimate * self.remaining_weight + self.scoring * self.remaining as f64;
        (run_estimate > LONG_TRAINING_SECONDS).then(|| {
            let run = match self.remaining {
                1 => String::new(),
                n => {
                    let (after, paces) = match n - 1 {
                        1 => ("method".to_string(), "its pace"),
                        after => (format!("{after} methods"), "their paces"),
                    };
                    format!(
                        "; with the {after} after it, at {paces} measured relative to this one (docs/experiments.md), the run's {n} remaining trainings and scorings take about {:.1} min",
                        run_estimate / 60.0
                    )
                }
            };
            format!(
                "note: {}: at the pace of its {} ({per_step:.2} s/step) its {} steps will train for about {:.1} min, then its test paths are scored (about {:.1} min){run}",
                self.method,
                pace::timed(self.steps, "step"),
                self.total_steps,
                estimate / 60.0,
                self.scoring / 60.0
            )
        })
    }
}

/// Every method's test paths `(P, frames, C, H, W)`.
pub fn decode_paths(
    method: &dyn InterpolationMethod,
    test: &TestPaths,
    device: &Device,
) -> Result<Array5<f64>, Box<dyn Error>> {
    decode(
        method,
        &test.sources,
        &test.targets,
        test.frames - 1,
        device,
    )
}

/// Decoded interpolations `(P, steps + 1, C, H, W)`, in chunks of pairs to bound memory.
fn decode(
    method: &dyn InterpolationMethod,
    sources: &Array4<f64>,
    targets: &Array4<f64>,
    steps: usize,
    device: &Device,
) -> Result<Array5<f64>, Box<dyn Error>> {
    // About 700 decoded images per forward pass, whatever the frames per path.
    let chunk = (704 / (steps + 1)).max(1);
    let mut parts = Vec::new();
    for start in (0..sources.len_of(Axis(0))).step_by(chunk) {
        let range = s![
            start..(start + chunk).min(sources.len_of(Axis(0))),
            ..,
            ..,
            ..
        ];
        let paths = interpolate_pairs(
            method,
            from_array(sources.slice(range).into_dyn(), device)?,
            from_array(targets.slice(range).into_dyn(), device)?,
            steps,
        )?;
        parts.push(to_array(paths)?.into_dimensionality::<Ix5>()?);
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    Ok(ndarray::concatenate(Axis(0), &views)?)
}

/// A log-scale plot of the magnitude of every loss term the method reports, per step.
fn write_losses(path: &Path, name: &str, logs: &[TrainLog]) -> Result<(), Box<dyn Error>> {
    let names: Vec<&str> = logs
        .first()
        .map(|l| l.terms.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default();
    let series: Vec<Series> = names
        .iter()
        .map(|&term| Series {
            name: term.to_string(),
            values: logs
                .iter()
                .map(|l| l.term(term).unwrap_or(f64::NAN).abs())
                .collect(),
        })
        .collect();
    let title = format!("{name}: loss terms per step");
    write_line_plot(path, &title, &series, true, 720, 420)?;
    Ok(())
}

/// Every method's test reconstruction MSE per epoch on one log-scale plot.
fn write_curves<S>(path: &Path, rows: &[MethodRow<S>]) -> Result<(), Box<dyn Error>> {
    let series: Vec<Series> = rows
        .iter()
        .map(|r| Series {
            name: r.method.clone(),
            values: r.test_mse_per_epoch.clone(),
        })
        .collect();
    let title = "test reconstruction MSE per epoch (0: before training)";
    write_line_plot_from(path, title, &series, 0, true, 720, 420)?;
    Ok(())
}

/// A markdown table with `header` columns and one line per row.
pub fn markdown_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let rule: Vec<String> = header.iter().map(|_| "---".to_string()).collect();
    let mut table = line(&header) + &line(&rule);
    for row in rows {
        table += &line(&row);
    }
    table
}

/// The markdown table of a comparison: method, reconstruction MSE, adjacent SSIM and the
/// energy ratios, then the benchmark's `columns` with their cells from `cells`, then seconds
/// per step.
pub fn results_table<S>(
    rows: &[MethodRow<S>],
    columns: &[&str],
    cells: impl Fn(&S) -> Vec<String>,
) -> String {
    let spread = |m: &MeanStd| format!("{:.3} ± {:.3}", m.mean, m.std);
    let ratio_cell = |s: &Summary| format!("{} (median {:.3})", spread(&s.mean_std), s.median());
    let header: Vec<&str> = ["method", "recon. MSE", "adjacent SSIM", "J / J(dissolve)"]
        .into_iter()
        .chain(["J / J(exact)"])
        .chain(columns.iter().copied())
        .chain(["s/step"])
        .collect();
    markdown_table(
        &header,
        rows.iter().map(|row| {
            let p = &row.paths;
            // A ratio over no path (every decoded path has a blank frame) is undefined.
            let ratio = |m: &Option<Summary>| match (m, p.blank_paths) {
                (Some(m), 0) => ratio_cell(m),
                (Some(m), blank) => format!("{} ({blank} blank)", ratio_cell(m)),
                (None, blank) if blank > 0 => "– (blank frames)".into(),
                (None, _) => "–".into(),
            };
            let mut line = vec![
                row.method.clone(),
                format!("{:.2e}", p.reconstruction_mse),
                spread(&p.adjacent_ssim),
                ratio(&p.energy_vs_dissolve),
                p.energy_vs_exact.as_ref().map_or("–".into(), ratio_cell),
            ];
            line.extend(cells(&row.scores));
            line.push(format!("{:.3}", row.seconds_per_step));
            line
        }),
    )
}
