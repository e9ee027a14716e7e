//! The wgpu backend end to end: the same tiny training run as on the CPU, on whatever adapter
//! wgpu finds (a GPU, or Mesa's software Vulkan, lavapipe). Built only with the `wgpu` feature:
//!
//!     cargo test --release -p dotae-models --features wgpu --test wgpu -- --nocapture
#![cfg(feature = "wgpu")]

use std::time::Instant;

use burn::prelude::*;
use dotae_models::{Backend, LatentModel, Trainer, TrainingConfig};

mod common;

use common::{tiny_config, two_squares};

/// The CPU tests' tiny problem with the full path-energy weight and no MassLoss.
fn config() -> TrainingConfig {
    tiny_config()
        .with_alpha(1.0)
        .with_beta(0.0)
        .with_learning_rate(3e-3)
        .with_seed(0)
}

#[test]
fn path_energy_training_runs_on_wgpu() {
    let device = Backend::Wgpu.training_device().unwrap();
    let mut trainer = Trainer::new(config(), &device).unwrap();
    let images = two_squares(&device);
    let clock = Instant::now();
    let logs: Vec<_> = (0..30)
        .map(|_| trainer.step(images.clone()).unwrap())
        .collect();
    let per_step = clock.elapsed().as_secs_f64() / logs.len() as f64;
    eprintln!(
        "wgpu: 30 steps, first loss {:.5}, last loss {:.5}, energy {:.4}, {:.4} s per step",
        logs[0].loss, logs[29].loss, logs[29].energy, per_step
    );
    assert!(
        logs.iter()
            .all(|l| l.loss.is_finite() && l.energy.is_finite())
    );
    let first: f64 = logs[..3].iter().map(|l| l.loss).sum();
    let last: f64 = logs[27..].iter().map(|l| l.loss).sum();
    assert!(last < first, "loss did not decrease: {first} -> {last}");
    let decoded = trainer.model().decode(Tensor::zeros([1, 4, 4, 4], &device));
    assert_eq!(decoded.dims(), [1, 1, 16, 16]);
}

#[test]
fn wgpu_and_flex_decode_the_same_weights_alike() {
    let flex = Backend::Flex.device().unwrap();
    let gpu = Backend::Wgpu.device().unwrap();
    let model = config().model.init(&flex).unwrap();
    let on_gpu = model.clone().to_device(&gpu);
    let latent = Tensor::<4>::random([2, 4, 4, 4], burn::tensor::Distribution::Default, &flex);
    let expected = model.decode(latent.clone()).into_data();
    let actual = on_gpu.decode(latent.to_device(&gpu)).into_data();
    actual.assert_approx_eq::<f32>(&expected, burn::tensor::Tolerance::absolute(1e-4));
}
