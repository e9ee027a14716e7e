//! The ground-truth benchmarks and their trivial references: for the ACAI lines, the AEAI pole
//! scenes and the embedded disk, write the exact interpolation and the pixel cross-dissolve
//! between the same endpoints as path files that `evaluate` scores, plus pictures of each
//! data set. With `--mnist DIR`, also print the linear-probe and k-means accuracies of raw
//! pixels, the floor any latent code should beat.
//!
//! ```text
//! cargo run --release --example benchmarks -- --out runs/benchmarks
//! cargo run --release --example evaluate -- runs/benchmarks/lines-exact.npy --benchmark lines
//! ```

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use dotae::data::lines::{LINE_FRAMES, line_pairs};
use dotae::data::pole::{MIN_POLE_SIZE, PoleGrid, pole_dataset, pole_path};
use dotae::data::synthetic::cross_dissolve_pairs;
use dotae::data::{DataError, DiskProblem, SeededRng, write_npy, write_png_grid};
use dotae::data::{acai_line_bank, acai_line_path};
use dotae::metrics::{KMeansConfig, ProbeConfig, clustering_accuracy, kmeans, linear_probe};
use ndarray::{Array2, Array4, Array5, ArrayView4, Axis, stack};
use serde_json::json;

#[path = "support/interrupt.rs"]
mod interrupt;
#[path = "support/limits.rs"]
mod limits;
#[path = "support/mnist_data.rs"]
mod mnist_data;
#[path = "support/output.rs"]
mod output;
mod support;

use limits::{MAX_IMAGE_SIDE, MAX_PAIRS, MAX_STEPS, check_path_values, check_range};
use output::Output;

#[derive(Parser, Debug)]
#[command(about = "Write the benchmarks' exact and cross-dissolve reference paths and pictures.")]
struct Args {
    /// Output directory.
    #[arg(long, default_value = "runs/benchmarks")]
    out: PathBuf,
    /// Interpolation pairs per benchmark.
    #[arg(long, default_value_t = 100)]
    pairs: usize,
    /// Frames per pole and disk path, endpoints included (lines use the protocol's 16).
    #[arg(long, default_value_t = 11)]
    frames: usize,
    /// Image side of the lines and pole scenes (at least 16).
    #[arg(long, default_value_t = 32)]
    size: usize,
    /// Seeds the line angles and the pole pairs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// MNIST directory (IDX files, gzip or raw): prints raw-pixel probe and k-means accuracies.
    #[arg(long)]
    mnist: Option<PathBuf>,
}

