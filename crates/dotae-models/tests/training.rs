//! Algorithm 1 end to end on tiny problems: the loss decreases, runs are reproducible,
//! checkpoints round-trip, and bad configurations are errors.

use std::ops::ControlFlow;

use burn::prelude::*;
mod common;

use common::{tiny_config, two_squares};
use dotae_models::{
    AutoencoderConfig, Backend, InterpolationMethod, LatentModel, ModelError, OutputActivation,
    PathEnergyLossConfig, Trainer, barycentre_grid, interpolate_pairs, shuffled_order, train_epoch,
};

fn run(backend: Backend, steps: usize) -> Vec<dotae_models::StepLog> {
    let device = backend.training_device().unwrap();
    let images = two_squares(&device);
    let mut trainer = Trainer::new(tiny_config(), &device).unwrap();
    (0..steps)
        .map(|_| trainer.step(images.clone()).unwrap())
        .collect()
}

#[test]
fn a_tiny_run_decreases_the_loss_with_a_finite_energy() {
    let logs = run(Backend::Flex, 30);
    let first = logs[0];
    let last = logs[logs.len() - 1];
    assert!(logs.iter().all(|l| l.energy.is_finite() && l.energy > 0.0));
    assert!(logs.iter().all(|l| l.pairs == 1));
    assert!(
        last.loss < 0.8 * first.loss,
        "loss went from {} to {}",
        first.loss,
        last.loss
    );
}

#[test]
fn a_fixed_seed_gives_identical_losses_on_ndarray() {
    let a = run(Backend::Ndarray, 4);
    let b = run(Backend::Ndarray, 4);
    assert_eq!(a, b);
    let other_seed = {
        let device = Backend::Ndarray.training_device().unwrap();
        let mut trainer = Trainer::new(tiny_config().with_seed(8), &device).unwrap();
        trainer.step(two_squares(&device)).unwrap()
    };
    assert_ne!(a[0].loss, other_seed.loss);
}

