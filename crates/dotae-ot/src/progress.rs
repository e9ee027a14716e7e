//! What an iterative solver reports while it runs, so a caller can draw a progress bar or stop
//! it early (a solver never prints).

use std::ops::ControlFlow;

use serde::Serialize;

/// One report of an iterative solver, sent every time it evaluates its stopping rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    /// Iterations done so far.
    pub iteration: usize,
    /// The solver's iteration limit.
    pub max_iterations: usize,
    /// The quantity the stopping rule compares with `tolerance` (each solver documents which).
    pub residual: f64,
    /// The tolerance the residual must fall below.
    pub tolerance: f64,
}

/// A caller's hook into an iterative solver: return `ControlFlow::Break(())` to stop it early
/// (the solver then returns what it has, marked as not converged).
pub trait Observer {
    /// Called with each report.
    fn observe(&mut self, progress: Progress) -> ControlFlow<()>;
}

impl<F: FnMut(Progress) -> ControlFlow<()>> Observer for F {
    fn observe(&mut self, progress: Progress) -> ControlFlow<()> {
        self(progress)
    }
}

/// The observer of the one-call functions: runs to the stopping rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn observe(&mut self, _: Progress) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}
