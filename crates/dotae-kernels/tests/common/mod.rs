//! What the layer tests share: problems, deterministic data, the standard composition, and one
//! forward and backward pass.

#![allow(dead_code)] // Each test binary uses its own part.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::prelude::*;
use burn::tensor::activation::{leaky_relu, sigmoid};
use dotae_kernels::Activation;
use proptest::prelude::*;

pub fn standard(conv: &Conv2d, x: Tensor<4>, activation: Activation) -> Tensor<4> {
    let z = conv.forward(x);
    match activation {
        Activation::Identity => z,
        Activation::LeakyRelu { slope } => leaky_relu(z, slope),
        Activation::Sigmoid => sigmoid(z),
    }
}

pub fn values(t: Tensor<4>) -> Vec<f64> {
    t.into_data().convert::<f64>().try_to_vec::<f64>().unwrap()
}

pub fn values1(t: Tensor<1>) -> Vec<f64> {
    t.into_data().convert::<f64>().try_to_vec::<f64>().unwrap()
}

pub fn assert_close(what: &str, actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    let scale = expected.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance * scale,
            "{what}[{i}]: {a} vs {e} (scale {scale})"
        );
    }
}

#[derive(Debug)]
pub struct Problem {
    pub batch: usize,
    pub in_channels: usize,
    pub out_channels: usize,
    pub rows: usize,
    pub cols: usize,
    /// Input `(N, C, W, H)` made `(N, C, H, W)` by swapping the last two axes: a strided view.
    pub transposed: bool,
    pub activation: Activation,
    pub seed: u64,
}

pub fn problems() -> impl Strategy<Value = Problem> {
    (
        (1usize..=5, 1usize..=4, 1usize..=6),
        (1usize..=9, 1usize..=9),
        any::<bool>(),
        prop_oneof![
            Just(Activation::Identity),
            Just(Activation::LeakyRelu { slope: 0.2 }),
            Just(Activation::Sigmoid),
        ],
        any::<u64>(),
    )
        .prop_map(
            |((batch, in_channels, out_channels), (rows, cols), transposed, activation, seed)| {
                Problem {
                    batch,
                    in_channels,
                    out_channels,
                    rows,
                    cols,
                    transposed,
                    activation,
                    seed,
                }
            },
        )
}

/// A deterministic pseudo-random tensor with values in `[-1, 1)`.
pub fn uniform<const D: usize>(shape: [usize; D], seed: u64, device: &Device) -> Tensor<D> {
    let n: usize = shape.iter().product();
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let values: Vec<f32> = (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect();
    Tensor::<1>::from_data(TensorData::new(values, [n]), device).reshape(shape)
}

pub fn setup(p: &Problem, device: &Device) -> (Conv2d, Tensor<4>, Tensor<4>) {
    device.seed(p.seed);
    let conv = Conv2dConfig::new([p.in_channels, p.out_channels], [3, 3])
        .with_padding(PaddingConfig2d::Same)
        .init(device);
    let x = match p.transposed {
        true => uniform([p.batch, p.in_channels, p.cols, p.rows], p.seed, device).swap_dims(2, 3),
        false => uniform([p.batch, p.in_channels, p.rows, p.cols], p.seed, device),
    };
    let r = uniform(
        [p.batch, p.out_channels, p.rows, p.cols],
        p.seed + 1,
        device,
    );
    (conv, x, r)
}

/// Output, then the gradients of `Σ r ⊙ output` for input, weight and bias.
pub fn run(
    layer: impl Fn(&Conv2d, Tensor<4>) -> Tensor<4>,
    conv: &Conv2d,
    x: Tensor<4>,
    r: Tensor<4>,
) -> [Vec<f64>; 4] {
    let x = x.require_grad();
    let y = layer(conv, x.clone());
    let grads = (y.clone() * r).sum().backward();
    [
        values(y),
        values(x.grad(&grads).expect("input gradient")),
        values(conv.weight.val().grad(&grads).expect("weight gradient")),
        values1(
            conv.bias
                .as_ref()
                .unwrap()
                .val()
                .grad(&grads)
                .expect("bias gradient"),
        ),
    ]
}
