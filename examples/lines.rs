//! ACAI's lines benchmark for every method: train on random 32×32 lines drawn by ACAI's own
//! renderer, interpolate the same random test pairs of angles with each method (16 frames), and
//! score them as ACAI's official evaluation does (Mean Distance to the nearest of 10 000 true
//! lines on ACAI's `[−1, 1]` range, Smoothness with undefined paths counted as 0), plus the path
//! energy against the cross-dissolve and against the true rotation.
//!
//! ```text
//! cargo run --release --example lines -- --method all
//! cargo run --release --example lines -- --method acai path-energy --epochs 20
//! cargo run --release --example lines -- --quick
//! ```
//!
//! The autoencoder has ACAI's lines latent, 16×2×2 (4 blocks). Writes to `--out` what every
//! comparison writes (see `mnist`), with `exact.npy`, the true rotations.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use dotae::data::SeededRng;
use dotae::data::lines::{LINE_FRAMES, LineBank, line_pairs, line_path, random_lines};
use dotae::data::{DataError, acai_line_path, random_acai_lines};
use dotae::models::AutoencoderConfig;
use ndarray::{Array4, Axis, stack};
use serde::Serialize;

#[path = "support/experiment.rs"]
mod experiment;
#[path = "support/lines_scoring.rs"]
mod lines_scoring;
mod support;

use experiment::{
    Budget, CommonArgs, Experiment, MethodRow, Paces, Regulariser, TestPaths, results_table,
};
use lines_scoring::{Lines, LinesScores};

/// Image side of the benchmark (ACAI's).
const SIZE: usize = 32;

const FULL: Budget = Budget::full(8192, 4, 64, 1e-3);

/// Balanced transport: a rotating line keeps its mass up to the renderer's variation.
const REGULARISER: Regulariser = Regulariser::new(1e-3, 10, None);

/// Seconds per step of each method on the full budget (docs/experiments.md, "The defaults
/// with subnormal gradients flushed" of lines), which the long-run note scales by a run's own
/// pace.
const PACES: Paces = Paces {
    baseline: 0.356,
    vae: 0.319,
    acai: 1.053,
    aeai: 1.036,
    path_energy: 0.493,
};

#[derive(Parser, Debug)]
#[command(
    about = "ACAI's lines benchmark: train each method on line images and score its interpolations."
)]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    /// Which lines to draw and score: ACAI's (the published benchmark) or dotae's exact tent
    /// lines (a variant; its numbers do not stand beside the published ones).
    #[arg(long, value_enum, default_value_t = Lines::Acai)]
    lines: Lines,
    /// Output directory. The run's files (results.json, pictures, a folder per method) appear
    /// there only when it succeeds, replacing files of the same names; others are left as they are.
    #[arg(long, default_value = "runs/lines")]
    out: PathBuf,
}

/// The most training lines drawn (`--train-size`): 2^16 images of 32×32 are 512 MiB as f64.
const MAX_TRAINING_LINES: usize = 1 << 16;

fn main() -> ExitCode {
    experiment::interrupt::exit_code(run(&support::parse_args::<Args>()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let stream = |name: &str| SeededRng::stream(args.common.seed, name).next_u64();
    let budget = args.common.budget(FULL, MAX_TRAINING_LINES)?;
    let lines = args.lines;
    let training = lines.random(SIZE, budget.train_size, stream("lines train"))?;
    let pairs = line_pairs(budget.test_pairs, stream("lines test pairs"));
    let test = test_paths(lines, &pairs)?;
    let scorer = lines.scorer(SIZE)?;
    let model = AutoencoderConfig::new().with_blocks(4);
    let schedule = args.common.schedule(budget, model, REGULARISER, PACES);
    let experiment = Experiment::new(&args.common, schedule, &args.out)?;
    let methods = experiment.compare(&training.images, &test, |_, paths| scorer.score(paths))?;
    let data = Data {
        train_images: budget.train_size,
        frames: LINE_FRAMES,
    };
    experiment.finish(data, &methods, &table(&methods))
}

/// The renderer of the chosen lines (the experiment's half of [`Lines`]; the scores are
/// shared with `evaluate`).
impl Lines {
    /// `count` lines at random angles, values in `[0, 1]`.
    pub fn random(self, size: usize, count: usize, seed: u64) -> Result<LineBank, DataError> {
        match self {
            Lines::Acai => random_acai_lines(size, count, seed),
            Lines::Dotae => random_lines(size, count, seed),
        }
    }

    /// The true rotation from `from` to `to` in `frames` frames.
    pub fn path(
        self,
        size: usize,
        from: f64,
        to: f64,
        frames: usize,
    ) -> Result<Array4<f64>, DataError> {
        match self {
            Lines::Acai => acai_line_path(size, from, to, frames),
            Lines::Dotae => line_path(size, from, to, frames),
        }
    }
}

/// The true rotations between the pairs of angles; their end frames are the test lines.
fn test_paths(lines: Lines, pairs: &[(f64, f64)]) -> Result<TestPaths, Box<dyn Error>> {
    let exact = pairs
        .iter()
        .map(|&(from, to)| lines.path(SIZE, from, to, LINE_FRAMES))
        .collect::<Result<Vec<_>, _>>()?;
    let views: Vec<_> = exact.iter().map(|p| p.view()).collect();
    Ok(TestPaths::from_exact(stack(Axis(0), &views)?))
}

fn table(rows: &[MethodRow<LinesScores>]) -> String {
    results_table(rows, &["Mean Distance", "Smoothness (defined)"], |s| {
        let smoothness = s
            .smoothness
            .map_or("undefined".into(), |v| format!("{v:.3}"));
        vec![
            format!("{:.3e}", s.mean_distance),
            format!("{smoothness} ({}/{})", s.smoothness_defined, s.scored_paths),
        ]
    })
}

/// The data set, in `results.json`.
#[derive(Serialize)]
struct Data {
    train_images: usize,
    frames: usize,
}
