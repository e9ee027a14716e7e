//! Reference optimal transport on your own images (dotae-ot): the exact W₂² between two
//! images, the entropic Wasserstein barycentre of several, and the Benamou–Brenier geodesic
//! between two, around obstacles. Images are PNG (gray: the mean of the colour channels) or
//! 2-D `.npy`; each is normalised to unit mass on its pixel grid, and distances are in pixels.
//! Each subcommand prints one JSON object with the costs (`w2_squared`; for a barycentre
//! `cost`, `Σ_k w_k W₂²(barycentre, image_k)` by the exact solver, or estimates on block sums
//! of larger images in `coarse_estimates`; for a geodesic of small images also
//! `exact_w2_squared`); `barycentre` and `geodesic` also write a PNG row, a GIF and the
//! result's `.npy` to `--out`, and refuse an input that is one of those files.
//!
//!     cargo run --release --example ot -- emd a.png b.png
//!     cargo run --release --example ot -- barycentre a.png b.png c.png d.png --weights 0.4 0.3 0.2 0.1
//!     cargo run --release --example ot -- geodesic a.png b.png --steps 16 --obstacle walls.png

use std::error::Error;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use dotae::data::{read_density_png, read_npy_within, write_gif, write_npy, write_png_grid};
use dotae::grid::{Boundary, Grid};
use dotae::metrics::{MeasureConfig, PathMeasure};
use dotae::ot::{
    BarycentreConfig, GeodesicConfig, OtError, Progress, convolutional_barycentre_with,
    geodesic_with, w2_squared_images,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array1, Array2, Array3, ArrayView2, Axis, Ix2, stack};
use serde_json::json;

#[path = "support/exact_costs.rs"]
mod exact_costs;
#[path = "support/interrupt.rs"]
mod interrupt;
#[path = "support/limits.rs"]
mod limits;
#[path = "support/obstacle.rs"]
mod obstacle;
#[path = "support/output.rs"]
mod output;
mod support;

use exact_costs::{
    EXACT_COST_PAIRS, EXACT_NODES, EXACT_PAIRS, EXACT_SIDE, barycentre_cost, exact_pairs,
    pairwise_cost, pixels_with_mass,
};
use limits::{
    MAX_IMAGE_SIDE, MAX_STEPS, RealRange, SECONDS_PER_CELL_ITERATION, check_png_side, check_range,
    check_real,
};
use obstacle::{read_sealed_obstacle_mask, with_obstacle_hint};
use output::{Output, refuse_replacing_inputs};

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
    // Negative numbers only: hyphen values would take the flags after the list as weights.
    #[arg(long, num_args = 1.., allow_negative_numbers = true)]
    weights: Option<Vec<f64>>,
    /// Entropic regularisation ε in POT's units (the image spans [0, 1]): the Gibbs kernel is
    /// a Gaussian of σ = (n − 1)·√(ε/2) pixels on an n-pixel side.
    #[arg(long, default_value_t = BarycentreConfig::default().epsilon, allow_hyphen_values = true)]
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
    /// W₂² (by 12 % at 4 steps). The images may be at most 128×128, and their pixels times
    /// T + 1 at most 2^21.
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
    #[arg(long, default_value_t = GeodesicConfig::default().tolerance, allow_hyphen_values = true)]
    tolerance: f64,
    /// Output directory.
    #[arg(long, default_value = "runs/geodesic")]
    out: PathBuf,
}

