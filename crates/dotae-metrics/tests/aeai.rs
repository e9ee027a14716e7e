//! The AEAI interpolation metrics on a rendered data set: a Gaussian blob at polar position
//! (radius in pixels, azimuth in degrees, periodic) on 16 × 16 pixels.

use dotae_metrics::{AeaiDataset, MetricsError, Quartiles, aeai_score};
use ndarray::{Array2, Array3, Array4, Array5, ArrayView2, Axis, stack};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const SIDE: usize = 16;
const PERIODS: [Option<f64>; 2] = [None, Some(360.0)];

/// The blob at `(radius, azimuth°)` from the image centre, one channel.
fn render(radius: f64, azimuth: f64) -> Array3<f64> {
    let centre = (SIDE as f64 - 1.0) / 2.0;
    let (cr, cc) = (
        centre - radius * azimuth.to_radians().sin(),
        centre + radius * azimuth.to_radians().cos(),
    );
    Array3::from_shape_fn((1, SIDE, SIDE), |(_, r, c)| {
        let d2 = (r as f64 - cr).powi(2) + (c as f64 - cc).powi(2);
        (-d2 / (2.0 * 1.2 * 1.2)).exp()
    })
}

/// Radii 2–5 × azimuths 0°, 10°, …, 350°: 144 images with their parameters.
fn dataset() -> (Array4<f64>, Array2<f64>) {
    let mut images = Vec::new();
    let mut parameters = Vec::new();
    for radius in 2..=5 {
        for step in 0..36 {
            let (r, a) = (radius as f64, 10.0 * step as f64);
            images.push(render(r, a));
            parameters.extend([r, a]);
        }
    }
    let views: Vec<_> = images.iter().map(|i| i.view()).collect();
    (
        stack(Axis(0), &views).unwrap(),
        Array2::from_shape_vec((images.len(), 2), parameters).unwrap(),
    )
}

/// Parameters at `α` from `source` to `target`, the azimuth along the shorter arc.
fn interpolate(source: [f64; 2], target: [f64; 2], alpha: f64) -> [f64; 2] {
    let mut d = (target[1] - source[1]).rem_euclid(360.0);
    if d > 180.0 {
        d -= 360.0;
    }
    [
        source[0] + alpha * (target[0] - source[0]),
        source[1] + alpha * d,
    ]
}

/// Ground-truth paths `(P, frames, 1, 16, 16)` rendered at `α_k = k / (frames − 1)`.
fn truth(ends: &[([f64; 2], [f64; 2])], frames: usize) -> Array5<f64> {
    let paths: Vec<Array4<f64>> = ends
        .iter()
        .map(|&(s, t)| {
            let images: Vec<Array3<f64>> = (0..frames)
                .map(|k| {
                    let [r, a] = interpolate(s, t, k as f64 / (frames - 1) as f64);
                    render(r, a)
                })
                .collect();
            let views: Vec<_> = images.iter().map(|i| i.view()).collect();
            stack(Axis(0), &views).unwrap()
        })
        .collect();
    let views: Vec<_> = paths.iter().map(|p| p.view()).collect();
    stack(Axis(0), &views).unwrap()
}

fn endpoints(ends: &[([f64; 2], [f64; 2])]) -> (Array2<f64>, Array2<f64>) {
    let source = Array2::from_shape_fn((ends.len(), 2), |(p, j)| ends[p].0[j]);
    let target = Array2::from_shape_fn((ends.len(), 2), |(p, j)| ends[p].1[j]);
    (source, target)
}

/// Paths whose ground-truth frames (3 per path) are all data-set images; the first crosses 0°.
const ENDS: [([f64; 2], [f64; 2]); 3] = [
    ([4.0, 340.0], [4.0, 20.0]),
    ([2.0, 0.0], [4.0, 40.0]),
    ([5.0, 100.0], [3.0, 240.0]),
];

