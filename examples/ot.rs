//! Reference optimal transport on your own images (dotae-ot): the exact W₂² between two
//! images, the entropic Wasserstein barycentre of several, and the Benamou–Brenier geodesic
//! between two, around obstacles. Images are PNG (gray: the mean of the colour channels) or
//! 2-D `.npy`; each is normalised to unit mass on its pixel grid, and distances are in pixels.
//! Each subcommand prints one JSON object with the costs (`w2_squared`; for a barycentre
//! `cost`, `Σ_k w_k W₂²(barycentre, image_k)` by the exact solver); `barycentre` and `geodesic`
//! also write a PNG row, a GIF and the result's `.npy` to `--out`.
//!
//!     cargo run --release --example ot -- emd a.png b.png
//!     cargo run --release --example ot -- barycentre a.png b.png c.png d.png --weights 0.4 0.3 0.2 0.1
//!     cargo run --release --example ot -- geodesic a.png b.png --steps 16 --obstacle walls.png

use std::error::Error;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dotae::data::{read_gray_png, read_npy_within, write_gif, write_npy, write_png_grid};
use dotae::grid::{Boundary, Grid};
use dotae::metrics::{MeasureConfig, PathMeasure};
use dotae::ot::{
    BarycentreConfig, GeodesicConfig, OtError, Progress, convolutional_barycentre_with,
    geodesic_with, w2_squared_images,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array1, Array2, Array3, ArrayView2, Axis, Ix2, stack};
use serde_json::json;

#[path = "support/interrupt.rs"]
mod interrupt;
#[path = "support/limits.rs"]
mod limits;
#[path = "support/obstacle.rs"]
mod obstacle;
#[path = "support/output.rs"]
mod output;
mod support;

use limits::{MAX_IMAGE_SIDE, MAX_STEPS, RealRange, check_png_side, check_range, check_real};
use obstacle::{read_sealed_obstacle_mask, with_obstacle_hint};
use output::Output;

/// The largest image side of a geodesic: its cost grows with the space-time grid, and a
/// 64×64, T = 16 problem already takes thousands of iterations (docs/ot.md).
const MAX_GEODESIC_SIDE: usize = 128;

/// The most iterations an iterative solver may be asked for.
const MAX_ITERATIONS: usize = 1_000_000;

/// The barycentre's ε in POT's units: the kernel's σ is (n − 1)·√(ε/2) pixels on an n-pixel
/// side, so at 0.1 it is already a fifth of the image.
const BARYCENTRE_EPSILON: RealRange = RealRange {
    min: 1e-6,
    max: 0.1,
    why: "the Gibbs kernel's σ is (n − 1)·√(ε/2) pixels: above it the barycentre is blurred flat, below it the kernel underflows",
};

/// The geodesic's stopping rule: a relative residual above 0.1 stops before anything is solved.
const GEODESIC_TOLERANCE: RealRange = RealRange {
    min: 1e-12,
    max: 0.1,
    why: "the Douglas–Rachford residual is relative: above it the solver stops before the path is a geodesic",
};

#[derive(Debug, Parser)]
#[command(about = "Reference optimal transport on images: exact W₂², barycentres, geodesics.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The exact squared Wasserstein-2 distance between two images (network simplex).
    Emd {
        /// The first image (PNG or 2-D .npy).
        a: PathBuf,
        /// The second image, the same size.
        b: PathBuf,
    },
    /// The convolutional Wasserstein barycentre of two or more images (entropic, POT's
    /// `convolutional_barycenter2d`).
    Barycentre(BarycentreArgs),
    /// The Benamou–Brenier geodesic between two images (proximal splitting).
    Geodesic(GeodesicArgs),
}

