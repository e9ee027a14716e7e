//! A seed fixes a run. Alone in its own test binary: the device's generator is global, so a
//! test initialising weights on another thread could interleave with the seeding.

mod common;

use common::{four_squares, tiny_acai, tiny_aeai, tiny_vae};
use dotae_baselines::{Acai, Aeai, Vae};
use dotae_models::burn::prelude::Device;
use dotae_models::{Backend, InterpolationMethod, TrainLog};

type Build = fn(u64) -> Box<dyn InterpolationMethod>;

fn device() -> Device {
    Backend::Flex.training_device().unwrap()
}

fn run(build: Build, seed: u64, steps: usize) -> Vec<TrainLog> {
    let mut method = build(seed);
    let images = four_squares(&device());
    (0..steps)
        .map(|_| method.train_step(images.clone()).unwrap())
        .collect()
}

#[test]
fn a_fixed_seed_gives_identical_losses() {
    let builders: [Build; 3] = [
        |s| Box::new(Vae::new(tiny_vae().with_seed(s), &device()).unwrap()),
        |s| Box::new(Acai::new(tiny_acai().with_seed(s), &device()).unwrap()),
        |s| Box::new(Aeai::new(tiny_aeai().with_seed(s), &device()).unwrap()),
    ];
    for build in builders {
        let a = run(build, 7, 4);
        assert_eq!(a, run(build, 7, 4));
        assert_ne!(a[0].loss(), run(build, 8, 1)[0].loss());
    }
}
