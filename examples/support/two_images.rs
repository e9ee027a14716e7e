//! One autoencoder trained on a few images and its decoded interpolation between two of them,
//! scored against a reference path: what `quickstart` and every experiment of `paper` share.

use std::error::Error;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use dotae::energy::Boundary;
use dotae::metrics::{
    FLOOR_CHECK_FACTOR, FLOOR_SET_SHARE, FloorCheck, MISSED_ENDS_ABOVE, MeanStd, PathMeasure,
    adjacent_ssim, first_blank_frame, mse, path_profile, paths_missing_their_ends, w2_lower_bound,
};
use dotae::models::burn::prelude::Tensor;
use dotae::models::{
    InterpolationMethod, ModelError, TrainLog, Trainer, interpolate_pairs, to_array, train_epoch,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array4, ArrayView3, ArrayView4, Axis, Ix4, s};
use serde::Serialize;

use crate::interrupt;

/// How one training runs: its label, its epochs and where its checkpoint goes.
pub struct Training<'a> {
    /// The method's name in the progress bar and in messages.
    pub title: &'a str,
    pub epochs: usize,
    /// A checkpoint every this many epochs (and at the end, and when training stops early).
    pub checkpoint_every: usize,
    pub checkpoint: &'a Path,
    /// The first `pinned` images lead every batch (the others are shuffled behind them), so
    /// that the trainer's `fixed_pairs` find them there; 0 shuffles every image.
    pub pinned: usize,
}

/// Runs `training.epochs` epochs over `images` with a progress bar; calls `after_epoch` with
/// the bar, the epoch's number, the seconds since training began and the trainer (for a
/// long-run note or a measurement along the way). A non-finite loss or a signal keeps the last
/// good checkpoint and ends the run with an error naming the epoch.
pub fn train(
    trainer: &mut Trainer,
    images: &Tensor<4>,
    training: &Training,
    mut after_epoch: impl FnMut(&ProgressBar, usize, f64, &Trainer) -> Result<(), Box<dyn Error>>,
) -> Result<Vec<TrainLog>, Box<dyn Error>> {
    let bar = ProgressBar::new(training.epochs as u64).with_prefix(training.title.to_string());
    bar.set_style(ProgressStyle::with_template(
        "{prefix:>12} [{bar:30}] {pos}/{len} epochs {elapsed_precise} {msg}",
    )?);
    let mut history = Vec::new();
    let (count, batch_size) = (images.dims()[0], trainer.config().batch_size);
    let started = Instant::now();
    for epoch in 1..=training.epochs {
        let order = match training.pinned {
            0 => trainer.epoch_order(count),
            pinned => pinned_order(trainer, count, pinned, batch_size),
        };
        let stop_on_signal = |_: &TrainLog| match interrupt::requested() {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        };
        match train_epoch(trainer, images, &order, batch_size, stop_on_signal) {
            Ok(logs) => history.extend(logs),
            Err(error @ ModelError::NonFiniteLoss { .. }) => {
                bar.abandon();
                trainer.model().save_checkpoint(training.checkpoint)?;
                return Err(format!(
                    "{} training stopped in epoch {epoch}: {error} (a smaller --learning-rate, --alpha or --beta may train)",
                    training.title
                )
                .into());
            }
            Err(error) => return Err(error.into()),
        }
        if interrupt::requested() {
            bar.abandon();
            trainer.model().save_checkpoint(training.checkpoint)?;
            return Err(format!(
                "{} training interrupted by a signal in epoch {epoch}, after step {}",
                training.title,
                trainer.steps_taken()
            )
            .into());
        }
        if let Some(log) = history.last() {
            let term = |name| log.term(name).unwrap_or(f64::NAN);
            bar.set_message(format!(
                "loss {:.4}  bce {:.4}  J {:.2}  mass {:.3}",
                log.loss(),
                term("reconstruction"),
                term("energy"),
                term("mass")
            ));
        }
        bar.inc(1);
        after_epoch(&bar, epoch, started.elapsed().as_secs_f64(), trainer)?;
        if epoch % training.checkpoint_every.max(1) == 0 {
            trainer.model().save_checkpoint(training.checkpoint)?;
        }
    }
    trainer.model().save_checkpoint(training.checkpoint)?;
    bar.finish();
    Ok(history)
}

