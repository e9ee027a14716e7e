//! Hostile checkpoints: whatever a burnpack file holds, `load_checkpoint` returns the model or
//! an error naming the file, and never panics. Random bytes, a valid checkpoint cut short, and
//! a valid checkpoint with bytes overwritten.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use burn::module::Module;
use dotae_models::{Autoencoder, AutoencoderConfig, ModelError, cpu_device};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;

/// A small autoencoder, so that a checkpoint is a few kilobytes.
fn architecture() -> AutoencoderConfig {
    AutoencoderConfig::new()
        .with_width(4)
        .with_blocks(2)
        .with_bottleneck(16)
        .with_latent_channels(4)
}

/// A directory of its own per call (tests run in parallel threads), removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dotae-fuzz-checkpoint-{}-{name}-{}",
            std::process::id(),
            CALLS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The bytes of a valid checkpoint of the tiny architecture.
fn valid_checkpoint() -> Vec<u8> {
    let scratch = Scratch::new("valid");
    let path = scratch.0.join("model.bpk");
    architecture()
        .init(&cpu_device())
        .unwrap()
        .save_checkpoint(&path)
        .unwrap();
    std::fs::read(&path).unwrap()
}

/// Loads `bytes` as a checkpoint: any outcome but a panic passes, as long as an error names
/// the file.
fn load(bytes: &[u8]) -> Result<Autoencoder, ModelError> {
    let scratch = Scratch::new("hostile");
    let path = scratch.0.join("hostile.bpk");
    std::fs::write(&path, bytes).unwrap();
    let result = architecture().load_checkpoint(&path, &cpu_device());
    if let Err(err) = &result {
        assert_names(&path, err);
    }
    result
}

fn assert_names(path: &Path, err: &ModelError) {
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the error does not name {}: {message}",
        path.display()
    );
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

#[test]
fn a_valid_checkpoint_loads() {
    assert!(load(&valid_checkpoint()).is_ok());
}

#[test]
fn an_empty_file_is_an_error() {
    assert!(load(&[]).is_err());
}

/// A random header change (byte 58 of a checkpoint set to 73) once retyped a tensor as I32,
/// on which Burn's loading panicked; such a file is refused, naming the tensor.
#[test]
fn a_tensor_stored_as_integers_is_an_error_naming_it() {
    let scratch = Scratch::new("retyped");
    let path = scratch.0.join("model.bpk");
    std::fs::write(&path, valid_checkpoint()).unwrap();
    let mut tensors = burn_pack::Reader::from_file(&path)
        .unwrap()
        .into_tensors()
        .unwrap();
    // The same four bytes per number, so only the type differs.
    tensors[0].dtype = burn_pack::DType::I32;
    let retyped_name = tensors[0].name.clone();
    let retyped = burn_pack::Writer::new(tensors).into_bytes().unwrap();

    let message = load(&retyped).unwrap_err().to_string();
    assert!(
        message.contains(&format!("tensor '{retyped_name}' holds I32")),
        "{message}"
    );
}

/// A file larger than any checkpoint of the architecture is refused before it is read.
#[test]
fn a_file_too_large_for_the_architecture_is_an_error() {
    let scratch = Scratch::new("large");
    let path = scratch.0.join("large.bpk");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: the length is what is checked, no byte of it is read.
    file.set_len(1 << 30).unwrap();
    let err = architecture()
        .load_checkpoint(&path, &cpu_device())
        .expect_err("must fail");
    assert_names(&path, &err);
    assert!(
        err.to_string()
            .contains("more than a checkpoint of this architecture can be"),
        "{err}"
    );
}

/// A loaded model holds its weights in memory: `load` removes the file as it returns, and the
/// weights are still all there, the ones the file held.
#[test]
fn a_loaded_model_outlives_its_file() {
    let valid = valid_checkpoint();
    let model = load(&valid).unwrap();
    let weights = model.into_record().into_bytes().unwrap();
    assert_eq!(weights.to_vec(), valid);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = load(&bytes);
    }

    #[test]
    fn a_checkpoint_cut_short_is_an_error(cut in any::<Index>()) {
        let valid = valid_checkpoint();
        let length = cut.index(valid.len());
        prop_assert!(load(&valid[..length]).is_err());
    }

    #[test]
    fn overwritten_bytes_never_panic(
        changes in proptest::collection::vec((any::<Index>(), any::<u8>()), 1..16),
    ) {
        let mut bytes = valid_checkpoint();
        let length = bytes.len();
        for (at, value) in changes {
            bytes[at.index(length)] = value;
        }
        let _ = load(&bytes);
    }

    /// The header's bytes (the first 256) hold the sizes and offsets a reader trusts.
    #[test]
    fn overwritten_header_bytes_never_panic(
        changes in proptest::collection::vec((0usize..256, any::<u8>()), 1..8),
    ) {
        let mut bytes = valid_checkpoint();
        let length = bytes.len();
        for (at, value) in changes {
            bytes[at.min(length - 1)] = value;
        }
        let _ = load(&bytes);
    }
}
