//! Quickstart: train the same autoencoder twice on two images — once with the path energy
//! (Algorithm 1), once as a plain BCE autoencoder with the same seed and schedule — and compare
//! how each interpolates.
//!
//! With no arguments the two images are the embedded 32×32 problem (a disk in one corner and the
//! same disk in the opposite corner), whose exact geodesic is the translated disk:
//!
//! ```text
//! cargo run --release --example quickstart
//! cargo run --release --example quickstart -- --source a.png --target b.png --rgb
//! ```
//!
//! Everything goes to `--out` (default `runs/quickstart/`): `interpolation.png` (one row per
//! method), `<method>.gif`, `<method>/path.npy` `(frames, C, H, W)`, `<method>/model.bpk`,
//! `<method>/config.json`, `loss.png` and `metrics.json`.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use dotae::data::{
    Channels, DiskProblem, Series, read_image, write_gif, write_line_plot, write_npy,
    write_png_grid,
};
use dotae::energy::{Boundary, Grid, Variant};
use dotae::metrics::{
    MeanStd, MeasureConfig, PathMeasure, adjacent_ssim, frame_mse, mse, wall_cells,
};
use dotae::models::burn::prelude::Tensor;
use dotae::models::{
    AutoencoderConfig, Backend, InterpolationMethod, ModelError, PathEnergyLossConfig, TrainLog,
    Trainer, TrainingConfig, from_array, interpolate_pairs, to_array, train_epoch,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array2, Array3, Array4, Axis, Ix4, s, stack};
use serde_json::json;

mod support;

#[derive(Parser, Debug)]
#[command(
    about = "Train a path-energy autoencoder and a plain one on two images and compare their interpolations."
)]
struct Args {
    /// Source image (PNG); with --target, replaces the embedded disk problem.
    #[arg(long, requires = "target")]
    source: Option<PathBuf>,
    /// Target image (PNG), the same size as the source.
    #[arg(long, requires = "source")]
    target: Option<PathBuf>,
    /// Resize both images to SIZE×SIZE (default: keep their size; the embedded problem is 32).
    #[arg(long)]
    size: Option<usize>,
    /// Treat the images as RGB; each channel is its own density.
    #[arg(long)]
    rgb: bool,
    /// Unbalanced path energy (mass may appear and vanish), with source weight --tau.
    #[arg(long)]
    unbalanced: bool,
    /// Source weight τ of the unbalanced path energy.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    tau: f64,
    /// Boundary of the energy grid: neumann (no flux through the image border), dirichlet (mass
    /// may leave and re-enter through the border, which the network learns to exploit on the
    /// disk problem; see docs/method.md) or periodic.
    #[arg(long, default_value_t = Boundary::Neumann)]
    boundary: Boundary,
    /// Obstacle mask (PNG of the image size; bright pixels are walls that no mass crosses).
    #[arg(long)]
    obstacle: Option<PathBuf>,
    /// Training epochs (one Adam step per epoch for two images).
    #[arg(long, default_value_t = 600)]
    epochs: usize,
    /// Weight α of the path energy.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    alpha: f64,
    /// Weight β of MassLoss.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    beta: f64,
    /// Time steps T of the path (T + 1 frames).
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// Side of the square energy grid the frames are downsampled to.
    #[arg(long, default_value_t = 32)]
    energy_size: usize,
    /// Density floor ε: pixel values (in [0, 1]) below it are raised to it before the frames are
    /// rescaled to unit mass and measured.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    epsilon: f64,
    /// Adam learning rate.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    learning_rate: f64,
    /// Compute backend: flex or ndarray (CPU), wgpu (GPU; build with `--features wgpu`).
    #[arg(long, default_value_t = Backend::Flex)]
    backend: Backend,
    /// Seed of the weights and the pair selection; both runs use it.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write a checkpoint every this many epochs (and at the end).
    #[arg(long, default_value_t = 100)]
    checkpoint_every: usize,
    /// Output directory.
    #[arg(long, default_value = "runs/quickstart")]
    out: PathBuf,
}

/// One of the two trained methods.
struct Method {
    key: &'static str,
    title: &'static str,
    /// Trained with the path energy and MassLoss; otherwise α = β = 0.
    regularised: bool,
}

