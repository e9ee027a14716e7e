//! 3×3 convolution, stride 1, padding 1, with bias and a fused activation: the forward pass and
//! every gradient, over a batch in NCHW layout.
//!
//! In f32, on CPUs with AVX2 and FMA, images at least 12 pixels wide run through the direct
//! kernels (`DirectConv`). Everything else becomes matrix products of unfolded neighbourhoods
//! (the `gemm` crate), cut into tiles whose unfolded matrix has about 128 columns:
//! several whole images when they are small, so one product serves them all, or a band of rows
//! of one image when it is large, so the unfolded matrix stays in cache. Chunks of images run in
//! parallel. The weight and bias gradients are summed
//! over a fixed number of groups of chunks, so the result does not depend on how many threads
//! ran or in which order they finished.

use std::ops::Range;

use rayon::prelude::*;

use crate::direct_conv::DirectConv;
use crate::im2col::{ColumnBlock, im2col_3x3};
use crate::matmul::{MatMut, MatRef, matmul};
use crate::scratch::with_scratch;
use crate::{Activation, Element};

/// Columns (pixels) of a tile's unfolded matrix.
const TILE_COLUMNS: usize = 128;

/// Groups the weight gradient is summed over before the final, ordered sum.
const GRADIENT_GROUPS: usize = 4;

/// Sizes of one convolution: `batch` images of `in_channels × rows × cols` to `out_channels`
/// planes of the same size. The weight is `out_channels × in_channels × 3 × 3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvShape {
    /// Number of images in the batch.
    pub batch: usize,
    /// Channels of each input image.
    pub in_channels: usize,
    /// Channels of each output image.
    pub out_channels: usize,
    /// Height of the input and output images, in pixels.
    pub rows: usize,
    /// Width of the input and output images, in pixels.
    pub cols: usize,
}

impl ConvShape {
    /// Pixels per plane, `rows · cols`.
    pub fn pixels(&self) -> usize {
        self.rows * self.cols
    }

    /// Length of the input slice, `batch · in_channels · rows · cols`.
    pub fn input_len(&self) -> usize {
        self.batch * self.in_channels * self.pixels()
    }

    /// Length of the output slice, `batch · out_channels · rows · cols`.
    pub fn output_len(&self) -> usize {
        self.batch * self.out_channels * self.pixels()
    }

    /// Length of the weight slice, `out_channels · in_channels · 9`.
    pub fn weight_len(&self) -> usize {
        self.out_channels * self.in_channels * 9
    }

    /// Images per chunk: as many whole images as fill a tile, at least one.
    fn images_per_chunk(&self) -> usize {
        (TILE_COLUMNS / self.pixels().max(1)).clamp(1, self.batch.max(1))
    }

    /// The bands of rows a chunk is unfolded in: the whole image when a chunk holds several,
    /// otherwise bands of about a tile's pixels.
    fn bands(&self) -> impl Iterator<Item = Range<usize>> + use<> {
        let band = (TILE_COLUMNS / self.cols.max(1)).clamp(1, self.rows.max(1));
        let rows = self.rows;
        (0..rows)
            .step_by(band)
            .map(move |first| first..(first + band).min(rows))
    }

    fn image(&self, channels: usize) -> usize {
        channels * self.pixels()
    }

    fn check(&self, what: &str, len: usize, expected: usize) {
        assert_eq!(
            len, expected,
            "{what} has {len} elements for {self:?}, expected {expected}"
        );
    }
}

/// `output = f(conv(input, weight) + bias)` for `input` `(batch, in, rows, cols)` and `output`
/// `(batch, out, rows, cols)`.
///
/// # Panics
/// If a slice's length does not match `shape`.
pub fn conv3x3_forward<T: Element>(
    shape: ConvShape,
    input: &[T],
    weight: &[T],
    bias: &[T],
    activation: Activation,
    output: &mut [T],
) {
    shape.check("input", input.len(), shape.input_len());
    shape.check("weight", weight.len(), shape.weight_len());
    shape.check("bias", bias.len(), shape.out_channels);
    shape.check("output", output.len(), shape.output_len());
    if shape.output_len() == 0 {
        return;
    }
    if let Some(direct) = DirectConv::new(shape, T::as_f32(weight)) {
        direct.forward(f32s(input), f32s(bias), activation, f32s_mut(output));
        return;
    }
    let chunk = shape.images_per_chunk();
    let weight = MatRef::row_major(weight, shape.out_channels, shape.in_channels * 9);
    output
        .par_chunks_mut(chunk * shape.image(shape.out_channels))
        .zip(input.par_chunks(chunk * shape.image(shape.in_channels)))
        .for_each(|(output, input)| {
            let images = input.len() / shape.image(shape.in_channels);
            for band in shape.bands() {
                let tile = Tile {
                    shape,
                    images,
                    band,
                };
                convolve_tile(&tile, input, weight, output);
                tile.finish_planes(output, bias, activation);
            }
        });
}

