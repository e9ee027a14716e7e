//! SSIM against scikit-image on images built from closed-form formulas.
//!
//! The expected values were printed by `tests/reference/ssim_reference.py` (in this crate) with
//! scikit-image 0.26.0 and numpy 2.4.6, calling
//! `structural_similarity(a, b, gaussian_weights=True, sigma, use_sample_covariance=False,
//! data_range, channel_axis=0, K1, K2)`. Each image here is rebuilt with the same formula as in
//! the script; keep the two in step. The requirement is agreement to 1e-4; we assert 1e-6, and
//! the remaining difference comes only from rounding (libm `exp`/`sin` vs numpy's, summation
//! order).

use std::f64::consts::PI;

use dotae_metrics::{SsimConfig, adjacent_ssim, ssim, ssim_with};
use ndarray::{Array2, Array3, Array4, Axis, stack};

const TOLERANCE: f64 = 1e-6;

/// `exp(-((r - cy)² + (c - cx)²) / (2 s²))`
fn blob(rows: usize, cols: usize, cy: f64, cx: f64, s: f64) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        let (r, c) = (r as f64, c as f64);
        (-((r - cy).powi(2) + (c - cx).powi(2)) / (2.0 * s * s)).exp()
    })
}

/// `0.5 + amp sin(2π (fr r + fc c) + phase)`
fn wave(rows: usize, cols: usize, fr: f64, fc: f64, amp: f64, phase: f64) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        let (r, c) = (r as f64, c as f64);
        0.5 + amp * (2.0 * PI * (fr * r + fc * c) + phase).sin()
    })
}

/// `(r + 2c) / (rows + 2 cols)`
fn ramp(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        (r as f64 + 2.0 * c as f64) / (rows as f64 + 2.0 * cols as f64)
    })
}

/// `((r + c) mod 2) * 2 - 0.5`, values outside `[0, 1]` on purpose.
fn checker(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(r, c)| ((r + c) % 2) as f64 * 2.0 - 0.5)
}

/// Stacks planes along a new leading channel axis.
fn channels(planes: &[Array2<f64>]) -> Array3<f64> {
    let views: Vec<_> = planes.iter().map(|p| p.view()).collect();
    stack(Axis(0), &views).expect("planes of one shape")
}

fn assert_close(name: &str, got: f64, expected: f64) -> f64 {
    let diff = (got - expected).abs();
    assert!(
        diff <= TOLERANCE,
        "{name}: rust {got} vs scikit-image {expected} (|diff| = {diff:e})"
    );
    diff
}

#[test]
fn default_ssim_matches_scikit_image() {
    let cases: Vec<(&str, Array3<f64>, Array3<f64>, f64)> = vec![
        (
            "blob_shift",
            channels(&[blob(32, 32, 16.0, 16.0, 4.0)]),
            channels(&[blob(32, 32, 16.0, 19.0, 4.0)]),
            0.5726181093030067,
        ),
        (
            "wave_phase",
            channels(&[wave(24, 24, 0.07, 0.11, 0.5, 0.0)]),
            channels(&[wave(24, 24, 0.07, 0.11, 0.4, 0.5)]),
            0.8387517068602746,
        ),
        (
            "three_channel",
            channels(&[
                blob(20, 20, 9.0, 10.0, 3.0),
                wave(20, 20, 0.05, 0.13, 0.3, 0.2),
                ramp(20, 20),
            ]),
            channels(&[
                blob(20, 20, 11.0, 8.5, 3.5),
                wave(20, 20, 0.06, 0.12, 0.35, 0.0),
                blob(20, 20, 5.0, 5.0, 6.0),
            ]),
            0.38217083960830117,
        ),
        (
            "wide_16x24",
            channels(&[blob(16, 24, 7.5, 12.0, 3.0)]),
            channels(&[wave(16, 24, 0.1, 0.04, 0.45, 1.0) * ramp(16, 24)]),
            0.26717765762630963,
        ),
        (
            "tall_24x16",
            channels(&[ramp(24, 16)]),
            channels(&[blob(24, 16, 12.0, 7.0, 4.0) + 0.25 * ramp(24, 16)]),
            0.010452282100145035,
        ),
        (
            "minimal_11x11",
            channels(&[ramp(11, 11)]),
            channels(&[blob(11, 11, 5.0, 5.0, 2.0)]),
            0.011790944695438621,
        ),
        (
            "out_of_range",
            channels(&[checker(14, 13)]),
            channels(&[2.0 * wave(14, 13, 0.2, 0.3, 0.5, 0.0) - 0.3]),
            0.00025594673409192094,
        ),
    ];
    let mut worst: f64 = 0.0;
    for (name, a, b, expected) in &cases {
        let got = ssim(a.view(), b.view()).expect(name);
        worst = worst.max(assert_close(name, got, *expected));
    }
    println!("default ssim: max |rust - scikit-image| = {worst:e}");
}

#[test]
fn configured_ssim_matches_scikit_image() {
    /// Name, parameters, the two images, and scikit-image's value.
    type Case = (&'static str, SsimConfig, Array3<f64>, Array3<f64>, f64);
    let cases: Vec<Case> = vec![
        (
            // sigma 1.0: radius int(3.5 + 0.5) = 4, a 9-pixel window.
            "sigma1_range2",
            SsimConfig {
                sigma: 1.0,
                k1: 0.02,
                k2: 0.05,
                data_range: 2.0,
            },
            channels(&[blob(12, 14, 6.0, 6.0, 2.0)]),
            channels(&[wave(12, 14, 0.1, 0.15, 0.5, 0.3)]),
            -0.06843303115954079,
        ),
        (
            // sigma 2.0: radius int(7.0 + 0.5) = 7, a 15-pixel window.
            "sigma2",
            SsimConfig {
                sigma: 2.0,
                ..SsimConfig::default()
            },
            channels(&[blob(20, 18, 9.0, 9.0, 3.0), ramp(20, 18)]),
            channels(&[
                blob(20, 18, 10.0, 8.0, 3.0),
                wave(20, 18, 0.05, 0.05, 0.4, 0.0),
            ]),
            0.6220655554676445,
        ),
    ];
    let mut worst: f64 = 0.0;
    for (name, config, a, b, expected) in &cases {
        let got = ssim_with(a.view(), b.view(), config).expect(name);
        worst = worst.max(assert_close(name, got, *expected));
    }
    println!("configured ssim: max |rust - scikit-image| = {worst:e}");
}

#[test]
fn adjacent_ssim_matches_scikit_image() {
    // Frame t is blob(20, 20, 10, 6 + 2t, 3): a blob moving 2 pixels right per frame.
    let frames: Vec<Array3<f64>> = (0..4)
        .map(|t| channels(&[blob(20, 20, 10.0, 6.0 + 2.0 * t as f64, 3.0)]))
        .collect();
    let views: Vec<_> = frames.iter().map(|f| f.view()).collect();
    let path: Array4<f64> = stack(Axis(0), &views).expect("frames of one shape");
    let expected = [0.6608485687790753, 0.7234975881725565, 0.7009204450850932];
    let got = adjacent_ssim(path.view()).expect("valid path");
    assert_eq!(got.len(), expected.len());
    let mut worst: f64 = 0.0;
    for (t, (g, e)) in got.iter().zip(expected).enumerate() {
        worst = worst.max(assert_close(&format!("frames {t}-{}", t + 1), *g, e));
    }
    println!("adjacent ssim: max |rust - scikit-image| = {worst:e}");
}
