//! The MNIST comparison of the main paper (its Figure 6 and Tables 1–2): every method trained
//! on the same digits with the same architecture, seed and schedule, then scored by one code
//! path — the same test pairs interpolated, adjacent-frame SSIM, a linear probe and k-means on
//! the latent codes.
//!
//! ```text
//! cargo run --release --example mnist -- --data ../shared/data/mnist --method all
//! cargo run --release --example mnist -- --method path-energy --epochs 20 --out runs/mnist-pe
//! ```
//!
//! Writes to `--out`: `interpolations.png` (for each test pair, one row per method),
//! `<method>/interpolations.png`, `<method>/paths.npy` `(pairs, frames, 1, 32, 32)`,
//! `<method>/loss.png`, `results.json` and `results.md`.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use dotae::data::{Mnist, SeededRng, load_mnist, write_npy, write_png_grid};
use dotae::metrics::{
    KMeansConfig, MeanStd, ProbeConfig, adjacent_ssim, clustering_accuracy, kmeans, linear_probe,
};
use dotae::models::burn::prelude::*;
use dotae::models::{InterpolationMethod, from_array, shuffled_order, to_array};
use ndarray::{Array2, Array4, Array5, ArrayView4, Axis, s};
use serde::Serialize;

#[path = "support/experiment.rs"]
mod experiment;
mod support;

use experiment::{CommonArgs, MethodRow, compare, decode_paths, markdown_table, write_results};

#[derive(Parser, Debug)]
#[command(about = "Train interpolation methods on MNIST and compare them with one evaluation.")]
struct Args {
    /// Directory with the four MNIST IDX files (gzip or raw).
    #[arg(long, default_value = "../shared/data/mnist")]
    data: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
    /// Passes over the training images. The defaults are the small CPU budget; the paper's
    /// setting is `--train-size 60000 --batch-size 256` on a GPU.
    #[arg(long, default_value_t = 1)]
    epochs: usize,
    /// Train on the first N training images (at most as many as the directory holds).
    #[arg(long, default_value_t = 2048)]
    train_size: usize,
    /// Time steps T of the regularised paths during training.
    #[arg(long, default_value_t = 19)]
    steps: usize,
    /// Source weight τ of the unbalanced path energy (the paper uses unbalanced OT on MNIST).
    #[arg(long, default_value_t = 1.0)]
    tau: f64,
    /// Test pairs to interpolate (the same pairs for every method).
    #[arg(long, default_value_t = 8)]
    test_pairs: usize,
    /// Interpolation steps of the evaluated paths (frames − 1).
    #[arg(long, default_value_t = 10)]
    frames: usize,
    #[arg(long, default_value = "runs/mnist")]
    out: PathBuf,
}

/// The data set, in `results.json`.
#[derive(Serialize)]
struct Data {
    train_images: usize,
    test_images: usize,
}

/// What the one evaluation measures of a method.
#[derive(Serialize)]
struct Scores {
    /// Mean and spread over the test pairs of each path's mean adjacent-frame SSIM.
    adjacent_ssim: Spread,
    probe_accuracy: f64,
    kmeans_accuracy: f64,
}

#[derive(Serialize)]
struct Spread {
    mean: f64,
    std: f64,
}

