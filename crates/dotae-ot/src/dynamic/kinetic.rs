//! The kinetic energy `|m|² / (2f)` at the centred points and its proximal map.

use ndarray::Zip;

use super::staggered::Centred;

/// `Σ |m|² / (2f)` over the centred points, with the convention `0/0 = 0` (the lower
/// semi-continuous extension: a point with `f ≤ 0` and `m ≠ 0` costs `+∞`).
pub(crate) fn kinetic_energy(v: &Centred) -> f64 {
    let mut total = 0.0;
    Zip::from(&v.density)
        .and(&v.vertical)
        .and(&v.horizontal)
        .for_each(|&f, &a, &b| total += point_energy(f, a, b));
    total
}

fn point_energy(f: f64, a: f64, b: f64) -> f64 {
    let squared = a * a + b * b;
    if f > 0.0 {
        squared / (2.0 * f)
    } else if squared == 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// Replaces every centred point by the proximal map of `γ |m|² / (2f)` at it
/// (Papadakis, Peyré & Oudet 2014, Proposition 1): with `f*` the largest real root of
/// `P(x) = (x − f)(x + γ)² − γ|m|²/2`, the result is `(f*, f* m / (f* + γ))` when `f* > 0` and
/// `(0, 0)` otherwise.
pub(crate) fn prox_kinetic(v: &mut Centred, gamma: f64) {
    Zip::from(&mut v.density)
        .and(&mut v.vertical)
        .and(&mut v.horizontal)
        .for_each(|f, a, b| {
            let root = largest_root(*f, 0.5 * gamma * (*a * *a + *b * *b), gamma);
            if root > 0.0 {
                let shrink = root / (root + gamma);
                *f = root;
                *a *= shrink;
                *b *= shrink;
            } else {
                *f = 0.0;
                *a = 0.0;
                *b = 0.0;
            }
        });
}

/// Newton steps at most; quadratic convergence needs far fewer from the start used.
const NEWTON_LIMIT: usize = 100;

/// The largest real root of `(x − f)(x + γ)² − c`, `c ≥ 0`, `γ > 0`, or `0` when that root
/// is not positive (all the prox needs to know then).
///
/// The root lies right of `s = max(f, −γ)`, where `P` is increasing and convex; `P(s + ∛c) ≥ 0`,
/// so Newton's method started there decreases monotonically onto the root.
fn largest_root(f: f64, c: f64, gamma: f64) -> f64 {
    let start = f.max(-gamma);
    if c == 0.0 {
        return start;
    }
    // P(0) >= 0 puts the root at or left of 0, and the prox maps the point to (0, 0): most
    // points far from the mass take this exit.
    if f <= 0.0 && -f * gamma * gamma >= c {
        return 0.0;
    }
    let mut x = start + c.cbrt();
    for _ in 0..NEWTON_LIMIT {
        let shifted = x + gamma;
        let value = (x - f) * shifted * shifted - c;
        let slope = shifted * (3.0 * x + gamma - 2.0 * f);
        if value <= 0.0 || slope <= 0.0 {
            break;
        }
        let step = value / slope;
        x -= step;
        if step <= 1e-15 * (x.abs() + gamma) {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The prox is the minimiser of `γ J(p) + |p − q|²/2`: no nearby point does better.
        #[test]
        fn prox_minimises_the_proximal_objective(
            f in -5.0f64..5.0, a in -5.0f64..5.0, b in -5.0f64..5.0, gamma in 0.05f64..10.0,
            da in -1.0f64..1.0, db in -1.0f64..1.0, df in -1.0f64..1.0,
        ) {
            let objective = |pf: f64, pa: f64, pb: f64| {
                gamma * point_energy(pf, pa, pb)
                    + 0.5 * ((pf - f).powi(2) + (pa - a).powi(2) + (pb - b).powi(2))
            };
            let mut v = Centred {
                density: ndarray::arr3(&[[[f]]]),
                vertical: ndarray::arr3(&[[[a]]]),
                horizontal: ndarray::arr3(&[[[b]]]),
            };
            prox_kinetic(&mut v, gamma);
            let (pf, pa, pb) = (v.density[[0, 0, 0]], v.vertical[[0, 0, 0]], v.horizontal[[0, 0, 0]]);
            let best = objective(pf, pa, pb);
            prop_assert!(best.is_finite());
            for scale in [1e-3, 1e-1] {
                let other = objective(pf + scale * df, pa + scale * da, pb + scale * db);
                prop_assert!(best <= other + 1e-9 * (1.0 + best.abs()), "{} > {}", best, other);
            }
        }

        #[test]
        fn root_solves_the_cubic(f in -5.0f64..5.0, c in 0.0f64..50.0, gamma in 0.05f64..10.0) {
            let x = largest_root(f, c, gamma);
            let value = (x - f) * (x + gamma).powi(2) - c;
            let scale = c + (x.abs() + f.abs() + gamma).powi(3);
            if x > 0.0 {
                prop_assert!(value.abs() <= 1e-12 * scale, "P({}) = {}", x, value);
                prop_assert!(x >= f.max(-gamma));
            } else {
                // The root is not positive: P(0) >= 0 and P increases right of max(f, −γ).
                prop_assert_eq!(x, 0.0);
                prop_assert!(-f * gamma * gamma - c >= 0.0);
            }
        }
    }
}