#[derive(Debug, clap::Args)]
struct BarycentreArgs {
    /// Two or more images of one size (PNG or 2-D .npy).
    #[arg(num_args = 2.., required = true)]
    images: Vec<PathBuf>,
    /// One weight per image, non-negative, summing to 1 (default: equal weights).
    #[arg(long, num_args = 1.., allow_negative_numbers = true)]
    weights: Option<Vec<f64>>,
    /// Entropic regularisation ε in POT's units (the image spans [0, 1]): the Gibbs kernel is
    /// a Gaussian of σ = (n − 1)·√(ε/2) pixels on an n-pixel side.
    #[arg(long, default_value_t = BarycentreConfig::default().epsilon, allow_negative_numbers = true)]
    epsilon: f64,
    /// Iteration limit.
    #[arg(long, default_value_t = BarycentreConfig::default().max_iterations)]
    max_iterations: usize,
    /// Output directory.
    #[arg(long, default_value = "runs/barycentre")]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct GeodesicArgs {
    /// The source image (PNG or 2-D .npy).
    source: PathBuf,
    /// The target image, the same size.
    target: PathBuf,
    /// Time steps T (T + 1 frames), at least 2; below 8 the time discretisation overestimates
    /// W₂² (by 12 % at 4 steps).
    #[arg(long, default_value_t = GeodesicConfig::default().steps)]
    steps: usize,
    /// Obstacle mask, a PNG of the images' size: pixels brighter than 0.5 are walls that no
    /// mass crosses (the images must be empty there).
    #[arg(long)]
    obstacle: Option<PathBuf>,
    /// Iteration limit.
    #[arg(long, default_value_t = GeodesicConfig::default().max_iterations)]
    max_iterations: usize,
    /// Stopping rule: the Douglas–Rachford residual below which the solver stops.
    #[arg(long, default_value_t = GeodesicConfig::default().tolerance, allow_negative_numbers = true)]
    tolerance: f64,
    /// Output directory.
    #[arg(long, default_value = "runs/geodesic")]
    out: PathBuf,
}

fn main() -> ExitCode {
    support::exit_code(match support::parse_args::<Cli>().command {
        Command::Emd { a, b } => emd(&a, &b),
        Command::Barycentre(args) => barycentre(&args),
        Command::Geodesic(args) => geodesic(&args),
    })
}

fn emd(a: &Path, b: &Path) -> Result<(), Box<dyn Error>> {
    let first = read_density(a)?;
    let second = read_density(b)?;
    same_size(&[(a, &first), (b, &second)])?;
    let pairs = exact_pairs(&first, &second);
    if pairs > EXACT_PAIRS {
        return Err(format!(
            "{} and {}: {pairs} pairs of pixels with mass, above the {EXACT_PAIRS} the exact solver is given here (about {EXACT_SIDE}x{EXACT_SIDE} images with mass everywhere; its time grows faster than the pairs do): crop or downsample them",
            a.display(),
            b.display()
        )
        .into());
    }
    let w2_squared = w2_squared_images(first.view(), second.view())?;
    let report = json!({
        "a": a.display().to_string(),
        "b": b.display().to_string(),
        "image": first.dim(),
        "w2_squared": w2_squared,
    });
    support::print(&serde_json::to_string_pretty(&report)?)
}

