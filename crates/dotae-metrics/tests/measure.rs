//! The one measuring function: calibrated on a translated Gaussian whose W₂² is known, a zero-mass
//! frame is an error naming it, the default floor barely moves a measurement, and the
//! normalised measurement ignores the paths' brightness.

use dotae_data::synthetic::{gaussian, translation};
use dotae_energy::{EnergyError, Floor};
use dotae_metrics::{
    DEFAULT_RELATIVE_FLOOR, MeasureConfig, MetricsError, PathMeasure, PathMeasurement, measure_path,
};
use ndarray::{Array2, Array4, Axis};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const STEPS: usize = 6;

/// A Gaussian of `sigma` pixels translated from `(from, from)` to `(from + shift, from + shift)`
/// in `STEPS` steps on a `side × side` image, shape `(STEPS + 1, 1, side, side)`.
fn gaussian_path(side: usize, from: f64, shift: f64, sigma: f64) -> Array4<f64> {
    translation(STEPS, (from, from), (from + shift, from + shift), |c| {
        gaussian(side, side, c, sigma)
    })
    .unwrap()
    .insert_axis(Axis(1))
}

/// Measures `path` with the default configuration on 32×32 and checks that `T·J` is within 1 %
/// of the exact W₂² = 128 of a (8, 8) px translation.
fn measures_128(path: &Array4<f64>) -> (PathMeasurement, f64) {
    let measured = measure_path(path.view(), &MeasureConfig::on_grid(32, 32), None).unwrap();
    let w2 = measured.w2_estimate.unwrap();
    assert!((w2 - 128.0).abs() < 0.01 * 128.0, "T·J = {w2}");
    (measured, w2)
}

#[test]
fn a_translated_gaussian_measures_its_squared_distance_with_the_default_config() {
    // Moved by (8, 8) px: W₂² = 8² + 8² = 128 px².
    let path = gaussian_path(32, 12.0, 8.0, 3.0);
    let (measured, w2) = measures_128(&path);
    assert_eq!(measured.steps, STEPS);
    assert_eq!(measured.per_step.len(), STEPS);
    let sum: f64 = measured.per_step.iter().sum();
    assert!((sum - measured.energy).abs() <= 1e-12 * measured.energy);
    assert_eq!(measured.per_channel, vec![measured.energy]);
    // The default floor's effect on this calibrated measurement, against a floor a million
    // times lower (the Gaussian's far tails underflow the factorisation without any floor).
    let bare = MeasureConfig {
        floor: Some(Floor::Relative(1e-12)),
        ..MeasureConfig::on_grid(32, 32)
    };
    let exact = measure_path(path.view(), &bare, None).unwrap().energy;
    let shift = (measured.energy - exact).abs() / exact;
    println!(
        "T·J = {w2}, with a 1e-12 floor {}, relative shift {shift:e}",
        STEPS as f64 * exact
    );
    assert!(shift <= 1e-6, "{shift:e}");
}

#[test]
fn an_absolute_floor_of_a_tenth_of_the_mass_biases_the_same_gaussian() {
    // The old CLI default: 1e-4 on unit-mass 32×32 frames adds about 10 % background mass.
    let path = gaussian_path(32, 12.0, 8.0, 3.0);
    let unit = path.mapv(|v| v / path.index_axis(Axis(0), 0).sum());
    let config = MeasureConfig {
        floor: Some(Floor::Absolute(1e-4)),
        ..MeasureConfig::on_grid(32, 32)
    };
    let w2 = measure_path(unit.view(), &config, None)
        .unwrap()
        .w2_estimate
        .unwrap();
    assert!(w2 < 0.95 * 128.0, "T·J = {w2}");
}

#[test]
fn finer_frames_are_area_summed_to_the_grid() {
    // The same motion rendered at twice the resolution: (16, 16) fine px = (8, 8) grid px.
    let fine = gaussian_path(64, 24.5, 16.0, 6.0);
    measures_128(&fine);
    // Area summing keeps each frame's mass: without normalisation the energy of a path and of
    // the same path scaled by the area ratio would otherwise differ.
    // Unnormalised frames differ in mass (the blob's tails are cut by the border), which only
    // a Dirichlet border lets in and out.
    let raw = MeasureConfig {
        mass: None,
        boundary: dotae_energy::Boundary::Dirichlet,
        ..MeasureConfig::on_grid(32, 32)
    };
    let coarse = fine
        .view()
        .into_shape_with_order((STEPS + 1, 1, 32, 2, 32, 2))
        .unwrap()
        .sum_axis(Axis(5))
        .sum_axis(Axis(3));
    let from_fine = measure_path(fine.view(), &raw, None).unwrap().energy;
    let from_coarse = measure_path(coarse.view(), &raw, None).unwrap().energy;
    assert!(
        (from_fine - from_coarse).abs() <= 1e-12 * from_coarse,
        "{from_fine} vs {from_coarse}"
    );
}

