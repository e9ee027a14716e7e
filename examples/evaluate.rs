//! Score interpolation paths with every metric that applies, and print one JSON object.
//!
//! ```text
//! cargo run --release --example evaluate -- runs/quickstart/path_energy/path.npy
//! cargo run --release --example evaluate -- paths.npy --reference geodesic.npy
//! cargo run --release --example evaluate -- lines.npy --benchmark lines
//! cargo run --release --example evaluate -- pole.npy --benchmark pole
//! ```
//!
//! A path file is `.npy` of shape `(frames, C, H, W)` (one path) or `(P, frames, C, H, W)`,
//! as every dotae method writes it, so all methods are scored by this one code path.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use dotae::data::pole::{PoleParams, render_pole};
use dotae::data::{npy_shape, read_image_paths_npy_within};
use dotae::energy::Boundary;
use dotae::metrics::{
    BLANK_BELOW, Distance, FloorCheck, MISSED_ENDS_ABOVE, MeanStd, MetricsError, Nearest,
    NearestNeighbours, PathMeasure, PathMeasurement, Summary, adjacent_ssim, first_blank_frame,
    mse, path_profile, paths_missing_their_ends, still_paths, w2_lower_bound,
};
use ndarray::{Array4, Array5, ArrayView5, Axis};
use serde_json::{Value, json};

#[path = "support/limits.rs"]
mod limits;
#[path = "support/lines_scoring.rs"]
mod lines_scoring;
#[path = "support/measure.rs"]
mod measure;
#[path = "support/pole_scoring.rs"]
mod pole_scoring;
mod support;

use limits::{MAX_FILE_VALUES, W2, check_real};
use lines_scoring::Lines;
use measure::FloorSetPaths;
use pole_scoring::{Intervals, pole_scenes, pole_scores};

#[derive(Parser, Debug)]
#[command(
    about = "Score interpolation paths and print one JSON object with every metric that applies.",
    after_help = METRICS_HELP
)]
struct Args {
    /// Paths to score: .npy of shape (frames, C, H, W) or (P, frames, C, H, W), values in [0, 1].
    paths: PathBuf,
    /// Reference paths of the same shape (e.g. the exact geodesics): adds the energy ratio and
    /// the per-frame MSE against them.
    #[arg(long)]
    reference: Option<PathBuf>,
    /// Squared Wasserstein-2 distance between the endpoints (pixels², the same for every path;
    /// each channel is a density of its own, so for several channels the sum of theirs: three
    /// equal RGB channels of a disk moving 12 px give 3 × 144): adds T·J/W₂².
    #[arg(long, allow_hyphen_values = true)]
    w2: Option<f64>,
    /// A benchmark with a known ground truth that the paths come from.
    #[arg(long, value_enum)]
    benchmark: Option<Benchmark>,
    /// With `--benchmark lines`: ACAI's lines and official rules, or dotae's exact tent lines
    /// and original rules (for paths drawn with `lines --lines dotae`).
    /// (Default: acai.)
    #[arg(long, value_enum)]
    lines: Option<Lines>,
    /// With `--benchmark pole`: a pole run's `intervals.json`, the true endpoint lights of each
    /// path, so that its `paths.npy` scores as in the run. Without it, each path's endpoints
    /// are the scenes nearest to its first and last frame.
    #[arg(long, value_name = "FILE")]
    intervals: Option<PathBuf>,
    #[command(flatten)]
    measure: measure::MeasureArgs,
}

