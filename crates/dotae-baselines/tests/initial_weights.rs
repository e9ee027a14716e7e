//! One seed and one architecture give every method the same starting autoencoder, so that a
//! comparison of methods compares their losses, not their luck at initialisation.

mod common;

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use common::{tiny_acai, tiny_aeai, tiny_model, tiny_vae};
use dotae_baselines::{Acai, Aeai, PosteriorHead, Vae};
use dotae_models::{Backend, Trainer, TrainingConfig, burn};

/// Every weight of `module`, in the order the module declares them.
fn weights<M: Module>(module: &M) -> Vec<Vec<f32>> {
    struct Collect(Vec<Vec<f32>>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let data = param.val().into_data().convert::<f32>();
            self.0.push(data.try_to_vec::<f32>().unwrap());
        }
    }
    let mut collect = Collect(Vec::new());
    module.visit(&mut collect);
    collect.0
}

#[test]
fn every_method_starts_from_the_same_autoencoder() {
    let device = Backend::Flex.training_device().unwrap();
    let seed = tiny_vae().seed;
    let training = TrainingConfig::new()
        .with_model(tiny_model())
        .with_seed(seed);
    let baseline = Trainer::new(training.clone().with_alpha(0.0), &device).unwrap();
    let path_energy = Trainer::new(training.with_alpha(1.0), &device).unwrap();
    let acai = Acai::new(tiny_acai().with_seed(seed), &device).unwrap();
    let aeai = Aeai::new(tiny_aeai().with_seed(seed), &device).unwrap();
    let vae = Vae::new(tiny_vae(), &device).unwrap();

    let reference = weights(baseline.model());
    assert!(reference.len() > 4, "the autoencoder has weights");
    for (name, model) in [
        ("path-energy", path_energy.model()),
        ("acai", acai.model()),
        ("aeai", aeai.model()),
    ] {
        assert!(weights(model) == reference, "{name} starts elsewhere");
    }

    // The VAE's encoder ends in twice the latent channels (means and log-variances): every
    // layer before that one, and the whole decoder, are the autoencoder's.
    let encoder = weights(&baseline.model().encoder);
    let vae_encoder = weights(&vae.model().encoder);
    let before_latent = encoder.len() - 2;
    assert_eq!(vae_encoder.len(), encoder.len());
    assert!(vae_encoder[..before_latent] == encoder[..before_latent]);
    assert_ne!(
        vae_encoder[before_latent].len(),
        encoder[before_latent].len()
    );
    assert!(weights(&vae.model().decoder) == weights(&baseline.model().decoder));

    // With ACAI's dense posterior the VAE's encoder is the autoencoder's whole, and its dense
    // layers (drawn from the stream of extra networks) start with zero biases.
    let dense = Vae::new(
        tiny_vae().with_posterior(PosteriorHead::Dense {
            image_size: [16, 16],
        }),
        &device,
    )
    .unwrap();
    assert!(weights(&dense.model().encoder) == encoder);
    assert!(weights(&dense.model().decoder) == weights(&baseline.model().decoder));
    let heads = weights(dense.model().dense.as_ref().expect("dense layers"));
    // 4 latent channels at 4×4: two 64×64 weights and two biases of 64.
    let sizes: Vec<usize> = heads.iter().map(Vec::len).collect();
    assert_eq!(sizes, [64 * 64, 64, 64 * 64, 64]);
    assert!(heads[1].iter().chain(&heads[3]).all(|&b| b == 0.0));
    assert!(heads[0] != heads[2], "the two layers are drawn apart");

    // The critics are drawn from their own stream: not a copy of the encoder.
    assert!(weights(acai.adversary()) != encoder);
    assert!(weights(acai.adversary()) == weights(aeai.adversary()));

    // Another seed, other weights. (In this test, not another: the device's generator is
    // shared, and tests run on parallel threads.)
    let other = Trainer::new(
        TrainingConfig::new()
            .with_model(tiny_model())
            .with_seed(seed + 1),
        &device,
    )
    .unwrap();
    assert!(weights(other.model()) != reference);
}
