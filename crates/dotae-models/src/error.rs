use thiserror::Error;

/// Everything that can go wrong building, training or running a model.
#[derive(Debug, Error)]
pub enum ModelError {
    /// Building or evaluating the path energy failed.
    #[error(transparent)]
    Energy(#[from] dotae_energy::EnergyError),

    /// A configuration value or argument is out of its allowed range.
    #[error("invalid configuration: `{field}` {reason}")]
    InvalidConfig {
        /// The name of the rejected field or argument, e.g. `"batch_size"`.
        field: &'static str,
        /// What is wrong with its value, phrased to follow the field name.
        reason: String,
    },

    /// The images' size is not a positive multiple of `2^blocks`, so the network's
    /// downsampling blocks cannot halve it evenly.
    #[error(
        "images of {rows}x{cols} do not fit a network with {blocks} blocks: both sides must be positive multiples of {multiple}"
    )]
    ImageSize {
        /// The images' height in pixels.
        rows: usize,
        /// The images' width in pixels.
        cols: usize,
        /// The network's number of downsampling blocks.
        blocks: usize,
        /// `2^blocks`, which both sides must be multiples of.
        multiple: usize,
    },

    /// The energy grid is larger than the images it would be measured on, so the images
    /// cannot be downsampled to it.
    #[error(
        "the energy grid {energy_rows}x{energy_cols} is larger than the images ({rows}x{cols})"
    )]
    EnergyGridTooLarge {
        /// The energy grid's number of rows.
        energy_rows: usize,
        /// The energy grid's number of columns.
        energy_cols: usize,
        /// The images' height in pixels.
        rows: usize,
        /// The images' width in pixels.
        cols: usize,
    },

    /// A tensor, array or index list does not have the shape an operation needs.
    #[error("{what} has shape {actual:?}, expected {expected}")]
    Shape {
        /// What was passed, e.g. `"training batch"`.
        what: &'static str,
        /// Its actual shape (for an index list, the first out-of-range index).
        actual: Vec<usize>,
        /// The shape that would have been accepted, in words.
        expected: String,
    },

    /// Tensor values could not be copied to the host or arranged into an array.
    #[error("reading tensor data failed: {reason}")]
    TensorData {
        /// The underlying error from burn or ndarray.
        reason: String,
    },

    /// A training step produced a NaN or infinite loss term; the step was not applied.
    #[error(
        "the loss became non-finite at step {step} ({}); the model keeps the weights of step {last_good}",
        named_terms(terms),
        last_good = step - 1
    )]
    NonFiniteLoss {
        /// The 1-based index of the refused step.
        step: usize,
        /// The loss terms of the refused step, by name (NaN where a term could not be computed).
        terms: Vec<(&'static str, f64)>,
    },

    /// A model checkpoint could not be saved or loaded.
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The checkpoint file (when saving, the destination; a `.tmp` sibling is written first).
        path: std::path::PathBuf,
        /// What the recorder or file system reported.
        reason: String,
    },

    /// The requested backend was left out of this build.
    #[error(
        "the {backend} backend (--backend {backend}) is not compiled in; rebuild with `--features {feature}`, or choose another backend"
    )]
    BackendUnavailable {
        /// The backend's name, e.g. `"wgpu"`.
        backend: &'static str,
        /// The Cargo feature that compiles it in.
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