/// An epoch's order of `count` images in batches of `batch_size` in which images `0..pinned`
/// lead every batch and the others, shuffled by the trainer's own order stream, fill the rest.
fn pinned_order(
    trainer: &mut Trainer,
    count: usize,
    pinned: usize,
    batch_size: usize,
) -> Vec<usize> {
    let rest: Vec<usize> = trainer
        .epoch_order(count - pinned)
        .into_iter()
        .map(|i| i + pinned)
        .collect();
    let per_batch = batch_size.saturating_sub(pinned).max(1);
    rest.chunks(per_batch)
        .flat_map(|chunk| (0..pinned).chain(chunk.iter().copied()))
        .collect()
}

/// The decoded interpolation `(steps + 1, C, H, W)` between images `from` and `to` of
/// `images`.
pub fn decode_path(
    trainer: &Trainer,
    images: &Tensor<4>,
    from: usize,
    to: usize,
    steps: usize,
) -> Result<Array4<f64>, Box<dyn Error>> {
    let [_, c, h, w] = images.dims();
    let pick = |i: usize| images.clone().slice([i..i + 1, 0..c, 0..h, 0..w]);
    let path = interpolate_pairs(trainer, pick(from), pick(to), steps)?;
    Ok(to_array(path.reshape([steps + 1, c, h, w]))?.into_dimensionality::<Ix4>()?)
}

/// A decoded path with a black frame has no mass to measure there: the decoder collapsed in
/// training, which a too large learning rate (or regulariser weight) does within a few steps.
pub fn refuse_blank(
    title: &str,
    path: ArrayView4<f64>,
    learning_rate: f64,
) -> Result<(), Box<dyn Error>> {
    match first_blank_frame(path) {
        None => Ok(()),
        Some((frame, _)) => Err(format!(
            "{title}: frame {frame} of its decoded path is black (no pixel reaches half a gray level), so the decoder collapsed in training and the path cannot be measured; try a --learning-rate below {learning_rate:?}"
        )
        .into()),
    }
}

/// What every two-image experiment reports of a decoded path (docs/metrics.md).
#[derive(Debug, Serialize)]
pub struct PairScores {
    /// Path energy J under the run's measure.
    pub path_energy: f64,
    /// J(path) / J(reference), with a reference path (the exact or Benamou–Brenier geodesic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy_ratio: Option<f64>,
    /// Mean per-frame MSE to the reference path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_mse_to_reference: Option<f64>,
    pub adjacent_ssim_mean: f64,
    pub adjacent_ssim_std: f64,
    /// MSE of the path's ends against the two images.
    pub reconstruction_mse: f64,
    /// Largest deviation of an interior frame's mass from the line between the ends' masses,
    /// relative (`dotae_metrics::PathProfile`): 0 conserves mass.
    pub mass_deviation: f64,
    /// Brightest interior value over the ends' brightest: 1 for a translation, below for a
    /// fade, above where mass piles up (the paper's "15 times higher pixel values").
    pub peak_ratio: f64,
    /// Interior frames' total variation per unit mass over the ends': below 1 is blurrier.
    pub sharpness_ratio: Option<f64>,
    /// Share of J that a 10× density floor removes (`dotae_metrics::FloorShare`): near 0 when
    /// mass moves, 0.5 or more when it vanishes and reappears (the energy is the floor's).
    pub floor_share: f64,
    /// The ends lie nearer other images than the two images (an undertrained decoder).
    pub missed_ends: bool,
    /// The path costs less than any path between the two images can: below
    /// [`BELOW_GEODESIC`] of the reference's energy, or (without a reference) its `T·J` below
    /// that share of the squared shift of the images' centres of mass, a lower bound of their
    /// W₂². Its ends are not the images (probe 19: an undertrained gray blur scored an energy
    /// ratio of 0.09 without a word).
    pub cheaper_than_geodesic: bool,
}

/// A path between two images costs at least their geodesic, up to the discretisation's few
/// per cent: one below this share of it does not join them.
pub const BELOW_GEODESIC: f64 = 0.9;

