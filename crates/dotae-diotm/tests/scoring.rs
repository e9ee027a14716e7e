//! The scores are exact: the assignment is the cheapest permutation (against brute force on
//! tiny sets), a map equal to the exact one scores zero, and bad points are typed errors.

use dotae_diotm::{DiotmError, ExactMap, exact_assignment};
use ndarray::{Array2, array};
use proptest::prelude::*;

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for k in 0..n {
            let mut q = p.clone();
            q.insert(k, n - 1);
            out.push(q);
        }
    }
    out
}

fn cost(x: &Array2<f64>, y: &Array2<f64>, sigma: &[usize]) -> f64 {
    sigma
        .iter()
        .enumerate()
        .map(|(i, &j)| (&x.row(i) - &y.row(j)).mapv(|d| d * d).sum())
        .sum()
}

fn points(n: usize) -> impl Strategy<Value = Array2<f64>> {
    prop::collection::vec(-5.0f64..5.0, 2 * n)
        .prop_map(move |v| Array2::from_shape_vec((n, 2), v).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_assignment_is_the_cheapest_permutation(
        (x, y) in (1usize..=6).prop_flat_map(|n| (points(n), points(n)))
    ) {
        let sigma = exact_assignment(x.view(), y.view()).unwrap();
        let mut seen = sigma.clone();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..x.nrows()).collect::<Vec<_>>());
        let best = permutations(x.nrows())
            .iter()
            .map(|p| cost(&x, &y, p))
            .fold(f64::INFINITY, f64::min);
        let found = cost(&x, &y, &sigma);
        prop_assert!(found <= best + 1e-9 * (1.0 + best), "found {found}, brute force {best}");
    }

    #[test]
    fn the_exact_map_scores_zero_and_a_shift_scores_its_length(
        (x, y) in (2usize..=6).prop_flat_map(|n| (points(n), points(n))),
        shift in (-3.0f64..3.0, -3.0f64..3.0),
    ) {
        let exact = ExactMap::new(x.view(), y.view()).unwrap();
        let images = Array2::from_shape_fn(x.dim(), |(i, k)| y[[exact.assignment()[i], k]]);
        let scores = exact.score(images.view()).unwrap();
        prop_assert!(scores.w2 < 1e-6 && scores.l2 < 1e-12, "{scores:?}");

        // Every image moved by one vector: the L2 distance to the exact map is its length,
        // and W₂ to the target is at most that (exactly that, as a translation is optimal).
        let (dx, dy) = shift;
        let moved = &images + &array![[dx, dy]];
        let scores = exact.score(moved.view()).unwrap();
        let length = (dx * dx + dy * dy).sqrt();
        prop_assert!((scores.l2 - length).abs() < 1e-9, "{scores:?} vs {length}");
        prop_assert!((scores.w2 - length).abs() < 1e-6, "{scores:?} vs {length}");
    }
}

#[test]
fn bad_points_are_typed_errors_that_name_them() {
    let x = array![[0.0, 0.0], [1.0, 1.0]];
    let uneven = array![[0.0, 0.0]];
    let error = ExactMap::new(x.view(), uneven.view()).unwrap_err();
    assert!(
        matches!(
            error,
            DiotmError::Shape {
                what: "target test points",
                ..
            }
        ),
        "{error}"
    );

    let nan = array![[0.0, f64::NAN], [1.0, 1.0]];
    let error = ExactMap::new(nan.view(), x.view()).unwrap_err();
    assert!(
        matches!(
            error,
            DiotmError::NonFinite {
                what: "source test points",
                row: 0,
                column: 1
            }
        ),
        "{error}"
    );

    let three_d = Array2::<f64>::zeros((2, 3));
    let error = ExactMap::new(three_d.view(), x.view()).unwrap_err();
    assert!(error.to_string().contains("(N, 2)"), "{error}");

    let exact = ExactMap::new(x.view(), x.view()).unwrap();
    let error = exact.score(uneven.view()).unwrap_err();
    assert!(
        matches!(
            error,
            DiotmError::Shape {
                what: "mapped points",
                ..
            }
        ),
        "{error}"
    );
}
