//! Bad input is a typed error that names the problem, never a panic.

use dotae_energy::{
    Boundary, EnergyError, Floor, Grid, GridError, PathEnergy, PathEnergyConfig, mass_on_obstacles,
};
use ndarray::{Array2, Array3};

fn uniform(frames: usize) -> Array3<f64> {
    Array3::from_elem((frames, 4, 4), 0.5)
}

fn dirichlet() -> PathEnergy {
    PathEnergy::new(
        Grid::new(4, 4, Boundary::Dirichlet).unwrap(),
        PathEnergyConfig::default(),
    )
    .unwrap()
}

#[test]
fn non_finite_values_are_rejected() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut path = uniform(3);
        path[[1, 2, 3]] = bad;
        let err = dirichlet().energy(path.view()).unwrap_err();
        assert!(
            matches!(
                err,
                EnergyError::NonFinite {
                    frame: 1,
                    row: 2,
                    col: 3,
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn negative_values_are_rejected() {
    let mut path = uniform(3);
    path[[2, 0, 1]] = -0.1;
    let err = dirichlet().energy(path.view()).unwrap_err();
    assert!(matches!(
        err,
        EnergyError::Negative {
            frame: 2,
            row: 0,
            col: 1,
            ..
        }
    ));
    assert!(err.to_string().contains("negative density"));
}

#[test]
fn zero_mass_frames_are_rejected() {
    let mut path = uniform(3);
    path.index_axis_mut(ndarray::Axis(0), 1).fill(0.0);
    assert_eq!(
        dirichlet().energy(path.view()).unwrap_err(),
        EnergyError::ZeroMass { frame: 1 }
    );
}

#[test]
fn a_frame_too_light_to_rescale_is_named_with_its_mass() {
    // Subnormal values: 1 / mass overflows f64, so unit mass cannot be reached.
    let mut path = uniform(3);
    let light = path.index_axis(ndarray::Axis(0), 1).mapv(|v| v * 1e-310);
    path.index_axis_mut(ndarray::Axis(0), 1).assign(&light);
    let operator = unit_mass_with(PathEnergyConfig::default().relative_floor(1e-6));
    let err = operator.energy(path.view()).unwrap_err();
    assert!(
        matches!(err, EnergyError::MassTooSmall { frame: 1, target: 1.0, mass } if mass > 0.0 && mass < 1e-300),
        "{err}"
    );
    assert!(err.to_string().contains("scale the frames up"), "{err}");
    // The mirror image: values near the largest f64 whose sum overflows.
    let heavy = uniform(3).mapv(|v| v * 1.7e308);
    let err = operator.energy(heavy.view()).unwrap_err();
    assert_eq!(err, EnergyError::MassOverflow { frame: 0 });
    assert!(err.to_string().contains("scale the frames down"), "{err}");
    // A light frame of normal values measures as it does at mass 1.
    let moving = Array3::from_shape_fn(
        (3, 4, 4),
        |(t, i, j)| {
            if (i, j) == (1, t) { 1.0 } else { 0.1 }
        },
    );
    let mut light = moving.clone();
    light
        .index_axis_mut(ndarray::Axis(0), 1)
        .mapv_inplace(|v| v * 1e-300);
    let unit = operator.energy(moving.view()).unwrap();
    let rescaled = operator.energy(light.view()).unwrap();
    assert!(
        unit > 0.0 && (unit - rescaled).abs() <= 1e-9 * unit,
        "{unit} vs {rescaled}"
    );
}

#[test]
fn a_floor_makes_an_empty_frame_measurable() {
    let mut path = uniform(3);
    path.index_axis_mut(ndarray::Axis(0), 1).fill(0.0);
    let floored = PathEnergy::new(
        Grid::new(4, 4, Boundary::Dirichlet).unwrap(),
        PathEnergyConfig::default().normalized(1.0).floor(1e-3),
    )
    .unwrap();
    let energy = floored.energy(path.view()).unwrap();
    assert!(energy.is_finite() && energy > 0.0, "{energy}");
}

/// A unit-mass operator on a 4×4 Dirichlet grid with the floor of `config`.
fn unit_mass_with(config: PathEnergyConfig) -> PathEnergy {
    PathEnergy::new(
        Grid::new(4, 4, Boundary::Dirichlet).unwrap(),
        config.normalized(1.0),
    )
    .unwrap()
}

#[test]
fn a_relative_floor_leaves_an_empty_frame_an_error_naming_it() {
    let mut path = uniform(3);
    path.index_axis_mut(ndarray::Axis(0), 2).fill(0.0);
    let relative = unit_mass_with(PathEnergyConfig::default().relative_floor(1e-6));
    let err = relative.energy(path.view()).unwrap_err();
    assert_eq!(err, EnergyError::ZeroMass { frame: 2 });
    assert!(err.to_string().contains("frame 2"), "{err}");
}

#[test]
fn a_relative_floor_follows_the_scale_of_each_frame() {
    // Two frames with one empty cell each, at scales 1 and 1000: the same relative floor raises
    // the empty cell to the same fraction of each frame's mean, so normalised energies agree.
    let mut path = uniform(2);
    path[[0, 1, 1]] = 0.0;
    path[[1, 2, 2]] = 0.0;
    let operator = unit_mass_with(PathEnergyConfig::default().relative_floor(1e-2));
    let unit = operator.energy(path.view()).unwrap();
    let scaled = operator.energy((&path * 1000.0).view()).unwrap();
    assert!((unit - scaled).abs() <= 1e-12 * unit, "{unit} vs {scaled}");
    // An absolute floor of the same size at scale 1 does not follow the scale.
    let absolute = unit_mass_with(PathEnergyConfig::default().floor(1e-2 * 0.5 * 15.0 / 16.0));
    let absolute_unit = absolute.energy(path.view()).unwrap();
    let absolute_scaled = absolute.energy((&path * 1000.0).view()).unwrap();
    assert!((absolute_unit - unit).abs() <= 1e-12 * unit);
    assert!((absolute_unit - absolute_scaled).abs() > 1e-6 * unit);
}

#[test]
fn relative_floors_must_lie_below_the_mean_and_be_alone() {
    let grid = Grid::new(4, 4, Boundary::Dirichlet).unwrap();
    // At 1 or above the floor is the mean density or more: every frame is flattened.
    for bad in [0.0, -1e-6, f64::NAN, f64::INFINITY, 1.0, 5.0] {
        let err = PathEnergy::new(
            grid.clone(),
            PathEnergyConfig::default().relative_floor(bad),
        )
        .unwrap_err();
        assert!(
            matches!(err, EnergyError::InvalidRelativeFloor { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("relative_floor"), "{err}");
    }
    let both = PathEnergyConfig {
        floor: Some(1e-3),
        relative_floor: Some(1e-6),
        ..Default::default()
    };
    let err = PathEnergy::new(grid, both).unwrap_err();
    assert_eq!(
        err,
        EnergyError::ConflictingFloors {
            floor: 1e-3,
            factor: 1e-6
        }
    );
    // The builders replace one floor by the other instead of setting both.
    let config = PathEnergyConfig::default().floor(1e-3).relative_floor(1e-6);
    assert_eq!(config.floor_rule(), Some(Floor::Relative(1e-6)));
    let config = config.floor(1e-3);
    assert_eq!(config.floor_rule(), Some(Floor::Absolute(1e-3)));
}

#[test]
fn a_path_needs_two_frames_of_the_grid_size() {
    assert_eq!(
        dirichlet().energy(uniform(1).view()).unwrap_err(),
        EnergyError::TooFewFrames { frames: 1 }
    );
    let wrong = Array3::from_elem((3, 4, 5), 0.5);
    let err = dirichlet().energy(wrong.view()).unwrap_err();
    assert!(
        err.to_string()
            .contains("path frames are 4x5, but the operator's grid is 4x4"),
        "{err}"
    );
}

#[test]
fn batch_errors_name_the_path() {
    let mut paths = ndarray::Array4::from_elem((3, 3, 4, 4), 0.5);
    paths[[2, 0, 0, 0]] = f64::NAN;
    let err = dirichlet()
        .evaluate_batch(paths.view(), Default::default())
        .unwrap_err();
    assert!(matches!(err, EnergyError::InPath { path: 2, .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("path 2: frame 0 has a non-finite value")
    );
}

#[test]
fn bad_obstacle_masks_are_rejected() {
    let wrong = Array2::from_elem((3, 4), false);
    let err = Grid::with_obstacles(4, 4, Boundary::Dirichlet, wrong.view()).unwrap_err();
    assert!(matches!(err, GridError::MaskShape { .. }));
    let full = Array2::from_elem((4, 4), true);
    let err = Grid::with_obstacles(4, 4, Boundary::Dirichlet, full.view()).unwrap_err();
    assert!(err.to_string().contains("covers all 16 cells"));
}

#[test]
fn tau_must_be_positive() {
    for tau in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let grid = Grid::new(4, 4, Boundary::Dirichlet).unwrap();
        let err = PathEnergy::new(grid, PathEnergyConfig::default().unbalanced(tau)).unwrap_err();
        assert!(matches!(err, EnergyError::InvalidTau { .. }), "{err}");
    }
}

#[test]
fn conserving_boundaries_reject_mass_changes() {
    for boundary in [Boundary::Neumann, Boundary::Periodic] {
        let op = PathEnergy::new(
            Grid::new(4, 4, boundary).unwrap(),
            PathEnergyConfig::default(),
        )
        .unwrap();
        let mut path = uniform(3);
        path[[2, 1, 1]] = 0.9;
        let err = op.energy(path.view()).unwrap_err();
        assert!(
            matches!(
                err,
                EnergyError::MassNotConserved {
                    step: 1,
                    region: 0,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains(boundary.name()));
        // Normalising to a standard mass makes the same path valid.
        let normalised = PathEnergy::new(
            Grid::new(4, 4, boundary).unwrap(),
            PathEnergyConfig::default().normalized(1.0),
        )
        .unwrap();
        assert!(normalised.energy(path.view()).unwrap() > 0.0);
    }
}

#[test]
fn zero_density_that_must_carry_mass_is_reported() {
    // Two frames with disjoint supports: mass would have to cross zero-density cells.
    let mut path = Array3::zeros((2, 4, 4));
    path[[0, 0, 0]] = 1.0;
    path[[1, 3, 3]] = 1.0;
    let err = dirichlet().energy(path.view()).unwrap_err();
    assert!(
        matches!(err, EnergyError::NotPositiveDefinite { step: 0 }),
        "{err}"
    );
}

#[test]
fn a_floor_makes_disjoint_supports_measurable() {
    let mut path = Array3::zeros((2, 4, 4));
    path[[0, 0, 0]] = 1.0;
    path[[1, 3, 3]] = 1.0;
    let op = PathEnergy::new(
        Grid::new(4, 4, Boundary::Dirichlet).unwrap(),
        PathEnergyConfig::default().floor(1e-3),
    )
    .unwrap();
    let (energy, gradient) = op.energy_and_gradient(path.view()).unwrap();
    assert!(energy.is_finite() && energy > 0.0);
    // Cells raised to the floor carry no gradient.
    assert_eq!(gradient[[0, 2, 2]], 0.0);
    assert!(gradient[[0, 0, 0]] != 0.0);
    let err = PathEnergy::new(
        Grid::new(4, 4, Boundary::Dirichlet).unwrap(),
        PathEnergyConfig::default().floor(0.0),
    )
    .unwrap_err();
    assert_eq!(err, EnergyError::InvalidFloor { floor: 0.0 });
}

#[test]
fn colour_channels_are_separate_densities() {
    let mut rgb = ndarray::Array4::from_elem((3, 3, 4, 4), 0.5);
    rgb[[1, 2, 1, 1]] = 0.9;
    let op = dirichlet();
    let channels = dotae_energy::channel_paths(rgb.view());
    assert_eq!(channels.len(), 3);
    let outputs = op.evaluate_many(&channels, Default::default()).unwrap();
    let gray = op.energy(rgb.index_axis(ndarray::Axis(1), 2)).unwrap();
    assert_eq!(outputs[2].energy, gray);
    assert_eq!(outputs[0].energy, 0.0);
}

#[test]
fn single_cell_grids_are_measured() {
    for boundary in Boundary::ALL {
        for config in [
            PathEnergyConfig::default(),
            PathEnergyConfig::default().unbalanced(1.0),
        ] {
            let op = PathEnergy::new(Grid::new(1, 1, boundary).unwrap(), config.clone()).unwrap();
            let path = Array3::from_shape_vec((3, 1, 1), vec![1.0, 1.0, 1.0]).unwrap();
            assert_eq!(
                op.energy(path.view()).unwrap(),
                0.0,
                "{boundary} {config:?}"
            );
        }
    }
}

#[test]
fn mass_on_obstacles_is_the_mass_measuring_would_discard() {
    let mask = Array2::from_shape_fn((4, 5), |(i, j)| j == 2 && i > 0);
    let grid = Grid::with_obstacles(4, 5, Boundary::Neumann, mask.view()).unwrap();
    let frame = Array2::from_shape_fn((4, 5), |(i, j)| (i * 5 + j) as f64);
    // Cells (1, 2), (2, 2), (3, 2): 7 + 12 + 17.
    assert_eq!(mass_on_obstacles(&grid, frame.view()).unwrap(), 36.0);
    let free = Array2::from_shape_fn((4, 5), |(i, j)| if mask[[i, j]] { 0.0 } else { 1.0 });
    assert_eq!(mass_on_obstacles(&grid, free.view()).unwrap(), 0.0);
    let err = mass_on_obstacles(&grid, Array2::zeros((5, 4)).view()).unwrap_err();
    assert!(matches!(err, EnergyError::FrameSize { .. }), "{err}");
}
