//! One Adam step of Algorithm 1 at the main paper's MNIST scale — batch 256 of 32×32 images,
//! 9 regularised pairs, T = 19 — with the path energy (balanced and unbalanced τ = 1) and
//! without it (α = β = 0, the plain autoencoder). The ratio of the two is the cost of the
//! regulariser (issue 3 asks for at most 2× on the GPU).
//!
//!     cargo bench --bench training_step
//!     DOTAE_BACKEND=wgpu cargo bench --features wgpu --bench training_step

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dotae::data::SeededRng;
use dotae::data::synthetic::disk;
use dotae::energy::Variant;
use dotae::models::burn::prelude::*;
use dotae::models::{Backend, PathEnergyLossConfig, Trainer, TrainingConfig, from_array};
use ndarray::{Array4, s};

const BATCH: usize = 256;
const SIZE: usize = 32;

/// Disks of random radius and position: images with a clear mass to transport.
fn batch(device: &Device) -> Tensor<4> {
    let mut rng = SeededRng::new(0);
    let mut images = Array4::<f64>::zeros((BATCH, 1, SIZE, SIZE));
    for n in 0..BATCH {
        let radius = 2.0 + 4.0 * rng.uniform();
        let centre = (6.0 + 20.0 * rng.uniform(), 6.0 + 20.0 * rng.uniform());
        let image = disk(SIZE, SIZE, centre, radius).expect("valid disk");
        images.slice_mut(s![n, 0, .., ..]).assign(&image);
    }
    from_array(images.into_dyn().view(), device).expect("a 4-axis batch")
}

fn config(alpha: f64, variant: Variant) -> TrainingConfig {
    TrainingConfig::new()
        .with_alpha(alpha)
        .with_steps(19)
        .with_batch_size(BATCH)
        .with_pairs_per_batch(9)
        .with_energy(PathEnergyLossConfig {
            variant,
            ..PathEnergyLossConfig::default()
        })
}

fn training_step(c: &mut Criterion) {
    let backend: Backend = std::env::var("DOTAE_BACKEND")
        .unwrap_or_else(|_| "flex".into())
        .parse()
        .expect("DOTAE_BACKEND is flex, ndarray or wgpu");
    let device = backend.training_device().expect("backend available");
    let images = batch(&device);
    let mut group = c.benchmark_group(format!("training_step/{backend}"));
    group.sample_size(10);
    for (name, alpha, variant) in [
        ("plain", 0.0, Variant::Balanced),
        ("path_energy", 1.0, Variant::Balanced),
        (
            "path_energy_unbalanced",
            1.0,
            Variant::Unbalanced { tau: 1.0 },
        ),
    ] {
        let mut trainer = Trainer::new(config(alpha, variant), &device).expect("valid config");
        group.bench_function(name, |b| {
            b.iter(|| black_box(trainer.step(images.clone()).expect("finite step")))
        });
    }
    group.finish();
}

criterion_group!(benches, training_step);
criterion_main!(benches);
