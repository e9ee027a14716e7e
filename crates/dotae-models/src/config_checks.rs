//! The range checks of configuration fields, each naming the field and the rule it broke, so
//! that every method rejects a bad value with the same words.

use crate::{ModelError, OutputActivation};

fn invalid(field: &'static str, reason: String) -> Result<(), ModelError> {
    Err(ModelError::InvalidConfig { field, reason })
}

/// A loss weight: finite and `>= 0`.
pub fn non_negative(field: &'static str, value: f64) -> Result<(), ModelError> {
    match value.is_finite() && value >= 0.0 {
        true => Ok(()),
        false => invalid(
            field,
            format!("must be finite and non-negative, got {value:?}"),
        ),
    }
}

/// A learning rate: finite and `> 0`.
pub fn positive(field: &'static str, value: f64) -> Result<(), ModelError> {
    match value.is_finite() && value > 0.0 {
        true => Ok(()),
        false => invalid(field, format!("must be finite and positive, got {value:?}")),
    }
}

/// A blending weight in `[0, 1]`.
pub fn unit_interval(field: &'static str, value: f64) -> Result<(), ModelError> {
    match (0.0..=1.0).contains(&value) {
        true => Ok(()),
        false => invalid(field, format!("must lie in [0, 1], got {value:?}")),
    }
}

/// A count of at least 1.
pub fn at_least_one(field: &'static str, value: usize) -> Result<(), ModelError> {
    match value >= 1 {
        true => Ok(()),
        false => invalid(field, "must be at least 1".into()),
    }
}

/// A count of at least `minimum`, with `why` it must be, phrased to follow "needs".
pub fn at_least(
    field: &'static str,
    value: usize,
    minimum: usize,
    why: &str,
) -> Result<(), ModelError> {
    match value >= minimum {
        true => Ok(()),
        false => invalid(
            field,
            format!("must be at least {minimum} ({why}), got {value}"),
        ),
    }
}

/// The sigmoid output that `needed_by` (BCE, the path energy, a VAE, AEAI's decoded frames)
/// takes: images in `(0, 1)`. Only a model trained with MSE on its raw output may end linearly.
pub fn sigmoid_output(needed_by: &str, output: OutputActivation) -> Result<(), ModelError> {
    match output {
        OutputActivation::Sigmoid => Ok(()),
        OutputActivation::Linear => invalid(
            "model.output_activation",
            format!("{needed_by} needs the sigmoid output (images in (0, 1)), got linear"),
        ),
    }
}
