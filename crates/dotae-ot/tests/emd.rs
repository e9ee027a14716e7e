//! The exact solver (network simplex): optimality proved by independently checked duals,
//! agreement with POT's `ot.emd2` on its fixtures, closed forms, and typed errors.

use std::ops::ControlFlow;
use std::path::PathBuf;

use dotae_ot::{
    EmdConfig, ExactTransport, OtError, Progress, emd, emd_with, squared_euclidean_cost,
    w2_squared_images, w2_squared_points,
};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use ndarray_npy::read_npy;
use proptest::prelude::*;

/// Checks `t` against the problem with this test's own arithmetic: the plan is feasible
/// (non-negative, marginals `a` and `b` rescaled to the mass of `a`), its cost is `⟨P, C⟩`, and
/// the duals are feasible everywhere, tight on the support, with the same objective.
fn assert_optimal(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    t: &ExactTransport,
) {
    let (n, m) = cost.dim();
    assert_eq!(t.shape, (n, m));
    let mass = a.sum();
    let b = b.mapv(|b_j| b_j * mass / b.sum());
    let plan = t.dense_plan();
    assert!(
        t.plan.iter().all(|e| e.mass > 0.0),
        "plan entries must be positive"
    );
    assert!(
        t.plan.len() < n + m,
        "a vertex has at most n + m - 1 entries"
    );
    let marginal_tolerance = 1e-12 * mass;
    for (i, row) in plan.rows().into_iter().enumerate() {
        assert!(
            (row.sum() - a[i]).abs() <= marginal_tolerance,
            "row {i}: {} vs {}",
            row.sum(),
            a[i]
        );
    }
    for (j, column) in plan.columns().into_iter().enumerate() {
        assert!(
            (column.sum() - b[j]).abs() <= marginal_tolerance,
            "column {j}: {} vs {}",
            column.sum(),
            b[j]
        );
    }
    let primal = (&plan * &cost).sum();
    let scale = cost
        .iter()
        .chain(&t.source_potential)
        .chain(&t.target_potential)
        .fold(1e-300_f64, |s, c| s.max(c.abs()));
    assert!(
        (primal - t.cost).abs() <= 1e-12 * scale * mass,
        "cost {} vs <P, C> {primal}",
        t.cost
    );
    let (u, v) = (&t.source_potential, &t.target_potential);
    let tolerance = 1e-10 * scale;
    for i in 0..n {
        for j in 0..m {
            let slack = cost[[i, j]] - u[i] - v[j];
            assert!(
                slack >= -tolerance,
                "dual infeasible at ({i}, {j}): slack {slack}"
            );
            if plan[[i, j]] > 0.0 {
                assert!(
                    slack.abs() <= tolerance,
                    "not tight on the support at ({i}, {j}): {slack}"
                );
            }
        }
    }
    let dual = a.dot(u) + b.dot(v);
    assert!(
        (dual - t.cost).abs() <= 1e-10 * scale * mass,
        "primal {} vs dual {dual}",
        t.cost
    );
    assert!(t.certificate.certifies(1e-10, mass), "{:?}", t.certificate);
}

/// A histogram from raw non-negative weights, some of them zero (when below `zero_below`).
fn histogram(weights: Vec<f64>, zero_below: f64) -> Array1<f64> {
    let mut h = Array1::from(weights).mapv(|w| if w < zero_below { 0.0 } else { w });
    if h.sum() == 0.0 {
        h[0] = 1.0;
    }
    let mass = h.sum();
    h / mass
}

fn problem() -> impl Strategy<Value = (Array1<f64>, Array1<f64>, Array2<f64>)> {
    (1usize..10, 1usize..10).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(0.0..1.0f64, n),
            prop::collection::vec(0.0..1.0f64, m),
            prop::collection::vec(0.0..10.0f64, n * m),
            0.0..0.4f64,
        )
            .prop_map(move |(a, b, c, zero_below)| {
                (
                    histogram(a, zero_below),
                    histogram(b, zero_below),
                    Array2::from_shape_vec((n, m), c).unwrap(),
                )
            })
    })
}

