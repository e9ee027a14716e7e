//! The lines benchmark's two renderers and their scores, shared by the `lines` experiment and
//! `evaluate`: ACAI's own lines scored as its official evaluation does (the published
//! benchmark), and dotae's exact tent lines scored by dotae's original rules (a variant).

use std::error::Error;

use clap::ValueEnum;
use dotae::data::lines::line_bank;
use dotae::data::{ACAI_BANK_LINES, acai_line_bank};
use dotae::metrics::{LinesBank, LinesProtocol};
use ndarray::{Array2, Array5, ArrayView5, Axis};
use serde::Serialize;

/// Which lines a run draws and how they are scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lines {
    /// ACAI's renderer (2-px box, 15 px long) and its official evaluation rules: the published
    /// benchmark.
    Acai,
    /// dotae's exact tent lines (16 px, area-sampled) and dotae's original rules (values
    /// compared in `[0, 1]`, undefined paths skipped); not comparable with published numbers.
    Dotae,
}

impl Lines {
    /// The 10 000 true lines frames are retrieved from, and the rules of the scores.
    pub fn scorer(self, size: usize) -> Result<LinesScorer, Box<dyn Error>> {
        let (bank, protocol) = match self {
            Lines::Acai => (acai_line_bank(size, ACAI_BANK_LINES)?, LinesProtocol::Acai),
            Lines::Dotae => (line_bank(size, ACAI_BANK_LINES)?, LinesProtocol::Dotae),
        };
        let level = bank.images.mean().unwrap_or(0.0);
        let scores_bank = LinesBank::with_protocol(bank.images.view(), &bank.angles, protocol)?;
        // Whether a frame is a line at all is judged on ACAI's [−1, 1] range for both
        // renderers: there the background counts, and a broadly bright image is far from every
        // line. On [0, 1] a cosine barely sees the background, so a pole scene sits nearer
        // every line than a flat image does and would pass as a line.
        let ends_bank = match protocol {
            LinesProtocol::Acai => None,
            LinesProtocol::Dotae => Some(LinesBank::with_protocol(
                bank.images.view(),
                &bank.angles,
                LinesProtocol::Acai,
            )?),
        };
        let flat = Array5::from_elem((1, 2, 1, size, size), level);
        let flat_distance = ends_bank
            .as_ref()
            .unwrap_or(&scores_bank)
            .score(flat.view())?
            .distances[[0, 0]];
        Ok(LinesScorer {
            bank: scores_bank,
            ends_bank,
            lines: self,
            flat_distance,
        })
    }
}

/// The lines scores of a batch of paths (see `dotae_metrics::LinesBank`).
#[derive(Debug, Serialize)]
pub struct LinesScores {
    pub lines: Lines,
    /// True lines the frames are matched against.
    pub bank_lines: usize,
    /// Mean cosine distance of every frame to its nearest true line (on ACAI's `[−1, 1]` range
    /// for ACAI's lines); lower is more realistic.
    pub mean_distance: f64,
    /// Mean Smoothness (0 is perfectly even); `None` when it is undefined for every path.
    pub smoothness: Option<f64>,
    /// Paths whose Smoothness is defined (their endpoints retrieve different angles).
    pub smoothness_defined: usize,
    /// Paths scored (named so as not to clash with a method row's `paths` scores).
    pub scored_paths: usize,
    /// Paths with an end farther from every true line than a flat image at the lines' mean
    /// level is, both compared on ACAI's `[−1, 1]` range: frames that are no lines (another
    /// benchmark's, or an untrained model's).
    pub far_from_lines_paths: Vec<usize>,
    /// That flat image's distance to its nearest line, on `[−1, 1]`.
    pub flat_distance: f64,
    /// Each path's first and last frame's distance to its nearest true line on `[−1, 1]`,
    /// `(P, 2)`: what the far-from-lines check compares.
    #[serde(skip)]
    // Read by `evaluate`'s renderer check; the `lines` experiment includes this module too.
    #[allow(dead_code)]
    pub end_distances: Array2<f64>,
}

/// A bank of true lines at one image size with its rules, prepared once.
pub struct LinesScorer {
    bank: LinesBank,
    /// The same lines scored on `[−1, 1]`, for the far-from-lines check of dotae's lines
    /// (ACAI's lines are scored so already).
    ends_bank: Option<LinesBank>,
    lines: Lines,
    flat_distance: f64,
}

impl LinesScorer {
    /// The scores of `paths` `(P, F, 1, size, size)` with values in `[0, 1]`.
    pub fn score(&self, paths: ArrayView5<f64>) -> Result<LinesScores, Box<dyn Error>> {
        let score = self.bank.score(paths)?;
        let count = score.smoothness_per_path.len();
        // ACAI's rules already score every frame on [−1, 1]: their ends are read, not searched
        // again.
        let end_distances = match &self.ends_bank {
            None => {
                let last = score.distances.ncols().saturating_sub(1);
                score.distances.select(Axis(1), &[0, last])
            }
            Some(_) => self.end_distances(paths)?,
        };
        let far_from_lines_paths = (0..count)
            .filter(|&p| end_distances[[p, 0]].max(end_distances[[p, 1]]) > self.flat_distance)
            .collect();
        Ok(LinesScores {
            end_distances,
            far_from_lines_paths,
            flat_distance: self.flat_distance,
            lines: self.lines,
            bank_lines: ACAI_BANK_LINES,
            mean_distance: score.mean_distance,
            smoothness: score.smoothness,
            smoothness_defined: count - score.skipped,
            scored_paths: count,
        })
    }

    /// The cosine distance on `[−1, 1]` of each path's first and last frame to its nearest
    /// true line, `(P, 2)`.
    pub fn end_distances(&self, paths: ArrayView5<f64>) -> Result<Array2<f64>, Box<dyn Error>> {
        let last = paths.len_of(Axis(1)).saturating_sub(1);
        let ends = paths.select(Axis(1), &[0, last]);
        let bank = self.ends_bank.as_ref().unwrap_or(&self.bank);
        Ok(bank.score(ends.view())?.distances)
    }
}
