//! `conv2d_activated` on burn tensors in f32: the fused kernel against burn's standard
//! operations on burn-flex (values and every gradient), and the routing of everything the
//! kernel does not cover to the standard operations.

mod common;

use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2dConfig;
use burn::nn::pool::AvgPool2dConfig;
use burn::prelude::*;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use common::*;
use dotae_kernels::{Activation, avg_pool2d, conv2d_activated, runs_fused, upsample_nearest2d};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fused_layer_matches_burns_standard_operations(p in problems()) {
        let device = Device::flex().autodiff();
        let (conv, x, r) = setup(&p, &device);
        prop_assert!(runs_fused(&conv, &x, p.activation));
        let fused = run(|c, x| conv2d_activated(c, x, p.activation), &conv, x.clone(), r.clone());
        let standard = run(|c, x| standard(c, x, p.activation), &conv, x, r);
        for (what, (a, e)) in ["output", "input gradient", "weight gradient", "bias gradient"]
            .iter()
            .zip(fused.iter().zip(&standard))
        {
            assert_close(what, a, e, 2e-5);
        }
    }

}

/// Output and input gradient of `layer(x)` against `Σ r ⊙ output`, `r` a fixed pattern.
fn resample_run(layer: impl Fn(Tensor<4>) -> Tensor<4>, x: Tensor<4>) -> [Vec<f64>; 2] {
    let x = x.require_grad();
    let y = layer(x.clone());
    let r = uniform(y.dims(), 11, &y.device());
    let grads = (y.clone() * r).sum().backward();
    [values(y), values(x.grad(&grads).expect("input gradient"))]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn pooling_and_upsampling_match_burns_standard_operations(p in problems()) {
        let device = Device::flex().autodiff();
        let (_, x, _) = setup(&p, &device);
        let upsample = |x: Tensor<4>| {
            let [_, _, h, w] = x.dims();
            let options = InterpolateOptions::new(InterpolateMode::Nearest).with_output_size([2 * h, 2 * w]);
            interpolate(x, options)
        };
        let fast = resample_run(upsample_nearest2d, x.clone());
        let standard = resample_run(upsample, x.clone());
        assert_close("upsampled", &fast[0], &standard[0], 1e-6);
        assert_close("upsampling gradient", &fast[1], &standard[1], 1e-5);
        // Pooling needs even sides: pool the upsampled input.
        let pool = AvgPool2dConfig::new([2, 2]).init();
        let even = upsample(x.clone()) + uniform([p.batch, p.in_channels, 2 * p.rows, 2 * p.cols], 3, &device);
        let fast = resample_run(|x| avg_pool2d(&pool, x), even.clone().detach());
        let standard = resample_run(|x| pool.forward(x), even.detach());
        assert_close("pooled", &fast[0], &standard[0], 1e-6);
        assert_close("pooling gradient", &fast[1], &standard[1], 1e-6);
    }
}

#[test]
fn odd_sides_are_pooled_by_burn() {
    let device = Device::flex();
    let pool = AvgPool2dConfig::new([2, 2]).init();
    let x = uniform([1, 2, 5, 4], 9, &device);
    assert_eq!(avg_pool2d(&pool, x.clone()).dims(), [1, 2, 2, 2]);
    assert_close(
        "pooled",
        &values(avg_pool2d(&pool, x.clone())),
        &values(pool.forward(x)),
        0.0,
    );
}

#[test]
fn what_the_kernel_does_not_cover_runs_as_standard_operations() {
    let device = Device::flex().autodiff();
    let x = uniform([2, 2, 6, 6], 1, &device);
    let uncovered = [
        Conv2dConfig::new([2, 3], [5, 5]).with_padding(PaddingConfig2d::Same),
        Conv2dConfig::new([2, 3], [3, 3]).with_padding(PaddingConfig2d::Valid),
        Conv2dConfig::new([2, 3], [3, 3])
            .with_padding(PaddingConfig2d::Same)
            .with_bias(false),
        Conv2dConfig::new([2, 4], [3, 3])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_stride([2, 2]),
    ];
    for (i, config) in uncovered.into_iter().enumerate() {
        let conv = config.init(&device);
        let a = Activation::LeakyRelu { slope: 0.2 };
        // A missing bias is covered (as zeros); the others are not.
        assert_eq!(runs_fused(&conv, &x, a), i == 2, "case {i}");
        let fused = values(conv2d_activated(&conv, x.clone(), a));
        let expected = values(standard(&conv, x.clone(), a));
        assert_close("output", &fused, &expected, 1e-5);
    }
    // A negative slope cannot be undone from the output's sign, so it is not fused.
    let conv = Conv2dConfig::new([2, 3], [3, 3])
        .with_padding(PaddingConfig2d::Same)
        .init(&device);
    assert!(!runs_fused(
        &conv,
        &x,
        Activation::LeakyRelu { slope: -0.5 }
    ));
}

#[test]
#[allow(deprecated)] // burn 0.22 deprecates burn-ndarray; dotae keeps it as a CPU backend.
fn other_backends_give_the_same_values() {
    let flex = Device::flex();
    let ndarray = Device::ndarray();
    let conv = Conv2dConfig::new([3, 5], [3, 3])
        .with_padding(PaddingConfig2d::Same)
        .init(&flex);
    let conv_ndarray = conv.clone().to_device(&ndarray);
    let x = uniform([2, 3, 7, 6], 5, &flex);
    let x_ndarray = x.clone().to_device(&ndarray);
    let a = Activation::LeakyRelu { slope: 0.2 };
    assert!(!runs_fused(&conv_ndarray, &x_ndarray, a));
    let fused = values(conv2d_activated(&conv, x, a));
    let other = values(conv2d_activated(&conv_ndarray, x_ndarray, a));
    assert_close("output", &fused, &other, 1e-5);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn silu_matches_burns_standard_silu_with_its_gradient(p in problems(), scale in 0.1f64..20.0) {
        let device = Device::flex().autodiff();
        let (_, x, _) = setup(&p, &device);
        let x = x * scale;
        let fast = resample_run(dotae_kernels::silu, x.clone());
        let standard = resample_run(burn::tensor::activation::silu, x);
        assert_close("silu", &fast[0], &standard[0], 2e-6);
        assert_close("silu gradient", &fast[1], &standard[1], 2e-6);
    }
}
