use std::f64::consts::{FRAC_PI_2, PI, TAU};

use dotae_data::DataError;
use dotae_data::lines::{
    LINE_FRAMES, line_bank, line_image, line_pairs, line_path, random_lines, shortest_arc,
};
use ndarray::{Array2, Axis, s};
use proptest::prelude::*;

fn max_abs_diff(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    (a - b).iter().fold(0.0, |m, d| m.max(d.abs()))
}

/// The angle (radians) of the line's mass-weighted centroid relative to the image centre.
fn centroid_angle(image: &Array2<f64>) -> f64 {
    let centre = (image.nrows() as f64 - 1.0) / 2.0;
    let (mut up, mut right) = (0.0, 0.0);
    for ((i, j), &v) in image.indexed_iter() {
        up += v * (centre - i as f64);
        right += v * (j as f64 - centre);
    }
    up.atan2(right)
}

#[test]
fn lines_point_the_documented_way() {
    let right = line_image(32, 0.0).unwrap();
    let left_half = right.slice(s![.., ..16]).sum();
    let right_half = right.slice(s![.., 16..]).sum();
    assert!(right_half > 10.0 * left_half, "{left_half} {right_half}");

    let up = line_image(32, FRAC_PI_2).unwrap();
    let top = up.slice(s![..16, ..]).sum();
    let bottom = up.slice(s![16.., ..]).sum();
    assert!(top > 10.0 * bottom, "{top} {bottom}");

    // The line is centred on its axis: the two middle rows of a horizontal line match.
    assert!((right.row(15).sum() - right.row(16).sum()).abs() < 1e-12);
    assert!(right.row(15).sum() > 7.0);
}

