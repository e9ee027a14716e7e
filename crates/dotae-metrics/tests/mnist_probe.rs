//! The linear probe on raw MNIST pixels, from the directory in `DOTAE_MNIST_DIR` (CI sets it;
//! the test says that it skipped when the variable is unset).

use std::path::Path;

use dotae_data::load_mnist;
use dotae_metrics::{ProbeConfig, linear_probe};
use ndarray::{Array2, Array4, Axis};

fn flat(images: &Array4<f64>) -> Array2<f64> {
    let n = images.len_of(Axis(0));
    images
        .to_shape((n, images.len() / n))
        .expect("contiguous images")
        .to_owned()
}

fn labels(digits: &[u8]) -> Vec<usize> {
    digits.iter().map(|&d| d as usize).collect()
}

#[test]
fn probe_on_raw_mnist_pixels_beats_85_percent() {
    let Some(dir) = std::env::var_os("DOTAE_MNIST_DIR") else {
        eprintln!(
            "skipped probe_on_raw_mnist_pixels_beats_85_percent: DOTAE_MNIST_DIR is not set \
             (point it at a directory with the four MNIST IDX files to run it)"
        );
        return;
    };
    let mnist = load_mnist(Path::new(&dir), 32).unwrap();
    let result = linear_probe(
        flat(&mnist.train_images).view(),
        &labels(&mnist.train_labels),
        flat(&mnist.test_images).view(),
        &labels(&mnist.test_labels),
        &ProbeConfig::default(),
    )
    .unwrap();
    assert!(
        result.test_accuracy > 0.85,
        "test accuracy {} on raw pixels",
        result.test_accuracy
    );
    // Linear on 1 024 pixels: the training set is fitted better than the test set, not perfectly.
    assert!(result.train_accuracy >= result.test_accuracy - 0.02);
}
