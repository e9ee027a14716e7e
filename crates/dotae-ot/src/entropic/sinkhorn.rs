//! Balanced entropic optimal transport by log-domain Sinkhorn iterations, and the scaling loop
//! it shares with the unbalanced solver.

use std::ops::ControlFlow;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::Serialize;

use super::log_sum_exp;
use crate::{Observer, OtError, Progress, Silent, check};

/// The stopping rule is evaluated after iterations 1, 1 + `CHECK_EVERY`, 1 + 2·`CHECK_EVERY`, …
/// (POT's `sinkhorn_log` schedule): evaluating the balanced rule costs as much as an iteration.
pub(super) const CHECK_EVERY: usize = 10;

/// The relative difference allowed between the masses of `a` and `b` in balanced transport.
const MASS_TOLERANCE: f64 = 1e-9;

/// Settings of the Sinkhorn solvers ([`sinkhorn_with`], [`sinkhorn_unbalanced_with`](super::sinkhorn_unbalanced_with)).
///
/// The defaults are POT's (`numItermax = 1000`, `stopThr = 1e-9`) with ε = 0.01; ε is in the
/// units of the cost, so it should be chosen relative to the cost's scale (for example a
/// fraction of its median).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SinkhornConfig {
    /// The entropic regularisation ε > 0, in units of the cost (POT's `reg`). Default 0.01.
    pub epsilon: f64,
    /// The most iterations to run (each updates both potentials). Default 1000.
    pub max_iterations: usize,
    /// The stopping tolerance (POT's `stopThr`); what it bounds depends on the solver (see
    /// [`sinkhorn_with`] and [`sinkhorn_unbalanced_with`](super::sinkhorn_unbalanced_with)).
    /// Default 1e-9.
    pub tolerance: f64,
}

impl Default for SinkhornConfig {
    fn default() -> Self {
        Self {
            epsilon: 1e-2,
            max_iterations: 1000,
            tolerance: 1e-9,
        }
    }
}

impl SinkhornConfig {
    /// The default settings with regularisation `epsilon`.
    pub fn new(epsilon: f64) -> Self {
        Self {
            epsilon,
            ..Self::default()
        }
    }
}

/// The result of a Sinkhorn solver.
///
/// The plan and the potentials are tied by `plan[i, j] = a[i] b[j] exp((f[i] + g[j] − C[i, j]) / ε)`:
/// the potentials are taken relative to the product measure `a ⊗ b`, which keeps them finite
/// (each is the soft c-transform of the other, defined even where `a` or `b` is zero).
#[derive(Debug, Clone, PartialEq)]
pub struct EntropicTransport {
    /// The transport plan, `a.len() × b.len()`: how much mass moves from `i` to `j`.
    pub plan: Array2<f64>,
    /// The transport cost `⟨plan, C⟩` without the entropy term (what POT's `sinkhorn2` and
    /// `sinkhorn_unbalanced2(returnCost="linear")` return).
    pub cost: f64,
    /// The dual potential on the source points, in units of the cost.
    pub f: Array1<f64>,
    /// The dual potential on the target points, in units of the cost.
    pub g: Array1<f64>,
    /// The iterations run.
    pub iterations: usize,
    /// The stopping rule's quantity when it was last evaluated (see the solver's docs).
    pub residual: f64,
    /// How far the plan's marginals are from `a` and `b`: `‖plan·𝟙 − a‖₂ + ‖planᵀ·𝟙 − b‖₂`.
    /// For balanced transport this is the constraint violation; for unbalanced transport it
    /// is the mass the KL penalties chose to create or destroy, not an error.
    pub marginal_error: f64,
    /// Whether the stopping rule was met. `false` when the iteration limit was reached or an
    /// observer stopped the solver: the plan is then the last iterate, not an error.
    pub converged: bool,
}

impl EntropicTransport {
    /// This result if it converged, else [`OtError::NotConverged`]: for callers that want an
    /// unconverged plan to be an error.
    pub fn into_converged(self, tolerance: f64) -> Result<Self, OtError> {
        if self.converged {
            Ok(self)
        } else {
            Err(OtError::NotConverged {
                solver: "Sinkhorn",
                iterations: self.iterations,
                residual: self.residual,
                tolerance,
            })
        }
    }
}

