//! Geodesic fidelity with the optimal-transport path energy: a translated Gaussian blob is the
//! exact geodesic between its endpoints, a cross-dissolve between them is not.

use dotae_energy::{EnergyError, PathEnergy};
use dotae_metrics::{
    MetricsError, geodesic_fidelity, path_energy, w2_energy_ratio, w2_lower_bound,
};
use ndarray::{Array2, Array4, Axis, concatenate};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const SIDE: usize = 32;
const STEPS: usize = 8;
/// Horizontal shift of the blob in pixels.
const SHIFT: f64 = 8.0;
const SIGMA: f64 = 3.0;

fn blob(row: f64, col: f64) -> Array2<f64> {
    Array2::from_shape_fn((SIDE, SIDE), |(r, c)| {
        let d2 = (r as f64 - row).powi(2) + (c as f64 - col).powi(2);
        (-d2 / (2.0 * SIGMA * SIGMA)).exp()
    })
}

/// The blob translated from column 12 to column 12 + SHIFT on row 16, in `STEPS` equal steps,
/// shape `(STEPS + 1, 1, 32, 32)`. Its nearest edge is 12 pixels = 4σ away.
fn translation() -> Array4<f64> {
    Array4::from_shape_fn((STEPS + 1, 1, SIDE, SIDE), |(t, _, r, c)| {
        let col = 12.0 + SHIFT * t as f64 / STEPS as f64;
        blob(16.0, col)[[r, c]]
    })
}

/// The pixel-wise blend of the translation's endpoints.
fn cross_dissolve() -> Array4<f64> {
    let (a, b) = (blob(16.0, 12.0), blob(16.0, 12.0 + SHIFT));
    Array4::from_shape_fn((STEPS + 1, 1, SIDE, SIDE), |(t, _, r, c)| {
        let s = t as f64 / STEPS as f64;
        (1.0 - s) * a[[r, c]] + s * b[[r, c]]
    })
}

fn operator() -> PathEnergy {
    PathEnergy::unit_mass(SIDE, SIDE).unwrap()
}

#[test]
fn a_translation_against_itself_is_perfect() {
    let path = translation();
    let fidelity = geodesic_fidelity(path.view(), path.view(), &operator()).unwrap();
    assert_eq!(fidelity.energy, fidelity.reference_energy);
    assert_eq!(fidelity.energy_ratio, 1.0);
    assert_eq!(
        (fidelity.frame_mse.mean, fidelity.frame_mse.std),
        (0.0, 0.0)
    );
}

#[test]
fn a_cross_dissolve_costs_more_than_the_translation() {
    let operator = operator();
    let fidelity =
        geodesic_fidelity(cross_dissolve().view(), translation().view(), &operator).unwrap();
    println!("{fidelity:?}");
    assert!(fidelity.energy_ratio > 1.5, "{fidelity:?}");
    assert!(fidelity.frame_mse.mean > 0.0);
    // Endpoints agree, so the first and last frame errors are 0 and the spread is positive.
    assert!(fidelity.frame_mse.std > 0.0);
    let ratio = w2_energy_ratio(cross_dissolve().view(), &operator, SHIFT * SHIFT).unwrap();
    assert!(ratio > 1.5, "{ratio}");
}

/// For unit-mass frames on a grid in pixels, T·J of a translation estimates W₂² = |shift|².
/// The tolerance of 2 % is the discretisation error dotae-energy's own calibration allows for
/// this blob (σ = 3 px, so the finite-volume error O(h²/σ²) is small) with 4σ of margin to the
/// Dirichlet border; the measured error is printed.
#[test]
fn t_times_energy_of_a_translation_is_its_squared_shift() {
    let operator = operator();
    let ratio = w2_energy_ratio(translation().view(), &operator, SHIFT * SHIFT).unwrap();
    let energy = path_energy(translation().view(), &operator).unwrap();
    println!(
        "T·J = {:.4}, |shift|² = {}, ratio {ratio:.5}",
        STEPS as f64 * energy,
        SHIFT * SHIFT
    );
    assert!((ratio - 1.0).abs() < 0.02, "{ratio}");
    assert!((STEPS as f64 * energy / (SHIFT * SHIFT) - ratio).abs() < 1e-12);
}

#[test]
fn channels_are_separate_densities_whose_energies_add() {
    let operator = operator();
    let one = translation();
    let reversed = one.slice(ndarray::s![..;-1, .., .., ..]).to_owned();
    let two = concatenate![Axis(1), one, reversed];
    let single = path_energy(one.view(), &operator).unwrap();
    let both = path_energy(two.view(), &operator).unwrap();
    // The reversed channel has the same energy (midpoint weights are symmetric in time).
    assert!(
        (both - 2.0 * single).abs() < 1e-9 * single,
        "{both} vs 2 × {single}"
    );
    // Brightness per channel does not matter with unit-mass rescaling.
    let scaled = concatenate![Axis(1), one.mapv(|v| 5.0 * v), reversed];
    assert!((path_energy(scaled.view(), &operator).unwrap() - both).abs() < 1e-9 * both);
}