fn main() -> ExitCode {
    support::exit_code(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let mnist = load_mnist(&args.data, 32)?;
    let train_size = args.train_size.min(mnist.train_images.len_of(Axis(0)));
    if train_size == 0 || args.epochs == 0 || args.test_pairs == 0 || args.frames == 0 {
        return Err("--train-size, --epochs, --test-pairs and --frames must be at least 1".into());
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create --out {}: {e}", args.out.display()))?;
    let device = args.common.backend.training_device()?;
    let schedule = args
        .common
        .schedule(args.epochs, args.steps, Some(args.tau));
    let subset = mnist.train_images.slice(s![..train_size, .., .., ..]);
    let images: Tensor<4> = from_array(subset.into_dyn(), &device)?;
    let (sources, targets) = test_pairs(&mnist, args.test_pairs, args.common.seed);

    // Pair-major: for each test pair, one row per method, so methods compare at a glance.
    let mut picture: Vec<Vec<Array4<f64>>> = vec![Vec::new(); args.test_pairs];
    let methods = compare(
        &args.common,
        &schedule,
        &images,
        &args.out,
        &device,
        |method, dir| {
            let paths = decode_paths(method, &sources, &targets, args.frames, &device)?;
            write_npy(&dir.join("paths.npy"), &paths)?;
            let own: Vec<ArrayView4<f64>> = paths.outer_iter().collect();
            write_png_grid(&dir.join("interpolations.png"), &own, 1)?;
            for (rows, path) in picture.iter_mut().zip(paths.outer_iter()) {
                rows.push(path.to_owned());
            }
            evaluate(method, &mnist, &paths, args.common.seed, &device)
        },
    )?;
    let views: Vec<ArrayView4<f64>> = picture.iter().flatten().map(|r| r.view()).collect();
    write_png_grid(&args.out.join("interpolations.png"), &views, 1)?;
    let table = table(&methods);
    let data = Data {
        train_images: train_size,
        test_images: mnist.test_images.len_of(Axis(0)),
    };
    let report = args.common.report(data, args.epochs, started, methods);
    write_results(&args.out, &report, &table)
}

/// `count` pairs of distinct test digits, the same for every method.
fn test_pairs(mnist: &Mnist, count: usize, seed: u64) -> (Array4<f64>, Array4<f64>) {
    let n = mnist.test_images.len_of(Axis(0));
    let mut rng = SeededRng::new(seed ^ 0x7e57);
    let order = shuffled_order(n, &mut rng);
    let pick = |offset: usize| {
        let indices: Vec<usize> = (0..count).map(|k| order[(2 * k + offset) % n]).collect();
        mnist.test_images.select(Axis(0), &indices)
    };
    (pick(0), pick(1))
}

/// The one evaluation every method goes through: the smoothness of its decoded test `paths`,
/// and a linear probe and k-means on its latent codes.
fn evaluate(
    method: &dyn InterpolationMethod,
    mnist: &Mnist,
    paths: &Array5<f64>,
    seed: u64,
    device: &Device,
) -> Result<Scores, Box<dyn Error>> {
    let mut per_path = Vec::new();
    for path in paths.outer_iter() {
        let pairs = adjacent_ssim(path)?;
        per_path.push(pairs.iter().sum::<f64>() / pairs.len() as f64);
    }
    let ssim = MeanStd::of(&per_path).ok_or("no test pairs")?;
    let train_codes = codes(method, &mnist.train_images, device)?;
    let test_codes = codes(method, &mnist.test_images, device)?;
    let labels = |l: &[u8]| l.iter().map(|&d| d as usize).collect::<Vec<_>>();
    let test_labels = labels(&mnist.test_labels);
    let probe = linear_probe(
        train_codes.view(),
        &labels(&mnist.train_labels),
        test_codes.view(),
        &test_labels,
        &ProbeConfig::default(),
    )?;
    let clusters = kmeans(
        test_codes.view(),
        &KMeansConfig {
            seed,
            ..KMeansConfig::with_k(10)
        },
    )?;
    Ok(Scores {
        adjacent_ssim: Spread {
            mean: ssim.mean,
            std: ssim.std,
        },
        probe_accuracy: probe.test_accuracy,
        kmeans_accuracy: clustering_accuracy(&clusters.assignments, &test_labels)?,
    })
}

/// Flattened latent codes `(N, c·h·w)` of `images`, encoded in chunks to bound memory.
fn codes(
    method: &dyn InterpolationMethod,
    images: &Array4<f64>,
    device: &Device,
) -> Result<Array2<f64>, Box<dyn Error>> {
    const CHUNK: usize = 500;
    let mut rows = Vec::new();
    for chunk in images.axis_chunks_iter(Axis(0), CHUNK) {
        let z = method.encode(from_array(chunk.into_dyn(), device)?);
        let [n, c, h, w] = z.dims();
        let flat = to_array(z.reshape([n, c * h * w]))?.into_dimensionality()?;
        rows.push(flat);
    }
    let views: Vec<_> = rows.iter().map(|r: &Array2<f64>| r.view()).collect();
    Ok(ndarray::concatenate(Axis(0), &views)?)
}

fn table(rows: &[MethodRow<Scores>]) -> String {
    let header = [
        "method",
        "adjacent SSIM (mean ± std)",
        "linear probe",
        "k-means",
        "s/step",
    ];
    markdown_table(
        &header,
        rows.iter().map(|r| {
            vec![
                r.method.clone(),
                format!(
                    "{:.3} ± {:.3}",
                    r.scores.adjacent_ssim.mean, r.scores.adjacent_ssim.std
                ),
                format!("{:.1} %", 100.0 * r.scores.probe_accuracy),
                format!("{:.1} %", 100.0 * r.scores.kmeans_accuracy),
                format!("{:.3}", r.seconds_per_step),
            ]
        }),
    )
}
