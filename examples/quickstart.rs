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
use dotae::data::synthetic::cross_dissolve_pairs;
use dotae::data::{
    Channels, DiskProblem, Series, read_image, write_gif, write_line_plot, write_npy,
    write_png_grid,
};
use dotae::energy::{Boundary, EnergyError, Grid, Variant, mass_on_obstacles};
use dotae::metrics::{
    FloorCheck, MeasureConfig, MetricsError, PathMeasure, STILL_BELOW, wall_cells,
};
use dotae::models::burn::prelude::{Device, Tensor};
use dotae::models::{
    AutoencoderConfig, Backend, InterpolationMethod, ModelError, PathEnergyLossConfig, TrainLog,
    Trainer, TrainingConfig, from_array,
};
use indicatif::ProgressBar;
use ndarray::{Array2, Array3, Array4, Axis, stack};
use serde::Serialize;

#[path = "support/interrupt.rs"]
mod interrupt;
#[path = "support/limits.rs"]
mod limits;
#[path = "support/obstacle.rs"]
mod obstacle;
#[path = "support/output.rs"]
mod output;
#[path = "support/pace.rs"]
mod pace;
mod support;
#[path = "support/two_images.rs"]
mod two_images;

use limits::{
    ABSOLUTE_FLOOR, LEARNING_RATE, MAX_EPOCHS, MAX_IMAGE_SIDE, MAX_STEPS, MAX_TRAINED_PIXELS, TAU,
    check_loss_weight, check_range, check_real, checked_product,
};
use obstacle::{read_sealed_obstacle_mask, with_obstacle_hint};
use output::{Output, refuse_replacing_inputs};
use pace::PaceGate;
use two_images::{
    PairScores, Training, decode_path, refuse_blank, score_pair, train, warn_about, write_json,
};

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
    /// Source weight τ of the unbalanced path energy (with --unbalanced).
    #[arg(
        long,
        default_value_t = 1.0,
        allow_hyphen_values = true,
        requires = "unbalanced"
    )]
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
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    alpha: f64,
    /// Weight β of MassLoss.
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    beta: f64,
    /// Time steps T of the path (T + 1 frames).
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// Side of the square energy grid the frames are downsampled to.
    #[arg(long, default_value_t = 32)]
    energy_size: usize,
    /// Density floor ε: pixel values (in [0, 1]) below it are raised to it before the frames are
    /// rescaled to unit mass and measured.
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    epsilon: f64,
    /// Adam learning rate.
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
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