const METRICS_HELP: &str = "\
Metrics (see docs/metrics.md):
  adjacent_ssim        SSIM of consecutive frames: mean over each path, then mean and std over
                       paths; adjacent_ssim_pairs pools every pair. Higher is smoother, but a
                       fade scores higher than a motion.
  path_energy          dynamic-OT energy J of each path (frames rescaled to unit mass after a
                       relative floor of --floor × each frame's mean density): mean and std over
                       paths. Lower moves mass more cheaply. floor_set_paths counts the paths
                       whose energy the floor sets (mass vanishes and reappears instead of
                       moving: a 10x floor lowers it by half or more), with a warning; their
                       energy compares only under the same floor.
  profile              paths of 3 or more frames: what the interior frames keep of the endpoints.
                       mass_deviation, the largest mass change off the straight line between
                       the endpoints' masses (relative; 0 conserves mass); peak_ratio, brightest
                       interior value over the endpoints' brightest (1 for a translation, below
                       for a fade, above where mass piles up); sharpness_ratio, total variation
                       per unit mass of the interior over the endpoints' (1 for a translation,
                       below for a blur). Mean and std over paths.
  energy_ratio_w2      T·J / W₂² with --w2: 1 for the OT geodesic, larger otherwise. Mean, std
                       and quartiles over paths (a few paths can carry the mean).
  reference            with --reference: J(path)/J(reference) (mean, std and quartiles) and
                       per-frame MSE against it; closer to 1 and lower are better.
  lines                with --benchmark lines, as ACAI's official evaluation: mean cosine distance
                       on ACAI's [-1, 1] range of each frame to the nearest of its 10 000 true
                       lines (lower is more realistic) and ACAI smoothness (largest angle step /
                       total angle change - 1/(frames-1); 0 is perfectly even; a path whose ends
                       retrieve one angle counts 0).
  pole                 with --benchmark pole: per α, MSE to the true scene at α (endpoints found
                       by retrieval among the 576 scenes), the α of the nearest scene (median and
                       IQR; ideal = α) and that scene's parameter distance to source and target;
                       same_scene_paths (both endpoints retrieve one scene: no α to retrieve) and
                       far_from_scenes_paths (an endpoint farther from every scene than a flat
                       gray image: not a pole scene), and with --intervals unlike_intervals_paths
                       (an end unlike the scene its interval names), each with a warning.";

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Benchmark {
    /// ACAI lines: 1-channel square images of ACAI's lines from the centre.
    Lines,
    /// AEAI pole and shadow: 1-channel square scenes of the default 576-scene grid.
    Pole,
}

