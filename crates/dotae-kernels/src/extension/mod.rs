//! dotae's kernels as a burn backend extension: forward operations on burn-flex, and on
//! `Autodiff<Flex>` the same forwards with hand-written backward passes.

mod conv;
mod dense;
mod flex;
mod resample;
mod silu;

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, backend_extension};

use crate::Activation;
use flex::{FlexTensor, by_dtype};
use resample::Resampling;
use silu::SiluPass;

/// Backends with dotae's fused CPU kernels.
#[backend_extension(Flex, Autodiff)]
pub trait KernelBackend: Backend {
    /// `activation(conv2d(x, weight) + bias)` for a 3×3 kernel, stride 1, padding 1.
    fn conv3x3(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        activation: Activation,
    ) -> FloatTensor<Self>;

    /// 2×2 average pooling with stride 2 of `x` `(N, C, H, W)`, `H` and `W` even.
    fn avg_pool_2x2(x: FloatTensor<Self>) -> FloatTensor<Self>;

    /// 2× nearest-neighbour upsampling of `x` `(N, C, H, W)` to `(N, C, 2H, 2W)`.
    fn upsample_nearest_2x(x: FloatTensor<Self>) -> FloatTensor<Self>;

    /// SiLU, `x·σ(x)`, elementwise.
    fn silu(x: FloatTensor<Self>) -> FloatTensor<Self>;

    /// SiLU's derivative, `σ(x)·(1 + x·(1 − σ(x)))`, elementwise.
    fn silu_slope(x: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `x·W + b` for `x` `(N, inputs)`, `W` `(inputs, outputs)` and `b` `(outputs)`.
    fn linear(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
    ) -> FloatTensor<Self>;

    /// `g·Wᵀ` for `g` `(N, outputs)` and `W` `(inputs, outputs)`.
    fn linear_adjoint(g: FloatTensor<Self>, weight: FloatTensor<Self>) -> FloatTensor<Self>;
}

impl KernelBackend for Flex {
    fn conv3x3(
        x: FlexTensor,
        weight: FlexTensor,
        bias: FlexTensor,
        activation: Activation,
    ) -> FlexTensor {
        by_dtype!(x, conv::forward(&x, &weight, &bias, activation))
    }

    fn avg_pool_2x2(x: FlexTensor) -> FlexTensor {
        by_dtype!(x, resample::forward(&x, Resampling::Pool))
    }

    fn upsample_nearest_2x(x: FlexTensor) -> FlexTensor {
        by_dtype!(x, resample::forward(&x, Resampling::Upsample))
    }

    fn silu(x: FlexTensor) -> FlexTensor {
        by_dtype!(x, silu::forward(&x, SiluPass::Value))
    }

    fn silu_slope(x: FlexTensor) -> FlexTensor {
        by_dtype!(x, silu::forward(&x, SiluPass::Slope))
    }

    fn linear(x: FlexTensor, weight: FlexTensor, bias: FlexTensor) -> FlexTensor {
        by_dtype!(x, dense::forward(&x, &weight, Some(&bias)))
    }

    fn linear_adjoint(g: FlexTensor, weight: FlexTensor) -> FlexTensor {
        by_dtype!(g, dense::adjoint(&g, &weight))
    }
}

impl<C: CheckpointStrategy> KernelBackend for Autodiff<Flex, C> {
    fn conv3x3(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        activation: Activation,
    ) -> FloatTensor<Self> {
        conv::tracked::<C>(x, weight, bias, activation)
    }

    fn avg_pool_2x2(x: FloatTensor<Self>) -> FloatTensor<Self> {
        resample::tracked::<C>(x, Resampling::Pool)
    }

    fn upsample_nearest_2x(x: FloatTensor<Self>) -> FloatTensor<Self> {
        resample::tracked::<C>(x, Resampling::Upsample)
    }

    fn silu(x: FloatTensor<Self>) -> FloatTensor<Self> {
        silu::tracked::<C>(x, SiluPass::Value)
    }

    fn silu_slope(x: FloatTensor<Self>) -> FloatTensor<Self> {
        silu::tracked::<C>(x, SiluPass::Slope)
    }

    fn linear(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        dense::tracked_linear::<C>(x, weight, bias)
    }

    fn linear_adjoint(g: FloatTensor<Self>, weight: FloatTensor<Self>) -> FloatTensor<Self> {
        dense::tracked_adjoint::<C>(g, weight)
    }
}
