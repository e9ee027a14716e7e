//! The kernels on burn tensors: one call per layer, the fused kernel where it applies and
//! burn's standard operations everywhere else.

use burn::backend::{Dispatch, DispatchDevice};
use burn::nn::conv::Conv2d;
use burn::nn::pool::AvgPool2d;
use burn::nn::{Linear, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::DType;
use burn::tensor::activation::{leaky_relu, sigmoid, tanh};
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};

use crate::Activation;
use crate::extension::KernelBackend;

/// `activation(conv(x))` for a burn-nn [`Conv2d`] and `x` `(N, C, H, W)`.
///
/// On burn-flex (with or without autodiff), in f32 or f64, a 3×3 convolution with stride 1,
/// dilation 1, one group and padding 1 runs as one fused kernel with its own backward pass.
/// Anything else — another backend, another convolution — is the same computation in burn's
/// standard operations, so a model gives the same results everywhere and its checkpoints do
/// not depend on where it ran.
///
/// # Panics
/// Where burn's `Conv2d::forward` panics: when `x` does not have the convolution's input
/// channels.
pub fn conv2d_activated(conv: &Conv2d, x: Tensor<4>, activation: Activation) -> Tensor<4> {
    if !runs_fused(conv, &x, activation) {
        return activation_standard(conv.forward(x), activation);
    }
    let weight = conv.weight.val();
    let bias = match &conv.bias {
        Some(bias) => bias.val(),
        None => Tensor::zeros([weight.dims()[0]], &weight.device()),
    };
    Tensor::from_dispatch(<Dispatch as KernelBackend>::conv3x3(
        x.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
        activation,
    ))
}

/// Whether [`conv2d_activated`] runs `conv` on `x` as the fused kernel (rather than as burn's
/// standard operations).
pub fn runs_fused(conv: &Conv2d, x: &Tensor<4>, activation: Activation) -> bool {
    let weight = conv.weight.val();
    let [_, in_channels, kernel_rows, kernel_cols] = weight.dims();
    let same_padding = match &conv.padding {
        PaddingConfig2d::Same => true,
        PaddingConfig2d::Explicit(top, left, bottom, right) => {
            [*top, *left, *bottom, *right] == [1, 1, 1, 1]
        }
        _ => false,
    };
    let slope_ok = match activation {
        Activation::LeakyRelu { slope } => slope.is_finite() && slope >= 0.0,
        _ => true,
    };
    on_flex_in_float(x)
        && weight.device() == x.device()
        && weight.dtype() == x.dtype()
        && conv
            .bias
            .as_ref()
            .is_none_or(|b| b.val().dtype() == x.dtype())
        && [kernel_rows, kernel_cols] == [3, 3]
        && conv.stride == [1, 1]
        && conv.dilation == [1, 1]
        && conv.groups == 1
        && same_padding
        && slope_ok
        && x.dims()[1] == in_channels
}

/// `pool.forward(x)`, as a kernel of its own on burn-flex (f32 or f64) when `pool` is a 2×2
/// average with stride 2 and no padding and `x`'s sides are even.
pub fn avg_pool2d(pool: &AvgPool2d, x: Tensor<4>) -> Tensor<4> {
    let [_, _, rows, cols] = x.dims();
    let covered = pool.kernel_size == [2, 2]
        && pool.stride == [2, 2]
        && matches!(pool.padding, PaddingConfig2d::Valid)
        && rows % 2 == 0
        && cols % 2 == 0
        && on_flex_in_float(&x);
    match covered {
        true => Tensor::from_dispatch(<Dispatch as KernelBackend>::avg_pool_2x2(x.into_dispatch())),
        false => pool.forward(x),
    }
}

/// Each pixel of `x` `(N, C, H, W)` repeated into a 2×2 block: nearest-neighbour upsampling to
/// `(N, C, 2H, 2W)`, as a kernel of its own on burn-flex (f32 or f64).
pub fn upsample_nearest2d(x: Tensor<4>) -> Tensor<4> {
    if on_flex_in_float(&x) {
        return Tensor::from_dispatch(<Dispatch as KernelBackend>::upsample_nearest_2x(
            x.into_dispatch(),
        ));
    }
    let [_, _, rows, cols] = x.dims();
    interpolate(
        x,
        InterpolateOptions::new(InterpolateMode::Nearest).with_output_size([2 * rows, 2 * cols]),
    )
}

