//! Path energy of image sequences.
//!
//! With no input, runs a demo: a disk translated across a 32×32 grid against the
//! cross-dissolve between the same endpoint frames. With a `.npy` file (`(T+1, H, W)` or
//! `(P, T+1, H, W)`, or gray image paths as the methods write them, `(T+1, 1, H, W)` or
//! `(P, T+1, 1, H, W)`; f32 or f64) or a folder of PNG frames, prints one JSON object per path.
//!
//! Every path is measured by `dotae_metrics::PathMeasure` (docs/metrics.md, "One way to
//! measure"): frames rescaled to unit mass after a relative density floor of 1e-6 × each
//! frame's mean density, Neumann boundary. A frame without mass is an error naming it.
//!
//!     cargo run --release --example path_energy
//!     cargo run --release --example path_energy -- frames/ --boundary dirichlet

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use dotae::data::{self, synthetic};
use dotae::energy::{Grid, mass_on_obstacles};
use dotae::metrics::{FloorCheck, MetricsError, PathMeasure, PathMeasurement};
use ndarray::{Array4, Axis};
use serde::Serialize;

#[path = "support/limits.rs"]
mod limits;
#[path = "support/measure.rs"]
mod measure;
#[path = "support/obstacle.rs"]
mod obstacle;

use limits::{MAX_FILE_VALUES, MAX_STEPS};
use measure::FloorSetPaths;
use obstacle::{read_obstacle_mask, with_obstacle_hint};
mod support;

#[derive(Debug, Parser)]
#[command(about = "Dynamic optimal-transport path energy of image sequences")]
struct Args {
    /// A `.npy` path file ((T+1, H, W) or (P, T+1, H, W), or gray image paths (T+1, 1, H, W)
    /// or (P, T+1, 1, H, W) such as a method's paths.npy; f32 or f64) or a folder of PNG frames
    /// (in name order, numbers by value: f2 before f10; hidden files skipped). Without it, the
    /// embedded demo runs.
    input: Option<PathBuf>,
    /// Obstacle mask PNG of the frames' size: pixels brighter than 0.5 are obstacles.
    #[arg(long)]
    obstacle: Option<PathBuf>,
    #[command(flatten)]
    measure: measure::MeasureArgs,
}

/// One measured path, as printed.
#[derive(Serialize)]
struct Report<'a> {
    path: usize,
    #[serde(flatten)]
    measurement: &'a PathMeasurement,
    /// The share of the energy a 10× floor removes (`FloorShare::share`); absent when the
    /// floor cannot be raised (an absolute floor, or none).
    #[serde(skip_serializing_if = "Option::is_none")]
    floor_share: Option<f64>,
}

/// What the demo prints.
#[derive(Serialize)]
struct Demo<'a> {
    demo: String,
    translation: Report<'a>,
    cross_dissolve: Report<'a>,
    energy_ratio_dissolve_over_translation: f64,
    exact_w2_squared_translation: f64,
}

fn main() -> ExitCode {
    let args = support::parse_args::<Args>();
    support::exit_code(args.measure.check_flags().and_then(|()| match &args.input {
        None => demo(&args),
        Some(input) => measure(&args, input),
    }))
}

/// The measure for frames of `rows × cols`, measured on their own grid.
fn path_measure(args: &Args, rows: usize, cols: usize) -> Result<PathMeasure, Box<dyn Error>> {
    let mask = match &args.obstacle {
        Some(file) => Some(read_obstacle_mask(file, rows, cols, "frames")?),
        None => None,
    };
    PathMeasure::new(
        args.measure.config(rows, cols),
        mask.as_ref().map(|m| m.view()),
    )
    .map_err(|e| match &args.obstacle {
        Some(file) => format!("--obstacle {}: {e}", file.display()).into(),
        None => e.into(),
    })
}