#[test]
fn line_pixels_average_a_tent_of_the_distance_to_the_segment() {
    // Angle 0 on 32x32: the segment runs from (15.5, 15.5) to (15.5, 31.5).
    let image = line_image(32, 0.0).unwrap();
    assert!((image[[15, 20]] - 0.5).abs() < 1e-12);
    assert!((image[[16, 31]] - 0.5).abs() < 1e-12);
    assert_eq!(image[[14, 20]], 0.0);
    assert_eq!(image[[15, 14]], 0.0, "nothing behind the centre");
    assert!(image.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn line_mass_hardly_depends_on_the_angle() {
    let masses: Vec<f64> = (0..360)
        .map(|k| line_image(32, k as f64 * TAU / 360.0).unwrap().sum())
        .collect();
    let max = masses.iter().cloned().fold(f64::MIN, f64::max);
    let min = masses.iter().cloned().fold(f64::MAX, f64::min);
    assert!(max / min < 1.05, "mass from {min} to {max}");
}

#[test]
fn bank_has_evenly_spaced_angles() {
    let bank = line_bank(32, 12).unwrap();
    assert_eq!(bank.images.dim(), (12, 1, 32, 32));
    assert_eq!(bank.angles.len(), 12);
    for (k, (&angle, image)) in bank.angles.iter().zip(bank.images.outer_iter()).enumerate() {
        assert!((angle - k as f64 * PI / 6.0).abs() < 1e-12);
        let expected = line_image(32, angle).unwrap();
        assert_eq!(image.index_axis(Axis(0), 0), expected);
    }
}

#[test]
fn ten_thousand_reference_lines_are_quick() {
    let start = std::time::Instant::now();
    let bank = line_bank(32, 10_000).unwrap();
    let took = start.elapsed();
    assert_eq!(bank.images.dim(), (10_000, 1, 32, 32));
    // Generous for debug builds; release takes a few milliseconds.
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}

#[test]
fn random_lines_are_seeded_and_in_one_turn() {
    let a = random_lines(16, 50, 7).unwrap();
    let b = random_lines(16, 50, 7).unwrap();
    let c = random_lines(16, 50, 8).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.angles, c.angles);
    assert_eq!(a.images.dim(), (50, 1, 16, 16));
    assert!(a.angles.iter().all(|x| (0.0..TAU).contains(x)));
    for (&angle, image) in a.angles.iter().zip(a.images.outer_iter()) {
        assert_eq!(image.index_axis(Axis(0), 0), line_image(16, angle).unwrap());
    }
}

#[test]
fn line_pairs_are_seeded_angle_pairs() {
    let pairs = line_pairs(100, 3);
    assert_eq!(pairs, line_pairs(100, 3));
    assert_ne!(pairs, line_pairs(100, 4));
    assert_eq!(pairs.len(), 100);
    assert!(
        pairs
            .iter()
            .all(|&(a, b)| (0.0..TAU).contains(&a) && (0.0..TAU).contains(&b) && a != b)
    );
    assert!(line_pairs(0, 3).is_empty());
}

#[test]
fn shortest_arc_wraps_into_a_half_turn() {
    let deg = |d: f64| d.to_radians();
    assert!((shortest_arc(deg(350.0), deg(10.0)) - deg(20.0)).abs() < 1e-12);
    assert!((shortest_arc(deg(10.0), deg(350.0)) + deg(20.0)).abs() < 1e-12);
    assert!((shortest_arc(0.0, PI) - PI).abs() < 1e-12);
    assert!(
        (shortest_arc(PI, 0.0) - PI).abs() < 1e-12,
        "half turns are +π"
    );
    assert!((shortest_arc(1.0, 1.0 + 3.0 * TAU)).abs() < 1e-12);
}

#[test]
fn line_path_goes_the_short_way() {
    let (from, to) = (350f64.to_radians(), 10f64.to_radians());
    let path = line_path(32, from, to, LINE_FRAMES).unwrap();
    assert_eq!(path.dim(), (LINE_FRAMES, 1, 32, 32));
    let frame = |k: usize| {
        path.index_axis(Axis(0), k)
            .index_axis(Axis(0), 0)
            .to_owned()
    };
    assert_eq!(frame(0), line_image(32, from).unwrap());
    assert_eq!(frame(LINE_FRAMES - 1), line_image(32, to).unwrap());
    // Every frame points right-ish, within 10 degrees of 0, never round the back.
    for k in 0..LINE_FRAMES {
        let angle = centroid_angle(&frame(k));
        assert!(angle.abs() < 11f64.to_radians(), "frame {k} at {angle}");
    }
    // The steps are even: the centroid turns monotonically.
    let angles: Vec<f64> = (0..LINE_FRAMES)
        .map(|k| centroid_angle(&frame(k)))
        .collect();
    assert!(angles.windows(2).all(|w| w[1] > w[0]), "{angles:?}");
}

#[test]
fn line_path_has_two_frames_at_least() {
    let path = line_path(8, 0.0, 1.0, 2).unwrap();
    assert_eq!(path.dim(), (2, 1, 8, 8));
    assert!(matches!(
        line_path(8, 0.0, 1.0, 1),
        Err(DataError::InvalidArgument { .. })
    ));
}

#[test]
fn bad_line_arguments_are_errors() {
    let err = line_image(3, 0.0).unwrap_err();
    assert!(err.to_string().contains("at least 4"), "{err}");
    assert!(line_image(4, 0.0).is_ok());
    let err = line_image(32, f64::NAN).unwrap_err();
    assert!(err.to_string().contains("finite"), "{err}");
    assert!(line_image(32, f64::INFINITY).is_err());
    assert!(line_bank(32, 0).is_err());
    assert!(line_bank(2, 10).is_err());
    assert!(random_lines(32, 0, 1).is_err());
    assert!(line_path(32, f64::NAN, 0.0, 4).is_err());
    assert!(line_path(32, 0.0, f64::NEG_INFINITY, 4).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nearby_angles_give_nearby_images(angle in 0.0..TAU, step in -1e-3..1e-3f64) {
        let a = line_image(32, angle).unwrap();
        let b = line_image(32, angle + step).unwrap();
        // Every sub-sample that can be lit lies within 18 pixels of the centre, so rotating by
        // `step` moves the segment at most 18·|step| under it, and the tent has slope 1.
        prop_assert!(max_abs_diff(&a, &b) <= 18.0 * step.abs() + 1e-12);
    }

    #[test]
    fn a_whole_turn_draws_the_same_line(angle in -10.0..10.0f64) {
        let a = line_image(16, angle).unwrap();
        let b = line_image(16, angle + TAU).unwrap();
        prop_assert!(max_abs_diff(&a, &b) < 1e-9);
    }

    #[test]
    fn lines_point_along_their_angle(angle in 0.0..TAU) {
        let image = line_image(32, angle).unwrap();
        let off = shortest_arc(angle, centroid_angle(&image)).abs();
        prop_assert!(off < 2f64.to_radians(), "centroid off by {off} rad");
    }
}