/// Scores `path` `(frames, C, H, W)` between `source` and `target` (each `(C, H, W)`), against
/// `reference` when given (a path of the same shape).
pub fn score_pair(
    path: ArrayView4<f64>,
    source: ArrayView3<f64>,
    target: ArrayView3<f64>,
    reference: Option<ArrayView4<f64>>,
    measure: &PathMeasure,
    floor_check: &FloorCheck,
) -> Result<PairScores, Box<dyn Error>> {
    // With a reference, its fidelity measures the path too: measured once, either way.
    let (energy, energy_ratio, frame_mse_to_reference, w2_estimate) = match reference {
        Some(reference) => {
            let fidelity = measure.fidelity(path, reference)?;
            let (ratio, frame_mse) = (fidelity.energy_ratio, fidelity.frame_mse.mean);
            (fidelity.energy, Some(ratio), Some(frame_mse), None)
        }
        None => {
            let measured = measure.measure(path)?;
            (measured.energy, None, None, measured.w2_estimate)
        }
    };
    let smoothness = MeanStd::of(&adjacent_ssim(path)?).unwrap_or(MeanStd {
        mean: f64::NAN,
        std: f64::NAN,
    });
    let last = path.dim().0 - 1;
    let reconstruction = 0.5
        * (mse(path.slice(s![0, .., .., ..]), source)?
            + mse(path.slice(s![last, .., .., ..]), target)?);
    let missed_ends = !paths_missing_their_ends(
        path.insert_axis(Axis(0)),
        source.insert_axis(Axis(0)),
        target.insert_axis(Axis(0)),
    )?
    .is_empty();
    let cheaper_than_geodesic = match (energy_ratio, w2_estimate) {
        (Some(ratio), _) => ratio < BELOW_GEODESIC,
        // On a torus the centres of mass bound nothing: mass may take the short way round
        // (probe 23: a correct 9 px wrap-around path was called impossible).
        (None, Some(_)) if measure.config().boundary == Boundary::Periodic => false,
        (None, Some(w2)) => {
            w2 < BELOW_GEODESIC * w2_lower_bound(source, target)? * grid_scale(measure, source)
        }
        (None, None) => false,
    };
    let profile = path_profile(path)?;
    Ok(PairScores {
        path_energy: energy,
        energy_ratio,
        frame_mse_to_reference,
        adjacent_ssim_mean: smoothness.mean,
        adjacent_ssim_std: smoothness.std,
        reconstruction_mse: reconstruction,
        mass_deviation: profile.mass_deviation,
        peak_ratio: profile.peak_ratio,
        sharpness_ratio: profile.sharpness_ratio,
        floor_share: floor_check.share(path, energy)?.share(),
        missed_ends,
        cheaper_than_geodesic,
    })
}

/// Squared distances on the measuring grid over those on the image: frames larger than the grid
/// are area-summed down to it, which shrinks each axis by its own ratio (the smaller one bounds
/// both).
fn grid_scale(measure: &PathMeasure, image: ArrayView3<f64>) -> f64 {
    let [grid_rows, grid_cols] = measure.config().grid;
    let (_, rows, cols) = image.dim();
    let ratio = (grid_rows as f64 / rows as f64).min(grid_cols as f64 / cols as f64);
    ratio * ratio
}

/// Warns on stderr about the scores of `title`'s path that describe something else than an
/// interpolation between the two images.
pub fn warn_about(title: &str, scores: &PairScores) {
    if scores.missed_ends {
        crate::support::print_to_stderr(&format!(
            "warning: {title}: the decoded path ends farther from the two images than {MISSED_ENDS_ABOVE} of the squared distance between them (reconstruction MSE {:.2e}; an undertrained decoder: raise --epochs): its energy ratio compares a path between other images",
            scores.reconstruction_mse
        ));
    }
    if scores.cheaper_than_geodesic {
        let cost = match scores.energy_ratio {
            Some(ratio) => format!("{ratio:.3}× the reference path's energy"),
            None => "less than the squared shift of the images' centres of mass".to_string(),
        };
        crate::support::print_to_stderr(&format!(
            "warning: {title}: the decoded path costs {cost}, which no path between the two images can (reconstruction MSE {:.2e}): its ends are not the images, so its scores describe another path; an undertrained decoder: raise --epochs",
            scores.reconstruction_mse
        ));
    }
    if scores.floor_share >= FLOOR_SET_SHARE {
        crate::support::print_to_stderr(&format!(
            "warning: {title}: the decoded path's energy is set by the density floor, not by a motion (a {FLOOR_CHECK_FACTOR}x higher floor lowers it by {:.0} %): mass fades out in one place and in at another, which in the continuum costs infinite energy, so its path_energy and energy_ratio measure the floor; they say only that the path does not transport the mass",
            100.0 * scores.floor_share
        ));
    }
}

pub use crate::support::write_json;
