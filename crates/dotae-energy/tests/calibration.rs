//! `T·J` of an exact translation against the known W₂², and the cross-dissolve against it.

use dotae_data::synthetic::{cross_dissolve, gaussian, translation};
use dotae_energy::PathEnergy;
use ndarray::Axis;

#[test]
fn translated_gaussian_costs_its_squared_distance() {
    let (steps, shift) = (8, 8.0);
    let path = translation(steps, (16.0, 12.0), (16.0, 12.0 + shift), |c| {
        gaussian(32, 32, c, 3.0)
    })
    .unwrap();
    let operator = PathEnergy::unit_mass(32, 32).unwrap();
    let geodesic = operator.evaluate(path.view(), Default::default()).unwrap();
    let w2 = geodesic.w2_estimate();
    assert!(
        (w2 - shift * shift).abs() / (shift * shift) < 0.02,
        "T·J = {w2}, expected ≈ {}",
        shift * shift
    );

    let first = path.index_axis(Axis(0), 0);
    let last = path.index_axis(Axis(0), steps);
    let dissolve = cross_dissolve(first, last, steps).unwrap();
    let fading = operator
        .evaluate(dissolve.view(), Default::default())
        .unwrap();
    let ratio = fading.w2_estimate() / w2;
    println!(
        "translation T·J = {w2:.3} (d² = {}), cross-dissolve T·J = {:.3}, ratio {ratio:.3}",
        shift * shift,
        fading.w2_estimate()
    );
    assert!(
        ratio >= 1.5,
        "cross-dissolve costs only {ratio}× the translation"
    );
}
