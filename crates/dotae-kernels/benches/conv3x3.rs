//! The fused 3×3 convolution, forward and backward, at every layer shape of docs/design.md's
//! autoencoder for 32×32 images (batch 256, f32). Throughput is in multiply-adds, so layers
//! compare directly with each other and with the machine's matrix-product peak.
//!
//!     cargo bench --bench conv3x3
//!     cargo bench --bench conv3x3 -- backward
//!     cargo bench --bench conv3x3 -- "sigmoid output"

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dotae_kernels::Activation;
use dotae_kernels::conv3x3::{ConvGradients, ConvShape, conv3x3_backward, conv3x3_forward};

const BATCH: usize = 256;

/// `(in, out, side)` of every convolution of the encoder, then of the decoder.
const LAYERS: [(usize, usize, usize); 18] = [
    (1, 16, 32),
    (16, 32, 32),
    (32, 32, 32),
    (32, 64, 16),
    (64, 64, 16),
    (64, 128, 8),
    (128, 128, 8),
    (128, 256, 4),
    (256, 16, 4),
    (16, 256, 4),
    (256, 128, 4),
    (128, 64, 8),
    (64, 64, 8),
    (64, 32, 16),
    (32, 32, 16),
    (32, 16, 32),
    (16, 16, 32),
    (16, 1, 32),
];

fn wave(n: usize, phase: f32) -> Vec<f32> {
    (0..n).map(|i| ((i as f32) * 0.37 + phase).sin()).collect()
}

/// One backward pass: `[x, w, y, dy]` in, `[dx, dw, db]` out.
fn backward(
    shape: ConvShape,
    [x, w, y, dy]: [&[f32]; 4],
    activation: Activation,
    [dx, dw, db]: [&mut Vec<f32>; 3],
) {
    conv3x3_backward(
        shape,
        x,
        w,
        y,
        dy,
        activation,
        ConvGradients {
            input: Some(black_box(dx)),
            weight: dw,
            bias: db,
        },
    )
}

fn conv3x3(c: &mut Criterion) {
    let leaky = Activation::LeakyRelu { slope: 0.2 };
    let mut group = c.benchmark_group("conv3x3");
    group.sample_size(10);
    for (in_channels, out_channels, side) in LAYERS {
        let shape = ConvShape {
            batch: BATCH,
            in_channels,
            out_channels,
            rows: side,
            cols: side,
        };
        let name = format!("{in_channels}->{out_channels} at {side}x{side}");
        let (x, w, b) = (
            wave(shape.input_len(), 0.1),
            wave(shape.weight_len(), 0.2),
            wave(out_channels, 0.3),
        );
        let mut y = vec![0.0; shape.output_len()];
        conv3x3_forward(shape, &x, &w, &b, leaky, &mut y);
        let dy = wave(shape.output_len(), 0.4);
        let multiply_adds = (shape.output_len() * in_channels * 9) as u64;
        group.throughput(Throughput::Elements(multiply_adds));
        group.bench_function(format!("forward/{name}"), |bench| {
            bench.iter(|| conv3x3_forward(shape, &x, &w, &b, leaky, black_box(&mut y)))
        });
        let (mut dx, mut dw, mut db) = (
            vec![0.0; shape.input_len()],
            vec![0.0; shape.weight_len()],
            vec![0.0; out_channels],
        );
        group.throughput(Throughput::Elements(2 * multiply_adds));
        group.bench_function(format!("backward/{name}"), |bench| {
            bench.iter(|| backward(shape, [&x, &w, &y, &dy], leaky, [&mut dx, &mut dw, &mut db]))
        });
    }
    group.finish();
}

/// The decoder's last layer, backward, where a trained decoder is: on ACAI's lines a trained
/// sigmoid baseline decodes 44 % of its pixels as exactly 0 and 8 % between 0 and 1e-33, whose
/// gradients `dy · y (1 − y)` are subnormal (`flush_subnormals`;
/// `tests/reference/subnormal_share.py`). The same layer with every output in `(0.25, 0.75)` is
/// the reference: the two should take the same time.
fn near_black_output(c: &mut Criterion) {
    let mut group = c.benchmark_group("conv3x3 sigmoid output");
    group.sample_size(10);
    let shape = ConvShape {
        batch: BATCH,
        in_channels: 16,
        out_channels: 1,
        rows: 32,
        cols: 32,
    };
    let (x, w) = (wave(shape.input_len(), 0.1), wave(shape.weight_len(), 0.2));
    // A mean loss over 256 × 1024 pixels hands each pixel a gradient of about 4e-6.
    let dy: Vec<f32> = wave(shape.output_len(), 0.4)
        .iter()
        .map(|v| v * 4e-6)
        .collect();
    let multiply_adds = (shape.output_len() * shape.in_channels * 9) as u64;
    group.throughput(Throughput::Elements(2 * multiply_adds));
    for (name, near_black) in [("outputs in (0.25, 0.75)", false), ("as on lines", true)] {
        let y: Vec<f32> = (0..shape.output_len())
            .map(|i| match (near_black, i % 25) {
                (true, 0..2) => 1e-36,
                (true, 2..13) => 0.0,
                _ => 0.25 + 0.5 * ((i as f32) * 0.37).sin().abs(),
            })
            .collect();
        let (mut dx, mut dw, mut db) = (
            vec![0.0; shape.input_len()],
            vec![0.0; shape.weight_len()],
            vec![0.0; 1],
        );
        group.bench_function(format!("backward/16->1 at 32x32, {name}"), |bench| {
            bench.iter(|| {
                let gradients = [&mut dx, &mut dw, &mut db];
                backward(shape, [&x, &w, &y, &dy], Activation::Sigmoid, gradients)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, conv3x3, near_black_output);
criterion_main!(benches);
