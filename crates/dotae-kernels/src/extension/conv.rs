//! The fused convolution on burn-flex, and its backward pass under autodiff.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex, TensorMetadata};
use burn::tensor::DType;

use super::KernelBackend;
use super::flex::{FlexFloat, FlexTensor, dims4, read, tensor};
use crate::Activation;
use crate::conv3x3::{ConvGradients, ConvShape, conv3x3_backward, conv3x3_forward};

fn conv_shape(x: &FlexTensor, weight: &FlexTensor) -> ConvShape {
    let [batch, in_channels, rows, cols] = dims4(x);
    ConvShape {
        batch,
        in_channels,
        out_channels: weight.shape()[0],
        rows,
        cols,
    }
}

pub fn forward<T: FlexFloat>(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: &FlexTensor,
    activation: Activation,
) -> FlexTensor {
    let shape = conv_shape(x, weight);
    let mut output = vec![T::ZERO; shape.output_len()];
    read::<T>(x, |x| {
        read::<T>(weight, |weight| {
            read::<T>(bias, |bias| {
                conv3x3_forward(shape, x, weight, bias, activation, &mut output)
            })
        })
    });
    tensor(
        output,
        [shape.batch, shape.out_channels, shape.rows, shape.cols],
    )
}

/// The gradients of one convolution: input (when asked for), weight, bias.
struct ConvGrads {
    input: Option<FlexTensor>,
    weight: FlexTensor,
    bias: FlexTensor,
}

fn backward<T: FlexFloat>(
    state: &ConvState,
    grad_output: &FlexTensor,
    want_input: bool,
) -> ConvGrads {
    let shape = conv_shape(&state.x, &state.weight);
    let mut grad_input = want_input.then(|| vec![T::ZERO; shape.input_len()]);
    let mut grad_weight = vec![T::ZERO; shape.weight_len()];
    let mut grad_bias = vec![T::ZERO; shape.out_channels];
    read::<T>(&state.x, |x| {
        read::<T>(&state.weight, |weight| {
            read::<T>(&state.output, |output| {
                read::<T>(grad_output, |grad_output| {
                    conv3x3_backward(
                        shape,
                        x,
                        weight,
                        output,
                        grad_output,
                        state.activation,
                        ConvGradients {
                            input: grad_input.as_deref_mut(),
                            weight: &mut grad_weight,
                            bias: &mut grad_bias,
                        },
                    )
                })
            })
        })
    });
    ConvGrads {
        input: grad_input.map(|g| tensor(g, dims4(&state.x))),
        weight: tensor(grad_weight, state.weight.shape()),
        bias: tensor(grad_bias, [shape.out_channels]),
    }
}

/// What the backward pass of a convolution keeps from its forward pass.
#[derive(Debug, Clone)]
struct ConvState {
    x: FlexTensor,
    weight: FlexTensor,
    output: FlexTensor,
    activation: Activation,
}

#[derive(Debug)]
struct Conv3x3Backward;

impl Backward<Flex, 3> for Conv3x3Backward {
    type State = ConvState;

    fn backward(
        self,
        ops: Ops<Self::State, 3>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let grad_output = grads.consume::<Flex>(&ops.node);
        let state = ops.state;
        let want_input = node_x.is_some();
        let computed = match state.x.dtype() {
            DType::F64 => backward::<f64>(&state, &grad_output, want_input),
            _ => backward::<f32>(&state, &grad_output, want_input),
        };
        if let (Some(node), Some(grad)) = (node_x, computed.input) {
            grads.register::<Flex>(node.id, grad);
        }
        if let Some(node) = node_weight {
            grads.register::<Flex>(node.id, computed.weight);
        }
        if let Some(node) = node_bias {
            grads.register::<Flex>(node.id, computed.bias);
        }
    }
}

/// The convolution on `Autodiff<Flex>`, recording its backward pass when an input is tracked.
pub fn tracked<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    weight: FloatTensor<Autodiff<Flex, C>>,
    bias: FloatTensor<Autodiff<Flex, C>>,
    activation: Activation,
) -> FloatTensor<Autodiff<Flex, C>> {
    match Conv3x3Backward
        .prepare::<C>([x.node(), weight.node(), bias.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let (x, weight, bias) = (
                x.into_primitive(),
                weight.into_primitive(),
                bias.into_primitive(),
            );
            let output = Flex::conv3x3(x.clone(), weight.clone(), bias, activation);
            let state = ConvState {
                x,
                weight,
                output: output.clone(),
                activation,
            };
            prep.finish(state, output)
        }
        OpsKind::UnTracked(prep) => prep.finish(Flex::conv3x3(
            x.into_primitive(),
            weight.into_primitive(),
            bias.into_primitive(),
            activation,
        )),
    }
}