/// Part of a chunk of images: all its images, or a band of rows of its one image.
#[derive(Debug, Clone)]
struct Tile {
    shape: ConvShape,
    images: usize,
    band: Range<usize>,
}

impl Tile {
    /// Pixels of one image in the tile.
    fn pixels(&self) -> usize {
        self.band.len() * self.shape.cols
    }

    /// Columns of the tile's unfolded matrix.
    fn columns(&self) -> usize {
        self.images * self.pixels()
    }

    /// Unfolds the tile's images, each with `channels` planes stored `plane_stride` apart and
    /// images stored `image_stride` apart, side by side into `unfolded`.
    fn unfold<T: Element>(
        &self,
        data: &[T],
        [channels, plane_stride, image_stride]: [usize; 3],
        unfolded: &mut [T],
    ) {
        for j in 0..self.images {
            im2col_3x3(
                &data[j * image_stride..],
                plane_stride,
                [channels, self.shape.rows, self.shape.cols],
                self.band.clone(),
                unfolded,
                ColumnBlock {
                    stride: self.columns(),
                    offset: j * self.pixels(),
                },
            );
        }
    }

    /// The tile's part of planes of `channels` rows, as a `channels × pixels` matrix of one
    /// image (a band is a contiguous range of every plane).
    fn plane_rows<'a, T>(&self, planes: &'a mut [T], channels: usize) -> MatMut<'a, T> {
        let pixels = self.shape.pixels();
        let first = self.band.start * self.shape.cols;
        MatMut::strided(&mut planes[first..], channels, self.pixels(), pixels, 1)
    }

    /// Adds the bias and applies the activation to the tile's part of every output plane.
    fn finish_planes<T: Element>(&self, output: &mut [T], bias: &[T], activation: Activation) {
        let (pixels, cols) = (self.shape.pixels(), self.shape.cols);
        for image in output.chunks_exact_mut(self.shape.image(self.shape.out_channels)) {
            for (plane, &b) in image.chunks_exact_mut(pixels).zip(bias) {
                let part = &mut plane[self.band.start * cols..self.band.end * cols];
                for v in part.iter_mut() {
                    *v += b;
                }
                activation.apply(part);
            }
        }
    }

    /// Copies a product `channels × columns` (images side by side) into the tile's part of
    /// each image's planes.
    fn scatter<T: Element>(&self, product: &[T], channels: usize, planes: &mut [T]) {
        let image_len = self.shape.image(channels);
        let (pixels, columns) = (self.pixels(), self.columns());
        for (j, image) in planes.chunks_exact_mut(image_len).enumerate() {
            for (c, plane) in image.chunks_exact_mut(self.shape.pixels()).enumerate() {
                let start = c * columns + j * pixels;
                let first = self.band.start * self.shape.cols;
                plane[first..first + pixels].copy_from_slice(&product[start..start + pixels]);
            }
        }
    }
}

/// `output[tile] = weight · unfold(input[tile])`, before bias and activation. `weight` is
/// `out × (in·9)`; for the input gradient it is the flipped weight and `input` is `dz`.
fn convolve_tile<T: Element>(tile: &Tile, input: &[T], weight: MatRef<'_, T>, output: &mut [T]) {
    let shape = tile.shape;
    let (cin, cout) = (weight.cols() / 9, weight.rows());
    let columns = tile.columns();
    with_scratch(cin * 9 * columns, |unfolded: &mut [T]| {
        let plane = shape.pixels();
        tile.unfold(input, [cin, plane, cin * plane], unfolded);
        let unfolded = MatRef::row_major(&*unfolded, cin * 9, columns);
        if tile.images == 1 {
            matmul(tile.plane_rows(output, cout), weight, unfolded, false);
            return;
        }
        with_scratch(cout * columns, |product: &mut [T]| {
            matmul(
                MatMut::row_major(product, cout, columns),
                weight,
                unfolded,
                false,
            );
            tile.scatter(product, cout, output);
        });
    });
}

/// Where [`conv3x3_backward`] writes: the input gradient when the input needs one, and the
/// weight and bias gradients (overwritten, not accumulated).
#[derive(Debug)]
pub struct ConvGradients<'a, T> {
    /// Gradient with respect to the input, [`ConvShape::input_len`] long; `None` skips
    /// computing it.
    pub input: Option<&'a mut [T]>,
    /// Gradient with respect to the weight, [`ConvShape::weight_len`] long.
    pub weight: &'a mut [T],
    /// Gradient with respect to the bias, one value per output channel.
    pub bias: &'a mut [T],
}

