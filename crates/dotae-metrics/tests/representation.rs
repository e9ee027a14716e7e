//! Representation metrics: minimum-cost assignment against brute force, k-means on synthetic
//! Gaussian clusters, clustering accuracy under relabelling, and the linear probe.

use dotae_metrics::{
    KMeansConfig, MetricsError, ProbeConfig, clustering_accuracy, kmeans, linear_probe,
    min_cost_assignment,
};
use ndarray::{Array2, ArrayView2, Axis, concatenate};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// A seeded test generator (64-bit LCG, top bits), independent of the library's.
struct TestRng(u64);

impl TestRng {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n - 1)
    }
}

/// `per_cluster` points around each of `centres` (rows), Gaussian with standard deviation
/// `spread`, and their cluster labels.
fn gaussian_clusters(
    centres: ArrayView2<f64>,
    per_cluster: usize,
    spread: f64,
    rng: &mut TestRng,
) -> (Array2<f64>, Vec<usize>) {
    let (k, d) = centres.dim();
    let x = Array2::from_shape_fn((k * per_cluster, d), |(i, j)| {
        centres[[i / per_cluster, j]] + spread * rng.normal()
    });
    let labels = (0..k * per_cluster).map(|i| i / per_cluster).collect();
    (x, labels)
}

fn random_centres(k: usize, d: usize, scale: f64, rng: &mut TestRng) -> Array2<f64> {
    Array2::from_shape_fn((k, d), |_| scale * rng.normal())
}

/// Lowest total over all injective maps of rows to columns, by enumeration.
fn brute_force(cost: &Array2<f64>) -> f64 {
    fn go(cost: &Array2<f64>, row: usize, used: &mut Vec<bool>) -> f64 {
        if row == cost.nrows() {
            return 0.0;
        }
        let mut best = f64::INFINITY;
        for j in 0..cost.ncols() {
            if !used[j] {
                used[j] = true;
                best = best.min(cost[[row, j]] + go(cost, row + 1, used));
                used[j] = false;
            }
        }
        best
    }
    go(cost, 0, &mut vec![false; cost.ncols()])
}

