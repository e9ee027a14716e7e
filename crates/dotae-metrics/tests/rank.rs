//! Spearman's ρ: its limits and its invariance to monotone rescaling.

use dotae_metrics::{MetricsError, spearman};
use proptest::prelude::*;

#[test]
fn known_values() {
    assert_eq!(
        spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]),
        Ok(Some(1.0))
    );
    assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Ok(Some(-1.0)));
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) = 0.8
    let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap();
    assert!((rho.unwrap() - 0.8).abs() < 1e-12);
    // With ties: scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138
    let rho = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 3.0, 2.0, 4.0]).unwrap();
    assert!((rho.unwrap() - 0.948_683_298_050_513_8).abs() < 1e-12);
    assert_eq!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), Ok(None));
}

#[test]
fn bad_input_is_named() {
    assert!(matches!(
        spearman(&[1.0], &[1.0]),
        Err(MetricsError::LengthMismatch { input: "x", .. })
    ));
    assert!(matches!(
        spearman(&[1.0, 2.0], &[1.0]),
        Err(MetricsError::LengthMismatch { input: "y", .. })
    ));
    assert!(matches!(
        spearman(&[1.0, f64::NAN], &[1.0, 2.0]),
        Err(MetricsError::NonFinite { input: "x", .. })
    ));
}

proptest! {
    #[test]
    fn rho_is_bounded_symmetric_and_blind_to_monotone_maps(
        pairs in prop::collection::vec((-10.0f64..10.0, -10.0f64..10.0), 2..40)
    ) {
        let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let rho = spearman(&x, &y).unwrap();
        prop_assert_eq!(rho, spearman(&y, &x).unwrap());
        if let Some(r) = rho {
            prop_assert!((-1.0..=1.0).contains(&r));
            let squashed: Vec<f64> = x.iter().map(|v| v.tanh() * 3.0 + v.powi(3)).collect();
            let again = spearman(&squashed, &y).unwrap().unwrap();
            prop_assert!((again - r).abs() < 1e-12, "{again} vs {r}");
            let negated: Vec<f64> = y.iter().map(|v| -v).collect();
            prop_assert!((spearman(&x, &negated).unwrap().unwrap() + r).abs() < 1e-12);
        }
        if spearman(&x, &x).unwrap().is_some() {
            prop_assert!((spearman(&x, &x).unwrap().unwrap() - 1.0).abs() < 1e-12);
        }
    }
}