/// The cost of the monotone (sorted) coupling of two 1-D clouds with uniform weights: the
/// north-west corner rule on the sorted points.
fn monotone_cost(mut x: Vec<f64>, mut y: Vec<f64>) -> f64 {
    x.sort_by(f64::total_cmp);
    y.sort_by(f64::total_cmp);
    let (wx, wy) = (1.0 / x.len() as f64, 1.0 / y.len() as f64);
    let (mut i, mut j, mut left_x, mut left_y, mut total) = (0, 0, wx, wy, 0.0);
    while i < x.len() && j < y.len() {
        let moved = left_x.min(left_y);
        total += moved * (x[i] - y[j]).powi(2);
        left_x -= moved;
        left_y -= moved;
        if left_x <= 1e-15 {
            i += 1;
            left_x = wx;
        }
        if left_y <= 1e-15 {
            j += 1;
            left_y = wy;
        }
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn plans_are_feasible_and_duals_certify_them((a, b, cost) in problem()) {
        let t = emd(a.view(), b.view(), cost.view()).unwrap();
        assert_optimal(a.view(), b.view(), cost.view(), &t);
    }

    #[test]
    fn permuting_sources_and_targets_permutes_nothing_else((a, b, cost) in problem(), seed in any::<u64>()) {
        let rows = shuffled(a.len(), seed);
        let cols = shuffled(b.len(), seed.rotate_left(17));
        let a2 = a.select(ndarray::Axis(0), &rows);
        let b2 = b.select(ndarray::Axis(0), &cols);
        let cost2 = cost.select(ndarray::Axis(0), &rows).select(ndarray::Axis(1), &cols);
        let first = emd(a.view(), b.view(), cost.view()).unwrap().cost;
        let second = emd(a2.view(), b2.view(), cost2.view()).unwrap().cost;
        prop_assert!((first - second).abs() <= 1e-12 * first.abs().max(1e-12), "{first} vs {second}");
    }

    #[test]
    fn one_dimensional_w2_is_the_sorted_coupling(
        x in prop::collection::vec(-5.0..5.0f64, 1..25),
        y in prop::collection::vec(-5.0..5.0f64, 1..25),
    ) {
        let expected = monotone_cost(x.clone(), y.clone());
        let column = |p: &Vec<f64>| Array2::from_shape_vec((p.len(), 1), p.clone()).unwrap();
        let found = w2_squared_points(column(&x).view(), column(&y).view()).unwrap();
        prop_assert!((found - expected).abs() <= 1e-10 * expected.max(1.0), "{found} vs {expected}");
    }

    #[test]
    fn translating_an_image_costs_the_squared_shift(
        content in prop::collection::vec(0.0..1.0f64, 36),
        shift in (0usize..4, 0usize..4),
    ) {
        let mut a = Array2::zeros((9, 9));
        a.slice_mut(s![0..6, 0..6]).assign(&Array2::from_shape_vec((6, 6), content).unwrap().mapv(|w| if w < 0.5 { 0.0 } else { w }));
        a[[2, 3]] += 0.25;
        let mut b = Array2::zeros((9, 9));
        b.slice_mut(s![shift.0..shift.0 + 6, shift.1..shift.1 + 6]).assign(&a.slice(s![0..6, 0..6]));
        let expected = (shift.0 * shift.0 + shift.1 * shift.1) as f64;
        let found = w2_squared_images(a.view(), b.view()).unwrap();
        prop_assert!((found - expected).abs() <= 1e-9 * expected.max(1.0), "{found} vs {expected}");
    }
}

fn shuffled(n: usize, mut seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(k, (seed >> 33) as usize % (k + 1));
    }
    order
}

#[test]
fn assignment_problems_match_brute_force() {
    // Uniform weights on both sides: every north-west-corner step is degenerate.
    let mut seed = 7u64;
    for n in 1..=6 {
        let cost = Array2::from_shape_fn((n, n), |_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 40) % 5) as f64 // few distinct values: many ties
        });
        let uniform = Array1::from_elem(n, 1.0 / n as f64);
        let t = emd(uniform.view(), uniform.view(), cost.view()).unwrap();
        assert_optimal(uniform.view(), uniform.view(), cost.view(), &t);
        let best = permutations(n)
            .iter()
            .map(|p| {
                p.iter()
                    .enumerate()
                    .map(|(i, &j)| cost[[i, j]])
                    .sum::<f64>()
                    / n as f64
            })
            .fold(f64::INFINITY, f64::min);
        assert!(
            (t.cost - best).abs() <= 1e-12,
            "n = {n}: {} vs brute force {best}",
            t.cost
        );
    }
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    permutations(n - 1)
        .into_iter()
        .flat_map(|p| {
            (0..n).map(move |k| {
                let mut q = p.clone();
                q.insert(k, n - 1);
                q
            })
        })
        .collect()
}

