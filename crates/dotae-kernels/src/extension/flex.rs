//! Reading and making burn-flex tensors for the slice kernels.

use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Flex, TensorMetadata};
use burn::tensor::TensorData;

use crate::Element;

pub type FlexTensor = FloatTensor<Flex>;

/// What the kernels compute in and burn-flex stores: `f32` or `f64`.
pub trait FlexFloat: Element + burn::tensor::Element + bytemuck::Pod {}

impl<T: Element + burn::tensor::Element + bytemuck::Pod> FlexFloat for T {}

/// `$call` with the float type of `$x` (the routing sends only `f32` and `f64` here).
macro_rules! by_dtype {
    ($x:expr, $($f:ident)::+ ( $($arg:expr),* )) => {
        match $x.dtype() {
            burn::tensor::DType::F64 => $($f)::+::<f64>($($arg),*),
            _ => $($f)::+::<f32>($($arg),*),
        }
    };
}
pub(crate) use by_dtype;

pub fn dims4(x: &FlexTensor) -> [usize; 4] {
    let shape = x.shape();
    [shape[0], shape[1], shape[2], shape[3]]
}

/// The elements of `tensor` in row-major order, copied only when its layout is not already
/// contiguous.
pub fn read<T: FlexFloat>(tensor: &FlexTensor, f: impl FnOnce(&[T])) {
    match tensor.as_slice::<T>() {
        Some(values) => f(values),
        None => f(tensor
            .to_contiguous()
            .as_slice::<T>()
            .expect("contiguous copy")),
    }
}

pub fn tensor<T: FlexFloat>(values: Vec<T>, shape: impl Into<burn::tensor::Shape>) -> FlexTensor {
    Flex::float_from_data(TensorData::new(values, shape.into()), &Default::default())
}