/// Gradients of [`conv3x3_forward`] given `output` (the activation's output) and the gradient
/// `grad_output` with respect to it.
///
/// # Panics
/// If a slice's length does not match `shape`.
pub fn conv3x3_backward<'a, T: Element>(
    shape: ConvShape,
    input: &'a [T],
    weight: &'a [T],
    output: &'a [T],
    grad_output: &'a [T],
    activation: Activation,
    gradients: ConvGradients<'_, T>,
) {
    shape.check("input", input.len(), shape.input_len());
    shape.check("weight", weight.len(), shape.weight_len());
    shape.check("output", output.len(), shape.output_len());
    shape.check("output gradient", grad_output.len(), shape.output_len());
    shape.check(
        "weight gradient",
        gradients.weight.len(),
        shape.weight_len(),
    );
    shape.check("bias gradient", gradients.bias.len(), shape.out_channels);
    if let Some(grad_input) = &gradients.input {
        shape.check("input gradient", grad_input.len(), shape.input_len());
    }
    gradients.weight.fill(T::ZERO);
    gradients.bias.fill(T::ZERO);
    if shape.output_len() == 0 {
        if let Some(grad_input) = gradients.input {
            grad_input.fill(T::ZERO);
        }
        return;
    }
    let flipped = gradients
        .input
        .is_some()
        .then(|| flip_transpose(shape, weight));
    let direct = DirectConv::new(shape, T::as_f32(weight));
    let direct_transposed = direct
        .as_ref()
        .zip(flipped.as_deref())
        .map(|(direct, flipped)| direct.transposed(f32s(flipped)));
    let chunk = shape.images_per_chunk();
    let chunks = shape.batch.div_ceil(chunk);
    let groups = chunks.min(GRADIENT_GROUPS);
    // Group g takes chunks [g·chunks/groups, (g+1)·chunks/groups): contiguous image ranges.
    let image_range = |g: usize| {
        let first = (g * chunks / groups * chunk).min(shape.batch);
        let last = ((g + 1) * chunks / groups * chunk).min(shape.batch);
        first..last
    };
    let partial_len = shape.weight_len() + shape.out_channels;
    let mut partials = vec![T::ZERO; groups * partial_len];
    let mut grad_inputs: Vec<Option<&mut [T]>> = match gradients.input {
        Some(mut rest) => (0..groups)
            .map(|g| {
                let len = image_range(g).len() * shape.image(shape.in_channels);
                let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
                rest = tail;
                Some(head)
            })
            .collect(),
        None => (0..groups).map(|_| None).collect(),
    };
    partials
        .par_chunks_mut(partial_len)
        .zip(grad_inputs.par_iter_mut())
        .enumerate()
        .for_each(|(g, (partial, grad_input))| {
            let (grad_weight, grad_bias) = partial.split_at_mut(shape.weight_len());
            let images = image_range(g);
            let mut first = images.start;
            while first < images.end {
                let last = (first + chunk).min(images.end);
                let slice = |data: &'a [T], channels: usize| -> &'a [T] {
                    let len = shape.image(channels);
                    &data[first * len..last * len]
                };
                let grad_input = grad_input.as_deref_mut().map(|g| {
                    let len = shape.image(shape.in_channels);
                    let offset = (first - images.start) * len;
                    &mut g[offset..offset + (last - first) * len]
                });
                backward_chunk(
                    shape,
                    ChunkInputs {
                        input: slice(input, shape.in_channels),
                        output: slice(output, shape.out_channels),
                        grad_output: slice(grad_output, shape.out_channels),
                        flipped: flipped.as_deref(),
                        activation,
                        direct: direct.as_ref().map(|d| (d, direct_transposed.as_ref())),
                    },
                    ConvGradients {
                        input: grad_input,
                        weight: grad_weight,
                        bias: grad_bias,
                    },
                );
                first = last;
            }
        });
    for partial in partials.chunks_exact(partial_len) {
        let (grad_weight, grad_bias) = partial.split_at(shape.weight_len());
        add_into(gradients.weight, grad_weight);
        add_into(gradients.bias, grad_bias);
    }
}

fn add_into<T: Element>(sum: &mut [T], term: &[T]) {
    for (s, &t) in sum.iter_mut().zip(term) {
        *s += t;
    }
}

/// The weight of the convolution that maps output gradients to input gradients:
/// `flipped[ci][co·9 + ky·3 + kx] = weight[co][ci][2 − ky][2 − kx]`.
fn flip_transpose<T: Element>(shape: ConvShape, weight: &[T]) -> Vec<T> {
    let (cin, cout) = (shape.in_channels, shape.out_channels);
    let mut flipped = vec![T::ZERO; weight.len()];
    for co in 0..cout {
        for ci in 0..cin {
            for k in 0..9 {
                flipped[ci * cout * 9 + co * 9 + k] = weight[(co * cin + ci) * 9 + (8 - k)];
            }
        }
    }
    flipped
}