#[test]
fn point_clouds_agree_with_the_dense_cost() {
    let x = Array2::from_shape_fn((40, 3), |(i, k)| ((i * 7 + k * 3) % 11) as f64 * 0.3);
    let y = Array2::from_shape_fn((30, 3), |(j, k)| ((j * 5 + k) % 13) as f64 * 0.25 + 0.1);
    let cost = squared_euclidean_cost(x.view(), y.view()).unwrap();
    let (a, b) = (
        Array1::from_elem(40, 1.0 / 40.0),
        Array1::from_elem(30, 1.0 / 30.0),
    );
    let dense = emd(a.view(), b.view(), cost.view()).unwrap();
    assert_optimal(a.view(), b.view(), cost.view(), &dense);
    let implicit = w2_squared_points(x.view(), y.view()).unwrap();
    assert!(
        (dense.cost - implicit).abs() <= 1e-12 * dense.cost,
        "{} vs {implicit}",
        dense.cost
    );
}

#[test]
fn bad_inputs_are_typed_errors() {
    let a = Array1::from(vec![0.5, 0.5]);
    let cost = Array2::from_elem((2, 2), 1.0);
    let run = |a: &Array1<f64>, b: &Array1<f64>, cost: &Array2<f64>| {
        emd(a.view(), b.view(), cost.view()).unwrap_err()
    };
    assert!(matches!(
        run(&Array1::from(vec![1.5, -0.5]), &a, &cost),
        OtError::Negative { what: "a", .. }
    ));
    assert!(matches!(
        run(&a, &Array1::from(vec![f64::NAN, 1.0]), &cost),
        OtError::NonFinite { what: "b", .. }
    ));
    assert!(matches!(
        run(&a, &Array1::zeros(2), &cost),
        OtError::ZeroMass { what: "b" }
    ));
    assert!(matches!(
        run(&a, &Array1::from(vec![0.5, 0.6]), &cost),
        OtError::UnequalMass { .. }
    ));
    assert!(matches!(
        run(&a, &Array1::from(vec![0.5, 0.25, 0.25]), &cost),
        OtError::Shape { what: "cost", .. }
    ));
    assert!(matches!(
        run(&Array1::zeros(0), &a, &cost),
        OtError::Empty { what: "a" }
    ));
    let mut bad_cost = cost.clone();
    bad_cost[[1, 0]] = f64::INFINITY;
    assert!(matches!(
        run(&a, &a, &bad_cost),
        OtError::NonFinite { what: "cost", .. }
    ));
    // Within the mass tolerance b is rescaled to a's mass.
    let t = emd(
        a.view(),
        Array1::from(vec![0.5, 0.5 + 1e-12]).view(),
        cost.view(),
    )
    .unwrap();
    assert!((t.plan.iter().map(|e| e.mass).sum::<f64>() - 1.0).abs() < 1e-15);
    let config = EmdConfig {
        mass_tolerance: -1.0,
        ..EmdConfig::default()
    };
    assert!(matches!(
        emd_with(
            a.view(),
            a.view(),
            cost.view(),
            &config,
            &mut dotae_ot::Silent
        ),
        Err(OtError::Parameter {
            name: "mass_tolerance",
            ..
        })
    ));

    let points = Array2::zeros((3, 2));
    assert!(matches!(
        w2_squared_points(points.view(), Array2::zeros((3, 3)).view()),
        Err(OtError::Shape { what: "y", .. })
    ));
    assert!(matches!(
        w2_squared_points(Array2::zeros((0, 2)).view(), points.view()),
        Err(OtError::Empty { what: "x" })
    ));
    assert!(matches!(
        w2_squared_images(Array2::zeros((4, 4)).view(), Array2::ones((4, 4)).view()),
        Err(OtError::ZeroMass { what: "a" })
    ));
    assert!(matches!(
        w2_squared_images(
            Array2::ones((4, 4)).view(),
            Array2::from_elem((4, 4), -1.0).view()
        ),
        Err(OtError::Negative { what: "b", .. })
    ));
    assert!(matches!(
        squared_euclidean_cost(points.view(), Array2::zeros((2, 3)).view()),
        Err(OtError::Shape { .. })
    ));
}