/// Entropic optimal transport between histograms `a` and `b` of equal mass for the cost matrix
/// `cost` (`a.len() × b.len()`), with regularisation `epsilon` and the other settings at their
/// [defaults](SinkhornConfig::default).
///
/// Solves `min ⟨P, C⟩ + ε Σ P log P` over plans `P ≥ 0` with `P𝟙 = a`, `Pᵀ𝟙 = b` (POT's
/// `ot.sinkhorn(a, b, C, ε, method="sinkhorn_log")`); see [`sinkhorn_with`] for the stopping
/// rule and errors.
pub fn sinkhorn(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    epsilon: f64,
) -> Result<EntropicTransport, OtError> {
    sinkhorn_with(a, b, cost, &SinkhornConfig::new(epsilon), &mut Silent)
}

/// Balanced entropic optimal transport (see [`sinkhorn`]) with explicit settings and an
/// observer.
///
/// The iterations are POT's `sinkhorn_log`, written on the potentials: starting from the
/// scalings `u = v = 𝟙`, each iteration sets `g` (the soft c-transform of `f` against `a`),
/// then `f` (that of `g` against `b`), by log-sum-exp, so no ε is too small for overflow.
///
/// **Stopping rule.** After iterations 1, 11, 21, … the solver evaluates the violation of the
/// target marginal `‖Pᵀ𝟙 − b‖₂` (the source marginal holds exactly after each `f` update),
/// reports it to `observer`, and stops when it is below `config.tolerance` (absolute, in units
/// of mass). It also stops after `config.max_iterations`, or when the observer breaks: the
/// result then has `converged == false` (use [`EntropicTransport::into_converged`] to make
/// that an error).
///
/// Errors: `a`, `b` empty, non-finite, negative or without mass; masses differing by more than
/// 1e-9 relative; `cost` not `a.len() × b.len()` or non-finite; ε, the tolerance not finite and
/// > 0, no iterations allowed; ε so small that `cost / ε` overflows.
pub fn sinkhorn_with(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    config: &SinkhornConfig,
    observer: &mut impl Observer,
) -> Result<EntropicTransport, OtError> {
    let (mass_a, mass_b) = check_problem(a, b, cost, config)?;
    check::equal_mass("a and b", mass_a, mass_b, MASS_TOLERANCE)?;
    scaling_loop(a, b, cost, config, None, observer)
}

/// Checks everything the balanced and unbalanced solvers share; returns the masses of `a`
/// and `b`.
pub(super) fn check_problem(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    config: &SinkhornConfig,
) -> Result<(f64, f64), OtError> {
    let mass_a = check::mass("a", &a)?;
    let mass_b = check::mass("b", &b)?;
    check::cost_matrix(&cost, a.len(), b.len())?;
    check::positive("epsilon", config.epsilon)?;
    check::positive("tolerance", config.tolerance)?;
    if config.max_iterations == 0 {
        return Err(OtError::Parameter {
            name: "max_iterations",
            value: 0.0,
            rule: "it must be at least 1",
        });
    }
    Ok((mass_a, mass_b))
}

