//! Speed of the Benamou–Brenier solver on a translated Gaussian (32×32 and 64×64, T = 16),
//! preceded by one accuracy pass per grid size (16, 32, 64) printed to stderr: iterations,
//! W₂² against d², the per-frame relative L2 error against the exact translation, and
//! dotae-energy's `T·J` of the returned frames.
//!
//! `cargo bench -p dotae-ot --bench dynamic`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dotae_energy::{PathEnergy, PathEnergyConfig, Request};
use dotae_grid::{Boundary, Grid};
use dotae_ot::geodesic;
use ndarray::{Array2, ArrayView2};

const STEPS: usize = 16;

/// A unit-mass Gaussian of `σ = n/10` centred at `(row, n/2)` on an `n × n` image.
fn gaussian(n: usize, row: f64) -> Array2<f64> {
    let sigma = n as f64 / 10.0;
    let col = n as f64 / 2.0;
    let g = Array2::from_shape_fn((n, n), |(i, j)| {
        let d2 = (i as f64 - row).powi(2) + (j as f64 - col).powi(2);
        (-d2 / (2.0 * sigma * sigma)).exp()
    });
    let total = g.sum();
    g / total
}

/// Centre row at time `t` of the translation by `d = n/4` rows.
fn centre(n: usize, t: f64) -> f64 {
    let d = n as f64 / 4.0;
    n as f64 / 2.0 - d / 2.0 + d * t
}

fn relative_l2(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> f64 {
    let diff: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    (diff / b.iter().map(|y| y * y).sum::<f64>()).sqrt()
}

fn accuracy(n: usize) {
    let start = std::time::Instant::now();
    let path = geodesic(
        gaussian(n, centre(n, 0.0)).view(),
        gaussian(n, centre(n, 1.0)).view(),
        STEPS,
    )
    .expect("valid inputs");
    let seconds = start.elapsed().as_secs_f64();
    let errors: Vec<f64> = path
        .frames
        .outer_iter()
        .enumerate()
        .map(|(t, frame)| {
            let exact = gaussian(n, centre(n, t as f64 / STEPS as f64));
            relative_l2(frame, exact.view())
        })
        .collect();
    let worst = errors.iter().copied().fold(0.0, f64::max);
    let energy = PathEnergy::new(
        Grid::new(n, n, Boundary::Neumann).expect("non-empty grid"),
        PathEnergyConfig::default()
            .normalized(1.0)
            .relative_floor(1e-6),
    )
    .expect("valid configuration");
    let clipped = path.frames.mapv(|v| v.max(0.0));
    let tj = energy
        .evaluate(clipped.view(), Request::ENERGY)
        .expect("non-negative frames of unit mass")
        .w2_estimate();
    let d2 = (n as f64 / 4.0).powi(2);
    eprintln!(
        "accuracy {n}x{n}, T = {STEPS}: {} iterations (converged: {}, {seconds:.2} s), \
         W2² = {:.4} (d² = {d2}, relative {:+.2e}), T·J (dotae-energy) = {tj:.4} \
         (relative to W2² {:+.2e}), frame error max {worst:.2e}, mid-path {:.2e}, \
         min frame value {:.2e}",
        path.iterations,
        path.converged,
        path.w2_squared,
        (path.w2_squared - d2) / d2,
        (tj - path.w2_squared) / path.w2_squared,
        errors[STEPS / 2],
        path.frames.iter().copied().fold(f64::INFINITY, f64::min),
    );
}

fn translation(c: &mut Criterion) {
    for n in [16, 32, 64] {
        accuracy(n);
    }
    let mut group = c.benchmark_group("dynamic_translation_T16");
    group.sample_size(10);
    for n in [32, 64] {
        let source = gaussian(n, centre(n, 0.0));
        let target = gaussian(n, centre(n, 1.0));
        group.bench_function(format!("{n}x{n}"), |b| {
            b.iter(|| geodesic(black_box(source.view()), black_box(target.view()), STEPS))
        });
    }
    group.finish();
}

criterion_group!(benches, translation);
criterion_main!(benches);