fn main() -> ExitCode {
    interrupt::exit_code(match support::parse_args::<Cli>().command {
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
    let inputs: Vec<(&str, &Path)> = args.images.iter().map(|f| ("image", f.as_path())).collect();
    refuse_replacing_inputs(&inputs, &args.out, |f| written_by("barycentre", f))?;
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
    let mut progress = Bar::new("barycentre", args.max_iterations, true)?;
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
    // The exact costs fitted (`exact_costs_fit`) for the pairs as well.
    let cost_lower_bound = match &costs {
        Some(_) => Some(pairwise_cost(&images, &weights)?),
        None => None,
    };
    // Of two images the bound is the optimum, at the geodesic's point.
    let optimal_cost = cost_lower_bound.filter(|_| images.len() == 2);
    let check = match (&costs, cost_lower_bound) {
        (Some(costs), Some(bound)) => Some(BlendCheck::exact(costs.cost, bound)),
        _ => coarse_blend_check(&result.image, &images, &weights)?,
    };
    if costs.is_none() {
        let check_grid = match check.as_ref().and_then(|c| c.coarse.as_ref()) {
            Some(coarse) => format!(
                "the blend check below used estimates on {}",
                coarse.described()
            ),
            None => format!(
                "no blend check ran either: even on block sums down to {COARSE_MIN_SIDE} pixels a side, the images needed more than {COARSE_CHECK_PAIRS} pairs of pixels with mass"
            ),
        };
        support::print_to_stderr(&format!(
            "warning: cost and w2_squared_to_images are null: the exact solver holds images of up to about {EXACT_SIDE}x{EXACT_SIDE} pixels, and all the costs together at most {EXACT_COST_PAIRS} pairs of pixels with mass ({EXACT_NODES} pixels with mass in any one image); {check_grid}"
        ));
    }
    // The kernel's blur costs about 2σ² on its own (σ per axis, in pixels), whatever the
    // images: only a cost beyond that says the iteration blended them.
    let blur_cost = 2.0 * blur_sigma(config.epsilon, images[0].ncols()).powi(2);
    if let Some(check) = &check
        && check.cost > BARYCENTRE_COST_SLACK * check.bound + blur_cost
    {
        let bound = check.bound;
        let against = match images.len() {
            2 => format!("the optimum {bound:.4e} for two images"),
            _ => format!(
                "the lower bound {bound:.4e} (Σ wᵢwⱼ W₂² over pairs of images; a blend costs up to 2x it, and the optimum of three or more images can lie above it, so look at the picture)"
            ),
        };
        let estimated = match &check.coarse {
            Some(coarse) => format!(
                " (both estimated on {}: the exact solver holds images of up to about {EXACT_SIDE}x{EXACT_SIDE} pixels, so the optimum was estimated on a coarser grid, where each W₂ is within {:.1} pixels of the images' own)",
                coarse.described(),
                coarse.distance_error()
            ),
            None => String::new(),
        };
        support::print_to_stderr(&format!(
            "warning: the barycentre costs {:.4e}, {:.2}x {against} plus the blur's own {blur_cost:.2e}{estimated}: the entropic iteration may have left it close to a blend of the images (--epsilon {:e} is small for mass this far apart); {}",
            check.cost,
            (check.cost - blur_cost) / bound,
            config.epsilon,
            smallest_epsilon_hint(&images)
        ));
    }
    let out = output.dir();
    write_npy(&out.join(&written_files("barycentre")[0]), &result.image)?;
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
        // Block-sum estimates, never the exact costs above: present only where those are null.
        "coarse_estimates": check.as_ref().and_then(|check| {
            let coarse = check.coarse.as_ref()?;
            Some(json!({
                "grid": coarse.grid,
                "block_pixels": coarse.block,
                "distance_error_pixels": coarse.distance_error(),
                "cost": check.cost,
                "optimal_cost": Some(check.bound).filter(|_| images.len() == 2),
                "cost_lower_bound": check.bound,
                "w2_squared_to_images": coarse.w2_squared_to_images,
            }))
        }),
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
    let mut inputs = vec![
        ("source", args.source.as_path()),
        ("target", args.target.as_path()),
    ];
    inputs.extend(args.obstacle.as_deref().map(|f| ("--obstacle", f)));
    refuse_replacing_inputs(&inputs, &args.out, |f| written_by("geodesic", f))?;
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
    let cells = rows * cols * (args.steps + 1);
    if cells > MAX_GEODESIC_CELLS {
        return Err(format!(
            "{} and {} are {rows}x{cols} and --steps {} makes {} frames: {cells} space-time cells, above the {MAX_GEODESIC_CELLS} a geodesic is solved on here (at that bound one iteration took about {SECONDS_PER_ITERATION_AT_BOUND} s and the run {MIB_AT_BOUND} MiB, and thousands of iterations may be needed): lower --steps or downsample the images",
            args.source.display(),
            args.target.display(),
            args.steps,
            args.steps + 1
        )
        .into());
    }
    let worst_case = cells as f64 * args.max_iterations as f64 * SECONDS_PER_CELL_ITERATION;
    if worst_case > LONG_RUN_SECONDS {
        support::print_to_stderr(&format!(
            "warning: {rows}x{cols} images, --steps {} and --max-iterations {}: the geodesic may run for up to about {} ({cells} space-time cells at about {SECONDS_PER_CELL_ITERATION:.0e} s per cell and iteration); it stops sooner once the residual is below --tolerance {:e}; lower --max-iterations or --steps to bound the time",
            args.steps,
            args.max_iterations,
            duration(worst_case),
            args.tolerance
        ));
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
    // The geodesic announced its worst case above, from its measured cost per cell.
    let mut progress = Bar::new("geodesic", args.max_iterations, false)?;
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
    // The inner frames may dip a little below 0 (docs/ot.md); measured, written and drawn
    // clipped, so that `path_energy` re-scores the written file as this run reports it (probe 28
    // found `geodesic.npy` refused for a dip of −1e-7).
    let frames_nonnegative = path.frames.mapv(|v| v.max(0.0));
    let measured = measure
        .measure(frames_nonnegative.view().insert_axis(Axis(1)))
        .map_err(|e| with_obstacle_hint(e.into(), args.obstacle.as_deref()))?;
    // The two discretisations agree within about 1 % on a geodesic (docs/ot.md); far apart,
    // the solver stopped before its frames became one.
    let mut energy_disagrees = false;
    if let Some(estimate) = measured.w2_estimate {
        let ratio = estimate / path.w2_squared;
        // Equal values agree, and so do two round-offs of 0 (an image to itself: 3.9e-35
        // against 0, probe 14), whose ratio says nothing.
        let agree = estimate == path.w2_squared
            || both_negligible(estimate, path.w2_squared)
            || (GEODESIC_AGREEMENT..=1.0 / GEODESIC_AGREEMENT).contains(&ratio);
        energy_disagrees = !agree;
        if !agree {
            // A tighter tolerance cannot help a run that the iteration limit stopped (probe 27).
            let advice = match path.converged {
                true => format!(
                    "lower --tolerance (now {:e}) or raise --max-iterations",
                    args.tolerance
                ),
                false => format!(
                    "raise --max-iterations (now {}), which stopped the solver",
                    args.max_iterations
                ),
            };
            support::print_to_stderr(&format!(
                "warning: the frames' path energy (T·J = {estimate:.4e}) is {ratio:.2}x the solver's W₂² ({:.4e}): they are not yet a geodesic; {advice}",
                path.w2_squared
            ));
        }
    }

    // The exact solver ignores walls, so with an obstacle it gives only a lower bound.
    let exact_w2_squared = match &walls {
        None if exact_pairs(&source, &target) <= GEODESIC_EXACT_PAIRS => {
            interrupt::check("computing the exact W₂²")?;
            Some(w2_squared_images(source.view(), target.view())?)
        }
        _ => None,
    };
    if let Some(exact) = exact_w2_squared {
        let ratio = path.w2_squared / exact;
        // An image to itself: 0 against 0, or round-off against 0.
        let agree = path.w2_squared == exact
            || both_negligible(path.w2_squared, exact)
            || (1.0 / GEODESIC_EXACT_AGREEMENT..=GEODESIC_EXACT_AGREEMENT).contains(&ratio);
        if !agree {
            let why = match path.converged && !energy_disagrees {
                true => format!(
                    "the staggered space-time grid is too coarse for these {rows}x{cols} images, whose mass sits on too few pixels to move smoothly: upsample them (each pixel a block of pixels: W₂² then grows with the factor squared){}",
                    match args.steps < FEW_GEODESIC_STEPS {
                        true => format!(", and raise --steps (now {})", args.steps),
                        false => String::new(),
                    }
                ),
                false => "the solver also stopped before its frames became a geodesic (see above)"
                    .to_string(),
            };
            support::print_to_stderr(&format!(
                "warning: the geodesic's W₂² ({:.4e}) is {ratio:.2}x the exact W₂² of {} and {} ({exact:.4e}, the network simplex of `ot emd`): {why}",
                path.w2_squared,
                args.source.display(),
                args.target.display()
            ));
        }
    }

    let out = output.dir();
    write_npy(
        &out.join(&written_files("geodesic")[0]),
        &frames_nonnegative,
    )?;
    let frames: Vec<Array2<f64>> = frames_nonnegative
        .outer_iter()
        .map(|f| f.to_owned())
        .collect();
    write_pictures(out, "geodesic", &frames)?;
    interrupt::check("measuring the geodesic")?;
    output.publish()?;
    let report = json!({
        "source": args.source.display().to_string(),
        "target": args.target.display().to_string(),
        "obstacle": args.obstacle.as_ref().map(|f| f.display().to_string()),
        "steps": args.steps,
        "w2_squared": path.w2_squared,
        "exact_w2_squared": exact_w2_squared,
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
            read_density_png(file)?
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
    let [_, png, gif] = written_files(name);
    write_png_grid(&out.join(png), &[shown.view()], 1)?;
    write_gif(&out.join(gif), shown.view(), 120, 4)?;
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

/// A squared distance below this many pixels² (a unit mass moved a millionth of a pixel) is
/// round-off of 0: two such values are not compared by their ratio.
const NEGLIGIBLE_W2: f64 = 1e-12;

/// Whether both squared distances are round-offs of 0.
fn both_negligible(a: f64, b: f64) -> bool {
    a.abs() < NEGLIGIBLE_W2 && b.abs() < NEGLIGIBLE_W2
}

/// The smallest ratio of dotae-energy's `T·J` of a geodesic's frames to the solver's own W₂²
/// (and the inverse of the largest) taken for agreement: on converged geodesics they differ by
/// 0.5–0.9 % (docs/ot.md); the probe's unconverged ones by 7–11×.
const GEODESIC_AGREEMENT: f64 = 0.8;

/// The most space-time cells (`rows × cols × (steps + 1)`) of a geodesic: every iteration
/// works on all of them. Two inputs the bound keeps are 128×128 at the default 16 steps
/// (2^18.1 cells) and 64×64 at 256 steps (2^20.006); at the bound (128×128, 127 steps) one
/// iteration took 0.65 s and the run 501 MiB (`/usr/bin/time ot geodesic a128.npy b128.npy
/// --steps 127 --tolerance 1e-12 --max-iterations 2`, then `8`: 4.26 s and 8.17 s; 2 cores
/// beside two training runs), and at 128×128 with 255 steps (2^22) 1.36 s and 1 030 MiB.
const MAX_GEODESIC_CELLS: usize = 1 << 21;

/// One iteration's time and the peak memory at [`MAX_GEODESIC_CELLS`], for its message.
const SECONDS_PER_ITERATION_AT_BOUND: f64 = 0.65;
const MIB_AT_BOUND: usize = 501;

/// A geodesic whose worst case (every iteration of `--max-iterations`) would take longer draws
/// a warning before it starts.
const LONG_RUN_SECONDS: f64 = 60.0;

/// The most pairs of pixels with mass for which a geodesic is checked against the exact W₂²:
/// 32×32 images with mass everywhere, whose exact solve took 0.30 s (`ot emd ra32.npy
/// rb32.npy`, random positive images, 2 cores beside two training runs).
const GEODESIC_EXACT_PAIRS: usize = 1 << 20;

/// The largest ratio of a geodesic's W₂² to the exact one (and the inverse of the smallest)
/// taken for agreement. Disks and Gaussians of 16×16 to 32×32 at the default 16 steps came
/// within 0.992–1.035 of it (1.05 at 4 steps, 1.31 at 2), one-pixel images on a 4×4 grid
/// 1.34, and the same upsampled to 16×16 1.008 (`ot geodesic A B`, docs/reliability.md,
/// probe 7).
const GEODESIC_EXACT_AGREEMENT: f64 = 1.25;

/// The files a run named `name` writes into `--out`, in the order npy, png, gif.
fn written_files(name: &str) -> [String; 3] {
    ["npy", "png", "gif"].map(|extension| format!("{name}.{extension}"))
}

/// Whether `file`, relative to `--out`, is one that a run named `name` writes.
fn written_by(name: &str, file: &Path) -> bool {
    written_files(name)
        .iter()
        .any(|written| file == Path::new(written))
}

/// `seconds` as a person reads it: seconds, minutes or hours.
fn duration(seconds: f64) -> String {
    match seconds {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}

/// The pairs of pixels with mass, over every exact solve of it together, that the blend check
/// of images beyond [`EXACT_PAIRS`] is given: random positive images of 45×45 (2^22 pairs)
/// solved in 1.3 s and 48×48 in 2.1 s (`ot emd`, 2 cores beside two training runs).
const COARSE_CHECK_PAIRS: usize = 1 << 23;

/// The fewest pixels a side of the coarse grid may have: on fewer, the coarsening's error is
/// most of any distance between the images.
const COARSE_MIN_SIDE: usize = 8;

/// A barycentre's cost and the least cost of the images (the optimum of two), for the blend
/// check.
struct BlendCheck {
    cost: f64,
    bound: f64,
    /// Where the values are estimates on block sums of the images.
    coarse: Option<Coarse>,
}

impl BlendCheck {
    fn exact(cost: f64, bound: f64) -> Self {
        Self {
            cost,
            bound,
            coarse: None,
        }
    }
}

/// The grid of block sums that a [`BlendCheck`] was estimated on.
struct Coarse {
    grid: (usize, usize),
    block: usize,
    w2_squared_to_images: Vec<f64>,
}

impl Coarse {
    fn described(&self) -> String {
        format!(
            "a {}x{} grid of {b}x{b}-pixel block sums",
            self.grid.0,
            self.grid.1,
            b = self.block
        )
    }

    fn distance_error(&self) -> f64 {
        coarsening_error(self.block)
    }
}

/// How far a W₂ between block sums of `block`×`block` pixels may lie from the one between the
/// images, in pixels: moving each pixel's mass to its block's centre moves it at most
/// (block − 1)/√2, so each image is within that of its block sums in W₂, and a distance
/// between two within twice it.
fn coarsening_error(block: usize) -> f64 {
    std::f64::consts::SQRT_2 * (block - 1) as f64
}

/// `image`'s sums over blocks of `block`×`block` pixels (fewer at the far edges), which keep
/// its mass: a pixel of the result stands for its block, `block` pixels from the next.
fn block_sums(image: &Array2<f64>, block: usize) -> Array2<f64> {
    let (rows, cols) = image.dim();
    let mut sums = Array2::zeros((rows.div_ceil(block), cols.div_ceil(block)));
    for ((i, j), &value) in image.indexed_iter() {
        sums[[i / block, j / block]] += value;
    }
    sums
}

/// The blend check of images too large for the exact solver ([`EXACT_PAIRS`]): the exact costs
/// of block sums of the barycentre and the images, on the finest grid of at most
/// [`EXACT_SIDE`] a side whose solves together hold at most [`COARSE_CHECK_PAIRS`] pairs;
/// `None` where even [`COARSE_MIN_SIDE`] a side needs more. The estimates are judged as exact
/// costs are: a blend costs about 2x the optimum, and the coarsening moves far less (two
/// 512×512 disks 424 px apart: optimum 44 996 on 7×7 blocks, 45 000 exactly).
fn coarse_blend_check(
    barycentre: &Array2<f64>,
    images: &[Array2<f64>],
    weights: &Array1<f64>,
) -> Result<Option<BlendCheck>, Box<dyn Error>> {
    let (rows, cols) = images[0].dim();
    let mut block = rows.max(cols).div_ceil(EXACT_SIDE).max(2);
    let (coarse_barycentre, coarse) = loop {
        if rows.max(cols).div_ceil(block) < COARSE_MIN_SIDE {
            return Ok(None);
        }
        let coarse_barycentre = block_sums(barycentre, block);
        let coarse: Vec<Array2<f64>> = images.iter().map(|i| block_sums(i, block)).collect();
        let with_mass: Vec<usize> = coarse.iter().map(pixels_with_mass).collect();
        let barycentre_with_mass = pixels_with_mass(&coarse_barycentre);
        let mut pairs = 0usize;
        for (i, &count) in with_mass.iter().enumerate() {
            let to_barycentre = barycentre_with_mass.saturating_mul(count);
            let to_others = with_mass[i + 1..].iter().fold(0usize, |sum, &other| {
                sum.saturating_add(count.saturating_mul(other))
            });
            pairs = pairs
                .saturating_add(to_barycentre)
                .saturating_add(to_others);
        }
        if pairs <= COARSE_CHECK_PAIRS {
            break (coarse_barycentre, coarse);
        }
        // The pairs fall with about the fourth power of the block: a quarter more per try.
        block += block.div_ceil(4);
    };
    // A coarse pixel stands for `block` pixels a side: W₂² scales with its square.
    let scale = (block * block) as f64;
    let mut to_images = Vec::with_capacity(coarse.len());
    for image in &coarse {
        interrupt::check("computing the coarse costs")?;
        to_images.push(scale * w2_squared_images(coarse_barycentre.view(), image.view())?);
    }
    let mut bound = 0.0;
    for i in 0..coarse.len() {
        for j in i + 1..coarse.len() {
            interrupt::check("computing the coarse costs")?;
            bound += weights[i]
                * weights[j]
                * scale
                * w2_squared_images(coarse[i].view(), coarse[j].view())?;
        }
    }
    Ok(Some(BlendCheck {
        cost: to_images.iter().zip(weights).map(|(w2, w)| w * w2).sum(),
        bound,
        coarse: Some(Coarse {
            grid: coarse_barycentre.dim(),
            block,
            w2_squared_to_images: to_images,
        }),
    }))
}

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
    /// Where the pace is timed from (the first observation, past any set-up), and whether the
    /// "this may take minutes" note is still to be judged; `None` when the caller announced
    /// the run's length itself.
    pace: Option<(Option<(Instant, usize)>, bool)>,
}

/// Seconds into a solver's iterations at which its pace is judged: the progress bar is hidden
/// when stderr is not a terminal, and `ot barycentre` of six 512×512 images ran 75 s without
/// a word (probe 27).
const PACE_AFTER_SECONDS: f64 = 10.0;

impl Bar {
    /// `note_pace`: whether to say, once the pace is known, that the iteration limit may take
    /// more than a minute to reach.
    fn new(solver: &str, max_iterations: usize, note_pace: bool) -> Result<Self, Box<dyn Error>> {
        let bar = ProgressBar::new(max_iterations as u64).with_prefix(solver.to_string());
        bar.set_style(ProgressStyle::with_template(
            "{prefix:>10} {pos} iterations {elapsed_precise} {msg}",
        )?);
        Ok(Self {
            bar,
            pace: note_pace.then_some((None, true)),
        })
    }

    fn observe(&mut self, progress: Progress) -> ControlFlow<()> {
        self.note_pace(&progress);
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

    /// Once, past [`PACE_AFTER_SECONDS`]: a note when the remaining iterations, at the pace so
    /// far, could take more than [`LONG_RUN_SECONDS`].
    fn note_pace(&mut self, progress: &Progress) {
        let Some((start, due)) = &mut self.pace else {
            return;
        };
        let (since, first) = *start.get_or_insert((Instant::now(), progress.iteration));
        let seconds = since.elapsed().as_secs_f64();
        let timed = progress.iteration.saturating_sub(first);
        if !*due || seconds < PACE_AFTER_SECONDS || timed == 0 {
            return;
        }
        *due = false;
        let per_iteration = seconds / timed as f64;
        let left = progress.max_iterations.saturating_sub(progress.iteration);
        let worst_case = per_iteration * left as f64;
        if worst_case > LONG_RUN_SECONDS {
            self.bar.suspend(|| {
                support::print_to_stderr(&format!(
                    "note: at {per_iteration:.2} s per iteration, the {left} iterations left before --max-iterations {} could take up to {}; the solver stops sooner once its change falls below {:.0e} (now {:.2e}); lower --max-iterations to bound the time",
                    progress.max_iterations,
                    duration(worst_case),
                    progress.tolerance,
                    progress.residual
                ))
            });
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
