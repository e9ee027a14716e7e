//! The published loss weights, pinned: each method's loss must be its paper's (or its reference
//! implementation's) up to one constant factor, on the shapes of the MNIST experiments (32×32
//! images, a 16×4×4 latent) and of ACAI's lines runs (a 16×2×2 latent).

mod common;

use burn::prelude::*;
use common::value;
use dotae_baselines::{
    ACAI_PUBLISHED_LAMBDA, AcaiConfig, AcaiObjective, AeaiConfig, AeaiObjective, AeaiWeights,
    VaeConfig, kl_weight,
};
use dotae_models::{
    AutoencoderConfig, Losses, Objective, OutputActivation, Reconstruction, SeededRng, Step, Term,
    burn, cpu_device,
};

const PIXELS: usize = 32 * 32;
const MNIST_LATENT: usize = 16 * 4 * 4;

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-12 * expected.abs().max(1.0),
        "{actual} vs {expected}"
    );
}

/// Equal to f32 rounding: the networks compute the loss in f32.
fn close_f32(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-6 * expected.abs().max(1e-3),
        "{actual} vs {expected}"
    );
}

/// The logged value of term `name`.
fn term(losses: &Losses, name: &str) -> f64 {
    match losses.terms.iter().find(|(n, _)| *n == name) {
        Some((_, Term::Tensor(t))) => value(t.clone()),
        Some((_, Term::Value(v))) => *v,
        None => panic!("no term {name}"),
    }
}

/// A small 32×32 model with the experiments' 16-channel latent after `blocks` poolings.
fn small(blocks: usize) -> AutoencoderConfig {
    AutoencoderConfig::new()
        .with_width(2)
        .with_blocks(blocks)
        .with_bottleneck(4)
}

fn batch(device: &Device) -> Tensor<4> {
    let values: Vec<f32> = (0..4 * PIXELS)
        .map(|i| (i % 7) as f32 / 8.0 + 0.05)
        .collect();
    Tensor::from_data(TensorData::new(values, [4, 1, 32, 32]), device)
}

/// The losses of one step of `objective` on a fixed batch.
fn one_step<O: Objective>(objective: &O) -> Losses {
    step_number(objective, 1)
}

/// The losses of step `number` (1-based) of `objective` on a fixed batch.
fn step_number<O: Objective>(objective: &O, number: usize) -> Losses {
    let device = cpu_device();
    let (model, adversary) = objective.init(&device, 3).unwrap();
    let mut rng = SeededRng::new(5);
    objective
        .losses(Step {
            model: &model,
            adversary: &adversary,
            batch: batch(&device),
            rng: &mut rng,
            number,
        })
        .unwrap()
}

#[test]
fn vae_beta_is_the_textbook_one() {
    // β = 1 is the ELBO: the KL summed over 256 latent numbers against the reconstruction
    // summed over 1 024 pixels, i.e. the KL mean weighs 1/4 of the reconstruction mean.
    close(kl_weight(1.0, MNIST_LATENT, PIXELS), 0.25);
    close(kl_weight(4.0, MNIST_LATENT, PIXELS), 1.0);
    assert_eq!(VaeConfig::new().beta, 1.0);

    let objective = VaeConfig::new().with_model(small(3));
    let losses = one_step(&objective);
    let expected = term(&losses, "reconstruction") + 0.25 * term(&losses, "kl");
    close_f32(value(losses.model), expected);
}

#[test]
fn vae_kl_warmup_rises_linearly_to_beta_and_stays() {
    let objective = VaeConfig::new()
        .with_model(small(3))
        .with_beta(2.0)
        .with_kl_warmup_steps(4);
    // β = 2 weighs the KL mean by 2 · 256 / 1 024 = 0.5 once warm; step s of 4 by s/4 of it.
    for (number, weight) in [(1, 0.125), (2, 0.25), (4, 0.5), (9, 0.5)] {
        let losses = step_number(&objective, number);
        let expected = term(&losses, "reconstruction") + weight * term(&losses, "kl");
        close_f32(value(losses.model), expected);
    }
    // Without a warm-up the first step already weighs it by β.
    let losses = one_step(&objective.clone().with_kl_warmup_steps(0));
    let expected = term(&losses, "reconstruction") + 0.5 * term(&losses, "kl");
    close_f32(value(losses.model), expected);
}