fn distance(a: ArrayView2<f64>, p: usize, b: ArrayView2<f64>) -> f64 {
    let dr = a[[p, 0]] - b[[p, 0]];
    let da = (a[[p, 1]] - b[[p, 1]]).rem_euclid(360.0);
    (dr * dr + da.min(360.0 - da).powi(2)).sqrt()
}

#[test]
fn perfect_interpolation_scores_zero_error_and_exact_alpha() {
    let (images, parameters) = dataset();
    let truth = truth(&ENDS, 3);
    let (source, target) = endpoints(&ENDS);
    let score = aeai_score(
        truth.view(),
        truth.view(),
        images.view(),
        parameters.view(),
        &PERIODS,
        source.view(),
        target.view(),
    )
    .unwrap();
    assert_eq!(score.alphas, vec![0.0, 0.5, 1.0]);
    for (k, &alpha) in score.alphas.iter().enumerate() {
        assert_eq!(score.mse[k].mean, 0.0);
        assert_eq!(score.mse[k].std, 0.0);
        let q = score.retrieved_alpha[k];
        assert!((q.median - alpha).abs() < 1e-12, "α = {alpha}: {q:?}");
        assert!(q.iqr().abs() < 1e-12);
        for p in 0..ENDS.len() {
            assert!((score.retrieved_alpha_per_path[[p, k]] - alpha).abs() < 1e-12);
        }
    }
    for p in 0..ENDS.len() {
        assert!(
            (score.endpoint_distance[p] - distance(source.view(), p, target.view())).abs() < 1e-12
        );
    }
    // The first path crosses 0°: its endpoints are 40° apart, not 320°.
    assert!((score.endpoint_distance[0] - 40.0).abs() < 1e-12);
    let mean_endpoint = score.endpoint_distance.iter().sum::<f64>() / 3.0;
    assert!(score.distance_to_source[0].abs() < 1e-12);
    assert!(score.distance_to_target[2].abs() < 1e-12);
    assert!((score.distance_to_source[2] - mean_endpoint).abs() < 1e-9);
    assert!((score.distance_to_target[0] - mean_endpoint).abs() < 1e-9);
    // Halfway, the retrieved image lies halfway in parameter space.
    assert!((score.distance_to_source[1] - mean_endpoint / 2.0).abs() < 1e-9);
    assert_eq!(score.retrieved_index[[1, 0]], 0); // (2, 0°) is the first data-set image
}

#[test]
fn a_path_that_never_leaves_the_source_retrieves_alpha_zero() {
    let (images, parameters) = dataset();
    let frames = 5;
    let truth = truth(&ENDS, frames);
    let mut stuck = truth.clone();
    for mut path in stuck.outer_iter_mut() {
        let first = path.index_axis(Axis(0), 0).to_owned();
        for mut frame in path.outer_iter_mut() {
            frame.assign(&first);
        }
    }
    let (source, target) = endpoints(&ENDS);
    let dataset = AeaiDataset::new(images.view(), parameters.view(), &PERIODS).unwrap();
    let score = dataset
        .score(stuck.view(), truth.view(), source.view(), target.view())
        .unwrap();
    for k in 0..frames {
        assert_eq!(score.retrieved_alpha[k].median, 0.0);
        assert_eq!(score.retrieved_alpha[k].iqr(), 0.0);
        assert!(score.distance_to_source[k].abs() < 1e-12);
    }
    assert_eq!(score.mse[0].mean, 0.0);
    // The error grows as the ground truth moves away.
    for k in 1..frames {
        assert!(score.mse[k].mean > score.mse[k - 1].mean, "{:?}", score.mse);
    }
}

