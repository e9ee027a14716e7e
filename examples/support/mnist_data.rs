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
    let mnist = load_mnist(dir, 32).map_err(|e| format!("{flag}: {e}"))?;
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
    Ok(mnist)
}
