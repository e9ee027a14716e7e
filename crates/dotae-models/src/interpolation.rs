//! Step 2 of Algorithm 1: decoding straight lines and convex combinations of latent codes, for
//! any [`LatentModel`].

use burn::prelude::*;

use crate::{Autoencoder, LatentModel, ModelError};

impl LatentModel for Autoencoder {
    fn check_images(&self, what: &'static str, images: &Tensor<4>) -> Result<(), ModelError> {
        self.encoder.check_images(what, images)
    }

    fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.encoder.forward(images)
    }

    fn decode(&self, latents: Tensor<4>) -> Tensor<4> {
        self.decoder.images(latents)
    }

    fn decode_raw(&self, latents: Tensor<4>) -> Tensor<4> {
        self.decoder.forward(latents)
    }
}

/// For each pair `(sources[p], targets[p])` of images `(P, C, H, W)`, the `T + 1` frames
/// `decode((1 − t/T)·z_s + (t/T)·z_t)`, `t = 0..=T`, decoded in one batched call; the result
/// is `(P, T + 1, C, H, W)`, with reconstructions as endpoints.
///
/// # Errors
/// [`ModelError::Shape`] if the two batches differ in shape or are not images the model
/// encodes ([`LatentModel::check_images`]; also [`ModelError::ImageSize`]),
/// [`ModelError::InvalidConfig`] for `steps == 0`.
pub fn interpolate_pairs(
    model: &dyn LatentModel,
    sources: Tensor<4>,
    targets: Tensor<4>,
    steps: usize,
) -> Result<Tensor<5>, ModelError> {
    if sources.dims() != targets.dims() {
        return Err(ModelError::Shape {
            what: "interpolation targets",
            actual: targets.dims().to_vec(),
            expected: format!("the sources' shape {:?}", sources.dims()),
        });
    }
    if steps == 0 {
        return Err(ModelError::InvalidConfig {
            field: "steps",
            reason: "an interpolation needs at least 1 step".into(),
        });
    }
    model.check_images("interpolation sources", &sources)?;
    let p = sources.dims()[0];
    let z = model.encode(Tensor::cat(vec![sources, targets], 0));
    let [_, c, h, w] = z.dims();
    let z_s = z.clone().slice([0..p, 0..c, 0..h, 0..w]);
    let z_t = z.slice([p..2 * p, 0..c, 0..h, 0..w]);
    let frames = model.decode(mix_pair(z_s, z_t, &path_times(0..=steps, steps)));
    let [_, channels, rows, cols] = frames.dims();
    Ok(frames.reshape([p, steps + 1, channels, rows, cols]))
}

/// A `size × size` grid of barycentres of four images `(4, C, H, W)`: entry `(r, k)` decodes
/// `(1−u)(1−v)·z_1 + u(1−v)·z_2 + (1−u)v·z_3 + uv·z_4` with `u = r/(size−1)`,
/// `v = k/(size−1)`, so the corners are the four reconstructions. Row-major `(size², C, H, W)`.
///
/// # Errors
/// [`ModelError::Shape`] unless there are exactly 4 corner images the model encodes
/// ([`LatentModel::check_images`]; also [`ModelError::ImageSize`]).
pub fn barycentre_grid(
    model: &dyn LatentModel,
    corners: Tensor<4>,
    size: usize,
) -> Result<Tensor<4>, ModelError> {
    if corners.dims()[0] != 4 {
        return Err(ModelError::Shape {
            what: "barycentre corners",
            actual: corners.dims().to_vec(),
            expected: "4 images (4, C, H, W)".into(),
        });
    }
    model.check_images("barycentre corners", &corners)?;
    let z = model.encode(corners);
    let [_, c, h, w] = z.dims();
    let last = size.saturating_sub(1).max(1) as f64;
    let mut weights = Vec::with_capacity(size * size * 4);
    for r in 0..size {
        for k in 0..size {
            let (u, v) = (r as f64 / last, k as f64 / last);
            weights.extend([(1.0 - u) * (1.0 - v), u * (1.0 - v), (1.0 - u) * v, u * v]);
        }
    }
    let device = z.device();
    let weights = Tensor::<2>::from_data(
        TensorData::new(weights, [size * size, 4]),
        (&device, z.dtype()),
    );
    let mixed = weights.matmul(z.reshape([4, c * h * w]));
    Ok(model.decode(mixed.reshape([size * size, c, h, w])))
}

/// The times `t/T` of the frames `t` in `frames` of a path of `steps` = T steps (T = 0 is
/// treated as 1, so a one-frame path sits at its source).
pub(crate) fn path_times(frames: impl Iterator<Item = usize>, steps: usize) -> Vec<f64> {
    frames.map(|t| t as f64 / steps.max(1) as f64).collect()
}

/// Latents `(1 − s)·z_a + s·z_b` for every `s` in `weights`, for a batch of pairs:
/// `z_a`, `z_b` are `(P, c, h, w)`, the result `(P · weights.len(), c, h, w)`, pair-major.
pub(crate) fn mix_pair(z_a: Tensor<4>, z_b: Tensor<4>, weights: &[f64]) -> Tensor<4> {
    let [p, c, h, w] = z_a.dims();
    let n = weights.len();
    let device = z_a.device();
    let s = Tensor::<5>::from_data(
        TensorData::new(weights.to_vec(), [1, n, 1, 1, 1]),
        (&device, z_a.dtype()),
    );
    let a: Tensor<5> = z_a.unsqueeze_dim(1);
    let b: Tensor<5> = z_b.unsqueeze_dim(1);
    let mixed = a.clone() + (b - a) * s;
    mixed.reshape([p * n, c, h, w])
}
