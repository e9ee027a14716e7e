//! Each baseline end to end on tiny problems: the reconstruction improves, every term stays
//! finite, the shared interface drives them, and bad input is an error.

mod common;

use std::ops::ControlFlow;

use burn::prelude::*;
use common::{four_squares, tiny_acai, tiny_aeai, tiny_model, tiny_vae, values};
use dotae_baselines::{Acai, Aeai, PosteriorHead, Vae, WithCritic};
use dotae_models::{
    Backend, InterpolationMethod, LatentModel, ModelError, Objective, SeededRng, TrainLog, burn,
    interpolate_pairs, shuffled_order, train_epoch,
};

fn methods(device: &Device) -> Vec<Box<dyn InterpolationMethod>> {
    vec![
        Box::new(Vae::new(tiny_vae(), device).unwrap()),
        Box::new(Acai::new(tiny_acai(), device).unwrap()),
        Box::new(Aeai::new(tiny_aeai(), device).unwrap()),
    ]
}

fn mean(logs: &[TrainLog], name: &str) -> f64 {
    logs.iter().map(|l| l.term(name).unwrap()).sum::<f64>() / logs.len() as f64
}

/// `steps` steps on the four squares; the mean reconstruction of the last three is below that
/// of the first three, and every term of every step is finite.
fn assert_learns(method: &mut dyn InterpolationMethod, steps: usize, terms: &[&str]) {
    let device = Backend::Flex.training_device().unwrap();
    let images = four_squares(&device);
    let logs: Vec<TrainLog> = (0..steps)
        .map(|_| method.train_step(images.clone()).unwrap())
        .collect();
    for log in &logs {
        let names: Vec<&str> = log.terms.iter().map(|t| t.0).collect();
        assert_eq!(names, terms, "{}", method.name());
        assert!(log.terms.iter().all(|t| t.1.is_finite()), "{log:?}");
    }
    let (first, last) = (
        mean(&logs[..3], "reconstruction"),
        mean(&logs[steps - 3..], "reconstruction"),
    );
    assert!(
        last < 0.9 * first,
        "{}: reconstruction went from {first} to {last}",
        method.name()
    );
    assert_eq!(method.steps_taken(), steps);
    assert_eq!(logs[steps - 1].step, steps);
}

#[test]
fn vae_training_reduces_the_reconstruction() {
    let device = Backend::Flex.training_device().unwrap();
    let mut vae = Vae::new(tiny_vae(), &device).unwrap();
    assert_learns(&mut vae, 25, &["loss", "reconstruction", "kl"]);
}

#[test]
fn acai_training_reduces_the_reconstruction_and_trains_the_critic() {
    let device = Backend::Flex.training_device().unwrap();
    let mut acai = Acai::new(tiny_acai(), &device).unwrap();
    let probe = four_squares(&device);
    let before = values(acai.adversary().forward(probe.clone()));
    assert_learns(
        &mut acai,
        25,
        &["loss", "reconstruction", "critic_penalty", "critic"],
    );
    assert_ne!(before, values(acai.adversary().forward(probe)));
}

#[test]
fn aeai_training_reduces_the_reconstruction_and_trains_the_discriminator() {
    let device = Backend::Flex.training_device().unwrap();
    let mut aeai = Aeai::new(tiny_aeai(), &device).unwrap();
    let probe = four_squares(&device);
    let before = values(aeai.adversary().forward(probe.clone()));
    assert_learns(
        &mut aeai,
        25,
        &[
            "loss",
            "reconstruction",
            "adversarial",
            "cycle",
            "smoothness",
            "discriminator",
        ],
    );
    assert_ne!(before, values(aeai.adversary().forward(probe)));
}

