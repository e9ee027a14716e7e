//! `linear`, `linear_adjoint` and `silu_slope` on burn-flex under autodiff, in f32: values and
//! every gradient against burn's standard operations, including a loss on the adjoint (the
//! value function's input gradient), which trains the weight through the adjoint's own
//! backward pass.

mod common;

use burn::nn::{Linear, LinearConfig, LinearLayout};
use burn::prelude::*;
use common::{assert_close, uniform};
use dotae_kernels::{linear, linear_adjoint, silu, silu_slope};
use proptest::prelude::*;

fn flat<const D: usize>(t: Tensor<D>) -> Vec<f64> {
    t.into_data().convert::<f64>().try_to_vec::<f64>().unwrap()
}

#[derive(Debug)]
struct Problem {
    rows: usize,
    inputs: usize,
    outputs: usize,
    bias: bool,
    column_layout: bool,
    /// The input as the transpose of an `(inputs, rows)` tensor: a strided view.
    transposed: bool,
    seed: u64,
}

fn problems() -> impl Strategy<Value = Problem> {
    (
        (1usize..=80, 1usize..=9, 1usize..=9),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        any::<u64>(),
    )
        .prop_map(
            |((rows, inputs, outputs), (bias, column_layout, transposed), seed)| Problem {
                rows,
                inputs,
                outputs,
                bias,
                column_layout,
                transposed,
                seed,
            },
        )
}

fn setup(p: &Problem, device: &Device) -> (Linear, Tensor<2>) {
    device.seed(p.seed);
    let layout = match p.column_layout {
        true => LinearLayout::Col,
        false => LinearLayout::Row,
    };
    let layer = LinearConfig::new(p.inputs, p.outputs)
        .with_bias(p.bias)
        .with_layout(layout)
        .init(device);
    let x = match p.transposed {
        true => uniform([p.inputs, p.rows], p.seed, device).transpose(),
        false => uniform([p.rows, p.inputs], p.seed, device),
    };
    (layer, x)
}

/// Value, then the gradients of `loss(value)` for the input, the weight and the bias (empty
/// when the layer has none).
fn gradients(
    layer: &Linear,
    x: Tensor<2>,
    forward: impl Fn(&Linear, Tensor<2>) -> Tensor<2>,
) -> [Vec<f64>; 4] {
    let x = x.require_grad();
    let y = forward(layer, x.clone());
    let r = uniform(y.dims(), 7, &y.device());
    // A loss that is not linear in `y`, so that the gradient reaching `y` varies by element.
    let grads = (y.clone() * r + y.clone().powi_scalar(2)).sum().backward();
    // The adjoint does not involve the bias: no gradient, an empty list.
    let bias = layer
        .bias
        .as_ref()
        .and_then(|b| b.val().grad(&grads))
        .map(flat)
        .unwrap_or_default();
    [
        flat(y),
        flat(x.grad(&grads).expect("input gradient")),
        flat(layer.weight.val().grad(&grads).expect("weight gradient")),
        bias,
    ]
}

