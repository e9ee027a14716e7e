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
use dotae::energy::{Boundary, Grid, Variant};
use dotae::metrics::{
    FloorCheck, MISSED_ENDS_ABOVE, MeanStd, MeasureConfig, PathMeasure, sharpness,
};
use dotae::models::{InterpolationMethod, Trainer, barycentre_grid, from_array, to_array};
use dotae::ot::{BarycentreConfig, convolutional_barycentre};
use ndarray::{Array1, Array2, Array3, Array4, ArrayView3, Axis, Ix4, stack};
use serde::Serialize;

use crate::exact_costs::{barycentre_cost, pairwise_cost};
use crate::two_images::{Training, score_pair, train, write_json};
use crate::{Common, FULL_EPOCHS, QUICKSTART_RATE, Rows, geodesic_path, square};

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
    /// The grid's four edges, each a path of 6 frames between two corner images, against
    /// dotae-ot's geodesic between them: J / J(geodesic), mean over the edges.
    edge_energy_ratio: MeanStd,
    /// The same edges' mean per-frame MSE to the geodesic.
    edge_frame_mse: MeanStd,
    /// The same edges' adjacent-frame SSIM.
    edge_adjacent_ssim: MeanStd,
    /// The same edges' floor share (near 0 when mass moves, 0.9 for a fade; docs/metrics.md).
    edge_floor_share: MeanStd,
    /// MSE of the grid's corners against the four images: its reconstructions.
    reconstruction_mse: f64,
    /// The grid's corners are farther from the images than half their mean squared distance
    /// from each other, or an edge's ends lie nearer other images than its corners: an
    /// undertrained decoder, and the run warns (probe 21: 5 epochs scored gray noise without a
    /// word). Reported for the convolutional barycentres too, whose corners are blurred.
    undertrained: bool,
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
        let yardstick = Yardstick::new(&problem, common.quick)?;
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
            // Beside `dir`, not in it: a failed run keeps the checkpoints of `<run>/model.bpk`
            // folders at the top of --out (probe 21: an interrupted run kept nothing).
            let method_dir = out.join(format!("{}-{key}", problem.key));
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
            scores.push(yardstick.score(
                title,
                &grid,
                seconds_per_step,
                clock.elapsed().as_secs_f64(),
            )?);
            let scored = scores.last().ok_or("no scores")?;
            if scored.undertrained {
                crate::support::print_to_stderr(&format!(
                    "warning: {label}: the grid's corners are far from the four images (reconstruction MSE {:.2e}; an undertrained decoder: raise --epochs): its barycentre costs describe other images",
                    scored.reconstruction_mse
                ));
            }
            grids.push(grid);
        }
        let clock = Instant::now();
        let solved = convolutional_grid(&yardstick.corners, &yardstick.weights)?;
        scores.insert(
            1,
            yardstick.score(
                "convolutional barycentre",
                &solved,
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

/// One edge of a grid: the cells along it, from corner `from` to corner `to`, and dotae-ot's
/// geodesic between those two images drawn at the edge's frames.
struct Edge {
    cells: Vec<usize>,
    from: usize,
    to: usize,
    reference: Array4<f64>,
}

/// What every grid of a problem is scored against: its corners, the cells' weights, the
/// edges' geodesics and the one way to measure a path.
struct Yardstick {
    corners: Vec<Array2<f64>>,
    weights: Vec<Array1<f64>>,
    edges: Vec<Edge>,
    measure: PathMeasure,
    floor_check: FloorCheck,
    /// The mean pixel MSE between two different corner images.
    corner_distance: f64,
}

impl Yardstick {
    fn new(problem: &Problem, quick: bool) -> Result<Self, Box<dyn Error>> {
        let corners: Vec<Array2<f64>> = problem
            .corners
            .outer_iter()
            .map(|c| c.index_axis(Axis(0), 0).to_owned())
            .collect();
        let (rows, cols) = corners[0].dim();
        let grid = Grid::new(rows, cols, Boundary::Neumann)?;
        // Cell (r, k) weighs corner 0 by (1−u)(1−v), 1 by u(1−v), 2 by (1−u)v, 3 by uv.
        let last = GRID - 1;
        let along = [
            ((0..GRID).collect::<Vec<_>>(), 0, 2),
            ((0..GRID).map(|k| last * GRID + k).collect(), 1, 3),
            ((0..GRID).map(|r| r * GRID).collect(), 0, 1),
            ((0..GRID).map(|r| r * GRID + last).collect(), 2, 3),
        ];
        let mut edges = Vec::new();
        for (cells, from, to) in along {
            let name = format!(
                "{}: the reference geodesic along the grid's edge from corner {from} to corner {to}",
                problem.key
            );
            let (reference, _) = geodesic_path(
                &name,
                &grid,
                corners[from].view(),
                corners[to].view(),
                last,
                quick,
            )?;
            edges.push(Edge {
                cells,
                from,
                to,
                reference,
            });
        }
        let measure = PathMeasure::new(MeasureConfig::on_grid(rows, cols), None)?;
        let floor_check = FloorCheck::new(&measure)?.ok_or("the measure has no floor to check")?;
        let mut distances = Vec::new();
        for i in 0..corners.len() {
            for j in i + 1..corners.len() {
                let d = &corners[i] - &corners[j];
                distances.push(d.mapv(|v| v * v).mean().unwrap_or(0.0));
            }
        }
        let corner_distance = distances.iter().sum::<f64>() / distances.len().max(1) as f64;
        Ok(Self {
            corner_distance,
            corners,
            weights: cell_weights(),
            edges,
            measure,
            floor_check,
        })
    }

    /// The scores of a `(36, 1, H, W)` grid made by `method`.
    fn score(
        &self,
        method: &str,
        grid: &Array4<f64>,
        seconds_per_step: f64,
        seconds: f64,
    ) -> Result<GridScores, Box<dyn Error>> {
        let corners = &self.corners;
        let corner_peak: Vec<f64> = corners
            .iter()
            .map(|c| c.fold(0.0, |a: f64, &b| a.max(b)))
            .collect();
        let corner_sharpness: Vec<f64> = corners
            .iter()
            .map(|c| sharpness(c.view().insert_axis(Axis(0))))
            .collect::<Result<_, _>>()?;
        let corner_mass: Vec<f64> = corners.iter().map(|c| c.sum()).collect();
        let mix = |values: &[f64], w: &Array1<f64>| -> f64 {
            values.iter().zip(w).map(|(v, w)| v * w).sum()
        };
        let (mut cost, mut peak, mut sharp, mut mass) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (cell, w) in grid.outer_iter().zip(&self.weights) {
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
        let (mut ratio, mut frame_mse, mut ssim, mut floor) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut undertrained = false;
        for edge in &self.edges {
            let path = grid.select(Axis(0), &edge.cells);
            let scores = score_pair(
                path.view(),
                problem_image(corners, edge.from).view(),
                problem_image(corners, edge.to).view(),
                Some(edge.reference.view()),
                &self.measure,
                &self.floor_check,
            )?;
            ratio.push(scores.energy_ratio.unwrap_or(f64::NAN));
            frame_mse.push(scores.frame_mse_to_reference.unwrap_or(f64::NAN));
            ssim.push(scores.adjacent_ssim_mean);
            floor.push(scores.floor_share);
            // Not `cheaper_than_geodesic`: between shapes at one centre (W₂² of a pixel or
            // two) the solver's geodesic measures above other paths by more than its margin,
            // and the plain autoencoder's exact corners were flagged.
            undertrained |= scores.missed_ends;
        }
        let corner_cells = [0, (GRID - 1) * GRID, GRID - 1, GRID * GRID - 1];
        let reconstruction_mse = corner_cells
            .iter()
            .zip(corners)
            .map(|(&cell, image)| {
                let decoded = grid
                    .index_axis(Axis(0), cell)
                    .index_axis(Axis(0), 0)
                    .to_owned();
                (&decoded - image)
                    .mapv(|d| d * d)
                    .mean()
                    .unwrap_or(f64::NAN)
            })
            .sum::<f64>()
            / 4.0;
        // Corners farther from their images than the images are from each other, on average,
        // by the experiments' share (probe 21: 5 epochs decoded gray noise).
        undertrained |= reconstruction_mse > MISSED_ENDS_ABOVE * self.corner_distance;
        Ok(GridScores {
            method: method.to_string(),
            reconstruction_mse,
            undertrained,
            edge_energy_ratio: stats(&ratio),
            edge_frame_mse: stats(&frame_mse),
            edge_adjacent_ssim: stats(&ssim),
            edge_floor_share: stats(&floor),
            cost_over_bound: stats(&cost),
            peak_ratio: stats(&peak),
            sharpness_ratio: stats(&sharp),
            mass_deviation: stats(&mass),
            seconds_per_step,
            seconds,
        })
    }
}

/// Corner `k` as a `(1, H, W)` image.
fn problem_image(corners: &[Array2<f64>], k: usize) -> ndarray::Array3<f64> {
    corners[k].clone().insert_axis(Axis(0))
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
