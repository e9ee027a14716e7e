//! Scratch space for one group of [`LANES`] steps, allocated once per worker thread and reused.

use std::sync::Mutex;

use crate::cholesky::{LANES, Lanes};
use crate::system::StepSystem;

#[derive(Default)]
pub(crate) struct Workspace {
    /// Matrix values, factor values, factorisation scratch and right-hand sides, lane-major.
    pub(crate) values: Vec<Lanes>,
    pub(crate) factor: Vec<Lanes>,
    pub(crate) work: Vec<Lanes>,
    pub(crate) rhs: Vec<Lanes>,
    /// Per lane: step density and right-hand side on cells, face weights on faces.
    pub(crate) density: Vec<f64>,
    pub(crate) b: Vec<f64>,
    pub(crate) u: Vec<f64>,
    /// One lane at a time: potential and density gradient on cells, `Dᵀ y` on faces.
    pub(crate) y: Vec<f64>,
    pub(crate) grad_density: Vec<f64>,
    pub(crate) dty: Vec<f64>,
}

impl Workspace {
    fn new(system: &StepSystem, cells: usize, faces: usize) -> Self {
        let chol = &system.cholesky;
        Self {
            values: vec![[0.0; LANES]; chol.matrix_len()],
            factor: vec![[0.0; LANES]; chol.factor_len()],
            work: vec![[0.0; LANES]; chol.dim()],
            rhs: vec![[0.0; LANES]; chol.dim()],
            density: vec![0.0; LANES * cells],
            b: vec![0.0; LANES * cells],
            u: vec![0.0; LANES * faces],
            y: vec![0.0; cells],
            grad_density: vec![0.0; cells],
            dty: vec![0.0; faces],
        }
    }
}

/// Workspaces handed out to worker threads and taken back when they are done.
pub(crate) struct WorkspacePool {
    free: Mutex<Vec<Workspace>>,
    cells: usize,
    faces: usize,
}

impl WorkspacePool {
    pub(crate) fn new(cells: usize, faces: usize) -> Self {
        Self {
            free: Mutex::new(Vec::new()),
            cells,
            faces,
        }
    }

    pub(crate) fn checkout<'a>(&'a self, system: &StepSystem) -> PooledWorkspace<'a> {
        let reused = self.free.lock().ok().and_then(|mut free| free.pop());
        PooledWorkspace {
            workspace: reused.unwrap_or_else(|| Workspace::new(system, self.cells, self.faces)),
            pool: self,
        }
    }
}

impl std::fmt::Debug for WorkspacePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspacePool").finish_non_exhaustive()
    }
}

/// A workspace that returns to its pool when dropped.
pub(crate) struct PooledWorkspace<'a> {
    workspace: Workspace,
    pool: &'a WorkspacePool,
}

impl std::ops::Deref for PooledWorkspace<'_> {
    type Target = Workspace;
    fn deref(&self) -> &Workspace {
        &self.workspace
    }
}

impl std::ops::DerefMut for PooledWorkspace<'_> {
    fn deref_mut(&mut self) -> &mut Workspace {
        &mut self.workspace
    }
}

impl Drop for PooledWorkspace<'_> {
    fn drop(&mut self) {
        let workspace = std::mem::take(&mut self.workspace);
        if let Ok(mut free) = self.pool.free.lock() {
            free.push(workspace);
        }
    }
}
