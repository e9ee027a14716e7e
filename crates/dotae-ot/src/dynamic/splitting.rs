//! The Douglas–Rachford iteration of Papadakis, Peyré & Oudet (2014) on the staggered grid.
//!
//! The unknown is a pair `(U, V)` of staggered and centred variables (see `staggered.rs`),
//! and the problem is `min G₁(U, V) + G₂(U, V)` with `G₁ = ι_C(U) + J(V)` (continuity
//! constraint and kinetic energy, whose proximal maps are the space-time Poisson projection
//! and the pointwise cubic) and `G₂ = ι{V = I U}` (the interpolation constraint, a
//! tridiagonal projection). With `z̃` the iterate:
//!
//! ```text
//! z = prox_{γG₁}(z̃),   w = prox_{γG₂}(2z − z̃),   z̃ ← z̃ + α (w − z)
//! ```
//!
//! `z` converges to a minimiser; `‖w − z‖/‖z‖` is the stopping rule.

use std::ops::ControlFlow;

use super::continuity::ContinuityProjection;
use super::kinetic::{kinetic_energy, prox_kinetic};
use super::staggered::{GraphProjection, Point, SpaceTime, interpolate};
use crate::{Observer, Progress};

/// Where the iteration stopped.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// `prox_{γG₁}` of the last iterate: `U` satisfies the continuity constraint exactly.
    pub point: Point,
    pub iterations: usize,
    pub converged: bool,
    pub history: Vec<Progress>,
}

/// The parameters of one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    pub step_size: f64,
    pub relaxation: f64,
    pub max_iterations: usize,
    pub tolerance: f64,
}

/// Runs Douglas–Rachford from the path whose densities are `initial_density` (its momentum is
/// zero and its centred part its interpolation).
pub(crate) fn douglas_rachford(
    size: SpaceTime,
    continuity: &mut ContinuityProjection,
    initial_density: ndarray::Array3<f64>,
    schedule: Schedule,
    observer: &mut impl Observer,
) -> Outcome {
    let graph = GraphProjection::new(size);
    let mut iterate = Point::zeros(size);
    iterate.staggered.density = initial_density;
    interpolate(&iterate.staggered, &mut iterate.centred);
    let mut z = Point::zeros(size);
    let mut reflected = Point::zeros(size);
    let mut w = Point::zeros(size);
    let mut history = Vec::new();
    let mut converged = false;
    let mut iterations = 0;
    while iterations < schedule.max_iterations {
        prox_first(continuity, &iterate, schedule.step_size, &mut z);
        reflected.assign_combination(2.0, &z, -1.0, &iterate);
        graph.project(&reflected, &mut w);
        iterate.add_scaled_difference(schedule.relaxation, &w, &z);
        iterations += 1;
        let residual = (w.distance_squared(&z) / z.norm_squared()).sqrt();
        let progress = Progress {
            iteration: iterations,
            max_iterations: schedule.max_iterations,
            residual,
            tolerance: schedule.tolerance,
        };
        history.push(progress);
        converged = residual < schedule.tolerance;
        if converged || observer.observe(progress) == ControlFlow::Break(()) {
            break;
        }
    }
    prox_first(continuity, &iterate, schedule.step_size, &mut z);
    Outcome {
        point: z,
        iterations,
        converged,
        history,
    }
}

/// `out = prox_{γG₁}(input)`: the continuity projection of `U`, the kinetic prox of `V`.
fn prox_first(
    continuity: &mut ContinuityProjection,
    input: &Point,
    step_size: f64,
    out: &mut Point,
) {
    out.clone_from(input);
    continuity.project(&mut out.staggered);
    prox_kinetic(&mut out.centred, step_size);
}

/// `W₂²` in the solver's units: `(1/T) Σ |m̄|²/ρ̄` of the centred variables.
pub(crate) fn kinetic_action(point: &Point, steps: usize) -> f64 {
    2.0 * kinetic_energy(&point.centred) / steps as f64
}
