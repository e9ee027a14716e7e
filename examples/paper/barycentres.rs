//! Figs. 4, 5 and 10: barycentres of four images on a 6×6 grid, decoded by the path-energy and
//! the plain autoencoder, beside dotae-ot's convolutional barycentres.
//!
//! Cell `(r, k)` of a grid stands for the weights `(1−u)(1−v), u(1−v), (1−u)v, uv` of the four
//! corner images with `u = r/5`, `v = k/5` (the paper writes `i/6`; `/5` puts the images
//! themselves in the corners). Every cell is scored by its exact barycentre cost
//! `Σ_k w_k W₂²(cell, image_k)` (network simplex, unit masses) over the cell's pairwise bound
//! `Σ_{i<j} w_i w_j W₂²(image_i, image_j)`, which no image can beat; a blend of the images costs
//! up to twice it. Peak, sharpness and mass are compared with the bilinear mix of the corners'.

use std::error::Error;
use std::path::Path;
use std::time::Instant;

use dotae::data::synthetic::disk;
use dotae::data::write_png_grid;
use dotae::energy::{Boundary, Variant};
use dotae::metrics::{MeanStd, sharpness};
use dotae::models::{InterpolationMethod, Trainer, barycentre_grid, from_array, to_array};
use dotae::ot::{BarycentreConfig, convolutional_barycentre};
use ndarray::{Array1, Array2, Array3, Array4, ArrayView3, Axis, Ix4, stack};
use serde::Serialize;

use crate::exact_costs::{barycentre_cost, pairwise_cost};
use crate::two_images::{Training, train, write_json};
use crate::{Common, FULL_EPOCHS, QUICKSTART_RATE, Rows, square};

/// Cells per side of a grid, as in the paper.
const GRID: usize = 6;

/// Time steps of the regulariser's paths between the four images.
const STEPS: usize = 10;

/// One of the paper's two four-image problems.
struct Problem {
    key: &'static str,
    title: &'static str,
    /// The four corners `(4, 1, H, W)`.
    corners: Array4<f64>,
    variant: Variant,
}

/// What `results.json` reports of one grid.
#[derive(Serialize)]
struct GridScores {
    method: String,
    /// Each non-corner cell's barycentre cost over its pairwise bound: 1 at best (for
    /// barycentres of two images, exactly the optimum), up to about 2 for a blend.
    cost_over_bound: MeanStd,
    /// Each cell's brightest value over the bilinear mix of the corners' brightest.
    peak_ratio: MeanStd,
    /// Each cell's total variation per unit mass over the same mix of the corners'.
    sharpness_ratio: MeanStd,
    /// Each cell's mass over the same mix of the corners' masses, minus 1.
    mass_deviation: MeanStd,
    /// Seconds of training per step (0 for the convolutional barycentres, which are solved).
    seconds_per_step: f64,
    /// Seconds to produce the grid.
    seconds: f64,
}

#[derive(Serialize)]
struct ProblemReport {
    problem: String,
    variant: String,
    grids: Vec<GridScores>,
}

