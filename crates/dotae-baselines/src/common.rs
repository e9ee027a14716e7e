//! Helpers every baseline shares: configuration checks, batch checks, reading loss values back
//! to the host, and materialising lazily initialised weights.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use dotae_models::{AutoencoderConfig, ModelError, to_array};

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

/// Checks that `batch` is a non-empty `(B, C, H, W)` batch of images the network accepts.
pub(crate) fn check_batch(model: &AutoencoderConfig, batch: &Tensor<4>) -> Result<(), ModelError> {
    let [b, c, rows, cols] = batch.dims();
    if b == 0 || c != model.image_channels {
        return Err(ModelError::Shape {
            what: "training batch",
            actual: batch.dims().to_vec(),
            expected: format!(
                "(B >= 1, {}, H, W): at least one image with the model's channels",
                model.image_channels
            ),
        });
    }
    model.check_image_size(rows, cols)
}

/// The values of named one-element loss tensors, read back in one transfer; any non-finite
/// value makes it the error of step `step`, so the caller changes no weights.
pub(crate) fn checked_terms(
    step: usize,
    named: Vec<(&'static str, Tensor<1>)>,
) -> Result<Vec<(&'static str, f64)>, ModelError> {
    let (names, tensors): (Vec<_>, Vec<_>) = named.into_iter().unzip();
    let values = to_array(Tensor::cat(tensors, 0))?;
    let terms: Vec<(&'static str, f64)> = names.into_iter().zip(values.iter().copied()).collect();
    if terms.iter().any(|(_, v)| !v.is_finite()) {
        return Err(ModelError::NonFiniteLoss { step, terms });
    }
    Ok(terms)
}

/// Forces every lazily initialised weight of `module` to be drawn now. Burn draws a weight at
/// its first use; drawing them right after seeding the device fixes them by the seed alone,
/// whatever else uses the device's generator before the first step.
pub(crate) fn materialize<M: Module>(module: &M) {
    struct Touch;
    impl ModuleVisitor for Touch {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let _ = param.val();
        }
    }
    module.visit(&mut Touch);
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

/// `index` as an integer index tensor on `device`.
pub(crate) fn index_tensor(index: &[usize], device: &Device) -> Tensor<1, Int> {
    let values: Vec<i64> = index.iter().map(|&i| i as i64).collect();
    Tensor::from_data(TensorData::new(values, [index.len()]), device)
}
