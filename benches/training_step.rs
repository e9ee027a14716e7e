//! One optimisation step of every method — baseline, VAE, ACAI, AEAI, path energy (balanced and
//! unbalanced τ = 1) — at batch 64 and 256 of 32×32 gray images, with the regularisers' settings
//! of the main paper's MNIST runs: 9 pairs per batch, T = 19 for the path energy. The same
//! table in PyTorch is `benches/reference/pytorch_step.py`; both are in docs/performance.md.
//!
//!     cargo bench --bench training_step
//!     cargo bench --bench training_step -- 'batch 64'
//!     # Peak memory of batch-256 steps of one method:
//!     /usr/bin/time -v cargo bench --bench training_step -- 'baseline/batch 256' --profile-time 20
//!     DOTAE_BACKEND=wgpu cargo bench --features wgpu --bench training_step

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dotae::baselines::{Acai, AcaiConfig, Aeai, AeaiConfig, Vae, VaeConfig};
use dotae::data::SeededRng;
use dotae::data::synthetic::disk;
use dotae::energy::Variant;
use dotae::models::burn::prelude::*;
use dotae::models::{
    Backend, InterpolationMethod, PathEnergyLossConfig, Trainer, TrainingConfig, from_array,
};
use ndarray::{Array4, s};

const SIZE: usize = 32;
const PAIRS: usize = 9;
const STEPS: usize = 19;

/// Disks of random radius and position: images with a clear mass to transport.
fn batch(size: usize, device: &Device) -> Tensor<4> {
    let mut rng = SeededRng::new(0);
    let mut images = Array4::<f64>::zeros((size, 1, SIZE, SIZE));
    for n in 0..size {
        let radius = 2.0 + 4.0 * rng.uniform();
        let centre = (6.0 + 20.0 * rng.uniform(), 6.0 + 20.0 * rng.uniform());
        let image = disk(SIZE, SIZE, centre, radius).expect("valid disk");
        images.slice_mut(s![n, 0, .., ..]).assign(&image);
    }
    from_array(images.into_dyn().view(), device).expect("a 4-axis batch")
}

fn path_energy(variant: Option<Variant>, batch: usize) -> TrainingConfig {
    let config = TrainingConfig::new().with_batch_size(batch);
    match variant {
        None => config.with_alpha(0.0),
        Some(variant) => config
            .with_alpha(1.0)
            .with_steps(STEPS)
            .with_pairs_per_batch(PAIRS)
            .with_energy(PathEnergyLossConfig {
                variant,
                ..PathEnergyLossConfig::default()
            }),
    }
}

/// The benchmarked methods, by name.
const METHODS: [&str; 6] = [
    "baseline",
    "vae",
    "acai",
    "aeai",
    "path-energy",
    "path-energy-unbalanced",
];

/// The method called `name`, freshly initialised as the experiments build it.
fn build(name: &str, batch: usize, device: &Device) -> Box<dyn InterpolationMethod> {
    let trainer = |variant| Box::new(Trainer::new(path_energy(variant, batch), device).unwrap());
    match name {
        "baseline" => trainer(None),
        "vae" => Box::new(Vae::new(VaeConfig::new(), device).unwrap()),
        "acai" => Box::new(Acai::new(AcaiConfig::new(), device).unwrap()),
        "aeai" => {
            Box::new(Aeai::new(AeaiConfig::new().with_pairs_per_batch(PAIRS), device).unwrap())
        }
        "path-energy" => trainer(Some(Variant::Balanced)),
        _ => trainer(Some(Variant::Unbalanced { tau: 1.0 })),
    }
}

fn training_step(c: &mut Criterion) {
    let backend: Backend = std::env::var("DOTAE_BACKEND")
        .unwrap_or_else(|_| "flex".into())
        .parse()
        .expect("DOTAE_BACKEND is flex, ndarray or wgpu");
    let device = backend.training_device().expect("backend available");
    let mut group = c.benchmark_group(format!("training_step/{backend}"));
    group.sample_size(10);
    for size in [64, 256] {
        let images = batch(size, &device);
        for name in METHODS {
            // Built on first use, so a filtered run holds only the method it measures.
            let mut method = None;
            group.bench_function(format!("{name}/batch {size}"), |b| {
                let method = method.get_or_insert_with(|| build(name, size, &device));
                b.iter(|| black_box(method.train_step(images.clone()).expect("finite step")))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, training_step);
criterion_main!(benches);