fn main() -> ExitCode {
    support::exit_code(run(&support::parse_args::<Args>()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    args.measure.check_flags()?;
    if let Some(w2) = args.w2 {
        check_real("--w2", w2, &W2)?;
        // Only the balanced energy of frames rescaled to a mass estimates W₂²; refused before
        // any path is measured.
        let unbalancing: Vec<&str> = [
            (args.measure.tau.is_some(), "--tau"),
            (args.measure.no_normalize, "--no-normalize"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
        if !unbalancing.is_empty() {
            // Probe 19: the message named --no-normalize where only --tau was given.
            return Err(format!("{W2_NEEDS_BALANCED}: drop {}", unbalancing.join(" and ")).into());
        }
    }
    if let (Some(lines), false) = (args.lines, matches!(args.benchmark, Some(Benchmark::Lines))) {
        return Err(format!(
            "--lines {} chooses how `--benchmark lines` scores, but --benchmark lines is not given: it would change nothing",
            lines.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
        )
        .into());
    }
    if let (Some(file), false) = (
        &args.intervals,
        matches!(args.benchmark, Some(Benchmark::Pole)),
    ) {
        return Err(format!(
            "--intervals {} gives the true lights of `--benchmark pole`, but --benchmark pole is not given: it would change nothing",
            file.display()
        )
        .into());
    }
    let paths = read_image_paths(&args.paths, "")?;
    check_channels(&args.paths, &paths)?;
    check_unit_range(&args.paths, &paths)?;
    args.measure.check_paths(&args.paths, paths.view())?;
    warn_still_paths(&args.paths, &paths);
    let (count, frames, channels, rows, cols) = paths.dim();
    if frames == 2 {
        // Probe 11: a dissolve of two frames scored as the exact pole path, and a jump between
        // two lines as perfectly even.
        support::print_to_stderr(&format!(
            "warning: {}: its paths have 2 frames, their two ends and nothing between: every score describes a jump, not an interpolation (lines Smoothness reads 0, perfectly even; pole scores see no frame between the ends)",
            args.paths.display()
        ));
    }
    if let Some(w2) = args.w2 {
        // No unit mass moves farther than corner to corner, in each channel; `--w2` sums the
        // channels (probe 19: an RGB path's true sum, 3 × 392, was refused against one
        // channel's bound).
        let farthest = ((rows - 1).pow(2) + (cols - 1).pow(2)) as f64;
        let bound = farthest * channels as f64;
        if w2 > bound {
            let per_channel = match channels {
                1 => String::new(),
                n => format!(" in each of {n} channels, summed over them as --w2 is: {bound}"),
            };
            return Err(format!(
                "--w2 {w2:?} is larger than any squared distance between images of {rows}x{cols} ({farthest} pixels², corner to corner{per_channel})"
            )
            .into());
        }
    }
    // Read before the paths are measured: a broken file is refused at once.
    let intervals = match &args.intervals {
        Some(file) => Some(Intervals::read("--intervals", file, count)?),
        None => None,
    };
    // So is a reference of the wrong shape, and frames a benchmark cannot render (probe 20:
    // both were refused only after 12 paths of 512×512 were measured, 52 s).
    let reference = match &args.reference {
        Some(file) => {
            let reference = read_reference(file, &paths)?;
            warn_reference_elsewhere(file, &paths, &reference)?;
            Some(reference)
        }
        None => None,
    };
    match args.benchmark {
        Some(Benchmark::Lines) => {
            square_gray_side(paths.view(), "lines", MAX_LINES_SIDE)?;
        }
        Some(Benchmark::Pole) => {
            square_gray_side(paths.view(), "pole", MAX_POLE_SIDE)?;
        }
        None => {}
    }
    let mut report = json!({
        "paths_file": args.paths.display().to_string(),
        "paths": count,
        "frames": frames,
        "image": [channels, rows, cols],
    });
    let measure = PathMeasure::new(args.measure.config(rows, cols), None)?;
    let floor_check = FloorCheck::new(&measure)?;
    args.measure.note_unchecked_floor(floor_check.as_ref());
    let mut floor_set = FloorSetPaths::default();

    let mut per_path_ssim = Vec::with_capacity(count);
    let mut all_pairs = Vec::new();
    let mut energies = Vec::with_capacity(count);
    // The paths measured, by index: every path but those with a blank frame.
    let mut measured_paths = Vec::with_capacity(count);
    for (p, path) in paths.outer_iter().enumerate() {
        let in_file = |e: &dyn Error| format!("{}, path {p}: {e}", args.paths.display());
        let pairs = adjacent_ssim(path).map_err(|e| in_file(&e))?;
        per_path_ssim.push(pairs.iter().sum::<f64>() / pairs.len() as f64);
        all_pairs.extend(pairs);
        // A blank frame has nothing to move: the path is counted, not measured, as in the
        // experiments' own scores.
        if first_blank_frame(path).is_some() {
            continue;
        }
        let in_measure = |e: MetricsError| {
            format!(
                "{}, path {p}: {}",
                args.paths.display(),
                args.measure.explain(e)
            )
        };
        let measured = measure.measure(path).map_err(in_measure)?;
        if let Some(check) = &floor_check {
            let share = check.share(path, measured.energy).map_err(in_measure)?;
            floor_set.note(p, &share);
        }
        energies.push(measured);
        measured_paths.push(p);
    }
    report["blank_paths"] = json!(count - measured_paths.len());
    if !energies.is_empty() && measured_paths.len() < count {
        // Probe 23: the JSON count alone left a dropped path unnoticed.
        let mut measured = vec![false; count];
        measured_paths.iter().for_each(|&p| measured[p] = true);
        let blank: Vec<usize> = (0..count).filter(|&p| !measured[p]).collect();
        support::print_to_stderr(&format!(
            "warning: {}: {} of {count} paths have a black frame or channel (paths {}), which has no mass to move: they are counted in blank_paths and left out of path_energy and every score built on it, which average the other {}",
            args.paths.display(),
            blank.len(),
            support::first_indices(&blank),
            measured_paths.len()
        ));
    }
    if energies.is_empty() {
        let (frame, channel) = first_blank_frame(paths.index_axis(Axis(0), 0)).unwrap_or_default();
        return Err(format!(
            "{}: every path has a black frame or channel (no value reaches half a gray level, {BLANK_BELOW:e}; path 0: frame {frame}, channel {channel}), and each channel is measured as a density of its own, which a black one cannot be: for colour paths with an empty channel, drop that channel or convert the paths to gray",
            args.paths.display()
        )
        .into());
    }
    report["adjacent_ssim"] = mean_std(&per_path_ssim);
    report["adjacent_ssim_pairs"] = mean_std(&all_pairs);
    if frames >= 3 {
        report["profile"] = profiles(&args.paths, paths.view(), &measured_paths)?;
    }
    report["path_energy"] = mean_std(&energies.iter().map(|m| m.energy).collect::<Vec<_>>());
    if floor_check.is_some() {
        report["floor_set_paths"] = json!(floor_set.count());
        floor_set.warn(&args.paths, args.measure.tau.is_some());
    }

    if let Some(w2) = args.w2 {
        report["energy_ratio_w2"] = w2_ratios(&energies, &measured_paths, w2)?;
        // On a torus the centres of mass bound nothing: mass may take the short way round
        // (probe 23: a correct `--w2 81` was called too small under periodic).
        if measure.config().boundary != Boundary::Periodic {
            warn_w2_below_centre_shift(paths.view(), &measured_paths, w2)?;
        }
    }
    if let (Some(file), Some(reference)) = (&args.reference, &reference) {
        report["reference"] =
            against_reference(&paths, &measured_paths, file, reference, &measure)?;
    }
    match args.benchmark {
        Some(Benchmark::Lines) => {
            report["lines"] = lines(&args.paths, paths.view(), args.lines.unwrap_or(Lines::Acai))?
        }
        Some(Benchmark::Pole) => report["pole"] = pole(&args.paths, paths.view(), intervals)?,
        None => {}
    }
    support::print(&serde_json::to_string_pretty(&report)?)?;
    Ok(())
}

/// What the `measured` paths keep of their endpoints ([`path_profile`]): mass deviation, peak
/// ratio and sharpness ratio, each as mean and spread over the paths (the sharpness over the
/// paths whose endpoints are not flat).
fn profiles(
    file: &Path,
    paths: ArrayView5<f64>,
    measured: &[usize],
) -> Result<Value, Box<dyn Error>> {
    let (mut mass, mut peak, mut sharp) = (Vec::new(), Vec::new(), Vec::new());
    for &p in measured {
        let profile = path_profile(paths.index_axis(Axis(0), p))
            .map_err(|e| format!("{}, path {p}: {e}", file.display()))?;
        mass.push(profile.mass_deviation);
        peak.push(profile.peak_ratio);
        sharp.extend(profile.sharpness_ratio);
    }
    Ok(json!({
        "mass_deviation": mean_std(&mass),
        "peak_ratio": mean_std(&peak),
        "sharpness_ratio": mean_std(&sharp),
    }))
}

const W2_NEEDS_BALANCED: &str = "--w2 needs the balanced energy of frames rescaled to a mass";

/// `T·J / W₂²` of each measured path against the given squared distance.
/// `measured[i]` is path `paths[i]` of the file, whose index the warning names.
fn w2_ratios(
    measured: &[PathMeasurement],
    paths: &[usize],
    w2: f64,
) -> Result<Value, Box<dyn Error>> {
    let ratios = measured
        .iter()
        .map(|m| {
            m.w2_estimate
                .map(|estimate| estimate / w2)
                .ok_or(W2_NEEDS_BALANCED)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let below: Vec<usize> = (0..ratios.len())
        .filter(|&k| ratios[k] < W2_RATIO_FLOOR)
        .map(|k| paths[k])
        .collect();
    if !below.is_empty() {
        support::print_to_stderr(&format!(
            "warning: --w2 {w2:?}: {} of {} paths cost less than it (T·J / W₂² below {W2_RATIO_FLOOR}; paths {}); no path between two images costs less than their W₂², so --w2 is larger than these endpoints' W₂² (unit mass, pixel units)",
            below.len(),
            ratios.len(),
            support::first_indices(&below)
        ));
    }
    Ok(summary(&ratios))
}

/// Warns about the `measured` paths whose endpoints' centres of mass lie farther apart than
/// `√w2`: W₂² is at least that squared distance, so `w2` cannot be their W₂² and the ratios
/// against it are too large by as much.
fn warn_w2_below_centre_shift(
    paths: ArrayView5<f64>,
    measured: &[usize],
    w2: f64,
) -> Result<(), Box<dyn Error>> {
    let last = paths.len_of(Axis(1)) - 1;
    let mut below = Vec::new();
    let mut largest: f64 = 0.0;
    for &p in measured {
        let path = paths.index_axis(Axis(0), p);
        let bound = w2_lower_bound(path.index_axis(Axis(0), 0), path.index_axis(Axis(0), last))?;
        if w2 < bound * (1.0 - 1e-9) {
            below.push(p);
            largest = largest.max(bound);
        }
    }
    if !below.is_empty() {
        support::print_to_stderr(&format!(
            "warning: --w2 {w2:?}: {} of {} paths have endpoints whose centres of mass lie farther apart than √(--w2) (squared distance up to {largest:.4e} pixels², summed over the channels; paths {}); W₂² is at least that squared distance, so --w2 is smaller than these endpoints' W₂² and their energy_ratio_w2 too large",
            below.len(),
            measured.len(),
            support::first_indices(&below)
        ));
    }
    Ok(())
}

/// Below this `T·J / W₂²` the given W₂² cannot be the endpoints': every path costs at least
/// W₂², and the discretisation of docs/ot.md errs by under 1 %; 5 % leaves room for coarse grids.
const W2_RATIO_FLOOR: f64 = 0.95;

/// J(path) / J(reference) and the per-frame MSE of each of the `measured` paths; the others
/// have a black frame and are counted, as without `--reference`.
/// The `--reference` paths from `file`, of the shape of `paths` and within [0, 1].
fn read_reference(file: &Path, paths: &Array5<f64>) -> Result<Array5<f64>, Box<dyn Error>> {
    let reference = read_image_paths(file, "--reference ")?;
    if reference.dim() != paths.dim() {
        return Err(format!(
            "--reference {} has shape {:?}, but the paths have shape {:?}: they must be equal",
            file.display(),
            reference.shape(),
            paths.shape()
        )
        .into());
    }
    check_unit_range(file, &reference)?;
    Ok(reference)
}

/// Warns about paths whose ends lie nearer other images than the reference's ends
/// (`dotae_metrics::paths_missing_their_ends`): a reference between other images, or run
/// backwards, makes `energy_ratio` and `frame_mse` compare unrelated paths (probe 22: a
/// reversed reference and one on another row scored 1.0 and 2.36 without a word).
fn warn_reference_elsewhere(
    file: &Path,
    paths: &Array5<f64>,
    reference: &Array5<f64>,
) -> Result<(), Box<dyn Error>> {
    let last = reference.len_of(Axis(1)) - 1;
    let (starts, ends) = (
        reference.index_axis(Axis(1), 0),
        reference.index_axis(Axis(1), last),
    );
    let elsewhere = paths_missing_their_ends(paths.view(), starts, ends)?;
    if !elsewhere.is_empty() {
        support::print_to_stderr(&format!(
            "warning: --reference {}: {} of {} paths {} start or end farther from the reference's first or last frame than {MISSED_ENDS_ABOVE} of the squared distance between those frames: the reference joins other images (or runs the other way), so their energy_ratio and frame_mse compare unrelated paths",
            file.display(),
            elsewhere.len(),
            paths.len_of(Axis(0)),
            support::first_indices(&elsewhere)
        ));
    }
    Ok(())
}

fn against_reference(
    paths: &Array5<f64>,
    measured: &[usize],
    file: &Path,
    reference: &Array5<f64>,
    measure: &PathMeasure,
) -> Result<Value, Box<dyn Error>> {
    let mut ratios = Vec::new();
    let mut errors = Vec::new();
    for &k in measured {
        let (path, truth) = (
            paths.index_axis(Axis(0), k),
            reference.index_axis(Axis(0), k),
        );
        // A black frame in the reference makes it no reference.
        if let Some((t, c)) = first_blank_frame(truth) {
            return Err(format!(
                "--reference {}, path {k}: frame {t}, channel {c} is black (below half a gray level): a reference path must carry mass in every frame",
                file.display()
            )
            .into());
        }
        let fidelity = measure
            .fidelity(path, truth)
            .map_err(|e| format!("--reference {}, path {k}: {e}", file.display()))?;
        ratios.push(fidelity.energy_ratio);
        errors.push(fidelity.frame_mse.mean);
    }
    Ok(json!({
        "file": file.display().to_string(),
        "energy_ratio": summary(&ratios),
        "frame_mse": mean_std(&errors),
        "blank_paths": paths.len_of(Axis(0)) - measured.len(),
    }))
}

/// The lines scores of `lines` against their 10 000 true lines.
fn lines(file: &Path, paths: ArrayView5<f64>, lines: Lines) -> Result<Value, Box<dyn Error>> {
    let size = square_gray_side(paths, "lines", MAX_LINES_SIDE)?;
    let scorer = lines
        .scorer(size)
        .map_err(|e| format!("--benchmark lines on {}: {e}", file.display()))?;
    let scores = scorer.score(paths)?;
    // Probe 16: ACAI's lines scored by dotae's rules passed as lines, at 0.11 against 4.5e-8.
    let own = scores.end_distances.mean().unwrap_or(0.0);
    let other = match lines {
        Lines::Acai => Lines::Dotae,
        Lines::Dotae => Lines::Acai,
    };
    let theirs = other
        .scorer(size)
        .and_then(|s| s.end_distances(paths))?
        .mean()
        .unwrap_or(0.0);
    if theirs < RENDERER_MARGIN * own {
        let name = |l: Lines| {
            l.to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string())
        };
        support::print_to_stderr(&format!(
            "warning: {}: the paths' ends are nearer {}'s lines than the {} lines they are scored against (mean cosine distance on [-1, 1] {theirs:.2e} against {own:.2e}): if they were drawn by that renderer, score them with --lines {}",
            file.display(),
            name(other),
            name(lines),
            name(other)
        ));
    }
    let far = &scores.far_from_lines_paths;
    if !far.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: {} of {} paths have an end farther from every true line than a flat image at the lines' mean level is (cosine distance on [-1, 1] above {:.2e}; paths {}): they do not look like lines, so their lines scores mean little",
            file.display(),
            far.len(),
            scores.scored_paths,
            scores.flat_distance,
            support::first_indices(far)
        ));
    }
    Ok(serde_json::to_value(scores)?)
}

/// Ends nearer the other renderer's lines than this fraction of their distance to the chosen
/// renderer's are taken for the other renderer's lines: exact lines sit at about 1e-7 of their
/// own renderer's bank and 1e-3 to 1e-2 of the other's, a trained model's blur near both.
const RENDERER_MARGIN: f64 = 0.5;

/// AEAI metrics on the pole scenes. Each path's endpoints are the given `intervals` or, without
/// them, the nearest scenes of the data set to its first and last frame; the ground truth is
/// rendered between those two lights.
///
/// Two kinds of path are counted and warned about, because their scores say little: paths
/// whose endpoints find the same scene (no interval, so no α to retrieve), and paths with an
/// endpoint farther from every scene than a flat gray image of the scenes' mean level is
/// (frames that are no pole scenes, such as another benchmark's).
fn pole(
    file: &Path,
    paths: ArrayView5<f64>,
    intervals: Option<(Vec<PoleParams>, Vec<PoleParams>)>,
) -> Result<Value, Box<dyn Error>> {
    let size = square_gray_side(paths, "pole", MAX_POLE_SIDE)?;
    let frames = paths.len_of(Axis(1));
    let scenes =
        pole_scenes(size).map_err(|e| format!("--benchmark pole on {}: {e}", file.display()))?;
    let search = NearestNeighbours::new(scenes.images.view(), Distance::SquaredError)?;
    let (first, last) = (
        search.nearest(paths.index_axis(Axis(1), 0))?,
        search.nearest(paths.index_axis(Axis(1), frames - 1))?,
    );
    let flat = Array4::from_elem((1, 1, size, size), scenes.images.mean().unwrap_or(0.0));
    let flat_distance = search.nearest(flat.view())?[0].distance;
    let lights = |found: &[Nearest]| -> Vec<PoleParams> {
        found.iter().map(|n| scenes.params[n.index]).collect()
    };
    let given = intervals.is_some();
    let (sources, targets) = intervals.unwrap_or_else(|| (lights(&first), lights(&last)));
    let is_far: Vec<bool> = (0..first.len())
        .map(|p| first[p].distance.max(last[p].distance) > flat_distance)
        .collect();
    let far: Vec<usize> = (0..is_far.len()).filter(|&p| is_far[p]).collect();
    // Given intervals must name scenes like the paths' own ends: another run's would not.
    let mut unlike_intervals = Vec::new();
    if given {
        for (p, path) in paths.outer_iter().enumerate() {
            // A path unlike every scene is warned about as such below.
            if is_far[p] {
                continue;
            }
            let ends = [(0, sources[p]), (frames - 1, targets[p])];
            for (t, light) in ends {
                let scene = render_pole(size, light)?;
                let frame = path.index_axis(Axis(0), t);
                if mse(frame, scene.view().insert_axis(Axis(0)))? > flat_distance {
                    unlike_intervals.push(p);
                    break;
                }
            }
        }
    }
    if !unlike_intervals.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: {} of {} paths start or end farther from the scene their --intervals light names than a flat gray image is (MSE above {flat_distance:.2e}; paths {}): the intervals may belong to another run",
            file.display(),
            unlike_intervals.len(),
            sources.len(),
            support::first_indices(&unlike_intervals)
        ));
    }
    let same_scene: Vec<usize> = (0..sources.len())
        .filter(|&p| sources[p] == targets[p])
        .collect();
    let total = first.len();
    if !same_scene.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: the two endpoints of {} of {total} paths are the same scene (paths {}): those paths have no interval and no α to retrieve",
            file.display(),
            same_scene.len(),
            support::first_indices(&same_scene)
        ));
    }
    if !far.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: {} of {total} paths have an endpoint farther from every pole scene than a flat gray image is (MSE above {flat_distance:.2e}; paths {}): they do not look like pole scenes, so their pole scores mean little",
            file.display(),
            far.len(),
            support::first_indices(&far)
        ));
    }
    let mut scores = serde_json::to_value(pole_scores(paths, &sources, &targets, &scenes)?)?;
    scores["same_scene_paths"] = json!(same_scene.len());
    scores["far_from_scenes_paths"] = json!(far.len());
    if given {
        scores["unlike_intervals_paths"] = json!(unlike_intervals.len());
    }
    Ok(scores)
}