#[test]
fn a_checkpoint_reproduces_decoded_images_exactly() {
    let device = Backend::Flex.training_device().unwrap();
    let images = two_squares(&device);
    let mut trainer = Trainer::new(tiny_config(), &device).unwrap();
    for _ in 0..3 {
        trainer.step(images.clone()).unwrap();
    }
    let dir = std::env::temp_dir().join(format!("dotae-checkpoint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.bpk");
    trainer.model().save_checkpoint(&path).unwrap();

    let inference = Backend::Flex.device().unwrap();
    let restored = tiny_config()
        .model
        .load_checkpoint(&path, &inference)
        .unwrap();
    let frames = |model: &dotae_models::Autoencoder, device: &Device| -> Vec<f32> {
        let x = two_squares(device);
        let [_, c, h, w] = x.dims();
        let a = x.clone().slice([0..1, 0..c, 0..h, 0..w]);
        let b = x.slice([1..2, 0..c, 0..h, 0..w]);
        interpolate_pairs(model, a, b, 4)
            .unwrap()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    };
    let original = frames(trainer.model(), &inference);
    assert_eq!(original, frames(&restored, &inference));

    let wrong = AutoencoderConfig::new()
        .with_width(8)
        .load_checkpoint(&path, &inference);
    assert!(matches!(wrong, Err(ModelError::Checkpoint { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_configurations_name_the_field() {
    let device = Backend::Flex.training_device().unwrap();
    let cases = [
        (tiny_config().with_alpha(-1.0), "alpha"),
        (tiny_config().with_beta(f64::NAN), "beta"),
        (tiny_config().with_steps(1), "steps"),
        (tiny_config().with_batch_size(0), "batch_size"),
        (
            tiny_config().with_learning_rate(f64::INFINITY),
            "learning_rate",
        ),
        // Settings that would train silently without the regulariser ever acting.
        (tiny_config().with_pairs_per_batch(0), "pairs_per_batch"),
        (
            tiny_config().with_energy(PathEnergyLossConfig {
                energy_size: [1, 8],
                ..tiny_config().energy
            }),
            "energy.energy_size",
        ),
    ];
    for (config, field) in cases {
        let err = Trainer::new(config, &device).err().expect("must fail");
        assert!(err.to_string().contains(field), "{err}");
    }
    // The plain autoencoder regularises no pair, so it needs none.
    let plain = tiny_config().with_alpha(0.0).with_beta(0.0);
    assert!(Trainer::new(plain.with_pairs_per_batch(0), &device).is_ok());
}

/// Fixed pairs regularise exactly those batch positions, whatever the batch holds beside them;
/// pairs that cannot be positions of the batch are refused by name.
#[test]
fn fixed_pairs_regularise_only_the_named_positions() {
    let device = Backend::Flex.training_device().unwrap();
    let two = two_squares(&device);
    let four = Tensor::cat(vec![two.clone(), two.clone().flip([3])], 0);
    let config = tiny_config().with_batch_size(4).with_pairs_per_batch(9);
    let mut random = Trainer::new(config.clone(), &device).unwrap();
    assert_eq!(random.step(four.clone()).unwrap().pairs, 6);
    let mut fixed =
        Trainer::new(config.clone().with_fixed_pairs(Some(vec![[0, 1]])), &device).unwrap();
    let log = fixed.step(four.clone()).unwrap();
    assert_eq!(log.pairs, 1);
    assert!(log.energy > 0.0);
    // The energy is the one of the path between positions 0 and 1: the same as a trainer of
    // the two images alone with the same weights would see at its first step.
    let mut alone = Trainer::new(tiny_config(), &device).unwrap();
    let alone_log = alone.step(two.clone()).unwrap();
    assert!(
        (log.energy - alone_log.energy).abs() <= 1e-6 * alone_log.energy,
        "{} vs {}",
        log.energy,
        alone_log.energy
    );
    for pairs in [vec![[1, 1]], vec![[0, 4]]] {
        let err = Trainer::new(config.clone().with_fixed_pairs(Some(pairs)), &device)
            .err()
            .expect("must fail");
        assert!(err.to_string().contains("fixed_pairs"), "{err}");
    }
    // A batch shorter than a pair's positions is refused when trained on.
    let mut far = Trainer::new(config.with_fixed_pairs(Some(vec![[0, 3]])), &device).unwrap();
    let err = far.step(two).unwrap_err();
    assert!(err.to_string().contains("fixed_pairs"), "{err}");
}

#[test]
fn the_latent_shape_is_the_encoders_output() {
    let device = Backend::Flex.device().unwrap();
    let config = AutoencoderConfig::new()
        .with_width(2)
        .with_blocks(3)
        .with_latent_channels(5);
    let model = config.init(&device).unwrap();
    let [n, c, h, w] = model
        .encoder
        .forward(Tensor::<4>::zeros([2, 1, 32, 24], &device))
        .dims();
    assert_eq!((n, [c, h, w]), (2, config.latent_shape(32, 24)));
    assert_eq!(config.latent_shape(32, 24), [5, 4, 3]);
}

#[test]
fn images_that_do_not_fit_are_errors() {
    let device = Backend::Flex.training_device().unwrap();
    let mut trainer = Trainer::new(tiny_config(), &device).unwrap();
    // 2 blocks need sides divisible by 4.
    let odd = Tensor::<4>::zeros([2, 1, 18, 18], &device);
    let err = trainer.step(odd).unwrap_err();
    assert!(err.to_string().contains("multiples of 4"), "{err}");
    // The 8×8 energy grid does not fit 4×4 images.
    let small = Tensor::<4>::zeros([2, 1, 4, 4], &device);
    let err = trainer.step(small).unwrap_err();
    assert!(err.to_string().contains("larger than the images"), "{err}");
}

/// A network panics on a shape it was not built for; interpolating such images is an error
/// that names the input and the rule, for the bare autoencoder and for a trained method alike.
#[test]
fn interpolating_images_the_model_cannot_encode_is_an_error() {
    let device = Backend::Flex.training_device().unwrap();
    let trainer = Trainer::new(tiny_config(), &device).unwrap();
    let bare = tiny_config().model.init(&device).unwrap();
    let models: [&dyn LatentModel; 2] = [&trainer, &bare];
    for model in models {
        let rgb = Tensor::<4>::zeros([2, 3, 16, 16], &device);
        let err = interpolate_pairs(model, rgb.clone(), rgb, 4).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Shape {
                what: "interpolation sources",
                ..
            }
        ));
        assert!(err.to_string().contains("(N >= 1, 1, H, W)"), "{err}");
        // 2 blocks need sides divisible by 4.
        let odd = Tensor::<4>::zeros([1, 1, 18, 16], &device);
        let err = interpolate_pairs(model, odd.clone(), odd, 4).unwrap_err();
        assert!(err.to_string().contains("multiples of 4"), "{err}");
        let none = Tensor::<4>::zeros([0, 1, 16, 16], &device);
        let err = interpolate_pairs(model, none.clone(), none, 4).unwrap_err();
        assert!(err.to_string().contains("at least one image"), "{err}");
        let corners = Tensor::<4>::zeros([4, 2, 16, 16], &device);
        let err = barycentre_grid(model, corners, 3).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Shape {
                what: "barycentre corners",
                ..
            }
        ));
        let fitting = two_squares(&device);
        let path = interpolate_pairs(model, fitting.clone(), fitting.flip([3]), 4).unwrap();
        assert_eq!(path.dims(), [2, 5, 1, 16, 16]);
    }
}

#[test]
fn a_non_finite_loss_stops_with_the_step_and_keeps_the_model() {
    let device = Backend::Flex.training_device().unwrap();
    let mut trainer = Trainer::new(tiny_config().with_alpha(0.0), &device).unwrap();
    let images = two_squares(&device);
    trainer.step(images.clone()).unwrap();
    let before = trainer
        .model()
        .decode(Tensor::zeros([1, 4, 4, 4], &device))
        .into_data();
    let poisoned = images.mul_scalar(f32::NAN);
    let err = trainer.step(poisoned).unwrap_err();
    assert!(
        matches!(err, ModelError::NonFiniteLoss { step: 2, .. }),
        "{err}"
    );
    assert_eq!(trainer.steps_taken(), 1);
    let after = trainer
        .model()
        .decode(Tensor::zeros([1, 4, 4, 4], &device))
        .into_data();
    assert_eq!(before, after);
}

/// A trained method interpolates without gradient tracking, the same numbers as its tracked
/// networks: evaluation builds no autodiff graph that nothing consumes.
#[test]
fn a_method_encodes_and_decodes_untracked_and_unchanged() {
    let device = Backend::Flex.training_device().unwrap();
    let mut trainer = Trainer::new(tiny_config(), &device).unwrap();
    let images = two_squares(&device);
    trainer.step(images.clone()).unwrap();
    let method: &dyn LatentModel = &trainer;
    let codes = method.encode(images.clone());
    let decoded = method.decode(codes.clone());
    assert!(!codes.is_autodiff() && !decoded.is_autodiff());
    let tracked = trainer.model().decode(trainer.model().encode(images));
    assert!(tracked.is_autodiff());
    assert_eq!(decoded.into_data(), tracked.into_data());
}

/// A linear output (ACAI's) trains on the raw decoder output and is clipped to `[0, 1]` only
/// when the model is used; BCE and the path energy refuse it by name.
#[test]
fn a_linear_output_is_clipped_for_use_and_refused_where_images_must_be_densities() {
    let device = Backend::Flex.device().unwrap();
    let architecture = tiny_config()
        .model
        .with_output_activation(OutputActivation::Linear);
    let model = architecture.init_seeded(&device, 3).unwrap();
    let latents = Tensor::<4>::random(
        [4, 4, 4, 4],
        burn::tensor::Distribution::Normal(0.0, 3.0),
        &device,
    );
    let raw: Vec<f32> = model
        .decoder
        .forward(latents.clone())
        .into_data()
        .try_to_vec()
        .unwrap();
    // A trained method decodes through such a snapshot: it must keep the linear output.
    let snapshot: Vec<f32> = LatentModel::decode(&model.valid(), latents.clone())
        .into_data()
        .try_to_vec()
        .unwrap();
    let latents_again = latents.clone();
    let used: Vec<f32> = LatentModel::decode(&model, latents)
        .into_data()
        .try_to_vec()
        .unwrap();
    assert!(
        raw.iter().any(|v| *v < 0.0),
        "the raw output is not bounded below by 0"
    );
    for (r, u) in raw.iter().zip(&used) {
        assert_eq!(*u, r.clamp(0.0, 1.0));
    }
    assert_eq!(snapshot, used);
    // Training losses see the raw output (`decode_raw`), with its gradient outside [0, 1].
    let for_training: Vec<f32> = LatentModel::decode_raw(&model, latents_again)
        .into_data()
        .try_to_vec()
        .unwrap();
    assert_eq!(for_training, raw);

    let bce = tiny_config()
        .with_alpha(0.0)
        .with_beta(0.0)
        .with_model(architecture.clone());
    let err = Trainer::new(bce, &Backend::Flex.training_device().unwrap())
        .err()
        .expect("must fail");
    assert!(
        err.to_string().contains("model.output_activation") && err.to_string().contains("BCE"),
        "{err}"
    );
    let path_energy = tiny_config()
        .with_reconstruction(dotae_models::Reconstruction::Mse)
        .with_model(architecture);
    let err = Trainer::new(path_energy, &Backend::Flex.training_device().unwrap())
        .err()
        .expect("must fail");
    assert!(err.to_string().contains("the path energy"), "{err}");
}

#[test]
fn barycentre_corners_are_the_reconstructions() {
    let device = Backend::Flex.device().unwrap();
    let model = tiny_config().model.init(&device).unwrap();
    let squares = two_squares(&device);
    let corners = Tensor::cat(vec![squares.clone(), squares.flip([2])], 0);
    let grid = barycentre_grid(&model, corners.clone(), 3).unwrap();
    assert_eq!(grid.dims(), [9, 1, 16, 16]);
    let reconstructions = model.reconstruct(corners);
    // Row-major 3×3: the corners (0,0), (2,0), (0,2), (2,2) hold images 1, 2, 3, 4.
    for (corner, cell) in [(0usize, 0usize), (1, 6), (2, 2), (3, 8)] {
        let expected = reconstructions
            .clone()
            .slice([corner..corner + 1, 0..1, 0..16, 0..16])
            .into_data();
        let actual = grid
            .clone()
            .slice([cell..cell + 1, 0..1, 0..16, 0..16])
            .into_data();
        actual.assert_approx_eq::<f32>(&expected, burn::tensor::Tolerance::absolute(1e-6));
    }
    let three = Tensor::<4>::zeros([3, 1, 16, 16], &device);
    assert!(barycentre_grid(&model, three, 3).is_err());
}

#[test]
fn trainer_runs_through_the_shared_method_interface() {
    let device = Backend::Flex.training_device().unwrap();
    let config = tiny_config().with_batch_size(1);
    let mut trainer = Trainer::new(config, &device).unwrap();
    assert_eq!(trainer.name(), "path-energy");
    let images = Tensor::cat(vec![two_squares(&device), two_squares(&device)], 0);
    let mut rng = dotae_models::SeededRng::new(3);
    let order = shuffled_order(4, &mut rng);
    let mut seen = 0;
    let logs = train_epoch(&mut trainer, &images, &order, 3, |_| {
        seen += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    // 4 images in batches of 3: two steps, each reporting the same named terms.
    assert_eq!((logs.len(), seen), (2, 2));
    assert_eq!(logs[1].step, 2);
    for name in ["loss", "reconstruction", "energy", "mass"] {
        assert!(logs[1].term(name).is_some_and(f64::is_finite), "{name}");
    }
    assert_eq!(logs[1].loss(), logs[1].term("loss").unwrap());
    assert!(
        train_epoch(
            &mut trainer,
            &images,
            &[0, 4],
            1,
            |_| ControlFlow::Continue(())
        )
        .is_err()
    );
    assert!(
        train_epoch(&mut trainer, &images, &order, 0, |_| ControlFlow::Continue(
            ()
        ))
        .is_err()
    );
    // Breaking after the first step ends the pass there, with that step taken and logged.
    let before = trainer.steps_taken();
    let logs = train_epoch(&mut trainer, &images, &order, 1, |_| ControlFlow::Break(())).unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(trainer.steps_taken(), before + 1);
    let plain = Trainer::new(tiny_config().with_alpha(0.0).with_beta(0.0), &device).unwrap();
    assert_eq!(plain.name(), "baseline");
}
