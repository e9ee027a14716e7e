//! SiLU on burn-flex, and its backward pass under autodiff.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex, TensorMetadata};
use burn::tensor::DType;

use super::KernelBackend;
use super::flex::{FlexFloat, FlexTensor, read, tensor};
use crate::silu::{silu_backward, silu_forward};

pub fn forward<T: FlexFloat>(x: &FlexTensor) -> FlexTensor {
    let shape = x.shape();
    let mut output = vec![T::ZERO; shape.num_elements()];
    read::<T>(x, |x| silu_forward(x, &mut output));
    tensor(output, shape)
}

fn backward<T: FlexFloat>(x: &FlexTensor, grad_output: &FlexTensor) -> FlexTensor {
    let shape = x.shape();
    let mut grad_input = vec![T::ZERO; shape.num_elements()];
    read::<T>(x, |x| {
        read::<T>(grad_output, |g| silu_backward(x, g, &mut grad_input))
    });
    tensor(grad_input, shape)
}

#[derive(Debug)]
struct SiluBackward;

impl Backward<Flex, 1> for SiluBackward {
    /// The input: the gradient recomputes σ(x) rather than keep a second tensor.
    type State = FlexTensor;

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [node] = ops.parents;
        let grad_output = grads.consume::<Flex>(&ops.node);
        let Some(node) = node else { return };
        let x = ops.state;
        let grad = match x.dtype() {
            DType::F64 => backward::<f64>(&x, &grad_output),
            _ => backward::<f32>(&x, &grad_output),
        };
        grads.register::<Flex>(node.id, grad);
    }
}

/// SiLU of `x` on `Autodiff<Flex>`, recording its backward pass when `x` is tracked.
pub fn tracked<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
) -> FloatTensor<Autodiff<Flex, C>> {
    match SiluBackward
        .prepare::<C>([x.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let x = x.into_primitive();
            let output = Flex::silu(x.clone());
            prep.finish(x, output)
        }
        OpsKind::UnTracked(prep) => prep.finish(Flex::silu(x.into_primitive())),
    }
}