impl Method {
    /// The method's animation, beside its folder in `--out`.
    fn gif(&self) -> String {
        format!("{}.gif", self.key)
    }
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

/// One method's training run: its decoded path between the two images, its loss history and
/// its cost.
struct Trained {
    path: Array4<f64>,
    history: Vec<TrainLog>,
    seconds_per_step: f64,
}

/// `metrics.json`.
#[derive(Serialize)]
struct Report {
    path_energy: Scores,
    plain: Scores,
    /// J of the exact geodesic (the embedded problem only).
    #[serde(skip_serializing_if = "Option::is_none")]
    exact_path_energy: Option<f64>,
    steps: usize,
    epochs: usize,
    backend: String,
    seconds_total: f64,
}

/// The metrics of one method's decoded path, against the exact path when there is one.
#[derive(Serialize)]
struct Scores {
    #[serde(flatten)]
    path: PairScores,
    seconds_per_step: f64,
}

fn main() -> ExitCode {
    interrupt::exit_code(run(&support::parse_args::<Args>()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    // Before the checks: reading, resizing and measuring the images can take a while, and a
    // signal then must stop the run with a message like one during training.
    interrupt::install()?;
    let Checked {
        problem,
        base,
        grid,
        measure,
    } = check(args)?;
    interrupt::check("checking the inputs")?;
    let output = Output::stage(&args.out)?;
    let out = output.dir();
    let device = args.backend.training_device()?;
    if let Some(note) = args.backend.speed_note() {
        support::print_to_stderr(&format!("note: {note}"));
    }
    let pair = stack(Axis(0), &[problem.source.view(), problem.target.view()])?;
    let images = from_array::<4>(pair.into_dyn().view(), &device)?;
    let mut runs = Vec::new();
    for method in &METHODS {
        let trained = train_method(args, out, method, &base, grid.as_ref(), &images, &device)
            .map_err(|e| with_obstacle_hint(e, args.obstacle.as_deref()))
            .and_then(|run| {
                refuse_blank(method.title, run.path.view(), args.learning_rate).map(|()| run)
            });
        match trained {
            Ok(run) => runs.push(run),
            Err(error) => return Err(output.fail_keeping_checkpoints(error)),
        }
    }

    let mut rows_of_grid: Vec<_> = problem.exact.iter().map(|e| e.view()).collect();
    rows_of_grid.extend(runs.iter().map(|r| r.path.view()));
    write_png_grid(&out.join("interpolation.png"), &rows_of_grid, 1)?;
    write_loss_plot(&out.join("loss.png"), &runs)?;
    let exact_path_energy = match &problem.exact {
        Some(exact) => Some(measure.measure(exact.view())?.energy),
        None => None,
    };
    // The default measure has a relative floor of 1e-6, which can always be raised.
    let floor_check = FloorCheck::new(&measure)?.ok_or("the measure has no floor to check")?;
    let score = |run: &Trained| scores(run, &problem, &measure, &floor_check);
    let report = Report {
        path_energy: score(&runs[0])?,
        plain: score(&runs[1])?,
        exact_path_energy,
        steps: args.steps,
        epochs: args.epochs,
        backend: args.backend.to_string(),
        seconds_total: started.elapsed().as_secs_f64(),
    };
    write_json(&out.join("metrics.json"), &report)?;
    for (method, scores) in METHODS.iter().zip([&report.path_energy, &report.plain]) {
        warn_about(method.title, &scores.path);
    }
    if let Err(stopped) = interrupt::check("scoring the trained methods") {
        return Err(output.fail_keeping_checkpoints(stopped));
    }
    output.publish()?;
    support::print(&serde_json::to_string_pretty(&report)?)?;
    support::print(&format!("wrote {}", args.out.display()))?;
    Ok(())
}

/// A run whose two trainings will take longer than this says so once its first epochs have set
/// the pace (probe 20: `--steps 64` trained for minutes without a word under the 10-minute
/// threshold this replaced). Half a minute of training, because decoding, scoring and the
/// files come on top (probe 21: `--size 512 --epochs 2`, estimated at 45 s, ran for 63 s).
const LONG_RUN_SECONDS: f64 = 30.0;

/// Epochs timed before the pace is trusted (the first pays for warm-up).
const PACED_EPOCHS: usize = 5;

/// The plain autoencoder's step over the path energy's: 0.025 s against 0.054 at the defaults
/// (docs/paper.md, `paper boundary`).
const PLAIN_SHARE: f64 = 0.5;

/// Notes, above the progress bar, when `--epochs` epochs of both trainings at the pace of the
/// path energy's first epochs (`seconds` for `epoch` of them) exceed [`LONG_RUN_SECONDS`].
fn note_if_long(bar: &ProgressBar, args: &Args, gate: &mut PaceGate, epoch: usize, seconds: f64) {
    let Some(per_epoch) = gate.judge(epoch, args.epochs, seconds) else {
        return;
    };
    let estimate = per_epoch * args.epochs as f64 * (1.0 + PLAIN_SHARE);
    if estimate > LONG_RUN_SECONDS {
        bar.suspend(|| {
            support::print_to_stderr(&format!(
                "note: at the pace of its {} ({per_epoch:.2} s each) the path energy's {} epochs and the plain autoencoder's will train for about {:.1} min together: lower --epochs, --size, --energy-size or --steps to shorten it",
                pace::timed(epoch, "epoch"),
                args.epochs,
                estimate / 60.0
            ))
        });
    }
}

/// What a run needs, every part checked before anything is written.
struct Checked {
    problem: Problem,
    base: TrainingConfig,
    grid: Option<Grid>,
    measure: PathMeasure,
}

/// Reads and checks the flags, the images and the obstacle, and builds the measure.
fn check(args: &Args) -> Result<Checked, Box<dyn Error>> {
    check_flags(args)?;
    refuse_replacing_own_inputs(args)?;
    let problem = load_problem(args)?;
    check_problem(args, &problem)?;
    let (channels, rows, cols) = problem.source.dim();
    check_trained_pixels(args, channels, rows, cols)?;
    let base = training_config(args, channels)?;
    base.check_image_size(rows, cols)?;
    let grid = problem
        .obstacles
        .as_ref()
        .map(|mask| obstacle_grid(mask, &base))
        .transpose()
        .map_err(|e| with_obstacle_hint(e, args.obstacle.as_deref()))?;
    // The decoded paths are measured as every binary measures paths (dotae_metrics::PathMeasure,
    // relative floor), not through the training bridge and its ε; building the measure before
    // any training also checks τ and the grid.
    let measure = PathMeasure::new(
        measure_config(&base),
        problem.obstacles.as_ref().map(|mask| mask.view()),
    )?;
    if let Some(mask) = &problem.obstacles {
        check_obstacles(args, mask, &problem, &base)?;
    }
    // Measuring the cross-dissolve finds, before any training, endpoints the measure refuses
    // (an obstacle that walls off unequal masses, for one).
    let dissolve = cross_dissolve_pairs(
        problem.source.clone().insert_axis(Axis(0)).view(),
        problem.target.clone().insert_axis(Axis(0)).view(),
        args.steps,
    )?;
    measure
        .measure(dissolve.index_axis(Axis(0), 0))
        .map_err(|e| match (&args.obstacle, walled_off_shares(&e, args.steps)) {
            (Some(file), Some((region, cells, source, target))) => format!(
                "--obstacle {} walls off a region of {cells} cells (region {region}) that holds {source:.4} of the source's mass but {target:.4} of the target's: mass cannot cross a wall, so every walled-off region must hold the same share of both images; move the wall or the mass",
                file.display()
            )
            .into(),
            _ => with_obstacle_hint(e.into(), args.obstacle.as_deref()),
        })?;
    Ok(Checked {
        problem,
        base,
        grid,
        measure,
    })
}

/// Trains `method` (the path energy, or the plain autoencoder: α = β = 0, same seed, schedule
/// and architecture) and decodes its interpolation; writes its config, checkpoint, path and GIF.
fn train_method(
    args: &Args,
    out: &Path,
    method: &Method,
    base: &TrainingConfig,
    grid: Option<&Grid>,
    images: &Tensor<4>,
    device: &Device,
) -> Result<Trained, Box<dyn Error>> {
    let config = match method.regularised {
        true => base.clone(),
        false => base.clone().with_alpha(0.0).with_beta(0.0),
    };
    let dir = out.join(method.key);
    std::fs::create_dir_all(&dir)?;
    write_json(&dir.join("config.json"), &config)?;
    let mut trainer = match grid {
        Some(grid) if config.alpha > 0.0 => {
            Trainer::with_energy_grid(config, grid.clone(), device)?
        }
        _ => Trainer::new(config, device)?,
    };
    let clock = Instant::now();
    let checkpoint = dir.join("model.bpk");
    let training = Training {
        title: method.title,
        epochs: args.epochs,
        checkpoint_every: args.checkpoint_every,
        checkpoint: &checkpoint,
        pinned: 0,
    };
    let mut gate = PaceGate::new(PACED_EPOCHS);
    let history = train(&mut trainer, images, &training, |bar, epoch, seconds, _| {
        if method.regularised {
            note_if_long(bar, args, &mut gate, epoch, seconds);
        }
        Ok(())
    })?;
    let seconds_per_step = clock.elapsed().as_secs_f64() / trainer.steps_taken().max(1) as f64;
    let path = decode_path(&trainer, images, 0, 1, args.steps)?;
    write_npy(&dir.join("path.npy"), &path)?;
    write_gif(&out.join(method.gif()), path.view(), 120, 4)?;
    Ok(Trained {
        path,
        history,
        seconds_per_step,
    })
}

/// The metrics of one trained method's path, against the exact path when there is one.
fn scores(
    run: &Trained,
    problem: &Problem,
    measure: &PathMeasure,
    floor_check: &FloorCheck,
) -> Result<Scores, Box<dyn Error>> {
    Ok(Scores {
        path: score_pair(
            run.path.view(),
            problem.source.view(),
            problem.target.view(),
            problem.exact.as_ref().map(|e| e.view()),
            measure,
            floor_check,
        )?,
        seconds_per_step: run.seconds_per_step,
    })
}

/// The smallest image side: a multiple of 8 (the autoencoder's 3 halvings) that holds the
/// 11×11 window of the adjacent-frame SSIM the run reports.
const SMALLEST_SIDE: usize = 16;

/// The coarsest energy grid, `--energy-size`: the default disks' radius is 3 px of 32.
const MIN_ENERGY_SIDE: usize = 8;

/// The flags' ranges, before anything is read or written.
fn check_flags(args: &Args) -> Result<(), Box<dyn Error>> {
    if let Some(size) = args.size {
        check_range("--size", size, SMALLEST_SIDE, MAX_IMAGE_SIDE)?;
    }
    check_range("--steps", args.steps, 2, MAX_STEPS)?;
    check_range("--epochs", args.epochs, 1, MAX_EPOCHS)?;
    check_range("--checkpoint-every", args.checkpoint_every, 1, usize::MAX)?;
    if args.energy_size < MIN_ENERGY_SIDE {
        return Err(format!(
            "--energy-size {} is below {MIN_ENERGY_SIDE}: on so coarse a grid a fade and a motion cost alike (probe 24: at 2 the plain autoencoder's cross-dissolve scored 1.86× the exact path's energy, against 10^5× on 32x32), so the scores would not tell the two runs apart",
            args.energy_size
        )
        .into());
    }
    check_range(
        "--energy-size",
        args.energy_size,
        MIN_ENERGY_SIDE,
        MAX_IMAGE_SIDE,
    )?;
    check_real("--learning-rate", args.learning_rate, &LEARNING_RATE)?;
    check_loss_weight("--alpha", args.alpha)?;
    // `-0` too: the run would label the plain autoencoder's training "path energy" (probe 11).
    if args.alpha == 0.0 {
        return Err(
            "--alpha 0 trains the path-energy run without its path energy, as the plain autoencoder it is compared with: give a weight above 0"
                .into(),
        );
    }
    check_loss_weight("--beta", args.beta)?;
    check_real("--epsilon", args.epsilon, &ABSOLUTE_FLOOR)?;
    if args.unbalanced {
        check_real("--tau", args.tau, &TAU)?;
    }
    Ok(())
}

/// The images must fit the autoencoder and the energy grid and carry mass, and ε must lie
/// below their mean brightness: a floor at or above it would flatten them and measure nothing.
fn check_problem(args: &Args, problem: &Problem) -> Result<(), Box<dyn Error>> {
    let (_, rows, cols) = problem.source.dim();
    let images = match &args.source {
        Some(file) => format!("--source {}", file.display()),
        None => "the embedded images".into(),
    };
    // The autoencoder halves the images at each of its 3 blocks.
    if rows % 8 != 0 || cols % 8 != 0 || rows < SMALLEST_SIDE || cols < SMALLEST_SIDE {
        let rule = format!(
            "the autoencoder needs both sides to be multiples of 8, and the scores' 11x11 SSIM window at least {SMALLEST_SIDE}"
        );
        return Err(match args.size {
            Some(size) => format!(
                "--size {size} resizes {images} to {rows}x{cols}, but {rule}: use e.g. --size 32"
            ),
            None => {
                format!("{images}: {rows}x{cols} pixels, but {rule}: pass --size, e.g. --size 32")
            }
        }
        .into());
    }
    // Probe 12: 32x48 images measured on the square grid were squashed along their longer
    // side, and their reported energy was half of what `path_energy` measures on the path.
    if rows != cols {
        return Err(format!(
            "{images}: {rows}x{cols} pixels, but the energy grid is square (--energy-size) and would squash the longer side: crop the images to a square, or pass --size to resample both to one, e.g. --size 32"
        )
        .into());
    }
    if args.energy_size > rows.min(cols) {
        return Err(format!(
            "--energy-size {} is larger than the images ({rows}x{cols}, {images}): the energy grid must fit the images (lower --energy-size or raise --size)",
            args.energy_size
        )
        .into());
    }
    let apart = problem
        .source
        .iter()
        .zip(&problem.target)
        .fold(0.0f64, |most, (a, b)| most.max((a - b).abs()));
    if apart < STILL_BELOW {
        return Err(format!(
            "--source and --target are the same image{} (no pixel differs by half an 8-bit gray level): there is nothing to interpolate",
            match (&args.source, &args.target) {
                (Some(source), Some(target)) =>
                    format!(" ({} and {})", source.display(), target.display()),
                _ => String::new(),
            }
        )
        .into());
    }
    let named = [
        ("--source", &args.source, &problem.source),
        ("--target", &args.target, &problem.target),
    ];
    for (flag, file, image) in named {
        let name = file
            .as_ref()
            .map_or("(embedded)".into(), |f| f.display().to_string());
        for (c, channel) in image.outer_iter().enumerate() {
            let mean = channel.mean().unwrap_or(0.0);
            if mean <= 0.0 {
                return Err(format!(
                    "{flag} {name}: channel {c} has no mass (every pixel is 0): an image must carry mass to be transported"
                )
                .into());
            }
            if args.epsilon >= mean {
                return Err(format!(
                    "--epsilon {} is at or above the mean brightness {mean:.3e} of {flag} {name} (channel {c}): the floor would flatten the image; use a value well below it",
                    args.epsilon
                )
                .into());
            }
        }
    }
    refuse_same_density(problem, &images, args.target.as_deref())
}

/// Densities whose unit-mass versions differ by less than this in L1 (total variation, of 2 at
/// most) are one density.
const SAME_DENSITY_BELOW: f64 = 1e-3;

/// Every score measures frames rescaled to unit mass, so two images that differ only in
/// brightness (probe 23: a disk at 255 and at 128; a white and a gray square) measure a still
/// path: their energy is 0 whatever the network learns.
fn refuse_same_density(
    problem: &Problem,
    images: &str,
    target: Option<&Path>,
) -> Result<(), Box<dyn Error>> {
    for (source, goal) in problem.source.outer_iter().zip(problem.target.outer_iter()) {
        let (source_mass, goal_mass) = (source.sum(), goal.sum());
        let apart: f64 = source
            .iter()
            .zip(goal.iter())
            .map(|(a, b)| (a / source_mass - b / goal_mass).abs())
            .sum();
        if apart >= SAME_DENSITY_BELOW {
            return Ok(());
        }
    }
    let target = target.map_or(String::new(), |t| format!(" and --target {}", t.display()));
    Err(format!(
        "{images}{target} differ only in brightness: once each is rescaled to unit mass, as every score measures them, they are one density (L1 distance below {SAME_DENSITY_BELOW}), so there is no mass to move and every path measures energy 0; use two images whose mass lies in different places"
    )
    .into())
}

/// The files a run writes at the top of `--out`; each method's files go into a folder named
/// by its key.
const WRITTEN_FILES: [&str; 3] = ["interpolation.png", "loss.png", "metrics.json"];

/// Refuses an input (`--source`, `--target`, `--obstacle`) that the run's output would replace
/// (probe 9: both images sat in `--out` as `loss.png` and `interpolation.png`, and were lost).
fn refuse_replacing_own_inputs(args: &Args) -> Result<(), Box<dyn Error>> {
    let inputs: Vec<(&str, &Path)> = [
        ("--source", &args.source),
        ("--target", &args.target),
        ("--obstacle", &args.obstacle),
    ]
    .into_iter()
    .filter_map(|(flag, file)| Some((flag, file.as_deref()?)))
    .collect();
    refuse_replacing_inputs(&inputs, &args.out, |inside| {
        WRITTEN_FILES.iter().any(|name| inside == Path::new(name))
            || METHODS
                .iter()
                .any(|m| inside.starts_with(m.key) || inside == Path::new(&m.gif()))
    })
}

/// From the measure's refusal of the cross-dissolve in `steps` steps, the walled-off region
/// whose mass it found unequal: `(region, cells, source share, target share)` of the unit
/// masses. The dissolve's first step carries `1/steps` of the difference between the images.
fn walled_off_shares(error: &MetricsError, steps: usize) -> Option<(usize, usize, f64, f64)> {
    let MetricsError::Energy { source, .. } = error else {
        return None;
    };
    let mut error: &EnergyError = source;
    loop {
        match error {
            EnergyError::MassNotConserved {
                step: 0,
                region,
                cells,
                imbalance,
                mass,
                ..
            } => {
                let source_share = mass + imbalance / 2.0;
                return Some((
                    *region,
                    *cells,
                    source_share,
                    source_share - imbalance * steps as f64,
                ));
            }
            EnergyError::InPath { source, .. } => error = source.as_ref(),
            _ => return None,
        }
    }
}

/// The path trained on, `(--steps + 1)` frames of `channels × rows × cols`, within
/// [`MAX_TRAINED_PIXELS`]: every step decodes and differentiates all of it.
fn check_trained_pixels(
    args: &Args,
    channels: usize,
    rows: usize,
    cols: usize,
) -> Result<(), Box<dyn Error>> {
    match checked_product(&[args.steps + 1, rows, cols, channels]) {
        Some(pixels) if pixels <= MAX_TRAINED_PIXELS => Ok(()),
        _ => Err(format!(
            "--steps {} with {rows}x{cols} images of {channels} channel(s) (--size, --rgb) makes a path of {} frames to decode and differentiate at every step, more than {MAX_TRAINED_PIXELS} pixels in all (about 1.5 GB): lower --steps or --size",
            args.steps,
            args.steps + 1
        )
        .into()),
    }
}

/// No image may hold mass on an obstacle: measuring would silently discard it.
fn check_obstacles(
    args: &Args,
    mask: &Array2<bool>,
    problem: &Problem,
    config: &TrainingConfig,
) -> Result<(), Box<dyn Error>> {
    let (_, rows, cols) = problem.source.dim();
    let grid = Grid::with_obstacles(rows, cols, config.energy.boundary, mask.view())?;
    let obstacle = args.obstacle.as_deref().unwrap_or(Path::new("")).display();
    for (flag, image) in [("--source", &problem.source), ("--target", &problem.target)] {
        for (c, channel) in image.outer_iter().enumerate() {
            let lost = mass_on_obstacles(&grid, channel)?;
            if lost > 0.0 {
                let share = lost / channel.sum();
                return Err(format!(
                    "--obstacle {obstacle} covers mass of {flag} (channel {c}): {lost:.4} of its mass ({:.1}%) lies on obstacle pixels and would be discarded; obstacles must lie where the images are empty",
                    100.0 * share
                )
                .into());
            }
        }
    }
    // The translation is the geodesic only while it crosses no wall (probe 14: its scores were
    // reported against a path through the obstacle).
    for (t, frame) in problem
        .exact
        .iter()
        .flat_map(|e| e.outer_iter().enumerate())
    {
        for channel in frame.outer_iter() {
            if mass_on_obstacles(&grid, channel)? > 0.0 {
                return Err(format!(
                    "--obstacle {obstacle} lies on the built-in problem's exact path (frame {t}): with a wall across it the straight translation is no longer the geodesic the scores compare with; move the walls off the disk's way, or give --source and --target (scored without an exact path)"
                )
                .into());
            }
        }
    }
    Ok(())
}

fn load_problem(args: &Args) -> Result<Problem, Box<dyn Error>> {
    let mut problem = match (&args.source, &args.target) {
        (Some(source), Some(target)) => {
            let (source, target) = read_pair(args, source, target)?;
            Problem {
                source,
                target,
                exact: None,
                obstacles: None,
            }
        }
        _ => embedded_problem(args)?,
    };
    if let Some(path) = &args.obstacle {
        let images: Vec<_> = problem
            .source
            .outer_iter()
            .chain(problem.target.outer_iter())
            .collect();
        problem.obstacles = Some(read_sealed_obstacle_mask(path, args.boundary, &images)?);
    }
    Ok(problem)
}

fn channels(args: &Args) -> Channels {
    match args.rgb {
        true => Channels::Rgb,
        false => Channels::Gray,
    }
}

/// The user's two images, which must have one size.
fn read_pair(
    args: &Args,
    source: &Path,
    target: &Path,
) -> Result<(Array3<f64>, Array3<f64>), Box<dyn Error>> {
    let size = args.size.map(|n| [n, n]);
    let a = read_image(source, channels(args), size)?;
    let b = read_image(target, channels(args), size)?;
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
    Ok((a, b))
}

/// The embedded disk problem and its exact geodesic, the same disk in every channel for RGB.
fn embedded_problem(args: &Args) -> Result<Problem, Box<dyn Error>> {
    let disks = DiskProblem::corner_to_corner(args.size.unwrap_or(32));
    let exact = disks.exact_path(args.steps)?;
    let (source, target) = (disks.source()?, disks.target()?);
    let (frames, _, rows, cols) = exact.dim();
    let channels = if args.rgb { 3 } else { 1 };
    let widen = |a: &Array3<f64>| a.broadcast((channels, rows, cols)).map(|v| v.to_owned());
    Ok(Problem {
        source: widen(&source).ok_or("the disk image is one channel")?,
        target: widen(&target).ok_or("the disk image is one channel")?,
        exact: exact
            .broadcast((frames, channels, rows, cols))
            .map(|v| v.to_owned()),
        obstacles: None,
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

fn write_loss_plot(path: &Path, runs: &[Trained]) -> Result<(), Box<dyn Error>> {
    let series_of = |name: &str, history: &[TrainLog], term: &str| Series {
        name: name.to_string(),
        values: history
            .iter()
            .map(|log| log.term(term).unwrap_or(f64::NAN))
            .collect(),
    };
    let series = vec![
        series_of("path energy: total loss", &runs[0].history, "loss"),
        series_of("path energy: BCE", &runs[0].history, "reconstruction"),
        series_of("plain AE: BCE", &runs[1].history, "reconstruction"),
    ];
    write_line_plot(path, "training loss per step", &series, true, 720, 420)?;
    Ok(())
}
