//! Every loss term against values computed by hand.

mod common;

use burn::prelude::*;
use common::{value, values};
use dotae_baselines::{
    acai_blend, acai_critic_loss, acai_mix, acai_penalty, aeai_adversarial_loss, aeai_cycle_loss,
    aeai_discriminator_loss, aeai_smoothness, alpha_grid, kl_divergence, reparameterize,
};
use dotae_models::{burn, cpu_device};
use proptest::prelude::*;

fn t1(values: &[f64], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

fn t4(values: &[f64], shape: [usize; 4], device: &Device) -> Tensor<4> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

fn close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} vs {expected}"
    );
}

#[test]
fn kl_of_known_gaussians() {
    let device = cpu_device();
    let shape = [1, 1, 2, 2];
    // μ = 1, σ² = 1: (1 + 1 − 1 − 0)/2 = 1/2 per element.
    let kl = kl_divergence(t4(&[1.0; 4], shape, &device), t4(&[0.0; 4], shape, &device));
    close(value(kl), 0.5, 1e-6);
    // μ = 0, σ² = e: (0 + e − 1 − 1)/2.
    let kl = kl_divergence(t4(&[0.0; 4], shape, &device), t4(&[1.0; 4], shape, &device));
    close(value(kl), (std::f64::consts::E - 2.0) / 2.0, 1e-6);
    // The standard normal costs nothing; the KL is a mean over elements.
    let kl = kl_divergence(
        t4(&[0.0, 0.0, 1.0, 1.0], shape, &device),
        t4(&[0.0, 1.0, 0.0, 1.0], shape, &device),
    );
    let e = std::f64::consts::E;
    close(
        value(kl),
        (0.0 + (e - 2.0) / 2.0 + 0.5 + (e - 1.0) / 2.0) / 4.0,
        1e-6,
    );
}

#[test]
fn reparameterisation_scales_the_noise_by_sigma() {
    let device = cpu_device();
    let shape = [1, 1, 1, 3];
    let log_var = (4.0f64).ln(); // σ = 2
    let z = reparameterize(
        t4(&[1.0; 3], shape, &device),
        t4(&[log_var; 3], shape, &device),
        t4(&[-1.0, 0.0, 0.5], shape, &device),
    );
    for (actual, expected) in values(z).into_iter().zip([-1.0, 1.0, 2.0]) {
        close(actual, expected, 1e-6);
    }
}

#[test]
fn acai_critic_loss_is_zero_on_its_targets_and_squared_error_otherwise() {
    let device = cpu_device();
    let alphas = t1(&[0.1, 0.4], &device);
    let zero = acai_critic_loss(
        alphas.clone(),
        alphas.clone(),
        t1(&[0.0, 0.0, 0.0], &device),
    );
    close(value(zero), 0.0, 1e-7);
    // mean((0.5 − 0.25)², (0 − 0.25)²) + mean(0.3², 0.1²) = 0.0625 + 0.05.
    let loss = acai_critic_loss(
        t1(&[0.5, 0.0], &device),
        t1(&[0.25, 0.25], &device),
        t1(&[0.3, -0.1], &device),
    );
    close(value(loss), 0.1125, 1e-6);
    close(
        value(acai_penalty(t1(&[0.5, -0.5, 0.0], &device))),
        0.5 / 3.0,
        1e-6,
    );
}

#[test]
fn acai_blend_and_mix_are_the_stated_convex_combinations() {
    let device = cpu_device();
    let shape = [1, 1, 2, 2];
    let blend = acai_blend(
        t4(&[1.0, 0.0, 0.5, 0.2], shape, &device),
        t4(&[0.0, 1.0, 0.5, 0.7], shape, &device),
        0.2,
    );
    for (actual, expected) in values(blend).into_iter().zip([0.2, 0.8, 0.5, 0.6]) {
        close(actual, expected, 1e-6);
    }
    // Two codes a = (1, 0), b = (0, 4); image i mixes with image 1 − i.
    let z = t4(&[1.0, 0.0, 0.0, 4.0], [2, 2, 1, 1], &device);
    let mixed = acai_mix(z, t1(&[0.25, 0.5], &device));
    // 0.25 a + 0.75 b = (0.25, 3); 0.5 b + 0.5 a = (0.5, 2).
    for (actual, expected) in values(mixed).into_iter().zip([0.25, 3.0, 0.5, 2.0]) {
        close(actual, expected, 1e-6);
    }
}

