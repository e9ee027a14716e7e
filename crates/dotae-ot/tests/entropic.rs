//! Entropic OT: agreement with POT 0.9.7 on the fixtures that
//! `benches/reference/pot_entropic.py` writes, the properties the solvers promise, and typed
//! errors for bad input.

use std::ops::ControlFlow;
use std::path::PathBuf;

use dotae_ot::{
    BarycentreConfig, OtError, Progress, SinkhornConfig, convolutional_barycentre,
    convolutional_barycentre_with, sinkhorn, sinkhorn_unbalanced, sinkhorn_unbalanced_with,
    sinkhorn_with,
};
use ndarray::{Array, Array1, Array2, Array3, Axis, Dimension, array};
use ndarray_npy::{ReadableElement, read_npy};
use proptest::prelude::*;

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/entropic")
}

fn fixture<D: Dimension>(name: &str) -> Array<f64, D>
where
    f64: ReadableElement,
{
    read_npy(reference_dir().join(format!("{name}.npy")))
        .unwrap_or_else(|e| panic!("fixture {name}.npy: {e}"))
}

fn summary() -> serde_json::Value {
    let text =
        std::fs::read_to_string(reference_dir().join("entropic.json")).expect("entropic.json");
    serde_json::from_str(&text).expect("entropic.json is JSON")
}

fn max_abs_difference<D: Dimension>(x: &Array<f64, D>, y: &Array<f64, D>) -> f64 {
    assert_eq!(x.shape(), y.shape());
    x.iter()
        .zip(y)
        .fold(0.0, |max: f64, (x, y)| max.max((x - y).abs()))
}

fn max_abs<D: Dimension>(x: &Array<f64, D>) -> f64 {
    x.iter().fold(0.0, |max: f64, x| max.max(x.abs()))
}

// ---------------------------------------------------------------- agreement with POT

#[test]
fn sinkhorn_matches_pot_sinkhorn_log() {
    let reference = &summary()["sinkhorn"];
    let (a, b): (Array1<f64>, Array1<f64>) = (fixture("sinkhorn_a"), fixture("sinkhorn_b"));
    let cost: Array2<f64> = fixture("sinkhorn_cost");
    let config = SinkhornConfig {
        epsilon: reference["reg"].as_f64().unwrap(),
        max_iterations: reference["max_iterations"].as_u64().unwrap() as usize,
        tolerance: reference["stop_threshold"].as_f64().unwrap(),
    };
    let result = sinkhorn_with(
        a.view(),
        b.view(),
        cost.view(),
        &config,
        &mut dotae_ot::Silent,
    )
    .expect("valid problem");
    let pot_cost = reference["cost"].as_f64().unwrap();
    let relative = (result.cost - pot_cost).abs() / pot_cost;
    let plan_difference = max_abs_difference(&result.plan, &fixture("sinkhorn_plan"));
    eprintln!(
        "sinkhorn vs POT: cost {} vs {pot_cost} (relative {relative:e}), plan max abs difference {plan_difference:e}, iterations {} vs {}",
        result.cost, result.iterations, reference["iterations"]
    );
    assert!(result.converged);
    assert_eq!(
        result.iterations as u64,
        reference["iterations"].as_u64().unwrap()
    );
    assert!(relative <= 1e-10, "relative cost difference {relative:e}");
    assert!(
        plan_difference <= 1e-12,
        "plan difference {plan_difference:e}"
    );
}

