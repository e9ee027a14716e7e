//! Properties every SSIM and MSE result must have, whatever the pixel values.

use dotae_metrics::{MetricsError, adjacent_ssim, frame_mse, mse, ssim};
use ndarray::{Array3, Array4};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// One image of 1–3 channels and 11–16 rows and columns (the smallest sizes the default window
/// accepts, to keep cases fast), pixel values in `[-0.5, 1.5]`.
fn image_shape() -> impl Strategy<Value = (usize, usize, usize)> {
    (1usize..=3, 11usize..=16, 11usize..=16)
}

fn image_of(shape: (usize, usize, usize)) -> impl Strategy<Value = Array3<f64>> {
    let len = shape.0 * shape.1 * shape.2;
    prop::collection::vec(-0.5f64..1.5, len)
        .prop_map(move |v| Array3::from_shape_vec(shape, v).expect("length matches shape"))
}

fn image() -> impl Strategy<Value = Array3<f64>> {
    image_shape().prop_flat_map(image_of)
}

fn image_pair() -> impl Strategy<Value = (Array3<f64>, Array3<f64>)> {
    image_shape().prop_flat_map(|s| (image_of(s), image_of(s)))
}

fn path() -> impl Strategy<Value = Array4<f64>> {
    (1usize..=4, 1usize..=2, 11usize..=13, 11usize..=13).prop_flat_map(|shape| {
        let len = shape.0 * shape.1 * shape.2 * shape.3;
        prop::collection::vec(0.0f64..1.0, len)
            .prop_map(move |v| Array4::from_shape_vec(shape, v).expect("length matches shape"))
    })
}

proptest! {
    // Integration tests have no lib.rs next to them, so name the regression file directly.
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn ssim_of_an_image_with_itself_is_one(a in image()) {
        let s = ssim(a.view(), a.view()).unwrap();
        prop_assert!((s - 1.0).abs() <= 1e-12, "ssim(a, a) = {}", s);
    }

    #[test]
    fn ssim_is_symmetric((a, b) in image_pair()) {
        let ab = ssim(a.view(), b.view()).unwrap();
        let ba = ssim(b.view(), a.view()).unwrap();
        prop_assert_eq!(ab, ba);
    }

    #[test]
    fn ssim_is_at_most_one((a, b) in image_pair()) {
        let s = ssim(a.view(), b.view()).unwrap();
        prop_assert!((-1.0 - 1e-12..=1.0 + 1e-12).contains(&s), "ssim = {}", s);
    }

    #[test]
    fn mismatched_shapes_give_the_same_error_whatever_the_values(
        a in image(),
        b in image(),
        poison in any::<bool>(),
    ) {
        prop_assume!(a.shape() != b.shape());
        let expected = MetricsError::ShapeMismatch {
            left_name: "a",
            left: a.shape().to_vec(),
            right_name: "b",
            right: b.shape().to_vec(),
        };
        prop_assert_eq!(ssim(a.view(), b.view()), Err(expected.clone()));
        prop_assert_eq!(mse(a.view(), b.view()), Err(expected.clone()));
        // Other content, even non-finite values, must not change which rule is reported.
        let fill = if poison { f64::NAN } else { 0.0 };
        let (a2, b2) = (a.mapv(|_| fill), b.mapv(|_| fill));
        prop_assert_eq!(ssim(a2.view(), b2.view()), Err(expected.clone()));
        prop_assert_eq!(mse(a2.view(), b2.view()), Err(expected));
        // Swapping the inputs swaps the shapes in the error.
        let swapped = MetricsError::ShapeMismatch {
            left_name: "a",
            left: b.shape().to_vec(),
            right_name: "b",
            right: a.shape().to_vec(),
        };
        prop_assert_eq!(ssim(b.view(), a.view()), Err(swapped));
    }

    #[test]
    fn adjacent_ssim_has_one_value_per_frame_pair(p in path()) {
        let frames = p.shape()[0];
        match adjacent_ssim(p.view()) {
            Ok(values) => {
                prop_assert!(frames >= 2);
                prop_assert_eq!(values.len(), frames - 1);
                for (t, v) in values.iter().enumerate() {
                    let pair = ssim(p.index_axis(ndarray::Axis(0), t), p.index_axis(ndarray::Axis(0), t + 1)).unwrap();
                    prop_assert_eq!(*v, pair);
                }
            }
            Err(e) => {
                prop_assert!(frames < 2);
                prop_assert_eq!(e, MetricsError::TooFewFrames { input: "path", frames, min: 2 });
            }
        }
    }

    #[test]
    fn frame_mse_of_a_path_against_itself_is_zero(p in path()) {
        let errors = frame_mse(p.view(), p.view()).unwrap();
        prop_assert_eq!(errors.len(), p.shape()[0]);
        prop_assert!(errors.iter().all(|&e| e == 0.0));
    }
}