#[test]
fn aeai_weights_are_the_papers_sums_over_2p() {
    // λ_A = λ_C = 1e-2, λ_S = 1e-1 and M + 1 = 5 grid points, per pair of 2 × 1 024 pixels.
    let config = AeaiConfig::new().with_model(small(3));
    let weights = config.effective_weights(PIXELS, MNIST_LATENT);
    let expected = AeaiWeights {
        adversarial: 1e-2 * 5.0 / 2048.0,
        cycle: 1e-2 * 5.0 * 256.0 / 2048.0,
        smoothness: 1e-1 * 5.0 / 2.0,
    };
    close(weights.adversarial, expected.adversarial);
    close(weights.cycle, expected.cycle);
    close(weights.smoothness, expected.smoothness);
    // Against the adversarial term, the cycle term weighs L = 256 times and the smoothness
    // term P = 1 024 times more than the λ alone say (with λ_S = 10 λ_A).
    close(weights.cycle / weights.adversarial, 256.0);
    close(weights.smoothness / weights.adversarial, 10.0 * 1024.0);

    let objective = AeaiObjective::from_config(config).unwrap();
    let losses = one_step(&objective);
    let expected_total = term(&losses, "reconstruction")
        + expected.adversarial * term(&losses, "adversarial")
        + expected.cycle * term(&losses, "cycle")
        + expected.smoothness * term(&losses, "smoothness");
    close_f32(value(losses.model), expected_total);
}

#[test]
fn aeai_published_trains_a_linear_decoder_on_the_raw_output() {
    let config = AeaiConfig::new().with_model(small(3)).published();
    assert_eq!(config.reconstruction, Reconstruction::Mse);
    assert_eq!(config.model.output_activation, OutputActivation::Linear);
    // Only the decoder changes: the weights are the paper's.
    let weights = config.effective_weights(PIXELS, MNIST_LATENT);
    close(weights.adversarial, 1e-2 * 5.0 / 2048.0);

    // The reconstruction term is the MSE of the raw output, before any clip to [0, 1].
    let device = cpu_device();
    let objective = AeaiObjective::from_config(config.clone()).unwrap();
    let (model, adversary) = objective.init(&device, 3).unwrap();
    let mut rng = SeededRng::new(5);
    let images = batch(&device);
    let losses = objective
        .losses(Step {
            model: &model,
            adversary: &adversary,
            batch: images.clone(),
            rng: &mut rng,
            number: 1,
        })
        .unwrap();
    let raw = model.decoder.forward(model.encoder.forward(images.clone()));
    let raw_mse = value((raw.clone() - images.clone()).powi_scalar(2).mean());
    let clipped_mse = value((raw.clamp(0.0, 1.0) - images).powi_scalar(2).mean());
    close_f32(term(&losses, "reconstruction"), raw_mse);
    assert!(
        (raw_mse - clipped_mse).abs() > 1e-6,
        "the clip changed nothing"
    );

    // BCE needs images in (0, 1): with the linear output it is refused by name.
    let err = config
        .with_reconstruction(Reconstruction::Bce)
        .validate()
        .expect_err("must fail");
    assert!(err.to_string().contains("model.output_activation"), "{err}");
}

#[test]
fn acai_published_is_the_reference_loss_on_zero_one_images() {
    let config = AcaiConfig::new().with_model(small(4)).published();
    assert_eq!(config.reconstruction, Reconstruction::Mse);
    // The reference decoder ends with a convolution, no sigmoid.
    assert_eq!(config.model.output_activation, OutputActivation::Linear);
    assert_eq!(config.gamma, 0.2);
    // MSE on [−1, 1] is 4 × MSE on [0, 1]: the reference's λ = 0.5 there is 0.125 here.
    close(config.lambda * 4.0, ACAI_PUBLISHED_LAMBDA);
    close(config.lambda, 0.125);

    let objective = AcaiObjective::from_config(config).unwrap();
    let losses = one_step(&objective);
    let expected = term(&losses, "reconstruction") + 0.125 * term(&losses, "critic_penalty");
    close_f32(value(losses.model), expected);
}