#[test]
fn noisy_but_faithful_frames_keep_their_alpha() {
    let (images, parameters) = dataset();
    let truth = truth(&ENDS, 3);
    // Deterministic ±0.01 perturbation, far below the difference between data-set images.
    let noisy = Array5::from_shape_fn(truth.raw_dim(), |(p, k, _, r, c)| {
        let sign = if (p + k + r * 7 + c * 3) % 2 == 0 {
            1.0
        } else {
            -1.0
        };
        truth[[p, k, 0, r, c]] + 0.01 * sign
    });
    let (source, target) = endpoints(&ENDS);
    let score = aeai_score(
        noisy.view(),
        truth.view(),
        images.view(),
        parameters.view(),
        &PERIODS,
        source.view(),
        target.view(),
    )
    .unwrap();
    for k in 0..3 {
        assert!(
            (score.mse[k].mean - 1e-4).abs() < 1e-12,
            "{:?}",
            score.mse[k]
        );
        assert!((score.retrieved_alpha[k].median - score.alphas[k]).abs() < 1e-12);
    }
}

#[test]
fn finer_frames_read_alpha_from_the_grid() {
    // 16 frames: α_k = k/15 is not on the 1 001-point grid; α̂ is within half a grid step.
    let (images, parameters) = dataset();
    let ends = [([3.0, 0.0], [3.0, 150.0])];
    let truth = truth(&ends, 16);
    let (source, target) = endpoints(&ends);
    let score = aeai_score(
        truth.view(),
        truth.view(),
        images.view(),
        parameters.view(),
        &PERIODS,
        source.view(),
        target.view(),
    )
    .unwrap();
    // Frames at multiples of 10° are data-set images: k = 0, 1, …, 15 all are (150° / 15).
    for (k, alpha) in score.alphas.iter().enumerate() {
        let found = score.retrieved_alpha[k].median;
        assert!(
            (found - alpha).abs() <= 0.0005 + 1e-12,
            "α = {alpha}, α̂ = {found}"
        );
    }
    let coarse = AeaiDataset::new(images.view(), parameters.view(), &PERIODS)
        .unwrap()
        .with_alpha_grid(3)
        .unwrap()
        .score(truth.view(), truth.view(), source.view(), target.view())
        .unwrap();
    assert!(
        coarse
            .retrieved_alpha_per_path
            .iter()
            .all(|a| [0.0, 0.5, 1.0].contains(a))
    );
}

#[test]
fn quartiles_follow_numpy_linear_interpolation() {
    // numpy.percentile([4, 1, 3, 2], [25, 50, 75]) = [1.75, 2.5, 3.25]
    let q = Quartiles::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
    assert_eq!((q.lower, q.median, q.upper), (1.75, 2.5, 3.25));
    assert_eq!(q.iqr(), 1.5);
    let one = Quartiles::of(&[7.0]).unwrap();
    assert_eq!((one.lower, one.median, one.upper), (7.0, 7.0, 7.0));
    assert_eq!(Quartiles::of(&[]), None);
}

