//! The ACAI lines benchmark on synthetic line images: true lines score 0, pixel cross-dissolves
//! and jumps score clearly worse, angles wrap around, and degenerate paths are skipped.

use std::f64::consts::TAU;

use dotae_metrics::{LinesBank, MetricsError, angle_smoothness, lines_score};
use ndarray::{Array2, Array4, Array5, Axis, stack};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const SIDE: usize = 32;
/// One bank line per tenth of a degree.
const BANK: usize = 3600;

/// An anti-aliased line of length `SIDE / 2` from the image centre at `angle` (radians,
/// counter-clockwise from the +column axis, rows growing downwards): each pixel holds
/// `clamp(1 − distance to the segment, 0, 1)`.
fn line(angle: f64) -> Array2<f64> {
    let centre = (SIDE as f64 - 1.0) / 2.0;
    let length = SIDE as f64 / 2.0;
    let (dr, dc) = (-angle.sin(), angle.cos());
    Array2::from_shape_fn((SIDE, SIDE), |(r, c)| {
        let (pr, pc) = (r as f64 - centre, c as f64 - centre);
        let along = (pr * dr + pc * dc).clamp(0.0, length);
        let distance = ((pr - along * dr).powi(2) + (pc - along * dc).powi(2)).sqrt();
        (1.0 - distance).clamp(0.0, 1.0)
    })
}

fn degrees(d: f64) -> f64 {
    d.to_radians()
}

/// The bank: lines at 0°, 0.1°, …, 359.9°, shape `(3600, 1, 32, 32)`, with their angles.
fn bank() -> (Array4<f64>, Vec<f64>) {
    let angles: Vec<f64> = (0..BANK).map(|i| TAU * i as f64 / BANK as f64).collect();
    let images: Vec<Array2<f64>> = angles.iter().map(|&a| line(a)).collect();
    let views: Vec<_> = images
        .iter()
        .map(|i| i.view().insert_axis(Axis(0)))
        .collect();
    (stack(Axis(0), &views).unwrap(), angles)
}

/// One path `(frames, 1, 32, 32)` from images.
fn path(frames: &[Array2<f64>]) -> Array4<f64> {
    let views: Vec<_> = frames
        .iter()
        .map(|i| i.view().insert_axis(Axis(0)))
        .collect();
    stack(Axis(0), &views).unwrap()
}

/// A batch `(P, frames, 1, 32, 32)` of paths of equal length.
fn batch(paths: &[Array4<f64>]) -> Array5<f64> {
    let views: Vec<_> = paths.iter().map(|p| p.view()).collect();
    stack(Axis(0), &views).unwrap()
}

fn lines_at(degrees_list: &[f64]) -> Vec<Array2<f64>> {
    degrees_list.iter().map(|&d| line(degrees(d))).collect()
}

fn cross_dissolve(a: &Array2<f64>, b: &Array2<f64>, frames: usize) -> Vec<Array2<f64>> {
    (0..frames)
        .map(|t| {
            let s = t as f64 / (frames - 1) as f64;
            a * (1.0 - s) + b * s
        })
        .collect()
}

#[test]
fn true_lines_at_even_angles_score_zero() {
    let (images, angles) = bank();
    let lines = LinesBank::new(images.view(), &angles).unwrap();
    let even = path(&lines_at(&[30.0, 45.0, 60.0, 75.0, 90.0, 105.0, 120.0]));
    let score = lines.score(batch(&[even]).view()).unwrap();
    assert!(score.mean_distance.abs() < 1e-12, "{}", score.mean_distance);
    let s = score.smoothness.unwrap();
    assert!(s.abs() < 1e-9, "smoothness {s}");
    assert_eq!(score.skipped, 0);
    assert!((score.angles[[0, 3]] - degrees(75.0)).abs() < 1e-12);
}

