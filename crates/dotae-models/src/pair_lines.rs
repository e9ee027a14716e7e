//! The decoded latent lines between pairs of a batch, with the reconstructions of the batch, in
//! one decoder call: what the path energy and AEAI both regularise.

use burn::prelude::*;

use crate::interpolation::{mix_pair, path_times};
use crate::{LatentModel, index_tensor};

/// What the end frames of each line are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnds {
    /// The data images themselves (the path energy: a path between the real images).
    Data,
    /// Their reconstructions (AEAI: every frame is decoded).
    Reconstructions,
}

/// One batch's reconstructions and the lines between its pairs.
pub struct PairLines {
    /// The codes `(B, c, h, w)` of the batch.
    pub latents: Tensor<4>,
    /// `decode_raw(encode(batch))`, `(B, C, H, W)`: the raw output of a linear decoder, as
    /// its training loss needs it ([`LatentModel::decode_raw`]).
    pub reconstructions: Tensor<4>,
    /// The codes `(1 − t/T) z_i + (t/T) z_j` on each line, `t = 0..=T`: `(P, T + 1, c, h, w)`.
    pub line_latents: Tensor<5>,
    /// The frames of each line, `(P, T + 1, C, H, W)`: the decoded interior `t = 1..T−1` between
    /// the ends chosen by [`LineEnds`].
    pub frames: Tensor<5>,
}

/// Encodes `batch` `(B, C, H, W)`, and decodes its reconstructions together with the `T − 1`
/// interior frames of the line between every pair `(i, j)` of `pairs` (`steps` = T ≥ 1).
pub fn decode_pair_lines(
    model: &dyn LatentModel,
    batch: Tensor<4>,
    pairs: &[(usize, usize)],
    steps: usize,
    ends: LineEnds,
) -> PairLines {
    let device = batch.device();
    let [b, c, rows, cols] = batch.dims();
    let p = pairs.len();
    let sources = index_tensor(&pairs.iter().map(|q| q.0).collect::<Vec<_>>(), &device);
    let targets = index_tensor(&pairs.iter().map(|q| q.1).collect::<Vec<_>>(), &device);
    let latents = model.encode(batch.clone());
    let [_, zc, zh, zw] = latents.dims();
    let line_latents = mix_pair(
        latents.clone().select(0, sources.clone()),
        latents.clone().select(0, targets.clone()),
        &path_times(0..=steps, steps),
    )
    .reshape([p, steps + 1, zc, zh, zw]);
    let mut codes = vec![latents.clone()];
    if steps > 1 {
        let interior = line_latents
            .clone()
            .slice([0..p, 1..steps, 0..zc, 0..zh, 0..zw]);
        codes.push(interior.reshape([p * (steps - 1), zc, zh, zw]));
    }
    let decoded = model.decode_raw(Tensor::cat(codes, 0));
    let total = decoded.dims()[0];
    let reconstructions = decoded.clone().slice([0..b, 0..c, 0..rows, 0..cols]);
    let end_frames = match ends {
        LineEnds::Data => batch,
        LineEnds::Reconstructions => reconstructions.clone(),
    };
    let mut frames = vec![end_frames.clone().select(0, sources).unsqueeze_dim::<5>(1)];
    if steps > 1 {
        let interior = decoded.slice([b..total, 0..c, 0..rows, 0..cols]);
        frames.push(interior.reshape([p, steps - 1, c, rows, cols]));
    }
    frames.push(end_frames.select(0, targets).unsqueeze_dim(1));
    PairLines {
        latents,
        reconstructions,
        line_latents,
        frames: Tensor::cat(frames, 1),
    }
}
