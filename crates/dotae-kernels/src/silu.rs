//! SiLU, `x·σ(x)`, and its gradient on slices. The f32 sigmoid uses an exponential the
//! compiler vectorises (a Cephes polynomial after range reduction by powers of two, within
//! 2 ulp of `f32::exp`), where burn-flex's calls libm's scalar `expf` once per element: that
//! call was a sixth of a DIOTM step (docs/diotm.md, "Speed").

use crate::Element;

/// `out[i] = x[i]·σ(x[i])`.
///
/// # Panics
/// When the slices differ in length.
pub fn silu_forward<T: Element>(x: &[T], out: &mut [T]) {
    elementwise::<T, VALUE>(x, None, out)
}

/// `grad_input[i] = grad_output[i]·σ(x)·(1 + x·(1 − σ(x)))`, the chain rule through SiLU.
///
/// # Panics
/// When the slices differ in length.
pub fn silu_backward<T: Element>(x: &[T], grad_output: &[T], grad_input: &mut [T]) {
    elementwise::<T, SLOPE>(x, Some(grad_output), grad_input)
}

/// `out[i] = silu′(x[i]) = σ(x)·(1 + x·(1 − σ(x)))`: the slope the value function's
/// hand-written input gradient multiplies by at each activation.
///
/// # Panics
/// When the slices differ in length.
pub fn silu_slope_forward<T: Element>(x: &[T], out: &mut [T]) {
    elementwise::<T, SLOPE>(x, None, out)
}

/// `grad_input[i] = grad_output[i]·silu″(x)`, `silu″(x) = σ(x)·(1 − σ(x))·(2 + x·(1 − 2σ(x)))`:
/// the chain rule through [`silu_slope_forward`].
///
/// # Panics
/// When the slices differ in length.
pub fn silu_slope_backward<T: Element>(x: &[T], grad_output: &[T], grad_input: &mut [T]) {
    elementwise::<T, CURVATURE>(x, Some(grad_output), grad_input)
}

/// Which derivative of SiLU an elementwise pass computes.
const VALUE: u8 = 0;
const SLOPE: u8 = 1;
const CURVATURE: u8 = 2;

/// The `ORDER`th derivative of SiLU at `x`, given `s = σ(x)`.
#[inline(always)]
fn derivative<T: Element, const ORDER: u8>(x: T, s: T) -> T {
    let one = T::ONE;
    match ORDER {
        VALUE => x * s,
        SLOPE => s * (one + x * (one - s)),
        _ => s * (one - s) * (one + one + x * (one - (s + s))),
    }
}

/// `out[i] = scale[i]·silu⁽ᴼᴿᴰᴱᴿ⁾(x[i])`, with `scale` all ones when absent.
fn elementwise<T: Element, const ORDER: u8>(x: &[T], scale: Option<&[T]>, out: &mut [T]) {
    assert!(
        x.len() == out.len() && scale.is_none_or(|g| g.len() == x.len()),
        "silu: input, gradient and output lengths differ"
    );
    let scale_f32 = scale.map_or(Some(None), |g| T::as_f32(g).map(Some));
    if let (Some(x), Some(out), Some(scale)) = (T::as_f32(x), T::as_f32_mut(out), scale_f32) {
        // SAFETY: the AVX2 build runs only where `avx2()` found AVX2 and FMA.
        return match avx2() {
            true => unsafe { elementwise_f32_avx2::<ORDER>(x, scale, out) },
            false => elementwise_f32::<ORDER>(x, scale, out),
        };
    }
    for (i, (o, &v)) in out.iter_mut().zip(x).enumerate() {
        let s = (T::ONE + (-v).exp()).recip();
        let d = derivative::<T, ORDER>(v, s);
        *o = scale.map_or(d, |g| g[i] * d);
    }
}

/// Whether this CPU runs the AVX2 builds of the loops.
fn avx2() -> bool {
    crate::direct::available()
}

/// `e^x` for f32, vectorisable: `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`, `e^r` by Cephes'
/// degree-6 polynomial, `2^n` written into the exponent bits. Inputs are clamped to
/// `[−87, 88]`, where `2^n` stays a normal number; NaN stays NaN.
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    // Adding 1.5·2^23 rounds to an integer in the low mantissa bits, without a libm call.
    const ROUND: f32 = 12_582_912.0;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    // Cephes: 5.0000001201e-1, which is 0.5 in f32.
    p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    let n_bits = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    let scale = f32::from_bits(n_bits.wrapping_add(127) << 23);
    e_r * scale
}