fn barycentre(args: &BarycentreArgs) -> Result<(), Box<dyn Error>> {
    check_range("--max-iterations", args.max_iterations, 1, MAX_ITERATIONS)?;
    check_real("--epsilon", args.epsilon, &BARYCENTRE_EPSILON)?;
    check_range(
        "the image count",
        args.images.len(),
        2,
        MAX_BARYCENTRE_IMAGES,
    )?;
    // Read one by one, each within MAX_IMAGE_SIDE², so that the total is checked before more
    // than one image past it is held.
    let mut images = Vec::with_capacity(args.images.len());
    let mut values = 0usize;
    for (k, file) in args.images.iter().enumerate() {
        let image = read_density(file)?;
        values += image.len();
        if values > MAX_BARYCENTRE_VALUES {
            return Err(format!(
                "the first {} images (to {}) hold {values} pixels, above the {MAX_BARYCENTRE_VALUES} a barycentre takes here (64 images of 512x512; each iteration convolves every image)",
                k + 1,
                file.display()
            )
            .into());
        }
        images.push(image);
    }
    let named: Vec<(&Path, &Array2<f64>)> = args
        .images
        .iter()
        .map(PathBuf::as_path)
        .zip(&images)
        .collect();
    same_size(&named)?;
    let weights = match &args.weights {
        Some(weights) if weights.len() != images.len() => {
            return Err(format!(
                "--weights has {} values for {} images: give one weight per image",
                weights.len(),
                images.len()
            )
            .into());
        }
        Some(weights) => Array1::from(weights.clone()),
        None => Array1::from_elem(images.len(), 1.0 / images.len() as f64),
    };
    let config = BarycentreConfig {
        epsilon: args.epsilon,
        max_iterations: args.max_iterations,
        ..BarycentreConfig::default()
    };
    let output = Output::stage(&args.out)?;
    interrupt::install()?;
    let views: Vec<ArrayView2<f64>> = images.iter().map(|i| i.view()).collect();
    let stacked = stack(Axis(0), &views)?;
    let mut progress = Bar::new("barycentre", args.max_iterations)?;
    let result = convolutional_barycentre_with(
        stacked.view(),
        weights.view(),
        &config,
        &mut |p: Progress| progress.observe(p),
    )
    .map_err(|error| {
        let underflow = matches!(
            &error,
            OtError::Parameter {
                name: "epsilon",
                ..
            }
        );
        let message = named_flag(error);
        match underflow {
            true => format!("{message}; {}", smallest_epsilon_hint(&images)),
            false => message,
        }
    })?;
    progress.finish(result.converged)?;

    let costs = barycentre_cost(&result.image, &images, &weights)?;
    if costs.is_none() {
        support::print_to_stderr(&format!(
            "warning: cost and w2_squared_to_images are null: the exact solver holds images of up to about {EXACT_SIDE}x{EXACT_SIDE} pixels"
        ));
    }
    let cost_lower_bound = match &costs {
        Some(_) => pairwise_cost(&images, &weights)?,
        None => None,
    };
    // Of two images the bound is the optimum, at the geodesic's point.
    let optimal_cost = cost_lower_bound.filter(|_| images.len() == 2);
    // The kernel's blur costs about 2σ² on its own (σ per axis, in pixels), whatever the
    // images: only a cost beyond that says the iteration blended them.
    let blur_cost = 2.0 * blur_sigma(config.epsilon, images[0].ncols()).powi(2);
    if let (Some(costs), Some(bound)) = (&costs, cost_lower_bound)
        && costs.cost > BARYCENTRE_COST_SLACK * bound + blur_cost
    {
        let against = match images.len() {
            2 => format!("the optimum {bound:.4e} for two images"),
            _ => format!(
                "the lower bound {bound:.4e} (Σ wᵢwⱼ W₂² over pairs of images; a blend costs up to 2x it, and the optimum of three or more images can lie above it, so look at the picture)"
            ),
        };
        support::print_to_stderr(&format!(
            "warning: the barycentre costs {:.4e}, {:.2}x {against} plus the blur's own {blur_cost:.2e}: the entropic iteration may have left it close to a blend of the images (--epsilon {:e} is small for mass this far apart); {}",
            costs.cost,
            (costs.cost - blur_cost) / bound,
            config.epsilon,
            smallest_epsilon_hint(&images)
        ));
    }
    let out = output.dir();
    write_npy(&out.join("barycentre.npy"), &result.image)?;
    let mut row: Vec<Array2<f64>> = images.clone();
    row.push(result.image.clone());
    write_pictures(out, "barycentre", &row)?;
    interrupt::check("computing the exact costs")?;
    output.publish()?;
    let report = json!({
        "images": args.images.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "weights": weights.to_vec(),
        "epsilon": config.epsilon,
        "iterations": result.iterations,
        "converged": result.converged,
        "change": result.change,
        // An unconverged iterate is not yet a density of the images' mass.
        "mass": result.image.sum(),
        "images_mass": images[0].sum(),
        "blur_sigma_pixels": blur_sigma(config.epsilon, images[0].ncols()),
        "cost": costs.as_ref().map(|c| c.cost),
        "optimal_cost": optimal_cost,
        "cost_lower_bound": cost_lower_bound,
        "w2_squared_to_images": costs.as_ref().map(|c| &c.w2_squared_to_images),
        "out": args.out.display().to_string(),
    });
    support::print(&serde_json::to_string_pretty(&report)?)
}

