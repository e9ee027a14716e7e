//! Helpers the baselines share: configuration checks and host values as tensors.

use burn::prelude::*;
use dotae_models::ModelError;

fn invalid(field: &'static str, reason: String) -> Result<(), ModelError> {
    Err(ModelError::InvalidConfig { field, reason })
}

/// A loss weight: finite and `>= 0`.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<(), ModelError> {
    match value.is_finite() && value >= 0.0 {
        true => Ok(()),
        false => invalid(
            field,
            format!("must be finite and non-negative, got {value}"),
        ),
    }
}

/// A learning rate: finite and `> 0`.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<(), ModelError> {
    match value.is_finite() && value > 0.0 {
        true => Ok(()),
        false => invalid(field, format!("must be finite and positive, got {value}")),
    }
}

/// A blending weight in `[0, 1]`.
pub(crate) fn unit_interval(field: &'static str, value: f64) -> Result<(), ModelError> {
    match (0.0..=1.0).contains(&value) {
        true => Ok(()),
        false => invalid(field, format!("must lie in [0, 1], got {value}")),
    }
}

/// A count of at least 1.
pub(crate) fn at_least_one(field: &'static str, value: usize) -> Result<(), ModelError> {
    match value >= 1 {
        true => Ok(()),
        false => invalid(field, "must be at least 1".into()),
    }
}

/// A float tensor of `values` with `shape`, on the device and in the float type of `like`.
pub(crate) fn values_like<const D: usize>(
    values: Vec<f64>,
    shape: [usize; D],
    like: &Tensor<4>,
) -> Tensor<D> {
    let device = like.device();
    Tensor::from_data(TensorData::new(values, shape), (&device, like.dtype()))
}
