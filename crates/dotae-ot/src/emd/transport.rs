//! The answer of the exact solver: a sparse optimal plan, its cost, and the dual potentials
//! that prove it optimal.

use ndarray::{Array1, Array2};
use serde::Serialize;

use super::cost::ArcCosts;

/// One non-zero entry of a transport plan: `mass` moves from source `source` to target `target`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlanEntry {
    /// The source's index (into `a`, the rows of the cost).
    pub source: usize,
    /// The target's index (into `b`, the columns of the cost).
    pub target: usize,
    /// The mass moved, `> 0`.
    pub mass: f64,
}

/// How well the dual potentials certify a plan optimal (linear-programming duality), all in
/// the units of the cost.
///
/// A plan `P` and potentials `u`, `v` are optimal together when the potentials are feasible
/// (`u_i + v_j ≤ C_ij` for every pair), tight on the plan's support (`u_i + v_j = C_ij` where
/// `P_ij > 0`), so that the primal cost `⟨P, C⟩` equals the dual objective `⟨a, u⟩ + ⟨b, v⟩`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OptimalityCertificate {
    /// `max(0, max_ij (u_i + v_j − C_ij))` over every pair: how infeasible the duals are.
    pub max_dual_violation: f64,
    /// `max |C_ij − u_i − v_j|` over the plan's support: how far from complementary slackness.
    pub max_support_slack: f64,
    /// The dual objective `⟨a, u⟩ + ⟨b, v⟩` (with `b` rescaled to the mass of `a`).
    pub dual_objective: f64,
    /// `|⟨P, C⟩ − dual objective|`.
    pub duality_gap: f64,
    /// The scale the three errors are judged against: the largest `|C_ij|`, `|u_i|` or `|v_j|`.
    pub scale: f64,
}

impl OptimalityCertificate {
    /// Whether every error is at most `relative · scale` (and the mass-weighted gap at most
    /// `relative · scale · mass`).
    pub fn certifies(&self, relative: f64, mass: f64) -> bool {
        let bound = relative * self.scale;
        self.max_dual_violation <= bound
            && self.max_support_slack <= bound
            && self.duality_gap <= bound * mass
    }
}

/// An optimal transport plan between two histograms, found by the network simplex.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactTransport {
    /// The plan's non-zero entries, sorted by source then target: at most `n + m − 1` of them
    /// (a vertex of the transport polytope). Row sums are `a`, column sums `b` rescaled to the
    /// mass of `a`.
    pub plan: Vec<PlanEntry>,
    /// The optimal cost `⟨P, C⟩ = Σ mass · C_ij`, in the units of the cost times mass.
    pub cost: f64,
    /// The source potentials `u` (length `n`). Sources without mass get the largest value that
    /// keeps the duals feasible, `min_j (C_ij − v_j)`.
    pub source_potential: Array1<f64>,
    /// The target potentials `v` (length `m`). Targets without mass get
    /// `min_i (C_ij − u_i)`. The pair `(u, v)` is defined up to `u + t, v − t`; the solver's
    /// has `u = 0` at the first source with mass.
    pub target_potential: Array1<f64>,
    /// The pivots the network simplex made.
    pub iterations: usize,
    /// The dual check of optimality, computed by the solver over every pair after it stopped.
    pub certificate: OptimalityCertificate,
    /// `(n, m)`: the numbers of sources and targets.
    pub shape: (usize, usize),
}

impl ExactTransport {
    /// The plan as a dense `n × m` matrix (allocates `n · m` values).
    pub fn dense_plan(&self) -> Array2<f64> {
        let mut dense = Array2::zeros(self.shape);
        for entry in &self.plan {
            dense[[entry.source, entry.target]] += entry.mass;
        }
        dense
    }
}

/// The potentials of the sources and targets left out of the solve (without mass), each the
/// largest value that keeps the duals feasible: first the sources against the kept targets,
/// then the targets against every source.
pub(super) fn complete_potentials(
    u: &mut [f64],
    v: &mut [f64],
    source_kept: &[bool],
    target_kept: &[bool],
    costs: &impl ArcCosts,
) {
    for (i, u_i) in u.iter_mut().enumerate().filter(|(i, _)| !source_kept[*i]) {
        *u_i = (0..v.len())
            .filter(|&j| target_kept[j])
            .map(|j| costs.cost(i, j) - v[j])
            .fold(f64::INFINITY, f64::min);
    }
    for (j, v_j) in v.iter_mut().enumerate().filter(|(j, _)| !target_kept[*j]) {
        *v_j = (0..u.len())
            .map(|i| costs.cost(i, j) - u[i])
            .fold(f64::INFINITY, f64::min);
    }
}

/// Checks `plan` and the potentials against each other over every pair of `costs`.
pub(super) fn certify(
    plan: &[PlanEntry],
    cost: f64,
    u: &[f64],
    v: &[f64],
    a: &[f64],
    b: &[f64],
    costs: &impl ArcCosts,
) -> OptimalityCertificate {
    let mut max_dual_violation: f64 = 0.0;
    let mut largest_cost: f64 = 0.0;
    for (i, &u_i) in u.iter().enumerate() {
        let (lowest, _) = costs.cheapest_in_row(i, 0..v.len(), u_i, v);
        max_dual_violation = max_dual_violation.max(-lowest);
        for j in 0..v.len() {
            largest_cost = largest_cost.max(costs.cost(i, j).abs());
        }
    }
    let max_support_slack = plan
        .iter()
        .map(|e| (costs.cost(e.source, e.target) - u[e.source] - v[e.target]).abs())
        .fold(0.0, f64::max);
    let dual_objective = dot(a, u) + dot(b, v);
    let largest_potential = u.iter().chain(v).fold(0.0_f64, |m, p| m.max(p.abs()));
    OptimalityCertificate {
        max_dual_violation,
        max_support_slack,
        dual_objective,
        duality_gap: (cost - dual_objective).abs(),
        scale: largest_cost.max(largest_potential),
    }
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(x, y)| x * y).sum()
}
