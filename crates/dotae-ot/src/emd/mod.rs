//! Exact discrete optimal transport by the network simplex.
//!
//! Given histograms `a` (length `n`) and `b` (length `m`) of equal mass and a cost matrix `C`
//! (`n × m`), [`emd`] finds a plan `P ≥ 0` with row sums `a` and column sums `b` that minimises
//! `⟨P, C⟩`, together with dual potentials `u`, `v` that prove it optimal (the algorithm of
//! POT's `ot.emd`, a primal network simplex with block-search pricing, written anew in Rust).
//! [`w2_squared_images`] and [`w2_squared_points`] are the squared 2-Wasserstein distances
//! between two images on their pixel grids and between two point clouds (a dense cost matrix
//! only over the pairs with mass).
//!
//! Optimality is not taken on trust: after the simplex stops, every pair is checked against
//! the duals ([`OptimalityCertificate`]), and a plan the duals do not certify is an
//! [`OtError::Internal`].

mod cost;
mod geometry;
mod simplex;
mod transport;
mod tree;

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::Serialize;

pub use cost::squared_euclidean_cost;
pub use geometry::{w2_squared_images, w2_squared_points};
pub use transport::{ExactTransport, OptimalityCertificate, PlanEntry};

use crate::{Observer, OtError, Silent, check};
use cost::{ArcCosts, DenseCosts};

/// The largest problem the exact solver takes, in source–target pairs (`n · m`, counting only
/// entries with mass): `2²⁷ ≈ 1.3 · 10⁸`, where a dense cost matrix takes 1 GiB. Larger problems
/// are an [`OtError::TooLarge`].
pub const EMD_MAX_ARCS: usize = 1 << 27;

/// The pricing tolerance of the network simplex: a pair prices as profitable when its reduced
/// cost `C_ij − u_i − v_j` is below `−EMD_PRICING_TOLERANCE · max(|C_ij|, |u_i|, |v_j|)`. About
/// 64 rounding errors: far above the rounding of a tree pair's reduced cost (tight by
/// construction), far below any cost difference that matters.
pub const EMD_PRICING_TOLERANCE: f64 = 64.0 * f64::EPSILON;

/// The certificate a solution must pass, relative to its scale (the largest cost or potential):
/// far above the solver's rounding, far below any meaningful cost difference.
const CERTIFICATE_TOLERANCE: f64 = 1e-9;

/// Settings of the network simplex.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EmdConfig {
    /// The most pivots before giving up with [`OtError::NotConverged`]. Default `10_000_000`,
    /// far above what problems within [`EMD_MAX_ARCS`] take in practice (a 1024 × 1024
    /// problem takes a few tens of thousands).
    pub max_iterations: usize,
    /// The relative difference allowed between the masses of `a` and `b`,
    /// `|Σa − Σb| / max(Σa, Σb)`; above it the call is an [`OtError::UnequalMass`]. Within it,
    /// `b` is rescaled to the mass of `a` (as POT does). Default `1e-9`; it must be `> 0`.
    pub mass_tolerance: f64,
}

impl Default for EmdConfig {
    fn default() -> Self {
        Self {
            max_iterations: 10_000_000,
            mass_tolerance: 1e-9,
        }
    }
}

/// The optimal transport between histograms `a` (sources) and `b` (targets) for the cost
/// matrix `cost` (`a.len() × b.len()`), with the default [`EmdConfig`].
///
/// ```
/// use ndarray::array;
///
/// let a = array![0.5, 0.5];
/// let b = array![0.25, 0.75];
/// let cost = array![[0.0, 1.0], [1.0, 0.0]];
/// let t = dotae_ot::emd(a.view(), b.view(), cost.view())?;
/// // A quarter of the mass must cross, at unit cost.
/// assert!((t.cost - 0.25).abs() < 1e-15);
/// // The duals prove it: u_i + v_j <= C_ij everywhere, with equality where mass moves.
/// assert!(t.certificate.certifies(1e-12, 1.0));
/// # Ok::<(), dotae_ot::OtError>(())
/// ```
///
/// # Errors
/// As [`emd_with`].
pub fn emd(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
) -> Result<ExactTransport, OtError> {
    emd_with(a, b, cost, &EmdConfig::default(), &mut Silent)
}

/// [`emd`] with explicit settings and an observer, told of every pricing scan (the stopping
/// rule: the simplex stops when no pair has a reduced cost `C_ij − u_i − v_j` below
/// `−EMD_PRICING_TOLERANCE · max(|C_ij|, |u_i|, |v_j|)`; the report's residual is the entering
/// pair's violation on that scale). An observer that breaks ends the solve with
/// [`OtError::NotConverged`]: an interrupted simplex has a feasible plan but no optimality
/// proof.
///
/// Sources and targets without mass are left out of the simplex (their potentials are filled
/// in afterwards), so sparse histograms solve faster.
///
/// # Errors
/// [`OtError::Empty`], [`OtError::NonFinite`], [`OtError::Negative`] or [`OtError::ZeroMass`]
/// for a bad `a` or `b`; [`OtError::NonFinite`] for a bad `cost`; [`OtError::Shape`] when
/// `cost` is not `a.len() × b.len()`; [`OtError::UnequalMass`] beyond `mass_tolerance`;
/// [`OtError::Parameter`] for a bad `mass_tolerance`; [`OtError::TooLarge`] above
/// [`EMD_MAX_ARCS`]; [`OtError::NotConverged`] at `max_iterations` or when the observer
/// breaks.
pub fn emd_with(
    a: ArrayView1<f64>,
    b: ArrayView1<f64>,
    cost: ArrayView2<f64>,
    config: &EmdConfig,
    observer: &mut impl Observer,
) -> Result<ExactTransport, OtError> {
    let problem = Histograms::checked(a, b, config)?;
    check::cost_matrix(&cost, a.len(), b.len())?;
    let full = DenseCosts::new(cost, None, None);
    if problem.sources.is_none() && problem.targets.is_none() {
        return problem.solve(&full, &full, config, observer);
    }
    let kept = DenseCosts::new(cost, problem.kept_sources(), problem.kept_targets());
    problem.solve(&kept, &full, config, observer)
}

