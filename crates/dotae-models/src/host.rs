//! Moving data between the host (ndarray, f64) and tensors on a device (the device's float
//! type): images in, decoded paths out.

use burn::prelude::*;
use ndarray::{ArrayD, ArrayViewD, IxDyn};

use crate::ModelError;

/// The values of `tensor` in row-major order, as f64 whatever the tensor's float type.
pub(crate) fn host_values<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f64>, ModelError> {
    let reason = |e: &dyn std::fmt::Debug| ModelError::TensorData {
        reason: format!("{e:?}"),
    };
    tensor
        .try_into_data()
        .map_err(|e| reason(&e))?
        .try_into_vec_as::<f64>()
        .map_err(|e| reason(&e))
}

/// Copies a tensor to an f64 array of the same shape.
pub fn to_array<const D: usize>(tensor: Tensor<D>) -> Result<ArrayD<f64>, ModelError> {
    let dims = tensor.dims();
    let values = host_values(tensor)?;
    ArrayD::from_shape_vec(IxDyn(&dims), values).map_err(|e| ModelError::TensorData {
        reason: e.to_string(),
    })
}

/// Copies an array of rank `D` to a tensor on `device`, in the device's float type.
pub fn from_array<const D: usize>(
    array: ArrayViewD<'_, f64>,
    device: &Device,
) -> Result<Tensor<D>, ModelError> {
    if array.ndim() != D {
        return Err(ModelError::Shape {
            what: "array",
            actual: array.shape().to_vec(),
            expected: format!("{D} dimensions"),
        });
    }
    let shape = array.shape().to_vec();
    let values: Vec<f64> = array.iter().copied().collect();
    Ok(Tensor::from_data(TensorData::new(values, shape), device))
}