fn geodesic(args: &GeodesicArgs) -> Result<(), Box<dyn Error>> {
    // One step has no frame between the images to carry the mass: its W₂² is meaningless.
    check_range("--steps", args.steps, 2, MAX_STEPS)
        .map_err(|e| format!("{e} (a geodesic needs a frame between the two images)"))?;
    if args.steps < FEW_GEODESIC_STEPS {
        support::print_to_stderr(&format!(
            "warning: --steps {}: so few time steps overestimate W₂² (two 16x16 disks: 1.50x at 2 steps, 1.12x at 4, 1.03x at 8)",
            args.steps
        ));
    }
    check_range("--max-iterations", args.max_iterations, 1, MAX_ITERATIONS)?;
    check_real("--tolerance", args.tolerance, &GEODESIC_TOLERANCE)?;
    let source = read_density(&args.source)?;
    let target = read_density(&args.target)?;
    same_size(&[(&args.source, &source), (&args.target, &target)])?;
    let (rows, cols) = source.dim();
    if rows.max(cols) > MAX_GEODESIC_SIDE {
        return Err(format!(
            "{} is {rows}x{cols}: a geodesic is solved on images of at most {MAX_GEODESIC_SIDE}x{MAX_GEODESIC_SIDE} here (its cost grows with the space-time grid)",
            args.source.display()
        )
        .into());
    }
    let walls = match &args.obstacle {
        Some(file) => Some(read_sealed_obstacle_mask(
            file,
            Boundary::Neumann,
            &[source.view(), target.view()],
        )?),
        None => None,
    };
    let grid = match &walls {
        Some(walls) => Grid::with_obstacles(rows, cols, Boundary::Neumann, walls.view())
            .map_err(|e| with_obstacle_hint(e.into(), args.obstacle.as_deref()))?,
        None => Grid::new(rows, cols, Boundary::Neumann)?,
    };
    let config = GeodesicConfig {
        steps: args.steps,
        max_iterations: args.max_iterations,
        tolerance: args.tolerance,
        ..GeodesicConfig::default()
    };
    let output = Output::stage(&args.out)?;
    interrupt::install()?;
    let mut progress = Bar::new("geodesic", args.max_iterations)?;
    let path = geodesic_with(
        &grid,
        source.view(),
        target.view(),
        &config,
        &mut |p: Progress| progress.observe(p),
    )
    .map_err(|e| with_obstacle_hint(named_flag(e).into(), args.obstacle.as_deref()))?;
    progress.finish(path.converged)?;

    // dotae-energy's measure of the same frames, as a check of the solver's own W₂².
    let measure = PathMeasure::new(
        MeasureConfig::on_grid(rows, cols),
        walls.as_ref().map(|w| w.view()),
    )?;
    let frames_nonnegative = path.frames.mapv(|v| v.max(0.0));
    let measured = measure
        .measure(frames_nonnegative.view().insert_axis(Axis(1)))
        .map_err(|e| with_obstacle_hint(e.into(), args.obstacle.as_deref()))?;
    // The two discretisations agree within about 1 % on a geodesic (docs/ot.md); far apart,
    // the solver stopped before its frames became one.
    if let Some(estimate) = measured.w2_estimate {
        let ratio = estimate / path.w2_squared;
        // Equal values agree, 0 and 0 (an image to itself) included, whose ratio is NaN.
        let agree = estimate == path.w2_squared
            || (GEODESIC_AGREEMENT..=1.0 / GEODESIC_AGREEMENT).contains(&ratio);
        if !agree {
            support::print_to_stderr(&format!(
                "warning: the frames' path energy (T·J = {estimate:.4e}) is {ratio:.2}x the solver's W₂² ({:.4e}): they are not yet a geodesic; lower --tolerance (now {:e}) or raise --max-iterations",
                path.w2_squared, args.tolerance
            ));
        }
    }

    let out = output.dir();
    write_npy(&out.join("geodesic.npy"), &path.frames)?;
    let frames: Vec<Array2<f64>> = path.frames.outer_iter().map(|f| f.to_owned()).collect();
    write_pictures(out, "geodesic", &frames)?;
    interrupt::check("measuring the geodesic")?;
    output.publish()?;
    let report = json!({
        "source": args.source.display().to_string(),
        "target": args.target.display().to_string(),
        "obstacle": args.obstacle.as_ref().map(|f| f.display().to_string()),
        "steps": args.steps,
        "w2_squared": path.w2_squared,
        "path_energy_w2_estimate": measured.w2_estimate,
        "iterations": path.iterations,
        "converged": path.converged,
        "residual": path.history.last().map(|p| p.residual),
        "out": args.out.display().to_string(),
    });
    support::print(&serde_json::to_string_pretty(&report)?)
}