fn read_paths(input: &Path) -> Result<Array4<f64>, Box<dyn Error>> {
    Ok(if input.is_dir() {
        // The frame count and the values are known from the listing and the headers: checked
        // before any frame is decoded.
        let files = data::png_frame_files(input)?;
        warn_missing_frame_numbers(input, &files);
        if files.len() > MAX_STEPS + 1 {
            return Err(format!(
                "{} holds {} PNG frames: a path is measured here with at most {} frames",
                input.display(),
                files.len(),
                MAX_STEPS + 1
            )
            .into());
        }
        let mut values = 0u64;
        for file in &files {
            let (rows, cols) = limits::check_png_side(file)?;
            values = values.saturating_add((rows * cols) as u64);
        }
        if values > MAX_FILE_VALUES {
            return Err(format!(
                "{}: its {} PNG frames hold {values} pixels, above the {MAX_FILE_VALUES} a path file may hold (MAX_PATH_VALUES)",
                input.display(),
                files.len()
            )
            .into());
        }
        data::read_png_frames(input).map(|frames| frames.insert_axis(Axis(0)))?
    } else {
        data::read_paths_npy_within(input, MAX_FILE_VALUES, "MAX_PATH_VALUES")?
    })
}

fn measure(args: &Args, input: &Path) -> Result<(), Box<dyn Error>> {
    let paths = read_paths(input)?;
    refuse_non_finite(input, &paths)?;
    args.measure
        .check_paths(input, paths.view().insert_axis(Axis(2)))?;
    if !input.is_dir() {
        warn_rgb_reading(input, &paths)?;
    }
    // Without an absolute floor a frame without mass is refused when measured, naming it.
    warn_faint_frames(input, &paths, args.measure.absolute_floor.is_some());
    warn_still_paths(input, &paths);
    if paths.dim().1 == 2 {
        // Probe 15: a jump's "w2_estimate" read 5.3e7 where W₂² is 50.
        support::print_to_stderr(&format!(
            "warning: {}: its paths have 2 frames, their two ends and nothing between: the energy of a jump (mass fading out and in) is no W₂² estimate; `ot emd` gives the endpoints' W₂², `ot geodesic` the path",
            input.display()
        ));
    }
    measure_each(args, input, &paths, |p, measurement, floor_share| {
        support::print(&serde_json::to_string(&Report {
            path: p,
            measurement: &measurement,
            floor_share,
        })?)
    })
}

/// Measures every path of `paths` (read from `input`, a file, a folder of frames or the demo)
/// in order, after checking that no `--obstacle` covers their mass, and hands each measurement
/// and its floor share to `report` as it is made; then warns about paths whose energy the
/// density floor sets. A failure names the input, the path and, for a folder, the frame file.
fn measure_each(
    args: &Args,
    input: &Path,
    paths: &Array4<f64>,
    mut report: impl FnMut(usize, PathMeasurement, Option<f64>) -> Result<(), Box<dyn Error>>,
) -> Result<(), Box<dyn Error>> {
    let (_, _, rows, cols) = paths.dim();
    let measure = path_measure(args, rows, cols)?;
    let floor_check = FloorCheck::new(&measure)?;
    args.measure.note_unchecked_floor(floor_check.as_ref());
    let mut floor_set = FloorSetPaths::default();
    if let Some(file) = &args.obstacle {
        check_obstacle_mass(file, input, paths, measure.operator().grid())?;
    }
    for (p, path) in paths.outer_iter().enumerate() {
        let path = path.insert_axis(Axis(1));
        let in_measure = |e: MetricsError| {
            let frame = match &e {
                MetricsError::Energy { source, .. } => source.frame(),
                _ => None,
            };
            let mut error = format!("{}, path {p}: {}", input.display(), args.measure.explain(e));
            if let (true, Some(t)) = (input.is_dir(), frame) {
                error = with_frame_file(error, input, t);
            }
            with_obstacle_hint(error.into(), args.obstacle.as_deref())
        };
        let measurement = measure.measure(path).map_err(in_measure)?;
        let share = match &floor_check {
            Some(check) => Some(check.share(path, measurement.energy).map_err(in_measure)?),
            None => None,
        };
        if let Some(share) = &share {
            floor_set.note(p, share);
        }
        report(p, measurement, share.map(|s| s.share()))?;
    }
    floor_set.warn(input, args.measure.tau.is_some());
    Ok(())
}

