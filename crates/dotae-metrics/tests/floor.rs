//! The floor check: translations of a disk (mass moves) barely notice a raised floor at any
//! position and distance, a cross-dissolve between disjoint disks (mass vanishes and reappears)
//! loses most of its energy to it, and measures whose floor cannot be raised have no check.

use dotae_data::synthetic::{cross_dissolve, disk, translation};
use dotae_energy::Floor;
use dotae_metrics::{FLOOR_SET_SHARE, FloorCheck, MeasureConfig, PathMeasure};
use ndarray::{Array4, Axis};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const SIDE: usize = 16;
const STEPS: usize = 4;

fn disk_at(center: (f64, f64)) -> ndarray::Array2<f64> {
    disk(SIDE, SIDE, center, 2.5).unwrap()
}

/// The share of `path`'s energy under the default measure that a 10× floor removes.
fn share_of(path: &Array4<f64>) -> f64 {
    let measure = PathMeasure::new(MeasureConfig::on_grid(SIDE, SIDE), None).unwrap();
    let check = FloorCheck::new(&measure).unwrap().unwrap();
    let energy = measure.measure(path.view()).unwrap().energy;
    let share = check.share(path.view(), energy).unwrap();
    assert_eq!(share.energy, energy);
    share.share()
}

#[test]
fn a_dissolve_between_disjoint_disks_is_floor_set() {
    let dissolve = cross_dissolve(
        disk_at((4.0, 4.0)).view(),
        disk_at((11.0, 11.0)).view(),
        STEPS,
    )
    .unwrap()
    .insert_axis(Axis(1));
    let share = share_of(&dissolve);
    println!("dissolve: share {share}");
    assert!((FLOOR_SET_SHARE..1.0).contains(&share), "{share}");
}

#[test]
fn measures_without_a_relative_floor_below_a_tenth_have_no_check() {
    for floor in [
        None,
        Some(Floor::Absolute(1e-3)),
        Some(Floor::Relative(0.1)),
    ] {
        let config = MeasureConfig {
            floor,
            ..MeasureConfig::on_grid(SIDE, SIDE)
        };
        let measure = PathMeasure::new(config, None).unwrap();
        assert!(FloorCheck::new(&measure).unwrap().is_none(), "{floor:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    })]

    // Mass that moves never crosses floor-only cells: raising the floor tenfold moves the
    // energy by about the floor's share of the mass, far below the threshold.
    #[test]
    fn translations_are_not_floor_set(
        from in (4.0f64..12.0, 4.0f64..12.0),
        to in (4.0f64..12.0, 4.0f64..12.0),
    ) {
        let path = translation(STEPS, from, to, |c| Ok(disk_at(c))).unwrap().insert_axis(Axis(1));
        let share = share_of(&path);
        prop_assert!(share.abs() < 1e-3, "{from:?} -> {to:?}: share {share}");
    }
}
