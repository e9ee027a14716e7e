//! Pooling and upsampling on burn-flex, and their backward passes under autodiff.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex};
use burn::tensor::DType;

use super::KernelBackend;
use super::flex::{FlexFloat, FlexTensor, dims4, read, tensor};
use crate::resample::{
    avg_pool_2x2, avg_pool_2x2_backward, upsample_nearest_2x, upsample_nearest_2x_backward,
};

/// Pooling halves each side, upsampling doubles it; each is the other's adjoint up to a
/// factor of 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resampling {
    Pool,
    Upsample,
}

impl Resampling {
    /// The output dims of `(N, C, H, W)` input dims.
    fn output_dims(self, [n, c, h, w]: [usize; 4]) -> [usize; 4] {
        match self {
            Resampling::Pool => [n, c, h / 2, w / 2],
            Resampling::Upsample => [n, c, 2 * h, 2 * w],
        }
    }
}

pub fn forward<T: FlexFloat>(x: &FlexTensor, kind: Resampling) -> FlexTensor {
    let dims = dims4(x);
    let out = kind.output_dims(dims);
    let mut output = vec![T::ZERO; out.iter().product()];
    read::<T>(x, |x| match kind {
        Resampling::Pool => avg_pool_2x2(dims[0] * dims[1], [dims[2], dims[3]], x, &mut output),
        Resampling::Upsample => {
            upsample_nearest_2x(dims[0] * dims[1], [dims[2], dims[3]], x, &mut output)
        }
    });
    tensor(output, out)
}

/// The gradient of [`forward`] with input dims `input`, given the output gradient.
fn backward<T: FlexFloat>(
    grad_output: &FlexTensor,
    input: [usize; 4],
    kind: Resampling,
) -> FlexTensor {
    let planes = input[0] * input[1];
    let mut grad_input = vec![T::ZERO; input.iter().product()];
    read::<T>(grad_output, |g| match kind {
        Resampling::Pool => avg_pool_2x2_backward(planes, [input[2], input[3]], g, &mut grad_input),
        Resampling::Upsample => {
            upsample_nearest_2x_backward(planes, [input[2], input[3]], g, &mut grad_input)
        }
    });
    tensor(grad_input, input)
}

#[derive(Debug)]
struct ResampleBackward;

impl Backward<Flex, 1> for ResampleBackward {
    /// The input's dims and dtype, and which resampling ran.
    type State = ([usize; 4], DType, Resampling);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [node] = ops.parents;
        let grad_output = grads.consume::<Flex>(&ops.node);
        let Some(node) = node else { return };
        let (dims, dtype, kind) = ops.state;
        let grad = match dtype {
            DType::F64 => backward::<f64>(&grad_output, dims, kind),
            _ => backward::<f32>(&grad_output, dims, kind),
        };
        grads.register::<Flex>(node.id, grad);
    }
}

/// `kind` of `x` on `Autodiff<Flex>`, recording its backward pass when `x` is tracked.
pub fn tracked<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    kind: Resampling,
) -> FloatTensor<Autodiff<Flex, C>> {
    let forward = |x: FlexTensor| match kind {
        Resampling::Pool => Flex::avg_pool_2x2(x),
        Resampling::Upsample => Flex::upsample_nearest_2x(x),
    };
    match ResampleBackward
        .prepare::<C>([x.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let x = x.into_primitive();
            let state = (dims4(&x), x.dtype(), kind);
            prep.finish(state, forward(x))
        }
        OpsKind::UnTracked(prep) => prep.finish(forward(x.into_primitive())),
    }
}