#[test]
fn unbalanced_sinkhorn_matches_pot_kl_unbalanced() {
    let reference = &summary()["unbalanced"];
    let (a, b): (Array1<f64>, Array1<f64>) = (fixture("unbalanced_a"), fixture("unbalanced_b"));
    let cost: Array2<f64> = fixture("sinkhorn_cost");
    // POT's stopping rule differs (relative change of the scalings in its own iterate order);
    // both sides are run to full convergence instead.
    let config = SinkhornConfig {
        epsilon: reference["reg"].as_f64().unwrap(),
        max_iterations: 100_000,
        tolerance: 1e-13,
    };
    let penalty = reference["reg_m"].as_f64().unwrap();
    let result = sinkhorn_unbalanced_with(
        a.view(),
        b.view(),
        cost.view(),
        &config,
        penalty,
        &mut dotae_ot::Silent,
    )
    .expect("valid problem");
    let pot_cost = reference["cost"].as_f64().unwrap();
    let relative = (result.cost - pot_cost).abs() / pot_cost;
    let plan_difference = max_abs_difference(&result.plan, &fixture("unbalanced_plan"));
    eprintln!(
        "unbalanced vs POT: cost {} vs {pot_cost} (relative {relative:e}), plan max abs difference {plan_difference:e}, iterations {}",
        result.cost, result.iterations
    );
    assert!(result.converged);
    assert!(relative <= 1e-9, "relative cost difference {relative:e}");
    assert!(
        plan_difference <= 1e-11,
        "plan difference {plan_difference:e}"
    );
}

/// POT's barycentres at its default stopping rule and after a fixed number of iterations:
/// the same iteration count, and every pixel within 1e-6 of POT's relative to the largest
/// pixel (the images' scale).
#[test]
fn convolutional_barycentres_match_pot() {
    let reference = &summary()["barycentre"];
    let epsilon = reference["reg"].as_f64().unwrap();
    for n in [32, 64] {
        let images: Array3<f64> = fixture(&format!("shapes{n}"));
        for (name, weights) in reference["weights"].as_object().unwrap() {
            let weights: Array1<f64> = weights
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_f64().unwrap())
                .collect();
            let mut runs = vec![(
                format!("barycentre{n}_{name}"),
                BarycentreConfig::new(epsilon),
                reference["iterations"][format!("{n}_{name}")]
                    .as_u64()
                    .unwrap() as usize,
            )];
            if name == "skewed" {
                let fixed = reference["fixed_iterations"].as_u64().unwrap() as usize;
                let config = BarycentreConfig {
                    epsilon,
                    max_iterations: fixed,
                    stop_threshold: f64::MIN_POSITIVE,
                };
                runs.push((format!("barycentre{n}_skewed_fixed"), config, fixed));
            }
            for (file, config, iterations) in runs {
                let pot: Array2<f64> = fixture(&file);
                let ours = convolutional_barycentre(images.view(), weights.view(), &config)
                    .expect("valid images");
                let relative = max_abs_difference(&ours.image, &pot) / max_abs(&pot);
                eprintln!(
                    "{file}: max abs difference / max pixel = {relative:e}, iterations {} vs POT {iterations}",
                    ours.iterations
                );
                assert_eq!(ours.iterations, iterations, "{file}");
                assert!(relative <= 1e-6, "{file}: {relative:e}");
            }
        }
    }
}

// ---------------------------------------------------------------- properties

