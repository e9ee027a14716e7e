use thiserror::Error;

/// Everything that can go wrong building, training or running a model.
#[derive(Debug, Error)]
pub enum ModelError {
    #[error(transparent)]
    Energy(#[from] dotae_energy::EnergyError),

    #[error("invalid configuration: `{field}` {reason}")]
    InvalidConfig { field: &'static str, reason: String },

    #[error(
        "images of {rows}x{cols} do not fit a network with {blocks} blocks: both sides must be positive multiples of {multiple}"
    )]
    ImageSize {
        rows: usize,
        cols: usize,
        blocks: usize,
        multiple: usize,
    },

    #[error(
        "the energy grid {energy_rows}x{energy_cols} is larger than the images ({rows}x{cols})"
    )]
    EnergyGridTooLarge {
        energy_rows: usize,
        energy_cols: usize,
        rows: usize,
        cols: usize,
    },

    #[error("{what} has shape {actual:?}, expected {expected}")]
    Shape {
        what: &'static str,
        actual: Vec<usize>,
        expected: String,
    },

    #[error("reading tensor data failed: {reason}")]
    TensorData { reason: String },

    #[error(
        "the loss became non-finite at step {step} ({}); the model keeps the weights of step {last_good}",
        named_terms(terms),
        last_good = step - 1
    )]
    NonFiniteLoss {
        step: usize,
        /// The loss terms of the refused step, by name (NaN where a term could not be computed).
        terms: Vec<(&'static str, f64)>,
    },

    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        path: std::path::PathBuf,
        reason: String,
    },

    #[error("the {backend} backend is not compiled in; rebuild with `--features {feature}`")]
    BackendUnavailable {
        backend: &'static str,
        feature: &'static str,
    },
}

/// `name value, name value, …`, for messages.
fn named_terms(terms: &[(&'static str, f64)]) -> String {
    terms
        .iter()
        .map(|(name, value)| format!("{name} {value}"))
        .collect::<Vec<_>>()
        .join(", ")
}