fn cost_matrix(max_rows: usize) -> impl Strategy<Value = Array2<f64>> {
    (0..=max_rows)
        .prop_flat_map(move |n| (Just(n), n.max(1)..=max_rows.max(1)))
        .prop_flat_map(|(n, m)| {
            // Small integers make ties common, which is where assignment codes go wrong.
            prop::collection::vec(
                prop_oneof![(-5i32..5).prop_map(f64::from), -100.0f64..100.0],
                n * m,
            )
            .prop_map(move |v| Array2::from_shape_vec((n, m), v).unwrap())
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/representation.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// On square matrices up to 7 × 7 the assignment is a permutation of brute-force cost.
    #[test]
    fn hungarian_matches_brute_force_on_square_matrices(
        cost in (0usize..=7).prop_flat_map(|n| {
            prop::collection::vec(
                prop_oneof![(-5i32..5).prop_map(f64::from), -100.0f64..100.0],
                n * n,
            )
            .prop_map(move |v| Array2::from_shape_vec((n, n), v).unwrap())
        })
    ) {
        let assignment = min_cost_assignment(cost.view()).unwrap();
        let mut sorted = assignment.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..cost.nrows()).collect::<Vec<_>>());
        let total: f64 = assignment.iter().enumerate().map(|(i, &j)| cost[[i, j]]).sum();
        let best = brute_force(&cost);
        prop_assert!((total - best).abs() <= 1e-9 * (1.0 + best.abs()), "{} vs {}", total, best);
    }

    /// With more columns than rows every row still gets its own column, at brute-force cost.
    #[test]
    fn hungarian_matches_brute_force_on_wide_matrices(cost in cost_matrix(6)) {
        let assignment = min_cost_assignment(cost.view()).unwrap();
        prop_assert_eq!(assignment.len(), cost.nrows());
        let mut seen = vec![false; cost.ncols()];
        for &j in &assignment {
            prop_assert!(!seen[j], "column {} used twice", j);
            seen[j] = true;
        }
        let total: f64 = assignment.iter().enumerate().map(|(i, &j)| cost[[i, j]]).sum();
        let best = brute_force(&cost);
        prop_assert!((total - best).abs() <= 1e-9 * (1.0 + best.abs()), "{} vs {}", total, best);
    }

    /// Renaming clusters (or labels) by any one-to-one map leaves the accuracy unchanged; it is
    /// in [0, 1] and at least the largest overlap of one cluster with one label.
    #[test]
    fn clustering_accuracy_ignores_names(
        pairs in prop::collection::vec((0usize..6, 0usize..5), 1..80),
        renaming in Just((0usize..6).collect::<Vec<_>>()).prop_shuffle(),
        offset in 0usize..1000,
    ) {
        let (assignments, labels): (Vec<usize>, Vec<usize>) = pairs.into_iter().unzip();
        let accuracy = clustering_accuracy(&assignments, &labels).unwrap();
        let renamed: Vec<usize> = assignments.iter().map(|&a| renaming[a] * 7 + offset).collect();
        prop_assert_eq!(clustering_accuracy(&renamed, &labels).unwrap(), accuracy);
        let relabelled: Vec<usize> = labels.iter().map(|&l| renaming[l] + offset).collect();
        prop_assert_eq!(clustering_accuracy(&assignments, &relabelled).unwrap(), accuracy);
        prop_assert_eq!(clustering_accuracy(&labels, &assignments).unwrap(), accuracy);
        prop_assert!((0.0..=1.0).contains(&accuracy));
        let mut largest = 0;
        for a in 0..6 {
            for l in 0..5 {
                let overlap = assignments.iter().zip(&labels).filter(|&(&x, &y)| x == a && y == l).count();
                largest = largest.max(overlap);
            }
        }
        prop_assert!(accuracy * assignments.len() as f64 >= largest as f64 - 1e-9);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/representation.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// More restarts never raise the inertia: restart r depends only on the seed and r.
    #[test]
    fn inertia_never_increases_with_more_restarts(seed in any::<u64>(), data_seed in any::<u64>()) {
        let mut rng = TestRng(data_seed);
        // Overlapping clusters, so that seedings disagree.
        let centres = random_centres(6, 4, 2.0, &mut rng);
        let (x, _) = gaussian_clusters(centres.view(), 30, 1.0, &mut rng);
        let mut previous = f64::INFINITY;
        for restarts in 1..=6 {
            let config = KMeansConfig { k: 6, restarts, seed, ..KMeansConfig::default() };
            let result = kmeans(x.view(), &config).unwrap();
            prop_assert!(result.inertia <= previous, "{} restarts: {} > {}", restarts, result.inertia, previous);
            previous = result.inertia;
        }
    }
}

#[test]
fn kmeans_recovers_well_separated_gaussian_clusters() {
    let mut rng = TestRng(7);
    let centres = random_centres(10, 16, 10.0, &mut rng);
    let (x, labels) = gaussian_clusters(centres.view(), 100, 0.5, &mut rng);
    let result = kmeans(x.view(), &KMeansConfig::with_k(10)).unwrap();
    assert_eq!(clustering_accuracy(&result.assignments, &labels), Ok(1.0));
    assert_eq!(result.centroids.dim(), (10, 16));
    // Inertia is the within-cluster scatter: about N · D · spread².
    let expected = 1000.0 * 16.0 * 0.25;
    assert!(
        (result.inertia / expected - 1.0).abs() < 0.1,
        "{}",
        result.inertia
    );
    // Every point's cluster is its nearest centroid.
    for (row, &a) in x.outer_iter().zip(&result.assignments) {
        let d = |c: usize| (&row - &result.centroids.row(c)).mapv(|v| v * v).sum();
        assert!((0..10).all(|c| d(a) <= d(c) + 1e-9));
    }
    // Same seed, same result.
    assert_eq!(kmeans(x.view(), &KMeansConfig::with_k(10)).unwrap(), result);
}

#[test]
fn kmeans_rejects_bad_input() {
    let x = Array2::<f64>::zeros((5, 2));
    for (config, field) in [
        (
            KMeansConfig {
                restarts: 0,
                ..KMeansConfig::with_k(2)
            },
            "KMeansConfig.restarts",
        ),
        (
            KMeansConfig {
                max_iterations: 0,
                ..KMeansConfig::with_k(2)
            },
            "KMeansConfig.max_iterations",
        ),
        (
            KMeansConfig {
                tolerance: f64::NAN,
                ..KMeansConfig::with_k(2)
            },
            "KMeansConfig.tolerance",
        ),
    ] {
        assert!(matches!(
            kmeans(x.view(), &config),
            Err(MetricsError::InvalidValue { name, .. }) if name == field
        ));
    }
    let mut nan = x.clone();
    nan[[3, 1]] = f64::NAN;
    assert!(matches!(
        kmeans(nan.view(), &KMeansConfig::with_k(2)),
        Err(MetricsError::NonFinite { input: "x", ref index, .. }) if index == &vec![3, 1]
    ));
    let empty = Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        kmeans(empty.view(), &KMeansConfig::with_k(1)),
        Err(MetricsError::Empty { input: "x", .. })
    ));
}

