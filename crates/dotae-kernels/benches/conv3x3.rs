//! The fused 3×3 convolution, forward and backward, at every layer shape of docs/design.md's
//! autoencoder for 32×32 images (batch 256, f32). Throughput is in multiply-adds, so layers
//! compare directly with each other and with the machine's matrix-product peak.
//!
//!     cargo bench --bench conv3x3
//!     cargo bench --bench conv3x3 -- backward

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
            bench.iter(|| {
                conv3x3_backward(
                    shape,
                    &x,
                    &w,
                    &y,
                    &dy,
                    leaky,
                    ConvGradients {
                        input: Some(black_box(&mut dx)),
                        weight: &mut dw,
                        bias: &mut db,
                    },
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, conv3x3);
criterion_main!(benches);
