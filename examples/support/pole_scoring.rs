//! The AEAI pole-and-shadow scores of decoded paths whose endpoint lights are known, shared by
//! the `pole` experiment and `evaluate --benchmark pole`.

// `pole` writes the intervals and `evaluate` reads them, so each uses part of this module.
#![allow(dead_code)]

use std::error::Error;
use std::path::Path;

use dotae::data::DataError;
use dotae::data::pole::{PoleDataset, PoleGrid, PoleParams, pole_dataset, pole_path};
use dotae::metrics::{AeaiDataset, MeanStd, spearman};
use ndarray::{Array2, ArrayView5, Axis, stack};
use serde::{Deserialize, Serialize};

/// The file of a `pole` run that holds its test intervals, beside `exact.npy`.
pub const INTERVALS_FILE: &str = "intervals.json";

/// The largest intervals file read: 500 intervals take about 40 kB.
const MAX_INTERVALS_BYTES: u64 = 1 << 20;

/// The test intervals of a `pole` run: the endpoint lights of each path, as
/// `[elevation_deg, azimuth_deg]`, so that `evaluate --intervals` scores its `paths.npy`
/// against the same truth the run did.
#[derive(Debug, Serialize, Deserialize)]
pub struct Intervals {
    pub sources: Vec<[f64; 2]>,
    pub targets: Vec<[f64; 2]>,
}

impl Intervals {
    pub fn new(sources: &[PoleParams], targets: &[PoleParams]) -> Self {
        let lights = |params: &[PoleParams]| {
            params
                .iter()
                .map(|p| [p.elevation_deg, p.azimuth_deg])
                .collect()
        };
        Self {
            sources: lights(sources),
            targets: lights(targets),
        }
    }

    /// Reads `file` (named by `flag` in messages) and returns its source and target lights,
    /// one pair per path of the `paths` being scored.
    pub fn read(
        flag: &str,
        file: &Path,
        paths: usize,
    ) -> Result<(Vec<PoleParams>, Vec<PoleParams>), Box<dyn Error>> {
        let named = |e: &dyn std::fmt::Display| format!("{flag} {}: {e}", file.display());
        let expected = "expected {\"sources\": [[elevation, azimuth], …], \"targets\": […]}, as a pole run writes it";
        let text = dotae::data::read_text(file, MAX_INTERVALS_BYTES).map_err(|e| match e {
            // A binary file (a PNG, an .npy): say what the flag takes.
            DataError::NotText { .. } => format!("{flag}: {e}: {expected}"),
            _ => format!("{flag}: {e}"),
        })?;
        let intervals: Intervals =
            serde_json::from_str(&text).map_err(|e| named(&format!("{e}: {expected}")))?;
        if intervals.sources.len() != paths || intervals.targets.len() != paths {
            return Err(named(&format!(
                "{} sources and {} targets, but the paths file holds {paths} paths: one interval per path",
                intervals.sources.len(),
                intervals.targets.len()
            ))
            .into());
        }
        let lights = |rows: &[[f64; 2]]| -> Vec<PoleParams> {
            rows.iter()
                .map(|&[elevation_deg, azimuth_deg]| PoleParams {
                    elevation_deg,
                    azimuth_deg,
                })
                .collect()
        };
        let (sources, targets) = (lights(&intervals.sources), lights(&intervals.targets));
        for (p, (&from, &to)) in sources.iter().zip(&targets).enumerate() {
            pole_path(16, from, to, 2).map_err(|e| named(&format!("interval {p}: {e}")))?;
        }
        Ok((sources, targets))
    }
}

/// The AEAI scores of a batch of paths (see `dotae_metrics::AeaiDataset`).
#[derive(Debug, Serialize)]
pub struct PoleScores {
    /// Scenes of the data set the frames are retrieved from.
    pub dataset_scenes: usize,
    /// `α_k` of each frame.
    pub alpha: Vec<f64>,
    /// MSE of decoded against true frame at each α, mean over paths.
    pub mse_per_alpha: Vec<f64>,
    /// The same over every frame of every path.
    pub mse: MeanStd,
    /// Median and interquartile range over paths of the retrieved α at each α.
    pub retrieved_alpha_median: Vec<f64>,
    pub retrieved_alpha_iqr: Vec<f64>,
    /// Spearman's ρ between the true α and the retrieved α of every frame of every path: 1 when
    /// the retrieved light always advances with α. `None` when either is constant.
    pub retrieved_alpha_spearman: Option<f64>,
    /// Mean parameter distance (degrees) of the retrieved scene to the source and to the
    /// target at each α.
    pub distance_to_source: Vec<f64>,
    pub distance_to_target: Vec<f64>,
}

/// The AEAI data set the scores retrieve from: the paper's 576 scenes at `size` pixels.
pub fn pole_scenes(size: usize) -> Result<PoleDataset, Box<dyn Error>> {
    Ok(pole_dataset(size, &PoleGrid::default())?)
}

/// Scores `paths` `(P, F, 1, size, size)` from the lights `sources[p]` to `targets[p]` against
/// the true scenes between them, retrieving from `scenes`.
pub fn pole_scores(
    paths: ArrayView5<f64>,
    sources: &[PoleParams],
    targets: &[PoleParams],
    scenes: &PoleDataset,
) -> Result<PoleScores, Box<dyn Error>> {
    let (_, frames, _, size, _) = paths.dim();
    let truths = sources
        .iter()
        .zip(targets)
        .map(|(&from, &to)| pole_path(size, from, to, frames).map(|(path, _)| path))
        .collect::<Result<Vec<_>, _>>()?;
    let truth_views: Vec<_> = truths.iter().map(|t| t.view()).collect();
    let truth = stack(Axis(0), &truth_views)?;
    let dataset = AeaiDataset::new(
        scenes.images.view(),
        lights(&scenes.params).view(),
        &[None, Some(360.0)],
    )?;
    let score = dataset.score(
        paths,
        truth.view(),
        lights(sources).view(),
        lights(targets).view(),
    )?;
    let true_alpha: Vec<f64> = score
        .retrieved_alpha_per_path
        .outer_iter()
        .flat_map(|_| score.alphas.iter().copied())
        .collect();
    let retrieved: Vec<f64> = score.retrieved_alpha_per_path.iter().copied().collect();
    let all_mse: Vec<f64> = score.mse_per_path.iter().copied().collect();
    Ok(PoleScores {
        dataset_scenes: scenes.params.len(),
        mse_per_alpha: score.mse.iter().map(|m| m.mean).collect(),
        mse: MeanStd::of(&all_mse).ok_or("no paths")?,
        retrieved_alpha_median: score.retrieved_alpha.iter().map(|q| q.median).collect(),
        retrieved_alpha_iqr: score.retrieved_alpha.iter().map(|q| q.iqr()).collect(),
        retrieved_alpha_spearman: spearman(&true_alpha, &retrieved)?,
        distance_to_source: score.distance_to_source,
        distance_to_target: score.distance_to_target,
        alpha: score.alphas,
    })
}

/// Lights as rows `(elevation, azimuth)` in degrees.
fn lights(params: &[PoleParams]) -> Array2<f64> {
    Array2::from_shape_fn((params.len(), 2), |(i, j)| match j {
        0 => params[i].elevation_deg,
        _ => params[i].azimuth_deg,
    })
}
