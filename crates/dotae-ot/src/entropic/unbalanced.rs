//! Unbalanced entropic optimal transport: the marginal constraints relaxed into KL penalties.

use ndarray::{ArrayView1, ArrayView2};

use super::sinkhorn::{EntropicTransport, SinkhornConfig, check_problem, scaling_loop};
use crate::{Observer, OtError, Silent, check};

/// Unbalanced entropic optimal transport between histograms `a` and `b` of any masses, with
/// regularisation `epsilon`, KL marginal penalty `marginal_penalty` (ρ) and the other settings
/// at their [defaults](SinkhornConfig::default).
///
/// Solves `min ⟨P, C⟩ + ε KL(P | a ⊗ b) + ρ KL(P𝟙 | a) + ρ KL(Pᵀ𝟙 | b)` over `P ≥ 0`, with
/// `KL(p | q) = Σ p log(p/q) − p + q` (POT's `ot.unbalanced.sinkhorn_unbalanced(a, b, C, ε, ρ)`
/// with its default `reg_type="kl"`). As ρ → ∞ it tends to balanced transport (for equal
/// masses); small ρ lets mass be created or destroyed rather than moved far. See
/// [`sinkhorn_unbalanced_with`] for the stopping rule and errors.
pub fn sinkhorn_unbalanced(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    epsilon: f64,
    marginal_penalty: f64,
) -> Result<EntropicTransport, OtError> {
    sinkhorn_unbalanced_with(
        a,
        b,
        cost,
        &SinkhornConfig::new(epsilon),
        marginal_penalty,
        &mut Silent,
    )
}

/// Unbalanced entropic optimal transport (see [`sinkhorn_unbalanced`]) with explicit settings
/// and an observer.
///
/// The iterations are the generalised Sinkhorn scalings of Chizat et al. (2018) in the log
/// domain: each soft c-transform update of a potential is damped by `ρ / (ρ + ε)`.
///
/// **Stopping rule.** After iterations 1, 11, 21, … the solver evaluates the largest change of
/// either potential in that iteration, in units of ε (`max |Δf| / ε`, `max |Δg| / ε`: the
/// relative change of the scalings `exp(f/ε)`, `exp(g/ε)`), reports it to `observer`, and
/// stops when it is below `config.tolerance`. It also stops after `config.max_iterations`, or
/// when the observer breaks: the result then has `converged == false`.
///
/// Errors: as [`sinkhorn_with`](super::sinkhorn_with), except that the masses may differ, and
/// `marginal_penalty` must be finite and > 0 (use the balanced solver for ρ = ∞).
pub fn sinkhorn_unbalanced_with(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    config: &SinkhornConfig,
    marginal_penalty: f64,
    observer: &mut impl Observer,
) -> Result<EntropicTransport, OtError> {
    check_problem(a, b, cost, config)?;
    check::positive("marginal_penalty", marginal_penalty)?;
    scaling_loop(a, b, cost, config, Some(marginal_penalty), observer)
}