fn assert_all_close(what: &str, fast: &[Vec<f64>; 4], standard: &[Vec<f64>; 4]) {
    for (part, (a, e)) in [
        "value",
        "input gradient",
        "weight gradient",
        "bias gradient",
    ]
    .iter()
    .zip(fast.iter().zip(standard))
    {
        assert_close(&format!("{what}: {part}"), a, e, 2e-5);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn linear_matches_burns_linear_with_every_gradient(p in problems()) {
        let (layer, x) = setup(&p, &Device::flex().autodiff());
        let fast = gradients(&layer, x.clone(), linear);
        let standard = gradients(&layer, x, |layer, x| layer.forward(x));
        assert_all_close("linear", &fast, &standard);
    }

    #[test]
    fn the_adjoint_matches_a_product_with_the_transposed_weight(p in problems()) {
        let (layer, x) = setup(&p, &Device::flex().autodiff());
        // The adjoint takes a gradient at the layer's output: `(rows, outputs)`.
        let g = linear(&layer, x.clone()).detach() + x.sum_dim(1);
        let fast = gradients(&layer, g.clone(), linear_adjoint);
        let standard = gradients(&layer, g, |layer, g| g.matmul(layer.weight.val().transpose()));
        assert_all_close("adjoint", &fast, &standard);
    }

    /// `V(x) = w·silu(x·W + b)` and its input gradient `∇V = (w ⊙ silu′(x·W + b))·Wᵀ`, with a
    /// loss on both: the weight's gradient runs through the linear layer, SiLU's slope and the
    /// adjoint's backward passes, as the DIOTM value function's HJB term does.
    #[test]
    fn a_loss_on_an_input_gradient_trains_like_the_standard_composition(p in problems()) {
        let (layer, x) = setup(&p, &Device::flex().autodiff());
        let w = uniform([1, p.outputs], p.seed ^ 3, &x.device());
        let value_and_gradient = |fast: bool| {
            let x = x.clone().require_grad();
            let pre = match fast {
                true => linear(&layer, x.clone()),
                false => layer.forward(x.clone()),
            };
            let (act, slope) = match fast {
                true => (silu(pre.clone()), silu_slope(pre)),
                false => {
                    let s = burn::tensor::activation::sigmoid(pre.clone());
                    (pre.clone() * s.clone(), s.clone() * ((s.neg() + 1.0) * pre + 1.0))
                }
            };
            let value = (act * w.clone()).sum_dim(1);
            let d_pre = slope * w.clone();
            let gradient = match fast {
                true => linear_adjoint(&layer, d_pre),
                false => d_pre.matmul(layer.weight.val().transpose()),
            };
            let loss = value.clone().sum() + gradient.clone().powi_scalar(2).sum();
            let grads = loss.backward();
            [
                flat(gradient),
                flat(x.grad(&grads).expect("input gradient")),
                flat(layer.weight.val().grad(&grads).expect("weight gradient")),
                layer
                    .bias
                    .as_ref()
                    .map(|b| flat(b.val().grad(&grads).expect("bias gradient")))
                    .unwrap_or_default(),
            ]
        };
        assert_all_close("value and input gradient", &value_and_gradient(true), &value_and_gradient(false));
    }
}

#[test]
fn the_slope_of_silu_is_its_derivative_and_trains_by_its_curvature() {
    let device = Device::flex().autodiff();
    let x = Tensor::<1>::from_floats([-30.0, -4.0, -1.0, -0.1, 0.0, 0.3, 2.0, 7.0, 40.0], &device)
        .require_grad();
    let slope = silu_slope(x.clone());
    let grads = slope.clone().sum().backward();
    let h = 1e-3;
    let silu64 = |v: f64| v / (1.0 + (-v).exp());
    for ((v, s), c) in flat(x.clone())
        .into_iter()
        .zip(flat(slope))
        .zip(flat(x.grad(&grads).unwrap()))
    {
        let slope_fd = (silu64(v + h) - silu64(v - h)) / (2.0 * h);
        let curvature_fd = (silu64(v + h) - 2.0 * silu64(v) + silu64(v - h)) / (h * h);
        assert!((s - slope_fd).abs() < 1e-5, "silu′({v}) {s} vs {slope_fd}");
        assert!(
            (c - curvature_fd).abs() < 1e-4,
            "silu″({v}) {c} vs {curvature_fd}"
        );
    }
}

#[test]
#[allow(deprecated)] // burn 0.22 deprecates burn-ndarray; dotae keeps it as a CPU backend.
fn other_backends_run_the_standard_operations_with_the_same_values() {
    let flex = Device::flex();
    let layer = LinearConfig::new(3, 5).init(&flex);
    let x = uniform([4, 3], 2, &flex);
    let ndarray = Device::ndarray();
    let (layer_nd, x_nd) = (
        layer.clone().to_device(&ndarray),
        x.clone().to_device(&ndarray),
    );
    assert_close(
        "linear",
        &flat(linear(&layer, x.clone())),
        &flat(linear(&layer_nd, x_nd.clone())),
        1e-6,
    );
    let g = uniform([4, 5], 3, &flex);
    assert_close(
        "adjoint",
        &flat(linear_adjoint(&layer, g.clone())),
        &flat(linear_adjoint(&layer_nd, g.to_device(&ndarray))),
        1e-6,
    );
    assert_close(
        "slope",
        &flat(silu_slope(x.clone())),
        &flat(silu_slope(x_nd)),
        1e-6,
    );
}