fn histogram(size: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Array1<f64>> {
    prop::collection::vec(0.01f64..1.0, size).prop_map(|values| {
        let total: f64 = values.iter().sum();
        values.iter().map(|v| v / total).collect()
    })
}

fn cost_matrix(rows: usize, cols: usize) -> impl Strategy<Value = Array2<f64>> {
    prop::collection::vec(0.0f64..1.0, rows * cols)
        .prop_map(move |values| Array2::from_shape_vec((rows, cols), values).unwrap())
}

/// The exact OT cost between uniform histograms of equal size: by Birkhoff's theorem a
/// permutation (with mass 1/n per pair) is optimal, so the minimum over all permutations.
fn exact_uniform_cost(cost: &Array2<f64>) -> f64 {
    fn search(cost: &Array2<f64>, row: usize, used: &mut Vec<bool>, sum: f64, best: &mut f64) {
        let n = cost.nrows();
        if row == n {
            *best = best.min(sum);
            return;
        }
        for col in 0..n {
            if !used[col] {
                used[col] = true;
                search(cost, row + 1, used, sum + cost[[row, col]], best);
                used[col] = false;
            }
        }
    }
    let mut best = f64::INFINITY;
    search(cost, 0, &mut vec![false; cost.nrows()], 0.0, &mut best);
    best / cost.nrows() as f64
}

/// `K (image / K𝟙)` with the Gibbs kernel applied as a plain double sum over pixel pairs:
/// what a barycentre with all the weight on `image` must be.
fn blurred_by_normalised_kernel(image: &Array2<f64>, epsilon: f64) -> Array2<f64> {
    let (h, w) = image.dim();
    let axis = |n: usize, i: usize, j: usize| {
        let spacing = if n > 1 { 1.0 / (n - 1) as f64 } else { 0.0 };
        let d = (i as f64 - j as f64) * spacing;
        (-d * d / epsilon).exp()
    };
    let kernel = |p: (usize, usize), q: (usize, usize)| axis(h, p.0, q.0) * axis(w, p.1, q.1);
    let apply = |x: &Array2<f64>| {
        Array2::from_shape_fn((h, w), |p| {
            x.indexed_iter().map(|(q, v)| kernel(p, q) * v).sum::<f64>()
        })
    };
    let normaliser = apply(&Array2::ones((h, w)));
    apply(&(image / &normaliser))
}

fn images(
    count: std::ops::RangeInclusive<usize>,
    side: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Array3<f64>> {
    (count, side.clone(), side).prop_flat_map(|(k, h, w)| {
        prop::collection::vec(0.0f64..1.0, k * h * w).prop_map(move |values| {
            let mut images = Array3::from_shape_vec((k, h, w), values).unwrap();
            for mut image in images.axis_iter_mut(Axis(0)) {
                // Keep every image's mass away from zero, then normalise it to 1.
                image += 0.01;
                let total = image.sum();
                image /= total;
            }
            images
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Converged balanced plans carry `a` out and `b` in, to the tolerance.
    #[test]
    fn balanced_plans_satisfy_the_marginals(
        (a, b, cost) in (histogram(1..=12), histogram(1..=12)).prop_flat_map(|(a, b)| {
            let (n, m) = (a.len(), b.len());
            (Just(a), Just(b), cost_matrix(n, m))
        }),
        epsilon in 0.02f64..1.0,
    ) {
        let config = SinkhornConfig { epsilon, max_iterations: 100_000, tolerance: 1e-9 };
        let result = sinkhorn_with(a.view(), b.view(), cost.view(), &config, &mut dotae_ot::Silent).unwrap();
        prop_assert!(result.converged);
        prop_assert!(result.plan.iter().all(|p| *p >= 0.0));
        let rows = result.plan.sum_axis(Axis(1)) - &a;
        let cols = result.plan.sum_axis(Axis(0)) - &b;
        let l2 = |x: Array1<f64>| x.dot(&x).sqrt();
        prop_assert!(l2(cols) <= 1e-9, "target marginal");
        prop_assert!(l2(rows) <= 1e-12, "source marginal (exact after each f update)");
        prop_assert!(result.marginal_error <= 1e-9 + 1e-12);
        // The plan and the potentials are tied as documented.
        let plan = Array2::from_shape_fn(cost.dim(), |(i, j)| {
            a[i] * b[j] * ((result.f[i] + result.g[j] - cost[[i, j]]) / epsilon).exp()
        });
        prop_assert!(max_abs_difference(&plan, &result.plan) <= 1e-12);
    }

    /// Over decreasing ε the transport cost never increases, stays above the exact cost, and
    /// exceeds it by at most ε·ln n (the entropy gap between a permutation plan and any plan).
    /// Near-diagonal kernels can take Sinkhorn millions of iterations to meet tight
    /// marginals, so each bound has a slack of the cost a marginal error can move (rounding the
    /// plan onto the marginals moves ≤ 2‖errors‖₁·max C ≤ 2√n·marginal_error, C ≤ 1), doubled.
    #[test]
    fn sinkhorn_cost_decreases_to_the_exact_cost(
        cost in (2usize..=5).prop_flat_map(|n| cost_matrix(n, n)),
    ) {
        let n = cost.nrows();
        let uniform = Array1::from_elem(n, 1.0 / n as f64);
        let exact = exact_uniform_cost(&cost);
        let (mut previous, mut previous_slack) = (f64::INFINITY, 0.0);
        for epsilon in [1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01] {
            let config = SinkhornConfig { epsilon, max_iterations: 100_000, tolerance: 1e-9 };
            let result = sinkhorn_with(uniform.view(), uniform.view(), cost.view(), &config, &mut dotae_ot::Silent).unwrap();
            prop_assert!(result.marginal_error <= 1e-4, "ε = {epsilon}: marginal error {}", result.marginal_error);
            let slack = 1e-12 + 4.0 * (n as f64).sqrt() * result.marginal_error;
            prop_assert!(result.cost <= previous + slack + previous_slack, "ε = {epsilon}: {} after {previous}", result.cost);
            prop_assert!(result.cost >= exact - slack, "ε = {epsilon}: {} below exact {exact}", result.cost);
            prop_assert!(result.cost <= exact + epsilon * (n as f64).ln() + slack,
                "ε = {epsilon}: {} too far above exact {exact}", result.cost);
            (previous, previous_slack) = (result.cost, slack);
        }
    }

    /// With all the weight on one image the barycentre is that image blurred by the
    /// normalised kernel, `K (A / K𝟙)`, from the second iteration on (whether or not the other
    /// images' plans have converged).
    #[test]
    fn a_barycentre_of_one_image_is_its_normalised_blur(
        images in images(2..=4, 2..=9),
        chosen in 0usize..4,
        epsilon in 0.01f64..0.5,
        iterations in 2usize..30,
    ) {
        let chosen = chosen % images.len_of(Axis(0));
        let mut weights = Array1::zeros(images.len_of(Axis(0)));
        weights[chosen] = 1.0;
        let config = BarycentreConfig { epsilon, max_iterations: iterations, stop_threshold: f64::MIN_POSITIVE };
        let result = convolutional_barycentre(images.view(), weights.view(), &config).unwrap();
        let expected = blurred_by_normalised_kernel(&images.index_axis(Axis(0), chosen).to_owned(), epsilon);
        prop_assert!(max_abs_difference(&result.image, &expected) <= 1e-12 * max_abs(&expected));
    }

    /// A converged barycentre carries the images' (common) mass.
    #[test]
    fn barycentres_conserve_mass(
        images in images(2..=4, 4..=12),
        raw_weights in prop::collection::vec(0.0f64..1.0, 4),
        epsilon in 0.02f64..0.3,
        mass in 0.1f64..10.0,
    ) {
        let k = images.len_of(Axis(0));
        let mut weights: Array1<f64> = raw_weights[..k].iter().map(|w| w + 0.01).collect();
        weights /= weights.sum();
        let images = images * mass;
        let config = BarycentreConfig { epsilon, max_iterations: 100_000, stop_threshold: 1e-10 * mass };
        let result = convolutional_barycentre(images.view(), weights.view(), &config).unwrap();
        prop_assert!(result.converged);
        let total = result.image.sum();
        prop_assert!((total - mass).abs() <= 1e-8 * mass, "mass {total} instead of {mass}");
    }

    /// A negative or non-finite entry anywhere is a typed error naming the input and the index.
    #[test]
    fn negative_or_nan_entries_are_typed_errors(
        a in histogram(2..=6),
        index in 0usize..6,
        value in prop_oneof![-10.0f64..-1e-12, Just(f64::NAN), Just(f64::INFINITY)],
    ) {
        let index = index % a.len();
        let mut bad = a.clone();
        bad[index] = value;
        let cost = Array2::zeros((a.len(), a.len()));
        for (first, second) in [(&bad, &a), (&a, &bad)] {
            let error = sinkhorn(first.view(), second.view(), cost.view(), 0.1).unwrap_err();
            let what = if std::ptr::eq(first, &bad) { "a" } else { "b" };
            match error {
                OtError::Negative { what: found, index: at, .. } | OtError::NonFinite { what: found, index: at, .. } => {
                    prop_assert_eq!(found, what);
                    prop_assert_eq!(at, vec![index]);
                }
                other => prop_assert!(false, "unexpected error {other:?}"),
            }
        }
        let images = Array3::from_shape_fn((2, 1, a.len()), |(k, _, j)| if k == 1 { bad[j] } else { a[j] });
        let error = convolutional_barycentre(images.view(), array![0.5, 0.5].view(), &BarycentreConfig::default()).unwrap_err();
        let is_typed = matches!(&error, OtError::Negative { what: "images", index: at, .. } | OtError::NonFinite { what: "images", index: at, .. } if *at == vec![1, 0, index]);
        prop_assert!(is_typed, "{error:?}");
    }
}

// ---------------------------------------------------------------- the blur the kernel predicts

/// The barycentre of two translated Gaussians `N(μ₀, s²I)`, `N(μ₁, s²I)` with weights (½, ½)
/// is `N((μ₀ + μ₁)/2, (s² + σ²) I)`, σ² the kernel's variance in pixels (the derivation is in
/// the docs of `convolutional_barycentre_with`): its centre is the midpoint and its variance
/// per axis is the images' plus the kernel's.
#[test]
fn barycentre_of_translated_gaussians_is_the_blurred_midpoint_gaussian() {
    let n = 64;
    let s = 3.0;
    let kernel_sigma = 2.0;
    let epsilon = 2.0 * kernel_sigma * kernel_sigma / ((n - 1) * (n - 1)) as f64;
    let centres = [(22.0, 25.0), (42.0, 37.5)];
    let mut images = Array3::from_shape_fn((2, n, n), |(k, i, j)| {
        let (ci, cj) = centres[k];
        let (di, dj) = (i as f64 - ci, j as f64 - cj);
        (-(di * di + dj * dj) / (2.0 * s * s)).exp()
    });
    for mut image in images.axis_iter_mut(Axis(0)) {
        let total = image.sum();
        image /= total;
    }
    let config = BarycentreConfig {
        epsilon,
        max_iterations: 20_000,
        stop_threshold: 1e-10,
    };
    assert!((config.blur_pixels(n) - kernel_sigma).abs() < 1e-12);
    let result = convolutional_barycentre(images.view(), array![0.5, 0.5].view(), &config).unwrap();
    assert!(result.converged);

    let moments = |image: &Array2<f64>| {
        let total = image.sum();
        let mean = |f: &dyn Fn(usize, usize) -> f64| {
            image
                .indexed_iter()
                .map(|((i, j), v)| f(i, j) * v)
                .sum::<f64>()
                / total
        };
        let (mi, mj) = (mean(&|i, _| i as f64), mean(&|_, j| j as f64));
        let vi = mean(&|i, _| (i as f64 - mi).powi(2));
        let vj = mean(&|_, j| (j as f64 - mj).powi(2));
        (mi, mj, vi, vj)
    };
    let (_, _, source_vi, source_vj) = moments(&images.index_axis(Axis(0), 0).to_owned());
    let (mi, mj, vi, vj) = moments(&result.image);
    let (expected_i, expected_j) = (
        (centres[0].0 + centres[1].0) / 2.0,
        (centres[0].1 + centres[1].1) / 2.0,
    );
    let kernel_variance = kernel_sigma * kernel_sigma;
    eprintln!(
        "Gaussian barycentre: centre ({mi:.4}, {mj:.4}) vs ({expected_i}, {expected_j}); variance ({vi:.4}, {vj:.4}) vs predicted ({:.4}, {:.4}); without the blur {source_vi:.4}",
        source_vi + kernel_variance,
        source_vj + kernel_variance
    );
    assert!((mi - expected_i).abs() < 0.01 && (mj - expected_j).abs() < 0.01);
    assert!((vi - (source_vi + kernel_variance)).abs() < 0.01 * (source_vi + kernel_variance));
    assert!((vj - (source_vj + kernel_variance)).abs() < 0.01 * (source_vj + kernel_variance));
}

// ---------------------------------------------------------------- errors and early stops

#[test]
fn bad_inputs_are_typed_errors() {
    let a = array![0.5, 0.5];
    let b = array![0.25, 0.75];
    let cost = array![[0.0, 1.0], [1.0, 0.0]];
    let run = |a: &Array1<f64>, b: &Array1<f64>, cost: &Array2<f64>, epsilon: f64| {
        sinkhorn(a.view(), b.view(), cost.view(), epsilon).unwrap_err()
    };
    assert!(matches!(
        run(&a, &b, &array![[0.0, 1.0, 2.0]], 0.1),
        OtError::Shape { what: "cost", .. }
    ));
    assert!(matches!(
        run(&array![0.0, 0.0], &b, &cost, 0.1),
        OtError::ZeroMass { what: "a" }
    ));
    assert!(matches!(
        run(&a, &array![], &Array2::zeros((2, 0)), 0.1),
        OtError::Empty { what: "b" }
    ));
    assert!(matches!(
        run(&a, &(&b * 2.0), &cost, 0.1),
        OtError::UnequalMass { .. }
    ));
    assert!(matches!(
        run(&a, &b, &array![[0.0, f64::NAN], [1.0, 0.0]], 0.1),
        OtError::NonFinite { what: "cost", .. }
    ));
    for epsilon in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            run(&a, &b, &cost, epsilon),
            OtError::Parameter {
                name: "epsilon",
                ..
            }
        ));
    }
    assert!(matches!(
        run(&a, &b, &array![[0.0, 1e300], [1.0, 0.0]], 1e-10),
        OtError::Parameter {
            name: "epsilon",
            ..
        }
    ));
    let no_iterations = SinkhornConfig {
        max_iterations: 0,
        ..SinkhornConfig::default()
    };
    assert!(matches!(
        sinkhorn_with(
            a.view(),
            b.view(),
            cost.view(),
            &no_iterations,
            &mut dotae_ot::Silent
        ),
        Err(OtError::Parameter {
            name: "max_iterations",
            ..
        })
    ));
    for penalty in [0.0, -1.0, f64::INFINITY] {
        assert!(matches!(
            sinkhorn_unbalanced(a.view(), b.view(), cost.view(), 0.1, penalty),
            Err(OtError::Parameter {
                name: "marginal_penalty",
                ..
            })
        ));
    }
    // Unbalanced transport takes unequal masses.
    assert!(sinkhorn_unbalanced(a.view(), (&b * 2.0).view(), cost.view(), 0.1, 1.0).is_ok());

    let images = Array3::from_elem((2, 3, 3), 1.0 / 9.0);
    let bary = |images: &Array3<f64>, weights: Array1<f64>, config: BarycentreConfig| {
        convolutional_barycentre(images.view(), weights.view(), &config).unwrap_err()
    };
    let default = BarycentreConfig::default();
    assert!(matches!(
        bary(&images, array![0.5, 0.6], default),
        OtError::Parameter {
            name: "weights (their sum)",
            ..
        }
    ));
    assert!(matches!(
        bary(&images, array![1.5, -0.5], default),
        OtError::Negative {
            what: "weights",
            ..
        }
    ));
    assert!(matches!(
        bary(&images, array![f64::NAN, 0.5], default),
        OtError::NonFinite {
            what: "weights",
            ..
        }
    ));
    assert!(matches!(
        bary(&images, array![1.0], default),
        OtError::Shape {
            what: "weights",
            ..
        }
    ));
    let mut unequal = images.clone();
    unequal.index_axis_mut(Axis(0), 1).mapv_inplace(|v| 2.0 * v);
    assert!(matches!(
        bary(&unequal, array![0.5, 0.5], default),
        OtError::UnequalMass { .. }
    ));
    let mut empty_image = images.clone();
    empty_image.index_axis_mut(Axis(0), 0).fill(0.0);
    assert!(matches!(
        bary(&empty_image, array![0.5, 0.5], default),
        OtError::ZeroMass { .. }
    ));
    assert!(matches!(
        bary(&Array3::zeros((0, 3, 3)), array![], default),
        OtError::Empty { what: "images" }
    ));
    for epsilon in [0.0, -0.1, f64::NAN] {
        assert!(matches!(
            bary(&images, array![0.5, 0.5], BarycentreConfig::new(epsilon)),
            OtError::Parameter {
                name: "epsilon",
                ..
            }
        ));
    }
    let zero_threshold = BarycentreConfig {
        stop_threshold: 0.0,
        ..default
    };
    assert!(matches!(
        bary(&images, array![0.5, 0.5], zero_threshold),
        OtError::Parameter {
            name: "stop_threshold",
            ..
        }
    ));
}

/// A kernel that underflows to zero breaks the kernel-domain iteration: a typed error naming
/// ε, never NaNs in the result.
#[test]
fn an_underflowing_kernel_is_a_typed_error() {
    let mut images = Array3::zeros((2, 40, 40));
    images[[0, 0, 0]] = 1.0;
    images[[1, 39, 39]] = 1.0;
    let error = convolutional_barycentre(
        images.view(),
        array![0.5, 0.5].view(),
        &BarycentreConfig::new(1e-4),
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            OtError::Parameter {
                name: "epsilon",
                ..
            }
        ),
        "{error:?}"
    );
}

/// An observer that breaks stops the solver at its first report, and the result says it did
/// not converge; reaching the iteration limit does the same.
#[test]
fn observers_stop_the_solvers_and_unconverged_results_are_flagged() {
    let a = array![0.2, 0.3, 0.5];
    let b = array![0.6, 0.4];
    let cost = array![[0.0, 1.0], [0.5, 0.2], [1.0, 0.0]];
    let mut reports = Vec::new();
    let mut stop = |progress: Progress| {
        reports.push(progress);
        ControlFlow::Break(())
    };
    let config = SinkhornConfig::new(0.01);
    let result = sinkhorn_with(a.view(), b.view(), cost.view(), &config, &mut stop).unwrap();
    assert_eq!((result.iterations, result.converged), (1, false));
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].residual, result.residual);
    assert!(matches!(
        result.into_converged(config.tolerance),
        Err(OtError::NotConverged { .. })
    ));

    let limited = SinkhornConfig {
        max_iterations: 3,
        ..config
    };
    let result = sinkhorn_with(
        a.view(),
        b.view(),
        cost.view(),
        &limited,
        &mut dotae_ot::Silent,
    )
    .unwrap();
    assert_eq!((result.iterations, result.converged), (3, false));

    let images = Array3::from_shape_fn(
        (2, 4, 4),
        |(k, i, j)| if (i + j + k) % 2 == 0 { 1.0 } else { 0.0 },
    );
    let images = &images / images.index_axis(Axis(0), 0).sum();
    let mut stop_barycentre = |_: Progress| ControlFlow::Break(());
    let result = convolutional_barycentre_with(
        images.view(),
        array![0.5, 0.5].view(),
        &BarycentreConfig::new(0.05),
        &mut stop_barycentre,
    )
    .unwrap();
    assert_eq!((result.iterations, result.converged), (10, false));
    assert!(result.change.is_finite());
}