/// The Sinkhorn scaling iterations in the log domain, balanced (`marginal_penalty == None`)
/// or with KL marginal penalties ρ (`Some(ρ)`), which damp each potential update by
/// `ρ / (ρ + ε)`. Inputs are already checked.
pub(super) fn scaling_loop(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    config: &SinkhornConfig,
    marginal_penalty: Option<f64>,
    observer: &mut impl Observer,
) -> Result<EntropicTransport, OtError> {
    let epsilon = config.epsilon;
    let (n, m) = cost.dim();
    // −C/ε once, row-major: every pass below streams through it in storage order.
    let neg_cost: Vec<f64> = cost.iter().map(|c| -c / epsilon).collect();
    if neg_cost.iter().any(|c| !c.is_finite()) {
        return Err(OtError::Parameter {
            name: "epsilon",
            value: epsilon,
            rule: "it is too small for this cost: cost / epsilon overflows",
        });
    }
    let log_a: Vec<f64> = a.iter().map(|v| v.ln()).collect();
    let log_b: Vec<f64> = b.iter().map(|v| v.ln()).collect();
    let damping = marginal_penalty.map_or(1.0, |rho| rho / (rho + epsilon));

    // alpha = log a + f/ε and beta = log b + g/ε: the logarithms of POT's scalings, so that
    // plan = exp(alpha ⊕ beta − C/ε). Starting at 0 is POT's start u = v = 𝟙.
    let mut alpha = vec![0.0; n];
    let mut beta = vec![0.0; m];
    // The soft-minimum passes: f = −damping·ε·row_lse and g = −damping·ε·col_lse.
    let mut row_lse = vec![f64::INFINITY; n];
    let mut col_lse = vec![f64::INFINITY; m];
    let mut previous_row = vec![0.0; n];
    let mut previous_col = vec![0.0; m];
    let mut scratch = vec![0.0; m];

    let mut iterations = 0;
    let mut residual = f64::INFINITY;
    let mut converged = false;
    while iterations < config.max_iterations {
        let evaluate = iterations % CHECK_EVERY == 0;
        iterations += 1;
        if evaluate && marginal_penalty.is_some() {
            previous_row.copy_from_slice(&row_lse);
            previous_col.copy_from_slice(&col_lse);
        }
        log_sum_exp::columns(&neg_cost, &alpha, &mut scratch, &mut col_lse);
        for ((beta, log_b), lse) in beta.iter_mut().zip(&log_b).zip(&col_lse) {
            *beta = log_b - damping * lse;
        }
        log_sum_exp::rows(&neg_cost, &beta, &mut row_lse);
        for ((alpha, log_a), lse) in alpha.iter_mut().zip(&log_a).zip(&row_lse) {
            *alpha = log_a - damping * lse;
        }
        if !evaluate {
            continue;
        }
        residual = match marginal_penalty {
            None => {
                column_sums(&neg_cost, &alpha, &beta, &mut scratch);
                distance(&scratch, b.iter().copied())
            }
            // The largest change of f/ε or g/ε in this iteration: the relative change of the
            // scalings exp(f/ε), exp(g/ε).
            Some(_) => {
                damping
                    * largest_change(&row_lse, &previous_row)
                        .max(largest_change(&col_lse, &previous_col))
            }
        };
        if residual.is_nan() {
            return Err(OtError::Parameter {
                name: "epsilon",
                value: epsilon,
                rule: "it is too small for this cost: the log-domain iterates lost all precision",
            });
        }
        if residual < config.tolerance {
            converged = true;
            break;
        }
        let progress = Progress {
            iteration: iterations,
            max_iterations: config.max_iterations,
            residual,
            tolerance: config.tolerance,
        };
        if let ControlFlow::Break(()) = observer.observe(progress) {
            break;
        }
    }

    let plan = plan(&neg_cost, &alpha, &beta);
    let transport_cost = plan.iter().zip(cost.iter()).map(|(p, c)| p * c).sum();
    let marginal_error = distance(&plan.sum_axis(ndarray::Axis(1)).to_vec(), a.iter().copied())
        + distance(&plan.sum_axis(ndarray::Axis(0)).to_vec(), b.iter().copied());
    Ok(EntropicTransport {
        plan,
        cost: transport_cost,
        f: row_lse.iter().map(|l| -damping * epsilon * l).collect(),
        g: col_lse.iter().map(|l| -damping * epsilon * l).collect(),
        iterations,
        residual,
        marginal_error,
        converged,
    })
}

/// The plan `exp(alpha_i + beta_j + neg_cost_ij)`.
fn plan(neg_cost: &[f64], alpha: &[f64], beta: &[f64]) -> Array2<f64> {
    let mut plan = Vec::with_capacity(neg_cost.len());
    for (row, a) in neg_cost.chunks_exact(beta.len()).zip(alpha) {
        plan.extend(row.iter().zip(beta).map(|(c, b)| (a + b + c).exp()));
    }
    // The vector holds exactly alpha.len() rows of beta.len() entries, as neg_cost does.
    Array2::from_shape_vec((alpha.len(), beta.len()), plan).expect("plan has the cost's shape")
}

/// The column sums of the plan `exp(alpha_i + beta_j + neg_cost_ij)`, into `out`.
fn column_sums(neg_cost: &[f64], alpha: &[f64], beta: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for (row, &a) in neg_cost.chunks_exact(beta.len()).zip(alpha) {
        if a == f64::NEG_INFINITY {
            continue;
        }
        for ((out, c), b) in out.iter_mut().zip(row).zip(beta) {
            *out += (a + b + c).exp();
        }
    }
}

/// The Euclidean distance between two vectors of the same length.
fn distance(x: &[f64], y: impl Iterator<Item = f64>) -> f64 {
    x.iter()
        .zip(y)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// `max |x − y|` over the entries (infinite when `y` is the loop's infinite start).
fn largest_change(x: &[f64], y: &[f64]) -> f64 {
    x.iter()
        .zip(y)
        .fold(0.0, |max: f64, (x, y)| max.max((x - y).abs()))
}
