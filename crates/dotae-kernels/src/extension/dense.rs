//! The dense layer and its adjoint on burn-flex, and their backward passes under autodiff.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex, TensorMetadata};

use super::KernelBackend;
use super::flex::{FlexFloat, FlexTensor, by_dtype, read, tensor};
use crate::dense::{
    DenseShape, dense_adjoint, dense_bias_gradient, dense_forward, dense_weight_gradient,
};

/// The layer's sizes from its weight `(inputs, outputs)` and the batch's rows.
fn dense_shape(rows: usize, weight: &FlexTensor) -> DenseShape {
    let dims = weight.shape();
    DenseShape {
        rows,
        inputs: dims[0],
        outputs: dims[1],
    }
}

/// `x·W + b`, or `x·W` without a bias.
pub fn forward<T: FlexFloat>(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: Option<&FlexTensor>,
) -> FlexTensor {
    let shape = dense_shape(x.shape()[0], weight);
    let mut y = vec![T::ZERO; shape.rows * shape.outputs];
    read::<T>(x, |x| {
        read::<T>(weight, |weight| match bias {
            Some(bias) => read::<T>(bias, |bias| {
                dense_forward(shape, x, weight, Some(bias), &mut y)
            }),
            None => dense_forward(shape, x, weight, None, &mut y),
        })
    });
    tensor(y, [shape.rows, shape.outputs])
}

/// `g·Wᵀ`.
pub fn adjoint<T: FlexFloat>(g: &FlexTensor, weight: &FlexTensor) -> FlexTensor {
    let shape = dense_shape(g.shape()[0], weight);
    let mut x_grad = vec![T::ZERO; shape.rows * shape.inputs];
    read::<T>(g, |g| {
        read::<T>(weight, |weight| {
            dense_adjoint(shape, g, weight, &mut x_grad)
        })
    });
    tensor(x_grad, [shape.rows, shape.inputs])
}

/// `rowsᵀ·g`, the weight gradient of both operations.
fn weight_gradient<T: FlexFloat>(
    rows: &FlexTensor,
    g: &FlexTensor,
    shape: DenseShape,
) -> FlexTensor {
    let mut weight_grad = vec![T::ZERO; shape.inputs * shape.outputs];
    read::<T>(rows, |rows| {
        read::<T>(g, |g| {
            dense_weight_gradient(shape, rows, g, &mut weight_grad)
        })
    });
    tensor(weight_grad, [shape.inputs, shape.outputs])
}

fn bias_gradient<T: FlexFloat>(g: &FlexTensor, shape: DenseShape) -> FlexTensor {
    let mut bias_grad = vec![T::ZERO; shape.outputs];
    read::<T>(g, |g| dense_bias_gradient(shape, g, &mut bias_grad));
    tensor(bias_grad, [shape.outputs])
}

/// What a backward pass keeps of its forward pass: the batch that multiplied the weight, and
/// the weight.
#[derive(Debug, Clone)]
struct DenseState {
    rows: FlexTensor,
    weight: FlexTensor,
}

#[derive(Debug)]
struct LinearBackward;

impl Backward<Flex, 3> for LinearBackward {
    type State = DenseState;

    /// `y = x·W + b`: `∂x = ∂y·Wᵀ`, `∂W = xᵀ·∂y`, `∂b = Σ ∂y`.
    fn backward(
        self,
        ops: Ops<Self::State, 3>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let grad_y = grads.consume::<Flex>(&ops.node);
        let DenseState { rows: x, weight } = ops.state;
        let shape = dense_shape(x.shape()[0], &weight);
        if let Some(node) = node_x {
            grads.register::<Flex>(node.id, by_dtype!(x, adjoint(&grad_y, &weight)));
        }
        if let Some(node) = node_weight {
            let grad = by_dtype!(x, weight_gradient(&x, &grad_y, shape));
            grads.register::<Flex>(node.id, grad);
        }
        if let Some(node) = node_bias {
            grads.register::<Flex>(node.id, by_dtype!(x, bias_gradient(&grad_y, shape)));
        }
    }
}

#[derive(Debug)]
struct AdjointBackward;

impl Backward<Flex, 2> for AdjointBackward {
    type State = DenseState;

    /// `c = g·Wᵀ`: `∂g = ∂c·W`, `∂W = ∂cᵀ·g`.
    fn backward(
        self,
        ops: Ops<Self::State, 2>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [node_g, node_weight] = ops.parents;
        let grad_c = grads.consume::<Flex>(&ops.node);
        let DenseState { rows: g, weight } = ops.state;
        let shape = dense_shape(g.shape()[0], &weight);
        if let Some(node) = node_g {
            let grad = by_dtype!(g, forward(&grad_c, &weight, None));
            grads.register::<Flex>(node.id, grad);
        }
        if let Some(node) = node_weight {
            let grad = by_dtype!(g, weight_gradient(&grad_c, &g, shape));
            grads.register::<Flex>(node.id, grad);
        }
    }
}

/// The dense layer on `Autodiff<Flex>`, recording its backward pass when an input is tracked.
pub fn tracked_linear<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    weight: FloatTensor<Autodiff<Flex, C>>,
    bias: FloatTensor<Autodiff<Flex, C>>,
) -> FloatTensor<Autodiff<Flex, C>> {
    match LinearBackward
        .prepare::<C>([x.node(), weight.node(), bias.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let (x, weight) = (x.into_primitive(), weight.into_primitive());
            let y = Flex::linear(x.clone(), weight.clone(), bias.into_primitive());
            prep.finish(DenseState { rows: x, weight }, y)
        }
        OpsKind::UnTracked(prep) => prep.finish(Flex::linear(
            x.into_primitive(),
            weight.into_primitive(),
            bias.into_primitive(),
        )),
    }
}

/// The adjoint on `Autodiff<Flex>`, recording its backward pass when an input is tracked.
pub fn tracked_adjoint<C: CheckpointStrategy>(
    g: FloatTensor<Autodiff<Flex, C>>,
    weight: FloatTensor<Autodiff<Flex, C>>,
) -> FloatTensor<Autodiff<Flex, C>> {
    match AdjointBackward
        .prepare::<C>([g.node(), weight.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let (g, weight) = (g.into_primitive(), weight.into_primitive());
            let c = Flex::linear_adjoint(g.clone(), weight.clone());
            prep.finish(DenseState { rows: g, weight }, c)
        }
        OpsKind::UnTracked(prep) => prep.finish(Flex::linear_adjoint(
            g.into_primitive(),
            weight.into_primitive(),
        )),
    }
}
