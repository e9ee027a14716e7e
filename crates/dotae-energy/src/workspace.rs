//! Per-thread scratch space, allocated once and reused by every step a thread solves.

use std::sync::Mutex;

use faer::dyn_stack::MemBuffer;

use crate::system::StepSystem;

pub(crate) struct Workspace {
    pub(crate) values: Vec<f64>,
    pub(crate) factor: Vec<f64>,
    pub(crate) stack: MemBuffer,
    pub(crate) rhs: Vec<f64>,
    /// Cell fields: step density, right-hand side, potential, density gradient.
    pub(crate) density: Vec<f64>,
    pub(crate) b: Vec<f64>,
    pub(crate) y: Vec<f64>,
    pub(crate) grad_density: Vec<f64>,
    /// Face fields: weights and `Dᵀ y`.
    pub(crate) u: Vec<f64>,
    pub(crate) dty: Vec<f64>,
}

impl Workspace {
    fn new(system: &StepSystem, cells: usize, faces: usize) -> Self {
        Self {
            values: vec![0.0; system.nonzeros()],
            factor: vec![0.0; system.factor_len()],
            stack: MemBuffer::new(system.scratch),
            rhs: vec![0.0; system.unknowns()],
            density: vec![0.0; cells],
            b: vec![0.0; cells],
            y: vec![0.0; cells],
            grad_density: vec![0.0; cells],
            u: vec![0.0; faces],
            dty: vec![0.0; faces],
        }
    }

    /// A placeholder that owns no memory.
    fn empty() -> Self {
        Self {
            values: Vec::new(),
            factor: Vec::new(),
            stack: MemBuffer::new(faer::dyn_stack::StackReq::EMPTY),
            rhs: Vec::new(),
            density: Vec::new(),
            b: Vec::new(),
            y: Vec::new(),
            grad_density: Vec::new(),
            u: Vec::new(),
            dty: Vec::new(),
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
        let workspace = std::mem::replace(&mut self.workspace, Workspace::empty());
        if let Ok(mut free) = self.pool.free.lock() {
            free.push(workspace);
        }
    }
}