/// Refuses the first NaN or infinity of `paths` `(P, frames, H, W)`, named by path, frame, row
/// and column: the file may have no path axis, so an index into the measured layout would not
/// be one into the file (probe 19: "[2, 0, 11, 12]" for `a[2, 11, 12]` of a 3-D file).
fn refuse_non_finite(input: &Path, paths: &Array4<f64>) -> Result<(), Box<dyn Error>> {
    match paths.indexed_iter().find(|(_, v)| !v.is_finite()) {
        None => Ok(()),
        Some(((p, t, row, col), value)) => Err(format!(
            "{}: path {p}, frame {t} holds the non-finite value {value} at row {row}, column {col}: every value must be finite",
            input.display()
        )
        .into()),
    }
}

/// Warns when a 4-D file was read as gray paths of 3 frames: `(N, 3, H, W)` is also the layout
/// of one path of `N` RGB frames (as `evaluate` reads it), whose channels, read as frames, move
/// nothing.
fn warn_rgb_reading(file: &Path, paths: &Array4<f64>) -> Result<(), Box<dyn Error>> {
    let (count, frames, rows, cols) = paths.dim();
    // The file's own shape decides: a gray path `(3, 1, H, W)` is also read as 3 frames, and
    // was warned about with advice to save it as the shape it had (probe 23).
    let shape = data::npy_shape(file)?;
    if frames == 3 && shape.len() == 4 && shape[..2] == [count, 3] {
        support::print_to_stderr(&format!(
            "warning: {}: read as {count} gray paths of 3 frames ({count}, 3, {rows}, {cols}); if it holds one path of {count} RGB frames (evaluate's reading), measure each channel as a gray path: swap its first two axes, to (3, {count}, {rows}, {cols}) channels first",
            file.display()
        ));
    }
    Ok(())
}

/// A frame is faint when it holds less than this fraction of its path's heaviest frame:
/// rescaled to unit mass, whatever it holds is amplified that much.
const FAINT_BELOW: f64 = 1e-6;

/// Warns about frames far fainter than the rest of their path: every frame is rescaled to unit
/// mass, so a nearly black frame measures as if it were as bright as the others (`evaluate`
/// counts such a path as blank).
fn warn_faint_frames(input: &Path, paths: &Array4<f64>, empty_frames_measured: bool) {
    for (p, path) in paths.outer_iter().enumerate() {
        let masses: Vec<f64> = path.outer_iter().map(|frame| frame.sum()).collect();
        let heaviest = masses.iter().copied().fold(0.0, f64::max);
        // A non-finite frame is refused when measured, naming its value.
        if !masses.iter().all(|m| m.is_finite()) {
            continue;
        }
        let faint = |m: f64| m < FAINT_BELOW * heaviest && (m > 0.0 || empty_frames_measured);
        if let Some(t) = masses.iter().position(|&m| faint(m)) {
            support::print_to_stderr(&format!(
                "warning: {}, path {p}: frame {t} holds {:.3e} of the mass of the path's heaviest frame, below {FAINT_BELOW:e}: rescaled to unit mass it is amplified as much, and the path's energy describes that faint frame as if it were as bright as the others",
                input.display(),
                masses[t] / heaviest
            ));
        }
    }
}

/// Warns about paths whose frames are all equal: their energy, 0, describes a still image.
fn warn_still_paths(input: &Path, paths: &Array4<f64>) {
    let still: Vec<usize> = paths
        .outer_iter()
        .enumerate()
        .filter(|(_, path)| {
            let first = path.index_axis(Axis(0), 0);
            path.outer_iter().all(|frame| frame == first)
        })
        .map(|(p, _)| p)
        .collect();
    if !still.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: {} of {} paths do not move (every frame equals the first; paths {}): their energy, 0, describes a still image",
            input.display(),
            still.len(),
            paths.len_of(Axis(0)),
            support::first_indices(&still)
        ));
    }
}