#[test]
fn every_method_runs_through_the_shared_interface() {
    let device = Backend::Flex.training_device().unwrap();
    let images = four_squares(&device);
    let mut rng = SeededRng::new(3);
    let mut names = Vec::new();
    for mut method in methods(&device) {
        let method: &mut dyn InterpolationMethod = method.as_mut();
        let order = shuffled_order(4, &mut rng);
        let mut seen = 0;
        // Batches of 3 and 1: the single image pairs with itself.
        let logs = train_epoch(method, &images, &order, 3, |_| {
            seen += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!((logs.len(), seen), (2, 2), "{}", method.name());
        assert!(logs.iter().all(|l| l.loss().is_finite()), "{logs:?}");
        assert_eq!(method.steps_taken(), 2);

        let model: &dyn LatentModel = method;
        let [c, h, w] = [1, 16, 16];
        let sources = images.clone().slice([0..2, 0..c, 0..h, 0..w]);
        let targets = images.clone().slice([2..4, 0..c, 0..h, 0..w]);
        let frames = interpolate_pairs(model, sources.clone(), targets, 4).unwrap();
        assert_eq!(frames.dims(), [2, 5, 1, 16, 16]);
        let pixels = values(frames.clone());
        assert!(pixels.iter().all(|v| (0.0..=1.0).contains(v)));
        // The first frame is the reconstruction decode(encode(x)).
        let first = frames
            .slice([0..2, 0..1, 0..c, 0..h, 0..w])
            .reshape([2, c, h, w]);
        let reconstruction = model.decode(model.encode(sources));
        first.into_data().assert_approx_eq::<f32>(
            &reconstruction.into_data(),
            burn::tensor::Tolerance::absolute(1e-6),
        );
        names.push(method.name().to_string());
    }
    assert_eq!(names, ["vae", "acai", "aeai"]);
}

#[test]
fn the_vae_encodes_to_its_posterior_mean() {
    let device = Backend::Flex.training_device().unwrap();
    let vae = Vae::new(tiny_vae(), &device).unwrap();
    let images = four_squares(&device);
    let (mean, log_var) = vae.model().posterior(images.clone());
    assert_eq!(mean.dims(), [4, 4, 4, 4]);
    assert_eq!(log_var.dims(), [4, 4, 4, 4]);
    assert_eq!(values(vae.encode(images.clone())), values(mean));
    // Encoding is deterministic: no noise outside training.
    assert_eq!(
        values(vae.encode(images.clone())),
        values(vae.encode(images))
    );
}

#[test]
fn the_dense_posterior_learns_and_refuses_other_image_sizes() {
    let device = Backend::Flex.training_device().unwrap();
    let config = tiny_vae().with_posterior(PosteriorHead::Dense {
        image_size: [16, 16],
    });
    let mut vae = Vae::new(config.clone(), &device).unwrap();
    let (mean, log_var) = vae.model().posterior(four_squares(&device));
    assert_eq!(mean.dims(), [4, 4, 4, 4]);
    assert_eq!(log_var.dims(), [4, 4, 4, 4]);
    assert_learns(&mut vae, 25, &["loss", "reconstruction", "kl"]);

    let larger = Tensor::<4>::zeros([2, 1, 32, 32], &device);
    let err = vae.train_step(larger.clone()).unwrap_err();
    assert!(matches!(err, ModelError::Shape { .. }), "{err}");
    assert!(err.to_string().contains("16, 16"), "{err}");
    assert_eq!(vae.steps_taken(), 25);
    // Encoding them would panic in the dense layers; interpolation refuses them first.
    let err = interpolate_pairs(&vae, larger.clone(), larger, 4).unwrap_err();
    assert!(matches!(
        err,
        ModelError::Shape {
            what: "interpolation sources",
            ..
        }
    ));
    assert!(err.to_string().contains("16, 16"), "{err}");

    // A size the encoder cannot take is refused when the VAE is built.
    let odd = config.with_posterior(PosteriorHead::Dense {
        image_size: [18, 16],
    });
    let err = Vae::new(odd, &device).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("multiples of 4"), "{err}");
}

#[test]
fn bad_configurations_name_the_field() {
    let device = Backend::Flex.training_device().unwrap();
    let check = |result: Result<(), ModelError>, field: &str| {
        let err = result.expect_err(field);
        assert!(
            matches!(&err, ModelError::InvalidConfig { field: f, .. } if *f == field),
            "{err}"
        );
        assert!(err.to_string().contains(field), "{err}");
    };
    let vae = |c| Vae::new(c, &device).map(|_| ());
    check(vae(tiny_vae().with_beta(-1.0)), "beta");
    check(vae(tiny_vae().with_beta(f64::NAN)), "beta");
    check(vae(tiny_vae().with_learning_rate(0.0)), "learning_rate");
    check(
        vae(tiny_vae().with_model(tiny_model().with_width(0))),
        "width",
    );
    let acai = |c| Acai::new(c, &device).map(|_| ());
    check(acai(tiny_acai().with_lambda(-0.5)), "lambda");
    check(acai(tiny_acai().with_gamma(1.5)), "gamma");
    check(acai(tiny_acai().with_gamma(-0.1)), "gamma");
    check(acai(tiny_acai().with_gamma(f64::NAN)), "gamma");
    check(acai(tiny_acai().with_learning_rate(-1e-3)), "learning_rate");
    check(
        acai(tiny_acai().with_critic_learning_rate(f64::INFINITY)),
        "critic_learning_rate",
    );
    let aeai = |c| Aeai::new(c, &device).map(|_| ());
    check(
        aeai(tiny_aeai().with_lambda_adversarial(-1.0)),
        "lambda_adversarial",
    );
    check(aeai(tiny_aeai().with_lambda_cycle(-1.0)), "lambda_cycle");
    check(
        aeai(tiny_aeai().with_lambda_smooth(f64::NAN)),
        "lambda_smooth",
    );
    check(aeai(tiny_aeai().with_intervals(0)), "intervals");
    check(aeai(tiny_aeai().with_pairs_per_batch(0)), "pairs_per_batch");
    check(aeai(tiny_aeai().with_learning_rate(0.0)), "learning_rate");
    check(
        aeai(tiny_aeai().with_discriminator_learning_rate(0.0)),
        "discriminator_learning_rate",
    );
    // An objective built by other means is checked too, before any network is built.
    let unchecked = WithCritic::from_config(tiny_acai().with_gamma(2.0)).unwrap();
    check(
        Acai::from_objective(unchecked, &device).map(|_| ()),
        "gamma",
    );
    // Zero weights are valid: each method then reduces to a plain autoencoder.
    assert!(vae(tiny_vae().with_beta(0.0)).is_ok());
    assert!(acai(tiny_acai().with_lambda(0.0).with_gamma(1.0)).is_ok());
    assert!(aeai(tiny_aeai().with_intervals(1).with_lambda_smooth(0.0)).is_ok());
}

#[test]
fn batches_that_do_not_fit_are_errors() {
    let device = Backend::Flex.training_device().unwrap();
    for mut method in methods(&device) {
        // 2 blocks need sides divisible by 4.
        let odd = Tensor::<4>::zeros([2, 1, 18, 18], &device);
        let err = method.train_step(odd).unwrap_err();
        assert!(err.to_string().contains("multiples of 4"), "{err}");
        let rgb = Tensor::<4>::zeros([2, 3, 16, 16], &device);
        assert!(matches!(
            method.train_step(rgb),
            Err(ModelError::Shape { .. })
        ));
        let empty = Tensor::<4>::zeros([0, 1, 16, 16], &device);
        assert!(matches!(
            method.train_step(empty),
            Err(ModelError::Shape { .. })
        ));
        assert_eq!(method.steps_taken(), 0);
    }
}

#[test]
fn a_non_finite_loss_stops_with_the_step_and_keeps_the_weights() {
    let device = Backend::Flex.training_device().unwrap();
    let images = four_squares(&device);
    let probe = Tensor::<4>::zeros([1, 4, 4, 4], &device);
    for mut method in methods(&device) {
        method.train_step(images.clone()).unwrap();
        let before = values(method.decode(probe.clone()));
        let err = method
            .train_step(images.clone().mul_scalar(f32::NAN))
            .unwrap_err();
        assert!(
            matches!(err, ModelError::NonFiniteLoss { step: 2, .. }),
            "{}: {err}",
            method.name()
        );
        assert_eq!(method.steps_taken(), 1);
        assert_eq!(before, values(method.decode(probe.clone())));
        // Training goes on from the kept weights.
        assert_eq!(method.train_step(images.clone()).unwrap().step, 2);
    }
}

#[test]
fn adversaries_are_unchanged_by_a_refused_step() {
    let device = Backend::Flex.training_device().unwrap();
    let images = four_squares(&device);
    let poisoned = images.clone().mul_scalar(f32::NAN);
    let mut acai = Acai::new(tiny_acai(), &device).unwrap();
    acai.train_step(images.clone()).unwrap();
    let before = values(acai.adversary().forward(images.clone()));
    assert!(acai.train_step(poisoned.clone()).is_err());
    assert_eq!(before, values(acai.adversary().forward(images.clone())));
    let mut aeai = Aeai::new(tiny_aeai(), &device).unwrap();
    aeai.train_step(images.clone()).unwrap();
    let before = values(aeai.adversary().forward(images.clone()));
    assert!(aeai.train_step(poisoned).is_err());
    assert_eq!(before, values(aeai.adversary().forward(images)));
}
