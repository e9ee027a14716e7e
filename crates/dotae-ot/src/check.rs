//! Validation of the inputs every solver shares, before any work is done.

use ndarray::{ArrayBase, ArrayView2, Data, Dimension, IntoDimension};

use crate::OtError;

/// Checks that `values` (named `what`) is non-empty, finite and non-negative, and carries a
/// finite, positive mass; returns its total mass.
pub fn mass<S, D>(what: &'static str, values: &ArrayBase<S, D>) -> Result<f64, OtError>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    non_negative(what, values)?;
    let total: f64 = values.iter().sum();
    if !total.is_finite() {
        // Finite values whose sum overflows: normalising would turn every one of them into 0.
        return Err(OtError::Parameter {
            name: what,
            value: total,
            rule: "its total mass must be finite, and its values are too large to add up",
        });
    }
    if total > 0.0 {
        Ok(total)
    } else {
        Err(OtError::ZeroMass { what })
    }
}

/// Checks that `values` (named `what`) is non-empty, finite and non-negative.
pub fn non_negative<S, D>(what: &'static str, values: &ArrayBase<S, D>) -> Result<(), OtError>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    finite(what, values)?;
    match values.indexed_iter().find(|(_, v)| **v < 0.0) {
        Some((index, &value)) => Err(OtError::Negative {
            what,
            index: index_vec::<D>(index),
            value,
        }),
        None => Ok(()),
    }
}

/// Checks that `values` (named `what`) is non-empty and finite.
pub fn finite<S, D>(what: &'static str, values: &ArrayBase<S, D>) -> Result<(), OtError>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    if values.is_empty() {
        return Err(OtError::Empty { what });
    }
    match values.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some((index, &value)) => Err(OtError::NonFinite {
            what,
            index: index_vec::<D>(index),
            value,
        }),
        None => Ok(()),
    }
}

/// Checks that two masses agree to the relative `tolerance`.
pub fn equal_mass(
    what: &'static str,
    first: f64,
    second: f64,
    tolerance: f64,
) -> Result<(), OtError> {
    let relative = (first - second).abs() / first.max(second);
    if relative <= tolerance {
        Ok(())
    } else {
        Err(OtError::UnequalMass {
            what,
            first,
            second,
            relative,
            tolerance,
        })
    }
}

/// Checks that `cost` is an `a_len × b_len` matrix of finite values.
pub fn cost_matrix(cost: &ArrayView2<f64>, a_len: usize, b_len: usize) -> Result<(), OtError> {
    if cost.dim() != (a_len, b_len) {
        return Err(OtError::Shape {
            what: "cost",
            found: cost.shape().to_vec(),
            rule: format!("it must be a.len() × b.len() = {a_len} × {b_len}"),
        });
    }
    finite("cost", cost)
}

/// Checks that a parameter is finite and strictly positive.
pub fn positive(name: &'static str, value: f64) -> Result<f64, OtError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(OtError::Parameter {
            name,
            value,
            rule: "it must be finite and > 0",
        })
    }
}

/// An index pattern (a `usize` or a tuple of them) as a vector, for error messages.
fn index_vec<D: Dimension>(pattern: D::Pattern) -> Vec<usize> {
    pattern.into_dimension().slice().to_vec()
}
