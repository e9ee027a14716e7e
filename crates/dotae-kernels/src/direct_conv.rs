//! The 3×3 convolution through the direct kernels ([`crate::direct`]): f32 on CPUs with AVX2
//! and FMA, for images at least [`MIN_COLS`] wide. One image at a time: pad, convolve at every
//! padded position, keep the real pixels.

use rayon::prelude::*;

use crate::Activation;
use crate::conv3x3::ConvShape;
use crate::direct::{self, Geometry, forward_planes, pack_weight, pad_planes};
use crate::scratch::with_scratch;

/// Narrower images waste too many of the padded positions; they go through the matrix product.
pub const MIN_COLS: usize = 12;

/// A convolution's weight packed for the direct kernels.
#[derive(Debug)]
pub struct DirectConv {
    shape: ConvShape,
    geometry: Geometry,
    /// `out × (in·9)` packed for the forward pass.
    packed: Vec<f32>,
}

impl DirectConv {
    /// The direct form of the convolution with `weight` (`out × (in·9)`), when the direct
    /// kernels run `shape` in `f32` on this CPU.
    pub fn new(shape: ConvShape, weight: Option<&[f32]>) -> Option<Self> {
        let weight = weight?;
        if shape.cols < MIN_COLS || !direct::available() {
            return None;
        }
        Some(Self {
            shape,
            geometry: Geometry {
                rows: shape.rows,
                cols: shape.cols,
            },
            packed: pack_weight(weight, shape.out_channels, shape.in_channels),
        })
    }

    /// The convolution that maps output gradients to input gradients, from the flipped
    /// weight `in × (out·9)`.
    pub fn transposed(&self, flipped: &[f32]) -> Self {
        let shape = ConvShape {
            in_channels: self.shape.out_channels,
            out_channels: self.shape.in_channels,
            ..self.shape
        };
        Self {
            shape,
            geometry: self.geometry,
            packed: pack_weight(flipped, shape.out_channels, shape.in_channels),
        }
    }

    /// [`conv3x3_forward`](crate::conv3x3::conv3x3_forward) over the batch.
    pub fn forward(&self, input: &[f32], bias: &[f32], activation: Activation, output: &mut [f32]) {
        let (cin, cout, pixels) = (
            self.shape.in_channels,
            self.shape.out_channels,
            self.shape.pixels(),
        );
        output
            .par_chunks_mut(cout * pixels)
            .zip(input.par_chunks(cin * pixels))
            .for_each(|(output, input)| {
                with_scratch(cin * self.geometry.padded_len(), |padded: &mut [f32]| {
                    pad_planes(input, pixels, cin, self.geometry, padded);
                    self.convolve_padded(padded, Some(bias), activation, output);
                });
            });
    }

    /// One image: `padded` holds its input planes padded, `output` receives its planes.
    fn convolve_padded(
        &self,
        padded: &[f32],
        bias: Option<&[f32]>,
        activation: Activation,
        output: &mut [f32],
    ) {
        let (cin, cout) = (self.shape.in_channels, self.shape.out_channels);
        let positions = self.geometry.positions();
        let (pitch, cols) = (self.geometry.pitch(), self.geometry.cols);
        with_scratch(cout * positions, |product: &mut [f32]| {
            forward_planes(padded, cin, &self.packed, bias, self.geometry, product);
            for (plane, computed) in output
                .chunks_exact_mut(self.shape.pixels())
                .zip(product.chunks_exact(positions))
            {
                for (row, source) in plane.chunks_exact_mut(cols).zip(computed.chunks(pitch)) {
                    row.copy_from_slice(&source[..cols]);
                }
                activation.apply(plane);
            }
        });
    }

    /// The gradients of one image: `dW += dz ⋆ x`, `db += Σ dz` and, with `input_gradient`
    /// (this convolution's [`transposed`](Self::transposed)), `dx`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward_image(
        &self,
        input_gradient: Option<&DirectConv>,
        [x, y, dy]: [&[f32]; 3],
        activation: Activation,
        grad_weight: &mut [f32],
        grad_bias: &mut [f32],
        grad_input: Option<&mut [f32]>,
    ) {
        let (cin, cout, pixels) = (
            self.shape.in_channels,
            self.shape.out_channels,
            self.shape.pixels(),
        );
        let geometry = self.geometry;
        let (len, pitch, cols, origin) = (
            geometry.padded_len(),
            geometry.pitch(),
            geometry.cols,
            geometry.origin(),
        );
        // Whole blocks of four gradient planes, the extra ones zero.
        let grad_planes = cout.next_multiple_of(4);
        with_scratch(grad_planes * len, |dz: &mut [f32]| {
            dz.fill(0.0);
            for c in 0..cout {
                let plane = &mut dz[c * len..(c + 1) * len];
                let (y, dy) = (&y[c * pixels..], &dy[c * pixels..]);
                let mut sum = 0.0;
                for r in 0..geometry.rows {
                    let row = &mut plane[origin + r * pitch..origin + r * pitch + cols];
                    row.copy_from_slice(&dy[r * cols..(r + 1) * cols]);
                    activation.chain(&y[r * cols..(r + 1) * cols], row);
                    sum += row.iter().sum::<f32>();
                }
                grad_bias[c] += sum;
            }
            with_scratch(cin * len, |padded: &mut [f32]| {
                pad_planes(x, pixels, cin, geometry, padded);
                direct::weight_gradient_planes(
                    &dz[origin..],
                    len,
                    cout,
                    padded,
                    cin,
                    geometry,
                    grad_weight,
                );
            });
            if let (Some(transposed), Some(grad_input)) = (input_gradient, grad_input) {
                transposed.convolve_padded(dz, None, Activation::Identity, grad_input);
            }
        });
    }
}
