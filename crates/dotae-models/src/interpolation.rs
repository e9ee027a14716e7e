//! Step 2 of Algorithm 1: decoding straight lines and convex combinations of latent codes.

use burn::prelude::*;

use crate::{Autoencoder, ModelError};

impl Autoencoder {
    /// `T + 1` frames `decode((1 − t/T)·z_a + (t/T)·z_b)`, `t = 0..=T`, between two images
    /// `(C, H, W)`; the result is `(T + 1, C, H, W)`. The endpoints are reconstructions.
    pub fn interpolate(&self, source: Tensor<3>, target: Tensor<3>, steps: usize) -> Tensor<4> {
        let z = self.encode(Tensor::stack(vec![source, target], 0));
        let [_, c, h, w] = z.dims();
        let weights = path_times(0..=steps, steps);
        self.decode(mix_pair(
            z.clone().slice([0..1, 0..c, 0..h, 0..w]),
            z.slice([1..2, 0..c, 0..h, 0..w]),
            &weights,
        ))
    }

    /// A `size × size` grid of barycentres of four images `(4, C, H, W)`: entry `(r, k)` decodes
    /// `(1−u)(1−v)·z_1 + u(1−v)·z_2 + (1−u)v·z_3 + uv·z_4` with `u = r/(size−1)`,
    /// `v = k/(size−1)`, so the corners are the four reconstructions. Row-major `(size², C, H, W)`.
    pub fn barycentres(&self, corners: Tensor<4>, size: usize) -> Result<Tensor<4>, ModelError> {
        if corners.dims()[0] != 4 {
            return Err(ModelError::Shape {
                what: "barycentre corners",
                actual: corners.dims().to_vec(),
                expected: "4 images (4, C, H, W)".into(),
            });
        }
        let z = self.encode(corners);
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
        Ok(self.decode(mixed.reshape([size * size, c, h, w])))
    }
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