/// An image file as a density: a PNG's gray levels or a 2-D `.npy`, finite, non-negative,
/// with mass, at most [`MAX_IMAGE_SIDE`] a side, normalised to unit mass.
fn read_density(file: &Path) -> Result<Array2<f64>, Box<dyn Error>> {
    let image = match file.extension().and_then(|e| e.to_str()) {
        Some("npy") => {
            let side = MAX_IMAGE_SIDE as u64;
            let array = read_npy_within(file, side * side, "MAX_IMAGE_SIDE²")?;
            let shape = array.shape().to_vec();
            array.into_dimensionality::<Ix2>().map_err(|_| {
                format!(
                    "{} has shape {shape:?}: an image must be a 2-D array",
                    file.display()
                )
            })?
        }
        _ => {
            check_png_side(file)?;
            read_gray_png(file)?
        }
    };
    let (rows, cols) = image.dim();
    if rows.max(cols) > MAX_IMAGE_SIDE || rows.min(cols) < 2 {
        return Err(format!(
            "{} is {rows}x{cols}: images must have sides of 2 to {MAX_IMAGE_SIDE} pixels",
            file.display()
        )
        .into());
    }
    if let Some(((i, j), v)) = image
        .indexed_iter()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(format!(
            "{} holds {v:?} at row {i}, column {j}: a density must be finite and >= 0",
            file.display()
        )
        .into());
    }
    let mass = image.sum();
    if !mass.is_finite() {
        return Err(format!(
            "{}: its values are too large to add up (their sum overflows): rescale the image",
            file.display()
        )
        .into());
    }
    if mass <= 0.0 {
        return Err(format!(
            "{} has no mass (every pixel is 0): there is nothing to transport",
            file.display()
        )
        .into());
    }
    Ok(image / mass)
}

/// The fewest time steps a geodesic's W₂² is reported without a warning: fewer overestimate it
/// (`ot geodesic a16.npy b16.npy --steps T`, two disks 10 px apart with W₂² 98 by `ot emd`:
/// 147.1 at T = 2, 109.4 at 4, 101.0 at 8, 100.6 at 16).
const FEW_GEODESIC_STEPS: usize = 8;

/// The most images a barycentre takes: each is convolved twice per iteration.
const MAX_BARYCENTRE_IMAGES: usize = 1024;

/// The most pixels of all the images of a barycentre together: 2^24, 128 MiB as f64 per copy.
const MAX_BARYCENTRE_VALUES: usize = 1 << 24;

/// The most pairs of pixels with mass the binary gives the network simplex. `EMD_MAX_ARCS`
/// (2^27) bounds its memory, but not its time, which grows steeply with the pairs: images with
/// mass everywhere took 10 s at 64×64 (2^24 pairs) and 40 s at 80×80 (2^25.3) with a training
/// run sharing the machine, and more than 90 s at 107×107 (2^27); `ot emd a.npy b.npy`, random
/// positive images.
const EXACT_PAIRS: usize = 1 << 25;

/// The side of the largest square images with mass everywhere within [`EXACT_PAIRS`].
const EXACT_SIDE: usize = 76;

/// The pairs of pixels with mass between `a` and `b`, the size of their transport problem.
fn exact_pairs(a: &Array2<f64>, b: &Array2<f64>) -> usize {
    let with_mass = |image: &Array2<f64>| image.iter().filter(|&&v| v > 0.0).count();
    with_mass(a).saturating_mul(with_mass(b))
}

