use thiserror::Error;

/// Everything that can go wrong in dotae-diotm.
#[derive(Debug, Error)]
pub enum DiotmError {
    /// A configuration value or argument is out of its allowed range.
    #[error("invalid configuration: `{field}` {reason}")]
    InvalidConfig {
        /// The name of the rejected field or argument, e.g. `"batch_size"`.
        field: &'static str,
        /// What is wrong with its value, phrased to follow the field name.
        reason: String,
    },

    /// A set of points has the wrong shape for the task.
    #[error("{what} has shape {actual:?}; expected {expected}")]
    Shape {
        /// Which points, e.g. `"source batch"`.
        what: &'static str,
        /// The shape given.
        actual: Vec<usize>,
        /// The rule it broke.
        expected: String,
    },

    /// A point is NaN or infinite.
    #[error("{what} holds a non-finite value at row {row}, column {column}")]
    NonFinite {
        /// Which points.
        what: &'static str,
        /// The row of the first non-finite value.
        row: usize,
        /// Its column.
        column: usize,
    },

    /// A training step produced a non-finite loss. The update it would have made is not
    /// applied; an update earlier in the same step (the value function's, before the maps')
    /// is kept.
    #[error("step {step}: the {loss} loss is not finite ({value}); that update was not applied")]
    NonFiniteLoss {
        /// The step that failed, counted from 1.
        step: usize,
        /// Which loss: `"value"` or `"map"`.
        loss: &'static str,
        /// The loss's value.
        value: f64,
    },

    /// The exact solver's plan between equally many uniform points was not a permutation; it
    /// always is at a vertex, so this is a bug to report.
    #[error("the exact plan between equally many points is not an assignment")]
    NotAnAssignment,

    /// The exact OT solver behind the scores failed.
    #[error(transparent)]
    Ot(#[from] dotae_ot::OtError),

    /// Moving tensors between the device and the host failed.
    #[error(transparent)]
    Model(#[from] dotae_models::ModelError),
}
