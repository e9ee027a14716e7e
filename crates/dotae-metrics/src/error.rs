use thiserror::Error;

/// Everything that can make a metric undefined for its inputs.
///
/// Each variant names the offending input (`"a"`, `"path"`, ...) and carries the values needed
/// to state the rule it broke, so the message alone tells the caller what to fix.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricsError {
    /// Two inputs that are compared pixel by pixel have different shapes.
    #[error(
        "{left_name} has shape {left:?} but {right_name} has shape {right:?}: the shapes must be equal"
    )]
    ShapeMismatch {
        /// Name of the first input.
        left_name: &'static str,
        /// Shape of the first input.
        left: Vec<usize>,
        /// Name of the second input.
        right_name: &'static str,
        /// Shape of the second input.
        right: Vec<usize>,
    },

    /// An image is smaller than the SSIM window in at least one direction.
    #[error(
        "{input} is {rows}x{cols} pixels, smaller than the {min}x{min} SSIM window: both sides must be at least {min} pixels"
    )]
    TooSmall {
        /// Name of the input.
        input: &'static str,
        /// Number of rows of one image plane.
        rows: usize,
        /// Number of columns of one image plane.
        cols: usize,
        /// The window side, i.e. the smallest allowed number of rows and of columns.
        min: usize,
    },

    /// An input holds no pixels, so the mean the metric takes is undefined.
    #[error(
        "{input} has shape {shape:?} and holds no pixels: at least one channel and one pixel are needed"
    )]
    Empty {
        /// Name of the input.
        input: &'static str,
        /// Its shape.
        shape: Vec<usize>,
    },

    /// A path has fewer frames than the metric needs.
    #[error("{input} has {frames} frame(s), but at least {min} are needed")]
    TooFewFrames {
        /// Name of the input.
        input: &'static str,
        /// Number of frames it has.
        frames: usize,
        /// Number of frames the metric needs.
        min: usize,
    },

    /// An input holds NaN or an infinity, for which no metric is meaningful.
    #[error(
        "{input} holds the non-finite value {value} at index {index:?}: every value must be finite"
    )]
    NonFinite {
        /// Name of the input.
        input: &'static str,
        /// Index of the first non-finite value, in the input's axis order.
        index: Vec<usize>,
        /// The value found there.
        value: f64,
    },

    /// A field of [`crate::SsimConfig`] is outside its valid range.
    #[error("SsimConfig.{field} = {value} is invalid: it must be {rule}")]
    InvalidConfig {
        /// Name of the field.
        field: &'static str,
        /// Its value.
        value: f64,
        /// The rule it broke, phrased to follow "it must be".
        rule: &'static str,
    },
}
