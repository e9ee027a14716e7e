//! A seed fixes a path-energy run on burn-flex, whose convolutions are dotae's own multi-threaded
//! kernels. Alone in its own test binary: the device's generator is global, so a test
//! initialising weights on another thread could interleave with the seeding.

mod common;

use common::{tiny_config, two_squares};
use dotae_models::{Backend, StepLog, Trainer};

fn run(seed: u64, steps: usize) -> Vec<StepLog> {
    let device = Backend::Flex.training_device().unwrap();
    let images = two_squares(&device);
    let mut trainer = Trainer::new(tiny_config().with_seed(seed), &device).unwrap();
    (0..steps)
        .map(|_| trainer.step(images.clone()).unwrap())
        .collect()
}

#[test]
fn a_fixed_seed_gives_identical_losses_on_flex() {
    let a = run(7, 6);
    assert_eq!(a, run(7, 6));
    assert_ne!(a[0].loss, run(8, 1)[0].loss);
}
