//! The Benamou–Brenier solver: exact translations, obstacles, agreement with dotae-energy's
//! path energy, invariants (proptest) and typed errors.

use std::ops::ControlFlow;

use dotae_energy::{PathEnergy, PathEnergyConfig};
use dotae_grid::{Boundary, Grid};
use dotae_ot::{Geodesic, GeodesicConfig, OtError, Progress, Silent, geodesic, geodesic_with};
use ndarray::{Array2, Array3, ArrayView2, Axis, s};
use proptest::prelude::*;

/// A Gaussian of standard deviation `sigma` pixels centred at `(row, col)`, unit mass.
fn gaussian(rows: usize, cols: usize, row: f64, col: f64, sigma: f64) -> Array2<f64> {
    let g = Array2::from_shape_fn((rows, cols), |(i, j)| {
        let d2 = (i as f64 - row).powi(2) + (j as f64 - col).powi(2);
        (-d2 / (2.0 * sigma * sigma)).exp()
    });
    let total = g.sum();
    g / total
}

fn relative_l2(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> f64 {
    let diff: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    (diff / b.iter().map(|y| y * y).sum::<f64>()).sqrt()
}

fn normalised(image: &Array2<f64>) -> Array2<f64> {
    image / image.sum()
}

#[test]
fn a_translated_gaussian_moves_rigidly_at_constant_speed() {
    let (n, steps, sigma) = (16, 8, 1.6);
    let (start, shift) = (6.0, 4.0);
    let at = |t: f64| gaussian(n, n, start + shift * t, 8.0, sigma);
    let path = geodesic(at(0.0).view(), at(1.0).view(), steps).unwrap();
    assert!(path.converged, "{} iterations", path.iterations);
    for (t, frame) in path.frames.outer_iter().enumerate() {
        let exact = at(t as f64 / steps as f64);
        let error = relative_l2(frame, exact.view());
        assert!(error < 0.01, "frame {t}: relative L2 error {error}");
    }
    let d2 = shift * shift;
    assert!(
        (path.w2_squared - d2).abs() < 0.01 * d2,
        "W2² = {} for d² = {d2}",
        path.w2_squared
    );
    // The mass moves towards increasing rows: the vertical flux is positive on balance.
    assert!(path.vertical_momentum.sum() > 0.0);
    assert!(path.horizontal_momentum.sum().abs() < 1e-6);
}

#[test]
fn the_observer_sees_every_iteration_and_can_stop_the_solver() {
    let source = gaussian(8, 8, 2.0, 2.0, 1.0);
    let target = gaussian(8, 8, 5.0, 5.0, 1.0);
    let grid = Grid::new(8, 8, Boundary::Neumann).unwrap();
    let mut seen: Vec<Progress> = Vec::new();
    let mut stop_at_three = |p: Progress| {
        seen.push(p);
        if p.iteration == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let config = GeodesicConfig::with_steps(4);
    let path = geodesic_with(
        &grid,
        source.view(),
        target.view(),
        &config,
        &mut stop_at_three,
    )
    .unwrap();
    assert!(!path.converged);
    assert_eq!(path.iterations, 3);
    assert_eq!(seen, path.history);
    assert_eq!(
        seen.iter().map(|p| p.iteration).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    // Stopped early, the path still conserves mass and keeps its endpoints.
    for frame in path.frames.outer_iter() {
        assert!((frame.sum() - 1.0).abs() < 1e-12);
    }

    let limited = GeodesicConfig {
        max_iterations: 5,
        ..config
    };
    let path = geodesic_with(&grid, source.view(), target.view(), &limited, &mut Silent).unwrap();
    assert!(!path.converged);
    assert_eq!(path.iterations, 5);
    assert_eq!(path.history.len(), 5);
}

/// A 16×16 grid with a wall along column 8, open only at rows 2 and 3.
fn walled_grid() -> (Grid, Array2<bool>) {
    let mut mask = Array2::from_elem((16, 16), false);
    mask.column_mut(8).fill(true);
    mask[[2, 8]] = false;
    mask[[3, 8]] = false;
    (
        Grid::with_obstacles(16, 16, Boundary::Neumann, mask.view()).unwrap(),
        mask,
    )
}

#[test]
fn mass_goes_through_the_gap_and_never_through_the_wall() {
    let (grid, mask) = walled_grid();
    let source = gaussian(16, 16, 11.0, 4.0, 1.2).mapv(|v| if v < 1e-12 { 0.0 } else { v });
    let target = gaussian(16, 16, 11.0, 12.0, 1.2).mapv(|v| if v < 1e-12 { 0.0 } else { v });
    let source = normalised(&(source * mask.mapv(|o| if o { 0.0 } else { 1.0 })));
    let target = normalised(&(target * mask.mapv(|o| if o { 0.0 } else { 1.0 })));
    let config = GeodesicConfig::with_steps(8);
    let path = geodesic_with(&grid, source.view(), target.view(), &config, &mut Silent).unwrap();
    assert!(path.converged, "{} iterations", path.iterations);

    // No density on the wall, no flux through any face that touches it.
    let layout = grid.face_layout();
    let kept: Vec<usize> = grid.faces().iter().map(|f| f.index).collect();
    for t in 0..8 {
        for ((i, j), &blocked) in mask.indexed_iter() {
            if blocked {
                assert_eq!(path.frames[[t, i, j]], 0.0);
            }
        }
        for ((i, j), &m) in path.vertical_momentum.index_axis(Axis(0), t).indexed_iter() {
            if !kept.contains(&layout.vertical(i, j)) {
                assert_eq!(m, 0.0, "vertical face ({i}, {j}) at step {t}");
            }
        }
        for ((i, j), &m) in path
            .horizontal_momentum
            .index_axis(Axis(0), t)
            .indexed_iter()
        {
            if !kept.contains(&layout.horizontal(i, j)) {
                assert_eq!(m, 0.0, "horizontal face ({i}, {j}) at step {t}");
            }
        }
    }
    // All the mass crosses the wall's column, through its two open rows: the time integral of
    // the flux across the faces between columns 8 and 9 is the mass moved.
    let crossing: f64 = path.horizontal_momentum.slice(s![.., 2..4, 9]).sum() / 8.0;
    assert!(
        (crossing - 1.0).abs() < 0.01,
        "flux through the gap {crossing}"
    );
    // Going round the wall is longer than the straight line (8 px).
    assert!(path.w2_squared > 1.5 * 64.0, "W2² = {}", path.w2_squared);
    // Half way, the mass is near the gap rather than where a straight line would put it.
    let half = path.frames.index_axis(Axis(0), 4);
    let upper_half: f64 = half.slice(s![..8, ..]).sum();
    assert!(
        upper_half > 0.5,
        "mass in the upper half at t = 1/2: {upper_half}"
    );
}

/// `T·J` of dotae-energy on the solver's frames (negative rounding dust clipped to zero).
fn path_energy_w2(path: &Geodesic, grid: Grid) -> f64 {
    let frames: Array3<f64> = path.frames.mapv(|v| v.max(0.0));
    let energy = PathEnergy::new(
        grid,
        PathEnergyConfig::default()
            .normalized(1.0)
            .relative_floor(1e-6),
    )
    .unwrap();
    energy
        .evaluate(frames.view(), dotae_energy::Request::ENERGY)
        .unwrap()
        .w2_estimate()
}

#[test]
fn dotae_energy_measures_the_same_action() {
    let (n, steps) = (16, 8);
    let source = gaussian(n, n, 5.0, 6.0, 1.6);
    let target = gaussian(n, n, 10.0, 9.0, 1.6);
    let path = geodesic(source.view(), target.view(), steps).unwrap();
    assert!(path.converged);
    let measured = path_energy_w2(&path, Grid::new(n, n, Boundary::Neumann).unwrap());
    let relative = (measured - path.w2_squared).abs() / path.w2_squared;
    // Two discretisations of the same action: face-based weights and the per-step minimal
    // flux (dotae-energy) against cell-centred interpolation (the splitting).
    assert!(
        relative < 0.03,
        "T·J = {measured}, W2² = {}, relative difference {relative}",
        path.w2_squared
    );
}

#[test]
fn bad_inputs_are_typed_errors() {
    let good = gaussian(6, 6, 2.0, 2.0, 1.0);
    let other = gaussian(6, 6, 3.0, 3.0, 1.0);
    let run = |s: &Array2<f64>, t: &Array2<f64>| geodesic(s.view(), t.view(), 4);

    let mut negative = good.clone();
    negative[[1, 2]] = -0.1;
    assert!(matches!(
        run(&negative, &other),
        Err(OtError::Negative { what: "source", ref index, .. }) if *index == vec![1, 2]
    ));
    let mut nan = other.clone();
    nan[[0, 5]] = f64::NAN;
    assert!(matches!(
        run(&good, &nan),
        Err(OtError::NonFinite { what: "target", .. })
    ));
    assert!(matches!(
        run(&good, &Array2::zeros((6, 6))),
        Err(OtError::ZeroMass { what: "target" })
    ));
    assert!(matches!(
        run(&good, &gaussian(6, 7, 2.0, 2.0, 1.0)),
        Err(OtError::Shape { what: "target", ref found, .. }) if *found == vec![6, 7]
    ));
    assert!(matches!(
        run(&Array2::zeros((0, 3)), &good),
        Err(OtError::Empty { what: "source" })
    ));
    assert!(matches!(
        geodesic(good.view(), other.view(), 0),
        Err(OtError::Parameter { name: "steps", .. })
    ));

    let grid = Grid::new(6, 6, Boundary::Neumann).unwrap();
    let with = |config: GeodesicConfig| {
        geodesic_with(&grid, good.view(), other.view(), &config, &mut Silent)
    };
    for (config, name) in [
        (
            GeodesicConfig {
                tolerance: 0.0,
                ..Default::default()
            },
            "tolerance",
        ),
        (
            GeodesicConfig {
                step_size: f64::NAN,
                ..Default::default()
            },
            "step_size",
        ),
        (
            GeodesicConfig {
                relaxation: 2.0,
                ..Default::default()
            },
            "relaxation",
        ),
        (
            GeodesicConfig {
                max_iterations: 0,
                ..Default::default()
            },
            "max_iterations",
        ),
    ] {
        assert!(
            matches!(with(config), Err(OtError::Parameter { name: n, .. }) if n == name),
            "{name}"
        );
    }
    for boundary in [Boundary::Dirichlet, Boundary::Periodic] {
        let grid = Grid::new(6, 6, boundary).unwrap();
        let config = GeodesicConfig::default();
        assert!(matches!(
            geodesic_with(&grid, good.view(), other.view(), &config, &mut Silent),
            Err(OtError::Infeasible { .. })
        ));
    }
}

#[test]
fn obstacles_reject_mass_on_them_and_separated_mass() {
    let (grid, _) = walled_grid();
    let config = GeodesicConfig::with_steps(4);
    let left = gaussian(16, 16, 11.0, 4.0, 1.0);
    let right = gaussian(16, 16, 11.0, 12.0, 1.0);
    // The Gaussians' tails touch the wall's cells.
    let err = geodesic_with(&grid, left.view(), right.view(), &config, &mut Silent).unwrap_err();
    assert!(
        matches!(&err, OtError::Infeasible { what: "source", reason } if reason.contains("obstacle cell")),
        "{err}"
    );

    // A closed wall separates the halves: mass on the left cannot reach the right.
    let mut closed = Array2::from_elem((16, 16), false);
    closed.column_mut(8).fill(true);
    let grid = Grid::with_obstacles(16, 16, Boundary::Neumann, closed.view()).unwrap();
    let free = closed.mapv(|o| if o { 0.0 } else { 1.0 });
    let (left, right) = (&left * &free, &right * &free);
    let err = geodesic_with(&grid, left.view(), right.view(), &config, &mut Silent).unwrap_err();
    assert!(
        matches!(
            &err,
            OtError::Infeasible {
                what: "transport from source to target",
                ..
            }
        ),
        "{err}"
    );
    // Balanced within each region, the same wall is fine.
    let both = normalised(&(&left + &right));
    let path = geodesic_with(&grid, both.view(), both.view(), &config, &mut Silent).unwrap();
    assert!(path.w2_squared < 1e-12);
}

/// A random image of `rows × cols` without vacuum: values in [0.05, 1]. (The frames can still
/// dip below zero, by more with empty regions; see `Geodesic::frames`.)
fn image(rows: usize, cols: usize) -> impl Strategy<Value = Array2<f64>> {
    prop::collection::vec(0.05f64..1.0, rows * cols)
        .prop_map(move |v| Array2::from_shape_vec((rows, cols), v).unwrap())
}

fn problem() -> impl Strategy<Value = (Array2<f64>, Array2<f64>, usize)> {
    (2usize..6, 2usize..6, 1usize..5)
        .prop_flat_map(|(rows, cols, steps)| (image(rows, cols), image(rows, cols), Just(steps)))
}

fn small_config(steps: usize) -> GeodesicConfig {
    GeodesicConfig {
        max_iterations: 3000,
        ..GeodesicConfig::with_steps(steps)
    }
}

fn solve(source: &Array2<f64>, target: &Array2<f64>, steps: usize) -> Geodesic {
    let grid = Grid::new(source.nrows(), source.ncols(), Boundary::Neumann).unwrap();
    geodesic_with(
        &grid,
        source.view(),
        target.view(),
        &small_config(steps),
        &mut Silent,
    )
    .unwrap()
}

/// Cases per property; raised by hand to look for rare counterexamples.
const CASES: u32 = 24;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn frames_keep_unit_mass_and_the_endpoints((source, target, steps) in problem()) {
        let path = solve(&source, &target, steps);
        prop_assert_eq!(path.frames.dim(), (steps + 1, source.nrows(), source.ncols()));
        for (t, frame) in path.frames.outer_iter().enumerate() {
            prop_assert!((frame.sum() - 1.0).abs() < 1e-10, "frame {} has mass {}", t, frame.sum());
        }
        // The energy sees the time averages of adjacent frames, which the solution keeps
        // non-negative; a frame on its own may dip (`Geodesic::frames`).
        for t in 0..steps {
            let average = (&path.frames.index_axis(Axis(0), t)
                + &path.frames.index_axis(Axis(0), t + 1))
                / 2.0;
            let lowest = average.iter().copied().fold(f64::INFINITY, f64::min);
            let largest = average.iter().copied().fold(0.0, f64::max);
            prop_assert!(lowest >= -1e-3 * largest, "frames {} and {} average {}", t, t + 1, lowest);
        }
        let first = path.frames.index_axis(Axis(0), 0);
        let last = path.frames.index_axis(Axis(0), steps);
        for (a, b) in first.iter().zip(normalised(&source).iter()) {
            prop_assert!((a - b).abs() <= 1e-15);
        }
        for (a, b) in last.iter().zip(normalised(&target).iter()) {
            prop_assert!((a - b).abs() <= 1e-15);
        }
        prop_assert!(path.w2_squared >= 0.0);
    }

    #[test]
    fn reversing_source_and_target_reverses_the_path((source, target, steps) in problem()) {
        let forward = solve(&source, &target, steps);
        let backward = solve(&target, &source, steps);
        let scale = forward.frames.iter().copied().fold(0.0, f64::max);
        for t in 0..=steps {
            let a = forward.frames.index_axis(Axis(0), t);
            let b = backward.frames.index_axis(Axis(0), steps - t);
            let gap = a.iter().zip(b).fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
            prop_assert!(gap <= 1e-6 * scale, "frame {}: gap {}", t, gap);
        }
        let relative = (forward.w2_squared - backward.w2_squared).abs()
            / forward.w2_squared.max(1e-12);
        prop_assert!(relative < 1e-6, "W2² {} vs {}", forward.w2_squared, backward.w2_squared);
    }
}