/// A barycentre's cost `Σ_k w_k W₂²(barycentre, image_k)`, and each exact `W₂²`.
#[derive(serde::Serialize)]
struct BarycentreCost {
    cost: f64,
    w2_squared_to_images: Vec<f64>,
}

/// The barycentre's [`BarycentreCost`], where the network simplex can hold the images
/// ([`EXACT_PAIRS`]); `None` for larger images.
fn barycentre_cost(
    barycentre: &Array2<f64>,
    images: &[Array2<f64>],
    weights: &Array1<f64>,
) -> Result<Option<BarycentreCost>, Box<dyn Error>> {
    if images
        .iter()
        .any(|image| exact_pairs(barycentre, image) > EXACT_PAIRS)
    {
        return Ok(None);
    }
    let to_images = images
        .iter()
        .map(|image| w2_squared_images(barycentre.view(), image.view()))
        .collect::<Result<Vec<f64>, _>>()?;
    let cost = to_images.iter().zip(weights).map(|(w2, w)| w * w2).sum();
    Ok(Some(BarycentreCost {
        cost,
        w2_squared_to_images: to_images,
    }))
}

/// `Σ_{i<j} wᵢ wⱼ W₂²(aᵢ, aⱼ)`, the least any barycentre of `images` with `weights` (their
/// sum is 1) can cost: its cost is `½ Σ_{i,j} wᵢ wⱼ E|xᵢ − xⱼ|²` under a coupling of all the
/// images, whose pairwise marginals each cost at least `W₂²(aᵢ, aⱼ)`. A blend of the images
/// costs at most twice it (W₂² is convex in each argument), and for two images it is the
/// optimum. `None` where a pair is beyond [`EXACT_PAIRS`].
fn pairwise_cost(
    images: &[Array2<f64>],
    weights: &Array1<f64>,
) -> Result<Option<f64>, Box<dyn Error>> {
    let mut bound = 0.0;
    for i in 0..images.len() {
        for j in i + 1..images.len() {
            if exact_pairs(&images[i], &images[j]) > EXACT_PAIRS {
                return Ok(None);
            }
            interrupt::check("computing the exact costs")?;
            bound +=
                weights[i] * weights[j] * w2_squared_images(images[i].view(), images[j].view())?;
        }
    }
    Ok(Some(bound))
}

/// Every image must have the first one's size.
fn same_size(images: &[(&Path, &Array2<f64>)]) -> Result<(), Box<dyn Error>> {
    let (first, reference) = images[0];
    for (file, image) in &images[1..] {
        if image.dim() != reference.dim() {
            return Err(format!(
                "{} is {}x{} but {} is {}x{}: the images must have one size",
                file.display(),
                image.nrows(),
                image.ncols(),
                first.display(),
                reference.nrows(),
                reference.ncols()
            )
            .into());
        }
    }
    Ok(())
}

/// `<name>.png`, the images in one row, and `<name>.gif`, one per frame, each scaled by the
/// row's brightest value so that the densities show as gray levels.
fn write_pictures(out: &Path, name: &str, row: &[Array2<f64>]) -> Result<(), Box<dyn Error>> {
    let views: Vec<ArrayView2<f64>> = row.iter().map(|i| i.view()).collect();
    let frames: Array3<f64> = stack(Axis(0), &views)?;
    let brightest = frames.iter().fold(0.0_f64, |m, &v| m.max(v));
    let shown = frames
        .mapv(|v| (v / brightest).clamp(0.0, 1.0))
        .insert_axis(Axis(1));
    write_png_grid(&out.join(format!("{name}.png")), &[shown.view()], 1)?;
    write_gif(&out.join(format!("{name}.gif")), shown.view(), 120, 4)?;
    Ok(())
}

/// The Gibbs kernel's standard deviation in pixels on a side of `n` pixels, for ε in POT's
/// units.
fn blur_sigma(epsilon: f64, n: usize) -> f64 {
    (n - 1) as f64 * (epsilon / 2.0).sqrt()
}

