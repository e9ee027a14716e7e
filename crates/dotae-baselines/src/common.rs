//! Host values as tensors, for the baselines' random draws.

use burn::prelude::*;

/// A float tensor of `values` with `shape`, on the device and in the float type of `like`.
pub(crate) fn values_like<const D: usize>(
    values: Vec<f64>,
    shape: [usize; D],
    like: &Tensor<4>,
) -> Tensor<D> {
    let device = like.device();
    Tensor::from_data(TensorData::new(values, shape), (&device, like.dtype()))
}
