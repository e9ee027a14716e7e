//! The ACAI lines benchmark for every method: train on random 32×32 line images, interpolate
//! the same random test pairs of angles with each method (16 frames), and score them with the
//! one lines metric code (Mean Distance to the nearest of 10 000 true lines, Smoothness).
//!
//! ```text
//! cargo run --release --example lines -- --method all
//! cargo run --release --example lines -- --method acai path-energy --epochs 20
//! ```
//!
//! Writes to `--out`: `interpolations.png` (the true rotation, then one row per method, for
//! each of the first pairs), `<method>/paths.npy`, `<method>/loss.png`, `results.json` and
//! `results.md`.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use dotae::data::lines::{LINE_FRAMES, line_bank, line_image, line_pairs, line_path, random_lines};
use dotae::data::{write_npy, write_png_grid};
use dotae::metrics::LinesBank;
use dotae::models::burn::prelude::*;
use dotae::models::from_array;
use ndarray::{Array4, ArrayView4, Axis, stack};
use serde::Serialize;

#[path = "support/experiment.rs"]
mod experiment;
mod support;

use experiment::{CommonArgs, MethodRow, compare, decode_paths, markdown_table, write_results};

/// Image side of the benchmark (ACAI's).
const SIZE: usize = 32;
/// Reference lines the metrics retrieve from (docs/design.md).
const BANK: usize = 10_000;
/// Pairs drawn in the picture, each as the true rotation and one row per method.
const SHOWN: usize = 3;

#[derive(Parser, Debug)]
#[command(
    about = "The ACAI lines benchmark: train each method on line images and score its interpolations."
)]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    /// Random line images to train on. The defaults are a small CPU budget.
    #[arg(long, default_value_t = 1024)]
    train_size: usize,
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    /// Test pairs of angles (the same for every method).
    #[arg(long, default_value_t = 100)]
    test_pairs: usize,
    /// Time steps T of the regularised paths during training.
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// Source weight τ of the unbalanced path energy; balanced when omitted.
    #[arg(long)]
    tau: Option<f64>,
    #[arg(long, default_value = "runs/lines")]
    out: PathBuf,
}

/// The data set, in `results.json`.
#[derive(Serialize)]
struct Data {
    train_images: usize,
    test_pairs: usize,
    frames: usize,
}

/// The lines metrics of a method's test paths.
#[derive(Serialize)]
struct Scores {
    mean_distance: f64,
    /// `None` when every path's frames retrieve one line.
    smoothness: Option<f64>,
    smoothness_skipped: usize,
}

fn main() -> ExitCode {
    support::exit_code(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    if args.train_size == 0 || args.epochs == 0 || args.test_pairs == 0 {
        return Err("--train-size, --epochs and --test-pairs must be at least 1".into());
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create --out {}: {e}", args.out.display()))?;
    let seed = args.common.seed;
    let device = args.common.backend.training_device()?;
    let schedule = args.common.schedule(args.epochs, args.steps, args.tau);
    let training = random_lines(SIZE, args.train_size, seed)?;
    let images: Tensor<4> = from_array(training.images.view().into_dyn(), &device)?;
    let pairs = line_pairs(args.test_pairs, seed.wrapping_add(1));
    let (sources, targets) = (endpoints(&pairs, |p| p.0)?, endpoints(&pairs, |p| p.1)?);
    let bank = line_bank(SIZE, BANK)?;
    let scorer = LinesBank::new(bank.images.view(), &bank.angles)?;

    // For each shown pair: the true rotation, then one row per method.
    let mut picture: Vec<Vec<Array4<f64>>> = pairs
        .iter()
        .take(SHOWN)
        .map(|&(from, to)| line_path(SIZE, from, to, LINE_FRAMES).map(|t| vec![t]))
        .collect::<Result<_, _>>()?;
    let methods = compare(
        &args.common,
        &schedule,
        &images,
        &args.out,
        &device,
        |method, dir| {
            let paths = decode_paths(method, &sources, &targets, LINE_FRAMES - 1, &device)?;
            write_npy(&dir.join("paths.npy"), &paths)?;
            for (rows, path) in picture.iter_mut().zip(paths.outer_iter()) {
                rows.push(path.to_owned());
            }
            let score = scorer.score(paths.view())?;
            Ok(Scores {
                mean_distance: score.mean_distance,
                smoothness: score.smoothness,
                smoothness_skipped: score.skipped,
            })
        },
    )?;
    let rows: Vec<ArrayView4<f64>> = picture.iter().flatten().map(|p| p.view()).collect();
    write_png_grid(&args.out.join("interpolations.png"), &rows, 1)?;
    let table = table(&methods);
    let data = Data {
        train_images: args.train_size,
        test_pairs: args.test_pairs,
        frames: LINE_FRAMES,
    };
    let report = args.common.report(data, args.epochs, started, methods);
    write_results(&args.out, &report, &table)
}

/// One end of every test pair, as line images `(P, 1, SIZE, SIZE)`.
fn endpoints(
    pairs: &[(f64, f64)],
    pick: fn(&(f64, f64)) -> f64,
) -> Result<Array4<f64>, Box<dyn Error>> {
    let images = pairs
        .iter()
        .map(|pair| line_image(SIZE, pick(pair)).map(|l| l.insert_axis(Axis(0))))
        .collect::<Result<Vec<_>, _>>()?;
    let views: Vec<_> = images.iter().map(|i| i.view()).collect();
    Ok(stack(Axis(0), &views)?)
}

fn table(rows: &[MethodRow<Scores>]) -> String {
    let header = [
        "method",
        "Mean Distance",
        "Smoothness (paths skipped)",
        "s/step",
    ];
    markdown_table(
        &header,
        rows.iter().map(|r| {
            // Smoothness is undefined for a path whose frames all retrieve one line.
            let smoothness = match r.scores.smoothness {
                Some(value) => format!("{value:.3}"),
                None => "undefined".into(),
            };
            vec![
                r.method.clone(),
                format!("{:.3e}", r.scores.mean_distance),
                format!("{smoothness} ({} skipped)", r.scores.smoothness_skipped),
                format!("{:.3}", r.seconds_per_step),
            ]
        }),
    )
}
