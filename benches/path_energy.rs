//! Energy + gradient of 9 paths × 19 steps (the paper's MNIST batch setting) at 32², 64² and
//! 128², for the balanced, obstacle and unbalanced variants; and one step alone (one
//! factorisation + solve) for the time per linear solve.
//!
//!     cargo bench --bench path_energy

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dotae::data::synthetic::{gaussian, translation};
use dotae::energy::{Boundary, Grid, PathEnergy, PathEnergyConfig, Request};
use ndarray::{Array2, Array4, Axis, s, stack};

const PATHS: usize = 9;
const STEPS: usize = 19;

/// Nine Gaussian blobs crossing the image in different directions, on a small floor.
fn paths(size: usize) -> Array4<f64> {
    let n = size as f64;
    let sigma = n / 10.0;
    let all: Vec<_> = (0..PATHS)
        .map(|p| {
            let angle = p as f64 * std::f64::consts::PI / PATHS as f64;
            let (dy, dx) = (0.25 * n * angle.sin(), 0.25 * n * angle.cos());
            let centre = (n / 2.0, n / 2.0);
            translation(
                STEPS,
                (centre.0 - dy, centre.1 - dx),
                (centre.0 + dy, centre.1 + dx),
                |c| gaussian(size, size, c, sigma).map(|g| g + 1e-3),
            )
            .expect("valid synthetic path")
        })
        .collect();
    let views: Vec<_> = all.iter().map(|p| p.view()).collect();
    stack(Axis(0), &views).expect("paths of one shape")
}

/// A vertical wall through the middle with a gap at a third of the height.
fn wall(size: usize) -> Array2<bool> {
    let mut mask = Array2::from_elem((size, size), false);
    mask.slice_mut(s![.., size / 2]).fill(true);
    mask.slice_mut(s![size / 3..size / 3 + size / 8 + 1, size / 2])
        .fill(false);
    mask
}

fn operators(size: usize) -> Vec<(&'static str, PathEnergy)> {
    let config = PathEnergyConfig::default().normalized(1.0);
    let plain = || Grid::new(size, size, Boundary::Dirichlet).expect("grid");
    let walled =
        Grid::with_obstacles(size, size, Boundary::Dirichlet, wall(size).view()).expect("grid");
    vec![
        (
            "balanced",
            PathEnergy::new(plain(), config.clone()).expect("operator"),
        ),
        (
            "obstacle",
            PathEnergy::new(walled, config.clone()).expect("operator"),
        ),
        (
            "unbalanced",
            PathEnergy::new(plain(), config.unbalanced(1.0)).expect("operator"),
        ),
    ]
}

fn batch(c: &mut Criterion) {
    for size in [32, 64, 128] {
        let mut group = c.benchmark_group(format!("energy_gradient_9x19/{size}"));
        group.throughput(Throughput::Elements((PATHS * STEPS) as u64));
        if size >= 64 {
            group.sample_size(10);
        }
        let data = paths(size);
        for (name, operator) in operators(size) {
            group.bench_with_input(BenchmarkId::from_parameter(name), &data, |b, data| {
                b.iter(|| {
                    operator
                        .evaluate_batch(black_box(data.view()), Request::GRADIENT)
                        .expect("energy")
                })
            });
        }
        group.finish();
    }
}

fn single_solve(c: &mut Criterion) {
    let mut group = c.benchmark_group("one_step");
    for size in [32, 64, 128] {
        let data = paths(size);
        let step = data.slice(s![0, 0..2, .., ..]).to_owned();
        let (_, operator) = operators(size).swap_remove(0);
        group.bench_with_input(BenchmarkId::new("balanced", size), &step, |b, step| {
            b.iter(|| {
                operator
                    .evaluate(black_box(step.view()), Request::GRADIENT)
                    .expect("energy")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batch, single_solve);
criterion_main!(benches);
