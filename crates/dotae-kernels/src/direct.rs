//! Direct 3×3 convolution in f32 with AVX2 and FMA: no unfolded matrix, no packing of the
//! images, for images wide enough to fill vector registers along their rows.
//!
//! Planes are zero-padded to `(rows + 2) × (cols + 2)` and outputs are computed at every
//! position `q = y·(cols + 2) + x` of the padded row pitch, the two positions past each row's
//! end included (and discarded). In that numbering the tap `(ky, kx)` of output `q` reads input
//! `q + ky·(cols + 2) + kx`: one unaligned vector load serves eight neighbouring outputs, so
//! the inner loops are loads, broadcasts and fused multiply-adds only.
//!
//! A gradient plane written at offset `cols + 3` of a zero plane of the padded size is, at
//! once, the output-numbered gradient the weight gradient reads and the zero-padded input the
//! input gradient (a convolution with the flipped weight) reads.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Output channels per forward register tile.
const CHANNELS: usize = 6;
/// Output positions per forward register tile (two vectors).
const POSITIONS: usize = 16;
/// Output channels per weight-gradient register tile.
const GRAD_CHANNELS: usize = 4;

/// Whether this CPU runs the direct kernels.
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    return is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// The padded numbering of `rows × cols` planes.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub rows: usize,
    pub cols: usize,
}

impl Geometry {
    /// Row pitch of a padded plane.
    pub fn pitch(&self) -> usize {
        self.cols + 2
    }

    /// Output positions computed per plane: whole register tiles over `rows · pitch`.
    pub fn positions(&self) -> usize {
        (self.rows * self.pitch()).div_ceil(POSITIONS) * POSITIONS
    }

    /// Elements of a padded plane: the border, and room for the last tile's reads.
    pub fn padded_len(&self) -> usize {
        ((self.rows + 2) * self.pitch() + POSITIONS + 8).next_multiple_of(8)
    }

    /// Where pixel `(0, 0)` sits in a padded plane.
    pub fn origin(&self) -> usize {
        self.pitch() + 1
    }

    fn tap_offsets(&self) -> [usize; 9] {
        let p = self.pitch();
        std::array::from_fn(|k| (k / 3) * p + k % 3)
    }
}

/// Copies `channels` planes (plane `c` at `c · plane_stride` in `planes`) into zero-padded
/// planes of [`Geometry::padded_len`] in `padded`.
pub fn pad_planes(
    planes: &[f32],
    plane_stride: usize,
    channels: usize,
    geometry: Geometry,
    padded: &mut [f32],
) {
    let (len, pitch, cols) = (geometry.padded_len(), geometry.pitch(), geometry.cols);
    for c in 0..channels {
        let target = &mut padded[c * len..(c + 1) * len];
        target.fill(0.0);
        let plane = &planes[c * plane_stride..];
        for y in 0..geometry.rows {
            let start = (y + 1) * pitch + 1;
            target[start..start + cols].copy_from_slice(&plane[y * cols..(y + 1) * cols]);
        }
    }
}

/// `weight` `out × (in·9)` rearranged as `[out / 6][in][9][6]`, the missing channels of the
/// last block zero.
pub fn pack_weight(weight: &[f32], out_channels: usize, in_channels: usize) -> Vec<f32> {
    let blocks = out_channels.div_ceil(CHANNELS);
    let mut packed = vec![0.0; blocks * in_channels * 9 * CHANNELS];
    for co in 0..out_channels {
        let (block, r) = (co / CHANNELS, co % CHANNELS);
        for i in 0..in_channels * 9 {
            packed[(block * in_channels * 9 + i) * CHANNELS + r] = weight[co * in_channels * 9 + i];
        }
    }
    packed
}