/// The largest frames `--benchmark lines` scores: its bank of 10 000 reference lines is
/// rendered at the frames' size (about 1 GB at 64×64, 3.9 GB at 128×128; ACAI's lines are 32×32).
const MAX_LINES_SIDE: usize = 64;

/// The largest frames `--benchmark pole` scores: its 576 scenes at 256×256 take about 1 GB
/// (4.1 GB at 512×512; AEAI's scenes here are 32×32).
const MAX_POLE_SIDE: usize = 256;

/// The side of square one-channel frames of at most `largest` pixels, which both benchmarks
/// render; anything else is an error that names the benchmark.
fn square_gray_side(
    paths: ArrayView5<f64>,
    benchmark: &str,
    largest: usize,
) -> Result<usize, Box<dyn Error>> {
    let (_, _, channels, rows, cols) = paths.dim();
    if channels != 1 || rows != cols {
        return Err(format!(
            "--benchmark {benchmark} needs square one-channel frames, but the paths have frames of \
             shape {:?}",
            (channels, rows, cols)
        )
        .into());
    }
    if rows > largest {
        return Err(format!(
            "--benchmark {benchmark} scores frames of at most {largest}x{largest} (its ground truth is rendered at the frames' size), but the paths have frames of {rows}x{cols}"
        )
        .into());
    }
    Ok(rows)
}