/// SiLU, `x·σ(x)`, elementwise: as a kernel of its own on burn-flex (f32 or f64), whose
/// vectorised sigmoid is several times faster than burn-flex's scalar one; burn's
/// `activation::silu` everywhere else.
pub fn silu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    match on_flex_in_float(&x) {
        true => Tensor::from_dispatch(<Dispatch as KernelBackend>::silu(x.into_dispatch())),
        false => burn::tensor::activation::silu(x),
    }
}

/// SiLU's derivative, `silu′(x) = σ(x)·(1 + x·(1 − σ(x)))`, elementwise: one kernel with its
/// own backward pass (`silu″`) on burn-flex (f32 or f64), where the composition is six tensor
/// operations each way; that composition everywhere else.
pub fn silu_slope<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    if on_flex_in_float(&x) {
        return Tensor::from_dispatch(<Dispatch as KernelBackend>::silu_slope(x.into_dispatch()));
    }
    let s = sigmoid(x.clone());
    s.clone() * ((s.neg() + 1.0) * x + 1.0)
}

/// `layer.forward(x)` for `x` `(N, inputs)`: on burn-flex (f32 or f64) one kernel with its own
/// backward pass whose products run in parallel blocks of rows, where burn-flex multiplies
/// products below 192³ multiply-adds on one thread; burn's `Linear::forward` everywhere else.
///
/// # Panics
/// Where `Linear::forward` panics: when `x` does not have the layer's inputs.
pub fn linear(layer: &Linear, x: Tensor<2>) -> Tensor<2> {
    let weight = layer.weight.val();
    if !(on_flex_in_float(&x) && same_device_and_dtype(&x, &weight))
        || x.dims()[1] != weight.dims()[0]
    {
        return layer.forward(x);
    }
    let bias = match &layer.bias {
        Some(bias) if bias.val().dtype() == x.dtype() => bias.val(),
        Some(_) => return layer.forward(x),
        None => Tensor::zeros([weight.dims()[1]], &weight.device()),
    };
    Tensor::from_dispatch(<Dispatch as KernelBackend>::linear(
        x.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
    ))
}

/// `g·Wᵀ` for `g` `(N, outputs)`: a gradient with respect to `layer`'s output carried to its
/// input, as a differentiable operation of `g` and the weight (a loss on it trains the weight
/// by plain backpropagation). On burn-flex (f32 or f64) one kernel like [`linear`]'s.
///
/// # Panics
/// When `g` does not have the layer's outputs.
pub fn linear_adjoint(layer: &Linear, g: Tensor<2>) -> Tensor<2> {
    let weight = layer.weight.val();
    if !(on_flex_in_float(&g) && same_device_and_dtype(&g, &weight))
        || g.dims()[1] != weight.dims()[1]
    {
        return g.matmul(weight.transpose());
    }
    Tensor::from_dispatch(<Dispatch as KernelBackend>::linear_adjoint(
        g.into_dispatch(),
        weight.into_dispatch(),
    ))
}

fn same_device_and_dtype(x: &Tensor<2>, weight: &Tensor<2>) -> bool {
    weight.device() == x.device() && weight.dtype() == x.dtype()
}

fn on_flex_in_float<const D: usize>(x: &Tensor<D>) -> bool {
    on_flex(&x.device()) && matches!(x.dtype(), DType::F32 | DType::F64)
}

/// Whether `device` is burn-flex, directly or under autodiff.
fn on_flex(device: &Device) -> bool {
    match device.as_dispatch() {
        DispatchDevice::Flex(_) => true,
        DispatchDevice::Autodiff(inner) => matches!(**inner, DispatchDevice::Flex(_)),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// The activation in burn's standard operations. The sigmoid is `(1 + tanh(x/2)) / 2`:
/// burn's own rounds through f32 on burn-ndarray, and `1 / (1 + e^{−x})` has a NaN gradient
/// for very negative `x` there.
fn activation_standard(x: Tensor<4>, activation: Activation) -> Tensor<4> {
    match activation {
        Activation::Identity => x,
        Activation::LeakyRelu { slope } => leaky_relu(x, slope),
        Activation::Sigmoid => tanh(x.mul_scalar(0.5)).add_scalar(1.0).mul_scalar(0.5),
    }
}
