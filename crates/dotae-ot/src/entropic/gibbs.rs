//! The Gibbs kernel of the squared distance on a pixel grid, applied as two 1-D passes.
//!
//! POT's convention (`ot.bregman._convolutional._get_convol_img_fn`): an axis of `n` pixels
//! has coordinates `t = linspace(0, 1, n)`, and the kernel between pixels `i` and `j` is
//! `exp(−(tᵢ − tⱼ)² / ε)`. In pixels that is `exp(−Δ² / (2σ²))` for an offset of `Δ` pixels,
//! a Gaussian of standard deviation `σ = (n − 1) √(ε / 2)` pixels (see [`pixel_variance`]).
//! On a 2-D grid the kernel is the product of one such kernel per axis, so applying it is a
//! blur along the rows, then along the columns: `K X = K_rows · X · K_cols`, two small dense
//! matrix products per image instead of one product with an (h·w)² matrix.

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

/// The variance, in pixels², of the Gaussian that the Gibbs kernel of regularisation
/// `epsilon` (POT's `reg`) is along an axis of `n` pixels: `ε (n − 1)² / 2`.
pub(super) fn pixel_variance(n: usize, epsilon: f64) -> f64 {
    let spacing = n.saturating_sub(1) as f64;
    epsilon * spacing * spacing / 2.0
}

/// The separable Gibbs kernel of an `height × width` grid.
#[derive(Debug, Clone)]
pub(super) struct GibbsKernel {
    height: usize,
    width: usize,
    /// `height × height`, row-major (and symmetric): the blur along the columns of an image.
    along_height: Vec<f64>,
    /// `width × width`, row-major (and symmetric): the blur along its rows.
    along_width: Vec<f64>,
}

impl GibbsKernel {
    /// The kernel of regularisation `epsilon` on an `height × width` grid.
    pub(super) fn new(height: usize, width: usize, epsilon: f64) -> Self {
        Self {
            height,
            width,
            along_height: axis_kernel(height, epsilon),
            along_width: axis_kernel(width, epsilon),
        }
    }

    /// The number of pixels of one image.
    pub(super) fn pixels(&self) -> usize {
        self.height * self.width
    }

    /// Applies the kernel to each of `count` images stored *interleaved by row* in `images`
    /// (row-major `height × count × width`: row `r` of every image, then row `r + 1`),
    /// writing the results to `out` in the same layout. `scratch` holds the half-blurred
    /// images and must have the same length; nothing is allocated. The layout makes each pass
    /// one matrix product for all the images: `(height·count) × width` times `K_width`, then
    /// `K_height` times `height × (count·width)`.
    pub(super) fn apply(&self, images: &[f64], scratch: &mut [f64], out: &mut [f64]) {
        let (h, w) = (self.height, self.width);
        let rows = images.len() / w;
        matmul(
            MatMut::from_row_major_slice_mut(scratch, rows, w),
            Accum::Replace,
            MatRef::from_row_major_slice(images, rows, w),
            MatRef::from_row_major_slice(&self.along_width, w, w),
            1.0,
            Par::Seq,
        );
        let columns = images.len() / h;
        matmul(
            MatMut::from_row_major_slice_mut(out, h, columns),
            Accum::Replace,
            MatRef::from_row_major_slice(&self.along_height, h, h),
            MatRef::from_row_major_slice(scratch, h, columns),
            1.0,
            Par::Seq,
        );
    }
}

/// The `n × n` 1-D kernel `exp(−(tᵢ − tⱼ)² / ε)` with `t = linspace(0, 1, n)`, row-major.
fn axis_kernel(n: usize, epsilon: f64) -> Vec<f64> {
    // numpy's linspace: i · step, with the last point exactly 1.
    let step = 1.0 / n.saturating_sub(1).max(1) as f64;
    let t: Vec<f64> = (0..n)
        .map(|i| {
            if i + 1 == n && n > 1 {
                1.0
            } else {
                i as f64 * step
            }
        })
        .collect();
    t.iter()
        .flat_map(|ti| {
            t.iter()
                .map(move |tj| (-(ti - tj) * (ti - tj) / epsilon).exp())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel applied the slow way: a double sum over every pixel pair.
    fn dense(image: &[f64], h: usize, w: usize, epsilon: f64) -> Vec<f64> {
        let (kh, kw) = (axis_kernel(h, epsilon), axis_kernel(w, epsilon));
        let mut out = vec![0.0; h * w];
        for i in 0..h {
            for j in 0..w {
                for p in 0..h {
                    for q in 0..w {
                        out[i * w + j] += kh[i * h + p] * kw[j * w + q] * image[p * w + q];
                    }
                }
            }
        }
        out
    }

    #[test]
    fn separable_passes_equal_the_dense_kernel() {
        let (count, h, w, epsilon) = (3, 5, 7, 0.05);
        let images: Vec<Vec<f64>> = (0..count)
            .map(|c| (0..h * w).map(|i| ((i * 37 + c) % 11) as f64).collect())
            .collect();
        // Interleave the images by row, as `apply` takes them.
        let interleaved: Vec<f64> = (0..h)
            .flat_map(|r| {
                images
                    .iter()
                    .flat_map(move |image| &image[r * w..(r + 1) * w])
            })
            .copied()
            .collect();
        let kernel = GibbsKernel::new(h, w, epsilon);
        let mut scratch = vec![0.0; interleaved.len()];
        let mut out = vec![0.0; interleaved.len()];
        kernel.apply(&interleaved, &mut scratch, &mut out);
        for (c, image) in images.iter().enumerate() {
            for (p, x) in dense(image, h, w, epsilon).iter().enumerate() {
                let y = out[(p / w * count + c) * w + p % w];
                assert!((x - y).abs() <= 1e-12 * x.abs());
            }
        }
    }

    #[test]
    fn the_kernel_is_the_documented_gaussian_in_pixels() {
        let (n, epsilon) = (33, 0.002);
        let kernel = axis_kernel(n, epsilon);
        let variance = pixel_variance(n, epsilon);
        // The first row holds the kernel at offsets 0, 1, …, n − 1 pixels.
        for (delta, value) in kernel[..n].iter().enumerate() {
            let expected = (-((delta * delta) as f64) / (2.0 * variance)).exp();
            assert!((value - expected).abs() <= 1e-12 * expected.max(1e-300));
        }
    }
}