/// The scores compare images in [0, 1] (SSIM's constants, the benchmarks' ground truth): a
/// value outside it is an error naming the file and the index.
/// Gray or RGB images only: a density file `(paths, frames, H, W)`, as `path_energy` reads it,
/// would otherwise be scored as one path of `paths` frames with `frames` channels.
fn check_channels(file: &Path, paths: &Array5<f64>) -> Result<(), Box<dyn Error>> {
    let channels = paths.len_of(Axis(2));
    if channels == 1 || channels == 3 {
        return Ok(());
    }
    let (count, frames) = (paths.len_of(Axis(0)), paths.len_of(Axis(1)));
    Err(format!(
        "{}: read as {count} path(s) of {frames} frame(s) with {channels} channels, but evaluate scores gray (C = 1) or RGB (C = 3) images in (frames, C, H, W) or (paths, frames, C, H, W); a (paths, frames, H, W) density file needs a channel axis of length 1 (NumPy: a[:, :, None])",
        file.display()
    )
    .into())
}

fn check_unit_range(file: &Path, paths: &Array5<f64>) -> Result<(), Box<dyn Error>> {
    match paths.indexed_iter().find(|(_, v)| !(0.0..=1.0).contains(*v)) {
        None => Ok(()),
        Some(((p, t, c, i, j), value)) => Err(format!(
            "{} holds {value:?} at path {p}, frame {t}, channel {c}, row {i}, column {j}: evaluate scores images with values in [0, 1]",
            file.display()
        )
        .into()),
    }
}

