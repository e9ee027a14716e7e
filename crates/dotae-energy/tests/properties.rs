//! Property tests of the path energy on random positive paths, for every variant, boundary
//! and time weighting.

use dotae_energy::{Boundary, Grid, PathEnergy, PathEnergyConfig, Request, TimeWeights, Variant};
use ndarray::{Array2, Array3, Axis};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    grid: Grid,
    config: PathEnergyConfig,
    path: Array3<f64>,
    direction: Array3<f64>,
}

fn variant() -> impl Strategy<Value = Variant> {
    prop_oneof![
        Just(Variant::Balanced),
        (0.05f64..20.0).prop_map(|tau| Variant::Unbalanced { tau })
    ]
}

fn grid() -> impl Strategy<Value = Grid> {
    (
        2usize..6,
        2usize..6,
        prop::sample::select(Boundary::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_flat_map(|(rows, cols, boundary, obstacles)| {
            prop::collection::vec(
                prop::bool::weighted(if obstacles { 0.25 } else { 0.0 }),
                rows * cols,
            )
            .prop_map(move |flags| {
                let mask = Array2::from_shape_vec((rows, cols), flags).unwrap();
                if mask.iter().all(|&o| o) {
                    Grid::new(rows, cols, boundary).unwrap()
                } else {
                    Grid::with_obstacles(rows, cols, boundary, mask.view()).unwrap()
                }
            })
        })
}

/// Removes, per frame and per region that conserves mass under `config`, the mean of `field`,
/// so that perturbations along it keep balanced steps compatible.
fn project_per_region(grid: &Grid, field: &mut Array3<f64>) {
    for mut frame in field.outer_iter_mut() {
        let flat = frame.as_slice_mut().unwrap();
        for region in grid.regions().iter().filter(|r| !r.anchored) {
            let mean =
                region.cells.iter().map(|&c| flat[c]).sum::<f64>() / region.cells.len() as f64;
            for &c in &region.cells {
                flat[c] -= mean;
            }
        }
    }
}

/// Removes, per frame, the mean of `field` over the anchored free cells, so that a perturbation
/// along it keeps every frame's mass. Normalising a frame rescales all its regions, so a change
/// of the frame's mass would move the mass of a region that must conserve it.
fn keep_frame_masses(grid: &Grid, field: &mut Array3<f64>) {
    let anchored: Vec<usize> = grid
        .regions()
        .iter()
        .filter(|r| r.anchored)
        .flat_map(|r| r.cells.iter().copied())
        .collect();
    if anchored.is_empty() {
        return;
    }
    for mut frame in field.outer_iter_mut() {
        let flat = frame.as_slice_mut().unwrap();
        let mean = anchored.iter().map(|&c| flat[c]).sum::<f64>() / anchored.len() as f64;
        for &c in &anchored {
            flat[c] -= mean;
        }
    }
}

/// Rescales each region of every frame to the mass it has in the first frame.
fn equalise_region_masses(grid: &Grid, path: &mut Array3<f64>) {
    let first: Vec<f64> = {
        let f = path.index_axis(Axis(0), 0);
        let flat = f.as_slice().unwrap();
        grid.regions()
            .iter()
            .map(|r| r.cells.iter().map(|&c| flat[c]).sum())
            .collect()
    };
    for mut frame in path.outer_iter_mut() {
        let flat = frame.as_slice_mut().unwrap();
        for (region, &target) in grid.regions().iter().zip(&first) {
            let mass: f64 = region.cells.iter().map(|&c| flat[c]).sum();
            for &c in &region.cells {
                flat[c] *= target / mass;
            }
        }
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        grid(),
        variant(),
        prop::sample::select(TimeWeights::ALL.to_vec()),
        any::<bool>(),
        0u8..3,
        1usize..4,
    )
        .prop_flat_map(|(grid, variant, time_weights, normalise, floored, steps)| {
            let cells = grid.cells();
            let len = (steps + 1) * cells;
            (
                Just(grid),
                Just(variant),
                Just(time_weights),
                Just(normalise),
                Just(floored),
                prop::collection::vec(0.2f64..1.0, len),
                prop::collection::vec(-1.0f64..1.0, len),
                Just(steps),
            )
                .prop_map(
                    |(grid, variant, time_weights, normalise, floored, values, dir, steps)| {
                        let shape = (steps + 1, grid.rows(), grid.cols());
                        let mut path = Array3::from_shape_vec(shape, values).unwrap();
                        let mut direction = Array3::from_shape_vec(shape, dir).unwrap();
                        for (c, &blocked) in grid.obstacle_flags().iter().enumerate() {
                            if blocked {
                                let (i, j) = (c / grid.cols(), c % grid.cols());
                                path.slice_mut(ndarray::s![.., i, j]).fill(0.0);
                                direction.slice_mut(ndarray::s![.., i, j]).fill(0.0);
                            }
                        }
                        equalise_region_masses(&grid, &mut path);
                        project_per_region(&grid, &mut direction);
                        if normalise {
                            keep_frame_masses(&grid, &mut direction);
                        }
                        let mut config = PathEnergyConfig {
                            variant,
                            time_weights,
                            ..Default::default()
                        };
                        if normalise {
                            config = config.normalized(1.0);
                        }
                        // A floor inside the value range exercises the threshold's zero gradient;
                        // balanced unanchored regions need mass-conserving frames, which the
                        // floor would break.
                        // The relative factor puts the floor near 0.3 too (values average 0.6), and
                        // its gradient runs through each frame's mass as well.
                        if floored > 0
                            && (grid.regions().iter().all(|r| r.anchored)
                                || matches!(variant, Variant::Unbalanced { .. }))
                        {
                            config = match floored {
                                1 => config.floor(0.3),
                                _ => config.relative_floor(0.5),
                            };
                        }
                        Case {
                            grid,
                            config,
                            path,
                            direction,
                        }
                    },
                )
        })
}

/// Whether a free value lies within `margin` of its frame's floor, where the energy has a
/// kink. The relative floor is `factor ×` the frame's mean over the free cells, before any
/// normalisation, as the operator applies it.
fn near_a_kink(case: &Case, margin: f64) -> bool {
    let obstacle = case.grid.obstacle_flags();
    let free = obstacle.iter().filter(|&&blocked| !blocked).count().max(1) as f64;
    case.path.outer_iter().any(|frame| {
        let flat = frame.as_slice().unwrap();
        let free_values = || {
            flat.iter()
                .zip(obstacle)
                .filter(|(_, blocked)| !**blocked)
                .map(|(&v, _)| v)
        };
        let threshold = match (case.config.floor, case.config.relative_floor) {
            (Some(floor), _) => floor,
            (None, Some(factor)) => factor * free_values().sum::<f64>() / free,
            (None, None) => return false,
        };
        free_values().any(|v| (v - threshold).abs() < margin)
    })
}

fn operator(case: &Case) -> PathEnergy {
    PathEnergy::new(case.grid.clone(), case.config.clone()).unwrap()
}

fn norm(a: &Array3<f64>) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn gradient_matches_central_differences(case in case()) {
        let op = operator(&case);
        let (_, gradient) = op.energy_and_gradient(case.path.view()).unwrap();
        let v = &case.direction;
        let h = 1e-6;
        let plus = op.energy((&case.path + &(v * h)).view()).unwrap();
        let minus = op.energy((&case.path - &(v * h)).view()).unwrap();
        let numeric = (plus - minus) / (2.0 * h);
        let analytic = (&gradient * v).sum();
        let scale = norm(&gradient) * norm(v);
        // Relative to the directional scale, plus the round-off of the difference quotient.
        let roundoff = 1e-9 * (1.0 + plus.abs());
        // Within h of a floor's kink no difference quotient is a derivative.
        prop_assume!(!near_a_kink(&case, 10.0 * h));
        prop_assert!(
            (numeric - analytic).abs() <= 1e-5 * scale + roundoff,
            "directional derivative: analytic {analytic}, numeric {numeric}, scale {scale}"
        );
    }

    #[test]
    fn energy_is_non_negative_and_zero_on_constant_paths(case in case()) {
        let op = operator(&case);
        prop_assert!(op.energy(case.path.view()).unwrap() >= 0.0);
        let first = case.path.index_axis(Axis(0), 0).to_owned();
        let constant = ndarray::stack(Axis(0), &[first.view(), first.view(), first.view()]).unwrap();
        prop_assert_eq!(op.energy(constant.view()).unwrap(), 0.0);
    }

    #[test]
    fn midpoint_energy_is_symmetric_under_reversal(case in case()) {
        let config = case.config.clone().time_weights(TimeWeights::Midpoint);
        let op = PathEnergy::new(case.grid.clone(), config).unwrap();
        let forward = op.energy(case.path.view()).unwrap();
        let mut reversed = case.path.clone();
        reversed.invert_axis(Axis(0));
        let backward = op.energy(reversed.view()).unwrap();
        prop_assert!((forward - backward).abs() <= 1e-10 * forward.max(1e-300), "{forward} vs {backward}");
    }

    #[test]
    fn unbalanced_energy_is_below_balanced_and_tends_to_it(case in case(), tau in 0.01f64..10.0) {
        // The floor breaks the mass conservation the balanced energy needs on closed regions.
        let config = PathEnergyConfig { floor: None, relative_floor: None, ..case.config.clone() };
        let balanced = PathEnergy::new(case.grid.clone(), PathEnergyConfig { variant: Variant::Balanced, ..config.clone() })
            .unwrap()
            .energy(case.path.view())
            .unwrap();
        let unbalanced = |tau: f64| {
            PathEnergy::new(case.grid.clone(), config.clone().unbalanced(tau))
                .unwrap()
                .energy(case.path.view())
                .unwrap()
        };
        let (small, large, huge) = (unbalanced(tau), unbalanced(10.0 * tau), unbalanced(1e9));
        // Absolute part: round-off of mass-equalised frames on single-cell regions.
        let slack = 1e-10 * balanced + 1e-24;
        prop_assert!(small <= large + slack, "J(τ={tau}) = {small} > J(10τ) = {large}");
        prop_assert!(large <= balanced + slack, "unbalanced {large} > balanced {balanced}");
        // τ·(round-off imbalance)² stays far below 1e-12 for these O(1) densities.
        prop_assert!((balanced - huge).abs() <= 1e-6 * balanced + 1e-12, "J(τ=1e9) = {huge}, balanced {balanced}");
    }

    #[test]
    fn flow_vanishes_on_removed_faces_and_solves_continuity(case in case()) {
        let op = operator(&case);
        let out = op.evaluate(case.path.view(), Request::ALL).unwrap();
        let flow = out.flow.unwrap();
        let layout = case.grid.face_layout();
        let mut kept = vec![false; layout.len()];
        for face in case.grid.faces() {
            kept[face.index] = true;
        }
        for t in 0..out.per_step.len() {
            let vertical = flow.vertical.index_axis(Axis(0), t);
            let horizontal = flow.horizontal.index_axis(Axis(0), t);
            let all: Vec<f64> = vertical.iter().chain(horizontal.iter()).copied().collect();
            for (f, &m) in all.iter().enumerate() {
                if !kept[f] {
                    prop_assert_eq!(m, 0.0, "momentum {} on removed face {}", m, f);
                }
            }
            prop_assert!(flow.residual[t] < 1e-10, "residual {}", flow.residual[t]);
        }
    }
}