#[test]
fn a_zero_mass_frame_is_an_error_naming_it() {
    let mut path = gaussian_path(32, 12.0, 8.0, 3.0);
    path.index_axis_mut(Axis(0), 3).fill(0.0);
    let err = measure_path(path.view(), &MeasureConfig::on_grid(32, 32), None).unwrap_err();
    assert_eq!(
        err,
        MetricsError::Energy {
            input: "path",
            channel: Some(0),
            source: EnergyError::ZeroMass { frame: 3 },
        }
    );
    assert!(err.to_string().contains("frame 3"), "{err}");
}

#[test]
fn bad_sizes_and_configs_name_what_is_wrong() {
    let path = gaussian_path(16, 6.0, 4.0, 2.0);
    let err = measure_path(path.view(), &MeasureConfig::on_grid(32, 32), None).unwrap_err();
    assert!(
        matches!(err, MetricsError::InvalidShape { input: "path", .. }),
        "{err}"
    );
    let config = MeasureConfig {
        floor: Some(Floor::Relative(-1.0)),
        ..MeasureConfig::on_grid(16, 16)
    };
    let err = PathMeasure::new(config, None).unwrap_err();
    assert!(err.to_string().contains("relative_floor = -1"), "{err}");
    let mask = Array2::from_elem((8, 8), false);
    let err = PathMeasure::new(MeasureConfig::on_grid(16, 16), Some(mask.view())).unwrap_err();
    assert!(
        matches!(
            err,
            MetricsError::InvalidShape {
                input: "obstacles",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_wall_across_the_path_is_resampled_with_the_frames() {
    // A wall of fine pixels between the endpoints makes the path go around it: more energy.
    let fine = gaussian_path(64, 24.5, 16.0, 6.0);
    let open = PathMeasure::new(MeasureConfig::on_grid(32, 32), None).unwrap();
    let mut mask = Array2::from_elem((64, 64), false);
    for i in 0..40 {
        for j in 30..34 {
            mask[[i + 24, j]] = true;
        }
    }
    let walled = PathMeasure::new(MeasureConfig::on_grid(32, 32), Some(mask.view())).unwrap();
    let free = open.measure(fine.view()).unwrap().energy;
    let around = walled.measure(fine.view()).unwrap().energy;
    assert!(around > 1.1 * free, "{around} vs {free}");
    // Paths of another size than the mask's are rejected.
    let coarse = gaussian_path(32, 12.0, 8.0, 3.0);
    assert!(matches!(
        walled.measure(coarse.view()),
        Err(MetricsError::InvalidShape { input: "path", .. })
    ));
}

/// Random positive paths `(frames, 1, 6, 6)` whose values span eight decades, so that the floor
/// raises some cells.
fn positive_path() -> impl Strategy<Value = Array4<f64>> {
    (2usize..5).prop_flat_map(|frames| {
        prop::collection::vec(0.0f64..8.0, frames * 36).prop_map(move |exponents| {
            Array4::from_shape_vec(
                (frames, 1, 6, 6),
                exponents.iter().map(|e| 10f64.powf(-e)).collect(),
            )
            .unwrap()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    })]

    // The default floor is exactly "raise every cell below 1e-6 × its frame's mean density":
    // measuring with it equals measuring, without any floor, the path floored by hand. (How much
    // that moves the energy depends on the path: cells raised from 1e-8 of the mean can open
    // cheaper routes and lower it by 17 % on such 6×6 paths, while on frames calibrated without
    // a floor, like the Gaussians above, it moves nothing.)
    #[test]
    fn the_default_floor_raises_cells_below_a_millionth_of_the_mean(path in positive_path()) {
        let floored = measure_path(path.view(), &MeasureConfig::on_grid(6, 6), None).unwrap();
        let mut by_hand = path.clone();
        for mut frame in by_hand.outer_iter_mut() {
            let floor = DEFAULT_RELATIVE_FLOOR * frame.mean().unwrap();
            frame.mapv_inplace(|v| v.max(floor));
        }
        let bare = MeasureConfig { floor: None, ..MeasureConfig::on_grid(6, 6) };
        let expected = measure_path(by_hand.view(), &bare, None).unwrap();
        let change = (floored.energy - expected.energy).abs() / expected.energy;
        prop_assert!(change <= 1e-9, "J {} vs {} floored by hand: {change:e}", floored.energy, expected.energy);
    }

    #[test]
    fn the_normalised_measurement_ignores_brightness(path in positive_path(), scale in -3.0f64..3.0) {
        let config = MeasureConfig::on_grid(6, 6);
        let measured = measure_path(path.view(), &config, None).unwrap();
        let brighter = path.mapv(|v| v * 10f64.powf(scale));
        let scaled = measure_path(brighter.view(), &config, None).unwrap();
        prop_assert!(
            (measured.energy - scaled.energy).abs() <= 1e-9 * measured.energy,
            "J {} vs {} after scaling by 1e{scale}", measured.energy, scaled.energy
        );
    }
}