/// The unbalanced solver tends to the balanced one as the marginal penalty grows.
#[test]
fn unbalanced_tends_to_balanced_as_the_penalty_grows() {
    let a = array![0.1, 0.4, 0.5];
    let b = array![0.3, 0.3, 0.4];
    let cost = array![[0.0, 0.3, 1.0], [0.3, 0.0, 0.4], [1.0, 0.4, 0.0]];
    let config = SinkhornConfig {
        epsilon: 0.1,
        max_iterations: 1_000_000,
        tolerance: 1e-10,
    };
    let balanced = sinkhorn_with(
        a.view(),
        b.view(),
        cost.view(),
        &config,
        &mut dotae_ot::Silent,
    )
    .unwrap();
    let mut previous = f64::INFINITY;
    for penalty in [1.0, 10.0, 100.0, 1000.0] {
        let unbalanced = sinkhorn_unbalanced_with(
            a.view(),
            b.view(),
            cost.view(),
            &config,
            penalty,
            &mut dotae_ot::Silent,
        )
        .unwrap();
        assert!(unbalanced.converged);
        let difference = max_abs_difference(&unbalanced.plan, &balanced.plan);
        assert!(
            difference < previous,
            "penalty {penalty}: {difference} after {previous}"
        );
        previous = difference;
    }
    eprintln!("unbalanced (penalty 1000) vs balanced plan: {previous:e}");
    assert!(previous < 1e-3);
}