/// Trains, solves and scores both problems into `out`; returns the report it writes.
pub fn run(
    common: &Common,
    out: &Path,
    started: Instant,
) -> Result<serde_json::Value, Box<dyn Error>> {
    let device = common.backend.training_device()?;
    let epochs = common.epochs(FULL_EPOCHS);
    let rate = common.learning_rate.unwrap_or(QUICKSTART_RATE);
    let side = common.side();
    let mut reports = Vec::new();
    for problem in problems(side)? {
        let dir = out.join(problem.key);
        std::fs::create_dir_all(&dir)?;
        let weights = cell_weights();
        let corners: Vec<Array2<f64>> = problem
            .corners
            .outer_iter()
            .map(|c| c.index_axis(Axis(0), 0).to_owned())
            .collect();
        let mut grids = Vec::new();
        let mut scores = Vec::new();
        for (key, title, regularised) in [
            ("path_energy", "path energy", true),
            ("plain", "plain AE", false),
        ] {
            let config = Rows { common, rate, side }
                .config(Boundary::Neumann, problem.variant, STEPS, regularised)?
                .with_batch_size(4);
            config.validate()?;
            let method_dir = dir.join(key);
            std::fs::create_dir_all(&method_dir)?;
            write_json(&method_dir.join("config.json"), &config)?;
            let mut trainer = Trainer::new(config, &device)?;
            let checkpoint = method_dir.join("model.bpk");
            let label = format!("{}: {title}", problem.key);
            let clock = Instant::now();
            train(
                &mut trainer,
                &from_array::<4>(problem.corners.view().into_dyn(), &device)?,
                &Training {
                    title: &label,
                    epochs,
                    checkpoint_every: 100,
                    checkpoint: &checkpoint,
                    pinned: 0,
                },
                |_, _, _, _| Ok(()),
            )?;
            let seconds_per_step =
                clock.elapsed().as_secs_f64() / trainer.steps_taken().max(1) as f64;
            let corners_tensor = from_array::<4>(problem.corners.view().into_dyn(), &device)?;
            let grid = to_array(barycentre_grid(&trainer, corners_tensor, GRID)?)?
                .into_dimensionality::<Ix4>()?;
            crate::interrupt::check(&format!("decoding {label}'s grid"))?;
            scores.push(score_grid(
                title,
                &grid,
                &corners,
                &weights,
                seconds_per_step,
                clock.elapsed().as_secs_f64(),
            )?);
            grids.push(grid);
        }
        let clock = Instant::now();
        let solved = convolutional_grid(&corners, &weights)?;
        scores.insert(
            1,
            score_grid(
                "convolutional barycentre",
                &solved,
                &corners,
                &weights,
                0.0,
                clock.elapsed().as_secs_f64(),
            )?,
        );
        grids.insert(1, solved);
        write_figure(&dir.join("grids.png"), &grids)?;
        for (grid, key) in grids.iter().zip(["path_energy", "convolutional", "plain"]) {
            crate::write_npy(&dir.join(format!("{key}.npy")), grid)?;
        }
        reports.push(ProblemReport {
            problem: problem.title.to_string(),
            variant: format!("{:?}", problem.variant),
            grids: scores,
        });
    }
    let report = serde_json::json!({
        "experiment": "barycentres",
        "epochs": epochs,
        "learning_rate": rate,
        "grid": GRID,
        "steps": STEPS,
        "problems": reports,
        "backend": common.backend.to_string(),
        "seconds_total": started.elapsed().as_secs_f64(),
    });
    write_json(&out.join("results.json"), &report)?;
    Ok(report)
}

/// The paper's two problems on `side × side` images: four disk positions (balanced) and four
/// shapes of different areas at the centre (unbalanced, τ = 1).
fn problems(side: usize) -> Result<Vec<Problem>, Box<dyn Error>> {
    let scale = side as f64 / 32.0;
    let at = |r: f64, c: f64| (r * scale, c * scale);
    let disks = [at(9.0, 9.0), at(9.0, 22.0), at(22.0, 9.0), at(22.0, 22.0)]
        .into_iter()
        .map(|c| disk(side, side, c, 4.0 * scale))
        .collect::<Result<Vec<_>, _>>()?;
    let centre = at(15.5, 15.5);
    let ring = disk(side, side, centre, 8.0 * scale)? - disk(side, side, centre, 4.0 * scale)?;
    let bar = Array2::from_shape_fn((side, side), |(i, j)| {
        let (di, dj) = ((i as f64 - centre.0).abs(), (j as f64 - centre.1).abs());
        ((3.0 * scale - di + 0.5).clamp(0.0, 1.0)) * ((10.0 * scale - dj + 0.5).clamp(0.0, 1.0))
    });
    let shapes = vec![
        disk(side, side, centre, 6.0 * scale)?,
        square(side, centre, 10.0 * scale),
        ring,
        bar,
    ];
    let stacked = |images: &[Array2<f64>]| -> Result<Array4<f64>, Box<dyn Error>> {
        let views: Vec<_> = images.iter().map(|i| i.view()).collect();
        Ok(stack(Axis(0), &views)?.insert_axis(Axis(1)))
    };
    Ok(vec![
        Problem {
            key: "disks",
            title: "four disk positions",
            corners: stacked(&disks)?,
            variant: Variant::Balanced,
        },
        Problem {
            key: "shapes",
            title: "four shapes",
            corners: stacked(&shapes)?,
            variant: Variant::Unbalanced { tau: 1.0 },
        },
    ])
}

/// The four weights of every cell, row-major, as `dotae_models::barycentre_grid` mixes codes.
fn cell_weights() -> Vec<Array1<f64>> {
    let last = (GRID - 1) as f64;
    let mut weights = Vec::with_capacity(GRID * GRID);
    for r in 0..GRID {
        for k in 0..GRID {
            let (u, v) = (r as f64 / last, k as f64 / last);
            weights.push(Array1::from(vec![
                (1.0 - u) * (1.0 - v),
                u * (1.0 - v),
                (1.0 - u) * v,
                u * v,
            ]));
        }
    }
    weights
}

