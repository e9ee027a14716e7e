use dotae_energy::EnergyError;
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
    #[error("SsimConfig.{field} = {value:?} is invalid: it must be {rule}")]
    InvalidConfig {
        /// Name of the field.
        field: &'static str,
        /// Its value.
        value: f64,
        /// The rule it broke, phrased to follow "it must be".
        rule: &'static str,
    },

    /// Two inputs must agree on some axes (the image shape of frames and bank, the feature
    /// count of train and test features, ...) but do not.
    #[error("{left_name} has shape {left:?} but {right_name} has shape {right:?}: {rule}")]
    AxesMismatch {
        /// Name of the first input.
        left_name: &'static str,
        /// Shape of the first input.
        left: Vec<usize>,
        /// Name of the second input.
        right_name: &'static str,
        /// Shape of the second input.
        right: Vec<usize>,
        /// The rule the shapes broke, e.g. "the trailing (channels, rows, cols) axes must be equal".
        rule: &'static str,
    },

    /// A list (labels, angles, periods, ...) does not have one entry per item of another input.
    #[error("{input} has {len} entries, but it must have {expected}, {rule}")]
    LengthMismatch {
        /// Name of the list.
        input: &'static str,
        /// Number of entries it has.
        len: usize,
        /// Number of entries it must have.
        expected: usize,
        /// Where the expected count comes from, e.g. "one per image of bank".
        rule: &'static str,
    },

    /// An input has a shape the metric cannot work with.
    #[error("{input} has shape {shape:?}: {rule}")]
    InvalidShape {
        /// Name of the input.
        input: &'static str,
        /// Its shape.
        shape: Vec<usize>,
        /// The rule it broke, e.g. "a cost matrix needs no more rows than columns".
        rule: &'static str,
    },

    /// A numeric argument or a field of a metric's configuration is out of range.
    #[error("{name} = {value:?} is invalid: it must be {rule}")]
    InvalidValue {
        /// Name of the argument, or `Config.field` for a configuration field.
        name: &'static str,
        /// Its value (counts are shown as floating-point numbers).
        value: f64,
        /// The rule it broke, phrased to follow "it must be".
        rule: &'static str,
    },

    /// A list of labels has too few distinct classes for the metric.
    #[error("{input} holds {classes} distinct class(es), but at least {min} are needed")]
    TooFewClasses {
        /// Name of the labels.
        input: &'static str,
        /// Number of distinct labels.
        classes: usize,
        /// Number of classes needed.
        min: usize,
    },

    /// An input has fewer rows (samples) than the metric needs.
    #[error("{input} has {rows} row(s), but at least {min} are needed: {rule}")]
    TooFewRows {
        /// Name of the input.
        input: &'static str,
        /// Number of rows it has.
        rows: usize,
        /// Number of rows needed.
        min: usize,
        /// Why, e.g. "k-means needs at least k points".
        rule: &'static str,
    },

    /// The metric is undefined for these inputs, e.g. a reference path that moves no mass.
    #[error("{input}: {reason}")]
    Undefined {
        /// Name of the input.
        input: &'static str,
        /// Why the metric is undefined, phrased as the rule the input broke.
        reason: &'static str,
    },

    /// The path energy of dotae-energy rejected an input; `channel` is the channel of the image
    /// path whose density path failed, when the failure concerns one channel.
    #[error("{input}{}: path energy failed: {source}", channel.map(|c| format!(", channel {c}")).unwrap_or_default())]
    Energy {
        /// Name of the input.
        input: &'static str,
        /// Channel whose density path failed, if the failure concerns one channel.
        channel: Option<usize>,
        /// What dotae-energy reported.
        #[source]
        source: EnergyError,
    },
}
