//! Pooling and upsampling on slices: values against the definitions, and each backward pass
//! as the exact adjoint of its forward pass (`⟨f(x), g⟩ = ⟨x, f*(g)⟩`), in f64.

use dotae_kernels::resample::{
    avg_pool_2x2, avg_pool_2x2_backward, upsample_nearest_2x, upsample_nearest_2x_backward,
};
use proptest::prelude::*;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// Planes, half-sides (so pooled sides are even), and data for the large and small planes.
fn problems() -> impl Strategy<Value = (usize, [usize; 2], Vec<f64>, Vec<f64>)> {
    (1usize..=6, 1usize..=7, 1usize..=7).prop_flat_map(|(planes, half_rows, half_cols)| {
        let small = planes * half_rows * half_cols;
        (
            Just(planes),
            Just([half_rows, half_cols]),
            prop::collection::vec(-1.0f64..1.0, 4 * small),
            prop::collection::vec(-1.0f64..1.0, small),
        )
    })
}

proptest! {
    #[test]
    fn pooling_averages_blocks_and_its_gradient_is_the_adjoint(
        (planes, [hr, hc], large, small) in problems()
    ) {
        let (rows, cols) = (2 * hr, 2 * hc);
        let mut pooled = vec![f64::NAN; small.len()];
        avg_pool_2x2(planes, [rows, cols], &large, &mut pooled);
        for p in 0..planes {
            for i in 0..hr {
                for j in 0..hc {
                    let at = |r: usize, c: usize| large[(p * rows + r) * cols + c];
                    let mean = (at(2 * i, 2 * j) + at(2 * i, 2 * j + 1) + at(2 * i + 1, 2 * j)
                        + at(2 * i + 1, 2 * j + 1)) / 4.0;
                    prop_assert!((pooled[(p * hr + i) * hc + j] - mean).abs() < 1e-15);
                }
            }
        }
        let mut back = vec![f64::NAN; large.len()];
        avg_pool_2x2_backward(planes, [rows, cols], &small, &mut back);
        let (lhs, rhs) = (dot(&pooled, &small), dot(&large, &back));
        prop_assert!((lhs - rhs).abs() < 1e-12 * (1.0 + lhs.abs()), "{lhs} vs {rhs}");
    }

    #[test]
    fn upsampling_repeats_pixels_and_its_gradient_is_the_adjoint(
        (planes, [rows, cols], large, small) in problems()
    ) {
        let mut up = vec![f64::NAN; large.len()];
        upsample_nearest_2x(planes, [rows, cols], &small, &mut up);
        for p in 0..planes {
            for r in 0..2 * rows {
                for c in 0..2 * cols {
                    let expected = small[(p * rows + r / 2) * cols + c / 2];
                    prop_assert_eq!(up[(p * 2 * rows + r) * 2 * cols + c], expected);
                }
            }
        }
        let mut back = vec![f64::NAN; small.len()];
        upsample_nearest_2x_backward(planes, [rows, cols], &large, &mut back);
        let (lhs, rhs) = (dot(&up, &large), dot(&small, &back));
        prop_assert!((lhs - rhs).abs() < 1e-12 * (1.0 + lhs.abs()), "{lhs} vs {rhs}");
    }
}

#[test]
fn many_planes_split_across_tasks_give_the_same_result() {
    // 300 planes of 8×8 span several tasks.
    let (planes, rows, cols) = (300, 8, 8);
    let large: Vec<f64> = (0..planes * rows * cols)
        .map(|i| (i as f64 * 0.3).sin())
        .collect();
    let mut pooled = vec![0.0; large.len() / 4];
    avg_pool_2x2(planes, [rows, cols], &large, &mut pooled);
    let mut up = vec![0.0; large.len()];
    upsample_nearest_2x(planes, [rows / 2, cols / 2], &pooled, &mut up);
    // Pooling an upsampled image gives the image back.
    let mut again = vec![0.0; pooled.len()];
    avg_pool_2x2(planes, [rows, cols], &up, &mut again);
    assert_eq!(again, pooled);
}
