//! The path profile on paths whose answers are known: translations keep mass, peak and
//! sharpness; scaling changes nothing; a cross-dissolve of apart shapes fades the peak; a blur
//! never sharpens.

use dotae_metrics::{MetricsError, path_profile, sharpness};
use ndarray::{Array2, Array3, Array4, Axis, s};
use proptest::prelude::*;

const PATCH: usize = 5;
const CANVAS: usize = 16;

/// `patch` placed at `(row, col)` of an empty one-channel canvas.
fn placed(patch: &Array2<f64>, row: usize, col: usize) -> Array3<f64> {
    let mut frame = Array3::zeros((1, CANVAS, CANVAS));
    frame
        .slice_mut(s![0, row..row + PATCH, col..col + PATCH])
        .assign(patch);
    frame
}

fn path_of(frames: &[Array3<f64>]) -> Array4<f64> {
    let views: Vec<_> = frames.iter().map(|f| f.view()).collect();
    ndarray::stack(Axis(0), &views).unwrap()
}

/// The mean of the 3×3 neighbourhood of every pixel (zero outside): a probability kernel.
fn box_blur(frame: &Array3<f64>) -> Array3<f64> {
    let (c, rows, cols) = frame.dim();
    Array3::from_shape_fn((c, rows, cols), |(k, i, j)| {
        let mut sum = 0.0;
        for di in -1i64..=1 {
            for dj in -1i64..=1 {
                let (r, q) = (i as i64 + di, j as i64 + dj);
                if (0..rows as i64).contains(&r) && (0..cols as i64).contains(&q) {
                    sum += frame[[k, r as usize, q as usize]];
                }
            }
        }
        sum / 9.0
    })
}

fn patch() -> impl Strategy<Value = Array2<f64>> {
    prop::collection::vec(0.05f64..1.0, PATCH * PATCH)
        .prop_map(|v| Array2::from_shape_vec((PATCH, PATCH), v).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A patch moved step by step across the canvas (never touching its border) keeps its mass,
    /// its peak and its sharpness exactly; scaling the path changes no ratio.
    #[test]
    fn a_translation_keeps_mass_peak_and_sharpness(
        patch in patch(),
        moves in prop::collection::vec((0usize..3, 0usize..3), 1..4),
        scale in 0.01f64..100.0,
    ) {
        let mut at = (1, 1);
        let mut frames = vec![placed(&patch, at.0, at.1)];
        for (down, right) in moves {
            at = (at.0 + down, at.1 + right);
            frames.push(placed(&patch, at.0, at.1));
        }
        frames.push(placed(&patch, at.0 + 1, at.1));
        let path = path_of(&frames);
        let profile = path_profile(path.view()).unwrap();
        prop_assert!(profile.mass_deviation <= 1e-12, "{:?}", profile);
        prop_assert!((profile.peak_ratio - 1.0).abs() <= 1e-12, "{:?}", profile);
        let sharp = profile.sharpness_ratio.unwrap();
        prop_assert!((sharp - 1.0).abs() <= 1e-12, "{:?}", profile);
        let scaled = path_profile((&path * scale).view()).unwrap();
        prop_assert!((scaled.peak_ratio - profile.peak_ratio).abs() <= 1e-12);
        prop_assert!((scaled.sharpness_ratio.unwrap() - sharp).abs() <= 1e-9);
        prop_assert!(scaled.mass_deviation <= 1e-12);
    }

    /// A cross-dissolve between two copies of a patch that do not touch keeps mass and
    /// sharpness, and fades the peak: the frames next to the ends hold (T − 1)/T of it.
    #[test]
    fn a_cross_dissolve_of_apart_shapes_fades_the_peak(patch in patch(), steps in 2usize..6) {
        let (a, b) = (placed(&patch, 1, 1), placed(&patch, 9, 9));
        let frames: Vec<_> = (0..=steps)
            .map(|t| {
                let s = t as f64 / steps as f64;
                &a * (1.0 - s) + &b * s
            })
            .collect();
        let profile = path_profile(path_of(&frames).view()).unwrap();
        prop_assert!(profile.mass_deviation <= 1e-12, "{:?}", profile);
        let strongest_mix = (steps - 1) as f64 / steps as f64;
        prop_assert!((profile.peak_ratio - strongest_mix).abs() <= 1e-12, "{:?}", profile);
        prop_assert!((profile.sharpness_ratio.unwrap() - 1.0).abs() <= 1e-12, "{:?}", profile);
    }

    /// Blurring with a probability kernel never raises the total variation of a shape inside
    /// the canvas, and keeps its mass: the blurred interior is no sharper than its endpoints.
    #[test]
    fn a_blur_never_sharpens(patch in patch()) {
        let sharp_end = placed(&patch, 5, 5);
        let blurred = box_blur(&sharp_end);
        let path = path_of(&[sharp_end.clone(), blurred, sharp_end.clone()]);
        let profile = path_profile(path.view()).unwrap();
        prop_assert!(profile.mass_deviation <= 1e-12, "{:?}", profile);
        prop_assert!(profile.sharpness_ratio.unwrap() <= 1.0 + 1e-12, "{:?}", profile);
        prop_assert!(profile.peak_ratio <= 1.0 + 1e-12, "{:?}", profile);
    }
}

#[test]
fn a_disk_scores_its_axis_perimeter_over_its_area() {
    let radius = 20.0;
    let disk = Array3::from_shape_fn((1, 64, 64), |(_, i, j)| {
        let d2 = (i as f64 - 31.5).powi(2) + (j as f64 - 31.5).powi(2);
        if d2 <= radius * radius { 0.7 } else { 0.0 }
    });
    let score = sharpness(disk.view()).unwrap();
    let expected = 8.0 / (std::f64::consts::PI * radius);
    assert!(
        (score - expected).abs() < 0.05 * expected,
        "{score} vs {expected}"
    );
    assert_eq!(sharpness(Array3::zeros((1, 4, 4)).view()).unwrap(), 0.0);
}

#[test]
fn profiles_refuse_what_they_cannot_compare() {
    let frame = Array3::from_elem((1, 4, 4), 0.5);
    let two = path_of(&[frame.clone(), frame.clone()]);
    assert!(matches!(
        path_profile(two.view()),
        Err(MetricsError::TooFewFrames {
            frames: 2,
            min: 3,
            ..
        })
    ));
    let dark = Array3::zeros((1, 4, 4));
    let from_dark = path_of(&[dark, frame.clone(), frame.clone()]);
    let err = path_profile(from_dark.view()).unwrap_err();
    assert!(err.to_string().contains("endpoint's mass"), "{err}");
    let mut negative = path_of(&[frame.clone(), frame.clone(), frame.clone()]);
    negative[[1, 0, 2, 2]] = -0.1;
    let err = path_profile(negative.view()).unwrap_err();
    assert!(err.to_string().contains("no negative values"), "{err}");
    negative[[1, 0, 2, 2]] = f64::NAN;
    assert!(matches!(
        path_profile(negative.view()),
        Err(MetricsError::NonFinite { .. })
    ));
    // Flat endpoints have no variation to compare the interior's with.
    let flat = path_of(&[frame.clone(), frame.clone(), frame]);
    assert_eq!(path_profile(flat.view()).unwrap().sharpness_ratio, None);
}