/// `output[co][q] = bias[co] + Σ weight · padded input` at every output position `q` of every
/// output channel: `padded` holds `in_channels` padded planes, `packed` is [`pack_weight`]'s,
/// and `output` holds `out_channels` rows of [`Geometry::positions`].
///
/// # Panics
/// If a slice is too short for the sizes (the kernel's reads are bounds-checked up front).
pub fn forward_planes(
    padded: &[f32],
    in_channels: usize,
    packed: &[f32],
    bias: Option<&[f32]>,
    geometry: Geometry,
    output: &mut [f32],
) {
    let positions = geometry.positions();
    let out_channels = output.len() / positions;
    let blocks = out_channels.div_ceil(CHANNELS);
    let plane = geometry.padded_len();
    assert!(
        padded.len() >= in_channels * plane,
        "padded input too short"
    );
    assert!(
        packed.len() >= blocks * in_channels * 9 * CHANNELS,
        "packed weight too short"
    );
    assert!(available(), "the direct kernels need AVX2 and FMA");
    let offsets = geometry.tap_offsets();
    for block in 0..blocks {
        let first = block * CHANNELS;
        let rows = CHANNELS.min(out_channels - first);
        let mut start = [0.0f32; CHANNELS];
        if let Some(bias) = bias {
            start[..rows].copy_from_slice(&bias[first..first + rows]);
        }
        let weights = &packed[block * in_channels * 9 * CHANNELS..];
        for q in (0..positions).step_by(POSITIONS) {
            // SAFETY: AVX2 and FMA are available (asserted). The reads reach at most
            // `q + 15 + max(offsets)` < `padded_len` in each of the `in_channels` planes, and
            // `in_channels · 9 · 6` packed weights (both asserted above); the writes stay in
            // the `rows` output rows at `q .. q + 16`, inside `positions`.
            unsafe {
                forward_tile(
                    padded.as_ptr().add(q),
                    plane,
                    in_channels,
                    &offsets,
                    weights.as_ptr(),
                    &start,
                    output[first * positions + q..].as_mut_ptr(),
                    positions,
                    rows,
                );
            }
        }
    }
}

/// Six output channels × sixteen positions, accumulated over every input channel and tap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn forward_tile(
    input: *const f32,
    plane: usize,
    in_channels: usize,
    offsets: &[usize; 9],
    weights: *const f32,
    start: &[f32; CHANNELS],
    output: *mut f32,
    output_stride: usize,
    rows: usize,
) {
    // SAFETY (whole body): the caller guarantees the pointer ranges described in
    // `forward_planes`.
    unsafe {
        let mut acc = [[_mm256_setzero_ps(); 2]; CHANNELS];
        for (r, a) in acc.iter_mut().enumerate() {
            a[0] = _mm256_set1_ps(start[r]);
            a[1] = a[0];
        }
        let mut w = weights;
        for c in 0..in_channels {
            let base = input.add(c * plane);
            for &offset in offsets {
                let v0 = _mm256_loadu_ps(base.add(offset));
                let v1 = _mm256_loadu_ps(base.add(offset + 8));
                for (r, a) in acc.iter_mut().enumerate() {
                    let b = _mm256_broadcast_ss(&*w.add(r));
                    a[0] = _mm256_fmadd_ps(b, v0, a[0]);
                    a[1] = _mm256_fmadd_ps(b, v1, a[1]);
                }
                w = w.add(CHANNELS);
            }
        }
        for (r, a) in acc.iter().enumerate().take(rows) {
            let out = output.add(r * output_stride);
            _mm256_storeu_ps(out, a[0]);
            _mm256_storeu_ps(out.add(8), a[1]);
        }
    }
}

