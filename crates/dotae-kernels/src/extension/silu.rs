//! SiLU and its slope on burn-flex, and their backward passes under autodiff.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex, TensorMetadata};

use super::KernelBackend;
use super::flex::{FlexFloat, FlexTensor, by_dtype, read, tensor};
use crate::silu::{silu_backward, silu_forward, silu_slope_backward, silu_slope_forward};

/// Which function of the input an elementwise SiLU operation computes.
#[derive(Debug, Clone, Copy)]
pub enum SiluPass {
    /// `x·σ(x)`.
    Value,
    /// `silu′(x)`.
    Slope,
}

pub fn forward<T: FlexFloat>(x: &FlexTensor, pass: SiluPass) -> FlexTensor {
    let shape = x.shape();
    let mut output = vec![T::ZERO; shape.num_elements()];
    read::<T>(x, |x| match pass {
        SiluPass::Value => silu_forward(x, &mut output),
        SiluPass::Slope => silu_slope_forward(x, &mut output),
    });
    tensor(output, shape)
}

fn backward<T: FlexFloat>(x: &FlexTensor, grad_output: &FlexTensor, pass: SiluPass) -> FlexTensor {
    let shape = x.shape();
    let mut grad_input = vec![T::ZERO; shape.num_elements()];
    read::<T>(x, |x| {
        read::<T>(grad_output, |g| match pass {
            SiluPass::Value => silu_backward(x, g, &mut grad_input),
            SiluPass::Slope => silu_slope_backward(x, g, &mut grad_input),
        })
    });
    tensor(grad_input, shape)
}

#[derive(Debug)]
struct SiluBackward;

impl Backward<Flex, 1> for SiluBackward {
    /// The input, and which pass ran: the gradient recomputes σ(x) rather than keep a second
    /// tensor.
    type State = (FlexTensor, SiluPass);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [node] = ops.parents;
        let grad_output = grads.consume::<Flex>(&ops.node);
        let Some(node) = node else { return };
        let (x, pass) = ops.state;
        grads.register::<Flex>(node.id, by_dtype!(x, backward(&x, &grad_output, pass)));
    }
}

/// `pass` of `x` on `Autodiff<Flex>`, recording its backward pass when `x` is tracked.
pub fn tracked<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    pass: SiluPass,
) -> FloatTensor<Autodiff<Flex, C>> {
    let forward = |x: FlexTensor| match pass {
        SiluPass::Value => Flex::silu(x),
        SiluPass::Slope => Flex::silu_slope(x),
    };
    match SiluBackward
        .prepare::<C>([x.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let x = x.into_primitive();
            let output = forward(x.clone());
            prep.finish((x, pass), output)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward(x.into_primitive())),
    }
}