#[test]
fn probe_separates_linearly_separable_classes() {
    let mut rng = TestRng(11);
    let centres = random_centres(4, 20, 3.0, &mut rng);
    let (train_x, train_y) = gaussian_clusters(centres.view(), 150, 1.0, &mut rng);
    let (test_x, test_y) = gaussian_clusters(centres.view(), 100, 1.0, &mut rng);
    let result = linear_probe(
        train_x.view(),
        &train_y,
        test_x.view(),
        &test_y,
        &ProbeConfig::default(),
    )
    .unwrap();
    println!("{result:?}");
    assert!(result.train_accuracy >= 0.99, "{result:?}");
    assert!(result.test_accuracy >= 0.98, "{result:?}");
    // Training lowers the cross-entropy from ln 4 (all-zero weights), more with more epochs.
    assert!(result.train_loss < 4f64.ln(), "{result:?}");
    let longer = ProbeConfig {
        epochs: 150,
        ..ProbeConfig::default()
    };
    let longer = linear_probe(train_x.view(), &train_y, test_x.view(), &test_y, &longer).unwrap();
    assert!(
        longer.train_loss < 0.1 && longer.train_loss < result.train_loss,
        "{longer:?}"
    );
    // Deterministic.
    assert_eq!(
        linear_probe(
            train_x.view(),
            &train_y,
            test_x.view(),
            &test_y,
            &ProbeConfig::default()
        ),
        Ok(result)
    );
}

#[test]
fn probe_on_random_labels_is_at_chance_on_test() {
    let mut rng = TestRng(13);
    let train_x = Array2::from_shape_fn((400, 50), |_| rng.normal());
    let train_y: Vec<usize> = (0..400).map(|_| rng.below(2)).collect();
    let test_x = Array2::from_shape_fn((2000, 50), |_| rng.normal());
    let test_y: Vec<usize> = (0..2000).map(|_| rng.below(2)).collect();
    let result = linear_probe(
        train_x.view(),
        &train_y,
        test_x.view(),
        &test_y,
        &ProbeConfig::default(),
    )
    .unwrap();
    println!("{result:?}");
    // Predictions do not depend on the test labels, so test accuracy is Binomial(2000, 1/2) / 2000:
    // standard deviation 0.011, and the bounds are 5 of those away.
    assert!(
        (0.445..=0.555).contains(&result.test_accuracy),
        "{result:?}"
    );
    // 50 features and 400 points: the probe fits some of the noise.
    assert!(result.train_accuracy > 0.55, "{result:?}");
}

