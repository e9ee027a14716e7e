//! `conv2d_activated` in f64 on burn-flex: gradients against central finite differences. A
//! test binary of its own, because a process configures the flex device's float type once.

// Burn's slices take one range per axis: `[i..i + 1]` is a one-axis slice, not a mistake.
#![allow(clippy::single_range_in_vec_init)]

mod common;

use burn::module::Param;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::AvgPool2dConfig;
use burn::prelude::*;
use burn::tensor::{DType, FloatDType};
use common::*;
use dotae_kernels::{Activation, avg_pool2d, conv2d_activated, runs_fused, upsample_nearest2d};
use proptest::prelude::*;

fn flex_f64() -> Device {
    static DEVICE: std::sync::OnceLock<Device> = std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| {
            let mut device = Device::flex();
            device
                .configure(FloatDType::F64)
                .expect("flex supports f64");
            device
        })
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fused_layer_matches_central_differences_in_f64(p in problems(), pick in any::<prop::sample::Index>()) {
        let smooth = match p.activation {
            Activation::LeakyRelu { .. } => Activation::Sigmoid,
            other => other,
        };
        let device = flex_f64().autodiff();
        let (conv, x, r) = setup(&p, &device);
        let [_, dx, dw, db] = run(|c, x| conv2d_activated(c, x, smooth), &conv, x.clone(), r.clone());
        let loss = |conv: &Conv2d, x: Tensor<4>| -> f64 {
            let y = conv2d_activated(conv, x, smooth);
            values1((y * r.clone()).sum())[0]
        };
        let h = 1e-6;
        let perturbed_x = |i: usize, e: f64| {
            let flat: Tensor<1> = x.clone().reshape([-1]);
            let n = flat.dims()[0];
            let delta = Tensor::<1>::zeros([n], &device).slice_assign([i..i + 1], Tensor::from_floats([e], &device));
            (flat + delta).reshape(x.dims())
        };
        let i = pick.index(dx.len());
        let numeric = (loss(&conv, perturbed_x(i, h)) - loss(&conv, perturbed_x(i, -h))) / (2.0 * h);
        prop_assert!((numeric - dx[i]).abs() < 1e-6 * (1.0 + numeric.abs()), "x[{i}]: {numeric} vs {}", dx[i]);
        let with_weight = |i: usize, e: f64| {
            let w = conv.weight.val();
            let flat: Tensor<1> = w.clone().reshape([-1]);
            let delta = Tensor::<1>::zeros([flat.dims()[0]], &device).slice_assign([i..i + 1], Tensor::from_floats([e], &device));
            let mut c = conv.clone();
            c.weight = Param::from_tensor((flat + delta).reshape(w.dims()).detach());
            c
        };
        let i = pick.index(dw.len());
        let numeric = (loss(&with_weight(i, h), x.clone()) - loss(&with_weight(i, -h), x.clone())) / (2.0 * h);
        prop_assert!((numeric - dw[i]).abs() < 1e-6 * (1.0 + numeric.abs()), "w[{i}]: {numeric} vs {}", dw[i]);
        let with_bias = |i: usize, e: f64| {
            let b = conv.bias.as_ref().unwrap().val();
            let delta = Tensor::<1>::zeros(b.dims(), &device).slice_assign([i..i + 1], Tensor::from_floats([e], &device));
            let mut c = conv.clone();
            c.bias = Some(Param::from_tensor((b + delta).detach()));
            c
        };
        let i = pick.index(db.len());
        let numeric = (loss(&with_bias(i, h), x.clone()) - loss(&with_bias(i, -h), x)) / (2.0 * h);
        prop_assert!((numeric - db[i]).abs() < 1e-6 * (1.0 + numeric.abs()), "b[{i}]: {numeric} vs {}", db[i]);
    }
}

/// The gradient of `Σ r ⊙ layer(x)` at one entry of `x`, by autodiff and by central
/// differences.
fn gradient_and_difference(
    layer: impl Fn(Tensor<4>) -> Tensor<4>,
    x: Tensor<4>,
    pick: prop::sample::Index,
) -> (f64, f64) {
    let device = x.device();
    let x = x.require_grad();
    let r = uniform(layer(x.clone()).dims(), 5, &device);
    let grads = (layer(x.clone()) * r.clone()).sum().backward();
    let analytic = values(x.grad(&grads).unwrap());
    let i = pick.index(analytic.len());
    let x = x.detach();
    let loss = |e: f64| {
        let flat: Tensor<1> = x.clone().reshape([-1]);
        let delta = Tensor::<1>::zeros(flat.dims(), &device)
            .slice_assign([i..i + 1], Tensor::from_floats([e], &device));
        let shifted = (flat + delta).reshape(x.dims());
        values1((layer(shifted) * r.clone()).sum())[0]
    };
    let h = 1e-6;
    (analytic[i], (loss(h) - loss(-h)) / (2.0 * h))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn pooling_and_upsampling_match_central_differences_in_f64(
        p in problems(),
        pick in any::<prop::sample::Index>(),
    ) {
        let device = flex_f64().autodiff();
        let x = uniform([p.batch, p.in_channels, 2 * p.rows, 2 * p.cols], p.seed, &device);
        let pool = AvgPool2dConfig::new([2, 2]).init();
        let (analytic, numeric) = gradient_and_difference(|x| avg_pool2d(&pool, x), x.clone(), pick);
        prop_assert!((analytic - numeric).abs() < 1e-7, "pool: {analytic} vs {numeric}");
        let (analytic, numeric) = gradient_and_difference(upsample_nearest2d, x, pick);
        prop_assert!((analytic - numeric).abs() < 1e-7, "upsample: {analytic} vs {numeric}");
    }
}

#[test]
fn the_fused_kernel_runs_in_f64_on_flex() {
    let device = flex_f64();
    let conv = Conv2dConfig::new([2, 3], [3, 3])
        .with_padding(PaddingConfig2d::Same)
        .init(&device);
    let x = uniform([2, 2, 5, 4], 3, &device);
    assert_eq!(x.dtype(), DType::F64);
    assert!(runs_fused(&conv, &x, Activation::Sigmoid));
    let fused = values(conv2d_activated(&conv, x.clone(), Activation::Sigmoid));
    let expected = values(standard(&conv, x, Activation::Sigmoid));
    assert_close("output", &fused, &expected, 1e-13);
}
