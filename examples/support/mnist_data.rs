//! MNIST as the binaries read it: from the directory a flag names, 32×32, every digit showing
//! something.

use std::error::Error;
use std::path::Path;

use dotae::data::{Mnist, load_mnist};
use dotae::metrics::first_blank_frame;

/// MNIST from `dir`, given by `flag`, padded to 32×32. A black digit is an error: it has no
/// mass for the path energy to move and nothing for a representation to encode, so scores on
/// such a data set would be meaningless.
pub fn load(flag: &str, dir: &Path) -> Result<Mnist, Box<dyn Error>> {
    let mut mnist = load_mnist(dir, 32).map_err(|e| format!("{flag}: {e}"))?;
    let test_digits = mnist.test_labels.len();
    if test_digits > MAX_TEST_DIGITS {
        crate::support::print_to_stderr(&format!(
            "warning: {flag} {}: the test split holds {test_digits} digits; the scores use the first {MAX_TEST_DIGITS} (MNIST's test set), which bounds their time",
            dir.display()
        ));
        mnist.test_images = mnist
            .test_images
            .slice(ndarray::s![..MAX_TEST_DIGITS, .., .., ..])
            .to_owned();
        mnist.test_labels.truncate(MAX_TEST_DIGITS);
    }
    let splits = [
        ("training", &mnist.train_images),
        ("test", &mnist.test_images),
    ];
    for (split, images) in splits {
        if let Some((index, _)) = first_blank_frame(images.view()) {
            return Err(format!(
                "{flag} {}: {split} image {index} is black (no pixel reaches half a gray level): every digit must show something",
                dir.display()
            )
            .into());
        }
    }
    warn_about_test_split(flag, dir, &mnist);
    Ok(mnist)
}

/// Warns when the test split cannot measure generalisation: digits that are also training
/// digits, one image repeated, or one label (probes 7 and 9).
fn warn_about_test_split(flag: &str, dir: &Path, mnist: &Mnist) {
    // A digit as its 8-bit gray levels, as the IDX file stored it.
    let bytes = |image: ndarray::ArrayView3<f64>| -> Vec<u8> {
        image.iter().map(|v| (v * 255.0).round() as u8).collect()
    };
    let training: std::collections::HashSet<Vec<u8>> =
        mnist.train_images.outer_iter().map(bytes).collect();
    let test: Vec<Vec<u8>> = mnist.test_images.outer_iter().map(bytes).collect();
    let count = test.len();
    let shared = test
        .iter()
        .filter(|digit| training.contains(*digit))
        .count();
    let warn = |what: String| {
        crate::support::print_to_stderr(&format!("warning: {flag} {}: {what}", dir.display()))
    };
    if shared > 0 {
        warn(format!(
            "{shared} of the {count} test digits are also training digits: test scores on them measure what was memorised, not what generalises"
        ));
    }
    let distinct: std::collections::HashSet<&Vec<u8>> = test.iter().collect();
    if count > 1 && distinct.len() == 1 {
        warn(format!(
            "the {count} test digits are one image repeated: the probe and k-means score a single point"
        ));
    }
    let mut labels = mnist.test_labels.clone();
    labels.sort_unstable();
    labels.dedup();
    if let [label] = labels.as_slice() {
        warn(format!(
            "every test digit is labelled {label}: the probe's accuracy is that of one class and k-means has one class to find"
        ));
    }
}

/// Fewer training digits of a class than this leave the linear probe little to learn that
/// class from, and its accuracy says little about a representation.
const FEWEST_PROBE_DIGITS: usize = 10;

/// The most test digits scored: MNIST's test set. Every method encodes each of them and
/// k-means clusters them, so a larger split (a 495 KB file can declare 262 144 digits) would
/// make scoring, and the wait of a first signal, as long as it is large.
pub const MAX_TEST_DIGITS: usize = 10_000;

/// k-means clusters the test codes into one cluster per digit class.
pub const KMEANS_CLUSTERS: usize = 10;

/// The linear probe needs two classes among `train_labels` (the digits it is trained on) and
/// k-means [`KMEANS_CLUSTERS`] test digits; `training` says which digits those are, for the
/// message.
pub fn check_representation_scores(
    flag: &str,
    dir: &Path,
    training: &str,
    train_labels: &[u8],
    test_images: usize,
) -> Result<(), Box<dyn Error>> {
    let mut digits = train_labels.to_vec();
    digits.sort_unstable();
    digits.dedup();
    if digits.len() < 2 {
        return Err(format!(
            "{flag} {}: {training} hold {} distinct digit(s): the linear probe needs at least 2",
            dir.display(),
            digits.len()
        )
        .into());
    }
    let fewest = digits
        .iter()
        .map(|d| train_labels.iter().filter(|l| *l == d).count())
        .min()
        .unwrap_or(0);
    if fewest < FEWEST_PROBE_DIGITS {
        crate::support::print_to_stderr(&format!(
            "warning: {flag} {}: {training} hold as few as {fewest} digit(s) of a class: the linear probe learns little from fewer than {FEWEST_PROBE_DIGITS}, so its accuracy says little",
            dir.display()
        ));
    }
    if (KMEANS_CLUSTERS..FEWEST_PROBE_DIGITS * KMEANS_CLUSTERS).contains(&test_images) {
        crate::support::print_to_stderr(&format!(
            "warning: {flag} {}: k-means groups {test_images} test digits into {KMEANS_CLUSTERS} clusters: with fewer than {} (10 a cluster) its accuracy says little",
            dir.display(),
            FEWEST_PROBE_DIGITS * KMEANS_CLUSTERS
        ));
    }
    if test_images < KMEANS_CLUSTERS {
        return Err(format!(
            "{flag} {}: its test set holds {test_images} digit(s): k-means needs at least {KMEANS_CLUSTERS}, one per digit class",
            dir.display()
        )
        .into());
    }
    Ok(())
}
