//! 2×2 average pooling and 2× nearest-neighbour upsampling of NCHW planes, with their
//! gradients, parallel over planes.
//!
//! Both are built from two maps between planes of `rows × cols` and `rows/2 × cols/2`: summing
//! each 2×2 block (pooling, and the gradient of upsampling) and spreading a value over its
//! block (upsampling, and the gradient of pooling), each with a scale.

use rayon::prelude::*;

use crate::Element;

/// Planes at least this large are split one per task; smaller ones are grouped so a task is
/// worth scheduling.
const PLANES_PER_TASK_PIXELS: usize = 4096;

/// `output[i][j]` = the mean of the 2×2 block at `(2i, 2j)` of each of `planes` input planes
/// of `rows × cols` (both even); `output` holds planes of `rows/2 × cols/2`.
///
/// # Panics
/// If a side is odd or a slice's length does not match.
pub fn avg_pool_2x2<T: Element>(
    planes: usize,
    [rows, cols]: [usize; 2],
    input: &[T],
    output: &mut [T],
) {
    assert!(
        rows % 2 == 0 && cols % 2 == 0,
        "2×2 pooling of {rows}×{cols} planes"
    );
    block_sums(planes, [rows, cols], input, output, T::from_f64(0.25));
}

/// The gradient of [`avg_pool_2x2`]: each input pixel receives a quarter of its block's
/// output gradient.
///
/// # Panics
/// If a side is odd or a slice's length does not match.
pub fn avg_pool_2x2_backward<T: Element>(
    planes: usize,
    [rows, cols]: [usize; 2],
    grad_output: &[T],
    grad_input: &mut [T],
) {
    assert!(
        rows % 2 == 0 && cols % 2 == 0,
        "2×2 pooling of {rows}×{cols} planes"
    );
    spread(
        planes,
        [rows, cols],
        grad_output,
        grad_input,
        T::from_f64(0.25),
    );
}

/// Each pixel of `planes` input planes of `rows × cols` repeated into a 2×2 block of the
/// output planes of `2·rows × 2·cols`.
///
/// # Panics
/// If a slice's length does not match.
pub fn upsample_nearest_2x<T: Element>(
    planes: usize,
    [rows, cols]: [usize; 2],
    input: &[T],
    output: &mut [T],
) {
    spread(planes, [2 * rows, 2 * cols], input, output, T::ONE);
}

/// The gradient of [`upsample_nearest_2x`]: each input pixel receives the sum of its 2×2
/// block's output gradient.
///
/// # Panics
/// If a slice's length does not match.
pub fn upsample_nearest_2x_backward<T: Element>(
    planes: usize,
    [rows, cols]: [usize; 2],
    grad_output: &[T],
    grad_input: &mut [T],
) {
    block_sums(
        planes,
        [2 * rows, 2 * cols],
        grad_output,
        grad_input,
        T::ONE,
    );
}

/// Planes per parallel task, for planes of `large` pixels.
fn planes_per_task(large: usize) -> usize {
    (PLANES_PER_TASK_PIXELS / large.max(1)).max(1)
}

fn check_lengths(planes: usize, [rows, cols]: [usize; 2], large: usize, small: usize) {
    let expected = planes * rows * cols;
    assert!(
        large == expected && small * 4 == expected,
        "{planes} planes of {rows}×{cols} and their halves need {expected} and {} elements, got {large} and {small}",
        expected / 4
    );
}

/// `small[i][j] = scale · Σ` of the 2×2 block at `(2i, 2j)` of `large`, for `planes` large
/// planes of `rows × cols` (even).
fn block_sums<T: Element>(
    planes: usize,
    [rows, cols]: [usize; 2],
    large: &[T],
    small: &mut [T],
    scale: T,
) {
    check_lengths(planes, [rows, cols], large.len(), small.len());
    if large.is_empty() {
        return;
    }
    let per_task = planes_per_task(rows * cols);
    small
        .par_chunks_mut(per_task * rows * cols / 4)
        .zip(large.par_chunks(per_task * rows * cols))
        .for_each(|(small, large)| {
            for (small_row, pair) in small
                .chunks_exact_mut(cols / 2)
                .zip(large.chunks_exact(2 * cols))
            {
                let (top, bottom) = pair.split_at(cols);
                for (j, s) in small_row.iter_mut().enumerate() {
                    *s = (top[2 * j] + top[2 * j + 1] + bottom[2 * j] + bottom[2 * j + 1]) * scale;
                }
            }
        });
}

/// `large[2i + a][2j + b] = scale · small[i][j]`, for `planes` large planes of `rows × cols`
/// (even).
fn spread<T: Element>(
    planes: usize,
    [rows, cols]: [usize; 2],
    small: &[T],
    large: &mut [T],
    scale: T,
) {
    check_lengths(planes, [rows, cols], large.len(), small.len());
    if large.is_empty() {
        return;
    }
    let per_task = planes_per_task(rows * cols);
    large
        .par_chunks_mut(per_task * rows * cols)
        .zip(small.par_chunks(per_task * rows * cols / 4))
        .for_each(|(large, small)| {
            for (pair, small_row) in large
                .chunks_exact_mut(2 * cols)
                .zip(small.chunks_exact(cols / 2))
            {
                let (top, bottom) = pair.split_at_mut(cols);
                for (j, &s) in small_row.iter().enumerate() {
                    let v = s * scale;
                    top[2 * j] = v;
                    top[2 * j + 1] = v;
                }
                bottom.copy_from_slice(top);
            }
        });
}