#[test]
fn aeai_alpha_grid_has_m_plus_one_points() {
    assert_eq!(alpha_grid(4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    assert_eq!(alpha_grid(1), vec![0.0, 1.0]);
}

#[test]
fn aeai_adversarial_and_discriminator_losses_are_gan_log_losses() {
    let device = cpu_device();
    let ln2 = std::f64::consts::LN_2;
    // D = sigmoid(0) = 1/2: −log D = ln 2.
    close(
        value(aeai_adversarial_loss(t1(&[0.0, 0.0], &device))),
        ln2,
        1e-6,
    );
    close(
        value(aeai_discriminator_loss(
            t1(&[0.0], &device),
            t1(&[0.0], &device),
        )),
        2.0 * ln2,
        1e-6,
    );
    // D = sigmoid(ln 3) = 3/4: −log D = ln(4/3); −log(1 − D) = ln 4.
    let l = 3.0f64.ln();
    close(
        value(aeai_adversarial_loss(t1(&[l], &device))),
        (4.0f64 / 3.0).ln(),
        1e-6,
    );
    close(
        value(aeai_discriminator_loss(
            t1(&[l], &device),
            t1(&[l], &device),
        )),
        (4.0f64 / 3.0).ln() + 4.0f64.ln(),
        1e-5,
    );
    // Saturated logits stay finite: −log sigmoid(−100) ≈ 100.
    close(
        value(aeai_adversarial_loss(t1(&[-100.0], &device))),
        100.0,
        1e-3,
    );
}

#[test]
fn aeai_cycle_loss_is_the_mean_squared_latent_gap() {
    let device = cpu_device();
    let shape = [1, 4, 1, 1];
    // A linear decoder x = 2z read back by the encoder z' = x / 2 closes the cycle exactly.
    let z = t4(&[1.0, 2.0, 3.0, 4.0], shape, &device);
    let cycled = z.clone().mul_scalar(2.0).div_scalar(2.0);
    close(value(aeai_cycle_loss(z.clone(), cycled)), 0.0, 1e-7);
    let ones = t4(&[1.0; 4], shape, &device);
    close(
        value(aeai_cycle_loss(z, ones)),
        (0.0 + 1.0 + 4.0 + 9.0) / 4.0,
        1e-6,
    );
}

/// The frames `a + α (b − a)` at `α = n/M` of one pair: `(1, M + 1, 1, 1, k)`.
fn linear_line(a: &[f64], b: &[f64], intervals: usize, device: &Device) -> Tensor<5> {
    let k = a.len();
    let mut frames = Vec::new();
    for alpha in alpha_grid(intervals) {
        frames.extend(a.iter().zip(b).map(|(a, b)| a + alpha * (b - a)));
    }
    Tensor::from_data(TensorData::new(frames, [1, intervals + 1, 1, 1, k]), device)
}

#[test]
fn aeai_smoothness_of_a_linear_decoder_is_the_squared_endpoint_gap() {
    let device = cpu_device();
    let (a, b) = ([0.0, 0.5, 1.0], [1.0, 0.5, 0.0]);
    let smooth = aeai_smoothness(linear_line(&a, &b, 4, &device));
    close(value(smooth), 2.0 / 3.0, 1e-6);
    // A jump in one interval of four costs M = 4 times as much as the even line.
    let jump = Tensor::<5>::from_data(
        TensorData::new(vec![0.0, 0.0, 1.0, 1.0, 1.0], [1, 5, 1, 1, 1]),
        &device,
    );
    close(value(aeai_smoothness(jump)), 4.0, 1e-6);
    // A single frame has no derivative.
    close(
        value(aeai_smoothness(Tensor::<5>::ones([2, 1, 1, 2, 2], &device))),
        0.0,
        0.0,
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn kl_is_non_negative_and_zero_only_at_the_prior(
        mean in prop::collection::vec(-3.0f64..3.0, 4),
        log_var in prop::collection::vec(-3.0f64..3.0, 4),
    ) {
        let device = cpu_device();
        let shape = [1, 1, 2, 2];
        let kl = value(kl_divergence(t4(&mean, shape, &device), t4(&log_var, shape, &device)));
        let expected: f64 = mean
            .iter()
            .zip(&log_var)
            .map(|(m, l)| (m * m + l.exp() - 1.0 - l) / 2.0)
            .sum::<f64>() / 4.0;
        prop_assert!(kl >= -1e-6);
        prop_assert!((kl - expected).abs() <= 1e-5 * (1.0 + expected));
    }

    #[test]
    fn smoothness_of_any_linear_line_is_independent_of_the_grid(
        a in prop::collection::vec(0.0f64..1.0, 3),
        b in prop::collection::vec(0.0f64..1.0, 3),
        intervals in 1usize..8,
    ) {
        let device = cpu_device();
        let expected = a.iter().zip(&b).map(|(a, b)| (b - a).powi(2)).sum::<f64>() / 3.0;
        let smooth = value(aeai_smoothness(linear_line(&a, &b, intervals, &device)));
        prop_assert!((smooth - expected).abs() <= 1e-5, "{} vs {}", smooth, expected);
    }
}
