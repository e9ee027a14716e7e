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
use dotae::models::{AutoencoderConfig, Backend, InterpolationMethod, from_array};
use ndarray::{Array4, ArrayView4, Axis, stack};
use serde_json::{Value, json};

#[path = "support/experiment.rs"]
mod experiment;
mod support;

use experiment::{MethodName, Schedule, build, decode_paths, selected, train, write_losses};

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
    /// Methods to train; `all` runs every one.
    #[arg(long, value_enum, num_args = 1.., default_values_t = [MethodName::All])]
    method: Vec<MethodName>,
    /// Random line images to train on. The defaults are a small CPU budget.
    #[arg(long, default_value_t = 1024)]
    train_size: usize,
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    #[arg(long, default_value_t = 64)]
    batch_size: usize,
    /// Test pairs of angles (the same for every method).
    #[arg(long, default_value_t = 100)]
    test_pairs: usize,
    /// Weight α of the path energy.
    #[arg(long, default_value_t = 1e-3)]
    alpha: f64,
    /// Time steps T of the regularised paths during training.
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// Path-energy pairs per batch.
    #[arg(long, default_value_t = 9)]
    pairs: usize,
    /// Source weight τ of the unbalanced path energy; balanced when omitted.
    #[arg(long)]
    tau: Option<f64>,
    #[arg(long, default_value_t = 1e-3)]
    learning_rate: f64,
    #[arg(long, default_value = "flex")]
    backend: Backend,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[arg(long, default_value = "runs/lines")]
    out: PathBuf,
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
    let device = args.backend.training_device()?;
    let schedule = Schedule {
        model: AutoencoderConfig::new(),
        learning_rate: args.learning_rate,
        batch_size: args.batch_size,
        epochs: args.epochs,
        seed: args.seed,
        alpha: args.alpha,
        steps: args.steps,
        pairs: args.pairs,
        tau: args.tau,
    };
    let training = random_lines(SIZE, args.train_size, args.seed)?;
    let images: Tensor<4> = from_array(training.images.view().into_dyn(), &device)?;
    let pairs = line_pairs(args.test_pairs, args.seed.wrapping_add(1));
    let endpoint = |pick: fn(&(f64, f64)) -> f64| -> Result<Array4<f64>, Box<dyn Error>> {
        let images = pairs
            .iter()
            .map(|pair| line_image(SIZE, pick(pair)).map(|l| l.insert_axis(Axis(0))))
            .collect::<Result<Vec<_>, _>>()?;
        let views: Vec<_> = images.iter().map(|i| i.view()).collect();
        Ok(stack(Axis(0), &views)?)
    };
    let (sources, targets) = (endpoint(|p| p.0)?, endpoint(|p| p.1)?);
    let bank = line_bank(SIZE, BANK)?;
    let scorer = LinesBank::new(bank.images.view(), &bank.angles)?;

    let truth: Vec<Array4<f64>> = pairs
        .iter()
        .take(SHOWN)
        .map(|&(from, to)| line_path(SIZE, from, to, LINE_FRAMES))
        .collect::<Result<_, _>>()?;
    let mut picture: Vec<Vec<Array4<f64>>> = truth.into_iter().map(|t| vec![t]).collect();
    let mut results = Vec::new();
    for name in selected(&args.method) {
        let mut method: Box<dyn InterpolationMethod> = build(name, &schedule, &device)?;
        let dir = args.out.join(method.name());
        std::fs::create_dir_all(&dir)?;
        let clock = Instant::now();
        let logs = train(method.as_mut(), &images, &schedule)?;
        let seconds = clock.elapsed().as_secs_f64();
        write_losses(&dir.join("loss.png"), method.name(), &logs)?;
        let paths = decode_paths(
            method.as_ref(),
            &sources,
            &targets,
            LINE_FRAMES - 1,
            &device,
        )?;
        write_npy(&dir.join("paths.npy"), &paths)?;
        let score = scorer.score(paths.view())?;
        for (rows, path) in picture.iter_mut().zip(paths.outer_iter()) {
            rows.push(path.to_owned());
        }
        results.push(json!({
            "method": method.name(),
            "steps": method.steps_taken(),
            "train_seconds": seconds,
            "seconds_per_step": seconds / method.steps_taken().max(1) as f64,
            "mean_distance": score.mean_distance,
            "smoothness": score.smoothness,
            "smoothness_skipped": score.skipped,
        }));
    }
    let rows: Vec<ArrayView4<f64>> = picture.iter().flatten().map(|p| p.view()).collect();
    write_png_grid(&args.out.join("interpolations.png"), &rows, 1)?;
    let report = json!({
        "train_images": args.train_size,
        "test_pairs": args.test_pairs,
        "frames": LINE_FRAMES,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "backend": args.backend.to_string(),
        "seed": args.seed,
        "seconds_total": started.elapsed().as_secs_f64(),
        "methods": results,
    });
    std::fs::write(
        args.out.join("results.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    std::fs::write(args.out.join("results.md"), markdown_table(&results))?;
    println!("{}", markdown_table(&results));
    println!("wrote {}", args.out.display());
    Ok(())
}

fn markdown_table(results: &[Value]) -> String {
    let mut table = String::from(
        "| method | Mean Distance | Smoothness (paths skipped) | s/step |\n| --- | --- | --- | --- |\n",
    );
    for r in results {
        // Smoothness is undefined for a path whose frames all retrieve one line.
        let smoothness = match r["smoothness"].as_f64() {
            Some(value) => format!("{value:.3}"),
            None => "undefined".into(),
        };
        table.push_str(&format!(
            "| {} | {:.3e} | {} ({} skipped) | {:.3} |\n",
            r["method"].as_str().unwrap_or("?"),
            r["mean_distance"].as_f64().unwrap_or(f64::NAN),
            smoothness,
            r["smoothness_skipped"].as_u64().unwrap_or(0),
            r["seconds_per_step"].as_f64().unwrap_or(f64::NAN),
        ));
    }
    table
}