#[test]
fn errors_name_the_input_and_channel() {
    let operator = operator();
    let mut negative = concatenate![Axis(1), translation(), translation()];
    negative[[3, 1, 5, 6]] = -0.5;
    match path_energy(negative.view(), &operator) {
        Err(MetricsError::Energy {
            input: "path",
            channel: Some(1),
            source:
                EnergyError::Negative {
                    frame: 3,
                    row: 5,
                    col: 6,
                    ..
                },
        }) => {}
        other => panic!("unexpected {other:?}"),
    }
    let message = path_energy(negative.view(), &operator)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("path, channel 1") && message.contains("negative"),
        "{message}"
    );

    let small = Array4::<f64>::ones((3, 1, 16, 16));
    assert!(matches!(
        path_energy(small.view(), &operator),
        Err(MetricsError::Energy {
            input: "path",
            channel: Some(0),
            source: EnergyError::FrameSize { .. }
        })
    ));
    let single = translation().slice(ndarray::s![..1, .., .., ..]).to_owned();
    assert!(matches!(
        path_energy(single.view(), &operator),
        Err(MetricsError::TooFewFrames {
            input: "path",
            frames: 1,
            min: 2
        })
    ));
    let no_channels = Array4::<f64>::zeros((3, 0, SIDE, SIDE));
    assert!(matches!(
        path_energy(no_channels.view(), &operator),
        Err(MetricsError::Empty { input: "path", .. })
    ));
    let mut nan = translation();
    nan[[2, 0, 1, 1]] = f64::NAN;
    assert!(matches!(
        geodesic_fidelity(translation().view(), nan.view(), &operator),
        Err(MetricsError::NonFinite {
            input: "reference",
            ..
        })
    ));
    let still = Array4::from_shape_fn((3, 1, SIDE, SIDE), |(_, _, r, c)| blob(16.0, 16.0)[[r, c]]);
    let moving = translation().slice(ndarray::s![..3, .., .., ..]).to_owned();
    assert!(matches!(
        geodesic_fidelity(moving.view(), still.view(), &operator),
        Err(MetricsError::Undefined {
            input: "reference",
            ..
        })
    ));
    assert!(matches!(
        geodesic_fidelity(moving.view(), translation().view(), &operator),
        Err(MetricsError::ShapeMismatch {
            left_name: "path",
            right_name: "reference",
            ..
        })
    ));
    for bad in [0.0, -1.0, f64::NAN] {
        assert!(matches!(
            w2_energy_ratio(translation().view(), &operator, bad),
            Err(MetricsError::InvalidValue {
                name: "w2_squared",
                ..
            })
        ));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/geodesic.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// On random positive paths: the energy of a multi-channel path is the sum of its channels'
    /// energies, and the energy ratio of a path against itself is 1.
    #[test]
    fn channel_energies_add(values in prop::collection::vec(0.05f64..1.0, 3 * 2 * 8 * 8)) {
        let operator = PathEnergy::unit_mass(8, 8).unwrap();
        let path = Array4::from_shape_vec((3, 2, 8, 8), values).unwrap();
        let total = path_energy(path.view(), &operator).unwrap();
        let parts: f64 = (0..2)
            .map(|c| path_energy(path.slice(ndarray::s![.., c..c + 1, .., ..]), &operator).unwrap())
            .sum();
        prop_assert!((total - parts).abs() <= 1e-12 * total.max(1e-300), "{} vs {}", total, parts);
        let itself = geodesic_fidelity(path.view(), path.view(), &operator).unwrap();
        prop_assert_eq!(itself.energy_ratio, 1.0);
    }

    /// A translated image's W₂² is the squared shift, and the centres' bound attains it.
    /// (The discrete energy of a two-frame jump is no upper bound to compare it with: on
    /// random 5×5 images it fell below the bound, 0.81 against 1.11.)
    #[test]
    fn the_centre_shift_bound_is_exact_for_translations(
        values in prop::collection::vec(0.05f64..1.0, 5 * 5),
        shift in (0usize..4, 0usize..4),
    ) {
        let image = Array2::from_shape_vec((5, 5), values).unwrap();
        let mut first = ndarray::Array3::zeros((1, 9, 9));
        let mut last = ndarray::Array3::zeros((1, 9, 9));
        first.slice_mut(ndarray::s![0, 0..5, 0..5]).assign(&image);
        last.slice_mut(ndarray::s![0, shift.0..shift.0 + 5, shift.1..shift.1 + 5]).assign(&image);
        let squared = (shift.0 * shift.0 + shift.1 * shift.1) as f64;
        let bound = w2_lower_bound(first.view(), last.view()).unwrap();
        prop_assert!((bound - squared).abs() <= 1e-9 * (1.0 + squared), "{} vs {}", bound, squared);
        // Scaling either image does not move its centre.
        let scaled = w2_lower_bound((&first * 3.0).view(), last.view()).unwrap();
        prop_assert!((scaled - bound).abs() <= 1e-9 * (1.0 + squared));
    }
}

#[test]
fn the_centre_shift_bound_needs_frames_of_one_shape() {
    let small = ndarray::Array3::<f64>::ones((1, 4, 4));
    let large = ndarray::Array3::<f64>::ones((1, 5, 4));
    assert!(matches!(
        w2_lower_bound(small.view(), large.view()),
        Err(MetricsError::ShapeMismatch { .. })
    ));
    // A channel without mass adds nothing.
    let dark = ndarray::Array3::<f64>::zeros((1, 4, 4));
    assert_eq!(w2_lower_bound(dark.view(), small.view()).unwrap(), 0.0);
}