fn main() -> ExitCode {
    interrupt::exit_code(run(&support::parse_args::<Args>()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    check_range("--pairs", args.pairs, 1, MAX_PAIRS)?;
    check_range("--frames", args.frames, 2, MAX_STEPS + 1)?;
    // ACAI's lines need 10 pixels (its renderer draws outside smaller images), the pole
    // scenes 16.
    check_range("--size", args.size, MIN_POLE_SIZE, MAX_IMAGE_SIDE)
        .map_err(|e| format!("{e} (the pole scenes need {MIN_POLE_SIZE} pixels)"))?;
    // The lines references keep their own frames, so below them --frames cannot help.
    let flags = match args.frames < LINE_FRAMES {
        true => format!(
            "--pairs and --size (the lines references have {LINE_FRAMES} frames whatever --frames is)"
        ),
        false => "--pairs, --frames and --size".to_string(),
    };
    check_path_values(&flags, args.pairs, args.frames.max(LINE_FRAMES), args.size)?;
    if args.frames == 2 {
        // As path_energy and evaluate warn about such files when they read them.
        support::print_to_stderr(
            "warning: --frames 2 writes pole and disk paths of their two ends and nothing between: jumps, not interpolations (their energy is no W₂² estimate, and pole scores see no frame between the ends); the lines references keep their 16 frames",
        );
    }
    let output = Output::stage(&args.out)?;
    // A signal stops the run between its parts; dropping the output removes what was staged.
    interrupt::install()?;
    let out = output.dir();
    let mut report = json!({});
    report["lines"] = json!(write_pair(args, out, "lines", &lines(args)?)?);
    interrupt::check("writing the lines references")?;
    report["pole"] = json!(write_pair(args, out, "pole", &pole(args)?)?);
    interrupt::check("writing the pole references")?;
    report["disk"] = json!(write_pair(args, out, "disk", &disk(args)?)?);
    interrupt::check("writing the disk references")?;
    write_dataset_pictures(args, out)?;
    interrupt::check("drawing the data sets")?;
    if let Some(dir) = &args.mnist {
        report["mnist_raw_pixels"] = mnist_references(dir)?;
        interrupt::check("scoring MNIST's raw pixels")?;
    }
    output.publish()?;
    support::print(&serde_json::to_string_pretty(&report)?)?;
    Ok(())
}

/// A benchmark's exact interpolations and the cross-dissolves between the same endpoints,
/// both `(P, frames, C, H, W)`.
struct References {
    exact: Array5<f64>,
    dissolve: Array5<f64>,
}

impl References {
    fn from_exact(exact: Array5<f64>) -> Result<Self, DataError> {
        let last = exact.len_of(Axis(1)) - 1;
        let dissolve = cross_dissolve_pairs(
            exact.index_axis(Axis(1), 0),
            exact.index_axis(Axis(1), last),
            last,
        )?;
        Ok(Self { exact, dissolve })
    }
}

fn stack_paths(paths: &[Array4<f64>]) -> Result<Array5<f64>, Box<dyn Error>> {
    let views: Vec<ArrayView4<f64>> = paths.iter().map(|p| p.view()).collect();
    Ok(stack(Axis(0), &views)?)
}

/// ACAI's true lines rotating along the shorter arc between random angle pairs (its protocol).
fn lines(args: &Args) -> Result<References, Box<dyn Error>> {
    let paths = line_pairs(args.pairs, args.seed)
        .into_iter()
        .map(|(from, to)| acai_line_path(args.size, from, to, LINE_FRAMES))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(References::from_exact(stack_paths(&paths)?)?)
}

/// The light moving between two random scenes of the 576-scene grid.
fn pole(args: &Args) -> Result<References, Box<dyn Error>> {
    let lights = PoleGrid::default().params();
    let mut rng = SeededRng::new(args.seed);
    let paths = (0..args.pairs)
        .map(|_| {
            let from = lights[rng.below(lights.len())];
            let to = lights[rng.below(lights.len())];
            pole_path(args.size, from, to, args.frames).map(|(path, _)| path)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(References::from_exact(stack_paths(&paths)?)?)
}

/// The embedded corner-to-corner disk at 32×32, whose geodesic is the translated disk.
fn disk(args: &Args) -> Result<References, Box<dyn Error>> {
    let exact = DiskProblem::corner_to_corner(32).exact_path(args.frames - 1)?;
    Ok(References::from_exact(exact.insert_axis(Axis(0)))?)
}

/// Writes `<name>-exact.npy`, `<name>-dissolve.npy` and `<name>-paths.png` (the first four
/// pairs, exact above cross-dissolve) into `out`; returns their names in `--out`.
fn write_pair(
    args: &Args,
    out: &Path,
    name: &str,
    references: &References,
) -> Result<serde_json::Value, Box<dyn Error>> {
    let [exact, dissolve, picture] = [
        format!("{name}-exact.npy"),
        format!("{name}-dissolve.npy"),
        format!("{name}-paths.png"),
    ];
    write_npy(&out.join(&exact), &references.exact)?;
    write_npy(&out.join(&dissolve), &references.dissolve)?;
    let shown = references.exact.len_of(Axis(0)).min(4);
    let rows: Vec<ArrayView4<f64>> = (0..shown)
        .flat_map(|p| {
            [
                references.exact.index_axis(Axis(0), p),
                references.dissolve.index_axis(Axis(0), p),
            ]
        })
        .collect();
    write_png_grid(&out.join(&picture), &rows, 1)?;
    let published = |file: &str| args.out.join(file).display().to_string();
    Ok(json!({
        "exact": published(&exact),
        "dissolve": published(&dissolve),
        "picture": published(&picture),
        "paths": references.exact.len_of(Axis(0)),
        "frames": references.exact.len_of(Axis(1)),
    }))
}

/// `lines.png`: 48 reference lines at evenly spaced angles; `pole.png`: every elevation (rows)
/// at every sixth azimuth (columns), 0° to 330°.
fn write_dataset_pictures(args: &Args, out: &Path) -> Result<(), Box<dyn Error>> {
    let bank = acai_line_bank(args.size, 48)?;
    let rows: Vec<ArrayView4<f64>> = bank.images.axis_chunks_iter(Axis(0), 12).collect();
    write_png_grid(&out.join("lines.png"), &rows, 1)?;
    let grid = PoleGrid {
        azimuths_deg: (0..12).map(|k| 30.0 * k as f64).collect(),
        ..PoleGrid::default()
    };
    let scenes = pole_dataset(args.size, &grid)?.images;
    let rows: Vec<ArrayView4<f64>> = scenes.axis_chunks_iter(Axis(0), 12).collect();
    write_png_grid(&out.join("pole.png"), &rows, 1)?;
    Ok(())
}

/// Linear probe and k-means (k = 10) accuracy of the raw padded pixels.
fn mnist_references(dir: &Path) -> Result<serde_json::Value, Box<dyn Error>> {
    let mnist = mnist_data::load("--mnist", dir)?;
    mnist_data::check_representation_scores(
        "--mnist",
        dir,
        "its training digits",
        &mnist.train_labels,
        mnist.test_images.len_of(Axis(0)),
    )?;
    let flat = |images: &Array4<f64>| -> Result<Array2<f64>, Box<dyn Error>> {
        let n = images.len_of(Axis(0));
        Ok(images.to_shape((n, images.len() / n.max(1)))?.to_owned())
    };
    let labels = |l: &[u8]| l.iter().map(|&d| d as usize).collect::<Vec<_>>();
    let (train_x, test_x) = (flat(&mnist.train_images)?, flat(&mnist.test_images)?);
    let (train_y, test_y) = (labels(&mnist.train_labels), labels(&mnist.test_labels));
    let probe = linear_probe(
        train_x.view(),
        &train_y,
        test_x.view(),
        &test_y,
        &ProbeConfig::default(),
    )?;
    let clusters = kmeans(
        test_x.view(),
        &KMeansConfig::with_k(mnist_data::KMEANS_CLUSTERS),
    )?;
    Ok(json!({
        "train_images": train_y.len(),
        "test_images": test_y.len(),
        "probe_test_accuracy": probe.test_accuracy,
        "probe_train_accuracy": probe.train_accuracy,
        "kmeans_test_accuracy": clustering_accuracy(&clusters.assignments, &test_y)?,
    }))
}