#[test]
fn probe_ignores_features_that_are_constant_in_training() {
    let mut rng = TestRng(17);
    let centres = random_centres(3, 5, 3.0, &mut rng);
    let (train_x, train_y) = gaussian_clusters(centres.view(), 60, 1.0, &mut rng);
    let (test_x, test_y) = gaussian_clusters(centres.view(), 60, 1.0, &mut rng);
    let config = ProbeConfig::default();
    let plain = linear_probe(train_x.view(), &train_y, test_x.view(), &test_y, &config).unwrap();
    // Add a column that is 0.3 in training but wild at test time, and one that is 0 everywhere.
    let train_extra = concatenate![
        Axis(1),
        train_x,
        Array2::from_elem((180, 1), 0.3),
        Array2::zeros((180, 1))
    ];
    let test_extra = concatenate![
        Axis(1),
        test_x,
        Array2::from_shape_fn((180, 1), |(i, _)| 1e6 * (i as f64 - 90.0)),
        Array2::zeros((180, 1))
    ];
    let extra = linear_probe(
        train_extra.view(),
        &train_y,
        test_extra.view(),
        &test_y,
        &config,
    )
    .unwrap();
    assert_eq!(extra.test_accuracy, plain.test_accuracy);
    assert_eq!(extra.train_accuracy, plain.train_accuracy);
}

#[test]
fn probe_rejects_bad_input() {
    let x = Array2::from_shape_fn((6, 3), |(i, j)| (i * 3 + j) as f64);
    let y = [0, 1, 0, 1, 0, 1];
    let config = ProbeConfig::default();
    assert!(matches!(
        linear_probe(x.view(), &y[..5], x.view(), &y, &config),
        Err(MetricsError::LengthMismatch {
            input: "train_y",
            len: 5,
            expected: 6,
            ..
        })
    ));
    assert!(matches!(
        linear_probe(x.view(), &y, x.view(), &y[..4], &config),
        Err(MetricsError::LengthMismatch {
            input: "test_y",
            len: 4,
            expected: 6,
            ..
        })
    ));
    assert!(matches!(
        linear_probe(x.view(), &[4; 6], x.view(), &y, &config),
        Err(MetricsError::TooFewClasses {
            input: "train_y",
            classes: 1,
            min: 2
        })
    ));
    let narrow = x.slice(ndarray::s![.., ..2]);
    assert!(matches!(
        linear_probe(x.view(), &y, narrow, &y, &config),
        Err(MetricsError::AxesMismatch {
            left_name: "test_x",
            right_name: "train_x",
            ..
        })
    ));
    let mut nan = x.clone();
    nan[[2, 2]] = f64::NAN;
    assert!(matches!(
        linear_probe(x.view(), &y, nan.view(), &y, &config),
        Err(MetricsError::NonFinite {
            input: "test_x",
            ..
        })
    ));
    let bad = ProbeConfig {
        learning_rate: 0.0,
        ..config
    };
    assert!(matches!(
        linear_probe(x.view(), &y, x.view(), &y, &bad),
        Err(MetricsError::InvalidValue {
            name: "ProbeConfig.learning_rate",
            ..
        })
    ));
    let bad = ProbeConfig {
        batch_size: 0,
        ..config
    };
    assert!(matches!(
        linear_probe(x.view(), &y, x.view(), &y, &bad),
        Err(MetricsError::InvalidValue {
            name: "ProbeConfig.batch_size",
            ..
        })
    ));
    let empty = Array2::<f64>::zeros((0, 3));
    assert!(matches!(
        linear_probe(x.view(), &y, empty.view(), &[], &config),
        Err(MetricsError::Empty {
            input: "test_x",
            ..
        })
    ));
}