/// The convolutional barycentre of every cell at dotae-ot's defaults, at the bilinear mix of
/// the corners' masses (it is computed at unit mass).
fn convolutional_grid(
    corners: &[Array2<f64>],
    weights: &[Array1<f64>],
) -> Result<Array4<f64>, Box<dyn Error>> {
    let masses: Vec<f64> = corners.iter().map(|c| c.sum()).collect();
    let unit: Vec<Array2<f64>> = corners.iter().zip(&masses).map(|(c, m)| c / *m).collect();
    let views: Vec<_> = unit.iter().map(|u| u.view()).collect();
    let images: Array3<f64> = stack(Axis(0), &views)?;
    let (rows, cols) = corners[0].dim();
    let mut grid = Array4::zeros((weights.len(), 1, rows, cols));
    for (cell, w) in weights.iter().enumerate() {
        crate::interrupt::check("solving the convolutional barycentres")?;
        let solved =
            convolutional_barycentre(images.view(), w.view(), &BarycentreConfig::default())?;
        let mass: f64 = w.iter().zip(&masses).map(|(w, m)| w * m).sum();
        grid.slice_mut(ndarray::s![cell, 0, .., ..])
            .assign(&(&solved.image * mass));
    }
    Ok(grid)
}

/// The scores of a `(36, 1, H, W)` grid against its four corners.
fn score_grid(
    method: &str,
    grid: &Array4<f64>,
    corners: &[Array2<f64>],
    weights: &[Array1<f64>],
    seconds_per_step: f64,
    seconds: f64,
) -> Result<GridScores, Box<dyn Error>> {
    let corner_peak: Vec<f64> = corners
        .iter()
        .map(|c| c.fold(0.0, |a: f64, &b| a.max(b)))
        .collect();
    let corner_sharpness: Vec<f64> = corners
        .iter()
        .map(|c| sharpness(c.view().insert_axis(Axis(0))))
        .collect::<Result<_, _>>()?;
    let corner_mass: Vec<f64> = corners.iter().map(|c| c.sum()).collect();
    let mix =
        |values: &[f64], w: &Array1<f64>| -> f64 { values.iter().zip(w).map(|(v, w)| v * w).sum() };
    let (mut cost, mut peak, mut sharp, mut mass) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (cell, w) in grid.outer_iter().zip(weights) {
        let image = cell.index_axis(Axis(0), 0).to_owned();
        peak.push(image.fold(0.0, |a: f64, &b| a.max(b)) / mix(&corner_peak, w));
        sharp.push(sharpness(cell.view())? / mix(&corner_sharpness, w));
        mass.push(image.sum() / mix(&corner_mass, w) - 1.0);
        // Corners have a bound of 0: their cost is the reconstruction, not a barycentre's.
        if w.iter().filter(|&&x| x > 0.0).count() > 1 {
            let bound = pairwise_cost(corners, w)?;
            let exact = barycentre_cost(&image, corners, w)?
                .ok_or("a barycentre too large for the exact costs")?;
            cost.push(exact.cost / bound);
        }
    }
    let stats = |values: &[f64]| {
        MeanStd::of(values).unwrap_or(MeanStd {
            mean: f64::NAN,
            std: f64::NAN,
        })
    };
    Ok(GridScores {
        method: method.to_string(),
        cost_over_bound: stats(&cost),
        peak_ratio: stats(&peak),
        sharpness_ratio: stats(&sharp),
        mass_deviation: stats(&mass),
        seconds_per_step,
        seconds,
    })
}

/// The three grids side by side, a blank column between them, as one PNG.
fn write_figure(path: &Path, grids: &[Array4<f64>]) -> Result<(), Box<dyn Error>> {
    let (_, channels, rows, cols) = grids[0].dim();
    let blank = Array3::<f64>::zeros((channels, rows, cols));
    let mut figure: Vec<Array4<f64>> = Vec::with_capacity(GRID);
    for r in 0..GRID {
        let mut frames: Vec<ArrayView3<f64>> = Vec::new();
        for (g, grid) in grids.iter().enumerate() {
            if g > 0 {
                frames.push(blank.view());
            }
            for k in 0..GRID {
                frames.push(grid.index_axis(Axis(0), r * GRID + k));
            }
        }
        figure.push(stack(Axis(0), &frames)?);
    }
    let views: Vec<_> = figure.iter().map(|f| f.view()).collect();
    write_png_grid(path, &views, 1)?;
    Ok(())
}