#[test]
fn mismatched_inputs_are_named() {
    let (images, parameters) = dataset();
    let truth = truth(&ENDS, 3);
    let (source, target) = endpoints(&ENDS);
    let dataset = AeaiDataset::new(images.view(), parameters.view(), &PERIODS).unwrap();

    let short = truth.slice(ndarray::s![.., ..2, .., .., ..]);
    let err = dataset
        .score(short, truth.view(), source.view(), target.view())
        .unwrap_err();
    assert!(matches!(
        err,
        MetricsError::ShapeMismatch {
            left_name: "decoded",
            right_name: "truth",
            ..
        }
    ));
    assert!(err.to_string().contains("[3, 2, 1, 16, 16]"), "{err}");

    let small = Array5::<f64>::zeros((3, 3, 1, 8, 8));
    assert!(matches!(
        dataset.score(small.view(), small.view(), source.view(), target.view()),
        Err(MetricsError::AxesMismatch {
            left_name: "decoded",
            right_name: "images",
            ..
        })
    ));
    let one_frame = truth.slice(ndarray::s![.., ..1, .., .., ..]);
    assert!(matches!(
        dataset.score(one_frame, one_frame, source.view(), target.view()),
        Err(MetricsError::TooFewFrames {
            input: "decoded",
            frames: 1,
            min: 2
        })
    ));
    let two_sources = source.slice(ndarray::s![..2, ..]);
    assert!(matches!(
        dataset.score(truth.view(), truth.view(), two_sources, target.view()),
        Err(MetricsError::LengthMismatch {
            input: "source",
            len: 2,
            expected: 3,
            ..
        })
    ));
    let one_column = target.slice(ndarray::s![.., ..1]);
    assert!(matches!(
        dataset.score(truth.view(), truth.view(), source.view(), one_column),
        Err(MetricsError::AxesMismatch {
            left_name: "target",
            right_name: "parameters",
            ..
        })
    ));
    assert!(matches!(
        AeaiDataset::new(
            images.view(),
            parameters.slice(ndarray::s![1.., ..]),
            &PERIODS
        ),
        Err(MetricsError::LengthMismatch {
            input: "parameters",
            len: 143,
            expected: 144,
            ..
        })
    ));
    assert!(matches!(
        AeaiDataset::new(images.view(), parameters.view(), &[None]),
        Err(MetricsError::LengthMismatch {
            input: "periods",
            len: 1,
            expected: 2,
            ..
        })
    ));
    assert!(matches!(
        AeaiDataset::new(images.view(), parameters.view(), &[None, Some(-1.0)]),
        Err(MetricsError::InvalidValue {
            name: "periods",
            ..
        })
    ));
    let mut nan = parameters.clone();
    nan[[5, 1]] = f64::NAN;
    assert!(matches!(
        AeaiDataset::new(images.view(), nan.view(), &PERIODS),
        Err(MetricsError::NonFinite {
            input: "parameters",
            ..
        })
    ));
    let mut bad_truth = truth.clone();
    bad_truth[[0, 0, 0, 0, 0]] = f64::INFINITY;
    assert!(matches!(
        dataset.score(truth.view(), bad_truth.view(), source.view(), target.view()),
        Err(MetricsError::NonFinite { input: "truth", .. })
    ));
    assert!(matches!(
        AeaiDataset::new(images.view(), parameters.view(), &PERIODS)
            .unwrap()
            .with_alpha_grid(1),
        Err(MetricsError::InvalidValue { .. })
    ));
    let none = Array5::<f64>::zeros((0, 3, 1, SIDE, SIDE));
    let no_ends = Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        dataset.score(none.view(), none.view(), no_ends.view(), no_ends.view()),
        Err(MetricsError::Empty {
            input: "decoded",
            ..
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/aeai.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// Whatever images a method decodes: α̂ lies in [0, 1], the retrieved image is no closer to
    /// both endpoints than the triangle inequality allows, and the quartiles are ordered.
    #[test]
    fn retrieval_invariants_hold_for_any_decoded_frames(
        picks in prop::collection::vec(0usize..144, 6),
        azimuths in prop::collection::vec(0.0f64..360.0, 4),
    ) {
        let (images, parameters) = dataset();
        let ends = [
            ([2.0, azimuths[0]], [5.0, azimuths[1]]),
            ([3.0, azimuths[2]], [4.0, azimuths[3]]),
        ];
        let truth = truth(&ends, 3);
        let decoded = Array5::from_shape_fn(truth.raw_dim(), |(p, k, c, r, col)| {
            images[[picks[p * 3 + k], c, r, col]]
        });
        let (source, target) = endpoints(&ends);
        let score = aeai_score(
            decoded.view(), truth.view(), images.view(), parameters.view(), &PERIODS,
            source.view(), target.view(),
        ).unwrap();
        for p in 0..2 {
            for k in 0..3 {
                prop_assert_eq!(score.retrieved_index[[p, k]], picks[p * 3 + k]);
                let a = score.retrieved_alpha_per_path[[p, k]];
                prop_assert!((0.0..=1.0).contains(&a));
            }
        }
        for k in 0..3 {
            let q = score.retrieved_alpha[k];
            prop_assert!(q.lower <= q.median && q.median <= q.upper);
            let mean_endpoint = score.endpoint_distance.iter().sum::<f64>() / 2.0;
            prop_assert!(
                score.distance_to_source[k] + score.distance_to_target[k] >= mean_endpoint - 1e-9
            );
        }
    }
}