/// The image paths of `file` (given as `flag`, empty for the positional file). A 3-D file is
/// refused with the tool that reads it: `ot geodesic` writes its geodesic as unit-mass densities
/// `(frames, H, W)`, not as images in [0, 1], so its frame MSE against a method's images would
/// mean nothing (probe 29 took the README's `--reference geodesic.npy` for that file). A 4-D
/// file of 3 channels is read as one RGB path, with a warning that it may hold gray paths.
fn read_image_paths(file: &Path, flag: &str) -> Result<Array5<f64>, Box<dyn Error>> {
    let shape = npy_shape(file)?;
    if shape.len() == 3 {
        return Err(format!(
            "{flag}{} has shape {shape:?}, a density path (frames, H, W) such as `ot geodesic` writes at unit mass; evaluate scores image paths (frames, C, H, W) or (P, frames, C, H, W) with values in [0, 1]: measure a density path with `path_energy`",
            file.display()
        )
        .into());
    }
    let paths = read_image_paths_npy_within(file, MAX_FILE_VALUES, "MAX_PATH_VALUES")?;
    if shape.len() == 4 {
        warn_three_frame_reading(file, &paths);
    }
    Ok(paths)
}

/// Warns when a 4-D file read as one path has 3 channels: `(a, 3, H, W)` is also the layout of
/// `a` gray density paths of 3 frames (as `path_energy` reads it), and the scores of one reading
/// mean nothing for the other.
fn warn_three_frame_reading(file: &Path, paths: &Array5<f64>) {
    let (_, frames, channels, rows, cols) = paths.dim();
    if channels == 3 {
        support::print_to_stderr(&format!(
            "warning: {}: read as one path of {frames} RGB frames ({frames}, 3, {rows}, {cols}); if it holds {frames} gray paths of 3 frames (path_energy's reading), save them as ({frames}, 3, 1, {rows}, {cols})",
            file.display()
        ));
    }
}

/// Warns about paths whose frames are all the same image to the eye
/// ([`still_paths`]): their scores (energy near 0, SSIM near 1) describe a still picture, not
/// an interpolation.
fn warn_still_paths(file: &Path, paths: &Array5<f64>) {
    let still = still_paths(paths.view());
    if !still.is_empty() {
        support::print_to_stderr(&format!(
            "warning: {}: {} of {} paths do not move (no pixel of any frame differs from the first by half an 8-bit gray level; paths {}): their scores describe still images",
            file.display(),
            still.len(),
            paths.len_of(Axis(0)),
            support::first_indices(&still)
        ));
    }
}

/// Mean, spread and quartiles, for ratios whose mean a few paths can carry.
fn summary(values: &[f64]) -> Value {
    Summary::of(values).map_or(Value::Null, |s| json!(s))
}

fn mean_std(values: &[f64]) -> Value {
    match MeanStd::of(values) {
        Some(m) => json!({ "mean": m.mean, "std": m.std }),
        None => Value::Null,
    }
}