/// Two checked histograms of equal mass, with the entries that carry mass.
struct Histograms {
    a: Vec<f64>,
    /// `b` rescaled to the mass of `a`.
    b: Vec<f64>,
    /// The sources the simplex sees, in the order it sees them: the indices of those with mass
    /// (`None`: all of them, in order).
    sources: Option<Vec<usize>>,
    /// The targets the simplex sees, likewise.
    targets: Option<Vec<usize>>,
}

impl Histograms {
    fn checked(
        a: ArrayView1<f64>,
        b: ArrayView1<f64>,
        config: &EmdConfig,
    ) -> Result<Self, OtError> {
        check::positive("mass_tolerance", config.mass_tolerance)?;
        let mass_a = check::mass("a", &a)?;
        let mass_b = check::mass("b", &b)?;
        check::equal_mass("a and b", mass_a, mass_b, config.mass_tolerance)?;
        let with_mass = |h: &ArrayView1<f64>| {
            let kept: Vec<usize> = (0..h.len()).filter(|&k| h[k] > 0.0).collect();
            (kept.len() < h.len()).then_some(kept)
        };
        let problem = Self {
            a: a.to_vec(),
            b: b.iter().map(|b_j| b_j * (mass_a / mass_b)).collect(),
            sources: with_mass(&a),
            targets: with_mass(&b),
        };
        let (n, m) = problem.kept_shape();
        check_arc_count(
            "source-target pairs of the entries with mass of a and b",
            n,
            m,
        )?;
        Ok(problem)
    }

    fn kept_sources(&self) -> Option<&[usize]> {
        self.sources.as_deref()
    }

    fn kept_targets(&self) -> Option<&[usize]> {
        self.targets.as_deref()
    }

    fn kept_shape(&self) -> (usize, usize) {
        (
            self.sources.as_ref().map_or(self.a.len(), Vec::len),
            self.targets.as_ref().map_or(self.b.len(), Vec::len),
        )
    }

    /// Solves on `kept` (the costs between the entries with mass) and answers for the whole
    /// problem, whose costs are `full`.
    fn solve(
        &self,
        kept: &impl ArcCosts,
        full: &impl ArcCosts,
        config: &EmdConfig,
        observer: &mut impl Observer,
    ) -> Result<ExactTransport, OtError> {
        let pick = |h: &[f64], kept: Option<&[usize]>| match kept {
            Some(kept) => kept.iter().map(|&k| h[k]).collect(),
            None => h.to_vec(),
        };
        let supply: Vec<f64> = pick(&self.a, self.kept_sources());
        let demand: Vec<f64> = pick(&self.b, self.kept_targets());
        let solved =
            simplex::network_simplex(&supply, &demand, kept, config.max_iterations, observer)?;

        let original = |kept: Option<&[usize]>, k: usize| kept.map_or(k, |kept| kept[k]);
        let mut plan: Vec<PlanEntry> = solved
            .tree
            .arcs()
            .filter(|&(_, _, mass)| mass > 0.0)
            .map(|(i, j, mass)| PlanEntry {
                source: original(self.kept_sources(), i),
                target: original(self.kept_targets(), j),
                mass,
            })
            .collect();
        plan.sort_by_key(|e| (e.source, e.target));
        let cost = plan
            .iter()
            .map(|e| e.mass * full.cost(e.source, e.target))
            .sum();

        let (n, m) = (self.a.len(), self.b.len());
        let mut u = vec![0.0; n];
        let mut v = vec![0.0; m];
        let mut source_kept = vec![self.sources.is_none(); n];
        let mut target_kept = vec![self.targets.is_none(); m];
        for (k, &u_k) in solved.tree.source_potentials().iter().enumerate() {
            let i = original(self.kept_sources(), k);
            u[i] = u_k;
            source_kept[i] = true;
        }
        for (k, &v_k) in solved.tree.target_potentials().iter().enumerate() {
            let j = original(self.kept_targets(), k);
            v[j] = v_k;
            target_kept[j] = true;
        }
        transport::complete_potentials(&mut u, &mut v, &source_kept, &target_kept, full);

        let certificate = transport::certify(&plan, cost, &u, &v, &self.a, &self.b, full);
        let mass: f64 = self.a.iter().sum();
        if !certificate.certifies(CERTIFICATE_TOLERANCE, mass) {
            return Err(OtError::Internal {
                reason: format!(
                    "the network simplex stopped at a plan its duals do not certify: {certificate:?}"
                ),
            });
        }
        Ok(ExactTransport {
            plan,
            cost,
            source_potential: Array1::from(u),
            target_potential: Array1::from(v),
            iterations: solved.pivots,
            certificate,
            shape: (n, m),
        })
    }
}

/// Checks that `n · m` pairs (named `what`) are within [`EMD_MAX_ARCS`].
fn check_arc_count(what: &'static str, n: usize, m: usize) -> Result<(), OtError> {
    let size = n.saturating_mul(m);
    if size <= EMD_MAX_ARCS {
        Ok(())
    } else {
        Err(OtError::TooLarge {
            what,
            size,
            limit: EMD_MAX_ARCS,
            reason: "the exact solver scans every source–target pair, and a dense cost matrix of that many pairs takes over 1 GiB",
        })
    }
}