/// A solver's error, led by the flag it concerns where it concerns one: the solvers name
/// their parameters as their configurations do (`max_iterations`), and the weights `weights`.
/// The Gibbs kernel `exp(−d²/ε)` (`d` on the unit square) underflows f64 beyond `d²/ε ≈ 708`,
/// and the iteration's ratios of such values break down somewhat earlier: two disks broke down
/// below ε = 9.6e-4 with `d²/ε` = 560 (32×32) and below 1.2e-3 with 580 (64×64). Before that,
/// from about `d²/ε` = 300, the result is a blend of the images (the 32×32 disks: cost 1.87× the
/// optimum at 1.1e-3, 1.02× at 2e-3, where `d²/ε` = 270). The hint asks for `d² / 250`, with
/// `d` the diagonal of the box around all the images' mass.
fn smallest_epsilon_hint(images: &[Array2<f64>]) -> String {
    let (rows, cols) = images[0].dim();
    let mut box_rows = (usize::MAX, 0);
    let mut box_cols = (usize::MAX, 0);
    for image in images {
        for ((i, j), &value) in image.indexed_iter() {
            if value > 0.0 {
                box_rows = (box_rows.0.min(i), box_rows.1.max(i));
                box_cols = (box_cols.0.min(j), box_cols.1.max(j));
            }
        }
    }
    let side = (rows.max(cols) - 1).max(1) as f64;
    let span_rows = box_rows.1.saturating_sub(box_rows.0) as f64;
    let span_cols = box_cols.1.saturating_sub(box_cols.0) as f64;
    let diagonal = span_rows.hypot(span_cols);
    format!(
        "these images hold mass up to {diagonal:.1} pixels apart on a {rows}x{cols} grid, which needs an --epsilon of about {:.1e} or more",
        (diagonal / side).powi(2) / 250.0
    )
}

/// How far above the optimal cost of two images (of more: above their pairwise lower bound) a
/// barycentre may lie before it is called a blend: entropic blur costs a few per cent (two 32×32 disks 16 px apart: 64.9 and 65.6 against
/// 64 at ε = 4e-3 and 2e-3), a near-mixture almost twice (119.9 at 1.1e-3; a mixture costs 2×).
const BARYCENTRE_COST_SLACK: f64 = 1.25;

/// The smallest ratio of dotae-energy's `T·J` of a geodesic's frames to the solver's own W₂²
/// (and the inverse of the largest) taken for agreement: on converged geodesics they differ by
/// 0.5–0.9 % (docs/ot.md); the probe's unconverged ones by 7–11×.
const GEODESIC_AGREEMENT: f64 = 0.8;

fn named_flag(error: OtError) -> String {
    let flag = match &error {
        // A parameter's name may carry a qualifier ("weights (their sum)").
        OtError::Parameter { name, .. } => name.split(' ').next().map(|n| n.replace('_', "-")),
        OtError::Negative { what, .. }
        | OtError::NonFinite { what, .. }
        | OtError::ZeroMass { what }
        | OtError::Shape { what, .. }
            if what.contains("weights") =>
        {
            Some("weights".to_string())
        }
        _ => None,
    };
    match flag {
        Some(flag) => format!("--{flag}: {error}"),
        None => error.to_string(),
    }
}

/// A progress bar over a solver's iterations; a signal stops the solver.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(solver: &str, max_iterations: usize) -> Result<Self, Box<dyn Error>> {
        let bar = ProgressBar::new(max_iterations as u64).with_prefix(solver.to_string());
        bar.set_style(ProgressStyle::with_template(
            "{prefix:>10} {pos} iterations {elapsed_precise} {msg}",
        )?);
        Ok(Self { bar })
    }

    fn observe(&mut self, progress: Progress) -> ControlFlow<()> {
        self.bar.set_position(progress.iteration as u64);
        self.bar.set_message(format!(
            "residual {:.2e} (stops below {:.0e})",
            progress.residual, progress.tolerance
        ));
        match interrupt::requested() {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        }
    }

    /// Ends the bar; a signal makes the run an error, so nothing is written.
    fn finish(self, converged: bool) -> Result<(), Box<dyn Error>> {
        self.bar.finish();
        if interrupt::requested() {
            return Err("interrupted by a signal: nothing was written".into());
        }
        if !converged {
            support::print_to_stderr(
                "warning: the iteration limit came first; the result is not converged",
            );
        }
        Ok(())
    }
}