/// The read-only data of one chunk of [`conv3x3_backward`].
struct ChunkInputs<'a, T> {
    input: &'a [T],
    output: &'a [T],
    grad_output: &'a [T],
    flipped: Option<&'a [T]>,
    activation: Activation,
    /// The direct form of the convolution and of its transpose, when they run this shape.
    direct: Option<(&'a DirectConv, Option<&'a DirectConv>)>,
}

/// The slice as `f32`: only called where [`DirectConv::new`] accepted `T`, which is `f32`.
fn f32s<T: Element>(values: &[T]) -> &[f32] {
    T::as_f32(values).expect("the direct kernels run only in f32")
}

fn f32s_mut<T: Element>(values: &mut [T]) -> &mut [f32] {
    T::as_f32_mut(values).expect("the direct kernels run only in f32")
}

/// One chunk: the pre-activation gradient `dz` of its images (stored like them), then per
/// tile `db += Σ dz`, `dW += dz · unfold(x)ᵀ` and `dx = flipped · unfold(dz)`.
fn backward_chunk<T: Element>(
    shape: ConvShape,
    data: ChunkInputs<'_, T>,
    grads: ConvGradients<'_, T>,
) {
    let pixels = shape.pixels();
    let images = data.input.len() / shape.image(shape.in_channels);
    let (cin, cout) = (shape.in_channels, shape.out_channels);
    let ConvGradients {
        input: mut grad_input,
        weight: grad_weight,
        bias: grad_bias,
    } = grads;
    if let Some((direct, transposed)) = data.direct {
        for j in 0..images {
            fn image<T: Element>(data: &[T], j: usize, len: usize) -> &[f32] {
                f32s(&data[j * len..(j + 1) * len])
            }
            direct.backward_image(
                transposed,
                [
                    image(data.input, j, cin * pixels),
                    image(data.output, j, cout * pixels),
                    image(data.grad_output, j, cout * pixels),
                ],
                data.activation,
                f32s_mut(grad_weight),
                f32s_mut(grad_bias),
                grad_input
                    .as_deref_mut()
                    .map(|g| f32s_mut(&mut g[j * cin * pixels..(j + 1) * cin * pixels])),
            );
        }
        return;
    }
    with_scratch(images * cout * pixels, |dz: &mut [T]| {
        dz.copy_from_slice(data.grad_output);
        for (dz, y) in dz
            .chunks_exact_mut(pixels)
            .zip(data.output.chunks_exact(pixels))
        {
            data.activation.chain(y, dz);
        }
        for (c, b) in grad_bias.iter_mut().enumerate() {
            for image in dz.chunks_exact(cout * pixels) {
                *b += image[c * pixels..(c + 1) * pixels]
                    .iter()
                    .fold(T::ZERO, |s, &v| s + v);
            }
        }
        for band in shape.bands() {
            let tile = Tile {
                shape,
                images,
                band,
            };
            let columns = tile.columns();
            with_scratch(cin * 9 * columns, |unfolded: &mut [T]| {
                tile.unfold(data.input, [cin, pixels, cin * pixels], unfolded);
                let unfolded_x = MatRef::row_major(&*unfolded, cin * 9, columns).t();
                with_scratch(cout * columns, |dz_tile: &mut [T]| {
                    let dz_tile = gather_tile(&tile, dz, cout, dz_tile);
                    matmul(
                        MatMut::row_major(grad_weight, cout, cin * 9),
                        dz_tile,
                        unfolded_x,
                        true,
                    );
                });
                let (Some(grad_input), Some(flipped)) = (grad_input.as_deref_mut(), data.flipped)
                else {
                    return;
                };
                let flipped = MatRef::row_major(flipped, cin, cout * 9);
                convolve_tile(&tile, dz, flipped, grad_input);
            });
        }
    });
}

/// The tile's columns of planes of `channels` rows (images stored one after the other), as a
/// `channels × columns` matrix: a view when the tile is a band of one image, otherwise gathered
/// into `scratch`.
fn gather_tile<'a, T: Element>(
    tile: &Tile,
    planes: &'a [T],
    channels: usize,
    scratch: &'a mut [T],
) -> MatRef<'a, T> {
    let (pixels, columns) = (tile.pixels(), tile.columns());
    let plane = tile.shape.pixels();
    let first = tile.band.start * tile.shape.cols;
    if tile.images == 1 {
        return MatRef::strided(&planes[first..], channels, pixels, plane, 1);
    }
    for (j, image) in planes.chunks_exact(channels * plane).enumerate() {
        for c in 0..channels {
            let to = c * columns + j * pixels;
            scratch[to..to + pixels].copy_from_slice(&image[c * plane + first..][..pixels]);
        }
    }
    MatRef::row_major(scratch, channels, columns)
}