#[test]
fn lines_between_bank_angles_are_close_and_smooth() {
    let (images, angles) = bank();
    // Halfway between bank angles: the nearest line is 0.05° away.
    let off: Vec<f64> = (0..9).map(|t| 10.05 + 10.0 * t as f64).collect();
    let score = lines_score(
        batch(&[path(&lines_at(&off))]).view(),
        images.view(),
        &angles,
    )
    .unwrap();
    println!("mean distance {:.2e}", score.mean_distance);
    assert!(score.mean_distance < 2e-3, "{}", score.mean_distance);
    // Each angle maps to 0.05° below or above, so the steps are 10° ± 0.1°.
    let s = score.smoothness.unwrap();
    assert!(s < 0.002, "smoothness {s}");
}

#[test]
fn cross_dissolve_scores_worse_than_true_lines() {
    let (images, angles) = bank();
    let lines = LinesBank::new(images.view(), &angles).unwrap();
    let (a, b) = (line(degrees(20.0)), line(degrees(160.0)));
    let frames = 9;
    let dissolve = path(&cross_dissolve(&a, &b, frames));
    let truth: Vec<f64> = (0..frames).map(|t| 20.0 + 140.0 * t as f64 / 8.0).collect();
    let true_path = path(&lines_at(&truth));
    let score = lines.score(batch(&[dissolve, true_path]).view()).unwrap();
    let dissolve_distance = score.distances.row(0).mean().unwrap();
    let true_distance = score.distances.row(1).mean().unwrap();
    println!("cross-dissolve distance {dissolve_distance:.4}, true lines {true_distance:.2e}");
    assert!(dissolve_distance > 0.05, "{dissolve_distance}");
    assert!(true_distance < 2e-3, "{true_distance}");
    let (fading, moving) = (
        score.smoothness_per_path[0].unwrap(),
        score.smoothness_per_path[1].unwrap(),
    );
    println!("smoothness: cross-dissolve {fading:.3}, true lines {moving:.3}");
    assert!(fading > 0.4, "{fading}");
    assert!(moving < 0.05, "{moving}");
}

#[test]
fn an_abrupt_jump_scores_one_minus_one_over_steps() {
    let (images, angles) = bank();
    let jump = path(&lines_at(&[40.0, 40.0, 40.0, 130.0, 130.0]));
    let score = lines_score(batch(&[jump]).view(), images.view(), &angles).unwrap();
    let s = score.smoothness.unwrap();
    assert!((s - (1.0 - 1.0 / 4.0)).abs() < 1e-12, "{s}");
    assert!(score.mean_distance.abs() < 1e-12);
}

#[test]
fn angles_wrap_around_zero() {
    let (images, angles) = bank();
    let across = path(&lines_at(&[350.0, 355.0, 0.0, 5.0, 10.0]));
    let backwards = path(&lines_at(&[10.0, 5.0, 0.0, 355.0, 350.0]));
    let score = lines_score(batch(&[across, backwards]).view(), images.view(), &angles).unwrap();
    for s in &score.smoothness_per_path {
        let s = s.unwrap();
        assert!(s.abs() < 1e-9, "smoothness {s} across 0°");
    }
    assert!((score.angles[[0, 0]] - degrees(350.0)).abs() < 1e-12);
    assert!(score.angles[[0, 2]].abs() < 1e-12);
}

#[test]
fn paths_returning_to_their_start_angle_are_skipped_and_counted() {
    let (images, angles) = bank();
    let back = path(&lines_at(&[70.0, 100.0, 130.0, 100.0, 70.0]));
    let still = path(&lines_at(&[70.0; 5]));
    let even = path(&lines_at(&[0.0, 10.0, 20.0, 30.0, 40.0]));
    let score = lines_score(batch(&[back, even, still]).view(), images.view(), &angles).unwrap();
    assert_eq!(score.skipped, 2);
    assert_eq!(score.smoothness_per_path[0], None);
    assert_eq!(score.smoothness_per_path[2], None);
    assert!(score.smoothness.unwrap().abs() < 1e-9);
    assert_eq!(score.smoothness_per_path.len(), 3);

    let only_still = path(&lines_at(&[70.0; 3]));
    let score = lines_score(batch(&[only_still]).view(), images.view(), &angles).unwrap();
    assert_eq!((score.smoothness, score.skipped), (None, 1));
}