/// `grad_weight[co][ci·9 + k] += Σ_q grad[co][q] · padded[ci][q + offset_k]` over every output
/// position: `grad` holds `out_channels` rows of [`Geometry::positions`] (zero at the
/// discarded positions, rows `grad_stride` apart), `padded` holds `in_channels` padded planes.
///
/// # Panics
/// If a slice is too short for the sizes.
pub fn weight_gradient_planes(
    grad: &[f32],
    grad_stride: usize,
    out_channels: usize,
    padded: &[f32],
    in_channels: usize,
    geometry: Geometry,
    grad_weight: &mut [f32],
) {
    let positions = geometry.positions();
    let plane = geometry.padded_len();
    let blocks = out_channels.div_ceil(GRAD_CHANNELS);
    assert!(
        grad.len() >= (blocks * GRAD_CHANNELS - 1) * grad_stride + positions,
        "output gradient too short"
    );
    assert!(
        padded.len() >= in_channels * plane,
        "padded input too short"
    );
    assert!(grad_weight.len() >= out_channels * in_channels * 9);
    assert!(available(), "the direct kernels need AVX2 and FMA");
    let pitch = geometry.pitch();
    for block in 0..blocks {
        let first = block * GRAD_CHANNELS;
        let rows = GRAD_CHANNELS.min(out_channels - first);
        for ci in 0..in_channels {
            for ky in 0..3 {
                // SAFETY: AVX2 and FMA are available. The four gradient rows hold
                // `positions` elements each (asserted, the block padded to four rows by the
                // caller); input reads reach `ky·pitch + 2 + positions − 1` < `padded_len`.
                let sums = unsafe {
                    weight_gradient_tile(
                        grad[first * grad_stride..].as_ptr(),
                        grad_stride,
                        padded[ci * plane + ky * pitch..].as_ptr(),
                        positions,
                    )
                };
                for (r, row) in sums.iter().enumerate().take(rows) {
                    let at = ((first + r) * in_channels + ci) * 9 + ky * 3;
                    for (kx, s) in row.iter().enumerate() {
                        grad_weight[at + kx] += s;
                    }
                }
            }
        }
    }
}

/// Four output channels × the three taps of one kernel row, summed over all positions.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn weight_gradient_tile(
    grad: *const f32,
    grad_stride: usize,
    input: *const f32,
    positions: usize,
) -> [[f32; 3]; GRAD_CHANNELS] {
    // SAFETY (whole body): the caller guarantees the pointer ranges described in
    // `weight_gradient_planes`.
    unsafe {
        let mut acc = [[_mm256_setzero_ps(); 3]; GRAD_CHANNELS];
        for q in (0..positions).step_by(8) {
            let x = [
                _mm256_loadu_ps(input.add(q)),
                _mm256_loadu_ps(input.add(q + 1)),
                _mm256_loadu_ps(input.add(q + 2)),
            ];
            for (r, a) in acc.iter_mut().enumerate() {
                let g = _mm256_loadu_ps(grad.add(r * grad_stride + q));
                for (kx, s) in a.iter_mut().enumerate() {
                    *s = _mm256_fmadd_ps(g, x[kx], *s);
                }
            }
        }
        let mut sums = [[0.0; 3]; GRAD_CHANNELS];
        for (row, a) in sums.iter_mut().zip(&acc) {
            for (s, &v) in row.iter_mut().zip(a) {
                *s = horizontal_sum(v);
            }
        }
        sums
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn horizontal_sum(v: __m256) -> f32 {
    let pair = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    let pair = _mm_add_ps(pair, _mm_movehl_ps(pair, pair));
    _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)))
}

#[cfg(not(target_arch = "x86_64"))]
#[allow(clippy::too_many_arguments)]
unsafe fn forward_tile(
    _: *const f32,
    _: usize,
    _: usize,
    _: &[usize; 9],
    _: *const f32,
    _: &[f32; CHANNELS],
    _: *mut f32,
    _: usize,
    _: usize,
) {
    unreachable!("`available` is false off x86-64, so no direct kernel runs")
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn weight_gradient_tile(
    _: *const f32,
    _: usize,
    _: *const f32,
    _: usize,
) -> [[f32; 3]; GRAD_CHANNELS] {
    unreachable!("`available` is false off x86-64, so no direct kernel runs")
}
