use dotae_grid::GridError;
use thiserror::Error;

/// Everything that can go wrong in a dotae-ot solver. Every variant names the input (`what`:
/// the argument, as the caller knows it) and the rule it broke.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OtError {
    /// The staggered grid could not be built, or does not fit the images.
    #[error(transparent)]
    Grid(#[from] GridError),

    /// An input has no entries.
    #[error("{what} is empty: it needs at least one entry")]
    Empty {
        /// The input, as the caller named it.
        what: &'static str,
    },

    /// Two inputs that must agree in shape do not.
    #[error("{what} has shape {found:?}, but {rule}")]
    Shape {
        /// The input whose shape is wrong.
        what: &'static str,
        /// Its shape.
        found: Vec<usize>,
        /// What its shape must be, and why.
        rule: String,
    },

    /// NaN or infinity in an input.
    #[error("{what} has a non-finite value ({value}) at index {index:?}")]
    NonFinite {
        /// The input.
        what: &'static str,
        /// The index of the first non-finite entry.
        index: Vec<usize>,
        /// The value found there.
        value: f64,
    },

    /// A mass, weight or cost that must be non-negative is negative.
    #[error("{what} has a negative value ({value:?}) at index {index:?}: it must be >= 0")]
    Negative {
        /// The input.
        what: &'static str,
        /// The index of the first negative entry.
        index: Vec<usize>,
        /// The value found there.
        value: f64,
    },

    /// A histogram, image or weight vector that must carry mass sums to zero.
    #[error("{what} has zero total mass: it must carry some mass")]
    ZeroMass {
        /// The input.
        what: &'static str,
    },

    /// Balanced transport between inputs of different total mass.
    #[error(
        "{what} have total masses {first:e} and {second:e} (relative difference {relative:e}, above {tolerance:e}): balanced transport needs equal masses (normalise them, or use the unbalanced solver)"
    )]
    UnequalMass {
        /// The two inputs.
        what: &'static str,
        /// The first input's mass.
        first: f64,
        /// The second input's mass.
        second: f64,
        /// `|first − second| / max(first, second)`.
        relative: f64,
        /// The relative difference allowed.
        tolerance: f64,
    },

    /// A scalar parameter outside its allowed range.
    #[error("{name} = {value:?} is not allowed: {rule}")]
    Parameter {
        /// The parameter's name, as in the configuration.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// The range it must lie in.
        rule: &'static str,
    },

    /// A problem larger than the solver's documented limit.
    #[error("{what}: {size}, above the limit {limit}: {reason}")]
    TooLarge {
        /// What was counted, in words.
        what: &'static str,
        /// The count.
        size: usize,
        /// The limit.
        limit: usize,
        /// Why the limit exists (usually the memory a dense matrix would take).
        reason: &'static str,
    },

    /// The solver stopped at its iteration limit before meeting its stopping rule.
    #[error(
        "{solver} did not converge in {iterations} iterations: the residual is {residual:e}, above the tolerance {tolerance:e} (raise the iteration limit or loosen the tolerance)"
    )]
    NotConverged {
        /// The solver.
        solver: &'static str,
        /// The iterations it ran.
        iterations: usize,
        /// Its stopping criterion at the end.
        residual: f64,
        /// The tolerance the criterion had to meet.
        tolerance: f64,
    },

    /// A problem without a feasible solution (for example mass that cannot reach its target
    /// past obstacles).
    #[error("{what} is infeasible: {reason}")]
    Infeasible {
        /// The problem.
        what: &'static str,
        /// Why.
        reason: String,
    },

    /// A broken invariant inside dotae-ot: a bug, please report it.
    #[error("internal error in dotae-ot (please report): {reason}")]
    Internal {
        /// Which invariant broke, and how.
        reason: String,
    },
}