#[test]
fn bad_inputs_are_named() {
    let (images, angles) = bank();
    assert!(matches!(
        LinesBank::new(images.view(), &angles[1..]),
        Err(MetricsError::LengthMismatch {
            input: "angles",
            len: 3599,
            expected: 3600,
            ..
        })
    ));
    let lines = LinesBank::new(images.view(), &angles).unwrap();
    let small = Array5::<f64>::zeros((1, 3, 1, 16, 16));
    assert!(matches!(
        lines.score(small.view()),
        Err(MetricsError::AxesMismatch {
            left_name: "paths",
            right_name: "bank",
            ..
        })
    ));
    let single = Array5::<f64>::zeros((2, 1, 1, SIDE, SIDE));
    assert!(matches!(
        lines.score(single.view()),
        Err(MetricsError::TooFewFrames {
            input: "paths",
            frames: 1,
            min: 2
        })
    ));
    let none = Array5::<f64>::zeros((0, 3, 1, SIDE, SIDE));
    assert!(matches!(
        lines.score(none.view()),
        Err(MetricsError::Empty { input: "paths", .. })
    ));
    let mut nan = Array5::<f64>::zeros((1, 2, 1, SIDE, SIDE));
    nan[[0, 1, 0, 3, 4]] = f64::NAN;
    assert!(matches!(
        lines.score(nan.view()),
        Err(MetricsError::NonFinite { input: "paths", ref index, .. }) if index == &vec![0, 1, 0, 3, 4]
    ));
    let mut bad_angles = angles.clone();
    bad_angles[7] = f64::INFINITY;
    assert!(matches!(
        LinesBank::new(images.view(), &bad_angles),
        Err(MetricsError::NonFinite {
            input: "angles",
            ..
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/lines.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// Smoothness is at least 0 (the largest step is at least the average one), and it does not
    /// change when the whole path is rotated, mirrored or run backwards.
    #[test]
    fn smoothness_is_non_negative_and_symmetric(
        angles in prop::collection::vec(-10.0f64..10.0, 2..12),
        rotation in -10.0f64..10.0,
    ) {
        let s = angle_smoothness(&angles).unwrap();
        let rotated: Vec<f64> = angles.iter().map(|a| a + rotation).collect();
        let mirrored: Vec<f64> = angles.iter().map(|a| -a).collect();
        let reversed: Vec<f64> = angles.iter().rev().copied().collect();
        if let Some(s) = s {
            prop_assert!(s >= -1e-12, "smoothness {}", s);
            for other in [&rotated, &mirrored, &reversed] {
                // Rotation by a non-representable amount may flip a step of exactly ±π, or push
                // a tiny total below the cut-off; compare only well-conditioned cases.
                if let Ok(Some(o)) = angle_smoothness(other) {
                    let total: f64 = angles.windows(2).map(|w| w[1] - w[0]).sum();
                    if total.abs() > 1e-3 {
                        prop_assert!((o - s).abs() <= 1e-6 * (1.0 + s.abs()), "{} vs {}", o, s);
                    }
                }
            }
        }
    }

    /// The cosine distance ignores brightness: scaling every frame by a positive factor leaves
    /// the scores unchanged.
    #[test]
    fn scores_ignore_brightness(
        degrees_list in prop::collection::vec(0.0f64..360.0, 2..5),
        factor in 0.1f64..10.0,
    ) {
        let small_bank: Vec<f64> = (0..36).map(|i| TAU * i as f64 / 36.0).collect();
        let images: Vec<Array2<f64>> = small_bank.iter().map(|&a| line(a)).collect();
        let views: Vec<_> = images.iter().map(|i| i.view().insert_axis(Axis(0))).collect();
        let images = stack(Axis(0), &views).unwrap();
        let lines = LinesBank::new(images.view(), &small_bank).unwrap();
        let paths = batch(&[path(&lines_at(&degrees_list))]);
        let plain = lines.score(paths.view()).unwrap();
        let bright = lines.score((&paths * factor).view()).unwrap();
        prop_assert_eq!(&plain.angles, &bright.angles);
        prop_assert!((plain.mean_distance - bright.mean_distance).abs() < 1e-9);
    }
}