/// Warns when the frames' numbers skip some (`f0, f1, f2, f5`): the frames are measured as
/// consecutive, evenly spaced in time, so a missing frame makes its neighbours a jump (probe 23:
/// a W₂ estimate of 902 where about 279 is right).
fn warn_missing_frame_numbers(dir: &Path, files: &[PathBuf]) {
    // The last run of digits in each name: `frame_007.png` is 7.
    let number = |file: &PathBuf| -> Option<u64> {
        let stem = file.file_stem()?.to_str()?;
        let end = stem.rfind(|c: char| c.is_ascii_digit())? + 1;
        let start = stem[..end]
            .rfind(|c: char| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        stem[start..end].parse().ok()
    };
    let Some(numbers) = files.iter().map(number).collect::<Option<Vec<u64>>>() else {
        return;
    };
    let gaps: Vec<String> = numbers
        .windows(2)
        .filter(|pair| pair[1] > pair[0] + 1)
        .map(|pair| format!("{} to {}", pair[0], pair[1]))
        .collect();
    if !gaps.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: the frames' numbers skip ({}); the frames are measured as consecutive steps evenly spaced in time, so a missing frame makes its neighbours one jump and raises the energy: add the missing frames or renumber them",
            dir.display(),
            gaps.join(", ")
        ));
    }
}

/// `error` about frame `t` of a folder of PNG frames, with that frame's file: the frames are
/// numbered in the order `read_png_frames` reads them, which the user may not know.
fn with_frame_file(error: String, dir: &Path, t: usize) -> String {
    match data::png_frame_files(dir).unwrap_or_default().get(t) {
        Some(file) => format!("{error} (frame {t} is {})", file.display()),
        None => error,
    }
}

/// No frame may hold mass on an obstacle: measuring would silently discard it.
fn check_obstacle_mass(
    obstacle: &Path,
    input: &Path,
    paths: &Array4<f64>,
    grid: &Grid,
) -> Result<(), Box<dyn Error>> {
    for (p, path) in paths.outer_iter().enumerate() {
        for (t, frame) in path.outer_iter().enumerate() {
            let lost = mass_on_obstacles(grid, frame)?;
            if lost > 0.0 {
                return Err(format!(
                    "--obstacle {} covers mass of {}, path {p}, frame {t}: {lost:.4e} of its mass {:.4e} lies on obstacle pixels and would be discarded; obstacles must lie where the frames are empty",
                    obstacle.display(),
                    input.display(),
                    frame.sum()
                )
                .into());
            }
        }
    }
    Ok(())
}

/// A disk of radius 4 moving 16 pixels across a 32×32 grid in 8 steps, against the
/// cross-dissolve between its first and last frame, checked and measured as a file's paths are
/// (probe 12: a floor or obstacle the demo could not use went unnamed or unnoticed).
fn demo(args: &Args) -> Result<(), Box<dyn Error>> {
    let (size, steps, radius) = (32, 8, 4.0);
    let (from, to) = ((16.0, 8.0), (16.0, 24.0));
    let translation =
        synthetic::translation(steps, from, to, |c| synthetic::disk(size, size, c, radius))?;
    let dissolve = synthetic::cross_dissolve(
        translation.index_axis(Axis(0), 0),
        translation.index_axis(Axis(0), steps),
        steps,
    )?;
    let paths = ndarray::stack(Axis(0), &[translation.view(), dissolve.view()])?;
    let input = Path::new("the built-in demo");
    args.measure
        .check_paths(input, paths.view().insert_axis(Axis(2)))?;
    let mut measured = Vec::new();
    measure_each(args, input, &paths, |_, measurement, share| {
        measured.push((measurement, share));
        Ok(())
    })?;
    let [(moving, moving_share), (fading, fading_share)] =
        <[(PathMeasurement, Option<f64>); 2]>::try_from(measured)
            .map_err(|_| "the demo measures two paths")?;
    let distance = (to.0 - from.0).hypot(to.1 - from.1);
    let demo = Demo {
        demo: format!(
            "disk of radius {radius} moved {distance} px on a {size}x{size} grid in {steps} steps"
        ),
        translation: Report {
            path: 0,
            measurement: &moving,
            floor_share: moving_share,
        },
        cross_dissolve: Report {
            path: 1,
            measurement: &fading,
            floor_share: fading_share,
        },
        energy_ratio_dissolve_over_translation: fading.energy / moving.energy,
        exact_w2_squared_translation: distance * distance,
    };
    support::print(&serde_json::to_string_pretty(&demo)?)?;
    Ok(())
}