const METHODS: [Method; 2] = [
    Method {
        key: "path_energy",
        title: "path energy",
        regularised: true,
    },
    Method {
        key: "plain",
        title: "plain AE",
        regularised: false,
    },
];

/// The two training images and, for the embedded problem, the exact geodesic.
struct Problem {
    source: Array3<f64>,
    target: Array3<f64>,
    exact: Option<Array4<f64>>,
    obstacles: Option<Array2<bool>>,
}

fn main() -> ExitCode {
    support::exit_code(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let problem = load_problem(args)?;
    let (channels, rows, cols) = problem.source.dim();
    let base = training_config(args, channels)?;
    base.check_image_size(rows, cols)?;
    let grid = problem
        .obstacles
        .as_ref()
        .map(|mask| obstacle_grid(mask, &base))
        .transpose()?;
    // The decoded paths are measured as every binary measures paths (dotae_metrics::PathMeasure,
    // relative floor), not through the training bridge and its ε; building the measure before
    // any training also checks τ and the grid.
    let measure = PathMeasure::new(
        measure_config(&base),
        problem.obstacles.as_ref().map(|mask| mask.view()),
    )?;
    prepare_output(&args.out)?;
    let device = args.backend.training_device()?;
    let images = from_array::<4>(
        stack(Axis(0), &[problem.source.view(), problem.target.view()])?
            .into_dyn()
            .view(),
        &device,
    )?;

    let mut paths = Vec::new();
    let mut histories = Vec::new();
    let mut seconds_per_step = Vec::new();
    for method in &METHODS {
        // Same seed, schedule and architecture; the plain run has no regulariser.
        let config = match method.regularised {
            true => base.clone(),
            false => base.clone().with_alpha(0.0).with_beta(0.0),
        };
        let dir = args.out.join(method.key);
        std::fs::create_dir_all(&dir)?;
        write_json(&dir.join("config.json"), &serde_json::to_value(&config)?)?;
        let mut trainer = match &grid {
            Some(grid) if config.alpha > 0.0 => {
                Trainer::with_energy_grid(config.clone(), grid.clone(), &device)?
            }
            _ => Trainer::new(config.clone(), &device)?,
        };
        let clock = Instant::now();
        let history = train(&mut trainer, &images, args, method, &dir)?;
        seconds_per_step.push(clock.elapsed().as_secs_f64() / trainer.steps_taken().max(1) as f64);
        let path = decode_path(&trainer, &images, args.steps)?;
        write_npy(&dir.join("path.npy"), &path)?;
        write_gif(
            &args.out.join(format!("{}.gif", method.key)),
            path.view(),
            120,
            4,
        )?;
        paths.push(path);
        histories.push(history);
    }

    let mut rows_of_grid: Vec<_> = Vec::new();
    if let Some(exact) = &problem.exact {
        rows_of_grid.push(exact.view());
    }
    rows_of_grid.extend(paths.iter().map(|p| p.view()));
    write_png_grid(&args.out.join("interpolation.png"), &rows_of_grid, 1)?;
    write_loss_plot(&args.out.join("loss.png"), &histories)?;

    let measure_path = |path: &Array4<f64>| -> Result<f64, Box<dyn Error>> {
        Ok(measure.measure(path.view())?.energy)
    };
    let exact_energy = problem.exact.as_ref().map(&measure_path).transpose()?;
    let mut report = serde_json::Map::new();
    for ((method, path), step_seconds) in METHODS.iter().zip(&paths).zip(&seconds_per_step) {
        let energy = measure_path(path)?;
        let smoothness = MeanStd::of(&adjacent_ssim(path.view())?).unwrap_or(MeanStd {
            mean: f64::NAN,
            std: f64::NAN,
        });
        let last = path.dim().0 - 1;
        let reconstruction = 0.5
            * (mse(path.slice(s![0, .., .., ..]), problem.source.view())?
                + mse(path.slice(s![last, .., .., ..]), problem.target.view())?);
        let mut entry = json!({
            "path_energy": energy,
            "adjacent_ssim_mean": smoothness.mean,
            "adjacent_ssim_std": smoothness.std,
            "reconstruction_mse": reconstruction,
            "seconds_per_step": step_seconds,
        });
        if let (Some(exact), Some(exact_energy)) = (&problem.exact, exact_energy) {
            let errors = frame_mse(path.view(), exact.view())?;
            entry["energy_ratio"] = json!(energy / exact_energy);
            entry["frame_mse_to_exact"] = json!(errors.iter().sum::<f64>() / errors.len() as f64);
        }
        report.insert(method.key.to_string(), entry);
    }
    if let Some(exact_energy) = exact_energy {
        report.insert("exact_path_energy".into(), json!(exact_energy));
    }
    report.insert("steps".into(), json!(args.steps));
    report.insert("epochs".into(), json!(args.epochs));
    report.insert("backend".into(), json!(args.backend.to_string()));
    report.insert(
        "seconds_total".into(),
        json!(started.elapsed().as_secs_f64()),
    );
    let report = serde_json::Value::Object(report);
    write_json(&args.out.join("metrics.json"), &report)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    println!("wrote {}", args.out.display());
    Ok(())
}

fn load_problem(args: &Args) -> Result<Problem, Box<dyn Error>> {
    let channels = if args.rgb {
        Channels::Rgb
    } else {
        Channels::Gray
    };
    let size = args.size.map(|n| [n, n]);
    let (source, target, exact) = match (&args.source, &args.target) {
        (Some(source), Some(target)) => {
            let a = read_image(source, channels, size)?;
            let b = read_image(target, channels, size)?;
            if a.dim() != b.dim() {
                return Err(format!(
                    "--source {} is {}x{} but --target {} is {}x{}: the images must have one size (or pass --size)",
                    source.display(),
                    a.dim().1,
                    a.dim().2,
                    target.display(),
                    b.dim().1,
                    b.dim().2
                )
                .into());
            }
            (a, b, None)
        }
        _ => {
            let problem = DiskProblem::corner_to_corner(args.size.unwrap_or(32));
            let exact = problem.exact_path(args.steps)?;
            let (a, b) = (problem.source()?, problem.target()?);
            match args.rgb {
                // The same disk in every channel.
                true => (
                    a.broadcast((3, a.dim().1, a.dim().2)).unwrap().to_owned(),
                    b.broadcast((3, b.dim().1, b.dim().2)).unwrap().to_owned(),
                    Some(
                        exact
                            .broadcast((exact.dim().0, 3, exact.dim().2, exact.dim().3))
                            .unwrap()
                            .to_owned(),
                    ),
                ),
                false => (a, b, Some(exact)),
            }
        }
    };
    let obstacles = match &args.obstacle {
        Some(path) => {
            let mask = read_image(path, Channels::Gray, None)?;
            let (_, rows, cols) = source.dim();
            if (mask.dim().1, mask.dim().2) != (rows, cols) {
                return Err(format!(
                    "--obstacle {} is {}x{}, but the images are {rows}x{cols}: the mask must have the image size",
                    path.display(),
                    mask.dim().1,
                    mask.dim().2
                )
                .into());
            }
            Some(mask.index_axis(Axis(0), 0).mapv(|v| v > 0.5))
        }
        None => None,
    };
    Ok(Problem {
        source,
        target,
        exact,
        obstacles,
    })
}

fn training_config(args: &Args, channels: usize) -> Result<TrainingConfig, ModelError> {
    let variant = match args.unbalanced {
        true => Variant::Unbalanced { tau: args.tau },
        false => Variant::Balanced,
    };
    let config = TrainingConfig::new()
        .with_model(AutoencoderConfig::new().with_image_channels(channels))
        .with_energy(PathEnergyLossConfig {
            energy_size: [args.energy_size, args.energy_size],
            boundary: args.boundary,
            variant,
            epsilon: args.epsilon,
            ..Default::default()
        })
        .with_alpha(args.alpha)
        .with_beta(args.beta)
        .with_steps(args.steps)
        .with_learning_rate(args.learning_rate)
        .with_batch_size(2)
        .with_seed(args.seed);
    config.validate()?;
    Ok(config)
}

/// The measuring configuration of the decoded paths: the training's grid, boundary and variant,
/// with the measuring defaults for everything else (unit mass, relative floor).
fn measure_config(config: &TrainingConfig) -> MeasureConfig {
    let [rows, cols] = config.energy.energy_size;
    MeasureConfig {
        boundary: config.energy.boundary,
        variant: config.energy.variant,
        time_weights: config.energy.time_weights,
        ..MeasureConfig::on_grid(rows, cols)
    }
}

/// The energy grid with the obstacle cells of `mask` (image size) averaged down to it, by the
/// rule the measurement uses (`dotae_metrics::wall_cells`).
fn obstacle_grid(mask: &Array2<bool>, config: &TrainingConfig) -> Result<Grid, Box<dyn Error>> {
    let [er, ec] = config.energy.energy_size;
    let cells = wall_cells(mask.view(), er, ec)?;
    Ok(Grid::with_obstacles(
        er,
        ec,
        config.energy.boundary,
        cells.view(),
    )?)
}

fn prepare_output(out: &Path) -> Result<(), Box<dyn Error>> {
    let fail =
        |e: std::io::Error| format!("--out {} is not a writable directory: {e}", out.display());
    std::fs::create_dir_all(out).map_err(fail)?;
    let probe = out.join(".write-test");
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Runs the epochs with a progress bar; a non-finite loss keeps the last good checkpoint.
fn train(
    trainer: &mut Trainer,
    images: &Tensor<4>,
    args: &Args,
    method: &Method,
    dir: &Path,
) -> Result<Vec<TrainLog>, Box<dyn Error>> {
    let bar = ProgressBar::new(args.epochs as u64).with_prefix(method.title);
    bar.set_style(ProgressStyle::with_template(
        "{prefix:>12} [{bar:30}] {pos}/{len} epochs {elapsed_precise} {msg}",
    )?);
    let checkpoint = dir.join("model.bpk");
    let mut history = Vec::with_capacity(args.epochs);
    let (count, batch_size) = (images.dims()[0], trainer.config().batch_size);
    for epoch in 1..=args.epochs {
        let order = trainer.epoch_order(count);
        match train_epoch(trainer, images, &order, batch_size, |_| {}) {
            Ok(logs) => history.extend(logs),
            Err(error @ ModelError::NonFiniteLoss { .. }) => {
                bar.abandon();
                trainer.model().save_checkpoint(&checkpoint)?;
                return Err(format!(
                    "{} training stopped in epoch {epoch}: {error}; last good checkpoint: {}",
                    method.title,
                    checkpoint.display()
                )
                .into());
            }
            Err(error) => return Err(error.into()),
        }
        if let Some(log) = history.last() {
            let term = |name| log.term(name).unwrap_or(f64::NAN);
            bar.set_message(format!(
                "loss {:.4}  bce {:.4}  J {:.2}  mass {:.3}",
                log.loss(),
                term("reconstruction"),
                term("energy"),
                term("mass")
            ));
        }
        bar.inc(1);
        if epoch % args.checkpoint_every.max(1) == 0 {
            trainer.model().save_checkpoint(&checkpoint)?;
        }
    }
    trainer.model().save_checkpoint(&checkpoint)?;
    bar.finish();
    Ok(history)
}

/// The decoded interpolation `(T + 1, C, H, W)` between the two training images.
fn decode_path(
    trainer: &Trainer,
    images: &Tensor<4>,
    steps: usize,
) -> Result<Array4<f64>, Box<dyn Error>> {
    let [_, c, h, w] = images.dims();
    let pick = |i: usize| images.clone().slice([i..i + 1, 0..c, 0..h, 0..w]);
    let path = interpolate_pairs(trainer, pick(0), pick(1), steps)?;
    Ok(to_array(path.reshape([steps + 1, c, h, w]))?.into_dimensionality::<Ix4>()?)
}

fn write_loss_plot(path: &Path, histories: &[Vec<TrainLog>]) -> Result<(), Box<dyn Error>> {
    let series_of = |name: &str, history: &[TrainLog], term: &str| Series {
        name: name.to_string(),
        values: history
            .iter()
            .map(|log| log.term(term).unwrap_or(f64::NAN))
            .collect(),
    };
    let series = vec![
        series_of("path energy: total loss", &histories[0], "loss"),
        series_of("path energy: BCE", &histories[0], "reconstruction"),
        series_of("plain AE: BCE", &histories[1], "reconstruction"),
    ];
    write_line_plot(path, "training loss per step", &series, true, 720, 420)?;
    Ok(())
}

fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), Box<dyn Error>> {
    dotae::data::write_atomically(path, |writer| {
        serde_json::to_writer_pretty(&mut *writer, value).map_err(|e| {
            dotae::data::DataError::InvalidArgument {
                what: "json",
                reason: e.to_string(),
            }
        })
    })?;
    Ok(())
}
