//! AEAI's pole-and-shadow benchmark for every method: train on 80 % of the paper's 576 scenes
//! (8 light elevations × 72 azimuths, a random split), interpolate the same test intervals of
//! the light's azimuth with each method, and score them against the true scenes: MSE per α,
//! the α of the nearest scene (median, IQR and Spearman's ρ with the true α), and the path
//! energy against the cross-dissolve and against the true path.
//!
//! ```text
//! cargo run --release --example pole -- --method all
//! cargo run --release --example pole -- --quick
//! ```
//!
//! The scenes are rendered in closed form (`dotae_data::pole`), not in Unity as in the paper;
//! docs/experiments.md says where they differ. Writes to `--out` what every comparison writes
//! (see `mnist`), with `exact.npy`, the true paths, and `intervals.json`, their endpoint lights
//! (`evaluate paths.npy --benchmark pole --intervals intervals.json` re-scores a method's paths
//! against the same truth).

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use dotae::data::SeededRng;
use dotae::data::pole::{PoleDataset, PoleParams, pole_path};
use dotae::models::AutoencoderConfig;
use dotae::models::shuffled_order;
use ndarray::{Array4, Axis, stack};
use serde::Serialize;

#[path = "support/experiment.rs"]
mod experiment;
#[path = "support/pole_scoring.rs"]
mod pole_scoring;
mod support;

use experiment::{
    Budget, CommonArgs, Experiment, MethodRow, Paces, Regulariser, TestPaths, results_table,
};
use pole_scoring::{INTERVALS_FILE, Intervals, PoleScores, pole_scenes, pole_scores};

/// Image side (the paper renders larger scenes; see docs/experiments.md).
const SIZE: usize = 32;
/// Azimuth steps of 5° per test interval: 16 frames spanning 75°.
const INTERVAL_STEPS: usize = 15;
/// The grid's azimuth spacing, in degrees.
const AZIMUTH_STEP: f64 = 5.0;

/// Seconds per step of each method on the full budget (docs/experiments.md, pole, "The
/// defaults timed quiet with the current kernels"), which the long-run note scales by a run's
/// own pace.
const PACES: Paces = Paces {
    baseline: 0.151,
    vae: 0.149,
    acai: 0.416,
    aeai: 0.599,
    path_energy: 0.276,
};

#[derive(Parser, Debug)]
#[command(
    about = "AEAI's pole-and-shadow benchmark: train each method on the scenes and score its interpolations."
)]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    /// Output directory. The run's files (results.json, pictures, a folder per method) appear
    /// there only when it succeeds, replacing files of the same names; others are left as they are.
    #[arg(long, default_value = "runs/pole")]
    out: PathBuf,
}

const FULL: Budget = Budget::full(460, 40, 32, 1e-3);

/// Balanced transport: the scenes differ only by where the shadow lies, not by its mass.
const REGULARISER: Regulariser = Regulariser::new(1e-3, 10, None);

fn main() -> ExitCode {
    experiment::interrupt::exit_code(run(&support::parse_args::<Args>()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let seed = args.common.seed;
    let scenes = pole_scenes(SIZE)?;
    let budget = args.common.budget(FULL, training_scenes(&scenes))?;
    let train = training_split(&scenes, budget.train_size, seed);
    let (sources, targets) = test_intervals(&scenes, budget.test_pairs, seed)?;
    let test = test_paths(&sources, &targets)?;
    let schedule = args
        .common
        .schedule(budget, AutoencoderConfig::new(), REGULARISER, PACES);
    let experiment = Experiment::new(&args.common, schedule, &args.out)?;
    experiment.write_json(INTERVALS_FILE, &Intervals::new(&sources, &targets))?;
    let methods = experiment.compare(&train, &test, |_, paths| {
        pole_scores(paths, &sources, &targets, &scenes)
    })?;
    let data = Data {
        scenes: scenes.params.len(),
        train_scenes: train.len_of(Axis(0)),
        interval_deg: INTERVAL_STEPS as f64 * AZIMUTH_STEP,
        frames: INTERVAL_STEPS + 1,
    };
    experiment.finish(data, &methods, &table(&methods))
}

/// The first `count` scenes (at most 80 % of them, AEAI's split) of a seeded shuffle.
fn training_split(scenes: &PoleDataset, count: usize, seed: u64) -> Array4<f64> {
    let n = scenes.params.len();
    let order = shuffled_order(n, &mut SeededRng::stream(seed, "pole split"));
    scenes
        .images
        .select(Axis(0), &order[..count.min(training_scenes(scenes))])
}

/// The scenes of the training split: four fifths of the grid.
fn training_scenes(scenes: &PoleDataset) -> usize {
    scenes.params.len() * 4 / 5
}

/// `count` intervals of the light's azimuth at one elevation, each `INTERVAL_STEPS` grid steps
/// long, starting at distinct grid lights of a seeded shuffle, so no interval is scored twice.
fn test_intervals(
    scenes: &PoleDataset,
    count: usize,
    seed: u64,
) -> Result<(Vec<PoleParams>, Vec<PoleParams>), String> {
    let lights = scenes.params.len();
    if count > lights {
        return Err(format!(
            "--test-pairs {count}: the pole grid has {lights} lights, one per test interval"
        ));
    }
    let order = shuffled_order(lights, &mut SeededRng::stream(seed, "pole test intervals"));
    Ok(order[..count]
        .iter()
        .map(|&start| {
            let from = scenes.params[start];
            let to = PoleParams {
                azimuth_deg: (from.azimuth_deg + INTERVAL_STEPS as f64 * AZIMUTH_STEP) % 360.0,
                ..from
            };
            (from, to)
        })
        .unzip())
}

fn test_paths(sources: &[PoleParams], targets: &[PoleParams]) -> Result<TestPaths, Box<dyn Error>> {
    let paths = sources
        .iter()
        .zip(targets)
        .map(|(&from, &to)| pole_path(SIZE, from, to, INTERVAL_STEPS + 1).map(|(p, _)| p))
        .collect::<Result<Vec<_>, _>>()?;
    let views: Vec<_> = paths.iter().map(|p| p.view()).collect();
    Ok(TestPaths::from_exact(stack(Axis(0), &views)?))
}

fn table(rows: &[MethodRow<PoleScores>]) -> String {
    let columns = ["MSE to truth", "retrieved α: Spearman ρ"];
    results_table(rows, &columns, |s| {
        let rho = s.retrieved_alpha_spearman;
        vec![
            format!("{:.2e} ± {:.1e}", s.mse.mean, s.mse.std),
            rho.map_or("undefined".into(), |rho| format!("{rho:.3}")),
        ]
    })
}

/// The data set, in `results.json`.
#[derive(Serialize)]
struct Data {
    scenes: usize,
    train_scenes: usize,
    interval_deg: f64,
    frames: usize,
}