#[inline(always)]
fn sigmoid_f32(x: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-x))
}

#[inline(always)]
fn elementwise_f32<const ORDER: u8>(x: &[f32], scale: Option<&[f32]>, out: &mut [f32]) {
    // Two loops, so that neither branches per element and both vectorise.
    match scale {
        None => {
            for (o, &v) in out.iter_mut().zip(x) {
                *o = derivative::<f32, ORDER>(v, sigmoid_f32(v));
            }
        }
        Some(g) => {
            for ((o, &v), &g) in out.iter_mut().zip(x).zip(g) {
                *o = g * derivative::<f32, ORDER>(v, sigmoid_f32(v));
            }
        }
    }
}

/// [`elementwise_f32`] compiled for AVX2 and FMA, eight lanes at a time.
///
/// # Safety
/// The CPU must support AVX2 and FMA ([`crate::direct::available`]).
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx2,fma"))]
unsafe fn elementwise_f32_avx2<const ORDER: u8>(x: &[f32], scale: Option<&[f32]>, out: &mut [f32]) {
    elementwise_f32::<ORDER>(x, scale, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_exponential_is_within_two_ulp_of_the_standard_one() {
        let mut worst = 0.0f64;
        for k in -870_000..=880_000 {
            let x = k as f32 * 1e-4;
            let (fast, exact) = (exp_f32(x) as f64, (x as f64).exp());
            worst = worst.max(((fast - exact) / exact).abs());
        }
        assert!(
            worst < 2.5 * f32::EPSILON as f64,
            "worst relative error {worst}"
        );
        assert!(exp_f32(f32::NAN).is_nan());
        assert_eq!(exp_f32(-1000.0), exp_f32(-87.0));
    }

    #[test]
    fn silu_and_its_gradient_match_the_definition_in_both_precisions() {
        let x32: Vec<f32> = (-2000..=2000).map(|k| k as f32 * 0.01).collect();
        let g32: Vec<f32> = x32.iter().map(|v| 1.0 + 0.1 * v).collect();
        let (mut y, mut gi) = (vec![0.0; x32.len()], vec![0.0; x32.len()]);
        silu_forward(&x32, &mut y);
        silu_backward(&x32, &g32, &mut gi);
        for ((&v, &g), (&yv, &gv)) in x32.iter().zip(&g32).zip(y.iter().zip(&gi)) {
            let v = v as f64;
            let s = 1.0 / (1.0 + (-v).exp());
            let (ey, eg) = (v * s, g as f64 * s * (1.0 + v * (1.0 - s)));
            assert!(
                (yv as f64 - ey).abs() <= 1e-6 * (1.0 + ey.abs()),
                "silu({v}) {yv} vs {ey}"
            );
            assert!(
                (gv as f64 - eg).abs() <= 1e-6 * (1.0 + eg.abs()),
                "silu'({v}) {gv} vs {eg}"
            );
        }
        let (mut slope, mut curvature) = (vec![0.0; x32.len()], vec![0.0; x32.len()]);
        silu_slope_forward(&x32, &mut slope);
        silu_slope_backward(&x32, &g32, &mut curvature);
        for (i, &v) in x32.iter().enumerate() {
            // Central differences of silu and silu′ in f64.
            let (v, h) = (v as f64, 1e-4);
            let silu = |v: f64| v / (1.0 + (-v).exp());
            let slope_fd = (silu(v + h) - silu(v - h)) / (2.0 * h);
            let curvature_fd = (silu(v + h) - 2.0 * silu(v) + silu(v - h)) / (h * h);
            assert!(
                (slope[i] as f64 - slope_fd).abs() <= 1e-5,
                "silu′({v}) {} vs {slope_fd}",
                slope[i]
            );
            let want = g32[i] as f64 * curvature_fd;
            assert!(
                (curvature[i] as f64 - want).abs() <= 1e-4 * (1.0 + want.abs()),
                "g·silu″({v}) {} vs {want}",
                curvature[i]
            );
        }
        let x64: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
        let mut y64 = vec![0.0; x64.len()];
        silu_forward(&x64, &mut y64);
        assert!((y64[2500] - 5.0 / (1.0 + (-5.0f64).exp())).abs() < 1e-15);
    }
}