#[test]
fn iteration_limit_and_observer_stop_are_not_converged() {
    // Sources and targets in opposite orders: the north-west corner is the worst plan.
    let n = 20;
    let uniform = Array1::from_elem(n, 1.0 / n as f64);
    let cost = Array2::from_shape_fn((n, n), |(i, j)| {
        ((i + j) as f64 - (n - 1) as f64).powi(2) + (i as f64 * 0.1).sin()
    });
    let config = EmdConfig {
        max_iterations: 1,
        ..EmdConfig::default()
    };
    let limited = emd_with(
        uniform.view(),
        uniform.view(),
        cost.view(),
        &config,
        &mut dotae_ot::Silent,
    );
    assert!(
        matches!(limited, Err(OtError::NotConverged { iterations: 1, .. })),
        "{limited:?}"
    );

    let mut reports = Vec::new();
    let mut stop_at_third = |p: Progress| {
        reports.push(p);
        if reports.len() == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let stopped = emd_with(
        uniform.view(),
        uniform.view(),
        cost.view(),
        &EmdConfig::default(),
        &mut stop_at_third,
    );
    assert!(
        matches!(stopped, Err(OtError::NotConverged { iterations: 2, .. })),
        "{stopped:?}"
    );
    assert!(reports.iter().all(|p| p.residual > p.tolerance));

    let mut count = 0;
    let full = emd_with(
        uniform.view(),
        uniform.view(),
        cost.view(),
        &EmdConfig::default(),
        &mut |_| {
            count += 1;
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert_eq!(count, full.iterations + 1, "one report per pricing scan");
}

#[test]
fn sources_and_targets_without_mass_get_feasible_potentials() {
    let a = Array1::from(vec![0.0, 0.3, 0.0, 0.7]);
    let b = Array1::from(vec![0.5, 0.0, 0.5]);
    let cost = Array2::from_shape_fn((4, 3), |(i, j)| {
        ((i as f64) - 1.5 * j as f64).abs() + 0.1 * i as f64
    });
    let t = emd(a.view(), b.view(), cost.view()).unwrap();
    assert_optimal(a.view(), b.view(), cost.view(), &t);
    assert!(
        t.plan
            .iter()
            .all(|e| a[e.source] > 0.0 && b[e.target] > 0.0)
    );
}

// --- POT's `ot.emd2` on the fixtures of benches/reference/pot_emd.py ---

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/emd")
}

fn pot_costs() -> serde_json::Value {
    let text =
        std::fs::read_to_string(fixtures().join("pot_emd2.json")).expect("fixture pot_emd2.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn npy1(name: &str) -> Array1<f64> {
    read_npy(fixtures().join(format!("{name}.npy"))).unwrap_or_else(|e| panic!("{name}.npy: {e}"))
}

fn npy2(name: &str) -> Array2<f64> {
    read_npy(fixtures().join(format!("{name}.npy"))).unwrap_or_else(|e| panic!("{name}.npy: {e}"))
}

fn assert_matches_pot(name: &str, found: f64) {
    let expected = pot_costs()[name]["emd2"]
        .as_f64()
        .unwrap_or_else(|| panic!("no POT cost for {name}"));
    let relative = (found - expected).abs() / expected.abs();
    assert!(
        relative <= 1e-9,
        "{name}: {found} vs POT {expected} (relative {relative:e})"
    );
}

#[test]
fn random_histograms_match_pot() {
    let costs = pot_costs();
    let cases = costs["histograms"]
        .as_array()
        .expect("list of histogram cases");
    assert!(!cases.is_empty());
    for case in cases {
        let name = case.as_str().unwrap();
        let (a, b, cost) = (
            npy1(&format!("{name}_a")),
            npy1(&format!("{name}_b")),
            npy2(&format!("{name}_cost")),
        );
        let t = emd(a.view(), b.view(), cost.view()).unwrap();
        assert_optimal(a.view(), b.view(), cost.view(), &t);
        assert_matches_pot(name, t.cost);
    }
}

#[test]
fn images_match_pot() {
    let costs = pot_costs();
    let cases = costs["images"].as_array().expect("list of image cases");
    assert!(!cases.is_empty());
    for case in cases {
        let name = case.as_str().unwrap();
        let (a, b) = (npy2(&format!("{name}_a")), npy2(&format!("{name}_b")));
        assert_matches_pot(name, w2_squared_images(a.view(), b.view()).unwrap());
    }
}

#[test]
fn point_clouds_match_pot() {
    let (x, y) = (npy2("points_x"), npy2("points_y"));
    assert_matches_pot("points", w2_squared_points(x.view(), y.view()).unwrap());
    // The dense path on the same problem, certified by this test's own dual check.
    let cost = squared_euclidean_cost(x.view(), y.view()).unwrap();
    let uniform = |n: usize| Array1::from_elem(n, 1.0 / n as f64);
    let (a, b) = (uniform(x.nrows()), uniform(y.nrows()));
    let t = emd(a.view(), b.view(), cost.view()).unwrap();
    assert_optimal(a.view(), b.view(), cost.view(), &t);
    assert_matches_pot("points", t.cost);
}
